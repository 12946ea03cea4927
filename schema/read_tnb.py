#!/usr/bin/env python3
"""A reader of .tnb archives in plain Python 3 (no packages, no Rust, no rkyv), written from
schema/FORMAT.md alone. It is the format's executable check: every rule FORMAT.md states is
applied here, in FORMAT.md's order, with FORMAT.md's messages, and the tests compare it with
tnb on every fixture archive.

What it does:
- opens an archive as tnb does: the header checks, the payload's structural validation (the
  pointer-window rule rkyv applies), the open-time checks, the arch-name check;
- answers every query of the official TransNASBenchAPI from the archive alone (`Api.call`),
  with the exception class the official class raises where it raises;
- rebuilds the whole source object (`Archive.document`), as `tnb dump` prints it;
- lays the payload out again by FORMAT.md's placement rules (`rewrite`): for an archive tnb
  wrote, the same bytes.

Usage:
    read_tnb.py ARCHIVE [SOURCE.json]  summary; with the source's JSON dump, every metric value
                                       checked against it
    read_tnb.py dump ARCHIVE           the source object as JSON (what `tnb dump` prints)
    read_tnb.py batch ARCHIVE          JSON Lines requests on stdin, one answer line each, as
                                       `tnb batch` (the same protocol; error messages differ)
    read_tnb.py requests ARCHIVE       the requests `compare` asks (every arch x task x metric x
                                       mode, and failing ones), as JSON Lines
    read_tnb.py compare ARCHIVE TNB    asks TNB (the tnb binary) and this reader every request
                                       and the dump, and lays the payload out again; exits 1 on
                                       any disagreement
    read_tnb.py mutations ARCHIVE [REQUESTS]
                                       reads "position xor" lines on stdin, flips payload byte
                                       `position` with `xor` and prints what opening says (the
                                       error, or "ok" then a tab and each answer to the JSON
                                       Lines of REQUESTS as `ok:<json>` or `err:<class>`,
                                       tab-separated); payload checksum not checked

Errors are one line on stderr and exit status 2 (1 for a disagreement in `compare`).
"""

import json
import struct
import subprocess
import sys
import zlib

# ---- Constants (FORMAT.md, "Header" and "Constants") ----

HEADER_LEN = 128
MAGIC = b"\x89TNB\r\n\x1a\n"
FORMAT_VERSION = 1
FLAGS = 0x7
MAX_PAYLOAD = 2**31 - 1
SCHEMA = (
    "Benchmark{tasks:Vec<Task>,info_names:Vec<String>,space_names:Vec<String>,"
    "space_starts:Vec<u32>,arch_offsets:Vec<u32>,arch_bytes:Vec<u8>,arch_slots:Vec<u32>,"
    "layout:Layout,generic:Generic}"
    "Task{name:String,metrics:Vec<String>,offsets:Vec<u32>,columns:Vec<Column>,"
    "best:Vec<u32>,ranking:Vec<u32>,ranking_status:Vec<u8>,info:Vec<Column>}"
    "Column{F32(Vec<f32>),F64(Vec<f64>),I64(Vec<i64>),StrFixed{width:u32,bytes:Vec<u8>},"
    "Str{offsets:Vec<u32>,bytes:Vec<u8>},Mixed{tags:Vec<u8>,bits:Vec<u64>,bytes:Vec<u8>}}"
    "Layout{top:u32,task_list:u32,metrics_dict:u32,info_names:u32,items:Vec<u32>,"
    "item_offsets:Vec<u32>,arch_layout:Vec<u32>,result_layout:Vec<u32>,arch_extras:Vec<u32>,"
    "result_extras:Vec<u32>,extras:Vec<u32>}"
    "Generic{kinds:Vec<u8>,a:Vec<u64>,b:Vec<u32>,children:Vec<u32>,bytes:Vec<u8>}"
    "rkyv=0.8.18;little_endian;aligned;pointer_width_32;arch_slots=arch_hash"
)
MASK64 = (1 << 64) - 1


def fnv1a(b):
    h = 0xCBF29CE484222325
    for c in b:
        h = ((h ^ c) * 0x100000001B3) & MASK64
    return h


SCHEMA_HASH = fnv1a(SCHEMA.encode())
assert SCHEMA_HASH == 0xAB2D73DA9AF6B39B, "FORMAT.md states this value"

NO_NODE = 0xFFFFFFFF
BEST_EMPTY = 0xFFFFFFFF
BEST_INCOMPARABLE = 0xFFFFFFFE
RANK_OK, RANK_BEST_FAILS, RANK_INCOMPARABLE = 0, 1, 2
MAX_DEPTH = 1000
MAX_EXPANDED = 1 << 25
MAX_EXPANDED_BYTES = 1 << 29
# Generic node kinds.
N_NONE, N_FALSE, N_TRUE, N_INT, N_FLOAT, N_STR, N_BYTES = range(7)
N_LIST, N_TUPLE, N_DICT, N_SET, N_FROZENSET, N_DATA, N_SCALAR = range(7, 14)
N_TENSOR = 32
DTYPES = 13
# Layout ops.
TASK, EXTRA, TOTAL_EPOCHS, MODEL_INFO, INFO, METRICS, METRIC, CLOSE = range(1, 9)


class FormatError(Exception):
    """The archive is refused (at open) or inconsistent (at a query): tnb's FormatError."""


def corrupt(msg):
    return FormatError("corrupted tnb archive: " + msg)


def arch_hash(b):
    h = len(b)
    for i in range(0, len(b), 8):
        w = int.from_bytes(b[i : i + 8].ljust(8, b"\0"), "little")
        h = ((((h << 5) | (h >> 59)) & MASK64) ^ w) * 0x9E3779B97F4A7C15 & MASK64
    h ^= h >> 29
    h = h * 0xBF58476D1CE4E5B9 & MASK64
    return h ^ (h >> 32)


# ---- The header ----


def u32(b, at):
    return struct.unpack_from("<I", b, at)[0]


def u64(b, at):
    return struct.unpack_from("<Q", b, at)[0]


def read_header(f):
    """The header's checks in FORMAT.md's order; returns (payload offset, length, crc)."""
    n = len(f)
    if n < HEADER_LEN:
        if not MAGIC.startswith(f[: min(n, 8)]):
            raise FormatError("not a tnb archive (wrong magic bytes)")
        raise FormatError(
            "not a tnb archive: the file is %d bytes, shorter than the 128-byte header" % n
        )
    if f[:8] != MAGIC:
        raise FormatError("not a tnb archive (wrong magic bytes)")
    version = u32(f, 8)
    if version > FORMAT_VERSION:
        raise FormatError(
            "archive format version %d is newer than this tnb reads (1); upgrade tnb" % version
        )
    if version < FORMAT_VERSION:
        raise FormatError(
            "archive format version %d is older than this tnb reads (1); convert the source "
            "again with tnb-convert" % version
        )
    if zlib.crc32(f[:124]) != u32(f, 124):
        raise FormatError("corrupted tnb archive: header checksum mismatch")
    for start, end in ((44, 48), (120, 124)):
        if any(f[start:end]):
            raise FormatError(
                "not a tnb archive this build reads: reserved header bytes %d..%d are not zero "
                "(a newer or foreign writer?); convert the source again with tnb-convert"
                % (start, end)
            )
    flags = u32(f, 12)
    if flags != FLAGS:
        raise FormatError(
            "archive flags %s differ from this build's 0x7 (another byte order or pointer "
            "width); convert the source again" % hex(flags)
        )
    schema = u64(f, 16)
    if schema != SCHEMA_HASH:
        raise FormatError(
            "archive schema %016x differs from this build's %016x; convert the source again "
            "with this tnb-convert" % (schema, SCHEMA_HASH)
        )
    off, length, crc = u64(f, 24), u64(f, 32), u32(f, 40)
    if not (off == HEADER_LEN and length <= MAX_PAYLOAD and off + length == n):
        raise FormatError(
            "corrupted tnb archive: header places the payload at %d..%d but the file is %d bytes "
            "(truncated or extended?)" % (off, min(off + length, MASK64), n)
        )
    return off, length, crc


