"""tnb.nats side by side with the official `nats_bench` (v1.8, `pip install --no-deps
nats-bench==1.8`, as tools/test-all.sh does) on the REAL sample files (data/nats/samples/: archs
0, 11 and 284 of each space) and on the held-out look-alikes (data/nats/, when present).

Each tnb opening is paired with the official object that takes the same source: the folder
(both fast_mode=True), a single `.pickle.pbz2` built from the samples (both fast_mode=False), the
dict (both modes), and the converted archive (named like the single file: paired with the
official single file without fast mode, with the official dict in fast mode). Every public
method is called with a grid of arguments (valid, missing, out of range, wrong type) with
Python's global `random` seeded the same way before each call: answers must agree in type,
float bits and key order; exceptions in class and message; the generator's state after the
call; and what is printed (timestamps masked). Skipped when nats_bench is not installed.
"""

import contextlib
import io
import os
import random
import re
import struct
import warnings

import numpy as np
import pytest

import tnb
from tnb import nats

import nats_fixtures

try:
    import nats_bench
except ImportError:  # pragma: no cover - CI installs it
    nats_bench = None

pytestmark = pytest.mark.skipif(nats_bench is None, reason="nats_bench (pip nats-bench==1.8) is not installed")

HAS_STORE = hasattr(tnb._tnb, "NatsStore")
SPACES = ["tss", "sss"]
HOWS = ["dict", "dict-fast", "folder", "file", "archive", "archive-fast", "synth-folder", "synth-file"]
ARCHS = [0, 11, 284]
SYNTH = os.path.join(nats_fixtures.DATA, "synth")


def held(api):
    """The first three archs `api` holds (the samples' 0, 11, 284)."""
    return sorted(api.evaluated_indexes)[:3]


# ---------------------------------------------------------------------------------------------
# Comparing


def same(x, y):
    """Whether `x` (tnb) equals `y` (official) in type, float bits and order, recursively;
    ArchResults/ResultsCount by class name and state."""
    name = type(y).__name__
    if name in ("ArchResults", "ResultsCount"):
        return type(x).__name__ == name and same(x.__dict__, y.__dict__)
    if type(x) is not type(y):
        return False
    if isinstance(x, (float, np.floating)):
        return struct.pack("<d", float(x)) == struct.pack("<d", float(y)) or (x != x and y != y)
    if isinstance(x, np.ndarray):
        return x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()
    if isinstance(x, (list, tuple)):
        return len(x) == len(y) and all(same(a, b) for a, b in zip(x, y))
    if isinstance(x, dict):
        return same(list(x), list(y)) and all(same(x[k], y[k]) for k in x)
    if isinstance(x, (set, frozenset)):
        return x == y
    return x == y


_STAMP = re.compile(r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\]")


