//! `ResultsCount`: one training run (an arch × hp × dataset × seed).

use tnb_pycall::{Arg, Exc, arg_str, py_repr_float};

use crate::error::{ApiError, type_error};
use crate::num::{Mode, py_sum};
use crate::source::{Num, Scalar, Source, Table, TableKey, TableKind};
use crate::text::fixed;
use crate::value::Value;

/// `iepoch` after `if iepoch is None: iepoch = self.epochs - 1` and the official check:
/// the types Python lets through.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Epoch {
    /// An int.
    Int(i64),
    /// A bool (an int to comparisons and int-keyed dicts, `True` in a format string).
    Bool(bool),
    /// A float (found in int-keyed dicts when integral; refused by `range()`).
    Float(f64),
}

impl Epoch {
    /// The int key a dict lookup with this value finds (`d[3.0]` finds `d[3]`).
    fn int_key(self) -> Option<i64> {
        match self {
            Epoch::Int(i) => Some(i),
            Epoch::Bool(b) => Some(i64::from(b)),
            Epoch::Float(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Some(x as i64),
            Epoch::Float(_) => None,
        }
    }

    /// `'{:}'.format(iepoch)`.
    fn shown(self) -> String {
        match self {
            Epoch::Int(i) => i.to_string(),
            Epoch::Bool(b) => if b { "True" } else { "False" }.to_owned(),
            Epoch::Float(x) => py_repr_float(x),
        }
    }

    /// The object itself (a `KeyError`'s key, the answer's `'iepoch'`).
    pub(crate) fn value(self) -> Value<'static> {
        match self {
            Epoch::Int(i) => Value::Int(i),
            Epoch::Bool(b) => Value::Bool(b),
            Epoch::Float(x) => Value::Float(x),
        }
    }

    /// As a number for `np.mean` (a bool is its int).
    pub(crate) fn num(self) -> Num {
        match self {
            Epoch::Int(i) => Num::Int(i),
            Epoch::Bool(b) => Num::Int(i64::from(b)),
            Epoch::Float(x) => Num::Float(x),
        }
    }

    /// `range(iepoch + 1)`'s stop.
    fn range_stop(self) -> Result<i64, ApiError> {
        match self {
            Epoch::Float(_) => {
                Err(type_error("'float' object cannot be interpreted as an integer"))
            }
            other => Ok(other.int_key().unwrap_or(0).saturating_add(1)),
        }
    }
}

/// `iepoch` after `if iepoch is None: iepoch = self.epochs - 1` and the official check:
/// NAS-Bench-201's `assert 0 <= iepoch < self.epochs, 'invalid iepoch={:} < {:}'`, NATS-Bench's
/// `judge_valid` (`if iepoch < 0 or iepoch >= self.epochs: raise ValueError(...)`, the same
/// message).
pub(crate) fn epoch(iepoch: Option<Arg<'_>>, epochs: i64, mode: Mode) -> Result<Epoch, ApiError> {
    let a = match iepoch {
        None | Some(Arg::None) => return Ok(Epoch::Int(epochs.saturating_sub(1))),
        Some(a) => a,
    };
    let (ok, e) = match a {
        Arg::Int(i) => ((0..epochs).contains(&i), Epoch::Int(i)),
        Arg::Bool(b) => ((0..epochs).contains(&i64::from(b)), Epoch::Bool(b)),
        Arg::BigInt { .. } => (false, Epoch::Int(0)),
        // NaN passes NATS-Bench's two negated comparisons, not NAS-Bench-201's chained one.
        Arg::Float(x) if mode.nats => (!(x < 0.0 || x >= epochs as f64), Epoch::Float(x)),
        Arg::Float(x) => (0.0 <= x && x < epochs as f64, Epoch::Float(x)),
        other if mode.nats => {
            return Err(type_error(format!(
                "'<' not supported between instances of '{}' and 'int'",
                other.type_name()
            )));
        }
        other => {
            return Err(type_error(format!(
                "'<=' not supported between instances of 'int' and '{}'",
                other.type_name()
            )));
        }
    };
    if !ok {
        let exc = if mode.nats { Exc::ValueError } else { Exc::AssertionError };
        return Err(ApiError::new(exc, format!("invalid iepoch={} < {epochs}", arg_str(a))));
    }
    Ok(e)
}

