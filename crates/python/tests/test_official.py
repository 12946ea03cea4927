"""tnb.TransNASBenchAPI against the official TransNASBenchAPI itself, side by side, when a checkout
of the benchmark's repository is at hand: `TNB_OFFICIAL_API=/path/to/TransNASBench pytest`.

The official class's code is not part of this repository (it is the benchmark authors'); this
test imports it from the given checkout. It loads its file with `torch.load`: with torch
installed that is the real one; without, a stand-in module `torch` whose `load` is the reference
reader of `reference.py` (which executes nothing), so the official code runs unchanged on the
same object. Exception classes are compared on every failing call, and messages wherever tnb
promises the official text. Skipped when `TNB_OFFICIAL_API` is not set.
"""

import os
import random
import sys
import types

import pytest

import reference
import tnb
from conftest import data
from util import agree, outcome, same

CHECKOUT = os.environ.get("TNB_OFFICIAL_API")
pytestmark = pytest.mark.skipif(
    not CHECKOUT, reason="TNB_OFFICIAL_API (a TransNASBench checkout) is not set"
)


def official_class():
    try:
        import torch  # noqa: F401 - the real one, when installed
    except ImportError:
        stand_in = types.ModuleType("torch")
        stand_in.load = lambda path, *a, **k: reference.load(path)
        sys.modules["torch"] = stand_in
    sys.path.insert(0, CHECKOUT)
    from api.api import TransNASBenchAPI

    return TransNASBenchAPI


def as_reference(x):
    """The official ArchResult compared as the reference's (same fields)."""
    if type(x).__name__ == "ArchResult" and hasattr(x, "all_results"):
        return reference.ReferenceArchResult(x.arch_index, x.arch_str, x.all_results)
    return x


def message(f):
    """str() of what `f` raises."""
    try:
        f()
    except Exception as e:  # noqa: BLE001 - the message is what is compared
        return str(e)
    return None


def comparable(m):
    """Whether tnb promises this message: it is short enough not to be cut (400 characters)."""
    return m is not None and len(m) < 400


@pytest.mark.parametrize("name", ["transnas_small", "transnas_small_legacy", "transnas_variant"])
@pytest.mark.parametrize("how", ["pth", "tnb"])
def test_side_by_side_with_the_official_class(name, how, archives):
    official = official_class()(data(f"{name}.pth"))
    ours = tnb.TransNASBenchAPI(data(f"{name}.pth") if how == "pth" else archives[name])
    assert repr(ours) == repr(official)
    for attr in ["metrics_dict", "info_names", "task_list", "search_spaces", "all_arch_dict",
                 "arch2space", "verbose"]:
        assert same(getattr(ours, attr), getattr(official, attr)), attr
    r = random.Random(7)
    compared = [0]
    archs = list(official.arch2space)
    tasks = list(official.task_list) + ["nope", 3, None, ("t", 1)]
    metrics = sorted({m for ms in official.metrics_dict.values() for m in ms}) + [
        "nope", 1.0, {"m": [None]}, ("x",), {2}]
    odd = ["64-1-basic", None, 5, [1], ("a", 1.5), {"k": "it's"}, 10**30]
    modes = ["best", "final", "list", "x", None, True, 1.5, 30, -30, 10**30] + list(range(-3, 4))
    epochs = [0, 1, -1, 2, -2, 24, 25, 29, 30, -31, 10**20, True, 1.0, None, "1", [1], (2,),
              {"e": 1}]
    for _ in range(3000):
        a, t, m = r.choice(archs + odd), r.choice(tasks), r.choice(metrics)
        md, e = r.choice(modes), r.choice(epochs)
        s = r.choice(list(official.search_spaces) + ["nano"])
        topk = r.choice([1, 5, 0, -1, None, True, 10**9, "3"])
        for call in [
            lambda o: o.get_single_metric(a, t, m, mode=md),
            lambda o: o.get_epoch_status(a, t, e),
            lambda o: o.get_best_epoch_status(a, t, m),
            lambda o: o.get_total_epochs(a, t),
            lambda o: o.get_model_info(a, t, r.choice(official.info_names + ["gpu"])),
            lambda o: o.get_best_archs(t, m, s, topk=topk),
            lambda o: o.arch2index(a),
            lambda o: o.index2arch(r.choice([0, -1, len(archs), True, "0", (0,), [0], {0: 1}])),
        ]:
            state = r.getstate()
            want = outcome(lambda: as_reference(call(official)))
            r.setstate(state)  # the same random choices inside the call for both sides
            got = outcome(lambda: call(ours))
            assert agree(got, want), (got, want)
            if want[0] == "raise":
                after = r.getstate()
                r.setstate(state)
                want_m = message(lambda: call(official))
                r.setstate(state)
                got_m = message(lambda: call(ours))
                r.setstate(after)
                if comparable(want_m):
                    assert got_m == want_m, (got_m, want_m)
                    compared[0] += 1
    assert compared[0] > 1000, compared
