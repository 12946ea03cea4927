// The fuzz targets' bodies. Included (`include!`) by `fuzz/src/lib.rs` for cargo-fuzz and by
// `tests/fuzz_regressions.rs` for the stable replay, so this file holds items only: no inner
// attributes or `//!` docs.
//
// Every function takes arbitrary bytes, must never panic, and panics (the fuzzer's "crash")
// when an invariant the crates promise is broken: a reader accepting something its own checks
// should have refused, an archive the converter wrote that its reader refuses, a dump of the
// archive that differs from the dump of its source, a query answer that is not one complete
// value.

use std::io;

use tnb_pickle::{Kind, Limits, PlainData, Ref, Value};
use tnb_api::{Arg, Event, METHODS};
use tnb_store::Store;

/// Limits of every parse under fuzzing. Well above what the seeds need, and small enough that
/// walking or dumping anything accepted takes milliseconds (the default limits allow a
/// 2^25-value dump, which the fuzzer would report as a timeout without any bug behind it).
pub const LIMITS: Limits = Limits {
    max_depth: 1000,
    max_nodes: 1 << 20,
    max_built: 1 << 20,
    max_memo: 1 << 20,
    max_str_len: 1 << 20,
    max_expanded: 1 << 20,
    max_expanded_bytes: 1 << 24,
    max_stack: 1 << 20,
    max_marks: 1 << 10,
    max_items: 1 << 21,
};

/// Largest expanded size of an archive whose whole content the archive target walks and
/// queries. The store accepts archives that expand to 2^25 values (its `MAX_EXPANDED`); walking
/// those is legitimate but slow, so they are only opened and spot-checked.
pub const MAX_ARCHIVE_WALK: u64 = 1 << 20;

/// `pickle`: the pickle reader on raw bytes, with no globals allowed and with tnb-pth's
/// allowlist (a bare pickle, unless the bytes look like a zip or a legacy file), plus
/// `pickle_end`. Checks: an accepted pickle reads back without panics through every accessor,
/// respects its limits (depth, expanded size), has unique dict keys, ends where `pickle_end`
/// says, reads the same with either set of hooks, and dumps to JSON or fails cleanly.
pub fn pickle(data: &[u8]) {
    let end = tnb_pickle::pickle_end(data);
    let plain = tnb_pickle::parse(data, &mut PlainData, &LIMITS);
    if let Ok(p) = &plain {
        walk_arena(&p.arena, p.root, &LIMITS);
        assert!(p.end <= data.len(), "parse ended past the input");
        assert_eq!(end.as_ref().ok(), Some(&p.end), "pickle_end disagrees with parse");
    }
    let Ok(doc) = tnb_pth::load_with(data, &LIMITS) else {
        // A plain-data pickle holds no global, so torch's hooks (a superset) must accept it
        // too; only a zip, or a pickle followed by more bytes (read as torch reads it, as a
        // legacy file that needs the magic number), is read otherwise.
        if let Ok(p) = &plain {
            let legacy = p.end < data.len();
            assert!(
                tnb_pth::is_zip(data) || legacy,
                "plain hooks accepted a pickle that torch hooks refused"
            );
        }
        return;
    };
    check_document(&doc);
    if doc.format == tnb_pth::Format::Pickle {
        assert_eq!(end.ok(), Some(doc.pickle.end), "pickle_end disagrees with tnb_pth::load");
        if let Ok(p) = &plain {
            assert!(
                fingerprint(&p.arena, p.root) == fingerprint(&doc.pickle.arena, doc.pickle.root),
                "the same plain-data pickle reads differently with torch hooks"
            );
        }
    }
}

/// `pth`: the container layer (zip, legacy, bare pickle) on raw bytes, then the same checks as
/// [`pickle`] on the object, and the JSON dump into a sink.
pub fn pth(data: &[u8]) {
    if let Ok(doc) = tnb_pth::load_with(data, &LIMITS) {
        check_document(&doc);
    }
}

/// `pth_wrapped`: a structure-aware [`pth`]. Mutations of a real `.pth` rarely get past the
/// zip's central directory and CRCs, so this target builds a valid container around the
/// fuzzer's bytes and lets them reach the object pickle, the tensor storages and the globals.
///
/// Input: one flags byte, then
/// - zip (flags bit 0 clear): a pickle (up to its `STOP`, as `pickle_end` finds it), then the
///   storages, each a little-endian `u16` length and that many bytes, named `0`, `1`, ... in
///   order. Bit 1: the `byteorder` record says `big`; bit 2: no `byteorder` record; bits 3-4:
///   the folder name.
/// - legacy (bit 0 set): everything after torch's three header pickles (the object pickle, the
///   storage-key pickle, the raw storages), behind a correct header.
pub fn pth_wrapped(data: &[u8]) {
    if let Some(file) = wrap(data) {
        pth(&file);
    }
}

