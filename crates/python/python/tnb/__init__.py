"""tnb: TransNAS-Bench-101's official Python API, answered from a validated ``.tnb`` archive.

Swap one import and keep the rest of a script::

    # from api import TransNASBenchAPI
    from tnb import TransNASBenchAPI

    api = TransNASBenchAPI("transnas.tnb")            # or the original .pth: converted in memory
    api.get_single_metric("64-2311-basic", "class_object", "valid_top1", mode="best")

Beyond the official class: ``metric_array`` (a numpy array over every arch) and ``to_pandas``.
Nothing in a pickle is ever executed; opening an archive maps it (microseconds).
"""

from tnb._tnb import FormatError, TransNASBenchAPI, convert

__all__ = ["TransNASBenchAPI", "ArchResult", "FormatError", "convert"]
__version__ = "0.1.0"


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
