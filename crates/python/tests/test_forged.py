"""Archives no source can produce (forged by `examples/forge.rs`: a converted model altered, then
written with a correct header and checksum) and sources that share objects.

- Whatever a corrupted archive holds, tnb raises `tnb.FormatError`, never the `TypeError`
  Python's own dict or set raises for an unhashable key: a dict key or set element that cannot
  be hashed, or keys that Python would merge (unpickling never leaves two equal keys), exist in
  no real source.
- An object the source references several times is built once (`d[0] is d[1]`, as
  `torch.load` gives), so a small archive cannot expand into gigabytes of copies.
"""

import json
import os
import pickle
import subprocess
import tracemalloc

import pytest

import tnb
from conftest import DATA

ROOT = os.path.dirname(DATA)
ARCH = "64-41414-0_00_000"


def benchmark(extra=None, info=None, metric=None):
    """A tiny benchmark-shaped object (3 micro archs, tasks t and u, metrics m and n, info p);
    `extra` goes at the top level, `info` and `metric` replace arch 0's values."""
    tasks, metrics = ["t", "u"], ["m", "n"]
    archs = {}
    for i in range(3):
        archs[f"64-41414-{i}_00_000"] = {
            t: {
                "total_epochs": 2,
                "model_info": {"p": info if info is not None and i == 0 else 1.5},
                "metrics": {
                    m: metric if metric is not None and i == 0 else [0.5 + i, 0.25]
                    for m in metrics
                },
            }
            for t in tasks
        }
    top = {
        "task_list": tasks,
        "metrics_dict": {t: list(metrics) for t in tasks},
        "info_names": ["p"],
        "data": {"micro": archs},
    }
    top.update(extra or {})
    return top


def forged(tmp_path, kind, obj):
    """The archive `examples/forge.rs` makes of `obj` (pickled) by `kind`."""
    source, archive = tmp_path / f"{kind}.pkl", tmp_path / f"{kind}.tnb"
    source.write_bytes(pickle.dumps(obj, protocol=4))
    subprocess.run(
        ["cargo", "run", "--quiet", "-p", "tnb-python", "--example", "forge", "--",
         kind, str(source), str(archive)],
        cwd=ROOT, check=True,
    )
    return str(archive)


def converted(tmp_path, obj, name="source"):
    source, archive = tmp_path / f"{name}.pkl", tmp_path / f"{name}.tnb"
    source.write_bytes(pickle.dumps(obj, protocol=4))
    tnb.convert(str(source), str(archive))
    return str(archive)


def raises_format_error(f):
    with pytest.raises(tnb.FormatError) as e:
        f()
    assert "corrupted archive" in str(e.value) and "\n" not in str(e.value)


# Each holds one tuple in a place where a list cannot be: forged into a list.
UNHASHABLE = {
    "dict key": {"x": {(1, 2): "a"}},
    "set element": {"x": {(5, 6)}},
    "frozenset element": {"x": frozenset({(3, 4)})},
    "tuple in a dict key": {"x": {((1, 2), 3): "a"}},
}


@pytest.mark.parametrize("where", list(UNHASHABLE))
def test_an_unhashable_key_is_a_format_error(tmp_path, where):
    api = tnb.TransNASBenchAPI(forged(tmp_path, "tuples-to-lists", benchmark(UNHASHABLE[where])))
    raises_format_error(lambda: api.database)
    # The benchmark's own answers are intact.
    assert api.get_single_metric(ARCH, "t", "m", mode="list") == [0.5, 0.25]


def test_an_unhashable_value_inside_a_result_is_a_format_error(tmp_path):
    api = tnb.TransNASBenchAPI(
        forged(tmp_path, "tuples-to-lists", benchmark(info=frozenset({(7, 8)}))))
    raises_format_error(lambda: api.get_model_info(ARCH, "t", "p"))
    # get_arch_result builds a task's entries on access: the one holding it raises.
    raises_format_error(lambda: api.get_arch_result(ARCH)["t"]["model_info"])
    raises_format_error(lambda: json.dumps(api[0].all_results))
    raises_format_error(lambda: api.data["micro"][ARCH]["u"]["model_info"])
    raises_format_error(lambda: api.database)
    # Another arch's results do not hold it.
    assert api.get_arch_result("64-41414-1_00_000")["t"]["model_info"] == {"p": 1.5}


@pytest.mark.parametrize("extra", [{"x": {"dup_a": 1, "dup_b": 2}}, {"x": {1001, 1002}},
                                   {"x": frozenset({1001, 1002})}])
def test_keys_python_merges_are_a_format_error(tmp_path, extra):
    api = tnb.TransNASBenchAPI(forged(tmp_path, "duplicate-keys", benchmark(extra)))
    raises_format_error(lambda: api.database)


def test_merged_keys_inside_a_result_are_a_format_error(tmp_path):
    api = tnb.TransNASBenchAPI(
        forged(tmp_path, "duplicate-keys", benchmark(info={"dup_a": 1, "dup_b": 2})))
    raises_format_error(lambda: api.get_model_info(ARCH, "t", "p"))
    raises_format_error(lambda: api.get_arch_result(ARCH)["u"]["model_info"])


def test_a_task_list_without_length_is_a_format_error(tmp_path):
    api = tnb.TransNASBenchAPI(forged(tmp_path, "task-list-to-int", benchmark({"x": 1001})))
    raises_format_error(lambda: repr(api))


def test_shared_objects_stay_shared(tmp_path):
    big = list(range(1000, 2000))
    tup = tuple(big[:10])
    source = benchmark({"shared": [big, big, tup, tup, "s" * 1000, big]}, metric=[big, big])
    api = tnb.TransNASBenchAPI(converted(tmp_path, source))
    d = api.database
    shared = d["shared"]
    assert shared[0] == big and shared[0] is shared[1] is shared[5]
    assert shared[2] is shared[3]
    # Inside the data too: arch 0's metric lists hold the same list, also shared with the top.
    metrics = d["data"]["micro"][ARCH]["t"]["metrics"]
    assert metrics["m"][0] is metrics["m"][1] is metrics["n"][0] is shared[0]
    assert d["data"]["micro"][ARCH]["u"]["metrics"]["m"][1] is shared[0]
    # Two equal objects the source holds separately stay separate.
    assert d["metrics_dict"]["t"] is not d["metrics_dict"]["u"]
    # One arch's result, built task by task on access, shares across tasks as well.
    r = api.get_arch_result(ARCH)
    assert r["t"]["metrics"]["m"][0] is r["u"]["metrics"]["n"][1]
    assert r["t"]["metrics"]["m"][0] == big


def test_a_small_archive_sharing_one_list_stays_small(tmp_path):
    # 2000 references to one list of 1000 ints: 16 KB of pickle; a copy per reference would be
    # 2 million ints (about 80 MB).
    big = list(range(1000, 2000))
    api = tnb.TransNASBenchAPI(converted(tmp_path, benchmark({"shared": [big] * 2000})))
    tracemalloc.start()
    try:
        d = api.database
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000, peak
    assert len(d["shared"]) == 2000 and all(x is d["shared"][0] for x in d["shared"])
