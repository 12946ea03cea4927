//! Walking the archive as the source object: the [`Event`]s a dump, a comparison or a Python
//! rendering consumes. The archive stores a benchmark as columns; this puts the dicts and lists
//! back together in the source's order, extras included, without building them in memory.

use tnb_pyjson::{Event, Seq};
use tnb_schema::transnas::codes::*;
use tnb_schema::transnas::{ArchivedBenchmark, ArchivedGeneric};
use tnb_store::archived::{arch_name, cell, utf8};
use tnb_store::{EpochStatus, Object, ObjectRef, QueryError, Store, Value};

/// A walk's failure: the callback's own error, or an inconsistency in the archive.
#[derive(Debug)]
#[non_exhaustive]
pub enum WalkError<E> {
    /// Returned by the callback.
    Sink(E),
    /// The archive is inconsistent (a crafted file that passed validation).
    Query(QueryError),
}

impl<E> From<QueryError> for WalkError<E> {
    fn from(e: QueryError) -> Self {
        WalkError::Query(e)
    }
}

impl<E: std::fmt::Display> std::fmt::Display for WalkError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WalkError::Sink(e) => write!(f, "{e}"),
            WalkError::Query(q) => write!(f, "{q}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for WalkError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WalkError::Sink(e) => Some(e),
            WalkError::Query(q) => Some(q),
        }
    }
}

type Sink<'s, 'a, E> = dyn FnMut(Event<'a>) -> Result<(), E> + 's;

const CORRUPT_LAYOUT: QueryError = QueryError::Corrupt("a layout item is invalid");

/// One entry of an arch's dict ([`Walker::arch_entries`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchEntry {
    /// The result of task `.0` (an index into the archive's tasks) under that task's name.
    Task(usize),
    /// A key the benchmark does not know, with its value: two generic node ids.
    Extra {
        /// The key's node.
        key: u32,
        /// The value's node.
        value: u32,
    },
}

/// Walks one validated archive.
pub struct Walker<'a> {
    b: &'a ArchivedBenchmark,
    /// Set while the benchmark's `data` is being walked: a crafted archive could reference the
    /// data marker from inside the data (an extra entry, a generic cell), which would recurse
    /// forever; the generic tree alone cannot cycle (children have smaller ids).
    in_data: std::cell::Cell<bool>,
    /// See [`Walker::sharing`].
    known: Option<&'a dyn Fn(u32) -> bool>,
}

impl<'a> Walker<'a> {
    /// A walker over `b` (from [`Store::archive`]).
    pub fn new(b: &'a ArchivedBenchmark) -> Self {
        Walker { b, in_data: std::cell::Cell::new(false), known: None }
    }

    /// This walker, asking `known(id)` before it walks generic node `id` (any node but the data
    /// marker): `true` skips the node, emitting nothing, because the sink already holds what it
    /// built from it; `false` walks it as usual. The archive keeps an object that the source
    /// references several times as one node, so a sink that keeps what it built per node can
    /// build each shared object once, as unpickling does (`d[0] is d[1]` under `torch.load`),
    /// instead of a copy per reference.
    pub fn sharing(self, known: &'a dyn Fn(u32) -> bool) -> Self {
        Walker { known: Some(known), ..self }
    }
}

fn emit<'a, E>(f: &mut Sink<'_, 'a, E>, e: Event<'a>) -> Result<(), WalkError<E>> {
    f(e).map_err(WalkError::Sink)
}

fn dtype_number<'a>(code: u32, bits: u64) -> Event<'a> {
    match code {
        0 => Event::Bool(bits & 0xff != 0),
        1..=3 => Event::Int(bits as i64),
        4 if bits > i64::MAX as u64 => Event::UInt(bits),
        4..=8 => Event::Int(bits as i64),
        9 => Event::Float(f16_to_f64(bits as u16)),
        10 => Event::Float(f64::from(f32::from_bits((bits as u32) << 16))),
        11 => Event::Float(f64::from(f32::from_bits(bits as u32))),
        _ => Event::Float(f64::from_bits(bits)),
    }
}

