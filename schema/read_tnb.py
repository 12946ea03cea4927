#!/usr/bin/env python3
"""A reader of .tnb archives in plain Python (no Rust, no rkyv), written from FORMAT.md alone.

It exists to prove that FORMAT.md is enough to read the format: it decodes the header and the
rkyv payload (relative pointers, vecs, inline and out-of-line strings, enums, the root at the end),
looks every architecture up through the arch table, and, given the source's JSON dump (what
`tnb dump` and `json.dumps(torch.load(...))` print), checks every metric value against it.

    python3 schema/read_tnb.py data/golden/transnas_small.tnb data/transnas_small.json

Prints a summary and exits 0 when everything agrees; raises on the first disagreement.
"""

import json
import math
import struct
import sys
import zlib

HEADER_LEN = 128
MAGIC = b"\x89TNB\r\n\x1a\n"
ROOT_SIZE = 168  # size of the archived Benchmark (FORMAT.md, "Reading the payload without rkyv")
COLUMN_SIZE = 28  # size of one archived Column
TASK_SIZE = 64  # size of one archived Task
MASK64 = (1 << 64) - 1


def arch_hash(b):
    h = len(b)
    for i in range(0, len(b), 8):
        w = int.from_bytes(b[i : i + 8].ljust(8, b"\0"), "little")
        h = ((((h << 5) | (h >> 59)) & MASK64) ^ w) * 0x9E3779B97F4A7C15 & MASK64
    h ^= h >> 29
    h = h * 0xBF58476D1CE4E5B9 & MASK64
    return h ^ (h >> 32)


class Payload:
    def __init__(self, p):
        self.p = p

    def u8(self, at):
        return self.p[at]

    def u32(self, at):
        return struct.unpack_from("<I", self.p, at)[0]

    def i32(self, at):
        return struct.unpack_from("<i", self.p, at)[0]

    def vec(self, at):
        """(start, len) of an ArchivedVec at `at`: i32 offset from `at` itself, then u32 len."""
        return at + self.i32(at), self.u32(at + 4)

    def prims(self, at, fmt):
        start, n = self.vec(at)
        size = struct.calcsize("<" + fmt)
        assert start % size == 0, "elements are aligned to their size"
        return list(struct.unpack_from("<%d%s" % (n, fmt), self.p, start))

    def blob(self, at):
        start, n = self.vec(at)
        return self.p[start : start + n]

    def string(self, at):
        """An ArchivedString: 8 bytes, inline when the first byte is not 0b10xxxxxx."""
        b0 = self.p[at]
        if b0 & 0xC0 != 0x80:
            raw = self.p[at : at + 8]
            end = raw.find(b"\xff")
            return raw[: 8 if end < 0 else end].decode()
        v = self.u32(at)
        n = (v & 0x3F) | ((v & ~0xFF & 0xFFFFFFFF) >> 2)
        start = at + self.i32(at + 4)  # relative to the string's own first byte
        return self.p[start : start + n].decode()

    def strings(self, at):
        start, n = self.vec(at)
        return [self.string(start + 8 * i) for i in range(n)]

    def column(self, at):
        """An archived Column: u8 tag at +0, the variant's fields from +4 (repr(C) after the tag)."""
        tag = self.u8(at)
        if tag == 0:
            return self.prims(at + 4, "f")
        if tag == 1:
            return self.prims(at + 4, "d")
        if tag == 2:
            return self.prims(at + 4, "q")
        if tag == 3:
            width, raw = self.u32(at + 4), self.blob(at + 8)
            return [raw[i : i + width].decode() for i in range(0, len(raw), width)]
        if tag == 4:
            offsets, raw = self.prims(at + 4, "I"), self.blob(at + 12)
            return [raw[s:e].decode() for s, e in zip(offsets, offsets[1:])]
        if tag == 5:
            tags, bits, raw = self.blob(at + 4), self.prims(at + 12, "Q"), self.blob(at + 20)
            out = []
            for t, v in zip(tags, bits):
                if t == 3:
                    out.append(v - (1 << 64) if v >> 63 else v)
                elif t == 4:
                    out.append(struct.unpack("<d", struct.pack("<Q", v))[0])
                elif t == 5:
                    out.append(raw[v >> 32 : (v >> 32) + (v & 0xFFFFFFFF)].decode())
                else:
                    out.append([None, False, True][t] if t < 3 else ("node", v))
            return out
        raise ValueError("unknown column tag %d" % tag)


def same(x, y):
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x):
        return math.isnan(y)
    return x == y and type(x) is type(y)


def main(archive, source_json=None):
    f = open(archive, "rb").read()
    h = f[:HEADER_LEN]
    assert h[:8] == MAGIC, "magic"
    version, flags, _schema, off, length, crc = struct.unpack_from("<IIQQQI", h, 8)
    assert (version, flags, off) == (1, 7, HEADER_LEN), (version, flags, off)
    assert h[44:48] == b"\0" * 4 and h[120:124] == b"\0" * 4, "reserved bytes"
    assert zlib.crc32(h[:124]) == struct.unpack_from("<I", h, 124)[0], "header CRC"
    payload = f[off : off + length]
    assert len(f) == off + length and zlib.crc32(payload) == crc, "payload CRC"

    p = Payload(payload)
    root = len(payload) - ROOT_SIZE  # the root object is the payload's last bytes
    tasks_at, n_tasks = p.vec(root + 0)
    space_names = p.strings(root + 16)
    space_starts = p.prims(root + 24, "I")
    arch_offsets = p.prims(root + 32, "I")
    arch_bytes = p.blob(root + 40)
    slots = p.prims(root + 48, "I")
    archs = [arch_bytes[s:e].decode() for s, e in zip(arch_offsets, arch_offsets[1:])]

    for i, name in enumerate(archs):
        at = arch_hash(name.encode()) & (len(slots) - 1)
        while slots[at] != i + 1:
            assert slots[at] != 0, "arch %s not found in the table" % name
            at = (at + 1) & (len(slots) - 1)

    tasks = []
    for t in range(n_tasks):
        at = tasks_at + TASK_SIZE * t
        cols_at, n_cols = p.vec(at + 24)
        tasks.append(
            {
                "name": p.string(at),
                "metrics": p.strings(at + 8),
                "offsets": p.prims(at + 16, "I"),
                "columns": [p.column(cols_at + COLUMN_SIZE * c) for c in range(n_cols)],
            }
        )
    print(
        "%s: %d archs in spaces %s, tasks %s"
        % (archive, len(archs), dict(zip(space_names, space_starts)), [t["name"] for t in tasks])
    )

    if source_json:
        src = json.load(open(source_json))
        assert src["task_list"] == [t["name"] for t in tasks]
        assert list(src["data"]) == space_names
        src_archs = [(s, a) for s in src["data"] for a in src["data"][s]]
        assert [a for _, a in src_archs] == archs
        checked = 0
        for i, (space, arch) in enumerate(src_archs):
            for t in tasks:
                lo, hi = t["offsets"][i], t["offsets"][i + 1]
                result = src["data"][space][arch][t["name"]]
                assert result["total_epochs"] == hi - lo
                for m, col in zip(t["metrics"], t["columns"]):
                    want = result["metrics"][m]
                    got = col[lo:hi]
                    assert len(want) == len(got) and all(map(same, got, want)), (arch, m)
                    checked += len(got)
        print("every one of %d metric values agrees with %s" % (checked, source_json))


if __name__ == "__main__":
    main(*sys.argv[1:])
