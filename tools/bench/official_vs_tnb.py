#!/usr/bin/env python3
"""The official TransNASBenchAPI and tnb.TransNASBenchAPI, side by side, as a markdown table.

    python tools/bench/official_vs_tnb.py OFFICIAL_CHECKOUT SOURCE.pth ARCHIVE.tnb [--procs 3]

OFFICIAL_CHECKOUT is a checkout of github:yawen-d/TransNASBench; its api/ package is imported
from there at run time (nothing of it is copied here). Run with an interpreter that has torch
and tnb installed (a throwaway virtualenv: `pip install torch numpy ./crates/python`).
ARCHIVE.tnb is SOURCE.pth converted (`tnb convert`). Not run in CI: it takes many minutes.

Everything runs in fresh child processes of this one, so each class is timed alone in its
process (the official class's millions of objects do not slow tnb's allocations through the
garbage collector, nor the other way round) and the spread across processes shows:
- construction, `--procs` processes per row: the wall and CPU time of the constructor alone
  (interpreter start and imports excluded) and the process's peak RSS (VmHWM, imports
  included), with its growth above the RSS after the imports;
- per call, `--call-procs` processes per class, alternating: crates/python/bench.py's method (a
  Python loop over `n` calls, ns per call; `n` chosen per operation so a round lasts at least
  `--min-round-ms`), `--rounds` rounds per process, wall and CPU time. Both classes answer the
  same arguments; the official class's process first compares a few answers of each operation
  with tnb's, so the table times the same work. The garbage collector stays on, as in a script.
Each cell is the median and, in parentheses, the min-max over all rounds or processes. On a
shared machine the CPU time is the steadier figure: wall time includes waiting for a core.

The official constructor calls `torch.load(path)` without `weights_only`, which torch >= 2.6
reads as weights_only=True. The row "as torch < 2.6 did" sets TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1
(torch's own switch) so the same constructor runs with weights_only=False.
"""

import argparse
import datetime
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time

TASK = "class_object"


