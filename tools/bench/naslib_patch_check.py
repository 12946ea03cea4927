#!/usr/bin/env python3
"""Checks the README's NASLib lines against NASLib's own code (by hand; not run in CI).

    python tools/bench/naslib_patch_check.py NASLIB_CHECKOUT ARCHIVE.tnb [--runner]

NASLIB_CHECKOUT is a checkout of github:automl/NASLib. Its setup.py refuses Python > 3.9, so the
checkout is used as it stands (put first on sys.path, as `PYTHONPATH=NASLIB_CHECKOUT` would).
Run with a Python 3.9 (NASLib's own limit) that has tnb and what NASLib's `naslib.utils` and
`naslib.search_spaces` import (torch, torchvision, scikit-learn, scikit-image, scipy, fvcore,
pytorch-msssim, transforms3d, ConfigSpace, nasbench-pytorch (--no-deps), networkx); `--runner`
also needs what `naslib.optimizers` and its trainer import (matplotlib, seaborn, lightgbm,
xgboost, ngboost, emcee, pyro-ppl, grakel, pybnn, tensorwatch, tornado).

What it shows, each step an assertion (exit 1 on the first that fails):
1. The old README line (`naslib.utils.get_dataset_api.get_transbench101_api = ...`) does not
   reach NASLib's loader: `naslib.utils.get_dataset_api` is the re-exported *function*, so the
   line only sets an attribute on it, and `get_dataset_api('transbench101_micro', ...)` still
   runs NASLib's own `get_transbench101_api` (which asserts its bundled .pth exists, then
   torch.loads it).
2. The README's lines (`PATCH` below, executed verbatim) replace the loader in the module's
   namespace, which is where `get_dataset_api` looks it up on every call: every way NASLib's
   code gets `get_dataset_api` (`from naslib.utils import get_dataset_api` in the runners,
   `from naslib.utils.get_dataset_api import get_dataset_api` in the zc runners and evaluators,
   including copies imported before the patch) now returns tnb's object for the three
   TransBench search-space names.
3. NASLib's TransBench101 search spaces, built as its runners build them, answer `query()`
   through that object for every task and its archs (at most MAX_ARCHS_PER_SPACE per space):
   Metric.VAL_ACCURACY, Metric.TRAIN_TIME and Metric.RAW equal tnb's own answers.
4. With `--runner` (and an archive with all 4096 micro archs, e.g. the full-size look-alike, as
   random search samples any of them): NASLib's own runner naslib/runners/nas/runner.py, run
   unmodified in a fresh process under the README's wrapper (`WRAPPER` below), does 20 epochs of
   random search on transbench101_micro/class_scene, and the dataset_api it got from
   `get_dataset_api` holds tnb's object. NASLib's code needs Python <= 3.9 for this part
   (naslib.predictors does `from collections import Iterable`); steps 1-3 run on 3.11 too.
"""

import argparse
import importlib
import os
import subprocess
import sys
import tempfile

# The README's lines, run verbatim with ARCHIVE bound to the archive's path.
PATCH = """\
import importlib, tnb
importlib.import_module("naslib.utils.get_dataset_api").get_transbench101_api = (
    lambda dataset=None: {"api": tnb.TransNASBenchAPI(ARCHIVE), "task": dataset})
"""

SPACES = ("transbench101", "transbench101_micro", "transbench101_macro")

# NASLib's Metric.VAL_ACCURACY per task, as its TransBench101 query() maps it (a fact read from
# naslib/search_spaces/transbench101/graph.py, restated here so the check compares values).
VAL_ACCURACY = {
    "class_scene": "valid_top1",
    "class_object": "valid_top1",
    "jigsaw": "valid_top1",
    "room_layout": "valid_neg_loss",
    "segmentsemantic": "valid_acc",
    "normal": "valid_ssim",
    "autoencoder": "valid_ssim",
}


def ok(msg):
    print(f"ok   {msg}")


def same(a, b):
    """Equal, NaN included (a benchmark file may hold NaN, and nan != nan): floats print their
    exact value in repr, dicts in insertion order."""
    return type(a) is type(b) and repr(a) == repr(b)


