//! The class's Python methods and attributes.

use std::borrow::Cow;
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyDict, PyList, PySlice, PyString, PyTuple};

use super::FormatError;
use super::args::{Call, Given, Val, bind, index_val, val};
use super::build::{Memo, Part, walk_shared};
use super::class::{Api, NUMPY_FROMBUFFER};
use crate::open::Kind;

#[pymethods]
impl Api {
    #[new]
    #[pyo3(signature = (*args, **kwargs))]
    fn new(
        py: Python<'_>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Api> {
        let p = bind("TransNASBenchAPI", &["database_path", "verbose", "mmap"], 1, args, kwargs)?;
        let path: PathBuf = p[0].as_ref().map(|p| p.extract()).transpose()?.unwrap_or_default();
        let verbose = match &p[1] {
            Some(v) => v.clone().unbind(),
            None => PyBool::new(py, false).to_owned().into_any().unbind(),
        };
        let mmap = p[2].as_ref().map(|m| m.is_truthy()).transpose()?.unwrap_or(true);
        Api::open(py, path, verbose, mmap, None)
    }

    /// Number of architectures.
    fn __len__(&self) -> usize {
        self.store.len()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let py = slf.py();
        let api = slf.get();
        // `len(self.task_list)`: the archive's list has a length unless it is corrupted.
        let tasks = api.call(py, "task_list", &[], &[])?.len().map_err(|e| {
            FormatError::new_err(format!("corrupted archive: task_list has no length ({e})"))
        })?;
        let name = slf.get_type().name()?;
        Ok(format!("{name}({} architectures/{tasks} tasks)", api.store.len()))
    }