def run(f, *args, **kwargs):
    """(outcome, printed text, random state after) of one call, `random` seeded before."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ("ok", f(*args, **kwargs))
        except Exception as e:  # noqa: BLE001 - class and message are what is compared
            result = ("raise", type(e), str(e))
    text = _STAMP.sub("[T]", out.getvalue())
    return result, text, [str(w.message) for w in caught], random.getstate()


def agree(got, want):
    (g, gtext, gwarn, gstate), (w, wtext, wwarn, wstate) = got, want
    if g[0] != w[0] or gtext != wtext or gwarn != wwarn or gstate != wstate:
        return False
    if g[0] == "raise":
        return g[1:] == w[1:]
    return same(g[1], w[1])


def check(ours, theirs, name, *args, seed=0, **kwargs):
    random.seed(seed)
    want = run(getattr(theirs, name), *args, **kwargs)
    random.seed(seed)
    got = run(getattr(ours, name), *args, **kwargs)
    assert agree(got, want), "{}{}{}: tnb {!r} official {!r}".format(name, args, kwargs, got[:3], want[:3])
    return got


# ---------------------------------------------------------------------------------------------
# Openings


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """{space: {'folder', 'file', 'archive', 'dict'}} of the real samples."""
    tmp = tmp_path_factory.mktemp("nats")
    out = {}
    for space in SPACES:
        folder = nats_fixtures.FOLDERS[space]
        d = tmp / space
        d.mkdir()
        single = nats_fixtures.write_single(folder, str(d / nats_fixtures.SINGLE_NAMES[space]))
        entry = {"folder": folder, "file": single, "dict": nats_fixtures.single_dict(folder),
                 "synth-folder": os.path.join(SYNTH, space + "-simple"),
                 "synth-file": os.path.join(SYNTH, space + ".pickle.pbz2")}
        if HAS_STORE and hasattr(tnb._tnb, "nats_convert"):
            arch_dir = d / "archive"
            arch_dir.mkdir()
            # Named like the single file, so that `filename` (repr) agrees with the official's.
            target = str(arch_dir / nats_fixtures.SINGLE_NAMES[space])
            try:
                tnb._tnb.nats_convert(folder, target)
                entry["archive"] = target
            except tnb.FormatError as e:  # a build without the converter
                assert "cannot convert" in str(e)
        out[space] = entry
    return out


def _official(space, how, src, verbose):
    if how in ("folder", "synth-folder"):
        api = nats_bench.create(src[how], space, fast_mode=True, verbose=verbose)
        # Loads the archs the folder holds (the official fast mode loads on first use; tnb from
        # the start).
        with contextlib.redirect_stdout(io.StringIO()):
            for i in sorted(nats_fixtures.arch_files(src[how])):
                api._prepare_info(i)
        return api
    if how == "synth-file":
        return nats_bench.create(src[how], space, fast_mode=False, verbose=verbose)
    if how in ("file", "archive"):
        return nats_bench.create(src["file"], space, fast_mode=False, verbose=verbose)
    api = nats_bench.create(src["dict"], space, fast_mode=how.endswith("fast"), verbose=verbose)
    if how == "archive-fast":
        api.filename = os.path.basename(src["archive"])
    return api


def _ours(space, how, src, verbose):
    if how.startswith("dict"):
        return nats.create(src["dict"], space, fast_mode=how.endswith("fast"), verbose=verbose)
    if how in ("folder", "synth-folder"):
        return nats.create(src[how], space, fast_mode=True, verbose=verbose)
    if how in ("file", "synth-file"):
        return nats.create(src[how], space, fast_mode=False, verbose=verbose)
    return nats.create(src["archive"], space, fast_mode=how.endswith("fast"), verbose=verbose)


def pair(sources, space, how, verbose=False):
    src = sources[space]
    if not how.startswith("dict") and not HAS_STORE:
        pytest.skip("this build of tnb has no NATS store")
    if how.startswith("archive") and "archive" not in src:
        pytest.skip("this build of tnb cannot convert NATS sources")
    if how.startswith("synth") and not os.path.exists(src[how]):
        pytest.skip("no look-alikes in data/nats/synth")
    with contextlib.redirect_stdout(io.StringIO()):
        return _ours(space, how, src, verbose), _official(space, how, src, verbose)


PAIRS = [(s, h) for s in SPACES for h in HOWS]


@pytest.fixture(scope="module", params=PAIRS, ids=["{}-{}".format(*p) for p in PAIRS])
def apis(request, sources):
    """(space, tnb api, official api), quiet; shared by the read-only tests."""
    space, how = request.param
    ours, theirs = pair(sources, space, how)
    return space, how, ours, theirs


class Arch:
    """An object with `tostr()` (the official query_index_by_arch takes one)."""

    def __init__(self, s):
        self.s = s

    def tostr(self):
        return self.s


def _indexes(ours):
    a0 = ours[0]
    return held(ours) + [0, 11, 284, 1, 5, -1, len(ours), True, a0, "nope", Arch(a0), Arch("nope"), 1.5, None]


DATASETS = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120", "nope"]


def _hps(space):
    return ["12", "200", 200, "x"] if space == "tss" else ["01", "12", "90", 90, 12]


def _epochs(space):
    return [None, 0, 5, 11, 12, -1] + ([199] if space == "tss" else [89, 90])


RANDOMS = [True, False, 777, 111, 888, 999, "x", 1.5]


# ---------------------------------------------------------------------------------------------
# The tests


def test_module_functions():
    assert nats.version() == nats_bench.version() == "v1.8"
    for main, aux in [("nats-bench", "sss"), ("nats-bench", "size"), ("nats-bench", "tss"),
                      ("nats-bench", "topology"), ("nats-bench", "x"), ("nas-bench-201", None),
                      ("nas-bench-201", "tss"), ("x", None)]:
        check(nats, nats_bench, "search_space_info", main, aux)
    check(nats, nats_bench, "create", {"meta_archs": []}, "nope")
    check(nats, nats_bench, "create", {"meta_archs": []}, "tss")
    check(nats, nats_bench, "create", {"meta_archs": [], "arch2infos": {}}, "sss")


def test_constructor_errors(sources, tmp_path):
    src = sources["tss"]
    cases = [
        (str(tmp_path / "missing"), True), (str(tmp_path / "missing"), False),
        (src["file"], True), (src["folder"], False), (12, False), (12, True),
    ]
    for source, fast in cases:
        if isinstance(source, str) and os.path.exists(source) and not HAS_STORE and not (
                os.path.isfile(source) and fast) and not (os.path.isdir(source) and not fast):
            continue
        check(nats, nats_bench, "create", source, "tss", fast_mode=fast, verbose=True)
    bad = dict(src["dict"], meta_archs=src["dict"]["meta_archs"][:2] + src["dict"]["meta_archs"][:1])
    check(nats, nats_bench, "create", bad, "tss", verbose=False)


def test_properties(apis):
    space, how, ours, theirs = apis
    for name in ["search_space_name", "fast_mode", "archive_dir", "full_train_epochs", "is_topology", "is_size",
                 "full_epochs_in_paper", "used_time", "filename", "verbose"]:
        assert same(getattr(ours, name), getattr(theirs, name)), name
    assert sorted(ours.avaliable_hps) == sorted(theirs.avaliable_hps)
    assert repr(ours) == repr(theirs)
    assert len(ours) == len(theirs)
    assert ours.evaluated_indexes == theirs.evaluated_indexes
    assert isinstance(ours, nats.NATStopology if space == "tss" else nats.NATSsize)
    assert same(ours.meta_archs, theirs.meta_archs)
    assert ours.archstr2index == theirs.archstr2index
    assert list(ours.arch2infos_dict) == list(theirs.arch2infos_dict)


def test_simple_methods(apis):
    space, how, ours, theirs = apis
    n = len(theirs)
    for i in [0, 1, 284, n - 1, n, -1, -n, -n - 1, slice(0, 3), "x", 1.5]:
        check(ours, theirs, "__getitem__", i)
    for i in [0, 284, n - 1, n, -1, "x"]:
        check(ours, theirs, "arch", i)
    for a in _indexes(ours) + [[1]]:
        check(ours, theirs, "query_index_by_arch", a)
    for seed in range(5):
        check(ours, theirs, "random", seed=seed)
    if space == "tss":
        for a in [0, 11, 284, 100, -1, ours[5 % n], "nope", Arch(ours[7 % n]), n]:
            check(ours, theirs, "get_unique_str", a)
        for s in [ours[0], ours[-1], "|a~0|+|b~x|", "|a|", "|nor_conv_3x3~0|+|foo~1|"]:
            check(ours, theirs, "str2lists", s)
            check(ours, theirs, "str2matrix", s)
        check(ours, theirs, "str2matrix", ours[3 % n], ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3",
                                                     "avg_pool_3x3"])


def test_get_more_info(apis):
    space, how, ours, theirs = apis
    for index in _indexes(ours):
        for dataset in DATASETS:
            for hp in _hps(space):
                for iepoch in _epochs(space):
                    for is_random in RANDOMS:
                        check(ours, theirs, "get_more_info", index, dataset, iepoch, hp, is_random, seed=index
                              if type(index) is int else 3)


def test_cost_and_meta(apis):
    space, how, ours, theirs = apis
    for index in held(ours) + [0, 11, 284, 1, -1, len(ours), "x", True]:
        for hp in _hps(space) + ["nope"]:
            for dataset in DATASETS:
                check(ours, theirs, "get_cost_info", index, dataset, hp)
                check(ours, theirs, "get_latency", index, dataset, hp)
                check(ours, theirs, "query_by_index", index, dataset, hp)
                for seed in [None, 777, 111, 888, 1]:
                    check(ours, theirs, "get_net_param", index, dataset, seed, hp)
            check(ours, theirs, "query_meta_info_by_index", index, hp)
            check(ours, theirs, "query_by_index", index, None, hp)
            check(ours, theirs, "query_info_str_by_arch", index, hp)
            check(ours, theirs, "query_by_arch", index, hp)
        for dataset in DATASETS:
            check(ours, theirs, "get_net_config", index, dataset)


def test_find_best_statistics(apis):
    space, how, ours, theirs = apis
    for dataset in DATASETS[:4] + ["nope"]:
        for setname in ["train", "valid", "test", "x-valid", "x-test", "ori-test", "nope"]:
            for hp in _hps(space):
                for enforce in [None, False, True]:
                    check(ours, theirs, "find_best", dataset, setname, None, None, hp, enforce)
                check(ours, theirs, "find_best", dataset, setname, 10.0, None, hp, False)
                check(ours, theirs, "find_best", dataset, setname, None, 0.1, hp, False)
                check(ours, theirs, "find_best", dataset, setname, 0.0, 0.0, hp, False)
        for hp in _hps(space):
            check(ours, theirs, "statistics", dataset, hp)


def test_simulate_train_eval(apis):
    space, how, ours, theirs = apis
    for arch in [0, 11, 284, ours[0], "nope", 1, -1]:
        for dataset in ["cifar10", "cifar100", "ImageNet16-120", "cifar10-valid"]:
            for iepoch in _epochs(space):
                for hp in _hps(space):
                    for account in [True, False]:
                        check(ours, theirs, "simulate_train_eval", arch, dataset, iepoch, hp, account, seed=7)
    assert same(ours.used_time, theirs.used_time)
    ours.reset_time()
    theirs.reset_time()
    assert ours.used_time == theirs.used_time == 0


def test_random_session(apis):
    """One seeded session of mixed random calls gives the same answers and generator state."""
    space, how, ours, theirs = apis
    results = []
    for api in (theirs, ours):
        random.seed(1234)
        got = []
        for k in range(60):
            i = held(api)[k % 3]
            hp = _hps(space)[k % 2]
            got.append(api.get_more_info(i, DATASETS[k % 4], None, hp, True))
            got.append(api.simulate_train_eval(i, ["cifar10", "cifar100", "ImageNet16-120"][k % 3], None, hp))
            got.append(api.random())
            got.append(api.query_meta_info_by_index(i, hp).get_metrics(DATASETS[k % 4], "train", None, True))
        got.append(random.getstate())
        results.append(got)
    assert same(results[0], results[1])


def test_objects(apis):
    """ArchResults / ResultsCount methods on both sides' objects."""
    space, how, ours, theirs = apis
    for index in held(ours):
        for hp in _hps(space)[:3] if space == "sss" else _hps(space)[:2]:
            a, b = ours.query_meta_info_by_index(index, hp), theirs.query_meta_info_by_index(index, hp)
            assert type(a).__name__ == "ArchResults" and type(a).__module__ == "tnb.nats"
            for name, args in [("get_dataset_names", ()), ("arch_idx_str", ()), ("state_dict", ()),
                               ("get_total_epoch", ()), ("__repr__", ())]:
                check(a, b, name, *args)
            for dataset in DATASETS:
                for name, args in [("get_compute_costs", (dataset,)), ("get_dataset_seeds", (dataset,)),
                                   ("get_latency", (dataset,)), ("get_total_epoch", (dataset,)),
                                   ("query", (dataset,)), ("query", (dataset, 777)), ("get_net_param", (dataset,)),
                                   ("get_net_param", (dataset, 777)), ("get_net_param", (dataset, 5))]:
                    check(a, b, name, *args)
                for setname in ["train", "x-valid", "x-test", "ori-test", "valid", "nope"]:
                    for iepoch in _epochs(space):
                        for is_random in RANDOMS:
                            check(a, b, "get_metrics", dataset, setname, iepoch, is_random, seed=5)
            for key in list(b.all_results):
                ra, rb = a.all_results[key], b.all_results[key]
                for name, args in [("get_times", ()), ("get_latency", ()), ("get_eval_set", ()),
                                   ("get_total_epoch", ()), ("get_config", (None,)), ("get_net_param", ()),
                                   ("__repr__", ()), ("state_dict", ())]:
                    check(ra, rb, name, *args)
                for iepoch in _epochs(space):
                    check(ra, rb, "get_train", iepoch)
                    for setname in ["x-valid", "x-test", "ori-test", "valid", "nope"]:
                        check(ra, rb, "get_eval", setname, iepoch)


