//! NATS-Bench for Python: `tnb._tnb.NatsStore`, the Rust half of `tnb.nats`
//! (`python/tnb/nats.py`), and `nats_load` / `nats_convert`.
//!
//! As for NAS-Bench-201 (`crate::nb201`), the Python classes own what a Python object owns
//! (printing, Python's `random`, the attributes a user can change, the `ArchResults` once
//! built); this store answers the hot queries from the archive through `tnb_nb201_api`'s
//! NATS-Bench v1.8 dialect and builds an architecture's official state dicts when Python asks
//! for its objects. Every fast path answers only what it can answer without printing; on any
//! failure it returns `None` and the Python class runs the official steps over freshly built
//! objects, which raise what the official class raises.

mod obj;
mod open;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyByteArray, PyDict, PyInt, PyString, PyTuple};
use tnb_nb201_api::{
    Arg, FindBestCache, Hp, Io, MemSource, Nats, Nb201, NoDraw, PySum, ResultsRef, Session, Source,
    Space, StoreSource, call_results,
};
use tnb_nb201_store::Archive;
use tnb_schema::header::Family;

use crate::binding::FormatError;
use crate::nb201::{plain_arg, state, value};

/// The source the semantics read, over an archive kept for the process's life.
type Src = StoreSource<'static, tnb_nb201_store::Buffer>;

/// Runs `$body` with `$s` bound to the store's source: the archive's (a fresh one if the shared
/// one is busy, e.g. re-entered from a finalizer while building Python objects; a corrupted
/// read becomes `FormatError` instead of an answer) or the in-memory one. `$body` is generic
/// code: it is compiled once per kind of source.
macro_rules! with_src {
    ($store:expr, $s:ident => $body:expr) => {{
        match &$store.backing {
            Backing::Mem(m) => {
                let $s: &MemSource = m;
                $body
            }
            Backing::Archive(archive, lock) => {
                let fresh;
                let guard = lock.try_lock();
                let $s: &Src = match &guard {
                    Ok(g) => g,
                    Err(_) => {
                        fresh =
                            StoreSource::new(*archive).map_err(|e| FormatError::new_err(e.0))?;
                        &fresh
                    }
                };
                let out = $body;
                if let Some(m) = $s.failure() {
                    return Err(FormatError::new_err(format!("corrupted NATS-Bench archive: {m}")));
                }
                out
            }
        }
    }};
}

