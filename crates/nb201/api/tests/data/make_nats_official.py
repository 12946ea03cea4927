"""Runs a battery of calls through the official NATS-Bench API (pip `nats-bench==1.8`, which needs
numpy only) and records every answer (type, float bits) or exception (class, message, KeyError
key), every printed line, every `warnings.warn` message and every `random` draw, one JSON line
per call, as make_official.py does for NAS-Bench-201.

Usage: python make_nats_official.py OUTDIR NAME=SPACE:KIND:PATH ...

Each spec writes OUTDIR/NAME.jsonl for SPACE (`tss`/`sss`) opened as KIND:
- `folder`: `create(PATH, space, fast_mode=True)` on a `-simple` folder with every arch of the
  folder loaded first (`reload(PATH, i)`): tnb's "every arch is available from the start";
- `dict`: `create(obj, space, fast_mode=False)` with the single-file object built from the
  folder's files (`meta_archs`, `total_archs`, `arch2infos`, `evaluated_indexes`);
- `dictfast`: the same object with `fast_mode=True` (no `archive_dir`);
- `file`: `create(PATH, space, fast_mode=False)` on a single benchmark file.
Python < 3.12 (plain `sum`); the Rust test replays with PySum::Plain.
"""
import contextlib, io, json, os, random, sys, warnings

import numpy as np

from nats_bench import create
from nats_bench.api_utils import ArchResults, ResultsCount, pickle_load, remap_dataset_set_names

OUT, SPECS = sys.argv[1], sys.argv[2:]
DS = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"]


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


