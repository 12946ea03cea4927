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

import collections
import collections.abc
import io
import os
import pickle
import struct
import sys
from collections import OrderedDict, defaultdict

import numpy as np


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
# Reading torch files without executing them (for `reload` and `create_from_state_dict(path)`,
# whose per-architecture files the archive converter does not take).


def _scalar(dtype, raw=b""):
    if isinstance(raw, str):
        raw = raw.encode("latin-1")
    return np.frombuffer(raw, dtype=dtype, count=1)[0]


def _encode(text, encoding="utf-8"):
    if encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError("_codecs.encode with encoding {!r} refused".format(encoding))
    return text.encode("latin-1")


_ALLOWED = {
    ("collections", "OrderedDict"): OrderedDict,
    ("_codecs", "encode"): _encode,
    ("numpy.core.multiarray", "scalar"): _scalar,
    ("numpy._core.multiarray", "scalar"): _scalar,
    ("numpy", "dtype"): np.dtype,
}


class _Tensor:
    """A tensor of a torch file: a numpy array once its storage bytes are known."""

    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def array(self):
        dtype, raw = self.storage
        flat = np.frombuffer(raw, dtype=dtype)
        item = flat.itemsize
        return np.lib.stride_tricks.as_strided(
            flat[self.offset:], shape=self.size, strides=[s * item for s in self.stride]
        ).copy()


_STORAGE_DTYPES = {
    "FloatStorage": "<f4", "DoubleStorage": "<f8", "HalfStorage": "<f2", "LongStorage": "<i8",
    "IntStorage": "<i4", "ShortStorage": "<i2", "CharStorage": "i1", "ByteStorage": "u1",
    "BoolStorage": "?",
}


class _Unpickler(pickle.Unpickler):
    """Builds only the handful of globals a benchmark file names; anything else is refused."""

    def __init__(self, file, storages):
        super().__init__(file)
        self._storages = storages

    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return _ALLOWED[(module, name)]
        if module == "torch" and name in _STORAGE_DTYPES:
            return _STORAGE_DTYPES[name]
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return lambda storage, offset, size, stride, *rest: _Tensor(storage, offset, size, stride)
        raise pickle.UnpicklingError("refused global {}.{} (nothing is executed)".format(module, name))

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) >= 3 and pid[0] == "storage"):
            raise pickle.UnpicklingError("unknown persistent id {!r}".format(pid))
        return self._storages.setdefault(str(pid[2]), [pid[1], None])


def _tensors(obj, memo):
    """`obj` with its tensors as numpy arrays (containers rebuilt once each)."""
    if isinstance(obj, _Tensor):
        return obj.array()
    if id(obj) in memo:
        return memo[id(obj)]
    if isinstance(obj, dict):
        out = type(obj)()
        memo[id(obj)] = out
        for k, v in obj.items():
            out[k] = _tensors(v, memo)
        return out
    if isinstance(obj, list):
        out = []
        memo[id(obj)] = out
        out.extend(_tensors(v, memo) for v in obj)
        return out
    if isinstance(obj, tuple):
        return tuple(_tensors(v, memo) for v in obj)
    return obj


def load_pth(path):
    """The object a torch file (legacy or zip) or bare pickle holds, read without executing
    anything: only numpy scalars, dtypes, ``OrderedDict`` and tensors (as numpy arrays) are
    built. What ``torch.load`` gives for NAS-Bench-201's files, minus the torch types."""
    with open(path, "rb") as f:
        data = f.read()
    storages = {}
    if data[:4] == b"PK\x03\x04":
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = [n for n in z.namelist() if n == "data.pkl" or n.endswith("/data.pkl")]
            if len(names) != 1:
                raise pickle.UnpicklingError("{}: expected one data.pkl".format(path))
            prefix = names[0][: -len("data.pkl")]
            obj = _Unpickler(io.BytesIO(z.read(names[0])), storages).load()
            for key, entry in storages.items():
                entry[1] = z.read("{}data/{}".format(prefix, key))
        return _tensors(obj, {})
    stream = io.BytesIO(data)
    first = _Unpickler(stream, storages).load()
    if type(first) is not int or first != 0x1950A86A20F9469CFC6C:
        return _tensors(first, {})
    _Unpickler(stream, storages).load()  # protocol version
    _Unpickler(stream, storages).load()  # sys_info
    obj = _Unpickler(stream, storages).load()
    for key in _Unpickler(stream, storages).load():
        (count,) = struct.unpack("<q", stream.read(8))
        entry = storages[str(key)]
        entry[1] = stream.read(count * np.dtype(entry[0]).itemsize)
    return _tensors(obj, {})


