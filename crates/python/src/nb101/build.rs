//! The official answers as new Python objects: `fixed_statistics[h]` (with a fresh int8
//! adjacency array), `computed_statistics[h]`, and `query`'s dict. Dicts are copies of a
//! template holding their keys in the official order (a copy then only replaces values: no
//! insertion, no resize).

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyDict, PyFloat, PyList, PyString};

use super::db::Db;

/// The keys of a run's dict, in the official order.
pub(crate) const RUN_KEYS: [&str; 8] = [
    "halfway_training_time",
    "halfway_train_accuracy",
    "halfway_validation_accuracy",
    "halfway_test_accuracy",
    "final_training_time",
    "final_train_accuracy",
    "final_validation_accuracy",
    "final_test_accuracy",
];

const FIXED_KEYS: [&str; 3] = ["module_adjacency", "module_operations", "trainable_parameters"];

const QUERY_KEYS: [&str; 7] = [
    "module_adjacency",
    "module_operations",
    "trainable_parameters",
    "training_time",
    "train_accuracy",
    "validation_accuracy",
    "test_accuracy",
];

/// Templates (keys -> None) and every cell's adjacency, built on first use.
pub(crate) struct Objects {
    run: PyOnceLock<Py<PyDict>>,
    run_keys: PyOnceLock<Vec<Py<PyString>>>,
    fixed: PyOnceLock<Py<PyDict>>,
    query: PyOnceLock<Py<PyDict>>,
    /// `views[n]` = `all[:, :n, :n]` of an int8 array `all` of shape (cells, 7, 7) holding
    /// every cell's matrix in its top-left corner: `views[n][row].copy()` is a cell's fresh
    /// array in two numpy calls.
    views: PyOnceLock<Vec<Py<PyAny>>>,
}

fn template<'py>(
    py: Python<'py>,
    cell: &PyOnceLock<Py<PyDict>>,
    keys: &[&str],
) -> PyResult<Bound<'py, PyDict>> {
    let t = cell.get_or_try_init(py, || -> PyResult<Py<PyDict>> {
        let d = PyDict::new(py);
        for k in keys {
            d.set_item(PyString::intern(py, k), py.None())?;
        }
        Ok(d.unbind())
    })?;
    t.bind(py).copy()
}

/// A Python str for an op name (the usual ones kept for the process).
fn op_str<'py>(py: Python<'py>, s: &str) -> Bound<'py, PyString> {
    match s {
        "input" => pyo3::intern!(py, "input").clone(),
        "output" => pyo3::intern!(py, "output").clone(),
        "conv3x3-bn-relu" => pyo3::intern!(py, "conv3x3-bn-relu").clone(),
        "conv1x1-bn-relu" => pyo3::intern!(py, "conv1x1-bn-relu").clone(),
        "maxpool3x3" => pyo3::intern!(py, "maxpool3x3").clone(),
        other => PyString::new(py, other),
    }
}

