#!/usr/bin/env python3
"""NASBench201API construction, memory and per-call times (official class or tnb), as Markdown + JSON.

    # the official class (pip install --no-deps nas-bench-201==2.1 into an env that has torch):
    /tmp/official/venv/bin/python tools/bench/official_nb201.py --cls official A.pth B.pth ...
    # tnb's class (an env where `import tnb` has NASBench201API); FILE may also be an archive:
    python tools/bench/official_nb201.py --cls tnb A.pth ...
    options: --procs 3 (fresh processes per file), --rounds 5, --min-round-ms 50,
             --mixed 100000 (queries before the last RSS reading), --json OUT.json,
             --extrapolate 15625 (archs; a fit is printed when two or more files are given)

Files are NB201-shaped `.pth` files, e.g. `tnb-synth nb201 --version v1_1 --archs N OUT.pth`
(all 15625 meta_archs, N archs in arch2infos). Not run in CI: the official class needs ~1.7 GB
and ~3 ms per loaded v1_1 arch.

Every measurement runs in a fresh child process of this script (`--procs` per file); each cell is
the median over those processes with the min–max in parentheses. In each child:
- baseline = VmRSS after the imports a user needs (`numpy, torch, nas_201_api` or `numpy, tnb`)
  and a `gc.collect()`; every memory figure is a growth above it (/proc/self/status, kB);
- construction: `Class(path, verbose=False)`: wall and CPU time of the constructor alone; peak
  = VmHWM right after it, minus the baseline; the official constructor runs `torch.load` without
  `weights_only`, which torch >= 2.6 refuses on these files, so the children get torch's own
  switch TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 (one extra child without it records the refusal);
- per call: warm (a calibration pass first), a Python loop of n calls with n chosen so one round
  lasts >= --min-round-ms, --rounds rounds, the median round in ns per call (wall and CPU). Each
  call takes the next loaded arch in turn; hp '200', dataset 'cifar10-valid' (cifar10 for
  simulate_train_eval and find_best, as their callers write it); `random` is seeded with 0;
- after 100k mixed queries: VmRSS (and VmHWM) after --mixed calls cycling through every per-call
  operation except find_best (which is a scan, not a query), and of it RssAnon (anonymous
  memory): VmRSS also counts the pages of a mapped archive that the queries touched, which are
  the kernel's page cache, shared and reclaimable, not memory the process allocated.
A method the class lacks is reported as "missing", one that raises as "error: Class: message".
With two or more files, a least-squares line per quantity against the number of loaded archs is
printed with its value at --extrapolate archs: an estimate, marked as such. MB/GB are 2^20/2^30.
"""

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HP, DATASET = "200", "cifar10-valid"


def status_kb(field):
    """One `kB` field of /proc/self/status (VmRSS, VmHWM, RssAnon); Linux only."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def load_class(cls):
    """The class to time, with the imports a user's script needs done before any clock."""
    import numpy  # noqa: F401

    if cls == "official":
        import torch  # noqa: F401
        from nas_201_api import NASBench201API

        return NASBench201API
    import tnb

    return tnb.NASBench201API


def operations(api, loaded, strs):
    """(name, method name, fn(i)) per timed call; call i uses the (i mod n)-th loaded arch."""
    n = len(loaded)
    ix = lambda i: loaded[i % n]  # noqa: E731
    return [
        ("query_index_by_arch(str)", "query_index_by_arch",
         lambda i: api.query_index_by_arch(strs[i % n])),
        ("arch(i)", "arch", lambda i: api.arch(ix(i))),
        ("get_more_info(is_random=False)", "get_more_info",
         lambda i: api.get_more_info(ix(i), DATASET, None, hp=HP, is_random=False)),
        ("get_more_info(is_random=True)", "get_more_info",
         lambda i: api.get_more_info(ix(i), DATASET, None, hp=HP, is_random=True)),
        ("get_cost_info", "get_cost_info", lambda i: api.get_cost_info(ix(i), DATASET, hp=HP)),
        ("get_latency", "get_latency", lambda i: api.get_latency(ix(i), DATASET, hp=HP)),
        ("query_by_index", "query_by_index", lambda i: api.query_by_index(ix(i), DATASET, hp=HP)),
        ("simulate_train_eval", "simulate_train_eval",
         lambda i: api.simulate_train_eval(strs[i % n], "cifar10", hp=HP)),
        ("find_best(all loaded archs)", "find_best",
         lambda i: api.find_best("cifar10", "valid", hp=HP)),
    ]


