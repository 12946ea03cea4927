//! Framing errors: what is wrong, in which record, at which byte, as one line.

use std::fmt;

/// What is wrong with a record.
#[derive(Debug)]
#[non_exhaustive]
pub enum Problem {
    /// The length field's masked CRC-32C does not match: the length cannot be trusted.
    LengthCrc {
        /// The CRC in the file.
        stored: u32,
        /// The CRC of the length bytes.
        computed: u32,
    },
    /// The data's masked CRC-32C does not match.
    DataCrc {
        /// The CRC in the file.
        stored: u32,
        /// The CRC of the data.
        computed: u32,
    },
    /// The stated length is over [`crate::MAX_RECORD_LEN`] (its CRC matched).
    TooLong {
        /// The stated length.
        len: u64,
    },
    /// The file ends inside the 12-byte length header.
    TruncatedLength {
        /// Header bytes present.
        have: u64,
    },
    /// The file ends inside the data.
    TruncatedData {
        /// Data bytes present.
        have: u64,
        /// The stated length.
        len: u64,
    },
    /// The file ends inside the data's 4-byte CRC.
    TruncatedCrc {
        /// CRC bytes present.
        have: u64,
    },
    /// Reading failed.
    Io(std::io::Error),
}

/// A framing error: the record's index, the offset of its length field, and the problem.
#[derive(Debug)]
pub struct Error {
    /// Index of the record, from 0.
    pub index: u64,
    /// Byte offset of the record's length field.
    pub offset: u64,
    /// What is wrong.
    pub problem: Problem,
}

impl Error {
    pub(crate) fn new(index: u64, offset: u64, problem: Problem) -> Error {
        Error { index, offset, problem }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "record {} at byte {}: {}", self.index, self.offset, self.problem)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::LengthCrc { stored, computed } => write!(
                f,
                "length CRC-32C mismatch (stored 0x{stored:08x}, computed 0x{computed:08x}): \
                 not a TFRecord file, or corrupted"
            ),
            Problem::DataCrc { stored, computed } => write!(
                f,
                "data CRC-32C mismatch (stored 0x{stored:08x}, computed 0x{computed:08x}): \
                 corrupted"
            ),
            Problem::TooLong { len } => write!(
                f,
                "length {len} is over the limit of {} bytes per record",
                crate::MAX_RECORD_LEN
            ),
            Problem::TruncatedLength { have } => {
                write!(f, "truncated: the file ends {have} bytes into the 12-byte length header")
            }
            Problem::TruncatedData { have, len } => {
                write!(f, "truncated: the file ends {have} bytes into {len} bytes of data")
            }
            Problem::TruncatedCrc { have } => {
                write!(f, "truncated: the file ends {have} bytes into the 4-byte data CRC")
            }
            Problem::Io(e) => write!(f, "read error: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.problem {
            Problem::Io(e) => Some(e),
            _ => None,
        }
    }
}
