//! Conversion errors: what is wrong and where, as one line.

use std::fmt;

/// Why a conversion (or a comparison with a source) failed. Nothing is written when it does.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConvertError {
    /// A record is damaged (framing, CRC, truncation), cannot be decoded, or cannot go in an
    /// archive.
    Record {
        /// The source (a path, or `<memory>`).
        file: String,
        /// Index of the record, from 0.
        index: u64,
        /// Byte offset of the record's length field.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// The source is not a TFRecord file at all (its first bytes are not a record header).
    NotTfrecord(String),
    /// Building or writing the archive failed (a format limit, the written file refused by the
    /// reader, an unwritable destination).
    Build(String),
    /// Reading or writing a file failed.
    Io {
        /// What was being done.
        what: String,
        /// The OS error.
        error: std::io::Error,
    },
}

impl ConvertError {
    pub(crate) fn io(what: impl Into<String>, error: std::io::Error) -> ConvertError {
        ConvertError::Io { what: what.into(), error }
    }
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConvertError::Record { file, index, offset, reason } => {
                write!(f, "{file}: record {index} at byte {offset}: {reason}")
            }
            ConvertError::NotTfrecord(file) => write!(
                f,
                "{file}: not a TFRecord file (its first 12 bytes are not a record length with \
                 its CRC-32C)"
            ),
            ConvertError::Build(m) => f.write_str(m),
            ConvertError::Io { what, error } => write!(f, "{what}: {error}"),
        }
    }
}

impl std::error::Error for ConvertError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConvertError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}
