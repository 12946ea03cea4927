"""tnb.NASBench201API side by side with the official `nas_201_api.NASBench201API` (v2.1, from the
package index: `pip install --no-deps nas-bench-201==2.1`, as tools/test-all.sh does).

The official code imports torch only for `torch.load`: a stand-in module `torch` whose `load` is
tnb's non-executing reader (`tnb.nas201.load_pth`) goes into `sys.modules` before
`nas_201_api` is imported, so the official code runs unchanged on the same objects. Every public
method of NASBench201API, ArchResults and ResultsCount is called with arguments of every class
(valid, missing, wrong type, unhashable) on both, with Python's global `random` seeded the same
way before each call: answers must agree in type, float bits and order, exceptions in class and
message, the number of random draws (the generator's state after the call) and what is printed.
tnb is opened from the dict (as the official class takes one), from the `.pth` (converted in
memory) and from a converted archive. Skipped when nas_201_api is not installed.
"""

import contextlib
import copy
import io
import os
import random
import struct
import sys
import types

import numpy as np
import pytest

import tnb
from tnb import nas201

import nb201_fixtures

DATA = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "data"))


def _official():
    if "torch" not in sys.modules:
        stand_in = types.ModuleType("torch")
        stand_in.load = lambda path, *a, **k: nas201.load_pth(path)
        sys.modules["torch"] = stand_in
    try:
        import nas_201_api
    except ImportError:
        return None
    return nas_201_api


OFFICIAL = _official()
pytestmark = pytest.mark.skipif(OFFICIAL is None, reason="nas_201_api (pip nas-bench-201==2.1) is not installed")

HAS_STORE = hasattr(tnb._tnb, "NB201Store")
# Converting to an NB201 archive (tnb.convert recognises the benchmark) in this build.
HAS_ARCHIVE = getattr(getattr(tnb._tnb, "NB201Store", None), "ARCHIVES", False)


def _files(tmp):
    files = {}
    for v in ("v1_0", "v1_1"):
        p = str(tmp / "nb201_tiny_{}.pth".format(v))
        nb201_fixtures.write(p, v)
        files["tiny_" + v] = p
    # Files written by real torch (the synth helper's), when the checkout has them.
    if os.path.isdir(DATA):
        for name in sorted(os.listdir(DATA)):
            if name.startswith("nb201_") and name.endswith(".pth"):
                files[name[:-4]] = os.path.join(DATA, name)
    return files


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return _files(tmp_path_factory.mktemp("nb201"))


HOWS = ["dict", "pth", "archive"]


def _open(how, path, tmp_path_factory, verbose=False):
    """tnb's object opened `how`; an archive gets the source's file name in another folder, so
    that `filename` (printed by repr and show) is the same as the official object's."""
    if how == "dict":
        return tnb.NASBench201API(nas201.load_pth(path), verbose=verbose)
    if not HAS_STORE:
        pytest.skip("this build has no NB201 archive support")
    if how == "pth":
        return tnb.NASBench201API(path, verbose=verbose)
    if not HAS_ARCHIVE:
        pytest.skip("this build cannot write NB201 archives")
    out = str(tmp_path_factory.mktemp("nb201a") / os.path.basename(path))
    tnb._tnb.nb201_convert(path, out)
    return tnb.NASBench201API(out, verbose=verbose)


def pair(how, path, tmp_path_factory, verbose=False):
    """(tnb's object, the official object), both from the dict for `how == 'dict'`."""
    ours = _open(how, path, tmp_path_factory, verbose)
    source = nas201.load_pth(path) if how == "dict" else path
    return ours, OFFICIAL.NASBench201API(source, verbose=verbose)


# -- comparing ------------------------------------------------------------------------------------


