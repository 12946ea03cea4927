//! `ArchResults`: one arch under one hp, over its datasets and seeds.

use tnb_pycall::{Arg, Exc, arg_repr, arg_str, py_repr_str};

use crate::draw::Draw;
use crate::error::{ApiError, arg_value, type_error, value_error};
use crate::num::{Mode, div, py_sum};
use crate::run::{self, EpochInfo};
use crate::source::{Num, Source};
use crate::value::{ResultsRef, RunRef, Value};

/// A dict lookup by argument `param`: `unhashable type` for a list/dict/set, else the
/// position of the str key, `KeyError(arg)` when absent.
pub(crate) fn dataset_pos<S: Source>(
    src: &S,
    r: S::Results,
    dataset: Arg<'_>,
) -> Result<usize, ApiError> {
    if let Arg::Unhashable(_) = dataset {
        return Err(unhashable(dataset));
    }
    let found = match dataset {
        Arg::Str(s) => src.find_dataset(r, s),
        _ => None,
    };
    found.ok_or_else(|| ApiError::key_param("dataset", &arg_repr(dataset)))
}

pub(crate) fn unhashable(a: Arg<'_>) -> ApiError {
    type_error(format!("unhashable type: '{}'", a.type_name()))
}

/// `(dataset, seed)` as the `KeyError` of `all_results[(dataset, seed)]` shows it.
fn run_key_error(dataset: &str, seed: i64) -> ApiError {
    ApiError::key(Value::Tuple(vec![Value::str(dataset), Value::Int(seed)]))
}

/// `[self.all_results[(dataset, seed)] for seed in self.dataset_seed[dataset]]`, as
/// positions in `all_results`.
pub(crate) fn runs_of<S: Source>(
    src: &S,
    r: S::Results,
    dataset: Arg<'_>,
) -> Result<(usize, Vec<usize>), ApiError> {
    let d = dataset_pos(src, r, dataset)?;
    let name = src.dataset_name(r, d);
    let mut runs = Vec::with_capacity(src.seed_count(r, d));
    for k in 0..src.seed_count(r, d) {
        let seed = src.seed(r, d, k);
        match src.find_run_pos(r, name, seed) {
            Some(j) => runs.push(j),
            None => return Err(run_key_error(name, seed)),
        }
    }
    Ok((d, runs))
}

fn seeds_list<S: Source>(src: &S, r: S::Results, d: usize) -> Vec<i64> {
    (0..src.seed_count(r, d)).map(|k| src.seed(r, d, k)).collect()
}

fn ints_repr(v: &[i64]) -> String {
    let s: Vec<String> = v.iter().map(i64::to_string).collect();
    format!("[{}]", s.join(", "))
}

/// `ArchResults.get_compute_costs(dataset)`: `flops`, `params` (seed means), `latency` (the
/// mean of the positive per-seed latencies, or `None`), then the seed means of every
/// `get_times()` key in first-seen order (`None` when the first seed's is `None`).
pub(crate) fn get_compute_costs<'s, S: Source>(
    src: &'s S,
    r: S::Results,
    dataset: Arg<'_>,
    mode: Mode,
) -> Result<Value<'s>, ApiError> {
    let (d, runs) = runs_of(src, r, dataset)?;
    let runs: Vec<S::Run> = runs.iter().map(|&j| src.run(r, j)).collect();
    let mut flops: Vec<Num> = runs.iter().map(|&x| src.flop(x)).collect();
    let mut params: Vec<Num> = runs.iter().map(|&x| src.params(x)).collect();
    if mode.nats {
        flops = legacy_fix(src, r, d, flops)?;
        params = legacy_fix(src, r, d, params)?;
    }
    let mut latencies = Vec::with_capacity(runs.len());
    for &x in &runs {
        let l = run::get_latency(src, x, mode)?;
        if l.f() > 0.0 {
            latencies.push(l);
        }
    }
    // Keys in first-seen order (strings built once per key, not per run).
    let mut times: Vec<(String, Vec<Option<Num>>)> = Vec::new();
    for &x in &runs {
        run::times(src, x, mode, |k, v| match times.iter_mut().find(|(name, _)| k.is(name)) {
            Some((_, list)) => list.push(v),
            None => times.push((k.text(), vec![v])),
        });
    }
    let mean = |v: &[Num]| mode.mean(v).ok_or_else(zero_division);
    let mut out = Vec::with_capacity(3 + times.len());
    out.push((Value::str("flops"), mean(&flops)?.into()));
    out.push((Value::str("params"), mean(&params)?.into()));
    let latency = if latencies.is_empty() { Value::None } else { mean(&latencies)?.into() };
    out.push((Value::str("latency"), latency));
    for (k, list) in times {
        let v = match list.first() {
            Some(Some(_)) => mean_of(&list, mode)?.into(),
            _ => Value::None,
        };
        out.push((Value::Str(k.into()), v));
    }
    Ok(Value::Dict(out))
}

