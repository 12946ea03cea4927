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
//!
//! On a NATS-Bench object ([`crate::Nb201::nats`]) [`call`] answers [`NATS_METHODS`]: the
//! same refusals (`reload` too: every arch of the source is loaded already), `avaliable_hps`
//! in first-seen order over the archs, `reset_fast_mode` (a bool) and `reset_archive_dir` (a
//! str or `None`) kept in the [`Session`] for the next calls, and `warnings.warn` messages
//! appended to [`Session::warnings`] (a binding drains them).

use tnb_pycall::{Arg, Exc, MAX_PARAMS, Signature, arg_str, bind, py_repr_str, short, sig};
use tnb_pyjson::{Event, Seq};

use crate::api::{Io, Nb201, OPS, Session, remap_dataset_set_names, str2lists, str2matrix};
use crate::dialect::Space;
use crate::draw::NoDraw;
use crate::error::ApiError;
use crate::source::{Hp, Source};
use crate::value::{ResultsRef, RunRef, Value};

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

/// Everything [`call`] answers on a NATS-Bench object (`NATStopology` / `NATSsize` v1.8),
/// with the official signatures (`search_space_name` ... `full_epochs_in_paper` are
/// properties; `str2lists`, `str2matrix` and `get_unique_str` are `NATStopology`'s only).
pub const NATS_METHODS: &[Signature] = &[
    sig("len", &[], 0),
    sig("__len__", &[], 0),
    sig("__getitem__", &["index"], 1),
    sig("__repr__", &[], 0),
    sig("used_time", &[], 0),
    sig("avaliable_hps", &[], 0),
    sig("search_space_name", &[], 0),
    sig("fast_mode", &[], 0),
    sig("archive_dir", &[], 0),
    sig("full_train_epochs", &[], 0),
    sig("is_topology", &[], 0),
    sig("is_size", &[], 0),
    sig("full_epochs_in_paper", &[], 0),
    sig("reset_archive_dir", &["archive_dir"], 1),
    sig("reset_fast_mode", &["fast_mode"], 1),
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
    sig(
        "find_best",
        &["dataset", "metric_on_set", "flop_max", "param_max", "hp", "enforce_all"],
        2,
    ),
    sig("simulate_train_eval", &["arch", "dataset", "iepoch", "hp", "account_time"], 2),
    sig("random", &[], 0),
    sig("reset_time", &[], 0),
    sig("clear_params", &["index", "hp"], 1),
    sig("reload", &["archive_root", "index"], 0),
    sig("show", &["index"], 0),
    sig("statistics", &["dataset", "hp"], 2),
    sig("get_unique_str", &["arch"], 1),
    sig("str2lists", &["arch_str"], 1),
    sig("str2matrix", &["arch_str", "search_space"], 1),
    sig("remap_dataset_set_names", &["dataset", "metric_on_set", "verbose"], 2),
];

/// The methods of [`NATS_METHODS`] that only `NATStopology` has.
const TSS_ONLY: [&str; 3] = ["get_unique_str", "str2lists", "str2matrix"];

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
    let mut draw = NoDraw;
    let mut io = Io { draw: &mut draw, print };
    match method {
        "random" => Err(ApiError::new(Exc::ValueError, NO_RANDOM)),
        _ => call_with(nb, session, method, args, kwargs, &mut io),
    }
}

/// [`call`] with the caller's draws and printing (a binding that owns Python's `random`
/// answers `random()` and `is_random=True` through `io.draw`).
pub fn call_with<'s, S: Source>(
    nb: &Nb201<'s, S>,
    session: &mut Session,
    method: &str,
    args: &[Arg<'_>],
    kwargs: &[(&str, Arg<'_>)],
    io: &mut Io<'_>,
) -> Result<Value<'s>, ApiError> {
    if let Some(state) = nb.nats_state() {
        // `reset_fast_mode` / `reset_archive_dir` of earlier calls apply.
        let state = session.nats.clone().unwrap_or_else(|| state.clone());
        let nats = Nb201::nats(nb.src, nb.sum, nb.verbose, state);
        let v = call_nats(&nats, session, method, args, kwargs, io);
        return checked(nb, v);
    }
    let v = call_with_inner(nb, session, method, args, kwargs, io);
    checked(nb, v)
}

fn no_attribute(class: &str, method: &str) -> ApiError {
    ApiError::new(
        Exc::AttributeError,
        format!("'{class}' object has no attribute {}", py_repr_str(&short(method))),
    )
}

fn py_bool(b: bool) -> Value<'static> {
    Value::Bool(b)
}

