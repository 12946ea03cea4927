//! A call's answer, from `tnb_api` events to one Python object.
//!
//! Two promises beyond assembling containers:
//! - an object the archive stores once and references several times (the source's shared
//!   objects) is built once and referenced again, as unpickling does (`d[0] is d[1]` under
//!   `torch.load`): the walk asks [`Builder::known`] before each generic node (see
//!   `tnb_api::Walker::sharing`). Without it a small archive whose source shares one list many
//!   times builds a copy per reference (gigabytes from kilobytes);
//! - anything no real source can hold (a dict key or set element that Python cannot hash, two
//!   keys of a stored dict that Python merges, an unbalanced walk) is a corrupted archive and
//!   raises `tnb.FormatError`, never the `TypeError` Python's own `dict`/`set` would raise.

use std::collections::HashMap;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyBytes, PyDict, PyFloat, PyFrozenSet, PyList, PySet, PyString, PyTuple,
};
use tnb_api::{Event, Seq};

use super::FormatError;

/// Objects built from the archive's generic nodes, by node id: what lets a shared object be
/// built once. Kept for containers, `str` and `bytes` (numbers are small, and two equal numbers
/// that the source held as distinct objects must stay distinct: two NaN keys are two keys).
pub(super) type Memo = HashMap<u32, Py<PyAny>>;

/// A container being built, with the generic node it stands for (if it is one).
enum Frame<'py> {
    Seq(Seq, Vec<Bound<'py, PyAny>>, Option<u32>),
    Map(Bound<'py, PyDict>, Option<Bound<'py, PyAny>>, usize, Option<u32>),
}

/// Builds one Python object from a call's events: containers on a stack, scalars straight into
/// their parent (or as the result).
pub(super) struct Builder<'py> {
    py: Python<'py>,
    stack: Vec<Frame<'py>>,
    result: Option<Bound<'py, PyAny>>,
    memo: Memo,
    /// The generic node whose walk the next event begins (set by [`Builder::known`]).
    pending: Option<u32>,
    /// A failure inside [`Builder::known`], which cannot return one: raised by the next event
    /// or by [`Builder::finish`].
    failed: Option<PyErr>,
    /// Whether the answer is an object the archive stores (every dict's keys distinct, as in
    /// any object unpickled), rather than one a method computes (`get_epoch_status` builds
    /// `{**{'epoch': e}, **{m: ... for m in metrics}}`, where a repeated metric name merges).
    stored: bool,
}

/// The `FormatError` for a `TypeError` raised while hashing what the archive holds; other
/// errors (`MemoryError`) pass unchanged.
fn unhashable(py: Python<'_>, e: PyErr, what: &str) -> PyErr {
    if e.is_instance_of::<PyTypeError>(py) {
        FormatError::new_err(format!(
            "corrupted archive: {what} that Python cannot hash ({})",
            e.value(py)
        ))
    } else {
        e
    }
}

impl<'py> Builder<'py> {
    /// A builder for a stored object (see `stored`).
    pub(super) fn new(py: Python<'py>) -> Self {
        Self::with_memo(py, Memo::new())
    }

    /// A builder for a stored object that reuses the objects already built in `memo` (the
    /// other parts of one lazily built value).
    pub(super) fn with_memo(py: Python<'py>, memo: Memo) -> Self {
        Builder {
            py,
            stack: Vec::new(),
            result: None,
            memo,
            pending: None,
            failed: None,
            stored: true,
        }
    }

    /// A builder for a value a method computes: Python's merging of repeated keys applies.
    pub(super) fn computed(py: Python<'py>) -> Self {
        Builder { stored: false, ..Self::new(py) }
    }

    /// `tnb_api::Walker::sharing`'s question: whether node `id` was built already (then it is
    /// placed again and the walk skips the node).
    pub(super) fn known(&mut self, id: u32) -> bool {
        if self.failed.is_some() {
            return true;
        }
        let Some(obj) = self.memo.get(&id) else {
            self.pending = Some(id);
            return false;
        };
        let obj = obj.bind(self.py).clone();
        if let Err(e) = self.put(obj) {
            self.failed = Some(e);
        }
        true
    }

    fn remember(&mut self, node: Option<u32>, obj: &Bound<'py, PyAny>) {
        if let Some(id) = node {
            self.memo.insert(id, obj.clone().unbind());
        }
    }

