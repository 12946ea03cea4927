#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/seeds/<target>/) from the fixtures in data/.

Usage, from the repository root (plain python3, no packages; `tnb` built by cargo):

    cargo build -p tnb && python3 fuzz/make_seeds.py target/debug/tnb

Each target's folder is rewritten from scratch. Seeds are named after the fixture they come
from. The committed seeds were then minimised with `cargo fuzz cmin` (see fuzz/README.md), so
rerunning this script gives a superset of them.
"""

import io
import os
import pickle
import pickletools
import shutil
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data")
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
HEADER_LEN = 128

# Near-duplicates of other fixtures (same object, another folder name) and the 200 KB
# deep-nesting fixture, which `deep_list` below replaces with 2 KB.
SKIP = {"transnas_small_buffer.pth", "deeply_nested_list.pkl"}


def fixtures(folder, exts):
    d = os.path.join(DATA, folder)
    for name in sorted(os.listdir(d)):
        if name.endswith(exts) and name not in SKIP:
            yield name, os.path.join(d, name)


# Per target: the contents already written (several fixtures hold the same object).
WRITTEN = {}

# Big fixtures kept out of some targets to keep the committed seeds small: where another seed
# of the same target already has their shape (the legacy container: tensors_legacy; the
# benchmark layout: transnas_variant).
BIG_ELSEWHERE = {
    "pickle": {"transnas_small_legacy.object.pkl"},
    "pth_wrapped": {"transnas_small_legacy.legacy", "compressed_data_pkl.zip", "big_dict.zip",
                    "transnas_small.zip"},
    "convert": {"transnas_small_legacy.pth", "big_dict.pth"},
}


def write(target, name, data):
    if name in BIG_ELSEWHERE.get(target, ()) or data in WRITTEN.setdefault(target, set()):
        return
    WRITTEN[target].add(data)
    os.makedirs(os.path.join(SEEDS, target), exist_ok=True)
    with open(os.path.join(SEEDS, target, name), "wb") as f:
        f.write(data)


def zip_parts(path):
    """data.pkl and the storages (in key order) of a torch zip, or None."""
    try:
        z = zipfile.ZipFile(path)
        names = z.namelist()
        pkl = [n for n in names if n.endswith("/data.pkl")]
        if len(pkl) != 1:
            return None
        folder = pkl[0][: -len("/data.pkl")]
        keys = sorted((n[len(folder) + 6:] for n in names if n.startswith(folder + "/data/")), key=int)
        return z.read(pkl[0]), [z.read(f"{folder}/data/{k}") for k in keys]
    except (zipfile.BadZipFile, ValueError):
        return None


def pickle_end(data, pos):
    """Offset just past the pickle starting at data[pos]."""
    f = io.BytesIO(data)
    f.seek(pos)
    for op, _arg, _at in pickletools.genops(f):
        if op.name == "STOP":
            return f.tell()
    raise ValueError("no STOP")


def legacy_rest(path):
    """A legacy file without its three header pickles, or None."""
    data = open(path, "rb").read()
    try:
        pos = 0
        for _ in range(3):
            pos = pickle_end(data, pos)
        if pickle.loads(data[:pickle_end(data, 0)]) != 0x1950A86A20F9469CFC6C:
            return None
        return data[pos:]
    except Exception:
        return None


def wrapped(flags, pkl, storages=()):
    out = bytes([flags]) + pkl
    for s in storages:
        out += len(s).to_bytes(2, "little") + s
    return out


def deep_list(depth):
    """[[[...]]] nested `depth` deep: past the reader's depth limit for depth > 1000."""
    return b"\x80\x02" + b"]" * depth + b"a" * (depth - 1) + b"."


def text_opcode_seeds():
    """Protocol-0 edge cases read as CPython's C unpickler reads them, and floods of one-byte
    opcodes that grow the stack or the marks (small here; the limits are what is fuzzed)."""
    return {
        "text_ints.pkl": b"(I010\nI01\nI-0\nI 1\nI0x1f\nI1_0\nI\x00\nI1\r\nL0x10L\nL00L\n"
        b"I99999999999999999999\nI-0o17\nl.",
        "text_floats.pkl": b"(F-nan\nFinfinity\nF1e-999\nF.5\nF1.5\x00x\nF4.9e-324\nl.",
        "text_float_overflow.pkl": b"F1e999\n.",
        "text_unicode.pkl": b"(V\\\\u0041\nV\\\\\\u0041\nV\\U0001f600\xe9\nl.",
        "text_unicode_truncated.pkl": b"V\\u004\n.",
        "text_strings.pkl": b"(S'\\x41\\101\\577\\q'\nS\"a\\\"\"\nl.",
        "text_string_crlf.pkl": b"S'a'\r\n.",
        "text_memo.pkl": b"(Np010\ng1_0\ng 10 \nl.",
        "builtin_set_proto3.pkl": b"\x80\x03c__builtin__\nset\n)R.",
        "builtin_set_proto2.pkl": b"\x80\x02c__builtin__\nset\n)R.",
        "mark_flood.pkl": b"\x80\x02" + b"(" * 2000 + b"N.",
        "dup_flood.pkl": b"\x80\x02(N" + b"2" * 4000 + b"l.",
    }


def main():
    tnb = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "tnb")
    for t in ["pickle", "pth", "pth_wrapped", "archive", "convert"]:
        shutil.rmtree(os.path.join(SEEDS, t), ignore_errors=True)

    for folder in ["", "bad"]:
        for name, path in fixtures(folder, (".pkl",)):
            data = open(path, "rb").read()
            write("pickle", name, data)
            write("pth_wrapped", name, wrapped(0, data, []))
        for name, path in fixtures(folder, (".pth",)):
            data = open(path, "rb").read()
            write("pth", name, data)
            stem = name[:-4]
            z = zip_parts(path)
            if z:
                write("pickle", stem + ".data.pkl", z[0])
                write("pth_wrapped", stem + ".zip", wrapped(0, *z))
            rest = legacy_rest(path) if not z else None
            if rest:
                write("pickle", stem + ".object.pkl", rest[: pickle_end(rest, 0)])
                write("pth_wrapped", stem + ".legacy", wrapped(1, rest))
    write("pickle", "deep_list_1001.pkl", deep_list(1001))
    for name, data in text_opcode_seeds().items():
        write("pickle", name, data)
    # The same small object big-endian, and without a byteorder record.
    ints = zip_parts(os.path.join(DATA, "tensors.pth"))
    write("pth_wrapped", "tensors.big_endian", wrapped(2, *ints))
    write("pth_wrapped", "tensors.no_byteorder", wrapped(4 | 8, *ints))

    # convert: every good source (the layout checks need whole benchmark-shaped objects).
    for name, path in fixtures("", (".pth", ".pkl")):
        write("convert", name, open(path, "rb").read())

    # archive: the payloads of archives converted from the fixtures, and the golden one.
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in fixtures("", (".pth", ".pkl")):
            out = os.path.join(tmp, "a.tnb")
            r = subprocess.run([tnb, "convert", "-q", path, out])
            if r.returncode == 0:
                write("archive", name + ".payload", open(out, "rb").read()[HEADER_LEN:])
    golden = open(os.path.join(DATA, "golden", "transnas_small.tnb"), "rb").read()
    write("archive", "golden_transnas_small.payload", golden[HEADER_LEN:])


if __name__ == "__main__":
    main()
