"""tnb.TransNASBenchAPI against the reference reading of the same files: every attribute, every
method, thousands of random calls with bad names, out-of-range epochs and odd argument types."""

import random
import threading

import pytest

import tnb
from util import agree, outcome, same

ATTRIBUTES = ["metrics_dict", "info_names", "task_list", "search_spaces", "all_arch_dict",
              "arch2space", "verbose", "data", "database"]


@pytest.mark.parametrize("attribute", ATTRIBUTES)
def test_attributes_equal(pair, attribute):
    api, ref = pair
    assert same(getattr(api, attribute), getattr(ref, attribute))
    # Cached: the same object on the next access.
    assert getattr(api, attribute) is getattr(api, attribute)


def test_dunders(pair):
    api, ref = pair
    assert len(api) == len(ref)
    assert repr(api) == repr(ref)
    for i in [0, 1, -1, len(ref) - 1, -len(ref), True]:
        assert same(api[i], ref[i])
        assert repr(api[i]) == repr(ref[i])
    for i in [len(ref), -len(ref) - 1, 2**70]:
        assert agree(outcome(lambda: api[i]), outcome(lambda: ref[i]))
    for bad in ["0", 1.0, None, [0]]:
        assert agree(outcome(lambda: api[bad]), outcome(lambda: ref[bad]))


def test_slices_and_signatures(pair):
    """A slice is a list index too: `index2arch` gives the list of archs, as officially; the
    methods show the official signatures to `inspect`."""
    import inspect
    api, ref = pair
    n = len(ref)
    for s in [slice(None), slice(2, 5), slice(-3, None), slice(None, None, -2), slice(1, n * 3, 7),
              slice(5, 2), slice(-n * 2, n * 2, 3)]:
        assert api.index2arch(s) == ref.index2arch(s), s
        assert api.index2arch(index=s) == ref.index2arch(index=s), s
    assert agree(outcome(lambda: api.index2arch(slice(0, 2, 0))),
                 outcome(lambda: ref.index2arch(slice(0, 2, 0))))
    assert agree(outcome(lambda: api[1:3]), outcome(lambda: ref[1:3]))
    official = {
        "get_single_metric": "(arch, task, metric, mode='best', xseed=None)",
        "get_epoch_status": "(arch, task, epoch, xseed=None)",
        "get_best_archs": "(task, metric, search_space, topk=1)",
        "index2arch": "(index)",
    }
    for name, sig in official.items():
        assert str(inspect.signature(getattr(api, name))) == sig, name


def test_arch_result_mirrors_the_official_one(pair):
    api, ref = pair
    arch = ref.index2arch(-1)
    got, want = api.get_arch_result(arch), ref.get_arch_result(arch)
    assert isinstance(got, tnb.ArchResult)
    assert got.arch_index == want.arch_index == len(ref) - 1
    assert got.arch_str == arch
    assert repr(got) == repr(want)
    task = ref.task_list[0]
    assert same(got[task], want[task])
    assert same(got.query_all_results(), want.query_all_results())
    assert agree(outcome(lambda: got["nope"]), outcome(lambda: want["nope"]))


def test_every_method_on_every_arch(pair):
    api, ref = pair
    for arch in list(ref.arch2space):
        for task in ref.task_list:
            cases = [("get_total_epochs", (arch, task), {})]
            cases += [("get_model_info", (arch, task, i), {}) for i in ref.info_names]
            for metric in ref.metrics_dict[task]:
                for mode in ["best", "final", "list", 0, -1]:
                    cases.append(("get_single_metric", (arch, task, metric), {"mode": mode}))
                cases.append(("get_best_epoch_status", (arch, task, metric), {}))
            for epoch in [0, -1]:
                cases.append(("get_epoch_status", (arch, task, epoch), {}))
            for name, args, kwargs in cases:
                got = outcome(getattr(api, name), *args, **kwargs)
                want = outcome(getattr(ref, name), *args, **kwargs)
                assert agree(got, want), (name, args, kwargs, got, want)
        assert api.arch2index(arch) == ref.arch2index(arch)
        assert same(api.index2arch(ref.arch2index(arch)), arch)
    for space in ref.search_spaces:
        assert same(api.get_arch_list(space), ref.get_arch_list(space))
        for task in ref.task_list:
            for metric in ref.metrics_dict[task]:
                for topk in [1, 3, 1000, None, 0, -2, True]:
                    got = outcome(api.get_best_archs, task, metric, space, topk=topk)
                    want = outcome(ref.get_best_archs, task, metric, space, topk=topk)
                    assert agree(got, want), (task, metric, space, topk, got, want)


