//! The loaded object as `json.dumps` would write it.

use std::fmt;
use std::io::{self, Write};

use tnb_pickle::{Arena, Kind, Number, Ref, Value, big_int_text};
use tnb_pyjson::Writer;

use crate::Document;

/// Why an object could not be written as JSON.
#[derive(Debug)]
pub enum JsonError {
    /// Writing failed.
    Io(io::Error),
    /// A value JSON cannot express (as `json.dumps` would refuse it too), with its object path.
    Value {
        /// Where: dict keys joined by `/`, list indexes in brackets.
        path: String,
        /// What is wrong.
        problem: String,
    },
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::Io(e) => write!(f, "write error: {e}"),
            JsonError::Value { path, problem } => {
                let at = if path.is_empty() { "the root" } else { path };
                write!(f, "cannot write {at} as JSON: {problem}")
            }
        }
    }
}

impl std::error::Error for JsonError {}

impl From<io::Error> for JsonError {
    fn from(e: io::Error) -> Self {
        JsonError::Io(e)
    }
}

/// A failure deep in the tree collects its path on the way up, so the success path never pays
/// for building path strings.
struct Fail {
    rev_path: Vec<String>,
    problem: String,
    io: Option<io::Error>,
}

impl From<io::Error> for Fail {
    fn from(e: io::Error) -> Self {
        Fail { rev_path: Vec::new(), problem: String::new(), io: Some(e) }
    }
}

