"""``tnb.nats``: NATS-Bench's official API (``nats_bench`` v1.8), answered from a tnb archive
(mapped), from the benchmark's sources (a ``-simple`` folder or a single ``.pickle.pbz2``,
converted in memory by tnb's reader: nothing in them is executed) or from a dict.

Swap one import and keep the rest of a script::

    # from nats_bench import create
    from tnb.nats import create

    api = create("NATS-tss-v1_0-3ffb9.tnb", "tss", fast_mode=True, verbose=False)
    api.get_more_info(123, "cifar100", hp="200", is_random=False)

``create(file_path_or_dict, search_space, fast_mode=False, verbose=True)`` returns a
``NATStopology`` (``'tss'``/``'topology'``) or a ``NATSsize`` (``'sss'``/``'size'``) with every
public method and property of v1.8 and the official signatures (``simulate_train_eval``'s
``iepoch``, ``find_best``'s lowercase ``flop_max``/``param_max`` and ``enforce_all``); answers
have the official values, types and float bits (Python ``sum`` averages, the seed-888
flops/params rule), the same exception classes and messages raised after the same checks, and
the same calls on Python's global ``random`` (``random.choice`` in ``get_more_info``,
``random.randint`` in ``get_metrics``/``random()``, two draws in ``simulate_train_eval`` when it
falls back to ``valtest``), so a script seeded with ``random.seed`` gets the same answers.

Sources and ``fast_mode``, as the official constructor checks them: a folder needs
``fast_mode=True`` and a ``.pickle.pbz2`` file ``fast_mode=False`` (else the official
``ValueError``); a tnb archive (recognised by its magic bytes) opens in either mode. Every
architecture the source holds is available from the start in both modes: ``fast_mode`` is
recorded (property, ``repr``, ``find_best``'s ``enforce_all`` default and check) and changes
nothing else a user can see but speed and memory. **``repr``'s first number** (and
``evaluated_indexes``) is the set of architectures the source holds (the official fast mode
starts at 0 and grows as architectures are read); for a single file, its own
``evaluated_indexes``. An architecture missing from a folder behaves as in the official fast mode
(``reload`` of a missing file: ``AssertionError 'invalid data path : ...'``).

How it stays fast: an object opened from a file answers the hot queries (``get_more_info``,
``query_index_by_arch``, ``get_cost_info``, ``get_latency``, ``find_best``, ``statistics``...)
from the archive in Rust and builds the official Python objects (``meta_archs``,
``archstr2index``, ``evaluated_indexes``, ``arch2infos_dict`` and its ``ArchResults``) only when
they are first read; ``arch2infos_dict`` is a lazy mapping whose entries are built when read and
then answer every query of that architecture, so changes made to them (``clear_params``,
``reload``, assignments) are seen exactly as by the official class. Beyond the official class:
``metric_array``, ``cost_array`` (numpy arrays over every index) and ``to_pandas``.
"""

import copy
import os
import random
import time
import warnings
from collections import OrderedDict, defaultdict

from tnb import _common
from tnb._common import remap_dataset_set_names

__all__ = [
    "create",
    "version",
    "search_space_info",
    "pickle_save",
    "pickle_load",
    "NATStopology",
    "NATSsize",
    "NASBenchMetaAPI",
    "ArchResults",
    "ResultsCount",
    "remap_dataset_set_names",
]

NATS_BENCH_API_VERSIONs = ["v1.0", "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7", "v1.8"]  # noqa: N816
NATS_BENCH_SSS_NAMEs = ("sss", "size")  # noqa: N816
NATS_BENCH_TSS_NAMEs = ("tss", "topology")  # noqa: N816
PICKLE_EXT = "pickle.pbz2"

_MAGIC = b"\x89TNB\r\n\x1a\n"
_TSS_OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


def version():
    """The official API version this module reproduces: ``'v1.8'``."""
    return NATS_BENCH_API_VERSIONs[-1]


def create(file_path_or_dict, search_space, fast_mode=False, verbose=True):
    """A ``NATStopology`` for ``'tss'``/``'topology'``, a ``NATSsize`` for ``'sss'``/``'size'``
    (else ``ValueError``)."""
    if search_space in NATS_BENCH_TSS_NAMEs:
        return NATStopology(file_path_or_dict, fast_mode, verbose)
    if search_space in NATS_BENCH_SSS_NAMEs:
        return NATSsize(file_path_or_dict, fast_mode, verbose)
    raise ValueError("invalid search space : {:}".format(search_space))


def search_space_info(main_tag, aux_tag):
    """The search space's description (``candidates``/``num_layers`` for the size space,
    ``op_names``/``num_nodes`` for the topology space and NAS-Bench-201)."""
    sss = dict(candidates=[8, 16, 24, 32, 40, 48, 56, 64], num_layers=5)
    tss = dict(op_names=list(_TSS_OPS), num_nodes=4)
    if main_tag == "nats-bench":
        if aux_tag in NATS_BENCH_SSS_NAMEs:
            return sss
        if aux_tag in NATS_BENCH_TSS_NAMEs:
            return tss
        raise ValueError("Unknown auxiliary tag: {:}".format(aux_tag))
    if main_tag == "nas-bench-201":
        if aux_tag is not None:
            raise ValueError("For NAS-Bench-201, the auxiliary tag should be None.")
        return tss
    raise ValueError("Unknown main tag: {:}".format(main_tag))


