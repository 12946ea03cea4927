//! Calling the API by method name, as `getattr(api, method)(*args, **kwargs)` calls the official
//! class: the same argument binding, the same checks in the same order, the same exception
//! classes, and the return value as [`Event`]s (so it can be written as the JSON `json.dumps`
//! prints, or built as Python objects).
//!
//! The order of checks follows the official class's code: `get_single_metric` looks the task up
//! in `metrics_dict` (`KeyError`) and asserts the metric (`AssertionError`) before it looks the
//! arch up (`KeyError`), and only then reads `mode`; `get_epoch_status` asserts
//! `isinstance(epoch, int)` first; `get_model_info` asserts the info first; `get_best_archs`
//! asserts the search space, then computes every arch's best value, sorts, and only then cuts
//! with `[:topk]`.

use tnb_pyjson::{Event, Seq};
use tnb_store::{ArchId, Metric, MetricId, Mode, QueryError, Store, TaskId};

use crate::args::{Arg, Bound, METHODS, bind};
use crate::exc::{ApiError, CallError, Exc};
use crate::text::short;
use crate::walk::Walker;

type Sink<'s, 'x, E> = dyn FnMut(Event<'s>) -> Result<(), E> + 'x;

fn emit<'s, E>(f: &mut Sink<'s, '_, E>, e: Event<'s>) -> Result<(), CallError<E>> {
    f(e).map_err(CallError::Sink)
}

/// A missing argument: bound calls always have their required arguments, so this is reached
/// only for optional ones, whose defaults the callers apply first.
fn given<'a>(a: Option<Arg<'a>>) -> Arg<'a> {
    a.unwrap_or(Arg::None)
}

/// A dict lookup by `a` (`data[arch]`, `metrics_dict[task]`, `result[task]`): only a `str`
/// can be found; an unhashable value raises `TypeError`, anything else `KeyError`.
fn key<'a>(what: &str, a: Arg<'a>) -> Result<&'a str, ApiError> {
    match a {
        Arg::Str(s) => Ok(s),
        Arg::Unhashable => Err(ApiError::new(
            Exc::TypeError,
            format!("unhashable type: '{}' ({what})", a.type_name()),
        )),
        other => Err(ApiError::new(
            Exc::KeyError,
            format!("unknown {what}: a {} is never a {what} name", other.type_name()),
        )),
    }
}

/// `x in names` (an `assert`): only a `str` can be a member.
fn member<'a>(what: &str, a: Arg<'a>) -> Result<&'a str, ApiError> {
    match a {
        Arg::Str(s) => Ok(s),
        other => Err(ApiError::new(
            Exc::AssertionError,
            format!("unknown {what}: a {} is never a {what} name", other.type_name()),
        )),
    }
}

/// The arch of `data[arch2space[arch]][arch]`.
fn arch<B: AsRef<[u8]>>(store: &Store<B>, a: Arg<'_>) -> Result<ArchId, ApiError> {
    Ok(store.arch(key("arch", a)?)?)
}

/// `metrics_dict[task]` then `metric in ...`: the check `get_single_metric` and
/// `get_best_epoch_status` make first.
fn task_metric<B: AsRef<[u8]>>(
    store: &Store<B>,
    t: Arg<'_>,
    m: Arg<'_>,
) -> Result<(TaskId, MetricId), ApiError> {
    let task = store.task(key("task", t)?)?;
    let metric = store.metric(task, member("metric", m)?)?;
    Ok((task, metric))
}

