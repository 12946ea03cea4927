"""Regularized evolution (Real et al., 2019) over TransNAS-Bench-101's micro space on one task,
answered by tnb (or, with --official, by the benchmark's own class, for comparison).

    python evolution.py ARCHIVE_OR_PTH [--task class_object] [--metric valid_top1]
                        [--runs 100] [--evals 1000] [--official]

A micro arch is `64-41414-a_bc_def`: six edges, each op in 0..3 (none, skip, conv1x1,
conv3x3). Mutation changes one edge's op. Prints the wall time and the best arch found.
"""

import argparse
import collections
import random
import time


def mutate(arch, rnd):
    """The same arch with one edge's op changed (to a different op)."""
    prefix, cell = arch.rsplit("-", 1)
    ops = [c for c in cell if c != "_"]
    edge = rnd.randrange(len(ops))
    ops[edge] = rnd.choice([o for o in "0123" if o != ops[edge]])
    return f"{prefix}-{ops[0]}_{ops[1]}{ops[2]}_{ops[3]}{ops[4]}{ops[5]}"


def evolve(api, archs, task, metric, evals, rnd, population=50, sample=10):
    """One run: the best value and arch seen in `evals` evaluations."""
    def score(a):
        return api.get_single_metric(a, task, metric, mode="best")

    pop = collections.deque()
    best = None
    for _ in range(evals):
        if len(pop) < population:
            child = rnd.choice(archs)
        else:
            parent = max(rnd.sample(list(pop), sample), key=lambda p: p[0])
            child = mutate(parent[1], rnd)
        value = score(child)
        pop.append((value, child))
        if len(pop) > population:
            pop.popleft()  # regularized: the oldest dies, not the worst
        if best is None or value > best[0]:
            best = (value, child)
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("path")
    p.add_argument("--task", default="class_object")
    p.add_argument("--metric", default="valid_top1")
    p.add_argument("--runs", type=int, default=100)
    p.add_argument("--evals", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--official", action="store_true",
                   help="use TransNASBench's api.TransNASBenchAPI (needs torch)")
    a = p.parse_args()
    t0 = time.perf_counter()
    if a.official:
        from api import TransNASBenchAPI
    else:
        from tnb import TransNASBenchAPI
    api = TransNASBenchAPI(a.path)
    t1 = time.perf_counter()
    archs = api.get_arch_list("micro")
    rnd = random.Random(a.seed)
    results = [evolve(api, archs, a.task, a.metric, a.evals, rnd) for _ in range(a.runs)]
    t2 = time.perf_counter()
    value, arch = max(results)
    mean = sum(r[0] for r in results) / len(results)
    print(f"{'official' if a.official else 'tnb'}: open {t1 - t0:.3f} s, "
          f"{a.runs} runs x {a.evals} evaluations in {t2 - t1:.3f} s")
    print(f"best {a.task}/{a.metric}: {value} ({arch}); mean of run bests {mean:.4f}")


if __name__ == "__main__":
    main()
