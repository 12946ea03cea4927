//! The payload's last parts (padding, rkyv root, trailer), the header, and the atomic write.

use std::fs::{self, File};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rkyv::rancor;
use tnb_schema::header::{Family, HEADER_LEN, Header};
use tnb_schema::nb201::{Nb201, Trailer};

use crate::cells::Cells;
use crate::error::Error;

/// The converter name written in headers.
pub const CONVERTER: &str = concat!("tnb-nb201-convert ", env!("CARGO_PKG_VERSION"));

/// Appends padding, the rkyv root and the trailer after the cells; returns the writer, the
/// payload length and its CRC-32.
pub(crate) fn finish_payload<W: Write>(
    cells: Cells<W>,
    root: &Nb201,
) -> Result<(W, u64, u32, u64), Error> {
    let (mut out, count, mut crc) = cells.finish();
    let io = |e: io::Error| Error::io("writing the archive", e);
    let bytes = rkyv::to_bytes::<rancor::BoxedError>(root)
        .map_err(|e| Error::io("serialising the archive", io::Error::other(e.to_string())))?;
    if bytes.len() as u64 > i32::MAX as u64 {
        return Err(Error::TooLarge(format!(
            "the archive's tables would be {} bytes; rkyv's 32-bit relative pointers limit them \
             to {}",
            bytes.len(),
            i32::MAX
        )));
    }
    let trailer = Trailer::new(count, bytes.len() as u64);
    let pad = (trailer.root_offset - count * 8) as usize;
    let zeros = [0u8; 16];
    for part in [&zeros[..pad], bytes.as_slice(), &trailer.encode()[..]] {
        out.write_all(part).map_err(io)?;
        crc.update(part);
    }
    let len = trailer.root_offset + trailer.root_len + tnb_schema::nb201::TRAILER_LEN as u64;
    Ok((out, len, crc.finalize(), bytes.len() as u64))
}

/// The header of an NB201 payload.
pub(crate) fn header(len: u64, crc: u32, source_size: u64, sha: [u8; 32]) -> Header {
    Header::new_family(Family::Nb201, len, crc, source_size, sha, CONVERTER)
}

/// The reader's acceptance check of a written archive (`Err` says why the reader refuses it):
/// normally the NB201 store's own open. The converter does not depend on the reader, so that
/// the pipeline only points down.
pub type Accept<'a> = &'a dyn Fn(&Path) -> Result<(), String>;

/// Removes the temporary file unless the write succeeded.
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Writes an archive to `dst` atomically: `body` writes the payload into a temporary file of
/// its own in the same folder (after room for the header) and returns the header; the header is
/// written, the file flushed to disk, checked by `accept`, then renamed over `dst`. On any
/// failure `dst` is untouched and the temporary file removed. Returns the header and the size.
pub(crate) fn atomic_write(
    dst: &Path,
    accept: Accept<'_>,
    body: impl FnOnce(&mut BufWriter<File>) -> Result<Header, Error>,
) -> Result<(Header, u64), Error> {
    let name = dst
        .file_name()
        .ok_or_else(|| Error::Destination(format!("{} is not a file name", dst.display())))?;
    if fs::metadata(dst).is_ok_and(|m| !m.is_file()) {
        return Err(Error::Destination(format!(
            "{} is not a regular file (a folder, FIFO or device): refusing to replace it",
            dst.display()
        )));
    }
    let dir = match dst.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let tmp = dir.join(format!(
        ".{}.tnb-tmp-{}-nb201-{nanos}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let what = || format!("writing {}", tmp.display());
    let f = File::options()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(|e| Error::io(what(), e))?;
    let mut guard = TempFile { path: tmp.clone(), keep: false };
    let mut w = BufWriter::with_capacity(1 << 20, f);
    w.write_all(&[0u8; HEADER_LEN]).map_err(|e| Error::io(what(), e))?;
    let header = body(&mut w)?;
    let mut f = w.into_inner().map_err(|e| Error::io(what(), e.into_error()))?;
    f.seek(SeekFrom::Start(0)).map_err(|e| Error::io(what(), e))?;
    f.write_all(&header.encode()).map_err(|e| Error::io(what(), e))?;
    f.sync_all().map_err(|e| Error::io(what(), e))?;
    let size = f.metadata().map_err(|e| Error::io(what(), e))?.len();
    drop(f);
    accept(&tmp).map_err(Error::Unreadable)?;
    fs::rename(&tmp, dst)
        .map_err(|e| Error::io(format!("renaming {} to {}", tmp.display(), dst.display()), e))?;
    guard.keep = true;
    if let Ok(d) = tnb_schema::file::read_options().open(&dir) {
        let _ = d.sync_all();
    }
    Ok((header, size))
}
