//! Architecture strings of [TransNAS-Bench-101]: parse, validate, format, enumerate in
//! benchmark-file order, describe, and find search neighbours.
//!
//! The benchmark has two search spaces, 7352 architectures in all:
//!
//! - **macro** (3256, global indices 0-3255), e.g. `64-1234-basic`: base channels 64, a
//!   skeleton of 4-6 [`Module`] digits of which 1-4 halve the resolution (3, 4) and 1-3
//!   double the channels (2, 4), and the ResNet `basic` cell;
//! - **micro** (4096, indices 3256-7351), e.g. `64-41414-1_02_333`: base channels 64, the
//!   fixed skeleton `41414`, and a 4-node cell with one [`Op`] digit 0-3 per edge
//!   (`a`: node0→node1; `b`, `c`: node0, node1→node2; `d`, `e`, `f`: node0-2→node3).
//!
//! [`Arch::parse`] accepts any grammatical string; [`Arch::space`] says whether it is one of
//! the benchmark's. Enumeration ([`all_archs`], [`macro_archs`], [`micro_archs`]) and
//! [`Arch::rank`] / [`Arch::unrank`] follow the order of the benchmark file.
//!
//! ```
//! use tnb_arch::{Arch, Space, TOTAL, all_archs};
//!
//! let arch: Arch = "64-41414-1_02_333".parse()?;
//! assert_eq!(arch.space(), Some(Space::Micro));
//! assert_eq!(arch.to_string(), "64-41414-1_02_333");
//! // Micro ranks count in base 4 over the ops (two bits per digit: 1 0 2 3 3 3).
//! let index = 3256 + 0b01_00_10_11_11_11;
//! assert_eq!(arch.rank(), Some(index));
//! assert_eq!(Arch::unrank(index), Some(arch));
//! assert_eq!(arch.neighbours().len(), 18);
//! assert!(arch.describe().to_string().contains("node1: Skip-Connect( node0 )"));
//!
//! assert_eq!(all_archs().len(), TOTAL);
//! assert_eq!(Arch::unrank(0).unwrap().to_string(), "64-4111-basic");
//!
//! let err = Arch::parse("64-1235-basic").unwrap_err();
//! assert_eq!(err.to_string(), "expected skeleton module digit 1-4 or '-' at byte 6, found '5'");
//! # Ok::<(), tnb_arch::ParseError>(())
//! ```
//!
//! [TransNAS-Bench-101]: https://github.com/yawen-d/TransNASBench

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod arch;
mod describe;
mod neighbours;
mod parse;
mod space;

pub use arch::{Arch, BASE_CHANNELS, Cell, MAX_MODULES, MICRO_EDGES, Module, Op, Skeleton};
pub use describe::Description;
pub use parse::ParseError;
pub use space::{
    Archs, MACRO_COUNT, MICRO_COUNT, ParseSpaceError, Space, TOTAL, all_archs, macro_archs,
    micro_archs,
};
