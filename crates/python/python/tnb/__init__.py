"""tnb: TransNAS-Bench-101's official Python API, answered from a validated ``.tnb`` archive.

Swap one import and keep the rest of a script::

    # from api import TransNASBenchAPI
    from tnb import TransNASBenchAPI

    api = TransNASBenchAPI("transnas.tnb")            # or the original .pth: converted in memory
    api.get_single_metric("64-2311-basic", "class_object", "valid_top1", mode="best")

Beyond the official class: ``metric_array`` (a numpy array over every arch) and ``to_pandas``.
Nothing in a pickle is ever executed; opening an archive maps it (microseconds).
"""

from tnb._tnb import FormatError, TransNASBenchAPI, _Pending, convert

__all__ = ["TransNASBenchAPI", "ArchResult", "FormatError", "convert", "NASBench201API", "ArchResults",
           "ResultsCount"]
__version__ = "0.1.0"

# NAS-Bench-201 (`tnb.nas201`, which needs numpy as the official API does): imported on first use,
# so that `import tnb` for TransNAS-Bench-101 needs no numpy.
_NB201 = ("NASBench201API", "ArchResults", "ResultsCount")


def __getattr__(name):
    if name == "nats":
        import tnb.nats

        return tnb.nats
    if name in _NB201 or name == "nas201":
        import tnb.nas201

        return tnb.nas201 if name == "nas201" else getattr(tnb.nas201, name)
    raise AttributeError("module 'tnb' has no attribute {!r}".format(name))


class ArchResult:
    """One architecture's results, as the official ``ArchResult``: its index in file order, its
    arch string and ``all_results`` (task -> {'total_epochs', 'model_info', 'metrics'})."""

    def __init__(self, arch_index, arch_str, all_results):
        self.arch_index = int(arch_index)
        self.arch_str = arch_str
        # The official class asserts this too (an AssertionError otherwise).
        assert isinstance(all_results, dict)
        self.all_results = all_results

    def __repr__(self):
        return "{name}(arch-index={index}, arch={arch}, {num} tasks)".format(
            name=type(self).__name__,
            index=self.arch_index,
            arch=self.arch_str,
            num=len(self.all_results),
        )

    def __getitem__(self, item):
        """The results of one task."""
        return self.all_results[item]

    def query_all_results(self):
        """Every task's results."""
        return self.all_results


class _LazyResults(dict):
    """An arch's ``all_results`` (``get_arch_result(arch).all_results``): a ``dict`` whose
    per-task values are built from the archive when first read, so that the call costs about a
    microsecond instead of building every task's lists.

    It holds every key from the start (``len``, ``in``, ``keys()`` and iteration need nothing
    built); reading a value through the mapping (``r[task]``, ``get``, ``values()``,
    ``items()``, ``==``, ``repr``, ``copy()``, ``dict(r)``, ``{**r}``, ``json.dumps``) builds
    it. ``copy.deepcopy``, ``copy.copy`` and pickling give a plain ``dict``, as they do of the
    official class's value. Code that reads a dict's storage without its methods
    (``dict.__getitem__(r, k)``, ``PyDict_GetItem`` in a C extension) sees a ``_Pending``
    placeholder for a value not read yet.
    """

    __slots__ = ("_src",)

    def __getitem__(self, key):
        value = dict.__getitem__(self, key)
        if type(value) is _Pending:
            value = self._src.build(value)
            dict.__setitem__(self, key, value)
        return value

    def _whole(self):
        """Builds every value not read yet; afterwards the storage is a plain dict's."""
        for key, value in list(dict.items(self)):
            if type(value) is _Pending:
                dict.__setitem__(self, key, self._src.build(value))
        return self

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def items(self):
        return dict.items(self._whole())

    def values(self):
        return dict.values(self._whole())

    # Defined so that CPython's dict merge (`dict(r)`, `{**r}`, `d.update(r)`, `f(**r)`) goes
    # through `keys()` and `__getitem__` instead of copying the storage.
    def __iter__(self):
        return dict.__iter__(self)

    def __eq__(self, other):
        if isinstance(other, _LazyResults):
            other._whole()
        return dict.__eq__(self._whole(), other)

    def __ne__(self, other):
        if isinstance(other, _LazyResults):
            other._whole()
        return dict.__ne__(self._whole(), other)

    __hash__ = None

    def __repr__(self):
        return dict.__repr__(self._whole())

    def copy(self):
        return dict.copy(self._whole())

    def pop(self, key, *default):
        if key in self:
            value = self[key]
            dict.__delitem__(self, key)
            return value
        return dict.pop(self, key, *default)

    def popitem(self):
        return dict.popitem(self._whole())

    def setdefault(self, key, default=None):
        return self[key] if key in self else dict.setdefault(self, key, default)

    def __or__(self, other):
        return dict.__or__(self._whole(), other)

    def __ror__(self, other):
        return dict.__ror__(self._whole(), other)

    def __reduce_ex__(self, protocol):
        return (dict, (dict(self.items()),))


def _to_pandas(self, mode="best"):
    """One row per arch (index: the arch string, file order) with columns ``search_space``,
    ``arch_index``, every ``(task, metric)`` (``get_single_metric(arch, task, metric, mode)``,
    float64 where numeric, else Python objects) and every ``(task, info)``
    (``get_model_info``). Columns are a two-level ``MultiIndex`` except the first two, which
    are ``(name, '')``. Imports pandas (not a dependency of tnb)."""
    import pandas as pd

    archs = [a for space in self.search_spaces for a in self.get_arch_list(space)]
    columns = {
        ("search_space", ""): [s for s in self.search_spaces for _ in self.get_arch_list(s)],
        ("arch_index", ""): [self.arch2index(a) for a in archs],
    }
    for task in self.task_list:
        for metric in self.metrics_dict[task]:
            try:
                columns[(task, metric)] = self.metric_array(task, metric, mode)
            except TypeError:
                # Not numbers (e.g. time_elapsed as "HH:MM:SS"): the values as they are.
                columns[(task, metric)] = [
                    self.get_single_metric(a, task, metric, mode) for a in archs
                ]
        for info in self.info_names:
            columns[(task, info)] = [self.get_model_info(a, task, info) for a in archs]
    frame = pd.DataFrame(columns, index=pd.Index(archs, name="arch"))
    frame.columns = pd.MultiIndex.from_tuples(list(columns))
    return frame


TransNASBenchAPI.to_pandas = _to_pandas
