//! Conversion errors: what is wrong and where, as one line.

use std::fmt;

/// Why a conversion failed. Nothing is written when it does.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading the source failed (zip, pickle, allowlist…).
    Source(tnb_pth::Error),
    /// The object is not laid out like TransNAS-Bench-101.
    Layout {
        /// Object path, e.g. `data/micro/64-41414-0_00_000/jigsaw/metrics/valid_top1`.
        path: String,
        /// What is wrong there.
        problem: String,
    },
    /// The archive would exceed a format limit.
    TooLarge(String),
    /// Hashing the source (SHA-256, on a second thread while the pickle is parsed) failed: the
    /// thread panicked, with this message. The archive's provenance would be wrong, so nothing is
    /// written.
    Hash(String),
    /// The archive written does not pass the reader's own checks (a source the format cannot
    /// represent); it was removed, never renamed into place.
    Unreadable(String),
    /// The destination cannot be written: it is the source itself, or not a regular file.
    Destination(String),
    /// Reading or writing a file failed.
    Io {
        /// What was being done.
        what: String,
        /// The file the operating system failed on, where there is one (what Python's
        /// `OSError.filename` shows).
        path: Option<std::path::PathBuf>,
        /// The OS error.
        error: std::io::Error,
    },
}

impl Error {
    pub(crate) fn at(path: impl fmt::Display, problem: impl Into<String>) -> Error {
        Error::Layout { path: path.to_string(), problem: problem.into() }
    }

    pub(crate) fn io(what: impl Into<String>, error: std::io::Error) -> Error {
        Error::Io { what: what.into(), path: None, error }
    }

    /// [`Error::io`] naming the file the operating system failed on.
    pub(crate) fn io_at(
        what: impl Into<String>,
        path: &std::path::Path,
        error: std::io::Error,
    ) -> Error {
        Error::Io { what: what.into(), path: Some(path.to_path_buf()), error }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Source(e) => write!(f, "{e}"),
            Error::Layout { path, problem } if path.is_empty() => write!(f, "top level: {problem}"),
            Error::Layout { path, problem } => write!(f, "{path}: {problem}"),
            Error::TooLarge(m) => write!(f, "too large for a .tnb archive: {m}"),
            Error::Hash(m) => write!(f, "hashing the source failed: {m}"),
            Error::Unreadable(m) => {
                write!(f, "the archive written does not open, so it was not kept: {m}")
            }
            Error::Destination(m) => write!(f, "{m}"),
            Error::Io { what, error, .. } => write!(f, "{what}: {error}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Source(e) => Some(e),
            Error::Io { error, .. } => Some(error),
            Error::Layout { .. }
            | Error::TooLarge(_)
            | Error::Hash(_)
            | Error::Unreadable(_)
            | Error::Destination(_) => None,
        }
    }
}

impl From<tnb_pth::Error> for Error {
    fn from(e: tnb_pth::Error) -> Self {
        Error::Source(e)
    }
}
