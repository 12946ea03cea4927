"""Type stubs for tnb: TransNAS-Bench-101's official API answered from a .tnb archive."""

import os
from typing import Any, Dict, List, Optional, Tuple, Union, overload

__all__ = ["TransNASBenchAPI", "ArchResult", "FormatError", "convert", "NASBench201API", "ArchResults",
           "ResultsCount"]
__version__: str

_Path = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
_Mode = Union[str, int]

class FormatError(ValueError):
    """The file is unreadable, corrupted or not a TransNAS-Bench-101 benchmark."""

class ArchResult:
    """One architecture's results, as the official ArchResult."""

    arch_index: int
    arch_str: str
    all_results: Dict[str, Dict[str, Any]]
    def __init__(self, arch_index: int, arch_str: str, all_results: Dict[str, Any]) -> None: ...
    def __getitem__(self, item: str) -> Dict[str, Any]: ...
    def query_all_results(self) -> Dict[str, Dict[str, Any]]: ...

class TransNASBenchAPI:
    """The official class's API over a mapped .tnb archive (or a .pth converted in memory)."""

    metrics_dict: Dict[str, List[str]]
    info_names: List[str]
    task_list: List[str]
    search_spaces: List[str]
    all_arch_dict: Dict[str, List[str]]
    arch2space: Dict[str, str]
    data: Dict[str, Dict[str, ArchResult]]
    database: Dict[str, Any]
    verbose: Any
    @property
    def path(self) -> str: ...
    @property
    def kind(self) -> str: ...
    def __init__(self, database_path: _Path, verbose: Any = False, *, mmap: bool = True) -> None: ...
    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> ArchResult: ...
    @overload
    def index2arch(self, index: int) -> str: ...
    @overload
    def index2arch(self, index: slice) -> List[str]: ...
    def arch2index(self, arch: str) -> int: ...
    def get_arch_result(self, arch: str) -> ArchResult: ...
    def get_total_epochs(self, arch: str, task: str) -> int: ...
    def get_model_info(self, arch: str, task: str, info: str) -> Any: ...
    def get_single_metric(
        self, arch: str, task: str, metric: str, mode: _Mode = "best", xseed: Any = None
    ) -> Any: ...
    def get_epoch_status(self, arch: str, task: str, epoch: int, xseed: Any = None) -> Dict[str, Any]: ...
    def get_best_epoch_status(self, arch: str, task: str, metric: str) -> Dict[str, Any]: ...
    def get_arch_list(self, search_space: str) -> List[str]: ...
    def get_best_archs(
        self, task: str, metric: str, search_space: str, topk: Optional[int] = 1
    ) -> List[Tuple[Any, str]]: ...
    def metric_array(
        self, task: str, metric: str, mode: _Mode = "best", search_space: Optional[str] = None
    ) -> Any:
        """numpy.ndarray of float64, one value per arch (file order or the space's)."""
    def to_pandas(self, mode: _Mode = "best") -> Any:
        """pandas.DataFrame, one row per arch."""
    def verify(self) -> None: ...

def convert(source: _Path, archive: _Path) -> None:
    """Converts a benchmark .pth (or pickle) into a .tnb archive, atomically."""

# NAS-Bench-201 (tnb.nas201; imported on first use, needs numpy).
from tnb.nas201 import ArchResults as ArchResults
from tnb.nas201 import NASBench201API as NASBench201API
from tnb.nas201 import ResultsCount as ResultsCount
