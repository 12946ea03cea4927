//! A call's answer, from `tnb_api` events to one Python object.

use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyBytes, PyDict, PyFloat, PyFrozenSet, PyList, PySet, PyString, PyTuple,
};
use tnb_api::{Event, Seq};

use super::FormatError;

/// A container being built.
pub(super) enum Frame<'py> {
    Seq(Seq, Vec<Bound<'py, PyAny>>),
    Map(Bound<'py, PyDict>, Option<Bound<'py, PyAny>>),
}

/// Builds one Python object from a call's events: containers on a stack, scalars straight into
/// their parent (or as the result).
pub(super) struct Builder<'py> {
    py: Python<'py>,
    stack: Vec<Frame<'py>>,
    result: Option<Bound<'py, PyAny>>,
}

impl<'py> Builder<'py> {
    pub(super) fn new(py: Python<'py>) -> Self {
        Builder { py, stack: Vec::new(), result: None }
    }

    pub(super) fn event(&mut self, e: Event<'_>) -> PyResult<()> {
        let py = self.py;
        let obj = match e {
            Event::Null => py.None().into_bound(py),
            Event::Bool(b) => PyBool::new(py, b).to_owned().into_any(),
            Event::Int(i) => i.into_pyobject(py)?.into_any(),
            Event::UInt(u) => u.into_pyobject(py)?.into_any(),
            Event::Float(f) => PyFloat::new(py, f).into_any(),
            Event::Str(s) => PyString::new(py, s).into_any(),
            Event::Bytes(b) => PyBytes::new(py, b).into_any(),
            Event::BeginSeq(kind) => {
                self.stack.push(Frame::Seq(kind, Vec::new()));
                return Ok(());
            }
            Event::BeginMap => {
                self.stack.push(Frame::Map(PyDict::new(py), None));
                return Ok(());
            }
            Event::End => match self.stack.pop() {
                Some(Frame::Seq(kind, items)) => match kind {
                    Seq::List => PyList::new(py, items)?.into_any(),
                    Seq::Tuple => PyTuple::new(py, items)?.into_any(),
                    Seq::Set => PySet::new(py, items)?.into_any(),
                    Seq::FrozenSet => PyFrozenSet::new(py, items)?.into_any(),
                },
                Some(Frame::Map(d, _)) => d.into_any(),
                None => return Err(FormatError::new_err("unbalanced answer from the archive")),
            },
        };
        self.put(obj)
    }

    pub(super) fn put(&mut self, obj: Bound<'py, PyAny>) -> PyResult<()> {
        match self.stack.last_mut() {
            None => self.result = Some(obj),
            Some(Frame::Seq(_, items)) => items.push(obj),
            Some(Frame::Map(d, key)) => match key.take() {
                None => *key = Some(obj),
                Some(k) => d.set_item(k, obj)?,
            },
        }
        Ok(())
    }

    pub(super) fn finish(self) -> PyResult<Bound<'py, PyAny>> {
        match (self.stack.is_empty(), self.result) {
            (true, Some(r)) => Ok(r),
            _ => Err(FormatError::new_err("incomplete answer from the archive")),
        }
    }
}
