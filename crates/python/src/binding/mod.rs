//! The PyO3 binding: `tnb._tnb`, re-exported by the `tnb` package (`python/tnb/__init__.py`).
//!
//! Every method of the official class is answered by `tnb_api::call`, which binds arguments and
//! checks them in the official order; this module only converts Python arguments into
//! `tnb_api::Arg`s (`args`), the answer's events into Python objects (`build`), and an
//! `ApiError` into the exception class the official class raises.

mod args;
mod build;
mod class;
mod lazy;
mod methods;
mod slot;

use std::path::PathBuf;

use pyo3::exceptions::{
    PyAssertionError, PyAttributeError, PyIndexError, PyKeyError, PyOSError, PyTypeError,
    PyValueError,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use tnb_api::{ApiError, CallError, Exc};

use class::Api;

pyo3::create_exception!(
    tnb,
    FormatError,
    PyValueError,
    "The file is not a readable TransNAS-Bench-101 benchmark: unreadable, corrupted, not a \
     torch/pickle file or archive, or not benchmark-shaped. The message is tnb's one line naming \
     what is wrong and where."
);

/// The Python exception for an API error: the class the official class raises.
fn raise(e: ApiError) -> PyErr {
    let m = e.message().to_owned();
    match e.exc() {
        Exc::AssertionError => PyAssertionError::new_err(m),
        Exc::KeyError => PyKeyError::new_err(m),
        Exc::ValueError => PyValueError::new_err(m),
        Exc::IndexError => PyIndexError::new_err(m),
        Exc::TypeError => PyTypeError::new_err(m),
        Exc::AttributeError => PyAttributeError::new_err(m),
        Exc::FormatError => FormatError::new_err(m),
        // A class added to tnb-api after this binding: the nearest honest Python class.
        other => pyo3::exceptions::PyRuntimeError::new_err(format!("{}: {m}", other.name())),
    }
}

fn call_error(e: CallError<PyErr>) -> PyErr {
    match e {
        CallError::Api(e) => raise(e),
        CallError::Sink(e) => e,
        // A failure kind added to tnb-api after this binding.
        other => FormatError::new_err(other.to_string()),
    }
}

/// Unpickling: reopens `path` and checks that it holds the archive that was pickled.
#[pyfunction]
fn _reopen<'py>(
    py: Python<'py>,
    path: PathBuf,
    identity: &str,
    mmap: bool,
    verbose: Py<PyAny>,
    cls: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    if cls.is(py.get_type::<Api>()) {
        return Ok(Bound::new(py, Api::open(py, path, verbose, mmap, Some(identity))?)?.into_any());
    }
    // A subclass pickles as itself: construct it (its own `__init__` runs), then check.
    let kwargs = PyDict::new(py);
    kwargs.set_item("mmap", mmap)?;
    let obj = cls.call((path.clone(), verbose), Some(&kwargs))?;
    let found = &obj.cast::<Api>()?.get().identity;
    if found != identity {
        return Err(FormatError::new_err(format!(
            "{} changed since this object was pickled (archive identity {found}, expected \
             {identity})",
            path.display()
        )));
    }
    Ok(obj)
}

/// An opening or conversion failure as Python reports it: `OSError(errno, strerror, filename)`
/// for the operating system's (Python picks the subclass `errno` names, as for its own `open`),
/// `tnb.FormatError` for the rest.
fn open_error(e: crate::open::OpenError) -> PyErr {
    match e {
        crate::open::OpenError::Os { errno, strerror, path } => {
            PyOSError::new_err((errno, strerror, path.into_os_string()))
        }
        crate::open::OpenError::Format(m) => FormatError::new_err(m),
    }
}

/// `convert(source, archive)`: converts a benchmark `.pth` (or pickle) into a `.tnb` archive,
/// atomically (a new file renamed over `archive`), as `tnb convert` does. Nothing in the source
/// is executed; the GIL is released meanwhile. `OSError` for a failure of the operating system
/// (`FileNotFoundError` for a missing source, `PermissionError`...), `tnb.FormatError` for
/// anything else that fails.
#[pyfunction]
fn convert(py: Python<'_>, source: PathBuf, archive: PathBuf) -> PyResult<()> {
    py.detach(|| crate::open::convert(&source, &archive)).map_err(open_error)
}

/// The extension module `tnb._tnb` (the `tnb` package re-exports it).
#[pymodule]
fn _tnb(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Api>()?;
    m.add_class::<lazy::Pending>()?;
    m.add_class::<lazy::ArchSource>()?;
    m.add_class::<crate::nb201::Store>()?;
    m.add_function(wrap_pyfunction!(crate::nb201::nb201_convert, m)?)?;
    m.add_class::<crate::nats::Store>()?;
    m.add_function(wrap_pyfunction!(crate::nats::nats_load, m)?)?;
    m.add_function(wrap_pyfunction!(crate::nats::nats_convert, m)?)?;
    crate::nb101::register(m)?;
    m.add("FormatError", m.py().get_type::<FormatError>())?;
    m.add_function(wrap_pyfunction!(_reopen, m)?)?;
    m.add_function(wrap_pyfunction!(convert, m)?)?;
    Ok(())
}