def time_string():
    """The official log prefix: ``[YYYY-mm-dd HH:MM:SS]`` (UTC)."""
    return "[{:}]".format(time.strftime("%Y-%m-%d %X", time.gmtime(time.time())))


def get_torch_home():
    """``$TORCH_HOME``, else ``$HOME/.torch`` (``ValueError`` without either)."""
    if "TORCH_HOME" in os.environ:
        return os.environ["TORCH_HOME"]
    if "HOME" in os.environ:
        return os.path.join(os.environ["HOME"], ".torch")
    raise ValueError("Did not find HOME in os.environ. Please at least setup the path of HOME or "
                     "TORCH_HOME in the environment.")


def pickle_save(obj, file_path, ext=".pbz2", protocol=4):
    """Writes ``obj`` as a bz2-compressed pickle to ``file_path + ext`` (as the official)."""
    import bz2
    import pickle

    with bz2.BZ2File(str(file_path) + ext, "wb") as f:
        pickle.dump(obj, f, protocol=protocol)


def pickle_load(file_path, ext=".pbz2"):
    """The object of a NATS-Bench ``.pickle.pbz2`` (``file_path``, else ``file_path + ext``),
    read by tnb's reader: only dicts, lists, sets, scalars, ``OrderedDict`` and numpy float
    scalars/dtypes are built, nothing in the file is executed (other globals are refused with
    ``tnb.FormatError``)."""
    path = str(file_path)
    if not os.path.isfile(path):
        path = path + ext
    from tnb import _tnb

    load = getattr(_tnb, "nats_load", None)
    if load is None:
        raise NotImplementedError("this build of tnb has no NATS-Bench reader")
    return load(path)


def _objects():
    """`tnb._nats_objects` (imported on the first call: most scripts never build one)."""
    from tnb import _nats_objects

    return _nats_objects


def _entry(state):
    """`arch2infos_dict[i]` from a per-arch object (hp -> ArchResults state), in its order."""
    make = _objects().ArchResults.create_from_state_dict
    return OrderedDict((hp, make(results)) for hp, results in state.items())


# ---------------------------------------------------------------------------------------------
# The lazy arch2infos_dict


class _ArchInfos(_common.ArchInfos):
    """``arch2infos_dict`` of an object opened from a file (``tnb._common.ArchInfos``): an entry is
    the archive's per-arch object, hp -> ``ArchResults``, in its order."""

    def _build(self, key):
        return _entry(self._store.arch_state(key))


# ---------------------------------------------------------------------------------------------
# The API


def _getter(name):
    """A read-only property answering attribute `name`, as the official plain getters do."""
    return property(lambda self: getattr(self, name))


class NASBenchMetaAPI(object):
    """The official abstract base class's name (for ``isinstance``); ``NATStopology`` and
    ``NATSsize`` hold the methods."""


_LAZY = ("meta_archs", "evaluated_indexes", "archstr2index", "arch2infos_dict", "_avaliable_hps")
# The attributes `_hot` depends on.
_HOT_INPUTS = frozenset(("verbose", "_store", "meta_archs", "arch2infos_dict", "evaluated_indexes"))


