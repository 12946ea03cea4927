//! The official answers as new Python objects: `fixed_statistics[h]` (with a fresh int8
//! adjacency array), `computed_statistics[h]`, and `query`'s dict. Dicts are copies of a
//! template holding their keys in the official order (a copy then only replaces values: no
//! insertion, no resize).

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyDict, PyFloat, PyList, PyString};

use super::db::Db;

/// The keys of a run's dict, in the official order.
pub(crate) const RUN_KEYS: [&str; 8] = tnb_nb101_store::Metric::KEYS;

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

    /// Cell `row`'s adjacency (`n` vertices): a new C-contiguous int8 array of shape (n, n).
    fn adjacency<'py>(
        &self,
        py: Python<'py>,
        db: &Db,
        row: u32,
        n: u8,
    ) -> PyResult<Bound<'py, PyAny>> {
        let views = self.views(py, db)?;
        let view = views[usize::from(n).min(SIDE)].bind(py).get_item(row)?;
        view.call_method0(pyo3::intern!(py, "copy"))
    }

    /// The fixed statistics' three values of `row`, read from the archive before any Python
    /// object is made (independent reads: the CPU overlaps their cache misses).
    fn fixed_values<'py>(
        &self,
        py: Python<'py>,
        db: &Db,
        row: u32,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyList>, i32)> {
        let params = db.trainable_parameters(row)?;
        let (n, _) = db.adjacency(row)?;
        let ops: Vec<&str> = db.operations(row)?.collect();
        let l = PyList::empty(py);
        for op in ops {
            l.append(op_str(py, op))?;
        }
        Ok((self.adjacency(py, db, row, n)?, l, params))
    }

    /// `fixed_statistics[hash of row]`, new objects.
    pub(crate) fn fixed<'py>(
        &self,
        py: Python<'py>,
        db: &Db,
        row: u32,
    ) -> PyResult<Bound<'py, PyDict>> {
        let (adjacency, ops, params) = self.fixed_values(py, db, row)?;
        let d = template(py, &self.fixed, &FIXED_KEYS)?;
        d.set_item(pyo3::intern!(py, "module_adjacency"), adjacency)?;
        d.set_item(pyo3::intern!(py, "module_operations"), ops)?;
        d.set_item(pyo3::intern!(py, "trainable_parameters"), params)?;
        Ok(d)
    }

    /// One run's dict from its 8 values.
    fn run_of<'py>(&self, py: Python<'py>, values: &[f64; 8]) -> PyResult<Bound<'py, PyDict>> {
        let d = template(py, &self.run, &RUN_KEYS)?;
        let keys = self.run_keys.get_or_init(py, || {
            RUN_KEYS.iter().map(|k| PyString::intern(py, k).unbind()).collect()
        });
        for (k, &v) in keys.iter().zip(values) {
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
        let columns = db.columns();
        // Every value read first, in one tight loop: the cell's runs lie in a few places of
        // each of 8 columns (one block per budget), so these reads miss the caches; issued
        // back to back the CPU overlaps the misses, instead of taking them one by one between
        // building Python objects.
        let budgets: Vec<(i64, std::ops::Range<usize>)> = db.budgets(row)?.collect();
        let mut values: Vec<[f64; 8]> = Vec::with_capacity(budgets.iter().map(|b| b.1.len()).sum());
        for (_, runs) in &budgets {
            for i in runs.clone() {
                let mut v = [0.0; 8];
                for (x, column) in v.iter_mut().zip(&columns) {
                    *x = *column.get(i).ok_or_else(|| {
                        crate::binding::FormatError::new_err(
                            "corrupted NAS-Bench-101 archive: a run is out of range",
                        )
                    })?;
                }
                values.push(v);
            }
        }
        let d = PyDict::new(py);
        let mut next = values.iter();
        for (epochs, runs) in budgets {
            let l = PyList::empty(py);
            for _ in runs {
                let v = next.next().copied().unwrap_or([0.0; 8]);
                l.append(self.run_of(py, &v)?)?;
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
        let v = db.run(i)?;
        let (adjacency, ops, params) = self.fixed_values(py, db, row)?;
        let d = template(py, &self.query, &QUERY_KEYS)?;
        d.set_item(pyo3::intern!(py, "module_adjacency"), adjacency)?;
        d.set_item(pyo3::intern!(py, "module_operations"), ops)?;
        d.set_item(pyo3::intern!(py, "trainable_parameters"), params)?;
        let at = if halfway { 0 } else { 4 };
        d.set_item(pyo3::intern!(py, "training_time"), metric(py, v[at]))?;
        d.set_item(pyo3::intern!(py, "train_accuracy"), metric(py, v[at + 1]))?;
        d.set_item(pyo3::intern!(py, "validation_accuracy"), metric(py, v[at + 2]))?;
        d.set_item(pyo3::intern!(py, "test_accuracy"), metric(py, v[at + 3]))?;
        Ok(d)
    }
}
