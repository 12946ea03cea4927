//! A straightforward model of the official Python API over a generated object, for the
//! property tests: what `get_total_epochs`, `get_single_metric` (list, final, best) and
//! `get_best_archs` must answer, computed directly from the tree that was pickled. Where Python
//! raises, the model says which exception class, and the API crate (`tnb_api::call`, what
//! `tnb batch` and the Python package serve) must raise that class: both sides failing is not
//! enough.

use tnb_api::{Arg, Exc};
use tnb_pthwrite::Value as W;
use tnb_store::{Store, Value};

fn dict(v: &W) -> &[(W, W)] {
    match v {
        W::Dict(d) => d,
        _ => &[],
    }
}

fn list(v: &W) -> &[W] {
    match v {
        W::List(l) | W::Tuple(l) => l,
        _ => &[],
    }
}

fn get<'a>(v: &'a W, key: &str) -> Option<&'a W> {
    dict(v).iter().find(|(k, _)| matches!(k, W::Str(s) if &**s == key)).map(|(_, v)| v)
}

fn text(v: &W) -> &str {
    match v {
        W::Str(s) => s,
        _ => "",
    }
}

/// A number as Python compares it: exactly (ints are not rounded to floats).
#[derive(Clone, Copy)]
enum Num {
    I(i128),
    F(f64),
}

fn num(v: &W) -> Option<Num> {
    match v {
        W::Bool(b) => Some(Num::I(i128::from(*b))),
        W::Int(i) => Some(Num::I(i128::from(*i))),
        W::Float(f) => Some(Num::F(*f)),
        _ => None,
    }
}

/// `a < b` for an int and a float, exactly: compare with the float's integer part, then its
/// fraction.
fn int_lt_float(i: i128, f: f64) -> bool {
    if f.is_nan() {
        return false;
    }
    if f >= 1e30 {
        return true;
    }
    if f <= -1e30 {
        return false;
    }
    let t = f.floor();
    i < t as i128 || (i == t as i128 && f > t)
}

fn float_lt_int(f: f64, i: i128) -> bool {
    if f.is_nan() {
        return false;
    }
    if f >= 1e30 {
        return false;
    }
    if f <= -1e30 {
        return true;
    }
    let c = f.ceil();
    (c as i128) < i || ((c as i128) == i && f < c)
}

/// Python's `a < b`; `None` where Python raises TypeError.
fn lt(a: &W, b: &W) -> Option<bool> {
    match (num(a), num(b)) {
        (Some(Num::I(x)), Some(Num::I(y))) => Some(x < y),
        (Some(Num::F(x)), Some(Num::F(y))) => Some(x < y),
        (Some(Num::I(x)), Some(Num::F(y))) => Some(int_lt_float(x, y)),
        (Some(Num::F(x)), Some(Num::I(y))) => Some(float_lt_int(x, y)),
        _ => match (a, b) {
            (W::Str(x), W::Str(y)) => Some(x < y),
            _ => None,
        },
    }
}

/// Python's `a == b`.
fn eq(a: &W, b: &W) -> bool {
    match (num(a), num(b)) {
        (Some(_), Some(_)) => {
            lt(a, b) == Some(false) && lt(b, a) == Some(false) && !is_nan(a) && !is_nan(b)
        }
        _ => match (a, b) {
            (W::Str(x), W::Str(y)) => x == y,
            (W::None, W::None) => true,
            _ => false,
        },
    }
}

fn is_nan(v: &W) -> bool {
    matches!(v, W::Float(f) if f.is_nan())
}

/// Python's `max(values)`, or the exception it raises: `ValueError` for an empty list,
/// `TypeError` when `>` cannot compare two values.
fn py_max(values: &[W]) -> Result<&W, Exc> {
    let mut best = values.first().ok_or(Exc::ValueError)?;
    for v in &values[1..] {
        if lt(best, v).ok_or(Exc::TypeError)? {
            best = v;
        }
    }
    Ok(best)
}

