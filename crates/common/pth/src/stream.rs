//! Streaming reads of `.pth` files too large for memory (NAS-Bench-201's 4.7 GB legacy file):
//! the container is located from a few kilobytes at the file's start (and end, for a zip), and
//! the object pickle is read twice through a buffered window by [`tnb_pickle::stream`] with the
//! same allowlist of globals as [`crate::load`].
//!
//! ```no_run
//! use std::path::Path;
//! use tnb_pth::{StreamLimits, stream_load, stream_scan};
//! let path = Path::new("NAS-Bench-201-v1_1-096897.pth");
//! let limits = StreamLimits::default();
//! let scan = stream_scan(path, &limits, &mut |done, total| eprint!("\r{done}/{total}"))?;
//! assert!(scan.top_keys.as_ref().is_some_and(|k| k.iter().any(|k| k == "arch2infos")));
//! let mut archs = 0;
//! let top = stream_load(path, &scan, "arch2infos", &limits, &mut |_key, _value| {
//!     archs += 1;
//!     Ok(())
//! }, &mut |_, _| {})?;
//! # Ok::<(), tnb_pth::Error>(())
//! ```

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use tnb_pickle::stream::{self, Obj, Scan, ScanStats, StreamLimits};
use tnb_pickle::{Kind, Limits, PlainData, Value, parse, pickle_end};

use crate::error::Error;
pub use crate::stream_hooks::StreamTorchHooks;
use crate::{Format, legacy, stream_zip, tar};

/// Bytes read from the start of a file to locate the object pickle (the legacy format's first
/// three pickles take 137 bytes as torch writes them).
const HEAD: u64 = 64 << 10;

/// Largest legacy storage-key list read after the object pickle (it must be empty).
const TAIL: u64 = 64 << 10;

/// What pass 1 found in a `.pth` file.
#[derive(Debug)]
pub struct StreamScan {
    /// The top-level dict's str keys in order (as [`tnb_pickle::stream::Scan::top_keys`]):
    /// `None` when the object is not a dict.
    pub top_keys: Option<Vec<String>>,
    /// The container the object pickle was found in.
    pub format: Format,
    /// Where the object pickle starts in the file, and its length in bytes.
    pub pickle_start: u64,
    /// See [`StreamScan::pickle_start`].
    pub pickle_len: u64,
    /// Counts from pass 1.
    pub stats: ScanStats,
    scan: Scan,
    part: String,
    file_len: u64,
}

fn io_err(path: &Path, e: &std::io::Error) -> Error {
    Error::Io(format!("cannot read {}: {e}", path.display()))
}

fn open(path: &Path) -> Result<(File, u64), Error> {
    let (f, meta) = tnb_schema::file::open_regular(path).map_err(|e| io_err(path, &e))?;
    Ok((f, meta.len()))
}

/// Reads `len` bytes at `at` (fewer at the end of the file).
pub(crate) fn read_at(f: &mut File, at: u64, len: u64, path: &Path) -> Result<Vec<u8>, Error> {
    f.seek(SeekFrom::Start(at)).map_err(|e| io_err(path, &e))?;
    let mut out = Vec::new();
    f.take(len).read_to_end(&mut out).map_err(|e| io_err(path, &e))?;
    Ok(out)
}

/// Where the object pickle is: (format, start, bytes available from start, part name).
struct Located {
    format: Format,
    start: u64,
    avail: u64,
    part: String,
    /// A zip record's CRC-32, checked in pass 1.
    crc: Option<u32>,
}

fn locate(f: &mut File, file_len: u64, path: &Path) -> Result<Located, Error> {
    let head = read_at(f, 0, HEAD, path)?;
    if crate::is_zip(&head) {
        let z = stream_zip::locate(f, file_len, path)?;
        return Ok(Located {
            format: Format::Zip { folder: z.folder.clone(), little_endian: z.little_endian },
            start: z.start,
            avail: z.len,
            part: format!("{}/data.pkl", z.folder),
            crc: Some(z.crc),
        });
    }
    tar::refuse_tar(&head)?;
    let bare = Located {
        format: Format::Pickle,
        start: 0,
        avail: file_len,
        part: "pickle".into(),
        crc: None,
    };
    // A first pickle that does not end within the head is a bare pickle (torch's legacy magic
    // number takes 15 bytes); one that ends before the file does is a legacy file, as torch
    // reads it.
    let Ok(end) = pickle_end(&head) else {
        return Ok(bare);
    };
    if end as u64 == file_len {
        return Ok(bare);
    }
    if !legacy::is_legacy(&head)? {
        return Err(Error::Legacy(format!(
            "the first pickle ends at byte {end} and more bytes follow, but it fills the first \
             {HEAD} bytes read (not torch's magic number)"
        )));
    }
    let limits = Limits::default();
    let perr = |part: &'static str| {
        move |error| Error::Pickle { part: format!("legacy {part} pickle"), error }
    };
    let mut pos = end;
    let p = parse(&head[pos..], &mut PlainData, &limits).map_err(perr("protocol-version"))?;
    if p.arena.get(p.root) != Value::Int(1001) {
        return Err(Error::Legacy(format!(
            "protocol version is {:?}, expected 1001",
            p.arena.get(p.root)
        )));
    }
    pos += p.end;
    let p = parse(&head[pos..], &mut PlainData, &limits).map_err(perr("sys-info"))?;
    if !matches!(p.arena.get(p.root), Value::Container(Kind::Dict, _)) {
        return Err(Error::Legacy("sys_info is not a dict".into()));
    }
    pos += p.end;
    Ok(Located {
        format: Format::Legacy,
        start: pos as u64,
        avail: file_len - pos as u64,
        part: "legacy object pickle".into(),
        crc: None,
    })
}

