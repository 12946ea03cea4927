//! A pickle reader that builds an arena of plain values and never executes anything.
//!
//! Python's `pickle` format is a little stack machine whose opcodes can import and call any
//! function; `torch.load` inherits that. This crate runs the machine with every such opcode routed
//! to the caller's [`Hooks`]: a name that is not on the caller's allowlist is an error naming it
//! and its byte offset, and allowed ones are "called" by Rust code that builds plain values.
//!
//! The result is an [`Arena`] of values reached through four-byte [`Ref`]s:
//! - protocols 0 to 5 as CPython's C unpickler (`_pickle.c`, which `torch.load` uses) reads
//!   them (None, bool, int, float, str, bytes, tuple, list, dict, set, frozenset, the memo,
//!   marks, batched `SETITEMS`/`APPENDS`, frames): each opcode gives CPython's value or an error
//!   where CPython raises, protocol-0 text included (`I010` is 8, `-nan` keeps its sign, see
//!   `text.rs`), and Python 2 module names are renamed only below protocol 3; a few values
//!   CPython makes are refused instead (lone surrogates, `bytearray`, out-of-band buffers);
//! - dict order kept; a key set twice keeps its first position and takes the last value; keys that
//!   Python would merge (`1`, `1.0`, `True`) are merged;
//! - shared objects stay shared (one value, many references), and cycles are refused;
//! - floats bit-exact (a `BINFLOAT` is read in place from the input, never converted); ints beyond
//!   64 bits are kept as [`Value::BigInt`] so that consumers can refuse them naming the object
//!   path (tnb's consumers do);
//! - strings borrowed from the input where possible (zero-copy), and a list of floats written
//!   back to back kept as one run of the input (no per-float memory at all; see [`Children`]);
//! - every size bounded by [`Limits`], counted before anything grows (the stack, the marks and
//!   the references containers hold too); a hostile memo id allocates nothing, and a failed
//!   allocation is an error ([`ErrorKind::OutOfMemory`]), never an abort.
//!
//! ```
//! use tnb_pickle::{parse, Limits, PlainData, Value};
//! // pickle.dumps([x, x, 'abc'], protocol=2) with x = ['abc']: x is shared, not copied.
//! let p = parse(b"\x80\x02]q\x00(]q\x01X\x03\x00\x00\x00abcq\x02ah\x01h\x02e.", &mut PlainData, &Limits::default())?;
//! let items = p.arena.children(p.root);
//! assert_eq!(items.get(0), items.get(1));
//! assert_eq!(p.arena.get(items.get(2).unwrap()), Value::Str("abc"));
//! # Ok::<(), tnb_pickle::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod arena;
mod check;
mod compat;
mod error;
mod grow;
mod hooks;
mod keys;
pub mod limits;
mod memo;
mod ops;
mod parse;
mod scan;
pub mod stream;
mod text;
mod value;

pub use arena::Arena;
pub use error::{Error, ErrorKind};
pub use hooks::{Hooks, PlainData};
pub use limits::Limits;
pub use parse::{Pickle, parse};
pub use scan::pickle_end;
pub use value::{ChildIter, Children, Dtype, Kind, Number, Ref, Scalar, Value, big_int_text};
#[cfg(test)]
mod tests;
