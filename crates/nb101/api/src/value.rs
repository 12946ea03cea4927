//! Answers as Python objects: [`Value`].

use std::borrow::Cow;

use tnb_pycall::{py_repr_float, py_repr_str};
use tnb_pyjson::{Event, Seq};

/// A Python value as the official API returns it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'s> {
    /// `None`.
    None,
    /// A `bool`.
    Bool(bool),
    /// An `int`.
    Int(i64),
    /// A `float`.
    Float(f64),
    /// A `str`.
    Str(Cow<'s, str>),
    /// A `list`.
    List(Vec<Value<'s>>),
    /// A `tuple`.
    Tuple(Vec<Value<'s>>),
    /// A `dict`, items in insertion order.
    Dict(Vec<(Value<'s>, Value<'s>)>),
    /// A `set`, in its iteration order (`valid_epochs`).
    Set(Vec<Value<'s>>),
    /// A `dict_keys` view, in the dict's order (`hash_iterator()`).
    Keys(Vec<Value<'s>>),
    /// An `n`×`n` `numpy.ndarray` of `int8` (`module_adjacency`), row-major.
    Adjacency {
        /// Rows (and columns).
        n: usize,
        /// The `n * n` entries, row by row.
        data: Vec<i8>,
    },
}

impl<'s> Value<'s> {
    /// A borrowed `str`.
    pub fn str(s: &'s str) -> Value<'s> {
        Value::Str(Cow::Borrowed(s))
    }

    /// The dict's value for the str key `key`.
    pub fn get(&self, key: &str) -> Option<&Value<'s>> {
        match self {
            Value::Dict(items) => {
                items.iter().find(|(k, _)| matches!(k, Value::Str(s) if s == key)).map(|(_, v)| v)
            }
            _ => None,
        }
    }

    /// Python's name for the value's type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::Set(_) => "set",
            Value::Keys(_) => "dict_keys",
            Value::Adjacency { .. } => "numpy.ndarray",
        }
    }

    /// Python's `repr()` (an array as numpy 2 prints a small int8 one on one line:
    /// `array([[0, 1], [0, 0]], dtype=int8)`).
    pub fn py_repr(&self) -> String {
        match self {
            Value::None => "None".into(),
            Value::Bool(b) => if *b { "True" } else { "False" }.into(),
            Value::Int(i) => i.to_string(),
            Value::Float(x) => py_repr_float(*x),
            Value::Str(s) => py_repr_str(s),
            Value::List(v) => seq("[", v, "]"),
            Value::Tuple(v) if v.len() == 1 => format!("({},)", v[0].py_repr()),
            Value::Tuple(v) => seq("(", v, ")"),
            Value::Set(v) if v.is_empty() => "set()".into(),
            Value::Set(v) => seq("{", v, "}"),
            Value::Keys(v) => format!("dict_keys({})", seq("[", v, "]")),
            Value::Dict(items) => {
                let inner: Vec<String> = items
                    .iter()
                    .map(|(k, v)| format!("{}: {}", k.py_repr(), v.py_repr()))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
            Value::Adjacency { n, data } => {
                let rows: Vec<String> = data
                    .chunks(*n.max(&1))
                    .map(|r| {
                        let r: Vec<String> = r.iter().map(i8::to_string).collect();
                        format!("[{}]", r.join(", "))
                    })
                    .collect();
                format!("array([{}], dtype=int8)", rows.join(", "))
            }
        }
    }

    /// The value as walk events: what `json.dumps` writes of it after an array becomes
    /// `.tolist()` and a set or `dict_keys` a list (see `tnb_pyjson::JsonSink`).
    pub fn events<E>(&self, emit: &mut dyn FnMut(Event<'_>) -> Result<(), E>) -> Result<(), E> {
        match self {
            Value::None => emit(Event::Null),
            Value::Bool(b) => emit(Event::Bool(*b)),
            Value::Int(i) => emit(Event::Int(*i)),
            Value::Float(x) => emit(Event::Float(*x)),
            Value::Str(s) => emit(Event::Str(s)),
            Value::List(v) | Value::Keys(v) => items(Seq::List, v, emit),
            Value::Tuple(v) => items(Seq::Tuple, v, emit),
            Value::Set(v) => items(Seq::Set, v, emit),
            Value::Dict(d) => {
                emit(Event::BeginMap)?;
                for (k, v) in d {
                    k.events(emit)?;
                    v.events(emit)?;
                }
                emit(Event::End)
            }
            Value::Adjacency { n, data } => {
                emit(Event::BeginSeq(Seq::List))?;
                for row in data.chunks((*n).max(1)) {
                    emit(Event::BeginSeq(Seq::List))?;
                    for &x in row {
                        emit(Event::Int(i64::from(x)))?;
                    }
                    emit(Event::End)?;
                }
                emit(Event::End)
            }
        }
    }

    /// `json.dumps` of the value (arrays as `.tolist()`, sets and views as lists, int and
    /// float dict keys as their `str`).
    pub fn to_json(&self) -> String {
        let mut sink = tnb_pyjson::JsonSink::new(Vec::new());
        let ok = self.events(&mut |e| sink.event(e)).is_ok();
        match sink.finish() {
            Ok(bytes) if ok => String::from_utf8(bytes).unwrap_or_default(),
            _ => String::new(),
        }
    }
}

fn items<E>(
    kind: Seq,
    v: &[Value<'_>],
    emit: &mut dyn FnMut(Event<'_>) -> Result<(), E>,
) -> Result<(), E> {
    emit(Event::BeginSeq(kind))?;
    for x in v {
        x.events(emit)?;
    }
    emit(Event::End)
}

fn seq(open: &str, v: &[Value<'_>], close: &str) -> String {
    let inner: Vec<String> = v.iter().map(Value::py_repr).collect();
    format!("{open}{}{close}", inner.join(", "))
}