/// Where the data is: a mapped archive, or (a small source read whole) in memory.
enum Backing {
    Archive(&'static Archive, Mutex<Src>),
    Mem(&'static MemSource),
}

/// No printing, no drawing: the Python class has done both before a fast path runs.
fn quiet<R>(f: impl FnOnce(&mut Io<'_>) -> R) -> R {
    let mut draw = NoDraw;
    let mut print = |_: &str| {};
    let mut io = Io { draw: &mut draw, print: &mut print };
    f(&mut io)
}

/// The space a `create(..., search_space)` family name asks for.
fn space_of(family: &str) -> Option<(Space, Family)> {
    match family {
        "tss" => Some((Space::Tss, Family::NatsTss)),
        "sss" => Some((Space::Sss, Family::NatsSss)),
        _ => None,
    }
}

/// An opened NATS-Bench benchmark (one space): the benchmark side of `tnb.nats`' classes.
#[pyclass(module = "tnb._tnb", name = "NatsStore", frozen)]
pub struct Store {
    backing: Backing,
    /// Which built-in `sum` the running interpreter has.
    sum: PySum,
    space: Space,
    /// The entries' keys, ascending (listed on first need).
    keys: OnceLock<Vec<i64>>,
    /// `archstr2index` as a Python dict, built on the first lookup.
    names: PyOnceLock<Py<PyDict>>,
    /// `find_best`'s per-arch values.
    best: Mutex<FindBestCache>,
}

impl Store {
    /// The semantics over `s` (quiet; `fast_mode` as given: only `find_best` reads it).
    fn nb<'s, S: Source>(&self, s: &'s S, fast_mode: bool) -> Nb201<'s, S> {
        let nats = Nats { space: self.space, fast_mode, archive_dir: None };
        Nb201::nats(s, self.sum, false, nats)
    }

    fn keys(&self) -> PyResult<&Vec<i64>> {
        if let Some(k) = self.keys.get() {
            return Ok(k);
        }
        let keys: Vec<i64> =
            with_src!(self, s => (0..s.num_archs() as i64).filter(|&i| s.has_entry(i)).collect());
        Ok(self.keys.get_or_init(|| keys))
    }

    fn name_dict(&self, py: Python<'_>) -> PyResult<&Py<PyDict>> {
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

    /// The hp of `hp` when it is a key of arch `index`.
    fn hp_of<S: Source>(s: &S, index: i64, hp: &str) -> Option<Hp> {
        let h = Hp::from_key(hp)?;
        s.results(index, h).map(|_| h)
    }
}

#[pymethods]
impl Store {
    /// Opens `path` (a tnb archive, a `-simple` folder or a single `.pickle.pbz2`: read without
    /// executing anything), which must hold the space `family` (`'tss'` / `'sss'`).
    #[new]
    fn new(py: Python<'_>, path: PathBuf, family: &str) -> PyResult<Store> {
        let (space, fam) = space_of(family)
            .ok_or_else(|| FormatError::new_err(format!("unknown NATS-Bench space {family:?}")))?;
        let backing = match py.detach(|| open::open(&path, fam)).map_err(FormatError::new_err)? {
            open::Opened::Archive(archive) => {
                let src = StoreSource::new(archive).map_err(|e| FormatError::new_err(e.0))?;
                Backing::Archive(archive, Mutex::new(src))
            }
            open::Opened::Mem(m) => Backing::Mem(m),
        };
        let info = py.version_info();
        Ok(Store {
            backing,
            sum: PySum::for_version(info.major.into(), info.minor.into()),
            space,
            keys: OnceLock::new(),
            names: PyOnceLock::new(),
            best: Mutex::new(FindBestCache::default()),
        })
    }

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
        Ok(with_src!(self, s => (0..s.num_archs())
            .map(|i| s.meta_arch(i).unwrap_or("").to_owned())
            .collect()))
    }

    /// `archstr2index.get(name, default)`.
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

    /// `archstr2index` as the store's own dict (never to be changed).
    fn name_index<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        Ok(self.name_dict(py)?.bind(py).clone())
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
            Ok(i) => with_src!(self, s => s.has_entry(i)),
            Err(_) => false,
        })
    }

    /// `list(arch2infos_dict[index].keys())` (empty if not held).
    fn hp_keys(&self, index: i64) -> PyResult<Vec<String>> {
        Ok(with_src!(self, s => (0..s.hp_count(index))
            .map(|j| s.hp_at(index, j).key().to_owned())
            .collect()))
    }

    /// `len(evaluated_indexes)`.
    fn num_evaluated(&self) -> PyResult<usize> {
        Ok(with_src!(self, s => s.evaluated_len()))
    }

    /// The evaluated indexes, ascending.
    fn evaluated_indexes(&self) -> PyResult<Vec<i64>> {
        Ok(with_src!(self, s => (0..s.evaluated_len()).map(|k| s.evaluated(k)).collect()))
    }

    /// `index in evaluated_indexes`.
    fn is_evaluated(&self, index: i64) -> PyResult<bool> {
        Ok(with_src!(self, s => s.is_evaluated(index)))
    }

    /// The per-arch object of `index` (hp -> `ArchResults` state, an `OrderedDict` as the
    /// per-arch files hold it), fresh objects; `KeyError(index)` if not held.
    fn arch_state<'py>(&self, py: Python<'py>, index: i64) -> PyResult<Bound<'py, PyAny>> {
        with_src!(self, s => state::entry_state(py, s, index))
    }

    /// `arch2infos_dict[index][hp].dataset_seed[dataset]` (a new list), None if absent.
    fn seeds(&self, index: i64, hp: &str, dataset: &str) -> PyResult<Option<Vec<i64>>> {
        Ok(with_src!(self, s => (|| {
            let h = Store::hp_of(s, index, hp)?;
            let r = s.results(index, h)?;
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
            self.nb(s, false).get_more_info(
                Arg::Int(index), Arg::Str(dataset), Some(iepoch), Some(Arg::Str(hp)), Some(is_random), io,
            )
        }));
        match answer {
            Ok(v) => value::to_py(py, &v),
            Err(_) => Ok(None),
        }
    }

    /// All of `get_more_info`'s fast path in one call, for an int `index` the archive holds:
    /// the checks, the draw (`random.choice(seeds)` on Python's `random` when `is_random` is
    /// True) and the answer. The answer dict; `None` when it declined before drawing (the
    /// Python class then runs the official steps); `(seed,)` when it drew `seed` but the answer
    /// needs the official steps over Python objects.
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
        let mut t1 = String::new();
        let Some(iepoch) = plain_arg(iepoch, &mut t1) else { return Ok(None) };
        if !matches!(iepoch, Arg::None | Arg::Int(_)) {
            return Ok(None);
        }
        let draw = is_random.cast_exact::<PyBool>().is_ok_and(|b| b.is_true());
        // The checks the official steps make before drawing: the index is held and evaluated,
        // the hp is one of its keys, the dataset one of its datasets.
        let seeds: Option<Vec<i64>> = with_src!(self, s => (|| {
            if index < 0 || index as usize >= s.num_archs() || !s.has_entry(index) || !s.is_evaluated(index) {
                return None;
            }
            let h = Store::hp_of(s, index, hp)?;
            let r = s.results(index, h)?;
            if !draw {
                return Some(Vec::new());
            }
            let d = s.find_dataset(r, dataset)?;
            Some((0..s.seed_count(r, d)).map(|k| s.seed(r, d, k)).collect())
        })());
        let Some(seeds) = seeds else { return Ok(None) };
        let mut t2 = String::new();
        let (chosen, drawn) = if draw {
            let got = random.getattr(pyo3::intern!(py, "choice"))?.call1((seeds,))?;
            let Ok(seed) = got
                .cast_exact::<PyInt>()
                .map_err(drop)
                .and_then(|i| i.extract::<i64>().map_err(drop))
            else {
                return Ok(Some(PyTuple::new(py, [got])?.into_any()));
            };
            (Arg::Int(seed), Some(seed))
        } else {
            match plain_arg(is_random, &mut t2) {
                Some(a @ (Arg::Bool(false) | Arg::Int(_))) => (a, None),
                _ => return Ok(None),
            }
        };
        let answer = with_src!(self, s => quiet(|io| {
            self.nb(s, false).get_more_info(
                Arg::Int(index), Arg::Str(dataset), Some(iepoch), Some(Arg::Str(hp)), Some(chosen), io,
            )
        }));
        let done = match answer {
            Ok(v) => value::to_py(py, &v)?,
            Err(_) => None,
        };
        match (done, drawn) {
            (Some(v), _) => Ok(Some(v)),
            (None, Some(k)) => Ok(Some(PyTuple::new(py, [k])?.into_any())),
            (None, None) => Ok(None),
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
        let (Ok(dataset), Ok(hp)) = (dataset.cast_exact::<PyString>(), hp.cast_exact::<PyString>())
        else {
            return Ok(None);
        };
        let (dataset, hp) = (dataset.to_cow()?, hp.to_cow()?);
        let Ok(index) = index.extract::<i64>() else { return Ok(None) };
        with_src!(self, s => {
            if !s.has_entry(index) || !s.is_evaluated(index) {
                return Ok(None);
            }
            let Some(h) = Store::hp_of(s, index, &hp) else { return Ok(None) };
            match self.nb(s, false).ar_get_compute_costs(ResultsRef { index, hp: h }, Arg::Str(&dataset)) {
                Ok(v) => value::to_py(py, &v),
                Err(_) => Ok(None),
            }
        })
    }

    /// `find_best(dataset, metric_on_set, flop_max, param_max, hp, enforce_all)` (names not
    /// yet remapped; `enforce_all` already decided and allowed), None when Python must answer.
    #[allow(clippy::too_many_arguments)]
    fn find_best<'py>(
        &self,
        py: Python<'py>,
        dataset: &Bound<'py, PyAny>,
        metric_on_set: &Bound<'py, PyAny>,
        flop_max: &Bound<'py, PyAny>,
        param_max: &Bound<'py, PyAny>,
        hp: &Bound<'py, PyAny>,
        enforce_all: bool,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let (Ok(dataset), Ok(set), Ok(hp)) = (
            dataset.cast_exact::<PyString>(),
            metric_on_set.cast_exact::<PyString>(),
            hp.cast_exact::<PyString>(),
        ) else {
            return Ok(None);
        };
        let (mut t1, mut t2) = (String::new(), String::new());
        let (Some(fmax), Some(pmax)) =
            (plain_arg(flop_max, &mut t1), plain_arg(param_max, &mut t2))
        else {
            return Ok(None);
        };
        if !matches!(fmax, Arg::None | Arg::Int(_) | Arg::Float(_))
            || !matches!(pmax, Arg::None | Arg::Int(_) | Arg::Float(_))
        {
            return Ok(None);
        }
        let (dataset, set, hp) = (dataset.to_cow()?, set.to_cow()?, hp.to_cow()?);
        let mut cache = self.best.lock().unwrap_or_else(|e| e.into_inner());
        let answer = with_src!(self, s => quiet(|io| self.nb(s, enforce_all).find_best_nats(
            Arg::Str(&dataset), Arg::Str(&set), Some(fmax), Some(pmax), Some(Arg::Str(&hp)),
            Some(Arg::Bool(enforce_all)), Some(&mut cache), io,
        )));
        match answer {
            Ok(v) => value::to_py(py, &v),
            Err(_) => Ok(None),
        }
    }

    /// `statistics(dataset, hp)` (hp already `str(hp)`), None when Python must answer.
    fn statistics<'py>(
        &self,
        py: Python<'py>,
        dataset: &str,
        hp: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let answer = with_src!(self, s => quiet(|io| self.nb(s, false).statistics(Arg::Str(dataset), Arg::Str(hp), io)));
        match answer {
            Ok(v) => value::to_py(py, &v),
            Err(_) => Ok(None),
        }
    }

    /// The bytes of a float64 array over every arch index of
    /// `get_metrics(dataset, setname, iepoch, is_random)[metric]` under `hp` (NaN where not
    /// held or None); None when Python must answer.
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
            let nb = self.nb(s, false);
            let mut out = Vec::with_capacity(s.num_archs() * 8);
            for index in 0..s.num_archs() as i64 {
                if !s.has_entry(index) {
                    out.extend_from_slice(&f64::NAN.to_le_bytes());
                    continue;
                }
                if s.results(index, h).is_none() {
                    return Ok(None);
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
            let nb = self.nb(s, false);
            let mut out = Vec::with_capacity(s.num_archs() * 8);
            for index in 0..s.num_archs() as i64 {
                if !s.has_entry(index) {
                    out.extend_from_slice(&f64::NAN.to_le_bytes());
                    continue;
                }
                if s.results(index, h).is_none() {
                    return Ok(None);
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

/// `nats_load(path)`: the object of one NATS-Bench `.pickle.pbz2` (a per-arch, meta or single
/// benchmark file), read by tnb's reader (bounded bz2, restricted pickle: nothing executed).
#[pyfunction]
pub(crate) fn nats_load(py: Python<'_>, path: PathBuf) -> PyResult<Bound<'_, PyAny>> {
    let object = py.detach(|| open::load(&path)).map_err(FormatError::new_err)?;
    obj::to_py(py, &object)
}

/// `nats_convert(source, archive)`: writes the archive of a NATS-Bench folder or single file
/// (space recognised from its arch list), atomically.
#[pyfunction]
pub(crate) fn nats_convert(py: Python<'_>, source: PathBuf, archive: PathBuf) -> PyResult<()> {
    py.detach(|| open::convert(&source, &archive)).map_err(FormatError::new_err)
}

/// Whether `path` is a tnb archive (by its magic bytes).
pub(crate) fn is_archive(path: &Path) -> bool {
    let mut head = [0u8; 8];
    std::fs::File::open(path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head)).is_ok()
        && head == tnb_schema::header::MAGIC
}
