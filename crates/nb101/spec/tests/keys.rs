//! `canonical_key`'s values, not only its partition: the keys are stored in archives
//! (`canon_keys`, FORMAT-NB101.md) and recomputed by readers, so a key definition that still
//! tells graphs apart but gives other numbers makes every archive written before fail to open.
//! The layout (`n` in bits 0-3, the upper triangle in `edge_bit` order from bit 4, interior
//! labels from bit 32) is checked by hand on graphs whose vertex order is forced; the rest is
//! pinned by a digest over every small graph.

use tnb_nb101_spec::{Matrix, canonical_key, edge_bit};

fn key(rows: &[&[u8]], labels: &[i8]) -> u64 {
    canonical_key(Matrix::from_rows(rows).unwrap(), labels)
}

/// The key of a graph with `n` vertices, edges between the given positions, interior labels
/// in position order.
fn layout(n: usize, edges: &[(usize, usize)], interior: &[i8]) -> u64 {
    let mut code = 0u64;
    for &(x, y) in edges {
        code |= 1 << edge_bit(x, y);
    }
    let mut labels = 0u64;
    for (i, &l) in interior.iter().enumerate() {
        labels |= (l as u64) << (2 * i);
    }
    n as u64 | code << 4 | labels << 32
}

#[test]
fn a_chain_is_encoded_in_depth_order() {
    // input -> x -> y -> output, written with y before x.
    let rows: [&[u8]; 4] = [&[0, 0, 1, 0], &[0, 0, 0, 1], &[0, 1, 0, 0], &[0; 4]];
    // Vertex 2 (label 0) is at depth 1, vertex 1 (label 1) at depth 2.
    let want = layout(4, &[(0, 1), (1, 2), (2, 3)], &[0, 1]);
    assert_eq!(want, 0x4_0000_0254);
    assert_eq!(key(&rows, &[-1, 1, 0, -2]), want);
}

#[test]
fn twins_take_the_first_positions_in_index_order() {
    // input -> a -> output, input -> b -> output, a and b alike: one colour class, tried
    // through the refinement's orders (not the distinct-colours shortcut).
    let rows: [&[u8]; 4] = [&[0, 1, 1, 0], &[0, 0, 0, 1], &[0, 0, 0, 1], &[0; 4]];
    let want = layout(4, &[(0, 1), (0, 2), (1, 3), (2, 3)], &[0, 0]);
    assert_eq!(want, 0x334);
    assert_eq!(key(&rows, &[-1, 0, 0, -2]), want);
    // Different labels tell them apart: label order.
    let want = layout(4, &[(0, 1), (0, 2), (1, 3), (2, 3)], &[0, 2]);
    assert_eq!(key(&rows, &[-1, 2, 0, -2]), want);
}

#[test]
fn the_in_degree_orders_vertices_of_one_depth_and_label() {
    // a1 (label 0) and a2 (label 1) at depth 1; b (in from a2) and c (in from the input and
    // a1) at depth 2, both label 2 and out-degree 1: the in-degree puts b before c.
    let rows: [&[u8]; 6] = [
        &[0, 1, 1, 0, 1, 0],
        &[0, 0, 0, 0, 1, 0],
        &[0, 0, 0, 1, 0, 0],
        &[0, 0, 0, 0, 0, 1],
        &[0, 0, 0, 0, 0, 1],
        &[0; 6],
    ];
    let labels = [-1, 0, 1, 2, 2, -2];
    let want = layout(6, &[(0, 1), (0, 2), (2, 3), (0, 4), (1, 4), (3, 5), (4, 5)], &[0, 1, 2, 2]);
    assert_eq!(want, 0xa4_0006_0e36);
    assert_eq!(key(&rows, &labels), want);
}

/// Every upper-triangular graph of 2 to 5 vertices with every labelling of the space, in a
/// fixed order.
fn small_graphs(mut f: impl FnMut(Matrix, &[i8])) {
    for n in 2..=5usize {
        let nbits = n * (n - 1) / 2;
        for mask in 0u64..1 << nbits {
            let mut bits = 0u64;
            let mut k = 0;
            for c in 1..n {
                for r in 0..c {
                    if mask >> k & 1 == 1 {
                        bits |= 1 << (r * n + c);
                    }
                    k += 1;
                }
            }
            let m = Matrix::new(n, bits).unwrap();
            for mut lab in 0..3usize.pow((n - 2) as u32) {
                let mut l = vec![-1i8];
                for _ in 0..n - 2 {
                    l.push((lab % 3) as i8);
                    lab /= 3;
                }
                l.push(-2);
                f(m, &l);
            }
        }
    }
}

#[test]
fn the_keys_of_every_small_graph_are_pinned() {
    // FNV-1a over the keys' bytes in `small_graphs` order. Changing the key's definition on
    // purpose changes this, and with it the archive format (SCHEMA, FORMAT_VERSION).
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut count = 0u32;
    small_graphs(|m, l| {
        for b in canonical_key(m, l).to_le_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        count += 1;
    });
    assert_eq!(count, 2 + 8 * 3 + 64 * 9 + 1024 * 27);
    assert_eq!(h, 0xa03a_2215_b009_060d);
}
