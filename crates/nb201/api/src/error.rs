//! Failures as the official code raises them: [`ApiError`].

use std::fmt;

use tnb_pycall::{Exc, one_line};

use crate::value::Value;

/// The longest message [`ApiError::listing`] keeps (a run's key list: the real files' longest
/// is ~10 thousand characters).
pub const MAX_KEYS_MESSAGE: usize = 1 << 20;

/// The object a `KeyError` carries (Python's `str(e)` is its `repr`, which the message holds).
#[derive(Clone, Debug, PartialEq)]
pub enum KeyObj {
    /// A value built by the official code (an epoch, a `'set@epoch'` string, a
    /// `(dataset, seed)` tuple, a literal key such as `'valid-accuracy'`).
    Value(Value<'static>),
    /// The argument of that name, as the caller passed it (e.g. `dataset`); for
    /// `"(dataset, seed)"` the tuple of those two arguments.
    Param(&'static str),
}

impl KeyObj {
    /// For [`KeyObj::Param`], the argument of that name among the call's `(name, argument)`
    /// pairs (for `"(dataset, seed)"` the binding builds the tuple of those two).
    pub fn arg<'a>(&self, named: &[(&str, tnb_pycall::Arg<'a>)]) -> Option<tnb_pycall::Arg<'a>> {
        match self {
            KeyObj::Param(p) => named.iter().find(|(n, _)| n == p).map(|(_, a)| *a),
            KeyObj::Value(_) => None,
        }
    }
}

/// Why a call raises: the Python exception class, the one-line message (`str(e)`), and for
/// a `KeyError` its key object.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    exc: Exc,
    message: String,
    key: Option<KeyObj>,
}

impl ApiError {
    /// A failure of class `exc` with `message` (made one line).
    pub fn new(exc: Exc, message: impl AsRef<str>) -> ApiError {
        ApiError { exc, message: one_line(message.as_ref()), key: None }
    }

    /// A failure whose message lists a whole table's keys, as NATS-Bench's
    /// `'k not in dict_keys([...])'` does (thousands of characters for a 200-epoch run): kept
    /// whole up to [`MAX_KEYS_MESSAGE`] characters (control characters escaped), where
    /// [`ApiError::new`] cuts at `tnb_pycall::MAX_MESSAGE`.
    pub fn listing(exc: Exc, message: &str) -> ApiError {
        let mut out = String::with_capacity(message.len().min(MAX_KEYS_MESSAGE));
        for (i, c) in message.chars().enumerate() {
            if i == MAX_KEYS_MESSAGE {
                out.push('…');
                break;
            }
            if c.is_control() {
                out.extend(c.escape_debug());
            } else {
                out.push(c);
            }
        }
        ApiError { exc, message: out, key: None }
    }

    /// `KeyError(key)` for a key the official code built.
    pub fn key(key: Value<'_>) -> ApiError {
        let message = key.py_repr();
        ApiError {
            exc: Exc::KeyError,
            message: one_line(&message),
            key: Some(KeyObj::Value(key.into_owned())),
        }
    }

    /// `KeyError(arg)` for the argument `param`, whose `repr` is `repr`.
    pub fn key_param(param: &'static str, repr: &str) -> ApiError {
        ApiError { exc: Exc::KeyError, message: one_line(repr), key: Some(KeyObj::Param(param)) }
    }

    /// The exception class.
    pub fn exc(&self) -> Exc {
        self.exc
    }

    /// The message (`str(e)`).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A `KeyError`'s key object.
    pub fn key_obj(&self) -> Option<&KeyObj> {
        self.key.as_ref()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.exc, self.message)
    }
}

impl std::error::Error for ApiError {}

/// `TypeError` with `message`.
pub(crate) fn type_error(message: impl AsRef<str>) -> ApiError {
    ApiError::new(Exc::TypeError, message)
}

/// `ValueError` with `message`.
pub(crate) fn value_error(message: impl AsRef<str>) -> ApiError {
    ApiError::new(Exc::ValueError, message)
}

/// An argument as a [`Value`], for the scalar kinds.
pub(crate) fn arg_value(a: tnb_pycall::Arg<'_>) -> Option<Value<'static>> {
    use tnb_pycall::Arg;
    Some(match a {
        Arg::None => Value::None,
        Arg::Bool(b) => Value::Bool(b),
        Arg::Int(i) => Value::Int(i),
        Arg::Float(x) => Value::Float(x),
        Arg::Str(s) => Value::Str(s.to_owned().into()),
        _ => return None,
    })
}