class _NATS(NASBenchMetaAPI):
    """What ``NATStopology`` and ``NATSsize`` share (the official ``NASBenchMetaAPI``)."""

    _BASE = None  # the benchmark's base file name
    _SPACE = None  # 'topology' / 'size'
    _EPOCHS = None  # full_train_epochs
    _SIZE = False
    _FAMILY = None  # the store's family name ('tss' / 'sss')

    def __init__(self, file_path_or_dict=None, fast_mode=False, verbose=True):
        self._all_base_names = [self._BASE]
        self.filename = None
        self._search_space_name = self._SPACE
        self._fast_mode = fast_mode
        self._archive_dir = None
        self._full_train_epochs = self._EPOCHS
        self.reset_time()
        title = self._SPACE
        source = file_path_or_dict
        if source is None:
            if self._fast_mode:
                self._archive_dir = os.path.join(get_torch_home(), "{:}-simple".format(self._BASE))
            else:
                source = os.path.join(get_torch_home(), "{:}.{:}".format(self._BASE, PICKLE_EXT))
            print("{:} Try to use the default NATS-Bench ({:}) path from fast_mode={:} and path={:}."
                  .format(time_string(), title, self._fast_mode, source))
        store = None
        if isinstance(source, str):
            source = str(source)
            if verbose:
                print("{:} Try to create the NATS-Bench ({:}) api from {:} with fast_mode={:}"
                      .format(time_string(), title, source, fast_mode))
            is_file, is_dir = os.path.isfile(source), os.path.isdir(source)
            if not is_file and not is_dir:
                raise ValueError("{:} is neither a file or a dir.".format(source))
            self.filename = os.path.basename(source)
            archive = is_file and _is_archive(source)
            if fast_mode:
                if is_file and not archive:
                    raise ValueError("fast_mode={:} must feed the path for directory : {:}".format(fast_mode, source))
                if is_dir:
                    self._archive_dir = source
            elif is_dir:
                raise ValueError("fast_mode={:} must feed the path for file : {:}".format(fast_mode, source))
            store = _open_store(source, self._FAMILY)
        elif isinstance(source, dict):
            source = copy.deepcopy(source)
        self.verbose = verbose
        self._store = store
        if store is not None:
            # Built on first read (`__getattr__`); the methods answer from the archive meanwhile.
            self._lookup = self._first_lookup
        elif isinstance(source, dict):
            for key in ("meta_archs", "arch2infos", "evaluated_indexes"):
                if key not in source:
                    raise ValueError("Can not find key[{:}] in the dict".format(key))
            self.meta_archs = copy.deepcopy(source["meta_archs"])
            self.arch2infos_dict = OrderedDict()
            self._avaliable_hps = set()
            for key in sorted(list(source["arch2infos"].keys())):
                entry = OrderedDict()
                for hp, results in source["arch2infos"][key].items():
                    entry[hp] = _objects().ArchResults.create_from_state_dict(results)
                    self._avaliable_hps.add(hp)
                self.arch2infos_dict[key] = entry
            self.evaluated_indexes = set(source["evaluated_indexes"])
        elif self._archive_dir is not None:
            # The default folder of the fast mode (source None): read through the store.
            store = _open_store(self._archive_dir, self._FAMILY)
            self._store = store
            self._lookup = self._first_lookup
        else:
            raise ValueError("file_path_or_dict [{:}] must be a dict or archive_dir must be set"
                             .format(type(source)))
        if store is None:
            index = {}
            for i, arch in enumerate(self.meta_archs):
                if arch in index:
                    raise ValueError("This [{:}]-th arch {:} already in the dict ({:}).".format(i, arch, index[arch]))
                index[arch] = i
            self.archstr2index = index
        if self.verbose:
            print("{:} Create NATS-Bench ({:}) done with {:}/{:} architectures avaliable.".format(
                time_string(), title, self._num_evaluated(), len(self)))

    # -- attributes built on first read --------------------------------------------------------

    def __getattr__(self, name):
        store = self.__dict__.get("_store")
        if store is None or name not in _LAZY:
            raise AttributeError("'{}' object has no attribute '{}'".format(type(self).__name__, name))
        if name == "meta_archs":
            value = store.meta_archs()
        elif name == "evaluated_indexes":
            value = set(store.evaluated_indexes())
            # What the archive answers for: the whole-benchmark fast paths still serve while the
            # set equals it.
            object.__setattr__(self, "_evaluated0", frozenset(value))
        elif name == "archstr2index":
            value = dict(zip(store.meta_archs(), range(store.num_archs())))
        elif name == "_avaliable_hps":
            value = set()
            for key in store.arch_keys():
                value.update(store.hp_keys(key))
        else:
            value = _ArchInfos(store)
        setattr(self, name, value)
        return value

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        if name == "archstr2index":
            object.__setattr__(self, "_lookup", value.get)
        if name in _HOT_INPUTS:
            self._set_hot()

    def __delattr__(self, name):
        object.__delattr__(self, name)
        if name == "archstr2index" and self.__dict__.get("_store") is not None:
            object.__setattr__(self, "_lookup", self._store.index_of)
        if name in _HOT_INPUTS:
            self._set_hot()

    def _set_hot(self):
        """`_hot`: the store's whole `get_more_info` fast path (a bound method) while nothing
        it skips can differ: not verbose, and `meta_archs`, `arch2infos_dict` and
        `evaluated_indexes` not built (the store then answers every check they make); None
        otherwise."""
        d = self.__dict__
        store = d.get("_store")
        hot = None
        if (store is not None and d.get("verbose") is False and "meta_archs" not in d
                and "arch2infos_dict" not in d and "evaluated_indexes" not in d):
            hot = store.more_info_fast
        object.__setattr__(self, "_hot", hot)

    def _first_lookup(self, name, default):
        """`_lookup` until the first str lookup: then the `get` of the store's name dict."""
        get = self._store.name_index().get
        object.__setattr__(self, "_lookup", get)
        return get(name, default)

    def __deepcopy__(self, memo):
        new = object.__new__(type(self))
        memo[id(self)] = new
        for key, value in self.__dict__.items():
            if key in ("_store", "_lookup", "_hot"):
                continue
            object.__setattr__(new, key, copy.deepcopy(value, memo))
        store = self.__dict__.get("_store")
        object.__setattr__(new, "_store", store)
        if "archstr2index" in new.__dict__:
            object.__setattr__(new, "_lookup", new.archstr2index.get)
        elif store is not None:
            object.__setattr__(new, "_lookup", store.index_of)
        new._set_hot()
        return new

    def _num_evaluated(self):
        d = self.__dict__
        if "evaluated_indexes" not in d and d.get("_store") is not None:
            return d["_store"].num_evaluated()
        return len(self.evaluated_indexes)

    def _fast(self, index):
        """The archive answering for arch `index` (an int), or None if Python objects must."""
        d = self.__dict__
        store = d["_store"]
        if store is None:
            return None
        infos = d.get("arch2infos_dict")
        if infos is None or (type(infos) is _ArchInfos and infos.pristine(index)):
            evs = d.get("evaluated_indexes")
            if evs is None or (type(evs) is set and index in evs):
                return store
        return None

    def _results(self, index, hp):
        """`arch2infos_dict[index][hp]` as the official reads it, without keeping what it builds
        for an arch the archive answers (a fresh object; callers only read it)."""
        store = self._fast(index) if type(index) is int else None
        if store is not None and store.has_arch(index):
            state = store.arch_state(index)
            return _objects().ArchResults.create_from_state_dict(state[hp])
        return self.arch2infos_dict[index][hp]

    def _has(self, index):
        """`index in self.arch2infos_dict`, without building the mapping's entries."""
        if type(index) is int and self._fast(index) is not None:
            return self._store.has_arch(index)
        return index in self.arch2infos_dict

    def _hps(self, index):
        """`list(self.arch2infos_dict[index].keys())` (the arch must be held)."""
        if type(index) is int and self._fast(index) is not None:
            return self._store.hp_keys(index)
        return list(self.arch2infos_dict[index].keys())

    def _all_pristine(self):
        """Whether the archive answers for every architecture (no entry built or changed, and
        `evaluated_indexes`, if built, still the archive's)."""
        d = self.__dict__
        if d["_store"] is None:
            return False
        evs = d.get("evaluated_indexes")
        if evs is not None and not (type(evs) is set and evs == d.get("_evaluated0")):
            return False
        infos = d.get("arch2infos_dict")
        return infos is None or (type(infos) is _ArchInfos and not infos._built and not infos._touched)

    # -- the official NASBenchMetaAPI ----------------------------------------------------------

    def __getitem__(self, index):
        d = self.__dict__
        if type(index) is int and "meta_archs" not in d and d["_store"] is not None:
            n = d["_store"].num_archs()
            i = index + n if index < 0 else index
            if 0 <= i < n:
                return d["_store"].arch_str(i)
        return copy.deepcopy(self.meta_archs[index])

    def arch(self, index):
        """The architecture string of ``index``."""
        if self.verbose:
            print("Call the arch function with index={:}".format(index))
        n = len(self)
        if index < 0 or index >= n:
            raise ValueError("invalid index : {:} vs. {:}.".format(index, n))
        return self[index] if type(index) is int else copy.deepcopy(self.meta_archs[index])

    def __len__(self):
        d = self.__dict__
        if "meta_archs" not in d and d.get("_store") is not None:
            return d["_store"].num_archs()
        return len(self.meta_archs)

    def __repr__(self):
        return "{name}({num}/{total} architectures, fast_mode={fast_mode}, file={filename})".format(
            name=type(self).__name__, num=self._num_evaluated(), total=len(self),
            fast_mode=self.fast_mode, filename=self.filename)

    @property
    def avaliable_hps(self):
        return list(copy.deepcopy(self._avaliable_hps))

    # The official read-only properties, each answering one attribute.
    used_time = _getter("_used_time")
    search_space_name = _getter("_search_space_name")
    fast_mode = _getter("_fast_mode")
    archive_dir = _getter("_archive_dir")
    full_train_epochs = _getter("_full_train_epochs")
    is_size = _getter("_SIZE")
    full_epochs_in_paper = _getter("_EPOCHS")

    @property
    def is_topology(self):
        return not self._SIZE

    def reset_archive_dir(self, archive_dir):
        self._archive_dir = archive_dir

    def reset_fast_mode(self, fast_mode):
        self._fast_mode = fast_mode

    def reset_time(self):
        self._used_time = 0

    def simulate_train_eval(self, arch, dataset, iepoch=None, hp="12", account_time=True):
        """Simulates training ``arch`` on ``dataset``: ``(valid accuracy, latency, time cost,
        total time used)`` from one random trial (``random.choice``; a second one for the time
        when the dataset has no ``valid`` set at that epoch)."""
        index = self.query_index_by_arch(arch)
        names = ("cifar10", "cifar100", "ImageNet16-120")
        if dataset not in names:
            raise ValueError("Invalid dataset name : {:} vs {:}".format(dataset, names))
        info = self.get_more_info(index, "cifar10-valid" if dataset == "cifar10" else dataset,
                                  iepoch=iepoch, hp=hp, is_random=True)
        if "valid-accuracy" in info:
            valid_acc, time_cost = info["valid-accuracy"], info["train-all-time"] + info["valid-per-time"]
        else:
            valid_acc = info["valtest-accuracy"]
            again = self.get_more_info(index, dataset, iepoch=None, hp=hp, is_random=True)
            time_cost = info["train-all-time"] + again["valid-per-time"]
        latency = self.get_latency(index, dataset, hp=hp)
        if account_time:
            self._used_time += time_cost
        return valid_acc, latency, time_cost, self._used_time

    def random(self):
        """A random architecture index (``random.randint`` on Python's global generator)."""
        return random.randint(0, len(self) - 1)

    def reload(self, archive_root=None, index=None):
        """Replaces the entries of ``index`` (every index when None) from the per-arch files of
        ``archive_root`` (default ``$TORCH_HOME/<base>-full``, else ``archive_dir``), read by
        tnb's reader."""
        if self.verbose:
            print("{:} Call clear_params with archive_root={:} and index={:}".format(time_string(), archive_root, index))
        if archive_root is None:
            archive_root = os.path.join(os.environ["TORCH_HOME"], "{:}-full".format(self._all_base_names[-1]))
            if not os.path.isdir(archive_root):
                warnings.warn("The input archive_root is None and the default archive_root path ({:}) does not "
                              "exist, try to use self.archive_dir.".format(archive_root))
                archive_root = self.archive_dir
        if archive_root is None or not os.path.isdir(archive_root):
            raise ValueError("Invalid archive_root : {:}".format(archive_root))
        indexes = list(range(len(self))) if index is None else [index]
        for idx in indexes:
            if not (0 <= idx < len(self)):
                raise ValueError("invalid index of {:}".format(idx))
            path = os.path.join(archive_root, "{:06d}.{:}".format(idx, PICKLE_EXT))
            if not os.path.isfile(path):
                path = os.path.join(archive_root, "{:d}.{:}".format(idx, PICKLE_EXT))
            assert os.path.isfile(path), "invalid data path : {:}".format(path)
            data = pickle_load(path)
            assert isinstance(data, dict), "invalid format of data in {:}".format(path)
            self.evaluated_indexes.add(idx)
            entry = OrderedDict()
            for hp, results in data.items():
                entry[hp] = _objects().ArchResults.create_from_state_dict(results)
                self._avaliable_hps.add(hp)
            self.arch2infos_dict[idx] = entry

    def query_index_by_arch(self, arch):
        """The index of ``arch`` (an index, a string, or an object with ``tostr()``); -1 for a
        string not in the space; ``ValueError`` for an index out of range."""
        if self.verbose:
            print("{:} Call query_index_by_arch with arch={:}".format(time_string(), arch))
        if isinstance(arch, int):
            if 0 <= arch < len(self):
                return arch
            raise ValueError("Invalid architecture index {:} vs [{:}, {:}].".format(arch, 0, len(self)))
        if isinstance(arch, str):
            return self._index_of(arch)
        if hasattr(arch, "tostr"):
            return self._index_of(arch.tostr())
        return -1

    def _index_of(self, name):
        """`archstr2index[name]` if there, else -1 (the official `in` then `[]`)."""
        d = self.__dict__
        if "archstr2index" in d:
            table = d["archstr2index"]
            return table[name] if name in table else -1
        if type(name) is str:
            return self._lookup(name, -1)
        table = self.archstr2index
        return table[name] if name in table else -1

    def query_by_arch(self, arch, hp):
        """``query_info_str_by_arch`` (NAS-Bench-201's name)."""
        return self.query_info_str_by_arch(arch, hp)

    def _prepare_info(self, index):
        """The official fast-mode loader: an index not held is read from ``archive_dir``."""
        if not self._has(index):
            if self.fast_mode and self.archive_dir is not None:
                self.reload(self.archive_dir, index)
            elif not self.fast_mode:
                if self.verbose:
                    print("{:} Call _prepare_info with index={:} skip because it is notthe fast mode."
                          .format(time_string(), index))
            else:
                raise ValueError("Invalid status: fast_mode={:} and archive_dir={:}".format(self.fast_mode, self.archive_dir))
        else:
            if not self._evaluated(index):
                raise ValueError("The index of {:} is not in self.evaluated_indexes, there must be something wrong."
                                 .format(index))
            if self.verbose:
                print("{:} Call _prepare_info with index={:} skip because it is in arch2infos_dict"
                      .format(time_string(), index))

    def _evaluated(self, index):
        """`index in self.evaluated_indexes`."""
        d = self.__dict__
        if "evaluated_indexes" not in d and d.get("_store") is not None and type(index) is int:
            return d["_store"].is_evaluated(index)
        return index in self.evaluated_indexes

    def clear_params(self, index, hp=None):
        """Drops the weights of ``index`` (under ``hp``, or every hp)."""
        if self.verbose:
            print("{:} Call clear_params with index={:} and hp={:}".format(time_string(), index, hp))
        if not self._has(index):
            warnings.warn("The {:}-th architecture is not in the benchmark data yet, no need to clear params."
                          .format(index))
        elif hp is None:
            for result in self.arch2infos_dict[index].values():
                result.clear_params()
        else:
            if str(hp) not in self.arch2infos_dict[index]:
                raise ValueError("The {:}-th architecture only has hyper-parameters of {:} instead of {:}.".format(
                    index, list(self.arch2infos_dict[index].keys()), hp))
            self.arch2infos_dict[index][str(hp)].clear_params()

    def query_info_str_by_arch(self, arch, hp="12"):
        """The multi-line summary of ``arch`` under ``hp`` (None, with a warning, when the
        architecture is not held)."""
        if self.verbose:
            print("{:} Call query_info_str_by_arch with arch={:}and hp={:}".format(time_string(), arch, hp))
        index = self.query_index_by_arch(arch)
        self._prepare_info(index)
        if self._has(index):
            if hp not in self._hps(index):
                raise ValueError("The {:}-th architecture only has hyper-parameters of {:} instead of {:}.".format(
                    index, self._hps(index), hp))
            info = self._results(index, hp)
            lines = _objects().print_information(info, "arch-index={:}".format(index), size=self._SIZE)
            return "\n".join(lines)
        warnings.warn("Find this arch-index : {:}, but this arch is not evaluated.".format(index))
        return None

    def query_meta_info_by_index(self, arch_index, hp="12"):
        """A copy of the ``ArchResults`` of ``arch_index`` under ``hp``."""
        if self.verbose:
            print("Call query_meta_info_by_index with arch_index={:}, hp={:}".format(arch_index, hp))
        self._prepare_info(arch_index)
        if not self._has(arch_index):
            raise ValueError("arch_index [{:}] does not in arch2infos".format(arch_index))
        hps = self._hps(arch_index)
        if str(hp) not in hps:
            raise ValueError("The {:}-th architecture only has hyper-parameters of {:} instead of {:}.".format(
                arch_index, hps, hp))
        store = self._fast(arch_index) if type(arch_index) is int else None
        if store is not None:
            return self._results(arch_index, str(hp))
        return copy.deepcopy(self.arch2infos_dict[arch_index][str(hp)])

    def query_by_index(self, arch_index, dataname=None, hp="12"):
        """The ``ArchResults`` (a copy) of ``arch_index``, or ``{seed: ResultsCount}`` of
        ``dataname``."""
        if self.verbose:
            print("{:} Call query_by_index with arch_index={:}, dataname={:}, hp={:}".format(
                time_string(), arch_index, dataname, hp))
        info = self.query_meta_info_by_index(arch_index, str(hp))
        if dataname is None:
            return info
        if dataname not in info.get_dataset_names():
            raise ValueError("invalid dataset-name : {:} vs. {:}".format(dataname, info.get_dataset_names()))
        return info.query(dataname)

    def find_best(self, dataset, metric_on_set, flop_max=None, param_max=None, hp="12", enforce_all=None):
        """``(index, accuracy)`` of the most accurate architecture on ``metric_on_set`` within
        ``flop_max``/``param_max`` (seed means); ``(-1, None)`` if none. ``enforce_all`` (by
        default: ``fast_mode``) loops every index of the space, else ``evaluated_indexes``."""
        if self.verbose:
            print("{:} Call find_best with dataset={:}, metric_on_set={:}, hp={:} | with #FLOPs < {:} and #Params < {:}"
                  .format(time_string(), dataset, metric_on_set, hp, flop_max, param_max))
        dataset, metric_on_set = remap_dataset_set_names(dataset, metric_on_set, self.verbose)
        best_index, highest = -1, None
        if enforce_all is None:
            enforce_all = True if self.fast_mode else False
        if enforce_all:
            assert self.fast_mode, ("enforce_all can only be set when fast_mode=True; if you are using non-fast-mode, "
                                    "please set it as False")
        if not self.verbose and self._all_pristine():
            # One Rust call over the archive's columns; it declines (None) on anything unusual.
            answer = self._store.find_best(dataset, metric_on_set, flop_max, param_max, hp, bool(enforce_all))
            if answer is not None:
                return answer
        indexes = list(range(len(self))) if enforce_all else sorted(list(self.evaluated_indexes))
        for index in indexes:
            self._prepare_info(index)
            info = self._results(index, hp)
            costs = info.get_compute_costs(dataset)
            if flop_max is not None and costs["flops"] > flop_max:
                continue
            if param_max is not None and costs["params"] > param_max:
                continue
            accuracy = info.get_metrics(dataset, metric_on_set)["accuracy"]
            if best_index == -1:
                best_index, highest = index, accuracy
            elif highest < accuracy:
                best_index, highest = index, accuracy
        if self.verbose:
            if not indexes:
                print("The evaluated_indexes is empty, please fill it before call find_best.")
            else:
                print("  the best architecture : [{:}] {:} with accuracy={:.3f}%".format(
                    best_index, self.arch(best_index), highest))
        return best_index, highest

    def get_net_param(self, index, dataset, seed, hp="12"):
        """The trained weights (None in the benchmark files) of ``index`` on ``dataset``."""
        if self.verbose:
            print("{:} Call the get_net_param function with index={:}, dataset={:}, seed={:}, hp={:}".format(
                time_string(), index, dataset, seed, hp))
        return self.query_meta_info_by_index(index, hp).get_net_param(dataset, seed)

    def get_net_config(self, index, dataset):
        """The network's config on ``dataset`` (from the first hp's first trial)."""
        if self.verbose:
            print("{:} Call the get_net_config function with index={:}, dataset={:}.".format(time_string(), index, dataset))
        self._prepare_info(index)
        if not self._has(index):
            raise ValueError("The arch_index={:} is not in arch2infos_dict.".format(index))
        info = self._results(index, self._hps(index)[0])
        trials = info.query(dataset, None)
        return next(iter(trials.values())).get_config(None)

    def _fast_cost_info(self, index, dataset, hp):
        """``get_cost_info``'s answer from the archive (an int `index` it answers, not verbose),
        else None (the Python steps answer)."""
        if type(index) is int and not self.verbose:
            store = self._fast(index)
            if store is not None:
                return store.cost_info(index, dataset, hp)
        return None

    def get_cost_info(self, index, dataset, hp="12"):
        """FLOPs, params, latency and time costs of ``index`` on ``dataset`` (seed means)."""
        answer = self._fast_cost_info(index, dataset, hp)
        if answer is not None:
            return answer
        if self.verbose:
            print("{:} Call the get_cost_info function with index={:}, dataset={:}, and hp={:}.".format(
                time_string(), index, dataset, hp))
        self._prepare_info(index)
        return self.query_meta_info_by_index(index, hp).get_compute_costs(dataset)

    def get_latency(self, index, dataset, hp="12"):
        """The latency of ``index`` in seconds (``get_cost_info(...)['latency']``)."""
        answer = self._fast_cost_info(index, dataset, hp)
        if answer is not None:
            return answer["latency"]
        if self.verbose:
            print("{:} Call the get_latency function with index={:}, dataset={:}, and hp={:}.".format(
                time_string(), index, dataset, hp))
        return self.get_cost_info(index, dataset, hp)["latency"]

    def show(self, index=-1):
        """Prints the summary of ``index`` (of every architecture for a negative index, where
        the official raises ``KeyError`` after the first header: so does this)."""
        show = _objects().print_information
        if index < 0:
            print(self)
            indexes = sorted(list(self.evaluated_indexes))
            for i, idx in enumerate(indexes):
                print("\n" + "-" * 10 + " The ({:5d}/{:5d}) {:06d}-th architecture! ".format(i, len(indexes), idx)
                      + "-" * 10)
                print("arch : {:}".format(self.meta_archs[idx]))
                for result in self.arch2infos_dict[index].values():
                    self._show_one(show(result, size=self._SIZE), result)
                print("<" * 40 + "------------" + "<" * 40)
        elif 0 <= index < len(self):
            if not self._evaluated(index):
                self._prepare_info(index)
            if not self._evaluated(index):
                print("The {:}-th architecture has not been evaluated or not saved.".format(index))
            else:
                for hp in self._hps(index):
                    result = self._results(index, hp)
                    self._show_one(show(result, size=self._SIZE), result)
                print("<" * 40 + "------------" + "<" * 40)
        else:
            print("This index ({:}) is out of range (0~{:}).".format(index, len(self)))

    @staticmethod
    def _show_one(lines, result):
        print(">" * 40 + " {:03d} epochs ".format(result.get_total_epoch()) + ">" * 40)
        print("\n".join(lines))

    def statistics(self, dataset, hp):
        """``{number of trials: number of architectures}`` on ``dataset`` under ``hp``, over
        ``evaluated_indexes``."""
        if self.verbose:
            print("Call the statistics function with dataset={:} and hp={:}.".format(dataset, hp))
        valid = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"]
        if dataset not in valid:
            raise ValueError("{:} not in {:}".format(dataset, valid))
        hp = str(hp)
        if self._all_pristine() and type(dataset) is str:
            counts = self._store.statistics(dataset, hp)
            if counts is not None:
                return counts
        counts = defaultdict(lambda: 0)
        for index in self.evaluated_indexes:
            seeds = self._results(index, hp).dataset_seed
            counts[len(seeds[dataset]) if dataset in seeds else 0] += 1
        return dict(counts)

    def get_more_info(self, index, dataset, iepoch=None, hp="12", is_random=True):
        """Train/valid/test loss, accuracy and times of ``index`` on ``dataset`` after epoch
        ``iepoch``: of one random trial (``is_random=True``: ``random.choice`` of the seeds),
        the mean over trials (``False``) or of the seed given."""
        hot = self._hot
        if hot is not None and type(index) is int:
            # The whole fast path in one Rust call (the checks, the draw, the answer); it
            # declines (None) before drawing when anything is off.
            answer = hot(index, dataset, iepoch, hp, is_random, random)
            if type(answer) is dict:
                return answer
            if answer is not None:  # (seed,): drawn; the official steps answer
                return _objects().more_info(self._results(index, str(hp)), dataset, iepoch, answer[0], hp, self._SIZE)
        elif type(index) is int and not self.verbose:
            # The same while the archive still answers for `index` (objects built for others).
            d = self.__dict__
            store = d["_store"]
            names = d.get("meta_archs")  # `query_index_by_arch(index)`'s range check
            if store is not None and (names is None or (type(names) is list and 0 <= index < len(names))):
                infos = d.get("arch2infos_dict")
                evs = d.get("evaluated_indexes")
                if (infos is None or (type(infos) is _ArchInfos and infos.pristine(index))) and (
                        evs is None or (type(evs) is set and index in evs)):
                    answer = store.more_info_fast(index, dataset, iepoch, hp, is_random, random)
                    if type(answer) is dict:
                        return answer
                    if answer is not None:  # (seed,): drawn; the official steps answer
                        return _objects().more_info(self._results(index, str(hp)), dataset, iepoch, answer[0],
                                                    hp, self._SIZE)
        if self.verbose:
            print("{:} Call the get_more_info function with index={:}, dataset={:}, iepoch={:}, hp={:}, and is_random={:}."
                  .format(time_string(), index, dataset, iepoch, hp, is_random))
        index = self.query_index_by_arch(index)
        self._prepare_info(index)
        if not self._has(index):
            raise ValueError("Did not find {:} from arch2infos_dict.".format(index))
        key = str(hp)
        if key not in self._hps(index):
            raise KeyError(key)
        store = self._fast(index) if type(index) is int else None
        if store is not None:
            if is_random is True:
                seeds = store.seeds(index, key, dataset) if type(dataset) is str else None
                if seeds is None:  # the official lookup raises what it raises
                    seeds = self._results(index, key).get_dataset_seeds(dataset)
                is_random = random.choice(seeds)
            if type(dataset) is str and (iepoch is None or type(iepoch) is int) and (
                    is_random is False or type(is_random) is int):
                answer = store.more_info(index, key, dataset, iepoch, is_random)
                if answer is not None:
                    return answer
            return _objects().more_info(self._results(index, key), dataset, iepoch, is_random, hp, self._SIZE)
        archresult = self.arch2infos_dict[index][key]
        if isinstance(is_random, bool) and is_random:
            is_random = random.choice(archresult.get_dataset_seeds(dataset))
        return _objects().more_info(archresult, dataset, iepoch, is_random, hp, self._SIZE)

    # -- beyond the official class --------------------------------------------------------------

    def metric_array(self, dataset, setname, metric="accuracy", iepoch=None, hp="12", is_random=False):
        """numpy float64 array over every architecture index (``len(api)``) of
        ``query_meta_info_by_index(i, hp).get_metrics(dataset, setname, iepoch, is_random)[metric]``
        (``metric``: ``loss``, ``accuracy``, ``cur_time``, ``all_time`` or ``iepoch``), NaN for an
        architecture not held or a None value. Errors are the per-architecture call's. With
        ``is_random=True``, one ``random.randint`` per architecture, in index order."""
        return _common.metric_array(self, self._results, dataset, setname, metric, iepoch, hp, is_random)

    def cost_array(self, dataset, metric="flops", hp="12"):
        """numpy float64 array over every architecture index of
        ``get_cost_info(i, dataset, hp)[metric]`` (NaN where not held or None)."""
        return _common.cost_array(self, self._results, dataset, metric, hp)

    def to_pandas(self, hp="12", iepoch=None):
        """One row per architecture index with ``arch``, then per dataset (seed means):
        ``flops``, ``params``, ``latency`` and ``<set>-loss``/``<set>-accuracy`` of every set.
        Columns are a two-level ``MultiIndex`` ``(dataset, name)``; ``('arch', '')`` first.
        Imports pandas."""
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
            except (KeyError, ValueError, TypeError):
                continue
            for setname in names:
                for metric in ("loss", "accuracy"):
                    try:
                        columns[(dataset, "{}-{}".format(setname, metric))] = self.metric_array(
                            dataset, setname, metric, iepoch, hp, False)
                    except (KeyError, ValueError, TypeError):
                        pass
        frame = pd.DataFrame(columns, index=pd.RangeIndex(n, name="index"))
        frame.columns = pd.MultiIndex.from_tuples(list(columns))
        return frame


