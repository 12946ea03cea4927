"""Speed and memory of tnb.TransNASBenchAPI, as JSON (ns per call, Python's loop included).

    python bench.py ARCHIVE.tnb [SOURCE.pth]

With SOURCE.pth, also times opening the .pth itself and, when torch and the official `api`
module are importable (a torch virtualenv with TransNASBench's api/ on PYTHONPATH), the official
class on the same calls. Each figure is the median of several rounds.

TNB_BENCH_N sets the calls per round (default 100000). TNB_BENCH_CLOCK=process times the
per-call rows by this process's CPU time instead of wall time: on a machine other jobs share, it
leaves out the time the process waits for a core.
"""

import gc
import json
import os
import statistics
import sys
import time

import tnb


def rss_kb():
    """Resident set size of this process, from /proc (Linux)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


CLOCK = time.process_time_ns if os.environ.get("TNB_BENCH_CLOCK") == "process" else time.perf_counter_ns


def per_call(fn, n, rounds=7):
    """Median ns per call of `fn(i)` over `n` calls, `rounds` times."""
    out = []
    for _ in range(rounds):
        t = CLOCK()
        for i in range(n):
            fn(i)
        out.append((CLOCK() - t) / n)
    return statistics.median(out)


def suite(api, n):
    """The speed table's operations on `api`."""
    micro = api.get_arch_list("micro")
    archs = [api.index2arch(i) for i in range(len(api))]
    count = len(archs)
    r = {}
    r["index2arch_ns"] = per_call(lambda i: api.index2arch(i % count), n)
    r["arch2index_ns"] = per_call(lambda i: api.arch2index(archs[i % count]), n)
    r["get_single_metric_best_ns"] = per_call(
        lambda i: api.get_single_metric(archs[i % count], "class_object", "valid_top1", mode="best"), n)
    r["get_model_info_ns"] = per_call(
        lambda i: api.get_model_info(archs[i % count], "class_object", "inference_time"), n)
    r["get_epoch_status_ns"] = per_call(
        lambda i: api.get_epoch_status(archs[i % count], "class_object", i % 10), n)
    r["get_best_epoch_status_ns"] = per_call(
        lambda i: api.get_best_epoch_status(archs[i % count], "class_object", "valid_top1"), n)
    # NASLib's `Metric.RAW` query, once per optimizer step: the call alone, `api[i]`, and the
    # whole expression NASLib evaluates (`...query_all_results()[task]`).
    r["get_arch_result_ns"] = per_call(lambda i: api.get_arch_result(archs[i % count]), n)
    r["getitem_ns"] = per_call(lambda i: api[i % count], n)
    r["naslib_raw_query_ns"] = per_call(
        lambda i: api.get_arch_result(archs[i % count]).query_all_results()["class_object"], n)
    k = max(1, n // 100)
    r["get_best_archs_top10_micro_ns"] = per_call(
        lambda i: api.get_best_archs("class_object", "valid_top1", "micro", topk=10), k)
    if hasattr(api, "metric_array"):
        r["metric_array_micro_ns"] = per_call(
            lambda i: api.metric_array("class_object", "valid_top1", search_space="micro"), k)
    else:
        r["metric_array_micro_as_loop_ns"] = per_call(
            lambda i: [api.get_single_metric(a, "class_object", "valid_top1") for a in micro], 3, 3)
    return r


def main():
    archive = sys.argv[1]
    source = sys.argv[2] if len(sys.argv) > 2 else None
    n = int(os.environ.get("TNB_BENCH_N", "100000"))
    import numpy  # noqa: F401 - the memory baseline is "after import numpy, tnb"

    gc.collect()
    base = rss_kb()
    out = {"archive": archive, "calls_per_round": n, "clock": CLOCK.__name__}
    opens = []
    for _ in range(21):
        t = time.perf_counter_ns()
        api = tnb.TransNASBenchAPI(archive)
        opens.append(time.perf_counter_ns() - t)
    out["open_tnb_us"] = statistics.median(opens) / 1000
    out["tnb"] = suite(api, n)
    # 100k queries of every kind, then the growth of resident memory.
    archs = api.get_arch_list("macro") + api.get_arch_list("micro")
    for i in range(100_000):
        a = archs[i % len(archs)]
        api.get_single_metric(a, "jigsaw", "valid_top1", mode=i % 10)
        if i % 10 == 0:
            api.get_epoch_status(a, "segmentsemantic", -1)
    gc.collect()
    out["rss_growth_mb_after_100k_queries"] = (rss_kb() - base) / 1024
    if source:
        t = time.perf_counter_ns()
        tnb.TransNASBenchAPI(source)
        out["open_pth_ms"] = (time.perf_counter_ns() - t) / 1e6
        try:
            from api import TransNASBenchAPI as Official  # noqa: PLC0415
        except ImportError:
            out["official"] = "not run (needs torch and TransNASBench's api/ on PYTHONPATH)"
        else:
            t = time.perf_counter_ns()
            official = Official(source)
            out["official_open_ms"] = (time.perf_counter_ns() - t) / 1e6
            out["official"] = suite(official, max(1000, n // 100))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
