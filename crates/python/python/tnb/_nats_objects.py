"""NATS-Bench's ``ArchResults`` and ``ResultsCount`` (the ``nats_bench`` v1.8 variants), its two
``print_information`` functions and the topology-cell isomorphism key, for ``tnb.nats``, which
imports this module on first use. Read them as ``tnb.nats.ArchResults``...: their ``__module__``
says so.

v1.8 differs from NAS-Bench-201's v2.1 classes (``tnb._nb201_objects``) in: averages are Python
``sum(x) / len(x)`` (not numpy means), ``get_compute_costs`` keeps only seed 888's flops/params
when the seeds disagree at 5 decimals, bad epochs and missing eval-time keys raise ``ValueError``,
``ArchResults.update``/``state_dict`` raise ``ValueError`` where v2.1 asserts, there is no
``ArchResults.show``, and ``create_from_state_dict(path)`` reads a ``.pickle.pbz2`` (with tnb's
reader: nothing in it is executed).
"""

import copy
import random
from collections import OrderedDict, defaultdict


def _avg(values):
    """The official ``mean``: Python's ``sum`` over the list divided by its length."""
    return sum(values) / len(values)


def _legacy_fix(values, seeds):
    """``get_compute_costs``'s flops/params rule (v1.6): seeds disagreeing at 5 decimals keep
    only seed 888's value (``ValueError`` from ``list.index`` when 888 is absent)."""
    if len(values) > 1 and len(set("{:.5f}".format(x) for x in values)) > 1:
        return [values[seeds.index(888)]]
    return values


