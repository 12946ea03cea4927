"""tnb.nasbench101 replaying the official nasbench.api's recorded answers
(data/nb101/official/*.jsonl, written by tools/official/nb101/ running the official code on the
data/nb101 fixtures; format in data/nb101/README.md): every call's value (typed encoding:
types, float bits, key order), exception class and message, the randint draws, the module-level
random state and the budget counters after the call, and the constructor's printed lines,
config and valid_epochs."""

import contextlib
import glob
import io
import json
import os

import pytest

import tnb
from tnb.nasbench101 import api

from conftest import DATA

try:
    import nb101_answers as answers
    from nb101_answers import encode
except ImportError:  # the shared encoder is not in this checkout
    answers = encode = None

ANSWERS = sorted(glob.glob(os.path.join(DATA, "nb101", "official", "*.jsonl")))
pytestmark = [
    pytest.mark.skipif(not hasattr(tnb._tnb, "NB101Store"), reason="no NAS-Bench-101 in this build"),
    pytest.mark.skipif(encode is None or not ANSWERS, reason="no recorded official answers"),
]


def decode(e):
    """The Python value of a typed encoding (for arguments)."""
    import numpy as np

    if e is None or isinstance(e, (bool, str)):
        return e
    if isinstance(e, (int, float)):
        return e
    if isinstance(e, list):
        return [decode(x) for x in e]
    (kind,) = [k for k in e if k in ("i", "f", "list", "tuple", "dict", "set", "keys", "nd", "np")]
    if kind == "i":
        return int(e["i"])
    if kind == "f":
        return float.fromhex(e["f"])
    if kind == "list":
        return [decode(x) for x in e["list"]]
    if kind == "tuple":
        return tuple(decode(x) for x in e["tuple"])
    if kind == "dict":
        return {decode(k): decode(v) for k, v in e["dict"]}
    if kind in ("set", "keys"):
        return set(decode(x) for x in e[kind])
    if kind == "nd":
        return np.array([decode(x) for x in e["data"]], dtype=e["nd"]).reshape(e["shape"])
    return np.dtype(e["np"]).type(decode(e["v"]))


def fixture_path(name):
    for candidate in (name, name + ".tfrecord"):
        p = os.path.join(DATA, "nb101", candidate)
        if os.path.isfile(p):
            return p
    pytest.skip("fixture %s not in data/nb101" % name)


def spec_of(line):
    return answers.build_spec(api, line["spec"])


@pytest.mark.parametrize("path_of_answers", ANSWERS, ids=lambda p: os.path.basename(p)[:-6])
def test_replay(path_of_answers, tmp_path):
    with open(path_of_answers) as f:
        lines = [json.loads(x) for x in f if x.strip()]
    head, calls = lines[0], lines[1:]
    path = fixture_path(head["fixture"])
    for opening in ("tfrecord", "archive"):
        if opening == "archive":
            dst = str(tmp_path / "a.tnb")
            tnb.nasbench101.convert(path, dst)
            target = dst
        else:
            target = path
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            nb = api.NASBench(target, seed=head.get("seed"))
        if "printed" in head:
            assert out.getvalue().splitlines() == head["printed"]
        if "config" in head:
            assert encode(nb.config) == head["config"]
        if "valid_epochs" in head:
            assert encode(nb.valid_epochs) == head["valid_epochs"]
        replay(nb, calls)


def replay(nb, calls):
    with answers.capture_draws() as draws:
        for k, line in enumerate(calls):
            del draws[:]
            args = [decode(a) for a in line.get("args", [])]
            kwargs = {key: decode(v) for key, v in line.get("kwargs", {}).items()}
            if "spec" in line:
                try:
                    args.insert(0, spec_of(line))
                except Exception as e:  # noqa: BLE001 - compared with the recorded error
                    assert answers.exc_record(e) == line["err"], (k, line)
                    continue
            method = getattr(nb, line["call"])
            try:
                value = method(*args, **kwargs)
            except Exception as e:  # noqa: BLE001 - compared with the recorded error
                assert "err" in line, (k, line, e)
                assert answers.exc_record(e) == line["err"], (k, line)
            else:
                assert "ok" in line, (k, line, value)
                assert encode(value) == line["ok"], (k, line["call"])
            if "draws" in line:
                assert draws == line["draws"], (k, line)
            if "state" in line:
                assert answers.state_digest() == line["state"], (k, line)
            if "budget" in line:
                assert answers.budget_record(nb) == line["budget"], (k, line)
