//! Converting a `.pth` file by streaming: pass 1 scans, pass 2 hands each `arch2infos` entry to
//! the converter, which writes its numbers straight into the archive file; the source's SHA-256
//! is computed on another thread meanwhile. Memory stays bounded by the reader's kept memo, one
//! entry, and the archive's small columns, whatever the source's size.

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tnb_pth::{StreamLimits, StreamScan, stream_load, stream_scan};
use tnb_schema::header::Header;

use crate::error::Error;
use crate::write::Accept;
use crate::{Converter, Fed, Payload, Stats, write_file};

/// A stage of a file conversion, for progress display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Pass 1: scanning the object pickle (bytes of it).
    Scan,
    /// Pass 2: reading and converting the entries (bytes of the object pickle).
    Convert,
    /// Writing the archive's tables, syncing and checking the written file.
    Finish,
}

/// What a file conversion did.
#[derive(Clone, Debug)]
pub struct Summary {
    /// Source size in bytes.
    pub source_size: u64,
    /// Archive size in bytes.
    pub archive_size: u64,
    /// The header written.
    pub header: Header,
    /// What the payload holds.
    pub stats: Stats,
    /// Time per phase.
    pub timings: Vec<(Phase, Duration)>,
}

/// Whether a scanned file's top level looks like NAS-Bench-201 (a dict with `meta_archs` and
/// `arch2infos`): how the tools pick this converter.
pub fn looks_like_nb201(scan: &StreamScan) -> bool {
    scan.top_keys
        .as_ref()
        .is_some_and(|k| k.iter().any(|k| k == "meta_archs") && k.iter().any(|k| k == "arch2infos"))
}