class ResultsCount(object):
    """One trial (one seed) of one architecture on one dataset."""

    def __init__(self, name, state_dict, train_accs, train_losses, params, flop, arch_config, seed,
                 epochs, latency):
        # Attribute order matters: `state_dict()` lists them in creation order.
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

    def reset_pseudo_train_times(self, estimated_per_epoch_time: float) -> None:
        """Every epoch's training time set to ``estimated_per_epoch_time``."""
        self.train_times = OrderedDict((i, estimated_per_epoch_time) for i in range(self.epochs))

    def reset_pseudo_eval_times(self, eval_name, estimated_per_epoch_time: float) -> None:
        """Every epoch's time on ``eval_name`` set to ``estimated_per_epoch_time``."""
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
        """Seconds (mean of the measured latencies), ``-1.0`` when there are none."""
        if self.latency is None:
            return -1.0
        return sum(self.latency) / len(self.latency)

    def update_eval(self, accs, losses, times):
        for name in set(key.split("@")[0] for key in accs.keys()):
            if name in self.eval_names:
                raise ValueError("{:} has already been added into eval-names".format(name))
            self.eval_names.append(name)
            for i in range(self.epochs):
                key = "{:}@{:}".format(name, i)
                self.eval_acc1es[key] = accs[key]
                self.eval_losses[key] = losses[key]
                self.eval_times[key] = times[key]

    def update_OLD_eval(self, name, accs, losses):  # noqa: N802 - the official name
        assert name not in self.eval_names, "{:} has already added".format(name)
        self.eval_names.append(name)
        for i in range(self.epochs):
            if i in accs:
                self.eval_acc1es["{:}@{:}".format(name, i)] = accs[i]
                self.eval_losses["{:}@{:}".format(name, i)] = losses[i]

    def __repr__(self):
        return "{}({}, arch={}, FLOP={:.2f}M, Param={:.3f}MB, seed={}, {} eval-sets: [{}])".format(
            type(self).__name__, self.name, self.arch_config["arch_str"], self.flop, self.params,
            self.seed, len(self.eval_names), ", ".join(self.eval_names))

    def get_total_epoch(self):
        return copy.deepcopy(self.epochs)

    def get_times(self):
        """Training and evaluation times: per epoch (mean) and total (Python ``sum``)."""
        info = {}
        if self.train_times is not None and isinstance(self.train_times, dict):
            values = list(self.train_times.values())
            info["T-train@epoch"] = _avg(values)
            info["T-train@total"] = sum(values)
        else:
            info["T-train@epoch"] = None
            info["T-train@total"] = None
        for name in self.eval_names:
            try:
                values = [self.eval_times["{:}@{:}".format(name, i)] for i in range(self.epochs)]
                per, total = _avg(values), sum(values)
            except Exception:  # noqa: BLE001 - the official class swallows every error here
                per, total = None, None
            info["T-{:}@epoch".format(name)] = per
            info["T-{:}@total".format(name)] = total
        return info

    def get_eval_set(self):
        return self.eval_names

    def judge_valid(self, iepoch):
        if iepoch < 0 or iepoch >= self.epochs:
            raise ValueError("invalid iepoch={:} < {:}".format(iepoch, self.epochs))

    def get_train(self, iepoch=None):
        """Loss, accuracy and times of training after epoch ``iepoch`` (the last by default)."""
        if iepoch is None:
            iepoch = self.epochs - 1
        self.judge_valid(iepoch)
        cur = total = None
        if self.train_times is not None:
            cur = self.train_times[iepoch]
            total = sum([self.train_times[i] for i in range(iepoch + 1)])
        return {"iepoch": iepoch, "loss": self.train_losses[iepoch],
                "accuracy": self.train_acc1es[iepoch], "cur_time": cur, "all_time": total}

    def get_eval(self, name, iepoch=None):
        """The same on the evaluation set ``name`` (``'valid'`` means ``'x-valid'``)."""
        if iepoch is None:
            iepoch = self.epochs - 1
        self.judge_valid(iepoch)
        if name == "valid":
            name = "x-valid"
        times = self.eval_times
        cur = total = None
        if isinstance(times, dict) and len(times):
            key = "{:}@{:}".format(name, iepoch)
            if key not in times:
                raise ValueError("{:} not in {:}".format(key, times.keys()))
            cur = times[key]
            total = sum([times["{:}@{:}".format(name, i)] for i in range(iepoch + 1)])
        key = "{:}@{:}".format(name, iepoch)
        return {"iepoch": iepoch, "loss": self.eval_losses[key], "accuracy": self.eval_acc1es[key],
                "cur_time": cur, "all_time": total}

    def get_net_param(self, clone=False):
        if clone:
            return copy.deepcopy(self.net_state_dict)
        return self.net_state_dict

    def get_config(self, str2structure):
        """The network's config dict (``str2structure`` maps the cell string to a genotype)."""
        c = self.arch_config
        if "name" in c and c["name"] == "infer.shape.tiny":
            genotype = c["genotype"] if str2structure is None else str2structure(c["genotype"])
            return {"name": "infer.shape.tiny", "channels": c["channels"], "genotype": genotype,
                    "num_classes": c["class_num"]}
        out = {"name": "infer.tiny", "C": c["channel"], "N": c["num_cells"]}
        if str2structure is None:
            out["arch_str"] = c["arch_str"]
        else:
            out["genotype"] = str2structure(c["arch_str"])
        out["num_classes"] = c["class_num"]
        return out

    def state_dict(self):
        return dict(self.__dict__)

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)

    @staticmethod
    def create_from_state_dict(state_dict):
        x = ResultsCount(None, None, None, None, None, None, None, None, None, None)
        x.load_state_dict(state_dict)
        return x