/// The event that opens a container node of kind `kind`.
fn begin<'a>(kind: u8) -> Event<'a> {
    match kind {
        NODE_DICT => Event::BeginMap,
        NODE_TUPLE => Event::BeginSeq(Seq::Tuple),
        NODE_SET => Event::BeginSeq(Seq::Set),
        NODE_FROZENSET => Event::BeginSeq(Seq::FrozenSet),
        // Lists, and every dimension of a tensor (as `.tolist()` gives it).
        _ => Event::BeginSeq(Seq::List),
    }
}

/// Exact widening of IEEE binary16 (as numpy's `.item()` does): a NaN keeps its payload bits,
/// the signalling bit included, exactly as the source reader widens it (`tnb_pickle::Scalar`),
/// so that the archive's walk and the source's walk agree bit for bit.
fn f16_to_f64(h: u16) -> f64 {
    let sign = if h >> 15 != 0 { -1.0 } else { 1.0 };
    let exp = (h >> 10) & 0x1f;
    let frac = f64::from(h & 0x3ff);
    match exp {
        0 => sign * frac * (2.0f64).powi(-24),
        0x1f if frac == 0.0 => sign * f64::INFINITY,
        0x1f => f64::from_bits(
            0x7ff0_0000_0000_0000 | u64::from(h & 0x3ff) << 42 | u64::from(h >> 15) << 63,
        ),
        e => sign * (1.0 + frac / 1024.0) * (2.0f64).powi(i32::from(e) - 15),
    }
}

impl<'a> Walker<'a> {
    /// The whole source object.
    pub fn document<E>(&self, f: &mut Sink<'_, 'a, E>) -> Result<(), WalkError<E>> {
        self.node(self.b.layout.top.to_native(), f)
    }

    /// A generic node (and, at the data marker, the whole benchmark).
    pub fn node<E>(&self, id: u32, f: &mut Sink<'_, 'a, E>) -> Result<(), WalkError<E>> {
        let g: &'a ArchivedGeneric = &self.b.generic;
        let i = id as usize;
        let kind =
            *g.kinds.get(i).ok_or(QueryError::Corrupt("a generic node id is out of range"))?;
        if kind != NODE_DATA && self.known.is_some_and(|known| known(id)) {
            return Ok(());
        }
        let a = g.start_or_value.get(i).map_or(0, |x| x.to_native());
        let len = g.len_or_dtype.get(i).map_or(0, |x| x.to_native());
        let slice = |src_len: usize| -> Result<std::ops::Range<usize>, QueryError> {
            let s = usize::try_from(a).map_err(|_| QueryError::Corrupt("generic range"))?;
            let e = s.checked_add(len as usize).filter(|&e| e <= src_len);
            e.map(|e| s..e).ok_or(QueryError::Corrupt("a generic range is out of bounds"))
        };
        match kind {
            NODE_NONE => emit(f, Event::Null),
            NODE_FALSE => emit(f, Event::Bool(false)),
            NODE_TRUE => emit(f, Event::Bool(true)),
            NODE_INT => emit(f, Event::Int(a as i64)),
            NODE_FLOAT => emit(f, Event::Float(f64::from_bits(a))),
            NODE_SCALAR => emit(f, dtype_number(len, a)),
            NODE_STR => emit(f, Event::Str(utf8(g.bytes.get(slice(g.bytes.len())?))?)),
            NODE_BYTES => emit(f, Event::Bytes(&g.bytes[slice(g.bytes.len())?])),
            NODE_DATA => self.data(f),
            _ => {
                let r = slice(g.children.len())?;
                emit(f, begin(kind))?;
                for c in &g.children[r] {
                    let c = c.to_native();
                    if c >= id {
                        return Err(QueryError::Corrupt("a generic node refers forward").into());
                    }
                    self.node(c, f)?;
                }
                emit(f, Event::End)
            }
        }
    }

