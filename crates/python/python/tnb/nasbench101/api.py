"""``nasbench.api`` without TensorFlow: ``NASBench``, ``ModelSpec`` and ``OutOfDomainError``,
answered from a ``.tnb`` archive (mapped) or the benchmark's ``.tfrecord`` (converted in memory
in Rust).

Swap one import and keep the rest of a script::

    # from nasbench import api
    from tnb.nasbench101 import api

Every public method and attribute of the official ``NASBench`` is here with its signature, and
answers with the official values, types and float bits, raises the official exceptions after
the same checks (including the upstream ``TypeError: 'module' object is not subscriptable`` for
a spec of more than 7 vertices), draws the same ``random.randint(0, num_repeats - 1)`` from
Python's module-level ``random`` once per ``query`` (after the checks and the hash lookup,
before the budget lookup), seeds it in the constructor (``random.seed(seed)``) and keeps the
same budget counters. Documented differences:

- ``fixed_statistics`` and ``computed_statistics`` are read-only mappings built on access (a
  value is a new dict each time it is read: changing it changes no answer);
  ``hash_iterator()`` is a ``dict_keys`` over the hashes in file order (of a dict of tnb's
  own, not of ``fixed_statistics``).
- ``evaluate`` (training a network with TensorFlow) raises ``NotImplementedError``.
- A file that is neither a ``.tnb`` archive nor a readable NAS-Bench-101 TFRecord raises
  ``tnb.FormatError`` (the official class raises what TensorFlow raises); a missing file
  ``FileNotFoundError``.

Beyond the official class (tnb extras): ``metric_array``, ``trainable_parameters_array``,
``hashes``, ``to_pandas``.
"""

import random
import time

import numpy as np

from tnb.nasbench101.lib import config
from tnb.nasbench101.lib import model_spec as _model_spec

# Bring ModelSpec to top-level for convenience (as the official module does).
ModelSpec = _model_spec.ModelSpec

__all__ = ["NASBench", "ModelSpec", "OutOfDomainError"]


class OutOfDomainError(Exception):
    """Indicates that the requested graph is outside of the search domain."""


def _rust():
    from tnb import _tnb

    if not hasattr(_tnb, "NB101Store"):
        raise ImportError("this build of tnb has no NAS-Bench-101 support")
    # The classes the Rust fast paths raise and recognise (set once per process).
    _tnb.nb101_setup(OutOfDomainError, np.ndarray, random)
    return _tnb


_TNB = None

# The methods `query`'s fast path stands for: a subclass overriding one of them gets the
# official steps (which call its override).
_STEPS = ("get_metrics_from_spec", "get_metrics_from_hash", "_check_spec", "_hash_spec")

# The keys of `computed_statistics[h][epochs][i]`, in the official order.
METRICS = (
    "halfway_training_time",
    "halfway_train_accuracy",
    "halfway_validation_accuracy",
    "halfway_test_accuracy",
    "final_training_time",
    "final_train_accuracy",
    "final_validation_accuracy",
    "final_test_accuracy",
)


class _Statistics(object):
    """``fixed_statistics`` / ``computed_statistics``: a read-only mapping hash -> the official
    value, built from the archive each time it is read."""

    __slots__ = ("_store", "_get")

    def __init__(self, store, get):
        self._store = store
        self._get = get

    def __getitem__(self, module_hash):
        return self._get(module_hash)

    def get(self, module_hash, default=None):
        try:
            return self._get(module_hash)
        except KeyError:
            return default

    def __contains__(self, module_hash):
        return self._store.contains(module_hash)

    def __iter__(self):
        return iter(self._store.hash_keys())

    def __len__(self):
        return self._store.cells()

    def keys(self):
        return self._store.hash_keys()

    def values(self):
        return [self._get(h) for h in self._store.hash_keys()]

    def items(self):
        return [(h, self._get(h)) for h in self._store.hash_keys()]

    def __eq__(self, other):
        if isinstance(other, _Statistics):
            return other is self
        return dict(self.items()) == other

    __hash__ = None

    def __repr__(self):
        return "<{} of {} cells (read-only, built on access)>".format(
            type(self).__name__, len(self)
        )


try:
    from collections.abc import Mapping as _Mapping

    _Mapping.register(_Statistics)
except ImportError:  # pragma: no cover
    pass


