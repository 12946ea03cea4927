//! The loaded object as a stream of [`Event`]s: the one walk behind `tnb dump` of a `.pth`
//! (through [`tnb_pyjson::JsonSink`]) and `tnb verify --source` (compared with the archive's
//! walk event by event).
//!
//! The walk is a pull iterator with an explicit stack, so a caller can stop at the first
//! difference and ask where it is ([`Events::path`]) without the success path ever building a
//! path string.

use tnb_pickle::{Arena, Children, Kind, Number, Ref, Value};
use tnb_pyjson::{Event, Seq};

use crate::Document;

/// One open container: its children, the next one to visit, and whether it is a dict (whose
/// children alternate key, value).
#[derive(Clone, Copy)]
struct Frame<'d> {
    items: Children<'d>,
    next: usize,
    map: bool,
}

/// The events of a document's object in document order (see the module docs). An item is
/// `Err` for a value that is not data (a class, an object of an allowlisted class that is not a
/// value, an int beyond 64 bits): its message says what it is, [`Events::path`] where.
pub struct Events<'d, 'a> {
    doc: &'d Document<'a>,
    stack: Vec<Frame<'d>>,
    pending: Option<Ref>,
    /// Whether the event last returned sits in a dict's key position.
    key: bool,
}

/// The walk of `doc`'s whole object.
pub fn events<'d, 'a>(doc: &'d Document<'a>) -> Events<'d, 'a> {
    events_of(doc, doc.pickle.root)
}

/// The walk of one value of `doc`.
pub fn events_of<'d, 'a>(doc: &'d Document<'a>, root: Ref) -> Events<'d, 'a> {
    Events { doc, stack: Vec::new(), pending: Some(root), key: false }
}

/// A dict key as a path segment: str keys as they are, numbers and constants as Python prints
/// them, anything else as `<type>`.
pub fn key_label(arena: &Arena<'_>, k: Ref) -> String {
    match arena.get(k) {
        Value::Str(s) => s.to_owned(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Bool(b) => if b { "True" } else { "False" }.to_owned(),
        Value::None => "None".to_owned(),
        other => format!("<{}>", other.type_name()),
    }
}

/// The message for an int beyond 64 bits, wherever it is met.
pub fn big_int_problem(le: &[u8]) -> String {
    match tnb_pickle::big_int_text(le) {
        Some(t) => format!("integer {t} does not fit in 64 bits (tnb supports the i64 range)"),
        None => format!("an integer of {} bytes does not fit in 64 bits", le.len()),
    }
}

fn seq(k: Kind) -> Seq {
    match k {
        Kind::Tuple => Seq::Tuple,
        Kind::Set => Seq::Set,
        Kind::FrozenSet => Seq::FrozenSet,
        Kind::List | Kind::Dict | Kind::Tensor(_) => Seq::List,
    }
}

impl<'d> Events<'d, '_> {
    /// Whether the event last returned is a dict key.
    pub fn at_key(&self) -> bool {
        self.key
    }

    /// How many containers are open.
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// Where the walk is, as an object path: dict keys joined by `/`, sequence positions in
    /// brackets (`data/micro/64-41414-0_00_000/jigsaw/metrics/valid_top1[3]`).
    pub fn path(&self) -> String {
        let mut p = String::new();
        for f in &self.stack {
            let i = f.next.saturating_sub(1);
            if f.map {
                let k = f.items.get(i & !1);
                let k = k.map(|k| key_label(&self.doc.pickle.arena, k)).unwrap_or_default();
                if !p.is_empty() {
                    p.push('/');
                }
                p.push_str(&k);
            } else {
                p.push_str(&format!("[{i}]"));
            }
        }
        p
    }

    fn not_data(&self, v: Value<'_>) -> String {
        match v {
            Value::BigInt(b) => big_int_problem(b),
            Value::Global(c) => {
                format!("'{}' is a class or function, not data", self.doc.class_name(c))
            }
            Value::Object { class, .. } => {
                format!("a '{}' object is not data", self.doc.class_name(class))
            }
            other => format!("a {} is not data", other.type_name()),
        }
    }
}

impl<'d> Iterator for Events<'d, '_> {
    type Item = Result<Event<'d>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        let r = match self.pending.take() {
            Some(r) => {
                self.key = false;
                r
            }
            None => {
                let top = self.stack.last_mut()?;
                match top.items.get(top.next) {
                    Some(r) => {
                        self.key = top.map && top.next % 2 == 0;
                        top.next += 1;
                        r
                    }
                    None => {
                        self.stack.pop();
                        self.key = false;
                        return Some(Ok(Event::End));
                    }
                }
            }
        };
        let arena: &'d Arena<'_> = &self.doc.pickle.arena;
        Some(Ok(match arena.get(r) {
            Value::None => Event::Null,
            Value::Bool(b) => Event::Bool(b),
            Value::Int(i) => Event::Int(i),
            Value::Float(f) => Event::Float(f),
            Value::Scalar(s) => match s.number() {
                Number::Bool(b) => Event::Bool(b),
                Number::Int(i) => Event::Int(i),
                Number::UInt(u) => Event::UInt(u),
                Number::Float(f) => Event::Float(f),
            },
            Value::Str(s) => Event::Str(s),
            Value::Bytes(b) => Event::Bytes(b),
            Value::Container(k, items) => {
                self.stack.push(Frame { items, next: 0, map: k == Kind::Dict });
                if k == Kind::Dict { Event::BeginMap } else { Event::BeginSeq(seq(k)) }
            }
            other => return Some(Err(self.not_data(other))),
        }))
    }
}
