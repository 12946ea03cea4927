//! Serialising the payload and writing the archive atomically.

use std::fs::{self, File};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rkyv::rancor;
use rkyv::ser::writer::IoWriter;
use tnb_schema::Benchmark;
use tnb_schema::header::{HEADER_LEN, Header, MAX_PAYLOAD};

use crate::error::Error;

/// The converter name written in headers.
pub const CONVERTER: &str = concat!("tnb-convert ", env!("CARGO_PKG_VERSION"));

/// Counts and checksums what passes through, so the payload is hashed while it is written.
struct Tally<W> {
    inner: W,
    len: u64,
    crc: crc32fast::Hasher,
}

impl<W: Write> Write for Tally<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn too_large(len: u64) -> Error {
    Error::TooLarge(format!(
        "the payload would be {len} bytes; rkyv's 32-bit relative pointers limit it to {MAX_PAYLOAD}"
    ))
}

/// Serialises `bench` into `file` after room for the header, then writes the header (its
/// checksum covers the payload, which is hashed on its way out: no second pass, no copy).
fn write_to(
    bench: &Benchmark,
    source_size: u64,
    source_sha256: [u8; 32],
    file: &mut File,
) -> Result<Header, Error> {
    let io_err = |e: io::Error| Error::io("writing the archive", e);
    file.seek(SeekFrom::Start(0)).map_err(io_err)?;
    file.write_all(&[0u8; HEADER_LEN]).map_err(io_err)?;
    // rkyv's serializer ties its writer's lifetime to the value's, so it gets an owned handle.
    let handle = file.try_clone().map_err(io_err)?;
    let mut tally = Tally {
        inner: BufWriter::with_capacity(1 << 20, handle),
        len: 0,
        crc: crc32fast::Hasher::new(),
    };
    let written =
        rkyv::api::high::to_bytes_in::<_, rancor::BoxedError>(bench, IoWriter::new(&mut tally))
            .map(drop)
            .map_err(|e| e.to_string());
    if let Err(e) = written {
        return Err(if tally.len > MAX_PAYLOAD / 2 {
            too_large(tally.len)
        } else {
            Error::io("serialising the archive", io::Error::other(e))
        });
    }
    tally.flush().map_err(io_err)?;
    let (len, crc) = (tally.len, tally.crc.clone().finalize());
    if len > MAX_PAYLOAD {
        return Err(too_large(len));
    }
    let header = Header::new(len, crc, source_size, source_sha256, CONVERTER);
    file.seek(SeekFrom::Start(0)).map_err(io_err)?;
    file.write_all(&header.encode()).map_err(io_err)?;
    Ok(header)
}

/// The whole archive in memory (header and payload).
pub fn to_bytes(
    bench: &Benchmark,
    source_size: u64,
    source_sha256: [u8; 32],
) -> Result<Vec<u8>, Error> {
    let payload = rkyv::to_bytes::<rancor::BoxedError>(bench)
        .map_err(|e| Error::io("serialising the archive", io::Error::other(e.to_string())))?;
    let len = payload.len() as u64;
    if len > MAX_PAYLOAD {
        return Err(too_large(len));
    }
    let header = Header::new(len, crc32fast::hash(&payload), source_size, source_sha256, CONVERTER);
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&header.encode());
    out.extend_from_slice(&payload);
    Ok(out)
}

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

/// Writes the archive to `dst` atomically: a temporary file in the same folder is written,
/// flushed to disk, then renamed over `dst`. On any failure `dst` is untouched (a previous archive
/// there survives) and the temporary file is removed; a killed process can leave only a
/// `.<name>.tnb-tmp-<pid>` file behind, never a partial `dst`. Returns the header and the size.
pub fn write_file(
    bench: &Benchmark,
    source_size: u64,
    source_sha256: [u8; 32],
    dst: &Path,
) -> Result<(Header, u64), Error> {
    let name = dst.file_name().ok_or_else(|| {
        Error::io(
            format!("writing {}", dst.display()),
            io::Error::new(io::ErrorKind::InvalidInput, "not a file name"),
        )
    })?;
    let dir = match dst.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = dir.join(format!(".{}.tnb-tmp-{}", name.to_string_lossy(), std::process::id()));
    let mut guard = TempFile { path: tmp.clone(), keep: false };
    let what = || format!("writing {}", tmp.display());
    let mut f = File::options()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(|e| Error::io(what(), e))?;
    let header = write_to(bench, source_size, source_sha256, &mut f)?;
    f.sync_all().map_err(|e| Error::io(what(), e))?;
    let size = f.metadata().map_err(|e| Error::io(what(), e))?.len();
    drop(f);
    // Whatever convert writes, open must accept: open the written file with the reader's own
    // checks before it replaces anything, so a source the format cannot represent is refused
    // here, naming the reason, instead of becoming an archive every command calls corrupted.
    let store = tnb_store::Store::open(&tmp).map_err(|e| Error::Unreadable(e.to_string()))?;
    store.verify_checksum().map_err(|e| Error::Unreadable(e.to_string()))?;
    drop(store);
    fs::rename(&tmp, dst)
        .map_err(|e| Error::io(format!("renaming {} to {}", tmp.display(), dst.display()), e))?;
    guard.keep = true;
    // Make the rename itself durable.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok((header, size))
}
