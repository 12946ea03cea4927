//! The whole object as walk events, in source order: what `tnb dump` prints and what a
//! comparison with the source's own walk checks.

use tnb_pickle::{Dtype, Scalar};
use tnb_pyjson::{Event, Seq};
use tnb_schema::nb201::codes::*;

use crate::data::{Data, range};
use crate::num::{Num, NumKind};
use crate::view::{ArchResults, ConfigValue, Key, Run, Series};
use crate::{Archive, Form, R};

/// Most events a walk may emit per byte of archive (plus a fixed 2^20): a walk is linear in
/// the archive's size whatever a crafted archive's tables claim (a real archive emits under one
/// event per byte).
pub const MAX_WALK_EVENTS_PER_BYTE: u64 = 16;

/// Deepest generic nesting walked (the converter writes at most 100 levels).
const MAX_DEPTH: usize = 128;

/// Returns a sink's `Err` from a function whose `Ok` carries it (`R<Result<(), String>>`:
/// the outer error is corruption, the inner one the sink's).
macro_rules! t {
    ($e:expr) => {
        if let Err(e) = $e {
            return Ok(Err(e));
        }
    };
}

struct Walker<'a, 's> {
    d: Data<'a>,
    sink: &'s mut dyn FnMut(Event<'a>) -> Result<(), String>,
    left: u64,
    /// Events emitted so far.
    emitted: u64,
    /// Whether `arch2infos`' items are left out (the pull iterator walks them one at a time);
    /// then `entries_at` is where they go.
    defer: bool,
    entries_at: Option<u64>,
}