fn call_nats<'s, S: Source>(
    nb: &Nb201<'s, S>,
    session: &mut Session,
    method: &str,
    args: &[Arg<'_>],
    kwargs: &[(&str, Arg<'_>)],
    io: &mut Io<'_>,
) -> Result<Value<'s>, ApiError> {
    let Some(state) = nb.nats_state().cloned() else {
        return Err(ApiError::new(Exc::TypeError, "not a NATS-Bench object"));
    };
    let class = state.space.class();
    let tss = state.space == Space::Tss;
    let Some(sg) = NATS_METHODS.iter().find(|s| s.name == method) else {
        return Err(no_attribute(class, method));
    };
    if !tss && TSS_ONLY.contains(&sg.name) {
        return Err(no_attribute(class, method));
    }
    let p = bind(class, sg, args, kwargs).map_err(|(e, m)| ApiError::new(e, m))?;
    let a = |i: usize| p.get(i).copied().flatten();
    let req = |i: usize| a(i).unwrap_or(Arg::None);
    Ok(match sg.name {
        "search_space_name" => Value::str(state.space.name()),
        "fast_mode" => py_bool(state.fast_mode),
        "archive_dir" => match &state.archive_dir {
            Some(d) => Value::Str(d.to_string().into()),
            None => Value::None,
        },
        "full_train_epochs" | "full_epochs_in_paper" => Value::Int(state.space.full_epochs()),
        "is_topology" => py_bool(tss),
        "is_size" => py_bool(!tss),
        "reset_archive_dir" => {
            let mut st = state.clone();
            st.archive_dir = match req(0) {
                Arg::None => None,
                Arg::Str(d) => Some(d.into()),
                other => {
                    return Err(ApiError::new(
                        Exc::TypeError,
                        format!(
                            "tnb takes a str or None as archive_dir, not {}",
                            other.type_name()
                        ),
                    ));
                }
            };
            session.nats = Some(st);
            Value::None
        }
        "reset_fast_mode" => {
            let mut st = state.clone();
            st.fast_mode = match req(0) {
                Arg::Bool(b) => b,
                other => {
                    return Err(ApiError::new(
                        Exc::TypeError,
                        format!("tnb takes a bool as fast_mode, not {}", other.type_name()),
                    ));
                }
            };
            session.nats = Some(st);
            Value::None
        }
        "avaliable_hps" => avaliable_hps(nb),
        "query_info_str_by_arch" | "query_by_arch" => {
            match nb.query_info_str_by_arch_nats(req(0), a(1), session, io)? {
                Some(s) => Value::Str(s.into()),
                None => Value::None,
            }
        }
        "find_best" => nb.find_best_nats(
            req(0),
            req(1),
            a(2),
            a(3),
            a(4),
            a(5),
            Some(&mut session.find_best),
            io,
        )?,
        "simulate_train_eval" => {
            nb.simulate_train_eval_nats(req(0), req(1), a(2), a(3), a(4), session, io)?
        }
        "get_unique_str" => Value::Str(nb.get_unique_str(req(0), io)?.into()),
        "reload" => {
            return Err(ApiError::new(
                Exc::ValueError,
                "tnb batch cannot reload: every architecture of the source is loaded already",
            ));
        }
        "str2matrix" => match a(1) {
            None => str2matrix_nats(req(0))?,
            Some(_) => {
                return Err(ApiError::new(
                    Exc::TypeError,
                    "tnb batch takes str2matrix's default search_space only",
                ));
            }
        },
        // The rest binds as NAS-Bench-201's methods of the same names do.
        other => {
            let kw: Vec<(&str, Arg<'_>)> = sg
                .params
                .iter()
                .zip(p.iter())
                .filter_map(|(name, a)| a.map(|a| (*name, a)))
                .collect();
            call_with_inner(nb, session, other, &[], &kw, io)?
        }
    })
}

/// `list(set(hp keys of every loaded arch))`: in tnb the keys in first-seen order over the
/// archs (Python's order is a `set`'s, which varies between processes).
fn avaliable_hps<'s, S: Source>(nb: &Nb201<'s, S>) -> Value<'s> {
    let mut keys: Vec<Hp> = Vec::new();
    for k in 0..nb.src.evaluated_len() {
        let i = nb.src.evaluated(k);
        for j in 0..nb.src.hp_count(i) {
            let h = nb.src.hp_at(i, j);
            if !keys.contains(&h) {
                keys.push(h);
            }
        }
    }
    Value::List(keys.iter().map(|h| Value::Str(h.key().to_owned().into())).collect())
}