def same(x, y, path="x"):
    """Raises AssertionError naming where `x` (tnb) and `y` (official) differ in type or bits."""
    tx, ty = type(x), type(y)
    if ty.__name__ in ("ArchResults", "ResultsCount") and ty.__module__.startswith("nas_201_api"):
        assert tx.__name__ == ty.__name__, (path, tx, ty)
        assert repr(x) == repr(y), (path, repr(x), repr(y))
        same(list(vars(x)), list(vars(y)), path + ".__dict__")
        for k in vars(y):
            same(getattr(x, k), getattr(y, k), path + "." + k)
        return
    if ty.__name__ == "OrderedDict":
        assert tx.__name__ == "OrderedDict" or path.endswith("arch2infos_dict"), (path, tx, ty)
    else:
        assert tx is ty, (path, tx, ty, x, y)
    if isinstance(y, (float, np.floating)):
        assert struct.pack("<d", float(x)) == struct.pack("<d", float(y)), (path, x, y)
    elif isinstance(y, np.ndarray):
        assert x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes(), (path, x, y)
    elif isinstance(y, (list, tuple)):
        assert len(x) == len(y), (path, x, y)
        for i, (a, b) in enumerate(zip(x, y)):
            same(a, b, "{}[{}]".format(path, i))
    elif isinstance(y, dict) or ty.__name__ == "OrderedDict":
        assert list(x.keys()) == list(y.keys()), (path, list(x.keys()), list(y.keys()))
        for k in y:
            same(list(x.keys())[list(y.keys()).index(k)], k, path + ".key")
            same(x[k], y[k], "{}[{!r}]".format(path, k))
    else:
        assert x == y, (path, x, y)


def run(f, seed):
    """(kind, value or (class name, message), random state after, stdout) of `f()` with the
    global random seeded by `seed`."""
    random.seed(seed)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            result = ("ok", f())
        except Exception as e:  # noqa: BLE001 - class and message are compared
            result = ("raise", (type(e).__name__, str(e)))
    return result + (random.getstate(), out.getvalue())


def agree(call, ours, official, seed, r=None):
    """Compares `call(ours)` with `call(official)`; `r` (the test's own generator, which some
    calls draw arguments from) is rewound so that both sides get the same arguments."""
    state = r.getstate() if r is not None else None
    got = run(lambda: call(ours), seed)
    if r is not None:
        r.setstate(state)
    want = run(lambda: call(official), seed)
    assert got[0] == want[0], (got[:2], want[:2])
    if want[0] == "ok":
        same(got[1], want[1])
    else:
        assert got[1] == want[1], (got[1], want[1])
    assert got[2] == want[2], "a different number of random draws"
    assert got[3] == want[3], (got[3][:500], want[3][:500])
    return want[0]


class Arch(object):
    """An object with `tostr()`, as the official query_index_by_arch accepts."""

    def __init__(self, s):
        self.s = s

    def tostr(self):
        return self.s

    def __repr__(self):
        return "Arch({!r})".format(self.s)

    def __format__(self, spec):
        return repr(self)


# -- the tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", HOWS)
def test_attributes_agree(files, how, tmp_path_factory):
    for name, path in files.items():
        ours, official = pair(how, path, tmp_path_factory)
        assert repr(ours).split(", file=")[0] == repr(official).split(", file=")[0]
        assert len(ours) == len(official)
        same(list(ours), list(official))
        for attr in ("meta_archs", "evaluated_indexes", "archstr2index", "avaliable_hps", "used_time",
                     "verbose"):
            same(getattr(ours, attr), getattr(official, attr), attr)
        assert list(ours.arch2infos_dict) == list(official.arch2infos_dict)
        for k in official.arch2infos_dict:
            same(ours.arch2infos_dict[k], official.arch2infos_dict[k], "arch2infos_dict")


