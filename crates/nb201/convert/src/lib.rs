//! Converts NAS-Bench-201 and NATS-Bench objects into NB201 `.tnb` archives (format:
//! `schema/FORMAT-NB201.md`; the header's family says which benchmark: [`Converter::new`] is
//! NAS-Bench-201, [`Converter::with_family`] a NATS-Bench space, whose entries are
//! `{hp: ArchResults state}` dicts with any str hp keys). One object (a `.pth`, a NATS single
//! file) ends with [`Converter::finish`]; a NATS `-simple` folder, whose entries are the per-arch
//! files, ends with [`Converter::finish_folder`] and the meta file's object.
//!
//! A [`Converter`] takes the `arch2infos` entries one at a time (as the streaming reader hands
//! them out, each dropped after), checks each against the NB201 layout (ArchResults and
//! ResultsCount states, exactly as the official API writes them), appends its numbers to the
//! payload's cells (straight to the output, so a multi-GB source never sits in memory) and its
//! names and shapes to small columns; [`Converter::finish`] then takes the top-level object
//! (`meta_archs`, `evaluated_indexes`, any other key) and writes the rest of the payload. Every
//! value survives with its Python type (float / np.float64 / int / bool), every dict with its key
//! order and kind (dict or OrderedDict), so that a dump of the archive equals a dump of the
//! source. Anything the layout does not model is refused with one line naming the object path.
//! The same input always gives the same bytes.
//!
//! ```
//! use tnb_pickle::stream::Obj;
//! let top = Obj::Dict {
//!     items: vec![
//!         (Obj::Str("meta_archs".into()), Obj::List(vec![])),
//!         (Obj::Str("arch2infos".into()), Obj::Dict { items: vec![], ordered: false }),
//!         (Obj::Str("evaluated_indexes".into()), Obj::List(vec![])),
//!     ],
//!     ordered: false,
//! };
//! let archive = tnb_nb201_convert::archive_bytes(&top, 0, [0; 32])?;
//! assert_eq!(&archive[..4], b"\x89TNB");
//! # Ok::<(), tnb_nb201_convert::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod arena;
mod build;
mod cells;
mod error;
mod file;
mod path;
pub mod sample;
mod top;
mod write;

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

pub use arena::{MAX_ARENA_DEPTH, from_document};
pub use build::{MAX_ARCH_KEY, MAX_GENERIC_DEPTH, MAX_GENERIC_NODES};
pub use error::Error;
pub use file::{
    Compare, Phase, Summary, check_destination, compare_source, convert_file, convert_scanned,
    looks_like_nb201, rebuild_payload_file, sha256_file,
};
use tnb_pickle::stream::Obj;
pub use tnb_schema::header::Family;
use tnb_schema::header::{HEADER_LEN, Header};
pub use top::REQUIRED_KEYS;
pub use write::{Accept, CONVERTER};

/// What a payload holds, for summaries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// `arch2infos` entries.
    pub entries: usize,
    /// ResultsCount states (runs).
    pub runs: usize,
    /// Cells (8-byte numbers) in the payload.
    pub cells: u64,
    /// Distinct dict key lists.
    pub keysets: usize,
    /// Distinct strings.
    pub strings: usize,
    /// Bytes of the rkyv root.
    pub root_len: u64,
    /// Payload bytes.
    pub payload_len: u64,
}

/// A finished payload: the writer it went to, its length and CRC-32, and what it holds.
#[derive(Debug)]
pub struct Payload<W> {
    /// The writer (for [`Converter::in_memory`], the payload bytes).
    pub out: W,
    /// CRC-32 of the payload.
    pub crc32: u32,
    /// What it holds.
    pub stats: Stats,
}

/// Builds one payload (see the crate docs).
pub struct Converter<W: Write> {
    b: build::Builder<W>,
    /// Whether [`Converter::finish`] writes form 1 (a NATS `-simple` folder).
    folder: bool,
}

impl Converter<Vec<u8>> {
    /// A converter building the payload in memory.
    pub fn in_memory() -> Converter<Vec<u8>> {
        Converter::new(Vec::new())
    }
}

impl<W: Write> Converter<W> {
    /// A NAS-Bench-201 converter writing the payload to `out` as it goes (the cells first, as
    /// entries come).
    pub fn new(out: W) -> Converter<W> {
        Converter::with_family(out, Family::Nb201)
    }

    /// A converter for `family` (NAS-Bench-201, or a NATS-Bench space: then entries are
    /// `{hp: ArchResults state}` dicts with any str hp keys). The family goes in the header
    /// (`header_for`); nothing space-specific is checked here (the caller checks the archs).
    pub fn with_family(out: W, family: Family) -> Converter<W> {
        Converter { b: build::Builder::new(out, family), folder: false }
    }

    /// The family the converter was made for.
    pub fn family(&self) -> Family {
        self.b.family
    }

