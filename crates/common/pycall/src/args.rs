//! Arguments as Python passes them: the values, the official methods' signatures, and binding
//! positional and keyword arguments with Python's rules.

use crate::exc::Exc;

/// A Python value given as an argument. The API only ever compares arguments with names,
/// indexes them, or looks them up in a dict, so this keeps what those operations see: the
/// value for `None`, bools, ints, floats and strs; for anything else whether it is hashable (a
/// dict lookup of an unhashable value raises `TypeError`, of a hashable one `KeyError`), with
/// the texts the official messages quote ([`Shown`]). Only those rare variants carry text, so
/// the common ones stay free to build.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Arg<'a> {
    /// `None` (JSON `null`).
    None,
    /// `True` / `False`: an int wherever the API indexes.
    Bool(bool),
    /// An `int`.
    Int(i64),
    /// An `int` beyond 64 bits: only its sign matters to the API (every index or slice bound
    /// that large is out of range, or clamped); messages quote its digits.
    BigInt {
        /// Whether it is negative.
        negative: bool,
        /// Python's `str()` of it: the decimal digits, after a `-` if negative.
        digits: &'a str,
    },
    /// A `float`.
    Float(f64),
    /// A `str`.
    Str(&'a str),
    /// Any other hashable value (a tuple, bytes...).
    Hashable(Shown<'a>),
    /// An unhashable value (a list, a dict, a set).
    Unhashable(Shown<'a>),
}

/// What the official messages show of a value [`Arg`] does not otherwise carry: its type's
/// name (`unhashable type: 'dict'`), its `str()` (the class's `assert` messages format
/// arguments with `%s` and f-strings) and its `repr()` (a `KeyError` prints its key's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown<'a> {
    /// The type's name as CPython's messages print it (`tuple`, `list`, `dict`, `set`,
    /// `numpy.ndarray`).
    pub type_name: &'a str,
    /// Python's `str()` of the value.
    pub str: &'a str,
    /// Python's `repr()` of the value (the same text as `str()` for tuples, lists, dicts and
    /// sets).
    pub repr: &'a str,
}

impl<'a> Shown<'a> {
    /// A value whose `str()` is its `repr()`, as for tuples, lists, dicts and sets.
    pub const fn new(type_name: &'a str, repr: &'a str) -> Self {
        Shown { type_name, str: repr, repr }
    }
}

impl<'a> Arg<'a> {
    /// The Python type's name, for messages.
    pub fn type_name(&self) -> &'a str {
        match self {
            Arg::None => "NoneType",
            Arg::Bool(_) => "bool",
            Arg::Int(_) | Arg::BigInt { .. } => "int",
            Arg::Float(_) => "float",
            Arg::Str(_) => "str",
            Arg::Hashable(s) | Arg::Unhashable(s) => s.type_name,
        }
    }

    /// The value as Python's `isinstance(x, int)` sees it (a bool is an int); ints beyond 64
    /// bits saturate, which keeps every comparison the API makes with them.
    pub fn as_int(&self) -> Option<i64> {
        match *self {
            Arg::Int(i) => Some(i),
            Arg::Bool(b) => Some(i64::from(b)),
            Arg::BigInt { negative, .. } => Some(if negative { i64::MIN } else { i64::MAX }),
            _ => None,
        }
    }
}

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

/// A [`Signature`] (a `const fn`, so that a family's method table is a `const`).
pub const fn sig(
    name: &'static str,
    params: &'static [&'static str],
    required: usize,
) -> Signature {
    Signature { name, params, required }
}

/// Most parameters of any method.
pub const MAX_PARAMS: usize = 6;

/// The bound arguments of a call, by parameter position (`None` where a default applies).
pub type Bound<'a> = [Option<Arg<'a>>; MAX_PARAMS];

fn type_error(m: String) -> (Exc, String) {
    (Exc::TypeError, crate::text::one_line(&m))
}

/// Binds `args` and `kwargs` to `sig`'s parameters as CPython binds a call to a method of the
/// class named `class`, with its `TypeError` messages (one line) and in its order: each keyword
/// in turn (unexpected, or given twice), then too many positional arguments, then the missing
/// ones. A signature with more than [`MAX_PARAMS`] parameters binds only the first ones.
pub fn bind<'a>(
    class: &str,
    sig: &Signature,
    args: &[Arg<'a>],
    kwargs: &[(&str, Arg<'a>)],
) -> Result<Bound<'a>, (Exc, String)> {
    let (method, params) = (sig.name, sig.params);
    let mut slots = [None; MAX_PARAMS];
    for (slot, a) in slots.iter_mut().zip(args) {
        *slot = Some(*a);
    }
    for (k, v) in kwargs {
        match params.iter().position(|p| p == k) {
            Some(p) if p < args.len() => {
                return Err(type_error(format!(
                    "{class}.{method}() got multiple values for argument '{}'",
                    crate::text::short(k)
                )));
            }
            // A later duplicate key wins, as in the dict `json.loads` builds.
            Some(p) if p < MAX_PARAMS => slots[p] = Some(*v),
            Some(_) => {}
            None => {
                return Err(type_error(format!(
                    "{class}.{method}() got an unexpected keyword argument '{}'",
                    crate::text::short(k)
                )));
            }
        }
    }
    if args.len() > params.len() {
        // Counts include `self`, as CPython counts them.
        let takes = if sig.required == params.len() {
            plural(params.len() + 1, "positional argument")
        } else {
            format!("from {} to {} positional arguments", sig.required + 1, params.len() + 1)
        };
        return Err(type_error(format!(
            "{class}.{method}() takes {takes} but {} were given",
            args.len() + 1
        )));
    }
    let missing: Vec<String> = (0..sig.required.min(MAX_PARAMS))
        .filter(|&p| slots[p].is_none())
        .map(|p| format!("'{}'", params[p]))
        .collect();
    if !missing.is_empty() {
        let names = match missing.as_slice() {
            [one] => one.clone(),
            [a, b] => format!("{a} and {b}"),
            [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
            [] => String::new(),
        };
        return Err(type_error(format!(
            "{class}.{method}() missing {} required positional {}: {names}",
            missing.len(),
            if missing.len() == 1 { "argument" } else { "arguments" }
        )));
    }
    Ok(slots)
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}
