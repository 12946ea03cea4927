//! What every family's store opens: the bytes of an archive ([`Buffer`]) and why opening
//! failed ([`OpenError`]), one definition so that the families' readers and their callers (the
//! CLI, the Python package) report a failed open the same way.

use std::fmt;
use std::path::Path;

use rkyv::util::AlignedVec;
use tnb_schema::header::HeaderError;

use crate::map::Mmap;

/// The bytes a store reads: an aligned copy of the file, or a map of it.
#[derive(Debug)]
pub enum Buffer {
    /// The file read into memory.
    Aligned(AlignedVec),
    /// The file mapped ([`crate::map::map`]), or read into an anonymous map.
    Map(Mmap),
}

impl AsRef<[u8]> for Buffer {
    // Every query starts here: inlined into callers in other crates.
    #[inline]
    fn as_ref(&self) -> &[u8] {
        match self {
            Buffer::Aligned(v) => v.as_slice(),
            Buffer::Map(m) => m,
        }
    }
}

/// Why an archive could not be opened. One line; says what to do where there is a remedy.
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
    /// The header is not that of an archive this reader reads (another family, version or
    /// schema).
    Header(HeaderError),
    /// The payload failed validation (corrupted or crafted archive).
    Invalid(String),
    /// The bytes given to `from_bytes` are not 16-byte aligned.
    Unaligned,
}

impl OpenError {
    /// An I/O failure on `path`.
    pub fn io(path: &Path, error: std::io::Error) -> OpenError {
        OpenError::Io { path: path.display().to_string(), error }
    }
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Io { path, error } => write!(f, "cannot read {path}: {error}"),
            OpenError::Header(e) => write!(f, "{e}"),
            OpenError::Invalid(m) => write!(f, "corrupted tnb archive: {m}"),
            OpenError::Unaligned => write!(
                f,
                "archive bytes must start at a 16-byte aligned address (use the store's open, or \
                 an rkyv AlignedVec)"
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