/// Answers `method(*args, **kwargs)` as the official Python class would, emitting the events
/// of the return value to `out` (nothing is emitted when the call fails before its answer
/// starts; a failure in the middle of a long answer, possible only on a corrupted archive,
/// leaves a partial answer, so buffer the output if that matters). Where Python raises, the
/// error carries the class it raises ([`Exc`]).
///
/// ```
/// # let source = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/transnas_small.pth")).unwrap();
/// # let bytes = tnb_convert::convert_bytes(&source).unwrap();
/// # let store = tnb_store::Store::copy_from(&bytes)?;
/// use tnb_api::{Arg, Exc, JsonSink, call};
///
/// let mut sink = JsonSink::new(Vec::new());
/// call(&store, "get_single_metric",
///      &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1")],
///      &[("mode", Arg::Int(-1))],
///      &mut |e| sink.event(e)).unwrap();
/// assert_eq!(sink.into_inner(), b"43.77078628540039");
///
/// // An unknown metric is the official class's failed `assert`.
/// let err = call(&store, "get_single_metric",
///      &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("nope")], &[],
///      &mut |_| Ok::<(), ()>(())).unwrap_err();
/// assert_eq!(err.exc(), Some(Exc::AssertionError));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn call<'s, B: AsRef<[u8]>, E>(
    store: &'s Store<B>,
    method: &str,
    args: &[Arg<'_>],
    kwargs: &[(&str, Arg<'_>)],
    out: &mut Sink<'s, '_, E>,
) -> Result<(), CallError<E>> {
    let Some(sig) = METHODS.iter().find(|s| s.name == method) else {
        let names: Vec<&str> = METHODS.iter().map(|s| s.name).collect();
        return Err(ApiError::new(
            Exc::AttributeError,
            format!("unknown method '{}' (the API has {})", short(method), names.join(", ")),
        )
        .into());
    };
    let walker = Walker::new(store.archive()?);
    let p = bind(sig, args, kwargs)?;
    let a = |i: usize| given(p[i]);
    match sig.name {
        "len" => emit(out, Event::Int(store.len() as i64)),
        "task_list" => Ok(walker.object(&store.task_list()?, out)?),
        "metrics_dict" => Ok(walker.object(&store.metrics_dict()?, out)?),
        "info_names" => Ok(walker.object(&store.info_names()?, out)?),
        "search_spaces" => {
            emit(out, Event::BeginSeq(Seq::List))?;
            for s in store.search_spaces() {
                emit(out, Event::Str(s))?;
            }
            emit(out, Event::End)
        }
        "all_arch_dict" => {
            emit(out, Event::BeginMap)?;
            for s in store.spaces() {
                emit(out, Event::Str(store.space_name(s)?))?;
                arch_names(store, store.arch_list(s)?, out)?;
            }
            emit(out, Event::End)
        }
        "index2arch" => {
            let Some(i) = a(0).as_int() else {
                let m = format!("list indices must be integers, not {}", a(0).type_name());
                return Err(ApiError::new(Exc::TypeError, m).into());
            };
            emit(out, Event::Str(store.arch_name(store.arch_at(i)?)?))
        }
        "arch2index" => {
            // `list.index`: whatever the value, absent is a `ValueError`.
            let found = match a(0) {
                Arg::Str(s) => {
                    store.arch(s).map_err(|e| ApiError::query(e).with_exc(Exc::ValueError))
                }
                other => Err(ApiError::new(
                    Exc::ValueError,
                    format!("a {} is not in the list of archs", other.type_name()),
                )),
            };
            emit(out, Event::Int(found?.index() as i64))
        }
        "get_arch_result" => Ok(walker.object(&store.arch_result(arch(store, a(0))?)?, out)?),
        "get_total_epochs" => {
            let arch = arch(store, a(0))?;
            let task = store.task(key("task", a(1))?)?;
            emit(out, Event::Int(i64::from(store.total_epochs(arch, task)?)))
        }
        "get_model_info" => {
            let info = store.info(member("info", a(2))?)?;
            let arch = arch(store, a(0))?;
            let task = store.task(key("task", a(1))?)?;
            Ok(walker.value(store.model_info(arch, task, info)?, out)?)
        }
        "get_single_metric" => single_metric(store, &walker, &p, out),
        "get_epoch_status" => epoch_status(store, &walker, &p, out),
        "get_best_epoch_status" => {
            let (task, metric) = task_metric(store, a(1), a(2))?;
            let arch = arch(store, a(0))?;
            let status = store.best_epoch_status(arch, task, metric)?;
            Ok(walker.epoch_status(&status, Event::Int(status.epoch()), out)?)
        }
        "get_arch_list" => {
            let space = store.space(member("search_space", a(0))?)?;
            arch_names(store, store.arch_list(space)?, out)
        }
        "get_best_archs" => best_archs(store, &walker, &p, out),
        other => {
            Err(ApiError::new(Exc::AttributeError, format!("unknown method '{other}'")).into())
        }
    }
}

fn arch_names<'s, B: AsRef<[u8]>, E>(
    store: &'s Store<B>,
    archs: tnb_store::Archs,
    out: &mut Sink<'s, '_, E>,
) -> Result<(), CallError<E>> {
    emit(out, Event::BeginSeq(Seq::List))?;
    for a in archs {
        emit(out, Event::Str(store.arch_name(a)?))?;
    }
    emit(out, Event::End)
}

/// `mode` of `get_single_metric`: a `str` names a mode, an `int` (a `bool` too) is an epoch,
/// anything else is a `ValueError`.
pub(crate) fn mode(m: Option<Arg<'_>>) -> Result<Mode, ApiError> {
    match m {
        None | Some(Arg::Str("best")) => Ok(Mode::Best),
        Some(Arg::Str("final")) => Ok(Mode::Final),
        Some(Arg::Str("list")) => Ok(Mode::List),
        Some(Arg::Str(other)) => Err(ApiError::new(
            Exc::ValueError,
            format!(
                "get_single_metric() str mode can only be 'final', 'best' or 'list', not '{}'",
                short(other)
            ),
        )),
        Some(x) => match x.as_int() {
            Some(e) => Ok(Mode::Epoch(e)),
            None => Err(ApiError::new(
                Exc::ValueError,
                format!(
                    "get_single_metric() mode must be 'final', 'best', 'list' or an epoch \
                     number, not a {}",
                    x.type_name()
                ),
            )),
        },
    }
}

fn single_metric<'s, B: AsRef<[u8]>, E>(
    store: &'s Store<B>,
    walker: &Walker<'s>,
    p: &Bound<'_>,
    out: &mut Sink<'s, '_, E>,
) -> Result<(), CallError<E>> {
    let (task, metric) = task_metric(store, given(p[1]), given(p[2]))?;
    let arch = arch(store, given(p[0]))?;
    match store.single_metric(arch, task, metric, mode(p[3])?)? {
        Metric::Value(v) => Ok(walker.value(v, out)?),
        Metric::List(values) => {
            emit(out, Event::BeginSeq(Seq::List))?;
            for v in values {
                walker.value(v, out)?;
            }
            emit(out, Event::End)
        }
    }
}