    /// Makes [`Converter::finish`] write a NATS `-simple` folder (form 1, as
    /// [`Converter::finish_folder`]): for feeders of [`write_file`], which calls `finish`.
    pub fn mark_folder(&mut self) {
        self.folder = true;
    }

    /// The header of a payload this converter made (its family, this converter's name).
    pub fn header_for(&self, p: &Stats, crc32: u32, source_size: u64, sha: [u8; 32]) -> Header {
        write::header(self.b.family, p.payload_len, crc32, source_size, sha)
    }

    /// One `arch2infos` item `(key, value)`, in the source's order (for a folder: the file's
    /// index and the file's object, by ascending index).
    pub fn entry(&mut self, key: &Obj, value: &Obj) -> Result<(), Error> {
        self.b.entry(key, value)
    }

    /// Entries so far.
    pub fn entries(&self) -> usize {
        self.b.root.entry_keys.len()
    }

    /// Finishes with the top-level object (a dict holding `meta_archs`, `arch2infos` and
    /// `evaluated_indexes`; the items of its `arch2infos` are not read: they came through
    /// [`Converter::entry`]).
    pub fn finish(mut self, top: &Obj) -> Result<Payload<W>, Error> {
        self.b.top(top, self.folder)?;
        let root = std::mem::take(&mut self.b.root);
        let mut stats = Stats {
            entries: root.entry_keys.len(),
            runs: root.run_dataset.len(),
            cells: self.b.cells.count(),
            keysets: root.keysets.flags.len(),
            strings: root.str_offsets.len().saturating_sub(1),
            ..Stats::default()
        };
        let (out, len, crc32, root_len) = write::finish_payload(self.b.cells, &root)?;
        stats.root_len = root_len;
        stats.payload_len = len;
        Ok(Payload { out, crc32, stats })
    }
}

impl<W: Write> Converter<W> {
    /// Finishes a NATS `-simple` folder (form 1) with `meta.pickle.pbz2`'s object as the top
    /// (`meta_archs` modelled; its `arch2infos` (None), `evaluated_indexes` (an empty set) and
    /// any other key kept as they are). The entries were the per-arch files.
    pub fn finish_folder(mut self, meta_top: &Obj) -> Result<Payload<W>, Error> {
        self.folder = true;
        self.finish(meta_top)
    }
}

/// Feeds a whole object (its `arch2infos` filled) to `conv`: every entry, then the top.
pub fn feed_object<W: Write>(conv: Converter<W>, top: &Obj) -> Result<Payload<W>, Error> {
    let mut conv = conv;
    match top.get("arch2infos") {
        Some(Obj::Dict { items, .. }) => {
            for (k, v) in items {
                conv.entry(k, v)?;
            }
        }
        _ => {
            // `finish` names what is wrong.
        }
    }
    conv.finish(top)
}

/// The payload of a whole object in memory.
pub fn payload_bytes(top: &Obj) -> Result<Payload<Vec<u8>>, Error> {
    feed_object(Converter::in_memory(), top)
}

/// `tnb verify --source`: the payload the source converts to, rebuilt in memory, for a byte
/// comparison with an archive's payload. `feed` gives the converter every entry (from the
/// streaming reader, or [`feed_object`]'s loop) and returns the top-level object.
pub fn rebuild_payload(
    feed: impl FnOnce(&mut Converter<Vec<u8>>) -> Result<Obj, Error>,
) -> Result<Payload<Vec<u8>>, Error> {
    let mut conv = Converter::in_memory();
    let top = feed(&mut conv)?;
    conv.finish(&top)
}

/// The whole NAS-Bench-201 archive (header and payload) of a whole object, in memory.
pub fn archive_bytes(
    top: &Obj,
    source_size: u64,
    source_sha256: [u8; 32],
) -> Result<Vec<u8>, Error> {
    archive_bytes_family(Family::Nb201, top, source_size, source_sha256)
}

/// [`archive_bytes`] of `family` (a NATS-Bench single file's object: form 0).
pub fn archive_bytes_family(
    family: Family,
    top: &Obj,
    source_size: u64,
    source_sha256: [u8; 32],
) -> Result<Vec<u8>, Error> {
    let p = feed_object(Converter::with_family(Vec::new(), family), top)?;
    Ok(framed(family, p, source_size, source_sha256))
}

/// The whole archive of a NATS-Bench `-simple` folder held in memory (form 1): `meta` is
/// `meta.pickle.pbz2`'s object, `files` the per-arch files' `(index, object)` by ascending
/// index.
pub fn folder_archive_bytes(
    family: Family,
    meta: &Obj,
    files: &[(i64, Obj)],
    source_size: u64,
    source_sha256: [u8; 32],
) -> Result<Vec<u8>, Error> {
    let mut conv = Converter::with_family(Vec::new(), family);
    for (k, v) in files {
        conv.entry(&Obj::Int(*k), v)?;
    }
    let p = conv.finish_folder(meta)?;
    Ok(framed(family, p, source_size, source_sha256))
}

