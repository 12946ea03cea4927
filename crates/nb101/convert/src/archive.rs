//! Source file → archive, in memory or atomically on disk, and the byte comparison behind
//! `tnb verify --source`.

use std::path::Path;

use tnb_nb101_store::{BuildError, Builder, Nb101Store, Provenance};
use tnb_schema::header::HEADER_LEN;

use crate::{ConvertError, Source, for_each_record, open_source};

/// The most records reserved up front from a source's size (a little over the full file's
/// 5.08 M): a huge or oddly shaped file grows the builder's columns as it goes instead.
pub const MAX_RESERVED_RECORDS: u64 = 6 << 20;

/// Bytes per record assumed when reserving (the real files' average is about 385).
const RECORD_BYTES_ESTIMATE: u64 = 360;

/// What a conversion wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Records read (= runs).
    pub records: u64,
    /// Cells (distinct hashes).
    pub cells: u64,
    /// `valid_epochs`, in first-appearance order.
    pub valid_epochs: Vec<i64>,
    /// Cells in the archive's canonical (isomorphism) index.
    pub canonical: u64,
    /// Bytes of the archive.
    pub bytes: u64,
    /// Bytes of the source.
    pub source_size: u64,
    /// SHA-256 of the source.
    pub sha256: [u8; 32],
}

/// The builder's refusal of one record, without its `record N:` prefix (the pipeline names
/// the record and its offset).
fn reason(e: BuildError) -> String {
    match e {
        BuildError::Record { reason, .. } => reason,
        other => other.to_string(),
    }
}

/// Reads `src` (`name` in errors, `size` bytes) into a builder.
fn build(
    src: impl std::io::Read + Send,
    name: &str,
    size: u64,
    progress: impl FnMut(u64, u64),
) -> Result<(Builder, Source), ConvertError> {
    let mut b = Builder::new();
    let estimate = (size / RECORD_BYTES_ESTIMATE).min(MAX_RESERVED_RECORDS);
    b.reserve(usize::try_from(estimate).unwrap_or(0));
    let source = for_each_record(src, name, size, |r| b.push(&r.record).map_err(reason), progress)?;
    Ok((b, source))
}

/// Converts the TFRecord file `src` into the archive `dst`, replacing `dst` atomically (on any
/// error `dst` is untouched and no temporary file is left). `progress(read, total)` follows the
/// source's bytes.
pub fn convert(
    src: &Path,
    dst: &Path,
    progress: impl FnMut(u64, u64),
) -> Result<Summary, ConvertError> {
    tnb_mapped::replace::check_destination(src, dst)
        .map_err(|e| ConvertError::Build(e.to_string()))?;
    let (f, size) = open_source(src)?;
    let name = src.display().to_string();
    let (b, source) = build(f, &name, size, progress)?;
    let s = b
        .write_file(dst, &Provenance::new(source.size, source.sha256))
        .map_err(|e| ConvertError::Build(e.to_string()))?;
    Ok(Summary {
        records: s.records,
        cells: s.cells,
        valid_epochs: s.valid_epochs,
        canonical: s.canonical,
        bytes: s.bytes,
        source_size: source.size,
        sha256: source.sha256,
    })
}

/// The archive of a TFRecord file held in memory (what Python's `NASBench(path_to_tfrecord)`
/// opens without writing anything), its provenance that of `data`.
pub fn convert_bytes(data: &[u8]) -> Result<Vec<u8>, ConvertError> {
    let (b, source) = build(data, "<memory>", data.len() as u64, |_, _| {})?;
    b.finish(&Provenance::new(source.size, source.sha256))
        .map_err(|e| ConvertError::Build(e.to_string()))
}

/// `tnb verify --source`: converts `src` again in memory and compares the result with
/// `archive` byte for byte. `None` when they are identical; otherwise the first difference,
/// provenance first (the source's size, then its SHA-256), then the header, then the payload.
pub fn compare_source<B: AsRef<[u8]>>(
    archive: &Nb101Store<B>,
    src: &Path,
) -> Result<Option<String>, ConvertError> {
    compare_source_with_progress(archive, src, |_, _| {})
}

/// [`compare_source`] with `progress(read, total)` over the source's bytes.
pub fn compare_source_with_progress<B: AsRef<[u8]>>(
    archive: &Nb101Store<B>,
    src: &Path,
    progress: impl FnMut(u64, u64),
) -> Result<Option<String>, ConvertError> {
    let (f, size) = open_source(src)?;
    let h = archive.header();
    if h.source_size != size {
        return Ok(Some(format!(
            "source size: the archive was made from {} bytes, {} has {size}",
            h.source_size,
            src.display()
        )));
    }
    let (b, source) = build(f, &src.display().to_string(), size, progress)?;
    if h.source_sha256 != source.sha256 {
        let hex = |s: &[u8; 32]| s.iter().map(|b| format!("{b:02x}")).collect::<String>();
        return Ok(Some(format!(
            "source SHA-256: the archive was made from {}, {} has {}",
            hex(&h.source_sha256),
            src.display(),
            hex(&source.sha256)
        )));
    }
    let rebuilt = b
        .finish(&Provenance::new(source.size, source.sha256))
        .map_err(|e| ConvertError::Build(e.to_string()))?;
    Ok(first_difference(archive.bytes(), &rebuilt))
}

/// Where two archives first differ, in words.
pub(crate) fn first_difference(archive: &[u8], rebuilt: &[u8]) -> Option<String> {
    let i = archive.iter().zip(rebuilt).position(|(a, b)| a != b);
    match i {
        None if archive.len() == rebuilt.len() => None,
        None => Some(format!(
            "the archive has {} bytes, the source converts to {} (identical up to there)",
            archive.len(),
            rebuilt.len()
        )),
        Some(i) if i < HEADER_LEN => Some(format!(
            "header byte {i}: archive 0x{:02x}, the source converts to 0x{:02x} (another \
             converter version, or a modified header)",
            archive[i], rebuilt[i]
        )),
        Some(i) => Some(format!(
            "payload byte {}: archive 0x{:02x}, the source converts to 0x{:02x}",
            i - HEADER_LEN,
            archive[i],
            rebuilt[i]
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_difference_says_where() {
        let a = vec![1u8; HEADER_LEN + 10];
        assert_eq!(first_difference(&a, &a), None);
        let mut b = a.clone();
        b[3] = 2;
        assert!(first_difference(&a, &b).unwrap().starts_with("header byte 3: archive 0x01"));
        b[3] = 1;
        b[HEADER_LEN + 4] = 9;
        assert_eq!(
            first_difference(&a, &b).unwrap(),
            "payload byte 4: archive 0x01, the source converts to 0x09"
        );
        assert!(first_difference(&a, &a[..5]).unwrap().starts_with("the archive has"));
    }
}