def op_indices(arch):
    """NASLib's op indices for a TransNAS arch string (the inverse of its two converters:
    micro '64-41414-a_bc_def' -> [a..f]; macro '64-<digits>-basic' -> digits, zero-padded to 6)."""
    middle = arch.split("-")[1:]
    if middle[-1] == "basic":
        digits = [int(c) for c in middle[0]]
        return digits + [0] * (6 - len(digits))
    return [int(c) for c in middle[1] if c != "_"]


def check_old_line_is_a_no_op(tnb, archive):
    import naslib.search_spaces
    import naslib.utils

    fn = naslib.utils.get_dataset_api
    assert callable(fn) and not isinstance(fn, type(sys)), type(fn)
    import naslib.utils.get_dataset_api as aliased  # Python 3.7+: getattr first, so the function

    assert aliased is fn
    ok("naslib.utils.get_dataset_api (and `import naslib.utils.get_dataset_api as m`) is the "
       "function, not the module")

    # The old README line, verbatim.
    naslib.utils.get_dataset_api.get_transbench101_api = lambda dataset=None: {
        "api": tnb.TransNASBenchAPI(archive), "task": dataset}
    # NASLib's loader would torch.load its bundled 1.3 GB file if present: record the call instead.
    real = naslib.search_spaces.TransNASBenchAPI
    loaded = []
    naslib.search_spaces.TransNASBenchAPI = lambda path: loaded.append(path) or "official"
    try:
        got = fn("transbench101_micro", "class_scene")
        assert got["api"] == "official" and loaded, got
        what = f"NASLib's loader ran: TransNASBenchAPI({loaded[0]!r})"
    except AssertionError as e:
        assert "transnas-bench_v10141024.pth" in str(e), e
        what = f"NASLib's loader ran and asserted: {str(e).split('.pth')[0]}.pth ..."
    finally:
        naslib.search_spaces.TransNASBenchAPI = real
        del naslib.utils.get_dataset_api.get_transbench101_api
    ok("after the old README line, get_dataset_api('transbench101_micro', ...) is not tnb's: "
       + what)


def check_patch_reaches_every_caller(tnb, archive, early):
    exec(PATCH, {"ARCHIVE": archive})
    from naslib.utils import get_dataset_api as via_package
    from naslib.utils.get_dataset_api import get_dataset_api as via_module

    api = tnb.TransNASBenchAPI(archive)
    for name, fn in (
        ("imported before the patch (`from naslib.utils import get_dataset_api`)", early),
        ("`from naslib.utils import get_dataset_api`", via_package),
        ("`from naslib.utils.get_dataset_api import get_dataset_api`", via_module),
    ):
        for space in SPACES:
            for task in api.task_list:
                got = fn(space, task)
                assert isinstance(got["api"], tnb.TransNASBenchAPI), (name, space, got)
                assert got["task"] == task, (name, space, got)
        ok(f"{name}: get_dataset_api(s, t) -> tnb's object, for s in {SPACES}, every task")
    return api


# Archs per space checked in step 3: every set_op_indices builds a torch model (tens of ms), so a
# full-size archive is sampled (evenly, first and last included) rather than walked.
MAX_ARCHS_PER_SPACE = 16


def sample(archs):
    """At most MAX_ARCHS_PER_SPACE archs, evenly spread, the first and last included."""
    if len(archs) <= MAX_ARCHS_PER_SPACE:
        return archs
    step = (len(archs) - 1) / (MAX_ARCHS_PER_SPACE - 1)
    return [archs[round(i * step)] for i in range(MAX_ARCHS_PER_SPACE)]


def check_queries(api, naslib_get_dataset_api):
    from naslib.search_spaces import (
        TransBench101SearchSpaceMacro,
        TransBench101SearchSpaceMicro,
        get_search_space,
    )
    from naslib.search_spaces.core.query_metrics import Metric

    count = 0
    for task in api.task_list:
        dataset_api = naslib_get_dataset_api("transbench101_micro", task)
        # As naslib/runners/nas/runner.py builds them; get_search_space (the zc runners' way)
        # too, for one task: each set_op_indices builds a torch model, which is slow.
        spaces = {
            "micro": [TransBench101SearchSpaceMicro(task)],
            "macro": [TransBench101SearchSpaceMacro(task)],
        }
        if task == "class_scene":
            spaces["micro"].append(get_search_space("transbench101_micro", task))
            spaces["macro"].append(get_search_space("transbench101_macro", task))
        for space_name, objects in spaces.items():
            for arch in sample(api.get_arch_list(space_name)):
                for ss in objects:
                    ss.set_op_indices(op_indices(arch))
                    val = ss.query(Metric.VAL_ACCURACY, dataset=task, dataset_api=dataset_api)
                    want = api.get_single_metric(arch, task, VAL_ACCURACY[task], mode="final")
                    assert same(val, want), (arch, task, val, want)
                    t = ss.query(Metric.TRAIN_TIME, dataset=task, dataset_api=dataset_api)
                    assert same(t, api.get_single_metric(arch, task, "time_elapsed", mode="final"))
                    raw = ss.query(Metric.RAW, dataset=task, dataset_api=dataset_api)
                    assert same(raw, api.get_arch_result(arch).query_all_results()[task])
                    count += 1
    ok(f"{count} search-space queries (VAL_ACCURACY, TRAIN_TIME, RAW; micro and macro spaces, "
       f"every task, up to {MAX_ARCHS_PER_SPACE} archs per space) answered through tnb's object")