fn zero_division() -> ApiError {
    ApiError::new(Exc::ZeroDivisionError, "division by zero")
}

/// NATS-Bench's "legacy fix" of `get_compute_costs` (v1.6, its issue 36): when a dataset has
/// more than one seed and the values formatted with 5 decimals differ, only seed 888's value
/// is kept (`ValueError('888 is not in list')` without that seed).
fn legacy_fix<S: Source>(
    src: &S,
    r: S::Results,
    d: usize,
    raw: Vec<Num>,
) -> Result<Vec<Num>, ApiError> {
    let shown: Vec<String> = raw.iter().map(|x| crate::text::fixed(x.f(), 5)).collect();
    if shown.len() > 1 && shown.iter().any(|x| *x != shown[0]) {
        let seeds = seeds_list(src, r, d);
        let Some(k) = seeds.iter().position(|&s| s == 888) else {
            return Err(value_error("888 is not in list"));
        };
        return Ok(vec![raw[k]]);
    }
    Ok(raw)
}

/// `np.mean(values)` of a list whose first item is a number; a later `None` makes numpy add
/// objects, which fails as Python's `+` does.
fn mean_of(list: &[Option<Num>], mode: Mode) -> Result<Num, ApiError> {
    let v: Option<Vec<Num>> = list.iter().copied().collect();
    match v {
        Some(v) => mode.mean(&v).ok_or_else(zero_division),
        None => {
            let first =
                list.first().copied().flatten().map_or("NoneType", |n| {
                    if let Num::F64(_) = n { "float" } else { n.type_name() }
                });
            Err(type_error(format!("unsupported operand type(s) for +: '{first}' and 'NoneType'")))
        }
    }
}

/// `is_random` as `get_metrics` reads it.
enum Pick {
    Draw,
    Mean,
    Seed(i64),
    Invalid,
}

fn pick(is_random: Option<Arg<'_>>) -> Pick {
    match is_random {
        None | Some(Arg::Bool(false)) => Pick::Mean,
        Some(Arg::Bool(true)) => Pick::Draw,
        Some(a @ (Arg::Int(_) | Arg::BigInt { .. })) => Pick::Seed(a.as_int().unwrap_or(0)),
        Some(_) => Pick::Invalid,
    }
}

/// The five lists of `get_metrics`' `infos`.
pub(crate) struct Infos(pub(crate) Vec<EpochInfo>);

/// `ArchResults.get_metrics(dataset, setname, iepoch=None, is_random=False)`: every seed's
/// `get_train`/`get_eval` (in seed order; their errors first), then by `is_random`: `True`
/// draws `random.randint(0, n-1)` ([`Draw::randint`]), `False` averages each key with
/// `np.mean` (`None` if the first seed's is `None`), an int picks that seed (`ValueError` if
/// absent), anything else is a `ValueError`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn get_metrics<S: Source>(
    src: &S,
    r: S::Results,
    dataset: Arg<'_>,
    setname: Arg<'_>,
    iepoch: Option<Arg<'_>>,
    is_random: Option<Arg<'_>>,
    mode: Mode,
    draw: &mut dyn Draw,
) -> Result<Vec<(&'static str, Value<'static>)>, ApiError> {
    let (d, runs) = runs_of(src, r, dataset)?;
    let mut infos = Vec::with_capacity(runs.len());
    for &j in &runs {
        let x = src.run(r, j);
        infos.push(match setname {
            Arg::Str("train") => run::get_train(src, x, iepoch, mode)?,
            name => run::get_eval(src, x, name, iepoch, mode)?,
        });
    }
    select(src, r, d, &Infos(infos), is_random, mode, draw)
}

const KEYS: [&str; 5] = ["iepoch", "loss", "accuracy", "cur_time", "all_time"];