class ArchResults(object):
    """Every trial of one architecture under one hyper-parameter setting:
    ``all_results[(dataset, seed)]`` is a ``ResultsCount``."""

    def __init__(self, arch_index, arch_str):
        self.arch_index = int(arch_index)
        self.arch_str = copy.deepcopy(arch_str)
        self.all_results = dict()
        self.dataset_seed = dict()
        self.clear_net_done = False

    def _trials(self, dataset):
        seeds = self.dataset_seed[dataset]
        return seeds, [self.all_results[(dataset, seed)] for seed in seeds]

    def get_compute_costs(self, dataset):
        """FLOPs, parameters, latency and time costs on ``dataset`` (seed means)."""
        seeds, trials = self._trials(dataset)
        flops = _legacy_fix([t.flop for t in trials], seeds)
        params = _legacy_fix([t.params for t in trials], seeds)
        latencies = [x for x in (t.get_latency() for t in trials) if x > 0]
        times = defaultdict(list)
        for t in trials:
            for key, value in t.get_times().items():
                times[key].append(value)
        info = {"flops": _avg(flops), "params": _avg(params),
                "latency": _avg(latencies) if len(latencies) else None}
        for key, values in times.items():
            info[key] = _avg(values) if len(values) and values[0] is not None else None
        return info

    def get_metrics(self, dataset, setname, iepoch=None, is_random=False):
        """Loss, accuracy and times on ``setname`` after epoch ``iepoch``: of a random trial
        (``is_random=True``, one ``random.randint``), the mean over trials (``False``) or of the
        trial of seed ``is_random``."""
        seeds, trials = self._trials(dataset)
        columns = defaultdict(list)
        for t in trials:
            info = t.get_train(iepoch) if setname == "train" else t.get_eval(setname, iepoch)
            for key, value in info.items():
                columns[key].append(value)
        if isinstance(is_random, bool):
            if is_random:
                pick = random.randint(0, len(trials) - 1)
                return {key: values[pick] for key, values in columns.items()}
            return {key: (_avg(values) if len(values) and values[0] is not None else None)
                    for key, values in columns.items()}
        if isinstance(is_random, int):
            if is_random not in seeds:
                raise ValueError("can not find random seed ({:}) from {:}".format(is_random, seeds))
            pick = seeds.index(is_random)
            return {key: values[pick] for key, values in columns.items()}
        raise ValueError("invalid value for is_random: {:}".format(is_random))

    def get_dataset_names(self):
        return list(self.dataset_seed.keys())

    def get_dataset_seeds(self, dataset):
        return copy.deepcopy(self.dataset_seed[dataset])

    def get_net_param(self, dataset, seed=None):
        """The trained weights (None in the benchmark files): ``{seed: weights}`` when ``seed``
        is None."""
        if seed is None:
            return {s: self.all_results[(dataset, s)].get_net_param() for s in self.dataset_seed[dataset]}
        key = (dataset, seed)
        if key in self.all_results:
            return self.all_results[key].get_net_param()
        raise ValueError("key={:} not in {:}".format(key, list(self.all_results.keys())))

    def _each(self, dataset, seed):
        seeds = self.dataset_seed[dataset] if seed is None else [seed]
        return [self.all_results[(dataset, s)] for s in seeds]

    def reset_latency(self, dataset, seed, latency) -> None:
        for t in self._each(dataset, seed):
            t.update_latency([latency])

    def reset_pseudo_train_times(self, dataset, seed, estimated_per_epoch_time) -> None:
        for t in self._each(dataset, seed):
            t.reset_pseudo_train_times(estimated_per_epoch_time)

    def reset_pseudo_eval_times(self, dataset, seed, eval_name, estimated_per_epoch_time) -> None:
        for t in self._each(dataset, seed):
            t.reset_pseudo_eval_times(eval_name, estimated_per_epoch_time)

    def get_latency(self, dataset) -> float:
        """The mean latency over seeds; ``ValueError`` if one is not a positive float."""
        latencies = []
        for seed in self.dataset_seed[dataset]:
            latency = self.all_results[(dataset, seed)].get_latency()
            if not isinstance(latency, float) or latency <= 0:
                raise ValueError("invalid latency of {:} with seed={:} : {:}".format(dataset, seed, latency))
            latencies.append(latency)
        return sum(latencies) / len(latencies)

    def get_total_epoch(self, dataset=None):
        if dataset is None:
            epochs = [self.all_results[(name, s)].get_total_epoch()
                      for name, seeds in self.dataset_seed.items() for s in seeds]
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
        seeds = self.dataset_seed.setdefault(dataset_name, [])
        if seed in seeds:
            raise ValueError("{:}-th arch alreadly has this seed ({:}) on {:}".format(
                self.arch_index, seed, dataset_name))
        seeds.append(seed)
        self.dataset_seed[dataset_name] = sorted(seeds)
        assert (dataset_name, seed) not in self.all_results
        self.all_results[(dataset_name, seed)] = result
        self.clear_net_done = False

    def state_dict(self):
        out = dict()
        for key, value in self.__dict__.items():
            if key == "all_results":
                if not isinstance(value, dict):
                    raise ValueError("invalid type of value for {:} : {:}".format(key, type(value)))
                runs = dict()
                for k, v in value.items():
                    if not isinstance(v, ResultsCount):
                        raise ValueError("invalid type of value for {:}/{:} : {:}".format(key, k, type(v)))
                    runs[k] = v.state_dict()
                value = runs
            out[key] = value
        return out

    def load_state_dict(self, state_dict):
        new = dict()
        for key, value in state_dict.items():
            if key == "all_results":
                if not isinstance(value, dict):
                    raise ValueError("invalid type of value for {:} : {:}".format(key, type(value)))
                value = {k: ResultsCount.create_from_state_dict(v) for k, v in value.items()}
            new[key] = value
        self.__dict__.update(new)

    @staticmethod
    def create_from_state_dict(state_dict_or_file):
        x = ArchResults(-1, -1)
        if isinstance(state_dict_or_file, str):
            from tnb.nats import pickle_load

            state = pickle_load(state_dict_or_file)
        elif isinstance(state_dict_or_file, dict):
            state = state_dict_or_file
        else:
            raise ValueError("invalid type of state_dict_or_file : {:}".format(type(state_dict_or_file)))
        x.load_state_dict(state)
        return x

    def clear_params(self):
        """Drops every trial's weights (``net_state_dict`` re-added as None, last)."""
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
        return "{}(arch-index={}, arch={}, {} runs, clear={})".format(
            type(self).__name__, self.arch_index, self.arch_str, len(self.all_results), self.clear_net_done)


