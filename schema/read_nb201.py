#!/usr/bin/env python3
"""Reads an NB201 .tnb archive (NAS-Bench-201 or NATS-Bench, format version 2) with nothing but FORMAT-NB201.md (and FORMAT.md's header and
rkyv rules): plain python3, no rkyv, no tnb. Prints the whole object in a canonical text form
that tnb's tests render independently from the source object, so that the two agree only if
the format document says enough to read every value.

Canonical text: None, True, False; ints in decimal; a float as f<16 hex digits of its bits>; a
numpy scalar as np<dtype index>:<16 hex digits>; a str as s<utf-8 length>:<text>; bytes as
b<length>:<hex>; lists [..], tuples (..), sets S[..], frozensets F[..], dicts {k:v,..},
OrderedDicts O{k:v,..}, items joined by commas. An archive of one object prints that object; an
archive of a NATS-Bench -simple folder (form 1) prints the meta file's object, then one line per
per-arch file: a newline, the index, '=', and the file's object.

usage: read_nb201.py ARCHIVE.tnb
"""
import struct
import sys
import zlib

MAGIC = b"\x89TNB\r\n\x1a\n"


def fail(msg):
    sys.exit("read_nb201.py: " + msg)


def u32(b, at):
    return struct.unpack_from("<I", b, at)[0]


def u64(b, at):
    return struct.unpack_from("<Q", b, at)[0]


class Root:
    """The rkyv root: Vec<T> fields decoded on demand (relative pointer + count)."""

    def __init__(self, buf):
        self.buf = buf
        self.base = len(buf) - 408

    def vec(self, off, fmt):
        at = self.base + off
        rel = struct.unpack_from("<i", self.buf, at)[0]
        n = u32(self.buf, at + 4)
        start = at + rel
        size = struct.calcsize("<" + fmt)
        if start < 0 or start + n * size > len(self.buf):
            fail("a vec lies outside the root")
        return list(struct.unpack_from("<%d%s" % (n, fmt), self.buf, start))

    def raw(self, off):
        at = self.base + off
        rel = struct.unpack_from("<i", self.buf, at)[0]
        n = u32(self.buf, at + 4)
        return bytes(self.buf[at + rel:at + rel + n])


