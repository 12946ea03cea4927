"""Small NAS-Bench-201-shaped files for the tests, written at test time (deterministic, so nothing
large is committed): the object follows /work/shared/reference/nb201-layout.md sections 3-4
(the 4 top-level keys, `{'full', 'less'}` ArchResults states with 5 keys, ResultsCount states
with 16 keys in the files' order, `(dataset, seed)` tuple keys in unsorted insertion order,
old-format 200-epoch evaluations with last-epoch-only sets, v1_0's None / {} times and per-batch
latencies, v1_1's OrderedDict pseudo times and one np.float64 latency, str seeds '0777',
np.float64 params that differ across seeds for one arch, an arch that is not evaluated), saved
as torch's legacy container (pickle protocol 2) with numpy's 2020 module path
`numpy.core.multiarray`, as the real files are.

`write(path, version)`; `python3 nb201_fixtures.py OUT_DIR` writes both versions there.
Needs numpy (for the np.float64 values).
"""

import collections
import io
import pickle
import random
import sys

import numpy as np

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
CLASSES = {"cifar10-valid": 10, "cifar10": 10, "cifar100": 100, "ImageNet16-120": 120}


def arch_str(r):
    ops = [r.choice(OPS) for _ in range(6)]
    return "|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|".format(*ops)


def _floats(r, n, lo, hi):
    return [r.uniform(lo, hi) for _ in range(n)]


def run_state(r, dataset, seed, arch, epochs, new_format, version, params, flop, latency, eval_order):
    """A ResultsCount state dict (16 keys in the files' order)."""
    train_acc = {e: v for e, v in enumerate(_floats(r, epochs, 10, 100))}
    train_loss = {e: v for e, v in enumerate(_floats(r, epochs, 0.01, 2.5))}
    train_acc5 = {e: v for e, v in enumerate(_floats(r, epochs, 50, 100))} if new_format else None
    if version == "v1_1":
        per_epoch = r.uniform(5, 30)
        train_times = collections.OrderedDict((e, per_epoch) for e in range(epochs))
    elif new_format:
        train_times = {e: r.uniform(5, 30) for e in range(epochs)}
    else:
        train_times = None
    if new_format:
        sets = {"cifar10-valid": ["x-valid", "ori-test"], "cifar10": ["ori-test"]}.get(
            dataset, ["x-valid", "x-test", "ori-test"])
        names = [s for s in eval_order if s in sets]
        full = {s: range(epochs) for s in names}
    else:
        names = {"cifar10-valid": ["x-valid", "ori-test"], "cifar10": ["ori-test"]}.get(
            dataset, ["ori-test", "x-valid", "x-test"])
        last = range(epochs - 1, epochs)
        full = {"cifar10-valid": {"x-valid": range(epochs), "ori-test": last},
                "cifar10": {"ori-test": range(epochs)}}.get(
            dataset, {"ori-test": range(epochs), "x-valid": last, "x-test": last})
    acc, loss, times = {}, {}, {}
    for s in names:
        t = r.uniform(0.5, 3)
        if new_format:
            # New-format results share one key string between the three dicts.
            for e in range(epochs):
                key = "{}@{}".format(s, e)
                acc[key] = r.uniform(10, 100)
                loss[key] = r.uniform(0.01, 3)
                times[key] = t if version == "v1_1" else r.uniform(0.5, 3)
            continue
        for e in full[s]:
            acc["{}@{}".format(s, e)] = r.uniform(10, 100)
            loss["{}@{}".format(s, e)] = r.uniform(0.01, 3)
        if version == "v1_1":
            for e in range(epochs):
                times["{}@{}".format(s, e)] = t
    state = {
        "name": dataset,
        "train_acc1es": train_acc,
        "train_acc5es": train_acc5,
        "train_losses": train_loss,
        "train_times": train_times,
        "arch_config": {"channel": 16, "num_cells": 5, "arch_str": arch, "class_num": CLASSES[dataset]},
        "params": params,
        "flop": flop,
        "seed": "{:04d}".format(seed),
        "epochs": epochs,
        "latency": latency,
        "eval_names": names,
        "eval_acc1es": acc,
        "eval_times": times,
        "eval_losses": loss,
        "net_state_dict": None,
    }
    return state


