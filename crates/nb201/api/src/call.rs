//! Calling the API by method name (what `tnb batch` serves): `getattr(api, method)(*args,
//! **kwargs)` with Python's argument binding, the official checks and exceptions, and the
//! answer as a [`Value`] (or as JSON events, [`events`]).
//!
//! Randomness: `tnb batch` has no Python `random` to share with a script, so it draws nothing.
//! `get_more_info(..., is_random=True)` (the default), `get_metrics`-style `True` and
//! `simulate_train_eval` (which always draws) fail with `ValueError` ([`crate::NO_DRAW`]) at the
//! point where the official code would draw, after its earlier checks: pass
//! `is_random=<seed>` or `is_random=False`. `random()` is refused likewise ([`NO_RANDOM`]).
//! Other differences from a Python session: `reload` is refused (it reads the 226 GB
//! per-arch archive, which the benchmark file does not hold), `avaliable_hps` is
//! `['12', '200']` (Python's order is that of a `set`, which varies between processes), and
//! `ArchResults` / `ResultsCount` answers render as their `repr` strings in JSON.

use tnb_pycall::{Arg, Exc, MAX_PARAMS, Signature, bind, py_repr_str, short, sig};
use tnb_pyjson::{Event, Seq};

use crate::api::{Io, Nb201, OPS, Session, remap_dataset_set_names, str2lists, str2matrix};
use crate::draw::NoDraw;
use crate::error::ApiError;
use crate::source::{Hp, Source};
use crate::value::Value;

/// The official class's name, as CPython qualifies its methods in messages.
pub const CLASS: &str = "NASBench201API";

/// The message of `random()` refused by [`call`].
pub const NO_RANDOM: &str = "tnb batch draws no random numbers: random() is refused (pick an index in 0..len(api)-1 yourself)";

/// Everything [`call`] answers, with the official signatures (`len`, `__getitem__` and
/// `__repr__` stand for `len(api)`, `api[i]`, `repr(api)`; `used_time` and `avaliable_hps`
/// are properties; `remap_dataset_set_names` is the module's function).
pub const METHODS: &[Signature] = &[
    sig("len", &[], 0),
    sig("__len__", &[], 0),
    sig("__getitem__", &["index"], 1),
    sig("__repr__", &[], 0),
    sig("used_time", &[], 0),
    sig("avaliable_hps", &[], 0),
    sig("arch", &["index"], 1),
    sig("query_index_by_arch", &["arch"], 1),
    sig("get_more_info", &["index", "dataset", "iepoch", "hp", "is_random"], 2),
    sig("query_meta_info_by_index", &["arch_index", "hp"], 1),
    sig("query_by_index", &["arch_index", "dataname", "hp"], 1),
    sig("query_info_str_by_arch", &["arch", "hp"], 1),
    sig("query_by_arch", &["arch", "hp"], 2),
    sig("get_cost_info", &["index", "dataset", "hp"], 2),
    sig("get_latency", &["index", "dataset", "hp"], 2),
    sig("get_net_config", &["index", "dataset"], 2),
    sig("get_net_param", &["index", "dataset", "seed", "hp"], 3),
    sig("find_best", &["dataset", "metric_on_set", "FLOP_max", "Param_max", "hp"], 2),
    sig("simulate_train_eval", &["arch", "dataset", "hp", "account_time"], 2),
    sig("random", &[], 0),
    sig("reset_time", &[], 0),
    sig("clear_params", &["index", "hp"], 1),
    sig("reload", &["archive_root", "index"], 0),
    sig("show", &["index"], 0),
    sig("statistics", &["dataset", "hp"], 2),
    sig("str2lists", &["arch_str"], 1),
    sig("str2matrix", &["arch_str", "search_space"], 1),
    sig("remap_dataset_set_names", &["dataset", "metric_on_set", "verbose"], 2),
];