    /// A value a query returned (a generic node's whole tree).
    pub fn value<E>(&self, v: Value<'a>, f: &mut Sink<'_, 'a, E>) -> Result<(), WalkError<E>> {
        match v {
            Value::Node(n) => self.node(n.id(), f),
            other => value(other, f),
        }
    }

    /// `data`: spaces, archs, results.
    fn data<E>(&self, f: &mut Sink<'_, 'a, E>) -> Result<(), WalkError<E>> {
        if self.in_data.replace(true) {
            return Err(QueryError::Corrupt("the benchmark's data contains itself").into());
        }
        let r = self.data_entries(f);
        self.in_data.set(false);
        r
    }

    fn data_entries<E>(&self, f: &mut Sink<'_, 'a, E>) -> Result<(), WalkError<E>> {
        let b = self.b;
        emit(f, Event::BeginMap)?;
        for (s, name) in b.space_names.iter().enumerate() {
            emit(f, Event::Str(name.as_str()))?;
            emit(f, Event::BeginMap)?;
            let start = b.space_starts.get(s).map_or(0, |x| x.to_native());
            let end = b.space_starts.get(s + 1).map_or(0, |x| x.to_native());
            for a in start..end {
                emit(f, Event::Str(arch_name(b, a as usize)?))?;
                self.arch(a as usize, f)?;
            }
            emit(f, Event::End)?;
        }
        emit(f, Event::End)
    }