/// Header + payload.
fn framed(family: Family, p: Payload<Vec<u8>>, size: u64, sha: [u8; 32]) -> Vec<u8> {
    let h = write::header(family, p.stats.payload_len, p.crc32, size, sha);
    let mut out = Vec::with_capacity(HEADER_LEN + p.out.len());
    out.extend_from_slice(&h.encode());
    out.extend_from_slice(&p.out);
    out
}

/// The parts of a whole object's payload: the rkyv root and the cells' bytes. With
/// [`assemble`], for tests and tools that forge archives (a changed field, an offset out of
/// range) to check that readers refuse them.
pub fn parts(top: &Obj) -> Result<(tnb_schema::nb201::Nb201, Vec<u8>), Error> {
    parts_family(Family::Nb201, top)
}

/// [`parts`] of `family`.
pub fn parts_family(
    family: Family,
    top: &Obj,
) -> Result<(tnb_schema::nb201::Nb201, Vec<u8>), Error> {
    let mut b = build::Builder::new(Vec::new(), family);
    if let Some(Obj::Dict { items, .. }) = top.get("arch2infos") {
        for (k, v) in items {
            b.entry(k, v)?;
        }
    }
    b.top(top, false)?;
    let root = std::mem::take(&mut b.root);
    let (cells, _, _) = b.cells.finish();
    Ok((root, cells))
}

/// A whole NAS-Bench-201 archive from a root and cell bytes (a multiple of 8), as the converter
/// frames them.
pub fn assemble(
    root: &tnb_schema::nb201::Nb201,
    cells: &[u8],
    source_size: u64,
    source_sha256: [u8; 32],
) -> Result<Vec<u8>, Error> {
    assemble_family(Family::Nb201, root, cells, source_size, source_sha256)
}

/// [`assemble`] with `family` in the header.
pub fn assemble_family(
    family: Family,
    root: &tnb_schema::nb201::Nb201,
    cells: &[u8],
    source_size: u64,
    source_sha256: [u8; 32],
) -> Result<Vec<u8>, Error> {
    let mut c = cells::Cells::new(Vec::new());
    let words: Vec<u64> = cells
        .chunks_exact(8)
        .map(|w| u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]))
        .collect();
    c.push(&words).map_err(|e| Error::io("assembling", e))?;
    let (payload, len, crc, _) = write::finish_payload(c, root)?;
    let h = write::header(family, len, crc, source_size, source_sha256);
    let mut out = h.encode().to_vec();
    out.extend_from_slice(&payload);
    Ok(out)
}

/// What [`write_file`]'s feeder returns: the top-level object and the source's provenance.
#[derive(Debug)]
pub struct Fed {
    /// The top-level object (its `arch2infos` items are not read).
    pub top: Obj,
    /// Size in bytes of the source file.
    pub source_size: u64,
    /// SHA-256 of the source file.
    pub source_sha256: [u8; 32],
}

/// The file a streamed conversion writes to.
pub type FileConverter = Converter<BufWriter<File>>;

/// Writes an archive of `family` to `dst` atomically (`tnb_mapped::replace`): a temporary file of its own
/// in the same folder gets the payload as `feed` hands entries to the converter, then the
/// header; it is flushed to disk, checked by `accept` (normally the store's open: whatever
/// convert writes, open must accept), then renamed over `dst`. On any failure `dst` is untouched
/// (a previous archive there survives) and the temporary file is removed; temporary files that
/// killed conversions left are removed by the next one. Returns the header, the archive's size
/// and what it holds. A NATS `-simple` folder's feed calls [`Converter::mark_folder`] (the
/// returned top is then the meta file's object).
pub fn write_file(
    dst: &Path,
    family: Family,
    accept: Accept<'_>,
    feed: impl FnOnce(&mut FileConverter) -> Result<Fed, Error>,
) -> Result<(Header, u64, Stats), Error> {
    let ((header, stats), size) = tnb_mapped::replace::replace(dst, accept, |f: &mut File| {
        let io = |e| Error::io("writing the archive", e);
        f.write_all(&[0u8; HEADER_LEN]).map_err(io)?;
        // The converter writes through its own handle on the same file (a clone shares the
        // position), after the header's room.
        let handle = f.try_clone().map_err(io)?;
        let mut conv = Converter::with_family(BufWriter::with_capacity(1 << 20, handle), family);
        let fed = feed(&mut conv)?;
        let p = conv.finish(&fed.top)?;
        let mut out = p.out;
        out.flush().map_err(io)?;
        drop(out);
        let h =
            write::header(family, p.stats.payload_len, p.crc32, fed.source_size, fed.source_sha256);
        f.seek(SeekFrom::Start(0)).map_err(io)?;
        f.write_all(&h.encode()).map_err(io)?;
        Ok::<_, Error>((h, p.stats))
    })?;
    Ok((header, size, stats))
}
