#!/usr/bin/env python3
"""Checks that data/nb101's fixtures and recorded answers belong together (python3 stdlib only).

    python3 tools/official/nb101/check_data.py

For each data/nb101/<stem>.tfrecord: every record's framing and both CRC-32Cs (the stand-in's
pure-Python reader), each payload a JSON 5-list with base64 metrics; then the answers file
data/nb101/official/<stem>.jsonl names this fixture, and its first `hash_iterator` answer lists
the file's hashes in first-appearance order. Catches a fixture regenerated without its
answers (or the reverse). Exit status 1 on the first problem.
"""

import base64
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, HERE)

from tensorflow import python_io  # noqa: E402  (the stand-in, not TensorFlow)


def main():
    fixtures = sorted(glob.glob(os.path.join(ROOT, "data", "nb101", "*.tfrecord")))
    if not fixtures:
        sys.exit("no data/nb101/*.tfrecord")
    for path in fixtures:
        stem = os.path.splitext(os.path.basename(path))[0]
        order = {}
        n = 0
        for data in python_io.tf_record_iterator(path):
            h, epochs, adj, ops, metrics = json.loads(data.decode("utf-8"))
            base64.b64decode(metrics, validate=True)
            order.setdefault(h, None)
            n += 1
        ans = os.path.join(ROOT, "data", "nb101", "official", stem + ".jsonl")
        with open(ans) as f:
            head = json.loads(f.readline())
            if head["fixture"] != os.path.basename(path):
                sys.exit("%s: answers are for %s" % (ans, head["fixture"]))
            for line in f:
                d = json.loads(line)
                if d["call"] == "hash_iterator":
                    if d["ok"]["keys"] != list(order):
                        sys.exit("%s: hash_iterator answer differs from %s's hashes" % (ans, path))
                    break
            else:
                sys.exit("%s: no hash_iterator answer" % ans)
        print("%s: %d records, %d cells, answers match" % (os.path.relpath(path, ROOT), n, len(order)))


if __name__ == "__main__":
    main()