# ---- The payload's types (FORMAT.md, "Payload") ----
# Each type knows its size and alignment, how validation walks it (`check`) and how to read it.


class Window:
    """The validator's window (FORMAT.md, "Validation"): every claim lies inside it."""

    def __init__(self, n):
        self.lo, self.hi = 0, n

    def claim(self, pos, size, align, inner):
        if pos < self.lo or pos + size > self.hi:
            raise corrupt(
                "payload: a pointer to %d bytes at %d leaves the window %d..%d"
                % (size, pos, self.lo, self.hi)
            )
        if pos % align:
            raise corrupt("payload: a pointer to %d is not %d-aligned" % (pos, align))
        hi = self.hi
        self.hi = pos
        inner()
        self.lo, self.hi = pos + size, hi


class Prim:
    def __init__(self, fmt):
        self.fmt = "<" + fmt
        self.size = self.align = struct.calcsize(self.fmt)

    def check(self, p, w, at):
        pass


U8, U32, U64, I64, F32, F64 = (Prim(c) for c in "BIQqfd")


class Vec:
    size, align = 8, 4

    def __init__(self, elem):
        self.elem = elem

    def check(self, p, w, at):
        start, n = at + struct.unpack_from("<i", p, at)[0], u32(p, at + 4)
        e = self.elem

        def inner():
            if not isinstance(e, Prim):
                for i in range(n):
                    e.check(p, w, start + i * e.size)

        w.claim(start, n * e.size, e.align, inner)


def utf8(b):
    try:
        return bytes(b).decode("utf-8")
    except UnicodeDecodeError:
        return None


class Str:
    size, align = 8, 4

    def check(self, p, w, at):
        if p[at] & 0xC0 != 0x80:
            raw = p[at : at + 8]
            end = raw.find(b"\xff")
            if utf8(raw[: 8 if end < 0 else end]) is None:
                raise corrupt("payload: an inline string is not UTF-8")
            return
        n = string_len(u32(p, at))
        if n <= 8:
            raise corrupt("payload: an out-of-line string is 8 bytes or shorter")
        start = at + struct.unpack_from("<i", p, at + 4)[0]

        def inner():
            if utf8(p[start : start + n]) is None:
                raise corrupt("payload: a string is not UTF-8")

        w.claim(start, n, 1, inner)


def string_len(v):
    return (v & 0x3F) | ((v & ~0xFF & 0xFFFFFFFF) >> 2)


class Struct:
    def __init__(self, size, fields):
        self.size, self.align, self.fields = size, 4, fields

    def check(self, p, w, at):
        for _, off, ty in self.fields:
            ty.check(p, w, at + off)


# Column variants: tag -> [(field, offset from the enum's start, type)].
COLUMN_VARIANTS = [
    [("v", 4, Vec(F32))],
    [("v", 4, Vec(F64))],
    [("v", 4, Vec(I64))],
    [("width", 4, U32), ("bytes", 8, Vec(U8))],
    [("offsets", 4, Vec(U32)), ("bytes", 12, Vec(U8))],
    [("tags", 4, Vec(U8)), ("bits", 12, Vec(U64)), ("bytes", 20, Vec(U8))],
]


class ColumnT:
    size, align = 28, 4

    def check(self, p, w, at):
        tag = p[at]
        if tag >= len(COLUMN_VARIANTS):
            raise corrupt("payload: unknown column tag %d" % tag)
        for _, off, ty in COLUMN_VARIANTS[tag]:
            ty.check(p, w, at + off)


STRINGS = Vec(Str())
TASK_T = Struct(
    64,
    [
        ("name", 0, Str()),
        ("metrics", 8, STRINGS),
        ("offsets", 16, Vec(U32)),
        ("columns", 24, Vec(ColumnT())),
        ("best", 32, Vec(U32)),
        ("ranking", 40, Vec(U32)),
        ("ranking_status", 48, Vec(U8)),
        ("info", 56, Vec(ColumnT())),
    ],
)
LAYOUT_T = Struct(
    72,
    [
        ("top", 0, U32),
        ("task_list", 4, U32),
        ("metrics_dict", 8, U32),
        ("info_names", 12, U32),
        ("items", 16, Vec(U32)),
        ("item_offsets", 24, Vec(U32)),
        ("arch_layout", 32, Vec(U32)),
        ("result_layout", 40, Vec(U32)),
        ("arch_extras", 48, Vec(U32)),
        ("result_extras", 56, Vec(U32)),
        ("extras", 64, Vec(U32)),
    ],
)
GENERIC_T = Struct(
    40,
    [
        ("kinds", 0, Vec(U8)),
        ("start_or_value", 8, Vec(U64)),
        ("len_or_dtype", 16, Vec(U32)),
        ("children", 24, Vec(U32)),
        ("bytes", 32, Vec(U8)),
    ],
)
BENCHMARK_T = Struct(
    168,
    [
        ("tasks", 0, Vec(TASK_T)),
        ("info_names", 8, STRINGS),
        ("space_names", 16, STRINGS),
        ("space_starts", 24, Vec(U32)),
        ("arch_offsets", 32, Vec(U32)),
        ("arch_bytes", 40, Vec(U8)),
        ("arch_slots", 48, Vec(U32)),
        ("layout", 56, LAYOUT_T),
        ("generic", 128, GENERIC_T),
    ],
)


# The fields `Reader.fields` reads directly (the rest are read by their own methods).
TASK_VECS = Struct(0, [f for f in TASK_T.fields if f[0] not in ("name", "columns", "info")])