def print_information(information, extra_info=None, show=False, size=False):
    """The summary lines of an ``ArchResults`` (``query_info_str_by_arch``, ``show``); the size
    space's variant (``size=True``) also prints cifar10-valid's test set."""
    names = information.get_dataset_names()
    lines = [information.arch_str, "datasets : {:}, extra-info : {:}".format(names, extra_info)]

    def pair(info):
        return "loss = {:.3f} & top1 = {:.2f}%".format(info["loss"], info["accuracy"])

    for dataset in names:
        costs = information.get_compute_costs(dataset)
        latency = costs["latency"]
        shown = "{:.2f}".format(latency * 1000) if latency is not None and latency > 0 else None
        lines.append("{:14s} FLOP={:6.2f} M, Params={:.3f} MB, latency={:} ms.".format(
            dataset, costs["flops"], costs["params"], shown))
        train = information.get_metrics(dataset, "train")
        if dataset == "cifar10-valid":
            valid = information.get_metrics(dataset, "x-valid")
            if size:
                test = information.get_metrics(dataset, "ori-test")
                line = "{:14s} train : [{:}], valid : [{:}], test : [{:}]".format(
                    dataset, pair(train), pair(valid), pair(test))
            else:
                line = "{:14s} train : [{:}], valid : [{:}]".format(dataset, pair(train), pair(valid))
        elif dataset == "cifar10":
            test = information.get_metrics(dataset, "ori-test")
            line = "{:14s} train : [{:}], test  : [{:}]".format(dataset, pair(train), pair(test))
        else:
            valid = information.get_metrics(dataset, "x-valid")
            test = information.get_metrics(dataset, "x-test")
            line = "{:14s} train : [{:}], valid : [{:}], test : [{:}]".format(
                dataset, pair(train), pair(valid), pair(test))
        lines.append(line)
    if show:
        print("\n".join(lines))
    return lines


