//! Answers of `tnb_nb201_api` as Python objects.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyList, PyString, PyTuple};
use tnb_nb201_api::{Num, Scalar, Value};

static FLOAT64: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `numpy.float64(x)`.
pub(crate) fn float64(py: Python<'_>, x: f64) -> PyResult<Bound<'_, PyAny>> {
    FLOAT64
        .get_or_try_init(py, || Ok::<_, PyErr>(py.import("numpy")?.getattr("float64")?.unbind()))?
        .bind(py)
        .call1((x,))
}

/// A number with its Python type.
pub(crate) fn num(py: Python<'_>, n: Num) -> PyResult<Bound<'_, PyAny>> {
    Ok(match n {
        Num::Int(i) => i.into_pyobject(py)?.into_any(),
        Num::Float(x) => PyFloat::new(py, x).into_any(),
        Num::F64(x) => float64(py, x)?,
    })
}

/// A scalar attribute value.
pub(crate) fn scalar<'py>(py: Python<'py>, s: Scalar<'_>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match s {
        Scalar::None => py.None().into_bound(py),
        Scalar::Bool(b) => PyBool::new(py, b).to_owned().into_any(),
        Scalar::Num(n) => num(py, n)?,
        Scalar::Str(s) => PyString::new(py, s).into_any(),
    })
}

/// `v` as a Python object; `None` for kinds the fast paths never hand out (`ArchResults`,
/// `ResultsCount`, matrices: those answers come from the Python objects).
pub(crate) fn to_py<'py>(py: Python<'py>, v: &Value<'_>) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(Some(match v {
        Value::None => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Int(i) => i.into_pyobject(py)?.into_any(),
        Value::Float(x) => PyFloat::new(py, *x).into_any(),
        Value::F64(x) => float64(py, *x)?,
        Value::Str(s) => text(py, s),
        Value::List(items) => {
            let l = PyList::empty(py);
            for item in items {
                match to_py(py, item)? {
                    Some(o) => l.append(o)?,
                    None => return Ok(None),
                }
            }
            l.into_any()
        }
        Value::Tuple(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match to_py(py, item)? {
                    Some(o) => out.push(o),
                    None => return Ok(None),
                }
            }
            PyTuple::new(py, out)?.into_any()
        }
        Value::Dict(items) => {
            let d = PyDict::new(py);
            for (k, item) in items {
                match (to_py(py, k)?, to_py(py, item)?) {
                    (Some(k), Some(o)) => d.set_item(k, o)?,
                    _ => return Ok(None),
                }
            }
            d.into_any()
        }
        _ => return Ok(None),
    }))
}

/// A value as numpy's float64 conversion of it (`None` as NaN); `None` for anything else.
pub(crate) fn number(v: Option<&Value<'_>>) -> Option<f64> {
    match v? {
        Value::None => Some(f64::NAN),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::Int(i) => Some(*i as f64),
        Value::Float(x) | Value::F64(x) => Some(*x),
        _ => None,
    }
}

/// Defines [`text`] over the keys of the hot answers' dicts.
macro_rules! known_texts {
    ($($k:literal)*) => {
        /// The Python str `s`: one kept for the process (with its hash computed once) when it is
        /// a key of the hot answers' dicts (`get_more_info`, `get_cost_info` and their sets'
        /// names), a new one otherwise; a fixed list, so nothing grows with the input.
        fn text<'py>(py: Python<'py>, s: &str) -> Bound<'py, PyAny> {
            match s {
                $($k => pyo3::intern!(py, $k).clone().into_any(),)*
                _ => PyString::new(py, s).into_any(),
            }
        }
    };
}

known_texts! {
    "train-loss" "train-accuracy" "train-per-time" "train-all-time"
    "valid-loss" "valid-accuracy" "valid-per-time" "valid-all-time"
    "test-loss" "test-accuracy" "test-per-time" "test-all-time"
    "valtest-loss" "valtest-accuracy" "valtest-per-time" "valtest-all-time"
    "flops" "params" "latency" "T-train@epoch" "T-train@total"
    "T-x-valid@epoch" "T-x-valid@total" "T-ori-test@epoch" "T-ori-test@total"
    "T-x-test@epoch" "T-x-test@total" "iepoch" "loss" "accuracy" "cur_time" "all_time"
    "comment"
}