class Reader:
    """Reads validated payload bytes (no checks: validation has made every read in bounds)."""

    def __init__(self, p):
        self.p = p

    def vec(self, at):
        return at + struct.unpack_from("<i", self.p, at)[0], u32(self.p, at + 4)

    def prims(self, at, ty):
        start, n = self.vec(at)
        return list(struct.unpack_from("<%d%s" % (n, ty.fmt[1:]), self.p, start))

    def blob(self, at):
        start, n = self.vec(at)
        return bytes(self.p[start : start + n])

    def string(self, at):
        p = self.p
        if p[at] & 0xC0 != 0x80:
            raw = bytes(p[at : at + 8])
            end = raw.find(b"\xff")
            return raw[: 8 if end < 0 else end].decode()
        start = at + struct.unpack_from("<i", p, at + 4)[0]
        return bytes(p[start : start + string_len(u32(p, at))]).decode()

    def strings(self, at):
        start, n = self.vec(at)
        return [self.string(start + 8 * i) for i in range(n)]

    def column(self, at):
        tag = self.p[at]
        c = {"tag": tag}
        for name, off, ty in COLUMN_VARIANTS[tag]:
            if ty is U32:
                c[name] = u32(self.p, at + off)
            elif ty.elem is U8:
                c[name] = self.blob(at + off)
            else:
                c[name] = self.prims(at + off, ty.elem)
        return c

    def columns(self, at):
        start, n = self.vec(at)
        return [self.column(start + 28 * i) for i in range(n)]

    def fields(self, at, ty):
        out = {}
        for name, off, t in ty.fields:
            if t is U32:
                out[name] = u32(self.p, at + off)
            elif t is STRINGS:
                out[name] = self.strings(at + off)
            elif t.elem is U8:
                out[name] = self.blob(at + off)
            else:
                out[name] = self.prims(at + off, t.elem)
        return out


# ---- Opening ----


def monotonic(v, last, what):
    prev = 0
    for x in v:
        if x < prev:
            raise corrupt("%s are not increasing" % what)
        prev = x
    if v and v[0] != 0:
        raise corrupt("%s do not start at 0" % what)
    if prev != last:
        raise corrupt("%s end at %d, expected %d" % (what, prev, last))


def column_len(c):
    tag = c["tag"]
    if tag <= 2:
        return len(c["v"])
    if tag == 3:
        if c["width"] == 0:
            raise corrupt("a string column has width 0")
        if len(c["bytes"]) % c["width"]:
            raise corrupt("a string column's bytes are not a multiple of its width")
        return len(c["bytes"]) // c["width"]
    if tag == 4:
        if not c["offsets"]:
            raise corrupt("a string column has no offsets")
        return len(c["offsets"]) - 1
    if len(c["tags"]) != len(c["bits"]):
        raise corrupt("a mixed column's tags and payloads differ in length")
    return len(c["tags"])