@pytest.mark.parametrize("space,how", PAIRS, ids=["{}-{}".format(*p) for p in PAIRS])
def test_mutations(sources, space, how):
    """clear_params, reload and the fast-mode/archive_dir setters, on a fresh pair."""
    ours, theirs = pair(sources, space, how)
    h = held(theirs)
    for index, hp in [(h[0], None), (h[1], "12"), (h[1], 12), (h[2], "nope"), (1, None), (-1, "12")]:
        check(ours, theirs, "clear_params", index, hp)
    assert same(ours.arch2infos_dict[h[1]], theirs.arch2infos_dict[h[1]])
    check(ours, theirs, "get_more_info", h[1], "cifar10", None, "12", False)
    folder = sources[space]["folder"]
    check(ours, theirs, "reload", "/nonexistent/dir", 0)
    check(ours, theirs, "reload", folder, 99999999)
    check(ours, theirs, "reload", folder, 1)
    for target in (ours, theirs):
        target.reset_fast_mode(True)
        target.reset_archive_dir(None)
    check(ours, theirs, "get_more_info", 1, "cifar10")
    check(ours, theirs, "find_best", "cifar10", "test")
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("space", SPACES)
@pytest.mark.parametrize("how", HOWS)
def test_verbose(sources, space, how):
    """What is printed (timestamps masked) with verbose=True, constructor included."""
    src = sources[space]
    if not how.startswith("dict") and not HAS_STORE:
        pytest.skip("no NATS store")
    if how.startswith("archive") and "archive" not in src:
        pytest.skip("no NATS converter")
    # The official fast mode starts with 0 archs (documented); an archive's path is its own.
    if not how.endswith("folder") and not how.startswith("archive"):
        random.seed(0)
        got = run(_ours, space, how, src, True)
        random.seed(0)
        want = run(_official, space, how, src, True)
        assert got[1] == want[1]
    ours, theirs = pair(sources, space, how, verbose=True)
    for name, args in [("get_more_info", (0, "cifar10")), ("get_more_info", (284, "cifar100", 5, "12", False)),
                       ("get_cost_info", (11, "cifar10")), ("get_latency", (0, "cifar100")),
                       ("arch", (3,)), ("query_index_by_arch", (ours[11 % len(ours)],)), ("get_net_config", (0, "cifar10")),
                       ("query_info_str_by_arch", (284, "12")), ("find_best", ("cifar10", "valid", None, None, "12", False)),
                       ("statistics", ("cifar100", "12")), ("simulate_train_eval", (11, "cifar100")),
                       ("get_net_param", (0, "cifar10", None)), ("query_by_index", (0, "cifar10")),
                       ("show", (0,)), ("show", (1,)), ("show", (len(ours),)), ("show", (-1,)), ("clear_params", (0,)),
                       ("get_more_info", (1, "cifar10"))]:
        check(ours, theirs, name, *args, seed=3)
