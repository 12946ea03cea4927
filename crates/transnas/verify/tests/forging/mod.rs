//! Forged archives and the judge of `verify --source`, shared by `tests/forge.rs` and the fuzz
//! target `forge` (`fuzz/fuzz_targets/forge.rs` includes this file).
//!
//! A forgery is a converted archive whose payload was changed (a field of the payload model, or
//! raw payload bytes) and whose checksums were recomputed, so that only `verify --source` can
//! tell it from the real thing. The judge holds verify to its guarantee: when verify passes,
//! every method of the official API, for every argument the source defines (every arch by name
//! and by index, every task, metric, info, space and epoch, plus names and indexes the source
//! does not define), answers from the forgery exactly as from the pristine archive, errors
//! included (class and message). The judge calls every method through `tnb_api::call` on both
//! archives: it does not trust verify's own reasoning (that a payload equal to the converter's
//! rebuild answers as the rebuild).
#![allow(dead_code)]

use tnb_api::{Arg, call};
use tnb_schema::header::{HEADER_LEN, Header};
use tnb_schema::transnas::{Benchmark, Column};
use tnb_store::Store;

/// An argument of a call, owned.
#[derive(Clone, Debug)]
pub enum Owned {
    /// A `str`.
    Str(String),
    /// An `int`.
    Int(i64),
    /// `None`.
    None,
}

impl Owned {
    fn arg(&self) -> Arg<'_> {
        match self {
            Owned::Str(s) => Arg::Str(s),
            Owned::Int(i) => Arg::Int(*i),
            Owned::None => Arg::None,
        }
    }
}

/// One call of the official API: `method(*args)`.
#[derive(Clone, Debug)]
pub struct Call {
    /// The method's name.
    pub method: &'static str,
    /// Its positional arguments.
    pub args: Vec<Owned>,
}

/// A call's answer: its events (each as `Event`'s display, floats with their bits), or the
/// exception (class and message).
pub type Answer = Result<Vec<String>, String>;

/// A name no source defines.
const UNKNOWN: &str = "no such name";

/// Every call the source defines, read from the converter's model of the source: every
/// attribute; every arch by index (and just past both ends) and by name (and an unknown name);
/// every (arch, task), (arch, task, info), (arch, task, metric) with every mode (`best`,
/// `final`, `list`, every epoch from `-E-1` to `E`), every (arch, task, epoch) status from
/// `-E-1` to `E`, every best epoch status; every space's arch list and every ranking in full.
pub fn calls(m: &Benchmark) -> Vec<Call> {
    let s = |x: &str| Owned::Str(x.to_owned());
    let c = |method: &'static str, args: Vec<Owned>| Call { method, args };
    let n = m.arch_offsets.len().saturating_sub(1);
    let archs: Vec<String> = (0..n)
        .map(|a| {
            let (lo, hi) = (m.arch_offsets[a] as usize, m.arch_offsets[a + 1] as usize);
            String::from_utf8(m.arch_bytes[lo..hi].to_vec()).unwrap()
        })
        .collect();
    let mut out: Vec<Call> = ["len", "task_list", "search_spaces", "all_arch_dict"]
        .into_iter()
        .chain(["metrics_dict", "info_names"])
        .map(|name| c(name, vec![]))
        .collect();
    for i in -(n as i64) - 1..=n as i64 {
        out.push(c("index2arch", vec![Owned::Int(i)]));
    }
    let mut spaces: Vec<&str> = m.space_names.iter().map(String::as_str).collect();
    spaces.push(UNKNOWN);
    let mut tasks: Vec<(&str, &[String])> =
        m.tasks.iter().map(|t| (t.name.as_str(), t.metrics.as_slice())).collect();
    tasks.push((UNKNOWN, &[]));
    let mut infos: Vec<&str> = m.info_names.iter().map(String::as_str).collect();
    infos.push(UNKNOWN);
    for space in &spaces {
        out.push(c("get_arch_list", vec![s(space)]));
        for (task, metrics) in &tasks {
            for metric in metrics.iter().map(String::as_str).chain([UNKNOWN]) {
                out.push(c("get_best_archs", vec![s(task), s(metric), s(space), Owned::None]));
            }
        }
    }
    for (a, arch) in archs.iter().map(String::as_str).chain([UNKNOWN]).enumerate() {
        out.push(c("arch2index", vec![s(arch)]));
        out.push(c("get_arch_result", vec![s(arch)]));
        for (t, (task, metrics)) in tasks.iter().enumerate() {
            out.push(c("get_total_epochs", vec![s(arch), s(task)]));
            for info in &infos {
                out.push(c("get_model_info", vec![s(arch), s(task), s(info)]));
            }
            // The epochs the source defines for this arch and task (a few more for the
            // unknown ones).
            let epochs = match m.tasks.get(t) {
                Some(t) if a < n => i64::from(t.offsets[a + 1] - t.offsets[a]),
                _ => 2,
            };
            for e in -epochs - 1..=epochs {
                out.push(c("get_epoch_status", vec![s(arch), s(task), Owned::Int(e)]));
            }
            for metric in metrics.iter().map(String::as_str).chain([UNKNOWN]) {
                out.push(c("get_best_epoch_status", vec![s(arch), s(task), s(metric)]));
                let modes = ["best", "final", "list"].into_iter().map(s);
                for mode in modes.chain((-epochs - 1..=epochs).map(Owned::Int)) {
                    out.push(c("get_single_metric", vec![s(arch), s(task), s(metric), mode]));
                }
            }
        }
    }
    out
}