class Archive:
    """An open archive: the decoded tables, checked as tnb checks them at open."""

    def __init__(self, f, check_payload_crc=True):
        off, length, crc = read_header(f)
        payload = bytes(f[off : off + length])
        # Validation: the root claim, then every pointer in field order.
        if length < BENCHMARK_T.size:
            raise corrupt("payload: shorter than the root")
        w = Window(length)
        root = length - BENCHMARK_T.size
        w.claim(root, BENCHMARK_T.size, 4, lambda: BENCHMARK_T.check(payload, w, root))
        r = Reader(payload)
        b = r.fields(root, Struct(0, BENCHMARK_T.fields[1:7]))
        self.info_names = b["info_names"]
        self.space_names = b["space_names"]
        self.space_starts = b["space_starts"]
        self.arch_offsets = b["arch_offsets"]
        self.arch_bytes = b["arch_bytes"]
        self.arch_slots = b["arch_slots"]
        self.layout = r.fields(root + 56, LAYOUT_T)
        self.generic = r.fields(root + 128, GENERIC_T)
        tasks_at, n_tasks = r.vec(root)
        self.tasks = []
        for t in range(n_tasks):
            at = tasks_at + 64 * t
            task = r.fields(at, TASK_VECS)
            task["name"] = r.string(at)
            task["columns"] = r.columns(at + 24)
            task["info"] = r.columns(at + 56)
            self.tasks.append(task)
        self.payload = payload
        self.expanded = self.check()
        if utf8(self.arch_bytes) is None:
            raise corrupt("arch names are not UTF-8")
        self.names = self.arch_bytes
        if check_payload_crc and zlib.crc32(payload) != crc:
            raise FormatError("corrupted tnb archive: payload checksum mismatch")

    # -- the open-time checks, in order (FORMAT.md, "What opening checks") --

    def check(self):
        n = len(self.arch_offsets) - 1
        if n < 0:
            raise corrupt("no arch offsets")
        monotonic(self.arch_offsets, len(self.arch_bytes), "arch name offsets")
        slots = len(self.arch_slots)
        if slots == 0 or slots & (slots - 1) or slots <= n:
            raise corrupt("the arch table size is not a power of two above the arch count")
        used = 0
        for s in self.arch_slots:
            if s > n:
                raise corrupt("an arch table slot names a missing arch")
            used += s != 0
        if used >= slots:
            raise corrupt("the arch table has no empty slot")
        spaces = len(self.space_names)
        if len(self.space_starts) != spaces + 1:
            raise corrupt("space starts do not match the space names")
        monotonic(self.space_starts, n, "space starts")
        t_count, infos = len(self.tasks), len(self.info_names)
        expanded = 0
        expanded_bytes = len(self.arch_bytes) * (t_count + 1)
        for t in self.tasks:
            m = len(t["metrics"])
            if len(t["offsets"]) != n + 1:
                raise corrupt(
                    "task '%s' has %d epoch offsets for %d archs" % (t["name"], len(t["offsets"]), n)
                )
            total = t["offsets"][-1] if t["offsets"] else 0
            monotonic(t["offsets"], total, "epoch offsets")
            if len(t["columns"]) != m or len(t["info"]) != infos:
                raise corrupt("task '%s' has the wrong number of columns" % t["name"])
            for c in t["columns"]:
                if column_len(c) != total:
                    raise corrupt("a column of task '%s' has the wrong length" % t["name"])
            for c in t["info"]:
                if column_len(c) != n:
                    raise corrupt("an info column of task '%s' has the wrong length" % t["name"])
            if len(t["best"]) != m * n or len(t["ranking"]) != m * n or len(t["ranking_status"]) != m * spaces:
                raise corrupt("task '%s' has precomputed tables of the wrong size" % t["name"])
            expanded += total * (m + 1)
            for c in t["columns"] + t["info"]:
                if c["tag"] in (3, 4):
                    expanded_bytes += len(c["bytes"])
        self.check_rankings(n)

        g = self.generic
        nodes = len(g["kinds"])
        if len(g["start_or_value"]) != nodes or len(g["len_or_dtype"]) != nodes:
            raise corrupt("generic node arrays differ in length")
        size, depth = [], []
        for i in range(nodes):
            kind, a, ln = g["kinds"][i], g["start_or_value"][i], g["len_or_dtype"][i]
            s, sb, d = 1, 0, 0
            if kind in (N_NONE, N_FALSE, N_TRUE, N_INT, N_FLOAT, N_DATA):
                pass
            elif kind == N_SCALAR:
                if ln >= DTYPES:
                    raise corrupt("a generic scalar has an unknown dtype")
            elif kind in (N_STR, N_BYTES):
                if a + ln > MASK64 or a + ln > len(g["bytes"]):
                    raise corrupt("a generic string lies outside its blob")
                if kind == N_STR and utf8(g["bytes"][a : a + ln]) is None:
                    raise corrupt("a generic string is not UTF-8")
                sb = ln
            elif N_LIST <= kind <= N_FROZENSET or N_TENSOR <= kind < N_TENSOR + DTYPES:
                if a + ln > MASK64 or a + ln > len(g["children"]):
                    raise corrupt("generic children lie outside their table")
                if kind == N_DICT and ln % 2:
                    raise corrupt("a generic dict has an odd number of children")
                for c in g["children"][a : a + ln]:
                    if c >= i:
                        raise corrupt("a generic node refers forward (not a tree)")
                    s += size[c][0]
                    sb += size[c][1]
                    d = max(d, depth[c])
                d += 1
            else:
                raise corrupt("unknown generic node kind %d" % kind)
            if d > MAX_DEPTH:
                raise corrupt("generic values nest too deeply")
            size.append((min(s, MAX_EXPANDED + 1), min(sb, MAX_EXPANDED_BYTES + 1)))
            depth.append(d)

        def node(i):
            if i >= nodes:
                raise corrupt("a generic node id is out of range")
            return size[i]

        l = self.layout
        node(l["top"])
        for i in (l["task_list"], l["metrics_dict"], l["info_names"]):
            if i != NO_NODE or t_count > 0:
                node(i)
        if not l["item_offsets"]:
            if n > 0 or l["items"]:
                raise corrupt("no layouts")
        else:
            monotonic(l["item_offsets"], len(l["items"]), "layout offsets")
        if l["arch_layout"] and len(l["arch_layout"]) != n:
            raise corrupt("arch layouts do not match the arch count")
        if len(l["result_layout"]) != n * t_count:
            raise corrupt("result layouts do not match archs × tasks")
        layouts = max(len(l["item_offsets"]) - 1, 0)
        if any(x >= layouts for x in l["arch_layout"] + l["result_layout"]):
            raise corrupt("a layout id is out of range")
        ae, re_, ex = l["arch_extras"], l["result_extras"], l["extras"]
        ok = (not ae and not re_) or (len(ae) == n + 1 and len(re_) == n * t_count + 1)
        if not ok or len(ex) % 2:
            raise corrupt("extra-entry offsets do not match the archs")
        if ae:
            split = ae[-1]
            monotonic(ae, split, "arch extra offsets")
            prev = split
            for x in re_:
                if x < prev:
                    raise corrupt("result extra offsets are not increasing")
                prev = x
            if re_[0] != split or prev * 2 != len(ex):
                raise corrupt("result extra offsets do not cover the extras")
        for i in ex:
            v, by = node(i)
            expanded += v
            expanded_bytes += by
        for t in self.tasks:
            for c in t["columns"] + t["info"]:
                if c["tag"] == 5:
                    for tag, bits in zip(c["tags"], c["bits"]):
                        if tag == 6:
                            if bits > 0xFFFFFFFF:
                                raise corrupt("a cell's node id is out of range")
                            v, by = node(bits)
                            expanded += v
                            expanded_bytes += by
        v, by = node(l["top"])
        expanded += v
        expanded_bytes += by
        if expanded > MAX_EXPANDED:
            raise corrupt(
                "the archive expands to more values than a dump may write (MAX_EXPANDED, %d)"
                % MAX_EXPANDED
            )
        if expanded_bytes > MAX_EXPANDED_BYTES:
            raise corrupt(
                "the archive expands to more string bytes than a dump may write "
                "(MAX_EXPANDED_BYTES, %d)" % MAX_EXPANDED_BYTES
            )
        return expanded

    def check_rankings(self, n):
        ranges = list(zip(self.space_starts, self.space_starts[1:]))
        for t in self.tasks:
            for m in range(len(t["metrics"])):
                seen = set()
                for lo, hi in ranges:
                    for a in t["ranking"][m * n + lo : m * n + hi]:
                        if not lo <= a < hi or a in seen:
                            raise corrupt(
                                "a ranking of task '%s' is not a permutation of its search space"
                                % t["name"]
                            )
                        seen.add(a)

    # -- reads used by the queries (FORMAT.md, "What queries check") --

    def n(self):
        return len(self.arch_offsets) - 1

    def arch_name(self, a):
        s, e = self.arch_offsets[a], self.arch_offsets[a + 1]
        name = utf8(self.names[s:e]) if s <= e else None
        if name is None:
            raise FormatError("corrupted archive: an arch name offset splits a character")
        return name

    def find_arch(self, name):
        """The arch table's probe: the arch whose name is `name`, or None."""
        b = name.encode()
        slots = self.arch_slots
        at = arch_hash(b) & (len(slots) - 1)
        for _ in range(len(slots)):
            s = slots[at]
            if s == 0:
                return None
            lo, hi = self.arch_offsets[s - 1], self.arch_offsets[s]
            if self.arch_bytes[lo:hi] == b:
                return s - 1
            at = (at + 1) & (len(slots) - 1)
        return None

    def cell(self, c, i):
        """Value `i` of column `c`."""
        out = FormatError("corrupted archive: a value index lies outside its column")
        tag = c["tag"]
        if tag <= 2:
            if i >= len(c["v"]):
                raise out
            return c["v"][i]
        if tag == 3:
            w = c["width"]
            raw = c["bytes"][i * w : i * w + w]
            s = utf8(raw) if len(raw) == w else None
        elif tag == 4:
            if i + 1 >= len(c["offsets"]):
                raise out
            lo, hi = c["offsets"][i], c["offsets"][i + 1]
            s = utf8(c["bytes"][lo:hi]) if lo <= hi <= len(c["bytes"]) else None
        else:
            if i >= len(c["tags"]):
                raise out
            t, bits = c["tags"][i], c["bits"][i]
            if t <= 2:
                return [None, False, True][t]
            if t == 3:
                return bits - (1 << 64) if bits >> 63 else bits
            if t == 4:
                return struct.unpack("<d", struct.pack("<Q", bits))[0]
            if t == 6:
                if bits >= len(self.generic["kinds"]):
                    raise FormatError("corrupted archive: a cell names a missing generic node")
                return Node(bits)
            if t != 5:
                raise FormatError("corrupted archive: unknown cell tag")
            lo, ln = bits >> 32, bits & 0xFFFFFFFF
            s = utf8(c["bytes"][lo : lo + ln]) if lo + ln <= len(c["bytes"]) else None
        if s is None:
            raise FormatError("corrupted archive: a string lies outside its column or is not UTF-8")
        return s

    def span(self, task, a):
        s, e = task["offsets"][a], task["offsets"][a + 1]
        return s, max(s, e)

    def best_epoch(self, task, m, a, length):
        e = task["best"][m * self.n() + a]
        if e < length:
            return e
        if e == BEST_EMPTY and length == 0:
            raise ApiError("ValueError", "max() arg is an empty sequence")
        if e == BEST_INCOMPARABLE:
            raise ApiError("TypeError", "'>' is not supported between the values of this list")
        raise FormatError("corrupted archive: a precomputed best epoch lies outside its metric list")

    def best(self, task, m, a):
        s, e = self.span(task, a)
        epoch = self.best_epoch(task, m, a, e - s)
        return epoch, self.cell(task["columns"][m], s + epoch)

    # -- the source object (FORMAT.md, "Rebuilding the source object") --

    def value(self, v, in_data=False):
        """A cell's value: a generic node's tree, rendered inside the data or not."""
        return self.node(v.id, in_data) if isinstance(v, Node) else v

    def node(self, i, in_data=False):
        g = self.generic
        kind, a, ln = g["kinds"][i], g["start_or_value"][i], g["len_or_dtype"][i]
        if kind <= N_TRUE:
            return [None, False, True][kind]
        if kind == N_INT:
            return a - (1 << 64) if a >> 63 else a
        if kind == N_FLOAT:
            return struct.unpack("<d", struct.pack("<Q", a))[0]
        if kind == N_SCALAR:
            return scalar(ln, a)
        if kind == N_STR:
            return bytes(g["bytes"][a : a + ln]).decode()
        if kind == N_BYTES:
            return bytes(g["bytes"][a : a + ln])
        if kind == N_DATA:
            if in_data:
                raise FormatError("corrupted archive: the benchmark's data contains itself")
            return self.data()
        items = [self.node(c, in_data) for c in g["children"][a : a + ln]]
        if kind == N_DICT:
            return Dict(zip(items[::2], items[1::2]))
        if kind == N_TUPLE:
            return tuple(items)
        if kind in (N_SET, N_FROZENSET):
            return Set(items)
        return items

    def data(self):
        out = Dict()
        for s, space in enumerate(self.space_names):
            archs = Dict()
            for a in range(self.space_starts[s], self.space_starts[s + 1]):
                archs.append((self.arch_name(a), self.arch_dict(a)))
            out.append((space, archs))
        return out

    def items(self, layout):
        offs = self.layout["item_offsets"]
        if layout + 1 >= len(offs) or not offs[layout] <= offs[layout + 1] <= len(self.layout["items"]):
            raise FormatError("corrupted archive: a layout item is invalid")
        return [(x >> 24, x & 0xFFFFFF) for x in self.layout["items"][offs[layout] : offs[layout + 1]]]

    def extras(self, offsets, i):
        """The extra entries of arch or result `i`: entries `offsets[i]..offsets[i+1]` of
        `extras` (none when `offsets` has no such row), read as EXTRA items consume them."""
        if i + 1 < len(offsets):
            return [offsets[i], offsets[i + 1]]
        return [0, 0]

    def extra(self, cursor, in_data):
        """The next extra entry (key, value) of `cursor` (from `extras`)."""
        e, end = cursor
        if e >= end:
            raise FormatError("corrupted archive: a layout has more extras than its entries")
        ex = self.layout["extras"]
        if 2 * e + 1 >= len(ex):
            raise FormatError("corrupted archive: a layout item is invalid")
        cursor[0] += 1
        return self.node(ex[2 * e], in_data), self.node(ex[2 * e + 1], in_data)

    def arch_dict(self, a):
        l = self.layout
        layout = l["arch_layout"][a] if a < len(l["arch_layout"]) else 0
        extras = self.extras(l["arch_extras"], a)
        out = Dict()
        for op, arg in self.items(layout):
            if op == TASK and arg < len(self.tasks):
                out.append((self.tasks[arg]["name"], self.result(a, arg)))
            elif op == EXTRA:
                out.append(self.extra(extras, True))
            else:
                raise FormatError("corrupted archive: a layout item is invalid")
        return out

    def result(self, a, t):
        l, task = self.layout, self.tasks[t]
        at = a * len(self.tasks) + t
        bad = FormatError("corrupted archive: a layout item is invalid")
        if at >= len(l["result_layout"]):
            raise bad
        extras = self.extras(l["result_extras"], at)
        e0, e1 = task["offsets"][a], task["offsets"][a + 1]
        out = Dict()
        target, open_ = out, None
        for op, arg in self.items(l["result_layout"][at]):
            placed = {
                TOTAL_EPOCHS: open_ is None,
                MODEL_INFO: open_ is None,
                METRICS: open_ is None,
                CLOSE: open_ is not None,
                INFO: open_ == MODEL_INFO,
                METRIC: open_ == METRICS,
            }.get(op, True)
            if not placed:
                raise bad
            if op == TOTAL_EPOCHS:
                out.append(("total_epochs", max(e1 - e0, 0)))
            elif op in (MODEL_INFO, METRICS):
                open_, target = op, Dict()
                out.append(("model_info" if op == MODEL_INFO else "metrics", target))
            elif op == CLOSE:
                open_, target = None, out
            elif op == INFO:
                if arg >= len(self.info_names) or arg >= len(task["info"]):
                    raise bad
                target.append((self.info_names[arg], self.value(self.cell(task["info"][arg], a), True)))
            elif op == METRIC:
                if arg >= len(task["metrics"]) or arg >= len(task["columns"]):
                    raise bad
                col = task["columns"][arg]
                target.append(
                    (task["metrics"][arg], [self.value(self.cell(col, i), True) for i in range(e0, e1)])
                )
            elif op == EXTRA:
                target.append(self.extra(extras, True))
            else:
                raise bad
        if open_ is not None:
            raise bad
        return out

    def document(self):
        return self.node(self.layout["top"])


