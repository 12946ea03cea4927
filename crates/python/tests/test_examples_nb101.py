"""The NAS-Bench-101 search example (examples/evolution_nb101.py) runs on a small TFRecord and
its archive, answers the same on both, and reports queries the file holds."""

import importlib.util
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import tnb
from tnb import nasbench101
from tnb.nasbench101 import api
from tnb.nasbench101.lib import config

import nb101_fixtures as fx

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "examples", "evolution_nb101.py")
pytestmark = pytest.mark.skipif(not hasattr(tnb._tnb, "NB101Store"), reason="no NAS-Bench-101")


class _Checker(object):
    """`is_valid` without a file (it reads only the spec and the config)."""

    config = config.build_config()
    _fast = False
    is_valid = api.NASBench.is_valid
    _check_spec = api.NASBench._check_spec


def test_evolution_reports_stored_queries(tmp_path):
    spec = importlib.util.spec_from_file_location("evolution_nb101", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    # The cells the example's first random population draws (seed 3), so that they are stored.
    rnd = np.random.default_rng(3)
    cells = []
    for _ in range(50):
        s = example.random_spec(api, _Checker(), rnd)
        cells.append((s.matrix.tolist(), list(s.ops)))
    src = str(tmp_path / "small.tfrecord")
    fx.write(src, fx.records(seed=9, cells=0, budgets=(108,), ragged=False, given=cells))
    dst = str(tmp_path / "small.tnb")
    nasbench101.convert(src, dst)
    outs = []
    for path in (src, dst):
        out = subprocess.run(
            [sys.executable, EXAMPLE, path, "--runs", "2", "--evals", "80", "--seed", "3"],
            capture_output=True, text=True, check=True,
        ).stdout
        outs.append(out)
    assert outs[0].splitlines()[:3] == outs[1].splitlines()[:3]
    fixed, computed, _ = fx.reference(src)
    found = re.findall(r"best validation accuracy (\S+) \(test (\S+), cell (\w+)\)", outs[0])
    assert len(found) == 2
    for valid, test, h in found[:1]:
        runs = computed[h][108]
        assert any(repr(r["final_validation_accuracy"]) == valid
                   and repr(r["final_test_accuracy"]) == test for r in runs)
        best = max(r["final_validation_accuracy"] for c in computed.values() for r in c[108])
        assert float(valid) <= best
