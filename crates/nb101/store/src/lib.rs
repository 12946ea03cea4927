//! The NAS-Bench-101 archive (`.tnb`, header family 4; format: `schema/FORMAT-NB101.md`): its
//! writer ([`Builder`]) and its zero-copy reader ([`Nb101Store`]).
//!
//! The archive holds exactly what the official `nasbench.api.NASBench` keeps of a `.tfrecord`
//! file: per cell (rows in first-appearance order, the order of `hash_iterator()`) its hash,
//! adjacency matrix, operations and trainable parameters (the first record of a hash sets them);
//! per cell and epoch budget (budgets per cell in first-appearance order) its runs in file
//! order, each eight f64 metrics; and `valid_epochs` in first-appearance order over the file.
//! Runs are stored as eight columns grouped by budget (all runs of a budget contiguous, by
//! cell row then file order), so a scan over one budget's metric is one contiguous slice
//! ([`Nb101Store::budget_column`]) and numpy gets views without copies.
//!
//! Opening checks the header and the payload's section table in constant time (plus the
//! tiny string table and per-budget bounds); every offset, id and row read later is checked
//! where it is read, so a crafted archive makes a read return [`Corrupt`], never panic or read
//! out of bounds. [`Nb101Store::check`] checks everything (what `tnb verify` runs);
//! [`Nb101Store::verify_checksum`] checks the payload CRC.
//!
//! # Example
//! ```
//! use tnb_nb101_store::{Builder, Metric, Nb101Store, Provenance, RecordIn};
//! let mut b = Builder::new();
//! let rec = RecordIn {
//!     hash: [7; 16],
//!     epochs: 108,
//!     n: 2,
//!     adjacency: 0b0010, // input -> output
//!     operations: "input,output",
//!     trainable_parameters: 1234,
//!     halfway: [1.0, 0.5, 0.4, 0.3],
//!     final_: [2.0, 0.9, 0.8, 0.7],
//! };
//! b.push(&rec)?;
//! let bytes = b.finish(&Provenance::new(0, [0; 32]))?;
//! let store = Nb101Store::copy_from(&bytes)?;
//! let row = store.row_of_hash(&[7; 16])?.unwrap();
//! assert_eq!(store.valid_epochs(), [108]);
//! let budget = store.budgets(row)?.next().unwrap();
//! assert_eq!(budget.epochs, 108);
//! assert_eq!(store.column(Metric::FinalTestAccuracy)[budget.runs], [0.7]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod build;
mod canon;
mod check;
mod error;
mod metric;
mod search;
pub mod spec;
mod write;

use std::fs::File;
use std::io::Read;
use std::ops::Range;
use std::path::Path;

pub use build::{BuildError, Builder, Limits, Provenance, RecordIn, Summary};
use error::BAD_ROW;
pub use error::{Corrupt, OpenError};
pub use metric::{Metric, Run};
use rkyv::util::AlignedVec;
pub use tnb_mapped::open::Buffer;
use tnb_schema::file::open_regular;
use tnb_schema::header::{Family, Header};
pub use tnb_schema::nb101::{
    Counts, MAX_BUDGETS, MAX_CELLS, MAX_OP_BYTES, MAX_OP_ITEMS, MAX_OP_STRINGS, MAX_RUN_OFFSETS,
    MAX_RUNS,
};
use tnb_schema::nb101::{Layout, SECTIONS, Sec, dir_bits};
use zerocopy::FromBytes;

/// Result of a read: `Err` only for a corrupted archive (or a row that is not the archive's).
pub type R<T> = Result<T, Corrupt>;

/// The converter name written in the header of archives this crate builds.
pub const CONVERTER: &str = concat!("tnb-nb101-convert ", env!("CARGO_PKG_VERSION"));

/// One budget of a cell: `computed_statistics[hash][epochs]`, whose runs are the global run
/// indexes `runs` (in file order), for [`Nb101Store::run`] and [`Nb101Store::column`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Position of the budget in [`Nb101Store::valid_epochs`].
    pub index: usize,
    /// The number of epochs.
    pub epochs: i64,
    /// The cell's runs at this budget (never empty in a valid archive).
    pub runs: Range<usize>,
}

