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
use tnb_store::{
    ArchId, Metric, MetricId, Mode, NoBest, Object, QueryError, SpaceId, Store, TaskId, Value,
};

use tnb_pycall::{Arg, Bound, Repr, arg_repr, arg_str, py_repr_str, short};

use crate::args::{CLASS, METHODS, bind};
use crate::exc::{ApiError, CallError, Exc};
use crate::walk::{WalkError, Walker};

type Sink<'s, 'x, E> = dyn FnMut(Event<'s>) -> Result<(), E> + 'x;

fn emit<'s, E>(f: &mut Sink<'s, '_, E>, e: Event<'s>) -> Result<(), CallError<E>> {
    f(e).map_err(CallError::Sink)
}

/// A missing argument: bound calls always have their required arguments, so this is reached
/// only for optional ones, whose defaults the callers apply first.
fn given<'a>(a: Option<Arg<'a>>) -> Arg<'a> {
    a.unwrap_or(Arg::None)
}

/// CPython's message for a list index beyond the machine's integers.
const INDEX_TOO_BIG: &str = "cannot fit 'int' into an index-sized integer";
/// CPython's message for a list index past either end.
const INDEX_OUT: &str = "list index out of range";

/// `KeyError(key)` for the argument `param`: Python prints the key's `repr`.
fn key_error(param: &'static str, a: Arg<'_>) -> ApiError {
    ApiError::new(Exc::KeyError, arg_repr(a)).with_key(param)
}

/// A dict lookup by argument `param` (`data[arch]`, `metrics_dict[task]`, `result[task]`):
/// only a `str` can be found; an unhashable value raises `TypeError`, anything else `KeyError`.
fn key<'a>(param: &'static str, a: Arg<'a>) -> Result<&'a str, ApiError> {
    match a {
        Arg::Str(s) => Ok(s),
        Arg::Unhashable(_) => {
            Err(ApiError::new(Exc::TypeError, format!("unhashable type: '{}'", a.type_name())))
        }
        other => Err(key_error(param, other)),
    }
}

/// The arch of `data[arch2space[arch]][arch]`.
fn arch<B: AsRef<[u8]>>(store: &Store<B>, a: Arg<'_>) -> Result<ArchId, ApiError> {
    store.arch(key("arch", a)?).map_err(|e| lookup(e, "arch", a))
}

/// The task of `arch_result[task]` (or of `metrics_dict[task]`: convert makes their keys
/// `task_list`'s).
fn task<B: AsRef<[u8]>>(store: &Store<B>, a: Arg<'_>) -> Result<TaskId, ApiError> {
    store.task(key("task", a)?).map_err(|e| lookup(e, "task", a))
}

/// A failed name lookup as the official class's `KeyError(name)`; other failures as they are.
fn lookup(e: QueryError, param: &'static str, a: Arg<'_>) -> ApiError {
    match e {
        QueryError::UnknownArch(_) | QueryError::UnknownTask(_) => key_error(param, a),
        other => ApiError::query(other),
    }
}

/// Python's `repr()` of a walked object (`info_names`, `metrics_dict[task]`...).
fn object_repr<'s>(walker: &Walker<'s>, o: &Object<'s>) -> Result<String, ApiError> {
    let mut r = Repr::default();
    walker
        .object(o, &mut |e| {
            r.event(e);
            Ok::<(), ()>(())
        })
        .map_err(|e| match e {
            WalkError::Query(q) => ApiError::query(q),
            _ => ApiError::new(Exc::FormatError, "walking an object failed"),
        })?;
    Ok(r.finish())
}

/// Python's `repr(metrics_dict[task])`: the entry of the file's `metrics_dict` object.
fn metrics_repr<B: AsRef<[u8]>>(
    store: &Store<B>,
    walker: &Walker<'_>,
    task: &str,
) -> Result<String, ApiError> {
    let mut events = Vec::new();
    walker
        .object(&store.metrics_dict()?, &mut |e| {
            events.push(e);
            Ok::<(), ()>(())
        })
        .map_err(|e| match e {
            WalkError::Query(q) => ApiError::query(q),
            _ => ApiError::new(Exc::FormatError, "walking metrics_dict failed"),
        })?;
    // `{key: value, ...}`: after `BeginMap`, keys and values alternate up to its `End`.
    let mut i = 1;
    while i < events.len() && events[i] != Event::End {
        let value = one_value(&events, i);
        let end = one_value(&events, value);
        if events[i] == Event::Str(task) {
            let mut r = Repr::default();
            events[value..end].iter().for_each(|&e| r.event(e));
            return Ok(r.finish());
        }
        i = end;
    }
    Err(ApiError::query(QueryError::Corrupt("metrics_dict has no entry for a task")))
}

