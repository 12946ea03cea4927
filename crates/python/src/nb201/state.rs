//! An architecture's official state dicts (`{'full': ..., 'less': ...}` of `ArchResults`
//! states holding `ResultsCount` states), built from the source with every value's Python
//! type, every dict's key order and `dict` vs `OrderedDict` as the benchmark file holds them.

use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};
use tnb_nb201_api::{Hp, Source, Table, TableKey, TableKind};

use super::value::{num, scalar};

static ORDERED_DICT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `{'full': ..., 'less': ...}` of arch `index` (`KeyError(index)` if it has none).
pub(crate) fn arch_state<'py, S: Source>(
    py: Python<'py>,
    s: &S,
    index: i64,
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    for (key, hp) in [("full", Hp::Full), ("less", Hp::Less)] {
        let r = s.results(index, hp).ok_or_else(|| PyKeyError::new_err(index))?;
        out.set_item(key, results(py, s, r)?)?;
    }
    Ok(out)
}

/// The per-arch object of NATS-Bench arch `index`: an `OrderedDict` hp -> `ArchResults` state
/// in the entry's order (`KeyError(index)` if it has none).
pub(crate) fn entry_state<'py, S: Source>(
    py: Python<'py>,
    s: &S,
    index: i64,
) -> PyResult<Bound<'py, PyAny>> {
    if !s.has_entry(index) {
        return Err(PyKeyError::new_err(index));
    }
    let out = ordered_dict(py)?;
    for j in 0..s.hp_count(index) {
        let hp = s.hp_at(index, j);
        let r = s.results(index, hp).ok_or_else(|| PyKeyError::new_err(index))?;
        out.set_item(hp.key(), results(py, s, r)?)?;
    }
    Ok(out)
}

/// A new `collections.OrderedDict`.
fn ordered_dict(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    ORDERED_DICT
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("collections")?.getattr("OrderedDict")?.unbind())
        })?
        .bind(py)
        .call0()
}

fn results<'py, S: Source>(py: Python<'py>, s: &S, r: S::Results) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("arch_index", s.arch_index_of(r))?;
    d.set_item("arch_str", s.arch_str(r))?;
    let all = PyDict::new(py);
    for j in 0..s.run_count(r) {
        let (name, seed) = s.run_key(r, j);
        all.set_item((name, seed), run(py, s, s.run(r, j))?)?;
    }
    d.set_item("all_results", all)?;
    let seeds = PyDict::new(py);
    for k in 0..s.dataset_count(r) {
        let list: Vec<i64> = (0..s.seed_count(r, k)).map(|x| s.seed(r, k, x)).collect();
        seeds.set_item(s.dataset_name(r, k), list)?;
    }
    d.set_item("dataset_seed", seeds)?;
    d.set_item("clear_net_done", s.clear_net_done(r))?;
    Ok(d)
}

fn table<'py, S: Source>(
    py: Python<'py>,
    s: &S,
    x: S::Run,
    t: Table,
) -> PyResult<Bound<'py, PyAny>> {
    let d = match s.table_kind(x, t) {
        TableKind::None => return Ok(py.None().into_bound(py)),
        TableKind::Dict => PyDict::new(py).into_any(),
        TableKind::OrderedDict => ordered_dict(py)?,
    };
    for pos in 0..s.table_len(x, t) {
        let value = num(py, s.table_value(x, t, pos))?;
        match s.table_key(x, t, pos) {
            TableKey::Int(k) => d.set_item(k, value)?,
            TableKey::Str(k) => d.set_item(k, value)?,
        }
    }
    Ok(d)
}

fn run<'py, S: Source>(py: Python<'py>, s: &S, x: S::Run) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("name", s.name(x))?;
    d.set_item("train_acc1es", table(py, s, x, Table::TrainAcc1es)?)?;
    d.set_item("train_acc5es", table(py, s, x, Table::TrainAcc5es)?)?;
    d.set_item("train_losses", table(py, s, x, Table::TrainLosses)?)?;
    d.set_item("train_times", table(py, s, x, Table::TrainTimes)?)?;
    let config = PyDict::new(py);
    for k in 0..s.arch_config_len(x) {
        let (key, value) = s.arch_config_item(x, k);
        config.set_item(key, scalar(py, value)?)?;
    }
    d.set_item("arch_config", config)?;
    d.set_item("params", num(py, s.params(x))?)?;
    d.set_item("flop", num(py, s.flop(x))?)?;
    d.set_item("seed", scalar(py, s.seed_attr(x))?)?;
    d.set_item("epochs", s.epochs(x))?;
    match s.latency_len(x) {
        None => d.set_item("latency", py.None())?,
        Some(n) => {
            let l = PyList::empty(py);
            for k in 0..n {
                l.append(num(py, s.latency(x, k))?)?;
            }
            d.set_item("latency", l)?;
        }
    }
    let names: Vec<&str> = (0..s.eval_name_count(x)).map(|k| s.eval_name(x, k)).collect();
    d.set_item("eval_names", names)?;
    d.set_item("eval_acc1es", table(py, s, x, Table::EvalAcc1es)?)?;
    d.set_item("eval_times", table(py, s, x, Table::EvalTimes)?)?;
    d.set_item("eval_losses", table(py, s, x, Table::EvalLosses)?)?;
    d.set_item("net_state_dict", py.None())?;
    Ok(d)
}
