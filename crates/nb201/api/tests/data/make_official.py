"""Writes small NAS-Bench-201-shaped objects (v1_0 and v1_1 shapes, see
/work/shared/reference/nb201-layout.md sections 3 and 10) as protocol-2 pickles, runs a battery of
calls through the official `nas_201_api` v2.1 code (pip `nas-bench-201==2.1`, with a stand-in
`torch` module whose `load` is `pickle.load`), and records every answer (type, float bits) or
exception (class, message, KeyError key) and every `random` draw, one JSON line per call.

Usage: python make_official.py OUTDIR [FILE.pth ...]   (needs numpy and nas-bench-201==2.1; Python
< 3.12, whose built-in `sum` is plain addition; the Rust test replays the calls with PySum::Plain).
Without files it writes OUTDIR/nb201_v1{0,1}_api.pkl and .jsonl; with legacy-format .pth files
(e.g. the repository's data/nb201_*.pth, written by real torch) it writes OUTDIR/<stem>.jsonl
for each, loading them with a stand-in `torch.load` that unpickles the container's object.
"""
import collections, contextlib, io, json, os, pickle, random, sys, types

import numpy as np

OUT = sys.argv[1]
torch = types.ModuleType("torch")
torch.load = lambda path, map_location=None: pickle.load(open(path, "rb"))
sys.modules["torch"] = torch
from nas_201_api import NASBench201API, ResultsCount, ArchResults  # noqa: E402
from nas_201_api.api_utils import remap_dataset_set_names  # noqa: E402

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
R = random.Random(201)