/// SHA-256 and size of the file at `path`, read in 1 MiB blocks.
pub fn sha256_file(path: &Path) -> Result<([u8; 32], u64), Error> {
    let what = || format!("hashing {}", path.display());
    let (mut f, _) = tnb_schema::file::open_regular(path).map_err(|e| Error::io(what(), e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf).map_err(|e| Error::io(what(), e))?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((h.finalize().into(), n))
}

/// Pass 2 over a scanned file into `conv`: every entry, then the top-level object.
fn feed<W: std::io::Write>(
    src: &Path,
    scan: &StreamScan,
    limits: &StreamLimits,
    conv: &mut Converter<W>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<tnb_pth::Obj, Error> {
    // The converter's error is carried through the reader as text (with the reader's byte
    // offset added); keep the original to return it unchanged.
    let mut failed: Option<Error> = None;
    let r = stream_load(
        src,
        scan,
        "arch2infos",
        limits,
        &mut |k, v| {
            conv.entry(&k, &v).map_err(|e| {
                let text = e.to_string();
                failed = Some(e);
                text
            })
        },
        progress,
    );
    match (r, failed) {
        (_, Some(e)) => Err(e),
        (Ok(top), None) => Ok(top),
        (Err(e), None) => Err(e.into()),
    }
}

/// Converts the `.pth` at `src` into the archive `dst` (atomically, see [`write_file`]), after
/// scanning it. `progress(phase, done, total)` reports bytes.
pub fn convert_file(
    src: &Path,
    dst: &Path,
    limits: &StreamLimits,
    progress: &mut dyn FnMut(Phase, u64, u64),
    accept: Accept<'_>,
) -> Result<Summary, Error> {
    let t = Instant::now();
    let scan = stream_scan(src, limits, &mut |d, n| progress(Phase::Scan, d, n))?;
    let scanned = t.elapsed();
    let mut s = convert_scanned(src, &scan, dst, limits, progress, accept)?;
    s.timings.insert(0, (Phase::Scan, scanned));
    Ok(s)
}

/// [`convert_file`] of a file already scanned (the tools scan first to recognise the family).
pub fn convert_scanned(
    src: &Path,
    scan: &StreamScan,
    dst: &Path,
    limits: &StreamLimits,
    progress: &mut dyn FnMut(Phase, u64, u64),
    accept: Accept<'_>,
) -> Result<Summary, Error> {
    check_destination(src, dst)?;
    let mut timings = Vec::new();
    let mut t = Instant::now();
    let (header, archive_size, stats) = std::thread::scope(|sc| {
        let hash = sc.spawn(|| sha256_file(src));
        write_file(dst, tnb_schema::header::Family::Nb201, accept, |conv| {
            let top = feed(src, scan, limits, conv, &mut |d, n| progress(Phase::Convert, d, n))?;
            timings.push((Phase::Convert, t.elapsed()));
            t = Instant::now();
            progress(Phase::Finish, 0, 1);
            let (sha, size) =
                hash.join().map_err(|_| Error::Source("the hashing thread panicked".into()))??;
            Ok(Fed { top, source_size: size, source_sha256: sha })
        })
    })?;
    timings.push((Phase::Finish, t.elapsed()));
    Ok(Summary { source_size: header.source_size, archive_size, header, stats, timings })
}

/// `tnb verify --source`: the payload `src` converts to, rebuilt in memory (same bytes as the
/// converter wrote, since conversion is deterministic).
pub fn rebuild_payload_file(
    src: &Path,
    limits: &StreamLimits,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Payload<Vec<u8>>, Error> {
    let scan = stream_scan(src, limits, &mut |_, _| {})?;
    let mut conv = Converter::in_memory();
    let top = feed(src, &scan, limits, &mut conv, progress)?;
    conv.finish(&top)
}

/// A writer that compares what it is given with `expected`, keeping no copy: `tnb verify
/// --source` streams the rebuilt payload through it instead of holding a second GB in memory.
#[derive(Debug)]
pub struct Compare<'a> {
    expected: &'a [u8],
    at: u64,
    /// The first byte position that differs (or where the rebuilt payload ran past `expected`).
    pub first_difference: Option<u64>,
}

impl<'a> Compare<'a> {
    /// A comparison with `expected`.
    pub fn new(expected: &'a [u8]) -> Compare<'a> {
        Compare { expected, at: 0, first_difference: None }
    }

    /// Whether everything written equals `expected`, whole.
    pub fn equal(&self) -> bool {
        self.first_difference.is_none() && self.at == self.expected.len() as u64
    }
}

impl std::io::Write for Compare<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.first_difference.is_none() {
            let start = (self.at as usize).min(self.expected.len());
            let want = &self.expected[start..(start + buf.len()).min(self.expected.len())];
            if let Some(i) = buf.iter().zip(want).position(|(a, b)| a != b) {
                self.first_difference = Some(self.at + i as u64);
            } else if want.len() < buf.len() {
                self.first_difference = Some(self.at + want.len() as u64);
            }
        }
        self.at += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `tnb verify --source` without a second copy in memory: converts `src` again, streaming the
/// payload through a [`Compare`] with `payload` (an archive's). `Ok(None)`: byte-identical;
/// `Ok(Some(at))`: the first payload position that differs (or the shorter length).
pub fn compare_source(
    src: &Path,
    payload: &[u8],
    limits: &StreamLimits,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Option<u64>, Error> {
    let scan = stream_scan(src, limits, &mut |_, _| {})?;
    let mut conv = Converter::new(Compare::new(payload));
    let top = feed(src, &scan, limits, &mut conv, progress)?;
    let p = conv.finish(&top)?;
    Ok(if p.out.equal() {
        None
    } else {
        Some(p.out.first_difference.unwrap_or(p.out.at.min(payload.len() as u64)))
    })
}

/// Refuses a destination that is not a regular file or is the source itself (same device and
/// inode), before any work (`tnb_mapped::replace::check_destination`).
pub fn check_destination(src: &Path, dst: &Path) -> Result<(), Error> {
    Ok(tnb_mapped::replace::check_destination(src, dst)?)
}
