//! The Python package `tnb`: `tnb.TransNASBenchAPI`, a drop-in for TransNAS-Bench-101's official
//! `TransNASBenchAPI` that answers from a `.tnb` archive (or converts the original `.pth` in
//! memory, without executing anything from the pickle).
//!
//! The crate has two layers:
//! - a pure-Rust core, always built (and tested by `cargo test --workspace`, which needs no
//!   Python): [`open`] (telling an archive from a source by its content, mapping or converting,
//!   the archive's identity for pickling) and [`array`] (the loop behind `metric_array`);
//! - the PyO3 binding (`binding`, behind the `python` feature that maturin turns on), which
//!   answers every method of the official class through `tnb_api::call` and converts its events
//!   into Python objects.
//!
//! `unsafe` is denied here except in one private module, `map`, which holds the single call to
//! [`tnb_store::Store::open_mmap`] and states its contract.
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod array;
// The one exception to `deny(unsafe_code)`: see the module's SAFETY comment.
#[allow(unsafe_code)]
mod map;
pub mod open;

#[cfg(feature = "python")]
mod binding;
#[cfg(feature = "python")]
mod nats;
#[cfg(feature = "python")]
mod nb101;
#[cfg(feature = "python")]
mod nb201;
