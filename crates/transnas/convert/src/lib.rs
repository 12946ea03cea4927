//! Converts a TransNAS-Bench-101 `.pth` into a `.tnb` archive.
//!
//! The source is read with [`tnb_pth`] (nothing executed), checked against the TransNAS-Bench
//! layout described by its own `task_list`, `metrics_dict` and `info_names`, and turned into the
//! flat columns of [`tnb_schema::transnas::Benchmark`] plus the precomputed answers (best epochs, the
//! `get_best_archs` order). Every value survives bit for bit, and everything the layout does not
//! name is kept with its position, so dumping the archive gives back the source object exactly.
//! Files that do not fit the layout are refused with an error naming the object path.
//!
//! ```no_run
//! let summary = tnb_convert::convert_file(
//!     "transnas-bench_v10141024.pth".as_ref(),
//!     "transnas.tnb".as_ref(),
//!     &mut |_phase| {},
//!     // The reader's check of the written file (`tnb_verify::opens` in practice).
//!     &|_written| Ok(()),
//! )?;
//! println!("{} archs in {} bytes", summary.archs, summary.archive_size);
//! # Ok::<(), tnb_convert::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod column;
mod error;
mod fill;
mod generic;
mod layout;
mod py;
mod rank;
mod read;
mod write;

use std::num::NonZeroUsize;
use std::path::Path;
use std::time::{Duration, Instant};

pub use error::Error;
pub use read::{SourceBytes, read_file};
use sha2::{Digest, Sha256};
use tnb_pickle::Limits;
use tnb_schema::header::Header;
use tnb_schema::transnas::Benchmark;
pub use write::{Accept, CONVERTER, check_destination, to_bytes, write_file};

/// A stage of a conversion, reported as it starts (for progress display).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Reading the source file.
    Read,
    /// Parsing the pickle (and hashing the source on another thread).
    Parse,
    /// Checking the layout and building columns and rankings.
    Build,
    /// Writing the archive.
    Write,
}

/// What a conversion did, for the one-screen summary.
#[derive(Clone, Debug)]
pub struct Summary {
    /// Source size in bytes.
    pub source_size: u64,
    /// Source format (`zip`, `legacy`, `pickle`).
    pub source_format: &'static str,
    /// Whether the object is a benchmark (`false`: archived as a plain object, which `dump` and
    /// `verify` handle but queries cannot).
    pub benchmark: bool,
    /// Archive size in bytes.
    pub archive_size: u64,
    /// Search spaces, in order, with their arch counts.
    pub spaces: Vec<(String, usize)>,
    /// Architectures.
    pub archs: usize,
    /// Tasks.
    pub tasks: usize,
    /// Metric columns (tasks × metrics).
    pub metrics: usize,
    /// Metric values stored.
    pub values: u64,
    /// Generic nodes (top level and extras).
    pub generic_nodes: usize,
    /// The header written.
    pub header: Header,
    /// Time per phase.
    pub timings: Vec<(Phase, Duration)>,
}

/// How a conversion runs. The archive does not depend on it: any thread count gives the same
/// bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Threads that fill the columns; `None` (the default): one per core.
    pub threads: Option<NonZeroUsize>,
}

impl Options {
    /// These options with the columns filled on `threads` threads (`tnb convert --threads N`).
    pub fn with_threads(self, threads: NonZeroUsize) -> Options {
        Options { threads: Some(threads) }
    }
}

/// Builds the archive's payload from a source file's bytes (a `.pth` or a bare pickle).
/// An object that is not a benchmark (no `task_list` and `data`) is archived as a plain object.
pub fn build(source: &[u8], limits: &Limits) -> Result<Benchmark, Error> {
    build_with(source, limits, &Options::default())
}

/// Builds the archive's payload from an already loaded document: what [`build`] does after
/// parsing. `tnb verify --source` uses it to recompute every precomputed answer (best epochs,
/// rankings and their status) and compare them with an archive's.
pub fn build_document(doc: &tnb_pth::Document<'_>) -> Result<Benchmark, Error> {
    build_doc(doc, &Options::default())
}

/// [`build`] with [`Options`].
pub fn build_with(source: &[u8], limits: &Limits, options: &Options) -> Result<Benchmark, Error> {
    let doc = tnb_pth::load_with(source, limits)?;
    build_doc(&doc, options)
}

fn build_doc(doc: &tnb_pth::Document<'_>, options: &Options) -> Result<Benchmark, Error> {
    fill::with_threads(options.threads, || {
        if layout::is_benchmark(doc) { layout::build(doc) } else { layout::build_plain(doc) }
    })
}

