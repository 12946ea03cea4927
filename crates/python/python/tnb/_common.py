"""What ``tnb.nas201`` and ``tnb.nats`` share word for word: the lazy ``arch2infos_dict``
mapping (each module subclasses it with the one thing that differs, how an entry is built),
``find_best``'s ``remap_dataset_set_names`` (the same in ``nas_201_api`` v2.1 and ``nats_bench``
v1.8) and the bodies of ``metric_array``/``cost_array`` (given how each API reads one arch's
``ArchResults``). Imports nothing beyond ``collections.abc`` (``copy`` and numpy are imported by
the functions that need them, when called), so that importing either module costs no more than
before this was shared.
"""

import collections.abc


def remap_dataset_set_names(dataset, metric_on_set, verbose=False):
    """``find_best``'s names: ``('cifar10', 'valid')`` -> ``('cifar10-valid', 'x-valid')``,
    ``'test'`` -> ``'ori-test'`` (cifar10) or ``'x-test'``, ``'valid'`` -> ``'x-valid'``."""
    if verbose:
        print("Call internal function _remap_dataset_set_names with dataset={:} and metric_on_set={:}"
              .format(dataset, metric_on_set))
    if dataset == "cifar10" and metric_on_set == "valid":
        dataset, metric_on_set = "cifar10-valid", "x-valid"
    elif dataset == "cifar10" and metric_on_set == "test":
        dataset, metric_on_set = "cifar10", "ori-test"
    elif dataset == "cifar10" and metric_on_set == "train":
        dataset, metric_on_set = "cifar10", "train"
    elif (dataset == "cifar100" or dataset == "ImageNet16-120") and metric_on_set == "valid":
        metric_on_set = "x-valid"
    elif (dataset == "cifar100" or dataset == "ImageNet16-120") and metric_on_set == "test":
        metric_on_set = "x-test"
    if verbose:
        print("  return dataset={:} and metric_on_set={:}".format(dataset, metric_on_set))
    return dataset, metric_on_set


class ArchInfos(collections.abc.MutableMapping):
    """``arch2infos_dict`` of an object opened from a file: index -> ``OrderedDict`` of hp ->
    ``ArchResults``, in ascending index order as the official classes build it. An entry is built
    from the archive when first read (by the subclass's ``_build(key)``) and kept; the API answers
    an architecture from the archive only while its entry has not been built, set or deleted."""

    def __init__(self, store):
        self._store = store
        self._keys = None  # dict of the keys in order, once the key set has been needed
        self._built = {}
        self._touched = set()

    def _build(self, key):
        """The entry of the archive's key `key` (an int), built from the archive."""
        raise NotImplementedError

    def _key_dict(self):
        if self._keys is None:
            self._keys = dict.fromkeys(self._store.arch_keys())
        return self._keys

    def _stored(self, keys, key):
        # The archive's own int key (True and 1.0 find the key 1, as in a dict).
        return next(x for x in keys if x == key and hash(x) == hash(key))

    def pristine(self, index):
        """Whether the archive still answers for arch `index` (an int key of the archive)."""
        return index not in self._built and index not in self._touched

    def __getitem__(self, key):
        try:
            return self._built[key]
        except KeyError:
            pass
        keys = self._key_dict()
        if key not in keys or key in self._touched:
            raise KeyError(key)
        stored = self._stored(keys, key)
        entry = self._build(stored)
        self._built[stored] = entry
        return entry

    def __setitem__(self, key, value):
        keys = self._key_dict()
        if key not in keys:
            keys[key] = None
        self._touched.add(key)
        self._built[key] = value

    def __delitem__(self, key):
        keys = self._key_dict()
        if key not in keys:
            raise KeyError(key)
        stored = self._stored(keys, key)
        del keys[stored]
        self._built.pop(stored, None)
        self._touched.add(stored)

    def __contains__(self, key):
        if self._keys is None and type(key) is int:
            return self._store.has_arch(key)
        return key in self._key_dict()

    def __iter__(self):
        return iter(self._key_dict())

    def __len__(self):
        if self._keys is None:
            return self._store.num_keys()
        return len(self._keys)

    def __repr__(self):
        return "{}({!r})".format(type(self).__name__, dict(self.items()))

    def __deepcopy__(self, memo):
        import copy

        new = type(self)(self._store)
        memo[id(self)] = new
        new._keys = copy.deepcopy(self._keys, memo)
        new._built = copy.deepcopy(self._built, memo)
        new._touched = set(self._touched)
        return new


def metric_array(api, results, dataset, setname, metric, iepoch, hp, is_random):
    """``api.metric_array``: answered from the archive while every arch is pristine and the arguments are
    plain, else ``results(i, hp).get_metrics(...)[metric]`` per held index (NaN otherwise)."""
    import numpy as np

    n = len(api)
    if (api._all_pristine() and "meta_archs" not in api.__dict__ and type(dataset) is str
            and type(setname) is str and type(metric) is str and type(hp) is str
            and (iepoch is None or type(iepoch) is int) and (is_random is False or type(is_random) is int)):
        values = api._store.metric_array(dataset, setname, metric, iepoch, hp, is_random)
        if values is not None:
            return np.frombuffer(values, dtype=np.float64).copy()
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        if not api._has(i):
            out[i] = np.nan
            continue
        value = results(i, hp).get_metrics(dataset, setname, iepoch, is_random)[metric]
        out[i] = np.nan if value is None else value
    return out


def cost_array(api, results, dataset, metric, hp):
    """``api.cost_array``, as ``metric_array`` with ``get_compute_costs(dataset)[metric]``."""
    import numpy as np

    n = len(api)
    if (api._all_pristine() and "meta_archs" not in api.__dict__ and type(dataset) is str
            and type(metric) is str and type(hp) is str):
        values = api._store.cost_array(dataset, metric, hp)
        if values is not None:
            return np.frombuffer(values, dtype=np.float64).copy()
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        if not api._has(i):
            out[i] = np.nan
            continue
        value = results(i, hp).get_compute_costs(dataset)[metric]
        out[i] = np.nan if value is None else value
    return out