# The README's wrapper for NASLib's own scripts, verbatim but for the archive's path (from the
# environment here). NASLib parses the command line with a default argument bound when
# naslib.utils is first imported (`parse_args(..., args=sys.argv[1:])`), so the wrapper drops its
# own name from sys.argv before anything imports naslib.
WRAPPER = """\
import importlib, runpy, sys, tnb
sys.argv = sys.argv[1:]  # the NASLib script and its arguments, before naslib reads them
importlib.import_module("naslib.utils.get_dataset_api").get_transbench101_api = (
    lambda dataset=None: {"api": tnb.TransNASBenchAPI(ARCHIVE), "task": dataset})
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def check_runner(naslib_root, archive):
    runner = os.path.join(naslib_root, "naslib", "runners", "nas", "runner.py")
    with tempfile.TemporaryDirectory() as out:
        wrapper = os.path.join(out, "tnb_naslib.py")
        with open(wrapper, "w") as f:
            f.write("import os\nARCHIVE = os.environ['TNB_ARCHIVE']\n")
            f.write(WRAPPER.replace("runpy.run_path(", "g = runpy.run_path("))
            # What the runner's module-level code left behind: its dataset_api and its search.
            f.write('api = g["dataset_api"]["api"]\n'
                    'print("RUNNER", type(api).__module__, type(api).__name__, '
                    'len(g["optimizer"].sampled_archs))\n')
        env = dict(os.environ, TNB_ARCHIVE=os.path.abspath(archive),
                   PYTHONPATH=os.pathsep.join([naslib_root, os.environ.get("PYTHONPATH", "")]))
        done = subprocess.run(
            # NASLib's default config (defaults/darts_defaults.yaml): the runner's own
            # discrete_config.yaml lacks the `evaluation` section get_config_from_args needs.
            [sys.executable, wrapper, runner, "search_space", "transbench101_micro",
             "dataset", "class_scene", "optimizer", "rs",
             "search.epochs", "20", "out_dir", os.path.join(out, "run")],
            cwd=out, env=env, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RUNNER ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    module, name, sampled = lines[-1].split()[1:]
    assert module.startswith("tnb") and name == "TransNASBenchAPI", lines
    assert int(sampled) == 20, lines
    ok(f"NASLib's naslib/runners/nas/runner.py under the README's wrapper (rs, "
       f"transbench101_micro/class_scene, 20 epochs): its dataset_api['api'] is {module}.{name}, "
       f"{sampled} archs sampled and queried")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("naslib", help="a checkout of github:automl/NASLib")
    ap.add_argument("archive", help="a .tnb archive (or a .pth: tnb converts it in memory)")
    ap.add_argument("--runner", action="store_true", help="also run NASLib's nas runner (rs)")
    a = ap.parse_args()
    root = os.path.abspath(a.naslib)
    sys.path.insert(0, root)
    import naslib

    assert os.path.abspath(naslib.__file__).startswith(root), naslib.__file__
    import tnb

    # As NASLib's runners do at import time, before any user code could patch anything.
    from naslib.utils import get_dataset_api as early

    check_old_line_is_a_no_op(tnb, a.archive)
    api = check_patch_reaches_every_caller(tnb, a.archive, early)
    check_queries(api, early)
    if a.runner:
        check_runner(root, a.archive)
    print("all NASLib checks passed")


if __name__ == "__main__":
    importlib.invalidate_caches()
    main()
