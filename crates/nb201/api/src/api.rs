//! `NASBench201API` (with `NASBenchMetaAPI`'s methods): [`Nb201`].

use std::sync::Arc;

use tnb_pycall::{Arg, Exc, arg_repr, arg_str, py_repr_str};

use crate::dialect::{Dialect, Nats};
use crate::draw::Draw;
use crate::error::{ApiError, type_error, value_error};

#[path = "nats.rs"]
mod nats;
use crate::num::{Mode, PySum, add, div, lt};
use crate::results::{self, int_key, unhashable};
use crate::run;
use crate::source::{Hp, Num, Source};
use crate::text::fixed;
use crate::value::{ResultsRef, Value};

/// NATS-Bench `get_more_info`'s `comment` for cifar10-valid (`{hp}` is `str(hp)`).
const COMMENT_VALID: &str = "In this dict, train-loss/accuracy/time is the metric on the train set of CIFAR-10. The test-loss/accuracy/time is the performance of the CIFAR-10 test set after training on the train set by {hp} epochs. The per-time and total-time indicate the per epoch and total time costs, respectively.";

/// NATS-Bench `get_more_info`'s `comment` for cifar10.
const COMMENT_TEST: &str = "In this dict, train-loss/accuracy/time is the metric on the train+valid sets of CIFAR-10. The test-loss/accuracy/time is the performance of the CIFAR-10 test set after training on the train+valid sets by {hp} epochs. The per-time and total-time indicate the per epoch and total time costs, respectively.";

/// The four dataset names `statistics` accepts, in the official order.
pub const DATASETS: [&str; 4] = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"];

/// What a Python object holds beside the file's data: `used_time` (accumulated by
/// `simulate_train_eval`, zeroed by `reset_time`) and the `ArchResults` whose
/// `clear_params` was called (`clear_net_done` becomes `True`). The archive is never written.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// `api.used_time`: the int `0` until a time is added, then a float or `np.float64`.
    pub used_time: Num,
    /// `ArchResults` cleared by `clear_params`.
    pub cleared: Vec<ResultsRef>,
    /// `find_best`'s rankings (answers are the same without it; later calls are faster).
    pub find_best: FindBestCache,
    /// The messages of the `warnings.warn(...)` calls made so far (NATS-Bench warns where
    /// NAS-Bench-201 printed or raised: `query_info_str_by_arch` of an arch not evaluated,
    /// `clear_params` of one not loaded); a binding drains them and warns.
    pub warnings: Vec<String>,
    /// NATS-Bench's `reset_fast_mode` / `reset_archive_dir`, applied by the dispatchers
    /// ([`crate::call`]) over the object's [`Nats`] state.
    pub nats: Option<Nats>,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            used_time: Num::Int(0),
            cleared: Vec::new(),
            find_best: FindBestCache::default(),
            warnings: Vec::new(),
            nats: None,
        }
    }
}

impl Session {
    /// `reset_time()`: `used_time = 0`.
    pub fn reset_time(&mut self) {
        self.used_time = Num::Int(0);
    }
}

/// How many `(hp, dataset, set)` rankings a [`FindBestCache`] keeps (each holds one row per
/// evaluated arch, about 0.1 KB: 15625 archs make ~1.5 MB).
pub const MAX_CACHED_RANKINGS: usize = 8;

/// One arch as `find_best` sees it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Row {
    /// The lookups or `get_compute_costs` raise.
    Fails(ApiError),
    /// Seed-mean flops and params, and the seed-mean accuracy (or why it raises).
    Costs { flop: Num, param: Num, acc: Result<Value<'static>, ApiError> },
}

/// One cached ranking: its `(hp, dataset, set)` and a row per evaluated arch.
type Ranking = ((Hp, String, String), Arc<Vec<Row>>);

/// `find_best`'s per-arch values, kept per `(hp, dataset, set)` (at most
/// [`MAX_CACHED_RANKINGS`], oldest dropped first).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FindBestCache {
    rows: Vec<Ranking>,
}

impl FindBestCache {
    /// How many rankings are kept.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Where the official class prints (only when `verbose`, but for the one line
/// `query_info_str_by_arch` prints always) and draws.
pub struct Io<'a> {
    /// Python's global `random` (see [`Draw`]).
    pub draw: &'a mut dyn Draw,
    /// `print(line)`.
    pub print: &'a mut dyn FnMut(&str),
}

/// The official `NASBench201API` semantics over a [`Source`].
pub struct Nb201<'s, S: Source> {
    /// The data.
    pub src: &'s S,
    /// Which built-in `sum` to reproduce.
    pub sum: PySum,
    /// The object's `verbose`: whether methods print their "Call ..." lines (and, as a
    /// consequence, whether `find_best` with no result raises `AssertionError`).
    pub verbose: bool,
    /// Which official class: `NASBench201API` (by [`Nb201::new`]) or a NATS-Bench one
    /// ([`Nb201::nats`]).
    pub dialect: Dialect,
}

/// An index the way `x in arch2infos_dict` sees it: unhashable raises, an int-like finds.
fn dict_index(a: Arg<'_>) -> Result<Option<i64>, ApiError> {
    match a {
        Arg::Unhashable(_) => Err(unhashable(a)),
        other => Ok(int_key(other)),
    }
}

/// `'{:14s}'.format(s)`.
fn pad14(s: &str) -> String {
    format!("{s:<14}")
}

/// `'loss = {:.3f}, top1 = {:.2f}%'.format(loss, acc)`.
/// (NATS-Bench writes `' & '` for the comma.)
fn metric2str(loss: &Value<'_>, acc: &Value<'_>, nats: bool) -> Result<String, ApiError> {
    let sep = if nats { " &" } else { "," };
    Ok(format!("loss = {}{sep} top1 = {}%", fmt_f(loss, 3)?, fmt_f(acc, 2)?))
}

/// `'{:.Nf}'.format(v)`.
fn fmt_f(v: &Value<'_>, digits: usize) -> Result<String, ApiError> {
    match v {
        Value::Int(i) => Ok(fixed(*i as f64, digits)),
        Value::Float(x) | Value::F64(x) => Ok(fixed(*x, digits)),
        Value::Bool(b) => Ok(fixed(f64::from(u8::from(*b)), digits)),
        other => Err(type_error(format!(
            "unsupported format string passed to {}.__format__",
            other.type_name()
        ))),
    }
}

fn get<'v>(
    d: &'v [(&'static str, Value<'static>)],
    k: &'static str,
) -> Result<&'v Value<'static>, ApiError> {
    d.iter().find(|(x, _)| *x == k).map(|(_, v)| v).ok_or_else(|| ApiError::key(Value::str(k)))
}

fn num_of(v: &Value<'_>) -> Option<Num> {
    match *v {
        Value::Int(i) => Some(Num::Int(i)),
        Value::Bool(b) => Some(Num::Int(i64::from(b))),
        Value::Float(x) => Some(Num::Float(x)),
        Value::F64(x) => Some(Num::F64(x)),
        _ => None,
    }
}