impl<'a> Walker<'a, '_> {
    #[inline]
    fn emit(&mut self, e: Event<'a>) -> Result<(), String> {
        if self.left == 0 {
            return Err("corrupted tnb archive: the walk emits more events than the archive's \
                        size allows (MAX_WALK_EVENTS_PER_BYTE)"
                .into());
        }
        self.left -= 1;
        self.emitted += 1;
        (self.sink)(e)
    }

    fn str(&mut self, s: &'a str) -> Result<(), String> {
        self.emit(Event::Str(s))
    }

    fn generic(&mut self, node: u32, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("corrupted tnb archive: generic values nest too deep".into());
        }
        let g = &self.d.r.generic;
        let i = node as usize;
        let (Some(&kind), Some(a), Some(b)) = (g.kinds.get(i), g.a.get(i), g.b.get(i)) else {
            return Err("corrupted tnb archive: a generic node id is out of range".into());
        };
        let (a, b) = (a.to_native(), b.to_native());
        let bytes = || {
            let s = usize::try_from(a).ok()?;
            g.bytes.get(s..s.checked_add(usize::try_from(b).ok()?)?)
        };
        let bad = || "corrupted tnb archive: a generic value is out of range".to_string();
        match kind {
            NODE_NONE => self.emit(Event::Null),
            NODE_FALSE => self.emit(Event::Bool(false)),
            NODE_TRUE => self.emit(Event::Bool(true)),
            NODE_INT => self.emit(Event::Int(a as i64)),
            NODE_FLOAT => self.emit(Event::Float(f64::from_bits(a))),
            NODE_SCALAR => {
                let dtype = *Dtype::ALL.get(b as usize).ok_or_else(bad)?;
                let n = Num::new(T_NUMPY + dtype as u8, Scalar { dtype, bits: a }.bits)
                    .ok_or_else(bad)?;
                self.emit(n.event())
            }
            NODE_STR => {
                let s = std::str::from_utf8(bytes().ok_or_else(bad)?).map_err(|_| bad())?;
                self.emit(Event::Str(s))
            }
            NODE_BYTES => self.emit(Event::Bytes(bytes().ok_or_else(bad)?)),
            NODE_BIGINT => {
                let b = bytes().ok_or_else(bad)?;
                Err(match tnb_pickle::big_int_text(b) {
                    Some(t) => {
                        format!("integer {t} does not fit in 64 bits (tnb supports the i64 range)")
                    }
                    None => format!("an integer of {} bytes does not fit in 64 bits", b.len()),
                })
            }
            NODE_TUPLE | NODE_LIST | NODE_DICT | NODE_ODICT | NODE_SET | NODE_FROZENSET => {
                let s = usize::try_from(a).map_err(|_| bad())?;
                let e = s.checked_add(usize::try_from(b).map_err(|_| bad())?).ok_or_else(bad)?;
                let children = g.children.get(s..e).ok_or_else(bad)?;
                self.emit(match kind {
                    NODE_TUPLE => Event::BeginSeq(Seq::Tuple),
                    NODE_LIST => Event::BeginSeq(Seq::List),
                    NODE_SET => Event::BeginSeq(Seq::Set),
                    NODE_FROZENSET => Event::BeginSeq(Seq::FrozenSet),
                    _ => Event::BeginMap,
                })?;
                for c in children {
                    self.generic(c.to_native(), depth + 1)?;
                }
                self.emit(Event::End)
            }
            NODE_META_ARCHS => {
                self.emit(Event::BeginSeq(Seq::List))?;
                let d = self.d;
                for id in d.r.meta_archs.iter() {
                    self.str(d.string(id.to_native()).map_err(|e| e.to_string())?)?;
                }
                self.emit(Event::End)
            }
            NODE_EVALUATED => {
                self.emit(Event::BeginSeq(if a == 1 { Seq::Set } else { Seq::List }))?;
                for x in self.d.r.evaluated.iter() {
                    self.emit(Event::Int(x.to_native()))?;
                }
                self.emit(Event::End)
            }
            NODE_ARCH2INFOS => self.arch2infos(),
            _ => Err(bad()),
        }
    }

    fn arch2infos(&mut self) -> Result<(), String> {
        self.emit(Event::BeginMap)?;
        if self.defer {
            self.entries_at = Some(self.emitted);
        } else {
            for e in 0..self.d.r.entry_keys.len() {
                self.entry(e)?;
            }
        }
        self.emit(Event::End)
    }

    /// Entry `e` of `arch2infos`: its key, then its value.
    fn entry(&mut self, e: usize) -> Result<(), String> {
        let d = self.d;
        let key = d.r.entry_keys.get(e).ok_or("corrupted tnb archive: entry keys")?;
        self.emit(Event::Int(key.to_native()))?;
        self.entry_value(e)
    }

    /// Entry `e`'s value: the dict hp → ArchResults, in its order.
    fn entry_value(&mut self, e: usize) -> Result<(), String> {
        let d = self.d;
        let flags = *d.r.entry_flags.get(e).ok_or("corrupted tnb archive: entry flags")?;
        if flags & !ENTRY_ODICT != 0 {
            return Err("corrupted tnb archive: an entry has reserved flags set".into());
        }
        let (s, end) =
            range(d.r.entry_recs.as_slice(), e, d.r.rec_hp.len()).map_err(|c| c.to_string())?;
        self.emit(Event::BeginMap)?;
        for rec in s..end {
            let id =
                d.r.rec_hp.get(rec).ok_or("corrupted tnb archive: an hp record is out of range")?;
            self.str(d.string(id.to_native()).map_err(|c| c.to_string())?)?;
            self.arch(ArchResults::new(d, rec)).map_err(|c| c.to_string())??;
        }
        self.emit(Event::End)
    }

    fn arch(&mut self, ar: ArchResults<'a>) -> R<Result<(), String>> {
        let w = self;
        t!(w.emit(Event::BeginMap));
        t!(w.str(ARCH_KEYS[0]));
        t!(w.emit(Event::Int(ar.arch_index()?)));
        t!(w.str(ARCH_KEYS[1]));
        t!(w.str(ar.arch_str()?));
        t!(w.str(ARCH_KEYS[2]));
        t!(w.emit(Event::BeginMap));
        for run in ar.runs()? {
            t!(w.emit(Event::BeginSeq(Seq::Tuple)));
            t!(w.str(run.dataset()?));
            t!(w.emit(Event::Int(run.seed()?)));
            t!(w.emit(Event::End));
            t!(w.run(run)?);
        }
        t!(w.emit(Event::End));
        t!(w.str(ARCH_KEYS[3]));
        t!(w.emit(Event::BeginMap));
        let ds = ar.dataset_seed()?;
        for i in 0..ds.len() {
            let Some((name, seeds)) = ds.get(i)? else { break };
            t!(w.str(name));
            t!(w.emit(Event::BeginSeq(Seq::List)));
            for s in seeds.iter() {
                t!(w.emit(Event::Int(s)));
            }
            t!(w.emit(Event::End));
        }
        t!(w.emit(Event::End));
        t!(w.str(ARCH_KEYS[4]));
        t!(w.emit(Event::Bool(ar.clear_net_done()?)));
        Ok(w.emit(Event::End))
    }

    fn run(&mut self, run: Run<'a>) -> R<Result<(), String>> {
        t!(self.emit(Event::BeginMap));
        for (i, key) in RESULT_KEYS.iter().enumerate() {
            t!(self.str(key));
            match i {
                0 => t!(self.str(run.name()?)),
                1 => t!(self.series(run.train_acc1es()?)?),
                2 => t!(self.series(run.train_acc5es()?)?),
                3 => t!(self.series(run.train_losses()?)?),
                4 => t!(self.series(run.train_times()?)?),
                5 => {
                    let c = run.arch_config_dict()?;
                    t!(self.emit(Event::BeginMap));
                    for i in 0..c.len() {
                        let Some((k, v)) = c.item(i)? else { break };
                        t!(self.str(k));
                        t!(self.emit(match v {
                            ConfigValue::Str(s) => Event::Str(s),
                            ConfigValue::Num(n) => n.event(),
                        }));
                    }
                    t!(self.emit(Event::End));
                }
                6 => t!(self.emit(run.params()?.event())),
                7 => t!(self.emit(run.flop()?.event())),
                8 => t!(self.str(run.seed_str()?)),
                9 => t!(self.emit(Event::Int(run.epochs()?))),
                10 => t!(self.series(run.latency()?)?),
                11 => {
                    t!(self.emit(Event::BeginSeq(Seq::List)));
                    for n in run.eval_names()?.iter() {
                        t!(self.str(n?));
                    }
                    t!(self.emit(Event::End));
                }
                12 => t!(self.series(run.eval_acc1es()?)?),
                13 => t!(self.series(run.eval_times()?)?),
                14 => t!(self.series(run.eval_losses()?)?),
                _ => t!(self.emit(Event::Null)),
            }
        }
        Ok(self.emit(Event::End))
    }

    fn series(&mut self, s: Series<'a>) -> R<Result<(), String>> {
        match s.form() {
            Form::None => return Ok(self.emit(Event::Null)),
            Form::List => t!(self.emit(Event::BeginSeq(Seq::List))),
            Form::Dict | Form::OrderedDict => t!(self.emit(Event::BeginMap)),
        }
        // Bound the work before doing it: a crafted length cannot run long.
        if s.len() as u64 > self.left {
            return Ok(Err(
                "corrupted tnb archive: a series is longer than the archive allows".into()
            ));
        }
        for i in 0..s.len() {
            match s.key(i)? {
                Some(Key::Int(k)) => t!(self.emit(Event::Int(k))),
                Some(Key::Str(k)) => t!(self.str(k)),
                None => {}
            }
            let v = s.value(i)?.ok_or(crate::Corrupt("a value is missing"))?;
            t!(self.emit(v.event()));
        }
        Ok(self.emit(Event::End))
    }
}