/// The file [`pth_wrapped`] builds from its input (`None` when the input is empty or the
/// writer refuses it).
pub fn wrap(data: &[u8]) -> Option<Vec<u8>> {
    let (&flags, rest) = data.split_first()?;
    if flags & 1 != 0 {
        return Some(legacy_file(rest));
    }
    let end = tnb_pickle::pickle_end(rest).unwrap_or(rest.len());
    let (pkl, mut tail) = rest.split_at(end);
    let folder = ["archive", "x", "transnas-bench_v10141024", "a b"][usize::from(flags >> 3) & 3];
    let mut z = tnb_pthwrite::TorchZipWriter::new(Vec::new(), folder).ok()?;
    z.write_record("data.pkl", pkl).ok()?;
    match flags & 6 {
        0 => z.write_record("byteorder", b"little").ok()?,
        2 => z.write_record("byteorder", b"big").ok()?,
        _ => {}
    }
    let mut key = 0u32;
    while tail.len() >= 2 {
        let n = usize::from(u16::from_le_bytes([tail[0], tail[1]]));
        let bytes = &tail[2..][..n.min(tail.len() - 2)];
        tail = &tail[2 + bytes.len()..];
        z.write_record(&format!("data/{key}"), bytes).ok()?;
        key += 1;
    }
    // `finish` adds `version` and the serialization id, as torch does.
    z.finish().ok()
}

/// A legacy file: the three header pickles torch writes (magic number, protocol version,
/// sys_info), then `rest` verbatim.
fn legacy_file(rest: &[u8]) -> Vec<u8> {
    // `save_legacy` around a one-opcode object: what precedes that object is the header.
    const NONE_PICKLE: &[u8] = b"\x80\x02N.";
    let around = tnb_pthwrite::save_legacy(Vec::new(), NONE_PICKLE).unwrap_or_default();
    let at = around.windows(NONE_PICKLE.len()).rposition(|w| w == NONE_PICKLE).unwrap_or(0);
    let mut file = around[..at].to_vec();
    file.extend_from_slice(rest);
    file
}

/// `archive`: the archive reader on a payload made of the fuzzer's bytes, behind a correct
/// header (right length and CRCs), so that every input reaches rkyv's validation and the
/// store's own checks; then, when it opens, every query (the lookups after open are where
/// crafted archives have made other rkyv users panic).
pub fn archive(data: &[u8]) {
    let file = with_header(data);
    let Ok(store) = Store::copy_from(&file) else {
        return;
    };
    store.verify_checksum().expect("the header's checksum was computed over these bytes");
    query_store(&store);
}

/// `data` behind a header that describes it exactly.
pub fn with_header(payload: &[u8]) -> Vec<u8> {
    let h = tnb_schema::header::Header::new(
        payload.len() as u64,
        crc32fast::hash(payload),
        0,
        [0; 32],
        "tnb-fuzz",
    );
    let mut file = h.encode().to_vec();
    file.extend_from_slice(payload);
    file
}

/// `convert`: source bytes to archive bytes (what `tnb convert` does, in memory). When it
/// succeeds the archive must open, pass its checksum, compare equal to its source value by
/// value (`tnb verify --source`), dump exactly what the source dumps (or fail exactly when the
/// source's dump fails), and answer queries without panicking.
pub fn convert(data: &[u8]) {
    let Ok(bench) = tnb_convert::build(data, &LIMITS) else {
        return;
    };
    let archive = tnb_convert::to_bytes(&bench, data.len() as u64, tnb_convert::sha256(data))
        .expect("a small benchmark always serialises");
    let store = Store::copy_from(&archive)
        .unwrap_or_else(|e| panic!("the converter wrote an archive its reader refuses: {e}"));
    store.verify_checksum().expect("the converter wrote a wrong checksum");
    let doc = tnb_pth::load_with(data, &LIMITS).expect("the source loaded once already");
    if let Err(m) = tnb_verify::compare(&store, &doc) {
        panic!("the archive differs from its source: {m}");
    }
    let mut want = Vec::new();
    let source_dump = tnb_pth::write_json(&doc, &mut want);
    let archive_dump = tnb_api::write_json(&store, Vec::new());
    match (source_dump, archive_dump) {
        (Ok(()), Ok(got)) => assert!(got == want, "dump of the archive differs from the source's"),
        (Err(_), Err(_)) => {}
        (s, a) => panic!(
            "the source and the archive disagree on dumping: source {:?}, archive {:?}",
            s.err(),
            a.err()
        ),
    }
    query_store(&store);
}