/// One arch of `find_best`'s loop: its row's failure raises; an arch whose flops / params
/// exceed a limit is skipped; its accuracy's failure raises; its accuracy is returned when it
/// becomes the best: there is none yet or the best's accuracy is `<` its own (a `TypeError`
/// for values `<` cannot order).
fn consider<'r>(
    best: Option<&Value<'static>>,
    row: &'r Row,
    fmax: Arg<'_>,
    pmax: Arg<'_>,
) -> Result<Option<&'r Value<'static>>, ApiError> {
    let (flop, param, acc) = match row {
        Row::Fails(e) => return Err(e.clone()),
        Row::Costs { flop, param, acc } => (*flop, *param, acc),
    };
    if !matches!(fmax, Arg::None) && exceeds(flop, fmax)? {
        return Ok(None);
    }
    if !matches!(pmax, Arg::None) && exceeds(param, pmax)? {
        return Ok(None);
    }
    let acc = match acc {
        Ok(v) => v,
        Err(e) => return Err(e.clone()),
    };
    let better = match best {
        None => true,
        Some(ba) => match (num_of(ba), num_of(acc)) {
            (Some(x), Some(y)) => lt(x, y),
            _ => {
                return Err(type_error(format!(
                    "'<' not supported between instances of '{}' and '{}'",
                    ba.type_name(),
                    acc.type_name()
                )));
            }
        },
    };
    Ok(better.then_some(acc))
}

/// `a + b` for two answer values, with Python's `TypeError` for `None`.
fn add_values(a: &Value<'_>, b: &Value<'_>) -> Result<Num, ApiError> {
    match (num_of(a), num_of(b)) {
        (Some(x), Some(y)) => Ok(add(x, y)),
        _ => Err(type_error(format!(
            "unsupported operand type(s) for +: '{}' and '{}'",
            a.type_name(),
            b.type_name()
        ))),
    }
}

/// `x > limit` for a cost and a `FLOP_max`/`Param_max` argument.
fn exceeds(x: Num, limit: Arg<'_>) -> Result<bool, ApiError> {
    let l = match limit {
        Arg::Int(i) => i as f64,
        Arg::Bool(b) => f64::from(u8::from(b)),
        Arg::Float(f) => f,
        Arg::BigInt { negative, .. } => {
            if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }
        }
        // numpy's comparison of its float64 with a str finds no ufunc loop (numpy 2's
        // message; the class is numpy's `UFuncTypeError`, a `TypeError`); other objects fall
        // back to Python's comparison, where the scalar shows as a float.
        Arg::Str(_) if matches!(x, Num::F64(_)) => {
            return Err(type_error(
                "ufunc 'greater' did not contain a loop with signature matching types (<class \
                 'numpy.dtypes.Float64DType'>, <class 'numpy.dtypes.StrDType'>) -> None",
            ));
        }
        other => {
            let t = if let Num::F64(_) = x { "float" } else { x.type_name() };
            return Err(type_error(format!(
                "'>' not supported between instances of '{t}' and '{}'",
                other.type_name()
            )));
        }
    };
    Ok(x.f() > l)
}

/// `remap_dataset_set_names(dataset, metric_on_set)`: the internal names of `find_best`'s
/// arguments (`None` where an argument is kept as it is).
pub fn remap_dataset_set_names<'a>(dataset: Arg<'a>, metric_on_set: Arg<'a>) -> (Arg<'a>, Arg<'a>) {
    match (dataset, metric_on_set) {
        (Arg::Str("cifar10"), Arg::Str("valid")) => {
            (Arg::Str("cifar10-valid"), Arg::Str("x-valid"))
        }
        (Arg::Str("cifar10"), Arg::Str("test")) => (Arg::Str("cifar10"), Arg::Str("ori-test")),
        (Arg::Str("cifar100" | "ImageNet16-120"), Arg::Str("valid")) => {
            (dataset, Arg::Str("x-valid"))
        }
        (Arg::Str("cifar100" | "ImageNet16-120"), Arg::Str("test")) => {
            (dataset, Arg::Str("x-test"))
        }
        other => other,
    }
}

/// Python's `int(s)` for a str (surrounding whitespace, a sign, `_` between digits).
fn py_int(s: &str) -> Result<i64, ApiError> {
    let bad = || value_error(format!("invalid literal for int() with base 10: {}", py_repr_str(s)));
    let t = s.trim_matches(|c: char| c.is_whitespace());
    let (neg, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return Err(bad());
    }
    let mut v: i64 = 0;
    for c in digits.chars().filter(|&c| c != '_') {
        let d = c.to_digit(10).ok_or_else(bad)?;
        v = v.saturating_mul(10).saturating_add(i64::from(d));
    }
    Ok(if neg { -v } else { v })
}

/// `[x for x in node_str.split('|') if x != '']` with `assert len(x.split('~')) == 2`.
fn node_inputs(node: &str) -> Result<Vec<(&str, &str)>, ApiError> {
    let inputs: Vec<&str> = node.split('|').filter(|x| !x.is_empty()).collect();
    let mut out = Vec::with_capacity(inputs.len());
    for x in &inputs {
        let parts: Vec<&str> = x.split('~').collect();
        if parts.len() != 2 {
            return Err(ApiError::new(Exc::AssertionError, format!("invalid input length : {x}")));
        }
        out.push((parts[0], parts[1]));
    }
    Ok(out)
}

/// The default `search_space` of `str2matrix` (op index = position).
pub const OPS: [&str; 5] = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"];

/// `NASBench201API.str2lists(arch_str)` (static).
pub fn str2lists(arch_str: Arg<'_>) -> Result<Value<'static>, ApiError> {
    let s = str_arg(arch_str)?;
    let mut nodes = Vec::new();
    for node in s.split('+') {
        let inputs = node_inputs(node)?;
        let mut t = Vec::with_capacity(inputs.len());
        for (op, idx) in inputs {
            t.push(Value::Tuple(vec![Value::Str(op.to_owned().into()), Value::Int(py_int(idx)?)]));
        }
        nodes.push(Value::Tuple(t));
    }
    Ok(Value::List(nodes))
}

fn str_arg<'a>(a: Arg<'a>) -> Result<&'a str, ApiError> {
    match a {
        Arg::Str(s) => Ok(s),
        other => Err(ApiError::new(
            Exc::AttributeError,
            format!("'{}' object has no attribute 'split'", other.type_name()),
        )),
    }
}

