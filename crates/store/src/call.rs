//! Calling the API by method name with Python-typed arguments, as the official Python class
//! would be called: `getattr(api, method)(*args, **kwargs)`. This is what `tnb batch` (and any
//! other language binding) runs; the answer comes out as walk events, so it can be written as
//! the JSON `json.dumps` prints for Python's return value (tuples as arrays).
//!
//! Argument binding follows Python's rules: positional then keyword arguments, an error for a
//! missing, unexpected or doubly given argument, the same defaults (`mode='best'`, `topk=1`),
//! and the optional `xseed` the official `get_single_metric` and `get_epoch_status` accept and
//! ignore. Argument types follow Python's too: names must be `str`, epochs and indexes `int`
//! (a `bool` is an int), `topk` is a slice bound (`None` keeps all, negative counts from the end).

use std::fmt;

use crate::error::QueryError;
use crate::handles::sealed;
use crate::query::Mode;
use crate::walk::{Event, Walker};
use crate::{Store, python};

/// A Python value given as an argument (what one JSON value of a request decodes to).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Arg<'a> {
    /// `None` (JSON `null`).
    None,
    /// `True` / `False`: an int wherever the API indexes.
    Bool(bool),
    /// An `int`.
    Int(i64),
    /// An `int` beyond 64 bits: only its sign matters to the API (every index or slice bound
    /// that large is out of range, or clamped).
    BigInt {
        /// Whether it is negative.
        negative: bool,
    },
    /// A `float` (JSON numbers with a fraction or exponent).
    Float(f64),
    /// A `str`.
    Str(&'a str),
    /// A list or dict: no API argument accepts one (where Python ignores an argument, so does
    /// this).
    Container,
}

/// Why a call has no answer: Python raises (bad arguments, or what the query itself raises),
/// or the output failed.
#[derive(Debug)]
pub enum CallError<E> {
    /// The method does not exist or its arguments do not bind (Python: `AttributeError`,
    /// `TypeError`, `ValueError`).
    Argument(String),
    /// The query raises (unknown names, epochs out of range...).
    Query(QueryError),
    /// The event sink failed.
    Sink(E),
}

impl<E: fmt::Display> fmt::Display for CallError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Argument(m) => f.write_str(m),
            CallError::Query(q) => write!(f, "{q}"),
            CallError::Sink(e) => write!(f, "{e}"),
        }
    }
}

impl<E> From<QueryError> for CallError<E> {
    fn from(e: QueryError) -> Self {
        CallError::Query(e)
    }
}

