"""The official ``ArchResults`` and ``ResultsCount`` classes (and ``print_information``, and the
non-executing ``load_pth``) of ``tnb.nas201``, which imports this module on first use (a first
``tnb.NASBench201API(path)`` need not compile them). Read them as ``tnb.nas201.ArchResults``...:
their ``__module__`` says so, and pickles name them there."""

import copy
import io
import pickle
import random
import struct
from collections import OrderedDict, defaultdict

import numpy as np

from tnb.nas201 import _name_error

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


for _cls in (ResultsCount, ArchResults):
    _cls.__module__ = "tnb.nas201"
for _fn in (print_information, load_pth):
    _fn.__module__ = "tnb.nas201"
del _cls, _fn