fn select<S: Source>(
    src: &S,
    r: S::Results,
    d: usize,
    infos: &Infos,
    is_random: Option<Arg<'_>>,
    mode: Mode,
    draw: &mut dyn Draw,
) -> Result<Vec<(&'static str, Value<'static>)>, ApiError> {
    let infos = &infos.0;
    let one = |i: &EpochInfo| -> Vec<(&'static str, Value<'static>)> {
        vec![
            (KEYS[0], i.iepoch.value()),
            (KEYS[1], i.loss.into()),
            (KEYS[2], i.accuracy.into()),
            (KEYS[3], i.cur_time.into()),
            (KEYS[4], i.all_time.into()),
        ]
    };
    match pick(is_random) {
        Pick::Draw => {
            let n = infos.len() as i64;
            let k = draw.randint(0, n - 1)?;
            let i = usize::try_from(k)
                .ok()
                .and_then(|k| infos.get(k))
                .ok_or_else(|| ApiError::new(Exc::IndexError, "list index out of range"))?;
            Ok(one(i))
        }
        Pick::Mean => {
            if infos.is_empty() {
                return Ok(Vec::new());
            }
            let iepoch: Vec<Num> = infos.iter().map(|i| i.iepoch.num()).collect();
            let loss: Vec<Num> = infos.iter().map(|i| i.loss).collect();
            let acc: Vec<Num> = infos.iter().map(|i| i.accuracy).collect();
            let cur: Vec<Option<Num>> = infos.iter().map(|i| i.cur_time).collect();
            let all: Vec<Option<Num>> = infos.iter().map(|i| i.all_time).collect();
            let opt = |v: &[Option<Num>]| -> Result<Value<'static>, ApiError> {
                Ok(match v.first() {
                    Some(Some(_)) => mean_of(v, mode)?.into(),
                    _ => Value::None,
                })
            };
            let mean = |v: &[Num]| -> Result<Value<'static>, ApiError> {
                Ok(mode.mean(v).ok_or_else(zero_division)?.into())
            };
            Ok(vec![
                (KEYS[0], mean(&iepoch)?),
                (KEYS[1], mean(&loss)?),
                (KEYS[2], mean(&acc)?),
                (KEYS[3], opt(&cur)?),
                (KEYS[4], opt(&all)?),
            ])
        }
        Pick::Seed(seed) => {
            let seeds = seeds_list(src, r, d);
            let Some(k) = seeds
                .iter()
                .position(|&s| s == seed)
                .filter(|_| !matches!(is_random, Some(Arg::BigInt { .. })))
            else {
                return Err(value_error(format!(
                    "can not find random seed ({}) from {}",
                    arg_str(is_random.unwrap_or(Arg::None)),
                    ints_repr(&seeds)
                )));
            };
            Ok(one(&infos[k]))
        }
        Pick::Invalid => Err(value_error(format!(
            "invalid value for is_random: {}",
            arg_str(is_random.unwrap_or(Arg::None))
        ))),
    }
}

/// `ArchResults.get_dataset_names()`.
pub(crate) fn get_dataset_names<'s, S: Source>(src: &'s S, r: S::Results) -> Value<'s> {
    Value::List((0..src.dataset_count(r)).map(|d| Value::str(src.dataset_name(r, d))).collect())
}

/// `ArchResults.get_dataset_seeds(dataset)` (a copy of the sorted list).
pub(crate) fn get_dataset_seeds<S: Source>(
    src: &S,
    r: S::Results,
    dataset: Arg<'_>,
) -> Result<Vec<i64>, ApiError> {
    let d = dataset_pos(src, r, dataset)?;
    Ok(seeds_list(src, r, d))
}

/// `ArchResults.get_latency(dataset)`: each seed's latency must be a float `> 0`
/// (`ValueError` naming the first that is not), then `sum(latencies) / len(latencies)`.
pub(crate) fn get_latency<S: Source>(
    src: &S,
    r: S::Results,
    dataset: Arg<'_>,
    mode: Mode,
) -> Result<Num, ApiError> {
    let (d, runs) = runs_of(src, r, dataset)?;
    let mut v = Vec::with_capacity(runs.len());
    for (k, &j) in runs.iter().enumerate() {
        let l = run::get_latency(src, src.run(r, j), mode)?;
        if matches!(l, Num::Int(_)) || l.f() <= 0.0 {
            return Err(value_error(format!(
                "invalid latency of {} with seed={} : {}",
                arg_str(dataset),
                src.seed(r, d, k),
                Value::from(l).py_str()
            )));
        }
        v.push(l);
    }
    let s = py_sum(&v, mode.sum);
    div(s, Num::Int(v.len() as i64))
        .ok_or_else(|| ApiError::new(Exc::ZeroDivisionError, "division by zero"))
}

/// `ArchResults.get_total_epoch(dataset=None)`.
pub(crate) fn get_total_epoch<S: Source>(
    src: &S,
    r: S::Results,
    dataset: Option<Arg<'_>>,
) -> Result<i64, ApiError> {
    let mut epochs = Vec::new();
    match dataset {
        None | Some(Arg::None) => {
            for d in 0..src.dataset_count(r) {
                let a = Arg::Str(src.dataset_name(r, d));
                let (_, runs) = runs_of(src, r, a)?;
                epochs.extend(runs.iter().map(|&j| src.epochs(src.run(r, j))));
            }
        }
        Some(a @ Arg::Str(_)) => {
            let (_, runs) = runs_of(src, r, a)?;
            epochs.extend(runs.iter().map(|&j| src.epochs(src.run(r, j))));
        }
        Some(a) => return Err(value_error(format!("invalid dataset={}", arg_str(a)))),
    }
    let first = epochs.first().copied();
    if epochs.iter().any(|&e| Some(e) != first) {
        return Err(value_error(format!(
            "Each trial mush have the same number of training epochs : {}",
            ints_repr(&epochs)
        )));
    }
    epochs.last().copied().ok_or_else(|| ApiError::new(Exc::IndexError, "list index out of range"))
}