    fn items(&self, layout: u32) -> Result<&'a [rkyv::rend::u32_le], QueryError> {
        let l = &self.b.layout;
        let s = l.item_offsets.get(layout as usize).ok_or(CORRUPT_LAYOUT)?.to_native() as usize;
        let e = l.item_offsets.get(layout as usize + 1).ok_or(CORRUPT_LAYOUT)?.to_native() as usize;
        l.items.get(s..e).ok_or(CORRUPT_LAYOUT)
    }

    fn extra<E>(
        &self,
        next: &mut usize,
        end: usize,
        f: &mut Sink<'_, 'a, E>,
    ) -> Result<(), WalkError<E>> {
        let ex = &self.b.layout.extras;
        if *next >= end {
            return Err(QueryError::Corrupt("a layout has more extras than its entries").into());
        }
        let k = ex.get(2 * *next).ok_or(CORRUPT_LAYOUT)?.to_native();
        let v = ex.get(2 * *next + 1).ok_or(CORRUPT_LAYOUT)?.to_native();
        *next += 1;
        self.node(k, f)?;
        self.node(v, f)
    }

    fn extras_range(offsets: &[rkyv::rend::u32_le], i: usize) -> (usize, usize) {
        match (offsets.get(i), offsets.get(i + 1)) {
            (Some(s), Some(e)) => (s.to_native() as usize, e.to_native() as usize),
            _ => (0, 0),
        }
    }

    /// The id of arch `a`'s dict layout: archs with the same id have the same keys in the same
    /// order, unless their layout has [`ArchEntry::Extra`] entries (whose pairs are per arch).
    pub fn arch_layout(&self, a: usize) -> u32 {
        self.b.layout.arch_layout.get(a).map_or(0, |x| x.to_native())
    }

    /// The entries of arch `a`'s dict in the source's order, without walking their values: what
    /// a reader that builds each value on access needs.
    pub fn arch_entries(&self, a: usize) -> Result<Vec<ArchEntry>, QueryError> {
        let b = self.b;
        let l = &b.layout;
        let (mut next, end) = Self::extras_range(&l.arch_extras, a);
        let items = self.items(self.arch_layout(a))?;
        let mut out = Vec::with_capacity(items.len());
        for it in items {
            let (op, arg) = item::split(it.to_native());
            out.push(match op {
                item::TASK if (arg as usize) < b.tasks.len() => ArchEntry::Task(arg as usize),
                item::EXTRA => {
                    if next >= end {
                        return Err(QueryError::Corrupt(
                            "a layout has more extras than its entries",
                        ));
                    }
                    let pair = (l.extras.get(2 * next), l.extras.get(2 * next + 1));
                    let (Some(key), Some(value)) = pair else { return Err(CORRUPT_LAYOUT) };
                    next += 1;
                    ArchEntry::Extra { key: key.to_native(), value: value.to_native() }
                }
                _ => return Err(CORRUPT_LAYOUT),
            });
        }
        Ok(out)
    }

    /// One arch's dict (arch `a` in file order): `{task: result, ...}` with its extras.
    pub fn arch<E>(&self, a: usize, f: &mut Sink<'_, 'a, E>) -> Result<(), WalkError<E>> {
        // Walking one arch is walking part of the data: the same cycle guard applies.
        if self.in_data.replace(true) {
            return self.arch_dict(a, f);
        }
        let r = self.arch_dict(a, f);
        self.in_data.set(false);
        r
    }

    fn arch_dict<E>(&self, a: usize, f: &mut Sink<'_, 'a, E>) -> Result<(), WalkError<E>> {
        let entries = self.arch_entries(a)?;
        emit(f, Event::BeginMap)?;
        for entry in entries {
            match entry {
                ArchEntry::Task(t) => {
                    let task = self.b.tasks.get(t).ok_or(CORRUPT_LAYOUT)?;
                    emit(f, Event::Str(task.name.as_str()))?;
                    self.result(a, t, f)?;
                }
                ArchEntry::Extra { key, value } => {
                    self.node(key, f)?;
                    self.node(value, f)?;
                }
            }
        }
        emit(f, Event::End)
    }

    /// One result dict (arch `a`, task `t`): `total_epochs`, `model_info`, `metrics` and extras, in the source order.
    pub fn result<E>(
        &self,
        a: usize,
        t: usize,
        f: &mut Sink<'_, 'a, E>,
    ) -> Result<(), WalkError<E>> {
        let b = self.b;
        let l = &b.layout;
        let tc = b.tasks.len();
        let task = b.tasks.get(t).ok_or(CORRUPT_LAYOUT)?;
        let at = a * tc + t;
        let layout = l.result_layout.get(at).ok_or(CORRUPT_LAYOUT)?.to_native();
        let (mut next, end) = Self::extras_range(&l.result_extras, at);
        let (e0, e1) = Self::extras_range(&task.offsets, a);
        emit(f, Event::BeginMap)?;
        // The section (`model_info` or `metrics`) open at this point of the program: a layout
        // from a crafted archive could nest, leave open or misplace sections, which would make
        // the events unbalanced (a dump that is not one JSON value).
        let mut open: Option<u32> = None;
        for it in self.items(layout)? {
            let (op, arg) = item::split(it.to_native());
            let placed = match op {
                item::TOTAL_EPOCHS | item::MODEL_INFO | item::METRICS => open.is_none(),
                item::CLOSE => open.is_some(),
                item::INFO => open == Some(item::MODEL_INFO),
                item::METRIC => open == Some(item::METRICS),
                _ => true,
            };
            if !placed {
                return Err(CORRUPT_LAYOUT.into());
            }
            match op {
                item::TOTAL_EPOCHS => {
                    emit(f, Event::Str("total_epochs"))?;
                    emit(f, Event::Int(e1.saturating_sub(e0) as i64))?;
                }
                item::MODEL_INFO => {
                    open = Some(op);
                    emit(f, Event::Str("model_info"))?;
                    emit(f, Event::BeginMap)?;
                }
                item::METRICS => {
                    open = Some(op);
                    emit(f, Event::Str("metrics"))?;
                    emit(f, Event::BeginMap)?;
                }
                item::CLOSE => {
                    open = None;
                    emit(f, Event::End)?;
                }
                item::INFO => {
                    let name = b.info_names.get(arg as usize).ok_or(CORRUPT_LAYOUT)?;
                    emit(f, Event::Str(name.as_str()))?;
                    let col = task.info.get(arg as usize).ok_or(CORRUPT_LAYOUT)?;
                    self.value(cell(col, b, a)?, f)?;
                }
                item::METRIC => {
                    let name = task.metrics.get(arg as usize).ok_or(CORRUPT_LAYOUT)?;
                    emit(f, Event::Str(name.as_str()))?;
                    let col = task.columns.get(arg as usize).ok_or(CORRUPT_LAYOUT)?;
                    emit(f, Event::BeginSeq(Seq::List))?;
                    for i in e0..e1 {
                        self.value(cell(col, b, i)?, f)?;
                    }
                    emit(f, Event::End)?;
                }
                item::EXTRA => self.extra(&mut next, end, f)?,
                _ => return Err(CORRUPT_LAYOUT.into()),
            }
        }
        if open.is_some() {
            return Err(CORRUPT_LAYOUT.into());
        }
        emit(f, Event::End)
    }
}

