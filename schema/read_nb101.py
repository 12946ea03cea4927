#!/usr/bin/env python3
"""A reader of NB101 archives (NAS-Bench-101 `.tnb`, family 4), written from FORMAT-NB101.md
alone: plain python3, no packages.

    python3 read_nb101.py ARCHIVE          # prints every value (the dump the tests compare)
    python3 read_nb101.py ARCHIVE HASH...  # prints get_metrics_from_hash-like answers

As a module: `Archive(path_or_bytes)` checks the header, the payload CRC and the section table,
then answers `hash_iterator()`, `valid_epochs`, `get_metrics_from_hash(hex)` (the official
`(fixed_statistics, computed_statistics)` pair) and `row_of_hash(hex)`.
"""

import bisect
import struct
import sys
import zlib

MAGIC = b"\x89TNB\r\n\x1a\n"
HEADER_LEN = 128
FAMILY = 4
VERSION = 1
FLAGS = 0x7
SCHEMA_HASH = 0xD3A9C1EBC856F01A
HEAD_MAGIC = b"NB101TBL"
HEAD_LEN = 80
ENTRY_LEN = 16
ALIGN = 64
LIMITS = {
    "cells": 1 << 26,
    "runs": (1 << 32) - 1,
    "budgets": 256,
    "op_strings": 1 << 16,
    "op_bytes": 1 << 20,
    "op_items": (1 << 32) - 1,
}
COUNTS = ["cells", "runs", "budgets", "op_strings", "op_bytes", "op_items", "budget_items", "canon"]
METRICS = [
    "halfway_training_time",
    "halfway_train_accuracy",
    "halfway_validation_accuracy",
    "halfway_test_accuracy",
    "final_training_time",
    "final_train_accuracy",
    "final_validation_accuracy",
    "final_test_accuracy",
]


def dir_bits(cells):
    """Bits of the hash directory: floor(log2(max(cells, 1)))."""
    return max(cells, 1).bit_length() - 1


def bucket(h, bits):
    """A hash's directory bucket: its first `bits` bits."""
    return int.from_bytes(h[:8], "big") >> (64 - bits) if bits else 0


# (name, struct code or None for raw 16-byte items, element size, element count from counts)
SECTIONS = [
    ("valid_epochs", "q", 8, lambda c: c["budgets"]),
    ("budget_runs", "Q", 8, lambda c: c["budgets"] + 1),
    ("op_offsets", "I", 4, lambda c: c["op_strings"] + 1),
    ("op_bytes", "B", 1, lambda c: c["op_bytes"]),
    ("hashes", None, 16, lambda c: c["cells"]),
    ("vertices", "B", 1, lambda c: c["cells"]),
    ("adjacency", "Q", 8, lambda c: c["cells"]),
    ("trainable_parameters", "i", 4, lambda c: c["cells"]),
    ("ops_offsets", "I", 4, lambda c: c["cells"] + 1),
    ("ops", "H", 2, lambda c: c["op_items"]),
    ("budget_offsets", "I", 4, lambda c: c["cells"] + 1),
    ("budget_list", "B", 1, lambda c: c["budget_items"]),
    ("run_offsets", "I", 4, lambda c: c["budgets"] * (c["cells"] + 1)),
    ("index_buckets", "I", 4, lambda c: (1 << dir_bits(c["cells"])) + 1),
    ("index_hashes", None, 16, lambda c: c["cells"]),
    ("index_rows", "I", 4, lambda c: c["cells"]),
    ("canon_keys", "Q", 8, lambda c: c["canon"]),
    ("canon_rows", "I", 4, lambda c: c["canon"]),
] + [(m, "d", 8, lambda c: c["runs"]) for m in METRICS]


class Hashes:
    """A section of 16-byte hashes, as a sequence of `bytes` (read on access)."""

    def __init__(self, raw):
        self.raw = raw

    def __len__(self):
        return len(self.raw) // 16

    def __getitem__(self, i):
        if not 0 <= i < len(self):
            raise IndexError(i)
        return bytes(self.raw[16 * i : 16 * i + 16])

    def __iter__(self):
        return (self[i] for i in range(len(self)))


