"""``tnb.NASBench201API``: NAS-Bench-201's official API (``nas_201_api`` v2.1), answered from an
NB201 archive (mapped) or from the benchmark's ``.pth`` (converted in memory, nothing executed),
or from a dict as the official class takes one.

Swap one import and keep the rest of a script::

    # from nas_201_api import NASBench201API
    from tnb import NASBench201API

    api = NASBench201API("NAS-Bench-201-v1_1-096897.tnb201", verbose=False)
    api.get_more_info(123, "cifar100", hp="200", is_random=False)

Every public attribute and method of the official ``NASBench201API`` (and of its base class
``NASBenchMetaAPI``), ``ArchResults`` and ``ResultsCount`` is here with the official signature;
answers have the official values, types and float bits (numpy's ``float64`` where the official
returns a ``numpy`` mean, Python's ``sum`` where it uses ``sum``), the same exception classes and
messages raised after the same checks, and the upstream quirks (``show(-1)`` raises
``KeyError(-1)``, ``query_info_str_by_arch`` with an unknown ``hp`` raises ``NameError``...).
Randomness (``is_random=True``, ``random()``) draws from Python's global ``random`` module with
the same calls as the official code, so a script seeded with ``random.seed`` gets the same answers.

How it stays fast: an object opened from a file answers the hot queries (``get_more_info``,
``query_index_by_arch``, ``get_cost_info``, ``get_latency``, ``find_best``, ``statistics``...)
from the archive in Rust, and builds the official Python objects (``meta_archs``,
``archstr2index``, ``evaluated_indexes``, ``arch2infos_dict`` and its ``ArchResults``) only when
they are first read. ``arch2infos_dict`` is a lazy mapping: an architecture's ``ArchResults`` are
built when it is read, and from then on every query of that architecture answers from those
Python objects, so changes made to them (``clear_params``, ``reload``, their ``reset_*``
methods, assignments) are seen exactly as by the official class. Nothing is ever written to the
archive. Documented differences: a file that is not NAS-Bench-201-shaped raises
``tnb.FormatError`` (the official class raises whatever ``torch.load`` or its own asserts raise);
``arch2infos_dict`` is a ``collections.abc.MutableMapping`` (not an ``OrderedDict``) with the
same keys, order and values; ``meta_archs``, ``evaluated_indexes`` and ``archstr2index`` are read
by the methods once they have been built (so mutating them is seen), and answered from the
archive before.
"""

import os
import sys
from collections import OrderedDict, defaultdict

import numpy as np

from tnb import _common
from tnb._common import remap_dataset_set_names


class _OnFirstUse(object):
    """A module imported on first use (``copy``, ``random``: the first attribute read imports it
    and puts the module itself in this module's globals), so that the first
    ``tnb.NASBench201API(path)`` of a process does not pay for imports its queries may never
    need. ``random`` is the interpreter's one module either way: seeding it seeds the draws."""

    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        module = __import__(self._name)
        globals()[self._name] = module
        return getattr(module, attr)


copy = _OnFirstUse("copy")
random = _OnFirstUse("random")

__all__ = [
    "NASBench201API",
    "NASBenchMetaAPI",
    "ArchResults",
    "ResultsCount",
    "remap_dataset_set_names",
    "print_information",
]

# File names the official class knows (its default path is the last benchmark file).
ALL_BENCHMARK_FILES = ["NAS-Bench-201-v1_0-e61699.pth", "NAS-Bench-201-v1_1-096897.pth"]
ALL_ARCHIVE_DIRS = ["NAS-Bench-201-v1_1-archive"]

_DATASETS = ("cifar10-valid", "cifar10", "cifar100", "ImageNet16-120")
_OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


def _name_error(name):
    """The NameError Python raises for an undefined global `name` (the official code's bugs)."""
    e = NameError("name '{}' is not defined".format(name))
    try:
        e.name = name
    except AttributeError:  # Python < 3.10 has no attribute for it
        pass
    return e


# ---------------------------------------------------------------------------------------------
# The lazy arch2infos_dict


class _ArchInfos(_common.ArchInfos):
    """``arch2infos_dict`` of an object opened from a file (``tnb._common.ArchInfos``): an entry is
    hp (``'12'``, ``'200'``) -> ``ArchResults`` of the archive's ``less`` and ``full`` results."""

    def _build(self, key):
        state = self._store.arch_state(key)
        entry = OrderedDict()
        entry["12"] = _objects().ArchResults.create_from_state_dict(state["less"])
        entry["200"] = _objects().ArchResults.create_from_state_dict(state["full"])
        return entry


