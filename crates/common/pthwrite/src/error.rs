//! Why writing failed.

use std::fmt;
use std::io;

/// Why a pickle or torch file could not be written. Displays as one line.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The output could not be written.
    Io(io::Error),
    /// The writer was driven in a way that cannot produce a valid pickle (an item count that
    /// differs from the one declared, a container left open, a memo id from another pickle...).
    /// This is a bug in the caller; the message says what and where.
    Misuse(String),
    /// A size, count or name the format cannot hold (a string of 4 GiB or more, a record name
    /// longer than 65535 bytes, more than 2^32 memo entries...).
    Unrepresentable(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "write error: {e}"),
            Error::Misuse(m) => write!(f, "pickle writer misuse: {m}"),
            Error::Unrepresentable(m) => write!(f, "cannot be represented: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}