# ---------------------------------------------------------------------------------------------
# The official classes' behaviour over Python objects


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


def print_information(information, extra_info=None, show=False):
    """The summary lines of an ``ArchResults`` (``query_info_str_by_arch``, ``show``)."""
    names = information.get_dataset_names()
    lines = [information.arch_str, "datasets : {:}, extra-info : {:}".format(names, extra_info)]

    def both(loss, acc):
        return "loss = {:.3f}, top1 = {:.2f}%".format(loss, acc)

    for dataset in names:
        costs = information.get_compute_costs(dataset)
        flop, param, latency = costs["flops"], costs["params"], costs["latency"]
        shown = "{:.2f}".format(latency * 1000) if latency is not None and latency > 0 else None
        first = "{:14s} FLOP={:6.2f} M, Params={:.3f} MB, latency={:} ms.".format(dataset, flop, param, shown)
        train = information.get_metrics(dataset, "train")
        if dataset == "cifar10-valid":
            valid = information.get_metrics(dataset, "x-valid")
            second = "{:14s} train : [{:}], valid : [{:}]".format(
                dataset, both(train["loss"], train["accuracy"]), both(valid["loss"], valid["accuracy"]))
        elif dataset == "cifar10":
            test = information.get_metrics(dataset, "ori-test")
            second = "{:14s} train : [{:}], test  : [{:}]".format(
                dataset, both(train["loss"], train["accuracy"]), both(test["loss"], test["accuracy"]))
        else:
            valid = information.get_metrics(dataset, "x-valid")
            test = information.get_metrics(dataset, "x-test")
            second = "{:14s} train : [{:}], valid : [{:}], test : [{:}]".format(
                dataset, both(train["loss"], train["accuracy"]), both(valid["loss"], valid["accuracy"]),
                both(test["loss"], test["accuracy"]))
        lines += [first, second]
    if show:
        print("\n".join(lines))
    return lines