/// Dict keys and set elements, normalised as Python compares them for the cases where that is
/// simple (`True == 1 == 1.0`, `0.0 == -0.0 == 0`); `None` for values left out of the check.
#[derive(PartialEq, Eq, Hash)]
enum Key<'a> {
    None,
    Int(i64),
    Float(u64),
    Str(&'a str),
    Bytes(&'a [u8]),
}

fn key<'a>(v: Value<'a>) -> Option<Key<'a>> {
    // 2^63 as f64: integral floats below it in magnitude equal the i64 of the same value.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    Some(match v {
        Value::None => Key::None,
        Value::Bool(b) => Key::Int(i64::from(b)),
        Value::Int(i) => Key::Int(i),
        Value::Float(f) if f.fract() == 0.0 && (-TWO_63..TWO_63).contains(&f) => {
            Key::Int(f as i64)
        }
        // NaN keys are distinct objects in Python; huge integral floats may equal big ints.
        Value::Float(f) if f.is_nan() || f.fract() == 0.0 => return None,
        Value::Float(f) => Key::Float(f.to_bits()),
        Value::Str(s) => Key::Str(s),
        Value::Bytes(b) => Key::Bytes(b),
        _ => return None,
    })
}

/// Reads everything reachable from `root` as a tree (shared values once per reference),
/// through every accessor of the arena, and checks the promises of `tnb_pickle::parse`:
/// nesting within `max_depth`, expanded size within `max_expanded`, unique dict keys.
fn walk_arena(arena: &tnb_pickle::Arena<'_>, root: Ref, limits: &Limits) {
    // (value, containers above it)
    let mut stack = vec![(root, 0u32)];
    let mut visited = 0u64;
    while let Some((r, depth)) = stack.pop() {
        visited += 1;
        assert!(visited <= limits.max_expanded, "expanded size above the limit");
        let v = arena.get(r);
        match v {
            Value::Container(kind, c) => {
                assert!(depth < limits.max_depth, "nesting deeper than the limit");
                let n = c.len();
                assert_eq!(c.iter().count(), n);
                assert_eq!(c.iter().rev().count(), n);
                assert_eq!(c.iter().len(), n);
                assert!((0..n).all(|i| c.get(i).is_some()) && c.get(n).is_none());
                assert_eq!(c.first(), c.get(0));
                assert!(c.as_refs().is_none_or(|s| s.len() == n));
                assert!(c.to_vec() == c.iter().collect::<Vec<_>>());
                assert!(arena.children(r) == c);
                assert_eq!(c.is_empty(), n == 0);
                let stride = match kind {
                    Kind::Dict => {
                        assert_eq!(n % 2, 0, "a dict with an odd number of children");
                        assert_eq!(c.pairs().count(), n / 2);
                        2
                    }
                    Kind::Set | Kind::FrozenSet => 1,
                    _ => 0,
                };
                if stride > 0 {
                    let mut seen = std::collections::HashSet::new();
                    for k in c.iter().step_by(stride) {
                        if let Some(k) = key(arena.get(k)) {
                            assert!(seen.insert(k), "a {} holds one key twice", kind.name());
                        }
                    }
                }
                for child in c.iter() {
                    stack.push((child, depth + 1));
                }
            }
            Value::Object { state, .. } => stack.push((state, depth + 1)),
            Value::Float(f) => {
                assert_eq!(arena.as_float(r).map(f64::to_bits), Some(f.to_bits()));
            }
            Value::Str(s) => assert_eq!(arena.str_bytes(r), Some(s.as_bytes())),
            Value::BigInt(b) => {
                let _ = tnb_pickle::big_int_text(b);
            }
            Value::Scalar(s) => {
                let _ = s.number();
            }
            _ => {}
        }
        let _ = v.type_name();
    }
}