class NASBench(object):
    """User-facing API for accessing the NASBench dataset.

    ``NASBench(dataset_file, seed=None)``: ``dataset_file`` a ``.tnb`` archive (mapped: the
    file must not be modified in place while this object uses it) or the benchmark's
    ``.tfrecord`` (converted in memory), told apart by content. ``random.seed(seed)`` seeds
    Python's module-level ``random`` (a global side effect, as upstream).
    """

    def __init__(self, dataset_file, seed=None):
        global _TNB
        if _TNB is None:
            _TNB = _rust()
        self.config = config.build_config()
        random.seed(seed)

        print("Loading dataset from file... This may take a few minutes...")
        start = time.time()
        store = _TNB.NB101Store(dataset_file)
        self._store = store
        self.fixed_statistics = _Statistics(store, store.fixed)
        self.computed_statistics = _Statistics(store, store.computed)
        # The official set, filled in the file's first-appearance order (a set's iteration
        # order depends on it).
        self.valid_epochs = set()
        for epochs in store.valid_epochs():
            self.valid_epochs.add(epochs)
        elapsed = time.time() - start
        print("Loaded dataset in %d seconds" % elapsed)

        self.history = {}
        self.training_time_spent = 0.0
        self.total_epochs_spent = 0
        cls = type(self)
        self._fast = all(getattr(cls, m) is getattr(NASBench, m) for m in _STEPS)

    def query(self, model_spec, epochs=108, stop_halfway=False):
        """One evaluation of ``model_spec`` trained for ``epochs`` (one of ``valid_epochs``),
        a repeat drawn with ``random.randint(0, config['num_repeats'] - 1)``: a dict with
        ``module_adjacency``, ``module_operations``, ``trainable_parameters``,
        ``training_time``, ``train_accuracy``, ``validation_accuracy``, ``test_accuracy``
        (at the halfway point with ``stop_halfway``). Adds the training time and epochs to the
        budget counters. ``OutOfDomainError`` for epochs or a spec outside the space."""
        if epochs not in self.valid_epochs:
            raise OutOfDomainError(
                "invalid number of epochs, must be one of %s" % self.valid_epochs
            )
        data = None
        if self._fast and type(model_spec) is ModelSpec:
            data = self._store.query(model_spec, epochs, stop_halfway, self.config)
        if data is None:
            data = self._query_steps(model_spec, epochs, stop_halfway)

        self.training_time_spent += data["training_time"]
        if stop_halfway:
            self.total_epochs_spent += epochs // 2
        else:
            self.total_epochs_spent += epochs
        return data

    def _query_steps(self, model_spec, epochs, stop_halfway):
        """``query``'s answer by the official steps, through the (possibly overridden)
        methods."""
        fixed_stat, computed_stat = self.get_metrics_from_spec(model_spec)
        sampled_index = random.randint(0, self.config["num_repeats"] - 1)
        run = computed_stat[epochs][sampled_index]
        stage = "halfway_" if stop_halfway else "final_"
        return {
            "module_adjacency": fixed_stat["module_adjacency"],
            "module_operations": fixed_stat["module_operations"],
            "trainable_parameters": fixed_stat["trainable_parameters"],
            "training_time": run[stage + "training_time"],
            "train_accuracy": run[stage + "train_accuracy"],
            "validation_accuracy": run[stage + "validation_accuracy"],
            "test_accuracy": run[stage + "test_accuracy"],
        }

    def is_valid(self, model_spec):
        """True if ``model_spec`` is in the search space (``_check_spec`` raises no
        ``OutOfDomainError``); touches neither the budget nor ``random``."""
        if self._fast and type(model_spec) is ModelSpec:
            valid = self._store.is_valid(model_spec, self.config)
            if valid is not None:
                return valid
        try:
            self._check_spec(model_spec)
        except OutOfDomainError:
            return False
        return True

    def get_budget_counters(self):
        """Returns the time and budget counters."""
        return self.training_time_spent, self.total_epochs_spent

    def reset_budget_counters(self):
        """Reset the time and epoch budget counters."""
        self.training_time_spent = 0.0
        self.total_epochs_spent = 0

    def evaluate(self, model_spec, model_dir):
        """Trains and evaluates ``model_spec`` from scratch with TensorFlow in the official
        code; not available in tnb (it answers from the dataset only)."""
        raise NotImplementedError(
            "NASBench.evaluate trains the network with TensorFlow (nasbench.lib.evaluate); "
            "tnb answers from the dataset only: use the official nasbench package to train"
        )

    def hash_iterator(self):
        """The hashes of every cell, in file order (a ``dict_keys``)."""
        return self._store.hash_keys()

    def get_metrics_from_hash(self, module_hash):
        """``(fixed_stats, computed_stats)`` of a cell, new objects every call: fixed_stats
        ``{'module_adjacency': int8 array, 'module_operations': list, 'trainable_parameters':
        int}``, computed_stats ``{epochs: [{halfway_*/final_* metrics} per repeat]}``.
        ``KeyError(module_hash)`` for a hash not in the dataset. No budget change."""
        return self._store.metrics(module_hash)

    def get_metrics_from_spec(self, model_spec):
        """``get_metrics_from_hash`` of the spec's hash, after ``_check_spec``."""
        if self._fast and type(model_spec) is ModelSpec:
            found = self._store.metrics_of_spec(model_spec, self.config)
            if found is not None:
                return found
        self._check_spec(model_spec)
        module_hash = self._hash_spec(model_spec)
        return self.get_metrics_from_hash(module_hash)

    def _check_spec(self, model_spec):
        """Checks that the model spec is within the dataset."""
        if not model_spec.valid_spec:
            raise OutOfDomainError("invalid spec, provided graph is disconnected.")

        num_vertices = len(model_spec.ops)
        num_edges = np.sum(model_spec.matrix)

        if num_vertices > self.config["module_vertices"]:
            # Upstream formats `config[...]` of the imported module here: this raises
            # TypeError: 'module' object is not subscriptable, as the official class does.
            raise OutOfDomainError(
                "too many vertices, got %d (max vertices = %d)"
                % (num_vertices, config["module_vertices"])
            )
        if num_edges > self.config["max_edges"]:
            raise OutOfDomainError(
                "too many edges, got %d (max edges = %d)" % (num_edges, self.config["max_edges"])
            )
        if model_spec.ops[0] != "input":
            raise OutOfDomainError("first operation should be 'input'")
        if model_spec.ops[-1] != "output":
            raise OutOfDomainError("last operation should be 'output'")
        for op in model_spec.ops[1:-1]:
            if op not in self.config["available_ops"]:
                raise OutOfDomainError(
                    "unsupported op %s (available ops = %s)" % (op, self.config["available_ops"])
                )

    def _hash_spec(self, model_spec):
        """Returns the MD5 hash for a provided model_spec."""
        return model_spec.hash_spec(self.config["available_ops"])

    # -- tnb extras ------------------------------------------------------------------------------

    def metric_array(self, metric, epochs=108):
        """``metric`` (one of the 8 ``computed_statistics`` keys, e.g.
        ``'final_test_accuracy'``) of every cell and repeat at ``epochs``: a float64 array of
        shape (cells, repeats), rows in ``hash_iterator()`` order, NaN where a cell lacks that
        budget or repeat. A read-only view of the archive's column when the budget's runs are
        laid out evenly (no copy), else a new array. ``KeyError`` for an unknown metric,
        ``OutOfDomainError`` for epochs not in ``valid_epochs``."""
        if metric not in METRICS:
            raise KeyError(metric)
        if epochs not in self.valid_epochs:
            raise OutOfDomainError(
                "invalid number of epochs, must be one of %s" % self.valid_epochs
            )
        return self._store.metric_array(METRICS.index(metric), int(epochs))

    def trainable_parameters_array(self):
        """Every cell's ``trainable_parameters`` (int64 array, ``hash_iterator()`` order)."""
        return self._store.trainable_parameters_array()

    def hashes(self):
        """Every cell's hash (a numpy ``<U32`` array, ``hash_iterator()`` order)."""
        return self._store.hashes()

    def to_pandas(self, epochs=108):
        """One row per (cell hash, repeat) at ``epochs``: columns ``trainable_parameters`` and
        the 8 metrics (``halfway_*``, ``final_*``); rows absent for repeats a cell lacks.
        Imports pandas (not a dependency of tnb)."""
        import pandas as pd

        if epochs not in self.valid_epochs:
            raise OutOfDomainError(
                "invalid number of epochs, must be one of %s" % self.valid_epochs
            )
        hashes = self.hashes()
        params = self.trainable_parameters_array()
        counts = self._store.repeat_counts(int(epochs))
        # (cell, repeat) of every stored run, cell by cell in file order.
        cell = np.repeat(np.arange(len(hashes)), counts)
        starts = np.cumsum(counts) - counts
        rep = np.arange(len(cell)) - np.repeat(starts, counts)
        frame = {"trainable_parameters": params[cell]}
        for m in METRICS:
            frame[m] = self.metric_array(m, epochs)[cell, rep]
        index = pd.MultiIndex.from_arrays([hashes[cell], rep], names=["hash", "repeat"])
        return pd.DataFrame(frame, index=index)
