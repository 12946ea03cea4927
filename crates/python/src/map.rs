//! Mapping an archive: the crate's only `unsafe` call.

use std::path::Path;

use tnb_store::{Buffer, OpenError, Store};

/// Maps the archive at `path` so that every process that opens it shares one copy of its pages.
///
/// The caller's promise, passed on to the Python user: the file is not modified in place or
/// truncated while an API object (or a pickled copy reopened in another process) uses it.
/// `TransNASBenchAPI`'s docstring and the package README state it, and `mmap=False` is the
/// alternative for files that cannot be promised stable.
pub(crate) fn open(path: &Path) -> Result<Store<Buffer>, OpenError> {
    // SAFETY: `Store::open_mmap` requires that nobody modifies or truncates the file while the
    // map lives (torn reads or SIGBUS otherwise). That cannot be checked from here; it is the
    // documented contract of `tnb.TransNASBenchAPI(path)` (mapped by default, `mmap=False` reads
    // a private copy instead). tnb's own writers never break it: they write a new file and
    // rename it over the old one, which leaves existing maps reading the old, intact file.
    unsafe { Store::open_mmap(path) }
}

#[cfg(feature = "python")]
/// Maps the NAS-Bench-201 archive at `path` (the same contract as [`open`]: `NASBench201API`'s
/// docstring states it to the Python user).
pub(crate) fn open_nb201(
    path: &Path,
) -> Result<tnb_nb201_store::Archive, tnb_nb201_store::OpenError> {
    // SAFETY: `Archive::open_mmap` requires that nobody modifies or truncates the file while
    // the map lives; as for `open` above, that is the documented contract of
    // `tnb.NASBench201API(path)`, and tnb's writers replace archives by renaming a new file.
    unsafe { tnb_nb201_store::Archive::open_mmap(path) }
}
