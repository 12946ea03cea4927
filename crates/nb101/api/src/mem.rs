//! [`MemSource`]: the official loader's tables, built in memory from records in file order.

use std::collections::HashMap;

use crate::source::{Budget, Run, Source};
use tnb_nb101_spec::Matrix;

/// One record as the loader reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct MemRecord {
    /// `module_hash`, as bytes.
    pub hash: [u8; 16],
    /// `epochs`.
    pub epochs: i64,
    /// `n` and the adjacency bits.
    pub adjacency: (u8, u64),
    /// `raw_operations` (split on `,`).
    pub operations: String,
    /// `trainable_parameters`.
    pub trainable_parameters: i32,
    /// The metrics.
    pub run: Run,
}

struct Cell {
    hash: [u8; 16],
    adjacency: (u8, u64),
    operations: String,
    trainable_parameters: i32,
    /// Per budget in first-appearance order: epochs and run indexes.
    budgets: Vec<(i64, Vec<usize>)>,
}

/// The official loader's `fixed_statistics` / `computed_statistics` / `valid_epochs`, as a
/// [`Source`] (runs are stored per budget contiguously, so each budget's runs are a range).
pub struct MemSource {
    cells: Vec<Cell>,
    rows: HashMap<[u8; 16], u32>,
    epochs: Vec<i64>,
    runs: Vec<Run>,
    /// Per cell, per budget: the first run's index in `runs`.
    starts: Vec<Vec<usize>>,
}

impl MemSource {
    /// The tables of `records` read in order (the first record of a hash sets its fixed
    /// statistics; repeats append in order).
    pub fn new(records: &[MemRecord]) -> MemSource {
        let mut cells: Vec<Cell> = Vec::new();
        let mut rows = HashMap::new();
        let mut epochs = Vec::new();
        let mut order: Vec<Run> = Vec::new();
        for r in records {
            let row = *rows.entry(r.hash).or_insert_with(|| {
                cells.push(Cell {
                    hash: r.hash,
                    adjacency: r.adjacency,
                    operations: r.operations.clone(),
                    trainable_parameters: r.trainable_parameters,
                    budgets: Vec::new(),
                });
                (cells.len() - 1) as u32
            });
            if !epochs.contains(&r.epochs) {
                epochs.push(r.epochs);
            }
            let cell = &mut cells[row as usize];
            order.push(r.run);
            match cell.budgets.iter_mut().find(|(e, _)| *e == r.epochs) {
                Some((_, v)) => v.push(order.len() - 1),
                None => cell.budgets.push((r.epochs, vec![order.len() - 1])),
            }
        }
        // Lay the runs out budget by budget.
        let mut runs = Vec::with_capacity(order.len());
        let mut starts = Vec::with_capacity(cells.len());
        for c in &cells {
            let mut s = Vec::new();
            for (_, v) in &c.budgets {
                s.push(runs.len());
                runs.extend(v.iter().map(|&i| order[i]));
            }
            starts.push(s);
        }
        MemSource { cells, rows, epochs, runs, starts }
    }
}

impl Source for MemSource {
    fn cells(&self) -> usize {
        self.cells.len()
    }
    fn valid_epochs(&self) -> &[i64] {
        &self.epochs
    }
    fn hash(&self, row: u32) -> [u8; 16] {
        self.cells[row as usize].hash
    }
    fn row_of_hash(&self, hash: &[u8; 16]) -> Option<u32> {
        self.rows.get(hash).copied()
    }
    fn row_of_spec(&self, matrix: Matrix, labels: &[i8]) -> Option<u32> {
        self.row_of_hash(&tnb_nb101_spec::hash_module(matrix, labels))
    }
    fn adjacency(&self, row: u32) -> (u8, u64) {
        self.cells[row as usize].adjacency
    }
    fn operations(&self, row: u32, f: &mut dyn FnMut(&str)) {
        for op in self.cells[row as usize].operations.split(',') {
            f(op);
        }
    }
    fn trainable_parameters(&self, row: u32) -> i32 {
        self.cells[row as usize].trainable_parameters
    }
    fn budgets(&self, row: u32, f: &mut dyn FnMut(Budget)) {
        let c = &self.cells[row as usize];
        for ((e, v), s) in c.budgets.iter().zip(&self.starts[row as usize]) {
            f(Budget { epochs: *e, runs: *s..*s + v.len() });
        }
    }
    fn run(&self, i: usize) -> Run {
        self.runs[i]
    }
}
