//! `get_arch_result`'s value built on access: NASLib calls it once per optimizer step (its
//! `Metric.RAW` query reads one task of it, often nothing), and building every task's lists on
//! each call took 70-170 µs against the official class's 0.2 µs dict lookup.
//!
//! The `ArchResult`'s `all_results` is a `tnb._LazyResults` (`python/tnb/__init__.py`), a `dict`
//! subclass holding every key from the start, each value a [`Pending`] placeholder until it is
//! first read, then built here ([`ArchSource::build`]) and stored in place. A task's value is
//! itself a `_LazyResults` over the result dict's entries (`total_epochs`, `model_info`,
//! `metrics`, extras), so NASLib's `query_all_results()[task]` builds no list at all. Keys and
//! placeholders depend only on the dict's layout when it has no extra entries, so they are
//! built once per layout and copied into each new dict (a C-level dict merge). One memo per
//! arch keeps an object shared between two tasks' results one object.

use std::collections::HashMap;
use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};
use tnb_api::{ArchEntry, Walker};

use super::FormatError;
use super::build::{Memo, Part, walk_shared};
use super::class::{Api, arch_result_class};

/// What a value not built yet is built from.
#[derive(Clone, Copy)]
enum Entry {
    /// The results of task `.0`: itself a `tnb._LazyResults` over the result dict's entries.
    Task(usize),
    /// An extra entry's value (a generic node).
    Node(u32),
    /// Entry `.1` (`total_epochs`, `model_info`, `metrics` or an extra) of task `.0`'s results.
    Result(usize, usize),
}

/// A value of a `tnb._LazyResults` not built yet: what it is built from.
#[pyclass(module = "tnb._tnb", name = "_Pending", frozen)]
pub(super) struct Pending {
    entry: Entry,
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
        slf: &Bound<'py, Self>,
        pending: &Bound<'py, Pending>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let this = slf.get();
        let a = this.arch;
        match pending.get().entry {
            Entry::Task(t) => {
                let api = this.api.get();
                let b = api.store.archive().map_err(corrupt)?;
                let layout = result_layout(b, a, t);
                let key = layout.map(|l| (t, l));
                if let Some(keys) = key.and_then(|k| cached(py, &api.templates.results, &k)) {
                    return lazy_dict(py, keys.bind(py), slf);
                }
                let keys = this.walk(py, Part::ResultKeys(a, t))?;
                let d = PyDict::new(py);
                let mut n = 0;
                for (k, key) in keys.try_iter()?.enumerate() {
                    let pending = Bound::new(py, Pending { entry: Entry::Result(t, k) })?;
                    d.set_item(key?, pending).map_err(|e| unhashable(py, e))?;
                    n += 1;
                }
                distinct(&d, n, "a result dict")?;
                if let Some(k) = key {
                    cache(&api.templates.results, k, &d);
                }
                lazy_dict(py, &d, slf)
            }
            Entry::Node(v) => this.walk(py, Part::Node(v)),
            Entry::Result(t, k) => this.walk(py, Part::ResultValue(a, t, k)),
        }
    }
}

impl ArchSource {
    fn walk<'py>(&self, py: Python<'py>, part: Part) -> PyResult<Bound<'py, PyAny>> {
        // Taken out while building (Python code may run meanwhile: a thread building another
        // entry then builds with an empty memo, which only costs sharing, never correctness).
        let memo = std::mem::take(&mut *self.memo.lock().unwrap_or_else(|e| e.into_inner()));
        let (obj, memo) = walk_shared(py, &self.api.get().store, memo, part)?;
        *self.memo.lock().unwrap_or_else(|e| e.into_inner()) = memo;
        Ok(obj)
    }
}

fn unhashable(py: Python<'_>, e: PyErr) -> PyErr {
    if e.is_instance_of::<pyo3::exceptions::PyTypeError>(py) {
        corrupt(format!("corrupted archive: a dict key that Python cannot hash ({})", e.value(py)))
    } else {
        e
    }
}

