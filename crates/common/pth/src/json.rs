//! The loaded object as `json.dumps` would write it: the document's [`events`] through a
//! [`JsonSink`].

use std::fmt;
use std::io::{self, Write};

use tnb_pyjson::{BYTES_NOT_JSON, Event, JsonSink, JsonSinkError, Seq};

use crate::Document;
use crate::events::{Events, events};

/// Why an object could not be written as JSON.
#[derive(Debug)]
#[non_exhaustive]
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

impl std::error::Error for JsonError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JsonError::Io(e) => Some(e),
            JsonError::Value { .. } => None,
        }
    }
}

impl From<io::Error> for JsonError {
    fn from(e: io::Error) -> Self {
        JsonError::Io(e)
    }
}

fn at(ev: &Events<'_, '_>, problem: String) -> JsonError {
    JsonError::Value { path: ev.path(), problem }
}

/// What `json.dumps` refuses in this position, if anything: bytes anywhere, containers as
/// dict keys.
fn refused(e: &Event<'_>, key: bool) -> Option<String> {
    let kind = match e {
        Event::Bytes(_) if !key => return Some(BYTES_NOT_JSON.to_owned()),
        _ if !key => return None,
        Event::Bytes(_) => "bytes",
        Event::BeginMap => "dict",
        Event::BeginSeq(Seq::List) => "list",
        Event::BeginSeq(Seq::Tuple) => "tuple",
        Event::BeginSeq(Seq::Set) => "set",
        Event::BeginSeq(Seq::FrozenSet) => "frozenset",
        _ => return None,
    };
    Some(format!("a dict key of type {kind} (JSON keys must be str, int, float, bool or None)"))
}

/// Finds the first value `json.dumps` would refuse, in document order, without writing.
fn check(doc: &Document<'_>) -> Result<(), JsonError> {
    let mut ev = events(doc);
    while let Some(e) = ev.next() {
        let e = e.map_err(|m| at(&ev, m))?;
        if let Some(problem) = refused(&e, ev.at_key()) {
            return Err(at(&ev, problem));
        }
    }
    Ok(())
}

/// Writes the document's object as one JSON document exactly as Python's
/// `json.dumps(obj)` would after numpy scalars and tensors are turned into Python numbers and
/// lists (`.item()`, `.tolist()`), followed by a newline. Tuples and sets become arrays (sets in
/// the order the pickle stored them). Streams: memory stays constant whatever the size.
///
/// The whole object is checked before the first byte is written, so a value JSON cannot hold
/// (bytes, an int beyond 64 bits, a tuple key) gives an error and no partial output.
pub fn write_json<W: Write>(doc: &Document<'_>, out: W) -> Result<(), JsonError> {
    check(doc)?;
    let mut sink = JsonSink::new(out);
    let mut ev = events(doc);
    while let Some(e) = ev.next() {
        let e = e.map_err(|m| at(&ev, m))?;
        sink.event(e).map_err(|err| match err {
            JsonSinkError::Io(io) => JsonError::Io(io),
            other => at(&ev, other.to_string()),
        })?;
    }
    let mut out = sink.finish().map_err(|e| at(&ev, e.to_string()))?;
    out.write_all(b"\n")?;
    Ok(())
}
