#!/usr/bin/env python3
"""Records the official `nasbench.api` answers on the NAS-Bench-101 fixtures.

    /tmp/ovenv/bin/python tools/official/nb101/record_answers.py /tmp/nasbench-src \
        [--commit <official commit>] [--seed 21] [FIXTURE.tfrecord ...]

For each fixture (default: every data/nb101/*.tfrecord) it constructs the official
`NASBench(fixture, seed=SEED)` (through run_official.import_official: the fetched sources plus
the TensorFlow stand-in), runs a deterministic call script on it and writes
data/nb101/official/<fixture stem>.jsonl, one JSON object per line (format in README.md beside
this script). The call script depends only on the fixture's contents and the seed: spec
variants are drawn from a private random.Random, never from the module-level generator the
official class draws from. Values are encoded by crates/python/tests/nb101_answers.py, the
module the replay tests use too.
"""

import argparse
import contextlib
import glob
import io
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "crates", "python", "tests"))
sys.path.insert(0, HERE)

import nb101_answers as A  # noqa: E402
from run_official import import_official  # noqa: E402

OPS = ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"]


class Recorder:
    def __init__(self, api, nb, out):
        self.api = api
        self.nb = nb
        self.out = out
        self.count = 0

    def line(self, obj):
        self.out.write(A.dumps(obj) + "\n")
        self.count += 1

    def call(self, name, spec=None, args=(), kwargs=None, mutate=False):
        """Runs one call and writes its line. `spec` is (matrix, ops) as given to ModelSpec."""
        sj = A.spec_json(*spec) if spec is not None else None
        rec = A.perform(self.api, self.nb, name, sj, args, kwargs, mutate)
        self.line(rec)
        if name == "query" and not math.isfinite(self.nb.training_time_spent):
            # A NaN or infinite training_time sticks to the counter for the rest of the
            # script: start again from zero so that later budgets still say something.
            self.call("reset_budget_counters")
        return rec


def topo_permutation(matrix, rng):
    """A random relabelling of the interior vertices that keeps the matrix upper-triangular
    (a random topological order), applied: an isomorphic spec of the same cell."""
    n = len(matrix)
    indeg = [sum(matrix[r][c] for r in range(n)) for c in range(n)]
    order = []
    ready = [v for v in range(n) if indeg[v] == 0]
    while ready:
        # input first, output last: only pick output when it is the last one left
        cand = [v for v in ready if v != n - 1] or ready
        v = rng.choice(cand) if 0 not in cand else 0
        ready.remove(v)
        order.append(v)
        for w in range(n):
            if matrix[v][w]:
                indeg[w] -= 1
                if indeg[w] == 0:
                    ready.append(w)
    return [[matrix[order[r]][order[c]] for c in range(n)] for r in range(n)], order


def padded(matrix, ops, rng, extra, kind):
    """The cell with `extra` vertices that ModelSpec prunes away, inserted before the output:
    kind 0 dangling from the input side, 1 feeding the output from nowhere, 2 isolated."""
    n = len(matrix)
    m = n + extra
    new = [[0] * m for _ in range(m)]
    for r in range(n - 1):
        for c in range(n - 1):
            new[r][c] = matrix[r][c]
        new[r][m - 1] = matrix[r][n - 1]
    new_ops = list(ops[:-1])
    for k in range(extra):
        v = n - 1 + k
        if kind == 0:
            new[rng.randrange(0, v)][v] = 1  # reachable from input, reaches nothing
        elif kind == 1:
            new[v][m - 1] = 1  # reaches the output, unreachable from input
        new_ops.append(rng.choice(OPS + ["bogus-op"]))
    new_ops.append(ops[-1])
    return new, new_ops


