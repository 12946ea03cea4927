//! [`StoreSource`]: the archive (`tnb_nb101_store::Nb101Store`) as a [`Source`].
//!
//! The store checks at open what every read relies on, and a read of a crafted archive returns
//! `Corrupt` rather than panicking; the trait's accessors cannot fail, so this records the first
//! such failure (and answers a neutral value) and [`Source::failure`] reports it: callers check
//! it after each call and discard the answer.

use std::cell::Cell;
use std::ops::Range;

use tnb_nb101_spec::Matrix;
use tnb_nb101_store::{Corrupt, Metric, Nb101Store, spec};

use crate::source::{Budget, Run, Source};

/// An archive read through the [`Source`] accessors.
#[derive(Debug)]
pub struct StoreSource<'a, B: AsRef<[u8]>> {
    store: &'a Nb101Store<B>,
    failure: Cell<Option<&'static str>>,
}

impl<'a, B: AsRef<[u8]>> StoreSource<'a, B> {
    /// The source over `store`.
    pub fn new(store: &'a Nb101Store<B>) -> Self {
        StoreSource { store, failure: Cell::new(None) }
    }

    /// The store.
    pub fn store(&self) -> &'a Nb101Store<B> {
        self.store
    }

    fn ok<T>(&self, r: Result<T, Corrupt>, neutral: T) -> T {
        r.unwrap_or_else(|e| {
            if self.failure.get().is_none() {
                self.failure.set(Some(e.0));
            }
            neutral
        })
    }
}

impl<B: AsRef<[u8]>> Source for StoreSource<'_, B> {
    fn cells(&self) -> usize {
        self.store.cells()
    }
    fn valid_epochs(&self) -> &[i64] {
        self.store.valid_epochs()
    }
    fn hash(&self, row: u32) -> [u8; 16] {
        let h = self.store.hash(row).ok_or(Corrupt("a row is out of range"));
        self.ok(h, [0; 16])
    }
    fn row_of_hash(&self, hash: &[u8; 16]) -> Option<u32> {
        self.ok(self.store.row_of_hash(hash), None)
    }
    fn row_of_spec(&self, matrix: Matrix, labels: &[i8]) -> Option<u32> {
        let m = spec::Matrix { n: matrix.n, bits: matrix.bits };
        self.ok(self.store.row_of_spec(m, labels), None)
    }
    fn adjacency(&self, row: u32) -> (u8, u64) {
        self.ok(self.store.adjacency(row), (0, 0))
    }
    fn operations(&self, row: u32, f: &mut dyn FnMut(&str)) {
        if let Some(ops) = self.ok(self.store.operations(row).map(Some), None) {
            for op in ops {
                f(op);
            }
        }
    }
    fn trainable_parameters(&self, row: u32) -> i32 {
        self.ok(self.store.trainable_parameters(row), 0)
    }
    fn budgets(&self, row: u32, f: &mut dyn FnMut(Budget)) {
        if let Some(budgets) = self.ok(self.store.budgets(row).map(Some), None) {
            for b in budgets {
                f(Budget { epochs: b.epochs, runs: b.runs });
            }
        }
    }
    fn budget(&self, row: u32, epochs: i64) -> Option<Range<usize>> {
        let b = self.store.budget_of_epochs(epochs)?;
        let runs = self.ok(self.store.runs_of(row, b), 0..0);
        (!runs.is_empty()).then_some(runs)
    }
    fn run(&self, i: usize) -> Run {
        let r = self.store.run(i).ok_or(Corrupt("a run is out of range"));
        self.ok(r, Run { halfway: [f64::NAN; 4], final_: [f64::NAN; 4] })
    }
    fn run_half(&self, i: usize, halfway: bool) -> [f64; 4] {
        let first = if halfway { 0 } else { 4 };
        let mut out = [f64::NAN; 4];
        for (k, o) in out.iter_mut().enumerate() {
            match self.store.column(Metric::ALL[first + k]).get(i) {
                Some(x) => *o = *x,
                None => {
                    return self.ok(Err(Corrupt("a run is out of range")), [f64::NAN; 4]);
                }
            }
        }
        out
    }
    fn failure(&self) -> Option<String> {
        self.failure.take().map(|m| format!("corrupted tnb archive: {m}"))
    }
}