/// The answer of one call.
pub fn answer<B: AsRef<[u8]>>(store: &Store<B>, c: &Call) -> Answer {
    let args: Vec<Arg<'_>> = c.args.iter().map(Owned::arg).collect();
    let mut events = Vec::new();
    call(store, c.method, &args, &[], &mut |e| {
        events.push(e.to_string());
        Ok::<(), std::convert::Infallible>(())
    })
    .map(|()| events)
    .map_err(|e| format!("{:?}: {e}", e.exc()))
}

/// The first call (of `calls`, whose pristine answers are `pristine`) that `forged` answers
/// differently, described.
pub fn first_different_answer<B: AsRef<[u8]>>(
    calls: &[Call],
    pristine: &[Answer],
    forged: &Store<B>,
) -> Option<String> {
    calls.iter().zip(pristine).find_map(|(c, want)| {
        let got = answer(forged, c);
        (&got != want).then(|| {
            let cut = |a: &Answer| {
                let text = format!("{a:?}");
                text.chars().take(160).collect::<String>()
            };
            let (want, got) = (cut(want), cut(&got));
            format!("{}{:?}: the source answers {want}, the forgery {got}", c.method, c.args)
        })
    })
}

/// A pristine archive, its source and their answers.
pub struct Pristine {
    /// The source file's bytes.
    pub source: Vec<u8>,
    /// The converter's model of the source.
    pub model: Benchmark,
    /// The converted archive.
    pub archive: Vec<u8>,
    /// Every call the source defines.
    pub calls: Vec<Call>,
    /// Their answers on the pristine archive.
    pub answers: Vec<Answer>,
}

impl Pristine {
    /// Converts `source` and records every answer.
    pub fn new(source: &[u8]) -> Pristine {
        let model = tnb_convert::build(source, &Default::default()).unwrap();
        let archive = tnb_convert::convert_bytes(source).unwrap();
        let store = Store::copy_from(&archive).unwrap();
        let calls = calls(&model);
        let answers = calls.iter().map(|c| answer(&store, c)).collect();
        Pristine { source: source.to_vec(), model, archive, calls, answers }
    }

    /// The archive of a forged model (correct header and checksums).
    pub fn archive_of(&self, forged: &Benchmark) -> Option<Vec<u8>> {
        let sha = tnb_convert::sha256(&self.source);
        tnb_convert::to_bytes(forged, self.source.len() as u64, sha).ok()
    }

