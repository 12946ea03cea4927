//! Serialising the payload and writing the archive atomically.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use rkyv::rancor;
use rkyv::ser::writer::IoWriter;
use tnb_mapped::replace::{self, ReplaceError};
use tnb_schema::header::{HEADER_LEN, Header, MAX_PAYLOAD};
use tnb_schema::transnas::Benchmark;

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

/// Refuses a destination that is not a regular file (a FIFO, a device, a folder: renaming over
/// it would replace a special file, and opening it could block) or that is the source itself,
/// also through links (same device and inode): converting `x.pth` onto `x.pth` would destroy the
/// source. A destination that does not exist yet is fine. (`tnb_mapped::replace`'s check.)
pub fn check_destination(src: &Path, dst: &Path) -> Result<(), Error> {
    Ok(replace::check_destination(src, dst)?)
}

impl From<ReplaceError> for Error {
    fn from(e: ReplaceError) -> Error {
        match e {
            ReplaceError::Destination(m) => Error::Destination(m),
            ReplaceError::Refused(m) => Error::Unreadable(m),
            ReplaceError::Io { what, path, error } => Error::Io { what, path, error },
            other => Error::io("writing the archive", io::Error::other(other.to_string())),
        }
    }
}

/// The reader's acceptance check of a written archive (`Err` says why the reader refuses it).
/// The converter does not depend on the reader, so that the pipeline only points down: the
/// caller supplies the check, normally `tnb_verify::opens` (the store's own open and payload
/// checksum).
pub type Accept<'a> = replace::Accept<'a>;

/// Writes the archive to `dst` atomically (`tnb_mapped::replace`): a temporary file of this
/// call's own in the same folder is written, flushed to disk, checked by `accept` (whatever
/// convert writes, open must accept), then renamed over `dst`. On any failure (including
/// `accept` refusing the file) `dst` is untouched (a previous archive there survives) and the
/// temporary file is removed; a killed process can leave only a `.<name>.tnb-tmp-<pid>-...`
/// file behind, never a partial `dst`, and the next conversion to the same destination removes
/// those of dead processes. `dst` must be a regular file or not exist. Returns the header and
/// the size.
///
/// Calls may run at once, in threads or processes, for one destination: each writes its own
/// temporary file, and a call returns `Ok` only after its own rename happened. The rename is
/// atomic, so `dst` always holds the whole archive of one call that returned `Ok` (the last to
/// rename).
pub fn write_file(
    bench: &Benchmark,
    source_size: u64,
    source_sha256: [u8; 32],
    dst: &Path,
    accept: Accept<'_>,
) -> Result<(Header, u64), Error> {
    replace::replace(dst, accept, |f| {
        write_to(bench, source_size, source_sha256, f).map_err(|e| match e {
            // A failure of the system while writing (a full disk) names the destination, as
            // the file it failed on.
            Error::Io { what, path: None, error } if error.raw_os_error().is_some() => {
                Error::io_at(what, dst, error)
            }
            other => other,
        })
    })
}
