//! [`Builder`]: records pushed in file order, kept in flat columns (about 70 bytes per run:
//! 5.08 M records in ~350 MB), laid out as the archive at [`Builder::finish`].

use std::collections::HashMap;
use std::fmt;

use tnb_schema::nb101::{
    MAX_BUDGETS, MAX_CELLS, MAX_OP_BYTES, MAX_OP_ITEMS, MAX_OP_STRINGS, MAX_RUN_OFFSETS, MAX_RUNS,
};

/// One record of the `.tfrecord` file, decoded (tnb-nb101-record's `Record`, flattened).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecordIn<'a> {
    /// `module_hash`, the 16 bytes of its 32 hex digits.
    pub hash: [u8; 16],
    /// `epochs`.
    pub epochs: i64,
    /// Vertices of `raw_adjacency` (`n × n` characters), at most 7.
    pub n: u8,
    /// `raw_adjacency`: entry `(r, c)` at bit `r * n + c`.
    pub adjacency: u64,
    /// `raw_operations`, not split.
    pub operations: &'a str,
    /// `trainable_parameters`.
    pub trainable_parameters: i32,
    /// `[training_time, train_accuracy, validation_accuracy, test_accuracy]` of the halfway
    /// evaluation (`evaluation_data[1]`).
    pub halfway: [f64; 4],
    /// The same of the final evaluation (`evaluation_data[2]`).
    pub final_: [f64; 4],
}

/// Where an archive came from, for its header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// Size of the source file in bytes.
    pub source_size: u64,
    /// SHA-256 of the source file.
    pub source_sha256: [u8; 32],
    /// The converter's name and version (at most 32 bytes are kept).
    pub converter: String,
}

impl Provenance {
    /// The provenance of a source of `size` bytes and SHA-256 `sha256`, converted by this
    /// crate's version ([`crate::CONVERTER`]).
    pub fn new(size: u64, sha256: [u8; 32]) -> Provenance {
        Provenance { source_size: size, source_sha256: sha256, converter: crate::CONVERTER.into() }
    }
}

/// The limits a [`Builder`] holds the input to: the format's (`MAX_*`) by default; smaller
/// ones for tests and for callers that want to refuse big inputs early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most cells ([`crate::MAX_CELLS`]).
    pub cells: u64,
    /// Most runs ([`crate::MAX_RUNS`]).
    pub runs: u64,
    /// Most distinct budgets ([`crate::MAX_BUDGETS`]).
    pub budgets: u64,
    /// Most distinct operation labels ([`crate::MAX_OP_STRINGS`]).
    pub op_strings: u64,
    /// Most bytes of distinct labels ([`crate::MAX_OP_BYTES`]).
    pub op_bytes: u64,
    /// Most operations over all cells ([`crate::MAX_OP_ITEMS`]).
    pub op_items: u64,
    /// Most `budgets × (cells + 1)` ([`crate::MAX_RUN_OFFSETS`]).
    pub run_offsets: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            cells: MAX_CELLS,
            runs: MAX_RUNS,
            budgets: MAX_BUDGETS,
            op_strings: MAX_OP_STRINGS,
            op_bytes: MAX_OP_BYTES,
            op_items: MAX_OP_ITEMS,
            run_offsets: MAX_RUN_OFFSETS,
        }
    }
}

