//! The store's only `unsafe` code: opening a mapped archive (the map itself is
//! `tnb_mapped::map`), and reading a root that was validated.
#![allow(unsafe_code)]

use std::path::Path;

use tnb_schema::file::open_regular;
use tnb_schema::nb201::ArchivedNb201;

use crate::{Archive, Buffer, OpenError};

impl Archive<Buffer> {
    /// Maps the archive at `path` and opens it: no copy, and every process that maps the same
    /// file shares its pages. Only a regular file is mapped.
    ///
    /// # Safety
    /// The file must not be modified or truncated while the archive (or anything borrowed from
    /// it) lives: a mapping whose file changes gives torn reads or SIGBUS, which is undefined
    /// behaviour. Replace archives atomically (write a new file, rename it over the old one), as
    /// `tnb-nb201-convert` does; a rename leaves existing maps reading the old file.
    pub unsafe fn open_mmap(path: impl AsRef<Path>) -> Result<Archive<Buffer>, OpenError> {
        let path = path.as_ref();
        let (f, _) = open_regular(path).map_err(|e| OpenError::io(path, e))?;
        // SAFETY: forwarded to our caller's contract (above).
        let map = unsafe { tnb_mapped::map::map(&f) }.map_err(|e| OpenError::io(path, e))?;
        Archive::from_bytes(Buffer::Map(map))
    }
}

/// A root slice that passed `rkyv::access::<ArchivedNb201, _>` (full bytecheck validation),
/// remembered by address and length.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Validated {
    ptr: usize,
    len: usize,
}

impl Validated {
    /// Validates `root` and returns the token that allows reading it without validating again.
    pub(crate) fn check(root: &[u8]) -> Result<Validated, rkyv::rancor::BoxedError> {
        rkyv::access::<ArchivedNb201, rkyv::rancor::BoxedError>(root)?;
        Ok(Validated { ptr: root.as_ptr() as usize, len: root.len() })
    }

    /// The archived root in `root`, if `root` is the very slice that was validated.
    #[inline]
    pub(crate) fn root<'a>(&self, root: &'a [u8]) -> Option<&'a ArchivedNb201> {
        if root.as_ptr() as usize != self.ptr || root.len() != self.len {
            return None;
        }
        // SAFETY: `root` starts at the address and has the length of a slice that passed
        // `rkyv::access` (constructor above). Its bytes cannot have changed since: the archive
        // owns its backing and never hands out mutable access; a backing that is a map is
        // immutable under `Archive::open_mmap`'s contract; and safe code cannot make an
        // `AsRef<[u8]>` return different contents at the same address while the archive owns
        // it (that needs interior mutability behind `&[u8]`, which only unsafe code can
        // create). Validation covered every byte `access_unchecked` and the archived types'
        // accessors read, so they only see valid archived values.
        Some(unsafe { rkyv::access_unchecked::<ArchivedNb201>(root) })
    }
}
