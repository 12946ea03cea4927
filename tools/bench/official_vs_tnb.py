#!/usr/bin/env python3
"""The official TransNASBenchAPI and tnb.TransNASBenchAPI, side by side, as a markdown table.

    python tools/bench/official_vs_tnb.py OFFICIAL_CHECKOUT SOURCE.pth ARCHIVE.tnb [--procs 3]

OFFICIAL_CHECKOUT is a checkout of github:yawen-d/TransNASBench; its api/ package is imported
from there at run time (nothing of it is copied here). Run with an interpreter that has torch
and tnb installed (a throwaway virtualenv: `pip install torch numpy ./crates/python`).
ARCHIVE.tnb is SOURCE.pth converted (`tnb convert`). Not run in CI: it takes minutes.

Construction is timed in fresh processes (`--procs` of each, the median, and the min-max
spread): the wall time of the constructor alone (interpreter start and `import torch` excluded)
and the process's peak RSS (VmHWM, the imports included; the growth above the RSS after the
imports is printed too). Per-call figures reuse crates/python/bench.py's method (a Python loop
over `n` calls, ns per call, the median of `--rounds` rounds), with `n` chosen per operation so a
round lasts at least `--min-round-ms`: both classes live in this one process and answer the
same arguments, and a few answers are compared first so the table times the same work. The
garbage collector stays on, as in a user's script.

The official constructor calls `torch.load(path)` without `weights_only`: torch >= 2.6 then
loads with weights_only=True. The row "as torch < 2.6 did" sets TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1
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


def status_kb(field):
    """One `kB` field of /proc/self/status (VmRSS, VmHWM), Linux only."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def child(mode, checkout, source, archive):
    """One fresh-process construction; prints its seconds and memory as JSON."""
    if mode.startswith("official"):
        sys.path.insert(0, checkout)
        import torch  # noqa: F401 - imported before the clock starts, as a user's script does

        from api import TransNASBenchAPI as Official

        make = lambda: Official(source)  # noqa: E731
    elif mode == "torch_load":
        import torch

        make = lambda: torch.load(source, weights_only=False)  # noqa: E731
    elif mode == "torch_load_weights_only":
        import torch

        make = lambda: torch.load(source, weights_only=True)  # noqa: E731
    else:
        import tnb

        path = archive if mode == "tnb_open_tnb" else source
        make = lambda: tnb.TransNASBenchAPI(path)  # noqa: E731
    gc.collect()
    before = status_kb("VmRSS")
    t = time.perf_counter()
    obj = make()
    seconds = time.perf_counter() - t
    print(json.dumps({"s": seconds, "rss_before_kb": before, "hwm_kb": status_kb("VmHWM")}))
    del obj


def construct(mode, a):
    """`a.procs` fresh processes of `mode`: lists of seconds, peak kB, growth kB."""
    env = dict(os.environ)
    if mode == "official_no_weights_only":
        env["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "1"
    runs = []
    for _ in range(a.procs):
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode, a.checkout, a.source, a.archive],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return (
        [r["s"] for r in runs],
        [r["hwm_kb"] for r in runs],
        [r["hwm_kb"] - r["rss_before_kb"] for r in runs],
    )


def rounds_ns(fn, n, rounds):
    """ns per call of `fn(i)` over `n` calls, for each of `rounds` rounds (bench.py's loop)."""
    out = []
    for _ in range(rounds):
        t = time.perf_counter_ns()
        for i in range(n):
            fn(i)
        out.append((time.perf_counter_ns() - t) / n)
    return out


def calls_for(fn, min_round_ms, cap=200_000):
    """Calls per round so that one round lasts at least `min_round_ms`."""
    n = 1
    while n < cap:
        t = time.perf_counter_ns()
        for i in range(n):
            fn(i)
        if time.perf_counter_ns() - t >= min_round_ms * 1e6:
            break
        n *= 2
    return n