class NATStopology(_NATS):
    """NATS-Bench's topology search space (``nats_bench.NATStopology`` v1.8): 15625 cells, hp
    ``'12'`` and ``'200'``. ``NATStopology(file_path_or_dict=None, fast_mode=False,
    verbose=True)``: see the module's docstring for the sources and ``fast_mode``."""

    _BASE = "NATS-tss-v1_0-3ffb9"
    _SPACE = "topology"
    _EPOCHS = 200
    _SIZE = False
    _FAMILY = "tss"

    def get_unique_str(self, arch):
        """The isomorphism key of ``arch`` (``to_unique_str(consider_zero=True)``)."""
        index = self.query_index_by_arch(arch)
        return _objects().unique_str(self[index] if type(index) is int else self.meta_archs[index])

    @staticmethod
    def str2lists(arch_str):
        """The architecture as a list (one per node) of tuples ``(op, input node)``."""
        nodes = []
        for part in arch_str.split("+"):
            inputs = list(filter(lambda x: x != "", part.split("|")))
            for item in inputs:
                assert len(item.split("~")) == 2, "invalid input length : {:}".format(item)
            nodes.append(tuple((op, int(i)) for (op, i) in (item.split("~") for item in inputs)))
        return nodes

    @staticmethod
    def str2matrix(arch_str, search_space=("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")):
        """The architecture as a square float64 matrix: ``m[node, input]`` = the op's index."""
        import numpy as np

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


