//! Errors of the container layer.

use std::fmt;

/// Why a file could not be read. Displays as one line naming the part of the file at fault.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The zip structure is broken or not torch's (message says how).
    Zip(String),
    /// A zip record torch needs is missing, compressed, outside the file or corrupted.
    Record {
        /// The record's name in the zip.
        name: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The legacy format's framing is broken (message says how).
    Legacy(String),
    /// torch would open the file as a tar archive (its format before 2017), which tnb does not
    /// read (message says why it is one).
    Tar(String),
    /// The file could not be opened or read (the streaming reader opens files itself).
    Io(String),
    /// A pickle inside the file failed to parse.
    Pickle {
        /// Which pickle: `data.pkl`, or the legacy format's part name.
        part: String,
        /// The reader's error, with the byte offset inside that pickle.
        error: tnb_pickle::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Zip(m) => write!(f, "zip: {m}"),
            Error::Record { name, problem } => write!(f, "zip record '{name}': {problem}"),
            Error::Legacy(m) => write!(f, "legacy torch file: {m}"),
            Error::Tar(m) => write!(f, "tar: {m}"),
            Error::Io(m) => f.write_str(m),
            Error::Pickle { part, error } => write!(f, "{part}: {error}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Pickle { error, .. } => Some(error),
            Error::Zip(_)
            | Error::Record { .. }
            | Error::Legacy(_)
            | Error::Tar(_)
            | Error::Io(_) => None,
        }
    }
}
