//! The one error type of the reader: what went wrong and at which byte.

use std::fmt;

/// A parse failure. Displays as one lowercase line starting with the byte offset (relative to the
/// start of the pickle) when there is one; callers prefix which pickle it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Offset of the opcode that failed, if the failure belongs to one opcode.
    pub offset: Option<u64>,
    /// What went wrong.
    pub kind: ErrorKind,
}

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended inside an opcode or before `STOP`.
    Truncated {
        /// Name of the opcode being read, or `"STOP"` when the input ended between opcodes.
        opcode: &'static str,
    },
    /// A byte that is not a pickle opcode.
    UnknownOpcode(u8),
    /// An opcode this reader deliberately does not support (extension registry, out-of-band
    /// buffers).
    Unsupported {
        /// The opcode's name.
        opcode: &'static str,
        /// Why it is refused.
        why: &'static str,
    },
    /// `PROTO` with a version above 5.
    Protocol(u8),
    /// An opcode needed more stack items than there were above the last mark.
    StackUnderflow {
        /// The opcode's name.
        opcode: &'static str,
    },
    /// An opcode that needs a mark found none.
    NoMark {
        /// The opcode's name.
        opcode: &'static str,
    },
    /// A memo get of an id that was never put.
    MemoMissing(u64),
    /// A `GLOBAL`/`STACK_GLOBAL`/`INST` naming something the caller did not allow.
    Forbidden {
        /// Module part of the name.
        module: String,
        /// Attribute part of the name.
        name: String,
    },
    /// Text that is not valid UTF-8 (Python would keep lone surrogates; Rust strings cannot).
    BadUtf8 {
        /// The opcode's name.
        opcode: &'static str,
    },
    /// The argument of a text opcode (protocol 0) does not parse.
    BadText {
        /// The opcode's name.
        opcode: &'static str,
    },
    /// A limit of [`crate::Limits`] was exceeded.
    Limit {
        /// Which limit, e.g. `"nesting depth"`.
        what: &'static str,
        /// Its value.
        limit: u64,
    },
    /// An opcode found a value of the wrong type on the stack.
    Type {
        /// The opcode's name.
        opcode: &'static str,
        /// What it needs.
        expected: &'static str,
        /// What it found.
        found: &'static str,
    },
    /// A dict key or set element that Python cannot hash.
    Unhashable {
        /// Its type.
        kind: &'static str,
    },
    /// A container that contains itself.
    Cycle,
    /// The caller's hook refused a value (message from the hook).
    Hook(String),
    /// An allocation failed (the machine or an address-space limit ran out before any of the
    /// [`crate::Limits`] was reached).
    OutOfMemory,
    /// The streaming reader ([`crate::stream`]) met a memo get of a container it no longer
    /// holds: one handed out with an earlier entry, or the streamed dict itself.
    Dropped(u64),
    /// The streaming reader refused the input for a reason only it has (reading failed, a
    /// structure it cannot stream, a value it has no owned form for); the message says which.
    Stream(String),
}

impl Error {
    pub(crate) fn at(offset: usize, kind: ErrorKind) -> Self {
        Error { offset: Some(offset as u64), kind }
    }

    pub(crate) fn whole(kind: ErrorKind) -> Self {
        Error { offset: None, kind }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(o) = self.offset {
            write!(f, "byte {o}: ")?;
        }
        match &self.kind {
            ErrorKind::Truncated { opcode: "STOP" } => {
                write!(f, "input ends before the STOP opcode (truncated pickle)")
            }
            ErrorKind::Truncated { opcode } => {
                write!(f, "input ends inside {opcode} (truncated pickle)")
            }
            ErrorKind::UnknownOpcode(b) => write!(f, "unknown opcode 0x{b:02x}"),
            ErrorKind::Unsupported { opcode, why } => write!(f, "{opcode} is not supported: {why}"),
            ErrorKind::Protocol(p) => {
                write!(f, "pickle protocol {p} is not supported (expected 0 to 5)")
            }
            ErrorKind::StackUnderflow { opcode } => {
                write!(f, "{opcode} needs more values than the stack holds")
            }
            ErrorKind::NoMark { opcode } => write!(f, "{opcode} without a preceding MARK"),
            ErrorKind::MemoMissing(id) => write!(f, "memo id {id} was never stored"),
            ErrorKind::Forbidden { module, name } => write!(
                f,
                "global '{}.{}' is not allowed (tnb never runs code from a pickle; \
                 only plain data, numpy scalars and tensors are read)",
                quote(module),
                quote(name)
            ),
            ErrorKind::BadUtf8 { opcode } => write!(f, "{opcode} text is not valid UTF-8"),
            ErrorKind::BadText { opcode } => write!(f, "{opcode} argument does not parse"),
            ErrorKind::Limit { what, limit } => write!(f, "{what} exceeds the limit of {limit}"),
            ErrorKind::Type { opcode, expected, found } => {
                write!(f, "{opcode} expected {expected}, found {found}")
            }
            ErrorKind::Unhashable { kind } => {
                write!(f, "unhashable {kind} used as a dict key or set element")
            }
            ErrorKind::Cycle => write!(f, "a container contains itself (reference cycle)"),
            ErrorKind::Hook(msg) => f.write_str(msg),
            ErrorKind::Dropped(id) => write!(
                f,
                "memo id {id} names a container that was already handed out or dropped \
                 (the streaming reader keeps a container only until its entry is handed out)"
            ),
            ErrorKind::Stream(m) => f.write_str(m),
            ErrorKind::OutOfMemory => {
                write!(f, "out of memory while reading the pickle (an allocation failed)")
            }
        }
    }
}

impl std::error::Error for Error {}

/// Longest piece of input quoted in a message, in characters.
const MAX_QUOTE: usize = 120;

/// A name from the input as a message quotes it: control characters escaped (they must not
/// reach a terminal), cut to [`MAX_QUOTE`] characters.
fn quote(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == MAX_QUOTE {
            out.push_str(&format!("... ({} bytes)", s.len()));
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}