class ArchiveError(Exception):
    """The file is not an NB101 archive this reader reads, or it is corrupted."""


def _u32(b, at):
    return struct.unpack_from("<I", b, at)[0]


def _u64(b, at):
    return struct.unpack_from("<Q", b, at)[0]


def layout(counts):
    """The (offset, length) of every section: FORMAT-NB101.md's layout rule."""
    at = HEAD_LEN + len(SECTIONS) * ENTRY_LEN
    out = []
    for _name, _code, size, count in SECTIONS:
        start = (at + ALIGN - 1) // ALIGN * ALIGN
        length = count(counts) * size
        out.append((start, length))
        at = start + length
    return out


class Archive:
    def __init__(self, src):
        if isinstance(src, (bytes, bytearray, memoryview)):
            data = bytes(src)
        else:
            with open(src, "rb") as f:
                data = f.read()
        self._check_header(data)
        self.payload = memoryview(data)[HEADER_LEN:]
        self._read_table()

    # --- header (FORMAT.md, with NB101's values) ---
    def _check_header(self, d):
        if len(d) < HEADER_LEN or d[:8] != MAGIC:
            raise ArchiveError("not a tnb archive")
        if zlib.crc32(d[:124]) != _u32(d, 124):
            raise ArchiveError("corrupted tnb archive: header checksum mismatch")
        family, version = _u32(d, 44), _u32(d, 8)
        if family != FAMILY:
            raise ArchiveError("not a NAS-Bench-101 archive (family %d)" % family)
        if version != VERSION or _u32(d, 12) != FLAGS or _u64(d, 16) != SCHEMA_HASH:
            raise ArchiveError("an NB101 archive of another version, flags or schema")
        if d[120:124] != b"\0\0\0\0":
            raise ArchiveError("reserved header bytes are not zero")
        off, length = _u64(d, 24), _u64(d, 32)
        if off != HEADER_LEN or off + length != len(d):
            raise ArchiveError("corrupted tnb archive: the payload does not fill the file")
        if zlib.crc32(d[HEADER_LEN:]) != _u32(d, 40):
            raise ArchiveError("corrupted tnb archive: payload checksum mismatch")
        self.source_size = _u64(d, 48)
        self.source_sha256 = d[56:88].hex()
        self.converter = d[88:120].split(b"\0")[0].decode("utf-8", "replace")

    # --- head and section table ---
    def _read_table(self):
        p = self.payload
        n = len(p)
        if n < HEAD_LEN + len(SECTIONS) * ENTRY_LEN:
            raise ArchiveError("corrupted tnb archive: the payload is shorter than its table")
        if bytes(p[:8]) != HEAD_MAGIC or _u32(p, 8) != len(SECTIONS) or _u32(p, 12) != 0:
            raise ArchiveError("corrupted tnb archive: bad payload head")
        self.counts = {k: _u64(p, 16 + 8 * i) for i, k in enumerate(COUNTS)}
        c = self.counts
        for k, limit in LIMITS.items():
            if c[k] > limit:
                raise ArchiveError("corrupted tnb archive: %d %s, more than %d" % (c[k], k, limit))
        if (
            c["cells"] > c["runs"]
            or c["canon"] > c["cells"]
            or c["budget_items"] > min(c["cells"] * c["budgets"], (1 << 32) - 1)
            or c["budgets"] * (c["cells"] + 1) > (1 << 27)
        ):
            raise ArchiveError("corrupted tnb archive: inconsistent counts")
        want = layout(c)
        for i, (start, length) in enumerate(want):
            at = HEAD_LEN + ENTRY_LEN * i
            if (_u64(p, at), _u64(p, at + 8)) != (start, length):
                raise ArchiveError("corrupted tnb archive: section %s misplaced" % SECTIONS[i][0])
        if want[-1][0] + want[-1][1] != n:
            raise ArchiveError("corrupted tnb archive: the sections do not end the payload")
        self.sec = {}
        for (name, code, size, _count), (start, length) in zip(SECTIONS, want):
            raw = p[start : start + length]
            if code is None:
                self.sec[name] = Hashes(raw)
            elif sys.byteorder == "little":
                # Zero-copy: the archive's byte order is this machine's.
                self.sec[name] = raw.cast(code)
            else:
                self.sec[name] = list(struct.unpack("<%d%s" % (length // size, code), raw))
        s = self.sec
        offs, raw = s["op_offsets"], bytes(s["op_bytes"])
        self.labels = [raw[offs[i] : offs[i + 1]].decode("utf-8") for i in range(c["op_strings"])]
        self.valid_epochs = list(s["valid_epochs"])

    # --- the official API's data ---
    def cells(self):
        return self.counts["cells"]

    def hash_iterator(self):
        return [h.hex() for h in self.sec["hashes"]]

    def row_of_hash(self, hex_hash):
        h = bytes.fromhex(hex_hash)
        keys, d = self.sec["index_hashes"], self.sec["index_buckets"]
        j = bucket(h, dir_bits(self.counts["cells"]))
        lo, hi = d[j], d[j + 1]
        if not lo <= hi <= len(keys):
            raise ArchiveError("corrupted tnb archive: the hash directory is wrong")
        k = bisect.bisect_left(keys, h, lo, hi)
        if k < hi and keys[k] == h:
            row = self.sec["index_rows"][k]
            if self.sec["hashes"][row] != h:
                raise ArchiveError("corrupted tnb archive: the hash index is wrong")
            return row
        return None

    def matrix(self, row):
        n, bits = self.sec["vertices"][row], self.sec["adjacency"][row]
        return [[(bits >> (r * n + k)) & 1 for k in range(n)] for r in range(n)]

    def operations(self, row):
        s = self.sec
        ids = s["ops"][s["ops_offsets"][row] : s["ops_offsets"][row + 1]]
        return [self.labels[i] for i in ids]

    def runs(self, row, b):
        ro, c1 = self.sec["run_offsets"], self.counts["cells"] + 1
        return range(ro[b * c1 + row], ro[b * c1 + row + 1])

    def budgets(self, row):
        s = self.sec
        return list(s["budget_list"][s["budget_offsets"][row] : s["budget_offsets"][row + 1]])

    def run(self, i):
        return {m: self.sec[m][i] for m in METRICS}

    def get_metrics_from_hash(self, hex_hash):
        row = self.row_of_hash(hex_hash)
        if row is None:
            raise KeyError(hex_hash)
        fixed = {
            "module_adjacency": self.matrix(row),
            "module_operations": self.operations(row),
            "trainable_parameters": self.sec["trainable_parameters"][row],
        }
        computed = {}
        for b in self.budgets(row):
            computed[self.valid_epochs[b]] = [self.run(i) for i in self.runs(row, b)]
        return fixed, computed


def _bits(x):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]


def dump(a, out):
    """Every value, one line each, floats by their bits (the text the Rust test renders)."""
    w = out.write
    w("valid_epochs %s\n" % " ".join(str(e) for e in a.valid_epochs))
    for row, h in enumerate(a.hash_iterator()):
        s = a.sec
        ops = ",".join(a.operations(row))
        w("cell %d %s n=%d adj=%x params=%d ops=%s\n"
          % (row, h, s["vertices"][row], s["adjacency"][row], s["trainable_parameters"][row], ops))
        for b in a.budgets(row):
            w(" budget %d\n" % a.valid_epochs[b])
            for i in a.runs(row, b):
                w("  run %d %s\n" % (i, " ".join(_bits(s[m][i]) for m in METRICS)))
        if a.row_of_hash(h) != row:
            w("  LOOKUP FAILED\n")
    for k, r in zip(a.sec["canon_keys"], a.sec["canon_rows"]):
        w("canon %016x %d\n" % (k, r))


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    try:
        a = Archive(argv[1])
        if len(argv) == 2:
            dump(a, sys.stdout)
        for h in argv[2:]:
            print(repr(a.get_metrics_from_hash(h)))
    except (ArchiveError, KeyError) as e:
        sys.stderr.write("error: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
