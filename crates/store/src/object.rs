//! Objects of the source file that the Python API hands back as they are (`task_list`,
//! `metrics_dict`, `info_names`, an arch's result dict, a nested value): views that can be
//! walked or written as `json.dumps` would write them, without building them in memory.

use std::io::Write;

use tnb_schema::ArchivedBenchmark;

use crate::json::{JsonSink, JsonSinkError};
use crate::walk::{Event, WalkError, Walker};

/// A view of one object of the source file, borrowed from the archive. Walking it gives the
/// same events as walking that object in the source; [`Object::write_json`] gives the text
/// Python's `json.dumps` gives for it.
#[derive(Clone, Copy)]
pub struct Object<'a> {
    b: &'a ArchivedBenchmark,
    what: What,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum What {
    /// A generic node.
    Node(u32),
    /// Arch `a`'s dict `{task: result, ...}` (with extra entries).
    Arch(u32),
}

impl std::fmt::Debug for Object<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Object({:?})", self.what)
    }
}

impl<'a> Object<'a> {
    pub(crate) fn node(b: &'a ArchivedBenchmark, id: u32) -> Self {
        Object { b, what: What::Node(id) }
    }

    pub(crate) fn arch(b: &'a ArchivedBenchmark, a: u32) -> Self {
        Object { b, what: What::Arch(a) }
    }

    /// Calls `f` for each event of the object, in document order.
    pub fn walk<E>(
        &self,
        f: &mut dyn FnMut(Event<'a>) -> Result<(), E>,
    ) -> Result<(), WalkError<E>> {
        let w = Walker::new(self.b);
        match self.what {
            What::Node(id) => w.node(id, f),
            What::Arch(a) => w.arch(a as usize, f),
        }
    }

    /// Writes the object as `json.dumps` would (no trailing newline).
    pub fn write_json<W: Write>(&self, out: W) -> Result<W, WalkError<JsonSinkError>> {
        let mut sink = JsonSink::new(out);
        self.walk(&mut |e| sink.event(e))?;
        Ok(sink.into_inner())
    }

    /// The object as `json.dumps` text.
    pub fn to_json(&self) -> Result<String, WalkError<JsonSinkError>> {
        let v = self.write_json(Vec::new())?;
        // The writer emits ASCII only (`ensure_ascii`), so this never fails.
        String::from_utf8(v).map_err(|_| WalkError::Sink(JsonSinkError::NotJson("non-UTF-8")))
    }
}