/// An open NAS-Bench-101 archive over bytes `B` (an aligned copy or a map of the file).
#[derive(Debug)]
pub struct Nb101Store<B: AsRef<[u8]> = Buffer> {
    bytes: B,
    header: Header,
    counts: Counts,
    /// Each section's byte range in the whole file.
    at: [Range<usize>; SECTIONS],
}

impl Nb101Store<Buffer> {
    /// Reads the archive at `path` into an aligned buffer and opens it: safe whatever happens to
    /// the file afterwards, but a pass over the file. To open in constant time, map the file
    /// (`tnb_mapped::map::map`, whose contract the caller states) and call
    /// [`Nb101Store::from_bytes`] with [`Buffer::Map`]. Only a regular file is read.
    pub fn open(path: impl AsRef<Path>) -> Result<Nb101Store<Buffer>, OpenError> {
        let path = path.as_ref();
        let (f, meta) = open_regular(path).map_err(|e| OpenError::io(path, e))?;
        let mut f: File = f;
        let mut v = AlignedVec::<16>::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf).map_err(|e| OpenError::io(path, e))?;
            if n == 0 {
                break;
            }
            v.extend_from_slice(&buf[..n]);
        }
        Nb101Store::from_bytes(Buffer::Aligned(v))
    }

    /// Opens a copy of `bytes` held in an aligned buffer (e.g. what [`Builder::finish`]
    /// returned, for Python's in-memory conversion of a `.tfrecord`).
    pub fn copy_from(bytes: &[u8]) -> Result<Nb101Store<Buffer>, OpenError> {
        let mut v = AlignedVec::<16>::with_capacity(bytes.len());
        v.extend_from_slice(bytes);
        Nb101Store::from_bytes(Buffer::Aligned(v))
    }
}