/// Where the value that starts at `events[i]` ends (the index after its last event).
fn one_value(events: &[Event<'_>], mut i: usize) -> usize {
    let mut depth = 0usize;
    while let Some(e) = events.get(i) {
        i += 1;
        match e {
            Event::BeginSeq(_) | Event::BeginMap => depth += 1,
            Event::End => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 {
            break;
        }
    }
    i
}

/// `metrics_dict[task]` then `assert metric in ...`: the check `get_single_metric` and
/// `get_best_epoch_status` make first, with its message.
fn task_metric<B: AsRef<[u8]>>(
    store: &Store<B>,
    walker: &Walker<'_>,
    t: Arg<'_>,
    m: Arg<'_>,
) -> Result<(TaskId, MetricId), ApiError> {
    let task = task(store, t)?;
    let found = match m {
        Arg::Str(s) => store.metric(task, s).ok(),
        _ => None,
    };
    match found {
        Some(metric) => Ok((task, metric)),
        None => {
            // Only the message needs the name: the hot, successful call never looks it up.
            let name = store.task_name(task)?;
            Err(ApiError::new(
                Exc::AssertionError,
                format!(
                    "metric {} is not available for task {name}! Must in {}!",
                    arg_str(m),
                    metrics_repr(store, walker, name)?
                ),
            ))
        }
    }
}

/// The space of `assert search_space in self.search_spaces`, with its message.
fn space<B: AsRef<[u8]>>(store: &Store<B>, a: Arg<'_>) -> Result<SpaceId, ApiError> {
    if let Arg::Str(s) = a {
        if let Ok(space) = store.space(s) {
            return Ok(space);
        }
    }
    let mut r = Repr::default();
    r.event(Event::BeginSeq(Seq::List));
    for s in store.search_spaces() {
        r.event(Event::Str(s));
    }
    r.event(Event::End);
    Err(ApiError::new(Exc::AssertionError, format!("search_space must in {}", r.finish())))
}

/// Python's type name of a value, where the official messages quote it (`None` for a nested
/// object, whose comparisons this does not model).
fn value_type(v: &Value<'_>) -> Option<&'static str> {
    match v {
        Value::None => Some("NoneType"),
        Value::Bool(_) => Some("bool"),
        Value::Int(_) => Some("int"),
        Value::Float(_) => Some("float"),
        Value::Str(_) => Some("str"),
        Value::Node(_) => None,
    }
}

/// `a > b` as Python decides it for the scalar types, `None` where Python raises `TypeError`
/// (or, for nested objects, where this does not model the comparison).
fn greater(a: &Value<'_>, b: &Value<'_>) -> Option<bool> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Some(x > y),
        _ => Some(number(a)?.partial_cmp(&number(b)?) == Some(std::cmp::Ordering::Greater)),
    }
}

/// A number as Python compares it: ints exactly (an `i64` as `f64` can round, but the
/// ordering of an int and a float is decided exactly by [`Num`]).
fn number(v: &Value<'_>) -> Option<Num> {
    match *v {
        Value::Bool(b) => Some(Num::Int(i64::from(b))),
        Value::Int(i) => Some(Num::Int(i)),
        Value::Float(x) => Some(Num::Float(x)),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Num {
    Int(i64),
    Float(f64),
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Num) -> Option<std::cmp::Ordering> {
        match (*self, *other) {
            (Num::Int(a), Num::Int(b)) => Some(a.cmp(&b)),
            (Num::Float(a), Num::Float(b)) => a.partial_cmp(&b),
            (Num::Int(a), Num::Float(b)) => int_float(a, b),
            (Num::Float(a), Num::Int(b)) => int_float(b, a).map(std::cmp::Ordering::reverse),
        }
    }
}

/// How an int compares with a float, exactly (as Python compares them).
fn int_float(i: i64, f: f64) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering::*;
    if f.is_nan() {
        return None;
    }
    // 2^63 is exact in f64: beyond it every float exceeds any i64.
    if f >= 9_223_372_036_854_775_808.0 {
        return Some(Less);
    }
    if f < -9_223_372_036_854_775_808.0 {
        return Some(Greater);
    }
    let t = f.trunc();
    match i.cmp(&(t as i64)) {
        Equal if f > t => Some(Less),
        Equal if f < t => Some(Greater),
        o => Some(o),
    }
}

/// The `TypeError` of Python's `max(values)` (or of `max(range(n), key=values.__getitem__)`,
/// which compares the same pairs): `'>' not supported between instances of 'A' and 'B'`,
/// the later value first. `None` when the list is comparable as far as this can tell.
fn max_type_error<'v>(values: impl Iterator<Item = Value<'v>>) -> Option<String> {
    let mut best: Option<Value<'v>> = None;
    for v in values {
        let Some(m) = best else {
            best = Some(v);
            continue;
        };
        match greater(&v, &m) {
            Some(true) => best = Some(v),
            Some(false) => {}
            None => {
                let (a, b) = (value_type(&v)?, value_type(&m)?);
                return Some(format!("'>' not supported between instances of '{a}' and '{b}'"));
            }
        }
    }
    None
}