impl<B: AsRef<[u8]>> Archive<B> {
    /// Emits the whole object as walk events in source order: the same events as the source's
    /// walk (`tnb_pth::events`), so a dump of the archive prints exactly what a dump of the
    /// source prints. Stops at the first `Err` of `sink` and returns it; a corrupted archive
    /// gives a one-line `Err`.
    pub fn walk<'a>(
        &'a self,
        sink: &mut dyn FnMut(Event<'a>) -> Result<(), String>,
    ) -> Result<(), String> {
        let d = self.data().map_err(|e| e.to_string())?;
        let left = (self.bytes().len() as u64)
            .saturating_mul(MAX_WALK_EVENTS_PER_BYTE)
            .saturating_add(1 << 20);
        let mut w = Walker { d, sink, left, emitted: 0, defer: false, entries_at: None };
        w.generic(d.r.top.to_native(), 0)
    }

    /// Emits entry `entry`'s value (position in `arch2infos`; for a NATS-Bench archive the
    /// per-arch file's object: `{hp: ArchResults}`) as walk events, exactly as the walk of
    /// that value in the source (`tnb dump --arch I` prints what `tnb dump` of
    /// `{I:06d}.pickle.pbz2` prints). `Err` when `entry` is out of range, the archive is
    /// corrupted, or `sink` fails.
    pub fn walk_entry<'a>(
        &'a self,
        entry: usize,
        sink: &mut dyn FnMut(Event<'a>) -> Result<(), String>,
    ) -> Result<(), String> {
        let d = self.data().map_err(|e| e.to_string())?;
        if entry >= d.r.entry_keys.len() {
            return Err(format!(
                "entry {entry} is out of range (the archive has {} entries)",
                d.r.entry_keys.len()
            ));
        }
        let left = (self.bytes().len() as u64)
            .saturating_mul(MAX_WALK_EVENTS_PER_BYTE)
            .saturating_add(1 << 20);
        let mut w = Walker { d, sink, left, emitted: 0, defer: false, entries_at: None };
        w.entry_value(entry)
    }