def record_fixture(api, path, seed, commit):
    import numpy as np

    stem = os.path.splitext(os.path.basename(path))[0]
    rng = random.Random("tnb-nb101-answers-" + stem)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        nb = api.NASBench(path, seed=seed)
    printed = A.normalise_printed(buf.getvalue())
    out_path = os.path.join(ROOT, "data", "nb101", "official", stem + ".jsonl")
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    import google.protobuf
    from google.protobuf.internal import api_implementation

    with open(out_path, "w") as out:
        R = Recorder(api, nb, out)
        head = A.header(nb, os.path.basename(path), seed, printed)
        head.update({
            "official_commit": commit,
            "protobuf": "%s/%s" % (google.protobuf.__version__, api_implementation.Type()),
            "numpy": np.__version__, "python": sys.version.split()[0],
        })
        R.line(head)
        hashes = list(nb.hash_iterator())
        epochs = list(nb.valid_epochs)  # set iteration order
        R.call("get_budget_counters")
        R.call("hash_iterator")

        # 1. every hash, hash_iterator order; a few results mutated to show they are copies
        for i, h in enumerate(hashes):
            R.call("get_metrics_from_hash", args=[h], mutate=(i % 50 == 0))
        for h in ["0" * 32, hashes[0].upper(), hashes[0] + " ", ""]:
            R.call("get_metrics_from_hash", args=[h])
        R.call("get_metrics_from_hash", args=[hashes[0]])  # unchanged after the mutation above

        # 2. every cell x every budget x stop_halfway False/True; the matrix as nested lists for
        #    one of the two and as a numpy matrix (np.array's default int dtype) for the other,
        #    alternating between cells and budgets
        for i, h in enumerate(hashes):
            fixed = nb.fixed_statistics[h]
            mat, ops = fixed["module_adjacency"].tolist(), list(fixed["module_operations"])
            for j, e in enumerate(epochs):
                for half in (False, True):
                    as_np = half == bool((i + j) % 2)
                    R.call("query", spec=(np.array(mat) if as_np else mat, ops),
                           kwargs={"epochs": e, "stop_halfway": half}, mutate=(i % 40 == 0 and j == 0))
            if i % 25 == 0:
                R.call("get_budget_counters")
            if i % 60 == 30:
                R.call("reset_budget_counters")
                R.call("get_budget_counters")

        # 3. query with default arguments, get_metrics_from_spec and is_valid on a sample
        for i, h in enumerate(hashes[:: max(1, len(hashes) // 30)]):
            fixed = nb.fixed_statistics[h]
            spec = (fixed["module_adjacency"].tolist(), list(fixed["module_operations"]))
            R.call("query", spec=spec)
            R.call("get_metrics_from_spec", spec=spec, mutate=(i % 10 == 0))
            R.call("is_valid", spec=spec)
            R.call("hash_spec", spec=spec, args=[OPS])

        # 4. isomorphic specs (interior vertices permuted) and padded specs (vertices pruned away)
        for i, h in enumerate(hashes[:: max(1, len(hashes) // 45)]):
            fixed = nb.fixed_statistics[h]
            mat, ops = fixed["module_adjacency"].tolist(), list(fixed["module_operations"])
            pm, order = topo_permutation(mat, rng)
            pops = [ops[v] for v in order]
            for call in ("query", "is_valid", "get_metrics_from_spec"):
                R.call(call, spec=(pm, pops))
            n = len(mat)
            if n < 8:
                extra = rng.randint(1, 8 - n)  # up to 8 vertices before pruning: no TypeError
                qm, qops = padded(mat, ops, rng, extra, i % 3)
                R.call("ModelSpec", spec=(qm, qops))
                R.call("query", spec=(qm, qops), kwargs={"stop_halfway": bool(i % 2)})
                R.call("is_valid", spec=(qm, qops))
                R.call("get_metrics_from_spec", spec=(np.array(qm, dtype=np.int8), qops))

        # 5. in-space specs absent from the file: KeyError after the checks, no draw
        absent = 0
        for _ in range(2000):
            n = rng.randint(3, 7)
            m = [[1 if c > r and rng.random() < 0.5 else 0 for c in range(n)] for r in range(n)]
            ops = ["input"] + [rng.choice(OPS) for _ in range(n - 2)] + ["output"]
            s = api.ModelSpec(m, ops)
            if not s.valid_spec or s.matrix.sum() > 9 or s.hash_spec(OPS) in nb.fixed_statistics:
                continue
            for call in ("query", "is_valid", "get_metrics_from_spec"):
                R.call(call, spec=(m, ops))
            absent += 1
            if absent == 5:
                break

        # 6. missing budgets and repeats again (several draws each), epochs of other types
        some = nb.fixed_statistics[hashes[min(3, len(hashes) - 1)]]
        spec = (some["module_adjacency"].tolist(), list(some["module_operations"]))
        for h in hashes:
            comp = nb.computed_statistics[h]
            short = [e for e in comp if len(comp[e]) < 3] + [e for e in epochs if e not in comp][:1]
            if short:
                f = nb.fixed_statistics[h]
                for e in short:
                    for k in range(4):
                        R.call("query", spec=(f["module_adjacency"].tolist(), list(f["module_operations"])),
                               kwargs={"epochs": e, "stop_halfway": bool(k % 2)})
        for e in (108.0, "108", 5, True, 4.0, 0, None, 216 // 2, 36.5, -108):
            R.call("query", spec=spec, kwargs={"epochs": e})
        R.call("query", spec=spec, kwargs={"epochs": 108.0, "stop_halfway": True})
        R.call("query", spec=spec, args=[108, 1])
        R.call("query", spec=spec, kwargs={"stop_halfway": ""})
        R.call("get_budget_counters")

        # 7. invalid specs of every kind, in _check_spec's order, and ModelSpec's ValueErrors
        c3, c1, mp = OPS
        chain = lambda n: [[1 if c == r + 1 else 0 for c in range(n)] for r in range(n)]  # noqa: E731
        full7 = [[1 if c > r else 0 for c in range(7)] for r in range(7)]
        # exactly 10 edges, every vertex on an input->output path
        ten = [[1 if c == r + 1 else 0 for c in range(7)] for r in range(7)]
        for c in (2, 3, 4, 5):
            ten[0][c] = 1
        invalid = [
            ("disconnected", [[0, 0, 0], [0, 0, 1], [0, 0, 0]], ["input", c3, "output"]),
            ("disconnected-7", [[0, 1, 1, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0]] + [[0] * 7] * 5, ["input", c3, c1, mp, c3, c1, "output"]),
            ("no-edges-2", [[0, 0], [0, 0]], ["input", "output"]),
            ("one-vertex", [[0]], ["input"]),
            ("empty", np.zeros((0, 0), dtype=np.int64), []),
            ("8-vertices", chain(8), ["input"] + [c3] * 6 + ["output"]),
            ("8-vertices-bad-op", chain(8), ["conv"] + [c3] * 6 + ["output"]),
            ("8-vertices-padded-to-7", [row[:] for row in chain(8)], ["input"] + [c1] * 6 + ["output"]),
            ("too-many-edges-21", full7, ["input", c3, c1, mp, c3, c1, "output"]),
            ("too-many-edges-10", ten, ["input", c3, c1, mp, c3, c1, "output"]),
            ("too-many-edges-and-first-op", full7, ["output", c3, c1, mp, c3, c1, "input"]),
            ("first-op", chain(4), [c3, c3, c1, "output"]),
            ("last-op", chain(4), ["input", c3, c1, mp]),
            ("first-and-last-op", chain(4), ["output", c3, c1, "input"]),
            ("unsupported-op", chain(4), ["input", c3, "conv5x5-bn-relu", "output"]),
            ("unsupported-op-case", chain(3), ["input", "Conv3x3-BN-ReLU", "output"]),
            ("unsupported-op-int", chain(3), ["input", 0, "output"]),
            ("input-op-inside", chain(3), ["input", "input", "output"]),
            ("unicode-op", chain(3), ["input", "maxpool3x3\u00e9", "output"]),
        ]
        # padded 8x8 whose extra vertex prunes away: 7 vertices after pruning, no TypeError
        invalid[7][1][6][7] = 1
        invalid[7][1][5][6] = 0
        invalid[7][1][5][7] = 1
        value_errors = [
            ("not-square", [[0, 1, 0], [0, 0, 1]], ["input", c3, "output"]),
            ("one-dim", [0, 1, 0], ["input", c3, "output"]),
            ("three-dim", np.zeros((2, 2, 2), dtype=np.int64), ["input", "output"]),
            ("ops-length", chain(3), ["input", "output"]),
            ("ops-too-long", chain(3), ["input", c3, c1, "output"]),
            ("lower-triangular", [[0, 1, 0], [1, 0, 1], [0, 0, 0]], ["input", c3, "output"]),
            ("diagonal", [[1, 1, 0], [0, 0, 1], [0, 0, 0]], ["input", c3, "output"]),
            ("not-square-and-ops", [[0, 1]], ["input"]),
        ]
        # other matrix entries: counts and hashes follow the numbers, not a 0/1 reading
        exotic = [
            ("bool-numpy", np.array(chain(3), dtype=bool), ["input", c3, "output"]),
            ("int8-numpy", np.array(chain(3), dtype=np.int8), ["input", c3, "output"]),
            ("uint8-numpy", np.array(chain(3), dtype=np.uint8), ["input", mp, "output"]),
            ("twos", [[0, 2, 0], [0, 0, 2], [0, 0, 0]], ["input", c3, "output"]),
            ("float-matrix", np.array(chain(3), dtype=np.float64), ["input", c3, "output"]),
        ]
        for label, m, ops in invalid + value_errors + exotic:
            spec = (m, ops)
            R.call("ModelSpec", spec=spec)
            for call in ("is_valid", "query", "get_metrics_from_spec"):
                R.call(call, spec=spec)
            R.call("hash_spec", spec=spec, args=[OPS])
        R.call("get_budget_counters")
        R.call("reset_budget_counters")
        R.call("get_budget_counters")
        R.call("hash_iterator")
    print("%s: %d lines" % (out_path, R.count))
    return out_path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("official_src")
    ap.add_argument("fixtures", nargs="*")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--commit", default="b942470 (google-research/nasbench, 2019-11-17)")
    a = ap.parse_args()
    api = import_official(a.official_src)
    fixtures = a.fixtures or sorted(glob.glob(os.path.join(ROOT, "data", "nb101", "*.tfrecord")))
    for f in fixtures:
        record_fixture(api, f, a.seed, a.commit)


if __name__ == "__main__":
    main()
