"""Benchmark of tnb.NASBench201API on a full-size NB201 archive (or .pth), with the official
`nas_201_api` measured side by side on a smaller file when given (it does not fit in memory at
full size: ~26 GB for v1_1).

    python tools/bench/nb201_bench.py ARCHIVE [--official SMALL.pth] [--runs 5]

Prints one line per measurement: the median over runs of the per-call time (or the open time in
a fresh process, or the memory growth). Needs numpy (and nas_201_api for --official: its torch
import is served by a stand-in whose load is tnb's non-executing reader).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
import types


def rss_mb(field="VmRSS:"):
    """The process's resident memory in MB (`RssAnon:`: without the archive's mapped pages,
    which are the page cache's and shared by every process mapping the file)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def per_call(f, n, runs):
    """Median over `runs` of the mean time per call of `f(k)` for k in range(n), in µs."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        for k in range(n):
            f(k)
        times.append((time.perf_counter() - t) / n * 1e6)
    return statistics.median(times)


def open_time(path, runs):
    """Median first-open time in fresh processes (after `import numpy, tnb`: so it includes
    importing `tnb.nas201`, which the first `tnb.NASBench201API` does), in ms; then the medians
    of its two parts, measured in other fresh processes (the module's import, the constructor)."""
    code = ("import time, numpy, tnb; t = time.perf_counter(); "
            "api = tnb.NASBench201API(%r, verbose=False); print((time.perf_counter() - t) * 1e3)" % path)
    out = [float(subprocess.check_output([sys.executable, "-c", code]).decode().split()[-1]) for _ in range(runs)]
    parts = ("import time, numpy, tnb; t = time.perf_counter(); import tnb.nas201; t1 = time.perf_counter(); "
             "api = tnb.NASBench201API(%r, verbose=False); t2 = time.perf_counter(); "
             "print((t1 - t) * 1e3, (t2 - t1) * 1e3)" % path)
    split = [subprocess.check_output([sys.executable, "-c", parts]).decode().split()[-2:] for _ in range(runs)]
    return (statistics.median(out), statistics.median(float(a) for a, _ in split),
            statistics.median(float(b) for _, b in split))


def workload(api, n_archs, runs, label):
    rows = []
    r = random.Random(0)
    evaluated = list(api.evaluated_indexes)
    idx = [evaluated[r.randrange(len(evaluated))] for _ in range(4096)]
    names = [api.meta_archs[i] if hasattr(api, "meta_archs") else api[i] for i in idx]
    sets = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"]

    def row(what, us):
        rows.append((label, what, us))
        print("{:8s} {:52s} {:12.3f} µs".format(label, what, us), flush=True)

    noop = lambda x: x  # noqa: E731 - the same call shape as the rows below
    row("(loop overhead: the lambda calling a no-op; included below)", per_call(lambda k: noop(names[k & 4095]), 20000, runs))
    row("query_index_by_arch(str)", per_call(lambda k: api.query_index_by_arch(names[k & 4095]), 20000, runs))
    row("query_index_by_arch(int)", per_call(lambda k: api.query_index_by_arch(idx[k & 4095]), 20000, runs))
    row("get_more_info(i, d) [hp='12', is_random=True]",
        per_call(lambda k: api.get_more_info(idx[k & 4095], sets[k & 3]), 5000, runs))
    row("get_more_info(i, d, hp='200')",
        per_call(lambda k: api.get_more_info(idx[k & 4095], sets[k & 3], hp="200"), 5000, runs))
    row("get_more_info(i, d, hp='200', is_random=False)",
        per_call(lambda k: api.get_more_info(idx[k & 4095], sets[k & 3], hp="200", is_random=False), 2000, runs))
    row("get_cost_info(i, d)", per_call(lambda k: api.get_cost_info(idx[k & 4095], sets[k & 3]), 2000, runs))
    row("get_latency(i, d)", per_call(lambda k: api.get_latency(idx[k & 4095], sets[k & 3]), 2000, runs))
    row("get_cost_info(i, d, hp='200')",
        per_call(lambda k: api.get_cost_info(idx[k & 4095], sets[k & 3], hp="200"), 1000, runs))
    t = time.perf_counter()
    api.find_best("cifar10", "valid")
    row("find_best('cifar10', 'valid') first call", (time.perf_counter() - t) * 1e6)
    row("find_best('cifar10', 'valid')", per_call(lambda k: api.find_best("cifar10", "valid"), 20, runs))
    row("find_best('cifar100', 'test', FLOP_max=50, hp='200') (after 1st)",
        (api.find_best("cifar100", "test", 50, None, "200"), per_call(
            lambda k: api.find_best("cifar100", "test", 50, None, "200"), 20, runs))[1])
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--official")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    import numpy  # noqa: F401
    import tnb

    base, base_anon = rss_mb(), rss_mb("RssAnon:")
    print("open (fresh process, median of {}): {:.3f} ms (import of tnb.nas201 {:.3f} ms + constructor {:.3f} ms)"
          .format(a.runs, *open_time(a.path, a.runs)), flush=True)
    t = time.perf_counter()
    api = tnb.NASBench201API(a.path, verbose=False)
    print("open (this process): {:.3f} ms".format((time.perf_counter() - t) * 1e3))
    n = len(api)
    workload(api, n, a.runs, "tnb")
    r = random.Random(1)
    sets = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"]
    for k in range(100000):
        i = r.randrange(n)
        if k % 3 == 0:
            api.get_more_info(i, sets[k & 3], hp="200")
        elif k % 3 == 1:
            api.get_cost_info(i, sets[k & 3])
        else:
            api.query_index_by_arch(api[i])
    print("memory after open + 100k queries: {:.1f} MB RSS ({:.1f} MB anonymous) above `import numpy, tnb`".format(
        rss_mb() - base, rss_mb("RssAnon:") - base_anon))
    if a.official:
        from tnb import nas201

        stand_in = types.ModuleType("torch")
        stand_in.load = lambda p, *x, **y: nas201.load_pth(p)
        sys.modules.setdefault("torch", stand_in)
        import nas_201_api

        before = rss_mb()
        t = time.perf_counter()
        off = nas_201_api.NASBench201API(a.official, verbose=False)
        took = time.perf_counter() - t
        print("official open of {} ({} archs evaluated): {:.1f} ms (torch.load stand-in included), +{:.0f} MB".format(
            os.path.basename(a.official), len(off.evaluated_indexes), took * 1e3, rss_mb() - before))
        workload(off, len(off), a.runs, "official")
        ours = tnb.NASBench201API(a.official, verbose=False)
        workload(ours, len(ours), a.runs, "tnb-same")


if __name__ == "__main__":
    main()
