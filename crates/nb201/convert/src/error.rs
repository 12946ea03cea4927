//! Conversion errors: what is wrong and where, as one line.

use std::fmt;

/// Why a conversion failed. Nothing is written when it does.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading the source failed.
    Source(String),
    /// The object is not laid out like NAS-Bench-201 (or holds something the archive does not
    /// model).
    Layout {
        /// Object path, e.g. `arch2infos[123]['full']['all_results'][('cifar10', 777)]['train_times']`.
        path: String,
        /// What is wrong there.
        problem: String,
    },
    /// The archive would exceed a format limit.
    TooLarge(String),
    /// The archive written does not pass the reader's own checks; it was removed, never
    /// renamed into place.
    Unreadable(String),
    /// The destination cannot be written: it is the source itself, or not a regular file.
    Destination(String),
    /// Reading or writing a file failed.
    Io {
        /// What was being done.
        what: String,
        /// The OS error.
        error: std::io::Error,
    },
}

impl Error {
    pub(crate) fn at(path: impl fmt::Display, problem: impl Into<String>) -> Error {
        Error::Layout { path: path.to_string(), problem: problem.into() }
    }

    pub(crate) fn io(what: impl Into<String>, error: std::io::Error) -> Error {
        Error::Io { what: what.into(), error }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Source(m) => f.write_str(m),
            Error::Layout { path, problem } if path.is_empty() => {
                write!(f, "not a NAS-Bench-201 file: {problem}")
            }
            Error::Layout { path, problem } => {
                write!(f, "not a NAS-Bench-201 file: {path}: {problem}")
            }
            Error::TooLarge(m) => write!(f, "too large for the archive format: {m}"),
            Error::Unreadable(m) => write!(f, "the written archive does not open: {m}"),
            Error::Destination(m) => f.write_str(m),
            Error::Io { what, error } => write!(f, "{what}: {error}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl From<tnb_pth::Error> for Error {
    fn from(e: tnb_pth::Error) -> Self {
        Error::Source(e.to_string())
    }
}