    /// `ArchResult` of the arch at `index` (Python list indexing; a fresh copy each time, its
    /// tasks built on access).
    fn __getitem__<'py>(
        slf: &Bound<'py, Self>,
        index: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let name = slf.get().call(slf.py(), "index2arch", &[index_val(index)?], &[])?;
        let name = name.cast::<PyString>()?.to_cow()?.into_owned();
        Self::arch_result(slf, &name)?
            .ok_or_else(|| FormatError::new_err(format!("arch {name} has no result")))
    }

    /// `index2arch(index)`: the arch string at `index` in file order (negative counts from the
    /// end).
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, index)")]
    fn index2arch<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        // The official class indexes a list: a slice gives a list of archs.
        let given = match (args.len(), kwargs) {
            (1, None) => Some(args.get_item(0)?),
            (0, Some(kw)) if kw.len() == 1 => kw.get_item("index")?,
            _ => None,
        };
        if let Some(slice) = given.as_ref().and_then(|g| g.cast::<PySlice>().ok()) {
            let len = isize::try_from(self.store.len()).unwrap_or(isize::MAX);
            let ix = slice.indices(len)?;
            let names = PyList::empty(py);
            let mut at = ix.start;
            for _ in 0..ix.slicelength {
                names.append(self.call(py, "index2arch", &[Val::Int(at as i64)], &[])?)?;
                at += ix.step;
            }
            return Ok(names.into_any());
        }
        self.dispatch(py, "index2arch", &Call::new(args, kwargs, Some((0, "index")))?)
    }

    /// `arch2index(arch)`: the position of `arch` in file order (`ValueError` if absent).
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, arch)")]
    fn arch2index<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.dispatch(py, "arch2index", &Call::new(args, kwargs, None)?)
    }

    /// `get_arch_result(arch)`: the arch's `ArchResult` (results of every task). A fresh one
    /// per call whose `all_results` builds each task's results on first access (see
    /// `tnb._LazyResults`).
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, arch)")]
    fn get_arch_result<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let given = match (args.len(), kwargs.map_or(0, |kw| kw.len())) {
            (1, 0) => Some(args.get_item(0)?),
            (0, 1) => kwargs.map(|kw| kw.get_item("arch")).transpose()?.flatten(),
            _ => None,
        };
        if let Some(name) = given.as_ref().and_then(|g| g.cast::<PyString>().ok())
            && let Some(r) = Self::arch_result(slf, &name.to_cow()?)?
        {
            return Ok(r);
        }
        // Anything else raises what the official class raises (binding, `KeyError`,
        // `TypeError` for an unhashable arch); an answer here would mean that the archive finds
        // by the API's lookup an arch that its name index does not have.
        slf.get().dispatch(slf.py(), "get_arch_result", &Call::new(args, kwargs, None)?)?;
        Err(FormatError::new_err("corrupted archive: an arch is found by one index, not another"))
    }

    /// `get_total_epochs(arch, task)`: `total_epochs` of the arch on the task.
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, arch, task)")]
    fn get_total_epochs<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.dispatch(py, "get_total_epochs", &Call::new(args, kwargs, None)?)
    }

    /// `get_model_info(arch, task, info)`: `model_info[info]` of the arch on the task (`info`
    /// must be in `info_names`).
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, arch, task, info)")]
    fn get_model_info<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.dispatch(py, "get_model_info", &Call::new(args, kwargs, None)?)
    }

    /// `get_single_metric(arch, task, metric, mode="best", xseed=None)`: one metric of the arch
    /// on the task; `mode` is 'final', 'best' (`max` over epochs), 'list' (every epoch) or an
    /// epoch number; `xseed` is accepted and ignored, as officially.
    // The hot call of a search loop: PyO3 binds the arguments itself (vectorcall, no tuple or
    // dict to walk), which halves the cost of a call with `mode=` given by keyword.
    #[pyo3(
        signature = (arch, task, metric, mode = Given::Default, xseed = None),
        text_signature = "($self, arch, task, metric, mode='best', xseed=None)"
    )]
    fn get_single_metric<'py>(
        &self,
        py: Python<'py>,
        arch: &Bound<'py, PyAny>,
        task: &Bound<'py, PyAny>,
        metric: &Bound<'py, PyAny>,
        mode: Given<'py>,
        xseed: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        // Accepted and ignored, as the official class ignores it.
        let _ = xseed;
        let (a, t, m) = (val(arch)?, val(task)?, val(metric)?);
        let objects = &[arch, task, metric];
        match mode {
            // `mode='best'` written in a script is CPython's interned constant: one pointer
            // comparison instead of a copy of the string.
            Given::Default => self.call(py, "get_single_metric", &[a, t, m], objects),
            Given::Value(mode) if mode.is(pyo3::intern!(py, "best")) => {
                self.call(py, "get_single_metric", &[a, t, m], objects)
            }
            Given::Value(mode) => {
                self.call(py, "get_single_metric", &[a, t, m, val(&mode)?], objects)
            }
        }
    }

    /// `get_epoch_status(arch, task, epoch, xseed=None)`: every metric of the task at `epoch`
    /// (an int below `total_epochs`; negative counts from the end), with `'epoch'` first.
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, arch, task, epoch, xseed=None)")]
    fn get_epoch_status<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.dispatch(py, "get_epoch_status", &Call::new(args, kwargs, None)?)
    }

    /// `get_best_epoch_status(arch, task, metric)`: the epoch status at the first epoch where
    /// `metric` is best.
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, arch, task, metric)")]
    fn get_best_epoch_status<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.dispatch(py, "get_best_epoch_status", &Call::new(args, kwargs, None)?)
    }

    /// `get_arch_list(search_space)`: the archs of a search space in file order (a fresh list).
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, search_space)")]
    fn get_arch_list<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.dispatch(py, "get_arch_list", &Call::new(args, kwargs, None)?)
    }

    /// `get_best_archs(task, metric, search_space, topk=1)`: the `topk` best `(value, arch)`
    /// tuples of a space by the metric's best value, ordered as `sorted(..., reverse=True)`.
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, task, metric, search_space, topk=1)")]
    fn get_best_archs<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.dispatch(py, "get_best_archs", &Call::new(args, kwargs, Some((3, "topk")))?)
    }

    /// `metric_array(task, metric, mode="best", search_space=None)`: the metric for every arch
    /// (of the space, or all in file order) as a float64 `numpy.ndarray`, bit-equal to calling
    /// `get_single_metric(arch, task, metric, mode)` for each. Raises what the first failing
    /// per-arch call raises; a value that is not a number raises `TypeError`. Imports numpy.
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, task, metric, mode='best', search_space=None)")]
    fn metric_array<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let p = bind("metric_array", &["task", "metric", "mode", "search_space"], 2, args, kwargs)?;
        let vals = |i: usize| p[i].as_ref().map(val).transpose();
        let (task, metric) = (vals(0)?.unwrap_or(Val::None), vals(1)?.unwrap_or(Val::None));
        let mode = vals(2)?.unwrap_or(Val::Str(Cow::Borrowed("best")));
        // `search_space=None` means every arch (given explicitly or not).
        let space = vals(3)?.filter(|s| !matches!(s, Val::None));
        let values = self.metric_values(&task, &metric, &mode, space.as_ref())?;
        let frombuffer = NUMPY_FROMBUFFER.get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("numpy")?.getattr("frombuffer")?.unbind())
        })?;
        // One copy into a bytearray that the array then owns (writable, unlike bytes).
        let buf = PyByteArray::new_with(py, values.len() * 8, |b| {
            for (chunk, v) in b.chunks_exact_mut(8).zip(&values) {
                chunk.copy_from_slice(&v.to_ne_bytes());
            }
            Ok(())
        })?;
        frombuffer.bind(py).call1((buf, "float64"))
    }

    /// Checks the archive's payload checksum (one pass over the file): `tnb.FormatError` if the
    /// bytes changed since they were written. Opening validates structure, not every value's bits.
    fn verify(&self, py: Python<'_>) -> PyResult<()> {
        let store = &self.store;
        py.detach(|| store.verify_checksum()).map_err(|e| FormatError::new_err(e.to_string()))
    }

    /// Pickles as the path and the archive's identity: unpickling reopens (maps) the file and
    /// refuses one whose identity differs.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let api = slf.get();
        let reopen = py.import("tnb._tnb")?.getattr("_reopen")?;
        let verbose = api.verbose.get(py, || Ok(py.None()))?;
        let args = (api.path.clone(), api.identity.clone(), api.mmap, verbose, slf.get_type());
        Ok(PyTuple::new(py, [reopen, args.into_pyobject(py)?.into_any()])?.into_any())
    }

    /// The path opened (absolute).
    #[getter]
    fn path(&self) -> PathBuf {
        self.path.clone()
    }

    /// `'archive'` for a `.tnb`, `'source'` for a `.pth` converted in memory.
    #[getter]
    fn kind(&self) -> &'static str {
        match self.kind {
            Kind::Archive => "archive",
            Kind::Source => "source",
        }
    }

    /// As given to the constructor (unused, as officially).
    #[getter]
    fn get_verbose(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.verbose.get(py, || Ok(PyBool::new(py, false).to_owned().into_any().unbind()))
    }

    #[setter]
    fn set_verbose(&self, value: Py<PyAny>) {
        self.verbose.set(value);
    }

    /// `{task: [metric names]}`.
    #[getter]
    fn get_metrics_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.metrics_dict.get(py, || self.stored(py, self.store.metrics_dict()))
    }

    #[setter]
    fn set_metrics_dict(&self, value: Py<PyAny>) {
        self.metrics_dict.set(value);
    }

    /// The model-info names.
    #[getter]
    fn get_info_names(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.info_names.get(py, || self.stored(py, self.store.info_names()))
    }

    #[setter]
    fn set_info_names(&self, value: Py<PyAny>) {
        self.info_names.set(value);
    }

    /// The tasks.
    #[getter]
    fn get_task_list(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.task_list.get(py, || self.stored(py, self.store.task_list()))
    }

    #[setter]
    fn set_task_list(&self, value: Py<PyAny>) {
        self.task_list.set(value);
    }

    /// The search spaces, in file order.
    #[getter]
    fn get_search_spaces(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.search_spaces.get(py, || self.attribute(py, "search_spaces"))
    }

    #[setter]
    fn set_search_spaces(&self, value: Py<PyAny>) {
        self.search_spaces.set(value);
    }

    /// `{space: [archs in file order]}` (built on first access).
    #[getter]
    fn get_all_arch_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.all_arch_dict.get(py, || self.attribute(py, "all_arch_dict"))
    }

    #[setter]
    fn set_all_arch_dict(&self, value: Py<PyAny>) {
        self.all_arch_dict.set(value);
    }

    /// `{arch: space}` in file order (built on first access).
    #[getter]
    fn get_arch2space(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.arch2space.get(py, || self.build_arch2space(py))
    }

    #[setter]
    fn set_arch2space(&self, value: Py<PyAny>) {
        self.arch2space.set(value);
    }

    /// `{space: {arch: ArchResult}}` (built on first access; each `ArchResult`'s tasks are built
    /// when read, as `get_arch_result`'s).
    #[getter]
    fn get_data(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        slf.get().data.get(slf.py(), || Self::build_data(slf))
    }

    #[setter]
    fn set_data(&self, value: Py<PyAny>) {
        self.data.set(value);
    }

    /// The whole source object as Python values (built on first access), as `torch.load`
    /// returned it with tensors as lists and numpy scalars as Python numbers. An object the
    /// source references several times is one object here too (`d[0] is d[1]`), so a small
    /// archive that shares one list many times stays small in memory.
    #[getter]
    fn get_database(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.database
            .get(py, || Ok(walk_shared(py, &self.store, Memo::new(), Part::Document)?.0.unbind()))
    }

    #[setter]
    fn set_database(&self, value: Py<PyAny>) {
        self.database.set(value);
    }
}
