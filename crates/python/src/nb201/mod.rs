//! NAS-Bench-201 for Python: `tnb._tnb.NB201Store`, the Rust half of `tnb.NASBench201API`
//! (`python/tnb/nas201.py`).
//!
//! The Python class owns everything a Python object owns (printing, Python's `random`, the
//! attributes a user can change, the `ArchResults` objects once built); this store answers the
//! hot queries from the benchmark through `tnb_nb201_api`'s semantics, and builds an
//! architecture's official state dicts when Python asks for its objects. A fast path answers
//! only what it can answer without printing or drawing: on any failure it returns `None`, and
//! the Python class then runs the official steps over freshly built objects, which raise
//! exactly what the official class raises (so no error path needs a Rust twin here).

mod best;
pub(crate) mod state;
pub(crate) mod value;

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyByteArray, PyDict, PyFloat, PyInt, PyString, PyTuple};
use tnb_nb201_api::{
    Arg, Hp, Io, Nb201, NoDraw, PySum, ResultsRef, Session, Source, StoreSource, call_results,
};
use tnb_nb201_store::{Archive, Buffer};

use crate::binding::FormatError;

/// The opened archives, by file identity: each is kept for the process's life (the query
/// source borrows it), so opening the same file again reuses it instead of keeping a copy.
static OPENED: Mutex<Vec<(Identity, &'static Archive)>> = Mutex::new(Vec::new());

/// A file's identity: path, size and modification time.
type Identity = (PathBuf, u64, Option<std::time::SystemTime>);

/// The source the semantics read, over an archive kept for the process's life.
pub(crate) type Src = StoreSource<'static, Buffer>;

/// Runs `$body` with `$s` bound to the store's source (a fresh one if the shared one is busy,
/// e.g. re-entered from a finalizer while building Python objects).
macro_rules! with_src {
    ($store:expr, $s:ident => $body:expr) => {{
        let fresh;
        let guard = $store.src.try_lock();
        let $s: &Src = match &guard {
            Ok(g) => g,
            Err(_) => {
                fresh = StoreSource::new($store.archive).map_err(|e| FormatError::new_err(e.0))?;
                &fresh
            }
        };
        let out = $body;
        if let Some(m) = $s.failure() {
            return Err(FormatError::new_err(format!("corrupted NB201 archive: {m}")));
        }
        out
    }};
}

/// An opened NAS-Bench-201 benchmark: the benchmark side of `tnb.NASBench201API`.
#[pyclass(module = "tnb._tnb", name = "NB201Store", frozen)]
pub struct Store {
    archive: &'static Archive,
    src: Mutex<Src>,
    /// Which built-in `sum` the running interpreter has.
    sum: PySum,
    /// The `arch2infos` keys, ascending (the official constructor sorts them): listed on first
    /// need, not at open (probing every index is most of an open's work otherwise).
    keys: OnceLock<Vec<i64>>,
    /// `archstr2index` as a Python dict, built on the first lookup (Python's own str hashing:
    /// the fastest lookup from a Python str).
    names: PyOnceLock<Py<PyDict>>,
    /// `find_best`'s per-architecture (flops, params, accuracy) columns, per query kind.
    best: Mutex<best::Cache>,
}

/// A Python argument as the semantics take it, for the plain kinds only (`None` otherwise:
/// the fast path then declines). A `str` is copied into `text`.
pub(crate) fn plain_arg<'a>(o: &Bound<'_, PyAny>, text: &'a mut String) -> Option<Arg<'a>> {
    if o.is_none() {
        return Some(Arg::None);
    }
    if let Ok(b) = o.cast_exact::<PyBool>() {
        return Some(Arg::Bool(b.is_true()));
    }
    if o.is_exact_instance_of::<PyInt>() {
        return o.extract::<i64>().ok().map(Arg::Int);
    }
    if o.is_exact_instance_of::<PyFloat>() {
        return o.extract::<f64>().ok().map(Arg::Float);
    }
    if let Ok(s) = o.cast_exact::<PyString>() {
        *text = s.to_cow().ok()?.into_owned();
        return Some(Arg::Str(text.as_str()));
    }
    None
}

/// No printing, no drawing: the Python class has done both before a fast path runs.
fn quiet<R>(f: impl FnOnce(&mut Io<'_>) -> R) -> R {
    let mut draw = NoDraw;
    let mut print = |_: &str| {};
    let mut io = Io { draw: &mut draw, print: &mut print };
    f(&mut io)
}

/// Converts the `.pth` (or pickle) at `src` into the NB201 archive `dst` (streamed: memory
/// bounded by one architecture's entry; nothing executed; written atomically).
fn convert_to(src: &std::path::Path, dst: &std::path::Path) -> Result<(), String> {
    let limits = tnb_pth::StreamLimits::default();
    // The archive is opened (and so validated) right after by the caller.
    let accept = |_: &std::path::Path| Ok(());
    tnb_nb201_convert::convert_file(src, dst, &limits, &mut |_, _, _| {}, &accept)
        .map(drop)
        .map_err(|e| format!("{}: {e}", src.display()))
}

/// A `.pth` converted into a temporary archive, mapped, and the file removed (the mapping
/// keeps its pages): memory is the archive's, never the pickle's objects.
fn convert(path: &std::path::Path) -> Result<Archive, String> {
    let dir = std::env::temp_dir();
    let tmp = dir.join(format!(
        "tnb-nb201-{}-{}.tmp",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let done = convert_to(path, &tmp).and_then(|()| {
        crate::map::open_nb201(&tmp).map_err(|e| format!("{}: {e}", path.display()))
    });
    let _ = std::fs::remove_file(&tmp);
    done
}

/// `nb201_convert(source, archive)`: writes the NB201 archive of a benchmark `.pth` (read
/// without executing anything, streamed), atomically (a new file renamed over `archive`).
#[pyfunction]
pub(crate) fn nb201_convert(py: Python<'_>, source: PathBuf, archive: PathBuf) -> PyResult<()> {
    py.detach(|| convert_to(&source, &archive)).map_err(FormatError::new_err)
}

/// Opens `path`: an NB201 archive is mapped, anything else converted in memory. Kept for the
/// process's life (see [`OPENED`]).
fn open(path: &std::path::Path) -> Result<&'static Archive, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let id: Identity = (
        std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
        meta.len(),
        meta.modified().ok(),
    );
    let mut opened = OPENED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, a)) = opened.iter().find(|(k, _)| *k == id) {
        return Ok(a);
    }
    let mut head = [0u8; 8];
    let is_archive = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && head == tnb_schema::header::MAGIC;
    let archive = if is_archive {
        crate::map::open_nb201(path).map_err(|e| format!("{shown}: {e}"))?
    } else {
        convert(path)?
    };
    let archive: &'static Archive = Box::leak(Box::new(archive));
    opened.push((id, archive));
    Ok(archive)
}

