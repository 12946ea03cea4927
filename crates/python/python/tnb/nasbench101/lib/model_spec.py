"""``nasbench.lib.model_spec``: ``ModelSpec``, a cell given by its adjacency matrix and its
vertices' ops, pruned of the vertices that are not on an input-to-output path, exactly as the
official class (the same attributes, copies, errors and ``hash_spec``)."""

import copy

import numpy as np

from tnb.nasbench101.lib import graph_util

# Graphviz is optional: only `visualize` needs it (a NameError there without it, as upstream).
try:
    import graphviz  # noqa: F401
except ImportError:
    pass


class ModelSpec(object):
    """Model specification given adjacency matrix and labeling.

    ``ModelSpec(matrix, ops, data_format='channels_last')``: ``matrix`` an ndarray or nested list
    of shape [V, V] (upper triangular), ``ops`` the V op labels (the first and last are the input
    and output vertices'). ``ValueError`` for a non-square matrix, a length mismatch or a matrix
    that is not upper triangular. ``original_matrix``/``original_ops`` are deep copies of the
    inputs; ``matrix``/``ops`` the pruned copies (``None`` with ``valid_spec = False`` when the
    input is cut off from the output).
    """

    def __init__(self, matrix, ops, data_format="channels_last"):
        if not isinstance(matrix, np.ndarray):
            matrix = np.array(matrix)
        shape = np.shape(matrix)
        if len(shape) != 2 or shape[0] != shape[1]:
            raise ValueError("matrix must be square")
        if shape[0] != len(ops):
            raise ValueError("length of ops must match matrix dimensions")
        # A numeric ndarray and a list of str: the same steps over Python lists of its entries
        # (same truthiness and comparisons as numpy's scalars for these kinds) and plain copies
        # (what deepcopy makes of them), several times faster.
        plain = (
            type(matrix) is np.ndarray
            and matrix.dtype.kind in "biuf"
            and type(ops) is list
            and all(type(op) is str for op in ops)
        )
        rows = matrix.tolist() if plain else None
        if not (_upper_rows(rows) if plain else is_upper_triangular(matrix)):
            raise ValueError("matrix must be upper triangular")

        # Copies of the inputs: later changes to the caller's objects are not seen.
        if plain:
            self.original_matrix = matrix.copy(order="K")
            self.original_ops = list(ops)
            self.matrix = matrix.copy(order="K")
            self.ops = list(ops)
        else:
            self.original_matrix = copy.deepcopy(matrix)
            self.original_ops = copy.deepcopy(ops)
            self.matrix = copy.deepcopy(matrix)
            self.ops = copy.deepcopy(ops)
        self.valid_spec = True
        self._prune(rows)

        self.data_format = data_format

    def _prune(self, rows=None):
        """Removes every vertex that is not both reachable from the input and reaching the
        output (rows, columns and ops), keeping the others in order; marks the spec invalid
        (``matrix = ops = None``) when fewer than two vertices remain."""
        size = np.shape(self.original_matrix)[0]
        graph = self.original_matrix
        if rows is not None:
            # The entries as Python numbers (the constructor's plain case): same truthiness.
            def edge(v, w):
                return rows[v][w]
        else:
            def edge(v, w):
                return graph[v, w]

        from_input = {0}
        stack = [0]
        while stack:
            v = stack.pop()
            for w in range(v + 1, size):
                if edge(v, w) and w not in from_input:
                    from_input.add(w)
                    stack.append(w)

        to_output = {size - 1}
        stack = [size - 1]
        while stack:
            v = stack.pop()
            for w in range(0, v):
                if edge(w, v) and w not in to_output:
                    to_output.add(w)
                    stack.append(w)

        dropped = set(range(size)).difference(from_input.intersection(to_output))
        if len(dropped) > size - 2:
            self.matrix = None
            self.ops = None
            self.valid_spec = False
            return

        self.matrix = np.delete(self.matrix, list(dropped), axis=0)
        self.matrix = np.delete(self.matrix, list(dropped), axis=1)
        for index in sorted(dropped, reverse=True):
            del self.ops[index]

    def hash_spec(self, canonical_ops):
        """The isomorphism-invariant MD5 of this (pruned) spec, the dataset's key: labels are
        ``[-1] + [canonical_ops.index(op) for the interior ops] + [-2]``."""
        labeling = [-1] + [canonical_ops.index(op) for op in self.ops[1:-1]] + [-2]
        return graph_util.hash_module(self.matrix, labeling)

    def visualize(self):
        """A ``graphviz.Digraph`` of the pruned spec (needs the graphviz package)."""
        size = np.shape(self.matrix)[0]
        g = graphviz.Digraph()  # noqa: F821 - a NameError without graphviz, as upstream
        g.node(str(0), "input")
        for v in range(1, size - 1):
            g.node(str(v), self.ops[v])
        g.node(str(size - 1), "output")
        for src in range(size - 1):
            for dst in range(src + 1, size):
                if self.matrix[src, dst]:
                    g.edge(str(src), str(dst))
        return g


def _upper_rows(rows):
    """``is_upper_triangular`` over nested lists of Python numbers."""
    for src, row in enumerate(rows):
        for dst in range(0, src + 1):
            if row[dst] != 0:
                return False
    return True


def is_upper_triangular(matrix):
    """True if matrix is 0 on diagonal and below."""
    for src in range(np.shape(matrix)[0]):
        for dst in range(0, src + 1):
            if matrix[src, dst] != 0:
                return False
    return True