impl<E> From<crate::walk::WalkError<E>> for CallError<E> {
    fn from(e: crate::walk::WalkError<E>) -> Self {
        match e {
            crate::walk::WalkError::Sink(e) => CallError::Sink(e),
            crate::walk::WalkError::Query(q) => CallError::Query(q),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for CallError<E> {}

/// One method (or attribute) of the official API: its name, its parameters in order, and how
/// many of them are required (the rest have defaults).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The Python name, e.g. `get_single_metric`.
    pub name: &'static str,
    /// Parameter names, as Python's keyword arguments spell them.
    pub params: &'static [&'static str],
    /// How many leading parameters must be given.
    pub required: usize,
}

const fn sig(name: &'static str, params: &'static [&'static str], required: usize) -> Signature {
    Signature { name, params, required }
}

/// Everything [`call`] answers: the official API's methods with their signatures
/// (`get_single_metric(arch, task, metric, mode='best', xseed=None)`,
/// `get_epoch_status(arch, task, epoch, xseed=None)`,
/// `get_best_archs(task, metric, search_space, topk=1)`...), and its attributes, which take no
/// arguments (`len` stands for `len(api)`).
pub const METHODS: &[Signature] = &[
    sig("len", &[], 0),
    sig("task_list", &[], 0),
    sig("search_spaces", &[], 0),
    sig("all_arch_dict", &[], 0),
    sig("metrics_dict", &[], 0),
    sig("info_names", &[], 0),
    sig("index2arch", &["index"], 1),
    sig("arch2index", &["arch"], 1),
    sig("get_arch_result", &["arch"], 1),
    sig("get_total_epochs", &["arch", "task"], 2),
    sig("get_model_info", &["arch", "task", "info"], 3),
    sig("get_single_metric", &["arch", "task", "metric", "mode", "xseed"], 3),
    sig("get_epoch_status", &["arch", "task", "epoch", "xseed"], 3),
    sig("get_best_epoch_status", &["arch", "task", "metric"], 3),
    sig("get_arch_list", &["search_space"], 1),
    sig("get_best_archs", &["task", "metric", "search_space", "topk"], 3),
];

/// Most parameters of any method.
const MAX_PARAMS: usize = 5;

type Sink<'s, 'x, E> = dyn FnMut(Event<'s>) -> Result<(), E> + 'x;

fn arg_error<E>(m: String) -> CallError<E> {
    CallError::Argument(m)
}

/// Binds `args` and `kwargs` to `params` as Python binds a call; `required` leading parameters
/// must be given.
fn bind<'a, E>(
    method: &str,
    params: &[&str],
    required: usize,
    args: &[Arg<'a>],
    kwargs: &[(&str, Arg<'a>)],
) -> Result<[Option<Arg<'a>>; MAX_PARAMS], CallError<E>> {
    let mut slots = [None; MAX_PARAMS];
    if args.len() > params.len() {
        return Err(arg_error(format!(
            "{method}() takes {} positional arguments but {} were given",
            params.len(),
            args.len()
        )));
    }
    for (slot, a) in slots.iter_mut().zip(args) {
        *slot = Some(*a);
    }
    for (k, v) in kwargs {
        match params.iter().position(|p| p == k) {
            Some(p) if p < args.len() => {
                return Err(arg_error(format!(
                    "{method}() got multiple values for argument '{k}'"
                )));
            }
            // A later duplicate key wins, as in the dict `json.loads` builds.
            Some(p) => slots[p] = Some(*v),
            None => {
                return Err(arg_error(format!(
                    "{method}() got an unexpected keyword argument '{k}'"
                )));
            }
        }
    }
    if let Some(p) = (0..required).find(|&p| slots[p].is_none()) {
        return Err(arg_error(format!("{method}() missing required argument: '{}'", params[p])));
    }
    Ok(slots)
}

fn type_name(a: &Arg<'_>) -> &'static str {
    match a {
        Arg::None => "NoneType",
        Arg::Bool(_) => "bool",
        Arg::Int(_) | Arg::BigInt { .. } => "int",
        Arg::Float(_) => "float",
        Arg::Str(_) => "str",
        Arg::Container => "list or dict",
    }
}

/// A name argument: only a `str` can equal a name (Python's lookups raise otherwise).
fn name<'a, E>(what: &str, a: Option<Arg<'a>>) -> Result<&'a str, CallError<E>> {
    match a {
        Some(Arg::Str(s)) => Ok(s),
        Some(other) => Err(arg_error(format!(
            "{what} must be a str, found {} (no {what} has that name)",
            type_name(&other)
        ))),
        None => Err(arg_error(format!("missing {what}"))),
    }
}

/// An int used as an index: `bool` counts, anything else is a `TypeError`. Ints beyond 64 bits
/// saturate, which keeps every comparison the API makes with them.
fn int<E>(what: &str, a: Option<Arg<'_>>) -> Result<i64, CallError<E>> {
    match a {
        Some(Arg::Int(i)) => Ok(i),
        Some(Arg::Bool(b)) => Ok(i64::from(b)),
        Some(Arg::BigInt { negative }) => Ok(if negative { i64::MIN } else { i64::MAX }),
        Some(other) => {
            Err(arg_error(format!("{what} must be an int, found {}", type_name(&other))))
        }
        None => Err(arg_error(format!("missing {what}"))),
    }
}

fn emit<'s, E>(f: &mut Sink<'s, '_, E>, e: Event<'s>) -> Result<(), CallError<E>> {
    f(e).map_err(CallError::Sink)
}

/// Answers `method(*args, **kwargs)` as the official Python API would, emitting the events of
/// the return value to `out` (nothing is emitted when the call fails before its answer
/// starts; a failure in the middle of a long answer, possible only on a corrupted archive,
/// leaves a partial answer, so buffer the output if that matters).
///
/// ```
/// # let source = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/transnas_small.pth")).unwrap();
/// # let bytes = tnb_convert::convert_bytes(&source).unwrap();
/// # let store = tnb_store::Store::copy_from(&bytes)?;
/// use tnb_store::call::{Arg, call};
/// use tnb_store::JsonSink;
///
/// let mut sink = JsonSink::new(Vec::new());
/// call(&store, "get_single_metric",
///      &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1")],
///      &[("mode", Arg::Int(-1))],
///      &mut |e| sink.event(e)).unwrap();
/// assert_eq!(sink.into_inner(), b"43.77078628540039");
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
        return Err(arg_error(format!(
            "unknown method '{method}' (the API has {})",
            names.join(", ")
        )));
    };
    let b = store.root()?;
    let walker = Walker::new(b);
    let method = sig.name;
    let p = bind(method, sig.params, sig.required, args, kwargs)?;
    match method {
        "len" => emit(out, Event::Int(store.len() as i64)),
        "task_list" => Ok(store.task_list()?.walk(out)?),
        "metrics_dict" => Ok(store.metrics_dict()?.walk(out)?),
        "info_names" => Ok(store.info_names()?.walk(out)?),
        "search_spaces" => {
            emit(out, Event::BeginSeq)?;
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
            let a = store.arch_at(int("index", p[0])?)?;
            emit(out, Event::Str(store.arch_name(a)?))
        }
        "arch2index" => {
            let a = name("arch", p[0])?;
            emit(out, Event::Int(store.arch(a)?.index() as i64))
        }
        "get_arch_result" => Ok(store.arch_result(name("arch", p[0])?)?.walk(out)?),
        "get_total_epochs" => {
            let n = store.total_epochs(name("arch", p[0])?, name("task", p[1])?)?;
            emit(out, Event::Int(i64::from(n)))
        }
        "get_model_info" => {
            let (a, t, i) = (name("arch", p[0])?, name("task", p[1])?, name("info", p[2])?);
            Ok(walker.value(store.model_info(a, t, i)?, out)?)
        }
        "get_single_metric" => single_metric(store, &walker, &p, out),
        "get_epoch_status" => epoch_status(store, &p, out),
        "get_best_epoch_status" => {
            let (a, t, m) = (name("arch", p[0])?, name("task", p[1])?, name("metric", p[2])?);
            Ok(store.best_epoch_status(a, t, m)?.walk(out)?)
        }
        "get_arch_list" => arch_names(store, store.arch_list(name("search_space", p[0])?)?, out),
        "get_best_archs" => best_archs(store, &walker, &p, out),
        _ => Err(arg_error(format!("unknown method '{method}'"))),
    }
}

fn arch_names<'s, B: AsRef<[u8]>, E>(
    store: &'s Store<B>,
    archs: crate::Archs,
    out: &mut Sink<'s, '_, E>,
) -> Result<(), CallError<E>> {
    emit(out, Event::BeginSeq)?;
    for a in archs {
        emit(out, Event::Str(store.arch_name(a)?))?;
    }
    emit(out, Event::End)
}

