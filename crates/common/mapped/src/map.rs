//! Mapping an archive read-only: the only `unsafe` of the file layer.
#![allow(unsafe_code)]

use std::fs::File;
use std::io;

use memmap2::Advice;
pub use memmap2::Mmap;

/// Maps `file` read-only, advising the kernel that reads are random (point queries touch a few
/// cache lines scattered over the file: read-ahead would only pull in pages nobody asked for).
///
/// # Safety
/// The file must not be modified or truncated by anyone while the map (or anything borrowed
/// from it) lives. Reading a mapping whose file changes underneath is undefined behaviour (torn
/// reads, or SIGBUS when it shrinks). tnb's own writers never modify an archive in place (see
/// [`crate::replace`]: they write a new file and rename it over the old one, which leaves
/// existing maps intact).
pub unsafe fn map(file: &File) -> io::Result<Mmap> {
    // SAFETY: forwarded to the caller (see above); memmap2 needs nothing else.
    let map = unsafe { Mmap::map(file)? };
    let _ = map.advise(Advice::Random);
    Ok(map)
}
