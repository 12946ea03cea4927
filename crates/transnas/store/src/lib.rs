//! Opens a `.tnb` archive and answers TransNAS-Bench-101 queries straight from its bytes, with
//! the same answers as the benchmark's official Python API.
//!
//! Opening checks the header and validates the payload once (microseconds: the payload is a
//! handful of flat columns); after that every query reads the validated bytes directly, with no
//! parsing, no allocation and borrowed `&str` for names. (The one exception is a cache: the
//! first request of a float metric's best value gathers that metric's best values for every
//! arch into an array of 8 bytes per arch, so that later requests are a single read.)
//!
//! Three ways to open:
//! - [`Store::open`]: reads the file into an aligned buffer (safe, one copy);
//! - [`Store::open_mmap`]: maps the file (`unsafe`: the file must not change while mapped), so
//!   every process shares one copy in the page cache (measured by `raw::tests`: eight processes
//!   mapping one archive account for one copy, and none copies it to the heap);
//! - [`Store::from_bytes`] / [`Store::copy_from`]: bytes you already hold (tests, embedded
//!   archives).
//!
//! # The Python API
//! Every method of `TransNASBenchAPI` has a counterpart on [`Store`] (each doc names its Python
//! method): [`Store::len`], [`Store::task_list`], [`Store::search_spaces`], [`Store::arch_list`]
//! (`get_arch_list`, `all_arch_dict`), [`Store::metrics_dict`], [`Store::info_names`],
//! [`Store::arch_at`] + [`Store::arch_name`] (`index2arch`), [`Store::arch_index`]
//! (`arch2index`), [`Store::arch_result`], [`Store::total_epochs`], [`Store::model_info`],
//! [`Store::single_metric`] (and [`Store::best_value`], [`Store::final_value`],
//! [`Store::value_at`], [`Store::values`]), [`Store::epoch_status`],
//! [`Store::best_epoch_status`], [`Store::best_archs`]. Arguments are names, as in Python, or
//! typed handles ([`ArchId`], [`TaskId`], [`MetricId`], [`InfoId`], [`SpaceId`]) resolved once
//! so that a hot loop skips every lookup. Values keep their Python type ([`Value`]); where
//! Python raises, a [`QueryError`] says why, and [`python`] has Python's indexing rules.
//!
//! This crate is what a latency-sensitive Rust program links: open, validate, query. Calling the
//! API by method name with Python's argument rules and exception classes, and rendering results
//! or whole objects (as Python values, as `json.dumps` text), is `tnb-api`'s job, above this one.
//!
//! # Example: a random search
//! ```
//! # let source = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../data/transnas_small.pth"))?;
//! # let dir = std::env::temp_dir().join(format!("tnb-store-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! # let path = dir.join("transnas.tnb");
//! # std::fs::write(&path, tnb_convert::convert_bytes(&source)?)?;
//! use tnb_store::{ArchId, Store, Value};
//!
//! // Open once: checks the header and validates the archive (microseconds).
//! let store = Store::open(&path)?;
//! // Resolve names to handles once...
//! let task = store.task("class_object")?;
//! let metric = store.metric(task, "valid_top1")?;
//! let space = store.arch_list("micro")?;
//!
//! // ...then query in the loop: nanoseconds per call, no allocation.
//! let mut rng = 0x2545_f491_4f6c_dd1d_u64;
//! let mut best: Option<(f64, ArchId)> = None;
//! for _ in 0..1000 {
//!     rng ^= rng << 13;
//!     rng ^= rng >> 7;
//!     rng ^= rng << 17;
//!     let arch = space.get(rng as usize % space.len()).unwrap();
//!     // Python: api.get_single_metric(arch, 'class_object', 'valid_top1', mode='best')
//!     if let Value::Float(acc) = store.best_value(arch, task, metric)? {
//!         if best.is_none_or(|(b, _)| acc > b) {
//!             best = Some((acc, arch));
//!         }
//!     }
//! }
//! let (acc, arch) = best.unwrap();
//! let name = store.arch_name(arch)?;
//! println!("best of 1000 samples: {name}, valid top-1 {acc}");
//! // Names work too, and give the same answer.
//! assert_eq!(store.best_value(name, "class_object", "valid_top1")?, Value::Float(acc));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
// `deny`, not `forbid`: the one module that needs `unsafe` (`raw`) opts back in; every other crate
// of the workspace forbids it outright.
#![deny(unsafe_code)]
#![deny(missing_docs)]
// `QueryError` has a destructor, so `option.ok_or(SOME_CONST_ERROR)` builds and drops an error on
// every successful lookup (a call to `drop_in_place` in the hot paths, visible in profiles);
// `ok_or_else(|| ...)` builds it only on failure.
#![allow(clippy::unnecessary_lazy_evaluations)]

mod access;
mod best;
mod check;
mod error;
pub mod handles;
mod iter;
mod names;
mod object;
pub mod python;
mod query;
mod raw;
mod status;
mod strings;
mod value;

