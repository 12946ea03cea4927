"""tnb.NASBench201API on small NB201-shaped files: what the official class's quirks are, that
the archive's fast paths answer exactly what the Python objects answer, that attributes are
built on first read, that changes to built objects are seen, and that bad files give one-line
errors. (Parity with the official code itself: test_nb201_official.py.)"""

import os
import random
import struct

import numpy as np
import pytest

import tnb
from tnb import nas201

import nb201_fixtures


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nb201t")
    out = {}
    for v in ("v1_0", "v1_1"):
        out[v] = str(tmp / "nb201_tiny_{}.pth".format(v))
        nb201_fixtures.write(out[v], v)
        out[v + "-archive"] = str(tmp / "nb201_tiny_{}.tnb201".format(v))
        tnb._tnb.nb201_convert(out[v], out[v + "-archive"])
    return out


def bits(x):
    return type(x), struct.pack("<d", x) if isinstance(x, float) else x


def test_fast_paths_equal_the_python_objects(files):
    """Every answer the archive gives (Rust) equals the one the dict-built objects give."""
    for v in ("v1_0", "v1_1"):
        fast = tnb.NASBench201API(files[v + "-archive"], verbose=False)
        slow = tnb.NASBench201API(nas201.load_pth(files[v]), verbose=False)
        for i in slow.evaluated_indexes:
            for d in ("cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"):
                for hp in ("12", "200"):
                    for rnd in (False, 111, 777, 888, 999):
                        for e in (None, 0, 11):
                            got, want = (_outcome(lambda o: o.get_more_info(i, d, e, hp, rnd), o) for o in (fast, slow))
                            assert got == want, (i, d, hp, rnd, e)
                    got, want = (_outcome(lambda o: o.get_cost_info(i, d, hp), o) for o in (fast, slow))
                    assert got == want
        for d, s in [("cifar10", "valid"), ("cifar100", "test"), ("ImageNet16-120", "x-valid")]:
            for hp in ("12", "200"):
                assert _outcome(lambda o: o.find_best(d, s, None, None, hp), fast) == \
                    _outcome(lambda o: o.find_best(d, s, None, None, hp), slow)
        for d in ("cifar10-valid", "cifar100"):
            assert _outcome(lambda o: o.statistics(d, "12"), fast) == _outcome(lambda o: o.statistics(d, "12"), slow)
        # Over a caller's list of indexes the store declines (None: Python answers), whatever
        # the list; with none it answers.
        for indexes in ([0], [], None):
            got = fast._store.find_best("cifar10-valid", "x-valid", None, None, "12", indexes)
            assert (got is None) == (indexes is not None), indexes


def _outcome(f, o):
    try:
        value = f(o)
    except Exception as e:  # noqa: BLE001
        return ("raise", type(e).__name__, str(e))
    if isinstance(value, dict):
        return ("ok", [(k, bits(x)) for k, x in value.items()])
    if isinstance(value, tuple):
        return ("ok", [bits(x) for x in value])
    return ("ok", bits(value))


def test_quirks(files):
    api = tnb.NASBench201API(files["v1_1-archive"], verbose=False)
    with pytest.raises(KeyError) as e:
        api.show(-1)
    assert e.value.args == (-1,)
    with pytest.raises(NameError, match="'index' is not defined"):
        api.query_info_str_by_arch(0, 12)
    with pytest.raises(NameError, match="'arch_index' is not defined"):
        api.get_net_config(len(api) - 2, "cifar10")  # not evaluated in the v1_1 fixture
    with pytest.raises(NameError, match="'print_information' is not defined"):
        api.query_meta_info_by_index(0).show()
    with pytest.raises(ValueError, match=r"Invalid architecture index 99 vs \[0, 6\]\."):
        api.query_index_by_arch(99)
    assert api.query_index_by_arch("nope") == -1
    # seed means are np.float64, single seeds the file's floats
    info = api.get_more_info(0, "cifar100", hp="200", is_random=False)
    assert all(type(x) is np.float64 for x in info.values())
    assert type(api.get_cost_info(0, "cifar10")["params"]) is np.float64


def test_randomness_is_pythons(files):
    """is_random=True draws random.choice over the sorted seeds, once."""
    api = tnb.NASBench201API(files["v1_1-archive"], verbose=False)
    seeds = api.query_meta_info_by_index(0, "12").get_dataset_seeds("cifar10-valid")
    random.seed(3)
    got = api.get_more_info(0, "cifar10-valid")
    state = random.getstate()
    random.seed(3)
    seed = random.choice(seeds)
    assert random.getstate() == state
    assert got == api.get_more_info(0, "cifar10-valid", is_random=seed)
    random.seed(4)
    a = api.random()
    random.seed(4)
    assert a == random.randint(0, len(api) - 1)


