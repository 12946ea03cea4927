//! [`Error`]: why a bz2 file cannot be decoded, in one line naming the file.

use std::fmt;
use std::sync::Arc;

/// Why decoding failed, and in which file.
#[derive(Debug)]
pub struct Error {
    /// The file's name, when the caller gave it.
    pub file: Option<Arc<str>>,
    /// What went wrong.
    pub kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug)]
pub enum ErrorKind {
    /// The decoded bytes pass the caller's limit (a bz2 bomb, or a file far larger than its kind).
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The input is empty.
    Empty,
    /// The input does not start with a bz2 stream's signature (`BZh1` .. `BZh9`).
    NotBz2,
    /// The input ends inside a bz2 stream.
    Truncated {
        /// Compressed bytes read when the input ended.
        at: u64,
    },
    /// The input is damaged (a block's checksum, header or Huffman tables are wrong).
    Corrupt {
        /// Compressed bytes consumed when the decoder noticed (the damage is at or before).
        at: u64,
    },
    /// The decoder could not get memory for its tables.
    OutOfMemory {
        /// Bytes asked for (0 when the decoder did not say).
        bytes: usize,
    },
    /// Reading the compressed input failed.
    Io(std::io::Error),
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error { file: None, kind }
    }

    pub(crate) fn io(e: std::io::Error) -> Error {
        Error::new(ErrorKind::Io(e))
    }

    pub(crate) fn out_of_memory(bytes: usize) -> Error {
        Error::new(ErrorKind::OutOfMemory { bytes })
    }

    /// The same error naming `file`.
    pub fn named(mut self, file: &str) -> Error {
        self.file = Some(Arc::from(file));
        self
    }

    /// The error a [`crate::Decoder`] returned through `std::io::Read` (any other I/O error
    /// becomes [`ErrorKind::Io`]).
    pub fn from_io(e: std::io::Error) -> Error {
        if !e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
            return Error::io(e);
        }
        match e.into_inner().map(|b| b.downcast::<Error>()) {
            Some(Ok(b)) => *b,
            // Not reached (checked above); kept total rather than panicking.
            Some(Err(b)) => Error::io(std::io::Error::other(b)),
            None => Error::io(std::io::Error::other("bz2 error")),
        }
    }

    /// This error as a `std::io::Error` (what [`crate::Decoder`]'s `read` returns), with a
    /// kind that says what happened: `UnexpectedEof` (truncated), `InvalidData` (not bz2,
    /// damaged, too large), `OutOfMemory`, or the original I/O error's kind.
    pub fn into_io(self) -> std::io::Error {
        let kind = match &self.kind {
            ErrorKind::Truncated { .. } => std::io::ErrorKind::UnexpectedEof,
            ErrorKind::OutOfMemory { .. } => std::io::ErrorKind::OutOfMemory,
            ErrorKind::Io(e) => e.kind(),
            _ => std::io::ErrorKind::InvalidData,
        };
        std::io::Error::new(kind, self)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::TooLarge { limit } => write!(
                f,
                "the bz2 data expands beyond {limit} bytes, the limit for this kind of file \
                 (refused: a bz2 bomb, or not a file of this kind)"
            ),
            ErrorKind::Empty => f.write_str("empty file (no bz2 data)"),
            ErrorKind::NotBz2 => f.write_str(
                "not bz2 data (a bz2 file starts with 'BZh1' to 'BZh9'; was it decompressed \
                 already?)",
            ),
            ErrorKind::Truncated { at } => write!(
                f,
                "truncated bz2 data: the input ends after {at} bytes inside a bz2 stream (an \
                 incomplete download or copy?)"
            ),
            ErrorKind::Corrupt { at } => write!(
                f,
                "corrupt bz2 data (a checksum or block header does not match, at or before \
                 compressed byte {at})"
            ),
            ErrorKind::OutOfMemory { bytes: 0 } => {
                f.write_str("out of memory while decoding bz2 data")
            }
            ErrorKind::OutOfMemory { bytes } => {
                write!(f, "out of memory while decoding bz2 data ({bytes} bytes asked)")
            }
            ErrorKind::Io(e) => write!(f, "read error: {e}"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(name) => write!(f, "{name}: {}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

impl std::error::Error for Error {}
