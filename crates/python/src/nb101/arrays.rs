//! The vectorised accessors' arrays: a metric of every cell and repeat at one budget (a
//! read-only view of the archive's column when every cell has the same number of runs there,
//! else a new array), and new int64 / `<U32` arrays.
//!
//! A view is made without `unsafe`: numpy builds it from `__array_interface__` (the column's
//! address, shape and strides) of a small object that holds the store, so the mapped pages
//! outlive every view of them.

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyDict};

use super::Store;

/// The object a view's `base` is: it exports one float64 region of a store's column.
#[pyclass(module = "tnb._tnb", name = "NB101Column", frozen)]
pub struct Column {
    _store: Py<Store>,
    address: usize,
    shape: (usize, usize),
}

#[pymethods]
impl Column {
    /// numpy's array interface (version 3): read-only C-contiguous float64 data at the
    /// column's address.
    #[getter]
    fn __array_interface__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("version", 3)?;
        d.set_item("shape", self.shape)?;
        d.set_item("typestr", if cfg!(target_endian = "little") { "<f8" } else { ">f8" })?;
        d.set_item("data", (self.address, true))?;
        Ok(d)
    }
}

fn numpy<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("numpy")?.getattr(name)
}

/// A new int64 array of `v`.
pub(crate) fn int64<'py>(py: Python<'py>, v: &[i64]) -> PyResult<Bound<'py, PyAny>> {
    let raw: Vec<u8> = v.iter().flat_map(|x| x.to_ne_bytes()).collect();
    numpy(py, "frombuffer")?.call1((PyByteArray::new(py, &raw), "int64"))
}

/// A new `<U32` array of the concatenated 32-byte ASCII hashes `raw`.
pub(crate) fn hashes<'py>(py: Python<'py>, raw: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    numpy(py, "frombuffer")?
        .call1((PyByteArray::new(py, raw), "S32"))?
        .call_method1("astype", ("U32",))
}

/// Metric `k` of every cell (rows) and repeat (columns) at `epochs`; NaN where a cell has
/// fewer repeats than the most any cell has.
pub(crate) fn metric_array<'py>(
    slf: &Bound<'py, Store>,
    k: usize,
    epochs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let py = slf.py();
    let db = &slf.get().db;
    if k >= 8 {
        return Err(pyo3::exceptions::PyIndexError::new_err("metric index out of range"));
    }
    let cells = db.cells();
    let column = db.column(k);
    let offsets: Vec<usize> = match db.budget_of_epochs(epochs) {
        Some(b) => db.run_offsets(b)?.iter().map(|&o| o as usize).collect(),
        None => vec![0; cells + 1],
    };
    let widest = offsets.windows(2).map(|w| w[1].saturating_sub(w[0])).max().unwrap_or(0);
    // Every cell with the same number of runs: the budget's runs are one contiguous
    // (cells x repeats) block of the column, viewed as it is.
    let even = offsets.windows(2).all(|w| w[1] == w[0] + widest);
    let start = offsets[0];
    // numpy reads every element the interface describes: all of them must be in the column.
    let end = cells.checked_mul(widest).and_then(|x| x.checked_add(start));
    if even && widest > 0 && end.is_some_and(|e| e <= column.len()) {
        let view = Column {
            _store: slf.clone().unbind(),
            address: column[start..].as_ptr() as usize,
            shape: (cells, widest),
        };
        return numpy(py, "asarray")?.call1((Bound::new(py, view)?,));
    }
    let mut raw = Vec::with_capacity(cells * widest * 8);
    for w in offsets.windows(2) {
        for j in 0..widest {
            // A NaN as the official loader reads it (see `build::metric`).
            let v = match column.get(w[0] + j) {
                Some(&v) if w[0] + j < w[1] && !v.is_nan() => v,
                _ => f64::NAN,
            };
            raw.extend_from_slice(&v.to_ne_bytes());
        }
    }
    numpy(py, "frombuffer")?
        .call1((PyByteArray::new(py, &raw), "float64"))?
        .call_method1("reshape", ((cells, widest),))
}
