//! [`canonical_key`]: a `u64` equal for two labelled graphs exactly when they are isomorphic
//! with the input and the output fixed, computed in well under a microsecond.
//!
//! The key is the smallest encoding of the graph over the vertex orders that a refinement allows:
//! 1. every vertex gets a colour from isomorphism invariants: its depth (the longest path that
//!    ends at it), its label, its in- and out-degree; colours are then refined by the multisets
//!    of the neighbours' colours until the number of colours stops growing (colour refinement);
//! 2. the interior vertices are ordered by colour, which orders them by depth first, so every
//!    edge goes from an earlier to a later position and the graph is upper-triangular in any such
//!    order; only the orders within a colour class remain, and among vertices with the same
//!    neighbours ("twins", which any automorphism may swap) only one order is tried;
//! 3. the key is the smallest upper-triangle bit string over those orders, with `n` and the
//!    interior labels (the same in every order, as labels are part of the colours).
//!
//! Colours are computed the same way from any relabelling of a graph, so isomorphic graphs try
//! the same set of encodings and get the same minimum; and the key encodes the whole graph, so
//! graphs with equal keys are isomorphic. Most cells of the space have all colours distinct
//! after refinement: one order, one encoding.

use crate::matrix::Matrix;

/// The key of every graph outside [`canonical_key`]'s domain. No graph in the domain has it.
pub const NO_KEY: u64 = u64::MAX;

/// Interior labels a key can hold: 2 bits each (the space uses 0, 1, 2).
pub const MAX_KEY_LABEL: i8 = 3;

/// Index of the upper-triangle entry `(x, y)`, `x < y`: `generate_graphs.py`'s bit order
/// (`gen_is_edge_fn`: `x + y * (y - 1) / 2`).
pub const fn edge_bit(x: usize, y: usize) -> u32 {
    (x + y * (y - 1) / 2) as u32
}

