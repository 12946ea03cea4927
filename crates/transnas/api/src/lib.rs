//! The official Python API (`TransNASBenchAPI`) by name, over a [`tnb_store::Store`]: what
//! `tnb batch` serves and what the Python package `tnb` stands on.
//!
//! - [`call`] answers `getattr(api, method)(*args, **kwargs)`: arguments bound with Python's
//!   rules ([`Arg`], [`METHODS`]), checks made in the official class's order, every failure
//!   classified as the exception class the official class raises ([`Exc`], [`ApiError`]), and
//!   the return value as [`Event`]s.
//! - [`walk`] renders archives, objects and answers as [`Event`]s, the one vocabulary in which
//!   every walk of a Python object is told (the reader's `.pth` walk speaks it too, so a dump
//!   and `tnb verify --source` have one JSON writer and one comparison).
//! - [`write_json`] and [`object_json`] print them as `json.dumps` does.
//!
//! `tnb-store` answers typed queries and knows nothing of Python's argument rules, exception
//! classes or rendering: a Rust program that needs nanosecond lookups links it alone.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod args;
mod call;
mod exc;
mod json;
pub mod walk;

pub use args::METHODS;
pub use call::call;
pub use exc::{ApiError, CallError, Exc};
pub use json::{object_json, write_json};
pub use tnb_pycall::{
    Arg, MAX_MESSAGE, MAX_QUOTED, Shown, Signature, one_line, py_repr_float, py_repr_str, short,
};
pub use tnb_pyjson::{BYTES_NOT_JSON, Event, JsonSink, JsonSinkError, Seq};
pub use walk::{ArchEntry, WalkError, Walker, document};