fn epoch_status<'s, B: AsRef<[u8]>, E>(
    store: &'s Store<B>,
    walker: &Walker<'s>,
    p: &Bound<'_>,
    out: &mut Sink<'s, '_, E>,
) -> Result<(), CallError<E>> {
    // Python asserts `isinstance(epoch, int)` first.
    let e = given(p[2]);
    let Some(epoch) = e.as_int() else {
        let m = format!("epoch must be an int, found a {}", e.type_name());
        return Err(ApiError::new(Exc::AssertionError, m).into());
    };
    let arch = arch(store, given(p[0]))?;
    let task = store.task(key("task", given(p[1]))?)?;
    let status = store.epoch_status(arch, task, epoch)?;
    if matches!(e, Arg::BigInt { .. }) {
        // Only a task without metrics accepts such an epoch, and its `'epoch'` entry would be
        // an int beyond 64 bits, which this reader does not carry.
        return Err(ApiError::query(QueryError::Epoch { epoch, total: 0 }).into());
    }
    // `epoch if epoch >= 0 else ...` hands a bool back as it came.
    let shown = match e {
        Arg::Bool(x) => Event::Bool(x),
        _ => Event::Int(status.epoch()),
    };
    Ok(walker.epoch_status(&status, shown, out)?)
}

fn best_archs<'s, B: AsRef<[u8]>, E>(
    store: &'s Store<B>,
    walker: &Walker<'s>,
    p: &Bound<'_>,
    out: &mut Sink<'s, '_, E>,
) -> Result<(), CallError<E>> {
    let space = store.space(member("search_space", given(p[2]))?)?;
    let archs = store.arch_list(space)?;
    let ranking = match archs.clone().next() {
        // Python maps over an empty list: the task and metric are never looked at.
        None => None,
        Some(_) => {
            // The first arch's `get_single_metric` makes the name checks, in its order.
            let (task, metric) = task_metric(store, given(p[0]), given(p[1]))?;
            match store.best_archs(task, metric, space) {
                Ok(r) => Some(r),
                Err(QueryError::NoRanking(tnb_store::NoRanking::BestFails)) => {
                    // The first arch whose `max()` raises says how.
                    let failing =
                        archs.clone().find_map(|a| store.best_value(a, task, metric).err());
                    return Err(ApiError::query(failing.unwrap_or(QueryError::Corrupt(
                        "a ranking says some best value fails, but none does",
                    )))
                    .into());
                }
                Err(e) => return Err(ApiError::query(e).into()),
            }
        }
    };
    // `[:topk]`: a slice bound is an int (bool included) or None.
    let stop = match p[3] {
        None => Some(1),
        Some(Arg::None) => None,
        Some(x) => match x.as_int() {
            Some(i) => Some(i),
            None => {
                let m =
                    format!("slice indices must be integers or None, not {} (topk)", x.type_name());
                return Err(ApiError::new(Exc::TypeError, m).into());
            }
        },
    };
    emit(out, Event::BeginSeq(Seq::List))?;
    if let Some(ranking) = ranking {
        let k = tnb_store::python::slice_stop(stop, ranking.len());
        for item in ranking.take(k) {
            let (v, a) = item?;
            emit(out, Event::BeginSeq(Seq::Tuple))?;
            walker.value(v, out)?;
            emit(out, Event::Str(store.arch_name(a)?))?;
            emit(out, Event::End)?;
        }
    }
    emit(out, Event::End)
}