/// Why building failed: one line naming the record (0-based, in push order) where there is one.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// A record the archive cannot hold.
    Record {
        /// Its position in push order.
        index: u64,
        /// Why.
        reason: String,
    },
    /// Writing the archive failed (or the written file was refused by the reader).
    Write(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Record { index, reason } => write!(f, "record {index}: {reason}"),
            BuildError::Write(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for BuildError {}

impl From<tnb_mapped::replace::ReplaceError> for BuildError {
    fn from(e: tnb_mapped::replace::ReplaceError) -> BuildError {
        BuildError::Write(e.to_string())
    }
}

/// What was built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Records pushed (= runs).
    pub records: u64,
    /// Cells (distinct hashes).
    pub cells: u64,
    /// `valid_epochs`, in first-appearance order.
    pub valid_epochs: Vec<i64>,
    /// Cells in the canonical index.
    pub canonical: u64,
    /// Bytes of the archive.
    pub bytes: u64,
}

/// Builds an archive from records pushed in file order: the first record of a hash sets the
/// cell's fixed statistics (later ones only add runs), runs keep file order within their cell
/// and budget, rows, per-cell budgets and `valid_epochs` keep first-appearance order.
#[derive(Debug, Default)]
pub struct Builder {
    pub(crate) limits: Limits,
    /// Hash → row. The standard library's randomly keyed SipHash: the hashes come from the
    /// file, and a crafted file must not make the table degenerate.
    pub(crate) row_of: HashMap<[u8; 16], u32>,
    /// The previous record's hash and row.
    pub(crate) last: Option<([u8; 16], u32)>,
    pub(crate) hashes: Vec<[u8; 16]>,
    pub(crate) vertices: Vec<u8>,
    pub(crate) adjacency: Vec<u64>,
    pub(crate) params: Vec<i32>,
    /// `cells + 1` offsets into `ops` (starts at `[0]`).
    pub(crate) ops_offsets: Vec<u32>,
    pub(crate) ops: Vec<u16>,
    pub(crate) label_id: HashMap<String, u16>,
    pub(crate) labels: Vec<String>,
    pub(crate) label_bytes: u64,
    pub(crate) epochs: Vec<i64>,
    /// Per cell, which budgets it has seen (bit `b` of word `b / 64`).
    pub(crate) seen: Vec<[u64; 4]>,
    /// `(cell, budget)` in order of first appearance over the file.
    pub(crate) firsts: Vec<(u32, u8)>,
    pub(crate) run_cell: Vec<u32>,
    pub(crate) run_budget: Vec<u8>,
    pub(crate) metrics: [Vec<f64>; 8],
}

impl Builder {
    /// An empty builder with the format's limits.
    pub fn new() -> Builder {
        Builder::with_limits(Limits::default())
    }

    /// An empty builder with other limits (each at most the format's).
    pub fn with_limits(limits: Limits) -> Builder {
        let d = Limits::default();
        let limits = Limits {
            cells: limits.cells.min(d.cells),
            runs: limits.runs.min(d.runs),
            budgets: limits.budgets.min(d.budgets),
            op_strings: limits.op_strings.min(d.op_strings),
            op_bytes: limits.op_bytes.min(d.op_bytes),
            op_items: limits.op_items.min(d.op_items),
            run_offsets: limits.run_offsets.min(d.run_offsets),
        };
        Builder { limits, ops_offsets: vec![0], ..Builder::default() }
    }

    /// Reserves room for `records` more records (e.g. the source size over ~385 bytes, the
    /// real files' record size), so that the columns grow once.
    pub fn reserve(&mut self, records: usize) {
        self.run_cell.reserve(records);
        self.run_budget.reserve(records);
        for m in &mut self.metrics {
            m.reserve(records);
        }
    }

    /// Records pushed so far.
    pub fn records(&self) -> u64 {
        self.run_cell.len() as u64
    }

    /// Cells so far.
    pub fn cells(&self) -> u64 {
        self.hashes.len() as u64
    }

    /// Adds the next record of the file. On error nothing of the record is kept.
    pub fn push(&mut self, r: &RecordIn<'_>) -> Result<(), BuildError> {
        let index = self.records();
        let err = |reason: String| BuildError::Record { index, reason };
        if index >= self.limits.runs {
            return Err(err(format!("more than {} records", self.limits.runs)));
        }
        // The budget first: a refused record must leave no trace, and a new cell is only
        // added after everything else about the record was accepted.
        let b = match self.epochs.iter().position(|&e| e == r.epochs) {
            Some(b) => b,
            None if (self.epochs.len() as u64) < self.limits.budgets => self.epochs.len(),
            None => {
                return Err(err(format!(
                    "epochs {} would be distinct budget number {}, more than the {} allowed",
                    r.epochs,
                    self.epochs.len() + 1,
                    self.limits.budgets
                )));
            }
        };
        // A hash's records tend to come together: the last row is checked before the table.
        // budgets × (cells + 1) after this record, bounded before anything grows.
        let known =
            self.last.is_some_and(|(h, _)| h == r.hash) || self.row_of.contains_key(&r.hash);
        let cells_after = self.cells() + u64::from(!known);
        let budgets_after = self.epochs.len().max(b + 1) as u64;
        if budgets_after * (cells_after + 1) > self.limits.run_offsets {
            return Err(err(format!(
                "{budgets_after} budgets x {} cells would pass the {} run offsets allowed",
                cells_after + 1,
                self.limits.run_offsets
            )));
        }
        let row = match self.last {
            Some((h, row)) if h == r.hash => row,
            _ => match self.row_of.get(&r.hash) {
                Some(&row) => row,
                None => self.new_cell(r).map_err(err)?,
            },
        };
        self.last = Some((r.hash, row));
        if b == self.epochs.len() {
            self.epochs.push(r.epochs);
        }
        let seen = &mut self.seen[row as usize][b / 64];
        if *seen >> (b % 64) & 1 == 0 {
            *seen |= 1 << (b % 64);
            self.firsts.push((row, b as u8));
        }
        self.run_cell.push(row);
        self.run_budget.push(b as u8);
        for (i, v) in r.halfway.iter().chain(r.final_.iter()).enumerate() {
            self.metrics[i].push(*v);
        }
        Ok(())
    }

    /// Adds the cell of a hash's first record; returns its row.
    fn new_cell(&mut self, r: &RecordIn<'_>) -> Result<u32, String> {
        if self.cells() >= self.limits.cells {
            return Err(format!("more than {} distinct cells", self.limits.cells));
        }
        if r.n > 7 || r.adjacency >> (u32::from(r.n) * u32::from(r.n)) != 0 {
            return Err(format!(
                "adjacency of {} vertices (bits {:#x}): at most 7 x 7 is stored",
                r.n, r.adjacency
            ));
        }
        // Labels: interned; a refused label leaves the table as it was.
        let start = self.ops.len();
        let (nlabels, nbytes) = (self.labels.len(), self.label_bytes);
        let undo = |b: &mut Builder| {
            b.ops.truncate(start);
            for l in b.labels.drain(nlabels..) {
                b.label_id.remove(&l);
            }
            b.label_bytes = nbytes;
        };
        for op in r.operations.split(',') {
            if self.ops.len() as u64 >= self.limits.op_items {
                undo(self);
                return Err(format!(
                    "more than {} operations over all cells",
                    self.limits.op_items
                ));
            }
            let id = match self.label_id.get(op) {
                Some(&id) => id,
                None => {
                    let bytes = self.label_bytes + op.len() as u64;
                    if self.labels.len() as u64 >= self.limits.op_strings
                        || bytes > self.limits.op_bytes
                    {
                        undo(self);
                        return Err(format!(
                            "operation label {:?} would exceed the label table's limits ({} \
                             labels, {} bytes)",
                            op.chars().take(40).collect::<String>(),
                            self.limits.op_strings,
                            self.limits.op_bytes
                        ));
                    }
                    let id = self.labels.len() as u16;
                    self.labels.push(op.to_owned());
                    self.label_id.insert(op.to_owned(), id);
                    self.label_bytes = bytes;
                    id
                }
            };
            self.ops.push(id);
        }
        let row = self.hashes.len() as u32;
        self.row_of.insert(r.hash, row);
        self.hashes.push(r.hash);
        self.vertices.push(r.n);
        self.adjacency.push(r.adjacency);
        self.params.push(r.trainable_parameters);
        self.ops_offsets.push(self.ops.len() as u32);
        self.seen.push([0; 4]);
        Ok(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(hash: u8, epochs: i64, ops: &str) -> RecordIn<'_> {
        RecordIn {
            hash: [hash; 16],
            epochs,
            n: 2,
            adjacency: 2,
            operations: ops,
            trainable_parameters: 1,
            halfway: [0.0; 4],
            final_: [0.0; 4],
        }
    }

    #[test]
    fn a_refused_record_leaves_no_trace() {
        let lim = Limits { op_strings: 2, budgets: 1, ..Limits::default() };
        let mut b = Builder::with_limits(lim);
        b.push(&rec(1, 4, "input,output")).unwrap();
        let e = b.push(&rec(2, 4, "input,conv,output")).unwrap_err().to_string();
        assert!(e.starts_with("record 1: operation label \"conv\""), "{e}");
        let e = b.push(&rec(3, 12, "input,output")).unwrap_err().to_string();
        assert!(e.contains("more than the 1 allowed"), "{e}");
        assert_eq!((b.cells(), b.records(), b.labels.len(), b.ops.len()), (1, 1, 2, 2));
        assert_eq!((b.epochs.as_slice(), b.label_bytes), (&[4][..], 11));
        b.push(&rec(2, 4, "output,input")).unwrap();
        assert_eq!(b.cells(), 2);
    }
}