/// `NASBench201API.str2matrix(arch_str, search_space)` (static): an `(n+1) x (n+1)` float64
/// matrix, `m[node, input] = op index` (negative inputs index from the end, as numpy does).
pub fn str2matrix(arch_str: Arg<'_>, search_space: &[&str]) -> Result<Value<'static>, ApiError> {
    let s = str_arg(arch_str)?;
    let nodes: Vec<&str> = s.split('+').collect();
    let n = nodes.len() + 1;
    let mut data = vec![0.0; n * n];
    for (i, node) in nodes.iter().enumerate() {
        for (op, idx) in node_inputs(node)? {
            let Some(op_idx) = search_space.iter().position(|x| *x == op) else {
                let ops: Vec<String> = search_space.iter().map(|o| py_repr_str(o)).collect();
                return Err(value_error(format!("this op ({op}) is not in [{}]", ops.join(", "))));
            };
            let j = py_int(idx)?;
            let col = if j < 0 { j + n as i64 } else { j };
            if !(0..n as i64).contains(&col) {
                return Err(ApiError::new(
                    Exc::IndexError,
                    format!("index {j} is out of bounds for axis 1 with size {n}"),
                ));
            }
            data[(i + 1) * n + col as usize] = op_idx as f64;
        }
    }
    Ok(Value::Matrix { n, data })
}

impl<'s, S: Source> Nb201<'s, S> {
    /// The semantics over `src`.
    pub fn new(src: &'s S, sum: PySum, verbose: bool) -> Self {
        Nb201 { src, sum, verbose, dialect: Dialect::Nb201 }
    }

    /// The NATS-Bench v1.8 semantics (`NATStopology` / `NATSsize` per `nats.space`) over `src`.
    pub fn nats(src: &'s S, sum: PySum, verbose: bool, nats: Nats) -> Self {
        Nb201 { src, sum, verbose, dialect: Dialect::Nats(nats) }
    }

    /// The NATS-Bench state, when this is a NATS-Bench object.
    pub fn nats_state(&self) -> Option<&Nats> {
        match &self.dialect {
            Dialect::Nats(n) => Some(n),
            Dialect::Nb201 => None,
        }
    }

    /// `time_string() + ' '` before NATS-Bench's "Call ..." lines (nothing for NAS-Bench-201).
    pub(crate) fn stamp(&self) -> String {
        match self.nats_state() {
            Some(_) => format!("{} ", crate::text::time_string()),
            None => String::new(),
        }
    }

    /// How averages and sums are computed.
    pub(crate) fn mode(&self) -> Mode {
        Mode { sum: self.sum, nats: self.nats_state().is_some(), quiet: false }
    }

    fn say(&self, io: &mut Io<'_>, line: impl FnOnce() -> String) {
        if self.verbose {
            (io.print)(&line());
        }
    }

    /// The line `get_cost_info` and `get_latency` print when verbose (the same words, but for
    /// the method's name).
    fn say_cost_call(
        &self,
        io: &mut Io<'_>,
        method: &str,
        index: Arg<'_>,
        dataset: Arg<'_>,
        hp: Arg<'_>,
    ) {
        self.say(io, || {
            format!(
                "{}Call the {method} function with index={}, dataset={}, and hp={}.",
                self.stamp(),
                arg_str(index),
                arg_str(dataset),
                arg_str(hp)
            )
        });
    }

    /// `len(api)`.
    pub fn len(&self) -> usize {
        self.src.num_archs()
    }

    /// Whether `len(api) == 0`.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `repr(api)`: `NASBench201API(15625/15625 architectures, file=...)` (`file=None` for an
    /// object built from a dict).
    pub fn repr(&self, filename: Option<&str>) -> String {
        match self.nats_state() {
            Some(n) => format!(
                "{}({}/{} architectures, fast_mode={}, file={})",
                n.space.class(),
                self.src.evaluated_len(),
                self.src.num_archs(),
                if n.fast_mode { "True" } else { "False" },
                filename.unwrap_or("None")
            ),
            None => format!(
                "NASBench201API({}/{} architectures, file={})",
                self.src.evaluated_len(),
                self.src.num_archs(),
                filename.unwrap_or("None")
            ),
        }
    }

    /// `api[index]` for an int index (slices are the binding's: `meta_archs[slice]`).
    pub fn getitem(&self, index: Arg<'_>) -> Result<&'s str, ApiError> {
        let out = || ApiError::new(Exc::IndexError, "list index out of range");
        let i = match index {
            Arg::BigInt { .. } => {
                return Err(ApiError::new(
                    Exc::IndexError,
                    "cannot fit 'int' into an index-sized integer",
                ));
            }
            a => match a.as_int() {
                Some(i) => i,
                None => {
                    return Err(type_error(format!(
                        "list indices must be integers or slices, not {}",
                        a.type_name()
                    )));
                }
            },
        };
        let n = self.len() as i64;
        let k = if i < 0 { i + n } else { i };
        usize::try_from(k).ok().and_then(|k| self.src.meta_arch(k)).ok_or_else(out)
    }

    /// `arch(index)`: `assert 0 <= index < len`, then `meta_archs[index]`.
    pub fn arch(&self, index: Arg<'_>, io: &mut Io<'_>) -> Result<&'s str, ApiError> {
        self.say(io, || format!("Call the arch function with index={}", arg_str(index)));
        let n = self.len();
        if self.nats_state().is_some() {
            // `if index < 0 or index >= len(self.meta_archs): raise ValueError(...)`.
            let bad = match index {
                Arg::Int(_) | Arg::Bool(_) => {
                    index.as_int().is_none_or(|i| i < 0 || i as u64 >= n as u64)
                }
                Arg::BigInt { .. } => true,
                Arg::Float(x) => x < 0.0 || x >= n as f64,
                other => {
                    return Err(type_error(format!(
                        "'<' not supported between instances of '{}' and 'int'",
                        other.type_name()
                    )));
                }
            };
            if bad {
                return Err(value_error(format!("invalid index : {} vs. {n}.", arg_str(index))));
            }
            return self.getitem(index);
        }
        let ok = match index {
            Arg::Int(_) | Arg::Bool(_) | Arg::BigInt { .. } => {
                index.as_int().is_some_and(|i| i >= 0 && (i as u64) < n as u64)
                    && !matches!(index, Arg::BigInt { .. })
            }
            Arg::Float(x) => 0.0 <= x && x < n as f64,
            other => {
                return Err(type_error(format!(
                    "'<=' not supported between instances of 'int' and '{}'",
                    other.type_name()
                )));
            }
        };
        if !ok {
            return Err(ApiError::new(
                Exc::AssertionError,
                format!("invalid index : {} vs. {n}.", arg_str(index)),
            ));
        }
        if let Arg::Float(_) = index {
            return Err(type_error("list indices must be integers or slices, not float"));
        }
        self.getitem(index)
    }

    /// `query_index_by_arch(arch)`: an int (a bool too, returned as it is) must be a valid
    /// index (`ValueError`); a str is looked up (`-1` if absent); an object with `tostr()`
    /// (its result given as `tostr`) likewise; anything else is `-1`.
    pub fn query_index_by_arch(
        &self,
        arch: Arg<'_>,
        tostr: Option<&str>,
        io: &mut Io<'_>,
    ) -> Result<Value<'static>, ApiError> {
        self.say(io, || {
            format!("{}Call query_index_by_arch with arch={}", self.stamp(), arg_str(arch))
        });
        let n = self.len() as i64;
        match arch {
            Arg::Int(_) | Arg::Bool(_) | Arg::BigInt { .. } => {
                let i = arch.as_int().unwrap_or(-1);
                if (0..n).contains(&i) && !matches!(arch, Arg::BigInt { .. }) {
                    Ok(match arch {
                        Arg::Bool(b) => Value::Bool(b),
                        _ => Value::Int(i),
                    })
                } else {
                    Err(value_error(format!(
                        "Invalid architecture index {} vs [0, {n}].",
                        arg_str(arch)
                    )))
                }
            }
            Arg::Str(s) => Ok(Value::Int(self.src.arch_index(s).map_or(-1, |i| i as i64))),
            _ => {
                Ok(Value::Int(tostr.and_then(|s| self.src.arch_index(s)).map_or(-1, |i| i as i64)))
            }
        }
    }

    fn index_arg(v: &Value<'_>) -> Arg<'static> {
        match *v {
            Value::Bool(b) => Arg::Bool(b),
            Value::Int(i) => Arg::Int(i),
            _ => Arg::None,
        }
    }

    /// `arch2infos_dict[index][hp]` with `query_meta_info_by_index`'s checks and messages
    /// (NATS-Bench looks up `str(hp)`).
    fn meta(&self, arch_index: Arg<'_>, hp: Arg<'_>) -> Result<(S::Results, ResultsRef), ApiError> {
        let i = dict_index(arch_index)?;
        let found = i.filter(|&i| self.src.has_entry(i));
        let Some(i) = found else {
            return Err(value_error(format!(
                "arch_index [{}] does not in arch2infos",
                arg_str(arch_index)
            )));
        };
        let nats = self.nats_state().is_some();
        if !nats {
            if let Arg::Unhashable(_) = hp {
                return Err(unhashable(hp));
            }
        }
        let hp_found = match hp {
            Arg::Str(s) => Hp::from_key(s),
            other if nats => Hp::from_key(&arg_str(other)),
            _ => None,
        };
        let Some((r, h)) = hp_found.and_then(|h| self.src.results(i, h).map(|r| (r, h))) else {
            return Err(value_error(format!(
                "The {}-th architecture only has hyper-parameters of {} instead of {}.",
                arg_str(arch_index),
                self.hp_list(i),
                arg_str(hp)
            )));
        };
        Ok((r, ResultsRef { index: i, hp: h }))
    }

    /// `list(arch2infos_dict[index].keys())` as Python prints it.
    pub(crate) fn hp_list(&self, index: i64) -> String {
        let keys: Vec<String> = (0..self.src.hp_count(index))
            .map(|j| py_repr_str(self.src.hp_at(index, j).key()))
            .collect();
        format!("[{}]", keys.join(", "))
    }

    /// `query_meta_info_by_index(arch_index, hp='12')`: the `ArchResults` (the official
    /// returns a deep copy).
    pub fn query_meta_info_by_index(
        &self,
        arch_index: Arg<'_>,
        hp: Option<Arg<'_>>,
        io: &mut Io<'_>,
    ) -> Result<ResultsRef, ApiError> {
        let hp = hp.unwrap_or(Arg::Str("12"));
        self.say(io, || {
            format!(
                "Call query_meta_info_by_index with arch_index={}, hp={}",
                arg_str(arch_index),
                arg_str(hp)
            )
        });
        if self.nats_state().is_some() {
            self.prepare(arch_index, io)?;
        }
        Ok(self.meta(arch_index, hp)?.1)
    }

    /// `query_by_index(arch_index, dataname=None, hp='12')`.
    pub fn query_by_index(
        &self,
        arch_index: Arg<'_>,
        dataname: Option<Arg<'_>>,
        hp: Option<Arg<'_>>,
        io: &mut Io<'_>,
    ) -> Result<Value<'s>, ApiError> {
        let hp = hp.unwrap_or(Arg::Str("12"));
        let dn = dataname.unwrap_or(Arg::None);
        self.say(io, || {
            format!(
                "{}Call query_by_index with arch_index={}, dataname={}, hp={}",
                self.stamp(),
                arg_str(arch_index),
                arg_str(dn),
                arg_str(hp)
            )
        });
        // NATS-Bench passes `str(hp)` on.
        let hp_text = arg_str(hp);
        let hp = if self.nats_state().is_some() { Arg::Str(&hp_text) } else { hp };
        let at = self.query_meta_info_by_index(arch_index, Some(hp), io)?;
        let r = self.meta(arch_index, hp)?.0;
        if let Arg::None = dn {
            return Ok(Value::ArchResults(at));
        }
        let found = match dn {
            Arg::Str(s) => self.src.find_dataset(r, s).is_some(),
            _ => false,
        };
        if !found {
            let names: Vec<String> = (0..self.src.dataset_count(r))
                .map(|d| py_repr_str(self.src.dataset_name(r, d)))
                .collect();
            return Err(value_error(format!(
                "invalid dataset-name : {} vs. [{}]",
                arg_str(dn),
                names.join(", ")
            )));
        }
        results::query(self.src, r, at, dn, None)
    }

    /// `get_more_info(index, dataset, iepoch=None, hp='12', is_random=True)`.
    pub fn get_more_info(
        &self,
        index: Arg<'_>,
        dataset: Arg<'_>,
        iepoch: Option<Arg<'_>>,
        hp: Option<Arg<'_>>,
        is_random: Option<Arg<'_>>,
        io: &mut Io<'_>,
    ) -> Result<Value<'static>, ApiError> {
        let hp = hp.unwrap_or(Arg::Str("12"));
        let is_random = is_random.unwrap_or(Arg::Bool(true));
        self.say(io, || {
            format!(
                "{}Call the get_more_info function with index={}, dataset={}, iepoch={}, hp={}, and is_random={}.",
                self.stamp(),
                arg_str(index),
                arg_str(dataset),
                arg_str(iepoch.unwrap_or(Arg::None)),
                arg_str(hp),
                arg_str(is_random)
            )
        });
        let idx = self.query_index_by_arch(index, None, io)?;
        let i = match idx {
            Value::Int(i) => i,
            Value::Bool(b) => i64::from(b),
            _ => -1,
        };
        let hp_key = arg_str(hp);
        let nats = self.nats_state().cloned();
        if nats.is_some() {
            self.prepare(Self::index_arg(&idx), io)?;
        }
        if !self.src.has_entry(i) {
            return Err(value_error(format!(
                "Did not find {} from arch2infos_dict.",
                idx.py_str()
            )));
        }
        let Some(r) = Hp::from_key(&hp_key).and_then(|h| self.src.results(i, h)) else {
            return Err(ApiError::key(Value::Str(hp_key.into())));
        };
        let mut seed_arg = is_random;
        if let Arg::Bool(true) = is_random {
            let seeds = results::get_dataset_seeds(self.src, r, dataset)?;
            seed_arg = Arg::Int(io.draw.choice(&seeds)?);
        }
        // `quiet`: a failure the official code swallows needs no message.
        let metrics_as = |set: &str, draw: &mut dyn Draw, quiet: bool| {
            let mode = Mode { quiet, ..self.mode() };
            results::get_metrics(
                self.src,
                r,
                dataset,
                Arg::Str(set),
                iepoch,
                Some(seed_arg),
                mode,
                draw,
            )
        };
        let metrics = |set: &str, draw: &mut dyn Draw| metrics_as(set, draw, false);
        let quietly = |set: &str, draw: &mut dyn Draw| metrics_as(set, draw, true).ok();
        let train = metrics("train", io.draw)?;
        let total = num_of(get(&train, "iepoch")?)
            .map(|n| add(n, Num::Int(1)))
            .ok_or_else(|| type_error("unsupported operand type(s) for +"))?;
        // (NATS-Bench's size space divides without the `None` check.)
        let sss = nats.as_ref().is_some_and(|n| n.space == crate::dialect::Space::Sss);
        let per = |all: &Value<'static>| -> Result<Value<'static>, ApiError> {
            match num_of(all) {
                Some(a) => div(a, total)
                    .map(Value::from)
                    .ok_or_else(|| ApiError::new(Exc::ZeroDivisionError, "float division by zero")),
                None if sss => Err(type_error(format!(
                    "unsupported operand type(s) for /: 'NoneType' and '{}'",
                    total.type_name()
                ))),
                None => Ok(Value::None),
            }
        };
        let mut out: Vec<(Value<'static>, Value<'static>)> = Vec::with_capacity(16);
        let train_all = get(&train, "all_time")?.clone();
        out.push((Value::str("train-loss"), get(&train, "loss")?.clone()));
        out.push((Value::str("train-accuracy"), get(&train, "accuracy")?.clone()));
        out.push((Value::str("train-per-time"), per(&train_all)?));
        out.push((Value::str("train-all-time"), train_all));
        let ds = match dataset {
            Arg::Str(s) => s,
            _ => "",
        };
        if nats.is_some() {
            let comment = match ds {
                "cifar10-valid" => Some(COMMENT_VALID),
                "cifar10" => Some(COMMENT_TEST),
                _ => None,
            };
            if let Some(c) = comment {
                let text = c.replace("{hp}", &hp_key);
                out.push((Value::str("comment"), Value::Str(text.into())));
            }
        }
        let (valid, test, valtest) = if ds == "cifar10-valid" {
            let valid = metrics("x-valid", io.draw)?;
            (Some(valid), quietly("ori-test", io.draw), None)
        } else {
            let test = quietly(if ds == "cifar10" { "ori-test" } else { "x-test" }, io.draw);
            let valid = quietly("x-valid", io.draw);
            let valtest = if ds != "cifar10" { quietly("ori-test", io.draw) } else { None };
            (valid, test, valtest)
        };
        const KEYS: [[&str; 4]; 3] = [
            ["valid-loss", "valid-accuracy", "valid-per-time", "valid-all-time"],
            ["test-loss", "test-accuracy", "test-per-time", "test-all-time"],
            ["valtest-loss", "valtest-accuracy", "valtest-per-time", "valtest-all-time"],
        ];
        for (keys, info) in KEYS.iter().zip([valid, test, valtest]) {
            let Some(info) = info else { continue };
            let all = get(&info, "all_time")?.clone();
            out.push((Value::str(keys[0]), get(&info, "loss")?.clone()));
            out.push((Value::str(keys[1]), get(&info, "accuracy")?.clone()));
            out.push((Value::str(keys[2]), per(&all)?));
            out.push((Value::str(keys[3]), all));
        }
        Ok(Value::Dict(out))
    }

    /// `query_info_str_by_arch(arch, hp='12')` (and `query_by_arch(arch, hp)`): the summary
    /// of `print_information`, or `None` (after printing a line) for an arch not evaluated.
    /// On a NATS-Bench object this is [`Nb201::query_info_str_by_arch_nats`] with its warning
    /// dropped (call that one to get it).
    pub fn query_info_str_by_arch(
        &self,
        arch: Arg<'_>,
        hp: Option<Arg<'_>>,
        io: &mut Io<'_>,
    ) -> Result<Option<String>, ApiError> {
        let hp = hp.unwrap_or(Arg::Str("12"));
        if self.nats_state().is_some() {
            return self.query_info_str_by_arch_nats(arch, Some(hp), &mut Session::default(), io);
        }
        self.say(io, || {
            format!(
                "Call query_info_str_by_arch with arch={} and hp={}",
                arg_str(arch),
                arg_str(hp)
            )
        });
        let idx = self.query_index_by_arch(arch, None, io)?;
        let i = match idx {
            Value::Int(i) => i,
            Value::Bool(b) => i64::from(b),
            _ => -1,
        };
        if !self.src.has_entry(i) {
            (io.print)(&format!(
                "Find this arch-index : {}, but this arch is not evaluated.",
                idx.py_str()
            ));
            return Ok(None);
        }
        if let Arg::Unhashable(_) = hp {
            return Err(unhashable(hp));
        }
        let h = match hp {
            Arg::Str(s) => Hp::from_key(s),
            _ => None,
        };
        let Some(r) = h.and_then(|h| self.src.results(i, h)) else {
            return Err(ApiError::new(Exc::NameError, "name 'index' is not defined"));
        };
        let lines = self.print_information(r, &format!("arch-index={}", idx.py_str()))?;
        Ok(Some(lines.join("\n")))
    }

    /// The official `print_information(information, extra_info)` strings.
    pub(crate) fn print_information(
        &self,
        r: S::Results,
        extra: &str,
    ) -> Result<Vec<String>, ApiError> {
        let src = self.src;
        let names: Vec<String> =
            (0..src.dataset_count(r)).map(|d| py_repr_str(src.dataset_name(r, d))).collect();
        let mut lines = vec![
            src.arch_str(r).to_owned(),
            format!("datasets : [{}], extra-info : {extra}", names.join(", ")),
        ];
        let mut none = crate::draw::NoDraw;
        for d in 0..src.dataset_count(r) {
            let name = src.dataset_name(r, d);
            let ds = Arg::Str(name);
            let costs = results::get_compute_costs(src, r, ds, self.mode())?;
            let g = |k: &str| costs.get(k).cloned().unwrap_or(Value::None);
            let latency = match num_of(&g("latency")) {
                Some(l) if l.f() > 0.0 => fixed(l.f() * 1000.0, 2),
                _ => "None".to_owned(),
            };
            lines.push(format!(
                "{} FLOP={:>6} M, Params={} MB, latency={latency} ms.",
                pad14(name),
                fmt_f(&g("flops"), 2)?,
                fmt_f(&g("params"), 3)?
            ));
            let m = |set: &str, none: &mut crate::draw::NoDraw| {
                results::get_metrics(src, r, ds, Arg::Str(set), None, None, self.mode(), none)
            };
            let ls = |info: &[(&'static str, Value<'static>)]| -> Result<String, ApiError> {
                metric2str(get(info, "loss")?, get(info, "accuracy")?, self.mode().nats)
            };
            let train = m("train", &mut none)?;
            let sss = self.nats_state().is_some_and(|n| n.space == crate::dialect::Space::Sss);
            let line = if name == "cifar10-valid" && sss {
                let valid = m("x-valid", &mut none)?;
                let test = m("ori-test", &mut none)?;
                format!(
                    "{} train : [{}], valid : [{}], test : [{}]",
                    pad14(name),
                    ls(&train)?,
                    ls(&valid)?,
                    ls(&test)?
                )
            } else if name == "cifar10-valid" {
                let valid = m("x-valid", &mut none)?;
                format!("{} train : [{}], valid : [{}]", pad14(name), ls(&train)?, ls(&valid)?)
            } else if name == "cifar10" {
                let test = m("ori-test", &mut none)?;
                format!("{} train : [{}], test  : [{}]", pad14(name), ls(&train)?, ls(&test)?)
            } else {
                let valid = m("x-valid", &mut none)?;
                let test = m("x-test", &mut none)?;
                format!(
                    "{} train : [{}], valid : [{}], test : [{}]",
                    pad14(name),
                    ls(&train)?,
                    ls(&valid)?,
                    ls(&test)?
                )
            };
            lines.push(line);
        }
        Ok(lines)
    }

    /// `get_cost_info(index, dataset, hp='12')`.
    pub fn get_cost_info(
        &self,
        index: Arg<'_>,
        dataset: Arg<'_>,
        hp: Option<Arg<'_>>,
        io: &mut Io<'_>,
    ) -> Result<Value<'s>, ApiError> {
        let hp = hp.unwrap_or(Arg::Str("12"));
        self.say_cost_call(io, "get_cost_info", index, dataset, hp);
        if self.nats_state().is_some() {
            self.prepare(index, io)?;
        }
        self.query_meta_info_by_index(index, Some(hp), io)?;
        let (r, _) = self.meta(index, hp)?;
        results::get_compute_costs(self.src, r, dataset, self.mode())
    }

    /// `get_latency(index, dataset, hp='12')`: `get_cost_info(...)['latency']`.
    pub fn get_latency(
        &self,
        index: Arg<'_>,
        dataset: Arg<'_>,
        hp: Option<Arg<'_>>,
        io: &mut Io<'_>,
    ) -> Result<Value<'s>, ApiError> {
        let hp = hp.unwrap_or(Arg::Str("12"));
        self.say_cost_call(io, "get_latency", index, dataset, hp);
        let costs = self.get_cost_info(index, dataset, Some(hp), io)?;
        Ok(costs.get("latency").cloned().unwrap_or(Value::None))
    }

    /// `get_net_config(index, dataset)`: the first hp's (`'12'`) first seed's config.
    pub fn get_net_config(
        &self,
        index: Arg<'_>,
        dataset: Arg<'_>,
        io: &mut Io<'_>,
    ) -> Result<Value<'s>, ApiError> {
        self.say(io, || {
            format!(
                "{}Call the get_net_config function with index={}, dataset={}.",
                self.stamp(),
                arg_str(index),
                arg_str(dataset)
            )
        });
        if self.nats_state().is_some() {
            return self.get_net_config_nats(index, dataset, io);
        }
        let Some(r) = dict_index(index)?.and_then(|i| self.src.results(i, Hp::Less)) else {
            // The official message names `arch_index`, which that method does not define.
            return Err(ApiError::new(Exc::NameError, "name 'arch_index' is not defined"));
        };
        let (_, runs) = results::runs_of(self.src, r, dataset)?;
        let Some(&j) = runs.first() else {
            return Err(ApiError::new(Exc::StopIteration, ""));
        };
        run::get_config(self.src, self.src.run(r, j), false)
    }

    /// `get_net_param(index, dataset, seed, hp='12')`: `{seed: None}` or `None` (no weights in
    /// the benchmark files).
    pub fn get_net_param(
        &self,
        index: Arg<'_>,
        dataset: Arg<'_>,
        seed: Arg<'_>,
        hp: Option<Arg<'_>>,
        io: &mut Io<'_>,
    ) -> Result<Value<'s>, ApiError> {
        let hp = hp.unwrap_or(Arg::Str("12"));
        self.say(io, || {
            format!(
                "{}Call the get_net_param function with index={}, dataset={}, seed={}, hp={}",
                self.stamp(),
                arg_str(index),
                arg_str(dataset),
                arg_str(seed),
                arg_str(hp)
            )
        });
        self.query_meta_info_by_index(index, Some(hp), io)?;
        let (r, _) = self.meta(index, hp)?;
        results::get_net_param(self.src, r, dataset, Some(seed))
    }

    /// `find_best(dataset, metric_on_set, FLOP_max=None, Param_max=None, hp='12')`:
    /// `(index, accuracy)` over `evaluated_indexes` ascending, skipping archs whose seed-mean
    /// flops/params exceed the limits, keeping the first maximum (strict `<`); `(-1, None)` if
    /// none passes (then, when verbose, the official `self.arch(-1)` raises). With `cache`,
    /// every arch's seed-mean costs and accuracy (or the failure computing them) are kept per
    /// `(hp, dataset, set)`, so later calls only compare (the answers are the same either way).
    #[allow(non_snake_case, clippy::too_many_arguments)]
    pub fn find_best(
        &self,
        dataset: Arg<'_>,
        metric_on_set: Arg<'_>,
        FLOP_max: Option<Arg<'_>>,
        Param_max: Option<Arg<'_>>,
        hp: Option<Arg<'_>>,
        cache: Option<&mut FindBestCache>,
        io: &mut Io<'_>,
    ) -> Result<Value<'static>, ApiError> {
        let hp = hp.unwrap_or(Arg::Str("12"));
        let fmax = FLOP_max.unwrap_or(Arg::None);
        let pmax = Param_max.unwrap_or(Arg::None);
        self.say(io, || {
            format!(
                "Call find_best with dataset={}, metric_on_set={}, hp={} | with #FLOPs < {} and #Params < {}",
                arg_str(dataset),
                arg_str(metric_on_set),
                arg_str(hp),
                arg_str(fmax),
                arg_str(pmax)
            )
        });
        self.say(io, || {
            format!(
                "Call internal function _remap_dataset_set_names with dataset={} and metric_on_set={}",
                arg_str(dataset),
                arg_str(metric_on_set)
            )
        });
        let (dataset, set) = remap_dataset_set_names(dataset, metric_on_set);
        self.say(io, || {
            format!("  return dataset={} and metric_on_set={}", arg_str(dataset), arg_str(set))
        });
        let best = self.search(dataset, set, hp, fmax, pmax, cache)?;
        let (bi, ba) = best.unwrap_or((-1, Value::None));
        if self.verbose {
            let name = self.arch(Arg::Int(bi), io)?;
            let acc = fmt_f(&ba, 3)?;
            (io.print)(&format!("  the best architecture : [{bi}] {name} with accuracy={acc}%"));
        }
        Ok(Value::Tuple(vec![Value::Int(bi), ba]))
    }

    /// `find_best`'s loop over `evaluated_indexes` (ascending): the best `(index, accuracy)`.
    fn search(
        &self,
        dataset: Arg<'_>,
        set: Arg<'_>,
        hp: Arg<'_>,
        fmax: Arg<'_>,
        pmax: Arg<'_>,
        cache: Option<&mut FindBestCache>,
    ) -> Result<Option<(i64, Value<'static>)>, ApiError> {
        let key = match (dataset, set, hp) {
            (Arg::Str(d), Arg::Str(m), Arg::Str(h)) => Hp::from_key(h).map(|h| (h, d, m)),
            _ => None,
        };
        let rows = match (cache, key) {
            (Some(cache), Some((h, d, m))) => {
                let found = cache.rows.iter().find(|(k, _)| k.0 == h && k.1 == d && k.2 == m);
                match found {
                    Some((_, rows)) => rows.clone(),
                    None => {
                        let rows: Arc<Vec<Row>> = Arc::new(
                            (0..self.src.evaluated_len())
                                .map(|k| self.row(self.src.evaluated(k), hp, dataset, set))
                                .collect(),
                        );
                        if cache.rows.len() >= MAX_CACHED_RANKINGS {
                            cache.rows.remove(0);
                        }
                        cache.rows.push(((h, d.to_owned(), m.to_owned()), rows.clone()));
                        rows
                    }
                }
            }
            _ => Arc::new(Vec::new()),
        };
        let cached = key.is_some() && !rows.is_empty() || self.src.evaluated_len() == 0;
        let mut best: Option<(i64, Value<'static>)> = None;
        if cached {
            // The best so far is borrowed from its row, cloned once at the end.
            // (The same steps as `consider`, with the best's number kept.)
            let limits = !matches!(fmax, Arg::None) || !matches!(pmax, Arg::None);
            let mut b: Option<(usize, &Value<'static>, Option<Num>)> = None;
            for (k, row) in rows.iter().enumerate() {
                let (flop, param, acc) = match row {
                    Row::Fails(e) => return Err(e.clone()),
                    Row::Costs { flop, param, acc } => (*flop, *param, acc),
                };
                if limits
                    && (!matches!(fmax, Arg::None) && exceeds(flop, fmax)?
                        || !matches!(pmax, Arg::None) && exceeds(param, pmax)?)
                {
                    continue;
                }
                let acc = match acc {
                    Ok(v) => v,
                    Err(e) => return Err(e.clone()),
                };
                let y = num_of(acc);
                match b {
                    None => b = Some((k, acc, y)),
                    Some((_, ba, x)) => match (x, y) {
                        (Some(x), Some(y)) => {
                            if lt(x, y) {
                                b = Some((k, acc, Some(y)));
                            }
                        }
                        _ => {
                            return Err(type_error(format!(
                                "'<' not supported between instances of '{}' and '{}'",
                                ba.type_name(),
                                acc.type_name()
                            )));
                        }
                    },
                }
            }
            best = b.map(|(k, v, _)| (self.src.evaluated(k), v.clone()));
        } else {
            for k in 0..self.src.evaluated_len() {
                let index = self.src.evaluated(k);
                let row = self.row(index, hp, dataset, set);
                if let Some(v) = consider(best.as_ref().map(|x| &x.1), &row, fmax, pmax)? {
                    best = Some((index, v.clone()));
                }
            }
        }
        Ok(best)
    }

    /// What `find_best` computes of the arch `index`: the `arch2infos_dict[index][hp]` lookups
    /// and `get_compute_costs` (whose failure stops the search), then the seed-mean accuracy of
    /// `get_metrics(dataset, set)` (whose failure stops it only if the arch passes the filters).
    fn row(&self, index: i64, hp: Arg<'_>, dataset: Arg<'_>, set: Arg<'_>) -> Row {
        let costs = || -> Result<(S::Results, Num, Num), ApiError> {
            if !self.src.has_entry(index) {
                return Err(ApiError::key(Value::Int(index)));
            }
            if let Arg::Unhashable(_) = hp {
                return Err(unhashable(hp));
            }
            let h = match hp {
                Arg::Str(s) => Hp::from_key(s),
                _ => None,
            };
            let Some(r) = h.and_then(|h| self.src.results(index, h)) else {
                return Err(match crate::error::arg_value(hp) {
                    Some(v) => ApiError::key(v),
                    None => ApiError::key_param("hp", &arg_repr(hp)),
                });
            };
            let costs = results::get_compute_costs(self.src, r, dataset, self.mode())?;
            let flop = costs.get("flops").and_then(num_of).unwrap_or(Num::F64(f64::NAN));
            let param = costs.get("params").and_then(num_of).unwrap_or(Num::F64(f64::NAN));
            Ok((r, flop, param))
        };
        let (r, flop, param) = match costs() {
            Ok(c) => c,
            Err(e) => return Row::Fails(e),
        };
        let mut none = crate::draw::NoDraw;
        let acc =
            results::get_metrics(self.src, r, dataset, set, None, None, self.mode(), &mut none)
                .and_then(|info| {
                    get(&info, "loss")?;
                    Ok(get(&info, "accuracy")?.clone())
                });
        Row::Costs { flop, param, acc }
    }

    /// `simulate_train_eval(arch, dataset, hp='12', account_time=True)`:
    /// `(valid_acc, latency, time_cost, used_time)`; one `random.choice` through
    /// `get_more_info(..., is_random=True)`; the latency is `get_latency(index, dataset)` at the
    /// default hp whatever `hp` is (as the official code does).
    pub fn simulate_train_eval(
        &self,
        arch: Arg<'_>,
        dataset: Arg<'_>,
        hp: Option<Arg<'_>>,
        account_time: Option<Arg<'_>>,
        session: &mut Session,
        io: &mut Io<'_>,
    ) -> Result<Value<'static>, ApiError> {
        let hp = hp.unwrap_or(Arg::Str("12"));
        let idx = self.query_index_by_arch(arch, None, io)?;
        let ds = match dataset {
            Arg::Str(s @ ("cifar10" | "cifar100" | "ImageNet16-120")) => s,
            other => {
                return Err(ApiError::new(
                    Exc::AssertionError,
                    format!(
                        "Invalid dataset name : {} vs ('cifar10', 'cifar100', 'ImageNet16-120')",
                        arg_str(other)
                    ),
                ));
            }
        };
        let index = Self::index_arg(&idx);
        let inner = if ds == "cifar10" { "cifar10-valid" } else { ds };
        let info =
            self.get_more_info(index, Arg::Str(inner), None, Some(hp), Some(Arg::Bool(true)), io)?;
        let valid_acc = info
            .get("valid-accuracy")
            .cloned()
            .ok_or_else(|| ApiError::key(Value::str("valid-accuracy")))?;
        let train_all = info.get("train-all-time").cloned().unwrap_or(Value::None);
        let valid_per = info
            .get("valid-per-time")
            .cloned()
            .ok_or_else(|| ApiError::key(Value::str("valid-per-time")))?;
        let time_cost = add_values(&train_all, &valid_per)?;
        let latency = self.get_latency(index, dataset, None, io)?.into_owned();
        let account = match account_time {
            None => true,
            Some(a) => truthy(a),
        };
        if account {
            session.used_time = add(session.used_time, time_cost);
        }
        Ok(Value::Tuple(vec![valid_acc, latency, time_cost.into(), session.used_time.into()]))
    }

    /// `random()`: `random.randint(0, len(api) - 1)` ([`Draw::randint`]).
    pub fn random(&self, io: &mut Io<'_>) -> Result<i64, ApiError> {
        io.draw.randint(0, self.len() as i64 - 1)
    }

    /// `clear_params(index, hp=None)`: marks the `ArchResults` cleared in `session` (the
    /// benchmark files hold no weights, so nothing else changes).
    pub fn clear_params(
        &self,
        index: Arg<'_>,
        hp: Option<Arg<'_>>,
        session: &mut Session,
        io: &mut Io<'_>,
    ) -> Result<(), ApiError> {
        let hp = hp.unwrap_or(Arg::None);
        self.say(io, || {
            format!(
                "{}Call clear_params with index={} and hp={}",
                self.stamp(),
                arg_str(index),
                arg_str(hp)
            )
        });
        let found = dict_index(index)?.filter(|&i| self.src.has_entry(i));
        if found.is_none() && self.nats_state().is_some() {
            session.warnings.push(format!(
                "The {}-th architecture is not in the benchmark data yet, no need to clear params.",
                arg_str(index)
            ));
            return Ok(());
        }
        let Some(i) = found else {
            return Err(match crate::error::arg_value(index) {
                Some(v) => ApiError::key(v),
                None => ApiError::key_param("index", &arg_repr(index)),
            });
        };
        let hps: Vec<Hp> = match hp {
            Arg::None => (0..self.src.hp_count(i)).map(|j| self.src.hp_at(i, j)).collect(),
            other => {
                match Hp::from_key(&arg_str(other)).filter(|&h| self.src.results(i, h).is_some()) {
                    Some(h) => vec![h],
                    None => {
                        return Err(value_error(format!(
                            "The {}-th architecture only has hyper-parameters of {} instead of {}.",
                            arg_str(index),
                            self.hp_list(i),
                            arg_str(other)
                        )));
                    }
                }
            }
        };
        for h in hps {
            let r = ResultsRef { index: i, hp: h };
            if !session.cleared.contains(&r) {
                session.cleared.push(r);
            }
        }
        Ok(())
    }

    /// `statistics(dataset, hp)`: `{number of seeds: number of archs}` over `range(len(api))`
    /// (keys in first-seen order).
    pub fn statistics(
        &self,
        dataset: Arg<'_>,
        hp: Arg<'_>,
        io: &mut Io<'_>,
    ) -> Result<Value<'static>, ApiError> {
        self.say(io, || {
            format!(
                "Call the statistics function with dataset={} and hp={}.",
                arg_str(dataset),
                arg_str(hp)
            )
        });
        let ok = matches!(dataset, Arg::Str(s) if DATASETS.contains(&s));
        if !ok {
            return Err(value_error(format!(
                "{} not in ['cifar10-valid', 'cifar10', 'cifar100', 'ImageNet16-120']",
                arg_str(dataset)
            )));
        }
        if self.nats_state().is_some() {
            return self.statistics_nats(dataset, hp);
        }
        let hp_key = arg_str(hp);
        let h = Hp::from_key(&hp_key);
        let mut nums: Vec<(i64, i64)> = Vec::new();
        for index in 0..self.len() as i64 {
            if !self.src.has_entry(index) {
                return Err(ApiError::key(Value::Int(index)));
            }
            let Some(r) = h.and_then(|h| self.src.results(index, h)) else {
                return Err(ApiError::key(Value::Str(hp_key.clone().into())));
            };
            let n = match dataset {
                Arg::Str(s) => self.src.find_dataset(r, s).map_or(0, |d| self.src.seed_count(r, d)),
                _ => 0,
            } as i64;
            match nums.iter_mut().find(|(k, _)| *k == n) {
                Some((_, c)) => *c += 1,
                None => nums.push((n, 1)),
            }
        }
        Ok(Value::Dict(nums.into_iter().map(|(k, v)| (Value::Int(k), Value::Int(v))).collect()))
    }

    /// `show(index=-1)`: prints (always, not only when verbose) what the official `_show`
    /// prints; a negative index raises `KeyError(index)` at the first evaluated arch (an
    /// upstream bug: it looks up `arch2infos_dict[index]`).
    pub fn show(
        &self,
        index: Arg<'_>,
        filename: Option<&str>,
        io: &mut Io<'_>,
    ) -> Result<(), ApiError> {
        if self.nats_state().is_some() {
            return self.show_nats(index, filename, io);
        }
        let i = match index {
            Arg::Int(_) | Arg::Bool(_) | Arg::BigInt { .. } => index.as_int().unwrap_or(0),
            Arg::Float(x) => {
                if x < 0.0 {
                    -1
                } else {
                    x as i64
                }
            }
            other => {
                return Err(type_error(format!(
                    "'<' not supported between instances of '{}' and 'int'",
                    other.type_name()
                )));
            }
        };
        let n = self.len() as i64;
        if i < 0 {
            (io.print)(&self.repr(filename));
            if self.src.evaluated_len() > 0 {
                let idx = self.src.evaluated(0);
                let total = self.src.evaluated_len();
                (io.print)(&format!(
                    "\n{} The ({:5}/{:5}) {:06}-th architecture! {}",
                    "-".repeat(10),
                    0,
                    total,
                    idx,
                    "-".repeat(10)
                ));
                let arch =
                    usize::try_from(idx).ok().and_then(|k| self.src.meta_arch(k)).unwrap_or("");
                (io.print)(&format!("arch : {arch}"));
                return Err(match crate::error::arg_value(index) {
                    Some(v) => ApiError::key(v),
                    None => ApiError::key_param("index", &arg_repr(index)),
                });
            }
            return Ok(());
        }
        if !(0..n).contains(&i) || matches!(index, Arg::BigInt { .. }) {
            (io.print)(&format!("This index ({}) is out of range (0~{n}).", arg_str(index)));
            return Ok(());
        }
        let evaluated = (0..self.src.evaluated_len()).any(|k| self.src.evaluated(k) == i);
        if !evaluated {
            (io.print)(&format!(
                "The {}-th architecture has not been evaluated or not saved.",
                arg_str(index)
            ));
            return Ok(());
        }
        for h in Hp::ALL {
            let Some(r) = self.src.results(i, h) else {
                return Err(ApiError::key(Value::Int(i)));
            };
            let lines = self.print_information(r, "None")?;
            let epochs = results::get_total_epoch(self.src, r, None)?;
            (io.print)(&format!("{} {epochs:03} epochs {}", ">".repeat(40), ">".repeat(40)));
            (io.print)(&lines.join("\n"));
        }
        (io.print)(&format!("{}------------{}", "<".repeat(40), "<".repeat(40)));
        Ok(())
    }

    /// `clear_net_done` of an `ArchResults`, after the session's `clear_params` calls.
    pub fn clear_net_done(&self, at: ResultsRef, session: &Session) -> bool {
        session.cleared.contains(&at)
            || self.src.results(at.index, at.hp).is_some_and(|r| self.src.clear_net_done(r))
    }

    /// The source handle of an `ArchResults` reference.
    pub fn results_of(&self, at: ResultsRef) -> Result<S::Results, ApiError> {
        self.src.results(at.index, at.hp).ok_or_else(|| ApiError::key(Value::Int(at.index)))
    }
}

/// Python's truth value of an argument (`if account_time:`).
fn truthy(a: Arg<'_>) -> bool {
    match a {
        Arg::None => false,
        Arg::Bool(b) => b,
        Arg::Int(i) => i != 0,
        Arg::BigInt { .. } => true,
        Arg::Float(x) => x != 0.0,
        Arg::Str(s) => !s.is_empty(),
        Arg::Hashable(s) | Arg::Unhashable(s) => {
            !matches!(s.repr, "()" | "[]" | "{}" | "set()" | "b''")
        }
        _ => true,
    }
}