/// A value tree as text, to compare two reads of the same pickle (bounded: called only on
/// arenas that passed `walk_arena`).
fn fingerprint(arena: &tnb_pickle::Arena<'_>, root: Ref) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let mut stack = vec![root];
    while let Some(r) = stack.pop() {
        match arena.get(r) {
            Value::Container(kind, c) => {
                let _ = write!(out, "{}{} ", kind.name(), c.len());
                stack.extend(c.iter().rev());
            }
            Value::Float(f) => {
                let _ = write!(out, "f{:x} ", f.to_bits());
            }
            other => {
                let _ = write!(out, "{other:?} ");
            }
        }
    }
    out
}

/// Checks a loaded document: the arena walk, class names, and the JSON dump into a sink (which
/// may refuse values JSON cannot hold, but can never fail to write).
fn check_document(doc: &tnb_pth::Document<'_>) {
    walk_arena(&doc.pickle.arena, doc.pickle.root, &LIMITS);
    let _ = doc.format.name();
    if let Value::Global(c) | Value::Object { class: c, .. } = doc.root() {
        let _ = doc.class_name(c);
    }
    if let Err(tnb_pth::JsonError::Io(e)) = tnb_pth::write_json(doc, io::sink()) {
        panic!("writing to a sink failed: {e}");
    }
}

/// The first three and last two of `v`: enough names to reach every code path without making
/// the number of calls grow with the archive.
fn take<T>(v: Vec<T>) -> Vec<T> {
    let k = v.len();
    v.into_iter().enumerate().filter(|(i, _)| *i < 3 || *i + 2 >= k).map(|x| x.1).collect()
}

/// Counts the events of one answer and checks they form exactly one complete value.
#[derive(Default)]
struct Balance {
    depth: i64,
    values: u64,
    events: u64,
}

impl Balance {
    fn event(&mut self, e: Event<'_>) -> Result<(), ()> {
        self.events += 1;
        match e {
            Event::BeginSeq(_) | Event::BeginMap => {
                if self.depth == 0 {
                    self.values += 1;
                }
                self.depth += 1;
            }
            Event::End => {
                self.depth -= 1;
                assert!(self.depth >= 0, "an End without a Begin");
            }
            _ if self.depth == 0 => self.values += 1,
            _ => {}
        }
        Ok(())
    }

    fn assert_one_value(&self, what: &str) {
        assert_eq!(self.depth, 0, "{what}: unbalanced events");
        assert_eq!(self.values, 1, "{what}: not exactly one value");
    }
}

