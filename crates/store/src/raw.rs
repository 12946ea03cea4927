//! The only `unsafe` code of tnb: mapping a file, and reading an archive that was validated.
//!
//! Everything else in the workspace is `#![forbid(unsafe_code)]`. The two operations here cannot
//! be done safely by construction, so each is wrapped in the smallest possible API whose
//! preconditions are checked, or stated as the caller's contract.
#![allow(unsafe_code)]

use std::fs::File;
use std::io;
use std::path::Path;

use memmap2::{Advice, Mmap};
use tnb_schema::ArchivedBenchmark;

use crate::{Buffer, OpenError, Store, io_err};

impl Store<Buffer> {
    /// Maps the archive at `path` and opens it: no copy, and every process that maps the same
    /// file shares its pages.
    ///
    /// # Safety
    /// The file must not be modified or truncated while the store (or anything borrowed from
    /// it) lives: a mapping whose file changes gives torn reads or SIGBUS, which is undefined
    /// behaviour. Replace archives atomically (write a new file, rename it over the old one),
    /// as `tnb-convert` does; a rename leaves existing maps reading the old file.
    pub unsafe fn open_mmap(path: impl AsRef<Path>) -> Result<Store<Buffer>, OpenError> {
        let path = path.as_ref();
        let f = File::open(path).map_err(|e| io_err(path, e))?;
        // SAFETY: forwarded to our caller's contract (above).
        let map = unsafe { map(&f) }.map_err(|e| io_err(path, e))?;
        Store::from_bytes(Buffer::Map(map))
    }
}

/// Maps `file` read-only.
///
/// # Safety
/// The file must not be modified or truncated by anyone while the map (or anything borrowed
/// from it) lives. Reading a mapping whose file changes underneath is undefined behaviour
/// (torn reads, or SIGBUS when it shrinks). tnb's own writers never modify an archive in place
/// (they write a new file and rename it over the old one, which leaves existing maps intact).
pub(crate) unsafe fn map(file: &File) -> io::Result<Mmap> {
    // SAFETY: forwarded to the caller (see above); memmap2 needs nothing else.
    let map = unsafe { Mmap::map(file)? };
    // Point queries touch a few cache lines scattered over the file: read-ahead would only
    // pull in pages nobody asked for.
    let _ = map.advise(Advice::Random);
    Ok(map)
}

/// A payload slice that has passed `rkyv::access::<ArchivedBenchmark, _>` (full bytecheck
/// validation), remembered by address and length.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Validated {
    ptr: usize,
    len: usize,
}

impl Validated {
    /// Validates `payload` and returns the token that allows reading it without validating
    /// again.
    pub(crate) fn check(payload: &[u8]) -> Result<Validated, rkyv::rancor::BoxedError> {
        rkyv::access::<ArchivedBenchmark, rkyv::rancor::BoxedError>(payload)?;
        Ok(Validated { ptr: payload.as_ptr() as usize, len: payload.len() })
    }

    /// The archived root of `payload`, if `payload` is the very slice that was validated.
    pub(crate) fn root<'a>(&self, payload: &'a [u8]) -> Option<&'a ArchivedBenchmark> {
        if payload.as_ptr() as usize != self.ptr || payload.len() != self.len {
            return None;
        }
        // SAFETY: `payload` starts at the address and has the length of a slice that passed
        // `rkyv::access` (constructor above). Its bytes cannot have changed since: the store
        // owns its backing and never hands out mutable access; a backing that is a map is
        // immutable under `Store::open_mmap`'s contract; and safe code cannot make an
        // `AsRef<[u8]>` return different contents at the same address while the store owns it
        // (that needs interior mutability behind `&[u8]`, which only unsafe code can create).
        // Validation covered every byte `access_unchecked` and the archived types' accessors
        // read, so they only see valid archived values.
        Some(unsafe { rkyv::access_unchecked::<ArchivedBenchmark>(payload) })
    }
}