def cases(space, n, hps, meta, held):
    tss = space == "tss"
    ARCHS = held[:3]
    miss = next(i for i in range(n + 1) if i not in held)
    m_held = lambda k: meta[held[k % len(held)]]
    m_miss = meta[miss] if miss < n else meta[0] + "x"
    c = []
    add = lambda m, *a, obj="api", verbose=False, **k: c.append(
        {"obj": obj, "m": m, "a": list(a), "k": k, "verbose": verbose})
    bad_hps = [12, "90", "200", "01", 1, None, [1]]
    all_hps = hps + [h for h in bad_hps if h not in hps]
    add("len")
    add("__repr__")
    for p in ["search_space_name", "fast_mode", "archive_dir", "full_train_epochs", "is_topology", "is_size",
              "full_epochs_in_paper", "used_time"]:
        add(p)
    for i in [0, n - 1, -1, n, True]:
        add("__getitem__", i)
    for i in [0, n - 1, n, -1, True, 2.0, 2.5, "x", None]:
        add("arch", i)
    for a in [0, 11, n - 1, n, -1, True, m_held(2), m_miss, "nope", 3.0, None]:
        add("query_index_by_arch", a)
    idxs = ARCHS + [miss, m_held(1), "nope", n, -1, True]
    for idx in idxs:
        for ds in DS + ["nope"]:
            for hp in all_hps[:5]:
                for r in [False, 777, 111, 888, 999, 5]:
                    add("get_more_info", idx, ds, hp=hp, is_random=r)
    for idx in ARCHS:
        for ds in DS:
            for hp in hps:
                for ie in [None, 0, 5, 11, 12, 89, 90, 199, 200, -1, True, 3.0, 2.5, "3"]:
                    add("get_more_info", idx, ds, iepoch=ie, hp=hp, is_random=False)
                    add("get_more_info", idx, ds, iepoch=ie, hp=hp, is_random=True)
                add("get_more_info", idx, ds, hp=hp, is_random="x")
                add("get_more_info", idx, ds, hp=hp)
                add("get_more_info", idx, ds, hp=hp, verbose=True, is_random=False)
    for idx in ARCHS + [miss, n, -1, True, float(ARCHS[-1]), "0", [1]]:
        for hp in all_hps:
            add("query_meta_info_by_index", idx, hp)
    add("query_meta_info_by_index", 0, verbose=True)
    for idx in ARCHS + [miss]:
        for dn in [None, "cifar10", "cifar100", "nope", 5]:
            for hp in hps + [12, "90"]:
                add("query_by_index", idx, dn, hp)
    for a in ARCHS + [miss, m_held(1), "nope", n]:
        for hp in all_hps:
            add("query_info_str_by_arch", a, hp)
    add("query_info_str_by_arch", 0, verbose=True)
    add("query_by_arch", ARCHS[-1], hps[-1])
    for idx in ARCHS + [miss, n + 1, True, "0"]:
        for ds in DS + ["nope"]:
            for hp in all_hps[:5]:
                add("get_cost_info", idx, ds, hp)
                add("get_latency", idx, ds, hp)
    add("get_cost_info", 0, "cifar10", verbose=True)
    for idx in ARCHS + [miss, n + 1, float(ARCHS[-1]), str(ARCHS[-1])]:
        for ds in DS + ["nope"]:
            add("get_net_config", idx, ds)
    for idx in ARCHS[:2]:
        for ds in DS + ["nope"]:
            for seed in [None, 777, 111, 888, 5]:
                for hp in hps + [12]:
                    add("get_net_param", idx, ds, seed, hp)
    for ds in ["cifar10", "cifar10-valid", "cifar100", "ImageNet16-120", "nope"]:
        for st in ["train", "valid", "test", "x-valid", "ori-test", "x-test", "nope"]:
            for hp in all_hps[:4]:
                add("find_best", ds, st, hp=hp, enforce_all=False)
                add("find_best", ds, st, hp=hp)
            add("find_best", ds, st, flop_max=20, hp=hps[-1], enforce_all=False)
            add("find_best", ds, st, param_max=0.1, hp=hps[-1], enforce_all=False)
            add("find_best", ds, st, flop_max=0.5, hp=hps[-1], enforce_all=False)
            add("find_best", ds, st, flop_max=100.0, param_max=0.9, hp=hps[0], enforce_all=False)
            add("find_best", ds, st, hp=hps[0], enforce_all=True)
    add("find_best", "cifar10", "valid", flop_max=0.5, hp=hps[-1], enforce_all=False, verbose=True)
    add("find_best", "cifar10", "valid", hp=hps[-1], enforce_all=False, verbose=True)
    add("find_best", "cifar100", "valid", flop_max="x", hp=hps[-1], enforce_all=False)
    add("find_best", "cifar100", "valid", param_max="x", hp=hps[-1], enforce_all=False)
    for a in ARCHS + [miss, m_held(1), "nope", n + 1]:
        for ds in ["cifar10", "cifar100", "ImageNet16-120", "cifar10-valid"]:
            for hp in hps + [12]:
                for ie in [None, 0, 5, 11]:
                    add("simulate_train_eval", a, ds, ie, hp)
    add("used_time")
    add("simulate_train_eval", 0, "cifar10", account_time=False)
    add("simulate_train_eval", 0, "cifar100", iepoch=3, hp=hps[-1], account_time=0)
    add("used_time")
    add("reset_time")
    add("used_time")
    add("random")
    for ds in DS + ["nope"]:
        for hp in all_hps[:6]:
            add("statistics", ds, hp)
    add("statistics", "cifar10", hps[0], verbose=True)
    if tss:
        for s in [meta[0], m_held(1), m_held(2), "|a~0|+|b~1|c~x|", "|a~0~1|", "|a~ 1|+|b~+2|", "", "|x|",
                  "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|"]:
            add("str2lists", s)
            add("str2matrix", s)
        add("str2matrix", "|none~0|+|skip_connect~5|")
        for a in ARCHS + [m_miss, meta[n - 1], "nope", -1, True, n]:
            add("get_unique_str", a)
    else:
        add("str2lists", meta[0])
        add("get_unique_str", 0)
    for d, m in [("cifar10", "valid"), ("cifar10", "test"), ("cifar100", "valid"), ("x", "valid")]:
        add("remap_dataset_set_names", d, m)
    for i in [ARCHS[-1], miss, 99999, True]:
        add("show", i)
    add("show", 0, verbose=True)
    add("show", -1)
    add("show", "x")
    add("clear_params", 0, hps[0])
    add("clear_params", 0, "90" if tss else "200")
    add("clear_params", 0, int(hps[0]))
    add("clear_params", miss)
    add("clear_params", ARCHS[-1])
    add("clear_params", ARCHS[-1], verbose=True)
    for idx in ARCHS:
        for hp in hps:
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
                    for ie in ([None, 0, 11, 89, 199, 200] if st in ("train", "x-test") else [None, 3]):
                        for r in ([False, True, 777, 111, 5, "x"] if ie is None else [False, True]):
                            add("get_metrics", ds, st, iepoch=ie, is_random=r, obj=ar)
            for attr in ["arch_index", "arch_str", "dataset_seed", "clear_net_done"]:
                add(attr, obj=ar)
            for j in range(12):
                rc = ["rc", idx, hp, j]
                add("__repr__", obj=rc)
                add("get_times", obj=rc)
                add("get_latency", obj=rc)
                add("get_eval_set", obj=rc)
                add("get_total_epoch", obj=rc)
                add("get_config", None, obj=rc)
                add("get_net_param", obj=rc)
                for ie in [None, 0, 5, 11, 89, 199, 200, -1, True, 2.0, 2.5, "2"]:
                    add("get_train", ie, obj=rc)
                    for nm in ["x-valid", "valid", "ori-test", "x-test", "nope", 3]:
                        add("get_eval", nm, ie, obj=rc)
                for attr in ["name", "seed", "epochs", "flop", "params", "latency", "eval_names", "arch_config",
                             "train_acc1es", "train_acc5es", "train_losses", "train_times", "eval_acc1es",
                             "eval_losses", "eval_times", "net_state_dict"]:
                    add(attr, obj=rc)
    # state changes last
    add("reset_fast_mode", False)
    add("__repr__")
    add("find_best", "cifar10", "valid", hp=hps[0])
    add("get_more_info", miss, "cifar10", hp=hps[0], is_random=False)
    add("reset_fast_mode", True)
    add("reset_archive_dir", None)
    add("archive_dir")
    add("get_more_info", miss, "cifar10", hp=hps[0], is_random=False)
    return c


