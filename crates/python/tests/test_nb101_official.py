"""tnb.nasbench101 replaying the official nasbench.api's recorded answers
(data/nb101/official/*.jsonl, recorded by tools/official/nb101/record_answers.py running the
official code on the data/nb101 fixtures; format in tools/official/nb101/README.md): every
call's value in the typed encoding (types, float bits, key order), exception class and message,
the randint draws, the module-level random state and the budget counters after the call, the
copies kept (answers mutated after encoding), and the constructor's printed lines, config,
valid_epochs and state. Opened from the TFRecord itself and from its converted archive."""

import glob
import os
import shutil

import pytest

import tnb
from tnb import nasbench101
from tnb.nasbench101 import api

from conftest import DATA

try:
    import nb101_answers as answers
except ImportError:  # the shared encoder is not in this checkout
    answers = None

ANSWERS = sorted(glob.glob(os.path.join(DATA, "nb101", "official", "*.jsonl")))
pytestmark = [
    pytest.mark.skipif(not hasattr(tnb._tnb, "NB101Store"), reason="no NAS-Bench-101 in this build"),
    pytest.mark.skipif(answers is None or not ANSWERS, reason="no recorded official answers"),
]


def _fixture(recorded):
    with open(recorded) as f:
        import json

        name = json.loads(f.readline())["fixture"]
    path = os.path.join(DATA, "nb101", name)
    if not os.path.isfile(path):
        pytest.skip("fixture %s not in data/nb101" % name)
    return path


@pytest.mark.parametrize("recorded", ANSWERS, ids=lambda p: os.path.basename(p)[:-6])
@pytest.mark.parametrize("opening", ["tfrecord", "archive"])
def test_replay_matches_the_official_answers(recorded, opening, tmp_path):
    source = _fixture(recorded)
    if opening == "archive":
        # The archive under the fixture's own name (the header records the file's basename;
        # NASBench tells an archive from a TFRecord by content).
        path = str(tmp_path / os.path.basename(source))
        nasbench101.convert(source, str(tmp_path / "a.tnb"))
        shutil.move(str(tmp_path / "a.tnb"), path)
    else:
        path = source
    bad = answers.replay(api, path, recorded)
    assert not bad, "\n".join(bad)
