//! Answers as Python objects: [`Value`].

use std::borrow::Cow;

use tnb_pycall::{py_repr_float, py_repr_str};

use crate::source::{Hp, Num, Scalar};

/// An `ArchResults` object: `arch2infos_dict[index][hp]` (the official queries return deep
/// copies; a binding makes its own object from this reference).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ResultsRef {
    /// The key of `arch2infos_dict`.
    pub index: i64,
    /// The hp.
    pub hp: Hp,
}

/// A `ResultsCount` object: the `run`-th value of `all_results` of an `ArchResults`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RunRef {
    /// The `ArchResults` it belongs to.
    pub results: ResultsRef,
    /// Its position in `all_results`.
    pub run: usize,
}

/// A Python value as the official API returns it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'s> {
    /// `None`.
    None,
    /// A `bool`.
    Bool(bool),
    /// An `int`.
    Int(i64),
    /// A Python `float`.
    Float(f64),
    /// A `numpy.float64`.
    F64(f64),
    /// A `str`.
    Str(Cow<'s, str>),
    /// A `list`.
    List(Vec<Value<'s>>),
    /// A `tuple`.
    Tuple(Vec<Value<'s>>),
    /// A `dict`, items in insertion order.
    Dict(Vec<(Value<'s>, Value<'s>)>),
    /// An `ArchResults` object.
    ArchResults(ResultsRef),
    /// A `ResultsCount` object.
    ResultsCount(RunRef),
    /// A square 2-D `numpy.ndarray` of float64 (`str2matrix`), row-major.
    Matrix {
        /// The number of rows (and columns).
        n: usize,
        /// The `n * n` values, row by row.
        data: Vec<f64>,
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

    /// The value with every borrowed string copied.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::None => Value::None,
            Value::Bool(b) => Value::Bool(b),
            Value::Int(i) => Value::Int(i),
            Value::Float(x) => Value::Float(x),
            Value::F64(x) => Value::F64(x),
            Value::Str(s) => Value::Str(Cow::Owned(s.into_owned())),
            Value::List(v) => Value::List(v.into_iter().map(Value::into_owned).collect()),
            Value::Tuple(v) => Value::Tuple(v.into_iter().map(Value::into_owned).collect()),
            Value::Dict(v) => {
                Value::Dict(v.into_iter().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
            }
            Value::ArchResults(r) => Value::ArchResults(r),
            Value::ResultsCount(r) => Value::ResultsCount(r),
            Value::Matrix { n, data } => Value::Matrix { n, data },
        }
    }

    /// Python's name for the value's type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::F64(_) => "numpy.float64",
            Value::Str(_) => "str",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::ArchResults(_) => "ArchResults",
            Value::ResultsCount(_) => "ResultsCount",
            Value::Matrix { .. } => "numpy.ndarray",
        }
    }

    /// Python's `str()` of a scalar (what `'{:}'.format(x)` prints; numpy 2 prints a float64's
    /// `str` as a float's `repr`); containers as their `repr` with numpy 2's `np.float64(...)`
    /// spelling inside. Objects print a placeholder (their `repr` needs the source: see
    /// [`crate::Nb201::ar_repr`] and [`crate::Nb201::rc_repr`]).
    pub fn py_str(&self) -> String {
        match self {
            Value::Str(s) => s.to_string(),
            Value::Float(x) | Value::F64(x) => py_repr_float(*x),
            _ => self.py_repr(),
        }
    }

    /// Python's `repr()` (numpy 2 spelling for `np.float64`: `np.float64(0.5)`).
    pub fn py_repr(&self) -> String {
        match self {
            Value::None => "None".into(),
            Value::Bool(b) => if *b { "True" } else { "False" }.into(),
            Value::Int(i) => i.to_string(),
            Value::Float(x) => py_repr_float(*x),
            Value::F64(x) => format!("np.float64({})", py_repr_float(*x)),
            Value::Str(s) => py_repr_str(s),
            Value::List(v) => seq("[", v, "]"),
            Value::Tuple(v) if v.len() == 1 => format!("({},)", v[0].py_repr()),
            Value::Tuple(v) => seq("(", v, ")"),
            Value::Dict(items) => {
                let inner: Vec<String> = items
                    .iter()
                    .map(|(k, v)| format!("{}: {}", k.py_repr(), v.py_repr()))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
            Value::ArchResults(r) => format!("<ArchResults {} {}>", r.index, r.hp.key()),
            Value::ResultsCount(r) => {
                format!("<ResultsCount {} {} {}>", r.results.index, r.results.hp.key(), r.run)
            }
            Value::Matrix { .. } => "<numpy.ndarray>".into(),
        }
    }
}

fn seq(open: &str, v: &[Value<'_>], close: &str) -> String {
    let inner: Vec<String> = v.iter().map(Value::py_repr).collect();
    format!("{open}{}{close}", inner.join(", "))
}

impl From<Num> for Value<'_> {
    fn from(n: Num) -> Self {
        match n {
            Num::Int(i) => Value::Int(i),
            Num::Float(x) => Value::Float(x),
            Num::F64(x) => Value::F64(x),
        }
    }
}

impl From<Option<Num>> for Value<'_> {
    fn from(n: Option<Num>) -> Self {
        n.map_or(Value::None, Value::from)
    }
}

impl<'s> From<Scalar<'s>> for Value<'s> {
    fn from(s: Scalar<'s>) -> Self {
        match s {
            Scalar::None => Value::None,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Num(n) => n.into(),
            Scalar::Str(s) => Value::str(s),
        }
    }
}