impl<'a> Walker<'a> {
    /// An object a query returned.
    pub fn object<E>(&self, o: &Object<'a>, f: &mut Sink<'_, 'a, E>) -> Result<(), WalkError<E>> {
        match o.target() {
            ObjectRef::Node(id) => self.node(id, f),
            ObjectRef::Arch(a) => self.arch(a.index(), f),
            _ => Err(QueryError::Corrupt("an object of a kind this build does not know").into()),
        }
    }

    /// The dict `get_epoch_status` returns: `'epoch'` first (with `epoch` as its value: Python
    /// hands a bool epoch back as it came), then each metric of the task in order.
    pub fn epoch_status<E>(
        &self,
        status: &EpochStatus<'a>,
        epoch: Event<'a>,
        f: &mut Sink<'_, 'a, E>,
    ) -> Result<(), WalkError<E>> {
        emit(f, Event::BeginMap)?;
        emit(f, Event::Str("epoch"))?;
        // Python builds `{**{'epoch': e}, **{m: ... for m in metrics}}`: a metric named 'epoch'
        // overwrites the value but keeps the first position.
        match status.iter().find(|(name, _)| *name == "epoch") {
            Some((_, v)) => self.value(v, f)?,
            None => emit(f, epoch)?,
        }
        for (name, v) in status.iter().filter(|(name, _)| *name != "epoch") {
            emit(f, Event::Str(name))?;
            self.value(v, f)?;
        }
        emit(f, Event::End)
    }
}

/// Walks the whole source object of `store`'s archive, calling `f` for each event in document
/// order (what `tnb dump` of the archive writes, and `tnb verify --source` compares).
pub fn document<'s, B: AsRef<[u8]>, E>(
    store: &'s Store<B>,
    f: &mut Sink<'_, 's, E>,
) -> Result<(), WalkError<E>> {
    Walker::new(store.archive()?).document(f)
}

/// Walks one value a query returned (a nested value's whole tree).
pub fn value<'s, E>(v: Value<'s>, f: &mut Sink<'_, 's, E>) -> Result<(), WalkError<E>> {
    match v {
        Value::Node(n) => Walker::new(n.object().archive()).node(n.id(), f),
        Value::None => emit(f, Event::Null),
        Value::Bool(b) => emit(f, Event::Bool(b)),
        Value::Int(i) => emit(f, Event::Int(i)),
        Value::Float(x) => emit(f, Event::Float(x)),
        Value::Str(s) => emit(f, Event::Str(s)),
    }
}

#[cfg(test)]
mod tests {
    /// Every binary16 pattern widens to the same bits as the source reader's widening, signalling
    /// NaNs included (`fuzz/regressions/convert/f16_signalling_nan` found them apart).
    #[test]
    fn f16_widening_equals_the_source_readers() {
        for h in 0..=u16::MAX {
            let scalar = tnb_pickle::Scalar { dtype: tnb_pickle::Dtype::F16, bits: u64::from(h) };
            let tnb_pickle::Number::Float(want) = scalar.number() else { panic!("{h:#x}") };
            assert_eq!(super::f16_to_f64(h).to_bits(), want.to_bits(), "half {h:#06x}");
        }
    }
}