/// Every query of the store on a sample of its archs and all of its (few) names, by name
/// through the method-name dispatcher (what `tnb batch` runs), and the whole-document walk and
/// dump. Bounded: only archives whose expanded size is small are walked in full.
fn query_store<B: AsRef<[u8]>>(store: &Store<B>) {
    let n = store.len();
    let _ = (store.is_empty(), store.counts(), store.header().source_sha256_hex());
    let mut archs: Vec<&str> = Vec::new();
    for i in [0, 1, -1, -2, n as i64 / 2, n as i64, -(n as i64) - 1, i64::MIN, i64::MAX] {
        let Ok(a) = store.arch_at(i) else { continue };
        let Ok(name) = store.arch_name(a) else { continue };
        if let Ok(j) = store.arch_index(name) {
            // The lookup compares names, so whatever it finds has this name.
            assert_eq!(store.arch_name(store.arch_at(j as i64).unwrap()).ok(), Some(name));
        }
        let _ = store.space_of(a);
        archs.push(name);
    }
    if store.expanded_size() > MAX_ARCHIVE_WALK {
        return;
    }
    let mut walk = Balance::default();
    if tnb_api::document(store, &mut |e| walk.event(e)).is_ok() {
        walk.assert_one_value("walk");
    }
    let _ = tnb_api::write_json(store, io::sink());

    let tasks: Vec<&str> = take(store.tasks().filter_map(|t| store.task_name(t).ok()).collect());
    let mut metrics: Vec<&str> = Vec::new();
    for t in store.tasks().take(3) {
        if let Ok(ms) = store.metrics(t) {
            metrics.extend(take(ms.filter_map(|m| store.metric_name(m).ok()).collect()));
        }
    }
    let infos: Vec<&str> = take(store.infos().filter_map(|i| store.info_name(i).ok()).collect());
    let spaces: Vec<&str> = store.search_spaces().collect();

    // Arguments no name has: the wrong type, an empty string, a negative index.
    let odd = [
        Arg::None,
        Arg::Int(-1),
        Arg::Str(""),
        Arg::Float(0.5),
        Arg::Hashable(tnb_api::Shown::new("tuple", "('\x1b', 1)")),
        Arg::Unhashable(tnb_api::Shown::new("dict", "{'k': []}")),
    ];
    let args_for = |param: &str| -> Vec<Arg<'_>> {
        let names: &[&str] = match param {
            "arch" => &archs,
            "task" => &tasks,
            "metric" => &metrics,
            "info" => &infos,
            "search_space" => &spaces,
            _ => &[],
        };
        let mut v: Vec<Arg<'_>> = names.iter().map(|s| Arg::Str(s)).collect();
        match param {
            "index" | "epoch" => v.extend([0, 1, -1, i64::MAX, i64::MIN].map(Arg::Int)),
            "mode" => v.extend([
                Arg::Str("best"),
                Arg::Str("final"),
                Arg::Str("list"),
                Arg::Int(0),
                Arg::Int(-1),
                Arg::Int(1 << 40),
                Arg::Bool(true),
                Arg::BigInt { negative: true, digits: "-100000000000000000000" },
            ]),
            "topk" => v.extend([Arg::None, Arg::Int(2), Arg::Int(-1), Arg::Bool(false)]),
            _ => {}
        }
        v.extend(odd);
        v
    };
    for sig in METHODS {
        let (method, params) = (sig.name, sig.params);
        // Each parameter varies in turn while the others keep their first (valid) choice: every
        // value is tried, with a number of calls linear in the choices.
        let choices: Vec<Vec<Arg<'_>>> = params.iter().map(|p| args_for(p)).collect();
        let base: Vec<Arg<'_>> = choices.iter().map(|c| c[0]).collect();
        // All arguments, and only the required ones (the rest take their defaults).
        let mut calls = vec![base.clone(), base[..sig.required.min(base.len())].to_vec()];
        for (p, options) in choices.iter().enumerate() {
            for a in options.iter().skip(1) {
                let mut args = base.clone();
                args[p] = *a;
                calls.push(args);
            }
        }
        for args in calls {
            let mut b = Balance::default();
            let ok = tnb_api::call(store, method, &args, &[], &mut |e| b.event(e)).is_ok();
            if ok {
                b.assert_one_value(method);
            }
        }
        // Keyword arguments bind too (and a wrong one is an error, never a panic).
        if let Some(&p) = params.first() {
            let kw = [(p, base[0]), ("no_such_argument", Arg::Int(1))];
            for kwargs in [&kw[..1], &kw[..]] {
                let mut b = Balance::default();
                if tnb_api::call(store, method, &[], kwargs, &mut |e| b.event(e)).is_ok() {
                    b.assert_one_value(method);
                }
            }
        }
    }
}

/// Limits of the streaming reader under fuzzing: small, so that anything accepted is read in
/// milliseconds.
pub const STREAM_LIMITS: tnb_pickle::stream::StreamLimits = tnb_pickle::stream::StreamLimits {
    max_pickle_size: 1 << 24,
    max_memo_id: 1 << 20,
    max_kept_bytes: 1 << 24,
    max_stack: 1 << 16,
    max_marks: 1 << 10,
    max_entry_items: 1 << 20,
    max_entry_bytes: 1 << 24,
    max_str_len: 1 << 20,
    max_depth: 200,
};

