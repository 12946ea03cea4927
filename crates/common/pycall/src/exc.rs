//! The Python exception classes an API call can raise.

use std::fmt;

/// The exception class an official benchmark API raises for a failure (or tnb's own
/// [`Exc::FormatError`] for a corrupted archive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Exc {
    /// An `assert` of the official class failed.
    AssertionError,
    /// A dict lookup failed.
    KeyError,
    /// `list.index` found nothing, `max()` of an empty list, a value the class rejects.
    ValueError,
    /// A list index out of range.
    IndexError,
    /// An argument of the wrong type, a call that does not bind, values Python cannot compare.
    TypeError,
    /// No such method.
    AttributeError,
    /// A name the official code uses is not defined (upstream bugs, e.g. NAS-Bench-201's
    /// `ArchResults.show`).
    NameError,
    /// A division by zero (an average over no values with Python's `/`).
    ZeroDivisionError,
    /// `next()` of an empty iterator escaping a method.
    StopIteration,
    /// The archive is corrupted or is not a benchmark (tnb's own `tnb.FormatError`, a
    /// `ValueError` subclass in the Python package).
    FormatError,
}

impl Exc {
    /// The class's Python name (`"KeyError"`; `"FormatError"` for [`Exc::FormatError`]).
    pub fn name(self) -> &'static str {
        match self {
            Exc::AssertionError => "AssertionError",
            Exc::KeyError => "KeyError",
            Exc::ValueError => "ValueError",
            Exc::IndexError => "IndexError",
            Exc::TypeError => "TypeError",
            Exc::AttributeError => "AttributeError",
            Exc::NameError => "NameError",
            Exc::ZeroDivisionError => "ZeroDivisionError",
            Exc::StopIteration => "StopIteration",
            Exc::FormatError => "FormatError",
        }
    }
}

impl fmt::Display for Exc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