class Node:
    """A cell that names a generic node."""

    def __init__(self, i):
        self.id = i


class Dict(list):
    """A dict as (key, value) pairs: keeps what a Python dict would merge (equal keys) or refuse
    (unhashable keys), exactly as the archive holds it."""


class Set(list):
    """A set or frozenset, in stored order."""


def scalar(dtype, bits):
    """A numpy scalar or tensor element as `.item()` gives it."""
    if dtype == 0:
        return bits & 0xFF != 0
    if dtype == 4:
        return bits
    if dtype <= 8:
        return bits - (1 << 64) if bits >> 63 else bits
    if dtype == 9:
        return struct.unpack("<e", struct.pack("<H", bits & 0xFFFF))[0]
    if dtype == 10:
        return struct.unpack("<f", struct.pack("<I", (bits & 0xFFFF) << 16))[0]
    if dtype == 11:
        return struct.unpack("<f", struct.pack("<I", bits & 0xFFFFFFFF))[0]
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


# ---- Writing (FORMAT.md, "Where each object is placed") ----


class Writer:
    """Lays the decoded archive out again as FORMAT.md says a writer places it; for an archive
    tnb wrote, the result is the payload, byte for byte (`compare` checks it)."""

    def __init__(self):
        self.out = bytearray()

    def align(self, a):
        self.out += bytes(-len(self.out) % a)
        return len(self.out)

    def prims(self, values, fmt):
        at = self.align(struct.calcsize("<" + fmt))
        self.out += struct.pack("<%d%s" % (len(values), fmt), *values)
        return at, len(values)

    def blob(self, b):
        at = len(self.out)
        self.out += b
        return at, len(b)

    def strings(self, names):
        longs = []
        for name in names:
            b = name.encode()
            longs.append(self.blob(b)[0] if len(b) > 8 else None)
        at = self.align(4)
        for name, target in zip(names, longs):
            self.out += string_bytes(name.encode(), len(self.out), target)
        return at, len(names)

    def columns(self, cols):
        deps = []
        for c in cols:
            d = []
            for name, _, ty in COLUMN_VARIANTS[c["tag"]]:
                if ty is U32:
                    d.append(None)
                elif ty.elem is U8:
                    d.append(self.blob(c[name]))
                else:
                    d.append(self.prims(c[name], ty.elem.fmt[1:]))
            deps.append(d)
        at = self.align(4)
        for c, d in zip(cols, deps):
            base = len(self.out)
            out = bytearray(28)
            out[0] = c["tag"]
            for (name, off, ty), dep in zip(COLUMN_VARIANTS[c["tag"]], d):
                if dep is None:
                    struct.pack_into("<I", out, off, c[name])
                else:
                    struct.pack_into("<iI", out, off, dep[0] - (base + off), dep[1])
            self.out += out
        return at, len(cols)