/// What `get_train` / `get_eval` return: `{'iepoch', 'loss', 'accuracy', 'cur_time',
/// 'all_time'}`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct EpochInfo {
    pub iepoch: Epoch,
    pub loss: Num,
    pub accuracy: Num,
    pub cur_time: Option<Num>,
    pub all_time: Option<Num>,
}

impl EpochInfo {
    /// As the dict the official method returns.
    pub(crate) fn to_value(self) -> Value<'static> {
        Value::Dict(vec![
            (Value::str("iepoch"), self.iepoch.value()),
            (Value::str("loss"), self.loss.into()),
            (Value::str("accuracy"), self.accuracy.into()),
            (Value::str("cur_time"), self.cur_time.into()),
            (Value::str("all_time"), self.all_time.into()),
        ])
    }
}

fn not_subscriptable() -> ApiError {
    type_error("'NoneType' object is not subscriptable")
}

/// `table[key]` for an int-keyed table, with `KeyError(key)` as Python raises it.
fn get_int<S: Source>(src: &S, run: S::Run, t: Table, e: Epoch) -> Result<Num, ApiError> {
    if src.table_kind(run, t) == TableKind::None {
        return Err(not_subscriptable());
    }
    e.int_key().and_then(|k| src.table_get_int(run, t, k)).ok_or_else(|| ApiError::key(e.value()))
}

/// `table[key]` for a str-keyed table.
fn get_str<S: Source>(src: &S, run: S::Run, t: Table, key: &str) -> Result<Num, ApiError> {
    if src.table_kind(run, t) == TableKind::None {
        return Err(not_subscriptable());
    }
    src.table_get_str(run, t, key).ok_or_else(|| ApiError::key(Value::str(key)))
}

/// `ResultsCount.get_train(iepoch)`.
pub(crate) fn get_train<S: Source>(
    src: &S,
    run: S::Run,
    iepoch: Option<Arg<'_>>,
    mode: Mode,
) -> Result<EpochInfo, ApiError> {
    let e = epoch(iepoch, src.epochs(run), mode)?;
    let (cur_time, all_time) = if src.table_kind(run, Table::TrainTimes) != TableKind::None {
        let x = get_int(src, run, Table::TrainTimes, e)?;
        let stop = e.range_stop()?;
        let mut times = Vec::with_capacity(usize::try_from(stop).unwrap_or(0).min(4096));
        if let Err(i) = src.int_series(run, Table::TrainTimes, stop, &mut times) {
            return Err(ApiError::key(Value::Int(i)));
        }
        let all = py_sum(&times, mode.sum);
        (Some(x), Some(all))
    } else {
        (None, None)
    };
    Ok(EpochInfo {
        iepoch: e,
        loss: get_int(src, run, Table::TrainLosses, e)?,
        accuracy: get_int(src, run, Table::TrainAcc1es, e)?,
        cur_time,
        all_time,
    })
}