fn u64_of(b: &[u8], i: usize) -> Option<u64> {
    let x = b.get(i * 8..i * 8 + 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(x);
    Some(u64::from_le_bytes(a))
}

fn u32_of(b: &[u8], i: usize) -> Option<u32> {
    let x = b.get(i * 4..i * 4 + 4)?;
    let mut a = [0u8; 4];
    a.copy_from_slice(x);
    Some(u32::from_le_bytes(a))
}

impl<B: AsRef<[u8]>> Nb101Store<B> {
    /// Opens an archive held in `bytes`, which must start at a 16-byte aligned address. Checks
    /// the header (not the payload checksum: [`Nb101Store::verify_checksum`]), the section
    /// table against the counts, the label table (each label UTF-8), and the per-budget
    /// bounds; constant time for the real files.
    pub fn from_bytes(bytes: B) -> Result<Nb101Store<B>, OpenError> {
        let invalid = |m: String| OpenError::Invalid(m);
        let all = bytes.as_ref();
        let header = Header::decode_family(all, Family::Nb101)?;
        let payload = header.payload(all);
        if payload.as_ptr() as usize % 16 != 0 {
            return Err(OpenError::Unaligned);
        }
        if cfg!(target_endian = "big") {
            return Err(invalid("the archive is little-endian and this host is not".into()));
        }
        let layout = Layout::decode(payload).map_err(invalid)?;
        let base = header.payload_offset as usize;
        let at = std::array::from_fn(|i| {
            let r = &layout.sections[i];
            base + r.start as usize..base + r.end as usize
        });
        let store = Nb101Store { bytes, header, counts: layout.counts, at };
        store.check_open().map_err(|c| invalid(c.0.to_string()))?;
        Ok(store)
    }

    /// The constant-time content checks of open (FORMAT-NB101.md, "Opening").
    fn check_open(&self) -> R<()> {
        let c = self.counts;
        let (cells, runs) = (c.cells as usize, c.runs as usize);
        let br = self.sec(Sec::BudgetRuns);
        let b = c.budgets as usize;
        if u64_of(br, 0) != Some(0) || u64_of(br, b) != Some(c.runs) {
            return Err(Corrupt("budget_runs does not run from 0 to the run count"));
        }
        let ro = self.sec(Sec::RunOffsets);
        for i in 0..b {
            let (s, e) = (u64_of(br, i).unwrap_or(0), u64_of(br, i + 1).unwrap_or(0));
            if s > e || e > runs as u64 {
                return Err(Corrupt("budget_runs is not increasing"));
            }
            let first = u32_of(ro, i * (cells + 1)).map(u64::from);
            let last = u32_of(ro, i * (cells + 1) + cells).map(u64::from);
            if first != Some(s) || last != Some(e) {
                return Err(Corrupt("a budget's run offsets do not span its runs"));
            }
        }
        let ends = |s: Sec, n: usize, total: u64, what: &'static str| {
            let b = self.sec(s);
            if u32_of(b, 0) != Some(0) || u32_of(b, n).map(u64::from) != Some(total) {
                return Err(Corrupt(what));
            }
            Ok(())
        };
        ends(Sec::OpsOffsets, cells, c.op_items, "ops_offsets does not span the operations")?;
        ends(Sec::BudgetOffsets, cells, c.budget_items, "budget_offsets does not span the list")?;
        let dir = self.sec(Sec::IndexBuckets);
        let last = 1usize << dir_bits(c.cells);
        if u32_of(dir, 0) != Some(0) || u32_of(dir, last).map(u64::from) != Some(c.cells) {
            return Err(Corrupt("index_buckets does not span the hash index"));
        }
        let strings = c.op_strings as usize;
        ends(Sec::OpOffsets, strings, c.op_bytes, "op_offsets does not span the label bytes")?;
        for id in 0..strings {
            self.label_checked(id)?;
        }
        Ok(())
    }

    /// The header (version, provenance).
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The payload's counts.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// The whole file.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }

    /// The payload (what `verify --source` compares with a rebuilt one).
    pub fn payload(&self) -> &[u8] {
        self.header.payload(self.bytes.as_ref())
    }

    /// Checks the payload checksum (one pass over the payload).
    pub fn verify_checksum(&self) -> Result<(), OpenError> {
        self.header.check_payload(self.bytes.as_ref()).map_err(OpenError::Header)
    }

    /// The bytes of section `s` (empty if the backing changed length, which safe code cannot
    /// do while the store owns it).
    #[inline]
    fn sec(&self, s: Sec) -> &[u8] {
        self.bytes.as_ref().get(self.at[s as usize].clone()).unwrap_or(&[])
    }

    #[inline]
    pub(crate) fn cast<T: FromBytes + zerocopy::Immutable>(&self, s: Sec) -> &[T] {
        <[T]>::ref_from_bytes(self.sec(s)).unwrap_or(&[])
    }

    /// Number of cells (`len(hash_iterator())`).
    pub fn cells(&self) -> usize {
        self.counts.cells as usize
    }

    /// Number of runs (records) over all cells and budgets.
    pub fn runs(&self) -> usize {
        self.counts.runs as usize
    }

    /// `valid_epochs`, in first-appearance order over the file; budget `b` is
    /// `valid_epochs()[b]`.
    pub fn valid_epochs(&self) -> &[i64] {
        self.cast(Sec::ValidEpochs)
    }

    /// The budget index of `epochs`, if it is one of `valid_epochs`.
    pub fn budget_of_epochs(&self, epochs: i64) -> Option<usize> {
        self.valid_epochs().iter().position(|&e| e == epochs)
    }

    /// Every cell's hash, by row (`hash_iterator()` order), zero-copy.
    pub fn hashes(&self) -> &[[u8; 16]] {
        self.cast(Sec::Hashes)
    }

    /// The hash of `row`, if it is a row of the archive.
    #[inline]
    pub fn hash(&self, row: u32) -> Option<[u8; 16]> {
        self.hashes().get(row as usize).copied()
    }

    /// The row of the cell with hash `h`, if there is one: its directory bucket, then
    /// bisection within the bucket (one or two hashes). The row's own hash is compared with
    /// `h`, so a crafted index cannot give a wrong row.
    #[inline]
    pub fn row_of_hash(&self, h: &[u8; 16]) -> R<Option<u32>> {
        let keys: &[[u8; 16]] = self.cast(Sec::IndexHashes);
        let dir: &[u32] = self.cast(Sec::IndexBuckets);
        let bits = dir_bits(self.counts.cells);
        let Some(k) = search::hash(keys, dir, bits, h).map_err(|()| BAD_INDEX)? else {
            return Ok(None);
        };
        let row = *self.cast::<u32>(Sec::IndexRows).get(k).ok_or(BAD_INDEX)?;
        match self.hashes().get(row as usize) {
            Some(x) if x == h => Ok(Some(row)),
            _ => Err(BAD_INDEX),
        }
    }

    /// The row whose pruned graph has canonical key `key` (tnb-nb101-spec's
    /// `canonical_key`), if the canonical index holds it. Only cells whose stored hash is
    /// `hash_module` of their pruned graph are indexed, so a hit is the row the hash of an
    /// isomorphic spec finds; a miss says nothing (use [`Nb101Store::row_of_spec`]).
    #[inline]
    pub fn row_of_canonical(&self, key: u64) -> R<Option<u32>> {
        let keys: &[u64] = self.cast(Sec::CanonKeys);
        let Ok(k) = keys.binary_search(&key) else { return Ok(None) };
        let row = *self.cast::<u32>(Sec::CanonRows).get(k).ok_or(BAD_INDEX)?;
        if row as usize >= self.cells() {
            return Err(BAD_INDEX);
        }
        Ok(Some(row))
    }

    /// The row of a pruned valid spec (`matrix`, `labels` as `hash_module` takes them): the
    /// canonical index, else `hash_module` and [`Nb101Store::row_of_hash`]. Exactly the row
    /// the official `hash_spec` lookup finds. `None` when `labels` does not have one label per
    /// vertex or the matrix has more than 8 vertices (no spec the official API hashes).
    pub fn row_of_spec(&self, m: spec::Matrix, labels: &[i8]) -> R<Option<u32>> {
        if labels.len() != m.n as usize || m.n > 8 {
            return Ok(None);
        }
        let key = spec::canonical_key(m, labels);
        if key != spec::NO_KEY {
            if let Some(row) = self.row_of_canonical(key)? {
                return Ok(Some(row));
            }
        }
        self.row_of_hash(&spec::hash_module(m, labels))
    }

    /// `module_adjacency` of `row`: `(n, bits)`, entry `(r, c)` at bit `r * n + c`, `n <= 7`.
    #[inline]
    pub fn adjacency(&self, row: u32) -> R<(u8, u64)> {
        let r = row as usize;
        let n = *self.sec(Sec::Vertices).get(r).ok_or(BAD_ROW)?;
        let bits = *self.cast::<u64>(Sec::Adjacency).get(r).ok_or(BAD_ROW)?;
        if n > 7 || bits >> (n as u32 * n as u32) != 0 {
            return Err(Corrupt("an adjacency matrix is larger than 7 x 7"));
        }
        Ok((n, bits))
    }

    /// `trainable_parameters` of `row`.
    #[inline]
    pub fn trainable_parameters(&self, row: u32) -> R<i32> {
        self.cast::<i32>(Sec::TrainableParameters).get(row as usize).copied().ok_or(BAD_ROW)
    }

    /// The distinct operation labels (the label table), by id.
    pub fn labels(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.counts.op_strings as usize).map(|id| self.label_checked(id).unwrap_or(""))
    }

    fn label_checked(&self, id: usize) -> R<&str> {
        const BAD: Corrupt = Corrupt("an operation label is out of range or not UTF-8");
        let off = self.sec(Sec::OpOffsets);
        let (s, e) = (u32_of(off, id).ok_or(BAD)?, u32_of(off, id + 1).ok_or(BAD)?);
        let b = self.sec(Sec::OpBytes).get(s as usize..e as usize).ok_or(BAD)?;
        std::str::from_utf8(b).map_err(|_| BAD)
    }

    /// `module_operations` of `row`, in order (`raw_operations.split(',')`).
    #[inline]
    pub fn operations(&self, row: u32) -> R<Ops<'_, B>> {
        let (s, e) = self.offsets(Sec::OpsOffsets, row, self.counts.op_items)?;
        let ids: &[u16] = self.cast(Sec::Ops);
        let ids = ids.get(s..e).ok_or(BAD_OFFSETS)?;
        if ids.iter().any(|&i| u64::from(i) >= self.counts.op_strings) {
            return Err(Corrupt("an operation id is out of range"));
        }
        Ok(Ops { store: self, ids: ids.iter() })
    }

    /// `offsets[row]..offsets[row + 1]` of an offsets section with `cells + 1` entries, checked
    /// increasing and at most `total`.
    #[inline]
    fn offsets(&self, s: Sec, row: u32, total: u64) -> R<(usize, usize)> {
        if row as usize >= self.cells() {
            return Err(BAD_ROW);
        }
        let v: &[u32] = self.cast(s);
        match (v.get(row as usize), v.get(row as usize + 1)) {
            (Some(&a), Some(&b)) if a <= b && u64::from(b) <= total => Ok((a as usize, b as usize)),
            _ => Err(BAD_OFFSETS),
        }
    }

    /// The global runs of budget `b` (all cells): `budget_runs[b]..budget_runs[b + 1]`.
    #[inline]
    pub fn budget_runs(&self, b: usize) -> R<Range<usize>> {
        let br: &[u64] = self.cast(Sec::BudgetRuns);
        match (br.get(b), br.get(b + 1)) {
            (Some(&s), Some(&e)) if b < self.counts.budgets as usize && s <= e => {
                Ok(s as usize..e as usize)
            }
            _ => Err(Corrupt("a budget is out of range")),
        }
    }

    /// The per-budget run offsets of budget `b`: `cells + 1` global run indexes, cell `c`'s
    /// runs at that budget are `offsets[c]..offsets[c + 1]` (zero-copy, for numpy's
    /// `np.add.reduceat`-style per-cell reductions).
    pub fn run_offsets(&self, b: usize) -> R<&[u32]> {
        self.budget_runs(b)?;
        let c1 = self.cells() + 1;
        let ro: &[u32] = self.cast(Sec::RunOffsets);
        ro.get(b * c1..(b + 1) * c1).ok_or(BAD_OFFSETS)
    }

    /// The runs of `row` at budget `b` (global run indexes, file order); empty when the cell
    /// lacks the budget (the official `KeyError(epochs)`).
    #[inline]
    pub fn runs_of(&self, row: u32, b: usize) -> R<Range<usize>> {
        if row as usize >= self.cells() {
            return Err(BAD_ROW);
        }
        let block = self.budget_runs(b)?;
        let at = b * (self.cells() + 1) + row as usize;
        let ro: &[u32] = self.cast(Sec::RunOffsets);
        match (ro.get(at), ro.get(at + 1)) {
            (Some(&s), Some(&e))
                if block.start <= s as usize && s <= e && e as usize <= block.end =>
            {
                Ok(s as usize..e as usize)
            }
            _ => Err(BAD_OFFSETS),
        }
    }

    /// The budgets of `row` (`computed_statistics[hash]`'s keys, in first-appearance order),
    /// each with its runs.
    pub fn budgets(&self, row: u32) -> R<Budgets<'_, B>> {
        let (s, e) = self.offsets(Sec::BudgetOffsets, row, self.counts.budget_items)?;
        let list = self.sec(Sec::BudgetList).get(s..e).ok_or(BAD_OFFSETS)?;
        let epochs = self.valid_epochs();
        // Checked whole here, so that the iterator is infallible and allocation-free.
        for &b in list {
            let runs = self.runs_of(row, b as usize)?;
            if epochs.get(b as usize).is_none() {
                return Err(Corrupt("a cell's budget is out of range"));
            }
            if runs.is_empty() {
                return Err(Corrupt("a cell lists a budget it has no runs of"));
            }
        }
        Ok(Budgets { store: self, row, list: list.iter() })
    }

    /// Run `i`'s eight metrics.
    #[inline]
    pub fn run(&self, i: usize) -> Option<Run> {
        let mut v = [0.0; 8];
        for m in Metric::ALL {
            v[m.index()] = *self.column(m).get(i)?;
        }
        Some(Run { halfway: [v[0], v[1], v[2], v[3]], final_: [v[4], v[5], v[6], v[7]] })
    }

    /// Metric `m` of every run, zero-copy: budget by budget ([`Nb101Store::budget_runs`]),
    /// within a budget by cell row, within a cell in file order.
    #[inline]
    pub fn column(&self, m: Metric) -> &[f64] {
        self.cast(Sec::ALL[Sec::FIRST_METRIC + m.index()])
    }

    /// Metric `m` of the runs of budget `b`: one contiguous slice (e.g. every final test
    /// accuracy at 108 epochs).
    #[inline]
    pub fn budget_column(&self, b: usize, m: Metric) -> R<&[f64]> {
        let r = self.budget_runs(b)?;
        self.column(m).get(r).ok_or(Corrupt("a budget's runs lie outside the columns"))
    }

    /// The cell row and budget of global run `i` (binary searches over the offsets).
    pub fn cell_of_run(&self, i: usize) -> R<Option<(u32, usize)>> {
        if i >= self.runs() {
            return Ok(None);
        }
        let br: &[u64] = self.cast(Sec::BudgetRuns);
        let b = br.partition_point(|&s| s as usize <= i).saturating_sub(1);
        let offs = self.run_offsets(b)?;
        let row = offs.partition_point(|&s| s as usize <= i).saturating_sub(1);
        if row >= self.cells() {
            return Err(BAD_OFFSETS);
        }
        Ok(Some((row as u32, b)))
    }

    /// Checks everything open does not (what `tnb verify` runs; see FORMAT-NB101.md,
    /// "Checks"): offsets increasing, ids and budgets in range, every listed budget non-empty
    /// and every non-empty one listed, distinct epochs, labels free of `,`, adjacency within
    /// `n × n`, the hash index sorted and a permutation that finds every row, the canonical
    /// index strictly increasing with every entry recomputed from its cell. Linear time
    /// (plus the canonical keys' cost). `Err` is a one-line reason.
    pub fn check(&self) -> Result<(), String> {
        check::check(self)
    }
}

