"""tnb.nats beyond the official class: the vectorised accessors (metric_array, cost_array,
to_pandas) against per-architecture official calls, the non-executing pickle_load against the
files' objects, the tnb-only errors (a source of the other space, a file that is not
NATS-Bench), and the objects' module names. Runs on the real samples (data/nats/samples/)."""

import os
import random

import numpy as np
import pytest

import tnb
from tnb import nats

import nats_fixtures
from test_nats_official import same

try:
    import nats_bench
except ImportError:  # pragma: no cover
    nats_bench = None

HAS_STORE = hasattr(tnb._tnb, "NatsStore")
SPACES = ["tss", "sss"]
HPS = {"tss": ["12", "200"], "sss": ["01", "12", "90"]}
DATASETS = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"]


def _open(space, how):
    folder = nats_fixtures.FOLDERS[space]
    if how == "dict":
        return nats.create(nats_fixtures.single_dict(folder), space, verbose=False)
    if not HAS_STORE:
        pytest.skip("no NATS store in this build")
    return nats.create(folder, space, fast_mode=True, verbose=False)


@pytest.fixture(scope="module", params=[(s, h) for s in SPACES for h in ["dict", "folder"]],
                ids=lambda p: "-".join(p))
def api(request):
    return request.param[0], _open(*request.param)


def test_metric_array(api):
    space, a = api
    held = sorted(a.evaluated_indexes)
    for hp in HPS[space]:
        for dataset in DATASETS:
            for setname in ["train", "x-valid", "ori-test"]:
                for metric in ["accuracy", "loss", "all_time"]:
                    try:
                        got = a.metric_array(dataset, setname, metric, None, hp)
                    except (KeyError, ValueError):
                        continue
                    assert got.dtype == np.float64 and got.shape == (len(a),)
                    mask = np.ones(len(a), dtype=bool)
                    mask[held] = False
                    assert np.isnan(got[mask]).all()
                    for i in held:
                        want = a.query_meta_info_by_index(i, hp).get_metrics(dataset, setname)[metric]
                        assert got[i] == (np.nan if want is None else want) or (want is None and np.isnan(got[i]))


def test_cost_array(api):
    space, a = api
    held = sorted(a.evaluated_indexes)
    for hp in HPS[space]:
        for dataset in DATASETS:
            for metric in ["flops", "params", "latency", "T-train@total"]:
                got = a.cost_array(dataset, metric, hp)
                for i in held:
                    assert got[i] == a.get_cost_info(i, dataset, hp)[metric]
                assert np.isnan(np.delete(got, held)).all()


def test_metric_array_random_draws(api):
    """is_random=True: one random.randint per held architecture, in index order."""
    space, a = api
    random.seed(5)
    got = a.metric_array("cifar10-valid", "x-valid", "accuracy", None, "12", True)
    state = random.getstate()
    random.seed(5)
    want = [a.query_meta_info_by_index(i, "12").get_metrics("cifar10-valid", "x-valid", None, True)["accuracy"]
            for i in sorted(a.evaluated_indexes)]
    assert random.getstate() == state
    assert list(got[sorted(a.evaluated_indexes)]) == want


def test_to_pandas(api):
    pd = pytest.importorskip("pandas")
    space, a = api
    frame = a.to_pandas(hp="12")
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(a)
    assert frame.columns[0] == ("arch", "")
    assert frame[("arch", "")][284] == a[284]
    assert frame[("cifar10", "ori-test-accuracy")][0] == a.get_more_info(0, "cifar10", hp="12", is_random=False)[
        "test-accuracy"]
    assert frame[("cifar100", "flops")][11] == a.get_cost_info(11, "cifar100", "12")["flops"]