impl Store {
    fn nb<'s, S: Source>(&self, s: &'s S) -> Nb201<'s, S> {
        Nb201::new(s, self.sum, false)
    }

    /// The `arch2infos` keys (listed on the first call).
    fn keys(&self) -> PyResult<&Vec<i64>> {
        if let Some(k) = self.keys.get() {
            return Ok(k);
        }
        let keys: Vec<i64> = with_src!(self, s => (0..s.num_archs() as i64)
            .filter(|&i| s.results(i, Hp::Less).is_some())
            .collect());
        Ok(self.keys.get_or_init(|| keys))
    }

    /// `archstr2index` as a Python dict (built on the first call).
    fn name_dict<'py>(&self, py: Python<'py>) -> PyResult<&Py<PyDict>> {
        self.names.get_or_try_init(py, || -> PyResult<Py<PyDict>> {
            let d = PyDict::new(py);
            with_src!(self, s => {
                for i in 0..s.num_archs() {
                    d.set_item(s.meta_arch(i).unwrap_or(""), i)?;
                }
            });
            Ok(d.unbind())
        })
    }
}

#[pymethods]
impl Store {
    /// Opens `path` (read without executing anything).
    #[new]
    fn new(py: Python<'_>, path: PathBuf) -> PyResult<Store> {
        let archive = py.detach(|| open(&path)).map_err(FormatError::new_err)?;
        let src = StoreSource::new(archive).map_err(|e| FormatError::new_err(e.0))?;
        let info = py.version_info();
        let sum = PySum::for_version(info.major.into(), info.minor.into());
        Ok(Store {
            archive,
            src: Mutex::new(src),
            sum,
            keys: OnceLock::new(),
            names: PyOnceLock::new(),
            best: Mutex::new(best::Cache::default()),
        })
    }