    /// The pristine archive with its payload XORed with `edits` (`(offset, mask)`, offsets
    /// taken modulo the payload's length) and its checksums recomputed.
    pub fn with_payload_edits(&self, edits: &[(usize, u8)]) -> Vec<u8> {
        let mut payload = self.archive[HEADER_LEN..].to_vec();
        for &(at, mask) in edits {
            let len = payload.len();
            payload[at % len] ^= mask;
        }
        let old = Header::decode(&self.archive).unwrap();
        let h = Header::new(
            payload.len() as u64,
            crc32fast::hash(&payload),
            old.source_size,
            old.source_sha256,
            &old.converter,
        );
        let mut out = h.encode().to_vec();
        out.extend_from_slice(&payload);
        out
    }
}

/// What `tnb verify ARCHIVE --source FILE` concludes.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The archive does not open (or its checksum fails): refused before any comparison.
    Refused(String),
    /// The comparison fails.
    Differs(String),
    /// Verify passes.
    Passes,
}

/// Runs what `tnb verify --source` runs (open, checksum, the value walk, the comparison of
/// every structure with the source's rebuild) on `archive` against `source`.
pub fn verify(archive: &[u8], source: &[u8]) -> Verdict {
    let store = match Store::copy_from(archive) {
        Ok(s) => s,
        Err(e) => return Verdict::Refused(e.to_string()),
    };
    if let Err(e) = store.verify_checksum() {
        return Verdict::Refused(e.to_string());
    }
    let doc = tnb_pth::load(source).unwrap();
    match tnb_verify::compare(&store, &doc).and_then(|()| tnb_verify::compare_rebuilt(&store, &doc))
    {
        Ok(()) => Verdict::Passes,
        Err(m) => Verdict::Differs(m.to_string()),
    }
}

impl Pristine {
    /// [`verify`] with the source's rebuild made once ([`Pristine::model`]) instead of once per
    /// archive: the same comparisons (`tnb_verify::compare_rebuilt` is `build_document` then
    /// `compare_with_rebuild`), at a fraction of the cost when judging thousands of forgeries.
    pub fn verify(&self, archive: &[u8]) -> Verdict {
        let store = match Store::copy_from(archive) {
            Ok(s) => s,
            Err(e) => return Verdict::Refused(e.to_string()),
        };
        if let Err(e) = store.verify_checksum() {
            return Verdict::Refused(e.to_string());
        }
        let doc = tnb_pth::load(&self.source).unwrap();
        match tnb_verify::compare(&store, &doc)
            .and_then(|()| tnb_verify::compare_with_rebuild(&store, &self.model))
        {
            Ok(()) => Verdict::Passes,
            Err(m) => Verdict::Differs(m.to_string()),
        }
    }
}

/// Judges one forged archive: `Err` (naming the call) when verify passes while some answer
/// differs from the pristine archive's, the one outcome the guarantee forbids; otherwise the
/// verdict.
pub fn judge(p: &Pristine, forged: &[u8]) -> Result<Verdict, String> {
    let verdict = p.verify(forged);
    if verdict == Verdict::Passes {
        // Only reached when verify passes, so a passing forgery is checked against every call.
        let store = Store::copy_from(forged).map_err(|e| e.to_string())?;
        if let Some(d) = first_different_answer(&p.calls, &p.answers, &store) {
            return Err(format!("verify passes, but {d}"));
        }
    }
    Ok(verdict)
}

