"""An independent, pure-Python reading of TransNAS-Bench-101 files and of its official API's
semantics: the oracle the tests compare `tnb.TransNASBenchAPI` with.

No torch and no numpy: torch files are opened with `zipfile` (or read as torch's legacy stream),
their pickles loaded with a `pickle.Unpickler` whose `find_class` knows only the handful of
torch/numpy globals a benchmark file uses (anything else is refused, so nothing is executed) and
whose `persistent_load` reads tensor storages from the archive. Tensors become (nested) lists and
numpy scalars Python numbers, as tnb reads them.

`Reference` follows the official class's observable behaviour as the project's semantics notes
describe it: the same checks in the same order, hence the same exception classes.
"""

import copy
import io
import pickle
import struct
import zipfile

__all__ = ["load", "Reference", "ReferenceArchResult"]


# ---------------------------------------------------------------------------------------------
# Reading torch files without torch


class _Storage:
    """A torch storage type named in a pickle: how to decode its bytes."""

    def __init__(self, name, code, size):
        self.name, self.code, self.size = name, code, size

    def decode(self, raw):
        n = len(raw) // self.size
        if self.code == "bf16":
            # bfloat16 is the top half of a float32.
            halves = struct.unpack(f"<{n}H", raw[: n * 2])
            return [struct.unpack("<f", struct.pack("<I", h << 16))[0] for h in halves]
        values = list(struct.unpack(f"<{n}{self.code}", raw[: n * self.size]))
        if self.code == "?":
            return [bool(v) for v in values]
        return values


_STORAGES = {
    "HalfStorage": ("e", 2),
    "BFloat16Storage": ("bf16", 2),
    "FloatStorage": ("f", 4),
    "DoubleStorage": ("d", 8),
    "CharStorage": ("b", 1),
    "ShortStorage": ("h", 2),
    "IntStorage": ("i", 4),
    "LongStorage": ("q", 8),
    "ByteStorage": ("B", 1),
    "BoolStorage": ("?", 1),
}

# numpy dtype strings (as pickled: 'f4', 'i8', 'b1'...) to struct codes.
_NUMPY_CODES = {
    "b1": "?", "i1": "b", "u1": "B", "i2": "h", "u2": "H", "i4": "i", "u4": "I",
    "i8": "q", "u8": "Q", "f2": "e", "f4": "f", "f8": "d",
}


class _Dtype:
    """Stands for `numpy.dtype(code, align, copy)`; BUILD sets its byte order."""

    def __init__(self, code, *_):
        self.code = code
        self.order = "<"

    def __setstate__(self, state):
        if len(state) > 1 and state[1] in "<>|=":
            self.order = "<" if state[1] in "|=" else state[1]


def _numpy_scalar(dtype, raw=b""):
    code = _NUMPY_CODES[dtype.code]
    if isinstance(raw, str):
        raw = raw.encode("latin-1")
    return struct.unpack(dtype.order + code, raw)[0]


class _Tensor:
    """A tensor whose storage bytes may come later (legacy files store them after the pickle)."""

    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def tolist(self, values):
        def build(dim, base):
            if dim == len(self.size):
                return values[base]
            return [build(dim + 1, base + i * self.stride[dim]) for i in range(self.size[dim])]

        return build(0, self.offset)


def _rebuild_tensor_v2(storage, offset, size, stride, *_):
    return _Tensor(storage, offset, size, stride)


class _Size(tuple):
    """`torch.Size`, a tuple."""


_GLOBALS = {
    ("collections", "OrderedDict"): dict,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("builtins", "bytes"): bytes,
    ("__builtin__", "set"): set,
    ("__builtin__", "frozenset"): frozenset,
    ("__builtin__", "bytes"): bytes,
    ("_codecs", "encode"): lambda s, enc="utf-8": s.encode(enc),
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch", "Size"): _Size,
    ("numpy.core.multiarray", "scalar"): _numpy_scalar,
    ("numpy._core.multiarray", "scalar"): _numpy_scalar,
    ("numpy", "dtype"): _Dtype,
}
for _name, (_code, _size) in _STORAGES.items():
    _GLOBALS[("torch", _name)] = _Storage(_name, _code, _size)


class _Unpickler(pickle.Unpickler):
    """Loads only allowlisted globals; storages are looked up by key in `storages`."""

    def __init__(self, file, storages):
        super().__init__(file)
        self.storages = storages

    def find_class(self, module, name):
        try:
            return _GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"forbidden global {module}.{name}") from None

    def persistent_load(self, pid):
        kind, storage_type, key = pid[0], pid[1], pid[2]
        if kind != "storage":
            raise pickle.UnpicklingError(f"unknown persistent id {kind!r}")
        return self.storages.setdefault(key, [storage_type, None])


def _resolve(obj, memo):
    """Replace tensors by lists (sharing kept for containers seen twice)."""
    if isinstance(obj, _Tensor):
        storage_type, raw = obj.storage
        return obj.tolist(storage_type.decode(raw))
    key = id(obj)
    if key in memo:
        return memo[key]
    if isinstance(obj, dict):
        out = {}
        memo[key] = out
        for k, v in obj.items():
            out[k] = _resolve(v, memo)
        return out
    if isinstance(obj, list):
        out = []
        memo[key] = out
        out.extend(_resolve(v, memo) for v in obj)
        return out
    if isinstance(obj, tuple) and not isinstance(obj, _Size):
        return tuple(_resolve(v, memo) for v in obj)
    return obj


