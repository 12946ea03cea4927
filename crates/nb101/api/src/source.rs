//! [`Source`]: what the semantics read, cell by cell. The archive (`tnb_nb101_store`) is the
//! source in production ([`crate::StoreSource`]); [`crate::MemSource`] builds the same tables
//! from decoded records the way the official loader does, as an independent reading to test
//! the store against.

use std::ops::Range;

use tnb_nb101_spec::Matrix;

/// One budget of a cell: its epochs and the range of its repeats' runs (in file order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    /// The epochs key of `computed_statistics[hash]`.
    pub epochs: i64,
    /// The runs of that budget, for [`Source::run`].
    pub runs: Range<usize>,
}

pub use tnb_nb101_store::Run;

/// The tables the official object builds, by cell row (rows in the order the hashes first
/// appear, as `fixed_statistics` iterates).
pub trait Source {
    /// How many cells (`len(fixed_statistics)`).
    fn cells(&self) -> usize;
    /// The epochs seen, in first-appearance order over the file.
    fn valid_epochs(&self) -> &[i64];
    /// The cell's `module_hash` (16 bytes; the key is its 32 lowercase hex digits).
    fn hash(&self, row: u32) -> [u8; 16];
    /// The row of a hash.
    fn row_of_hash(&self, hash: &[u8; 16]) -> Option<u32>;
    /// The row of a pruned spec (`matrix`, `labels` as `hash_module` takes them); the default
    /// hashes it.
    fn row_of_spec(&self, matrix: Matrix, labels: &[i8]) -> Option<u32> {
        self.row_of_hash(&tnb_nb101_spec::hash_module(matrix, labels))
    }
    /// The cell's adjacency: `n` and the row-major bits (bit `r*n + c`).
    fn adjacency(&self, row: u32) -> (u8, u64);
    /// The cell's `raw_operations.split(',')`, through `f` one by one.
    fn operations(&self, row: u32, f: &mut dyn FnMut(&str));
    /// The cell's `trainable_parameters`.
    fn trainable_parameters(&self, row: u32) -> i32;
    /// The cell's budgets in first-appearance order, through `f`.
    fn budgets(&self, row: u32, f: &mut dyn FnMut(Budget));
    /// The runs of the cell's budget `epochs`, if it has it.
    fn budget(&self, row: u32, epochs: i64) -> Option<Range<usize>> {
        let mut found = None;
        self.budgets(row, &mut |b| {
            if found.is_none() && b.epochs == epochs {
                found = Some(b.runs);
            }
        });
        found
    }
    /// Run `i`'s metrics.
    fn run(&self, i: usize) -> Run;
    /// Run `i`'s four halfway or final metrics (what `query` returns; a columnar source reads
    /// only those four).
    fn run_half(&self, i: usize, halfway: bool) -> [f64; 4] {
        let r = self.run(i);
        if halfway { r.halfway } else { r.final_ }
    }
    /// A read failure of a crafted archive since the last call, to be reported instead of the
    /// answer (the accessors cannot fail; they answer neutral values and record it here).
    fn failure(&self) -> Option<String> {
        None
    }
}