/// One field of the payload model, borrowed for a mutation.
pub enum Field<'a> {
    /// A node id or other number.
    U32(&'a mut u32),
    /// An array of numbers.
    U32s(&'a mut Vec<u32>),
    /// An array of 64-bit numbers.
    U64s(&'a mut Vec<u64>),
    /// Bytes.
    Bytes(&'a mut Vec<u8>),
    /// A name.
    Str(&'a mut String),
    /// A list of names.
    Strs(&'a mut Vec<String>),
    /// A column of values.
    Column(&'a mut Column),
}

/// Every field of `b`, each named by its path in the model.
pub fn fields(b: &mut Benchmark) -> Vec<(String, Field<'_>)> {
    let Benchmark {
        tasks,
        info_names,
        space_names,
        space_starts,
        arch_offsets,
        arch_bytes,
        arch_slots,
        layout,
        generic,
    } = b;
    let f = |n: &str| n.to_owned();
    let mut out = vec![
        (f("info_names"), Field::Strs(info_names)),
        (f("space_names"), Field::Strs(space_names)),
        (f("space_starts"), Field::U32s(space_starts)),
        (f("arch_offsets"), Field::U32s(arch_offsets)),
        (f("arch_bytes"), Field::Bytes(arch_bytes)),
        (f("arch_slots"), Field::U32s(arch_slots)),
        (f("layout.top"), Field::U32(&mut layout.top)),
        (f("layout.task_list"), Field::U32(&mut layout.task_list)),
        (f("layout.metrics_dict"), Field::U32(&mut layout.metrics_dict)),
        (f("layout.info_names"), Field::U32(&mut layout.info_names)),
        (f("layout.items"), Field::U32s(&mut layout.items)),
        (f("layout.item_offsets"), Field::U32s(&mut layout.item_offsets)),
        (f("layout.arch_layout"), Field::U32s(&mut layout.arch_layout)),
        (f("layout.result_layout"), Field::U32s(&mut layout.result_layout)),
        (f("layout.arch_extras"), Field::U32s(&mut layout.arch_extras)),
        (f("layout.result_extras"), Field::U32s(&mut layout.result_extras)),
        (f("layout.extras"), Field::U32s(&mut layout.extras)),
        (f("generic.kinds"), Field::Bytes(&mut generic.kinds)),
        (f("generic.start_or_value"), Field::U64s(&mut generic.start_or_value)),
        (f("generic.len_or_dtype"), Field::U32s(&mut generic.len_or_dtype)),
        (f("generic.children"), Field::U32s(&mut generic.children)),
        (f("generic.bytes"), Field::Bytes(&mut generic.bytes)),
    ];
    for (i, t) in tasks.iter_mut().enumerate() {
        let at = |n: &str| format!("tasks[{i}].{n}");
        out.push((at("name"), Field::Str(&mut t.name)));
        out.push((at("metrics"), Field::Strs(&mut t.metrics)));
        out.push((at("offsets"), Field::U32s(&mut t.offsets)));
        for (m, c) in t.columns.iter_mut().enumerate() {
            out.push((at(&format!("columns[{m}]")), Field::Column(c)));
        }
        out.push((at("best"), Field::U32s(&mut t.best)));
        out.push((at("ranking"), Field::U32s(&mut t.ranking)));
        out.push((at("ranking_status"), Field::Bytes(&mut t.ranking_status)));
        for (k, c) in t.info.iter_mut().enumerate() {
            out.push((at(&format!("info[{k}]")), Field::Column(c)));
        }
    }
    out
}

/// How many mutations [`mutate`] knows.
pub const MUTATIONS: u8 = 7;

/// Mutation `op` (modulo [`MUTATIONS`]) of a vector at `at` (modulo its length) with `value`:
/// set, add one, flip a bit, swap with the next, remove, duplicate, append.
fn mutate_vec<T: Clone>(v: &mut Vec<T>, op: u8, at: usize, value: T, add: impl Fn(&T) -> T) {
    if v.is_empty() {
        v.push(value);
        return;
    }
    let len = v.len();
    let i = at % len;
    match op % MUTATIONS {
        0 | 2 => v[i] = value,
        1 => v[i] = add(&v[i]),
        3 => v.swap(i, (i + 1) % len),
        4 => {
            v.remove(i);
        }
        5 => v.insert(i, v[i].clone()),
        _ => v.push(value),
    }
}

/// Applies mutation `op` at index `at` with `value` to `field` (see [`mutate_vec`]). Strings
/// stay UTF-8 (the mutation of a name replaces or adds ASCII characters), so that the rkyv
/// model can be written at all.
pub fn mutate(field: Field<'_>, op: u8, at: usize, value: u64) {
    let bit = |x: u64| x ^ (1 << (value % 64));
    match field {
        Field::U32(x) => {
            *x = match op % 3 {
                0 => value as u32,
                1 => x.wrapping_add(1),
                _ => bit(u64::from(*x)) as u32,
            }
        }
        Field::U32s(v) => match op % MUTATIONS {
            2 => {
                let i = at % v.len().max(1);
                if let Some(x) = v.get_mut(i) {
                    *x = bit(u64::from(*x)) as u32;
                }
            }
            _ => mutate_vec(v, op, at, value as u32, |x| x.wrapping_add(1)),
        },
        Field::U64s(v) => match op % MUTATIONS {
            2 => {
                let i = at % v.len().max(1);
                if let Some(x) = v.get_mut(i) {
                    *x = bit(*x);
                }
            }
            _ => mutate_vec(v, op, at, value, |x| x.wrapping_add(1)),
        },
        Field::Bytes(v) => match op % MUTATIONS {
            2 => {
                let i = at % v.len().max(1);
                if let Some(x) = v.get_mut(i) {
                    *x ^= 1 << (value % 8);
                }
            }
            _ => mutate_vec(v, op, at, value as u8, |x| x.wrapping_add(1)),
        },
        Field::Str(s) => mutate_str(s, op, at, value),
        Field::Strs(v) => match op % MUTATIONS {
            0..=2 => {
                let len = v.len().max(1);
                if let Some(s) = v.get_mut(at % len) {
                    mutate_str(s, op, at / len, value);
                }
            }
            _ => mutate_vec(v, op, at, format!("x{value}"), |s| format!("{s}x")),
        },
        Field::Column(c) => mutate_column(c, op, at, value),
    }
}

/// A name mutated: a character replaced by an ASCII one, one appended, or the name cut.
fn mutate_str(s: &mut String, op: u8, at: usize, value: u64) {
    let ch = char::from(b'!' + (value % 90) as u8);
    let mut chars: Vec<char> = s.chars().collect();
    if chars.is_empty() || op % 3 == 1 {
        chars.push(ch);
    } else if op % 3 == 0 {
        let i = at % chars.len();
        chars[i] = if chars[i] == ch { '_' } else { ch };
    } else {
        chars.truncate(at % chars.len());
    }
    *s = chars.into_iter().collect();
}

/// A column mutated: one of its arrays as a field, or (`op` 6) its kind changed to another
/// that can hold the same values where possible (`F32` written as `F64`, for instance: equal
/// answers, another payload).
fn mutate_column(c: &mut Column, op: u8, at: usize, value: u64) {
    if op % MUTATIONS == 6 {
        *c = match std::mem::take(c) {
            Column::F32(v) => Column::F64(v.into_iter().map(f64::from).collect()),
            Column::F64(v) => Column::I64(v.into_iter().map(|x| x as i64).collect()),
            Column::I64(v) => Column::F64(v.into_iter().map(|x| x as f64).collect()),
            Column::StrFixed { width, bytes } => {
                let n = bytes.len() / width.max(1) as usize;
                Column::Str { offsets: (0..=n as u32).map(|i| i * width).collect(), bytes }
            }
            Column::Str { bytes, .. } => Column::StrFixed { width: 1, bytes },
            Column::Mixed { bits, .. } => Column::I64(bits.into_iter().map(|x| x as i64).collect()),
        };
        return;
    }
    match c {
        Column::F32(v) => {
            let mut bits: Vec<u32> = v.iter().map(|x| x.to_bits()).collect();
            mutate(Field::U32s(&mut bits), op, at, value);
            *v = bits.into_iter().map(f32::from_bits).collect();
        }
        Column::F64(v) => {
            let mut bits: Vec<u64> = v.iter().map(|x| x.to_bits()).collect();
            mutate(Field::U64s(&mut bits), op, at, value);
            *v = bits.into_iter().map(f64::from_bits).collect();
        }
        Column::I64(v) => {
            let mut bits: Vec<u64> = v.iter().map(|&x| x as u64).collect();
            mutate(Field::U64s(&mut bits), op, at, value);
            *v = bits.into_iter().map(|x| x as i64).collect();
        }
        Column::StrFixed { width, bytes } => match at % 2 {
            0 => mutate(Field::U32(width), op, at / 2, value),
            _ => mutate(Field::Bytes(bytes), op, at / 2, value),
        },
        Column::Str { offsets, bytes } => match at % 2 {
            0 => mutate(Field::U32s(offsets), op, at / 2, value),
            _ => mutate(Field::Bytes(bytes), op, at / 2, value),
        },
        Column::Mixed { tags, bits, bytes } => match at % 3 {
            0 => mutate(Field::Bytes(tags), op, at / 3, value),
            1 => mutate(Field::U64s(bits), op, at / 3, value),
            _ => mutate(Field::Bytes(bytes), op, at / 3, value),
        },
    }
}

/// The four forgeries issue 16 names, each built from the pristine model: `task_list` answers
/// the info names and `info_names` the task names (their node ids swapped), `metrics_dict`
/// answers the whole top-level object, and `arch2index` raises for an arch that `index2arch`
/// returns (its slot emptied in the name table).
pub fn named_forgeries(m: &Benchmark) -> Vec<(&'static str, Benchmark)> {
    let mut swapped = m.clone();
    let l = &mut swapped.layout;
    std::mem::swap(&mut l.task_list, &mut l.info_names);
    let mut top = m.clone();
    top.layout.metrics_dict = top.layout.top;
    let mut lost = m.clone();
    // The last arch in probe order whose slot can be emptied without hiding another arch
    // behind it: a slot followed by an empty one.
    let len = lost.arch_slots.len();
    let slot =
        (0..len).find(|&i| lost.arch_slots[i] != 0 && lost.arch_slots[(i + 1) % len] == 0).unwrap();
    lost.arch_slots[slot] = 0;
    let mut info_only = m.clone();
    info_only.layout.info_names = m.layout.task_list;
    let mut tasks_only = m.clone();
    tasks_only.layout.task_list = m.layout.info_names;
    vec![
        ("task_list answers the info names", tasks_only),
        ("info_names answers the task names", info_only),
        ("task_list and info_names swapped", swapped),
        ("metrics_dict answers the whole top-level object", top),
        ("arch2index raises for an arch index2arch returns", lost),
    ]
}

/// Most edits or mutations one fuzz input applies.
pub const MAX_EDITS: usize = 16;

/// The forgery a fuzz input describes (the fuzz target `forge` and the replay of its seeds).
/// The first byte picks the kind:
/// - bit 0 clear: raw payload edits, then 5 bytes per edit (`u32` LE offset, XOR mask);
/// - bit 0 set: model mutations, 11 bytes each (`u16` LE field index into [`fields`], the
///   mutation, `u32` LE index, `u32` LE value; see [`mutate`]), starting from the pristine
///   model or, when bit 1 is set, from the named forgery (of [`named_forgeries`]) the next byte
///   picks.
///
/// `None` when the model cannot be written (a mutation made a model rkyv refuses to write).
pub fn forge(p: &Pristine, data: &[u8]) -> Option<Vec<u8>> {
    let (&kind, mut rest) = data.split_first()?;
    if kind & 1 == 0 {
        let edits: Vec<(usize, u8)> = rest
            .chunks_exact(5)
            .take(MAX_EDITS)
            .map(|c| (u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize, c[4]))
            .collect();
        return Some(p.with_payload_edits(&edits));
    }
    let mut m = p.model.clone();
    if kind & 2 != 0 {
        let (&which, after) = rest.split_first()?;
        let mut named = named_forgeries(&p.model);
        m = named.swap_remove(usize::from(which) % named.len()).1;
        rest = after;
    }
    for c in rest.chunks_exact(11).take(MAX_EDITS) {
        let word = |i: usize| u32::from_le_bytes([c[i], c[i + 1], c[i + 2], c[i + 3]]);
        let mut fs = fields(&mut m);
        let count = fs.len();
        let (_, field) = fs.swap_remove(usize::from(u16::from_le_bytes([c[0], c[1]])) % count);
        mutate(field, c[2], word(3) as usize, u64::from(word(7)));
    }
    p.archive_of(&m)
}