PROPS = {"search_space_name", "fast_mode", "archive_dir", "full_train_epochs", "is_topology", "is_size",
         "full_epochs_in_paper", "used_time"}
ATTRS = {"arch_index", "arch_str", "dataset_seed", "clear_net_done", "name", "seed", "epochs", "flop", "params",
         "latency", "eval_names", "arch_config", "train_acc1es", "train_acc5es", "train_losses", "train_times",
         "eval_acc1es", "eval_losses", "eval_times", "net_state_dict"}


def objects(folder):
    meta = pickle_load(os.path.join(folder, "meta.pickle.pbz2"))
    archs = {}
    for name in sorted(os.listdir(folder)):
        if name != "meta.pickle.pbz2" and name.endswith(".pickle.pbz2"):
            archs[int(name.split(".")[0])] = pickle_load(os.path.join(folder, name))
    return meta, archs


def run(name, api, space, hps, meta):
    held = sorted(api.arch2infos_dict.keys())
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
    for n, case in enumerate(cases(space, len(api), hps, meta, held)):
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
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
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
                    elif obj == "api" and m in PROPS:
                        v = getattr(target, m)
                    elif obj != "api" and m in ATTRS:
                        v = getattr(target, m)
                    else:
                        v = getattr(target, m)(*case["a"], **case["k"])
                res = {"ok": enc(v)}
            except Exception as e:  # noqa: BLE001
                res = {"exc": type(e).__name__, "msg": str(e)}
                if isinstance(e, KeyError):
                    res["key"] = enc(e.args[0])
        warned = [str(w.message) for w in caught]
        if warned:
            case["warn"] = warned
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


def main():
    os.makedirs(OUT, exist_ok=True)
    for spec in SPECS:
        name, rest = spec.split("=", 1)
        space, kind, path = rest.split(":", 2)
        hps = ["12", "200"] if space == "tss" else ["01", "12", "90"]
        if kind == "file":
            api = create(path, space, fast_mode=False, verbose=False)
            run(name, api, space, hps, api.meta_archs)
            continue
        meta, archs = objects(path)
        if kind == "folder":
            api = create(path, space, fast_mode=True, verbose=False)
            for i in sorted(archs):
                api.reload(path, i)
        else:
            single = {"meta_archs": meta["meta_archs"], "total_archs": meta["total_archs"], "arch2infos": archs,
                      "evaluated_indexes": set(archs)}
            api = create(single, space, fast_mode=(kind == "dictfast"), verbose=False)
        run(name, api, space, hps, meta["meta_archs"])


main()