/// `ResultsCount.get_eval(name, iepoch)` (`'valid'` means `'x-valid'`); the time is read
/// before the loss and the accuracy, as the official code does.
pub(crate) fn get_eval<S: Source>(
    src: &S,
    run: S::Run,
    name: Arg<'_>,
    iepoch: Option<Arg<'_>>,
    mode: Mode,
) -> Result<EpochInfo, ApiError> {
    let e = epoch(iepoch, src.epochs(run), mode)?;
    let xname = match name {
        Arg::Str("valid") => "x-valid".to_owned(),
        other => arg_str(other),
    };
    let key = format!("{xname}@{}", e.shown());
    let (cur_time, all_time) = if src.table_kind(run, Table::EvalTimes) != TableKind::None
        && src.table_len(run, Table::EvalTimes) > 0
    {
        if mode.nats && src.table_get_str(run, Table::EvalTimes, &key).is_none() {
            if mode.quiet {
                return Err(ApiError::listing(Exc::ValueError, ""));
            }
            return Err(ApiError::listing(
                Exc::ValueError,
                &format!(
                    "{key} not in dict_keys([{}])",
                    table_keys_repr(src, run, Table::EvalTimes)
                ),
            ));
        }
        let x = get_str(src, run, Table::EvalTimes, &key)?;
        let stop = e.range_stop()?;
        let mut times = Vec::with_capacity(usize::try_from(stop).unwrap_or(0).min(4096));
        if let Err(i) = src.eval_series(run, Table::EvalTimes, &xname, stop, &mut times) {
            return Err(ApiError::key(Value::Str(format!("{xname}@{i}").into())));
        }
        let all = py_sum(&times, mode.sum);
        (Some(x), Some(all))
    } else {
        (None, None)
    };
    Ok(EpochInfo {
        iepoch: e,
        loss: get_str(src, run, Table::EvalLosses, &key)?,
        accuracy: get_str(src, run, Table::EvalAcc1es, &key)?,
        cur_time,
        all_time,
    })
}

/// A key of `get_times()`' dict: `T-train@...` (`name` `None`) or `T-{name}@...`, `@epoch`
/// (the mean) or `@total` (the sum).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimeKey<'s> {
    pub name: Option<&'s str>,
    pub total: bool,
}

impl TimeKey<'_> {
    /// The key string.
    pub(crate) fn text(self) -> String {
        let at = if self.total { "total" } else { "epoch" };
        format!("T-{}@{at}", self.name.unwrap_or("train"))
    }

    /// Whether this is the key `text` (without building this key's string).
    pub(crate) fn is(self, text: &str) -> bool {
        let at = if self.total { "@total" } else { "@epoch" };
        let name = self.name.unwrap_or("train");
        text.len() == 2 + name.len() + at.len()
            && text.starts_with("T-")
            && text[2..].starts_with(name)
            && text.ends_with(at)
    }
}

/// `ResultsCount.get_times()`: `T-train@epoch`/`@total` (`np.mean`/`np.sum` of the train
/// times' values, `None` if they are `None`), then per eval name the same over
/// `eval_times['name@i']` for every epoch (`None` when any is missing).
pub(crate) fn get_times<S: Source>(src: &S, run: S::Run, mode: Mode) -> Vec<(String, Option<Num>)> {
    let mut out = Vec::with_capacity(2 + 2 * src.eval_name_count(run));
    times(src, run, mode, |k, v| out.push((k.text(), v)));
    out
}

/// `get_times()`' items in order, given to `f` with their keys unbuilt.
pub(crate) fn times<'s, S: Source>(
    src: &'s S,
    run: S::Run,
    mode: Mode,
    mut f: impl FnMut(TimeKey<'s>, Option<Num>),
) {
    let mut v = Vec::new();
    if src.table_kind(run, Table::TrainTimes) != TableKind::None {
        src.table_values(run, Table::TrainTimes, &mut v);
        // (NATS-Bench's `mean` of no train times raises ZeroDivisionError; no file has them.)
        let (m, s) = mode.mean_sum(&v);
        f(TimeKey { name: None, total: false }, m);
        f(TimeKey { name: None, total: true }, m.map(|_| s));
    } else {
        f(TimeKey { name: None, total: false }, None);
        f(TimeKey { name: None, total: true }, None);
    }
    let epochs = src.epochs(run);
    for k in 0..src.eval_name_count(run) {
        let name = src.eval_name(run, k);
        let (m, s) = if src.table_kind(run, Table::EvalTimes) == TableKind::None {
            (None, None)
        } else {
            v.clear();
            match src.eval_series(run, Table::EvalTimes, name, epochs, &mut v) {
                Ok(()) => {
                    // A `mean` of no epochs raises inside NATS-Bench's `try`: both `None`.
                    let (m, s) = mode.mean_sum(&v);
                    (m, m.map(|_| s))
                }
                Err(_) => (None, None),
            }
        };
        f(TimeKey { name: Some(name), total: false }, m);
        f(TimeKey { name: Some(name), total: true }, s);
    }
}

