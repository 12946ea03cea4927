//! `ModelSpec._prune`: keep the vertices on a path from the input (vertex 0) to the output
//! (vertex n-1), in their order.

use crate::matrix::Matrix;

/// The vertices `ModelSpec._prune` keeps of the `n`-vertex graph whose row `r` is the mask
/// `rows[r]` (bit `c` = edge `r -> c`), as a mask (bit `v` = vertex `v` kept); `None` when fewer
/// than two remain (the official `len(extraneous) > num_vertices - 2`: the spec is invalid).
///
/// Like the official depth-first searches, only entries above the diagonal count as edges (the
/// forward search looks at `matrix[top, v]` for `v > top`, the backward one at `matrix[v, top]`
/// for `v < top`); which order the searches visit vertices in does not change the sets.
pub fn kept_vertices(rows: &[u64]) -> Option<u64> {
    let n = rows.len();
    if !(2..=64).contains(&n) {
        // 0 or 1 vertex: the official code finds at most one vertex on both sides. More than
        // 64 does not fit a mask (Spec refuses such matrices before pruning).
        return None;
    }
    let above = |v: usize| if v >= 63 { 0 } else { !0u64 << (v + 1) };
    // Forward from the input: edges only go up, so one pass in vertex order reaches everything.
    let mut from_input = 1u64;
    for (v, &row) in rows.iter().enumerate() {
        if from_input >> v & 1 == 1 {
            from_input |= row & above(v);
        }
    }
    // Backward from the output: a vertex's successors are all decided before it.
    let mut to_output = 1u64 << (n - 1);
    for v in (0..n - 1).rev() {
        if rows[v] & above(v) & to_output != 0 {
            to_output |= 1 << v;
        }
    }
    let kept = from_input & to_output;
    (kept.count_ones() >= 2).then_some(kept)
}

/// The bits of `x` at the positions set in `mask`, packed towards bit 0 in order (what deleting
/// the other columns does to a row).
pub(crate) fn compress(x: u64, mask: u64) -> u64 {
    let mut out = 0u64;
    let mut m = mask;
    let mut i = 0;
    while m != 0 {
        let b = m.trailing_zeros();
        out |= (x >> b & 1) << i;
        i += 1;
        m &= m - 1;
    }
    out
}

/// `rows` without the rows and columns not in `kept` (`np.delete` on both axes): every entry is
/// kept, including any below the diagonal.
pub(crate) fn delete_unkept(rows: &[u64], kept: u64) -> Vec<u64> {
    rows.iter()
        .enumerate()
        .filter(|&(v, _)| kept >> v & 1 == 1)
        .map(|(_, &row)| compress(row, kept))
        .collect()
}

/// `ModelSpec._prune` of a [`Matrix`]: the pruned matrix and the mask of kept vertices (bit `v`
/// = original vertex `v`), or `None` when the input is cut off from the output (fewer than two
/// vertices would remain: the official `valid_spec = False`).
///
/// ```
/// use tnb_nb101_spec::{Matrix, prune};
/// // 0 -> 1 -> 3, and vertex 2 hangs off the input without reaching the output.
/// let m = Matrix::from_rows(&[[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]]).unwrap();
/// let (p, kept) = prune(m).unwrap();
/// assert_eq!(kept, 0b1011);
/// assert_eq!(p, Matrix::from_rows(&[[0, 1, 0], [0, 0, 1], [0, 0, 0]]).unwrap());
/// // No path from the input to the output: invalid.
/// assert_eq!(prune(Matrix::from_rows(&[[0, 1, 0], [0, 0, 0], [0, 0, 0]]).unwrap()), None);
/// ```
pub fn prune(m: Matrix) -> Option<(Matrix, u8)> {
    let n = m.n as usize;
    if n >= 2 && m.is_upper_triangular() && crate::is_full_dag(m) {
        // Every vertex has an in-edge from an earlier one and an out-edge to a later one, so by
        // induction every vertex is reached from the input and reaches the output: all kept.
        // (Every cell of the space is such a graph: most queries take this path.)
        return Some((m, crate::matrix::mask8(n)));
    }
    let mut rows = [0u64; 8];
    for (r, row) in rows.iter_mut().enumerate().take(n) {
        *row = u64::from(m.row(r));
    }
    let kept = kept_vertices(&rows[..n])?;
    let mut out = [0u8; 8];
    let mut k = 0;
    for (v, &row) in rows[..n].iter().enumerate() {
        if kept >> v & 1 == 1 {
            out[k] = compress(row, kept) as u8;
            k += 1;
        }
    }
    // `k <= n <= 8` and every packed row has fewer than `k` bits: always a matrix.
    Matrix::from_row_masks(&out[..k]).map(|p| (p, kept as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rows: &[&[u8]]) -> Matrix {
        Matrix::from_rows(rows).unwrap()
    }

    #[test]
    fn tiny_graphs_are_invalid() {
        assert_eq!(prune(Matrix::new(0, 0).unwrap()), None);
        assert_eq!(prune(m(&[&[0]])), None);
        assert_eq!(prune(m(&[&[0, 0], &[0, 0]])), None);
        assert_eq!(prune(m(&[&[0, 1], &[0, 0]])), Some((m(&[&[0, 1], &[0, 0]]), 0b11)));
    }

    #[test]
    fn lower_entries_are_not_edges_but_are_kept() {
        // Only 1 -> 0 (below the diagonal): not a path, invalid.
        assert_eq!(prune(m(&[&[0, 0], &[1, 0]])), None);
        // 0 -> 2 plus a stray lower entry 2 -> 1: vertex 1 is dropped with its row and column.
        let (p, kept) = prune(m(&[&[0, 0, 1], &[0, 0, 0], &[0, 1, 0]])).unwrap();
        assert_eq!((p, kept), (m(&[&[0, 1], &[0, 0]]), 0b101));
        // A lower entry between kept vertices stays (np.delete keeps it).
        let (p, _) = prune(m(&[&[0, 1, 0], &[0, 0, 1], &[1, 0, 0]])).unwrap();
        assert_eq!(p, m(&[&[0, 1, 0], &[0, 0, 1], &[1, 0, 0]]));
    }

    #[test]
    fn dangling_vertices_go() {
        // 0 -> 1 -> 4, 0 -> 2 (no way out), 3 -> 4 (no way in).
        let g = m(&[
            &[0, 1, 1, 0, 0],
            &[0, 0, 0, 0, 1],
            &[0, 0, 0, 0, 0],
            &[0, 0, 0, 0, 1],
            &[0, 0, 0, 0, 0],
        ]);
        let (p, kept) = prune(g).unwrap();
        assert_eq!(kept, 0b10011);
        assert_eq!(p, m(&[&[0, 1, 0], &[0, 0, 1], &[0, 0, 0]]));
    }

    #[test]
    fn compress_packs_in_order() {
        assert_eq!(compress(0b1010_1010, 0b1111_0000), 0b1010);
        assert_eq!(compress(u64::MAX, 1 << 63 | 1), 0b11);
        assert_eq!(delete_unkept(&[0b110, 0b100, 0], 0b101), vec![0b10, 0]);
    }

    #[test]
    fn sixty_four_vertices_prune() {
        let mut rows = vec![0u64; 64];
        rows[0] = 1 << 63;
        assert_eq!(kept_vertices(&rows), Some(1 << 63 | 1));
        assert_eq!(kept_vertices(&vec![0u64; 65]), None);
    }
}