/// The message of a thread's panic (`panic!` gives a `&str` or a `String`).
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    match (panic.downcast_ref::<&str>(), panic.downcast_ref::<String>()) {
        (Some(m), _) => (*m).to_owned(),
        (_, Some(m)) => m.clone(),
        _ => "the hashing thread panicked".to_owned(),
    }
}

/// SHA-256 of the source, for the provenance fields.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Converts source bytes into a whole archive in memory.
pub fn convert_bytes(source: &[u8]) -> Result<Vec<u8>, Error> {
    convert_bytes_with(source, &Options::default())
}

/// [`convert_bytes`] with [`Options`].
pub fn convert_bytes_with(source: &[u8], options: &Options) -> Result<Vec<u8>, Error> {
    let bench = build_with(source, &Limits::default(), options)?;
    to_bytes(&bench, source.len() as u64, sha256(source))
}

/// Converts the file `src` into the archive `dst`, atomically (see [`write_file`]; `accept` is
/// the reader's check of the written file). `progress` hears each phase as it starts.
pub fn convert_file(
    src: &Path,
    dst: &Path,
    progress: &mut dyn FnMut(Phase),
    accept: Accept<'_>,
) -> Result<Summary, Error> {
    convert_file_with(src, dst, &Options::default(), progress, accept)
}

/// [`convert_file`] with [`Options`].
pub fn convert_file_with(
    src: &Path,
    dst: &Path,
    options: &Options,
    progress: &mut dyn FnMut(Phase),
    accept: Accept<'_>,
) -> Result<Summary, Error> {
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |p: Phase, timings: &mut Vec<(Phase, Duration)>| {
        let now = Instant::now();
        timings.push((p, now - clock));
        clock = now;
    };
    // Before any work: never replace the source or a special file.
    check_destination(src, dst)?;
    progress(Phase::Read);
    let bytes = read_file(src)?;
    lap(Phase::Read, &mut timings);
    progress(Phase::Parse);
    // The hash runs on the second core while this one parses. A failed hash is an error, never a
    // made-up digest: the header's SHA-256 is how an archive is matched to its source.
    let (doc, sha) = std::thread::scope(|s| {
        let h = s.spawn(|| sha256(&bytes));
        let doc = tnb_pth::load(&bytes);
        (doc, h.join().map_err(|panic| Error::Hash(panic_message(panic.as_ref()))))
    });
    let doc = doc?;
    let sha = sha?;
    let source_format = doc.format.name();
    lap(Phase::Parse, &mut timings);
    progress(Phase::Build);
    let benchmark = layout::is_benchmark(&doc);
    let bench = build_doc(&doc, options)?;
    // The source and its arena are no longer needed: free them before serialising so the
    // peak memory is the larger of the two stages, not their sum.
    drop(doc);
    let source_size = bytes.len() as u64;
    drop(bytes);
    lap(Phase::Build, &mut timings);
    progress(Phase::Write);
    let (header, archive_size) = write_file(&bench, source_size, sha, dst, accept)?;
    lap(Phase::Write, &mut timings);
    let starts = &bench.space_starts;
    Ok(Summary {
        source_size,
        source_format,
        benchmark,
        archive_size,
        spaces: bench
            .space_names
            .iter()
            .zip(starts.windows(2))
            .map(|(n, w)| (n.clone(), (w[1] - w[0]) as usize))
            .collect(),
        archs: bench.arch_offsets.len().saturating_sub(1),
        tasks: bench.tasks.len(),
        metrics: bench.tasks.iter().map(|t| t.metrics.len()).sum(),
        values: bench
            .tasks
            .iter()
            .map(|t| u64::from(*t.offsets.last().unwrap_or(&0)) * t.metrics.len() as u64)
            .sum(),
        generic_nodes: bench.generic.kinds.len(),
        header,
        timings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn a_failed_hash_is_an_error_with_the_panic_message() {
        let panic = std::thread::spawn(|| panic!("out of memory")).join().unwrap_err();
        let e = Error::Hash(panic_message(panic.as_ref()));
        assert_eq!(e.to_string(), "hashing the source failed: out of memory");
        let panic = std::thread::spawn(|| std::panic::panic_any(7u8)).join().unwrap_err();
        assert_eq!(panic_message(panic.as_ref()), "the hashing thread panicked");
    }

    #[test]
    fn wrapping_errors_expose_their_source() {
        let io = Error::io("reading x", std::io::Error::other("disk on fire"));
        assert_eq!(io.source().map(|s| s.to_string()).as_deref(), Some("disk on fire"));
        let src = convert_bytes(b"not a pickle").unwrap_err();
        assert!(matches!(src, Error::Source(_)) && src.source().is_some(), "{src:?}");
        assert!(Error::TooLarge("x".into()).source().is_none());
    }
}
