//! `tnb verify --source`: checks that an archive holds exactly its source's object.
//!
//! This sits above both the reader (`tnb-pth`) and the archive's renderer (`tnb-api`), so that
//! neither the writer (`tnb-convert`) nor the reader of archives (`tnb-store`) depends on the
//! other: the two walks meet here, in the one [`Event`](tnb_api::Event) vocabulary, and are
//! compared event by event. The walk reads only part of what queries answer from, so
//! [`compare_rebuilt`] then compares every field of the payload with the payload the converter
//! builds from the source; [`verify_source`] runs both. When it passes, every method of the
//! official API, for every argument the source defines, answers from the archive exactly as
//! from a fresh conversion of the source (`tests/forge.rs` holds it to that: forged archives
//! that answer any call differently never pass). It also holds [`opens`], the reader's
//! acceptance check that the converter runs on what it wrote before keeping it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod compare;
mod opens;
mod rebuilt;

pub use compare::{Mismatch, compare, compare_rebuilt, compare_with_rebuild, verify_source};
pub use opens::opens;