    pub(super) fn event(&mut self, e: Event<'_>) -> PyResult<()> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        let py = self.py;
        let node = self.pending.take();
        let obj = match e {
            Event::Null => py.None().into_bound(py),
            Event::Bool(b) => PyBool::new(py, b).to_owned().into_any(),
            Event::Int(i) => i.into_pyobject(py)?.into_any(),
            Event::UInt(u) => u.into_pyobject(py)?.into_any(),
            Event::Float(f) => PyFloat::new(py, f).into_any(),
            Event::Str(s) => {
                let s = PyString::new(py, s).into_any();
                self.remember(node, &s);
                s
            }
            Event::Bytes(b) => {
                let b = PyBytes::new(py, b).into_any();
                self.remember(node, &b);
                b
            }
            Event::BeginSeq(kind) => {
                self.stack.push(Frame::Seq(kind, Vec::new(), node));
                return Ok(());
            }
            Event::BeginMap => {
                self.stack.push(Frame::Map(PyDict::new(py), None, 0, node));
                return Ok(());
            }
            Event::End => {
                let (obj, node) = self.close()?;
                self.remember(node, &obj);
                obj
            }
        };
        self.put(obj)
    }

    /// The container on top of the stack, finished.
    fn close(&mut self) -> PyResult<(Bound<'py, PyAny>, Option<u32>)> {
        let py = self.py;
        Ok(match self.stack.pop() {
            Some(Frame::Seq(kind, items, node)) => {
                let n = items.len();
                let (obj, len) = match kind {
                    Seq::List => return Ok((PyList::new(py, items)?.into_any(), node)),
                    Seq::Tuple => return Ok((PyTuple::new(py, items)?.into_any(), node)),
                    Seq::Set => {
                        let s = PySet::new(py, items)
                            .map_err(|e| unhashable(py, e, "a set element"))?;
                        let len = s.len();
                        (s.into_any(), len)
                    }
                    Seq::FrozenSet => {
                        let s = PyFrozenSet::new(py, items)
                            .map_err(|e| unhashable(py, e, "a frozenset element"))?;
                        let len = s.len();
                        (s.into_any(), len)
                    }
                };
                if len != n {
                    return Err(FormatError::new_err(format!(
                        "corrupted archive: a set holds {n} elements of which only {len} are \
                         distinct (unpickling merges equal elements)"
                    )));
                }
                (obj, node)
            }
            Some(Frame::Map(d, key, pairs, node)) => {
                if key.is_some() {
                    return Err(FormatError::new_err("corrupted archive: a dict key has no value"));
                }
                if self.stored && d.len() != pairs {
                    return Err(FormatError::new_err(format!(
                        "corrupted archive: a dict holds {pairs} keys of which only {} are \
                         distinct (unpickling merges equal keys)",
                        d.len()
                    )));
                }
                (d.into_any(), node)
            }
            None => return Err(FormatError::new_err("unbalanced answer from the archive")),
        })
    }

    pub(super) fn put(&mut self, obj: Bound<'py, PyAny>) -> PyResult<()> {
        let py = self.py;
        match self.stack.last_mut() {
            None if self.result.is_none() => self.result = Some(obj),
            None => return Err(FormatError::new_err("more than one answer from the archive")),
            Some(Frame::Seq(_, items, _)) => items.push(obj),
            Some(Frame::Map(d, key, pairs, _)) => match key.take() {
                None => *key = Some(obj),
                Some(k) => {
                    d.set_item(k, obj).map_err(|e| unhashable(py, e, "a dict key"))?;
                    *pairs += 1;
                }
            },
        }
        Ok(())
    }

    /// The object built, and what was built per generic node (for the next part of a lazily
    /// built value).
    pub(super) fn finish_with_memo(mut self) -> PyResult<(Bound<'py, PyAny>, Memo)> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        match (self.stack.is_empty(), self.result) {
            (true, Some(r)) => Ok((r, self.memo)),
            _ => Err(FormatError::new_err("incomplete answer from the archive")),
        }
    }

    pub(super) fn finish(self) -> PyResult<Bound<'py, PyAny>> {
        self.finish_with_memo().map(|(r, _)| r)
    }
}