class NATSsize(_NATS):
    """NATS-Bench's size search space (``nats_bench.NATSsize`` v1.8): 32768 channel
    configurations, hp ``'01'``, ``'12'`` and ``'90'``. ``NATSsize(file_path_or_dict=None,
    fast_mode=False, verbose=True)``: see the module's docstring."""

    _BASE = "NATS-sss-v1_0-50262"
    _SPACE = "size"
    _EPOCHS = 90
    _SIZE = True
    _FAMILY = "sss"


def _is_archive(path):
    """Whether the file at `path` starts with tnb's magic bytes."""
    try:
        with open(path, "rb") as f:
            return f.read(len(_MAGIC)) == _MAGIC
    except OSError:
        return False


def _open_store(path, family):
    """The NATS archive behind `path` (a tnb archive mapped, a folder or a single file converted
    in memory), checked to hold `family`'s space."""
    from tnb import _tnb

    cls = getattr(_tnb, "NatsStore", None)
    if cls is None:
        raise NotImplementedError("this build of tnb has no NATS-Bench reader (open a dict instead)")
    return cls(path, family)


_LATER = frozenset(("ArchResults", "ResultsCount", "print_information"))


def __getattr__(name):
    if name in _LATER:
        value = getattr(_objects(), name)
        globals()[name] = value
        return value
    raise AttributeError("module {!r} has no attribute {!r}".format(__name__, name))