/// Answers `method(*args, **kwargs)` as the official class would, with `session` holding the
/// object's state (`used_time`, cleared params) across calls and `print` receiving what the
/// official class prints (only with `nb.verbose`, but for `query_info_str_by_arch`'s line on
/// an arch that is not evaluated). Draws are refused (see the module doc).
pub fn call<'s, S: Source>(
    nb: &Nb201<'s, S>,
    session: &mut Session,
    method: &str,
    args: &[Arg<'_>],
    kwargs: &[(&str, Arg<'_>)],
    print: &mut dyn FnMut(&str),
) -> Result<Value<'s>, ApiError> {
    let Some(sg) = METHODS.iter().find(|s| s.name == method) else {
        return Err(ApiError::new(
            Exc::AttributeError,
            format!("'{CLASS}' object has no attribute {}", py_repr_str(&short(method))),
        ));
    };
    let p = bind(CLASS, sg, args, kwargs).map_err(|(e, m)| ApiError::new(e, m))?;
    let a = |i: usize| p.get(i).copied().flatten();
    let req = |i: usize| a(i).unwrap_or(Arg::None);
    debug_assert!(sg.params.len() <= MAX_PARAMS);
    let mut draw = NoDraw;
    let mut io = Io { draw: &mut draw, print };
    let io = &mut io;
    Ok(match sg.name {
        "len" | "__len__" => Value::Int(nb.len() as i64),
        "__getitem__" => Value::str(nb.getitem(req(0))?),
        "__repr__" => Value::Str(nb.repr(None).into()),
        "used_time" => session.used_time.into(),
        "avaliable_hps" => Value::List(Hp::ALL.iter().map(|h| Value::str(h.key())).collect()),
        "arch" => Value::str(nb.arch(req(0), io)?),
        "query_index_by_arch" => nb.query_index_by_arch(req(0), None, io)?,
        "get_more_info" => nb.get_more_info(req(0), req(1), a(2), a(3), a(4), io)?,
        "query_meta_info_by_index" => {
            Value::ArchResults(nb.query_meta_info_by_index(req(0), a(1), io)?)
        }
        "query_by_index" => nb.query_by_index(req(0), a(1), a(2), io)?,
        "query_info_str_by_arch" | "query_by_arch" => {
            match nb.query_info_str_by_arch(req(0), a(1), io)? {
                Some(s) => Value::Str(s.into()),
                None => Value::None,
            }
        }
        "get_cost_info" => nb.get_cost_info(req(0), req(1), a(2), io)?,
        "get_latency" => nb.get_latency(req(0), req(1), a(2), io)?,
        "get_net_config" => nb.get_net_config(req(0), req(1), io)?,
        "get_net_param" => nb.get_net_param(req(0), req(1), req(2), a(3), io)?,
        "find_best" => nb.find_best(req(0), req(1), a(2), a(3), a(4), io)?,
        "simulate_train_eval" => nb.simulate_train_eval(req(0), req(1), a(2), a(3), session, io)?,
        "random" => return Err(ApiError::new(Exc::ValueError, NO_RANDOM)),
        "reset_time" => {
            session.reset_time();
            Value::None
        }
        "clear_params" => {
            nb.clear_params(req(0), a(1), session, io)?;
            Value::None
        }
        "reload" => {
            return Err(ApiError::new(
                Exc::ValueError,
                "tnb batch cannot reload: the per-arch archive files are not part of the benchmark file",
            ));
        }
        "show" => {
            nb.show(a(0).unwrap_or(Arg::Int(-1)), None, io)?;
            Value::None
        }
        "statistics" => nb.statistics(req(0), req(1), io)?,
        "str2lists" => str2lists(req(0))?,
        "str2matrix" => match a(1) {
            None => str2matrix(req(0), &OPS)?,
            Some(_) => {
                return Err(ApiError::new(
                    Exc::TypeError,
                    "tnb batch takes str2matrix's default search_space only",
                ));
            }
        },
        "remap_dataset_set_names" => {
            let (d, m) = remap_dataset_set_names(req(0), req(1));
            Value::Tuple(vec![arg_value(d)?, arg_value(m)?])
        }
        other => {
            return Err(ApiError::new(
                Exc::AttributeError,
                format!("'{CLASS}' object has no attribute '{other}'"),
            ));
        }
    })
}

fn arg_value(a: Arg<'_>) -> Result<Value<'static>, ApiError> {
    crate::error::arg_value(a).ok_or_else(|| {
        ApiError::new(Exc::TypeError, format!("tnb batch cannot return a {}", a.type_name()))
    })
}

/// `v` as JSON events (`np.float64` as a float, tuples as tuples, a matrix as nested lists,
/// `ArchResults` / `ResultsCount` as their `repr` strings).
pub fn events<S: Source, E>(
    nb: &Nb201<'_, S>,
    session: &Session,
    v: &Value<'_>,
    out: &mut dyn FnMut(Event<'_>) -> Result<(), E>,
) -> Result<(), E> {
    match v {
        Value::None => out(Event::Null),
        Value::Bool(b) => out(Event::Bool(*b)),
        Value::Int(i) => out(Event::Int(*i)),
        Value::Float(x) | Value::F64(x) => out(Event::Float(*x)),
        Value::Str(s) => out(Event::Str(s)),
        Value::List(items) | Value::Tuple(items) => {
            out(Event::BeginSeq(if matches!(v, Value::List(_)) { Seq::List } else { Seq::Tuple }))?;
            for x in items {
                events(nb, session, x, out)?;
            }
            out(Event::End)
        }
        Value::Dict(items) => {
            out(Event::BeginMap)?;
            for (k, x) in items {
                events(nb, session, k, out)?;
                events(nb, session, x, out)?;
            }
            out(Event::End)
        }
        Value::ArchResults(r) => {
            let s = nb.ar_repr(*r, session).unwrap_or_default();
            out(Event::Str(&s))
        }
        Value::ResultsCount(r) => {
            let s = nb.rc_repr(*r).unwrap_or_default();
            out(Event::Str(&s))
        }
        Value::Matrix { n, data } => {
            out(Event::BeginSeq(Seq::List))?;
            for row in data.chunks(*n) {
                out(Event::BeginSeq(Seq::List))?;
                for x in row {
                    out(Event::Float(*x))?;
                }
                out(Event::End)?;
            }
            out(Event::End)
        }
    }
}