def string_bytes(b, at, target):
    """The 8 bytes of a String placed at `at` (its bytes at `target` when out of line)."""
    if target is None:
        return b + b"\xff" * (8 - len(b))
    n = len(b)
    return struct.pack("<Ii", (n & 0x3F) | 0x80 | ((n & ~0x3F) << 2), target - at)


def vec_field(out, off, base, dep):
    struct.pack_into("<iI", out, off, dep[0] - (base + off), dep[1])


def rewrite(x):
    """The payload of archive `x` as a writer following FORMAT.md lays it out."""
    w = Writer()
    deps = []
    for t in x.tasks:
        name = t["name"].encode()
        d = {"name": w.blob(name)[0] if len(name) > 8 else None}
        d["metrics"] = w.strings(t["metrics"])
        d["offsets"] = w.prims(t["offsets"], "I")
        d["columns"] = w.columns(t["columns"])
        d["best"] = w.prims(t["best"], "I")
        d["ranking"] = w.prims(t["ranking"], "I")
        d["ranking_status"] = w.blob(t["ranking_status"])
        d["info"] = w.columns(t["info"])
        deps.append(d)
    tasks_at = w.align(4)
    for t, d in zip(x.tasks, deps):
        base = len(w.out)
        out = bytearray(64)
        out[0:8] = string_bytes(t["name"].encode(), base, d["name"])
        for name, off, _ in TASK_T.fields[1:]:
            vec_field(out, off, base, d[name])
        w.out += out
    root = {"tasks": (tasks_at, len(x.tasks))}
    root["info_names"] = w.strings(x.info_names)
    root["space_names"] = w.strings(x.space_names)
    root["space_starts"] = w.prims(x.space_starts, "I")
    root["arch_offsets"] = w.prims(x.arch_offsets, "I")
    root["arch_bytes"] = w.blob(x.arch_bytes)
    root["arch_slots"] = w.prims(x.arch_slots, "I")
    for name, off, ty in LAYOUT_T.fields[4:]:
        root[name] = w.prims(x.layout[name], "I")
    for name, off, ty in GENERIC_T.fields:
        root["g_" + name] = w.blob(x.generic[name]) if ty.elem is U8 else w.prims(x.generic[name], ty.elem.fmt[1:])
    base = w.align(4)
    out = bytearray(168)
    for name, off, _ in BENCHMARK_T.fields[:7]:
        vec_field(out, off, base, root[name])
    for name, off, ty in LAYOUT_T.fields:
        if ty is U32:
            struct.pack_into("<I", out, 56 + off, x.layout[name])
        else:
            vec_field(out, 56 + off, base, root[name])
    for name, off, _ in GENERIC_T.fields:
        vec_field(out, 128 + off, base, root["g_" + name])
    w.out += out
    return bytes(w.out)


# ---- JSON as json.dumps writes it (for comparisons with tnb) ----


class NotJson(Exception):
    pass


