//! The whole space: `generate_graphs.py`'s count for 7 vertices, 9 edges, 3 ops.

use tnb_nb101_spec::{CELLS, enumerate_graphs};

#[test]
fn the_space_has_423624_cells() {
    let (cells, log) = enumerate_graphs(7, 9, 3);
    assert_eq!(cells.len(), CELLS);
    let counts: Vec<usize> = log.iter().map(|u| u.graphs).collect();
    // 2 to 6 vertices: the official script's counts (tests/data/official_hashes.json).
    assert_eq!(counts[..5], [1, 7, 91, 2532, 64542]);
    assert_eq!(log[5].without_hashing, 1_293_208);
    // Every cell is a pruned graph of the space.
    assert!(cells.iter().all(|c| c.matrix.edges() <= 9 && tnb_nb101_spec::is_full_dag(c.matrix)));
}
