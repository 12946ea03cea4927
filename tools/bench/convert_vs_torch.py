#!/usr/bin/env python3
"""Side-by-side conversion benchmark: `tnb convert` against `torch.load(weights_only=False)`.

Usage:
    python3 tools/bench/convert_vs_torch.py SOURCE.pth [--runs 5] [--tnb target/release/tnb]

Runs the conversion `--runs` times (each in a fresh process, output to a temporary file next to
nothing else) and reports the median wall time, the peak RSS of the worst run (from the kernel's
rusage of the children), the archive size and its ratio to the source. If the interpreter can
import torch (e.g. the throwaway virtualenv of data/make_fixtures.py: /tmp/venv/bin/python), it also
times torch.load(SOURCE, weights_only=False) the same number of times, in fresh processes too, so
both sides pay the same page-cache and process-start costs. Plain python3 without torch only
measures tnb.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def run_timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("source")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tnb", default="target/release/tnb")
    a = ap.parse_args()
    size = os.path.getsize(a.source)
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "bench.tnb")
        # One warm-up so the source is in the page cache for both contenders.
        run_timed([a.tnb, "convert", "-q", a.source, out])
        times = [run_timed([a.tnb, "convert", "-q", a.source, out]) for _ in range(a.runs)]
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        archive = os.path.getsize(out)
    conv = statistics.median(times)
    print(f"source          {size} bytes")
    print(f"tnb convert     median {conv * 1e3:.0f} ms of {a.runs} (min {min(times) * 1e3:.0f}, max {max(times) * 1e3:.0f})")
    print(f"peak RSS        {peak_kib / 1024:.0f} MiB = {peak_kib * 1024 / size:.2f}x the source")
    print(f"archive         {archive} bytes = {archive / size:.2f}x the source")
    try:
        import torch  # noqa: F401
    except ImportError:
        print("torch.load      (torch not importable by this interpreter; run with a torch venv to compare)")
        return
    code = f"import torch; torch.load({a.source!r}, weights_only=False)"
    run_timed([sys.executable, "-c", code])
    # Time the load itself inside the child, excluding interpreter and torch import.
    loads = []
    for _ in range(a.runs):
        r = subprocess.run(
            [sys.executable, "-c",
             "import time, torch; t = time.perf_counter(); "
             f"torch.load({a.source!r}, weights_only=False); print(time.perf_counter() - t)"],
            check=True, capture_output=True, text=True)
        loads.append(float(r.stdout.strip().splitlines()[-1]))
    tl = statistics.median(loads)
    print(f"torch.load      median {tl * 1e3:.0f} ms of {a.runs} (weights_only=False, load call only)")
    print(f"ratio           tnb convert = {conv / tl:.3f} x torch.load (target <= 0.2)")


if __name__ == "__main__":
    main()