/// What [`walk_shared`] builds.
#[derive(Clone, Copy)]
pub(super) enum Part {
    /// The whole source object (`database`).
    Document,
    /// A generic node (`metrics_dict`, an extra entry's key or value...).
    Node(u32),
    /// The keys of the result dict of arch `.0` (file order) on task `.1` (archive order), as
    /// a list, its values skipped.
    ResultKeys(usize, usize),
    /// The value of entry `.2` of that result dict, the others skipped.
    ResultValue(usize, usize, usize),
}

/// Which items of a result dict's walk reach the builder: its keys, or one entry's value.
/// Skipping costs the walk only (no Python object is made for what is skipped), which is what
/// lets a task's results be built entry by entry.
#[derive(Clone, Copy)]
enum Pick {
    Everything,
    Keys,
    Value(usize),
}

/// A [`Builder`] behind a [`Pick`]: tracks the walk's depth and which item of the outermost
/// dict (key, value, key...) is being walked.
struct Picker<'py> {
    builder: Builder<'py>,
    pick: Pick,
    depth: u32,
    item: usize,
}

impl<'py> Picker<'py> {
    /// Whether the current item of the outermost dict (and all inside it) is wanted.
    fn wanted(&self) -> bool {
        match self.pick {
            Pick::Everything => true,
            Pick::Keys => self.item % 2 == 0,
            Pick::Value(k) => self.item == 2 * k + 1,
        }
    }

    fn known(&mut self, id: u32) -> bool {
        if matches!(self.pick, Pick::Everything) {
            return self.builder.known(id);
        }
        // A node the builder already holds emits nothing: at the outermost level, that is a
        // whole item.
        if self.depth >= 1 && self.wanted() && self.builder.known(id) {
            if self.depth == 1 {
                self.item += 1;
            }
            return true;
        }
        false
    }

    fn event(&mut self, e: Event<'_>) -> PyResult<()> {
        if matches!(self.pick, Pick::Everything) {
            return self.builder.event(e);
        }
        // Inside an item, or an item's first event (the outermost dict's own end is not one).
        let forward =
            self.wanted() && (self.depth >= 2 || (self.depth == 1 && !matches!(e, Event::End)));
        match e {
            Event::BeginSeq(_) | Event::BeginMap => self.depth += 1,
            Event::End => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        // A scalar at the outermost level, or the end of a container there, ends an item.
        if self.depth == 1 && !matches!(e, Event::BeginSeq(_) | Event::BeginMap) {
            self.item += 1;
        }
        if forward { self.builder.event(e) } else { Ok(()) }
    }
}

/// Builds `part` of `store`'s archive as a stored object, each shared object once (reusing
/// those in `memo`, built for other parts of the same value); the object and the memo grown.
pub(super) fn walk_shared<'py>(
    py: Python<'py>,
    store: &crate::open::Archive,
    memo: Memo,
    part: Part,
) -> PyResult<(Bound<'py, PyAny>, Memo)> {
    let b = store.archive().map_err(|e| FormatError::new_err(e.to_string()))?;
    let pick = match part {
        Part::ResultKeys(..) => Pick::Keys,
        Part::ResultValue(_, _, k) => Pick::Value(k),
        _ => Pick::Everything,
    };
    let mut builder = Builder::with_memo(py, memo);
    if let Pick::Keys = pick {
        builder.event(Event::BeginSeq(Seq::List))?;
    }
    let picker = std::cell::RefCell::new(Picker { builder, pick, depth: 0, item: 0 });
    let known = |id: u32| picker.borrow_mut().known(id);
    let walker = tnb_api::Walker::new(b).sharing(&known);
    let sink = &mut |e: Event<'_>| picker.borrow_mut().event(e);
    let walked = match part {
        Part::Document => walker.document(sink),
        Part::Node(id) => walker.node(id, sink),
        Part::ResultKeys(a, t) | Part::ResultValue(a, t, _) => walker.result(a, t, sink),
    };
    walked.map_err(|e| match e {
        tnb_api::WalkError::Sink(e) => e,
        tnb_api::WalkError::Query(q) => FormatError::new_err(q.to_string()),
        _ => FormatError::new_err("the archive walk failed"),
    })?;
    let mut builder = picker.into_inner().builder;
    if let Pick::Keys = pick {
        builder.event(Event::End)?;
    }
    builder.finish_with_memo()
}
