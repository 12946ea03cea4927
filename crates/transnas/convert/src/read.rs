//! Reading a source file quickly.

use std::fs::File;
use std::io;
use std::ops::Deref;
use std::path::Path;

use memmap2::{MmapMut, MmapOptions};

use crate::error::Error;

/// A source file's bytes, in anonymous memory backed by huge pages where the kernel allows.
///
/// Faulting in fresh 4 KiB pages dominated reading a 119 MB file into a `Vec` on this project's
/// machines (≈250 ms, against ≈60 ms into 2 MiB pages); reading the two halves on two threads
/// helps further when huge pages are not available. This is an ordinary private anonymous
/// mapping (no file is mapped), so it is as safe as a `Vec`.
#[derive(Debug)]
pub struct SourceBytes(Option<MmapMut>);

impl Deref for SourceBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.0.as_deref().unwrap_or(&[])
    }
}

/// Reads a whole file into memory (see [`SourceBytes`]). Only a regular file is read: a
/// device, FIFO or folder is refused before reading, without waiting (`tnb_schema::file`).
pub fn read_file(path: &Path) -> Result<SourceBytes, Error> {
    let what = || format!("reading {}", path.display());
    let io = |e| Error::io_at(what(), path, e);
    let (f, meta) = tnb_schema::file::open_regular(path).map_err(io)?;
    let len = meta.len();
    let len = usize::try_from(len)
        .map_err(|_| Error::TooLarge(format!("{} does not fit in memory", path.display())))?;
    if len == 0 {
        return Ok(SourceBytes(None));
    }
    let mut buf = MmapOptions::new().len(len).map_anon().map_err(io)?;
    // Advisory (and Unix only): without transparent huge pages the read is merely slower.
    #[cfg(unix)]
    let _ = buf.advise(memmap2::Advice::HugePage);
    fill(&f, &mut buf).map_err(io)?;
    Ok(SourceBytes(Some(buf)))
}

/// Reads the file into `buf` (exactly its length): the two halves on two threads, with
/// positioned reads that share no file cursor.
#[cfg(unix)]
fn fill(f: &File, buf: &mut [u8]) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    let half = buf.len() / 2;
    let (lo, hi) = buf.split_at_mut(half);
    let (r1, r2) = std::thread::scope(|s| {
        let t = s.spawn(|| f.read_exact_at(hi, half as u64));
        (f.read_exact_at(lo, 0), t.join())
    });
    r1?;
    r2.unwrap_or_else(|_| Err(io::Error::other("reader thread failed")))
}

/// Reads the file into `buf` (exactly its length), front to back on this thread: elsewhere a
/// positioned read either moves the shared file cursor (Windows) or does not exist, so two
/// threads could not split the work safely.
#[cfg(not(unix))]
fn fill(mut f: &File, buf: &mut [u8]) -> io::Result<()> {
    use std::io::Read;
    f.read_exact(buf)
}