def test_one_call_fast_paths_draw_and_fail_like_the_official_steps(files):
    """get_more_info's single Rust call draws exactly once (also when it then hands over to the
    official steps, which raise), and declines without drawing for what it does not answer."""
    fast = tnb.NASBench201API(files["v1_1-archive"], verbose=False)
    slow = tnb.NASBench201API(nas201.load_pth(files["v1_1"]), verbose=False)
    cases = [(0, "cifar10-valid", None, "12"), (0, "cifar100", 200, "12"), (0, "cifar100", -1, "200"),
             (0, "nope", None, "12"), (0, "cifar10", True, "12"), (0, "cifar10", None, 12),
             (0, "cifar10", None, "13"), (99, "cifar10", None, "12"), (len(slow) - 2, "cifar10", None, "12"),
             (len(slow) - 1, "cifar10", None, "12"), (-1, "cifar10", None, "12"), (True, "cifar10", None, "12")]
    for i, d, e, hp in cases + [("built", None, None, None)] + cases:
        if i == "built":  # the same again once meta_archs is built and changed
            fast.meta_archs.pop()
            slow.meta_archs.pop()
            continue
        random.seed(5)
        got = _outcome(lambda o: o.get_more_info(i, d, e, hp), fast), random.random()
        random.seed(5)
        want = _outcome(lambda o: o.get_more_info(i, d, e, hp), slow), random.random()
        assert got == want, (i, d, e, hp)
        for f in (lambda o: o.get_cost_info(i, d, hp), lambda o: o.get_latency(i, d, hp)):
            assert _outcome(f, fast) == _outcome(f, slow), (i, d, hp)


def test_open_and_hot_queries_import_nothing_more(files):
    """A fresh process that opens an archive and runs the hot queries (no draw) imports neither
    the official classes' module nor what only they or the .pth reader need (what keeps the
    first open cheap); reading `tnb.ArchResults` then imports it, under its official name."""
    import subprocess
    import sys

    code = """if 1:
        import sys, numpy, tnb
        api = tnb.NASBench201API(sys.argv[1], verbose=False)
        assert api.query_index_by_arch(api[0]) == 0
        api.get_cost_info(0, "cifar10"); api.get_latency(0, "cifar10")
        api.get_more_info(0, "cifar100", is_random=False)
        print(sorted(m for m in ("tnb._nb201_objects", "zipfile", "pathlib", "copy", "random") if m in sys.modules))
        print(tnb.ArchResults.__module__, "tnb._nb201_objects" in sys.modules)
    """
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    out = subprocess.run([sys.executable, "-c", code, files["v1_1-archive"]], capture_output=True, text=True,
                         env=env, cwd=os.path.dirname(files["v1_1-archive"]))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["[]", "tnb.nas201 True"]


def test_name_lookups_before_and_after_archstr2index_is_built(files):
    api = tnb.NASBench201API(files["v1_1-archive"], verbose=False)
    names = [api[i] for i in range(len(api))]
    assert [api.query_index_by_arch(n) for n in names] == list(range(len(api)))
    assert api.query_index_by_arch(names[2] + "x") == -1
    assert [api.query_index_by_arch(i) for i in range(len(api))] == list(range(len(api)))
    api.meta_archs.pop()  # the int range is len(meta_archs)'s once it is built
    with pytest.raises(ValueError, match="Invalid architecture index"):
        api.query_index_by_arch(len(names) - 1)
    api.archstr2index[names[1]] = 4
    assert api.query_index_by_arch(names[1]) == 4
    del api.archstr2index
    assert api.query_index_by_arch(names[1]) == 1


def test_attributes_are_built_on_first_read_and_changes_are_seen(files):
    api = tnb.NASBench201API(files["v1_1-archive"], verbose=False)
    assert "meta_archs" not in vars(api) and "arch2infos_dict" not in vars(api)
    assert api.meta_archs[0] == api[0] and "meta_archs" in vars(api)
    before = api.get_latency(0, "cifar10")
    api.arch2infos_dict[0]["12"].reset_latency("cifar10", None, 0.5)
    assert api.get_latency(0, "cifar10") == 0.5 != before
    api.archstr2index[api[1]] = 3
    assert api.query_index_by_arch(api[1]) == 3


def test_bad_files_give_one_line_errors(tmp_path):
    bad = tmp_path / "bad.pth"
    bad.write_bytes(b"\x80\x02}q\x00.")  # an empty dict pickle
    with pytest.raises(tnb.FormatError) as e:
        tnb.NASBench201API(str(bad))
    assert "\n" not in str(e.value)
    evil = tmp_path / "evil.pth"
    evil.write_bytes(b"cposix\nsystem\n(S'touch /tmp/tnb-nb201-pwned'\ntR.")
    with pytest.raises(tnb.FormatError):
        tnb.NASBench201API(str(evil))
    with pytest.raises(Exception):
        nas201.load_pth(str(evil))
    assert not os.path.exists("/tmp/tnb-nb201-pwned")
    with pytest.raises(AssertionError, match="invalid path"):
        tnb.NASBench201API(str(tmp_path / "missing.pth"))


def test_vectorised_accessors(files):
    api = tnb.NASBench201API(files["v1_1-archive"], verbose=False)
    acc = api.metric_array("cifar100", "x-valid", hp="200")
    assert acc.dtype == np.float64 and acc.shape == (len(api),)
    for i in range(len(api)):
        if i in api.evaluated_indexes:
            want = api.query_meta_info_by_index(i, "200").get_metrics("cifar100", "x-valid")["accuracy"]
            assert acc[i] == want
        else:
            assert np.isnan(acc[i])
    flops = api.cost_array("cifar10", "flops")
    assert flops[0] == api.get_cost_info(0, "cifar10")["flops"]
    pd = pytest.importorskip("pandas")
    frame = api.to_pandas()
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(api)