def timed_rounds(fn, rounds, min_round_ms):
    """Median (wall, cpu) ns per call over `rounds` rounds, and the calls per round."""
    n = 1
    while True:  # calibration, which also warms the caches
        t = time.perf_counter_ns()
        for i in range(n):
            fn(i)
        if time.perf_counter_ns() - t >= min_round_ms * 1e6 or n >= 1 << 20:
            break
        n *= 2
    wall, cpu = [], []
    for _ in range(rounds):
        t, c = time.perf_counter_ns(), time.process_time_ns()
        for i in range(n):
            fn(i)
        cpu.append((time.process_time_ns() - c) / n)
        wall.append((time.perf_counter_ns() - t) / n)
    return statistics.median(wall), statistics.median(cpu), n


def child(a):
    """One fresh process: construct, time every call, run the mixed queries; JSON on stdout."""
    import random

    Class = load_class(a.cls)
    gc.collect()
    base, base_anon = status_kb("VmRSS"), status_kb("RssAnon")
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        api = Class(a.files[0], verbose=False)
    except BaseException as e:  # noqa: BLE001 - the refusal itself is the measurement
        print(json.dumps({"error": f"{type(e).__name__}: {str(e)[:3000]}"}))
        return
    out = {
        "construct_wall_s": time.perf_counter() - wall,
        "construct_cpu_s": time.process_time() - cpu,
        "base_kb": base,
        "construct_peak_kb": status_kb("VmHWM") - base,
        "construct_rss_kb": status_kb("VmRSS") - base,
        "construct_anon_kb": status_kb("RssAnon") - base_anon,
    }
    loaded = sorted(getattr(api, "evaluated_indexes", None) or api.arch2infos_dict)
    strs = [api.meta_archs[i] for i in loaded]
    out["archs"], out["meta_archs"] = len(loaded), len(api.meta_archs)
    if a.construct_only:
        print(json.dumps(out))
        return
    random.seed(0)
    calls, mixed = {}, []
    for name, method, fn in operations(api, loaded, strs):
        if not callable(getattr(api, method, None)):
            calls[name] = "missing"
            continue
        try:
            fn(0)
        except Exception as e:  # noqa: BLE001 - reported, not fatal
            calls[name] = f"error: {type(e).__name__}: {str(e).splitlines()[0][:200]}"
            continue
        w, c, n = timed_rounds(fn, a.rounds, a.min_round_ms)
        calls[name] = {"wall_ns": w, "cpu_ns": c, "n": n}
        if method != "find_best":
            mixed.append(fn)
    out["calls"] = calls
    t = time.perf_counter()
    for i in range(a.mixed if mixed else 0):
        mixed[i % len(mixed)](i // len(mixed))
    out["mixed"] = {"queries": a.mixed if mixed else 0, "wall_s": time.perf_counter() - t,
                    "rss_kb": status_kb("VmRSS") - base, "peak_kb": status_kb("VmHWM") - base,
                    "anon_kb": status_kb("RssAnon") - base_anon}
    print(json.dumps(out))


def run_child(a, path, env_extra):
    argv = [sys.executable, __file__, "--child", "--cls", a.cls, "--rounds", str(a.rounds),
            "--min-round-ms", str(a.min_round_ms), "--mixed", str(a.mixed), path]
    argv += ["--construct-only"] if a.construct_only else []
    env = {k: v for k, v in dict(os.environ, **env_extra).items() if v is not None}
    proc = subprocess.run(argv, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.exit(f"child failed on {path} (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def human(v, unit):
    if unit == "kb":
        return f"{v / 1024:,.0f} MB" if v >= 10240 else f"{v / 1024:.1f} MB"
    ns = v * 1e9 if unit == "s" else v
    for scale, name in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
        if ns >= scale:
            return f"{ns / scale:.3g} {name}"
    return f"{ns:.0f} ns"


def cell(values, unit):
    """Median and (min–max) of `values`."""
    if not values:
        return "—"
    med = human(statistics.median(values), unit)
    if len(values) == 1 or min(values) == max(values):
        return med
    return f"{med} ({human(min(values), unit)}–{human(max(values), unit)})"


def fit(xs, ys):
    """Least-squares line y = a + b*x: (a, b)."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return my - b * mx, b


def report(a, results, default_refusal):
    rows = [(path, runs) for path, runs in results.items()]
    print(f"Class: {a.cls}; Python {platform.python_version()}, {os.cpu_count()} CPUs shared "
          f"(load average {os.getloadavg()[0]:.1f} at the end); median (min–max) over "
          f"{a.procs} fresh processes; memory above the baseline after imports "
          f"({cell([r['base_kb'] for _, rs in rows for r in rs], 'kb')}).")
    if default_refusal:
        # torch's message is a page long: its first words and the line naming the global.
        lines = [s.strip() for s in default_refusal.splitlines() if s.strip()]
        why = [s for s in lines if "Unsupported global" in s][:1]
        print(f"\nThe constructor with torch's default `torch.load` (weights_only=True) raises "
              f"`{' … '.join([lines[0][:60]] + why)}`")
    print("\n| file | size | archs loaded | construct, wall | construct, CPU | peak RSS | "
          f"RSS after construct | RSS after {a.mixed:,} mixed queries (of it anonymous) |")
    print("|---|---|---|---|---|---|---|---|")
    for path, runs in rows:
        print(f"| {os.path.basename(path)} | {human(os.path.getsize(path) / 1024, 'kb')} | "
              f"{runs[0]['archs']:,} | {cell([r['construct_wall_s'] for r in runs], 's')} | "
              f"{cell([r['construct_cpu_s'] for r in runs], 's')} | "
              f"{cell([r['construct_peak_kb'] for r in runs], 'kb')} | "
              f"{cell([r['construct_rss_kb'] for r in runs], 'kb')} | "
              f"{cell([r['mixed']['rss_kb'] for r in runs if 'mixed' in r], 'kb')} "
              f"({cell([r['mixed']['anon_kb'] for r in runs if 'mixed' in r], 'kb')}) |")
    names = list(rows[0][1][0].get("calls", ()))
    if names:
        print("\n| per call (wall; CPU) | "
              + " | ".join(f"{r[0]['archs']:,} archs" for _, r in rows) + " |")
        print("|---|" + "---|" * len(rows))
    for name in names:
        cells = []
        for _, runs in rows:
            got = [r["calls"][name] for r in runs]
            if isinstance(got[0], str):
                cells.append(got[0])
            else:
                cells.append(f"{cell([g['wall_ns'] for g in got], 'ns')}; "
                              f"{cell([g['cpu_ns'] for g in got], 'ns')}")
        print(f"| `{name}` | " + " | ".join(cells) + " |")
    if len(rows) < 2:
        return None
    xs = [runs[0]["archs"] for _, runs in rows]
    series = {
        "construct wall (s)": [statistics.median(r["construct_wall_s"] for r in rs) for _, rs in rows],
        "construct CPU (s)": [statistics.median(r["construct_cpu_s"] for r in rs) for _, rs in rows],
        "peak RSS (GB)": [statistics.median(r["construct_peak_kb"] for r in rs) / 2**20
                          for _, rs in rows],
        "RSS after construct (GB)": [statistics.median(r["construct_rss_kb"] for r in rs) / 2**20
                                     for _, rs in rows],
        "file size (GB)": [os.path.getsize(p) / 2**30 for p, _ in rows],
    }
    if all(isinstance(rs[0].get("calls", {}).get("find_best(all loaded archs)"), dict) for _, rs in rows):
        series["find_best CPU (s)"] = [
            statistics.median(r["calls"]["find_best(all loaded archs)"]["cpu_ns"] for r in rs) / 1e9
            for _, rs in rows]
    print(f"\nLinear fit y = a + b·archs over {xs} (medians), **extrapolated** to "
          f"{a.extrapolate:,} archs (an estimate, not a measurement):\n")
    print("| quantity | a | b per 1000 archs | estimate at " f"{a.extrapolate:,} |")
    print("|---|---|---|---|")
    fits = {}
    for name, ys in series.items():
        c0, c1 = fit(xs, ys)
        fits[name] = {"a": c0, "b": c1, "estimate": c0 + c1 * a.extrapolate}
        print(f"| {name} | {c0:.3g} | {c1 * 1000:.3g} | **~{c0 + c1 * a.extrapolate:.3g}** |")
    return fits


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--cls", choices=("official", "tnb"), required=True)
    ap.add_argument("--procs", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--min-round-ms", type=float, default=50.0)
    ap.add_argument("--mixed", type=int, default=100_000)
    ap.add_argument("--extrapolate", type=int, default=15625)
    ap.add_argument("--json")
    ap.add_argument("--construct-only", action="store_true",
                    help="construction rows only (no per-call times, no mixed queries)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return child(a)
    default_refusal = None
    if a.cls == "official":
        # torch's default since 2.6, recorded once (it fails at the first numpy global).
        default_refusal = run_child(
            argparse.Namespace(**dict(vars(a), construct_only=True)), a.files[0],
            {"TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD": None}).get("error", "no error: it loaded")
    results = {}
    for path in a.files:
        results[path] = []
        for p in range(a.procs):
            results[path].append(run_child(a, path, {"TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD": "1"}))
            r = results[path][-1]
            print(f"{os.path.basename(path)} #{p}: construct {r['construct_wall_s']:.2f} s, "
                  f"peak {r['construct_peak_kb'] / 1024:.0f} MB", file=sys.stderr, flush=True)
    fits = report(a, results, default_refusal)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"cls": a.cls, "default_torch_load": default_refusal, "results": results,
                       "fit": fits, "python": platform.python_version()}, f, indent=1)


if __name__ == "__main__":
    main()
