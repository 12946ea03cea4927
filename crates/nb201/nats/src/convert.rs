//! `convert`, `rebuild_payload`, `compare_source`, `load_object`: what the tools call.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use tnb_nb201_convert::{Accept, Compare, Converter, Fed, Payload, Phase, Stats, write_file};
use tnb_schema::header::Header;

use crate::error::Error;
use crate::source::{Form, Guessed, Loaded, Options, Source};
use crate::space::Space;

/// What a conversion did.
#[derive(Clone, Debug)]
pub struct Summary {
    /// The space (the header's family).
    pub space: Space,
    /// The source's form.
    pub form: Form,
    /// Archs converted (per-arch files, or the single file's `arch2infos` entries).
    pub entries: usize,
    /// A folder's arch count (`len(meta_archs)`); `None` for a single file.
    pub total_archs: Option<usize>,
    /// A folder's arch indices without a file, ascending.
    pub missing: Vec<i64>,
    /// A folder's directory entries not read (other files).
    pub ignored: usize,
    /// Bytes read from the source (all files of a folder).
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

/// Archs listed by [`Summary::missing_text`] before "...".
pub const MISSING_LISTED: usize = 10;

impl Summary {
    /// "N of M archs have no file: i, j, ... " for a folder lacking archs (the first
    /// [`MISSING_LISTED`] indices), `None` when none is missing.
    pub fn missing_text(&self) -> Option<String> {
        missing_text(&self.missing, self.total_archs)
    }
}

/// See [`Summary::missing_text`].
pub fn missing_text(missing: &[i64], total: Option<usize>) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    let list: Vec<String> = missing.iter().take(MISSING_LISTED).map(i64::to_string).collect();
    let more = if missing.len() > MISSING_LISTED { ", ..." } else { "" };
    let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
    Some(format!(
        "{}{of} archs have no file (the official API would fail on them): {}{more}",
        missing.len(),
        list.join(", ")
    ))
}

/// Converts the NATS-Bench source at `src` (a `-simple` folder or a single `.pickle.pbz2`,
/// either space, recognised by content) into the archive `dst`, atomically (see
/// [`tnb_nb201_convert::write_file`]; `accept` is normally the store's open). A folder's files
/// are decoded on all cores. `progress(phase, done, total)`: a folder reports files converted,
/// a single file compressed bytes read in each pass ([`Phase::Scan`], [`Phase::Convert`]).
pub fn convert(
    src: &Path,
    dst: &Path,
    progress: &mut dyn FnMut(Phase, u64, u64),
    accept: Accept<'_>,
) -> Result<Summary, Error> {
    convert_with(src, dst, &Options::default(), progress, accept)
}

/// [`convert`] with explicit [`Options`].
pub fn convert_with(
    src: &Path,
    dst: &Path,
    opts: &Options,
    progress: &mut dyn FnMut(Phase, u64, u64),
    accept: Accept<'_>,
) -> Result<Summary, Error> {
    tnb_nb201_convert::check_destination(src, dst)?;
    let mut source = Source::open(src)?;
    loop {
        let mut timings = Vec::new();
        let mut t = Instant::now();
        let mut failed: Option<Error> = None;
        let mut guessed: Option<Space> = None;
        let r = write_file(dst, source.space().family(), accept, |conv| {
            let fed = match source.feed(conv, opts, progress) {
                Ok(Ok(fed)) => fed,
                Ok(Err(Guessed(s))) => {
                    guessed = Some(s);
                    return Err(tnb_nb201_convert::Error::Source("read again".into()));
                }
                Err(e) => {
                    let text = e.to_string();
                    failed = Some(e);
                    return Err(tnb_nb201_convert::Error::Source(text));
                }
            };
            timings.push((Phase::Convert, t.elapsed()));
            t = Instant::now();
            progress(Phase::Finish, 0, 1);
            Ok(fed)
        });
        if let Some(s) = guessed {
            // A single file whose first bytes did not say its space: read again as `s`.
            source.guess(s);
            continue;
        }
        let (header, archive_size, stats) = match (r, failed) {
            (_, Some(e)) => return Err(e),
            (Err(e), None) => return Err(e.into()),
            (Ok(v), None) => v,
        };
        timings.push((Phase::Finish, t.elapsed()));
        return Ok(Summary {
            space: source.space(),
            form: source.form(),
            entries: stats.entries,
            total_archs: source.total_archs(),
            missing: source.missing().to_vec(),
            ignored: source.ignored(),
            source_size: header.source_size,
            archive_size,
            header,
            stats,
            timings,
        });
    }
}

/// A payload rebuilt from a source ([`rebuild_payload`]), with the header fields it gives.
#[derive(Debug)]
pub struct Rebuilt {
    /// The payload (same bytes as the converter wrote: conversion is deterministic).
    pub payload: Payload<Vec<u8>>,
    /// The space (the header's family).
    pub space: Space,
    /// The source's size, as the header records it.
    pub source_size: u64,
    /// The source's SHA-256, as the header records it.
    pub source_sha256: [u8; 32],
}

/// Feeds `src` into converters from `make` until the space is right (a single file whose first
/// bytes did not say its space is read twice).
fn rebuild<W: Write>(
    src: &Path,
    opts: &Options,
    progress: &mut dyn FnMut(Phase, u64, u64),
    make: &mut dyn FnMut(Space) -> Converter<W>,
) -> Result<(Payload<W>, Space, Fed), Error> {
    let mut source = Source::open(src)?;
    loop {
        let mut conv = make(source.space());
        match source.feed(&mut conv, opts, progress)? {
            Ok(fed) => {
                let p = conv.finish(&fed.top)?;
                return Ok((p, source.space(), fed));
            }
            Err(Guessed(s)) => source.guess(s),
        }
    }
}

/// `tnb verify --source`: the payload `src` converts to, rebuilt in memory, with the
/// provenance the header records.
pub fn rebuild_payload(
    src: &Path,
    progress: &mut dyn FnMut(Phase, u64, u64),
) -> Result<Rebuilt, Error> {
    let (payload, space, fed) = rebuild(src, &Options::default(), progress, &mut |s| {
        Converter::with_family(Vec::new(), s.family())
    })?;
    Ok(Rebuilt { payload, space, source_size: fed.source_size, source_sha256: fed.source_sha256 })
}

/// `tnb verify --source` without a second payload in memory: converts `src` again, comparing
/// the bytes with `payload` (an archive's) as they come. `Ok((None, space))`: identical;
/// `Ok((Some(at), space))`: the first position that differs (or the shorter length).
pub fn compare_source(
    src: &Path,
    payload: &[u8],
    progress: &mut dyn FnMut(Phase, u64, u64),
) -> Result<(Option<u64>, Space), Error> {
    let (p, space, _) = rebuild(src, &Options::default(), progress, &mut |s| {
        Converter::with_family(Compare::new(payload), s.family())
    })?;
    let diff = if p.out.equal() {
        None
    } else {
        Some(p.out.first_difference.unwrap_or(p.stats.payload_len.min(payload.len() as u64)))
    };
    Ok((diff, space))
}

/// The whole source in memory, for small sources (tests, Python's in-memory path): see
/// [`Source::load`].
pub fn load_object(src: &Path) -> Result<Loaded, Error> {
    Source::open(src)?.load(&Options::default())
}