def arch_str(k):
    code = k * 1237 + 411
    ops = [OPS[(code // 5 ** e) % 5] for e in range(6)]
    return "|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|".format(*ops)


CLASSES = {"cifar10-valid": 10, "cifar10": 10, "cifar100": 100, "ImageNet16-120": 120}
SETS_NEW = {"cifar10-valid": ["x-valid", "ori-test"], "cifar10": ["ori-test"],
            "cifar100": ["x-valid", "x-test", "ori-test"], "ImageNet16-120": ["x-valid", "x-test", "ori-test"]}
SETS_OLD = {"cifar10-valid": ["x-valid", "ori-test"], "cifar10": ["ori-test"],
            "cifar100": ["ori-test", "x-valid", "x-test"], "ImageNet16-120": ["ori-test", "x-valid", "x-test"]}


def run(astr, dataset, seed, epochs, version, old, params=None):
    rc = dict()
    rc["name"] = dataset
    rc["train_acc1es"] = {e: R.uniform(10, 99) for e in range(epochs)}
    rc["train_acc5es"] = None if old else {e: R.uniform(50, 100) for e in range(epochs)}
    rc["train_losses"] = {e: R.uniform(0.01, 2.5) for e in range(epochs)}
    if version == 0:
        rc["train_times"] = None if old else {e: R.uniform(5, 9) for e in range(epochs)}
    else:
        t = np.float64(R.uniform(5, 9))
        rc["train_times"] = collections.OrderedDict((e, t) for e in range(epochs))
    rc["arch_config"] = {"channel": 16, "num_cells": 5, "arch_str": astr, "class_num": CLASSES[dataset]}
    rc["params"] = np.float64(params if params is not None else R.uniform(0.05, 1.5))
    rc["flop"] = R.uniform(5, 200)
    rc["seed"] = "{:04d}".format(seed)
    rc["epochs"] = epochs
    if version == 0:
        rc["latency"] = None if not old else [R.uniform(0.01, 0.03) for _ in range(R.randint(2, 5))]
    else:
        rc["latency"] = [np.float64(R.uniform(0.01, 0.03))]
    names = SETS_OLD[dataset] if old else SETS_NEW[dataset]
    rc["eval_names"] = list(names)
    acc, loss, tim = {}, {}, {}
    for name in names:
        if old:
            if dataset == "cifar10-valid":
                eps = range(epochs) if name == "x-valid" else [epochs - 1]
            elif dataset == "cifar10":
                eps = range(epochs)
            else:
                eps = range(epochs) if name == "ori-test" else [epochs - 1]
        else:
            eps = range(epochs)
        for e in eps:
            acc["{}@{}".format(name, e)] = R.uniform(10, 95)
            loss["{}@{}".format(name, e)] = R.uniform(0.1, 3)
        if version == 1 or not old:
            per = np.float64(R.uniform(0.5, 2)) if version == 1 else None
            for e in range(epochs):
                tim["{}@{}".format(name, e)] = per if version == 1 else R.uniform(0.5, 2)
    rc["eval_acc1es"] = acc
    rc["eval_times"] = tim
    rc["eval_losses"] = loss
    rc["net_state_dict"] = None
    return rc


def arch_results(index, astr, datasets_seeds, epochs, version, old, order):
    all_results = {}
    for dataset, seeds in datasets_seeds:
        p = R.uniform(0.05, 1.5)
        for s in seeds:
            all_results[(dataset, s)] = None
    keys = list(all_results.keys())
    if order == "shuffle":
        R.shuffle(keys)
    out = {}
    for (d, s) in keys:
        out[(d, s)] = run(astr, d, s, epochs, version, old, params=None if s != 888 else 0.5)
    return {"arch_index": index, "arch_str": astr, "all_results": out,
            "dataset_seed": {d: sorted(s) for d, s in datasets_seeds}, "clear_net_done": True}


def build(version):
    n = 8
    meta = [arch_str(k) for k in range(n)]
    infos = {}
    evaluated = [5, 0, 1, 2, 3, 6]
    for i in [0, 1, 2, 3, 5, 6]:
        astr = meta[i]
        if version == 0:
            less_ds = [("cifar10-valid", [777])]
        else:
            less_ds = [("cifar10-valid", [111, 777]), ("cifar10", [111]), ("cifar100", [111]),
                       ("ImageNet16-120", [111])]
        full_seeds = [[777, 888, 999], [777], [777, 888], [888, 999], [999], [777, 999]][[0, 1, 2, 3, 5, 6].index(i)]
        full_ds = [(d, full_seeds if d != "cifar100" or i != 2 else [777]) for d in CLASSES]
        less = arch_results(i, astr, less_ds, 12, version, False, "keep")
        full = arch_results(i, astr, full_ds, 16, version, True, "shuffle")
        infos[i] = {"full": full, "less": less}
    # arch 6 is evaluated but its hp-12 cifar10 has no seeds (an empty list)
    if version == 1:
        infos[6]["less"]["dataset_seed"]["cifar10"] = []
    keys = list(infos.keys())
    arch2infos = {k: infos[k] for k in [3, 0, 5, 1, 2, 6]}
    return {"meta_archs": meta, "total_archs": n, "arch2infos": arch2infos, "evaluated_indexes": evaluated}


def enc(v):
    if v is None:
        return {"t": "None"}
    if isinstance(v, bool):
        return {"t": "bool", "v": v}
    if isinstance(v, int):
        return {"t": "int", "v": v}
    if isinstance(v, np.float64):
        return {"t": "f64", "v": float(v).hex()}
    if isinstance(v, float):
        return {"t": "float", "v": v.hex()}
    if isinstance(v, str):
        return {"t": "str", "v": v}
    if isinstance(v, list):
        return {"t": "list", "v": [enc(x) for x in v]}
    if isinstance(v, tuple):
        return {"t": "tuple", "v": [enc(x) for x in v]}
    if isinstance(v, dict):
        return {"t": "dict", "v": [[enc(k), enc(x)] for k, x in v.items()]}
    if isinstance(v, ArchResults):
        return {"t": "ArchResults", "repr": repr(v)}
    if isinstance(v, ResultsCount):
        return {"t": "ResultsCount", "repr": repr(v)}
    if isinstance(v, np.ndarray):
        return {"t": "matrix", "v": [float(x).hex() for x in v.flatten()]}
    raise TypeError(type(v))


A = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
DS = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"]


def cases(obj):
    meta = obj["meta_archs"]
    n = len(meta)
    keys = sorted(obj["arch2infos"].keys())
    k0, k1, k2 = keys[0], keys[min(1, len(keys) - 1)], keys[-1]
    miss = next(i for i in range(n + 1) if i not in obj["arch2infos"])
    c = []
    add = lambda m, *a, obj="api", verbose=False, **k: c.append({"obj": obj, "m": m, "a": list(a), "k": k, "verbose": verbose})
    add("len")
    add("__repr__")
    for i in [0, n - 1, -1, n, -n - 1, True]:
        add("__getitem__", i)
    for i in [0, n - 1, n, -1, True, 2.0, "x"]:
        add("arch", i)
    for a in [0, k1, n - 1, n, -1, True, False, meta[k0], meta[miss] if miss < n else A, A, "nope", 3.0, None]:
        add("query_index_by_arch", a)
    for idx in keys + [miss, meta[k2], "nope", 99999, -1]:
        for ds in DS + ["nope"]:
            for hp in ["12", "200", 12, "90"]:
                for r in [False, 777, 111, 888, 5]:
                    if (hp, r) in [(12, 5), ("90", 5)]:
                        continue
                    add("get_more_info", idx, ds, hp=hp, is_random=r)
    for idx in [k0, k1, k2]:
        for ds in DS:
            for hp in ["12", "200"]:
                for ie in [None, 0, 5, 11, 14, 15, 16, -1, True, 3.0, "3"]:
                    add("get_more_info", idx, ds, iepoch=ie, hp=hp, is_random=False)
                    add("get_more_info", idx, ds, iepoch=ie, hp=hp, is_random=True)
                add("get_more_info", idx, ds, hp=hp, is_random="x")
                add("get_more_info", idx, ds, hp=hp, is_random=1.5)
    for idx in [k0, miss, n - 1, n, -1, True, float(k1), str(k0), [1]]:
        for hp in ["12", "200", 12, "90", [1]]:
            add("query_meta_info_by_index", idx, hp)
    for idx in [k0, k2, miss]:
        for dn in [None, "cifar10", "cifar100", "nope", 5]:
            for hp in ["12", "200"]:
                add("query_by_index", idx, dn, hp)
    for a in keys + [miss, meta[k1], "nope", n]:
        for hp in ["12", "200", "90", 12]:
            add("query_info_str_by_arch", a, hp)
    add("query_by_arch", 0, "200")
    for idx in keys + [miss, n + 1, True]:
        for ds in DS + ["nope"]:
            for hp in ["12", "200", "90"]:
                add("get_cost_info", idx, ds, hp)
                add("get_latency", idx, ds, hp)
    for idx in [k0, k1, miss, n + 1, float(k1), str(k1)]:
        for ds in DS + ["nope"]:
            add("get_net_config", idx, ds)
    for idx in [k0, k1]:
        for ds in DS + ["nope"]:
            for seed in [None, 777, 111, 5, True]:
                for hp in ["12", "200"]:
                    add("get_net_param", idx, ds, seed, hp)
    for ds in ["cifar10", "cifar10-valid", "cifar100", "ImageNet16-120", "nope"]:
        for st in ["train", "valid", "test", "x-valid", "ori-test", "x-test", "nope"]:
            for hp in ["12", "200", 12]:
                add("find_best", ds, st, hp=hp)
            add("find_best", ds, st, FLOP_max=100, hp="200")
            add("find_best", ds, st, Param_max=0.6, hp="200")
            add("find_best", ds, st, FLOP_max=0.5, hp="200")
            add("find_best", ds, st, FLOP_max=100.0, Param_max=0.9, hp="12")
    add("find_best", "cifar10", "valid", FLOP_max=0.5, hp="200", verbose=True)
    add("find_best", "cifar10", "valid", hp="200", verbose=True)
    add("find_best", "cifar100", "valid", FLOP_max="x", hp="200")
    for a in keys + [miss, A, "nope", n + 1]:
        for ds in ["cifar10", "cifar100", "ImageNet16-120", "cifar10-valid"]:
            for hp in ["12", "200"]:
                add("simulate_train_eval", a, ds, hp=hp)
    add("used_time")
    add("simulate_train_eval", k0, "cifar10", account_time=False)
    add("reset_time")
    add("used_time")
    add("random")
    for ds in DS + ["nope"]:
        for hp in ["12", "200", 12, "90"]:
            add("statistics", ds, hp)
    for s in [A, "|a~0|+|b~1|c~x|", "|a~0~1|", "|a~ 1|+|b~+2|", "|a~1_0|", "", "|x|"]:
        add("str2lists", s)
        add("str2matrix", s)
    add("str2matrix", "|none~0|+|skip_connect~5|")
    add("str2matrix", "|none~0|+|skip_connect~-1|")
    for d, m in [("cifar10", "valid"), ("cifar10", "test"), ("cifar10", "train"), ("cifar100", "valid"),
                 ("ImageNet16-120", "test"), ("x", "valid")]:
        add("remap_dataset_set_names", d, m)
    for i in [k2, miss, 99999]:
        add("show", i)
    add("show", -1)
    add("clear_params", k0, "12")
    add("clear_params", k0, "90")
    add("clear_params", miss)
    add("clear_params", k1)
    # ArchResults / ResultsCount methods
    for idx in keys[:4]:
        for hp in ["12", "200"]:
            ar = ["ar", idx, hp]
            add("__repr__", obj=ar)
            add("arch_idx_str", obj=ar)
            add("get_dataset_names", obj=ar)
            add("get_total_epoch", obj=ar)
            add("show", obj=ar)
            for ds in DS + ["nope", None, 5]:
                add("get_compute_costs", ds, obj=ar)
                add("get_latency", ds, obj=ar)
                add("get_dataset_seeds", ds, obj=ar)
                add("get_total_epoch", ds, obj=ar)
                add("query", ds, obj=ar)
                add("get_net_param", ds, obj=ar)
                for seed in [777, 111, 999, 5]:
                    add("query", ds, seed, obj=ar)
                    add("get_net_param", ds, seed, obj=ar)
                for st in ["train", "x-valid", "valid", "ori-test", "x-test", "nope"]:
                    for ie in ([None, 0, 11, 15, 16] if st in ("train", "x-test") else [None, 3]):
                        for r in ([False, True, 777, 111, 5, "x"] if ie is None else [False, True]):
                            add("get_metrics", ds, st, iepoch=ie, is_random=r, obj=ar)
            for attr in ["arch_index", "arch_str", "dataset_seed", "clear_net_done"]:
                add(attr, obj=ar)
            for j in range(3):
                rc = ["rc", idx, hp, j]
                add("__repr__", obj=rc)
                add("get_times", obj=rc)
                add("get_latency", obj=rc)
                add("get_eval_set", obj=rc)
                add("get_total_epoch", obj=rc)
                add("get_config", None, obj=rc)
                add("get_net_param", obj=rc)
                for ie in [None, 0, 5, 11, 15, 16, -1, True, 2.0, 2.5, "2"]:
                    add("get_train", ie, obj=rc)
                    for nm in ["x-valid", "valid", "ori-test", "x-test", "nope", 3]:
                        add("get_eval", nm, ie, obj=rc)
                for attr in ["name", "seed", "epochs", "flop", "params", "latency", "eval_names", "arch_config",
                             "train_acc1es", "train_acc5es", "train_losses", "train_times", "eval_acc1es",
                             "eval_losses", "eval_times", "net_state_dict"]:
                    add(attr, obj=rc)
    return c


def attr_names():
    return {"arch_index", "arch_str", "dataset_seed", "clear_net_done", "name", "seed", "epochs", "flop", "params",
            "latency", "eval_names", "arch_config", "train_acc1es", "train_acc5es", "train_losses", "train_times",
            "eval_acc1es", "eval_losses", "eval_times", "net_state_dict"}


def load_legacy(path):
    """torch.load of a legacy (non-zip) file whose storages list is empty: the object is the
    fourth pickle (after the magic number, the protocol version and sys_info)."""
    with open(path, "rb") as f:
        for _ in range(3):
            pickle.load(f)
        return pickle.load(f)


def main():
    os.makedirs(OUT, exist_ok=True)
    inputs = []
    if len(sys.argv) > 2:
        torch.load = lambda path, map_location=None: load_legacy(path)
        for path in sys.argv[2:]:
            inputs.append((os.path.splitext(os.path.basename(path))[0], path, load_legacy(path)))
    else:
        for version in [0, 1]:
            obj = build(version)
            path = os.path.join(OUT, "nb201_v1{}_api.pkl".format(version))
            with open(path, "wb") as f:
                pickle.dump(obj, f, protocol=2)
            inputs.append(("nb201_v1{}_api".format(version), path, obj))
    for name, path, obj in inputs:
        api = NASBench201API(path, verbose=False)
        api.filename = None
        draws = []
        real_choice, real_randint = random.choice, random.randint

        def choice(seq):
            try:
                r = real_choice(seq)
            except Exception as e:  # noqa: BLE001
                draws.append(["choice", list(seq), None, type(e).__name__, str(e)])
                raise
            draws.append(["choice", list(seq), r])
            return r

        def randint(a, b):
            try:
                r = real_randint(a, b)
            except Exception as e:  # noqa: BLE001
                draws.append(["randint", a, b, None, type(e).__name__, str(e)])
                raise
            draws.append(["randint", a, b, r])
            return r

        random.choice, random.randint = choice, randint
        out = open(os.path.join(OUT, name + ".jsonl"), "w")
        for n, case in enumerate(cases(obj)):
            random.seed(n)
            draws.clear()
            api.verbose = case["verbose"]
            obj = case["obj"]
            if obj == "api":
                target = api
            elif obj[0] == "ar":
                target = api.arch2infos_dict[obj[1]][obj[2]]
            else:
                runs = list(api.arch2infos_dict[obj[1]][obj[2]].all_results.values())
                if obj[3] >= len(runs):
                    continue
                target = runs[obj[3]]
            m = case["m"]
            buf = io.StringIO()
            try:
                with contextlib.redirect_stdout(buf):
                    if m == "len":
                        v = len(target)
                    elif m == "__repr__":
                        v = repr(target)
                    elif m == "__getitem__":
                        v = target[case["a"][0]]
                    elif m == "remap_dataset_set_names":
                        v = remap_dataset_set_names(*case["a"])
                    elif m == "used_time":
                        v = target.used_time
                    elif m in attr_names():
                        v = getattr(target, m)
                    else:
                        v = getattr(target, m)(*case["a"], **case["k"])
                res = {"ok": enc(v)}
            except Exception as e:  # noqa: BLE001
                res = {"exc": type(e).__name__, "msg": str(e)}
                if isinstance(e, KeyError):
                    res["key"] = enc(e.args[0])
            if draws:
                case["draws"] = list(draws)
            printed = buf.getvalue().split("\n")[:-1]
            if printed:
                case["out"] = printed
            for k in ("k", "a"):
                if not case[k]:
                    del case[k]
            if not case["verbose"]:
                del case["verbose"]
            if case["obj"] == "api":
                del case["obj"]
            case.update(res)
            out.write(json.dumps(case, separators=(",", ":")) + "\n")
        random.choice, random.randint = real_choice, real_randint


main()