/// `ResultsCount.get_latency()`: `-1.0` when `latency` is `None`, else
/// `sum(latency) / len(latency)`.
pub(crate) fn get_latency<S: Source>(src: &S, run: S::Run, mode: Mode) -> Result<Num, ApiError> {
    let Some(n) = src.latency_len(run) else {
        return Ok(Num::Float(-1.0));
    };
    let v: Vec<Num> = (0..n).map(|k| src.latency(run, k)).collect();
    let s = py_sum(&v, mode.sum);
    crate::num::div(s, Num::Int(n as i64))
        .ok_or_else(|| ApiError::new(Exc::ZeroDivisionError, "division by zero"))
}

/// `arch_config[key]`, `KeyError(key)` if absent.
fn config<'s, S: Source>(src: &'s S, run: S::Run, key: &str) -> Result<Scalar<'s>, ApiError> {
    (0..src.arch_config_len(run))
        .map(|k| src.arch_config_item(run, k))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
        .ok_or_else(|| ApiError::key(Value::str(key)))
}

/// `ResultsCount.get_config(str2structure)`. With `str2structure` (`structure == true`) the
/// official code returns `'genotype': str2structure(arch_config[...])`: this returns the
/// string under `'genotype'` and the binding applies its callable to it.
pub(crate) fn get_config<'s, S: Source>(
    src: &'s S,
    run: S::Run,
    structure: bool,
) -> Result<Value<'s>, ApiError> {
    let shape = matches!(config(src, run, "name"), Ok(Scalar::Str("infer.shape.tiny")));
    let mut d = Vec::with_capacity(5);
    if shape {
        d.push((Value::str("name"), Value::str("infer.shape.tiny")));
        d.push((Value::str("channels"), config(src, run, "channels")?.into()));
        d.push((Value::str("genotype"), config(src, run, "genotype")?.into()));
    } else {
        d.push((Value::str("name"), Value::str("infer.tiny")));
        d.push((Value::str("C"), config(src, run, "channel")?.into()));
        d.push((Value::str("N"), config(src, run, "num_cells")?.into()));
        let key = if structure { "genotype" } else { "arch_str" };
        d.push((Value::str(key), config(src, run, "arch_str")?.into()));
    }
    d.push((Value::str("num_classes"), config(src, run, "class_num")?.into()));
    Ok(Value::Dict(d))
}

/// `repr(ResultsCount)`:
/// `ResultsCount(cifar10, arch=..., FLOP=15.65M, Param=0.129MB, seed=0777, 1 eval-sets: [ori-test])`.
pub(crate) fn repr<S: Source>(src: &S, run: S::Run) -> Result<String, ApiError> {
    let arch = Value::from(config(src, run, "arch_str")?).py_str();
    let names: Vec<&str> = (0..src.eval_name_count(run)).map(|k| src.eval_name(run, k)).collect();
    Ok(format!(
        "ResultsCount({}, arch={arch}, FLOP={}M, Param={}MB, seed={}, {} eval-sets: [{}])",
        src.name(run),
        fixed(src.flop(run).f(), 2),
        fixed(src.params(run).f(), 3),
        Value::from(src.seed_attr(run)).py_str(),
        names.len(),
        names.join(", ")
    ))
}

/// The `repr` of a table's keys as `dict.keys()` lists them (`'x-valid@0', ...`).
fn table_keys_repr<S: Source>(src: &S, run: S::Run, t: Table) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(src.table_len(run, t) * 16);
    src.for_table_keys(run, t, &mut |k| {
        if !out.is_empty() {
            out.push_str(", ");
        }
        match k {
            TableKey::Int(i) => {
                let _ = write!(out, "{i}");
            }
            // The files' keys (`'x-valid@12'`) need no escaping: written as they are.
            TableKey::Str(s)
                if s.bytes().all(|b| b.is_ascii_graphic() && b != b'\'' && b != b'\\') =>
            {
                out.push('\'');
                out.push_str(s);
                out.push('\'');
            }
            TableKey::Str(s) => out.push_str(&tnb_pycall::py_repr_str(s)),
        }
    });
    out
}