fn pickle_err(part: &str, start: u64) -> impl Fn(tnb_pickle::Error) -> Error + '_ {
    move |error| Error::Pickle { part: format!("{part} (from file byte {start})"), error }
}

/// Pass 1 over a `.pth` file (torch legacy, torch zip with a STORED `data.pkl`, or a bare
/// pickle) at `path`, opened with [`tnb_schema::file::open_regular`]. `progress(done, total)`
/// reports bytes of the object pickle read.
pub fn stream_scan(
    path: &Path,
    limits: &StreamLimits,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<StreamScan, Error> {
    let (mut f, file_len) = open(path)?;
    let loc = locate(&mut f, file_len, path)?;
    f.seek(SeekFrom::Start(loc.start)).map_err(|e| io_err(path, &e))?;
    let total = loc.avail;
    let mut crc = crc32fast::Hasher::new();
    let reader = CrcReader { r: &mut f, crc: &mut crc, on: loc.crc.is_some() };
    let scan = stream::scan(reader, total, limits, &mut |done| progress(done, total))
        .map_err(pickle_err(&loc.part, loc.start))?;
    progress(scan.len, total);
    match &loc.format {
        Format::Pickle if scan.len != file_len => {
            return Err(Error::Legacy(format!(
                "the pickle ends at byte {} but {} bytes follow it and its first value is not \
                 torch's legacy magic number",
                scan.len,
                file_len - scan.len
            )));
        }
        Format::Zip { .. } => {
            let want = loc.crc.unwrap_or_default();
            stream_zip::check(&scan, total, crc.finalize(), want, &loc.part)?;
        }
        Format::Legacy => check_storage_keys(&mut f, loc.start + scan.len, path)?,
        _ => {}
    }
    Ok(StreamScan {
        top_keys: scan.top_keys.clone(),
        format: loc.format,
        pickle_start: loc.start,
        pickle_len: scan.len,
        stats: scan.stats,
        scan,
        part: loc.part,
        file_len,
    })
}

/// The legacy storage-key list after the object pickle must be empty: tensors are not read in
/// streaming mode.
fn check_storage_keys(f: &mut File, at: u64, path: &Path) -> Result<(), Error> {
    let tail = read_at(f, at, TAIL, path)?;
    let p = parse(&tail, &mut PlainData, &Limits::default())
        .map_err(|error| Error::Pickle { part: "legacy storage-keys pickle".into(), error })?;
    match p.arena.get(p.root) {
        Value::Container(Kind::List | Kind::Tuple, c) if c.is_empty() => Ok(()),
        Value::Container(Kind::List | Kind::Tuple, c) => Err(Error::Legacy(format!(
            "the file stores {} tensor storages: tensors are not supported by the streaming \
             reader",
            c.len()
        ))),
        other => Err(Error::Legacy(format!("storage key list is a {}", other.type_name()))),
    }
}

/// Pass 2: builds the object; the dict at `top[split_key]` is streamed: each of its entries goes
/// to `on_entry(key, value)` as soon as it is complete and is then dropped; the returned top
/// object holds that dict with no items (its place and kind kept). When the object is not a dict
/// holding `split_key` as a dict, nothing is streamed and the whole object is returned (within
/// [`StreamLimits::max_entry_items`]). Any error from `on_entry` (a String) stops the read and is
/// returned as the error, with the byte offset. `progress(done, total)` reports bytes read.
pub fn stream_load(
    path: &Path,
    scan: &StreamScan,
    split_key: &str,
    limits: &StreamLimits,
    on_entry: &mut dyn FnMut(Obj, Obj) -> Result<(), String>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Obj, Error> {
    let (mut f, file_len) = open(path)?;
    if file_len != scan.file_len {
        return Err(Error::Io(format!(
            "{} changed size between the passes ({} then {} bytes)",
            path.display(),
            scan.file_len,
            file_len
        )));
    }
    f.seek(SeekFrom::Start(scan.pickle_start)).map_err(|e| io_err(path, &e))?;
    let total = scan.pickle_len;
    let mut hooks = StreamTorchHooks::default();
    let obj = stream::load(
        &mut f,
        &scan.scan,
        &mut hooks,
        Some(split_key),
        limits,
        on_entry,
        &mut |done| progress(done, total),
    )
    .map_err(pickle_err(&scan.part, scan.pickle_start))?;
    progress(total, total);
    Ok(obj)
}

/// A bare pickle that each pass reads again from its first byte: the two-pass reader over a
/// source that cannot seek, such as a decoder of a compressed file (NATS-Bench's
/// `.pickle.pbz2`) opened anew for each pass, so that nothing but a read window is ever held.
pub trait Reopen {
    /// The reader of one pass.
    type Reader: Read;
    /// A reader at the pickle's first byte.
    fn reopen(&self) -> Result<Self::Reader, Error>;
    /// The source's name in messages (a file name).
    fn name(&self) -> String;
}

/// Counts the bytes read through it, and keeps the message of a read error (a decoder's own
/// one-line error, returned instead of the pickle reader's wrapping of it).
struct Counted<R> {
    r: R,
    n: u64,
    failed: Option<String>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.r.read(buf) {
            Ok(k) => {
                self.n += k as u64;
                Ok(k)
            }
            Err(e) => {
                if e.kind() != std::io::ErrorKind::Interrupted {
                    self.failed = Some(e.to_string());
                }
                Err(e)
            }
        }
    }
}

impl<R> Counted<R> {
    fn err(&mut self, name: &str, error: tnb_pickle::Error) -> Error {
        match self.failed.take() {
            Some(m) => Error::Io(m),
            None => Error::Pickle { part: format!("{name} (the pickle)"), error },
        }
    }
}

/// Pass 1 of [`stream_scan`] over a bare pickle from `src` (no container: the whole source
/// is one pickle, read up to its `STOP` without knowing its length in advance; bytes after the
/// `STOP` are refused, as for a bare `.pth` pickle). `progress(done)` reports pickle bytes read.
pub fn stream_scan_source<S: Reopen>(
    src: &S,
    limits: &StreamLimits,
    progress: &mut dyn FnMut(u64),
) -> Result<StreamScan, Error> {
    let mut r = Counted { r: src.reopen()?, n: 0, failed: None };
    let scan = match stream::scan_unsized(&mut r, limits, progress) {
        Ok(s) => s,
        Err(e) => return Err(r.err(&src.name(), e)),
    };
    // The read window went past the STOP; whatever follows it must be nothing.
    if let Err(e) = std::io::copy(&mut r, &mut std::io::sink()) {
        return Err(Error::Io(r.failed.take().unwrap_or_else(|| format!("{}: {e}", src.name()))));
    }
    if r.n != scan.len {
        return Err(Error::Pickle {
            part: format!("{} (the pickle)", src.name()),
            error: tnb_pickle::Error {
                offset: Some(scan.len),
                kind: tnb_pickle::ErrorKind::Stream(format!(
                    "{} bytes follow the pickle's STOP",
                    r.n - scan.len
                )),
            },
        });
    }
    Ok(StreamScan {
        top_keys: scan.top_keys.clone(),
        format: Format::Pickle,
        pickle_start: 0,
        pickle_len: scan.len,
        stats: scan.stats,
        scan,
        part: src.name(),
        file_len: r.n,
    })
}

/// Pass 2 of [`stream_load`] over a bare pickle from `src` that [`stream_scan_source`]
/// scanned, with the caller's `hooks` (e.g. [`StreamTorchHooks::numpy_data`]); `split_key`
/// `None` builds the whole object. `progress(done)` reports pickle bytes read.
pub fn stream_load_source<S: Reopen>(
    src: &S,
    scan: &StreamScan,
    hooks: &mut StreamTorchHooks,
    split_key: Option<&str>,
    limits: &StreamLimits,
    on_entry: &mut dyn FnMut(Obj, Obj) -> Result<(), String>,
    progress: &mut dyn FnMut(u64),
) -> Result<Obj, Error> {
    let mut r = Counted { r: src.reopen()?, n: 0, failed: None };
    match stream::load(&mut r, &scan.scan, hooks, split_key, limits, on_entry, progress) {
        Ok(o) => Ok(o),
        Err(e) => Err(r.err(&src.name(), e)),
    }
}

/// Computes the CRC-32 of what passes through (a zip record's check, in pass 1).
struct CrcReader<'c, R> {
    r: R,
    crc: &'c mut crc32fast::Hasher,
    on: bool,
}

impl<R: Read> Read for CrcReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.r.read(buf)?;
        if self.on {
            self.crc.update(&buf[..n]);
        }
        Ok(n)
    }
}