/// `NATStopology.str2matrix(arch_str)`: its default `search_space` is a tuple, which its
/// unknown-op message shows.
fn str2matrix_nats(arch: Arg<'_>) -> Result<Value<'static>, ApiError> {
    str2matrix(arch, &OPS).map_err(|e| {
        if e.exc() == Exc::ValueError && e.message().starts_with("this op (") {
            let ops: Vec<String> = OPS.iter().map(|o| py_repr_str(o)).collect();
            let head = e.message().split(" is not in ").next().unwrap_or("");
            ApiError::new(Exc::ValueError, format!("{head} is not in ({})", ops.join(", ")))
        } else {
            e
        }
    })
}

fn call_with_inner<'s, S: Source>(
    nb: &Nb201<'s, S>,
    session: &mut Session,
    method: &str,
    args: &[Arg<'_>],
    kwargs: &[(&str, Arg<'_>)],
    io: &mut Io<'_>,
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
        "find_best" => {
            nb.find_best(req(0), req(1), a(2), a(3), a(4), Some(&mut session.find_best), io)?
        }
        "simulate_train_eval" => nb.simulate_train_eval(req(0), req(1), a(2), a(3), session, io)?,
        "random" => Value::Int(nb.random(io)?),
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
            let loud =
                a(2).is_some_and(|v| !matches!(v, Arg::None | Arg::Bool(false) | Arg::Int(0)));
            if loud {
                (io.print)(&format!(
                    "Call internal function _remap_dataset_set_names with dataset={} and metric_on_set={}",
                    arg_str(req(0)),
                    arg_str(req(1))
                ));
            }
            let (d, m) = remap_dataset_set_names(req(0), req(1));
            if loud {
                (io.print)(&format!(
                    "  return dataset={} and metric_on_set={}",
                    arg_str(d),
                    arg_str(m)
                ));
            }
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

/// The `ArchResults` methods and attributes [`call_results`] answers.
pub const RESULTS_METHODS: &[Signature] = &[
    sig("__repr__", &[], 0),
    sig("arch_index", &[], 0),
    sig("arch_str", &[], 0),
    sig("all_results", &[], 0),
    sig("dataset_seed", &[], 0),
    sig("clear_net_done", &[], 0),
    sig("get_compute_costs", &["dataset"], 1),
    sig("get_metrics", &["dataset", "setname", "iepoch", "is_random"], 2),
    sig("show", &["is_print"], 0),
    sig("get_dataset_names", &[], 0),
    sig("get_dataset_seeds", &["dataset"], 1),
    sig("get_net_param", &["dataset", "seed"], 1),
    sig("get_latency", &["dataset"], 1),
    sig("get_total_epoch", &["dataset"], 0),
    sig("query", &["dataset", "seed"], 1),
    sig("arch_idx_str", &[], 0),
];

/// The `ResultsCount` methods and attributes [`call_run`] answers.
pub const RUN_METHODS: &[Signature] = &[
    sig("__repr__", &[], 0),
    sig("get_latency", &[], 0),
    sig("get_total_epoch", &[], 0),
    sig("get_times", &[], 0),
    sig("get_eval_set", &[], 0),
    sig("get_train", &["iepoch"], 0),
    sig("get_eval", &["name", "iepoch"], 1),
    sig("get_net_param", &["clone"], 0),
    sig("get_config", &["str2structure"], 1),
];

fn find_sig<'a>(
    table: &'a [Signature],
    class: &str,
    method: &str,
) -> Result<&'a Signature, ApiError> {
    table.iter().find(|s| s.name == method).ok_or_else(|| {
        ApiError::new(
            Exc::AttributeError,
            format!("'{class}' object has no attribute {}", py_repr_str(&short(method))),
        )
    })
}

/// `getattr(arch_results, method)(*args, **kwargs)` (an attribute when it takes no
/// arguments) on the `ArchResults` `at`.
pub fn call_results<'s, S: Source>(
    nb: &Nb201<'s, S>,
    session: &Session,
    at: ResultsRef,
    method: &str,
    args: &[Arg<'_>],
    kwargs: &[(&str, Arg<'_>)],
    io: &mut Io<'_>,
) -> Result<Value<'s>, ApiError> {
    let v = call_results_inner(nb, session, at, method, args, kwargs, io);
    checked(nb, v)
}

fn call_results_inner<'s, S: Source>(
    nb: &Nb201<'s, S>,
    session: &Session,
    at: ResultsRef,
    method: &str,
    args: &[Arg<'_>],
    kwargs: &[(&str, Arg<'_>)],
    io: &mut Io<'_>,
) -> Result<Value<'s>, ApiError> {
    if method == "show" && nb.nats_state().is_some() {
        // NATS-Bench removed `ArchResults.show`.
        return Err(no_attribute("ArchResults", method));
    }
    let sg = find_sig(RESULTS_METHODS, "ArchResults", method)?;
    let p = bind("ArchResults", sg, args, kwargs).map_err(|(e, m)| ApiError::new(e, m))?;
    let a = |i: usize| p.get(i).copied().flatten();
    let req = |i: usize| a(i).unwrap_or(Arg::None);
    Ok(match sg.name {
        "__repr__" => Value::Str(nb.ar_repr(at, session)?.into()),
        "arch_index" | "arch_str" | "all_results" | "dataset_seed" | "clear_net_done" => {
            nb.ar_attr(at, sg.name, session)?
        }
        "get_compute_costs" => nb.ar_get_compute_costs(at, req(0))?,
        "get_metrics" => nb.ar_get_metrics(at, req(0), req(1), a(2), a(3), io)?,
        "show" => return Err(nb.ar_show()),
        "get_dataset_names" => nb.ar_get_dataset_names(at)?,
        "get_dataset_seeds" => {
            Value::List(nb.ar_get_dataset_seeds(at, req(0))?.into_iter().map(Value::Int).collect())
        }
        "get_net_param" => nb.ar_get_net_param(at, req(0), a(1))?,
        "get_latency" => nb.ar_get_latency(at, req(0))?,
        "get_total_epoch" => Value::Int(nb.ar_get_total_epoch(at, a(0))?),
        "query" => nb.ar_query(at, req(0), a(1))?,
        _ => Value::Str(nb.ar_arch_idx_str(at)?.into()),
    })
}

/// `getattr(results_count, method)(*args, **kwargs)` on the `ResultsCount` `at` (its
/// attributes: [`crate::RESULTS_COUNT_ATTRS`] through [`Nb201::rc_attr`]). `get_config` takes
/// `None` only (a `str2structure` callable is the binding's: see [`Nb201::rc_get_config`]).
pub fn call_run<'s, S: Source>(
    nb: &Nb201<'s, S>,
    at: RunRef,
    method: &str,
    args: &[Arg<'_>],
    kwargs: &[(&str, Arg<'_>)],
) -> Result<Value<'s>, ApiError> {
    let v = call_run_inner(nb, at, method, args, kwargs);
    checked(nb, v)
}

fn call_run_inner<'s, S: Source>(
    nb: &Nb201<'s, S>,
    at: RunRef,
    method: &str,
    args: &[Arg<'_>],
    kwargs: &[(&str, Arg<'_>)],
) -> Result<Value<'s>, ApiError> {
    if crate::RESULTS_COUNT_ATTRS.contains(&method) && args.is_empty() && kwargs.is_empty() {
        return nb.rc_attr(at, method);
    }
    let sg = find_sig(RUN_METHODS, "ResultsCount", method)?;
    let p = bind("ResultsCount", sg, args, kwargs).map_err(|(e, m)| ApiError::new(e, m))?;
    let a = |i: usize| p.get(i).copied().flatten();
    let req = |i: usize| a(i).unwrap_or(Arg::None);
    Ok(match sg.name {
        "__repr__" => Value::Str(nb.rc_repr(at)?.into()),
        "get_latency" => nb.rc_get_latency(at)?,
        "get_total_epoch" => Value::Int(nb.rc_get_total_epoch(at)?),
        "get_times" => nb.rc_get_times(at)?,
        "get_eval_set" => nb.rc_get_eval_set(at)?,
        "get_train" => nb.rc_get_train(at, a(0))?,
        "get_eval" => nb.rc_get_eval(at, req(0), a(1))?,
        "get_net_param" => Value::None,
        _ => match req(0) {
            Arg::None => nb.rc_get_config(at, false)?,
            _ => {
                return Err(ApiError::new(
                    Exc::TypeError,
                    "get_config takes str2structure=None only here (a callable is the binding's)",
                ));
            }
        },
    })
}

/// A source's read failure (a corrupted archive) replaces the answer.
fn checked<'s, S: Source>(
    nb: &Nb201<'s, S>,
    v: Result<Value<'s>, ApiError>,
) -> Result<Value<'s>, ApiError> {
    match nb.src.failure() {
        Some(m) => Err(ApiError::new(Exc::FormatError, m)),
        None => v,
    }
}
