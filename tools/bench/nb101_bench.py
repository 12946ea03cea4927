"""Timing tnb.nasbench101 (and, given the official code, nasbench.api side by side): open,
query(spec) with the spec hashed per call, get_metrics_from_hash, is_valid, and the vectorised
best-test-accuracy scan.

    python tools/bench/nb101_bench.py ARCHIVE_OR_TFRECORD [--tfrecord SRC]
        [--official-src DIR [--official-python PY]] [--n 20000] [--rounds 5]
        [--clock wall|process]

`--official-src DIR` is the root of a fetched snapshot of google-research/nasbench: the
official `nasbench.api` is imported from it with the TensorFlow stand-in of
tools/official/nb101/ (run_official.import_official), in `--official-python` (an interpreter
with numpy, absl-py and protobuf==3.20.3; default: this one), and opens `--tfrecord` (the
official class reads only TFRecords; default: the positional path). Per-call times are medians
over rounds of `--n` calls (Python's loop included); open is the median of `--rounds` opens
(one for the official class).
"""

import argparse
import contextlib
import io
import json
import os
import subprocess
import random
import statistics
import sys
import time


# `--clock process` times CPU time (time.process_time): on a loaded machine wall time counts
# other processes' turns too.
CLOCK = time.perf_counter


def per_call(f, items, n, rounds):
    """Median over rounds of the mean time of f(item) over n items (cycled)."""
    work = [items[i % len(items)] for i in range(n)]
    times = []
    for _ in range(rounds):
        start = CLOCK()
        for x in work:
            f(x)
        times.append((CLOCK() - start) / n)
    return statistics.median(times)


def fmt(seconds):
    if seconds >= 1:
        return "%.2f s" % seconds
    if seconds >= 1e-3:
        return "%.2f ms" % (seconds * 1e3)
    return "%.2f µs" % (seconds * 1e6)


def measure(api, path, n, rounds, label):
    quiet = io.StringIO()
    opens = []
    for _ in range(rounds if label == "tnb" else 1):
        start = CLOCK()
        with contextlib.redirect_stdout(quiet):
            nb = api.NASBench(path, seed=0)
        opens.append(CLOCK() - start)
    rows = {"open": statistics.median(opens)}
    hashes = list(nb.hash_iterator())
    rnd = random.Random(0)
    sample = [hashes[rnd.randrange(len(hashes))] for _ in range(min(2000, len(hashes)))]
    specs = []
    for h in sample[:500]:
        fixed, _ = nb.get_metrics_from_hash(h)
        specs.append(api.ModelSpec(fixed["module_adjacency"], fixed["module_operations"]))
    rows["query(spec)"] = per_call(nb.query, specs, n, rounds)
    rows["get_metrics_from_hash"] = per_call(nb.get_metrics_from_hash, sample, n, rounds)
    rows["is_valid"] = per_call(nb.is_valid, specs, n, rounds)
    rows["ModelSpec(matrix, ops)"] = per_call(
        lambda s: api.ModelSpec(s.original_matrix, s.original_ops), specs, max(n // 10, 1), rounds)
    if hasattr(nb, "metric_array"):
        def best(_):
            a = nb.metric_array("final_test_accuracy", 108)
            return a.mean(axis=1).argmax()

        rows["best mean test accuracy @108 (metric_array)"] = per_call(best, [0], 20, rounds)

        def top(_):
            return nb.metric_array("final_test_accuracy", 108).max()

        rows["best test accuracy @108, any repeat (metric_array().max())"] = per_call(
            top, [0], 20, rounds)
    else:
        def best(_):
            top = None
            for h in nb.hash_iterator():
                runs = nb.computed_statistics[h][108]
                acc = sum(r["final_test_accuracy"] for r in runs) / len(runs)
                if top is None or acc > top[0]:
                    top = (acc, h)
            return top

        rows["best mean test accuracy @108 (loop)"] = per_call(best, [0], 1, 1)
    return rows, len(hashes)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("path")
    p.add_argument("--tfrecord", help="the TFRecord for the official class (default: path)")
    p.add_argument("--official-src")
    p.add_argument("--official-python")
    p.add_argument("--only-official", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, default=20000)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--clock", choices=["wall", "process"], default="wall")
    a = p.parse_args()
    global CLOCK
    CLOCK = time.process_time if a.clock == "process" else time.perf_counter

    if a.only_official:
        here = os.path.dirname(os.path.abspath(__file__))
        sys.path.insert(0, os.path.join(here, "..", "official", "nb101"))
        from run_official import import_official

        official_api = import_official(a.official_src)
        rows, _ = measure(official_api, a.tfrecord or a.path, a.n, a.rounds, "official")
        print(json.dumps(rows))
        return

    from tnb.nasbench101 import api as tnb_api

    results = {}
    tnb_rows, cells = measure(tnb_api, a.path, a.n, a.rounds, "tnb")
    results["tnb"] = tnb_rows
    if a.official_src:
        cmd = [a.official_python or sys.executable, os.path.abspath(__file__), a.path,
               "--only-official", "--official-src", a.official_src,
               "--n", str(max(a.n // 10, 100)), "--rounds", "3", "--clock", a.clock]
        if a.tfrecord:
            cmd += ["--tfrecord", a.tfrecord]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        results["official"] = json.loads(out.strip().splitlines()[-1])
    print("%s: %d cells" % (a.path, cells))
    names = list(tnb_rows) + [k for k in results.get("official", {}) if k not in tnb_rows]
    header = "| operation | tnb |" + (" official |" if "official" in results else "")
    print(header)
    print("|---|---|" + ("---|" if "official" in results else ""))
    for k in names:
        line = "| %s | %s |" % (k, fmt(tnb_rows[k]) if k in tnb_rows else "—")
        if "official" in results:
            o = results["official"].get(k)
            line += " %s |" % (fmt(o) if o is not None else "—")
        print(line)


if __name__ == "__main__":
    main()