def _cell(arch_str):
    """A topology string's nodes: per node a tuple of ``(op, input)`` (the official parser's
    asserts and ``int`` errors)."""
    assert isinstance(arch_str, str), "must take string (not {:}) as input".format(type(arch_str))
    nodes = []
    for part in arch_str.split("+"):
        items = [x for x in part.split("|") if x != ""]
        for item in items:
            assert len(item.split("~")) == 2, "invalid input length : {:}".format(item)
        nodes.append(tuple((op, int(i)) for op, i in (item.split("~") for item in items)))
    for idx, node in enumerate(nodes):
        assert len(node) >= 1, "invalid length : {:}".format(len(node))
        for edge in node:
            assert edge[1] <= idx, "invalid in-node : {:}".format(edge)
    return nodes


def unique_str(arch_str):
    """The isomorphism key of a topology cell (``to_unique_str(consider_zero=True)``): an edge
    with ``none`` or from a zero node is zero (``#``), ``skip_connect`` passes its input's key,
    any other op wraps it; a node's key is its edges' keys sorted and joined by ``+``."""
    keys = {0: "0"}
    nodes = _cell(arch_str)
    for i, node in enumerate(nodes):
        parts = []
        for op, src in node:
            if op == "none" or keys[src] == "#":
                parts.append("#")
            elif op == "skip_connect":
                parts.append(keys[src])
            else:
                parts.append("(" + keys[src] + ")@" + op)
        keys[i + 1] = "+".join(sorted(parts))
    return keys[len(nodes)]


for _cls in (ResultsCount, ArchResults):
    _cls.__module__ = "tnb.nats"
del _cls


_COMMENT_VALID = (
    "In this dict, train-loss/accuracy/time is the metric on the train set of CIFAR-10. The test-loss/accuracy/time "
    "is the performance of the CIFAR-10 test set after training on the train set by {:} epochs. The per-time and "
    "total-time indicate the per epoch and total time costs, respectively.")
_COMMENT_TEST = (
    "In this dict, train-loss/accuracy/time is the metric on the train+valid sets of CIFAR-10. The "
    "test-loss/accuracy/time is the performance of the CIFAR-10 test set after training on the train+valid sets by "
    "{:} epochs. The per-time and total-time indicate the per epoch and total time costs, respectively.")


def more_info(archresult, dataset, iepoch, is_random, hp, size):
    """``get_more_info`` after the seed is drawn, over Python objects (the official steps; the
    size space divides times without checking them for None)."""

    def metrics(setname):
        return archresult.get_metrics(dataset, setname, iepoch=iepoch, is_random=is_random)

    def quiet(setname):
        try:
            return metrics(setname)
        except Exception:  # noqa: BLE001 - the official class swallows every error here
            return None

    train = metrics("train")
    total = train["iepoch"] + 1

    def per(all_time):
        if size or all_time is not None:
            return all_time / total
        return None

    info = {"train-loss": train["loss"], "train-accuracy": train["accuracy"],
            "train-per-time": per(train["all_time"]), "train-all-time": train["all_time"]}
    if dataset == "cifar10-valid":
        valid = metrics("x-valid")
        test = quiet("ori-test")
        valtest = None
        info["comment"] = _COMMENT_VALID.format(hp)
    else:
        if dataset == "cifar10":
            info["comment"] = _COMMENT_TEST.format(hp)
        test = quiet("ori-test" if dataset == "cifar10" else "x-test")
        valid = quiet("x-valid")
        valtest = quiet("ori-test") if dataset != "cifar10" else None
    for prefix, part in (("valid", valid), ("test", test), ("valtest", valtest)):
        if part is not None:
            info[prefix + "-loss"] = part["loss"]
            info[prefix + "-accuracy"] = part["accuracy"]
            info[prefix + "-per-time"] = per(part["all_time"])
            info[prefix + "-all-time"] = part["all_time"]
    return info