@pytest.mark.skipif(not HAS_STORE, reason="no NATS store in this build")
@pytest.mark.parametrize("space", SPACES)
def test_pickle_load(space, tmp_path):
    """pickle_load (tnb's reader) gives the objects the files hold (types, order, values)."""
    folder = nats_fixtures.FOLDERS[space]
    for name in ["meta.pickle.pbz2", "000284.pickle.pbz2"]:
        path = os.path.join(folder, name)
        assert same(nats.pickle_load(path), nats_fixtures.load(path)), name
    # Without the extension, as the official appends it.
    path = os.path.join(folder, "000011.pickle")
    assert same(nats.pickle_load(path), nats_fixtures.load(path + ".pbz2"))
    # pickle_save writes what pickle_load reads back.
    obj = {"a": [1, 2.5, "x"], "b": {3, 4}}
    nats.pickle_save(obj, str(tmp_path / "x.pickle"))
    assert same(nats.pickle_load(str(tmp_path / "x.pickle.pbz2")), obj)


@pytest.mark.skipif(not HAS_STORE, reason="no NATS store in this build")
def test_refusals(tmp_path):
    # The other space's source.
    with pytest.raises(tnb.FormatError, match="size"):
        nats.create(nats_fixtures.FOLDERS["sss"], "tss", fast_mode=True, verbose=False)
    # Not bz2.
    bad = tmp_path / "x.pickle.pbz2"
    bad.write_bytes(b"not a bz2 stream at all")
    with pytest.raises(tnb.FormatError):
        nats.create(str(bad), "tss", verbose=False)
    with pytest.raises(tnb.FormatError):
        nats.pickle_load(str(bad))
    # Truncated: a one-line error naming the file, from the folder and from pickle_load.
    data = open(os.path.join(nats_fixtures.FOLDERS["tss"], "000011.pickle.pbz2"), "rb").read()
    cut = tmp_path / "cut"
    cut.mkdir()
    meta = open(os.path.join(nats_fixtures.FOLDERS["tss"], "meta.pickle.pbz2"), "rb").read()
    (cut / "meta.pickle.pbz2").write_bytes(meta)
    (cut / "000011.pickle.pbz2").write_bytes(data[: len(data) // 2])
    for f in (lambda: nats.create(str(cut), "tss", fast_mode=True, verbose=False),
              lambda: nats.pickle_load(str(cut / "000011.pickle.pbz2"))):
        with pytest.raises(tnb.FormatError) as e:
            f()
        assert "000011" in str(e.value) and "\n" not in str(e.value)
    # A pickle naming a global outside the three: refused, nothing executed.
    import bz2
    import pickle

    evil = tmp_path / "evil.pickle.pbz2"
    with bz2.BZ2File(str(evil), "wb") as f:
        pickle.dump({"meta_archs": [], "x": os.system}, f, protocol=4)
    with pytest.raises(tnb.FormatError):
        nats.pickle_load(str(evil))


def test_module_surface():
    assert nats.version() == "v1.8"
    assert nats.ArchResults.__module__ == "tnb.nats" and nats.ResultsCount.__module__ == "tnb.nats"
    assert issubclass(nats.NATStopology, nats.NASBenchMetaAPI) and issubclass(nats.NATSsize, nats.NASBenchMetaAPI)
    assert tnb.nats is nats
    if nats_bench is not None:
        import inspect

        def params(f):
            return [(p.name, p.default, p.kind) for p in inspect.signature(f).parameters.values()]

        for name in ["create", "search_space_info", "pickle_save", "pickle_load", "version"]:
            assert params(getattr(nats, name)) == params(getattr(nats_bench, name)), name
        for cls, off in [(nats.NATStopology, nats_bench.NATStopology), (nats.NATSsize, nats_bench.NATSsize),
                         (nats.ArchResults, nats_bench.ArchResults), (nats.ResultsCount, nats_bench.ResultsCount)]:
            for m in [m for m in dir(off) if not m.startswith("_") or m in ("__init__", "__getitem__", "__len__")]:
                assert hasattr(cls, m), (cls, m)
                f = inspect.getattr_static(off, m)
                if isinstance(f, property):
                    assert isinstance(inspect.getattr_static(cls, m), property), m
                elif callable(getattr(off, m)):
                    assert params(getattr(cls, m)) == params(getattr(off, m)), (cls, m)