def arch_results(r, index, arch, version, hp, full_epochs, odd):
    """An ArchResults state dict (5 keys) for hp 'less' (12 epochs) or 'full'."""
    new_format = hp == "less"
    if new_format:
        datasets = ["cifar10-valid"] if version == "v1_0" else list(CLASSES)
        seeds = {d: [111, 777] if d == "cifar10-valid" and version == "v1_1" else [777 if version == "v1_0" else 111]
                 for d in datasets}
        epochs = 12
    else:
        datasets = list(CLASSES)
        pool = [777, 888, 999]
        k = 1 + index % 3
        base = r.sample(pool, k)
        seeds = {d: sorted(base) for d in datasets}
        if odd:  # one dataset with its own seeds
            seeds["cifar100"] = sorted(r.sample(pool, 3 - (k % 3)))
        epochs = full_epochs
    flop = r.uniform(5, 200)
    base_params = float(r.uniform(0.05, 1.5))
    shared_latency = r.uniform(0.005, 0.03)
    all_results = {}
    order = [(d, s) for d in datasets for s in seeds[d]]
    r.shuffle(order)  # glob order, not sorted
    eval_order = ["x-valid", "x-test", "ori-test"]
    r.shuffle(eval_order)
    for d, s in order:
        params = np.float64(base_params + (0.001 * s if odd else 0.0))
        if version == "v1_1":
            lat = shared_latency if d in ("cifar10-valid", "cifar10") else r.uniform(0.005, 0.03)
            latency = [np.float64(lat)]
        elif new_format:
            latency = None
        else:
            latency = _floats(r, 3 + index % 4, 0.005, 0.03)
        all_results[(d, s)] = run_state(r, d, s, arch, epochs, new_format, version, params,
                                        flop if not odd else flop + s * 1e-3, latency, eval_order)
    return {
        "arch_index": index,
        "arch_str": arch,
        "all_results": all_results,
        "dataset_seed": {d: seeds[d] for d in datasets},
        "clear_net_done": True,
    }


def benchmark(version, n_archs=6, full_epochs=200, seed=0, missing=None):
    """The object of a benchmark file: arch n_archs-2 is not evaluated when `missing` (by
    default in v1_1 only); the last arch has params/flops differing across seeds and its own
    cifar100 seeds."""
    if missing is None:
        missing = version == "v1_1"
    r = random.Random(seed * 1000 + (1 if version == "v1_1" else 0))
    metas = []
    while len(metas) < n_archs:
        a = arch_str(r)
        if a not in metas:
            metas.append(a)
    evaluated = [i for i in range(n_archs) if not (missing and i == n_archs - 2)]
    keys = list(evaluated)
    r.shuffle(keys)
    infos = {}
    for i in keys:
        odd = i == n_archs - 1
        infos[i] = {
            "full": arch_results(r, i, metas[i], version, "full", full_epochs, odd),
            "less": arch_results(r, i, metas[i], version, "less", full_epochs, odd),
        }
    return {"meta_archs": metas, "total_archs": n_archs, "arch2infos": infos,
            "evaluated_indexes": sorted(evaluated)}


def _pickle(obj):
    raw = pickle.dumps(obj, protocol=2)
    # numpy 2 names its scalar reconstructor `numpy._core`; the 2020 files say `numpy.core`.
    return raw.replace(b"cnumpy._core.multiarray\nscalar\n", b"cnumpy.core.multiarray\nscalar\n")


def write(path, version, **kwargs):
    """Writes a torch legacy container holding `benchmark(version, ...)`; returns the object."""
    obj = benchmark(version, **kwargs)
    out = io.BytesIO()
    out.write(_pickle(0x1950A86A20F9469CFC6C))
    out.write(_pickle(1001))
    out.write(_pickle({"protocol_version": 1001, "little_endian": True,
                       "type_sizes": {"short": 2, "int": 4, "long": 4}}))
    out.write(_pickle(obj))
    out.write(_pickle([]))
    with open(path, "wb") as f:
        f.write(out.getvalue())
    return obj


if __name__ == "__main__":
    for v in ("v1_0", "v1_1"):
        write("{}/nb201_tiny_{}.pth".format(sys.argv[1], v), v)
