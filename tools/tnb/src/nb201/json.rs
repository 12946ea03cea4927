//! NAS-Bench-201 objects as JSON, one rule for the source and the archive: both walks become
//! [`Event`]s that go through [`KeySink`], so `tnb dump` of a `.pth` and of its archive can only
//! differ where the values differ.
//!
//! `json.dumps` refuses the `(dataset, seed)` tuple keys of `all_results`; `tnb dump` writes such
//! a key as the string Python's `str()` gives it, `"('cifar10', 777)"` (the form a script that
//! turns keys into strings with `{str(k): v ...}` prints), and every other value as
//! `json.dumps` does (see `tnb_pyjson`).

use std::io::Write;

use tnb_pickle::stream::Obj;
use tnb_pyjson::{Event, JsonSink, JsonSinkError, Seq};

/// Deepest tuple key (tuples inside a tuple key) written: far beyond `(str, int)`, and a bound
/// on the text a crafted key can make.
const MAX_KEY_DEPTH: usize = 8;

/// A [`JsonSink`] that writes tuple dict keys as their Python `str()`.
pub struct KeySink<W: Write> {
    sink: JsonSink<W>,
    /// Per open container outside keys: `Some(expecting_key)` for a mapping, `None` otherwise.
    stack: Vec<Option<bool>>,
    /// A tuple key being collected: its text so far, and per open tuple how many items it has.
    key: Option<(String, Vec<usize>)>,
}

impl<W: Write> KeySink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> Self {
        KeySink { sink: JsonSink::new(out), stack: Vec::new(), key: None }
    }

    /// The writer, after checking that the document is complete.
    pub fn finish(self) -> Result<W, JsonSinkError> {
        self.sink.finish()
    }

    /// Consumes one event.
    pub fn event(&mut self, e: Event<'_>) -> Result<(), JsonSinkError> {
        if let Some((text, open)) = &mut self.key {
            return match e {
                Event::End => {
                    let n = open.pop().unwrap_or(0);
                    text.push_str(if n == 1 { ",)" } else { ")" });
                    if open.is_empty() {
                        let (text, _) = self.key.take().unwrap_or_default();
                        self.sink.event(Event::Str(&text))
                    } else {
                        Ok(())
                    }
                }
                e => {
                    if let Some(n) = open.last_mut() {
                        if *n > 0 {
                            text.push_str(", ");
                        }
                        *n += 1;
                    }
                    match e {
                        Event::BeginSeq(Seq::Tuple) if open.len() < MAX_KEY_DEPTH => {
                            text.push('(');
                            open.push(0);
                        }
                        Event::Str(s) => text.push_str(&py_repr_str(s)),
                        Event::Int(i) => text.push_str(&i.to_string()),
                        Event::UInt(u) => text.push_str(&u.to_string()),
                        Event::Float(x) => text.push_str(&py_repr_float(x)),
                        Event::Bool(b) => text.push_str(if b { "True" } else { "False" }),
                        Event::Null => text.push_str("None"),
                        _ => return Err(JsonSinkError::NotJson(tnb_pyjson::KEY_NOT_JSON)),
                    }
                    Ok(())
                }
            };
        }
        let at_key = match self.stack.last_mut() {
            Some(Some(expect_key)) => {
                let k = *expect_key;
                *expect_key = !k;
                k
            }
            _ => false,
        };
        match e {
            Event::BeginSeq(Seq::Tuple) if at_key => {
                self.key = Some((String::from("("), vec![0]));
                return Ok(());
            }
            Event::BeginSeq(_) => self.stack.push(None),
            Event::BeginMap => self.stack.push(Some(true)),
            Event::End => {
                self.stack.pop();
            }
            _ => {}
        }
        self.sink.event(e)
    }
}

/// Python's `repr()` of a str.
fn py_repr_str(s: &str) -> String {
    tnb_api::py_repr_str(s)
}

/// Python's `repr()` of a float.
fn py_repr_float(x: f64) -> String {
    tnb_api::py_repr_float(x)
}

/// Where a walk of a streamed object is: keys and indexes, for error messages.
pub type Path = Vec<String>;

