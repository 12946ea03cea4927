//! `scripts/generate_graphs.py`: every cell of the space, in the official script's order.
//!
//! The script walks vertex counts 2..=max, every bit mask of the upper triangle (bit `x + y*(y-1)/2`
//! = edge `x -> y`), keeps the masks whose graph is a "full DAG" (every vertex but the output has
//! an out-edge, every vertex but the input an in-edge) with at most `max_edges` edges, labels the
//! interior with every tuple of `itertools.product(range(num_ops), repeat=V-2)` and keeps the first
//! graph of each `hash_module`. Here the first graph of each [`canonical_key`] is kept instead:
//! the key is exact (equal iff isomorphic) and `hash_module` is isomorphism-invariant, so both
//! keep the same graphs as long as `hash_module` has no collision between non-isomorphic cells,
//! which the official script verified for the space (and the tests check: 423,624 cells, all
//! hashes distinct). The kept cells are then hashed on every core.

use std::collections::HashSet;

use crate::canon::{MAX_KEY_LABEL, canonical_key, edge_bit};
use crate::hash::hash_module;
use crate::matrix::Matrix;

/// The largest `max_vertices` [`enumerate`] takes: 8 would mean 2^28 masks, and the space is 7.
pub const MAX_ENUMERATE_VERTICES: usize = 7;

/// One cell of the space: the graph the official script kept for its hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The graph, already pruned (every vertex is on an input-output path).
    pub matrix: Matrix,
    /// `[-1, op indexes..., -2]` in the first `matrix.n` entries, then 0.
    pub labels: [i8; 8],
    /// `hash_module(matrix, labels)`.
    pub hash: [u8; 16],
}

impl Cell {
    /// The labels of the cell's vertices.
    pub fn labels(&self) -> &[i8] {
        &self.labels[..self.matrix.n as usize]
    }

    /// The ops (`'input'`, the op names, `'output'`) for `num_ops <= 3`.
    pub fn ops(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.labels().iter().map(|&l| match l {
            -1 => "input",
            -2 => "output",
            k => crate::AVAILABLE_OPS.get(k as usize).copied().unwrap_or("?"),
        })
    }
}

/// The counts `generate_graphs.py` logs after each vertex count: `Up to %d vertices: %d graphs
/// (%d without hashing)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UpTo {
    /// The vertex count just finished.
    pub vertices: usize,
    /// Distinct cells so far.
    pub graphs: usize,
    /// Labelled full DAGs so far, before removing isomorphic ones.
    pub without_hashing: u64,
}

/// `generate_graphs.py --max_vertices --max_edges --num_ops`: the cells in the script's order
/// (the insertion order of its `buckets` dict). `enumerate(7, 9, 3)` is NAS-Bench-101's space:
/// 423,624 cells.
///
/// # Panics
/// When `max_vertices > 7` or `num_ops > 4` (the key holds labels 0..=3).
///
/// ```
/// let cells = tnb_nb101_spec::enumerate(3, 9, 3);
/// // input -> output; input -> op -> output for 3 ops, with and without the skip edge.
/// assert_eq!(cells.len(), 7);
/// assert_eq!(cells[0].matrix.n, 2);
/// ```
pub fn enumerate(max_vertices: usize, max_edges: usize, num_ops: usize) -> Vec<Cell> {
    enumerate_with_counts(max_vertices, max_edges, num_ops).0
}

/// [`enumerate`] and the script's log lines (one per vertex count from 2).
///
/// # Panics
/// As [`enumerate`].
pub fn enumerate_with_counts(
    max_vertices: usize,
    max_edges: usize,
    num_ops: usize,
) -> (Vec<Cell>, Vec<UpTo>) {
    let (mut cells, log) = enumerate_graphs(max_vertices, max_edges, num_ops);
    hash_cells(&mut cells);
    (cells, log)
}

