"""metric_array and to_pandas against the per-arch calls."""

import struct

import pytest

from util import agree, outcome

np = pytest.importorskip("numpy")

MODES = ["best", "final", 0, -1, 1, True, False, 99, -99, None, "list", "nope", 1.0, 2**70]


def per_arch(api, task, metric, mode, space):
    archs = api.get_arch_list(space) if space is not None else [
        a for s in api.search_spaces for a in api.get_arch_list(s)]
    return [api.get_single_metric(a, task, metric, mode=mode) for a in archs]


def test_bit_equal_to_per_arch_calls(pair):
    api, ref = pair
    for task in ref.task_list + ["nope"]:
        for metric in ref.metrics_dict.get(task, ["valid_top1"]) + ["nope"]:
            for mode in MODES:
                for space in [None] + ref.search_spaces:
                    got = outcome(api.metric_array, task, metric, mode, search_space=space)
                    want = outcome(per_arch, ref, task, metric, mode, space)
                    if want[0] == "ok" and not all(
                            isinstance(v, (int, float)) for v in want[1]):
                        # A string or a list per arch: not an array of numbers.
                        assert got[0] == "raise" and got[1] is TypeError, (task, metric, mode)
                        continue
                    if want[0] == "raise":
                        assert agree(got, want), (task, metric, mode, space, got, want)
                        continue
                    assert got[0] == "ok", (task, metric, mode, space, got)
                    arr = got[1]
                    assert isinstance(arr, np.ndarray) and arr.dtype == np.float64
                    assert arr.flags.writeable
                    bits = [struct.pack("<d", float(v)) for v in want[1]]
                    assert [struct.pack("<d", v) for v in arr.tolist()] == bits


def test_bad_arguments(pair):
    api, ref = pair
    task = ref.task_list[0]
    metric = ref.metrics_dict[task][0]
    with pytest.raises(AssertionError):
        api.metric_array(task, metric, search_space="nope")
    with pytest.raises(KeyError):
        api.metric_array("nope", metric)
    with pytest.raises(AssertionError):
        api.metric_array(task, "nope")
    with pytest.raises(ValueError):
        api.metric_array(task, metric, None)
    with pytest.raises(TypeError):
        api.metric_array(task)
    with pytest.raises(TypeError):
        api.metric_array(task, metric, "best", None, "extra")


def test_to_pandas(pair):
    pd = pytest.importorskip("pandas")
    api, ref = pair
    frame = api.to_pandas()
    archs = [a for s in ref.search_spaces for a in ref.get_arch_list(s)]
    assert list(frame.index) == archs
    assert list(frame[("arch_index", "")]) == [ref.arch2index(a) for a in archs]
    assert list(frame[("search_space", "")]) == [ref.arch2space[a] for a in archs]
    for task in ref.task_list:
        for metric in ref.metrics_dict[task]:
            want = [ref.get_single_metric(a, task, metric, "best") for a in archs]
            col = frame[(task, metric)].tolist()
            assert [struct.pack("<d", v) if isinstance(v, float) else v for v in col] == [
                struct.pack("<d", float(v)) if isinstance(v, (int, float)) and not isinstance(v, bool)
                and all(isinstance(w, (int, float)) for w in want) else v for v in want]
        for info in ref.info_names:
            want = [ref.get_model_info(a, task, info) for a in archs]
            # pandas makes an all-number column float64; a mixed one keeps the objects.
            got = frame[(task, info)].tolist()
            assert all(w == g or (isinstance(g, float) and g == float(w)) for g, w in zip(got, want))
    assert isinstance(pd.DataFrame, type)
