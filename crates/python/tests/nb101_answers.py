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
    given as a numpy array, also "numpy": its dtype.str (e.g. "<i8") and "shape", so that a
    replay builds the same ModelSpec(np.array(matrix, dtype=...).reshape(shape), ops)."""
    out = {}
    if hasattr(matrix, "tolist"):
        out["numpy"] = matrix.dtype.str
        out["shape"] = list(matrix.shape)
        matrix = matrix.tolist()
    out["matrix"] = matrix
    out["ops"] = list(ops)
    return out


def build_spec(api, spec):
    """The ModelSpec a "spec" field describes (raises what the constructor raises)."""
    matrix = spec["matrix"]
    if "numpy" in spec:
        import numpy

        matrix = numpy.array(matrix, dtype=spec["numpy"]).reshape(spec["shape"])
    return api.ModelSpec(matrix, list(spec["ops"]))


def dumps(obj):
    """One JSON line, as the recorder writes them (stable key order)."""
    return json.dumps(obj, sort_keys=True, allow_nan=False, separators=(",", ":"))


def decode(e):
    """The Python value of an encoded argument (None, bool, int, float, str, list, tuple, dict;
    NaN from its bits). Used to replay "args" / "kwargs"."""
    if e is None or isinstance(e, (bool, str)):
        return e
    if "i" in e:
        return int(e["i"])
    if "f" in e:
        if "bits" in e:
            return struct.unpack(">d", bytes.fromhex(e["bits"]))[0]
        return float.fromhex(e["f"])
    if "list" in e:
        return [decode(x) for x in e["list"]]
    if "tuple" in e:
        return tuple(decode(x) for x in e["tuple"])
    if "dict" in e:
        return {decode(k): decode(v) for k, v in e["dict"]}
    raise ValueError("nb101_answers.decode: cannot decode %r" % (e,))


def mutate(v):
    """What a replay does to a result marked "mutate": true, after encoding it: every dict gets
    a new key, every list a new item, every writable numpy array +1 on its first element (all
    recursively), so a later call shows whether the result shared state with the benchmark."""
    t = type(v)
    if t is dict:
        for x in list(v.values()):
            mutate(x)
        v["tnb-mutated"] = True
    elif t is list:
        for x in list(v):
            mutate(x)
        v.append("tnb-mutated")
    elif t is tuple:
        for x in v:
            mutate(x)
    else:
        np = _numpy()
        if np is not None and t is np.ndarray and v.size and v.flags.writeable:
            v.reshape(-1)[0] += 1


def perform(api, nb, name, spec=None, args=(), kwargs=None, mutate=False):  # noqa: C901
    """Runs one call on `nb` (a NASBench of module `api`) and returns its answer line.

    `spec` is the "spec" field (see spec_json) for calls taking a ModelSpec, and for
    "ModelSpec" (the constructor's outcome: its attributes) and "hash_spec"
    (`ModelSpec.hash_spec(*args)`). Everything raised is an answer: {"type", "msg"}.
    """
    kwargs = kwargs or {}
    rec = {"call": name, "args": [encode(a) for a in args], "kwargs": {k: encode(v) for k, v in kwargs.items()}}
    if spec is not None:
        rec["spec"] = spec
    with capture_draws() as draws:
        try:
            built = build_spec(api, spec) if spec is not None else None
            if name == "ModelSpec":
                result = {
                    "matrix": built.matrix, "ops": built.ops, "original_matrix": built.original_matrix,
                    "original_ops": built.original_ops, "valid_spec": built.valid_spec,
                    "data_format": built.data_format,
                }
            elif name == "hash_spec":
                result = built.hash_spec(*args)
            elif spec is not None:
                result = getattr(nb, name)(built, *args, **kwargs)
            else:
                result = getattr(nb, name)(*args, **kwargs)
            rec["ok"] = encode(result)
            if mutate:
                rec["mutate"] = True
                _mutate(result)
        except Exception as e:  # noqa: BLE001 - every exception is an answer
            rec["err"] = exc_record(e)
    rec["draws"] = draws
    rec["state"] = state_digest()
    rec["budget"] = budget_record(nb)
    return rec


def normalise_printed(text):
    """The constructor's printed lines, the elapsed seconds replaced by <N>."""
    import re

    return [re.sub(r"^Loaded dataset in \d+ seconds$", "Loaded dataset in <N> seconds", ln) for ln in text.splitlines()]


def header(nb, fixture_name, seed, printed):
    """The first line's comparable fields (the recorder adds provenance keys)."""
    return {
        "fixture": fixture_name, "seed": seed, "printed": printed, "config": encode(nb.config),
        "valid_epochs": encode(nb.valid_epochs), "history": encode(nb.history),
        "state": state_digest(), "budget": budget_record(nb),
    }


def replay(api, fixture_path, answers_path, max_mismatches=20):
    """Replays a recorded answers file against `api` (the official module or a drop-in) on
    `fixture_path`; returns a list of mismatch descriptions (empty = parity)."""
    import contextlib
    import io
    import os

    with open(answers_path) as f:
        lines = [json.loads(ln) for ln in f]
    head = lines[0]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        nb = api.NASBench(fixture_path, seed=head["seed"])
    got = header(nb, os.path.basename(fixture_path), head["seed"], normalise_printed(buf.getvalue()))
    bad = []
    for k, v in got.items():
        if head.get(k) != v:
            bad.append("header %s: official %s, got %s" % (k, dumps(head.get(k))[:300], dumps(v)[:300]))
    for no, want in enumerate(lines[1:], start=2):
        rec = perform(api, nb, want["call"], want.get("spec"), [decode(a) for a in want["args"]],
                      {k: decode(v) for k, v in want["kwargs"].items()}, want.get("mutate", False))
        if rec != want:
            diff = sorted(k for k in set(rec) | set(want) if rec.get(k) != want.get(k))
            bad.append("line %d %s: %s differ: official %s / got %s" % (
                no, want["call"], ",".join(diff),
                dumps({k: want.get(k) for k in diff})[:400], dumps({k: rec.get(k) for k in diff})[:400]))
            if len(bad) >= max_mismatches:
                break
    return bad


_mutate = mutate
