//! Turning walk events into `json.dumps` text: the one JSON writer path of every dump.

use std::io::{self, Write};

use crate::Writer;
use crate::event::Event;

/// Why events could not become JSON.
#[derive(Debug)]
#[non_exhaustive]
pub enum JsonSinkError {
    /// Writing failed.
    Io(io::Error),
    /// A value `json.dumps` refuses (bytes, a container as a dict key), or unbalanced events.
    NotJson(&'static str),
}

impl std::fmt::Display for JsonSinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonSinkError::Io(e) => write!(f, "write error: {e}"),
            JsonSinkError::NotJson(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for JsonSinkError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JsonSinkError::Io(e) => Some(e),
            JsonSinkError::NotJson(_) => None,
        }
    }
}

impl From<io::Error> for JsonSinkError {
    fn from(e: io::Error) -> Self {
        JsonSinkError::Io(e)
    }
}

/// The message for bytes, which `json.dumps` refuses.
pub const BYTES_NOT_JSON: &str = "bytes are not JSON serializable (json.dumps refuses them too)";
/// The message for a dict key `json.dumps` refuses.
pub const KEY_NOT_JSON: &str =
    "a dict key that JSON cannot hold (keys must be str, int, float, bool or None)";
const UNBALANCED: &str = "unbalanced structure (a container was not closed as it was opened)";

/// Feeds events to a [`Writer`], placing keys and values of mappings.
///
/// ```
/// use tnb_pyjson::{Event, JsonSink, Seq};
/// let mut sink = JsonSink::new(Vec::new());
/// for e in [Event::BeginMap, Event::Str("a"), Event::BeginSeq(Seq::Tuple), Event::Float(1.0),
///           Event::End, Event::End] {
///     sink.event(e)?;
/// }
/// assert_eq!(sink.finish()?, br#"{"a": [1.0]}"#);
/// # Ok::<(), tnb_pyjson::JsonSinkError>(())
/// ```
pub struct JsonSink<W: Write> {
    w: Writer<W>,
    /// Per open container: `Some(expecting_key)` for a mapping, `None` for a sequence.
    stack: Vec<Option<bool>>,
}

impl<W: Write> JsonSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> Self {
        JsonSink { w: Writer::new(out), stack: Vec::new() }
    }

    /// The writer, whether or not the document is complete.
    pub fn into_inner(self) -> W {
        self.w.into_inner()
    }

    /// How many containers are open.
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// The writer, after checking that every container that was opened was closed: a walk that
    /// ends inside a container (a crafted archive) must not pass for a complete document.
    pub fn finish(self) -> Result<W, JsonSinkError> {
        if self.stack.is_empty() {
            Ok(self.w.into_inner())
        } else {
            Err(JsonSinkError::NotJson(UNBALANCED))
        }
    }

    /// Consumes one event.
    pub fn event(&mut self, e: Event<'_>) -> Result<(), JsonSinkError> {
        let key = match self.stack.last_mut() {
            Some(Some(expect_key)) => {
                let k = *expect_key;
                *expect_key = !k;
                k
            }
            _ => false,
        };
        if key {
            return match e {
                Event::Str(s) => Ok(self.w.key_str(s)?),
                Event::Int(i) => Ok(self.w.key_int(i)?),
                Event::UInt(u) => Ok(self.w.key_uint(u)?),
                Event::Float(f) => Ok(self.w.key_float(f)?),
                Event::Bool(b) => Ok(self.w.key_bool(b)?),
                Event::Null => Ok(self.w.key_null()?),
                Event::End => {
                    self.stack.pop();
                    Ok(self.w.end_object()?)
                }
                _ => Err(JsonSinkError::NotJson(KEY_NOT_JSON)),
            };
        }
        match e {
            Event::Null => self.w.null()?,
            Event::Bool(b) => self.w.bool(b)?,
            Event::Int(i) => self.w.int(i)?,
            Event::UInt(u) => self.w.uint(u)?,
            Event::Float(f) => self.w.float(f)?,
            Event::Str(s) => self.w.str(s)?,
            Event::Bytes(_) => return Err(JsonSinkError::NotJson(BYTES_NOT_JSON)),
            Event::BeginSeq(_) => {
                self.stack.push(None);
                self.w.begin_array()?;
            }
            Event::BeginMap => {
                self.stack.push(Some(true));
                self.w.begin_object()?;
            }
            Event::End => match self.stack.pop() {
                Some(None) => self.w.end_array()?,
                // A mapping closed where a value was due: the walk was unbalanced.
                Some(Some(_)) | None => return Err(JsonSinkError::NotJson(UNBALANCED)),
            },
        }
        Ok(())
    }
}
