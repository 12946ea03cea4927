//! Converts NAS-Bench-101 TFRecord files into archives without executing anything, streaming,
//! and compares an archive with its source.
//!
//! The source is read with `read()` (never mapped: a mapped 2 GB file's pages would count in
//! the process's memory) by one thread that checks each record's framing and CRCs
//! (`tnb-tfrecord`) and hashes the file (SHA-256, for the archive's provenance) as it goes; two
//! threads decode batches of records (`tnb-nb101-record`: exactly what the official loader
//! makes of them, anything else refused); the caller's thread pushes them, in file order, to
//! the archive builder (`tnb-nb101-store`). Memory stays bounded by the builder's columns plus
//! a few batches, whatever the file's size. Every error is one line naming the file, the
//! record's index and the byte offset of its length field.
//!
//! ```
//! use tnb_nb101_convert::record::{EvalSpec, RecordSpec, encode};
//! let evals = [EvalSpec::default(), EvalSpec::full(54.0, [1.0, 0.5, 0.5, 0.5]),
//!              EvalSpec::full(108.0, [2.0, 0.9, 0.8, 0.7])];
//! let spec = RecordSpec {
//!     hash: [7; 16], epochs: 108, n: 2, adjacency: 0b0010, operations: "input,output",
//!     trainable_parameters: Some(1234), total_time: None, evaluations: &evals,
//! };
//! let (mut file, mut rec) = (Vec::new(), Vec::new());
//! encode(&spec, &mut rec);
//! tnb_nb101_convert::tfrecord::write_record(&mut file, &rec)?;
//! let archive = tnb_nb101_convert::convert_bytes(&file)?;
//! let store = tnb_nb101_store::Nb101Store::copy_from(&archive)?;
//! assert_eq!((store.cells(), store.runs(), store.valid_epochs()), (1, 1, &[108][..]));
//! assert_eq!(store.header().source_size, file.len() as u64);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod archive;
mod error;
mod pipeline;

use std::fs::File;
use std::io::Read;
use std::path::Path;

pub use archive::{
    MAX_RESERVED_RECORDS, Summary, compare_source, compare_source_with_progress, convert,
    convert_bytes,
};
pub use error::ConvertError;
pub use pipeline::{BATCH_BYTES, BATCHES_IN_FLIGHT, DECODERS};
use pipeline::{Item, Stop};
/// The record decoder this converter runs (re-exported for callers that only depend on the
/// converter, such as the fuzz targets' replay in the CLI's tests).
pub use tnb_nb101_record as record;
use tnb_nb101_store::RecordIn;
/// The TFRecord framing this converter reads with (re-exported, as [`record`]).
pub use tnb_tfrecord as tfrecord;
use tnb_tfrecord::RecordAt;

/// One decoded record as the pipeline hands it on: where it is in the file, and what the
/// store's builder takes (`tnb_nb101_record::Record` flattened, operations not split).
#[derive(Clone, Copy, Debug)]
pub struct Flat<'a> {
    /// Where the record is in the file.
    pub at: RecordAt,
    /// The record's fields.
    pub record: RecordIn<'a>,
}

/// The source's size and SHA-256, as read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source {
    /// Bytes read.
    pub size: u64,
    /// SHA-256 of those bytes.
    pub sha256: [u8; 32],
    /// Records read.
    pub records: u64,
}

/// Reads every record of `src` (named `name` in errors; `total` bytes expected, for
/// `progress(read, total)`) through the parallel pipeline and hands each, decoded, to `each`
/// in file order. `each`'s error (a message) stops the reading and is reported for that
/// record.
pub fn for_each_record<R: Read + Send>(
    src: R,
    name: &str,
    total: u64,
    mut each: impl FnMut(&Flat<'_>) -> Result<(), String>,
    progress: impl FnMut(u64, u64),
) -> Result<Source, ConvertError> {
    let mut records = 0u64;
    let sink = |it: Item<'_>| {
        let d = it.rec;
        records += 1;
        let record = RecordIn {
            hash: d.hash,
            epochs: d.epochs,
            n: d.n,
            adjacency: d.adjacency,
            operations: it.ops,
            trainable_parameters: d.trainable_parameters,
            halfway: d.halfway,
            final_: d.final_,
        };
        each(&Flat { at: it.at, record }).map_err(|reason| (it.at, reason))
    };
    let at_record = |at: RecordAt, reason: String| ConvertError::Record {
        file: name.to_string(),
        index: at.index,
        offset: at.offset,
        reason,
    };
    match pipeline::run(src, total, sink, progress) {
        Ok((sha256, size)) => Ok(Source { size, sha256, records }),
        Err(Stop::Sink((at, reason))) => Err(at_record(at, reason)),
        Err(Stop::Record(at, e)) => Err(at_record(at, e.to_string())),
        Err(Stop::Framing(e)) => {
            if e.index == 0 && !matches!(e.problem, tnb_tfrecord::Problem::Io(_)) {
                // The very first header does not check: not a TFRecord file (an empty file
                // reads as zero records).
                if let tnb_tfrecord::Problem::LengthCrc { .. } = e.problem {
                    return Err(ConvertError::NotTfrecord(name.to_string()));
                }
            }
            Err(ConvertError::Record {
                file: name.to_string(),
                index: e.index,
                offset: e.offset,
                reason: e.problem.to_string(),
            })
        }
    }
}

/// Opens `src` for reading (a regular file, without waiting on a FIFO) and returns it with its
/// size.
pub(crate) fn open_source(src: &Path) -> Result<(File, u64), ConvertError> {
    let what = || format!("reading {}", src.display());
    let (f, meta) = tnb_schema::file::open_regular(src).map_err(|e| ConvertError::io(what(), e))?;
    Ok((f, meta.len()))
}

/// Decodes every record of the file `src` without building anything: its record count, size
/// and SHA-256, or the first problem.
pub fn scan_file(src: &Path, progress: impl FnMut(u64, u64)) -> Result<Source, ConvertError> {
    let (f, size) = open_source(src)?;
    for_each_record(f, &src.display().to_string(), size, |_| Ok(()), progress)
}
