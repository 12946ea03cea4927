#!/usr/bin/env python3
"""Runs the official NAS-Bench-101 code (`nasbench.api`) without TensorFlow.

The official sources are never vendored: give the directory of a fetched snapshot of
google-research/nasbench (the one holding the `nasbench/` package), e.g.

    git -C <bare git dir of google-research/nasbench> archive HEAD | tar -x -C /tmp/nasbench-src
    /tmp/ovenv/bin/python tools/official/nb101/run_official.py /tmp/nasbench-src load data/nb101/full_small.tfrecord

This script puts that directory and the TensorFlow stand-in beside it (./tensorflow, tnb's own
code) first on sys.path. Needs numpy, absl-py and a protobuf that still reads the 2019 generated
model_metrics_pb2.py (protobuf==3.20.3); see README.md.

Subcommands:
  load FILE [--seed S]     construct api.NASBench(FILE, seed=S) and print a summary
  run SCRIPT [ARGS...]     run a Python script with the official package importable
  self-test                check the stand-in's CRC-32C and TFRecord reader
Other scripts import `import_official(src)` from here.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def import_official(src):
    """Makes `nasbench` (from `src`) and the `tensorflow` stand-in importable; returns nasbench.api."""
    src = os.path.abspath(src)
    if not os.path.isfile(os.path.join(src, "nasbench", "api.py")):
        raise SystemExit("%s: no nasbench/api.py here (give the root of the fetched official sources)" % src)
    for p in (src, HERE):
        if p in sys.path:
            sys.path.remove(p)
    # The stand-in goes first so that a real TensorFlow (if any) is not the one imported.
    sys.path[:0] = [HERE, src]
    import tensorflow  # noqa: F401

    if not getattr(tensorflow, "__version__", "").endswith("tnb-standin"):
        raise SystemExit("imported %s, not the stand-in" % tensorflow.__file__)
    from nasbench import api

    return api


def _self_test():
    import io
    import struct
    import tempfile

    sys.path.insert(0, HERE)
    from tensorflow import errors, python_io

    assert python_io._pure_crc32c(b"123456789") == 0xE3069283
    assert python_io.crc32c(b"123456789") == 0xE3069283
    for n in range(0, 70):
        data = bytes((i * 37 + n) & 0xFF for i in range(n))
        assert python_io._pure_crc32c(data) == python_io.crc32c(data), n
    recs = [b"", b"a", b"hello world" * 40]
    buf = io.BytesIO()
    for r in recs:
        ln = struct.pack("<Q", len(r))
        buf.write(ln + struct.pack("<I", python_io.masked_crc32c(ln)) + r + struct.pack("<I", python_io.masked_crc32c(r)))
    raw = buf.getvalue()
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "t.tfrecord")
        with open(p, "wb") as f:
            f.write(raw)
        assert list(python_io.tf_record_iterator(p)) == recs
        for bad in (raw[:-1], raw[:20] + bytes([raw[20] ^ 1]) + raw[21:], raw[:8] + b"\0" + raw[9:]):
            with open(p, "wb") as f:
                f.write(bad)
            try:
                list(python_io.tf_record_iterator(p))
            except errors.DataLossError as e:
                print("refused as expected:", e)
            else:
                raise AssertionError("corrupt file accepted")
    print("self-test ok (crc: %s)" % python_io.CRC_IMPL)


def main(argv):
    if len(argv) >= 1 and argv[0] == "self-test":
        return _self_test()
    if len(argv) < 2:
        raise SystemExit(__doc__)
    src, cmd, rest = argv[0], argv[1], argv[2:]
    api = import_official(src)
    if cmd == "load":
        seed = None
        if "--seed" in rest:
            i = rest.index("--seed")
            seed = int(rest[i + 1])
            del rest[i : i + 2]
        nb = api.NASBench(rest[0], seed=seed)
        runs = sum(len(v) for c in nb.computed_statistics.values() for v in c.values())
        print("cells %d, runs %d, valid_epochs %s" % (len(nb.fixed_statistics), runs, sorted(nb.valid_epochs)))
    elif cmd == "run":
        import runpy

        sys.argv = rest
        runpy.run_path(rest[0], run_name="__main__")
    else:
        raise SystemExit("unknown subcommand %r\n%s" % (cmd, __doc__))


if __name__ == "__main__":
    main(sys.argv[1:])
