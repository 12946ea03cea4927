//! Archives and query answers as the text `json.dumps` prints: walks through the one
//! [`JsonSink`].

use std::io::Write;

use tnb_pyjson::{JsonSink, JsonSinkError};
use tnb_store::{Object, Store};

use crate::walk::{WalkError, Walker, document};

/// Writes the archive's whole source object as `json.dumps` would (the same text as `tnb dump`
/// of the source `.pth`), followed by a newline.
pub fn write_json<B: AsRef<[u8]>, W: Write>(
    store: &Store<B>,
    out: W,
) -> Result<W, WalkError<JsonSinkError>> {
    let mut sink = JsonSink::new(out);
    document(store, &mut |e| sink.event(e))?;
    let mut out = sink.finish().map_err(WalkError::Sink)?;
    out.write_all(b"\n").map_err(|e| WalkError::Sink(JsonSinkError::Io(e)))?;
    Ok(out)
}

/// One object a query returned, as `json.dumps` text (no trailing newline).
pub fn object_json(o: &Object<'_>) -> Result<String, WalkError<JsonSinkError>> {
    let mut sink = JsonSink::new(Vec::new());
    Walker::new(o.archive()).object(o, &mut |e| sink.event(e))?;
    let v = sink.finish().map_err(WalkError::Sink)?;
    // The writer emits ASCII only (`ensure_ascii`), so this never fails.
    String::from_utf8(v).map_err(|_| WalkError::Sink(JsonSinkError::NotJson("non-UTF-8 output")))
}