class ResultsCount(object):
    """One training run of one architecture on one dataset (the official ``ResultsCount``)."""

    def __init__(self, name, state_dict, train_accs, train_losses, params, flop, arch_config, seed,
                 epochs, latency):
        # The attribute order is the official one: `state_dict()` lists them in this order.
        self.name = name
        self.net_state_dict = state_dict
        self.train_acc1es = copy.deepcopy(train_accs)
        self.train_acc5es = None
        self.train_losses = copy.deepcopy(train_losses)
        self.train_times = None
        self.arch_config = copy.deepcopy(arch_config)
        self.params = params
        self.flop = flop
        self.seed = seed
        self.epochs = epochs
        self.latency = latency
        self.reset_eval()

    def update_train_info(self, train_acc1es, train_acc5es, train_losses, train_times) -> None:
        self.train_acc1es = train_acc1es
        self.train_acc5es = train_acc5es
        self.train_losses = train_losses
        self.train_times = train_times

    def reset_pseudo_train_times(self, estimated_per_epoch_time) -> None:
        """Every epoch's training time set to ``estimated_per_epoch_time``."""
        times = OrderedDict()
        for i in range(self.epochs):
            times[i] = estimated_per_epoch_time
        self.train_times = times

    def reset_pseudo_eval_times(self, eval_name, estimated_per_epoch_time) -> None:
        """Every epoch's evaluation time on ``eval_name`` set to ``estimated_per_epoch_time``."""
        if eval_name not in self.eval_names:
            raise ValueError("invalid eval name : {:}".format(eval_name))
        for i in range(self.epochs):
            self.eval_times["{:}@{:}".format(eval_name, i)] = estimated_per_epoch_time

    def reset_eval(self):
        self.eval_names = []
        self.eval_acc1es = {}
        self.eval_times = {}
        self.eval_losses = {}

    def update_latency(self, latency):
        self.latency = copy.deepcopy(latency)

    def get_latency(self) -> float:
        """Seconds (the mean of the measured latencies), ``-1.0`` when there are none."""
        if self.latency is None:
            return -1.0
        return sum(self.latency) / len(self.latency)

    def update_eval(self, accs, losses, times):
        names = set([key.split("@")[0] for key in accs.keys()])
        for name in names:
            assert name not in self.eval_names, "{:} has already been added into eval-names".format(name)
            self.eval_names.append(name)
            for i in range(self.epochs):
                key = "{:}@{:}".format(name, i)
                self.eval_acc1es[key] = accs[key]
                self.eval_losses[key] = losses[key]
                self.eval_times[key] = times[key]

    def update_OLD_eval(self, name, accs, losses):
        assert name not in self.eval_names, "{:} has already added".format(name)
        self.eval_names.append(name)
        for i in range(self.epochs):
            if i in accs:
                self.eval_acc1es["{:}@{:}".format(name, i)] = accs[i]
                self.eval_losses["{:}@{:}".format(name, i)] = losses[i]

    def __repr__(self):
        count = len(self.eval_names)
        sets = "[" + ", ".join(self.eval_names) + "]"
        return "{name}({xname}, arch={arch}, FLOP={flop:.2f}M, Param={param:.3f}MB, seed={seed}, {num_eval} eval-sets: {set_name})".format(
            name=self.__class__.__name__, xname=self.name, arch=self.arch_config["arch_str"],
            flop=self.flop, param=self.params, seed=self.seed, num_eval=count, set_name=sets)

    def get_total_epoch(self):
        return copy.deepcopy(self.epochs)

    def get_times(self):
        """Training and evaluation times: per epoch (numpy mean) and total (numpy sum)."""
        if self.train_times is not None and isinstance(self.train_times, dict):
            values = list(self.train_times.values())
            info = {"T-train@epoch": np.mean(values), "T-train@total": np.sum(values)}
        else:
            info = {"T-train@epoch": None, "T-train@total": None}
        for name in self.eval_names:
            try:
                values = [self.eval_times["{:}@{:}".format(name, i)] for i in range(self.epochs)]
                info["T-{:}@epoch".format(name)] = np.mean(values)
                info["T-{:}@total".format(name)] = np.sum(values)
            except:  # noqa: E722 - the official class swallows every error here
                info["T-{:}@epoch".format(name)] = None
                info["T-{:}@total".format(name)] = None
        return info

    def get_eval_set(self):
        return self.eval_names

    def get_train(self, iepoch=None):
        """Loss, accuracy and times of training after epoch ``iepoch`` (the last by default)."""
        if iepoch is None:
            iepoch = self.epochs - 1
        assert 0 <= iepoch < self.epochs, "invalid iepoch={:} < {:}".format(iepoch, self.epochs)
        if self.train_times is not None:
            cur = self.train_times[iepoch]
            total = sum([self.train_times[i] for i in range(iepoch + 1)])
        else:
            cur, total = None, None
        return {"iepoch": iepoch, "loss": self.train_losses[iepoch],
                "accuracy": self.train_acc1es[iepoch], "cur_time": cur, "all_time": total}

    def get_eval(self, name, iepoch=None):
        """The same on the evaluation set ``name`` (``'valid'`` means ``'x-valid'``)."""
        if iepoch is None:
            iepoch = self.epochs - 1
        assert 0 <= iepoch < self.epochs, "invalid iepoch={:} < {:}".format(iepoch, self.epochs)
        if name == "valid":
            name = "x-valid"
        times = self.eval_times
        if isinstance(times, dict) and len(times) > 0:
            cur = times["{:}@{:}".format(name, iepoch)]
            total = sum([times["{:}@{:}".format(name, i)] for i in range(iepoch + 1)])
        else:
            cur, total = None, None
        key = "{:}@{:}".format(name, iepoch)
        return {"iepoch": iepoch, "loss": self.eval_losses[key], "accuracy": self.eval_acc1es[key],
                "cur_time": cur, "all_time": total}

    def get_net_param(self, clone=False):
        if clone:
            return copy.deepcopy(self.net_state_dict)
        return self.net_state_dict

    def get_config(self, str2structure):
        """The network's config dict (``str2structure`` turns the arch string into a genotype)."""
        c = self.arch_config
        if "name" in c and c["name"] == "infer.shape.tiny":
            genotype = c["genotype"] if str2structure is None else str2structure(c["genotype"])
            return {"name": "infer.shape.tiny", "channels": c["channels"], "genotype": genotype,
                    "num_classes": c["class_num"]}
        if str2structure is None:
            return {"name": "infer.tiny", "C": c["channel"], "N": c["num_cells"],
                    "arch_str": c["arch_str"], "num_classes": c["class_num"]}
        return {"name": "infer.tiny", "C": c["channel"], "N": c["num_cells"],
                "genotype": str2structure(c["arch_str"]), "num_classes": c["class_num"]}

    def state_dict(self):
        return {key: value for key, value in self.__dict__.items()}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)

    @staticmethod
    def create_from_state_dict(state_dict):
        x = ResultsCount(None, None, None, None, None, None, None, None, None, None)
        x.load_state_dict(state_dict)
        return x