    /// Whether this build opens NB201 archives (and writes them: `nb201_convert`).
    #[classattr]
    const ARCHIVES: bool = true;

    /// `len(meta_archs)`.
    fn num_archs(&self) -> PyResult<usize> {
        Ok(with_src!(self, s => s.num_archs()))
    }

    /// `meta_archs[i]` (0 <= i < len).
    fn arch_str(&self, i: usize) -> PyResult<String> {
        with_src!(self, s => s.meta_arch(i).map(str::to_owned))
            .ok_or_else(|| pyo3::exceptions::PyIndexError::new_err("list index out of range"))
    }

    /// A new list of every arch string.
    fn meta_archs(&self) -> PyResult<Vec<String>> {
        Ok(
            with_src!(self, s => (0..s.num_archs()).filter_map(|i| s.meta_arch(i).map(str::to_owned)).collect()),
        )
    }

    /// `archstr2index.get(name, default)` for a str `name`.
    #[pyo3(signature = (name, default = -1))]
    fn index_of<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyAny>,
        default: i64,
    ) -> PyResult<Bound<'py, PyAny>> {
        match self.name_dict(py)?.bind(py).get_item(name)? {
            Some(i) => Ok(i),
            None => Ok(default.into_pyobject(py)?.into_any()),
        }
    }

    /// The `arch2infos` keys, ascending.
    fn arch_keys(&self) -> PyResult<Vec<i64>> {
        Ok(self.keys()?.clone())
    }

    /// `len(arch2infos)`.
    fn num_keys(&self) -> PyResult<usize> {
        Ok(self.keys()?.len())
    }

    /// `index in arch2infos_dict` for an int `index`.
    fn has_arch(&self, index: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(match index.extract::<i64>() {
            Ok(i) => with_src!(self, s => s.results(i, Hp::Less).is_some()),
            Err(_) => false,
        })
    }

    /// `len(evaluated_indexes)`.
    fn num_evaluated(&self) -> PyResult<usize> {
        Ok(with_src!(self, s => s.evaluated_len()))
    }

    /// A new sorted list of the evaluated indexes.
    fn evaluated_indexes(&self) -> PyResult<Vec<i64>> {
        Ok(with_src!(self, s => (0..s.evaluated_len()).map(|k| s.evaluated(k)).collect()))
    }

    /// `{'full': ArchResults state, 'less': ArchResults state}` of arch `index`, as the
    /// benchmark file holds them (fresh objects).
    fn arch_state<'py>(&self, py: Python<'py>, index: i64) -> PyResult<Bound<'py, PyDict>> {
        with_src!(self, s => state::arch_state(py, s, index))
    }

    /// `arch2infos_dict[index][hp].dataset_seed[dataset]` (a new list), None if absent.
    fn seeds(&self, index: i64, hp: &str, dataset: &str) -> PyResult<Option<Vec<i64>>> {
        let Some(hp) = Hp::from_key(hp) else { return Ok(None) };
        Ok(with_src!(self, s => (|| {
            let r = s.results(index, hp)?;
            let d = s.find_dataset(r, dataset)?;
            Some((0..s.seed_count(r, d)).map(|k| s.seed(r, d, k)).collect())
        })()))
    }

    /// `get_more_info(index, dataset, iepoch, hp, is_random)` after the draw (`is_random` is
    /// False or a seed); None when the official steps must run in Python.
    fn more_info<'py>(
        &self,
        py: Python<'py>,
        index: i64,
        hp: &str,
        dataset: &str,
        iepoch: &Bound<'py, PyAny>,
        is_random: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let (mut t1, mut t2) = (String::new(), String::new());
        let (Some(iepoch), Some(is_random)) =
            (plain_arg(iepoch, &mut t1), plain_arg(is_random, &mut t2))
        else {
            return Ok(None);
        };
        let answer = with_src!(self, s => quiet(|io| {
            self.nb(s).get_more_info(
                Arg::Int(index), Arg::Str(dataset), Some(iepoch), Some(Arg::Str(hp)), Some(is_random), io,
            )
        }));
        match answer {
            Ok(v) => value::to_py(py, &v),
            Err(_) => Ok(None),
        }
    }

    /// `archstr2index` as a dict of the store's own (built on the first call; never to be
    /// changed): the Python class looks str names up with its `get`, the fastest lookup there is.
    fn name_index<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        Ok(self.name_dict(py)?.bind(py).clone())
    }

    /// All of `get_more_info`'s fast path in one call, for an int `index` the archive answers:
    /// the official checks, the draw (`random.choice(seeds)`, `random` being Python's module,
    /// read only to draw, when `is_random` is True) and the answer. Returns the answer dict; `None` when it declined before drawing
    /// anything (the Python class then runs the official steps, which raise what they raise);
    /// `(seed,)` when it drew `seed` but the answer needs the official steps over Python objects.
    #[allow(clippy::too_many_arguments)]
    fn more_info_fast<'py>(
        &self,
        py: Python<'py>,
        index: i64,
        dataset: &Bound<'py, PyAny>,
        iepoch: &Bound<'py, PyAny>,
        hp: &Bound<'py, PyAny>,
        is_random: &Bound<'py, PyAny>,
        random: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let (Ok(dataset), Ok(hp)) = (dataset.cast_exact::<PyString>(), hp.cast_exact::<PyString>())
        else {
            return Ok(None);
        };
        let (dataset, hp) = (dataset.to_cow()?, hp.to_cow()?);
        let (dataset, hp) = (&*dataset, &*hp);
        let Some(h) = Hp::from_key(hp) else { return Ok(None) };
        let mut t1 = String::new();
        let Some(iepoch) = plain_arg(iepoch, &mut t1) else { return Ok(None) };
        if !matches!(iepoch, Arg::None | Arg::Int(_)) {
            return Ok(None);
        }
        let draw = is_random.cast_exact::<PyBool>().is_ok_and(|b| b.is_true());
        let seed = if draw {
            // The seeds exactly as the slow path hands them to `random.choice`.
            let seeds: Option<Vec<i64>> = with_src!(self, s => (|| {
                if index < 0 || index as usize >= s.num_archs() {
                    return None;
                }
                let r = s.results(index, h)?;
                s.results(index, Hp::Less)?;
                let d = s.find_dataset(r, dataset)?;
                Some((0..s.seed_count(r, d)).map(|k| s.seed(r, d, k)).collect())
            })());
            let Some(seeds) = seeds else { return Ok(None) };
            let drawn = random.getattr(pyo3::intern!(py, "choice"))?.call1((seeds,))?;
            let Ok(seed) = drawn
                .cast_exact::<PyInt>()
                .map_err(drop)
                .and_then(|i| i.extract::<i64>().map_err(drop))
            else {
                return Ok(Some(PyTuple::new(py, [drawn])?.into_any()));
            };
            Some(Arg::Int(seed))
        } else {
            let ok = with_src!(self, s => index >= 0
                && (index as usize) < s.num_archs()
                && s.results(index, Hp::Less).is_some());
            if !ok {
                return Ok(None);
            }
            None
        };
        let mut t2 = String::new();
        let chosen = match seed {
            Some(a) => a,
            None => match plain_arg(is_random, &mut t2) {
                Some(a @ (Arg::Bool(false) | Arg::Int(_))) => a,
                _ => return Ok(None),
            },
        };
        let answer = with_src!(self, s => quiet(|io| {
            self.nb(s).get_more_info(
                Arg::Int(index), Arg::Str(dataset), Some(iepoch), Some(Arg::Str(hp)), Some(chosen), io,
            )
        }));
        let done = match answer {
            Ok(v) => value::to_py(py, &v)?,
            Err(_) => None,
        };
        match (done, seed) {
            (Some(v), _) => Ok(Some(v)),
            (None, Some(Arg::Int(k))) => Ok(Some(PyTuple::new(py, [k])?.into_any())),
            (None, _) => Ok(None),
        }
    }

    /// `get_cost_info(index, dataset, hp)` (a dict), None when Python must answer.
    fn cost_info<'py>(
        &self,
        py: Python<'py>,
        index: &Bound<'py, PyAny>,
        dataset: &Bound<'py, PyAny>,
        hp: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        // Plain strs only (a subclass may compare or hash differently: Python answers).
        let (Ok(dataset), Ok(hp)) = (dataset.cast_exact::<PyString>(), hp.cast_exact::<PyString>())
        else {
            return Ok(None);
        };
        let (dataset, hp) = (dataset.to_cow()?, hp.to_cow()?);
        let dataset = &*dataset;
        let (Some(h), Ok(index)) = (Hp::from_key(&hp), index.extract::<i64>()) else {
            return Ok(None);
        };
        with_src!(self, s => {
            if s.results(index, h).is_none() {
                return Ok(None);
            }
            // Converted here, while the answer may still borrow the archive (no owned copy).
            match self.nb(s).ar_get_compute_costs(ResultsRef { index, hp: h }, Arg::Str(dataset)) {
                Ok(v) => value::to_py(py, &v),
                Err(_) => Ok(None),
            }
        })
    }

    /// `find_best(dataset, metric_on_set, FLOP_max, Param_max, hp)` over the benchmark's
    /// `evaluated_indexes` (names already remapped), None when Python must answer.
    #[pyo3(signature = (dataset, metric_on_set, flop_max, param_max, hp, indexes = None))]
    #[allow(clippy::too_many_arguments)]
    fn find_best<'py>(
        &self,
        py: Python<'py>,
        dataset: &Bound<'py, PyAny>,
        metric_on_set: &Bound<'py, PyAny>,
        flop_max: &Bound<'py, PyAny>,
        param_max: &Bound<'py, PyAny>,
        hp: &Bound<'py, PyAny>,
        indexes: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        if indexes.is_some_and(|i| !i.is_none()) {
            return Ok(None);
        }
        let (Ok(dataset), Ok(set), Ok(hp)) = (
            dataset.cast_exact::<PyString>(),
            metric_on_set.cast_exact::<PyString>(),
            hp.cast_exact::<PyString>(),
        ) else {
            return Ok(None);
        };
        let (Some(fmax), Some(pmax)) = (best::limit(flop_max), best::limit(param_max)) else {
            return Ok(None);
        };
        let (dataset, set, hp) = (dataset.to_cow()?, set.to_cow()?, hp.to_cow()?);
        let Some(h) = Hp::from_key(&hp) else { return Ok(None) };
        let columns = {
            let mut cache = self.best.lock().unwrap_or_else(|e| e.into_inner());
            match cache.get(&dataset, &set, h) {
                Some(c) => c,
                None => {
                    let built = with_src!(self, s => best::columns(&self.nb(s), &dataset, &set, h));
                    match built {
                        Some(c) => cache.insert(&dataset, &set, h, c),
                        None => return Ok(None),
                    }
                }
            }
        };
        let Ok((index, acc)) = best::scan(&columns, fmax, pmax) else { return Ok(None) };
        let acc = match acc {
            Some(a) => value::to_py(py, &a)?,
            None => Some(py.None().into_bound(py)),
        };
        let Some(acc) = acc else { return Ok(None) };
        Ok(Some((index, acc).into_pyobject(py)?.into_any()))
    }

    /// `statistics(dataset, hp)` (hp already `str(hp)`), None when Python must answer.
    fn statistics<'py>(
        &self,
        py: Python<'py>,
        dataset: &str,
        hp: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let answer = with_src!(self, s => quiet(|io| self.nb(s).statistics(Arg::Str(dataset), Arg::Str(hp), io)));
        match answer {
            Ok(v) => value::to_py(py, &v),
            Err(_) => Ok(None),
        }
    }

    /// The bytes of a float64 array over every arch index of
    /// `get_metrics(dataset, setname, iepoch, is_random)[metric]` under `hp` (NaN where the
    /// arch is not evaluated or the value is None); None when Python must answer.
    #[allow(clippy::too_many_arguments)]
    fn metric_array<'py>(
        &self,
        py: Python<'py>,
        dataset: &str,
        setname: &str,
        metric: &str,
        iepoch: &Bound<'py, PyAny>,
        hp: &str,
        is_random: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyByteArray>>> {
        let (mut t1, mut t2) = (String::new(), String::new());
        let (Some(iepoch), Some(is_random), Some(h)) =
            (plain_arg(iepoch, &mut t1), plain_arg(is_random, &mut t2), Hp::from_key(hp))
        else {
            return Ok(None);
        };
        if matches!(is_random, Arg::Bool(true)) {
            return Ok(None);
        }
        let session = Session::default();
        let values = with_src!(self, s => {
            let nb = self.nb(s);
            let mut out = Vec::with_capacity(s.num_archs() * 8);
            for index in 0..s.num_archs() as i64 {
                if s.results(index, h).is_none() {
                    out.extend_from_slice(&f64::NAN.to_le_bytes());
                    continue;
                }
                let args = [Arg::Str(dataset), Arg::Str(setname), iepoch, is_random];
                let at = ResultsRef { index, hp: h };
                let Ok(v) = quiet(|io| call_results(&nb, &session, at, "get_metrics", &args, &[], io)) else {
                    return Ok(None);
                };
                match value::number(v.get(metric)) {
                    Some(x) => out.extend_from_slice(&x.to_le_bytes()),
                    None => return Ok(None),
                }
            }
            out
        });
        Ok(Some(PyByteArray::new(py, &values)))
    }

    /// The bytes of a float64 array over every arch index of
    /// `get_compute_costs(dataset)[metric]` under `hp`; None when Python must answer.
    fn cost_array<'py>(
        &self,
        py: Python<'py>,
        dataset: &str,
        metric: &str,
        hp: &str,
    ) -> PyResult<Option<Bound<'py, PyByteArray>>> {
        let Some(h) = Hp::from_key(hp) else { return Ok(None) };
        let values = with_src!(self, s => {
            let nb = self.nb(s);
            let mut out = Vec::with_capacity(s.num_archs() * 8);
            for index in 0..s.num_archs() as i64 {
                if s.results(index, h).is_none() {
                    out.extend_from_slice(&f64::NAN.to_le_bytes());
                    continue;
                }
                let Ok(v) = nb.ar_get_compute_costs(ResultsRef { index, hp: h }, Arg::Str(dataset)) else {
                    return Ok(None);
                };
                match value::number(v.get(metric)) {
                    Some(x) => out.extend_from_slice(&x.to_le_bytes()),
                    None => return Ok(None),
                }
            }
            out
        });
        Ok(Some(PyByteArray::new(py, &values)))
    }

    /// Immutable: copies are the object itself.
    fn __copy__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __deepcopy__(slf: Py<Self>, _memo: &Bound<'_, PyAny>) -> Py<Self> {
        slf
    }
}