/// An int-like argument as a dict key (`d[True]` finds `d[1]`, `d[777.0]` finds `d[777]`).
pub(crate) fn int_key(a: Arg<'_>) -> Option<i64> {
    match a {
        Arg::Int(i) => Some(i),
        Arg::Bool(b) => Some(i64::from(b)),
        Arg::Float(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Some(x as i64),
        _ => None,
    }
}

/// `repr((dataset, seed))` of two arguments.
fn pair_repr(dataset: Arg<'_>, seed: Arg<'_>) -> String {
    format!("({}, {})", arg_repr(dataset), arg_repr(seed))
}

/// The run `all_results[(dataset, seed)]` for two arguments.
fn run_by_args<S: Source>(
    src: &S,
    r: S::Results,
    dataset: Arg<'_>,
    seed: Arg<'_>,
) -> Result<Option<usize>, ApiError> {
    for a in [dataset, seed] {
        if let Arg::Unhashable(_) = a {
            return Err(unhashable(a));
        }
    }
    Ok(match (dataset, int_key(seed)) {
        (Arg::Str(d), Some(s)) => src.find_run_pos(r, d, s),
        _ => None,
    })
}

/// `ArchResults.query(dataset, seed=None)`: `{seed: ResultsCount}` over the dataset's
/// seeds, or `all_results[(dataset, seed)]`.
pub(crate) fn query<'s, S: Source>(
    src: &'s S,
    r: S::Results,
    at: ResultsRef,
    dataset: Arg<'_>,
    seed: Option<Arg<'_>>,
) -> Result<Value<'s>, ApiError> {
    match seed {
        None | Some(Arg::None) => {
            let (d, runs) = runs_of(src, r, dataset)?;
            Ok(Value::Dict(
                runs.iter()
                    .enumerate()
                    .map(|(k, &j)| {
                        (
                            Value::Int(src.seed(r, d, k)),
                            Value::ResultsCount(RunRef { results: at, run: j }),
                        )
                    })
                    .collect(),
            ))
        }
        Some(s) => match run_by_args(src, r, dataset, s)? {
            Some(j) => Ok(Value::ResultsCount(RunRef { results: at, run: j })),
            None => Err(match (arg_value(dataset), arg_value(s)) {
                (Some(d), Some(s)) => ApiError::key(Value::Tuple(vec![d, s])),
                _ => ApiError::key_param("(dataset, seed)", &pair_repr(dataset, s)),
            }),
        },
    }
}

/// `ArchResults.get_net_param(dataset, seed=None)`: no weights in the benchmark files, so
/// `{seed: None}` or `None`.
pub(crate) fn get_net_param<'s, S: Source>(
    src: &'s S,
    r: S::Results,
    dataset: Arg<'_>,
    seed: Option<Arg<'_>>,
) -> Result<Value<'s>, ApiError> {
    match seed {
        None | Some(Arg::None) => {
            let (d, runs) = runs_of(src, r, dataset)?;
            Ok(Value::Dict(
                (0..runs.len()).map(|k| (Value::Int(src.seed(r, d, k)), Value::None)).collect(),
            ))
        }
        Some(s) => match run_by_args(src, r, dataset, s)? {
            Some(_) => Ok(Value::None),
            None => {
                let keys: Vec<String> = (0..src.run_count(r))
                    .map(|j| {
                        let (d, s) = src.run_key(r, j);
                        format!("({}, {s})", py_repr_str(d))
                    })
                    .collect();
                Err(value_error(format!(
                    "key={} not in [{}]",
                    pair_repr(dataset, s),
                    keys.join(", ")
                )))
            }
        },
    }
}

/// `ArchResults.arch_idx_str()`: `'{:06d}'.format(arch_index)`.
pub(crate) fn arch_idx_str<S: Source>(src: &S, r: S::Results) -> String {
    format!("{:06}", src.arch_index_of(r))
}

/// `repr(ArchResults)`: `ArchResults(arch-index=0, arch=..., 12 runs, clear=True)`.
pub(crate) fn repr<S: Source>(src: &S, r: S::Results, clear: bool) -> String {
    format!(
        "ArchResults(arch-index={}, arch={}, {} runs, clear={})",
        src.arch_index_of(r),
        src.arch_str(r),
        src.run_count(r),
        if clear { "True" } else { "False" }
    )
}

/// `ArchResults.show()`: the official module never imports `print_information`.
pub(crate) fn show() -> ApiError {
    ApiError::new(Exc::NameError, "name 'print_information' is not defined")
}