/// An isomorphism-invariant key of the graph `m` with vertex labels `labels`: two graphs in the
/// domain get the same key if and only if some permutation of their interior vertices (the input
/// stays vertex 0, the output stays vertex `n - 1`) maps one onto the other, labels included.
///
/// The domain, which holds every pruned spec of the space: `2 <= n <= 8`, `labels.len() == n`,
/// `labels[0] == -1`, `labels[n - 1] == -2`, interior labels in `0..=3`, no self-loop, no cycle,
/// no edge into the input and none out of the output. Anything else gets [`NO_KEY`].
///
/// Keys are below 2^44: `n` in bits 0-3, the upper triangle in bits 4-31 in
/// [`edge_bit`] order, the interior labels in bits 32-43, two bits each.
///
/// ```
/// use tnb_nb101_spec::{Matrix, canonical_key};
/// // input -> a -> output and input -> b -> output, with a and b swapped: the same graph.
/// let m = Matrix::from_rows(&[[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]]).unwrap();
/// assert_eq!(canonical_key(m, &[-1, 0, 2, -2]), canonical_key(m, &[-1, 2, 0, -2]));
/// assert_ne!(canonical_key(m, &[-1, 0, 2, -2]), canonical_key(m, &[-1, 0, 0, -2]));
/// ```
pub fn canonical_key(m: Matrix, labels: &[i8]) -> u64 {
    let n = m.n as usize;
    if !(2..=8).contains(&n) || labels.len() != n || labels[0] != -1 || labels[n - 1] != -2 {
        return NO_KEY;
    }
    if labels[1..n - 1].iter().any(|l| !(0..=MAX_KEY_LABEL).contains(l)) {
        return NO_KEY;
    }
    let (out, inn) = neighbours(m);
    if inn[0] != 0 || out[n - 1] != 0 {
        return NO_KEY;
    }
    let depth = if m.is_upper_triangular() {
        // Vertex order is a topological order: one pass.
        let mut d = [0u8; 8];
        for v in 1..n {
            let mut ins = inn[v];
            while ins != 0 {
                let u = ins.trailing_zeros() as usize;
                d[v] = d[v].max(d[u] + 1);
                ins &= ins - 1;
            }
        }
        d
    } else {
        match depths(&inn[..n]) {
            Some(d) => d,
            None => return NO_KEY,
        }
    };
    // Initial colours: depth first (so colour order is a topological order), then the label,
    // the degrees. Input and output have labels of their own.
    let mut value = [0u64; 8];
    for v in 0..n {
        value[v] = u64::from(depth[v]) << 16
            | ((labels[v] + 2) as u64) << 8
            | u64::from(inn[v].count_ones()) << 4
            | u64::from(out[v].count_ones());
    }
    if let Some(key) = distinct_fast_path(n, &value, &out, labels) {
        return key;
    }
    let mut colour = [0u8; 8];
    let mut classes = rank(&value[..n], &mut colour[..n]);
    // Refinement: colour, then the counts of in- and out-neighbours of each colour (colours
    // are < 8 and counts <= 7: three bits each). The old colour in the high bits keeps the
    // order of the old classes, so the depth order survives.
    while classes < n {
        for v in 0..n {
            let mut sig = u64::from(colour[v]) << 48;
            sig += neighbour_counts(inn[v], &colour);
            sig += neighbour_counts(out[v], &colour) << 24;
            value[v] = sig;
        }
        let mut next = [0u8; 8];
        let k = rank(&value[..n], &mut next[..n]);
        colour = next;
        if k == classes {
            break;
        }
        classes = k;
    }
    // Interior vertices by colour; ties by twin group, then index.
    let inner = n - 2;
    let mut order = [0u8; 6];
    let mut group = [0u8; 8];
    for v in 1..n - 1 {
        // A vertex's twin group is the first vertex of its colour with the same neighbours.
        group[v] = (1..=v)
            .find(|&u| colour[u] == colour[v] && inn[u] == inn[v] && out[u] == out[v])
            .unwrap_or(v) as u8;
    }
    for (i, o) in order.iter_mut().enumerate().take(inner) {
        *o = (i + 1) as u8;
    }
    order[..inner].sort_unstable_by_key(|&v| (colour[v as usize], group[v as usize], v));
    let mut label_bits = 0u64;
    for (i, &v) in order[..inner].iter().enumerate() {
        label_bits |= (labels[v as usize] as u64) << (2 * i);
    }
    let head = n as u64 | label_bits << 32;
    // The edges, once, for the encodings.
    let mut edges = [(0u8, 0u8); 28];
    let mut e = 0;
    for (u, &row) in out[..n].iter().enumerate() {
        let mut r = row;
        while r != 0 {
            let w = r.trailing_zeros() as u8;
            edges[e] = (u as u8, w);
            e += 1;
            r &= r - 1;
        }
    }
    let edges = &edges[..e];
    // `seq` = the group of the vertex at each interior position; permuting it within a colour
    // class (as a multiset: twins are interchangeable) gives every order to try.
    let mut seq = [0u8; 6];
    for i in 0..inner {
        seq[i] = group[order[i] as usize];
    }
    let mut bounds = [0usize; 7];
    let mut nb = 0;
    for i in 0..inner {
        if i == 0 || colour[order[i] as usize] != colour[order[i - 1] as usize] {
            bounds[nb] = i;
            nb += 1;
        }
    }
    bounds[nb] = inner;
    if nb == inner {
        // Every interior vertex has a colour of its own: one order, one encoding.
        let mut pos = [0u8; 8];
        pos[n - 1] = (n - 1) as u8;
        for (i, &v) in order[..inner].iter().enumerate() {
            pos[v as usize] = (i + 1) as u8;
        }
        let mut code = 0u64;
        for &(u, w) in edges {
            code |= 1 << edge_bit(pos[u as usize] as usize, pos[w as usize] as usize);
        }
        return head | code << 4;
    }
    let mut best = u64::MAX;
    loop {
        best = best.min(encode(n, &seq[..inner], &order[..inner], edges));
        // Next arrangement: odometer over the classes, each stepping to its next multiset
        // permutation (and wrapping around to sorted when it has none).
        let mut c = 0;
        while c < nb {
            if next_permutation(&mut seq[bounds[c]..bounds[c + 1]]) {
                break;
            }
            c += 1;
        }
        if c == nb {
            break;
        }
    }
    head | best << 4
}

