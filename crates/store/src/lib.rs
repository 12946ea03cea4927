//! Opens a `.tnb` archive and answers TransNAS-Bench-101 queries straight from its bytes.
//!
//! Opening checks the header and validates the payload once (microseconds: the payload is a
//! handful of flat columns); after that every query reads the validated bytes directly, with no
//! parsing, no allocation for numbers and borrowed `&str` for names.
//!
//! Three ways to open:
//! - [`Store::open`]: reads the file into an aligned buffer (safe, one copy);
//! - [`Store::open_mmap`]: maps the file (`unsafe`: the file must not change while mapped), so
//!   every process shares one copy in the page cache;
//! - [`Store::from_bytes`]: any bytes you already hold (tests, embedded archives).
// `deny`, not `forbid`: the one module that needs `unsafe` (`raw`) opts back in; every other crate
// of the workspace forbids it outright.
#![deny(unsafe_code)]
#![deny(missing_docs)]

mod check;
mod error;
mod json;
mod names;
mod raw;
mod value;
mod walk;

use std::fs::File;
use std::io::Write;
use std::path::Path;

pub use check::{MAX_DEPTH, MAX_EXPANDED};
pub use error::{OpenError, QueryError};
pub use json::{JsonSink, JsonSinkError};
use memmap2::Mmap;
use rkyv::util::AlignedVec;
use tnb_schema::ArchivedBenchmark;
use tnb_schema::header::Header;
pub use value::{Node, Value};
pub use walk::{Event, WalkError};

/// The bytes a store reads: an aligned copy of the file, or a map of it.
#[derive(Debug)]
pub enum Buffer {
    /// The file read into memory.
    Aligned(AlignedVec),
    /// The file mapped (see [`Store::open_mmap`]).
    Map(Mmap),
}

impl AsRef<[u8]> for Buffer {
    fn as_ref(&self) -> &[u8] {
        match self {
            Buffer::Aligned(v) => v.as_slice(),
            Buffer::Map(m) => m,
        }
    }
}

/// What an archive holds ([`Store::counts`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counts {
    /// Architectures.
    pub archs: usize,
    /// Search spaces and their arch counts, in order.
    pub spaces: Vec<(String, usize)>,
    /// Tasks: name, metric count, values per metric column.
    pub tasks: Vec<(String, usize, u64)>,
    /// Info names.
    pub infos: usize,
    /// Values outside the columns (top level, extras).
    pub generic_nodes: usize,
}

/// An open archive.
#[derive(Debug)]
pub struct Store<B: AsRef<[u8]> = Buffer> {
    bytes: B,
    header: Header,
    token: raw::Validated,
    expanded: u64,
}

pub(crate) fn io_err(path: &Path, error: std::io::Error) -> OpenError {
    OpenError::Io { path: path.display().to_string(), error }
}

impl Store<Buffer> {
    /// Reads the archive at `path` into an aligned buffer and opens it. Safe whatever happens
    /// to the file afterwards.
    pub fn open(path: impl AsRef<Path>) -> Result<Store<Buffer>, OpenError> {
        let path = path.as_ref();
        let mut f = File::open(path).map_err(|e| io_err(path, e))?;
        let len = f.metadata().map_err(|e| io_err(path, e))?.len();
        let mut v = AlignedVec::<16>::with_capacity(usize::try_from(len).unwrap_or(0));
        f.read_to_end_aligned(&mut v).map_err(|e| io_err(path, e))?;
        Store::from_bytes(Buffer::Aligned(v))
    }
}

/// `Read::read_to_end` into an `AlignedVec`.
trait ReadAligned {
    fn read_to_end_aligned(&mut self, v: &mut AlignedVec<16>) -> std::io::Result<()>;
}

impl ReadAligned for File {
    fn read_to_end_aligned(&mut self, v: &mut AlignedVec<16>) -> std::io::Result<()> {
        v.extend_from_reader(self).map(|_| ())
    }
}