/// [`enumerate_with_counts`] without the hashes (every `hash` is zero; [`hash_cells`] fills
/// them in): the graphs and counts in a fraction of the time.
///
/// # Panics
/// As [`enumerate`].
pub fn enumerate_graphs(
    max_vertices: usize,
    max_edges: usize,
    num_ops: usize,
) -> (Vec<Cell>, Vec<UpTo>) {
    assert!(max_vertices <= MAX_ENUMERATE_VERTICES, "enumerate: max_vertices {max_vertices} > 7");
    assert!(num_ops <= MAX_KEY_LABEL as usize + 1, "enumerate: num_ops {num_ops} > 4");
    let mut seen = HashSet::new();
    let mut cells = Vec::new();
    let mut log = Vec::new();
    let mut total = 0u64;
    for v in 2..=max_vertices {
        let nbits = v * (v - 1) / 2;
        // Matrix bit of each mask bit.
        let mut to_matrix = [0u64; 21];
        for y in 1..v {
            for x in 0..y {
                to_matrix[edge_bit(x, y) as usize] = 1 << (x * v + y);
            }
        }
        let labelings = num_ops.pow((v - 2) as u32);
        for bits in 0u32..1 << nbits {
            if bits.count_ones() as usize > max_edges {
                continue;
            }
            let mut mbits = 0u64;
            let mut rest = bits;
            while rest != 0 {
                mbits |= to_matrix[rest.trailing_zeros() as usize];
                rest &= rest - 1;
            }
            let m = Matrix { n: v as u8, bits: mbits };
            if !is_full_dag(m) {
                continue;
            }
            let mut labels = [0i8; 8];
            labels[0] = -1;
            labels[v - 1] = -2;
            for mut k in 0..labelings {
                // itertools.product: the last position varies fastest.
                for i in (1..v - 1).rev() {
                    labels[i] = (k % num_ops) as i8;
                    k /= num_ops;
                }
                total += 1;
                if seen.insert(canonical_key(m, &labels[..v])) {
                    cells.push(Cell { matrix: m, labels, hash: [0; 16] });
                }
            }
        }
        log.push(UpTo { vertices: v, graphs: cells.len(), without_hashing: total });
    }
    (cells, log)
}

/// `graph_util.is_full_dag`: no zero row but the last, no zero column but the first.
pub fn is_full_dag(m: Matrix) -> bool {
    let n = m.n as usize;
    // The union of the rows is the set of columns with an entry.
    let mut columns = 0u8;
    for r in 0..n {
        let row = m.row(r);
        if row == 0 && r + 1 < n {
            return false;
        }
        columns |= row;
    }
    columns | 1 == crate::matrix::mask8(n) | 1
}

/// Sets every cell's `hash` to [`hash_module`] of its graph, the cells split between the
/// available cores.
pub fn hash_cells(cells: &mut [Cell]) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 16);
    let chunk = cells.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        for part in cells.chunks_mut(chunk) {
            s.spawn(move || {
                for c in part {
                    c.hash = hash_module(c.matrix, &c.labels[..c.matrix.n as usize]);
                }
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "max_vertices 8 > 7")]
    fn more_vertices_than_the_limit_panic() {
        enumerate_graphs(MAX_ENUMERATE_VERTICES + 1, 9, 3);
    }

    #[test]
    #[should_panic(expected = "num_ops 5 > 4")]
    fn more_ops_than_a_key_holds_panic() {
        enumerate_graphs(3, 9, MAX_KEY_LABEL as usize + 2);
    }

    #[test]
    fn four_ops_fit_a_key() {
        // Labels 0..=3: 1 + 4 + 4 cells up to 3 vertices.
        assert_eq!(enumerate_graphs(3, 9, 4).0.len(), 9);
    }

    #[test]
    fn full_dags() {
        let m = |rows: &[&[u8]]| Matrix::from_rows(rows).unwrap();
        assert!(is_full_dag(m(&[&[0, 1], &[0, 0]])));
        assert!(!is_full_dag(m(&[&[0, 0], &[0, 0]])));
        assert!(!is_full_dag(m(&[&[0, 1, 1], &[0, 0, 0], &[0, 0, 0]])));
        assert!(is_full_dag(m(&[&[0, 1, 1], &[0, 0, 1], &[0, 0, 0]])));
    }

    #[test]
    fn small_spaces_in_script_order() {
        let (cells, log) = enumerate_with_counts(4, 9, 3);
        assert_eq!(log[0], UpTo { vertices: 2, graphs: 1, without_hashing: 1 });
        // The official script's log (tests/data/official_hashes.json).
        assert_eq!(log[1], UpTo { vertices: 3, graphs: 7, without_hashing: 7 });
        assert_eq!(log[2], UpTo { vertices: 4, graphs: 91, without_hashing: 97 });
        // The first 3-vertex cells: labellings 0, 1, 2 of the chain 0 -> 1 -> 2 (mask 0b101:
        // edges (0,1) and (1,2)), then of the chain with the skip (mask 0b111).
        assert_eq!(cells[1].labels(), &[-1, 0, -2]);
        assert_eq!(cells[1].matrix, Matrix::from_rows(&[[0, 1, 0], [0, 0, 1], [0, 0, 0]]).unwrap());
        assert_eq!(cells[3].labels(), &[-1, 2, -2]);
        assert_eq!(cells[4].matrix.edges(), 3);
        assert_eq!(cells[3].ops().collect::<Vec<_>>(), ["input", "maxpool3x3", "output"]);
        let hashes: HashSet<_> = cells.iter().map(|c| c.hash).collect();
        assert_eq!(hashes.len(), cells.len());
        assert_eq!(enumerate(2, 0, 3).len(), 0);
        assert_eq!(enumerate(3, 9, 0).len(), 1);
        assert_eq!(enumerate(3, 2, 1).len(), 2);
    }
}
