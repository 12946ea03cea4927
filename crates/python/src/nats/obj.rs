//! A pickle's owned object ([`Obj`], read by tnb's reader) as Python objects: `OrderedDict` and
//! numpy scalars as the pickle named them, everything else as the built-in types.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyBytes, PyDict, PyFloat, PyFrozenSet, PyList, PySet, PyString, PyTuple,
};
use tnb_pickle::stream::Obj;

static ORDERED_DICT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static FROM_BYTES: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn cached<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    module: &str,
    name: &str,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(cell
        .get_or_try_init(py, || Ok::<_, PyErr>(py.import(module)?.getattr(name)?.unbind()))?
        .bind(py)
        .clone())
}

/// `o` as a Python object (containers rebuilt; no sharing is kept: the NATS files share no
/// containers).
pub(crate) fn to_py<'py>(py: Python<'py>, o: &Obj) -> PyResult<Bound<'py, PyAny>> {
    Ok(match o {
        Obj::None => py.None().into_bound(py),
        Obj::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Obj::Int(i) => i.into_pyobject(py)?.into_any(),
        Obj::BigInt(bytes) => {
            let int = py.import("builtins")?.getattr("int")?;
            let kw = PyDict::new(py);
            kw.set_item("signed", true)?;
            int.call_method("from_bytes", (PyBytes::new(py, bytes), "little"), Some(&kw))?
        }
        Obj::Float(x) => PyFloat::new(py, *x).into_any(),
        Obj::Str(s) => PyString::new(py, s).into_any(),
        Obj::Bytes(b) => PyBytes::new(py, b).into_any(),
        Obj::Tuple(items) => {
            let v = items.iter().map(|x| to_py(py, x)).collect::<PyResult<Vec<_>>>()?;
            PyTuple::new(py, v)?.into_any()
        }
        Obj::List(items) => {
            let l = PyList::empty(py);
            for x in items {
                l.append(to_py(py, x)?)?;
            }
            l.into_any()
        }
        Obj::Dict { items, ordered } => {
            let d = if *ordered {
                cached(py, &ORDERED_DICT, "collections", "OrderedDict")?.call0()?
            } else {
                PyDict::new(py).into_any()
            };
            for (k, v) in items {
                d.set_item(to_py(py, k)?, to_py(py, v)?)?;
            }
            d
        }
        Obj::Scalar(s) => scalar(py, s)?,
        Obj::Set(items) => {
            let v = items.iter().map(|x| to_py(py, x)).collect::<PyResult<Vec<_>>>()?;
            PySet::new(py, v)?.into_any()
        }
        Obj::FrozenSet(items) => {
            let v = items.iter().map(|x| to_py(py, x)).collect::<PyResult<Vec<_>>>()?;
            PyFrozenSet::new(py, v)?.into_any()
        }
    })
}

/// A numpy scalar: `numpy.frombuffer(<its bytes>, dtype, count=1)[0]` (`numpy.float64` for the
/// files' values).
fn scalar<'py>(py: Python<'py>, s: &tnb_pickle::Scalar) -> PyResult<Bound<'py, PyAny>> {
    let raw = s.bits.to_le_bytes();
    let bytes = PyBytes::new(py, &raw[..s.dtype.size()]);
    let kw = PyDict::new(py);
    kw.set_item("dtype", s.dtype.name())?;
    kw.set_item("count", 1)?;
    cached(py, &FROM_BYTES, "numpy", "frombuffer")?.call((bytes,), Some(&kw))?.get_item(0)
}