def _pools(official):
    n = len(official)
    archs = list(official.meta_archs)
    indexes = list(range(n)) + [-1, n, -n - 1, True, False, "0", 1.5, None, [1], 10**20]
    arch_args = indexes + archs[:3] + ["|none~0|+|none~0|none~1|+|none~0|none~1|none~2|x", "",
                                       Arch(archs[0]), Arch("nope"), Arch(None)]
    datasets = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120", "cifar10x", 5, None, ["x"]]
    hps = ["12", "200", 12, 200, "90", None, ["12"]]
    iepochs = [None, 0, 5, 11, 12, 198, 199, 200, -1, True, 1.5, "3"]
    randoms = [True, False, 111, 777, 888, 999, 5, 1.5, None, "x", np.True_, np.int64(777)]
    sets = ["train", "valid", "test", "x-valid", "x-test", "ori-test", "nope", 3]
    limits = [None, 50, 0, 1e9, 0.5, 120.0, "9"]
    return dict(n=n, archs=archs, indexes=indexes, arch_args=arch_args, datasets=datasets, hps=hps,
                iepochs=iepochs, randoms=randoms, sets=sets, limits=limits)


def _api_calls(p, r):
    """(name, call) pairs: one random choice of arguments for each API method."""
    i, a = r.choice(p["indexes"]), r.choice(p["arch_args"])
    d, h, e = r.choice(p["datasets"]), r.choice(p["hps"]), r.choice(p["iepochs"])
    rnd, s = r.choice(p["randoms"]), r.choice(p["sets"])
    f, q = r.choice(p["limits"]), r.choice(p["limits"])
    seed = r.choice([None, 777, 111, 888, 5])
    return [
        ("arch", lambda o: o.arch(i)),
        ("getitem", lambda o: o[i] if not isinstance(i, slice) else o[i]),
        ("getitem-slice", lambda o: o[1:3]),
        ("query_index_by_arch", lambda o: o.query_index_by_arch(a)),
        ("get_more_info", lambda o: o.get_more_info(a, d, e, h, rnd)),
        ("get_more_info-default", lambda o: o.get_more_info(i, d)),
        ("query_meta_info_by_index", lambda o: o.query_meta_info_by_index(i, h)),
        ("query_by_index", lambda o: o.query_by_index(i, r.choice([None, d]), h)),
        ("query_info_str_by_arch", lambda o: o.query_info_str_by_arch(a, h)),
        ("query_by_arch", lambda o: o.query_by_arch(a, h)),
        ("get_cost_info", lambda o: o.get_cost_info(i, d, h)),
        ("get_latency", lambda o: o.get_latency(i, d, h)),
        ("get_net_config", lambda o: o.get_net_config(i, d)),
        ("get_net_param", lambda o: o.get_net_param(i, d, seed, h)),
        ("find_best", lambda o: o.find_best(d, s, f, q, h)),
        ("simulate_train_eval", lambda o: o.simulate_train_eval(a, d, h, r.choice([True, False]))),
        ("random", lambda o: o.random()),
        ("statistics", lambda o: o.statistics(d, h)),
        ("str2lists", lambda o: o.str2lists(r.choice(p["archs"] + ["|a~0|+|b~x|", "|a|", ""]))),
        ("str2matrix", lambda o: o.str2matrix(r.choice(p["archs"] + ["|a~0|+|b~x|", "|conv~0|", "|none~0|"]))),
        ("show", lambda o: o.show(r.choice([-1, 0, 1, p["n"] - 2, p["n"], 2]))),
    ]


@pytest.mark.parametrize("how", HOWS)
def test_every_method_agrees(files, how, tmp_path_factory):
    r = random.Random(18)
    compared = {}
    for name, path in files.items():
        ours, official = pair(how, path, tmp_path_factory)
        p = _pools(official)
        for k in range(150):
            for label, call in _api_calls(p, r):
                state = r.getstate()
                kind = agree(call, ours, official, k, r)
                r.setstate(state)
                compared[(label, kind)] = compared.get((label, kind), 0) + 1
    # Every method was compared on answers, and the ones that can fail on failures too.
    for label in ("get_more_info", "get_cost_info", "find_best", "query_by_index", "simulate_train_eval",
                  "statistics", "query_info_str_by_arch", "get_net_config"):
        assert compared.get((label, "ok"), 0) > 0, (label, compared)
        assert compared.get((label, "raise"), 0) > 0, (label, compared)