class ArchResults(object):
    """Every run of one architecture under one hyper-parameter set (the official
    ``ArchResults``): ``all_results[(dataset, seed)]`` is a ``ResultsCount``."""

    def __init__(self, arch_index, arch_str):
        self.arch_index = int(arch_index)
        self.arch_str = copy.deepcopy(arch_str)
        self.all_results = dict()
        self.dataset_seed = dict()
        self.clear_net_done = False

    def _runs(self, dataset):
        seeds = self.dataset_seed[dataset]
        return seeds, [self.all_results[(dataset, seed)] for seed in seeds]

    def get_compute_costs(self, dataset):
        """FLOPs, parameters, latency and times on ``dataset``, each the numpy mean over seeds."""
        _, runs = self._runs(dataset)
        flops = [r.flop for r in runs]
        params = [r.params for r in runs]
        latencies = [x for x in [r.get_latency() for r in runs] if x > 0]
        latency = np.mean(latencies) if len(latencies) > 0 else None
        times = defaultdict(list)
        for r in runs:
            for key, value in r.get_times().items():
                times[key].append(value)
        info = {"flops": np.mean(flops), "params": np.mean(params), "latency": latency}
        for key, values in times.items():
            info[key] = np.mean(values) if len(values) > 0 and values[0] is not None else None
        return info

    def get_metrics(self, dataset, setname, iepoch=None, is_random=False):
        """Loss, accuracy and times on ``setname`` after epoch ``iepoch``: of one random seed
        (``is_random=True``), the numpy mean over seeds (``False``) or of the seed given."""
        seeds, runs = self._runs(dataset)
        infos = defaultdict(list)
        for r in runs:
            info = r.get_train(iepoch) if setname == "train" else r.get_eval(setname, iepoch)
            for key, value in info.items():
                infos[key].append(value)
        out = dict()
        if isinstance(is_random, bool) and is_random:
            pick = random.randint(0, len(runs) - 1)
            for key, values in infos.items():
                out[key] = values[pick]
        elif isinstance(is_random, bool) and not is_random:
            for key, values in infos.items():
                out[key] = np.mean(values) if len(values) > 0 and values[0] is not None else None
        elif isinstance(is_random, int):
            if is_random not in seeds:
                raise ValueError("can not find random seed ({:}) from {:}".format(is_random, seeds))
            pick = seeds.index(is_random)
            for key, values in infos.items():
                out[key] = values[pick]
        else:
            raise ValueError("invalid value for is_random: {:}".format(is_random))
        return out

    def show(self, is_print=False):
        # The official method names a function its module does not define.
        raise _name_error("print_information")

    def get_dataset_names(self):
        return list(self.dataset_seed.keys())

    def get_dataset_seeds(self, dataset):
        return copy.deepcopy(self.dataset_seed[dataset])

    def get_net_param(self, dataset, seed=None):
        """The trained weights (``None`` in the benchmark files): ``{seed: weights}`` for every
        seed of ``dataset`` when ``seed`` is None."""
        if seed is None:
            return {s: self.all_results[(dataset, s)].get_net_param() for s in self.dataset_seed[dataset]}
        key = (dataset, seed)
        if key in self.all_results:
            return self.all_results[key].get_net_param()
        raise ValueError("key={:} not in {:}".format(key, list(self.all_results.keys())))

    def reset_latency(self, dataset, seed, latency) -> None:
        if seed is None:
            for s in self.dataset_seed[dataset]:
                self.all_results[(dataset, s)].update_latency([latency])
        else:
            self.all_results[(dataset, seed)].update_latency([latency])

    def reset_pseudo_train_times(self, dataset, seed, estimated_per_epoch_time) -> None:
        if seed is None:
            for s in self.dataset_seed[dataset]:
                self.all_results[(dataset, s)].reset_pseudo_train_times(estimated_per_epoch_time)
        else:
            self.all_results[(dataset, seed)].reset_pseudo_train_times(estimated_per_epoch_time)

    def reset_pseudo_eval_times(self, dataset, seed, eval_name, estimated_per_epoch_time) -> None:
        if seed is None:
            for s in self.dataset_seed[dataset]:
                self.all_results[(dataset, s)].reset_pseudo_eval_times(eval_name, estimated_per_epoch_time)
        else:
            self.all_results[(dataset, seed)].reset_pseudo_eval_times(eval_name, estimated_per_epoch_time)

    def get_latency(self, dataset) -> float:
        """The mean latency over seeds (Python ``sum``); ``ValueError`` if one is missing."""
        latencies = []
        for seed in self.dataset_seed[dataset]:
            latency = self.all_results[(dataset, seed)].get_latency()
            if not isinstance(latency, float) or latency <= 0:
                raise ValueError("invalid latency of {:} with seed={:} : {:}".format(dataset, seed, latency))
            latencies.append(latency)
        return sum(latencies) / len(latencies)

    def get_total_epoch(self, dataset=None):
        if dataset is None:
            epochs = []
            for name, seeds in self.dataset_seed.items():
                epochs += [self.all_results[(name, s)].get_total_epoch() for s in seeds]
        elif isinstance(dataset, str):
            epochs = [self.all_results[(dataset, s)].get_total_epoch() for s in self.dataset_seed[dataset]]
        else:
            raise ValueError("invalid dataset={:}".format(dataset))
        if len(set(epochs)) > 1:
            raise ValueError("Each trial mush have the same number of training epochs : {:}".format(epochs))
        return epochs[-1]

    def query(self, dataset, seed=None):
        """The ``ResultsCount`` of ``(dataset, seed)``, or ``{seed: ResultsCount}``."""
        if seed is None:
            return {s: self.all_results[(dataset, s)] for s in self.dataset_seed[dataset]}
        return self.all_results[(dataset, seed)]

    def arch_idx_str(self):
        return "{:06d}".format(self.arch_index)

    def update(self, dataset_name, seed, result):
        if dataset_name not in self.dataset_seed:
            self.dataset_seed[dataset_name] = []
        assert seed not in self.dataset_seed[dataset_name], \
            "{:}-th arch alreadly has this seed ({:}) on {:}".format(self.arch_index, seed, dataset_name)
        self.dataset_seed[dataset_name].append(seed)
        self.dataset_seed[dataset_name] = sorted(self.dataset_seed[dataset_name])
        assert (dataset_name, seed) not in self.all_results
        self.all_results[(dataset_name, seed)] = result
        self.clear_net_done = False

    def state_dict(self):
        out = dict()
        for key, value in self.__dict__.items():
            if key == "all_results":
                runs = dict()
                assert isinstance(value, dict), "invalid type of value for {:} : {:}".format(key, type(value))
                for k, v in value.items():
                    assert isinstance(v, ResultsCount), \
                        "invalid type of value for {:}/{:} : {:}".format(key, k, type(v))
                    runs[k] = v.state_dict()
                value = runs
            out[key] = value
        return out

    def load_state_dict(self, state_dict):
        new = dict()
        for key, value in state_dict.items():
            if key == "all_results":
                assert isinstance(value, dict), "invalid type of value for {:} : {:}".format(key, type(value))
                value = {k: ResultsCount.create_from_state_dict(v) for k, v in value.items()}
            new[key] = value
        self.__dict__.update(new)

    @staticmethod
    def create_from_state_dict(state_dict_or_file):
        x = ArchResults(-1, -1)
        if isinstance(state_dict_or_file, str):
            state = load_pth(state_dict_or_file)
        elif isinstance(state_dict_or_file, dict):
            state = state_dict_or_file
        else:
            raise ValueError("invalid type of state_dict_or_file : {:}".format(type(state_dict_or_file)))
        x.load_state_dict(state)
        return x

    def clear_params(self):
        """Drops the weights of every run (``net_state_dict`` re-added as None, last)."""
        for result in self.all_results.values():
            del result.net_state_dict
            result.net_state_dict = None
        self.clear_net_done = True

    def debug_test(self):
        for dataset in ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"]:
            print("---->>>> {:}".format(dataset))
            print("The latency on {:} is {:} s".format(dataset, self.get_latency(dataset)))
            for seed in self.dataset_seed[dataset]:
                result = self.all_results[(dataset, seed)]
                print("  ==>> result = {:}".format(result))
                print("  ==>> cost = {:}".format(result.get_times()))

    def __repr__(self):
        return "{name}(arch-index={index}, arch={arch}, {num} runs, clear={clear})".format(
            name=self.__class__.__name__, index=self.arch_index, arch=self.arch_str,
            num=len(self.all_results), clear=self.clear_net_done)