/// `stream`: the streaming reader (`tnb_pickle::stream`, plain data) on raw bytes, without a
/// split and splitting on each top-level key pass 1 found. Checks: pass 1 ends where
/// `pickle_end` does; an object read both ways is the same, entries put back in order (the
/// split changes when values are handed out, never what they are); and when the arena reader
/// accepts the pickle too, it reads the same object (floats bit for bit; dicts with NaN keys,
/// which only the arena can merge by identity, are left out).
pub fn stream(data: &[u8]) {
    use tnb_pickle::stream::{Obj, PlainStream, load, scan};
    let n = data.len() as u64;
    let Ok(s) = scan(data, n, &STREAM_LIMITS, &mut |_| {}) else {
        return;
    };
    assert_eq!(Ok(s.len as usize), tnb_pickle::pickle_end(data), "pass 1 and pickle_end disagree");
    let read = |split: Option<&str>| {
        let mut entries = Vec::new();
        let top = load(
            data,
            &s,
            &mut PlainStream,
            split,
            &STREAM_LIMITS,
            &mut |k, v| {
                entries.push((k, v));
                Ok(())
            },
            &mut |_| {},
        );
        top.map(|t| (t, entries))
    };
    let whole = read(None);
    if let Ok((w, e)) = &whole {
        assert!(e.is_empty(), "entries handed out without a split");
        if let Ok(p) = tnb_pickle::parse(data, &mut PlainData, &LIMITS) {
            if !has_nan_key(w) {
                assert!(
                    obj_print(w) == arena_print(&p.arena, p.root),
                    "the streaming and arena readers disagree"
                );
            }
        }
    }
    for key in s.top_keys.iter().flatten().take(4) {
        let Ok((mut top, entries)) = read(Some(key)) else {
            continue;
        };
        let Ok((w, _)) = &whole else {
            panic!("a split read succeeded where the whole read failed");
        };
        if let Obj::Dict { items, .. } = &mut top {
            if let Some((_, Obj::Dict { items: inner, .. })) =
                items.iter_mut().find(|(k, _)| k.as_str() == Some(key.as_str()))
            {
                if !entries.is_empty() {
                    assert!(inner.is_empty(), "the streamed dict kept items");
                    *inner = entries;
                }
            }
        }
        assert!(obj_print(&top) == obj_print(w), "a split read differs from the whole read");
    }
}

fn has_nan_key(o: &tnb_pickle::stream::Obj) -> bool {
    use tnb_pickle::stream::Obj;
    fn nan(o: &Obj) -> bool {
        match o {
            Obj::Float(f) => f.is_nan(),
            Obj::Tuple(v) => v.iter().any(nan),
            _ => false,
        }
    }
    match o {
        Obj::Tuple(v) | Obj::List(v) => v.iter().any(has_nan_key),
        Obj::Set(v) | Obj::FrozenSet(v) => v.iter().any(|x| nan(x) || has_nan_key(x)),
        Obj::Dict { items, .. } => items.iter().any(|(k, v)| nan(k) || has_nan_key(k) || has_nan_key(v)),
        _ => false,
    }
}

/// A canonical text of an owned value (floats by their bits).
fn obj_print(o: &tnb_pickle::stream::Obj) -> String {
    use std::fmt::Write;
    use tnb_pickle::stream::Obj;
    let mut out = String::new();
    let mut stack = vec![o];
    while let Some(o) = stack.pop() {
        match o {
            Obj::Float(f) => {
                let _ = write!(out, "f{:x} ", f.to_bits());
            }
            Obj::Tuple(v) => {
                let _ = write!(out, "tuple{} ", v.len());
                stack.extend(v.iter().rev());
            }
            Obj::List(v) => {
                let _ = write!(out, "list{} ", v.len());
                stack.extend(v.iter().rev());
            }
            Obj::Set(v) => {
                let _ = write!(out, "set{} ", v.len());
                stack.extend(v.iter().rev());
            }
            Obj::FrozenSet(v) => {
                let _ = write!(out, "frozenset{} ", v.len());
                stack.extend(v.iter().rev());
            }
            Obj::Dict { items, .. } => {
                let _ = write!(out, "dict{} ", 2 * items.len());
                for (k, v) in items.iter().rev() {
                    stack.push(v);
                    stack.push(k);
                }
            }
            Obj::None => out.push_str("None "),
            Obj::Bool(b) => {
                let _ = write!(out, "Bool({b}) ");
            }
            Obj::Int(i) => {
                let _ = write!(out, "Int({i}) ");
            }
            Obj::BigInt(b) => {
                let _ = write!(out, "BigInt({b:?}) ");
            }
            Obj::Str(s) => {
                let _ = write!(out, "Str({s:?}) ");
            }
            Obj::Bytes(b) => {
                let _ = write!(out, "Bytes({b:?}) ");
            }
            Obj::Scalar(s) => {
                let _ = write!(out, "Scalar({s:?}) ");
            }
        }
    }
    out
}

