"""The typed encoding of the recorded official NAS-Bench-101 answers (data/nb101/official/*.jsonl).

Shared by the recorder (tools/official/nb101/record_answers.py, run with the official
`nasbench.api`) and the replay tests of tnb's drop-in, so that both sides turn a Python value
into the same JSON: equal encodings mean equal values, equal types and equal float bits.
stdlib + numpy only (numpy is imported lazily: encoding plain values needs no numpy).

E(v):
  None -> null; bool -> true/false; int -> {"i": n}; str -> "s"
  float -> {"f": float.hex(v)}; a NaN also carries its bits: {"f": "nan", "bits": "7ff8000000000000"}
  list -> {"list": [..]}; tuple -> {"tuple": [..]}; dict -> {"dict": [[E(k), E(v)], ..]} (order kept)
  set / frozenset -> {"set": [..]} / {"frozenset": [..]} in iteration order
  dict_keys -> {"keys": [..]} in iteration order
  np.ndarray -> {"nd": dtype.str, "shape": [..], "data": [E(x.item()) .. flat, C order]}
  numpy scalar -> {"np": dtype.str, "v": E(v.item())}
Subclasses are not folded into their base: an unknown type raises TypeError (a drop-in that
returns, say, an OrderedDict where the official returns a dict must show up as a difference).

Also: `state_digest()` of the module-level `random` generator, `capture_draws()` recording what
`random.randint` returns (wrapping the attribute on the `random` module, which is what the
official code calls), `exc_record(e)`, and `call_record(...)`, the one line per call.
"""

import contextlib
import hashlib
import json
import math
import random
import struct


def _float(v):
    if math.isnan(v):
        return {"f": "nan", "bits": struct.pack(">d", v).hex()}
    return {"f": float.hex(v)}


def encode(v):
    """The typed JSON value of v (see the module doc)."""
    t = type(v)
    if v is None:
        return None
    if t is bool:
        return v
    if t is int:
        return {"i": v}
    if t is float:
        return _float(v)
    if t is str:
        return v
    if t is list:
        return {"list": [encode(x) for x in v]}
    if t is tuple:
        return {"tuple": [encode(x) for x in v]}
    if t is dict:
        return {"dict": [[encode(k), encode(x)] for k, x in v.items()]}
    if t is set:
        return {"set": [encode(x) for x in v]}
    if t is frozenset:
        return {"frozenset": [encode(x) for x in v]}
    if t is type({}.keys()):
        return {"keys": [encode(x) for x in v]}
    np = _numpy()
    if np is not None:
        if t is np.ndarray:
            return {"nd": v.dtype.str, "shape": list(v.shape), "data": [encode(x) for x in v.reshape(-1).tolist()]}
        if isinstance(v, np.generic):
            return {"np": v.dtype.str, "v": encode(v.item())}
    raise TypeError("nb101_answers.encode: no encoding for %s" % t.__qualname__)


def _numpy():
    try:
        import numpy
    except ImportError:  # pragma: no cover
        return None
    return numpy


def state_digest():
    """sha256(repr(random.getstate()))[:16]: the module-level generator's state, comparable."""
    return hashlib.sha256(repr(random.getstate()).encode()).hexdigest()[:16]


@contextlib.contextmanager
def capture_draws():
    """Within the block, every `random.randint(...)` result is appended to the yielded list."""
    draws = []
    orig = random.randint

    def randint(a, b):
        r = orig(a, b)
        draws.append(r)
        return r

    random.randint = randint
    try:
        yield draws
    finally:
        random.randint = orig


def exc_record(e):
    """{"type": class name, "msg": str(e)}; a KeyError's str is repr of its key, kept as is."""
    return {"type": type(e).__name__, "msg": str(e)}


def budget_record(nb):
    """[float.hex(training_time_spent), total_epochs_spent] read through get_budget_counters()
    (the official returns a tuple (float, int); a non-float/int shows up in the encoding)."""
    t, e = nb.get_budget_counters()
    return [encode(t), encode(e)]


def spec_json(matrix, ops):
    """The "spec" field: {"matrix": nested lists of ints, "ops": list}; when the matrix was
    given as a numpy array, also "numpy": its dtype.str (e.g. "<i8"), so that a replay builds
    the same ModelSpec(np.array(matrix, dtype=...), ops)."""
    out = {}
    if hasattr(matrix, "tolist"):
        out["numpy"] = matrix.dtype.str
        matrix = matrix.tolist()
    out["matrix"] = matrix
    out["ops"] = list(ops)
    return out


def build_spec(api, spec):
    """The ModelSpec a "spec" field describes (raises what the constructor raises)."""
    matrix = spec["matrix"]
    if "numpy" in spec:
        import numpy

        matrix = numpy.array(matrix, dtype=spec["numpy"])
    return api.ModelSpec(matrix, list(spec["ops"]))


def dumps(obj):
    """One JSON line, as the recorder writes them (stable key order)."""
    return json.dumps(obj, sort_keys=True, allow_nan=False, separators=(",", ":"))