/// The exception class `tnb_api::call` raises for `method(*args, **kwargs)`, or `None` when
/// it answers.
fn raised<B: AsRef<[u8]>>(
    store: &Store<B>,
    method: &str,
    args: &[Arg<'_>],
    kwargs: &[(&str, Arg<'_>)],
) -> Result<Option<Exc>, String> {
    match tnb_api::call(store, method, args, kwargs, &mut |_| Ok::<(), ()>(())) {
        Ok(()) => Ok(None),
        Err(e) => e.exc().map(Some).ok_or_else(|| format!("{method}: the sink failed")),
    }
}

/// Whether the store's value is the model's value (floats bit for bit, kinds kept).
fn same(got: &Value<'_>, want: &W) -> bool {
    match (got, want) {
        (Value::Float(x), W::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Int(x), W::Int(y)) => x == y,
        (Value::Bool(x), W::Bool(y)) => x == y,
        (Value::Str(x), W::Str(y)) => *x == &**y,
        (Value::None, W::None) => true,
        (Value::Node(_), W::List(_) | W::Tuple(_) | W::Dict(_)) => true,
        _ => false,
    }
}

/// Checks the store's answers against the model, for every arch, task, metric and space.
pub fn check_answers<B: AsRef<[u8]>>(store: &Store<B>, top: &W) -> Result<(), String> {
    let tasks: Vec<&str> =
        get(top, "task_list").map(list).unwrap_or(&[]).iter().map(text).collect();
    let md = get(top, "metrics_dict").ok_or("no metrics_dict")?;
    let data = get(top, "data").ok_or("no data")?;
    for &task in &tasks {
        let metrics: Vec<&str> = get(md, task).map(list).unwrap_or(&[]).iter().map(text).collect();
        for (space, archs) in dict(data) {
            let mut ranked: Vec<(&W, &str)> = Vec::new();
            // The exception of the first arch (in space order) whose `max()` raises.
            let mut first_failure: Option<Exc> = None;
            for &metric in &metrics {
                for (arch, result) in dict(archs) {
                    let (arch, result) = (text(arch), get(result, task).ok_or("no task")?);
                    let epochs = get(result, "total_epochs").map_or(0, |e| match e {
                        W::Int(i) => *i as u32,
                        _ => 0,
                    });
                    let at = || format!("{arch}/{task}/{metric}");
                    if store.total_epochs(arch, task).map_err(|e| format!("{}: {e}", at()))?
                        != epochs
                    {
                        return Err(format!("{}: total_epochs differs", at()));
                    }
                    let values = get(get(result, "metrics").ok_or("no metrics")?, metric)
                        .map(list)
                        .unwrap_or(&[]);
                    let got: Vec<Value<'_>> = store
                        .values(arch, task, metric)
                        .map_err(|e| format!("{}: {e}", at()))?
                        .collect();
                    if got.len() != values.len() || !got.iter().zip(values).all(|(g, w)| same(g, w))
                    {
                        return Err(format!("{}: list differs", at()));
                    }
                    match (store.final_value(arch, task, metric), values.last()) {
                        (Ok(g), Some(w)) if same(&g, w) => {}
                        (Err(_), None) => {}
                        (g, w) => return Err(format!("{}: final {g:?} vs {w:?}", at())),
                    }
                    let best = py_max(values);
                    match (store.best_value(arch, task, metric), best) {
                        (Ok(g), Ok(w)) if same(&g, w) => {}
                        (Err(_), Err(_)) => {}
                        (g, w) => return Err(format!("{}: best {g:?} vs {w:?}", at())),
                    }
                    // The exception classes, through the API crate: `metric_list[-1]` of an
                    // empty list is an IndexError, `max()` a ValueError or a TypeError.
                    let call = |mode: &'static str| {
                        let args = [Arg::Str(arch), Arg::Str(task), Arg::Str(metric)];
                        raised(store, "get_single_metric", &args, &[("mode", Arg::Str(mode))])
                    };
                    let want_final = values.is_empty().then_some(Exc::IndexError);
                    if call("final")? != want_final {
                        return Err(format!("{}: final raises {:?}", at(), call("final")?));
                    }
                    if call("best")? != best.err() {
                        return Err(format!(
                            "{}: best raises {:?}, Python {best:?}",
                            at(),
                            call("best")?
                        ));
                    }
                    match best {
                        Ok(b) => ranked.push((b, arch)),
                        Err(e) => {
                            first_failure.get_or_insert(e);
                        }
                    }
                }
                check_ranking(store, task, metric, text(space), &mut ranked, first_failure)?;
                ranked.clear();
                first_failure = None;
            }
        }
    }
    Ok(())
}

/// `sorted([(best, arch) ...], reverse=True)` with Python's tuple comparison, through the same
/// CPython sort emulation (its own tests compare it with python3), against the store; and the
/// exception class Python raises (the first failing `max()`'s, else the sort's TypeError)
/// against the API crate's.
fn check_ranking<B: AsRef<[u8]>>(
    store: &Store<B>,
    task: &str,
    metric: &str,
    space: &str,
    items: &mut [(&W, &str)],
    first_failure: Option<Exc>,
) -> Result<(), String> {
    let lt_tuple = |x: &(&W, &str), y: &(&W, &str)| -> Result<bool, ()> {
        if eq(x.0, y.0) { Ok(x.1 < y.1) } else { lt(x.0, y.0).ok_or(()) }
    };
    let ok = first_failure.is_none();
    let sorted = ok && tnb_pysort::list_sort_reverse(items, lt_tuple).is_ok();
    let at = || format!("get_best_archs({task}, {metric}, {space})");
    // An empty space maps over nothing: Python answers [] whatever the task and metric.
    let want_exc = match (first_failure, sorted) {
        _ if items.is_empty() && first_failure.is_none() => None,
        (Some(e), _) => Some(e),
        (None, false) => Some(Exc::TypeError),
        (None, true) => None,
    };
    let args = [Arg::Str(task), Arg::Str(metric), Arg::Str(space)];
    let got_exc = raised(store, "get_best_archs", &args, &[("topk", Arg::None)])?;
    if got_exc != want_exc {
        return Err(format!("{}: tnb-api raises {got_exc:?}, Python {want_exc:?}", at()));
    }
    let got = store.best_archs(task, metric, space);
    let ranking = match (got, sorted) {
        (Err(_), false) => return Ok(()),
        (Ok(r), true) => r,
        (Err(e), true) => return Err(format!("{}: tnb raised {e}, Python answers", at())),
        (Ok(_), false) if items.is_empty() => return Ok(()),
        (Ok(r), false) => {
            // Python raises; tnb may too, when iterated.
            if r.into_iter().any(|x| x.is_err()) {
                return Ok(());
            }
            return Err(format!("{}: tnb answered, Python raises", at()));
        }
    };
    let names: Vec<String> = ranking
        .map(|x| x.and_then(|(_, a)| store.arch_name(a).map(str::to_owned)))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", at()))?;
    let want: Vec<&str> = items.iter().map(|x| x.1).collect();
    if names != want {
        return Err(format!("{}: order {names:?} vs {want:?}", at()));
    }
    Ok(())
}