/// The key when the initial colours already tell every interior vertex apart (most cells): the
/// interior ordered by colour value, one encoding, no refinement. Whether this path is taken
/// depends only on the multiset of colours, so isomorphic graphs take the same path.
fn distinct_fast_path(n: usize, value: &[u64; 8], out: &[u8; 8], labels: &[i8]) -> Option<u64> {
    let inner = n - 2;
    let mut order = [0u8; 6];
    for (i, o) in order.iter_mut().enumerate().take(inner) {
        *o = (i + 1) as u8;
    }
    // Insertion sort by value; equal values: not this path.
    for i in 1..inner {
        let mut j = i;
        while j > 0 && value[order[j - 1] as usize] > value[order[j] as usize] {
            order.swap(j - 1, j);
            j -= 1;
        }
    }
    for i in 1..inner {
        if value[order[i - 1] as usize] == value[order[i] as usize] {
            return None;
        }
    }
    let mut pos = [0u8; 8];
    pos[n - 1] = (n - 1) as u8;
    let mut label_bits = 0u64;
    for (i, &v) in order[..inner].iter().enumerate() {
        pos[v as usize] = (i + 1) as u8;
        label_bits |= (labels[v as usize] as u64) << (2 * i);
    }
    let mut code = 0u64;
    for (u, &row) in out[..n].iter().enumerate() {
        let mut r = row;
        while r != 0 {
            let w = r.trailing_zeros() as usize;
            code |= 1 << edge_bit(pos[u] as usize, pos[w] as usize);
            r &= r - 1;
        }
    }
    Some(n as u64 | label_bits << 32 | code << 4)
}

/// The upper-triangle encoding of the graph with the interior positions holding the groups
/// `seq`: members of one group take their positions in index order.
fn encode(n: usize, seq: &[u8], order: &[u8], edges: &[(u8, u8)]) -> u64 {
    let mut pos = [0u8; 8];
    pos[n - 1] = (n - 1) as u8;
    // `order` lists each group's members in index order (sorted by group, then index); the
    // k-th occurrence of a group in `seq` takes its k-th member.
    let mut taken = [0u8; 8];
    for (i, &g) in seq.iter().enumerate() {
        let k = taken[g as usize];
        taken[g as usize] += 1;
        let first = order.iter().position(|&v| v == g).unwrap_or(0);
        pos[order[first + k as usize] as usize] = (i + 1) as u8;
    }
    let mut code = 0u64;
    for &(u, w) in edges {
        code |= 1 << edge_bit(pos[u as usize] as usize, pos[w as usize] as usize);
    }
    code
}

/// Rearranges `s` into its next lexicographic permutation; false (and `s` sorted again) after
/// the last. Equal items give each distinct arrangement once.
fn next_permutation(s: &mut [u8]) -> bool {
    let n = s.len();
    if n < 2 {
        return false;
    }
    let mut i = n - 1;
    while i > 0 && s[i - 1] >= s[i] {
        i -= 1;
    }
    if i == 0 {
        s.reverse();
        return false;
    }
    let mut j = n - 1;
    while s[j] <= s[i - 1] {
        j -= 1;
    }
    s.swap(i - 1, j);
    s[i..].reverse();
    true
}

/// Out- and in-neighbour masks of every vertex.
pub(crate) fn neighbours(m: Matrix) -> ([u8; 8], [u8; 8]) {
    let n = m.n as usize;
    let mut out = [0u8; 8];
    let mut inn = [0u8; 8];
    let mask = crate::matrix::mask8(n);
    for (v, o) in out.iter_mut().enumerate().take(n) {
        let row = (m.bits >> (v * n)) as u8 & mask;
        *o = row;
        let mut r = row;
        while r != 0 {
            inn[r.trailing_zeros() as usize] |= 1 << v;
            r &= r - 1;
        }
    }
    (out, inn)
}

/// For the neighbours in `mask`: the count of each colour, three bits per colour.
fn neighbour_counts(mask: u8, colour: &[u8; 8]) -> u64 {
    let mut sum = 0u64;
    let mut m = mask;
    while m != 0 {
        let u = m.trailing_zeros() as usize;
        sum += 1 << (3 * colour[u] as u64);
        m &= m - 1;
    }
    sum
}

/// `out[v]` = rank of `values[v]` among the distinct values; returns the number of distinct
/// values.
fn rank(values: &[u64], out: &mut [u8]) -> usize {
    let mut sorted = [0u64; 8];
    let n = values.len();
    sorted[..n].copy_from_slice(values);
    sorted[..n].sort_unstable();
    let mut k = 0;
    for i in 0..n {
        if i == 0 || sorted[i] != sorted[k - 1] {
            sorted[k] = sorted[i];
            k += 1;
        }
    }
    for (o, v) in out.iter_mut().zip(values) {
        *o = sorted[..k].iter().position(|s| s == v).unwrap_or(0) as u8;
    }
    k
}

