"""NATS-Bench sources for the tests: the real sample folders (data/nats/samples/), a single
benchmark file built from them, their converted archives, and the held-out look-alikes
(data/nats/, when the checkout has them).

The tests read the samples' objects with Python's bz2 and a restricted unpickler that builds only
the three globals the files name (collections.OrderedDict, numpy's scalar and dtype): the
official code then runs on exactly those objects. tnb itself reads files only through its Rust
reader.
"""

import bz2
import collections
import os
import pickle

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "data", "nats"))
SAMPLES = os.path.join(DATA, "samples")
FOLDERS = {"tss": os.path.join(SAMPLES, "NATS-tss-v1_0-3ffb9-simple"),
           "sss": os.path.join(SAMPLES, "NATS-sss-v1_0-50262-simple")}
SINGLE_NAMES = {"tss": "NATS-tss-v1_0-3ffb9.pickle.pbz2", "sss": "NATS-sss-v1_0-50262.pickle.pbz2"}

_GLOBALS = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("numpy.core.multiarray", "scalar"): lambda dtype, raw=b"": np.frombuffer(
        raw.encode("latin-1") if isinstance(raw, str) else raw, dtype=dtype, count=1)[0],
    ("numpy", "dtype"): np.dtype,
}


class _Restricted(pickle.Unpickler):
    def find_class(self, module, name):
        try:
            return _GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError("global {}.{} refused".format(module, name)) from None


def load(path):
    """The object of one `.pickle.pbz2`, read with the restricted unpickler."""
    with bz2.BZ2File(path, "rb") as f:
        return _Restricted(f).load()


def arch_files(folder):
    """{index: path} of the per-arch files of a `-simple` folder."""
    out = {}
    for name in sorted(os.listdir(folder)):
        stem = name[: -len(".pickle.pbz2")] if name.endswith(".pickle.pbz2") else None
        if stem is not None and stem.isdigit():
            out[int(stem)] = os.path.join(folder, name)
    return out


def single_dict(folder):
    """The single benchmark file's object for the archs of `folder` (nats-layout section 4):
    meta_archs, total_archs, arch2infos (ascending) and evaluated_indexes as a set."""
    meta = load(os.path.join(folder, "meta.pickle.pbz2"))
    infos = {i: load(p) for i, p in sorted(arch_files(folder).items())}
    return {"meta_archs": meta["meta_archs"], "total_archs": meta["total_archs"], "arch2infos": infos,
            "evaluated_indexes": set(infos)}


def write_single(folder, path):
    """Writes the single file of `folder`'s archs (bz2 level 9 around a protocol-4 pickle)."""
    with bz2.BZ2File(path, "wb", compresslevel=9) as f:
        pickle.dump(single_dict(folder), f, protocol=4)
    return path


def lookalikes():
    """{(space, form): path} of the held-out look-alikes under data/nats/ (none if absent)."""
    out = {}
    if not os.path.isdir(DATA):
        return out
    for name in sorted(os.listdir(DATA)):
        if name == "samples":
            continue
        path = os.path.join(DATA, name)
        space = "tss" if "tss" in name else "sss" if "sss" in name else None
        if space is None:
            continue
        if os.path.isdir(path) and os.path.isfile(os.path.join(path, "meta.pickle.pbz2")):
            out[(space, "folder", name)] = path
        elif name.endswith(".pickle.pbz2"):
            out[(space, "file", name)] = path
    return out
