//! Attributes built on first access.

use std::sync::Mutex;

use pyo3::prelude::*;

/// An attribute built on first access and cached; assignable, like the official class's plain
/// attributes (assigning does not change what the methods answer: they read the archive).
pub(super) struct Slot(Mutex<Option<Py<PyAny>>>);

impl Slot {
    pub(super) fn new() -> Self {
        Slot(Mutex::new(None))
    }

    pub(super) fn get(
        &self,
        py: Python<'_>,
        build: impl FnOnce() -> PyResult<Py<PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        if let Some(v) = self.0.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            return Ok(v.clone_ref(py));
        }
        // Built without the lock held: building runs Python code (allocations can trigger the
        // garbage collector), and two threads racing here both build; the first one stored wins.
        let built = build()?;
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        Ok(slot.get_or_insert(built).clone_ref(py))
    }

    pub(super) fn set(&self, value: Py<PyAny>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(value);
    }
}
