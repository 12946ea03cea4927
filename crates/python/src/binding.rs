//! The PyO3 binding: `tnb._tnb`, re-exported by the `tnb` package (`python/tnb/__init__.py`).
//!
//! Every method of the official class is answered by `tnb_api::call`, which binds arguments and
//! checks them in the official order; this module only converts Python arguments into
//! [`Arg`]s, the answer's events into Python objects ([`Builder`]), and an [`ApiError`] into the
//! exception class the official class raises.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Mutex;

use pyo3::exceptions::{
    PyAssertionError, PyAttributeError, PyFileNotFoundError, PyIndexError, PyKeyError, PyTypeError,
    PyValueError,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PySet, PySlice,
    PyString, PyTuple,
};
use tnb_api::{ApiError, Arg, CallError, Event, Exc, Seq};

use crate::array;
use crate::open::{self, Archive, Kind};

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

// ---------------------------------------------------------------------------------------------
// Arguments

/// A Python argument, classified the way `Arg` needs it; strings are held here so that the
/// `Arg`s can borrow them.
enum Val<'py> {
    None,
    Bool(bool),
    Int(i64),
    BigInt(bool),
    Float(f64),
    Str(Cow<'py, str>),
    Hashable,
    Unhashable,
}

impl Val<'_> {
    fn arg(&self) -> Arg<'_> {
        match self {
            Val::None => Arg::None,
            Val::Bool(b) => Arg::Bool(*b),
            Val::Int(i) => Arg::Int(*i),
            Val::BigInt(negative) => Arg::BigInt { negative: *negative },
            Val::Float(f) => Arg::Float(*f),
            Val::Str(s) => Arg::Str(s),
            Val::Hashable => Arg::Hashable,
            Val::Unhashable => Arg::Unhashable,
        }
    }
}

/// Classifies `obj` as Python's checks in the official class would see it: `bool` before
/// `int` (a bool is an int, but `Arg` keeps it apart), ints beyond 64 bits by sign, and every
/// other object by whether it can be a dict key.
fn val<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Val<'py>> {
    if let Ok(s) = obj.cast::<PyString>() {
        // A copy on abi3 before 3.10 (no borrowed UTF-8 in the limited API there).
        return Ok(Val::Str(s.to_cow()?.into_owned().into()));
    }
    if obj.is_none() {
        return Ok(Val::None);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Val::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(match obj.extract::<i64>() {
            Ok(i) => Val::Int(i),
            Err(_) => Val::BigInt(obj.lt(0)?),
        });
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Val::Float(f.value()));
    }
    Ok(if obj.hash().is_ok() { Val::Hashable } else { Val::Unhashable })
}

/// An index or slice bound as Python's list indexing takes it: anything with `__index__`
/// (numpy integers too) is an int there, though not an `isinstance(x, int)`.
fn index_val<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Val<'py>> {
    let v = val(obj)?;
    if matches!(v, Val::Hashable) {
        let py = obj.py();
        if let Ok(i) = py.import("operator")?.call_method1("index", (obj,)) {
            return val(&i);
        }
    }
    Ok(v)
}

// ---------------------------------------------------------------------------------------------
// Results

/// A container being built.
enum Frame<'py> {
    Seq(Seq, Vec<Bound<'py, PyAny>>),
    Map(Bound<'py, PyDict>, Option<Bound<'py, PyAny>>),
}

/// Builds one Python object from a call's events: containers on a stack, scalars straight into
/// their parent (or as the result).
struct Builder<'py> {
    py: Python<'py>,
    stack: Vec<Frame<'py>>,
    result: Option<Bound<'py, PyAny>>,
}

impl<'py> Builder<'py> {
    fn new(py: Python<'py>) -> Self {
        Builder { py, stack: Vec::new(), result: None }
    }

