//! JSON text exactly as Python's `json.dumps` writes it with its default settings, and the
//! [`Event`] vocabulary in which every walk of a Python object (a pickle's, an archive's) is
//! told, with [`JsonSink`] turning events into that text.
//!
//! tnb promises that `tnb dump` and `tnb batch` print what Python would print for the same object,
//! byte for byte, so that a script can switch from the official Python API without noticing. The
//! parts of `json.dumps` that differ from most Rust JSON writers are:
//!
//! * floats use Python's `repr`: the shortest digits that read back as the same double, in fixed
//!   notation when the decimal exponent is in `-4..16` and `1e+16` style otherwise, always with a
//!   `.0` when integral, and the non-standard tokens `NaN`, `Infinity`, `-Infinity`;
//! * `ensure_ascii=True`: everything outside printable ASCII is written as `\uXXXX` (lowercase hex,
//!   surrogate pairs above the BMP);
//! * separators `", "` and `": "`;
//! * dict keys that are not strings are turned into strings (`1` → `"1"`, `True` → `"true"`).
//!
//! ```
//! let mut out = Vec::new();
//! let mut w = tnb_pyjson::Writer::new(&mut out);
//! w.begin_object()?;
//! w.key_str("valid_top1")?;
//! w.float(46.0)?;
//! w.key_str("é")?;
//! w.float(1e-5)?;
//! w.end_object()?;
//! assert_eq!(out, br#"{"valid_top1": 46.0, "\u00e9": 1e-05}"#);
//! # Ok::<(), std::io::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod event;
mod float;
mod sink;
mod string;
mod writer;

pub use event::{Event, Seq};
pub use float::{float_repr, write_float};
pub use sink::{BYTES_NOT_JSON, JsonSink, JsonSinkError, KEY_NOT_JSON};
pub use string::write_str;
pub use writer::Writer;