def status_kb(field):
    """One `kB` field of /proc/self/status (VmRSS, VmHWM), Linux only."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def maker(mode, checkout, source, archive):
    """A function constructing what `mode` names; its imports done here, before any clock."""
    if mode.startswith("official"):
        sys.path.insert(0, checkout)
        import torch  # noqa: F401 - imported before the clock starts, as a user's script does

        from api import TransNASBenchAPI as Official

        return lambda: Official(source)
    if mode.startswith("torch_load"):
        import torch

        weights_only = mode == "torch_load_weights_only"
        return lambda: torch.load(source, weights_only=weights_only)
    import tnb

    path = source if mode == "tnb_open_pth" else archive
    return lambda: tnb.TransNASBenchAPI(path)


def child_construct(mode, a):
    """One fresh-process construction; prints its times and memory as JSON."""
    make = maker(mode, a.checkout, a.source, a.archive)
    gc.collect()
    before = status_kb("VmRSS")
    wall, cpu = time.perf_counter(), time.process_time()
    obj = make()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(json.dumps({"wall": wall, "cpu": cpu, "before_kb": before, "hwm_kb": status_kb("VmHWM")}))
    del obj


def rounds(fn, n, count):
    """(wall, cpu) ns per call of `fn(i)` over `n` calls, for each of `count` rounds."""
    wall, cpu = [], []
    for _ in range(count):
        t, c = time.perf_counter_ns(), time.process_time_ns()
        for i in range(n):
            fn(i)
        cpu.append((time.process_time_ns() - c) / n)
        wall.append((time.perf_counter_ns() - t) / n)
    return wall, cpu


def calls_for(fn, min_round_ms, cap=200_000):
    """Calls per round so that one round lasts at least `min_round_ms` of wall time."""
    n = 1
    while n < cap:
        t = time.perf_counter_ns()
        for i in range(n):
            fn(i)
        if time.perf_counter_ns() - t >= min_round_ms * 1e6:
            break
        n *= 2
    return n


def operations(api, archs, epochs):
    """The compared calls, each as `fn(i)`; both classes get identical arguments (`epochs`: the
    fewest epochs any arch has on TASK, so every epoch asked for exists)."""
    count = len(archs)
    task = TASK
    return [
        ("index2arch", lambda i: api.index2arch(i % count)),
        ("arch2index", lambda i: api.arch2index(archs[i % count])),
        ("get_arch_result", lambda i: api.get_arch_result(archs[i % count])),
        (
            "get_single_metric(mode='best')",
            lambda i: api.get_single_metric(archs[i % count], task, "valid_top1", mode="best"),
        ),
        ("get_model_info", lambda i: api.get_model_info(archs[i % count], task, "inference_time")),
        ("get_epoch_status", lambda i: api.get_epoch_status(archs[i % count], task, i % epochs)),
        (
            "get_best_epoch_status",
            lambda i: api.get_best_epoch_status(archs[i % count], task, "valid_top1"),
        ),
        (
            "get_best_archs(topk=10), micro",
            lambda i: api.get_best_archs(task, "valid_top1", "micro", topk=10),
        ),
        ("api[i] (a deep copy of get_arch_result)", lambda i: api[i % count]),
    ]


def child_calls(mode, a):
    """Times every operation on one class in this fresh process; prints JSON."""
    import tnb

    ours = tnb.TransNASBenchAPI(a.archive)
    archs = [ours.index2arch(i) for i in range(len(ours))]
    epochs = min(ours.get_total_epochs(arch, TASK) for arch in archs)
    api = maker(mode, a.checkout, a.source, a.archive)()
    ops = operations(api, archs, epochs)
    if mode == "official":
        assert archs == list(api.arch2space), "the two classes list different archs"
        for (name, f_off), (_, f_ours) in zip(ops, operations(ours, archs, epochs)):
            for i in (0, 1, len(archs) - 1):
                got, want = f_ours(i), f_off(i)
                if name.startswith(("get_arch_result", "api[i]")):
                    got, want = got.query_all_results(), want.query_all_results()
                assert repr(got) == repr(want), f"{name}({i}): tnb {got!r} != official {want!r}"
    del ours
    gc.collect()
    out = {}
    for name, fn in ops:
        n = calls_for(fn, a.min_round_ms)
        wall, cpu = rounds(fn, n, a.rounds)
        out[name] = {"n": n, "wall": wall, "cpu": cpu}
    print(json.dumps(out))


def run_child(kind, mode, a, env=None):
    """One fresh child process of this script; its JSON output."""
    out = subprocess.run(
        [sys.executable, __file__, a.checkout, a.source, a.archive, "--child", f"{kind}:{mode}",
         "--rounds", str(a.rounds), "--min-round-ms", str(a.min_round_ms)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def human_ns(ns):
    if ns >= 1e9:
        return f"{ns / 1e9:.3g} s"
    if ns >= 1e6:
        return f"{ns / 1e6:.3g} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.3g} µs"
    return f"{ns:.0f} ns"


def cell(values, unit):
    """The median and the min-max spread of `values`."""
    fmt = {
        "ns": human_ns,
        "s": lambda s: human_ns(s * 1e9),
        "kb": lambda kb: f"{kb / 1024:.0f} MB" if kb >= 10240 else f"{kb / 1024:.1f} MB",
    }[unit]
    med = statistics.median(values)
    if min(values) == max(values):
        return fmt(med)
    return f"{fmt(med)} ({fmt(min(values))}–{fmt(max(values))})"


def ratio(a, b):
    r = statistics.median(a) / statistics.median(b)
    return f"{r:,.0f}×" if r >= 10 else f"{r:.2g}×"


CONSTRUCTIONS = {
    "official": "official `TransNASBenchAPI(pth)` (torch's default since 2.6: weights_only=True)",
    "official_no_weights_only": "official, weights_only=False (as torch < 2.6 did)",
    "torch_load": "`torch.load(pth, weights_only=False)` alone",
    "torch_load_weights_only": "`torch.load(pth, weights_only=True)` alone",
    "tnb_open_tnb": "`tnb.TransNASBenchAPI(tnb)`",
    "tnb_open_pth": "`tnb.TransNASBenchAPI(pth)` (converted in memory)",
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkout", help="a checkout of github:yawen-d/TransNASBench")
    ap.add_argument("source", help="the .pth file")
    ap.add_argument("archive", help="the same file converted to .tnb")
    ap.add_argument("--procs", type=int, default=3, help="fresh processes per construction row")
    ap.add_argument("--call-procs", type=int, default=2, help="fresh processes per class, per call")
    ap.add_argument("--rounds", type=int, default=7, help="rounds per operation per process")
    ap.add_argument("--min-round-ms", type=float, default=50.0)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        kind, mode = a.child.split(":")
        (child_construct if kind == "construct" else child_calls)(mode, a)
        return

    import torch

    import tnb

    started = datetime.datetime.now(datetime.timezone.utc)
    loads = [os.getloadavg()[0]]
    cons = {mode: [] for mode in CONSTRUCTIONS}
    # Rows interleaved process by process, so a burst of load elsewhere spreads over all rows.
    for _ in range(a.procs):
        for mode in CONSTRUCTIONS:
            env = dict(os.environ)
            if mode == "official_no_weights_only":
                env["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "1"
            cons[mode].append(run_child("construct", mode, a, env))
            print(f"constructed {mode}: {cons[mode][-1]}", file=sys.stderr)
        loads.append(os.getloadavg()[0])
    calls = {"official": [], "tnb": []}
    # The per-call processes load the official object with weights_only=False: the same objects,
    # several times sooner than torch's restricted unpickler builds them.
    fast = dict(os.environ, TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD="1")
    for _ in range(a.call_procs):
        for mode in calls:
            calls[mode].append(run_child("calls", mode, a, fast))
            print(f"timed {mode}: n {[v['n'] for v in calls[mode][-1].values()]}", file=sys.stderr)
        loads.append(os.getloadavg()[0])
    finished = datetime.datetime.now(datetime.timezone.utc)

    print(f"Measured {started:%Y-%m-%d %H:%M}–{finished:%H:%M} UTC: torch {torch.__version__}, "
          f"Python {platform.python_version()}, tnb {tnb.__version__}, {os.cpu_count()} CPUs "
          f"shared with other jobs (1-minute load average {min(loads):.1f}–{max(loads):.1f}, "
          f"sampled {len(loads)} times).")
    print(f"Source {os.path.basename(a.source)} ({os.path.getsize(a.source):,} bytes), archive "
          f"{os.path.basename(a.archive)} ({os.path.getsize(a.archive):,} bytes).")
    print(f"Median (min–max): construction over {a.procs} fresh processes per row; per call over "
          f"{a.call_procs} fresh processes × {a.rounds} rounds per class.\n")
    print("| construction | wall time | CPU time | peak RSS (process) | RSS growth |")
    print("|---|---|---|---|---|")
    for mode, label in CONSTRUCTIONS.items():
        runs = cons[mode]
        print(f"| {label} | {cell([r['wall'] for r in runs], 's')} | "
              f"{cell([r['cpu'] for r in runs], 's')} | "
              f"{cell([r['hwm_kb'] for r in runs], 'kb')} | "
              f"{cell([r['hwm_kb'] - r['before_kb'] for r in runs], 'kb')} |")
    print()
    print("| per call | official, wall | tnb, wall | official, CPU | tnb, CPU "
          "| official / tnb (CPU) |")
    print("|---|---|---|---|---|---|")
    for name in calls["tnb"][0]:
        pooled = {
            (mode, clock): [x for proc in calls[mode] for x in proc[name][clock]]
            for mode in calls
            for clock in ("wall", "cpu")
        }
        print(f"| `{name}` | {cell(pooled['official', 'wall'], 'ns')} | "
              f"{cell(pooled['tnb', 'wall'], 'ns')} | {cell(pooled['official', 'cpu'], 'ns')} | "
              f"{cell(pooled['tnb', 'cpu'], 'ns')} | "
              f"{ratio(pooled['official', 'cpu'], pooled['tnb', 'cpu'])} |")


if __name__ == "__main__":
    main()
