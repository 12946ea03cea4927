//! The whole space: `generate_graphs.py`'s count for 7 vertices, 9 edges, 3 ops.

use tnb_nb101_spec::{CELLS, canonical_key, enumerate_graphs};

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
    // The canonical keys of every cell, in enumeration order, pinned (FNV-1a over their
    // bytes): archives store them (canon_keys), so their values are part of the format, and
    // tests/keys.rs pins only graphs of up to 5 vertices.
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for c in &cells {
        for b in canonical_key(c.matrix, c.labels()).to_le_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    assert_eq!(h, 0xaaf7_1aef_ff50_def8);
}