def test_fresh_lists(pair):
    """The one documented difference: returned lists are fresh, so mutating them is harmless."""
    api, ref = pair
    space = ref.search_spaces[0]
    archs = api.get_arch_list(space)
    archs.clear()
    assert same(api.get_arch_list(space), ref.get_arch_list(space))


ODD = [None, True, False, 0, 1, -1, 2, 99, -99, 2**70, -(2**70), 1.0, -1.0, float("nan"), "",
       "best", "final", "list", "nope", [1], {"a": 1}, (1, 2), b"best", {1}]


def random_calls(ref, rnd, n):
    """`n` random (method, args, kwargs) calls: mostly plausible, often wrong."""
    archs = list(ref.arch2space) + ["nope", "64-1111-basic", ""]
    tasks = list(ref.task_list) + ["nope", ""]
    metrics = sorted({m for t in ref.task_list for m in ref.metrics_dict[t]}) + ["nope"]
    infos = list(ref.info_names) + ["nope"]
    spaces = list(ref.search_spaces) + ["nope"]

    def pick(choices, odd=0.1):
        return rnd.choice(ODD) if rnd.random() < odd else rnd.choice(choices)

    def epoch():
        return rnd.choice([0, 1, 2, -1, -2, 3, 4, 9, 30, -30, True, False, 1.0, None, "1", 2**70])

    for _ in range(n):
        method = rnd.choice(["index2arch", "arch2index", "get_arch_result", "get_total_epochs",
                             "get_model_info", "get_single_metric", "get_single_metric",
                             "get_epoch_status", "get_best_epoch_status", "get_arch_list",
                             "get_best_archs"])
        kwargs = {}
        if method == "index2arch":
            args = [rnd.choice([rnd.randint(-40, 40), 2**70, -(2**70), True, 1.0, "1", None])]
        elif method in ("arch2index", "get_arch_result"):
            args = [pick(archs)]
        elif method == "get_total_epochs":
            args = [pick(archs), pick(tasks)]
        elif method == "get_model_info":
            args = [pick(archs), pick(tasks), pick(infos)]
        elif method == "get_single_metric":
            args = [pick(archs), pick(tasks), pick(metrics)]
            r = rnd.random()
            mode = rnd.choice(ODD + ["best", "final", "list"]) if r < 0.4 else epoch()
            if r < 0.8:
                kwargs["mode"] = mode
            elif r < 0.9:
                args.append(mode)
            if rnd.random() < 0.1:
                kwargs["xseed"] = rnd.choice([None, 777])
        elif method == "get_epoch_status":
            args = [pick(archs), pick(tasks)]
            if rnd.random() < 0.5:
                args.append(epoch())
            else:
                kwargs["epoch"] = epoch()
        elif method == "get_best_epoch_status":
            args = [pick(archs), pick(tasks), pick(metrics)]
        elif method == "get_arch_list":
            args = [pick(spaces)]
        else:
            args = [pick(tasks), pick(metrics), pick(spaces)]
            if rnd.random() < 0.7:
                kwargs["topk"] = rnd.choice([1, 2, 5, 0, -1, None, True, 2**70, 1.0, "3"])
        # Python's argument binding: too many, too few, unknown keywords.
        r = rnd.random()
        if r < 0.02:
            args = args + ["extra", "more", "args"]
        elif r < 0.04 and args:
            args = args[:-1]
        elif r < 0.05:
            kwargs["nope"] = 1
        yield method, args, kwargs


@pytest.mark.parametrize("seed", range(3))
def test_random_calls(pair, seed):
    api, ref = pair
    rnd = random.Random(seed)
    for method, args, kwargs in random_calls(ref, rnd, 2000):
        got = outcome(getattr(api, method), *args, **kwargs)
        want = outcome(getattr(ref, method), *args, **kwargs)
        assert agree(got, want), (method, args, kwargs, got, want)


def test_key_errors_carry_the_key_itself(pair):
    """Python's dict lookup raises KeyError(key): str(e) is repr(key), e.args == (key,), for a
    key passed by position or by keyword (the official class's own failures)."""
    api, ref = pair
    arch, task = ref.index2arch(0), ref.task_list[0]
    metric = ref.metrics_dict[task][0]
    for key, call in (("nope", lambda: api.get_single_metric(arch, "nope", metric)),
                      (3, lambda: api.get_single_metric(arch, 3, metric, mode="final")),
                      (None, lambda: api.get_best_epoch_status(arch, None, metric)),
                      (("nope", 1), lambda: api.get_single_metric(arch, task=("nope", 1),
                                                                  metric=metric)),
                      ("64-nope", lambda: api.get_total_epochs("64-nope", task)),
                      (7.5, lambda: api.get_epoch_status(arch=7.5, task=task, epoch=0))):
        with pytest.raises(KeyError) as e:
            call()
        assert e.value.args == (key,) and str(e.value) == repr(key), e.value.args


