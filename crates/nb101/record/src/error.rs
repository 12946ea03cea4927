//! Why a record is refused, as one line.

use std::fmt;

/// Why [`crate::decode`] refused a record. Each says what the official loader would have done
/// differently (or that it would have failed too).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordError {
    /// The record is not UTF-8 (`serialized_row.decode('utf-8')` fails).
    Utf8 {
        /// Bytes of valid UTF-8 before the first invalid sequence.
        at: usize,
    },
    /// The JSON is invalid or not a list `[str, int, str, str, str]`.
    Json {
        /// Byte offset in the record.
        at: usize,
        /// What is wrong.
        problem: String,
    },
    /// `module_hash` is not 32 lowercase hex digits (the value, shortened).
    Hash(String),
    /// `raw_adjacency` is not `n*n` characters `'0'`/`'1'` with `n <= 7`.
    Adjacency(String),
    /// `raw_metrics` is not strict standard base64.
    Base64 {
        /// Character offset in `raw_metrics`.
        at: usize,
        /// What is wrong.
        problem: &'static str,
    },
    /// The `ModelMetrics` protobuf is malformed or uses what this decoder refuses.
    Protobuf {
        /// Byte offset in the decoded protobuf.
        at: usize,
        /// What is wrong.
        problem: String,
    },
    /// Fewer than 3 `evaluation_data` (the official loader raises `IndexError`).
    Evaluations(usize),
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::Utf8 { at } => write!(f, "not UTF-8 (invalid bytes at byte {at})"),
            RecordError::Json { at, problem } => write!(f, "JSON at byte {at}: {problem}"),
            RecordError::Hash(h) => {
                write!(f, "module_hash {h} is not 32 lowercase hexadecimal digits")
            }
            RecordError::Adjacency(m) => write!(f, "raw_adjacency: {m}"),
            RecordError::Base64 { at, problem } => {
                write!(f, "raw_metrics is not strict base64 at character {at}: {problem}")
            }
            RecordError::Protobuf { at, problem } => {
                write!(f, "ModelMetrics protobuf at byte {at}: {problem}")
            }
            RecordError::Evaluations(n) => write!(
                f,
                "ModelMetrics has {n} evaluation_data, fewer than 3 (the official loader raises \
                 IndexError)"
            ),
        }
    }
}

impl std::error::Error for RecordError {}
