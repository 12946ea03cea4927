#!/usr/bin/env python3
"""Measures the official NASBench on a (full-size) file: construction time, then the per-call
latency of `query(spec)` and `get_metrics_from_hash(h)` (medians over many single calls).

    /usr/bin/time -v /tmp/ovenv/bin/python tools/official/nb101/measure.py /tmp/nasbench-src FILE [--calls 20000]

Run it in a fresh process under `/usr/bin/time -v` for the peak RSS ("Maximum resident set
size"; the calls add nothing noticeable to it). Prints one line per number. The ModelSpecs
are built before the timed loop (the official `query` checks and hashes the spec on every
call, which is what is timed); the cells are a fixed pseudo-random sample of the file's.
"""

import argparse
import os
import random
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from run_official import import_official  # noqa: E402


def median_ns(fn, args_list):
    # thread CPU time per call: with a load average far above the core count, wall-clock
    # samples include time slices given to other processes
    times = []
    pc = time.thread_time_ns
    for a in args_list:
        t0 = pc()
        fn(a)
        times.append(pc() - t0)
    return statistics.median(times), min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("official_src")
    ap.add_argument("file")
    ap.add_argument("--calls", type=int, default=20000)
    a = ap.parse_args()
    api = import_official(a.official_src)
    from tensorflow import python_io

    print("crc: %s" % python_io.CRC_IMPL)
    t0, c0 = time.perf_counter(), time.process_time()
    nb = api.NASBench(a.file, seed=21)
    t1, c1 = time.perf_counter(), time.process_time()
    cells = len(nb.fixed_statistics)
    runs = sum(len(v) for c in nb.computed_statistics.values() for v in c.values())
    # CPU time too: on a shared, loaded machine the wall time says more about the neighbours
    print("construct: %.2f s wall, %.2f s CPU (%d cells, %d runs)" % (t1 - t0, c1 - c0, cells, runs))

    rng = random.Random(7)
    hashes = list(nb.hash_iterator())
    sample = [hashes[rng.randrange(len(hashes))] for _ in range(a.calls)]
    specs = []
    for h in sample:
        f = nb.fixed_statistics[h]
        specs.append(api.ModelSpec(f["module_adjacency"].tolist(), list(f["module_operations"])))
    epochs = 108 if 108 in nb.valid_epochs else next(iter(nb.valid_epochs))

    med, best = median_ns(nb.get_metrics_from_hash, sample)
    print("get_metrics_from_hash: median %.1f us, min %.1f us over %d calls" % (med / 1e3, best / 1e3, len(sample)))
    med, best = median_ns(lambda s: nb.query(s, epochs), specs)
    print("query(spec, %d): median %.1f us, min %.1f us over %d calls" % (epochs, med / 1e3, best / 1e3, len(specs)))
    med, best = median_ns(lambda h: api.ModelSpec(nb.fixed_statistics[h]["module_adjacency"], nb.fixed_statistics[h]["module_operations"]), sample[:5000])
    print("ModelSpec(matrix, ops) (not in query's time): median %.1f us" % (med / 1e3))
    t0 = time.perf_counter()
    best_acc = max(r["final_test_accuracy"] for c in nb.computed_statistics.values() for r in c.get(108, ()))
    print("best final_test_accuracy at 108 over all cells (dict walk): %.3f s (%.6f)" % (time.perf_counter() - t0, best_acc))


if __name__ == "__main__":
    main()