def load(path):
    """The object in a torch file (zip or legacy) or bare pickle, as plain Python values."""
    with open(path, "rb") as f:
        data = f.read()
    storages = {}
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            pkl = [n for n in z.namelist() if n.endswith("/data.pkl") or n == "data.pkl"]
            if len(pkl) != 1:
                raise ValueError(f"expected one data.pkl, found {len(pkl)}")
            prefix = pkl[0][: -len("data.pkl")]
            obj = _Unpickler(io.BytesIO(z.read(pkl[0])), storages).load()
            for key, entry in storages.items():
                entry[1] = z.read(f"{prefix}data/{key}")
    else:
        stream = io.BytesIO(data)
        first = _Unpickler(stream, storages).load()
        if first == 0x1950A86A20F9469CFC6C and isinstance(first, int):
            # torch's legacy format: magic, protocol, sys_info, the object, storage keys, then
            # each storage as an int64 element count and its bytes.
            _Unpickler(stream, storages).load()
            _Unpickler(stream, storages).load()
            obj = _Unpickler(stream, storages).load()
            keys = _Unpickler(stream, storages).load()
            for key in keys:
                (count,) = struct.unpack("<q", stream.read(8))
                entry = storages[key]
                entry[1] = stream.read(count * entry[0].size)
        else:
            obj = first
    return _resolve(obj, {})


# ---------------------------------------------------------------------------------------------
# The official API's semantics


class ReferenceArchResult:
    """One architecture's results: index, name and the per-task dict."""

    def __init__(self, arch_index, arch_str, all_results):
        self.arch_index = int(arch_index)
        self.arch_str = arch_str
        if not isinstance(all_results, dict):
            raise AssertionError("all_results must be a dict")
        self.all_results = all_results

    def __repr__(self):
        return f"ArchResult(arch-index={self.arch_index}, arch={self.arch_str}, {len(self.all_results)} tasks)"

    def __getitem__(self, item):
        return self.all_results[item]

    def query_all_results(self):
        return self.all_results


class Reference:
    """TransNAS-Bench-101's API over `load(path)`, check for check in the official order."""

    def __init__(self, database_path, verbose=False):
        self.database = load(database_path)
        self.verbose = verbose
        self.metrics_dict = self.database["metrics_dict"]
        self.info_names = self.database["info_names"]
        self.task_list = self.database["task_list"]
        spaces = self.database["data"]
        self.search_spaces = list(spaces)
        self.all_arch_dict = {s: list(spaces[s]) for s in self.search_spaces}
        # Later spaces win for a name found in two (dict merging, as the official class does).
        self.arch2space = {}
        for s, names in self.all_arch_dict.items():
            merged = dict(self.arch2space)
            merged.update({a: s for a in names})
            self.arch2space = merged
        self.data = {s: {} for s in self.search_spaces}
        for i, (a, s) in enumerate(self.arch2space.items()):
            self.data[s][a] = ReferenceArchResult(i, a, spaces[s][a])

    def __len__(self):
        return len(self.arch2space)

    def __repr__(self):
        return f"TransNASBenchAPI({len(self)} architectures/{len(self.task_list)} tasks)"

    def __getitem__(self, index):
        return copy.deepcopy(self.get_arch_result(self.index2arch(index)))

    def index2arch(self, index):
        return list(self.arch2space)[index]

    def arch2index(self, arch):
        return list(self.arch2space).index(arch)

    def get_arch_result(self, arch):
        return self.data[self.arch2space[arch]][arch]

    def get_total_epochs(self, arch, task):
        return self.get_arch_result(arch)[task]["total_epochs"]

    def get_model_info(self, arch, task, info):
        if info not in self.info_names:
            raise AssertionError(f"unknown info {info!r}")
        return self.get_arch_result(arch)[task]["model_info"][info]

    def _check_metric(self, task, metric):
        if metric not in self.metrics_dict[task]:
            raise AssertionError(f"unknown metric {metric!r} for task {task!r}")

    def get_single_metric(self, arch, task, metric, mode="best", xseed=None):
        self._check_metric(task, metric)
        values = self.get_arch_result(arch)[task]["metrics"][metric]
        if isinstance(mode, str):
            if mode == "final":
                return values[-1]
            if mode == "best":
                return max(values)
            if mode == "list":
                return values
            raise ValueError(f"unknown mode {mode!r}")
        if isinstance(mode, int):
            if not mode < len(values):
                raise AssertionError(f"epoch {mode} out of range")
            return values[mode]
        raise ValueError(f"mode must be a str or an int, not {type(mode).__name__}")

    def get_epoch_status(self, arch, task, epoch, xseed=None):
        if not isinstance(epoch, int):
            raise AssertionError("epoch must be an int")
        result = self.get_arch_result(arch)
        total = result[task]["total_epochs"]
        if not epoch < total:
            raise AssertionError(f"epoch {epoch} must be < {total}")
        metrics = result[task]["metrics"]
        status = {"epoch": epoch if epoch >= 0 else self.get_total_epochs(arch, task) + epoch}
        for m in self.metrics_dict[task]:
            status[m] = metrics[m][epoch]
        return status

    def get_best_epoch_status(self, arch, task, metric):
        self._check_metric(task, metric)
        values = self.get_single_metric(arch, task, metric, mode="list")
        best = max(range(len(values)), key=values.__getitem__)
        return self.get_epoch_status(arch, task, epoch=best)

    def get_arch_list(self, search_space):
        if search_space not in self.search_spaces:
            raise AssertionError(f"unknown search space {search_space!r}")
        return self.all_arch_dict[search_space]

    def get_best_archs(self, task, metric, search_space, topk=1):
        archs = self.get_arch_list(search_space=search_space)
        pairs = [(self.get_single_metric(a, task, metric, mode="best"), a) for a in archs]
        return sorted(pairs, reverse=True)[:topk]