fn single_metric<'s, B: AsRef<[u8]>, E>(
    store: &'s Store<B>,
    walker: &Walker<'s>,
    p: &[Option<Arg<'_>>; MAX_PARAMS],
    out: &mut Sink<'s, '_, E>,
) -> Result<(), CallError<E>> {
    let (a, t, m) = (name("arch", p[0])?, name("task", p[1])?, name("metric", p[2])?);
    let mode = match p[3] {
        None => Ok(Mode::Best),
        Some(Arg::Str("best")) => Ok(Mode::Best),
        Some(Arg::Str("final")) => Ok(Mode::Final),
        Some(Arg::Str("list")) => Ok(Mode::List),
        Some(Arg::Str(other)) => Err(arg_error(format!(
            "get_single_metric() str mode can only be 'final', 'best' or 'list', not '{other}'"
        ))),
        Some(x @ (Arg::Int(_) | Arg::Bool(_) | Arg::BigInt { .. })) => {
            int("mode", Some(x)).map(Mode::Epoch)
        }
        Some(other) => Err(arg_error(format!(
            "get_single_metric() mode must be 'final', 'best', 'list' or an epoch number, not \
             a {}",
            type_name(&other)
        ))),
    };
    let mode = match mode {
        Ok(mode) => mode,
        Err(e) => {
            // Python checks the names (metric, then arch) before it looks at the mode.
            let b = store.root()?;
            let task = sealed::Task::task(t, b)?;
            sealed::Metric::metric(m, b, task)?;
            sealed::Arch::arch(a, b)?;
            return Err(e);
        }
    };
    match store.single_metric(a, t, m, mode)? {
        crate::Metric::Value(v) => Ok(walker.value(v, out)?),
        crate::Metric::List(values) => {
            emit(out, Event::BeginSeq)?;
            for v in values {
                walker.value(v, out)?;
            }
            emit(out, Event::End)
        }
    }
}