/// The `TypeError` of `sorted([(best, arch) ...], reverse=True)` over a space: CPython's sort
/// replayed (`tnb_pysort`) until the comparison of two tuples raises, whose message names the
/// two best values' types. `None` where a nested object is compared (not modelled).
fn sort_type_error<B: AsRef<[u8]>>(
    store: &Store<B>,
    archs: tnb_store::Archs,
    t: TaskId,
    m: MetricId,
) -> Option<String> {
    let mut items = Vec::with_capacity(archs.len());
    for a in archs {
        items.push((store.best_value(a, t, m).ok()?, store.arch_name(a).ok()?));
    }
    let lt = |x: &(Value<'_>, &str), y: &(Value<'_>, &str)| -> Result<bool, Option<String>> {
        // Tuples compare their first unequal items: `==` never raises here, `<` may.
        if equal(&x.0, &y.0).ok_or(None)? {
            return Ok(x.1 < y.1);
        }
        match (&x.0, &y.0) {
            (Value::Str(a), Value::Str(b)) => Ok(a < b),
            (a, b) => match (number(a), number(b)) {
                (Some(p), Some(q)) => Ok(p < q),
                _ => {
                    let (ta, tb) = (value_type(a).ok_or(None)?, value_type(b).ok_or(None)?);
                    Err(Some(format!("'<' not supported between instances of '{ta}' and '{tb}'")))
                }
            },
        }
    };
    tnb_pysort::list_sort_reverse(&mut items, lt).err().flatten()
}

/// `a == b` as Python decides it for the scalar types (`None` for nested objects). Two NaNs
/// are different objects in the source, so never equal.
fn equal(a: &Value<'_>, b: &Value<'_>) -> Option<bool> {
    Some(match (a, b) {
        (Value::Node(_), _) | (_, Value::Node(_)) => return None,
        (Value::None, Value::None) => true,
        (Value::Str(x), Value::Str(y)) => x == y,
        _ => match (number(a), number(b)) {
            (Some(p), Some(q)) => p.partial_cmp(&q) == Some(std::cmp::Ordering::Equal),
            _ => false,
        },
    })
}

/// A failure of `max()` over one metric list, with Python's message.
fn no_best<B: AsRef<[u8]>>(
    store: &Store<B>,
    e: QueryError,
    a: ArchId,
    t: TaskId,
    m: MetricId,
) -> ApiError {
    match e {
        QueryError::NoBest(NoBest::Empty) => {
            ApiError::new(Exc::ValueError, "max() arg is an empty sequence")
        }
        QueryError::NoBest(NoBest::Incomparable) => {
            match store.values(a, t, m).ok().and_then(max_type_error) {
                Some(message) => ApiError::new(Exc::TypeError, message),
                None => ApiError::query(e),
            }
        }
        other => ApiError::query(other),
    }
}