# ---------------------------------------------------------------------------------------------
# The API


class NASBenchMetaAPI(object):
    """The official abstract base class's name (``isinstance`` checks); its methods are
    ``NASBench201API``'s."""


_LAZY = ("meta_archs", "evaluated_indexes", "archstr2index", "arch2infos_dict")


class NASBench201API(NASBenchMetaAPI):
    """NAS-Bench-201's API (``nas_201_api.NASBench201API`` v2.1) over an NB201 archive, the
    benchmark's ``.pth`` (converted in memory; nothing in it is executed) or a dict.

    ``NASBench201API(file_path_or_dict=None, verbose=True)``: ``None`` opens
    ``$TORCH_HOME/NAS-Bench-201-v1_1-096897.pth``; a ``str`` or ``pathlib.Path`` is an archive
    (mapped: the file must not be modified in place while this object uses it) or a ``.pth``,
    told apart by content; a dict is deep-copied and used as the official class uses it. See the
    module's docstring for what is computed from the archive and what is built on first read.
    """

    def __init__(self, file_path_or_dict=None, verbose=True):
        self.filename = None
        self.reset_time()
        source = file_path_or_dict
        if source is None:
            source = os.path.join(os.environ["TORCH_HOME"], ALL_BENCHMARK_FILES[-1])
            print("Try to use the default NAS-Bench-201 path from {:}.".format(source))
        store = None
        # pathlib is imported only if the caller made a Path (there is none otherwise).
        pathlib = sys.modules.get("pathlib")
        if isinstance(source, str) or (pathlib is not None and isinstance(source, pathlib.Path)):
            source = str(source)
            if verbose:
                print("try to create the NAS-Bench-201 api from {:}".format(source))
            assert os.path.isfile(source), "invalid path : {:}".format(source)
            # `Path(source).name` of a path to a file (checked just above).
            self.filename = os.path.basename(source)
            store = _open_store(source)
        elif isinstance(source, dict):
            source = copy.deepcopy(source)
        else:
            raise ValueError("invalid type : {:} not in [str, dict]".format(type(source)))
        self.verbose = verbose
        self._avaliable_hps = set(["12", "200"])
        if store is not None:
            # Built on first read (`__getattr__`); the methods answer from the archive meanwhile.
            self._store = store
            self._lookup = self._first_lookup
            self._n = store.num_archs()
            return
        self._store = None
        for key in ("meta_archs", "arch2infos", "evaluated_indexes"):
            assert key in source, "Can not find key[{:}] in the dict".format(key)
        self.meta_archs = copy.deepcopy(source["meta_archs"])
        infos = OrderedDict()
        for key in sorted(list(source["arch2infos"].keys())):
            entry = source["arch2infos"][key]
            hp2 = OrderedDict()
            hp2["12"] = _objects().ArchResults.create_from_state_dict(entry["less"])
            hp2["200"] = _objects().ArchResults.create_from_state_dict(entry["full"])
            infos[key] = hp2
        self.arch2infos_dict = infos
        self.evaluated_indexes = sorted(list(source["evaluated_indexes"]))
        index = {}
        for i, arch in enumerate(self.meta_archs):
            assert arch not in index, "This [{:}]-th arch {:} already in the dict ({:}).".format(i, arch, index[arch])
            index[arch] = i
        self.archstr2index = index

    # -- attributes built on first read --------------------------------------------------------

    def __getattr__(self, name):
        store = self.__dict__.get("_store")
        if store is None or name not in _LAZY:
            raise AttributeError("'{}' object has no attribute '{}'".format(type(self).__name__, name))
        if name == "meta_archs":
            value = store.meta_archs()
        elif name == "evaluated_indexes":
            value = store.evaluated_indexes()
            object.__setattr__(self, "_evaluated0", list(value))
        elif name == "archstr2index":
            value = dict(zip(store.meta_archs(), range(store.num_archs())))
        else:
            value = _ArchInfos(store)
        setattr(self, name, value)
        return value

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        if name == "archstr2index":
            object.__setattr__(self, "_lookup", value.get)

    def __delattr__(self, name):
        object.__delattr__(self, name)
        if name == "archstr2index" and self.__dict__.get("_store") is not None:
            object.__setattr__(self, "_lookup", self._store.index_of)

    def _first_lookup(self, name, default):
        """`_lookup` until the first str lookup: from then on the `get` of the store's name dict
        (built here, once), the fastest lookup of a Python str."""
        get = self._store.name_index().get
        object.__setattr__(self, "_lookup", get)
        return get(name, default)

    def __deepcopy__(self, memo):
        new = object.__new__(type(self))
        memo[id(self)] = new
        for key, value in self.__dict__.items():
            if key in ("_store", "_lookup"):
                continue
            object.__setattr__(new, key, copy.deepcopy(value, memo))
        store = self.__dict__.get("_store")
        object.__setattr__(new, "_store", store)
        if "archstr2index" in new.__dict__:
            object.__setattr__(new, "_lookup", new.archstr2index.get)
        elif store is not None:
            object.__setattr__(new, "_lookup", store.index_of)
        return new

    def _fast(self, index):
        """The archive answering for arch `index` (an int), or None if the Python objects do."""
        store = self.__dict__["_store"]
        if store is None:
            return None
        infos = self.__dict__.get("arch2infos_dict")
        if infos is None or (type(infos) is _ArchInfos and infos.pristine(index)):
            return store
        return None

    def _arch_results(self, index, hp):
        """`arch2infos_dict[index][hp]` as the official class reads it, without keeping what it
        builds for an arch the archive still answers (a temporary copy, for error paths)."""
        store = self._fast(index) if type(index) is int else None
        if store is not None and store.has_arch(index) and hp in ("12", "200"):
            state = store.arch_state(index)
            return _objects().ArchResults.create_from_state_dict(state["less" if hp == "12" else "full"])
        return self.arch2infos_dict[index][hp]

    # -- NASBenchMetaAPI -----------------------------------------------------------------------

    def __getitem__(self, index):
        d = self.__dict__
        if "meta_archs" not in d and type(index) is int:
            n = d["_n"]
            if -n <= index < n:
                return d["_store"].arch_str(index if index >= 0 else index + n)
        return copy.deepcopy(self.meta_archs[index])

    def __len__(self):
        d = self.__dict__
        if "meta_archs" in d:
            return len(d["meta_archs"])
        return d["_n"]

    def __repr__(self):
        return "{name}({num}/{total} architectures, file={filename})".format(
            name=self.__class__.__name__, num=self._num_evaluated(), total=len(self), filename=self.filename)

    def _num_evaluated(self):
        if "evaluated_indexes" not in self.__dict__:
            return self._store.num_evaluated()
        return len(self.evaluated_indexes)

    def arch(self, index):
        """The architecture string of ``index``."""
        if self.verbose:
            print("Call the arch function with index={:}".format(index))
        n = len(self)
        assert 0 <= index < n, "invalid index : {:} vs. {:}.".format(index, n)
        return self[index] if type(index) is int else copy.deepcopy(self.meta_archs[index])

    @property
    def avaliable_hps(self):
        return list(copy.deepcopy(self._avaliable_hps))

    @property
    def used_time(self):
        return self._used_time

    def reset_time(self):
        self._used_time = 0

    def simulate_train_eval(self, arch, dataset, hp="12", account_time=True):
        """(validation accuracy, latency, time cost, accumulated time) of one simulated run."""
        index = self.query_index_by_arch(arch)
        names = ("cifar10", "cifar100", "ImageNet16-120")
        assert dataset in names, "Invalid dataset name : {:} vs {:}".format(dataset, names)
        if dataset == "cifar10":
            info = self.get_more_info(index, "cifar10-valid", iepoch=None, hp=hp, is_random=True)
        else:
            info = self.get_more_info(index, dataset, iepoch=None, hp=hp, is_random=True)
        valid_acc, time_cost = info["valid-accuracy"], info["train-all-time"] + info["valid-per-time"]
        latency = self.get_latency(index, dataset)
        if account_time:
            self._used_time += time_cost
        return valid_acc, latency, time_cost, self._used_time

    def random(self):
        """A random architecture index (Python's global ``random.randint``)."""
        return random.randint(0, len(self) - 1)

    def query_index_by_arch(self, arch):
        """The index of ``arch``: an index (checked), an arch string or an object with
        ``tostr()``; -1 for a string not in the search space."""
        if not self.verbose:
            kind = type(arch)
            if kind is str:
                return self._lookup(arch, -1)
            if kind is int:
                # `len(self)`, inlined: the archive's count, or the list's once built.
                d = self.__dict__
                names = d.get("meta_archs")
                n = d.get("_n") if names is None else len(names) if type(names) is list else None
                if n is not None and 0 <= arch < n:
                    return arch
        if self.verbose:
            print("Call query_index_by_arch with arch={:}".format(arch))
        if type(arch) is str:
            return self._lookup(arch, -1)
        if isinstance(arch, int):
            n = len(self)
            if 0 <= arch < n:
                return arch
            raise ValueError("Invalid architecture index {:} vs [{:}, {:}].".format(arch, 0, n))
        if isinstance(arch, str):
            return self._by_name(arch)
        if hasattr(arch, "tostr"):
            if arch.tostr() in self._names():
                return self._by_name(arch.tostr())
            return -1
        return -1

    def _names(self):
        """What `in self.archstr2index` tests (the archive's lookup for a plain str)."""
        if "archstr2index" in self.__dict__ or self._store is None:
            return self.archstr2index
        return _Names(self._store)

    def _by_name(self, name):
        if type(name) is str and "archstr2index" not in self.__dict__ and self._store is not None:
            return self._store.index_of(name, -1)
        names = self.archstr2index
        return names[name] if name in names else -1

    def query_by_arch(self, arch, hp):
        return self.query_info_str_by_arch(arch, hp)

    def reload(self, archive_root=None, index=None):
        """Replaces architectures' results by those of ``{index:06d}-FULL.pth`` in
        ``archive_root`` (read without executing anything; only this object changes)."""
        if archive_root is None:
            archive_root = os.path.join(os.environ["TORCH_HOME"], ALL_ARCHIVE_DIRS[-1])
        assert os.path.isdir(archive_root), "invalid directory : {:}".format(archive_root)
        indexes = list(range(len(self))) if index is None else [index]
        for idx in indexes:
            assert 0 <= idx < len(self), "invalid index of {:}".format(idx)
            path = os.path.join(archive_root, "{:06d}-FULL.pth".format(idx))
            assert os.path.isfile(path), "invalid data path : {:}".format(path)
            data = _objects().load_pth(path)
            assert isinstance(data, dict) and "full" in data and "less" in data, \
                "invalid format of data in {:}".format(path)
            entry = OrderedDict()
            entry["12"] = _objects().ArchResults.create_from_state_dict(data["less"])
            entry["200"] = _objects().ArchResults.create_from_state_dict(data["full"])
            self.arch2infos_dict[idx] = entry

    def clear_params(self, index, hp=None):
        """Drops the weights held for ``index`` (``hp`` None: every hyper-parameter set)."""
        if self.verbose:
            print("Call clear_params with index={:} and hp={:}".format(index, hp))
        if hp is None:
            for result in self.arch2infos_dict[index].values():
                result.clear_params()
        else:
            entry = self.arch2infos_dict[index]
            if str(hp) not in entry:
                raise ValueError("The {:}-th architecture only has hyper-parameters of {:} instead of {:}."
                                 .format(index, list(entry.keys()), hp))
            entry[str(hp)].clear_params()

    def query_info_str_by_arch(self, arch, hp="12"):
        """The summary of ``arch`` as text (None, with a printed line, if it is not evaluated)."""
        if self.verbose:
            print("Call query_info_str_by_arch with arch={:} and hp={:}".format(arch, hp))
        index = self.query_index_by_arch(arch)
        if self._has(index):
            if not self._has_hp(index, hp):
                # The official message names a variable that does not exist.
                raise _name_error("index")
            info = self._arch_results(index, hp)
            return "\n".join(_objects().print_information(info, "arch-index={:}".format(index)))
        print("Find this arch-index : {:}, but this arch is not evaluated.".format(index))
        return None

    def _has(self, index):
        """`index in self.arch2infos_dict`."""
        if type(index) is int and self._store is not None and "arch2infos_dict" not in self.__dict__:
            return self._store.has_arch(index)
        return index in self.arch2infos_dict

    def _has_hp(self, index, hp):
        """`hp in self.arch2infos_dict[index]` (index known to be there)."""
        if type(index) is int and self._fast(index) is not None:
            return hp in _HPS
        return hp in self.arch2infos_dict[index]

    def _hp_keys(self, index):
        if type(index) is int and self._fast(index) is not None:
            return ["12", "200"]
        return list(self.arch2infos_dict[index].keys())

    def _meta_info(self, arch_index, hp):
        """`query_meta_info_by_index` without its print: checks, then a copy."""
        if self._has(arch_index):
            if not self._has_hp(arch_index, hp):
                raise ValueError("The {:}-th architecture only has hyper-parameters of {:} instead of {:}."
                                 .format(arch_index, self._hp_keys(arch_index), hp))
            if type(arch_index) is int and self._fast(arch_index) is not None:
                return self._arch_results(arch_index, hp)  # freshly built: already a copy
            return copy.deepcopy(self.arch2infos_dict[arch_index][hp])
        raise ValueError("arch_index [{:}] does not in arch2infos".format(arch_index))

    def query_meta_info_by_index(self, arch_index, hp="12"):
        """A copy of the ``ArchResults`` of ``arch_index`` under ``hp``."""
        if self.verbose:
            print("Call query_meta_info_by_index with arch_index={:}, hp={:}".format(arch_index, hp))
        return self._meta_info(arch_index, hp)

    def query_by_index(self, arch_index, dataname=None, hp="12"):
        """The ``ArchResults`` copy, or ``{seed: ResultsCount}`` of its runs on ``dataname``."""
        if self.verbose:
            print("Call query_by_index with arch_index={:}, dataname={:}, hp={:}".format(arch_index, dataname, hp))
        info = self.query_meta_info_by_index(arch_index, hp)
        if dataname is None:
            return info
        if dataname not in info.get_dataset_names():
            raise ValueError("invalid dataset-name : {:} vs. {:}".format(dataname, info.get_dataset_names()))
        return info.query(dataname)

    def find_best(self, dataset, metric_on_set, FLOP_max=None, Param_max=None, hp="12"):
        """(index, seed-mean accuracy) of the best evaluated architecture within the limits;
        ``(-1, None)`` when none qualifies."""
        if self.verbose:
            print("Call find_best with dataset={:}, metric_on_set={:}, hp={:} | with #FLOPs < {:} and #Params < {:}"
                  .format(dataset, metric_on_set, hp, FLOP_max, Param_max))
        dataset, metric_on_set = remap_dataset_set_names(dataset, metric_on_set, self.verbose)
        best = None
        if self._all_pristine() and self._evaluated_pristine():
            best = self._store.find_best(dataset, metric_on_set, FLOP_max, Param_max, hp)
        if best is None:
            best = self._find_best_slow(dataset, metric_on_set, FLOP_max, Param_max, hp)
        best_index, highest = best
        if self.verbose:
            print("  the best architecture : [{:}] {:} with accuracy={:.3f}%".format(
                best_index, self.arch(best_index), highest))
        return best_index, highest

    def _evaluated_pristine(self):
        """Whether `evaluated_indexes` is still the archive's (unbuilt, or built and unchanged)."""
        d = self.__dict__
        return "evaluated_indexes" not in d or d["evaluated_indexes"] == d.get("_evaluated0")

    def _all_pristine(self):
        store = self.__dict__["_store"]
        if store is None:
            return False
        infos = self.__dict__.get("arch2infos_dict")
        return infos is None or (type(infos) is _ArchInfos and not infos._built and not infos._touched)

    def _find_best_slow(self, dataset, metric_on_set, flop_max, param_max, hp):
        best_index, highest = -1, None
        for index in self.evaluated_indexes:
            info = self._entry_hp(index, hp)
            costs = info.get_compute_costs(dataset)
            flop, param = costs["flops"], costs["params"]
            if flop_max is not None and flop > flop_max:
                continue
            if param_max is not None and param > param_max:
                continue
            accuracy = info.get_metrics(dataset, metric_on_set)["accuracy"]
            if best_index == -1:
                best_index, highest = index, accuracy
            elif highest < accuracy:
                best_index, highest = index, accuracy
        return best_index, highest

    def _entry_hp(self, index, hp):
        """`self.arch2infos_dict[index][hp]` (a temporary copy for an arch the archive answers)."""
        if type(index) is int and self._fast(index) is not None:
            if not self._store.has_arch(index):
                raise KeyError(index)
            if hp not in _HPS:
                raise KeyError(hp)
            return self._arch_results(index, hp)
        return self.arch2infos_dict[index][hp]

    def get_net_param(self, index, dataset, seed, hp="12"):
        """The trained weights (``None``: the benchmark files hold none)."""
        if self.verbose:
            print("Call the get_net_param function with index={:}, dataset={:}, seed={:}, hp={:}"
                  .format(index, dataset, seed, hp))
        return self.query_meta_info_by_index(index, hp).get_net_param(dataset, seed)

    def get_net_config(self, index, dataset):
        """The network config of ``index`` on ``dataset`` (of the first hp and seed)."""
        if self.verbose:
            print("Call the get_net_config function with index={:}, dataset={:}.".format(index, dataset))
        if not self._has(index):
            # The official message names a variable that does not exist.
            raise _name_error("arch_index")
        if type(index) is int and self._fast(index) is not None:
            info = self._arch_results(index, "12")
        else:
            info = next(iter(self.arch2infos_dict[index].values()))
        runs = info.query(dataset, None)
        return next(iter(runs.values())).get_config(None)

    def get_cost_info(self, index, dataset, hp="12"):
        """FLOPs, params, latency and times of ``index`` on ``dataset`` (seed means)."""
        if type(index) is int and not self.verbose:
            # `_cost_fast` inlined (one Python call fewer on the hot path).
            d = self.__dict__
            store = d["_store"]
            if store is not None:
                infos = d.get("arch2infos_dict")
                if infos is None or (type(infos) is _ArchInfos and infos.pristine(index)):
                    answer = store.cost_info(index, dataset, hp)
                    if answer is not None:
                        return answer
        if self.verbose:
            print("Call the get_cost_info function with index={:}, dataset={:}, and hp={:}.".format(index, dataset, hp))
        if self.verbose:
            print("Call query_meta_info_by_index with arch_index={:}, hp={:}".format(index, hp))
        if type(index) is int and type(dataset) is str and type(hp) is str:
            store = self._fast(index)
            if store is not None:
                answer = store.cost_info(index, dataset, hp)
                if answer is not None:
                    return answer
        return self._meta_info(index, hp).get_compute_costs(dataset)

    def _cost_fast(self, index, dataset, hp):
        """`get_cost_info` answered by the archive for an int `index` (one Rust call), or None."""
        d = self.__dict__
        store = d["_store"]
        if store is None:
            return None
        infos = d.get("arch2infos_dict")
        if infos is None or (type(infos) is _ArchInfos and infos.pristine(index)):
            return store.cost_info(index, dataset, hp)
        return None

    def get_latency(self, index, dataset, hp="12"):
        """The latency of ``index`` in seconds (``get_cost_info(...)['latency']``)."""
        if type(index) is int and not self.verbose:
            answer = self._cost_fast(index, dataset, hp)
            if answer is not None:
                return answer["latency"]
        if self.verbose:
            print("Call the get_latency function with index={:}, dataset={:}, and hp={:}.".format(index, dataset, hp))
        return self.get_cost_info(index, dataset, hp)["latency"]

    def show(self, index=-1):
        """Prints the summary of ``index`` (every architecture for a negative index, where the
        official class raises ``KeyError`` after the first header: so does this)."""
        if index < 0:
            print(self)
            for i, idx in enumerate(self.evaluated_indexes):
                print("\n" + "-" * 10 + " The ({:5d}/{:5d}) {:06d}-th architecture! ".format(
                    i, len(self.evaluated_indexes), idx) + "-" * 10)
                print("arch : {:}".format(self.meta_archs[idx]))
                for result in self.arch2infos_dict[index].values():
                    self._show_one(result)
                print("<" * 40 + "------------" + "<" * 40)
        elif 0 <= index < len(self):
            if index not in self.evaluated_indexes:
                print("The {:}-th architecture has not been evaluated or not saved.".format(index))
            else:
                for result in self.arch2infos_dict[index].values():
                    self._show_one(result)
                print("<" * 40 + "------------" + "<" * 40)
        else:
            print("This index ({:}) is out of range (0~{:}).".format(index, len(self)))

    @staticmethod
    def _show_one(result):
        lines = _objects().print_information(result)
        print(">" * 40 + " {:03d} epochs ".format(result.get_total_epoch()) + ">" * 40)
        print("\n".join(lines))

    def statistics(self, dataset, hp):
        """``{number of seeds: number of architectures}`` on ``dataset`` under ``hp``."""
        if self.verbose:
            print("Call the statistics function with dataset={:} and hp={:}.".format(dataset, hp))
        valid = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"]
        if dataset not in valid:
            raise ValueError("{:} not in {:}".format(dataset, valid))
        hp = str(hp)
        if self._all_pristine() and "meta_archs" not in self.__dict__ and type(dataset) is str:
            counts = self._store.statistics(dataset, hp)
            if counts is not None:
                return counts
        counts = defaultdict(lambda: 0)
        for index in range(len(self)):
            seeds = self._entry_hp(index, hp).dataset_seed
            counts[len(seeds[dataset]) if dataset in seeds else 0] += 1
        return dict(counts)

    @staticmethod
    def str2lists(arch_str):
        """The architecture as a list (one per node) of tuples ``(op, input node)``."""
        nodes = []
        for part in arch_str.split("+"):
            inputs = list(filter(lambda x: x != "", part.split("|")))
            for item in inputs:
                assert len(item.split("~")) == 2, "invalid input length : {:}".format(item)
            pairs = (item.split("~") for item in inputs)
            nodes.append(tuple((op, int(i)) for (op, i) in pairs))
        return nodes

    @staticmethod
    def str2matrix(arch_str, search_space=["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]):  # noqa: B006 - the official default
        """The architecture as a square float64 matrix: ``m[node, input]`` = the op's index."""
        parts = arch_str.split("+")
        m = np.zeros((len(parts) + 1, len(parts) + 1))
        for i, part in enumerate(parts):
            inputs = list(filter(lambda x: x != "", part.split("|")))
            for item in inputs:
                assert len(item.split("~")) == 2, "invalid input length : {:}".format(item)
            for item in inputs:
                op, node = item.split("~")
                if op not in search_space:
                    raise ValueError("this op ({:}) is not in {:}".format(op, search_space))
                m[i + 1, int(node)] = search_space.index(op)
        return m

    # -- NASBench201API ------------------------------------------------------------------------

    def get_more_info(self, index, dataset, iepoch=None, hp="12", is_random=True):
        """Train/valid/test loss, accuracy and times of ``index`` on ``dataset`` after epoch
        ``iepoch``: of one random seed (``is_random=True``, drawn by ``random.choice``), the
        mean over seeds (``False``) or of the seed given."""
        if type(index) is int and not self.verbose:
            # The whole fast path in one Rust call (checks, draw, answer) while the archive
            # answers for `index`; it declines (None) before drawing when anything is off.
            d = self.__dict__
            store = d["_store"]
            names = d.get("meta_archs")  # `query_index_by_arch(index)`'s range check, inlined
            if store is not None and (names is None or (type(names) is list and 0 <= index < len(names))):
                infos = d.get("arch2infos_dict")
                if infos is None or (type(infos) is _ArchInfos and infos.pristine(index)):
                    answer = store.more_info_fast(index, dataset, iepoch, hp, is_random, random)
                    if type(answer) is dict:
                        return answer
                    if answer is not None:  # (seed,): drawn; the official steps answer
                        return _objects()._more_info(self._arch_results(index, hp), dataset, iepoch, answer[0])
        if self.verbose:
            print("Call the get_more_info function with index={:}, dataset={:}, iepoch={:}, hp={:}, and is_random={:}."
                  .format(index, dataset, iepoch, hp, is_random))
        index = self.query_index_by_arch(index)
        store = self._fast(index) if type(index) is int else None
        if store is not None:
            if not store.has_arch(index):
                raise ValueError("Did not find {:} from arch2infos_dict.".format(index))
            hp = str(hp)
            if hp not in _HPS:
                raise KeyError(hp)
            if is_random is True:
                seeds = store.seeds(index, hp, dataset) if type(dataset) is str else None
                if seeds is None:  # the official lookup raises what it raises
                    seeds = self._arch_results(index, hp).get_dataset_seeds(dataset)
                is_random = random.choice(seeds)
            if type(dataset) is str and (iepoch is None or type(iepoch) is int) and (
                    is_random is False or type(is_random) is int):
                answer = store.more_info(index, hp, dataset, iepoch, is_random)
                if answer is not None:
                    return answer
            return _objects()._more_info(self._arch_results(index, hp), dataset, iepoch, is_random)
        if index not in self.arch2infos_dict:
            raise ValueError("Did not find {:} from arch2infos_dict.".format(index))
        archresult = self.arch2infos_dict[index][str(hp)]
        if isinstance(is_random, bool) and is_random:
            is_random = random.choice(archresult.get_dataset_seeds(dataset))
        return _objects()._more_info(archresult, dataset, iepoch, is_random)

    # -- beyond the official class --------------------------------------------------------------

    def metric_array(self, dataset, setname, metric="accuracy", iepoch=None, hp="12", is_random=False):
        """numpy float64 array over every architecture index (``len(api)``):
        ``query_meta_info_by_index(i, hp).get_metrics(dataset, setname, iepoch, is_random)[metric]``
        (``metric`` one of ``loss``, ``accuracy``, ``cur_time``, ``all_time``, ``iepoch``), NaN
        for an architecture that is not evaluated or a value that is None. Errors are the
        per-architecture call's. Answered by Rust from an archive with ``is_random`` False or a
        seed; with ``is_random=True`` one ``random.randint`` per architecture, in index order."""
        return _common.metric_array(self, self._entry_hp, dataset, setname, metric, iepoch, hp, is_random)

    def cost_array(self, dataset, metric="flops", hp="12"):
        """numpy float64 array over every architecture index of
        ``get_cost_info(i, dataset, hp)[metric]`` (NaN where not evaluated or None)."""
        return _common.cost_array(self, self._entry_hp, dataset, metric, hp)

    def to_pandas(self, hp="12", iepoch=None):
        """One row per architecture index with ``arch``, then per dataset (seed means, as
        ``get_metrics(..., is_random=False)`` and ``get_compute_costs``): ``flops``, ``params``,
        ``latency`` and ``loss``/``accuracy`` on every set the dataset has. Columns are a
        two-level ``MultiIndex`` ``(dataset, name)``; ``('arch', '')`` first. Imports pandas."""
        import pandas as pd

        n = len(self)
        columns = {("arch", ""): [self[i] for i in range(n)]}
        sets = {"cifar10-valid": ["train", "x-valid", "ori-test"], "cifar10": ["train", "ori-test"],
                "cifar100": ["train", "x-valid", "x-test", "ori-test"],
                "ImageNet16-120": ["train", "x-valid", "x-test", "ori-test"]}
        for dataset, names in sets.items():
            try:
                for cost in ("flops", "params", "latency"):
                    columns[(dataset, cost)] = self.cost_array(dataset, cost, hp)
            except (KeyError, ValueError):
                continue
            for setname in names:
                for metric in ("loss", "accuracy"):
                    try:
                        columns[(dataset, "{}-{}".format(setname, metric))] = self.metric_array(
                            dataset, setname, metric, iepoch, hp, False)
                    except (KeyError, AssertionError, ValueError):
                        pass
        frame = pd.DataFrame(columns, index=pd.RangeIndex(n, name="index"))
        frame.columns = pd.MultiIndex.from_tuples(list(columns))
        return frame


# `hp in arch2infos_dict[i]` for an arch the archive answers: a set, so that hashing (and an
# unhashable hp's TypeError) works as the dict's membership test does.
_HPS = frozenset(("12", "200"))


class _Names(object):
    """`x in archstr2index` answered by the archive (for `tostr()` results)."""

    __slots__ = ("_store",)

    def __init__(self, store):
        self._store = store

    def __contains__(self, name):
        if type(name) is str:
            return self._store.index_of(name, -1) >= 0
        hash(name)
        return False


def _open_store(path):
    """The archive behind `path` (an NB201 archive mapped, or a `.pth` converted in memory)."""
    from tnb import _tnb

    return _tnb.NB201Store(path)


# ---------------------------------------------------------------------------------------------
# The official classes' objects, imported on first use


# What `tnb._nb201_objects` defines for this module (the official `ArchResults`,
# `ResultsCount`, `print_information`, and `load_pth`): most scripts query an archive without
# ever building one, and a first open should not pay for compiling them.
_LATER = frozenset(("ArchResults", "ResultsCount", "print_information", "load_pth"))


def _objects():
    """`tnb._nb201_objects` (imported on the first call)."""
    from tnb import _nb201_objects

    return _nb201_objects


def __getattr__(name):
    if name in _LATER:
        value = getattr(_objects(), name)
        globals()[name] = value
        return value
    raise AttributeError("module {!r} has no attribute {!r}".format(__name__, name))