/// The same text for an arena value (shared values printed at every reference).
fn arena_print(arena: &tnb_pickle::Arena<'_>, root: Ref) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let mut stack = vec![root];
    while let Some(r) = stack.pop() {
        match arena.get(r) {
            Value::Container(kind, c) => {
                let _ = write!(out, "{}{} ", kind.name(), c.len());
                stack.extend(c.iter().rev());
            }
            Value::Float(f) => {
                let _ = write!(out, "f{:x} ", f.to_bits());
            }
            Value::None => out.push_str("None "),
            Value::Bool(b) => {
                let _ = write!(out, "Bool({b}) ");
            }
            Value::Int(i) => {
                let _ = write!(out, "Int({i}) ");
            }
            Value::BigInt(b) => {
                let _ = write!(out, "BigInt({b:?}) ");
            }
            Value::Str(s) => {
                let _ = write!(out, "Str({s:?}) ");
            }
            Value::Bytes(b) => {
                let _ = write!(out, "Bytes({b:?}) ");
            }
            Value::Scalar(s) => {
                let _ = write!(out, "Scalar({s:?}) ");
            }
            other => {
                let _ = write!(out, "{other:?} ");
            }
        }
    }
    out
}

/// `nats`: the fuzzer's bytes as one NATS-Bench per-arch pickle (`tnb_nats::pickle_object`:
/// the streaming reader with only `OrderedDict` and numpy's scalar and dtype allowed), and as a
/// whole `.pickle.pbz2` (`tnb_nats::decode_bytes`: bounded bz2, then the same reader). An
/// object the reader accepts is converted as arch 0 of a one-arch `-simple` folder of each
/// space; when the converter accepts it, the archive must open (whatever convert writes, open
/// accepts), verify its checksum, walk whole and walk that entry, find every hp record by its
/// key, and convert to the same bytes again.
pub fn nats(data: &[u8]) {
    use tnb_nb201_convert::{Family, folder_archive_bytes};
    use tnb_pickle::stream::Obj;
    let _ = tnb_nats::decode_bytes(data, "fuzz.pickle.pbz2");
    let Ok(obj) = tnb_nats::pickle_object(data, "fuzz.pickle") else {
        return;
    };
    for (family, arch) in [
        (Family::NatsTss, "|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"),
        (Family::NatsSss, "8:8:8:8:8"),
    ] {
        let meta = Obj::Dict {
            items: vec![
                (Obj::Str("meta_archs".into()), Obj::List(vec![Obj::Str(arch.into())])),
                (Obj::Str("total_archs".into()), Obj::Int(1)),
                (Obj::Str("arch2infos".into()), Obj::None),
                (Obj::Str("evaluated_indexes".into()), Obj::Set(vec![])),
            ],
            ordered: false,
        };
        let files = [(0i64, obj.clone())];
        let Ok(bytes) = folder_archive_bytes(family, &meta, &files, 0, [0; 32]) else {
            continue;
        };
        let again = folder_archive_bytes(family, &meta, &files, 0, [0; 32]);
        assert!(again.ok().as_ref() == Some(&bytes), "converting the same object twice differs");
        let a = match tnb_nb201_store::Archive::copy_from(&bytes) {
            Ok(a) => a,
            Err(e) => panic!("the converter wrote an archive its reader refuses: {e}"),
        };
        a.verify_checksum().expect("the converter's checksum");
        assert_eq!(a.family(), family);
        let mut events = 0u64;
        a.walk(&mut |_| {
            events += 1;
            Ok(())
        })
        .expect("the whole archive walks");
        let entry = a.entry(0).expect("readable").expect("arch 0 has its entry");
        a.walk_entry(entry, &mut |_| Ok(())).expect("the entry walks");
        let n = a.hp_count(entry).expect("readable");
        for j in 0..n {
            let key = a.hp_key(entry, j).expect("readable").expect("the record has a key");
            assert!(
                a.results_by_key(0, key).expect("readable").is_some(),
                "hp record {key:?} is not found by its key"
            );
        }
    }
}

/// A reader handing out `step` bytes per `read` call (1 to 8), to cut records at every place.
struct Chunky<'a> {
    data: &'a [u8],
    step: usize,
}

impl io::Read for Chunky<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let k = self.step.min(buf.len()).min(self.data.len());
        buf[..k].copy_from_slice(&self.data[..k]);
        self.data = &self.data[k..];
        Ok(k)
    }
}

