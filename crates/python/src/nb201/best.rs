//! `find_best` as a scan of cached columns: the official loop computes, for every evaluated
//! arch, the seed-mean flops and params and (unless a limit skips it) the seed-mean accuracy;
//! those depend only on (dataset, set, hp), so they are computed once per kind and each call
//! then compares numbers (microseconds over the 15625 archs).

use std::collections::HashMap;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt};
use tnb_nb201_api::{Arg, Hp, Nb201, ResultsRef, Source, Value};

use super::quiet;

/// The largest int a double holds exactly: a limit beyond it is left to Python's comparison.
const EXACT_INT: i64 = 1 << 53;

/// One evaluated arch's numbers, in `evaluated_indexes` order.
pub(super) struct Row {
    index: i64,
    flop: f64,
    param: f64,
    /// The seed-mean accuracy (its Python type: np.float64 or float), `None` when computing
    /// it fails or gives a non-number (the official loop would then raise or compare a
    /// non-number: Python answers).
    acc: Option<Value<'static>>,
}

/// The columns of one (dataset, set, hp).
pub(super) type Columns = Arc<Vec<Row>>;

/// Built columns by (dataset, set, hp).
#[derive(Default)]
pub(super) struct Cache(HashMap<(String, String, Hp), Columns>);

impl Cache {
    pub(super) fn get(&self, dataset: &str, set: &str, hp: Hp) -> Option<Columns> {
        self.0.get(&(dataset.to_owned(), set.to_owned(), hp)).cloned()
    }

    pub(super) fn insert(&mut self, dataset: &str, set: &str, hp: Hp, c: Vec<Row>) -> Columns {
        let c = Arc::new(c);
        self.0.insert((dataset.to_owned(), set.to_owned(), hp), c.clone());
        c
    }
}

/// A `FLOP_max`/`Param_max` argument: `Some(None)` for no limit, `Some(Some(x))` for a number
/// compared exactly as a double, `None` for anything Python must compare itself.
pub(super) fn limit(o: &Bound<'_, PyAny>) -> Option<Option<f64>> {
    if o.is_none() {
        return Some(None);
    }
    if let Ok(b) = o.cast_exact::<PyBool>() {
        return Some(Some(f64::from(u8::from(b.is_true()))));
    }
    if o.is_exact_instance_of::<PyInt>() {
        let i = o.extract::<i64>().ok()?;
        return (i.abs() <= EXACT_INT).then_some(Some(i as f64));
    }
    if o.is_exact_instance_of::<PyFloat>() {
        return o.extract::<f64>().ok().map(Some);
    }
    None
}

fn float(v: Option<&Value<'_>>) -> Option<f64> {
    match v? {
        Value::Float(x) | Value::F64(x) => Some(*x),
        _ => None,
    }
}

/// The columns, or `None` when some evaluated arch has no results or costs (the official loop
/// raises there: Python answers).
pub(super) fn columns<S: Source>(
    nb: &Nb201<'_, S>,
    dataset: &str,
    set: &str,
    hp: Hp,
) -> Option<Vec<Row>> {
    let s = nb.src;
    let mut rows = Vec::with_capacity(s.evaluated_len());
    for k in 0..s.evaluated_len() {
        let index = s.evaluated(k);
        s.results(index, hp)?;
        let at = ResultsRef { index, hp };
        let costs = nb.ar_get_compute_costs(at, Arg::Str(dataset)).ok()?;
        let (flop, param) = (float(costs.get("flops"))?, float(costs.get("params"))?);
        let acc =
            quiet(|io| nb.ar_get_metrics(at, Arg::Str(dataset), Arg::Str(set), None, None, io))
                .ok()
                .and_then(|m| m.get("accuracy").filter(|a| float(Some(a)).is_some()).cloned());
        rows.push(Row { index, flop, param, acc });
    }
    Some(rows)
}

/// The official loop over the columns: `Ok((index, accuracy))` (`(-1, None)` when no arch
/// qualifies), `Err(())` when an arch that qualifies has no numeric accuracy.
pub(super) fn scan(
    rows: &[Row],
    fmax: Option<f64>,
    pmax: Option<f64>,
) -> Result<(i64, Option<Value<'static>>), ()> {
    let mut best: Option<(&Row, f64)> = None;
    for row in rows {
        if fmax.is_some_and(|l| row.flop > l) || pmax.is_some_and(|l| row.param > l) {
            continue;
        }
        let acc = float(row.acc.as_ref()).ok_or(())?;
        // The official `elif highest_accuracy < accuracy`: a NaN never replaces nor is replaced.
        let replaces = best.is_none_or(|(_, high)| high < acc);
        if replaces {
            best = Some((row, acc));
        }
    }
    Ok(best.map_or((-1, None), |(row, _)| (row.index, row.acc.clone())))
}