    fn event(&mut self, e: Event<'_>) -> PyResult<()> {
        let py = self.py;
        let obj = match e {
            Event::Null => py.None().into_bound(py),
            Event::Bool(b) => PyBool::new(py, b).to_owned().into_any(),
            Event::Int(i) => i.into_pyobject(py)?.into_any(),
            Event::UInt(u) => u.into_pyobject(py)?.into_any(),
            Event::Float(f) => PyFloat::new(py, f).into_any(),
            Event::Str(s) => PyString::new(py, s).into_any(),
            Event::Bytes(b) => PyBytes::new(py, b).into_any(),
            Event::BeginSeq(kind) => {
                self.stack.push(Frame::Seq(kind, Vec::new()));
                return Ok(());
            }
            Event::BeginMap => {
                self.stack.push(Frame::Map(PyDict::new(py), None));
                return Ok(());
            }
            Event::End => match self.stack.pop() {
                Some(Frame::Seq(kind, items)) => match kind {
                    Seq::List => PyList::new(py, items)?.into_any(),
                    Seq::Tuple => PyTuple::new(py, items)?.into_any(),
                    Seq::Set => PySet::new(py, items)?.into_any(),
                    Seq::FrozenSet => PyFrozenSet::new(py, items)?.into_any(),
                },
                Some(Frame::Map(d, _)) => d.into_any(),
                None => return Err(FormatError::new_err("unbalanced answer from the archive")),
            },
        };
        self.put(obj)
    }

    fn put(&mut self, obj: Bound<'py, PyAny>) -> PyResult<()> {
        match self.stack.last_mut() {
            None => self.result = Some(obj),
            Some(Frame::Seq(_, items)) => items.push(obj),
            Some(Frame::Map(d, key)) => match key.take() {
                None => *key = Some(obj),
                Some(k) => d.set_item(k, obj)?,
            },
        }
        Ok(())
    }