use std::fs::File;
use std::path::Path;

pub use check::{MAX_DEPTH, MAX_EXPANDED, MAX_EXPANDED_BYTES};
pub use error::{NoBest, NoRanking, OpenError, QueryError};
pub use handles::{
    ArchId, ArchKey, InfoId, InfoKey, MetricId, MetricKey, SpaceId, SpaceKey, TaskId, TaskKey,
};
pub use iter::{Archs, Ranking, Values};
pub use object::{Object, ObjectRef};
pub use query::{Metric, Mode};
use rkyv::util::AlignedVec;
pub use status::EpochStatus;
use tnb_schema::file::open_regular;
use tnb_schema::header::Header;
use tnb_schema::transnas::ArchivedBenchmark;
pub use value::{Node, Value};

/// Reading the validated archive ([`Store::archive`]) directly, for code that walks it as a
/// whole (`tnb-api`'s renderings and dumps). Every index read is checked: a crafted archive
/// gets a [`QueryError`], never a panic.
pub mod archived {
    pub use crate::names::arch_name;
    pub use crate::strings::utf8;
    pub use crate::value::cell;
    pub use tnb_schema::transnas::ArchivedBenchmark;
}

pub use tnb_mapped::open::Buffer;

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
    /// Where the payload sits in `bytes` (from the header, kept to skip recomputing it on
    /// every query).
    payload: std::ops::Range<usize>,
    /// Every arch name, checked as UTF-8 once at open (a copy of a few hundred KB at most), so
    /// that `arch_name` slices a `str` instead of validating bytes on every call.
    names: Box<str>,
    /// Best values of float metrics, gathered per metric on first use.
    best: best::BestCache,
    expanded: u64,
}

impl Store<Buffer> {
    /// Reads the archive at `path` into an aligned buffer and opens it. Safe whatever happens
    /// to the file afterwards. Only a regular file is read: a device, FIFO or folder is refused
    /// before reading, without waiting (see `tnb_schema::file`).
    pub fn open(path: impl AsRef<Path>) -> Result<Store<Buffer>, OpenError> {
        let path = path.as_ref();
        let (mut f, meta) = open_regular(path).map_err(|e| OpenError::io(path, e))?;
        let len = meta.len();
        let mut v = AlignedVec::<16>::with_capacity(usize::try_from(len).unwrap_or(0));
        f.read_to_end_aligned(&mut v).map_err(|e| OpenError::io(path, e))?;
        Store::from_bytes(Buffer::Aligned(v))
    }
}

impl Store<Buffer> {
    /// Opens a copy of `bytes` held in an aligned buffer: for archives in memory at any
    /// address (an embedded `include_bytes!`, a `Vec<u8>` from the network).
    pub fn copy_from(bytes: &[u8]) -> Result<Store<Buffer>, OpenError> {
        let mut v = AlignedVec::<16>::with_capacity(bytes.len());
        v.extend_from_slice(bytes);
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
        let names = std::str::from_utf8(root.arch_bytes.as_slice())
            .map_err(|_| OpenError::Invalid("arch names are not UTF-8".into()))?
            .into();
        let start = payload.as_ptr() as usize - all.as_ptr() as usize;
        let payload = start..start + payload.len();
        let best = best::BestCache::new(root);
        Ok(Store { bytes, header, token, payload, names, best, expanded })
    }

    /// The validated archive, for code that walks it as a whole (`tnb-api` renders objects
    /// and dumps from it; see `schema/FORMAT.md`). `Err` only if `B::as_ref` stopped returning
    /// the bytes that were validated (a misbehaving `AsRef` implementation).
    #[inline]
    pub fn archive(&self) -> Result<&ArchivedBenchmark, QueryError> {
        self.root()
    }

    /// The validated root (see [`Store::archive`]).
    #[inline]
    pub(crate) fn root(&self) -> Result<&ArchivedBenchmark, QueryError> {
        let payload = self.bytes.as_ref().get(self.payload.clone());
        payload
            .and_then(|p| self.token.root(p))
            .ok_or_else(|| QueryError::Corrupt("the store's bytes changed after validation"))
    }

    /// Arch `a`'s name from the checked copy.
    #[inline]
    pub(crate) fn name_of(&self, b: &ArchivedBenchmark, a: usize) -> Result<&str, QueryError> {
        let o = &b.arch_offsets;
        match (o.get(a), o.get(a.wrapping_add(1))) {
            (Some(s), Some(e)) => self
                .names
                .get(s.to_native() as usize..e.to_native() as usize)
                .ok_or_else(|| QueryError::Corrupt("an arch name offset splits a character")),
            _ => Err(QueryError::ArchIndex(a as i64)),
        }
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

    /// Values a full dump writes (shared generic values counted once per reference).
    pub fn expanded_size(&self) -> u64 {
        self.expanded
    }
}