# ---------------------------------------------------------------------------------------------
# The lazy arch2infos_dict


class _ArchInfos(collections.abc.MutableMapping):
    """``arch2infos_dict`` of an object opened from a file: index -> ``OrderedDict`` of hp
    (``'12'``, ``'200'``) -> ``ArchResults``, in ascending index order as the official class
    builds it. An architecture's entry is built from the archive when first read and kept;
    the API answers an architecture from the archive only while its entry has not been built,
    replaced or deleted."""

    def __init__(self, store):
        self._store = store
        self._keys = None  # dict of the keys in order once the key set has been needed
        self._built = {}
        self._touched = set()

    def _key_dict(self):
        if self._keys is None:
            self._keys = dict.fromkeys(self._store.arch_keys())
        return self._keys

    def pristine(self, index):
        """Whether the archive still answers for arch `index` (an int key of the archive)."""
        return index not in self._built and index not in self._touched

    def _build(self, key):
        state = self._store.arch_state(key)
        entry = OrderedDict()
        entry["12"] = ArchResults.create_from_state_dict(state["less"])
        entry["200"] = ArchResults.create_from_state_dict(state["full"])
        return entry

    def __getitem__(self, key):
        try:
            return self._built[key]
        except KeyError:
            pass
        if key not in self._key_dict():
            raise KeyError(key)
        if key in self._touched:
            raise KeyError(key)
        # The archive's own int key (True and 1.0 find the key 1, as in a dict).
        for k in (key,):
            stored = next(x for x in self._keys if x == k and hash(x) == hash(k))
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
        stored = next(x for x in keys if x == key and hash(x) == hash(key))
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
        new = _ArchInfos(self._store)
        memo[id(self)] = new
        new._keys = copy.deepcopy(self._keys, memo)
        new._built = copy.deepcopy(self._built, memo)
        new._touched = set(self._touched)
        return new


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
            hp2["12"] = ArchResults.create_from_state_dict(entry["less"])
            hp2["200"] = ArchResults.create_from_state_dict(entry["full"])
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
            return ArchResults.create_from_state_dict(state["less" if hp == "12" else "full"])
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
                n = self.__dict__.get("_n")
                if n is not None and "meta_archs" not in self.__dict__ and 0 <= arch < n:
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
            data = load_pth(path)
            assert isinstance(data, dict) and "full" in data and "less" in data, \
                "invalid format of data in {:}".format(path)
            entry = OrderedDict()
            entry["12"] = ArchResults.create_from_state_dict(data["less"])
            entry["200"] = ArchResults.create_from_state_dict(data["full"])
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
            return "\n".join(print_information(info, "arch-index={:}".format(index)))
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
        lines = print_information(result)
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
            if store is not None and "meta_archs" not in d:
                infos = d.get("arch2infos_dict")
                if infos is None or (type(infos) is _ArchInfos and infos.pristine(index)):
                    answer = store.more_info_fast(index, dataset, iepoch, hp, is_random, random.choice)
                    if type(answer) is dict:
                        return answer
                    if answer is not None:  # (seed,): drawn; the official steps answer
                        return _more_info(self._arch_results(index, hp), dataset, iepoch, answer[0])
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
            return _more_info(self._arch_results(index, hp), dataset, iepoch, is_random)
        if index not in self.arch2infos_dict:
            raise ValueError("Did not find {:} from arch2infos_dict.".format(index))
        archresult = self.arch2infos_dict[index][str(hp)]
        if isinstance(is_random, bool) and is_random:
            is_random = random.choice(archresult.get_dataset_seeds(dataset))
        return _more_info(archresult, dataset, iepoch, is_random)

    # -- beyond the official class --------------------------------------------------------------

    def metric_array(self, dataset, setname, metric="accuracy", iepoch=None, hp="12", is_random=False):
        """numpy float64 array over every architecture index (``len(api)``):
        ``query_meta_info_by_index(i, hp).get_metrics(dataset, setname, iepoch, is_random)[metric]``
        (``metric`` one of ``loss``, ``accuracy``, ``cur_time``, ``all_time``, ``iepoch``), NaN
        for an architecture that is not evaluated or a value that is None. Errors are the
        per-architecture call's. Answered by Rust from an archive with ``is_random`` False or a
        seed; with ``is_random=True`` one ``random.randint`` per architecture, in index order."""
        n = len(self)
        if (self._all_pristine() and "meta_archs" not in self.__dict__ and type(dataset) is str
                and type(setname) is str and type(metric) is str and type(hp) is str
                and (iepoch is None or type(iepoch) is int) and (is_random is False or type(is_random) is int)):
            values = self._store.metric_array(dataset, setname, metric, iepoch, hp, is_random)
            if values is not None:
                return np.frombuffer(values, dtype=np.float64).copy()
        out = np.empty(n, dtype=np.float64)
        for i in range(n):
            if not self._has(i):
                out[i] = np.nan
                continue
            value = self._entry_hp(i, hp).get_metrics(dataset, setname, iepoch, is_random)[metric]
            out[i] = np.nan if value is None else value
        return out

    def cost_array(self, dataset, metric="flops", hp="12"):
        """numpy float64 array over every architecture index of
        ``get_cost_info(i, dataset, hp)[metric]`` (NaN where not evaluated or None)."""
        n = len(self)
        if (self._all_pristine() and "meta_archs" not in self.__dict__ and type(dataset) is str
                and type(metric) is str and type(hp) is str):
            values = self._store.cost_array(dataset, metric, hp)
            if values is not None:
                return np.frombuffer(values, dtype=np.float64).copy()
        out = np.empty(n, dtype=np.float64)
        for i in range(n):
            if not self._has(i):
                out[i] = np.nan
                continue
            value = self._entry_hp(i, hp).get_compute_costs(dataset)[metric]
            out[i] = np.nan if value is None else value
        return out

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