/// A metric as the official loader makes it: protobuf's pure-Python decoder reads every NaN
/// double as `math.nan` (the quiet NaN 0x7ff8000000000000, payload and sign dropped).
pub(crate) fn metric(py: Python<'_>, v: f64) -> Bound<'_, PyFloat> {
    PyFloat::new(py, if v.is_nan() { f64::NAN } else { v })
}

/// The most vertices of a stored cell.
const SIDE: usize = 7;

impl Objects {
    pub(crate) fn new() -> Objects {
        Objects {
            run: PyOnceLock::new(),
            run_keys: PyOnceLock::new(),
            fixed: PyOnceLock::new(),
            query: PyOnceLock::new(),
            views: PyOnceLock::new(),
        }
    }

    fn views<'py>(&self, py: Python<'py>, db: &Db) -> PyResult<&Vec<Py<PyAny>>> {
        self.views.get_or_try_init(py, || -> PyResult<Vec<Py<PyAny>>> {
            let cells = db.cells();
            let mut all = vec![0u8; cells * SIDE * SIDE];
            for row in 0..cells {
                let (n, bits) = db.adjacency(row as u32)?;
                let n = usize::from(n).min(SIDE);
                let at = &mut all[row * SIDE * SIDE..(row + 1) * SIDE * SIDE];
                for r in 0..n {
                    for c in 0..n {
                        at[r * SIDE + c] = ((bits >> (r * n + c)) & 1) as u8;
                    }
                }
            }
            let np = py.import("numpy")?;
            let flat = np.getattr("frombuffer")?.call1((PyByteArray::new(py, &all), "int8"))?;
            let all = flat.call_method1("reshape", ((cells, SIDE, SIDE),))?;
            let mut views = Vec::with_capacity(SIDE + 1);
            for n in 0..=SIDE {
                let s = pyo3::types::PySlice::new(py, 0, n as isize, 1);
                let slice_all = pyo3::types::PySlice::full(py);
                views.push(all.get_item((slice_all, s.clone(), s))?.unbind());
            }
            Ok(views)
        })
    }

    /// Cell `row`'s adjacency: a new C-contiguous int8 array of shape (n, n).
    pub(crate) fn adjacency<'py>(
        &self,
        py: Python<'py>,
        db: &Db,
        row: u32,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (n, _) = db.adjacency(row)?;
        let views = self.views(py, db)?;
        let view = views[usize::from(n).min(SIDE)].bind(py).get_item(row)?;
        view.call_method0(pyo3::intern!(py, "copy"))
    }

    /// Cell `row`'s ops: a new list.
    pub(crate) fn operations<'py>(
        &self,
        py: Python<'py>,
        db: &Db,
        row: u32,
    ) -> PyResult<Bound<'py, PyList>> {
        let l = PyList::empty(py);
        for op in db.operations(row)? {
            l.append(op_str(py, op))?;
        }
        Ok(l)
    }

    /// `fixed_statistics[hash of row]`, new objects.
    pub(crate) fn fixed<'py>(
        &self,
        py: Python<'py>,
        db: &Db,
        row: u32,
    ) -> PyResult<Bound<'py, PyDict>> {
        let d = template(py, &self.fixed, &FIXED_KEYS)?;
        d.set_item(pyo3::intern!(py, "module_adjacency"), self.adjacency(py, db, row)?)?;
        d.set_item(pyo3::intern!(py, "module_operations"), self.operations(py, db, row)?)?;
        d.set_item(pyo3::intern!(py, "trainable_parameters"), db.trainable_parameters(row)?)?;
        Ok(d)
    }

    /// One run's dict (8 floats) from the store's columns.
    pub(crate) fn run<'py>(
        &self,
        py: Python<'py>,
        columns: &[&[f64]; 8],
        i: usize,
    ) -> PyResult<Bound<'py, PyDict>> {
        let d = template(py, &self.run, &RUN_KEYS)?;
        let keys = self.run_keys.get_or_init(py, || {
            RUN_KEYS.iter().map(|k| PyString::intern(py, k).unbind()).collect()
        });
        for (k, column) in keys.iter().zip(columns) {
            let v = *column.get(i).ok_or_else(|| {
                crate::binding::FormatError::new_err(
                    "corrupted NAS-Bench-101 archive: a run is out of range",
                )
            })?;
            d.set_item(k.bind(py), metric(py, v))?;
        }
        Ok(d)
    }

    /// `computed_statistics[hash of row]`: `{epochs: [run dict per repeat]}`, new objects.
    pub(crate) fn computed<'py>(
        &self,
        py: Python<'py>,
        db: &Db,
        row: u32,
    ) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let columns = db.columns();
        for (epochs, runs) in db.budgets(row)? {
            let l = PyList::empty(py);
            for i in runs {
                l.append(self.run(py, &columns, i)?)?;
            }
            d.set_item(epochs, l)?;
        }
        Ok(d)
    }

    /// `query`'s dict for run `i` of cell `row`.
    pub(crate) fn query<'py>(
        &self,
        py: Python<'py>,
        db: &Db,
        row: u32,
        i: usize,
        halfway: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let d = template(py, &self.query, &QUERY_KEYS)?;
        d.set_item(pyo3::intern!(py, "module_adjacency"), self.adjacency(py, db, row)?)?;
        d.set_item(pyo3::intern!(py, "module_operations"), self.operations(py, db, row)?)?;
        d.set_item(pyo3::intern!(py, "trainable_parameters"), db.trainable_parameters(row)?)?;
        let v = db.run(i)?;
        let at = if halfway { 0 } else { 4 };
        d.set_item(pyo3::intern!(py, "training_time"), metric(py, v[at]))?;
        d.set_item(pyo3::intern!(py, "train_accuracy"), metric(py, v[at + 1]))?;
        d.set_item(pyo3::intern!(py, "validation_accuracy"), metric(py, v[at + 2]))?;
        d.set_item(pyo3::intern!(py, "test_accuracy"), metric(py, v[at + 3]))?;
        Ok(d)
    }
}