/// The length of the longest path ending at each vertex (`inn[v]` = its in-neighbours), by
/// peeling sources; `None` when the graph has a cycle (a self-loop included).
fn depths(inn: &[u8]) -> Option<[u8; 8]> {
    let n = inn.len();
    let mut depth = [0u8; 8];
    let mut left = crate::matrix::mask8(n);
    let mut level = 0;
    while left != 0 {
        let mut sources = 0u8;
        for v in 0..n {
            if left >> v & 1 == 1 && inn[v] & left == 0 {
                sources |= 1 << v;
                depth[v] = level;
            }
        }
        if sources == 0 {
            return None;
        }
        left &= !sources;
        level += 1;
    }
    Some(depth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutations_step_through_multisets() {
        let mut s = [0u8, 0, 1];
        let mut seen = vec![s];
        while next_permutation(&mut s) {
            seen.push(s);
        }
        assert_eq!(seen, [[0, 0, 1], [0, 1, 0], [1, 0, 0]]);
        assert_eq!(s, [0, 0, 1]);
        assert!(!next_permutation(&mut [5]));
    }

    #[test]
    fn depth_and_cycles() {
        // 0 -> 1 -> 2, 0 -> 2.
        assert_eq!(depths(&[0, 0b1, 0b11]).map(|d| d[..3].to_vec()), Some(vec![0, 1, 2]));
        assert_eq!(depths(&[0b10, 0b1]), None);
        assert_eq!(depths(&[0b1]), None);
    }

    #[test]
    fn out_of_domain_is_no_key() {
        let m = Matrix::from_rows(&[[0, 1, 0], [0, 0, 1], [0, 0, 0]]).unwrap();
        assert_ne!(canonical_key(m, &[-1, 0, -2]), NO_KEY);
        assert_eq!(canonical_key(m, &[-1, 4, -2]), NO_KEY);
        assert_eq!(canonical_key(m, &[-1, -1, -2]), NO_KEY);
        assert_eq!(canonical_key(m, &[0, 0, -2]), NO_KEY);
        assert_eq!(canonical_key(m, &[-1, 0]), NO_KEY);
        let back = Matrix::from_rows(&[[0, 0, 0], [1, 0, 1], [0, 0, 0]]).unwrap();
        assert_eq!(canonical_key(back, &[-1, 0, -2]), NO_KEY);
        let from_out = Matrix::from_rows(&[[0, 1, 0], [0, 0, 0], [0, 1, 0]]).unwrap();
        assert_eq!(canonical_key(from_out, &[-1, 0, -2]), NO_KEY);
        let cycle = Matrix::from_rows(&[[0, 1, 0, 0], [0, 0, 1, 0], [0, 1, 0, 1], [0; 4]]).unwrap();
        assert_eq!(canonical_key(cycle, &[-1, 0, 0, -2]), NO_KEY);
        assert_eq!(canonical_key(Matrix::new(1, 0).unwrap(), &[-1]), NO_KEY);
    }

    #[test]
    fn interior_order_does_not_matter_but_direction_does() {
        // 0 -> 1 -> 2 -> 3 against 0 -> 2 -> 1 -> 3 (a lower entry, still a DAG).
        let a = Matrix::from_rows(&[[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0; 4]]).unwrap();
        let b = Matrix::from_rows(&[[0, 0, 1, 0], [0, 0, 0, 1], [0, 1, 0, 0], [0; 4]]).unwrap();
        assert_eq!(canonical_key(a, &[-1, 0, 1, -2]), canonical_key(b, &[-1, 1, 0, -2]));
        assert_ne!(canonical_key(a, &[-1, 0, 1, -2]), canonical_key(b, &[-1, 0, 1, -2]));
        // The key holds n, the edges in gen_is_edge_fn order and the labels.
        let k = canonical_key(a, &[-1, 0, 1, -2]);
        let edges = 1 << edge_bit(0, 1) | 1 << edge_bit(1, 2) | 1 << edge_bit(2, 3);
        assert_eq!(k, 4 | edges << 4 | 0b0100 << 32);
    }
}
