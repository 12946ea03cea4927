//! The class's state and the work behind its methods: opening, calls through `tnb_api`,
//! the attributes built on first access, and `metric_array`'s loop.

use std::path::PathBuf;

use pyo3::exceptions::{PyAssertionError, PyKeyError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};
use tnb_api::{ApiError, Arg, CallError, Event};
use tnb_store::ObjectRef;

use super::args::{Call, Val, param_position};
use super::build::{Builder, Memo, Part, walk_shared};
use super::lazy::{self, Templates};
use super::slot::Slot;
use super::{FormatError, call_error, open_error, raise};
use crate::array;
use crate::open::{self, Archive, Kind};

/// TransNAS-Bench-101's API, answered from a `.tnb` archive (or a `.pth` converted in memory).
///
/// `TransNASBenchAPI(database_path, verbose=False, *, mmap=True)`: `database_path` (str or
/// os.PathLike) is a `.tnb` archive or the benchmark's original `.pth`/pickle, told apart by
/// content. A `.pth` is read without executing anything and converted in memory (about 0.6 s
/// for the full benchmark; the GIL is released meanwhile). A failure of the operating system
/// raises `OSError` (`FileNotFoundError`, `PermissionError`... as `errno` says); anything that is
/// not a regular file, corrupted or not benchmark-shaped raises `tnb.FormatError` (a
/// `ValueError`).
///
/// An archive is memory-mapped (`mmap=True`), so that every process opening it shares one copy
/// of its pages. The file must then not be modified in place or truncated while this object
/// (or a copy unpickled in another process) uses it; tnb writes archives by renaming a new file
/// over the old one, which is safe. `mmap=False` reads a private copy instead.
///
/// Methods and attributes are the official class's, with the same arguments, defaults, return
/// types, float bits and exception classes. Two documented differences: where the official
/// class returns its internal lists or dicts (`get_arch_list`, `get_single_metric(mode='list')`,
/// `get_arch_result(...).all_results`), this returns fresh ones, so mutating them changes
/// nothing here; and `get_arch_result(arch).all_results` (also `api[i]`, `data`) is a `dict`
/// subclass, `tnb._LazyResults`, whose tasks (and each task's entries) are built when first
/// read, so that the call costs about a microsecond (see its docstring for what that changes).
/// Objects the source shares are built once (`d[0] is d[1]`, as `torch.load` gives), and
/// anything in an archive that no source can hold raises `tnb.FormatError`.
#[pyclass(module = "tnb", name = "TransNASBenchAPI", frozen, subclass, dict)]
pub struct Api {
    pub(super) store: Archive,
    /// The absolute path opened, for pickling.
    pub(super) path: PathBuf,
    pub(super) kind: Kind,
    pub(super) mmap: bool,
    pub(super) identity: String,
    pub(super) verbose: Slot,
    pub(super) metrics_dict: Slot,
    pub(super) info_names: Slot,
    pub(super) task_list: Slot,
    pub(super) search_spaces: Slot,
    pub(super) all_arch_dict: Slot,
    pub(super) arch2space: Slot,
    pub(super) data: Slot,
    pub(super) database: Slot,
    /// `get_arch_result`'s keys and placeholders per arch-dict layout (see `lazy`).
    pub(super) templates: Templates,
}

pub(super) static ARCH_RESULT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
pub(super) static NUMPY_FROMBUFFER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The builder for `method`'s answer: the dicts `get_epoch_status` computes merge repeated keys
/// as Python's dict display does; every other answer is an object the archive stores.
fn builder<'py>(py: Python<'py>, method: &str) -> Builder<'py> {
    match method {
        "get_epoch_status" | "get_best_epoch_status" => Builder::computed(py),
        _ => Builder::new(py),
    }
}

/// `tnb.ArchResult` (defined in Python: a plain class, as the official one).
pub(super) fn arch_result_class(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    ARCH_RESULT
        .get_or_try_init(py, || Ok::<_, PyErr>(py.import("tnb")?.getattr("ArchResult")?.unbind()))
        .map(|c| c.bind(py))
}

impl Api {
    pub(super) fn open(
        py: Python<'_>,
        path: PathBuf,
        verbose: Py<PyAny>,
        mmap: bool,
        expect: Option<&str>,
    ) -> PyResult<Api> {
        let path = std::path::absolute(&path).unwrap_or(path);
        let opened = py.detach(|| open::open(&path, mmap));
        let (store, kind) = opened.map_err(open_error)?;
        if let Err(e) = store.task_list() {
            return Err(FormatError::new_err(format!(
                "{}: not a TransNAS-Bench-101 benchmark ({e})",
                path.display()
            )));
        }
        let identity = open::identity(store.header());
        if let Some(expected) = expect
            && expected != identity
        {
            return Err(FormatError::new_err(format!(
                "{} changed since this object was pickled (archive identity {identity}, \
                 expected {expected})",
                path.display()
            )));
        }
        let verbose_slot = Slot::new();
        verbose_slot.set(verbose);
        Ok(Api {
            store,
            path,
            kind,
            mmap,
            identity,
            verbose: verbose_slot,
            metrics_dict: Slot::new(),
            info_names: Slot::new(),
            task_list: Slot::new(),
            search_spaces: Slot::new(),
            all_arch_dict: Slot::new(),
            arch2space: Slot::new(),
            data: Slot::new(),
            database: Slot::new(),
            templates: Templates::default(),
        })
    }