fn key_label(arena: &Arena<'_>, k: Ref) -> String {
    match arena.get(k) {
        Value::Str(s) => s.to_owned(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        other => format!("<{}>", other.type_name()),
    }
}

/// Writes the document's object as one JSON document exactly as Python's
/// `json.dumps(obj)` would after numpy scalars and tensors are turned into Python numbers and
/// lists (`.item()`, `.tolist()`), followed by a newline. Tuples and sets become arrays (sets in
/// the order the pickle stored them). Streams: memory stays constant whatever the size.
///
/// The whole object is checked before the first byte is written, so a value JSON cannot hold
/// (bytes, an int beyond 64 bits, a tuple key) gives an error and no partial output.
pub fn write_json<W: Write>(doc: &Document<'_>, out: W) -> Result<(), JsonError> {
    with_path(check(doc, &doc.pickle.arena, doc.pickle.root))?;
    let mut w = Writer::new(out);
    write_value(doc, doc.pickle.root, &mut w)?;
    w.get_mut().write_all(b"\n")?;
    Ok(())
}

/// Writes one value of the document (see [`write_json`]) to a JSON writer.
pub fn write_value<W: Write>(
    doc: &Document<'_>,
    r: Ref,
    w: &mut Writer<W>,
) -> Result<(), JsonError> {
    with_path(value(doc, &doc.pickle.arena, r, w))
}

fn with_path(r: Result<(), Fail>) -> Result<(), JsonError> {
    r.map_err(|f| match f.io {
        Some(e) => JsonError::Io(e),
        None => {
            let mut path = String::new();
            for seg in f.rev_path.iter().rev() {
                if !seg.starts_with('[') && !path.is_empty() {
                    path.push('/');
                }
                path.push_str(seg);
            }
            JsonError::Value { path, problem: f.problem }
        }
    })
}

/// The message for an int beyond 64 bits, wherever it is met.
pub fn big_int_problem(le: &[u8]) -> String {
    match big_int_text(le) {
        Some(t) => format!("integer {t} does not fit in 64 bits (tnb supports the i64 range)"),
        None => format!("an integer of {} bytes does not fit in 64 bits", le.len()),
    }
}

fn not_json(problem: String) -> Fail {
    Fail { rev_path: Vec::new(), problem, io: None }
}

fn in_key<'s>(a: &'s Arena<'_>, k: Ref) -> impl FnOnce(Fail) -> Fail + 's {
    move |mut f| {
        f.rev_path.push(key_label(a, k));
        f
    }
}

fn at_index(i: usize) -> impl FnOnce(Fail) -> Fail {
    move |mut f| {
        f.rev_path.push(format!("[{i}]"));
        f
    }
}

/// The same walk as [`value`] without output: finds what `json.dumps` would refuse.
fn check(doc: &Document<'_>, a: &Arena<'_>, r: Ref) -> Result<(), Fail> {
    match a.get(r) {
        Value::None
        | Value::Bool(_)
        | Value::Int(_)
        | Value::Float(_)
        | Value::Scalar(_)
        | Value::Str(_) => Ok(()),
        Value::Container(Kind::Dict, kv) => {
            for (k, v) in kv.pairs() {
                key_ok(a, k).map_err(in_key(a, k))?;
                check(doc, a, v).map_err(in_key(a, k))?;
            }
            Ok(())
        }
        Value::Container(_, items) => {
            for (i, x) in items.iter().enumerate() {
                check(doc, a, x).map_err(at_index(i))?;
            }
            Ok(())
        }
        other => Err(not_json(leaf_problem(doc, other))),
    }
}

/// Why a leaf value cannot be JSON.
fn leaf_problem(doc: &Document<'_>, v: Value<'_>) -> String {
    match v {
        Value::BigInt(b) => big_int_problem(b),
        Value::Bytes(_) => "bytes are not JSON serializable (json.dumps refuses them too)".into(),
        Value::Global(c) => format!("'{}' is a class or function, not data", doc.class_name(c)),
        Value::Object { class, .. } => format!("a '{}' object is not data", doc.class_name(class)),
        other => format!("a {} cannot be written as JSON", other.type_name()),
    }
}

fn key_ok(a: &Arena<'_>, k: Ref) -> Result<(), Fail> {
    match a.get(k) {
        Value::Str(_)
        | Value::Int(_)
        | Value::Float(_)
        | Value::Bool(_)
        | Value::None
        | Value::Scalar(_) => Ok(()),
        other => Err(not_json(key_problem(other))),
    }
}

fn key_problem(v: Value<'_>) -> String {
    format!(
        "a dict key of type {} (JSON keys must be str, int, float, bool or None)",
        v.type_name()
    )
}

fn value<W: Write>(
    doc: &Document<'_>,
    a: &Arena<'_>,
    r: Ref,
    w: &mut Writer<W>,
) -> Result<(), Fail> {
    match a.get(r) {
        Value::None => w.null()?,
        Value::Bool(b) => w.bool(b)?,
        Value::Int(i) => w.int(i)?,
        Value::Float(f) => w.float(f)?,
        Value::Scalar(s) => match s.number() {
            Number::Bool(b) => w.bool(b)?,
            Number::Int(i) => w.int(i)?,
            Number::UInt(u) => w.uint(u)?,
            Number::Float(f) => w.float(f)?,
        },
        Value::Str(s) => w.str(s)?,
        Value::Container(Kind::Dict, kv) => {
            w.begin_object()?;
            for (k, v) in kv.pairs() {
                key(a, k, w).map_err(in_key(a, k))?;
                value(doc, a, v, w).map_err(in_key(a, k))?;
            }
            w.end_object()?;
        }
        Value::Container(_, items) => {
            w.begin_array()?;
            for (i, x) in items.iter().enumerate() {
                value(doc, a, x, w).map_err(at_index(i))?;
            }
            w.end_array()?;
        }
        other => return Err(not_json(leaf_problem(doc, other))),
    }
    Ok(())
}

/// `json.dumps` accepts str, int, float, bool and None keys, turning the non-strings into text.
fn key<W: Write>(a: &Arena<'_>, k: Ref, w: &mut Writer<W>) -> Result<(), Fail> {
    match a.get(k) {
        Value::Str(s) => w.key_str(s)?,
        Value::Int(i) => w.key_int(i)?,
        Value::Float(f) => w.key_float(f)?,
        Value::Bool(b) => w.key_bool(b)?,
        Value::None => w.key_null()?,
        Value::Scalar(s) => match s.number() {
            Number::Bool(b) => w.key_bool(b)?,
            Number::Int(i) => w.key_int(i)?,
            Number::UInt(u) => w.key_uint(u)?,
            Number::Float(f) => w.key_float(f)?,
        },
        other => return Err(not_json(key_problem(other))),
    }
    Ok(())
}