const BAD_INDEX: Corrupt = Corrupt("an index entry points to a row of another hash or none");
const BAD_OFFSETS: Corrupt = Corrupt("an offsets column is out of range or not increasing");

/// The operations of a cell ([`Nb101Store::operations`]), ids checked in range.
#[derive(Clone, Debug)]
pub struct Ops<'a, B: AsRef<[u8]>> {
    store: &'a Nb101Store<B>,
    ids: std::slice::Iter<'a, u16>,
}

impl<'a, B: AsRef<[u8]>> Iterator for Ops<'a, B> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        let id = *self.ids.next()?;
        // Checked in range at construction; every label checked UTF-8 at open.
        Some(self.store.label_checked(id as usize).unwrap_or(""))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.ids.size_hint()
    }
}

impl<B: AsRef<[u8]>> ExactSizeIterator for Ops<'_, B> {}

/// The budgets of a cell ([`Nb101Store::budgets`]), checked at construction.
#[derive(Clone, Debug)]
pub struct Budgets<'a, B: AsRef<[u8]>> {
    store: &'a Nb101Store<B>,
    row: u32,
    list: std::slice::Iter<'a, u8>,
}

impl<B: AsRef<[u8]>> Iterator for Budgets<'_, B> {
    type Item = Budget;

    #[inline]
    fn next(&mut self) -> Option<Budget> {
        let b = *self.list.next()? as usize;
        // Checked at construction: neither default is ever taken.
        let epochs = self.store.valid_epochs().get(b).copied().unwrap_or(0);
        let runs = self.store.runs_of(self.row, b).unwrap_or(0..0);
        Some(Budget { index: b, epochs, runs })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.list.size_hint()
    }
}

impl<B: AsRef<[u8]>> ExactSizeIterator for Budgets<'_, B> {}