/// `tfrecord`: TFRecord framing (`tnb_tfrecord`) on raw bytes. Checks: the slice iterator and
/// the streaming reader (fed a few bytes per read) agree on every record (place and data) and on
/// the error that stops them; every accepted record lies inside the input, one after the other
/// from byte 0; framing the accepted records again gives back the input's bytes up to the
/// stop; `is_tfrecord` says yes exactly when the first header passes its CRC and bound.
pub fn tfrecord(data: &[u8]) {
    use tnb_nb101_convert::tfrecord as tf;
    let mut from_slice = Vec::new();
    let mut slice_error = None;
    for r in tf::Records::new(data) {
        match r {
            Ok((at, d)) => from_slice.push((at, d)),
            Err(e) => slice_error = Some(e),
        }
    }
    let slice_err = slice_error.as_ref().map(|e| e.to_string());
    let step = 1 + data.first().map_or(0, |&b| usize::from(b % 8));
    let mut reader = tf::Reader::new(Chunky { data, step });
    let mut buf = Vec::new();
    let mut k = 0usize;
    let stream_err = loop {
        match reader.next_into(&mut buf) {
            Ok(Some(at)) => {
                let (sat, sd) = from_slice.get(k).expect("the reader found a record the slice did not");
                assert_eq!(&at, sat, "record {k} placed differently");
                assert_eq!(&buf[..], *sd, "record {k} read differently");
                k += 1;
            }
            Ok(None) => break None,
            Err(e) => break Some(e.to_string()),
        }
    };
    assert_eq!(k, from_slice.len(), "the reader stopped early");
    assert_eq!(stream_err, slice_err, "the readers stop for different reasons");
    let mut again = Vec::new();
    let mut end = 0u64;
    for (at, d) in &from_slice {
        assert_eq!(at.offset, end, "records are not contiguous");
        assert_eq!(at.len, d.len() as u64);
        end = at.end();
        tf::write_record(&mut again, d).expect("writing to a Vec");
    }
    assert!(end <= data.len() as u64, "a record past the input");
    assert_eq!(&again[..], &data[..end as usize], "re-framing changed the bytes");
    if slice_err.is_none() {
        assert_eq!(end, data.len() as u64, "clean end before the input's end");
    }
    let first_header_ok = match (from_slice.first(), &slice_error) {
        (Some(_), _) => true,
        (None, Some(e)) => matches!(
            e.problem,
            tf::Problem::DataCrc { .. }
                | tf::Problem::TruncatedData { .. }
                | tf::Problem::TruncatedCrc { .. }
        ),
        (None, None) => false,
    };
    assert_eq!(tf::is_tfrecord(data), first_header_ok, "is_tfrecord disagrees with the reader");
}

/// `nb101_record`: one NAS-Bench-101 record (`tnb_nb101_record::decode`) on raw bytes, and the
/// same bytes as the `ModelMetrics` protobuf of an otherwise valid record (mutations of a whole
/// record rarely get through its base64). Checks: an accepted record, encoded again from what
/// was decoded, decodes to the same record (floats bit for bit); refusals are one line.
pub fn nb101_record(data: &[u8]) {
    use tnb_nb101_convert::record as rec;
    let mut scratch = Vec::new();
    check_record(data, &mut scratch);
    let mut wrapped = b"[\"0123456789abcdef0123456789abcdef\", 108, \"0100\", \"input,output\", \"".to_vec();
    rec::encode_base64(data, &mut wrapped);
    wrapped.extend_from_slice(b"\"]");
    check_record(&wrapped, &mut scratch);
}

fn check_record(data: &[u8], scratch: &mut Vec<u8>) {
    use tnb_nb101_convert::record as rec;
    let r = match rec::decode(data, scratch) {
        Ok(r) => r,
        Err(e) => {
            assert!(!e.to_string().contains('\n'), "a refusal over two lines: {e}");
            return;
        }
    };
    assert!(r.n <= 7 && r.adjacency >> (u32::from(r.n) * u32::from(r.n)) == 0);
    let full = |e: &rec::Eval| rec::EvalSpec {
        current_epoch: None,
        training_time: Some(e.training_time),
        train_accuracy: Some(e.train_accuracy),
        validation_accuracy: Some(e.validation_accuracy),
        test_accuracy: Some(e.test_accuracy),
        checkpoint_path: None,
    };
    let evals = [rec::EvalSpec::default(), full(&r.halfway), full(&r.final_)];
    let spec = rec::RecordSpec {
        hash: r.hash,
        epochs: r.epochs,
        n: r.n,
        adjacency: r.adjacency,
        operations: &r.operations,
        trainable_parameters: Some(r.trainable_parameters),
        total_time: None,
        evaluations: &evals,
    };
    let mut out = Vec::new();
    rec::encode(&spec, &mut out);
    let mut s2 = Vec::new();
    let back = rec::decode(&out, &mut s2).expect("an encoded record must decode");
    assert!(back.same(&r), "re-encoding changed the record: {r:?} -> {back:?}");
}