/// `FormatError` unless the `n` keys put into `d` were distinct (unpickling never leaves two
/// equal keys in a dict).
fn distinct(d: &Bound<'_, PyDict>, n: usize, what: &str) -> PyResult<()> {
    if d.len() == n {
        return Ok(());
    }
    Err(corrupt(format!(
        "corrupted archive: {what} holds {n} keys of which only {} are distinct",
        d.len()
    )))
}

/// `_LazyResults(keys)` (one C-level merge of an exact dict) reading its values from `source`.
fn lazy_dict<'py>(
    py: Python<'py>,
    keys: &Bound<'py, PyDict>,
    source: &Bound<'py, ArchSource>,
) -> PyResult<Bound<'py, PyAny>> {
    let lazy = lazy_results_class(py)?.call1((keys,))?;
    lazy.setattr(pyo3::intern!(py, "_src"), source)?;
    Ok(lazy)
}

/// Keys with their placeholders, built once per layout (only for dicts without extra entries,
/// whose keys depend on the layout alone).
#[derive(Default)]
pub(super) struct Templates {
    /// Per arch-dict layout.
    archs: Mutex<HashMap<u32, Py<PyDict>>>,
    /// Per task and result-dict layout.
    results: Mutex<HashMap<(usize, u32), Py<PyDict>>>,
}

fn cached<K: std::hash::Hash + Eq>(
    py: Python<'_>,
    cache: &Mutex<HashMap<K, Py<PyDict>>>,
    key: &K,
) -> Option<Py<PyDict>> {
    cache.lock().unwrap_or_else(|e| e.into_inner()).get(key).map(|t| t.clone_ref(py))
}

fn cache<K: std::hash::Hash + Eq>(
    cache: &Mutex<HashMap<K, Py<PyDict>>>,
    key: K,
    t: &Bound<'_, PyDict>,
) {
    cache.lock().unwrap_or_else(|e| e.into_inner()).insert(key, t.clone().unbind());
}

/// The layout of arch `a`'s result dict on task `t` when its keys depend on that layout alone
/// (no extra entries), read as `tnb_api::Walker::result` reads them.
fn result_layout(b: &tnb_schema::transnas::ArchivedBenchmark, a: usize, t: usize) -> Option<u32> {
    let l = &b.layout;
    let at = a.checked_mul(b.tasks.len())?.checked_add(t)?;
    let extras = match (l.result_extras.get(at), l.result_extras.get(at + 1)) {
        (Some(s), Some(e)) => e.to_native().saturating_sub(s.to_native()),
        _ => 0,
    };
    (extras == 0).then(|| l.result_layout.get(at).map(|x| x.to_native())).flatten()
}

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
        let (key, entry) = match entry {
            ArchEntry::Task(t) => {
                let task = b.tasks.get(t).ok_or_else(|| corrupt("a layout names no task"))?;
                (PyString::new(py, task.name.as_str()).into_any(), Entry::Task(t))
            }
            ArchEntry::Extra { key, value } => {
                let (key, grown) =
                    walk_shared(py, &api.store, std::mem::take(memo), Part::Node(key))?;
                *memo = grown;
                (key, Entry::Node(value))
            }
        };
        d.set_item(key, Bound::new(py, Pending { entry })?).map_err(|e| unhashable(py, e))?;
    }
    distinct(&d, entries.len(), "an arch's dict")?;
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
    let keys = match cached(py, &this.templates.archs, &layout) {
        Some(t) => t.into_bound(py),
        None => {
            let entries = walker.arch_entries(a).map_err(corrupt)?;
            let t = template(py, this, &entries, &mut memo)?;
            if entries.iter().all(|e| matches!(e, ArchEntry::Task(_))) {
                cache(&this.templates.archs, layout, &t);
            }
            t
        }
    };
    let source = ArchSource { api: api.clone().unbind(), arch: a, memo: Mutex::new(memo) };
    let lazy = lazy_dict(py, &keys, &Bound::new(py, source)?)?;
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