/// Answers `method(*args, **kwargs)` as the official Python class would, emitting the events
/// of the return value to `out` (nothing is emitted when the call fails before its answer
/// starts; a failure in the middle of a long answer, possible only on a corrupted archive,
/// leaves a partial answer, so buffer the output if that matters). Where Python raises, the
/// error carries the class it raises ([`Exc`]).
///
/// ```
/// # let source = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../data/transnas_small.pth")).unwrap();
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
        return Err(ApiError::new(
            Exc::AttributeError,
            format!("'{CLASS}' object has no attribute {}", py_repr_str(&short(method))),
        )
        .into());
    };
    // A plain-object archive is not a benchmark: the official class cannot even be built from
    // its source (the constructor reads `task_list`), so every method refuses it alike rather
    // than some answering as an empty benchmark would.
    store.task_list()?;
    let walker = Walker::new(store.archive()?);
    if sig.params.is_empty() && !(args.is_empty() && kwargs.is_empty()) {
        return Err(attribute_called(store, &walker, sig.name, args, kwargs)?.into());
    }
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
            // `list(...)[index]`.
            let i = match a(0) {
                Arg::BigInt { .. } => {
                    return Err(ApiError::new(Exc::IndexError, INDEX_TOO_BIG).into());
                }
                x => match x.as_int() {
                    Some(i) => i,
                    None => {
                        let m = format!(
                            "list indices must be integers or slices, not {}",
                            x.type_name()
                        );
                        return Err(ApiError::new(Exc::TypeError, m).into());
                    }
                },
            };
            let found = store.arch_at(i).map_err(|e| match e {
                QueryError::ArchIndex(_) => ApiError::new(Exc::IndexError, INDEX_OUT),
                other => ApiError::query(other),
            })?;
            emit(out, Event::Str(store.arch_name(found)?))
        }
        "arch2index" => {
            // `list.index`: whatever the value, absent is a `ValueError`.
            let found = match a(0) {
                Arg::Str(s) => store.arch(s).ok(),
                _ => None,
            };
            match found {
                Some(x) => emit(out, Event::Int(x.index() as i64)),
                None => Err(ApiError::new(
                    Exc::ValueError,
                    format!("{} is not in list", arg_repr(a(0))),
                )
                .into()),
            }
        }
        "get_arch_result" => Ok(walker.object(&store.arch_result(arch(store, a(0))?)?, out)?),
        "get_total_epochs" => {
            let arch = arch(store, a(0))?;
            let task = task(store, a(1))?;
            emit(out, Event::Int(i64::from(store.total_epochs(arch, task)?)))
        }
        "get_model_info" => {
            let info = match a(2) {
                Arg::Str(s) => store.info(s).ok(),
                _ => None,
            };
            let Some(info) = info else {
                let names = object_repr(&walker, &store.info_names()?)?;
                let m = format!("info {} is not available! Must in {names}!", arg_str(a(2)));
                return Err(ApiError::new(Exc::AssertionError, m).into());
            };
            let arch = arch(store, a(0))?;
            let task = task(store, a(1))?;
            Ok(walker.value(store.model_info(arch, task, info)?, out)?)
        }
        "get_single_metric" => single_metric(store, &walker, &p, out),
        "get_epoch_status" => epoch_status(store, &walker, &p, out),
        "get_best_epoch_status" => {
            let (task, metric) = task_metric(store, &walker, a(1), a(2))?;
            let arch = arch(store, a(0))?;
            let status = store
                .best_epoch_status(arch, task, metric)
                .map_err(|e| no_best(store, e, arch, task, metric))?;
            Ok(walker.epoch_status(&status, Event::Int(status.epoch()), out)?)
        }
        "get_arch_list" => arch_names(store, store.arch_list(space(store, a(0))?)?, out),
        "get_best_archs" => best_archs(store, &walker, &p, out),
        other => Err(ApiError::new(
            Exc::AttributeError,
            format!("'{CLASS}' object has no attribute '{other}'"),
        )
        .into()),
    }
}

