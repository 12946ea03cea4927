"""``nasbench.lib.graph_util``: the graph helpers of the official code, with the same names,
arguments and results (``hash_module`` bit for bit: the same strings are hashed).

``hash_module`` is computed in Rust (``tnb-nb101-spec``) when the matrix is a 2-D numpy array of
integers or booleans holding only 0 and 1 and every label is a Python ``int`` (the cases where
the official strings are ``str((int, int, int))``); anything else (a float matrix, whose degrees
print as ``1.0``; numpy scalars as labels; entries other than 0/1) takes the pure-Python steps,
which hash exactly the strings the official code hashes.
"""

import hashlib
import itertools

import numpy as np

try:
    from tnb._tnb import nb101_hash_module as _rust_hash
except ImportError:  # a build without NAS-Bench-101: the pure-Python steps answer
    _rust_hash = None


def gen_is_edge_fn(bits):
    """A vectorised ``is_edge(x, y)``: bit ``x + y * (y - 1) // 2`` of ``bits`` for ``x < y``
    (the upper triangle filled column by column from the least significant bit), else 0."""

    def is_edge(x, y):
        if x >= y:
            return 0
        return (bits >> (x + (y * (y - 1) // 2))) % 2 == 1

    return np.vectorize(is_edge)


def is_full_dag(matrix):
    """True if no row but the last and no column but the first is all zeros (every vertex is on
    a path from vertex 0 to vertex V-1 in an upper-triangular matrix)."""
    shape = np.shape(matrix)
    empty_rows = np.all(matrix[: shape[0] - 1, :] == 0, axis=1)
    empty_cols = np.all(matrix[:, 1:] == 0, axis=0)
    return (not np.any(empty_rows)) and (not np.any(empty_cols))


def num_edges(matrix):
    """The number of edges: ``np.sum(matrix)``."""
    return np.sum(matrix)


def _md5(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def _fast(matrix, labeling):
    """The Rust hash when the official strings are plain ints, else None."""
    if _rust_hash is None or type(matrix) is not np.ndarray or matrix.ndim != 2:
        return None
    if matrix.dtype.kind not in "iub" or type(labeling) not in (list, tuple):
        return None
    for label in labeling:
        if type(label) is not int:
            return None
    rows, cols = matrix.shape
    return _rust_hash(rows, cols, matrix.dtype.str, matrix.tobytes(), list(labeling))


def hash_module(matrix, labeling):
    """The isomorphism-invariant MD5 of an adjacency matrix and its int labels, exactly the
    official ``hash_module``: each vertex starts as the MD5 of ``str((out_degree, in_degree,
    label))``, then V times becomes the MD5 of its sorted in-neighbour hashes, ``'|'``, its
    sorted out-neighbour hashes, ``'|'`` and its own; the result is the MD5 of
    ``str(sorted(vertex hashes))``."""
    fast = _fast(matrix, labeling)
    if fast is not None:
        return fast
    size = np.shape(matrix)[0]
    into = np.sum(matrix, axis=0).tolist()
    out_of = np.sum(matrix, axis=1).tolist()
    assert len(into) == len(out_of) == len(labeling)
    digests = [_md5(str(t)) for t in zip(out_of, into, labeling)]
    for _ in range(size):
        digests = [
            _md5(
                "".join(sorted([digests[w] for w in range(size) if matrix[w, v]]))
                + "|"
                + "".join(sorted([digests[w] for w in range(size) if matrix[v, w]]))
                + "|"
                + digests[v]
            )
            for v in range(size)
        ]
    return _md5(str(sorted(digests)))


def permute_graph(graph, label, permutation):
    """``(matrix, labels)`` with vertex ``permutation[v]`` of the result being vertex ``v`` of
    ``graph`` (the matrix as the official builds it: ``np.fromfunction`` of booleans)."""
    pairs = sorted(zip(permutation, list(range(len(permutation)))))
    inverse = [old for _, old in pairs]

    def edge(x, y):
        return graph[inverse[x], inverse[y]] == 1

    matrix = np.fromfunction(np.vectorize(edge), (len(label), len(label)), dtype=np.int8)
    return matrix, [label[inverse[i]] for i in range(len(label))]


def is_isomorphic(graph1, graph2):
    """True if some vertex permutation maps ``graph1`` = (matrix, labels) onto ``graph2``
    (exhaustive over every permutation, as the official)."""
    matrix1, label1 = np.array(graph1[0]), graph1[1]
    matrix2, label2 = np.array(graph2[0]), graph2[1]
    assert np.shape(matrix1) == np.shape(matrix2)
    assert len(label1) == len(label2)
    for perm in itertools.permutations(range(0, np.shape(matrix1)[0])):
        pmatrix, plabel = permute_graph(matrix1, label1, perm)
        if np.array_equal(pmatrix, matrix2) and plabel == label2:
            return True
    return False