def test_exception_classes(pair):
    """The classes the issue names, one by one."""
    api, ref = pair
    arch, task = ref.index2arch(0), ref.task_list[0]
    metric = ref.metrics_dict[task][0]
    with pytest.raises(KeyError):
        api.get_single_metric(arch, "nope", metric)
    with pytest.raises(AssertionError):
        api.get_single_metric("nope", task, "nope")  # the metric is checked before the arch
    with pytest.raises(ValueError):
        api.get_single_metric(arch, task, metric, mode=None)
    assert same(api.get_single_metric(arch, task, metric, mode=True),
                ref.get_single_metric(arch, task, metric, mode=1))
    with pytest.raises(AssertionError):
        api.get_epoch_status(arch, task, 1.0)
    with pytest.raises(IndexError):
        api.index2arch(len(ref))
    with pytest.raises(ValueError):
        api.arch2index("nope")
    with pytest.raises(TypeError):
        api.get_arch_result([arch])
    with pytest.raises(AssertionError):
        api.get_model_info(arch, task, "nope")
    with pytest.raises(AssertionError):
        api.get_arch_list("nope")


def test_numpy_integers_index(pair):
    np = pytest.importorskip("numpy")
    api, ref = pair
    assert same(api.index2arch(np.int64(3)), ref.index2arch(3))
    assert same(api[np.int32(-1)], ref[-1])


def test_threads_share_one_object(pair):
    api, ref = pair
    calls = list(random_calls(ref, random.Random(7), 300))
    want = [outcome(getattr(ref, m), *a, **k) for m, a, k in calls]
    failures = []

    def run():
        for (m, a, k), w in zip(calls, want):
            if not agree(outcome(getattr(api, m), *a, **k), w):
                failures.append((m, a, k))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures


def test_subclass_and_attributes():
    class Mine(tnb.TransNASBenchAPI):
        pass

    api = Mine(f"{__import__('conftest').DATA}/transnas_small.pth", verbose=True)
    assert repr(api).startswith("Mine(32 architectures/7 tasks)")
    assert api.verbose is True
    api.verbose = False
    assert api.verbose is False
    api.anything = 1  # a plain object: users may attach their own attributes
    assert api.anything == 1


class _Shown:
    """An object whose str() and repr() differ: f-strings print the first, KeyError the second."""

    def __str__(self):
        return "as-str"

    def __repr__(self):
        return "as-repr"


def test_messages_quote_any_object_as_python_does(pair):
    """Tuples, lists, dicts, sets, big ints and other objects are quoted as the official class
    quotes them: str() in its asserts, repr() in list.index, CPython's type name in TypeErrors
    (`numpy.ndarray`, not `ndarray`)."""
    np = pytest.importorskip("numpy")
    api, ref = pair
    arch, task = ref.index2arch(0), ref.task_list[0]
    metric = ref.metrics_dict[task][0]

    def raised(f):
        try:
            f()
        except Exception as e:  # noqa: BLE001 - the class and message are what is compared
            return type(e).__name__, str(e)
        return None

    objects = [("x", 1), [1, "it's"], {"k": [None]}, {2}, frozenset(), 10**40, -(10**40),
               _Shown(), b"b\n"]
    metrics, infos = ref.metrics_dict[task], ref.info_names
    epochs = ref.get_total_epochs(arch, task)
    for obj in objects:
        # The official class's own lines, run on the object.
        want_metric = f"metric {obj} is not available for task {task}! Must in {metrics}!"
        assert raised(lambda: api.get_single_metric(arch, task, obj)) == (
            "AssertionError", want_metric)
        want_info = f"info {obj} is not available! Must in {infos}!"
        assert raised(lambda: api.get_model_info(arch, task, obj)) == (
            "AssertionError", want_info)
        if not isinstance(obj, int):
            want_epoch = ("AssertionError", f"arg epoch {obj} must be int")
        elif obj > 0:
            want_epoch = ("AssertionError", f"arg epoch {obj} must < {epochs} on task {task}")
        else:
            want_epoch = raised(lambda: [][obj])
        assert raised(lambda: api.get_epoch_status(arch, task, obj)) == want_epoch
        assert raised(lambda: api.arch2index(obj)) == raised(lambda: [].index(obj))
        assert raised(lambda: api.get_total_epochs(arch, obj)) == raised(lambda: {}[obj])
        assert raised(lambda: api.get_total_epochs(obj, task)) == raised(lambda: {}[obj])
    assert raised(lambda: api.get_arch_result(np.zeros(2))) == raised(lambda: {}[np.zeros(2)])
    assert raised(lambda: api.get_arch_result(np.zeros(2)))[1] == (
        "unhashable type: 'numpy.ndarray'")
