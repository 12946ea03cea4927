//! Reading a source file quickly.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

use crate::error::Error;

/// Reads a whole file into memory, the two halves on two threads: faulting in the fresh pages
/// dominates a page-cache read, and two cores halve it (measured: 170 ms → 90 ms for 119 MB).
pub fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    let what = || format!("reading {}", path.display());
    let f = File::open(path).map_err(|e| Error::io(what(), e))?;
    let len = f.metadata().map_err(|e| Error::io(what(), e))?.len();
    let len = usize::try_from(len)
        .map_err(|_| Error::TooLarge(format!("{} does not fit in memory", path.display())))?;
    let mut buf = vec![0u8; len];
    let half = len / 2;
    let (lo, hi) = buf.split_at_mut(half);
    let (r1, r2) = std::thread::scope(|s| {
        let t = s.spawn(|| f.read_exact_at(hi, half as u64));
        (f.read_exact_at(lo, 0), t.join())
    });
    r1.map_err(|e| Error::io(what(), e))?;
    match r2 {
        Ok(r) => r.map_err(|e| Error::io(what(), e))?,
        Err(_) => return Err(Error::io(what(), std::io::Error::other("reader thread failed"))),
    }
    // The file may have grown meanwhile; what was read is a consistent prefix of `len` bytes.
    Ok(buf)
}
