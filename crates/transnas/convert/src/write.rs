//! Serialising the payload and writing the archive atomically.

use std::fs::{self, File};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use rkyv::rancor;
use rkyv::ser::writer::IoWriter;
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

/// Prefix of the temporary file for destination file name `name`; the writer's pid, a
/// per-process call number and the time follow (see [`temp_name`]).
fn temp_prefix(name: &str) -> String {
    format!(".{name}.tnb-tmp-")
}

/// Calls of [`write_file`] in this process so far: makes every call's temporary file its own,
/// so that two threads converting to one destination never share (and never remove, rename or
/// overwrite) each other's file.
static CALLS: AtomicU64 = AtomicU64::new(0);

/// Temporary names tried before giving up: a name is taken only if a killed earlier process
/// with this pid left exactly that name (same call number and nanosecond), so the first try
/// practically always succeeds.
const TEMP_ATTEMPTS: u32 = 8;

/// A temporary file name of its own for this call: `.<name>.tnb-tmp-<pid>-<call>-<nanos>`. The
/// pid comes first so that [`remove_stale_temps`] can tell whose file it is; the call number
/// separates the calls of this process; the time separates this process from an earlier one
/// that had the same pid.
fn temp_name(name: &str) -> String {
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{}{}-{call}-{nanos}", temp_prefix(name), std::process::id())
}

/// Removes temporary files that conversions to the same destination left when they were killed
/// (their pid is gone), so that killed conversions never pile up. Best effort: a file that
/// cannot be removed is left for the next conversion.
fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = temp_prefix(name);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        // `<pid>-<call>-<nanos>` (or `<pid>` alone, from earlier versions).
        let Ok(pid) = rest.split_once('-').map_or(rest, |(pid, _)| pid).parse::<u32>() else {
            continue;
        };
        // This process's own files belong to calls still running on other threads.
        if pid != std::process::id() && !process_alive(pid) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Whether process `pid` exists. Only Linux's `/proc` is consulted; elsewhere every process
/// counts as alive, so nothing of a running conversion is ever removed.
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") { Path::new("/proc").join(pid.to_string()).exists() } else { true }
}

/// Refuses a destination that is not a regular file (a FIFO, a device, a folder: renaming over
/// it would replace a special file, and opening it could block) or that is the source itself,
/// also through links (same device and inode): converting `x.pth` onto `x.pth` would destroy the
/// source. A destination that does not exist yet is fine.
pub fn check_destination(src: &Path, dst: &Path) -> Result<(), Error> {
    let Ok(d) = fs::metadata(dst) else {
        return Ok(());
    };
    if !d.is_file() {
        return Err(Error::Destination(format!(
            "{} is not a regular file (a folder, FIFO or device): refusing to replace it",
            dst.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(s) = fs::metadata(src) {
            if s.dev() == d.dev() && s.ino() == d.ino() {
                return Err(Error::Destination(format!(
                    "{} is the source file itself: refusing to replace the source",
                    dst.display()
                )));
            }
        }
    }
    #[cfg(not(unix))]
    if fs::canonicalize(src).ok() == fs::canonicalize(dst).ok() {
        return Err(Error::Destination(format!(
            "{} is the source file itself: refusing to replace the source",
            dst.display()
        )));
    }
    Ok(())
}

/// The reader's acceptance check of a written archive (`Err` says why the reader refuses it).
/// The converter does not depend on the reader, so that the pipeline only points down: the
/// caller supplies the check, normally `tnb_verify::opens` (the store's own open and payload
/// checksum).
pub type Accept<'a> = &'a dyn Fn(&Path) -> Result<(), String>;

/// Writes the archive to `dst` atomically: a temporary file of this call's own in the same
/// folder is written, flushed to disk, checked by `accept` (whatever convert writes, open must
/// accept), then renamed over `dst`. On any failure (including `accept` refusing the file) `dst`
/// is untouched (a previous archive there survives) and the temporary file is removed; a killed
/// process can leave only a `.<name>.tnb-tmp-<pid>-...` file behind, never a partial `dst`, and
/// the next conversion to the same destination removes those of dead processes. `dst` must be a
/// regular file or not exist. Returns the header and the size.
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
    let name = dst.file_name().ok_or_else(|| {
        Error::io(
            format!("writing {}", dst.display()),
            io::Error::new(io::ErrorKind::InvalidInput, "not a file name"),
        )
    })?;
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
    let name = name.to_string_lossy();
    remove_stale_temps(&dir, &name);
    let (mut f, mut guard) = create_temp(&dir, &name, dst)?;
    let tmp = guard.path.clone();
    let what = || format!("writing {}", tmp.display());
    let header = write_to(bench, source_size, source_sha256, &mut f).map_err(|e| match e {
        // A failure of the system while writing (a full disk) names the destination, as the
        // file it failed on.
        Error::Io { what, path: None, error } if error.raw_os_error().is_some() => {
            Error::io_at(what, dst, error)
        }
        other => other,
    })?;
    f.sync_all().map_err(|e| Error::io_at(what(), dst, e))?;
    let size = f.metadata().map_err(|e| Error::io_at(what(), dst, e))?.len();
    drop(f);
    // Whatever convert writes, open must accept: open the written file with the reader's own
    // checks before it replaces anything, so a source the format cannot represent is refused
    // here, naming the reason, instead of becoming an archive every command calls corrupted.
    // A refusal returns before the rename, and the guard removes the file.
    accept(&tmp).map_err(Error::Unreadable)?;
    fs::rename(&tmp, dst).map_err(|e| {
        Error::io_at(format!("renaming {} to {}", tmp.display(), dst.display()), dst, e)
    })?;
    // Renamed: the name is gone, nothing to remove.
    guard.keep = true;
    // Make the rename itself durable. (Opened without waiting, like every read: see
    // `tnb_schema::file`.)
    if let Ok(d) = tnb_schema::file::read_options().open(&dir) {
        let _ = d.sync_all();
    }
    Ok((header, size))
}

/// Creates this call's temporary file in `dir` for destination file name `name`, with the
/// guard that removes it unless the call succeeds.
fn create_temp(dir: &Path, name: &str, dst: &Path) -> Result<(File, TempFile), Error> {
    let mut attempt = 0;
    loop {
        let tmp = dir.join(temp_name(name));
        match File::options().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((f, TempFile { path: tmp, keep: false })),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt + 1 < TEMP_ATTEMPTS => {
                attempt += 1;
            }
            Err(e) => return Err(Error::io_at(format!("writing {}", tmp.display()), dst, e)),
        }
    }
}
