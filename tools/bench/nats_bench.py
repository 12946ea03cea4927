"""Benchmark of tnb.nats on a NATS-Bench archive (or a `-simple` folder / single file, converted
in memory at open), with the official `nats_bench` measured side by side on the same source
when given (`--official`, a folder it opens in fast mode: the real samples or a look-alike).

    python tools/bench/nats_bench.py SOURCE --space tss [--official FOLDER] [--runs 5] [--n 20000]

Prints one line per measurement: the median over runs of the per-call time (or the open time in
a fresh process). The sweep rows time one `get_more_info` per held architecture (all of them in a
full-size archive; on a small source the figure is scaled to 15625 / 32768 archs and says so).
Needs numpy (and nats_bench for --official).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time


def per_call(f, n, runs):
    """Median over `runs` of the mean time per call of `f(k)` for k in range(n), in µs."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        for k in range(n):
            f(k)
        times.append((time.perf_counter() - t) / n * 1e6)
    return statistics.median(times)


def open_time(path, space, fast, runs):
    """Median time of the first `create` in fresh processes (after `import numpy, tnb.nats`), ms."""
    code = ("import time, numpy, tnb.nats; t = time.perf_counter(); "
            "api = tnb.nats.create(%r, %r, fast_mode=%r, verbose=False); print((time.perf_counter() - t) * 1e3)"
            % (path, space, fast))
    out = [float(subprocess.check_output([sys.executable, "-c", code]).decode().split()[-1]) for _ in range(runs)]
    return statistics.median(out)


def rows(api, space, n, runs, label):
    """The per-call table of one API object."""
    held = sorted(api.evaluated_indexes)
    k = len(held)
    hp = "12"
    a = [api[i] for i in held]
    out = []

    def row(name, f, count=n):
        us = per_call(f, count, runs)
        out.append((label, name, us))
        print("{:8s} {:55s} {:10.3f} µs".format(label, name, us), flush=True)

    row("get_more_info(i, 'cifar10', hp='12')  [random]", lambda j: api.get_more_info(held[j % k], "cifar10", hp=hp))
    row("get_more_info(i, 'cifar100', is_random=False)",
        lambda j: api.get_more_info(held[j % k], "cifar100", hp=hp, is_random=False))
    seed = api.query_meta_info_by_index(held[0], hp).get_dataset_seeds("ImageNet16-120")[0]
    row("get_more_info(i, 'ImageNet16-120', iepoch=5, seed)",
        lambda j: api.get_more_info(held[j % k], "ImageNet16-120", 5, hp, seed))
    row("get_more_info(i, 'cifar10', hp=full, is_random=False)",
        lambda j: api.get_more_info(held[j % k], "cifar10", hp=str(api.full_train_epochs), is_random=False),
        max(1, n // 10))
    row("get_more_info(arch_str, 'cifar10-valid')", lambda j: api.get_more_info(a[j % k], "cifar10-valid", hp=hp))
    row("get_cost_info(i, 'cifar10')", lambda j: api.get_cost_info(held[j % k], "cifar10", hp=hp))
    row("get_latency(i, 'cifar100')", lambda j: api.get_latency(held[j % k], "cifar100", hp=hp))
    row("query_index_by_arch(arch_str)", lambda j: api.query_index_by_arch(a[j % k]))
    row("simulate_train_eval(i, 'cifar10')", lambda j: api.simulate_train_eval(held[j % k], "cifar10", hp=hp))
    row("find_best('cifar10', 'valid', hp='12')", lambda j: api.find_best("cifar10", "valid", hp=hp, enforce_all=False), max(1, n // 100))
    return out


def sweep(api, space, runs, label):
    """One get_more_info per held arch (every index of a full archive), seconds."""
    held = sorted(api.evaluated_indexes)
    full = 15625 if space == "tss" else 32768
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        for i in held:
            api.get_more_info(i, "cifar10", hp="12")
        times.append(time.perf_counter() - t)
    s = statistics.median(times)
    scaled = s / len(held) * full
    note = "" if len(held) == full else " (measured on {} archs, scaled x{:.0f})".format(len(held), full / len(held))
    print("{:8s} {:55s} {:10.4f} s{}".format(label, "sweep get_more_info over all {} archs".format(full), scaled, note),
          flush=True)
    return scaled


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("source")
    p.add_argument("--space", choices=["tss", "sss"], required=True)
    p.add_argument("--official", help="a -simple folder for nats_bench (fast mode)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--n", type=int, default=20000)
    args = p.parse_args()

    import tnb.nats

    fast = os.path.isdir(args.source) or open(args.source, "rb").read(8) == b"\x89TNB\r\n\x1a\n"
    print("open (fresh process, median of {}): {:.3f} ms".format(
        args.runs, open_time(args.source, args.space, fast, args.runs)), flush=True)
    random.seed(0)
    api = tnb.nats.create(args.source, args.space, fast_mode=fast, verbose=False)
    rows(api, args.space, args.n, args.runs, "tnb")
    sweep(api, args.space, args.runs, "tnb")
    if args.official:
        import contextlib
        import io

        # This script's own name would shadow the official package: import it from elsewhere.
        here = os.path.dirname(os.path.abspath(__file__))
        sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
        sys.modules.pop("nats_bench", None)
        import nats_bench

        with contextlib.redirect_stdout(io.StringIO()):
            t = time.perf_counter()
            off = nats_bench.create(args.official, args.space, fast_mode=True, verbose=False)
            opened = time.perf_counter() - t
            files = [int(n[:6]) for n in os.listdir(args.official) if n[:6].isdigit()]
            t = time.perf_counter()
            for i in files:
                off._prepare_info(i)
            first = (time.perf_counter() - t) / max(1, len(files))
        print("official open {:.3f} ms; first use of an arch (reads its file) {:.3f} ms".format(
            opened * 1e3, first * 1e3), flush=True)
        rows(off, args.space, max(1, args.n // 20), args.runs, "official")


if __name__ == "__main__":
    main()
