//! The benchmark as the binding reads it: one thin layer over `tnb_nb101_store::Nb101Store`
//! (rows are cells in file order), turning a corrupted read into `tnb.FormatError`.

use std::ops::Range;
use std::path::Path;

use pyo3::PyResult;
use tnb_nb101_store::{Buffer, Corrupt, Metric, Nb101Store, Run};

pub(crate) use tnb_nb101_store::spec::{Matrix, hash_module};

use crate::binding::FormatError;

fn corrupt(e: Corrupt) -> pyo3::PyErr {
    FormatError::new_err(format!("corrupted NAS-Bench-101 archive: {}", e.0))
}

/// Converts the TFRecord `src` into the archive `dst` (streamed, written atomically).
pub(crate) fn convert_file(src: &Path, dst: &Path) -> Result<(), String> {
    tnb_nb101_convert::convert(src, dst, |_: u64, _: u64| {})
        .map(drop)
        .map_err(|e| format!("{}: {e}", src.display()))
}

/// An opened benchmark.
pub(crate) struct Db {
    store: Nb101Store<Buffer>,
}

impl Db {
    /// Maps the archive at `path`.
    pub(crate) fn open_archive(path: &Path) -> Result<Db, String> {
        let store = super::map::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Db { store })
    }

    /// Converts the TFRecord at `path` in memory (read whole; nothing executed).
    pub(crate) fn convert(path: &Path) -> Result<Db, String> {
        let shown = path.display();
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        let archive =
            tnb_nb101_convert::convert_bytes(&bytes).map_err(|e| format!("{shown}: {e}"))?;
        drop(bytes);
        let store = Nb101Store::copy_from(&archive).map_err(|e| format!("{shown}: {e}"))?;
        Ok(Db { store })
    }

    pub(crate) fn cells(&self) -> usize {
        self.store.cells()
    }

    pub(crate) fn valid_epochs(&self) -> &[i64] {
        self.store.valid_epochs()
    }

    pub(crate) fn hashes(&self) -> &[[u8; 16]] {
        self.store.hashes()
    }

    pub(crate) fn row_of_hash(&self, h: &[u8; 16]) -> PyResult<Option<u32>> {
        self.store.row_of_hash(h).map_err(corrupt)
    }

    pub(crate) fn row_of_spec(&self, m: Matrix, labels: &[i8]) -> PyResult<Option<u32>> {
        self.store.row_of_spec(m, labels).map_err(corrupt)
    }

    /// `(n, bits)`: bit `r * n + c` is entry (r, c).
    pub(crate) fn adjacency(&self, row: u32) -> PyResult<(u8, u64)> {
        self.store.adjacency(row).map_err(corrupt)
    }

    pub(crate) fn operations(&self, row: u32) -> PyResult<impl Iterator<Item = &str>> {
        self.store.operations(row).map_err(corrupt)
    }

    pub(crate) fn trainable_parameters(&self, row: u32) -> PyResult<i32> {
        self.store.trainable_parameters(row).map_err(corrupt)
    }

    /// `(epochs, runs)` of each budget of `row`, in the file's first-appearance order.
    pub(crate) fn budgets(&self, row: u32) -> PyResult<impl Iterator<Item = (i64, Range<usize>)>> {
        Ok(self.store.budgets(row).map_err(corrupt)?.map(|b| (b.epochs, b.runs)))
    }

    /// The budget index of `epochs` (its position in `valid_epochs`).
    pub(crate) fn budget_of_epochs(&self, epochs: i64) -> Option<usize> {
        self.store.budget_of_epochs(epochs)
    }

    /// The runs of `row` at budget `b` (empty when the cell lacks it).
    pub(crate) fn runs_of(&self, row: u32, b: usize) -> PyResult<Range<usize>> {
        self.store.runs_of(row, b).map_err(corrupt)
    }

    /// Per-cell run offsets of budget `b` (`cells + 1` global run indexes).
    pub(crate) fn run_offsets(&self, b: usize) -> PyResult<&[u32]> {
        self.store.run_offsets(b).map_err(corrupt)
    }

    /// Run `i`'s 8 metrics in the official key order.
    pub(crate) fn run(&self, i: usize) -> PyResult<[f64; 8]> {
        let Run { halfway: h, final_: f } =
            self.store.run(i).ok_or_else(|| corrupt(Corrupt("a run is out of range")))?;
        Ok([h[0], h[1], h[2], h[3], f[0], f[1], f[2], f[3]])
    }

    /// The 8 metric columns (official key order), each over every run: read once per answer
    /// instead of once per value.
    pub(crate) fn columns(&self) -> [&[f64]; 8] {
        Metric::ALL.map(|m| self.store.column(m))
    }

    /// Metric `k` (official key order) of every run.
    pub(crate) fn column(&self, k: usize) -> &[f64] {
        self.store.column(Metric::ALL[k])
    }
}
