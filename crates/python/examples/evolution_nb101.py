"""Regularized evolution (Real et al., 2019) over NAS-Bench-101's cell space, answered by
tnb.nasbench101 (or, with --official-src DIR, by the official nasbench.api, for comparison:
the code below is the same; only the import differs).

    python evolution_nb101.py ARCHIVE_OR_TFRECORD [--runs 10] [--evals 1000] [--seed 0]
                              [--official-src DIR]

A cell is a 7x7 upper-triangular adjacency matrix and 5 interior ops. A random cell draws each
edge with probability 1/2 and each op uniformly, until `is_valid`. Mutation flips each edge
with probability 1/21 and replaces each interior op with probability 1/5, until `is_valid`.
Each evaluation is one `query` (a repeat drawn from Python's `random`, seeded by `NASBench(...,
seed)`); the fitness is the validation accuracy (-inf for a cell a partial file lacks). Prints, per run, the best validation accuracy
found, that query's test accuracy and the cell's hash, then the wall time.
"""

import argparse
import collections
import contextlib
import io
import os
import sys
import time

import numpy as np

OPS = ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"]
VERTICES = 7


def random_spec(api, nb, rnd):
    while True:
        matrix = np.triu(rnd.integers(0, 2, size=(VERTICES, VERTICES)), 1)
        ops = ["input"] + [OPS[k] for k in rnd.integers(0, len(OPS), VERTICES - 2)] + ["output"]
        spec = api.ModelSpec(matrix=matrix, ops=ops)
        if nb.is_valid(spec):
            return spec


def mutate(api, nb, spec, rnd, rate=1.0):
    edges = VERTICES * (VERTICES - 1) // 2
    while True:
        matrix = np.copy(spec.original_matrix)
        ops = list(spec.original_ops)
        for r in range(VERTICES - 1):
            for c in range(r + 1, VERTICES):
                if rnd.random() < rate / edges:
                    matrix[r, c] = 1 - matrix[r, c]
        for v in range(1, VERTICES - 1):
            if rnd.random() < rate / len(OPS + ["x", "y"]):
                ops[v] = OPS[rnd.integers(0, len(OPS))]
        child = api.ModelSpec(matrix=matrix, ops=ops)
        if nb.is_valid(child):
            return child


def evolve(api, nb, rnd, evals, population=50, sample=10):
    """One run: (best validation accuracy, its test accuracy, its hash)."""
    pool = collections.deque()
    best = (float("-inf"), None, None)

    def evaluate(spec):
        nonlocal best
        try:
            data = nb.query(spec)
        except KeyError:
            return float("-inf")  # a file holding a subset of the space: not trained
        if data["validation_accuracy"] > best[0]:
            best = (data["validation_accuracy"], data["test_accuracy"], nb._hash_spec(spec))
        return data["validation_accuracy"]

    for _ in range(min(population, evals)):
        spec = random_spec(api, nb, rnd)
        pool.append((evaluate(spec), spec))
    for _ in range(evals - len(pool)):
        picks = [pool[k] for k in rnd.choice(len(pool), size=min(sample, len(pool)), replace=False)]
        parent = max(picks, key=lambda p: p[0])[1]
        child = mutate(api, nb, parent, rnd)
        pool.append((evaluate(child), child))
        pool.popleft()
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("path")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--evals", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--official-src")
    a = p.parse_args()
    if a.official_src:
        sys.path.insert(0, os.path.abspath(a.official_src))
        from nasbench import api
    else:
        from tnb.nasbench101 import api

    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        nb = api.NASBench(a.path, seed=a.seed)
    opened = time.perf_counter() - start
    rnd = np.random.default_rng(a.seed)
    start = time.perf_counter()
    for run in range(a.runs):
        valid, test, h = evolve(api, nb, rnd, a.evals)
        print("run %d: best validation accuracy %r (test %r, cell %s)" % (run, valid, test, h))
    searched = time.perf_counter() - start
    print("budget: %r s of training, %r epochs" % nb.get_budget_counters())
    print("open %.4f s, search %.3f s (%d runs x %d evaluations)" % (opened, searched, a.runs, a.evals))


if __name__ == "__main__":
    main()
