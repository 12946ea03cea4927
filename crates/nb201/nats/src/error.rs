//! [`Error`]: why a NATS-Bench source cannot be read or converted, in one line naming the file.

use std::fmt;

/// Why a NATS-Bench source cannot be read or converted.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The source is not a NATS-Bench folder or file (message says why).
    NotNats(String),
    /// A file of the source is damaged or holds what NATS-Bench files do not (its name, why).
    File {
        /// The file's path.
        file: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The converter refused the data or could not write the archive.
    Convert(tnb_nb201_convert::Error),
    /// Reading or decoding a file failed (the message names it).
    Read(String),
    /// Reading the source failed.
    Io {
        /// What was being done.
        what: String,
        /// The error.
        error: std::io::Error,
    },
}

impl Error {
    pub(crate) fn file(file: &str, problem: impl Into<String>) -> Error {
        Error::File { file: file.to_owned(), problem: problem.into() }
    }

    pub(crate) fn io(what: impl Into<String>, error: std::io::Error) -> Error {
        Error::Io { what: what.into(), error }
    }

    /// A bz2 error of `file` (its own name dropped: it is the same file).
    pub(crate) fn bz2(file: &str, e: tnb_bz2::Error) -> Error {
        Error::file(file, e.kind.to_string())
    }

    /// A pickle error of `file`, with NATS-Bench's words for the globals it refuses.
    pub(crate) fn pickle(file: &str, e: tnb_pickle::Error) -> Error {
        if let tnb_pickle::ErrorKind::Forbidden { module, name } = &e.kind {
            let at = e.offset.map(|o| format!("byte {o}: ")).unwrap_or_default();
            let why = if module.starts_with("torch") {
                "torch tensors (trained weights) are in the NATS-Bench '-full' archives, which tnb \
                 does not read; use the '-simple' folder or the benchmark file"
            } else {
                "NATS-Bench files need only collections.OrderedDict and numpy's scalar and dtype"
            };
            return Error::file(
                file,
                format!("{at}global '{module}.{name}' is not allowed ({why})"),
            );
        }
        Error::file(file, format!("pickle: {e}"))
    }

    /// A tnb-pth streaming error (its messages name the source already).
    pub(crate) fn pth(e: tnb_pth::Error) -> Error {
        match e {
            tnb_pth::Error::Pickle { part, error } => Error::pickle(&part, error),
            tnb_pth::Error::Io(m) => Error::Read(m),
            other => Error::NotNats(other.to_string()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotNats(m) => write!(f, "not NATS-Bench: {m}"),
            Error::File { file, problem } => write!(f, "{file}: {problem}"),
            Error::Convert(e) => write!(f, "{e}"),
            Error::Read(m) => f.write_str(m),
            Error::Io { what, error } => write!(f, "{what}: {error}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Convert(e) => Some(e),
            Error::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl From<tnb_nb201_convert::Error> for Error {
    fn from(e: tnb_nb201_convert::Error) -> Error {
        Error::Convert(e)
    }
}