/// An attribute (or `len`) called with arguments: `api.task_list(1)` calls the list, and
/// `len(api, 1)` is `len()`'s own error.
fn attribute_called<B: AsRef<[u8]>>(
    store: &Store<B>,
    walker: &Walker<'_>,
    name: &str,
    args: &[Arg<'_>],
    kwargs: &[(&str, Arg<'_>)],
) -> Result<ApiError, ApiError> {
    if name == "len" {
        let m = if kwargs.is_empty() {
            format!("len() takes exactly one argument ({} given)", args.len() + 1)
        } else {
            "len() takes no keyword arguments".to_owned()
        };
        return Ok(ApiError::new(Exc::TypeError, m));
    }
    let object = match name {
        "task_list" => Some(store.task_list()?),
        "info_names" => Some(store.info_names()?),
        "metrics_dict" => Some(store.metrics_dict()?),
        _ => None,
    };
    let type_name = match object {
        // The file's own object: a list, a tuple or a dict.
        Some(o) => {
            let r = object_repr(walker, &o)?;
            if r.starts_with('(') {
                "tuple"
            } else if r.starts_with('{') {
                "dict"
            } else {
                "list"
            }
        }
        None if name == "all_arch_dict" => "dict",
        None => "list",
    };
    Ok(ApiError::new(Exc::TypeError, format!("'{type_name}' object is not callable")))
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
/// anything else is a `ValueError`; the official class's messages.
pub(crate) fn mode(m: Option<Arg<'_>>) -> Result<Mode, ApiError> {
    match m {
        None | Some(Arg::Str("best")) => Ok(Mode::Best),
        Some(Arg::Str("final")) => Ok(Mode::Final),
        Some(Arg::Str("list")) => Ok(Mode::List),
        Some(Arg::Str(_)) => Err(ApiError::new(
            Exc::ValueError,
            "get_metric() str mode can only be ['final', 'best', 'list']",
        )),
        Some(x) => match x.as_int() {
            Some(e) => Ok(Mode::Epoch(e)),
            None => Err(ApiError::new(
                Exc::ValueError,
                "get_metric() mode must be 'final', 'best', 'list' or epoch_number",
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
    let (task, metric) = task_metric(store, walker, given(p[1]), given(p[2]))?;
    let arch = arch(store, given(p[0]))?;
    let mode = mode(p[3])?;
    let answer = store.single_metric(arch, task, metric, mode).map_err(|e| match e {
        QueryError::Epoch { epoch, total } => {
            if matches!(p[3], Some(Arg::BigInt { negative: true, .. })) {
                ApiError::new(Exc::IndexError, INDEX_TOO_BIG)
            } else if epoch >= 0 {
                let name = store.task_name(task).unwrap_or("");
                ApiError::new(
                    Exc::AssertionError,
                    format!("get_metric() int mode must < total epoch {total} for task {name}!"),
                )
            } else {
                ApiError::new(Exc::IndexError, INDEX_OUT)
            }
        }
        other => no_best(store, other, arch, task, metric),
    })?;
    match answer {
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
        let m = format!("arg epoch {} must be int", arg_str(e));
        return Err(ApiError::new(Exc::AssertionError, m).into());
    };
    let arch = arch(store, given(p[0]))?;
    let task = task(store, given(p[1]))?;
    let status = store.epoch_status(arch, task, epoch).map_err(|err| match err {
        QueryError::Epoch { total, .. } if epoch >= 0 => {
            let name = store.task_name(task).unwrap_or("");
            let m = format!("arg epoch {} must < {total} on task {name}", arg_str(e));
            ApiError::new(Exc::AssertionError, m)
        }
        QueryError::Epoch { .. } if matches!(e, Arg::BigInt { .. }) => {
            ApiError::new(Exc::IndexError, INDEX_TOO_BIG)
        }
        QueryError::Epoch { .. } => ApiError::new(Exc::IndexError, INDEX_OUT),
        other => ApiError::query(other),
    })?;
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
    let space = space(store, given(p[2]))?;
    let archs = store.arch_list(space)?;
    let ranking = match archs.clone().next() {
        // Python maps over an empty list: the task and metric are never looked at.
        None => None,
        Some(_) => {
            // The first arch's `get_single_metric` makes the name checks, in its order.
            let (task, metric) = task_metric(store, walker, given(p[0]), given(p[1]))?;
            match store.best_archs(task, metric, space) {
                Ok(r) => Some(r),
                Err(QueryError::NoRanking(tnb_store::NoRanking::BestFails)) => {
                    // The first arch whose `max()` raises says how.
                    let failing = archs
                        .clone()
                        .find_map(|a| store.best_value(a, task, metric).err().map(|e| (a, e)));
                    return Err(match failing {
                        Some((a, e)) => no_best(store, e, a, task, metric),
                        None => ApiError::query(QueryError::Corrupt(
                            "a ranking says some best value fails, but none does",
                        )),
                    }
                    .into());
                }
                Err(QueryError::NoRanking(tnb_store::NoRanking::Incomparable)) => {
                    let m = sort_type_error(store, archs.clone(), task, metric);
                    return Err(match m {
                        Some(m) => ApiError::new(Exc::TypeError, m),
                        None => ApiError::query(QueryError::NoRanking(
                            tnb_store::NoRanking::Incomparable,
                        )),
                    }
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
                let m = "slice indices must be integers or None or have an __index__ method";
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