def dumps(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return json.dumps(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, Dict):
        return "{" + ", ".join(key(k) + ": " + dumps(x) for k, x in v) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(dumps(x) for x in v) + "]"
    raise NotJson("bytes are not JSON serializable")


def key(k):
    """A dict key as json.dumps writes it: str as is; None, bools, ints, floats as strings."""
    if isinstance(k, str):
        return json.dumps(k)
    if k is None or isinstance(k, (int, float)):
        return '"' + dumps(k) + '"'
    raise NotJson("a dict key that JSON cannot hold")


# ---- The official API's queries (FORMAT.md, "Answering the API") ----


class ApiError(Exception):
    def __init__(self, exc, msg):
        super().__init__(msg)
        self.exc = exc


SIGNATURES = {
    "len": ([], 0),
    "task_list": ([], 0),
    "search_spaces": ([], 0),
    "all_arch_dict": ([], 0),
    "metrics_dict": ([], 0),
    "info_names": ([], 0),
    "index2arch": (["index"], 1),
    "arch2index": (["arch"], 1),
    "get_arch_result": (["arch"], 1),
    "get_total_epochs": (["arch", "task"], 2),
    "get_model_info": (["arch", "task", "info"], 3),
    "get_single_metric": (["arch", "task", "metric", "mode", "xseed"], 3),
    "get_epoch_status": (["arch", "task", "epoch", "xseed"], 3),
    "get_best_epoch_status": (["arch", "task", "metric"], 3),
    "get_arch_list": (["search_space"], 1),
    "get_best_archs": (["task", "metric", "search_space", "topk"], 3),
}
ABSENT = object()


def is_int(x):
    return isinstance(x, int)


def py_index(i, n):
    j = i + n if i < 0 else i
    return j if 0 <= j < n else None


class Api:
    """TransNASBenchAPI over an Archive: `call(method, args, kwargs)` returns the value Python
    returns, or raises ApiError with the class the official class raises (FormatError for an
    inconsistent archive)."""

    def __init__(self, archive):
        self.x = archive

    # name lookups (first match, as tnb's)
    def key(self, what, v):
        if isinstance(v, str):
            return v
        if isinstance(v, (list, dict)):
            raise ApiError("TypeError", "unhashable type (%s)" % what)
        raise ApiError("KeyError", "unknown %s" % what)

    def member(self, what, v):
        if isinstance(v, str):
            return v
        raise ApiError("AssertionError", "unknown %s" % what)

    def arch(self, v):
        a = self.x.find_arch(self.key("arch", v))
        if a is None:
            raise ApiError("KeyError", "unknown arch %r" % v)
        return a

    def task(self, v):
        name = self.key("task", v)
        for t, task in enumerate(self.x.tasks):
            if task["name"] == name:
                return t
        raise ApiError("KeyError", "unknown task %r" % name)

    def task_metric(self, t, m):
        t = self.task(t)
        name = self.member("metric", m)
        metrics = self.x.tasks[t]["metrics"]
        if name not in metrics:
            raise ApiError("AssertionError", "unknown metric %r" % name)
        return t, metrics.index(name)

    def space(self, v):
        name = self.member("search_space", v)
        if name not in self.x.space_names:
            raise ApiError("AssertionError", "unknown search space %r" % name)
        s = self.x.space_names.index(name)
        return s, range(self.x.space_starts[s], self.x.space_starts[s + 1])

    def named(self, node):
        if node == NO_NODE:
            raise FormatError("the archive holds a plain object, not a TransNAS-Bench benchmark")
        return self.x.node(node)

    def call(self, method, args=(), kwargs=None):
        if method not in SIGNATURES:
            raise ApiError("AttributeError", "unknown method %r" % method)
        if self.x.layout["task_list"] == NO_NODE:
            raise FormatError("the archive holds a plain object, not a TransNAS-Bench benchmark")
        params, required = SIGNATURES[method]
        if len(args) > len(params):
            raise ApiError("TypeError", "too many positional arguments")
        p = list(args) + [ABSENT] * (len(params) - len(args))
        for k, v in (kwargs or {}).items():
            if k not in params:
                raise ApiError("TypeError", "unexpected keyword argument %r" % k)
            if params.index(k) < len(args):
                raise ApiError("TypeError", "multiple values for argument %r" % k)
            p[params.index(k)] = v
        if ABSENT in p[:required]:
            raise ApiError("TypeError", "missing required argument")
        return getattr(self, "m_" + method)(*p)

    def m_len(self):
        return self.x.n()

    def m_task_list(self):
        return self.named(self.x.layout["task_list"])

    def m_metrics_dict(self):
        return self.named(self.x.layout["metrics_dict"])

    def m_info_names(self):
        return self.named(self.x.layout["info_names"])

    def m_search_spaces(self):
        return list(self.x.space_names)

    def m_all_arch_dict(self):
        return Dict(
            (s, [self.x.arch_name(a) for a in range(lo, hi)])
            for s, lo, hi in zip(self.x.space_names, self.x.space_starts, self.x.space_starts[1:])
        )

    def m_index2arch(self, index):
        if not is_int(index):
            raise ApiError("TypeError", "list indices must be integers")
        a = py_index(index, self.x.n())
        if a is None:
            raise ApiError("IndexError", "arch index out of range")
        return self.x.arch_name(a)

    def m_arch2index(self, arch):
        a = self.x.find_arch(arch) if isinstance(arch, str) else None
        if a is None:
            raise ApiError("ValueError", "not in the list of archs")
        return a

    def m_get_arch_result(self, arch):
        return self.x.arch_dict(self.arch(arch))

    def m_get_total_epochs(self, arch, task):
        a = self.arch(arch)
        s, e = self.x.span(self.x.tasks[self.task(task)], a)
        return e - s

    def m_get_model_info(self, arch, task, info):
        name = self.member("info", info)
        if name not in self.x.info_names:
            raise ApiError("AssertionError", "unknown info %r" % name)
        i = self.x.info_names.index(name)
        a = self.arch(arch)
        t = self.task(task)
        return self.x.value(self.x.cell(self.x.tasks[t]["info"][i], a))

    def m_get_single_metric(self, arch, task, metric, mode=ABSENT, xseed=ABSENT):
        t, m = self.task_metric(task, metric)
        a = self.arch(arch)
        x, tk = self.x, self.x.tasks[t]
        if mode is ABSENT or mode == "best" and isinstance(mode, str):
            return x.value(x.best(tk, m, a)[1])
        s, e = x.span(tk, a)
        col = tk["columns"][m]
        if mode == "final" and isinstance(mode, str):
            mode = -1
        elif mode == "list" and isinstance(mode, str):
            return [x.value(x.cell(col, i)) for i in range(s, e)]
        elif not is_int(mode):
            raise ApiError("ValueError", "mode must be 'final', 'best', 'list' or an int")
        if mode >= e - s:
            raise ApiError("AssertionError", "epoch out of range")
        i = py_index(mode, e - s)
        if i is None:
            raise ApiError("IndexError", "epoch out of range")
        return x.value(x.cell(col, s + i))

    def status(self, t, a, at, shown):
        tk = self.x.tasks[t]
        values = [self.x.value(self.x.cell(c, at)) for c in tk["columns"]]
        pairs = list(zip(tk["metrics"], values))
        first = next((v for name, v in pairs if name == "epoch"), shown)
        return Dict([("epoch", first)] + [(k, v) for k, v in pairs if k != "epoch"])

    def m_get_epoch_status(self, arch, task, epoch, xseed=ABSENT):
        if not is_int(epoch):
            raise ApiError("AssertionError", "epoch must be an int")
        a = self.arch(arch)
        t = self.task(task)
        s, e = self.x.span(self.x.tasks[t], a)
        total = e - s
        if epoch >= total:
            raise ApiError("AssertionError", "epoch out of range")
        shown = epoch if epoch >= 0 else total + epoch
        if not self.x.tasks[t]["columns"]:
            if not -(2**63) <= epoch < 2**63:
                # tnb carries 64-bit ints: the 'epoch' entry of such an epoch is refused.
                raise ApiError("IndexError", "epoch out of range")
            return Dict([("epoch", shown)])
        i = py_index(epoch, total)
        if i is None:
            raise ApiError("IndexError", "epoch out of range")
        return self.status(t, a, s + i, shown)

    def m_get_best_epoch_status(self, arch, task, metric):
        t, m = self.task_metric(task, metric)
        a = self.arch(arch)
        tk = self.x.tasks[t]
        s, e = self.x.span(tk, a)
        epoch = self.x.best_epoch(tk, m, a, e - s)
        return self.status(t, a, s + epoch, epoch)

    def m_get_arch_list(self, search_space):
        return [self.x.arch_name(a) for a in self.space(search_space)[1]]

    def m_get_best_archs(self, task, metric, search_space, topk=ABSENT):
        s, archs = self.space(search_space)
        ranking = []
        if len(archs):
            t, m = self.task_metric(task, metric)
            tk, x = self.x.tasks[t], self.x
            status = tk["ranking_status"][m * len(x.space_names) + s]
            if status == RANK_BEST_FAILS:
                for a in archs:
                    x.best(tk, m, a)
                raise FormatError("corrupted archive: a ranking says some best value fails, but none does")
            if status == RANK_INCOMPARABLE:
                raise ApiError("TypeError", "'<' is not supported between the best values")
            if status != RANK_OK:
                raise FormatError("corrupted archive: a ranking status is missing or unknown")
            base = m * x.n()
            ranking = tk["ranking"][base + archs.start : base + archs.stop]
        if topk is ABSENT:
            topk = 1
        elif topk is not None and not is_int(topk):
            raise ApiError("TypeError", "slice indices must be integers or None")
        out = []
        for a in ranking[:topk]:
            if a not in archs:
                raise FormatError("corrupted archive: a ranking names a missing architecture")
            out.append((self.x.value(self.x.best(tk, m, a)[1]), self.x.arch_name(a)))
        return out


# ---- Command line ----


def answer_line(api, line):
    """One `tnb batch` answer: {"ok": value} or {"error": message, "type": class}."""
    try:
        req = json.loads(line)
        method, args, kwargs = req["method"], req.get("args", []), req.get("kwargs", {})
    except (ValueError, KeyError, TypeError) as e:
        return json.dumps({"error": "bad request: %s" % e, "type": "RequestError"})
    try:
        return '{"ok": ' + dumps(api.call(method, args, kwargs)) + "}"
    except ApiError as e:
        return json.dumps({"error": str(e), "type": e.exc})
    except FormatError as e:
        return json.dumps({"error": str(e), "type": "FormatError"})
    except NotJson as e:
        # tnb batch: an answer JSON cannot hold (bytes) is not written; the request fails.
        return json.dumps({"error": "cannot write the answer: %s" % e, "type": "RequestError"})


def requests(x):
    """Every arch x task x metric x mode, every arch x task x epoch, every ranking and topk, the
    lists, and the failures of each method (unknown names, wrong types, out-of-range epochs)."""
    tasks = [t["name"] for t in x.tasks] + ["nope"]
    archs = [x.arch_name(a) for a in range(x.n())] + ["64-0-nope"]
    out = [{"method": m} for m in ("len", "task_list", "search_spaces", "all_arch_dict", "metrics_dict", "info_names")]
    n = x.n()
    for i in list(range(-n - 1, n + 1)) + [True, 2**70, -(2**70), "0", 1.0, None]:
        out.append({"method": "index2arch", "args": [i]})
    for a in archs + [3, None, ["x"]]:
        out.append({"method": "arch2index", "args": [a]})
        out.append({"method": "get_arch_result", "args": [a]})
    spaces = x.space_names + ["nope", 1]
    for s in spaces:
        out.append({"method": "get_arch_list", "args": [s]})
    for arch in archs:
        for t, task in zip(tasks, x.tasks + [None]):
            out.append({"method": "get_total_epochs", "args": [arch, t]})
            for info in x.info_names + ["nope"]:
                out.append({"method": "get_model_info", "args": [arch, t, info]})
            metrics = (task["metrics"] if task else ["valid_top1"]) + ["nope"]
            total = 0
            if task and arch in archs[:-1]:
                a = archs.index(arch)
                total = task["offsets"][a + 1] - task["offsets"][a]
            for e in list(range(-total - 1, total + 1)) + [False, True, 2**70, "0", None, 1.5]:
                out.append({"method": "get_epoch_status", "args": [arch, t, e]})
            for m in metrics:
                for mode in ["best", "final", "list", None, "nope", 2.0] + list(range(-total - 1, total + 1)):
                    kw = {"mode": mode} if mode != "best" else {}
                    out.append({"method": "get_single_metric", "args": [arch, t, m], "kwargs": kw})
                out.append({"method": "get_best_epoch_status", "args": [arch, t, m]})
    for task in x.tasks + [None]:
        t = task["name"] if task else "nope"
        for m in (task["metrics"] if task else ["valid_top1"]) + ["nope"]:
            for s in spaces:
                for k in [1, 0, 3, -1, -2, 10**6, None, "2", True]:
                    out.append({"method": "get_best_archs", "args": [t, m, s], "kwargs": {"topk": k}})
    out += [
        {"method": "nope"},
        {"method": "get_total_epochs", "args": [archs[0]]},
        {"method": "get_total_epochs", "args": [archs[0], tasks[0]], "kwargs": {"arch": "x"}},
        {"method": "get_total_epochs", "args": [archs[0], tasks[0]], "kwargs": {"other": 1}},
        {"method": "len", "args": [1]},
    ]
    return out


def compare(path, tnb):
    """Asks tnb and this reader every request, and both for the whole document."""
    x = Archive(open(path, "rb").read())
    api = Api(x)
    reqs = [json.dumps(r) for r in requests(x)]
    run = subprocess.run([tnb, "batch", path], input="\n".join(reqs) + "\n", capture_output=True, text=True)
    theirs = run.stdout.splitlines()
    if run.returncode != 0 or len(theirs) != len(reqs):
        sys.exit("tnb batch failed (%s): %s" % (run.returncode, run.stderr.strip()))
    bad = 0
    for req, their in zip(reqs, theirs):
        mine = answer_line(api, req)
        m, t = json.loads(mine), json.loads(their)
        same = mine == their if "ok" in t else m.get("type") == t.get("type")
        if not same:
            bad += 1
            if bad <= 10:
                print("DIFFERS %s\n  tnb:    %s\n  reader: %s" % (req, their[:300], mine[:300]))
    if rewrite(x) != x.payload:
        bad += 1
        print("DIFFERS: the payload and its layout by FORMAT.md's placement rules")
    run = subprocess.run([tnb, "dump", path], capture_output=True)
    try:
        doc = dumps(x.document()) + "\n"
        same_doc = run.returncode == 0 and run.stdout.decode() == doc
    except NotJson:
        same_doc = run.returncode != 0
    if not same_doc:
        bad += 1
        print("DIFFERS: the document and `tnb dump`")
    print("%s: %d requests, the document and every payload byte compared, %d differ" % (path, len(reqs), bad))
    return 1 if bad else 0


def summary(path, source_json=None):
    x = Archive(open(path, "rb").read())
    archs = [x.arch_name(a) for a in range(x.n())]
    print(
        "%s: %d archs in spaces %s, tasks %s"
        % (path, len(archs), dict(zip(x.space_names, x.space_starts)), [t["name"] for t in x.tasks])
    )
    if source_json:
        src = json.load(open(source_json))
        assert src["task_list"] == [t["name"] for t in x.tasks]
        assert list(src["data"]) == x.space_names
        src_archs = [(s, a) for s in src["data"] for a in src["data"][s]]
        assert [a for _, a in src_archs] == archs
        checked = 0
        for i, (space, arch) in enumerate(src_archs):
            assert x.find_arch(arch) == i, arch
            for t in x.tasks:
                lo, hi = t["offsets"][i], t["offsets"][i + 1]
                result = src["data"][space][arch][t["name"]]
                assert result["total_epochs"] == hi - lo
                for m, col in zip(t["metrics"], t["columns"]):
                    got = [x.cell(col, j) for j in range(lo, hi)]
                    assert json.dumps(got) == json.dumps(result["metrics"][m]), (arch, m)
                    checked += len(got)
        print("every one of %d metric values agrees with %s" % (checked, source_json))


def answer_short(api, req):
    """`ok:<json>` or `err:<exception class>`: an answer as the mutation test compares it."""
    try:
        return "ok:" + dumps(api.call(req["method"], req.get("args", []), req.get("kwargs", {})))
    except ApiError as e:
        return "err:" + e.exc
    except FormatError:
        return "err:FormatError"
    except NotJson:
        return "err:Sink"


def mutations(path, requests_file=None):
    """For each "position xor" line: what opening the flipped archive says, and when it opens,
    the answers to the requests of `requests_file` (JSON Lines), tab-separated."""
    f = bytearray(open(path, "rb").read())
    reqs = [json.loads(l) for l in open(requests_file)] if requests_file else []
    for line in sys.stdin:
        pos, xor = map(int, line.split())
        g = bytearray(f)
        g[HEADER_LEN + pos] ^= xor
        try:
            api = Api(Archive(bytes(g), check_payload_crc=False))
        except FormatError as e:
            print(e)
            continue
        print("\t".join(["ok"] + [answer_short(api, r) for r in reqs]))


def main(argv):
    cmd = argv[0] if argv else ""
    if cmd == "dump":
        print(dumps(Archive(open(argv[1], "rb").read()).document()))
    elif cmd == "batch":
        api = Api(Archive(open(argv[1], "rb").read()))
        for line in sys.stdin:
            print(answer_line(api, line), flush=True)
    elif cmd == "requests":
        for r in requests(Archive(open(argv[1], "rb").read())):
            print(json.dumps(r))
    elif cmd == "compare":
        return compare(argv[1], argv[2])
    elif cmd == "mutations":
        mutations(*argv[1:3])
    elif len(argv) in (1, 2):
        summary(*argv)
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (FormatError, NotJson, OSError) as e:
        print(e, file=sys.stderr)
        sys.exit(2)