    fn finish(self) -> PyResult<Bound<'py, PyAny>> {
        match (self.stack.is_empty(), self.result) {
            (true, Some(r)) => Ok(r),
            _ => Err(FormatError::new_err("incomplete answer from the archive")),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The class

/// An attribute built on first access and cached; assignable, like the official class's plain
/// attributes (assigning does not change what the methods answer: they read the archive).
struct Slot(Mutex<Option<Py<PyAny>>>);

impl Slot {
    fn new() -> Self {
        Slot(Mutex::new(None))
    }

    fn get(
        &self,
        py: Python<'_>,
        build: impl FnOnce() -> PyResult<Py<PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        if let Some(v) = self.0.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            return Ok(v.clone_ref(py));
        }
        // Built without the lock held: building runs Python code (allocations can trigger the
        // garbage collector), and two threads racing here both build; the first one stored wins.
        let built = build()?;
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        Ok(slot.get_or_insert(built).clone_ref(py))
    }

    fn set(&self, value: Py<PyAny>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(value);
    }
}

/// TransNAS-Bench-101's API, answered from a `.tnb` archive (or a `.pth` converted in memory).
///
/// `TransNASBenchAPI(database_path, verbose=False, *, mmap=True)`: `database_path` (str or
/// os.PathLike) is a `.tnb` archive or the benchmark's original `.pth`/pickle, told apart by
/// content. A `.pth` is read without executing anything and converted in memory (about 0.6 s
/// for the full benchmark; the GIL is released meanwhile). A missing file raises
/// `FileNotFoundError`; anything unreadable, corrupted or not benchmark-shaped raises
/// `tnb.FormatError` (a `ValueError`).
///
/// An archive is memory-mapped (`mmap=True`), so that every process opening it shares one copy
/// of its pages. The file must then not be modified in place or truncated while this object
/// (or a copy unpickled in another process) uses it; tnb writes archives by renaming a new file
/// over the old one, which is safe. `mmap=False` reads a private copy instead.
///
/// Methods and attributes are the official class's, with the same arguments, defaults, return
/// types, float bits and exception classes. One documented difference: where the official
/// class returns its internal lists or dicts (`get_arch_list`, `get_single_metric(mode='list')`,
/// `get_arch_result(...).all_results`), this returns fresh ones, so mutating them changes
/// nothing here.
#[pyclass(module = "tnb", name = "TransNASBenchAPI", frozen, subclass, dict)]
pub struct Api {
    store: Archive,
    /// The absolute path opened, for pickling.
    path: PathBuf,
    kind: Kind,
    mmap: bool,
    identity: String,
    verbose: Slot,
    metrics_dict: Slot,
    info_names: Slot,
    task_list: Slot,
    search_spaces: Slot,
    all_arch_dict: Slot,
    arch2space: Slot,
    data: Slot,
    database: Slot,
}

static ARCH_RESULT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static NUMPY_FROMBUFFER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `tnb.ArchResult` (defined in Python: a plain class, as the official one).
fn arch_result_class(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    ARCH_RESULT
        .get_or_try_init(py, || Ok::<_, PyErr>(py.import("tnb")?.getattr("ArchResult")?.unbind()))
        .map(|c| c.bind(py))
}

impl Api {
    fn open(
        py: Python<'_>,
        path: PathBuf,
        verbose: Py<PyAny>,
        mmap: bool,
        expect: Option<&str>,
    ) -> PyResult<Api> {
        let path = std::path::absolute(&path).unwrap_or(path);
        let opened = py.detach(|| open::open(&path, mmap));
        let (store, kind) = opened.map_err(|e| match e {
            open::OpenError::NotFound(m) => PyFileNotFoundError::new_err(m),
            open::OpenError::Format(m) => FormatError::new_err(m),
        })?;
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
        })
    }

    /// `method(*args)` through `tnb_api::call`, the answer as one Python object.
    fn call<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        args: &[Val<'_>],
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut b = Builder::new(py);
        let args: Vec<Arg<'_>> = args.iter().map(Val::arg).collect();
        tnb_api::call(&self.store, method, &args, &[], &mut |e| b.event(e)).map_err(call_error)?;
        b.finish()
    }

    /// `method(*args, **kwargs)` through `tnb_api::call`.
    fn dispatch<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        c: &Call<'_>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut b = Builder::new(py);
        let args: Vec<Arg<'_>> = c.pos.iter().map(Val::arg).collect();
        let kwargs: Vec<(&str, Arg<'_>)> =
            c.kw.iter().map(|(k, v)| (k.as_str(), v.arg())).collect();
        tnb_api::call(&self.store, method, &args, &kwargs, &mut |e| b.event(e))
            .map_err(call_error)?;
        b.finish()
    }

    /// Calls that check arguments only: the exception the call raises, if any.
    fn check(&self, method: &str, args: &[Val<'_>]) -> Result<(), ApiError> {
        let args: Vec<Arg<'_>> = args.iter().map(Val::arg).collect();
        match tnb_api::call(&self.store, method, &args, &[], &mut |_| Ok::<(), ()>(())) {
            Err(CallError::Api(e)) => Err(e),
            _ => Ok(()),
        }
    }

    /// `ArchResult(arch2index(arch), arch, result dict)`.
    fn arch_result<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        result: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let index = self
            .store
            .arch(name)
            .map_err(|e| FormatError::new_err(format!("arch {name} has no index: {e}")))?
            .index();
        arch_result_class(py)?.call1((index, name, result))
    }

    fn attribute(&self, py: Python<'_>, method: &str) -> PyResult<Py<PyAny>> {
        Ok(self.call(py, method, &[])?.unbind())
    }

    /// `arch2space` built from `all_arch_dict` as the official class merges it: a name found
    /// in two spaces keeps its first position and takes the later space.
    fn build_arch2space(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
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
    fn build_data(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let data = PyDict::new(py);
        for space in self.store.search_spaces() {
            data.set_item(space, PyDict::new(py))?;
        }
        let arch2space = self.arch2space.get(py, || self.build_arch2space(py))?;
        for (arch, space) in arch2space.bind(py).cast::<PyDict>()?.iter() {
            let name = arch.cast::<PyString>()?.to_cow()?.into_owned();
            let result = self.call(py, "get_arch_result", &[Val::Str(Cow::Borrowed(&name))])?;
            let wrapped = self.arch_result(py, &name, result)?;
            match data.get_item(&space)? {
                Some(d) => d.set_item(&arch, wrapped)?,
                None => return Err(FormatError::new_err("an arch's space is not a search space")),
            }
        }
        Ok(data.into_any().unbind())
    }

    /// The values of `metric_array`, by the fast loop when the arguments are plain, else arch
    /// by arch through `tnb_api::call`.
    fn metric_values(
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

/// Binds `args`/`kwargs` to `names` as Python binds a call (the first `required` names have no
/// default); `None` for a parameter not given. For this module's own signatures; the official
/// methods' binding is `tnb_api::call`'s.
fn bind<'py>(
    method: &str,
    names: &[&str],
    required: usize,
    args: &Bound<'py, PyTuple>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Vec<Option<Bound<'py, PyAny>>>> {
    if args.len() > names.len() {
        return Err(PyTypeError::new_err(format!(
            "{method}() takes {} positional arguments but {} were given",
            names.len(),
            args.len()
        )));
    }
    let mut out: Vec<Option<Bound<'py, PyAny>>> = args.iter().map(Some).collect();
    out.resize(names.len(), None);
    if let Some(kw) = kwargs {
        for (k, v) in kw.iter() {
            let k = k.cast::<PyString>()?.to_cow()?.into_owned();
            let Some(i) = names.iter().position(|n| *n == k) else {
                return Err(PyTypeError::new_err(format!(
                    "{method}() got an unexpected keyword argument '{k}'"
                )));
            };
            if out[i].is_some() {
                return Err(PyTypeError::new_err(format!(
                    "{method}() got multiple values for argument '{k}'"
                )));
            }
            out[i] = Some(v);
        }
    }
    if let Some(i) = out[..required].iter().position(Option::is_none) {
        return Err(PyTypeError::new_err(format!(
            "{method}() missing required argument: '{}'",
            names[i]
        )));
    }
    Ok(out)
}

/// A parameter whose default differs from every value a caller can pass: `mode` defaults to
/// `'best'`, while an explicit `mode=None` raises `ValueError`, so `Option` cannot stand for it.
enum Given<'py> {
    /// Not passed.
    Default,
    /// Passed (possibly `None`).
    Value(Bound<'py, PyAny>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for Given<'py> {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> Result<Self, Self::Error> {
        Ok(Given::Value(obj.to_owned()))
    }
}

/// Python arguments converted for `tnb_api::call`; `index` names the parameter (position and
/// keyword) that Python's list indexing reads, where `__index__` objects count as ints.
struct Call<'py> {
    pos: Vec<Val<'py>>,
    kw: Vec<(String, Val<'py>)>,
}

impl<'py> Call<'py> {
    fn new(
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
        index: Option<(usize, &str)>,
    ) -> PyResult<Self> {
        let mut pos = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            pos.push(if index.is_some_and(|(p, _)| p == i) { index_val(&a)? } else { val(&a)? });
        }
        let mut kw = Vec::new();
        if let Some(d) = kwargs {
            for (k, v) in d.iter() {
                let k = k.cast::<PyString>()?.to_cow()?.into_owned();
                let v = if index.is_some_and(|(_, n)| n == k) { index_val(&v)? } else { val(&v)? };
                kw.push((k, v));
            }
        }
        Ok(Call { pos, kw })
    }

    /// The argument bound to parameter `position`/`name`, if given.
    fn get(&self, position: usize, name: &str) -> Option<&Val<'py>> {
        self.pos.get(position).or_else(|| self.kw.iter().find(|(k, _)| k == name).map(|(_, v)| v))
    }
}

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
        let tasks = api.call(py, "task_list", &[])?.len()?;
        let name = slf.get_type().name()?;
        Ok(format!("{name}({} architectures/{tasks} tasks)", api.store.len()))
    }

    /// `ArchResult` of the arch at `index` (Python list indexing; a fresh copy each time).
    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        index: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let name = self.call(py, "index2arch", &[index_val(index)?])?;
        let name = name.cast::<PyString>()?.to_cow()?.into_owned();
        let result = self.call(py, "get_arch_result", &[Val::Str(Cow::Borrowed(&name))])?;
        self.arch_result(py, &name, result)
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
                names.append(self.call(py, "index2arch", &[Val::Int(at as i64)])?)?;
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

    /// `get_arch_result(arch)`: the arch's `ArchResult` (results of every task).
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, arch)")]
    fn get_arch_result<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let call = Call::new(args, kwargs, None)?;
        let result = self.dispatch(py, "get_arch_result", &call)?;
        match call.get(0, "arch") {
            Some(Val::Str(name)) => self.arch_result(py, name, result),
            _ => Err(PyKeyError::new_err("arch must be a str")),
        }
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
        match mode {
            // `mode='best'` written in a script is CPython's interned constant: one pointer
            // comparison instead of a copy of the string.
            Given::Default => self.call(py, "get_single_metric", &[a, t, m]),
            Given::Value(mode) if mode.is(pyo3::intern!(py, "best")) => {
                self.call(py, "get_single_metric", &[a, t, m])
            }
            Given::Value(mode) => self.call(py, "get_single_metric", &[a, t, m, val(&mode)?]),
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
        self.metrics_dict.get(py, || self.attribute(py, "metrics_dict"))
    }

    #[setter]
    fn set_metrics_dict(&self, value: Py<PyAny>) {
        self.metrics_dict.set(value);
    }

    /// The model-info names.
    #[getter]
    fn get_info_names(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.info_names.get(py, || self.attribute(py, "info_names"))
    }

    #[setter]
    fn set_info_names(&self, value: Py<PyAny>) {
        self.info_names.set(value);
    }

    /// The tasks.
    #[getter]
    fn get_task_list(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.task_list.get(py, || self.attribute(py, "task_list"))
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

    /// `{space: {arch: ArchResult}}` (built on first access: every value as a Python object).
    #[getter]
    fn get_data(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.data.get(py, || self.build_data(py))
    }

    #[setter]
    fn set_data(&self, value: Py<PyAny>) {
        self.data.set(value);
    }

    /// The whole source object as Python values (built on first access), as `torch.load`
    /// returned it with tensors as lists and numpy scalars as Python numbers.
    #[getter]
    fn get_database(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.database.get(py, || {
            let mut b = Builder::new(py);
            tnb_api::walk::document(&self.store, &mut |e| b.event(e)).map_err(|e| match e {
                tnb_api::WalkError::Sink(e) => e,
                tnb_api::WalkError::Query(q) => FormatError::new_err(q.to_string()),
                _ => FormatError::new_err("the archive walk failed"),
            })?;
            Ok(b.finish()?.unbind())
        })
    }

    #[setter]
    fn set_database(&self, value: Py<PyAny>) {
        self.database.set(value);
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

/// `convert(source, archive)`: converts a benchmark `.pth` (or pickle) into a `.tnb` archive,
/// atomically (a new file renamed over `archive`), as `tnb convert` does. Nothing in the source
/// is executed; the GIL is released meanwhile. `FileNotFoundError` for a missing source,
/// `tnb.FormatError` for anything else that fails.
#[pyfunction]
fn convert(py: Python<'_>, source: PathBuf, archive: PathBuf) -> PyResult<()> {
    if !source.exists() {
        return Err(PyFileNotFoundError::new_err(format!("no such file: {}", source.display())));
    }
    py.detach(|| tnb_convert::convert_file(&source, &archive, &mut |_| {}))
        .map(|_| ())
        .map_err(|e| FormatError::new_err(format!("{}: {e}", source.display())))
}

/// The extension module `tnb._tnb` (the `tnb` package re-exports it).
#[pymodule]
fn _tnb(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Api>()?;
    m.add("FormatError", m.py().get_type::<FormatError>())?;
    m.add_function(wrap_pyfunction!(_reopen, m)?)?;
    m.add_function(wrap_pyfunction!(convert, m)?)?;
    Ok(())
}