@pytest.mark.parametrize("how", HOWS)
def test_results_objects_agree(files, how, tmp_path_factory):
    """ArchResults and ResultsCount methods, on the objects each API hands out."""
    r = random.Random(201)
    for name, path in files.items():
        ours, official = pair(how, path, tmp_path_factory)
        p = _pools(official)
        for index in official.evaluated_indexes:
            for hp in ("12", "200"):
                mine, theirs = ours.query_meta_info_by_index(index, hp), official.query_meta_info_by_index(index, hp)
                same(mine, theirs)
                for call in [lambda o: o.state_dict(), lambda o: o.show(), lambda o: repr(o),
                             lambda o: o.debug_test(), lambda o: o.arch_idx_str(),
                             lambda o: o.get_dataset_names()]:
                    agree(call, mine, theirs, 0, r)
                for k in range(25):
                    d, e, rnd, s = (r.choice(p["datasets"]), r.choice(p["iepochs"]), r.choice(p["randoms"]),
                                    r.choice(p["sets"]))
                    seed = r.choice([None, 777, 111, 888, 5])
                    for call in [
                        lambda o: o.get_metrics(d, s, e, rnd),
                        lambda o: o.get_compute_costs(d),
                        lambda o: o.get_dataset_names(),
                        lambda o: o.get_dataset_seeds(d),
                        lambda o: o.get_net_param(d, seed),
                        lambda o: o.get_latency(d),
                        lambda o: o.get_total_epoch(r.choice([None, d])),
                        lambda o: o.query(d, seed),
                    ]:
                        state = r.getstate()
                        agree(call, mine, theirs, k, r)
                        r.setstate(state)
                for (dname, seed), run_ in list(theirs.all_results.items()):
                    mrun = mine.all_results[(dname, seed)]
                    for k in range(8):
                        e, s = r.choice(p["iepochs"]), r.choice(p["sets"])
                        for call in [
                            lambda o: o.get_train(e),
                            lambda o: o.get_eval(s, e),
                            lambda o: o.get_times(),
                            lambda o: o.get_latency(),
                            lambda o: o.get_eval_set(),
                            lambda o: o.get_total_epoch(),
                            lambda o: o.get_config(None),
                            lambda o: o.get_config(lambda x: ("genotype", x)),
                            lambda o: o.get_net_param(r.choice([True, False])),
                            lambda o: repr(o),
                            lambda o: o.state_dict(),
                        ]:
                            state = r.getstate()
                            agree(call, mrun, run_, k, r)
                            r.setstate(state)
                # The mutators, on both copies, then everything again.
                for call in [
                    lambda o: o.reset_latency(r.choice(p["datasets"][:4]), None, 0.5),
                    lambda o: o.reset_pseudo_train_times(r.choice(p["datasets"][:4]), None, 2.0),
                    lambda o: o.reset_pseudo_eval_times(r.choice(p["datasets"][:4]), None,
                                                        r.choice(["x-valid", "ori-test", "nope"]), 0.25),
                    lambda o: o.clear_params(),
                    lambda o: o.get_compute_costs(r.choice(p["datasets"][:4])),
                    lambda o: o.state_dict(),
                ]:
                    state = r.getstate()
                    agree(call, mine, theirs, 0, r)
                    r.setstate(state)


@pytest.mark.parametrize("how", HOWS)
def test_seeded_scripts_agree(files, how, tmp_path_factory):
    """A seeded search loop (random archs, random seeds) gives the same trajectory."""
    for name, path in files.items():
        ours, official = pair(how, path, tmp_path_factory)

        def script(api):
            random.seed(0)
            trace = []
            api.reset_time()
            for _ in range(60):
                i = api.random()
                if i not in api.evaluated_indexes:
                    trace.append(("skip", i))
                    continue
                d = random.choice(["cifar10", "cifar100", "ImageNet16-120"])
                hp = random.choice(["12", "200"])
                for f in (lambda: api.simulate_train_eval(i, d, hp=hp),
                          lambda: api.get_more_info(api[i], "cifar10-valid", hp="200")):
                    try:
                        trace.append(f())
                    except Exception as e:  # noqa: BLE001 - the class and message are compared
                        trace.append((type(e).__name__, str(e)))
            trace.append(api.used_time)
            return trace

        same(script(ours), script(official))


