//! Archive files on disk, for every benchmark family:
//! - [`map`]: mapping an archive read-only (the workspace's one `unsafe` file mapping, with its
//!   contract stated once);
//! - [`replace`]: writing an archive so that it replaces the destination atomically (a
//!   temporary file of its own, synced, checked by the reader, renamed). A mapped file is only
//!   safe to read while nobody modifies it; tnb's writers never modify an archive in place, they
//!   replace it, which leaves existing maps reading the old file.
// `deny`, not `forbid`: `map` opts back in for the one call that needs it.
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod map;
pub mod open;
pub mod replace;