    /// `method(*args)` through `tnb_api::call`, the answer as one Python object.
    pub(super) fn call<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        args: &[Val<'_>],
        objects: &[&Bound<'py, PyAny>],
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut b = builder(py, method);
        let args: Vec<Arg<'_>> = args.iter().map(Val::arg).collect();
        tnb_api::call(&self.store, method, &args, &[], &mut |e| b.event(e)).map_err(|e| {
            raise_with_key(e, |param| {
                param_position(method, param).and_then(|i| objects.get(i)).map(|o| (*o).clone())
            })
        })?;
        b.finish()
    }

    /// `method(*args, **kwargs)` through `tnb_api::call`.
    pub(super) fn dispatch<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        c: &Call<'_>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut b = builder(py, method);
        let args: Vec<Arg<'_>> = c.pos.iter().map(Val::arg).collect();
        let kwargs: Vec<(&str, Arg<'_>)> =
            c.kw.iter().map(|(k, v)| (k.as_str(), v.arg())).collect();
        tnb_api::call(&self.store, method, &args, &kwargs, &mut |e| b.event(e))
            .map_err(|e| raise_with_key(e, |param| c.object(method, param)))?;
        b.finish()
    }

    /// Calls that check arguments only: the exception the call raises, if any.
    pub(super) fn check(&self, method: &str, args: &[Val<'_>]) -> Result<(), ApiError> {
        let args: Vec<Arg<'_>> = args.iter().map(Val::arg).collect();
        match tnb_api::call(&self.store, method, &args, &[], &mut |_| Ok::<(), ()>(())) {
            Err(CallError::Api(e)) => Err(e),
            _ => Ok(()),
        }
    }

    /// `ArchResult(index, arch, all_results)` for the arch named `name`, `all_results` built
    /// on access (`lazy`); `None` when there is no such arch.
    pub(super) fn arch_result<'py>(
        slf: &Bound<'py, Self>,
        name: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        match slf.get().store.arch(name) {
            Ok(a) => lazy::arch_result(slf.py(), slf, a.index(), name).map(Some),
            Err(_) => Ok(None),
        }
    }

    /// An attribute that is one of the source's objects (`metrics_dict`, `info_names`,
    /// `task_list`), built with its shared objects shared.
    pub(super) fn stored(
        &self,
        py: Python<'_>,
        object: Result<tnb_store::Object<'_>, tnb_store::QueryError>,
    ) -> PyResult<Py<PyAny>> {
        let object = object.map_err(|e| FormatError::new_err(e.to_string()))?;
        let part = match object.target() {
            ObjectRef::Node(id) => Part::Node(id),
            _ => {
                return Err(FormatError::new_err(
                    "an attribute is not one of the source's objects",
                ));
            }
        };
        Ok(walk_shared(py, &self.store, Memo::new(), part)?.0.unbind())
    }

    pub(super) fn attribute(&self, py: Python<'_>, method: &str) -> PyResult<Py<PyAny>> {
        Ok(self.call(py, method, &[], &[])?.unbind())
    }

    /// `arch2space` built from `all_arch_dict` as the official class merges it: a name found
    /// in two spaces keeps its first position and takes the later space.
    pub(super) fn build_arch2space(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let d = PyDict::new(py);
        for space in self.store.spaces() {
            let name =
                self.store.space_name(space).map_err(|e| FormatError::new_err(e.to_string()))?;
            let name = PyString::new(py, name);
            let archs =
                self.store.arch_list(space).map_err(|e| FormatError::new_err(e.to_string()))?;
            for a in archs {
                let arch =
                    self.store.arch_name(a).map_err(|e| FormatError::new_err(e.to_string()))?;
                d.set_item(arch, &name)?;
            }
        }
        Ok(d.into_any().unbind())
    }

    /// `data`: space → arch → `ArchResult`, in `arch2space` order as the official class builds it.
    pub(super) fn build_data(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let this = slf.get();
        let data = PyDict::new(py);
        for space in this.store.search_spaces() {
            data.set_item(space, PyDict::new(py))?;
        }
        let arch2space = this.arch2space.get(py, || this.build_arch2space(py))?;
        for (arch, space) in arch2space.bind(py).cast::<PyDict>()?.iter() {
            let name = arch.cast::<PyString>()?.to_cow()?.into_owned();
            let Some(wrapped) = Self::arch_result(slf, &name)? else {
                return Err(FormatError::new_err(format!("arch {name} has no index")));
            };
            match data.get_item(&space)? {
                Some(d) => d.set_item(&arch, wrapped)?,
                None => return Err(FormatError::new_err("an arch's space is not a search space")),
            }
        }
        Ok(data.into_any().unbind())
    }

    /// The values of `metric_array`, by the fast loop when the arguments are plain, else arch
    /// by arch through `tnb_api::call`.
    pub(super) fn metric_values(
        &self,
        task: &Val<'_>,
        metric: &Val<'_>,
        mode: &Val<'_>,
        space: Option<&Val<'_>>,
    ) -> PyResult<Vec<f64>> {
        let store = &self.store;
        let archs = match space {
            None => store.archs(),
            Some(s) => {
                let found = match s {
                    Val::Str(name) => store.arch_list(&**name).ok(),
                    _ => None,
                };
                match found {
                    Some(a) => a,
                    None => {
                        self.check("get_arch_list", std::slice::from_ref(s)).map_err(raise)?;
                        return Err(PyAssertionError::new_err(
                            "search_space is not a search space",
                        ));
                    }
                }
            }
        };
        let fast_mode = match mode {
            Val::Str(m) if m == "best" => Some(array::Mode::Best),
            Val::Str(m) if m == "final" => Some(array::Mode::Final),
            Val::Int(e) => Some(array::Mode::Epoch(*e)),
            Val::Bool(b) => Some(array::Mode::Epoch(i64::from(*b))),
            _ => None,
        };
        let handles = match (task, metric) {
            (Val::Str(t), Val::Str(m)) => {
                store.task(t).ok().and_then(|t| Some((t, store.metric(t, m).ok()?)))
            }
            _ => None,
        };
        let per_arch = |a: tnb_store::ArchId| -> PyResult<Option<f64>> {
            let name = store.arch_name(a).map_err(|e| FormatError::new_err(e.to_string()))?;
            let args = [Arg::Str(name), task.arg(), metric.arg(), mode.arg()];
            let mut value = None;
            let mut events = 0;
            let r = tnb_api::call(store, "get_single_metric", &args, &[], &mut |e| {
                events += 1;
                value = match e {
                    Event::Float(f) => Some(f),
                    Event::Int(i) => Some(i as f64),
                    Event::UInt(u) => Some(u as f64),
                    Event::Bool(b) => Some(f64::from(u8::from(b))),
                    _ => None,
                };
                Ok::<(), ()>(())
            });
            match r {
                Err(CallError::Api(e)) => Err(raise(e)),
                _ if events == 1 => Ok(value),
                _ => Ok(None),
            }
        };
        let not_numeric = |a: Option<tnb_store::ArchId>| {
            let name = a.and_then(|a| store.arch_name(a).ok()).unwrap_or("?");
            PyTypeError::new_err(format!("metric_array: the value for arch {name} is not a number"))
        };
        if let (Some(mode), Some((t, m))) = (fast_mode, handles) {
            match array::fill(store, archs.clone(), t, m, mode) {
                Ok(v) => return Ok(v),
                Err(array::Stop::NotNumeric(i)) => {
                    return Err(not_numeric(archs.clone().nth(i)));
                }
                // The per-arch call raises the exact exception; fall through to the slow loop
                // (from the start: earlier archs succeeded, so it reaches the same arch).
                Err(array::Stop::Query(_)) => {}
            }
        }
        let mut out = Vec::with_capacity(archs.len());
        for a in archs {
            match per_arch(a)? {
                Some(v) => out.push(v),
                None => return Err(not_numeric(Some(a))),
            }
        }
        Ok(out)
    }
}

/// The Python exception for a failed call. Python's dict lookup raises `KeyError(key)`: `str(e)`
/// is `repr(key)` and `e.args[0]` the key itself, which only the caller's object gives back
/// exactly, so a `KeyError` is raised with the object `key_of` finds for the parameter that
/// `ApiError::key` names (its message, the key's repr, where there is none).
fn raise_with_key<'py>(
    e: CallError<PyErr>,
    key_of: impl Fn(&str) -> Option<Bound<'py, PyAny>>,
) -> PyErr {
    match &e {
        CallError::Api(a) if a.exc() == tnb_api::Exc::KeyError => match a.key().and_then(key_of) {
            Some(key) => PyKeyError::new_err((key.unbind(),)),
            None => call_error(e),
        },
        _ => call_error(e),
    }
}