def main(path):
    f = open(path, "rb").read()
    if len(f) < 128 or f[:8] != MAGIC:
        fail("not a tnb archive")
    if u32(f, 44) not in (1, 2, 3):
        fail("not an NB201 archive (family %d)" % u32(f, 44))
    if u32(f, 8) != 2 or zlib.crc32(f[:124]) != u32(f, 124):
        fail("version or header checksum")
    off, plen = u64(f, 24), u64(f, 32)
    if off != 128 or off + plen != len(f):
        fail("payload range")
    p = f[128:]
    if zlib.crc32(p) != u32(f, 40):
        fail("payload checksum")
    if p[-32:-24] != b"NB201END":
        fail("trailer magic")
    cells_n, root_off, root_len = u64(p, len(p) - 24), u64(p, len(p) - 16), u64(p, len(p) - 8)
    if root_off != (cells_n * 8 + 15) // 16 * 16 or root_off + root_len + 32 != len(p):
        fail("trailer")
    cells = struct.unpack_from("<%dQ" % cells_n, p, 0)
    r = Root(memoryview(p)[root_off:root_off + root_len])

    str_offsets, str_bytes = r.vec(0, "I"), r.raw(8)
    pool = [str_bytes[str_offsets[i]:str_offsets[i + 1]].decode() for i in range(len(str_offsets) - 1)]
    meta = [pool[i] for i in r.vec(24, "I")]
    evaluated = r.vec(40, "q")
    g_kinds, g_a, g_b = r.raw(48), r.vec(56, "Q"), r.vec(64, "Q")
    g_children, g_bytes = r.vec(72, "I"), r.raw(80)
    top, form = u32(r.buf, r.base + 88), u32(r.buf, r.base + 92)
    entry_keys, entry_flags = r.vec(96, "q"), r.raw(104)
    entry_recs, rec_hp = r.vec(120, "I"), r.vec(128, "I")
    ar_index, ar_str, ar_flags = r.vec(136, "q"), r.vec(144, "I"), r.raw(152)
    ar_runs, ar_datasets = r.vec(160, "I"), r.vec(168, "I")
    ds_name, ds_seeds, seeds = r.vec(176, "I"), r.vec(184, "I"), r.vec(192, "q")
    run_dataset, run_seed, run_name, run_seed_str = r.vec(200, "I"), r.vec(208, "q"), r.vec(216, "I"), r.vec(224, "I")
    run_epochs, run_flags = r.vec(232, "q"), r.raw(240)
    params_t, params, flop_t, flop = r.raw(248), r.vec(256, "Q"), r.raw(264), r.vec(272, "Q")
    run_config, config_keys, config_types, config_vals = r.vec(280, "I"), r.vec(288, "I"), r.raw(296), r.vec(304, "Q")
    run_eval_names, eval_names = r.vec(312, "I"), r.vec(320, "I")
    s_form, s_ty, s_keys, s_at, s_aux = r.raw(328), r.raw(336), r.vec(344, "I"), r.vec(352, "Q"), r.vec(360, "Q")
    k_start, k_flags, k_items = r.vec(368, "Q"), r.raw(376), r.vec(384, "q")
    mixed = r.raw(400)

    out = []
    w = out.append

    def signed(x):
        return x - (1 << 64) if x >= 1 << 63 else x

    def number(ty, bits):
        if ty == 0:
            w("f%016x" % bits)
        elif ty == 1:
            w(str(signed(bits)))
        elif ty == 2:
            w("True" if bits else "False")
        elif 0x10 <= ty < 0x1D:
            w("np%d:%016x" % (ty - 0x10, bits))
        else:
            fail("type code %d" % ty)

    def string(s):
        w("s%d:%s" % (len(s.encode()), s))

    def seq(items, open_, close, each):
        w(open_)
        for i, x in enumerate(items):
            if i:
                w(",")
            each(x)
        w(close)

    def series(s):
        form, ty, keys, at, aux = s_form[s], s_ty[s], s_keys[s], s_at[s], s_aux[s]
        kind = form & 3
        if kind == 0:
            w("None")
            return
        if kind == 3:
            n, key_list = keys, None
        else:
            a, b = k_start[keys], k_start[keys + 1]
            key_list = k_items[a:b]
            n = b - a
            is_str = k_flags[keys] & 1
        vals = []
        for i in range(n):
            if form & 4:
                for j in range(aux):
                    if i < cells[at + 2 * j]:
                        bits = cells[at + 2 * j + 1]
                        break
            else:
                bits = cells[at + i]
            vals.append((mixed[aux + i] if ty == 0xFF else ty, bits))
        if kind == 3:
            seq(vals, "[", "]", lambda v: number(*v))
            return
        w("O{" if kind == 2 else "{")
        for i in range(n):
            if i:
                w(",")
            string(pool[key_list[i]]) if is_str else w(str(key_list[i]))
            w(":")
            number(*vals[i])
        w("}")

    def run(x):
        w("O{" if run_flags[x] & 1 else "{")
        fields = [
            ("name", lambda: string(pool[run_name[x]])),
            ("train_acc1es", lambda: series(8 * x + 0)),
            ("train_acc5es", lambda: series(8 * x + 1)),
            ("train_losses", lambda: series(8 * x + 2)),
            ("train_times", lambda: series(8 * x + 3)),
            ("arch_config", lambda: config_dict(x)),
            ("params", lambda: number(params_t[x], params[x])),
            ("flop", lambda: number(flop_t[x], flop[x])),
            ("seed", lambda: string(pool[run_seed_str[x]])),
            ("epochs", lambda: w(str(run_epochs[x]))),
            ("latency", lambda: series(8 * x + 7)),
            ("eval_names", lambda: seq(eval_names[run_eval_names[x]:run_eval_names[x + 1]], "[", "]", lambda i: string(pool[i]))),
            ("eval_acc1es", lambda: series(8 * x + 4)),
            ("eval_times", lambda: series(8 * x + 5)),
            ("eval_losses", lambda: series(8 * x + 6)),
            ("net_state_dict", lambda: w("None")),
        ]
        for i, (k, v) in enumerate(fields):
            if i:
                w(",")
            string(k)
            w(":")
            v()
        w("}")

    def config_dict(x):
        w("O{" if run_flags[x] & 2 else "{")
        for j, c in enumerate(range(run_config[x], run_config[x + 1])):
            if j:
                w(",")
            string(pool[config_keys[c]])
            w(":")
            if config_types[c] == 0x40:
                string(pool[config_vals[c]])
            else:
                number(config_types[c], config_vals[c])
        w("}")

    def entry(e):
        w("O{" if entry_flags[e] & 1 else "{")
        for j, rec in enumerate(range(entry_recs[e], entry_recs[e + 1])):
            if j:
                w(",")
            string(pool[rec_hp[rec]])
            w(":")
            arch_results(rec)
        w("}")

    def arch_results(a):
        fl = ar_flags[a]
        w("O{" if fl & 2 else "{")
        string("arch_index"); w(":" + str(ar_index[a]) + ",")
        string("arch_str"); w(":"); string(pool[ar_str[a]]); w(",")
        string("all_results"); w(":")
        w("O{" if fl & 4 else "{")
        for i, x in enumerate(range(ar_runs[a], ar_runs[a + 1])):
            if i:
                w(",")
            w("("); string(pool[run_dataset[x]]); w("," + str(run_seed[x]) + "):")
            run(x)
        w("},")
        string("dataset_seed"); w(":")
        w("O{" if fl & 8 else "{")
        for i, d in enumerate(range(ar_datasets[a], ar_datasets[a + 1])):
            if i:
                w(",")
            string(pool[ds_name[d]])
            w(":")
            seq(seeds[ds_seeds[d]:ds_seeds[d + 1]], "[", "]", lambda s: w(str(s)))
        w("},")
        string("clear_net_done"); w(":" + ("True" if fl & 1 else "False"))
        w("}")

    def generic(i):
        kind, a, b = g_kinds[i], g_a[i], g_b[i]
        if kind in (0, 1, 2):
            w(["None", "False", "True"][kind])
        elif kind == 3:
            w(str(signed(a)))
        elif kind == 4:
            w("f%016x" % a)
        elif kind == 5:
            w("np%d:%016x" % (b, a))
        elif kind == 6:
            string(g_bytes[a:a + b].decode())
        elif kind == 7:
            w("b%d:%s" % (b, g_bytes[a:a + b].hex()))
        elif kind in (9, 10, 16, 17):
            open_, close = {9: ("(", ")"), 10: ("[", "]"), 16: ("S[", "]"), 17: ("F[", "]")}[kind]
            seq(g_children[a:a + b], open_, close, generic)
        elif kind in (11, 12):
            w("O{" if kind == 12 else "{")
            ch = g_children[a:a + b]
            for j in range(0, len(ch), 2):
                if j:
                    w(",")
                generic(ch[j]); w(":"); generic(ch[j + 1])
            w("}")
        elif kind == 13:
            seq(meta, "[", "]", string)
        elif kind == 15:
            seq(evaluated, "S[" if a == 1 else "[", "]", lambda x: w(str(x)))
        elif kind == 14:
            w("O{" if a == 1 else "{")
            for e, key in enumerate(entry_keys):
                if e:
                    w(",")
                w(str(key) + ":")
                entry(e)
            w("}")
        else:
            fail("generic kind %d" % kind)

    generic(top)
    if form == 1:
        for e, key in enumerate(entry_keys):
            w("\n%d=" % key)
            entry(e)
    elif form != 0:
        fail("source form %d" % form)
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