impl<B: AsRef<[u8]>> Store<B> {
    /// Opens an archive held in `bytes` (a `Vec<u8>` read from a file, a map, an embedded
    /// slice...). The bytes must start at a 16-byte aligned address, as allocations and maps do.
    /// Checks the header (not the payload checksum: see [`Store::verify_checksum`]), validates the
    /// payload and checks its invariants.
    pub fn from_bytes(bytes: B) -> Result<Store<B>, OpenError> {
        let all = bytes.as_ref();
        let header = Header::decode(all)?;
        let payload = header.payload(all);
        if payload.as_ptr() as usize % 16 != 0 {
            return Err(OpenError::Unaligned);
        }
        let token = raw::Validated::check(payload)
            .map_err(|e| OpenError::Invalid(format!("payload: {e}")))?;
        let root = token.root(payload).ok_or_else(|| OpenError::Invalid("payload moved".into()))?;
        let expanded = check::check(root).map_err(OpenError::Invalid)?;
        Ok(Store { bytes, header, token, expanded })
    }

    /// The archived root. `Err` only if `B::as_ref` stopped returning the bytes that were
    /// validated (a misbehaving `AsRef` implementation).
    pub(crate) fn root(&self) -> Result<&ArchivedBenchmark, QueryError> {
        self.token
            .root(self.header.payload(self.bytes.as_ref()))
            .ok_or(QueryError::Corrupt("the store's bytes changed after validation"))
    }

    /// The header (version, provenance).
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The whole file.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }

    /// Checks the payload checksum (one pass over the payload; the CLI does this on every open,
    /// latency-sensitive programs may skip it).
    pub fn verify_checksum(&self) -> Result<(), OpenError> {
        self.header.check_payload(self.bytes.as_ref()).map_err(OpenError::Header)
    }

    /// What the archive holds, for summaries.
    pub fn counts(&self) -> Result<Counts, QueryError> {
        let b = self.root()?;
        let starts: Vec<u32> = b.space_starts.iter().map(|x| x.to_native()).collect();
        Ok(Counts {
            archs: b.arch_offsets.len().saturating_sub(1),
            spaces: b
                .space_names
                .iter()
                .zip(starts.windows(2))
                .map(|(n, w)| (n.as_str().to_owned(), w[1].saturating_sub(w[0]) as usize))
                .collect(),
            tasks: b
                .tasks
                .iter()
                .map(|t| {
                    let v = t.offsets.last().map_or(0, |x| u64::from(x.to_native()));
                    (t.name.as_str().to_owned(), t.metrics.len(), v)
                })
                .collect(),
            infos: b.info_names.len(),
            generic_nodes: b.generic.kinds.len(),
        })
    }

    /// Number of architectures (Python: `len(api)`).
    pub fn len(&self) -> usize {
        self.root().map_or(0, |b| b.arch_offsets.len().saturating_sub(1))
    }

    /// Whether the archive holds no architectures (a plain-object archive).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name of architecture `index` in file order (Python: `index2arch`, without negative
    /// indexes).
    pub fn arch_name(&self, index: usize) -> Result<&str, QueryError> {
        names::arch_name(self.root()?, index)
    }

    /// The index of architecture `name` (Python: `arch2index`).
    pub fn arch_index(&self, name: &str) -> Result<usize, QueryError> {
        names::arch_index(self.root()?, name).ok_or_else(|| QueryError::UnknownArch(name.to_owned()))
    }

    /// Values a full dump writes (shared generic values counted once per reference).
    pub fn expanded_size(&self) -> u64 {
        self.expanded
    }

    /// Walks the whole source object, calling `f` for each event in document order.
    pub fn walk<'s, E>(
        &'s self,
        f: &mut dyn FnMut(Event<'s>) -> Result<(), E>,
    ) -> Result<(), WalkError<E>> {
        let b = self.root()?;
        walk::Walker { b }.document(f)
    }

    /// Writes the source object as `json.dumps` would (same text as `tnb dump` of the source
    /// `.pth`), followed by a newline.
    pub fn write_json<W: Write>(&self, out: W) -> Result<W, WalkError<JsonSinkError>> {
        let mut sink = JsonSink::new(out);
        self.walk(&mut |e| sink.event(e))?;
        let mut out = sink.into_inner();
        out.write_all(b"\n").map_err(|e| WalkError::Sink(JsonSinkError::Io(e)))?;
        Ok(out)
    }
}