def operations(api, archs):
    """The compared calls, each as `fn(i)`; both classes get identical arguments."""
    count = len(archs)
    task = "class_object"
    return [
        ("index2arch", lambda i: api.index2arch(i % count)),
        ("arch2index", lambda i: api.arch2index(archs[i % count])),
        ("get_arch_result", lambda i: api.get_arch_result(archs[i % count])),
        (
            "get_single_metric(mode='best')",
            lambda i: api.get_single_metric(archs[i % count], task, "valid_top1", mode="best"),
        ),
        ("get_model_info", lambda i: api.get_model_info(archs[i % count], task, "inference_time")),
        ("get_epoch_status", lambda i: api.get_epoch_status(archs[i % count], task, i % 10)),
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


def human_ns(ns):
    if ns >= 1e9:
        return f"{ns / 1e9:.2f} s"
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
    return f"{fmt(med)} ({fmt(min(values))}–{fmt(max(values))})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkout", help="a checkout of github:yawen-d/TransNASBench")
    ap.add_argument("source", help="the .pth file")
    ap.add_argument("archive", help="the same file converted to .tnb")
    ap.add_argument("--procs", type=int, default=3, help="fresh processes per construction")
    ap.add_argument("--rounds", type=int, default=7, help="rounds per per-call figure")
    ap.add_argument("--min-round-ms", type=float, default=50.0)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.checkout, a.source, a.archive)
        return

    import torch

    import tnb

    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = os.getloadavg()
    rows = []

    cons = {}
    for mode in (
        "official",
        "official_no_weights_only",
        "torch_load",
        "torch_load_weights_only",
        "tnb_open_tnb",
        "tnb_open_pth",
    ):
        cons[mode] = construct(mode, a)
        print(f"constructed {mode}: {cons[mode][0]}", file=sys.stderr)

    sys.path.insert(0, a.checkout)
    from api import TransNASBenchAPI as Official

    official = Official(a.source)
    ours = tnb.TransNASBenchAPI(a.archive)
    archs = [ours.index2arch(i) for i in range(len(ours))]
    assert archs == list(official.arch2space), "the two classes list different archs"
    ops_official = operations(official, archs)
    ops_ours = operations(ours, archs)
    for (name, f_off), (_, f_ours) in zip(ops_official, ops_ours):
        for i in (0, 1, len(archs) - 1):
            got, want = f_ours(i), f_off(i)
            if name.startswith(("get_arch_result", "api[i]")):
                got, want = got.query_all_results(), want.query_all_results()
            assert got == want, f"{name}({i}): tnb {got!r} != official {want!r}"

    for (name, f_off), (_, f_ours) in zip(ops_official, ops_ours):
        n_off = calls_for(f_off, a.min_round_ms)
        n_ours = calls_for(f_ours, a.min_round_ms)
        off = rounds_ns(f_off, n_off, a.rounds)
        mine = rounds_ns(f_ours, n_ours, a.rounds)
        rows.append((name, cell(off, "ns"), cell(mine, "ns"), statistics.median(off) / statistics.median(mine)))
        print(f"timed {name}: n {n_off} / {n_ours}", file=sys.stderr)

    open_in_process = rounds_ns(lambda i: tnb.TransNASBenchAPI(a.archive), 20, a.rounds)
    load_end = os.getloadavg()
    finished = datetime.datetime.now(datetime.timezone.utc)

    s, hwm, grow = cons["official"]
    print(f"Measured {started:%Y-%m-%d %H:%M}–{finished:%H:%M} UTC; torch {torch.__version__}, "
          f"Python {platform.python_version()}, tnb {tnb.__version__}, {os.cpu_count()} CPUs, "
          f"load average {load_start[0]:.2f} at the start, {load_end[0]:.2f} at the end.")
    print(f"Source {os.path.basename(a.source)} ({os.path.getsize(a.source)} bytes), archive "
          f"{os.path.basename(a.archive)} ({os.path.getsize(a.archive)} bytes), {len(archs)} archs.")
    print(f"Median (min–max); construction over {a.procs} fresh processes each, per call over "
          f"{a.rounds} rounds.\n")
    print("| construction | wall time | peak RSS (process) | RSS growth |")
    print("|---|---|---|---|")
    names = {
        "official": "official `TransNASBenchAPI(pth)` (torch's default: weights_only=True)",
        "official_no_weights_only": "official, weights_only=False (as torch < 2.6 did)",
        "torch_load": "`torch.load(pth, weights_only=False)` alone",
        "torch_load_weights_only": "`torch.load(pth, weights_only=True)` alone",
        "tnb_open_tnb": "`tnb.TransNASBenchAPI(tnb)`",
        "tnb_open_pth": "`tnb.TransNASBenchAPI(pth)` (converted in memory)",
    }
    for mode, label in names.items():
        s, hwm, grow = cons[mode]
        print(f"| {label} | {cell(s, 's')} | {cell(hwm, 'kb')} | {cell(grow, 'kb')} |")
    print(f"| `tnb.TransNASBenchAPI(tnb)` again, in this process | "
          f"{cell(open_in_process, 'ns')} | | |")
    print()
    print("| per call | official | tnb | official / tnb |")
    print("|---|---|---|---|")
    for name, off, mine, ratio in rows:
        print(f"| `{name}` | {off} | {mine} | {ratio:,.0f}× |")


if __name__ == "__main__":
    main()
