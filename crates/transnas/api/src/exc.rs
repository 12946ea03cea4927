//! Failures as the official class reports them: the Python exception class it raises, and its
//! message (the official `assert` texts, CPython's own for `KeyError`, list indexing, `max()`,
//! argument binding), made one line: control characters escaped, cut at
//! [`crate::MAX_MESSAGE`] characters. A corrupted archive's failures keep tnb's messages.

use std::fmt;

use tnb_store::{NoBest, NoRanking, QueryError};

use tnb_pycall::one_line;

pub use tnb_pycall::Exc;

/// Why a call raises: the exception class and a one-line message (control characters escaped,
/// at most [`crate::MAX_MESSAGE`] characters, whatever the names it quotes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    exc: Exc,
    message: String,
    query: Option<QueryError>,
    key: Option<&'static str>,
}

impl ApiError {
    /// A failure of class `exc`.
    pub fn new(exc: Exc, message: impl Into<String>) -> ApiError {
        ApiError { exc, message: one_line(&message.into()), query: None, key: None }
    }

    /// The query's failure, classified as the official class classifies it: for `Epoch`, an
    /// epoch past the end is the official class's `assert` (`AssertionError`), one below
    /// `-len` is the list index (`IndexError`).
    pub fn query(e: QueryError) -> ApiError {
        let exc = match &e {
            QueryError::UnknownArch(_) | QueryError::UnknownTask(_) => Exc::KeyError,
            QueryError::ArchIndex(_) => Exc::IndexError,
            QueryError::UnknownMetric { .. }
            | QueryError::UnknownInfo(_)
            | QueryError::UnknownSpace(_) => Exc::AssertionError,
            QueryError::Epoch { epoch, .. } if *epoch >= 0 => Exc::AssertionError,
            QueryError::Epoch { .. } => Exc::IndexError,
            QueryError::Mode(_) | QueryError::NoBest(NoBest::Empty) => Exc::ValueError,
            QueryError::NoBest(_) | QueryError::NoRanking(NoRanking::Incomparable) => {
                Exc::TypeError
            }
            // The class depends on the failing arch: callers that can find it do (see
            // `get_best_archs`); otherwise `max()` of an empty list is the likelier.
            QueryError::NoRanking(_) => Exc::ValueError,
            _ => Exc::FormatError,
        };
        ApiError { exc, message: one_line(&e.to_string()), query: Some(e), key: None }
    }

    /// The same failure as another class (where the official class reaches the same
    /// condition through another check, e.g. `arch2index`'s `list.index`).
    pub fn with_exc(mut self, exc: Exc) -> ApiError {
        self.exc = exc;
        self
    }

    /// The same failure, raised by the lookup of argument `param` (see [`ApiError::key`]).
    pub(crate) fn with_key(mut self, param: &'static str) -> ApiError {
        self.key = Some(param);
        self
    }

    /// For a [`Exc::KeyError`] of a dict lookup by an argument, that argument's parameter name
    /// (`"arch"`, `"task"`). Python's `str(KeyError(k))` is `repr(k)`, which the message
    /// holds; a binding that raises a real `KeyError` should raise it with the argument object
    /// itself (so that `e.args[0]` and `str(e)` are the official class's), not the message.
    pub fn key(&self) -> Option<&'static str> {
        self.key
    }

    /// The exception class.
    pub fn exc(&self) -> Exc {
        self.exc
    }

    /// The one-line message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.query.as_ref().map(|q| q as &(dyn std::error::Error + 'static))
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> Self {
        ApiError::query(e)
    }
}

/// Why a call has no answer: Python raises, or the event sink failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallError<E> {
    /// The official class raises.
    Api(ApiError),
    /// The event sink failed.
    Sink(E),
}

impl<E> CallError<E> {
    /// The exception class, when Python raises.
    pub fn exc(&self) -> Option<Exc> {
        match self {
            CallError::Api(a) => Some(a.exc()),
            CallError::Sink(_) => None,
        }
    }
}

impl<E: fmt::Display> fmt::Display for CallError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Api(a) => write!(f, "{a}"),
            CallError::Sink(e) => write!(f, "{e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for CallError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CallError::Api(a) => Some(a),
            CallError::Sink(e) => Some(e),
        }
    }
}

impl<E> From<ApiError> for CallError<E> {
    fn from(e: ApiError) -> Self {
        CallError::Api(e)
    }
}

impl<E> From<QueryError> for CallError<E> {
    fn from(e: QueryError) -> Self {
        CallError::Api(ApiError::query(e))
    }
}

impl<E> From<crate::walk::WalkError<E>> for CallError<E> {
    fn from(e: crate::walk::WalkError<E>) -> Self {
        match e {
            crate::walk::WalkError::Sink(e) => CallError::Sink(e),
            crate::walk::WalkError::Query(q) => CallError::Api(ApiError::query(q)),
        }
    }
}
