//! A straightforward model of the official Python API over a generated object, for the
//! property tests: what `get_total_epochs`, `get_single_metric` (list, final, best) and
//! `get_best_archs` must answer, computed directly from the tree that was pickled.

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

/// Python's `max(values)`, or `None` where it raises.
fn py_max(values: &[W]) -> Option<&W> {
    let mut best = values.first()?;
    for v in &values[1..] {
        if lt(best, v)? {
            best = v;
        }
    }
    Some(best)
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
            let mut ranking_ok = true;
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
                        (Ok(g), Some(w)) if same(&g, w) => {}
                        (Err(_), None) => {}
                        (g, w) => return Err(format!("{}: best {g:?} vs {w:?}", at())),
                    }
                    match best {
                        Some(b) => ranked.push((b, arch)),
                        None => ranking_ok = false,
                    }
                }
                check_ranking(store, task, metric, text(space), &mut ranked, ranking_ok)?;
                ranked.clear();
                ranking_ok = true;
            }
        }
    }
    Ok(())
}

/// `sorted([(best, arch) ...], reverse=True)` with Python's tuple comparison, through the same
/// CPython sort emulation (its own tests compare it with python3), against the store.
fn check_ranking<B: AsRef<[u8]>>(
    store: &Store<B>,
    task: &str,
    metric: &str,
    space: &str,
    items: &mut [(&W, &str)],
    ok: bool,
) -> Result<(), String> {
    let lt_tuple = |x: &(&W, &str), y: &(&W, &str)| -> Result<bool, ()> {
        if eq(x.0, y.0) { Ok(x.1 < y.1) } else { lt(x.0, y.0).ok_or(()) }
    };
    let sorted = ok && tnb_pysort::list_sort_reverse(items, lt_tuple).is_ok();
    let got = store.best_archs(task, metric, space);
    let at = || format!("get_best_archs({task}, {metric}, {space})");
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