def _more_info(archresult, dataset, iepoch, is_random):
    """`get_more_info` after the seed is drawn, over Python objects (the official steps)."""
    train = archresult.get_metrics(dataset, "train", iepoch=iepoch, is_random=is_random)
    total = train["iepoch"] + 1
    info = {"train-loss": train["loss"], "train-accuracy": train["accuracy"],
            "train-per-time": train["all_time"] / total if train["all_time"] is not None else None,
            "train-all-time": train["all_time"]}
    if dataset == "cifar10-valid":
        valid = archresult.get_metrics(dataset, "x-valid", iepoch=iepoch, is_random=is_random)
        try:
            test = archresult.get_metrics(dataset, "ori-test", iepoch=iepoch, is_random=is_random)
        except:  # noqa: E722 - the official class swallows every error here
            test = None
        valtest = None
    else:
        try:
            test = archresult.get_metrics(dataset, "ori-test" if dataset == "cifar10" else "x-test",
                                          iepoch=iepoch, is_random=is_random)
        except:  # noqa: E722
            test = None
        try:
            valid = archresult.get_metrics(dataset, "x-valid", iepoch=iepoch, is_random=is_random)
        except:  # noqa: E722
            valid = None
        try:
            valtest = (archresult.get_metrics(dataset, "ori-test", iepoch=iepoch, is_random=is_random)
                       if dataset != "cifar10" else None)
        except:  # noqa: E722
            valtest = None
    for prefix, part in (("valid", valid), ("test", test), ("valtest", valtest)):
        if part is not None:
            info[prefix + "-loss"] = part["loss"]
            info[prefix + "-accuracy"] = part["accuracy"]
            info[prefix + "-per-time"] = part["all_time"] / total if part["all_time"] is not None else None
            info[prefix + "-all-time"] = part["all_time"]
    return info


def _open_store(path):
    """The archive behind `path` (an NB201 archive mapped, or a `.pth` converted in memory)."""
    from tnb import _tnb

    return _tnb.NB201Store(path)
