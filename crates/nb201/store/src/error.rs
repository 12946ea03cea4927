//! Errors of opening an archive and of reading it.

use std::fmt;

use tnb_schema::header::HeaderError;

/// Why an archive could not be opened. One line.
#[derive(Debug)]
#[non_exhaustive]
pub enum OpenError {
    /// Reading or mapping the file failed.
    Io {
        /// The file.
        path: String,
        /// The OS error.
        error: std::io::Error,
    },
    /// The header is not that of an NB201 archive this build reads.
    Header(HeaderError),
    /// The payload failed validation (corrupted or crafted archive).
    Invalid(String),
    /// The bytes given to `from_bytes` are not 16-byte aligned.
    Unaligned,
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Io { path, error } => write!(f, "cannot read {path}: {error}"),
            OpenError::Header(e) => write!(f, "{e}"),
            OpenError::Invalid(m) => write!(f, "corrupted tnb archive: {m}"),
            OpenError::Unaligned => write!(
                f,
                "archive bytes must start at a 16-byte aligned address (use Archive::open, or an \
                 rkyv AlignedVec)"
            ),
        }
    }
}

impl std::error::Error for OpenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OpenError::Io { error, .. } => Some(error),
            OpenError::Header(e) => Some(e),
            OpenError::Invalid(_) | OpenError::Unaligned => None,
        }
    }
}

impl From<HeaderError> for OpenError {
    fn from(e: HeaderError) -> Self {
        OpenError::Header(e)
    }
}

/// A read that found the archive inconsistent (only a crafted or corrupted archive that passed
/// the open checks gets here: open checks table lengths, every index is checked where used).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Corrupt(pub &'static str);

impl fmt::Display for Corrupt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "corrupted tnb archive: {}", self.0)
    }
}

impl std::error::Error for Corrupt {}
