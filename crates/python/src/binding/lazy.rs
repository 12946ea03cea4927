//! `get_arch_result`'s value built on access: NASLib calls it once per optimizer step (its
//! `Metric.RAW` query reads one task of it, often nothing), and building every task's lists on
//! each call took 70-170 µs against the official class's 0.2 µs dict lookup.
//!
//! The `ArchResult`'s `all_results` is a `tnb._LazyResults` (`python/tnb/__init__.py`), a `dict`
//! subclass holding every key from the start, each value a [`Pending`] placeholder until it is
//! first read, then built here ([`ArchSource::build`]) and stored in place. Keys and
//! placeholders depend only on the arch's dict layout, so they are built once per layout and
//! copied into each new dict (a C-level dict merge).

use std::collections::HashMap;
use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};
use tnb_api::{ArchEntry, Walker};

use super::FormatError;
use super::build::{Memo, Part, walk_shared};
use super::class::{Api, arch_result_class};

/// A value of a `tnb._LazyResults` not built yet: what it is built from.
#[pyclass(module = "tnb._tnb", name = "_Pending", frozen)]
pub(super) struct Pending {
    entry: ArchEntry,
}

#[pymethods]
impl Pending {
    fn __repr__(&self) -> &'static str {
        "<tnb: built on first access through the mapping>"
    }
}

/// The arch a `tnb._LazyResults` belongs to, and the objects built for it so far by generic
/// node, so that an object the source shares between two tasks' results is one object here too.
#[pyclass(module = "tnb._tnb", name = "_ArchSource", frozen)]
pub(super) struct ArchSource {
    api: Py<Api>,
    arch: usize,
    memo: Mutex<Memo>,
}

#[pymethods]
impl ArchSource {
    /// The value `pending` stands for, built from the archive.
    fn build<'py>(
        &self,
        py: Python<'py>,
        pending: &Bound<'py, Pending>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let part = match pending.get().entry {
            ArchEntry::Task(t) => Part::Result(self.arch, t),
            ArchEntry::Extra { value, .. } => Part::Node(value),
        };
        // Taken out while building (Python code may run meanwhile: a thread building another
        // entry then builds with an empty memo, which only costs sharing, never correctness).
        let memo = std::mem::take(&mut *self.memo.lock().unwrap_or_else(|e| e.into_inner()));
        let (obj, memo) = walk_shared(py, &self.api.get().store, memo, part)?;
        *self.memo.lock().unwrap_or_else(|e| e.into_inner()) = memo;
        Ok(obj)
    }
}

/// Per arch-dict layout (archs without extra entries): the keys with their placeholders.
pub(super) type Templates = Mutex<HashMap<u32, Py<PyDict>>>;

static LAZY_RESULTS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn lazy_results_class(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    LAZY_RESULTS
        .get_or_try_init(py, || Ok::<_, PyErr>(py.import("tnb")?.getattr("_LazyResults")?.unbind()))
        .map(|c| c.bind(py))
}

fn corrupt(e: impl std::fmt::Display) -> PyErr {
    FormatError::new_err(e.to_string())
}

/// The keys of arch `a`'s dict with their placeholders; extra keys are built into `memo`.
fn template<'py>(
    py: Python<'py>,
    api: &Api,
    entries: &[ArchEntry],
    memo: &mut Memo,
) -> PyResult<Bound<'py, PyDict>> {
    let b = api.store.archive().map_err(corrupt)?;
    let d = PyDict::new(py);
    for &entry in entries {
        let key = match entry {
            ArchEntry::Task(t) => {
                let task = b.tasks.get(t).ok_or_else(|| corrupt("a layout names no task"))?;
                PyString::new(py, task.name.as_str()).into_any()
            }
            ArchEntry::Extra { key, .. } => {
                let (key, grown) =
                    walk_shared(py, &api.store, std::mem::take(memo), Part::Node(key))?;
                *memo = grown;
                key
            }
        };
        d.set_item(key, Bound::new(py, Pending { entry })?).map_err(|e| {
            if e.is_instance_of::<pyo3::exceptions::PyTypeError>(py) {
                corrupt(format!(
                    "corrupted archive: an arch's dict key that Python cannot hash ({})",
                    e.value(py)
                ))
            } else {
                e
            }
        })?;
    }
    if d.len() != entries.len() {
        return Err(corrupt(format!(
            "corrupted archive: an arch's dict holds {} keys of which only {} are distinct",
            entries.len(),
            d.len()
        )));
    }
    Ok(d)
}

/// `ArchResult(index, name, all_results)` for arch `a` (file order), `all_results` built on
/// access.
pub(super) fn arch_result<'py>(
    py: Python<'py>,
    api: &Bound<'py, Api>,
    a: usize,
    name: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let this = api.get();
    let b = this.store.archive().map_err(corrupt)?;
    let walker = Walker::new(b);
    let layout = walker.arch_layout(a);
    let mut memo = Memo::new();
    let cached = this
        .templates
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&layout)
        .map(|t| t.clone_ref(py));
    let keys = match cached {
        Some(t) => t.into_bound(py),
        None => {
            let entries = walker.arch_entries(a).map_err(corrupt)?;
            let t = template(py, this, &entries, &mut memo)?;
            if entries.iter().all(|e| matches!(e, ArchEntry::Task(_))) {
                let mut cache = this.templates.lock().unwrap_or_else(|e| e.into_inner());
                cache.insert(layout, t.clone().unbind());
            }
            t
        }
    };
    // `_LazyResults(keys)`: one C-level merge of an exact dict.
    let lazy = lazy_results_class(py)?.call1((keys,))?;
    let source = ArchSource { api: api.clone().unbind(), arch: a, memo: Mutex::new(memo) };
    lazy.setattr(pyo3::intern!(py, "_src"), Bound::new(py, source)?)?;
    // `ArchResult.__init__` (Python) only stores its three arguments (the assertion that
    // `all_results` is a dict holds): setting them on `object.__new__(ArchResult)` directly
    // takes a third of the time.
    let class = arch_result_class(py)?;
    let new = OBJECT_NEW.get_or_try_init(py, || {
        Ok::<_, PyErr>(py.import("builtins")?.getattr("object")?.getattr("__new__")?.unbind())
    })?;
    let result = new.bind(py).call1((class,))?;
    result.setattr(pyo3::intern!(py, "arch_index"), a)?;
    result.setattr(pyo3::intern!(py, "arch_str"), name)?;
    result.setattr(pyo3::intern!(py, "all_results"), lazy)?;
    Ok(result)
}

static OBJECT_NEW: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