@pytest.mark.parametrize("how", HOWS)
def test_verbose_output_agrees(files, how, tmp_path_factory):
    path = files["tiny_v1_1"]
    out_theirs, out_ours = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out_theirs):
        official = OFFICIAL.NASBench201API(path if how != "dict" else nas201.load_pth(path), verbose=True)
    with contextlib.redirect_stdout(out_ours):
        ours = _open(how, path, tmp_path_factory, verbose=True)
    if how == "pth":
        assert out_ours.getvalue() == out_theirs.getvalue()
    p = _pools(official)
    r = random.Random(5)
    for k in range(100):
        for label, call in _api_calls(p, r):
            state = r.getstate()
            agree(call, ours, official, k, r)
            r.setstate(state)


@pytest.mark.parametrize("how", HOWS)
def test_state_changes_agree(files, how, tmp_path_factory):
    """clear_params, reload, and changes made to arch2infos_dict's objects are seen by later
    queries exactly as the official class sees them."""
    path = files["tiny_v1_1"]
    ours, official = pair(how, path, tmp_path_factory)
    tmp = tmp_path_factory.mktemp("reload")
    donor = nas201.load_pth(files["tiny_v1_0"])
    for idx in (0, 1):
        with open(str(tmp / "{:06d}-FULL.pth".format(idx)), "wb") as f:
            f.write(nb201_fixtures._pickle(donor["arch2infos"][idx]))
    steps = [
        lambda o: o.clear_params(0),
        lambda o: o.clear_params(1, 12),
        lambda o: o.clear_params(1, "90"),
        lambda o: o.clear_params(len(o) - 2),
        lambda o: o.arch2infos_dict[2]["12"].reset_latency("cifar10", None, 0.125),
        lambda o: o.arch2infos_dict[3]["200"].reset_pseudo_train_times("cifar100", None, 3.0),
        lambda o: o.reload(str(tmp), 1),
        lambda o: o.reload(str(tmp), 5),
        lambda o: o.reload(str(tmp / "missing"), 1),
    ]
    p = _pools(official)
    r = random.Random(9)
    for step in steps:
        agree(step, ours, official, 0)
        for k in range(15):
            for label, call in _api_calls(p, r):
                state = r.getstate()
                agree(call, ours, official, k, r)
                r.setstate(state)


def test_constructor_checks_agree(files, tmp_path, monkeypatch):
    path = files["tiny_v1_1"]
    obj = nas201.load_pth(path)
    bad = []
    for key in ("meta_archs", "arch2infos", "evaluated_indexes"):
        d = dict(obj)
        del d[key]
        bad.append(d)
    dup = copy.deepcopy(obj)
    dup["meta_archs"][1] = dup["meta_archs"][0]
    bad.append(dup)
    missing = copy.deepcopy(obj)
    del missing["arch2infos"][0]["less"]
    bad.append(missing)
    for arg in bad + [str(tmp_path / "nope.pth"), 5, b"x", [obj]]:
        for verbose in (False, True):
            agree(lambda cls: cls(arg, verbose), tnb.NASBench201API, OFFICIAL.NASBench201API, 0)
    monkeypatch.delenv("TORCH_HOME", raising=False)
    agree(lambda cls: cls(None, False), tnb.NASBench201API, OFFICIAL.NASBench201API, 0)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    agree(lambda cls: cls(None, False), tnb.NASBench201API, OFFICIAL.NASBench201API, 0)
