"""Regularized evolution (Real et al., 2019) over NAS-Bench-201's cell space, answered by tnb
(or, with --official, by nas_201_api's own class, for comparison).

    python evolution_nb201.py ARCHIVE_OR_PTH [--dataset cifar10-valid] [--hp 200]
                              [--runs 10] [--evals 1000] [--seed 0] [--official]

An arch is `|A~0|+|B~0|C~1|+|D~0|E~1|F~2|`: six edges, each op one of five. Mutation changes one
edge's op to a different one. The fitness is the seed-mean validation accuracy at the last epoch
(`get_more_info(..., is_random=False)['valid-accuracy']`). Prints the wall time and the best arch.
"""

import argparse
import collections
import random
import time

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


def mutate(arch, rnd):
    """The same arch with one edge's op changed (to a different op)."""
    nodes = [node.split("|")[1:-1] for node in arch.split("+")]
    edges = [(n, e) for n, node in enumerate(nodes) for e in range(len(node))]
    n, e = rnd.choice(edges)
    op, source = nodes[n][e].split("~")
    nodes[n][e] = rnd.choice([o for o in OPS if o != op]) + "~" + source
    return "+".join("|" + "|".join(node) + "|" for node in nodes)


def evolve(api, dataset, hp, evals, rnd, population=64, sample=16):
    """One run: the best (accuracy, arch) seen in `evals` evaluations."""
    evaluated = sorted(set(api.evaluated_indexes))

    def score(arch):
        index = api.query_index_by_arch(arch)
        if index < 0 or index not in api.arch2infos_dict:
            return float("-inf")  # a file holding a subset: the arch was not trained
        info = api.get_more_info(index, dataset, hp=hp, is_random=False)
        return float(info["valid-accuracy"])

    pop = collections.deque()
    best = None
    for _ in range(evals):
        if len(pop) < population:
            child = api.meta_archs[rnd.choice(evaluated)]
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
    p.add_argument("--dataset", default="cifar10-valid")
    p.add_argument("--hp", default="200")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--evals", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--official", action="store_true",
                   help="use nas_201_api.NASBench201API (needs torch and its memory)")
    a = p.parse_args()
    t0 = time.perf_counter()
    if a.official:
        from nas_201_api import NASBench201API
    else:
        from tnb import NASBench201API
    api = NASBench201API(a.path, verbose=False)
    t1 = time.perf_counter()
    rnd = random.Random(a.seed)
    results = [evolve(api, a.dataset, a.hp, a.evals, rnd) for _ in range(a.runs)]
    t2 = time.perf_counter()
    value, arch = max(results)
    print(f"{'official' if a.official else 'tnb'}: open {t1 - t0:.3f} s, "
          f"{a.runs} runs x {a.evals} evaluations in {t2 - t1:.3f} s")
    print(f"best {a.dataset} valid accuracy (hp {a.hp}): {value} "
          f"(index {api.query_index_by_arch(arch)}, {arch})")


if __name__ == "__main__":
    main()
