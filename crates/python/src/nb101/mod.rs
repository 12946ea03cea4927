//! NAS-Bench-101 for Python: `tnb._tnb.NB101Store`, the Rust half of
//! `tnb.nasbench101.api.NASBench` (`python/tnb/nasbench101/api.py`), and `nb101_hash_module`
//! (`graph_util.hash_module`'s fast path).
//!
//! The Python class owns what a Python object owns (printing, the seed, the budget counters,
//! `valid_epochs`, the attributes); this store answers the lookups and builds the answers'
//! objects. Its spec fast paths (`query`, `is_valid`, `metrics_of_spec`) read a plain
//! `ModelSpec` and config (see `spec`), check and look the spec up in one call, and return
//! `None` before any side effect when something is not plain: the Python class then runs the
//! official steps.

mod arrays;
mod build;
mod db;
mod map;
mod spec;

use std::path::PathBuf;

use pyo3::exceptions::{PyIndexError, PyKeyError, PyOSError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString, PyTuple, PyType};

use crate::binding::FormatError;
use build::Objects;
use db::{Db, Matrix};
use spec::{Checked, Read};

/// The Python objects the fast paths raise or recognise, given once by `api.py`.
pub(crate) struct Classes {
    out_of_domain: Py<PyType>,
    ndarray: Py<PyAny>,
    random: Py<PyAny>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

pub(crate) fn classes(py: Python<'_>) -> PyResult<&'static Classes> {
    CLASSES.get(py).ok_or_else(|| {
        pyo3::exceptions::PyRuntimeError::new_err("tnb.nasbench101.api is not imported")
    })
}

/// `nb101_setup(OutOfDomainError, numpy.ndarray, random)`: called by `api.py` once.
#[pyfunction]
pub(crate) fn nb101_setup(
    py: Python<'_>,
    out_of_domain: Bound<'_, PyType>,
    ndarray: Bound<'_, PyAny>,
    random: Bound<'_, PyAny>,
) -> PyResult<()> {
    let _ = CLASSES.get_or_init(py, || Classes {
        out_of_domain: out_of_domain.unbind(),
        ndarray: ndarray.unbind(),
        random: random.unbind(),
    });
    Ok(())
}

/// `graph_util.hash_module(matrix, labels)` for a `rows` x `cols` integer or boolean matrix
/// given by its numpy `dtype.str` and `tobytes()`, and int labels: the 32-char hex hash, or
/// None when the official strings would not be plain ints (entries other than 0/1, a label out
/// of range, shapes that disagree, more than 8 vertices): Python then hashes.
#[pyfunction]
pub(crate) fn nb101_hash_module(
    rows: usize,
    cols: usize,
    dtype: &str,
    raw: &[u8],
    labels: Vec<Bound<'_, PyAny>>,
) -> Option<String> {
    if rows != cols || labels.len() != rows {
        return None;
    }
    let bits = spec::bits_of(rows, cols, dtype, raw)?;
    let labels: Vec<i8> = labels.iter().map(|l| l.extract::<i8>().ok()).collect::<Option<_>>()?;
    Some(hex(&db::hash_module(Matrix { n: rows as u8, bits }, &labels)))
}

/// `nb101_convert(source, archive)`: the archive of a TFRecord, written atomically (the GIL
/// released meanwhile).
#[pyfunction]
pub(crate) fn nb101_convert(py: Python<'_>, source: PathBuf, archive: PathBuf) -> PyResult<()> {
    py.detach(|| db::convert_file(&source, &archive)).map_err(FormatError::new_err)
}

/// The 32 lowercase hex digits of a hash.
fn hex_bytes(h: &[u8; 16]) -> [u8; 32] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 32];
    for (k, b) in h.iter().enumerate() {
        out[2 * k] = DIGITS[usize::from(b >> 4)];
        out[2 * k + 1] = DIGITS[usize::from(b & 15)];
    }
    out
}

