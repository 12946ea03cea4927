//! `hash_module` on the densest matrix it takes: eight vertices, every entry set, self-loops
//! included. Each vertex then has 8 in- and 8 out-neighbours, the longest message the official
//! algorithm hashes (16 neighbour digests, two bars, its own digest); the official fixtures
//! hold upper-triangular matrices only, where a vertex has at most 7 neighbours.

use tnb_nb101_spec::{Matrix, hash_module};

#[test]
fn every_entry_set_hashes_by_the_label_multiset() {
    let ones = Matrix::new(8, u64::MAX).unwrap();
    let a = hash_module(ones, &[-1, 0, 1, 2, 0, 1, 2, -2]);
    // Every vertex is joined to every vertex: any relabelling is the same graph.
    assert_eq!(a, hash_module(ones, &[2, 1, 0, -2, 2, 1, 0, -1]));
    assert_ne!(a, hash_module(ones, &[-1, 0, 0, 2, 0, 1, 2, -2]));
    // Not the upper triangle's hash: the self-loops and back edges count.
    let upper = Matrix::from_rows(
        &(0..8).map(|r| (0..8).map(|c| u8::from(c > r)).collect::<Vec<_>>()).collect::<Vec<_>>(),
    )
    .unwrap();
    assert_ne!(a, hash_module(upper, &[-1, 0, 1, 2, 0, 1, 2, -2]));
}