/// The object `o` as events into `emit`. Values JSON cannot hold (bytes, ints beyond 64 bits)
/// are errors naming their object path, `at` being the path of `o`.
pub fn obj_events(
    o: &Obj,
    at: &mut Path,
    emit: &mut dyn FnMut(Event<'_>) -> Result<(), String>,
) -> Result<(), String> {
    match o {
        Obj::None => emit(Event::Null),
        Obj::Bool(b) => emit(Event::Bool(*b)),
        Obj::Int(i) => emit(Event::Int(*i)),
        Obj::Float(x) => emit(Event::Float(*x)),
        Obj::Str(s) => emit(Event::Str(s)),
        Obj::Scalar(s) => emit(match s.number() {
            tnb_pickle::Number::Bool(b) => Event::Bool(b),
            tnb_pickle::Number::Int(i) => Event::Int(i),
            tnb_pickle::Number::UInt(u) => Event::UInt(u),
            tnb_pickle::Number::Float(f) => Event::Float(f),
        }),
        Obj::BigInt(b) => Err(format!("{}: {}", path_text(at), tnb_pth::big_int_problem(b))),
        Obj::Bytes(_) => Err(format!("{}: {}", path_text(at), tnb_pyjson::BYTES_NOT_JSON)),
        Obj::List(items) | Obj::Tuple(items) | Obj::Set(items) | Obj::FrozenSet(items) => {
            let kind = match o {
                Obj::List(_) => Seq::List,
                Obj::Tuple(_) => Seq::Tuple,
                Obj::Set(_) => Seq::Set,
                _ => Seq::FrozenSet,
            };
            emit(Event::BeginSeq(kind))?;
            for (i, item) in items.iter().enumerate() {
                at.push(format!("[{i}]"));
                obj_events(item, at, emit)?;
                at.pop();
            }
            emit(Event::End)
        }
        Obj::Dict { items, .. } => {
            emit(Event::BeginMap)?;
            for (k, v) in items {
                at.push(key_label(k));
                obj_events(k, at, emit)?;
                obj_events(v, at, emit)?;
                at.pop();
            }
            emit(Event::End)
        }
    }
}

/// A dict key as a path element: `[123]` for an int, `['full']` for a str, the tuple's repr.
pub fn key_label(k: &Obj) -> String {
    match k {
        Obj::Str(s) => format!("[{}]", py_repr_str(s)),
        Obj::Int(i) => format!("[{i}]"),
        Obj::Tuple(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| match i {
                    Obj::Str(s) => py_repr_str(s),
                    Obj::Int(i) => i.to_string(),
                    other => format!("<{}>", other.type_name()),
                })
                .collect();
            let comma = if parts.len() == 1 { "," } else { "" };
            format!("[({}{comma})]", parts.join(", "))
        }
        other => format!("[<{}>]", other.type_name()),
    }
}

/// A path as text (`arch2infos[123]['full']...`).
pub fn path_text(at: &Path) -> String {
    if at.is_empty() { "the root".to_owned() } else { at.concat() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(events: &[Event<'_>]) -> Result<String, JsonSinkError> {
        let mut s = KeySink::new(Vec::new());
        for e in events {
            s.event(*e)?;
        }
        Ok(String::from_utf8(s.finish()?).unwrap())
    }

    #[test]
    fn tuple_keys_are_written_as_their_python_str() {
        use Event::*;
        let t = BeginSeq(Seq::Tuple);
        let got = write(&[
            BeginMap,
            t,
            Str("cifar10"),
            Int(777),
            End,
            BeginSeq(Seq::List),
            t,
            Int(1),
            End,
            End,
            t,
            Str("it's"),
            End,
            Null,
            t,
            End,
            Float(1.0),
            End,
        ])
        .unwrap();
        // python3: json.dumps({str(('cifar10', 777)): [[1]], str(("it's",)): None, str(()): 1.0})
        assert_eq!(got, r#"{"('cifar10', 777)": [[1]], "(\"it's\",)": null, "()": 1.0}"#);
    }

    #[test]
    fn containers_other_than_tuples_are_refused_as_keys() {
        use Event::*;
        assert!(write(&[BeginMap, BeginSeq(Seq::List), End, Null, End]).is_err());
        assert!(write(&[BeginMap, BeginSeq(Seq::Tuple), BeginMap, End, End, Null, End]).is_err());
    }
}