fn epoch_status<'s, B: AsRef<[u8]>, E>(
    store: &'s Store<B>,
    p: &[Option<Arg<'_>>; MAX_PARAMS],
    out: &mut Sink<'s, '_, E>,
) -> Result<(), CallError<E>> {
    // Python asserts `isinstance(epoch, int)` first.
    let epoch = int("epoch", p[2])?;
    let (a, t) = (name("arch", p[0])?, name("task", p[1])?);
    let big = matches!(p[2], Some(Arg::BigInt { .. }));
    let status = store.epoch_status(a, t, epoch)?;
    if big {
        // Only a task without metrics accepts such an epoch, and its `'epoch'` entry would be
        // an int beyond 64 bits, which this reader does not carry.
        return Err(CallError::Query(QueryError::Epoch { epoch, total: 0 }));
    }
    // `epoch if epoch >= 0 else ...` hands a bool back as it came.
    let shown = match p[2] {
        Some(Arg::Bool(x)) => Event::Bool(x),
        _ => Event::Int(status.epoch()),
    };
    Ok(status.walk_with_epoch(shown, out)?)
}

fn best_archs<'s, B: AsRef<[u8]>, E>(
    store: &'s Store<B>,
    walker: &Walker<'s>,
    p: &[Option<Arg<'_>>; MAX_PARAMS],
    out: &mut Sink<'s, '_, E>,
) -> Result<(), CallError<E>> {
    let space = name("search_space", p[2])?;
    let archs = store.arch_list(space)?;
    let ranking = if archs.len() == 0 {
        // Python maps over an empty list: the task and metric are never looked at.
        None
    } else {
        Some(store.best_archs(name("task", p[0])?, name("metric", p[1])?, space)?)
    };
    // `[:topk]`: a slice bound is an int (bool included) or None.
    let stop = match p[3] {
        None => Some(1),
        Some(Arg::None) => None,
        Some(Arg::Int(i)) => Some(i),
        Some(Arg::Bool(b)) => Some(i64::from(b)),
        Some(Arg::BigInt { negative }) => Some(if negative { i64::MIN } else { i64::MAX }),
        Some(other) => {
            return Err(arg_error(format!(
                "slice indices must be integers or None, not {} (topk)",
                type_name(&other)
            )));
        }
    };
    emit(out, Event::BeginSeq)?;
    if let Some(ranking) = ranking {
        let k = python::slice_stop(stop, ranking.len());
        for item in ranking.take(k) {
            let (v, a) = item?;
            emit(out, Event::BeginSeq)?;
            walker.value(v, out)?;
            emit(out, Event::Str(store.arch_name(a)?))?;
            emit(out, Event::End)?;
        }
    }
    emit(out, Event::End)
}