    /// Writes the whole object as `json.dumps` text (as `tnb dump` of the source does).
    pub fn write_json<W: std::io::Write>(&self, out: W) -> Result<W, String> {
        let mut sink = tnb_pyjson::JsonSink::new(out);
        self.walk(&mut |e| sink.event(e).map_err(|e| e.to_string()))?;
        sink.finish().map_err(|e| e.to_string())
    }
}

impl NumKind {
    /// Python's type name (`'float'`, `'int'`, `'bool'`, `'numpy.float64'`).
    pub fn type_name(self) -> &'static str {
        match self {
            NumKind::Float => "float",
            NumKind::Int => "int",
            NumKind::Bool => "bool",
            NumKind::Numpy(Dtype::F64) => "numpy.float64",
            NumKind::Numpy(Dtype::F32) => "numpy.float32",
            NumKind::Numpy(_) => "numpy scalar",
        }
    }
}

/// The whole object as a pull iterator of walk events ([`Archive::events`]): the same events as
/// [`Archive::walk`], produced one `arch2infos` entry at a time, so memory stays at one entry's
/// events (a few tens of thousands) plus the top level's (`meta_archs`, `evaluated_indexes`).
pub struct Events<'a> {
    d: Option<Data<'a>>,
    /// The top level's events; the entries go after `top[..split]`.
    top: Vec<Event<'a>>,
    split: usize,
    next_top: usize,
    /// The current entry's events.
    buf: Vec<Event<'a>>,
    next_buf: usize,
    /// The next entry to walk (`None`: not yet at the entries' place, or past them).
    entry: Option<usize>,
    left: u64,
    /// An error to yield once, after which the iterator ends.
    error: Option<String>,
}

impl<'a> Iterator for Events<'a> {
    type Item = Result<Event<'a>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(e) = self.buf.get(self.next_buf) {
                self.next_buf += 1;
                return Some(Ok(*e));
            }
            if let (Some(e), Some(d)) = (self.entry, self.d) {
                if e < d.r.entry_keys.len() {
                    let mut buf = std::mem::take(&mut self.buf);
                    buf.clear();
                    self.next_buf = 0;
                    let mut sink = |ev: Event<'a>| {
                        buf.push(ev);
                        Ok(())
                    };
                    let mut w = Walker {
                        d,
                        sink: &mut sink,
                        left: self.left,
                        emitted: 0,
                        defer: false,
                        entries_at: None,
                    };
                    let r = w.entry(e);
                    self.left = w.left;
                    self.buf = buf;
                    self.entry = Some(e + 1);
                    if let Err(m) = r {
                        self.buf.clear();
                        self.d = None;
                        self.top.clear();
                        return Some(Err(m));
                    }
                    continue;
                }
                self.entry = None;
            }
            if self.next_top == self.split && self.entry.is_none() && self.d.is_some() {
                // The entries' place: walk them before the rest of the top level.
                self.split = usize::MAX;
                self.entry = Some(0);
                continue;
            }
            if let Some(e) = self.top.get(self.next_top) {
                self.next_top += 1;
                return Some(Ok(*e));
            }
            return self.error.take().map(Err);
        }
    }
}

impl<B: AsRef<[u8]>> Archive<B> {
    /// The whole object as a pull iterator of walk events (see [`Events`]), for comparisons
    /// that stop at the first difference. An `Err` item (a corrupted archive) ends it.
    pub fn events<'a>(&'a self) -> Events<'a> {
        let mut ev = Events {
            d: None,
            top: Vec::new(),
            split: usize::MAX,
            next_top: 0,
            buf: Vec::new(),
            next_buf: 0,
            entry: None,
            left: 0,
            error: None,
        };
        let d = match self.data() {
            Ok(d) => d,
            Err(e) => {
                ev.error = Some(e.to_string());
                return ev;
            }
        };
        let left = (self.bytes().len() as u64)
            .saturating_mul(MAX_WALK_EVENTS_PER_BYTE)
            .saturating_add(1 << 20);
        let mut top = Vec::new();
        let mut sink = |e: Event<'a>| {
            top.push(e);
            Ok(())
        };
        let mut w = Walker { d, sink: &mut sink, left, emitted: 0, defer: true, entries_at: None };
        let r = w.generic(d.r.top.to_native(), 0);
        let (left, at) = (w.left, w.entries_at);
        ev.top = top;
        ev.left = left;
        match r {
            Ok(()) => {
                ev.d = Some(d);
                ev.split = at.map_or(usize::MAX, |a| a as usize);
            }
            // The top level itself is corrupt: yield what came before, then the error.
            Err(m) => ev.error = Some(m),
        }
        ev
    }
}
