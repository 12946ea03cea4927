//! Failures as the official code raises them: [`ApiError`].

use std::fmt;

use tnb_pycall::{Exc, one_line};

/// The class of an exception the official class raises: its own `OutOfDomainError`
/// (`nasbench.api.OutOfDomainError`, an `Exception` subclass), or a built-in one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    /// `nasbench.api.OutOfDomainError`: epochs or a spec outside the space.
    OutOfDomain,
    /// A built-in exception (`KeyError`, `IndexError`, `TypeError`...), or tnb's `FormatError`.
    Py(Exc),
}

impl Class {
    /// The class's Python name.
    pub fn name(self) -> &'static str {
        match self {
            Class::OutOfDomain => "OutOfDomainError",
            Class::Py(e) => e.name(),
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a call raises: the exception class and its one-line message (`str(e)`; for a
/// `KeyError`, the key's `repr`, as Python's `str()` of a `KeyError` is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    class: Class,
    message: String,
}

impl ApiError {
    /// A failure of class `class` with `message` (made one line).
    pub fn new(class: Class, message: impl AsRef<str>) -> ApiError {
        ApiError { class, message: one_line(message.as_ref()) }
    }

    /// A built-in exception `exc` with `message`.
    pub fn py(exc: Exc, message: impl AsRef<str>) -> ApiError {
        ApiError::new(Class::Py(exc), message)
    }

    /// `OutOfDomainError(message)`.
    pub fn out_of_domain(message: impl AsRef<str>) -> ApiError {
        ApiError::new(Class::OutOfDomain, message)
    }

    /// `KeyError(key)` where `repr` is the key's `repr()`.
    pub fn key(repr: impl AsRef<str>) -> ApiError {
        ApiError::py(Exc::KeyError, repr)
    }

    /// The exception class.
    pub fn class(&self) -> Class {
        self.class
    }

    /// The message (`str(e)`).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.class, self.message)
    }
}

impl std::error::Error for ApiError {}
