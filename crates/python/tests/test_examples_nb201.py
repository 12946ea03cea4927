"""The NAS-Bench-201 search example (examples/evolution_nb201.py) runs on a torch-written fixture
and finds what an exhaustive search over the file finds."""

import os
import subprocess
import sys

from conftest import data

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "examples", "evolution_nb201.py")


def test_evolution_finds_the_best_trained_arch():
    import tnb

    path = data("nb201_v1_1_small.pth")
    out = subprocess.run(
        [sys.executable, EXAMPLE, path, "--runs", "1", "--evals", "200", "--hp", "12"],
        capture_output=True, text=True, check=True,
    ).stdout
    api = tnb.NASBench201API(path, verbose=False)
    best = max(
        (float(api.get_more_info(i, "cifar10-valid", hp="12", is_random=False)["valid-accuracy"]), i)
        for i in sorted(set(api.evaluated_indexes))
    )
    assert f"valid accuracy (hp 12): {best[0]} (index {best[1]}," in out, out
