//! Mapping a NAS-Bench-101 archive: this module's only `unsafe` call.
#![allow(unsafe_code)]

use std::path::Path;

use tnb_nb101_store::{Buffer, Nb101Store};

/// Maps the archive at `path` so that every process that opens it shares its pages.
///
/// The caller's promise, passed on to the Python user (`tnb.nasbench101.api.NASBench`'s
/// docstring states it): the file is not modified in place or truncated while the object uses
/// it. tnb's writers never do (they write a new file and rename it over the old one).
pub(crate) fn open(path: &Path) -> Result<Nb101Store<Buffer>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    // SAFETY: `Mmap::map` requires that nobody modifies or truncates the file while the map
    // lives; that is the documented contract of `NASBench(path)` for an archive (see above),
    // and tnb's writers replace archives by renaming a new file over the old one.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| e.to_string())?;
    Nb101Store::from_bytes(Buffer::Map(map)).map_err(|e| e.to_string())
}