fn hex(h: &[u8; 16]) -> String {
    String::from_utf8_lossy(&hex_bytes(h)).into_owned()
}

/// A 32-char lowercase hex string as a hash.
fn parse_hash(s: &str) -> Option<[u8; 16]> {
    let b = s.as_bytes();
    if b.len() != 32 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 16];
    for (k, pair) in b.chunks_exact(2).enumerate() {
        out[k] = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

/// Adds the NAS-Bench-101 classes and functions to the extension module `tnb._tnb`.
pub(crate) fn register(m: &Bound<'_, pyo3::types::PyModule>) -> PyResult<()> {
    m.add_class::<Store>()?;
    m.add_class::<arrays::Column>()?;
    m.add_function(pyo3::wrap_pyfunction!(nb101_setup, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(nb101_hash_module, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(nb101_convert, m)?)?;
    Ok(())
}

/// An opened NAS-Bench-101 benchmark: the data side of `tnb.nasbench101.api.NASBench`.
#[pyclass(module = "tnb._tnb", name = "NB101Store", frozen)]
pub struct Store {
    /// The path opened (pickling reopens it).
    path: PathBuf,
    db: Db,
    objects: Objects,
    /// `{hash: row}` in file order, built on first need (`hash_iterator`).
    keys: PyOnceLock<Py<PyDict>>,
}

/// The `OSError` Python raises for `path`.
fn os_error(e: &std::io::Error, path: &std::path::Path) -> PyErr {
    match e.raw_os_error() {
        Some(errno) => PyOSError::new_err((errno, e.to_string(), path.as_os_str().to_owned())),
        None => PyOSError::new_err(format!("{}: {e}", path.display())),
    }
}

impl Store {
    /// The row of a hash given as a Python object: `KeyError(obj)` if absent (a `TypeError` if
    /// unhashable, as a dict lookup).
    fn row_of(&self, h: &Bound<'_, PyAny>) -> PyResult<u32> {
        if let Ok(s) = h.cast::<PyString>() {
            if let Some(k) = parse_hash(&s.to_cow()?) {
                if let Some(row) = self.db.row_of_hash(&k)? {
                    return Ok(row);
                }
            }
        }
        h.hash()?;
        Err(PyKeyError::new_err(h.clone().unbind()))
    }

    /// A checked spec's row: `KeyError(hash)` when the dataset lacks it.
    fn row_of_spec(&self, matrix: Matrix, labels: &[i8; 8]) -> PyResult<u32> {
        let labels = &labels[..usize::from(matrix.n)];
        match self.db.row_of_spec(matrix, labels)? {
            Some(row) => Ok(row),
            None => Err(PyKeyError::new_err(hex(&db::hash_module(matrix, labels)))),
        }
    }

    /// The spec's checked (matrix, labels), an exception, or None (decline).
    fn checked(
        py: Python<'_>,
        spec: &Bound<'_, PyAny>,
        config: &Bound<'_, PyAny>,
    ) -> PyResult<Option<(Matrix, [i8; 8])>> {
        match spec::check(spec, config)? {
            Read::Decline => Ok(None),
            Read::Checked(Checked::Ok { matrix, labels }) => Ok(Some((matrix, labels))),
            Read::Checked(Checked::OutOfDomain(m)) => {
                Err(PyErr::from_type(classes(py)?.out_of_domain.bind(py).clone(), m))
            }
            Read::Checked(Checked::TooManyVertices) => {
                Err(PyTypeError::new_err("'module' object is not subscriptable"))
            }
        }
    }
}

#[pymethods]
impl Store {
    /// Opens `path`: an archive is mapped, a TFRecord converted in memory (told apart by
    /// content).
    #[new]
    fn new(py: Python<'_>, path: PathBuf) -> PyResult<Store> {
        let mut head = [0u8; 8];
        let read = std::fs::File::open(&path)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head));
        if let Err(e) = &read {
            if e.kind() != std::io::ErrorKind::UnexpectedEof {
                return Err(os_error(e, &path));
            }
        }
        let is_archive = read.is_ok() && head == tnb_schema::header::MAGIC;
        let db = py
            .detach(|| if is_archive { Db::open_archive(&path) } else { Db::convert(&path) })
            .map_err(FormatError::new_err)?;
        let path = std::path::absolute(&path).unwrap_or(path);
        Ok(Store { path, db, objects: Objects::new(), keys: PyOnceLock::new() })
    }

    /// The number of cells.
    fn cells(&self) -> usize {
        self.db.cells()
    }

    /// The epoch budgets in the file's first-appearance order.
    fn valid_epochs(&self) -> Vec<i64> {
        self.db.valid_epochs().to_vec()
    }

    /// `hash in fixed_statistics`.
    fn contains(&self, h: &Bound<'_, PyAny>) -> PyResult<bool> {
        match self.row_of(h) {
            Ok(_) => Ok(true),
            Err(e) if e.is_instance_of::<PyKeyError>(h.py()) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The hashes in file order: the `keys()` of a dict of the store's own.
    fn hash_keys<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let d = self.keys.get_or_try_init(py, || -> PyResult<Py<PyDict>> {
            let d = PyDict::new(py);
            for (row, h) in self.db.hashes().iter().enumerate() {
                d.set_item(hex(h), row)?;
            }
            Ok(d.unbind())
        })?;
        d.bind(py).call_method0(pyo3::intern!(py, "keys"))
    }

    /// `fixed_statistics[h]` (new objects).
    fn fixed<'py>(&self, py: Python<'py>, h: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
        let row = self.row_of(h)?;
        self.objects.fixed(py, &self.db, row)
    }

    /// `computed_statistics[h]` (new objects).
    fn computed<'py>(
        &self,
        py: Python<'py>,
        h: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let row = self.row_of(h)?;
        self.objects.computed(py, &self.db, row)
    }

    /// `get_metrics_from_hash(h)`: `(fixed, computed)`, new objects.
    fn metrics<'py>(
        &self,
        py: Python<'py>,
        h: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let row = self.row_of(h)?;
        let fixed = self.objects.fixed(py, &self.db, row)?;
        let computed = self.objects.computed(py, &self.db, row)?;
        PyTuple::new(py, [fixed.into_any(), computed.into_any()])
    }

    /// `get_metrics_from_spec(spec)` for a plain spec and config; None to decline.
    fn metrics_of_spec<'py>(
        &self,
        py: Python<'py>,
        spec: &Bound<'py, PyAny>,
        config: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let Some((matrix, labels)) = Self::checked(py, spec, config)? else { return Ok(None) };
        let row = self.row_of_spec(matrix, &labels)?;
        let fixed = self.objects.fixed(py, &self.db, row)?;
        let computed = self.objects.computed(py, &self.db, row)?;
        Ok(Some(PyTuple::new(py, [fixed.into_any(), computed.into_any()])?))
    }

    /// `is_valid(spec)` for a plain spec and config; None to decline.
    fn is_valid(
        &self,
        py: Python<'_>,
        spec: &Bound<'_, PyAny>,
        config: &Bound<'_, PyAny>,
    ) -> PyResult<Option<bool>> {
        match Self::checked(py, spec, config) {
            Ok(found) => Ok(found.map(|_| true)),
            Err(e) if e.is_instance(py, classes(py)?.out_of_domain.bind(py)) => Ok(Some(false)),
            Err(e) => Err(e),
        }
    }

    /// `query(spec, epochs, stop_halfway)`'s answer (the budget counters are the caller's),
    /// for a plain spec, config, epochs (already checked against `valid_epochs`) and
    /// `stop_halfway`; None to decline (before any side effect). The draw is
    /// `random.randint(0, config['num_repeats'] - 1)`, made after the checks and the lookup.
    fn query<'py>(
        &self,
        py: Python<'py>,
        spec: &Bound<'py, PyAny>,
        epochs: &Bound<'py, PyAny>,
        stop_halfway: &Bound<'py, PyAny>,
        config: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Ok(halfway) = stop_halfway.cast_exact::<PyBool>() else { return Ok(None) };
        let halfway = halfway.is_true();
        let e = if epochs.is_exact_instance_of::<PyInt>() {
            epochs.extract::<i64>().ok()
        } else if let Ok(f) = epochs.cast_exact::<PyFloat>() {
            let v = f.value();
            (v.fract() == 0.0 && v.abs() < 9.0e15).then_some(v as i64)
        } else {
            None
        };
        let (Some(e), Some(repeats)) = (e, spec::num_repeats(config)) else { return Ok(None) };
        let Some((matrix, labels)) = Self::checked(py, spec, config)? else { return Ok(None) };
        let row = self.row_of_spec(matrix, &labels)?;
        let random = classes(py)?.random.bind(py);
        let drawn =
            random.getattr(pyo3::intern!(py, "randint"))?.call1((0, repeats.saturating_sub(1)))?;
        let runs = match self.db.budget_of_epochs(e) {
            Some(b) => self.db.runs_of(row, b)?,
            None => 0..0,
        };
        if runs.is_empty() {
            return Err(PyKeyError::new_err(epochs.clone().unbind()));
        }
        let len = runs.len() as i64;
        let Ok(k) = drawn.extract::<i64>() else {
            return Err(PyTypeError::new_err(format!(
                "list indices must be integers or slices, not {}",
                drawn.get_type().name()?
            )));
        };
        let k = if k < 0 { k + len } else { k };
        if !(0..len).contains(&k) {
            return Err(PyIndexError::new_err("list index out of range"));
        }
        Ok(Some(self.objects.query(py, &self.db, row, runs.start + k as usize, halfway)?))
    }

    /// `metric_array(metric k, epochs)`: see `arrays`.
    fn metric_array<'py>(
        slf: &Bound<'py, Self>,
        k: usize,
        epochs: i64,
    ) -> PyResult<Bound<'py, PyAny>> {
        arrays::metric_array(slf, k, epochs)
    }

    /// How many repeats each cell has at `epochs` (int64 array).
    fn repeat_counts<'py>(&self, py: Python<'py>, epochs: i64) -> PyResult<Bound<'py, PyAny>> {
        let v: Vec<i64> = match self.db.budget_of_epochs(epochs) {
            Some(b) => self
                .db
                .run_offsets(b)?
                .windows(2)
                .map(|w| i64::from(w[1]) - i64::from(w[0]))
                .collect(),
            None => vec![0; self.db.cells()],
        };
        arrays::int64(py, &v)
    }

    /// Every cell's trainable parameters (int64 array).
    fn trainable_parameters_array<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = (0..self.db.cells() as u32)
            .map(|r| self.db.trainable_parameters(r).map(i64::from))
            .collect::<PyResult<Vec<i64>>>()?;
        arrays::int64(py, &v)
    }

    /// Every cell's hash (`<U32` array).
    fn hashes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut raw = Vec::with_capacity(self.db.cells() * 32);
        for h in self.db.hashes() {
            raw.extend_from_slice(&hex_bytes(h));
        }
        arrays::hashes(py, &raw)
    }

    /// Pickles as its path: unpickling opens the file again (a `NASBench` object then pickles
    /// as its attributes and this path, e.g. for `multiprocessing`).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let args = PyTuple::new(py, [slf.get().path.clone()])?;
        PyTuple::new(py, [slf.get_type().into_any(), args.into_any()])
    }

    /// Immutable: copies are the object itself.
    fn __copy__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __deepcopy__(slf: Py<Self>, _memo: &Bound<'_, PyAny>) -> Py<Self> {
        slf
    }
}
