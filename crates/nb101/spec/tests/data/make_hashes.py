"""Records what the official NAS-Bench-101 code computes, for tests/official.rs to compare.

Run from a checkout of google-research/nasbench (b942470) with numpy installed (nothing else:
only nasbench/lib/graph_util.py and nasbench/lib/model_spec.py are imported, which need numpy
alone):

    python3 -m venv /tmp/svenv && /tmp/svenv/bin/pip install numpy
    git -C <mirror of google-research/nasbench> archive HEAD | tar -x -C /tmp/nasbench-src
    /tmp/svenv/bin/python make_hashes.py /tmp/nasbench-src > official_hashes.json

Output (one JSON object, deterministic for a given numpy):
- "hash_module": graph_util.hash_module(np.array(matrix), labels) for edge cases and random
  upper-triangular 0/1 matrices of 2 to 8 vertices (pruned or not, any labels in -2..3);
- "specs": ModelSpec(matrix, ops): the ValueError message, or valid_spec, the pruned matrix and
  ops, and hash_spec(available_ops) when every interior op is available;
- "enumeration": generate_graphs.py's loop (its own code, with the official graph_util
  functions) for max_vertices 2 to 6, max_edges 9, num_ops 3: the "Up to %d vertices: %d
  graphs (%d without hashing)" counts, and the hashes in bucket order for max_vertices 5.
"""

import itertools
import json
import random
import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
from nasbench.lib import graph_util  # noqa: E402
from nasbench.lib import model_spec  # noqa: E402

OPS = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3']


def upper(n, rng, p):
    return [[1 if c > r and rng.random() < p else 0 for c in range(n)] for r in range(n)]


def chain(n):
    return [[1 if c == r + 1 else 0 for c in range(n)] for r in range(n)]


def full(n):
    return [[1 if c > r else 0 for c in range(n)] for r in range(n)]


def hash_cases(rng):
    cases = [
        (chain(2), [-1, -2]),
        ([[0, 0], [0, 0]], [-1, -2]),
        (chain(3), [-1, 0, -2]),
        (full(3), [-1, 0, -2]),
        (chain(7), [-1, 0, 1, 2, 0, 1, -2]),
        (full(7), [-1, 2, 2, 2, 2, 2, -2]),
        (full(8), [-1, 0, 1, 2, 0, 1, 2, -2]),
        (chain(8), [-1, 0, 0, 0, 0, 0, 0, -2]),
        ([[0] * 5 for _ in range(5)], [-1, 0, 1, 2, -2]),
        # Nine edges on seven vertices, one of them a skip from input to output.
        ([[0, 1, 1, 0, 0, 0, 1], [0, 0, 0, 1, 0, 0, 0], [0, 0, 0, 1, 1, 0, 0],
          [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1],
          [0, 0, 0, 0, 0, 0, 0]], [-1, 0, 1, 2, 0, 1, -2]),
        # Labels outside the space's: still hashed (str of any int).
        (chain(4), [-1, 3, 3, -2]),
        (chain(4), [5, -7, 12, 100]),
    ]
    for _ in range(400):
        n = rng.randint(2, 8)
        m = upper(n, rng, rng.choice([0.2, 0.4, 0.6, 0.9]))
        labels = [-1] + [rng.randint(0, 2) for _ in range(n - 2)] + [-2]
        if rng.random() < 0.1:
            labels = [rng.randint(-2, 3) for _ in range(n)]
        cases.append((m, labels))
    out = []
    for m, labels in cases:
        out.append({'matrix': m, 'labels': labels,
                    'hash': graph_util.hash_module(np.array(m), labels)})
    return out


def spec_cases(rng):
    cases = [
        ([], []),
        ([[]], ['input']),
        ([[0, 1]], ['input']),
        ([[0, 1], [0, 0]], ['input']),
        ([[0, 1], [1, 0]], ['input', 'output']),
        ([[1, 0], [0, 0]], ['input', 'output']),
        ([[0]], ['input']),
        ([[0, 0], [0, 0]], ['input', 'output']),
        (chain(2), ['input', 'output']),
        (chain(8), ['input'] + ['conv3x3-bn-relu'] * 6 + ['output']),
    ]
    for _ in range(250):
        n = rng.randint(2, 9)
        m = upper(n, rng, rng.choice([0.15, 0.3, 0.5]))
        ops = ['input'] + [rng.choice(OPS) for _ in range(n - 2)] + ['output']
        if rng.random() < 0.1:
            ops[rng.randrange(n)] = 'conv5x5'
        cases.append((m, ops))
    out = []
    for m, ops in cases:
        rec = {'matrix': m, 'ops': ops}
        try:
            spec = model_spec.ModelSpec(m, ops)
        except ValueError as e:
            rec['error'] = str(e)
            out.append(rec)
            continue
        rec['valid'] = bool(spec.valid_spec)
        if spec.valid_spec:
            rec['pruned_matrix'] = spec.matrix.tolist()
            rec['pruned_ops'] = spec.ops
            if all(op in OPS for op in spec.ops[1:-1]):
                rec['hash'] = spec.hash_spec(OPS)
        out.append(rec)
    return out


def enumeration(max_vertices, keep_hashes):
    """generate_graphs.py's main loop (max_edges 9, num_ops 3), without the isomorphism check."""
    buckets = {}
    total = 0
    log = []
    for vertices in range(2, max_vertices + 1):
        for bits in range(2 ** (vertices * (vertices - 1) // 2)):
            matrix = np.fromfunction(graph_util.gen_is_edge_fn(bits), (vertices, vertices),
                                     dtype=np.int8)
            if not graph_util.is_full_dag(matrix) or graph_util.num_edges(matrix) > 9:
                continue
            for labeling in itertools.product(*[range(3) for _ in range(vertices - 2)]):
                total += 1
                labeling = [-1] + list(labeling) + [-2]
                fingerprint = graph_util.hash_module(matrix, labeling)
                if fingerprint not in buckets:
                    buckets[fingerprint] = (matrix.tolist(), labeling)
        log.append([vertices, len(buckets), total])
    out = {'max_vertices': max_vertices, 'log': log}
    if keep_hashes:
        out['hashes'] = list(buckets)
    return out


def main():
    rng = random.Random(20191117)
    result = {
        'source': 'google-research/nasbench b942470, numpy ' + np.__version__,
        'hash_module': hash_cases(rng),
        'specs': spec_cases(rng),
        'enumeration': [enumeration(6, False), enumeration(5, True)],
    }
    json.dump(result, sys.stdout, separators=(',', ':'))
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
