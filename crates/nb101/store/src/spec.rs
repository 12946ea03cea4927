//! What the store needs of `tnb-nb101-spec` (the contract names of PLAN.md): [`Matrix`],
//! [`prune`], [`hash_module`], [`canonical_key`] and the labels of an operation list.
//!
//! A local stand-in until the spec crate is merged: `hash_module` and `prune` follow the
//! official `graph_util.hash_module` and `ModelSpec._prune`; `canonical_key` is the minimum over
//! the permutations of the interior vertices (input and output stay first and last, as in
//! every pruned valid spec) of the matrix bits, the interior labels and `n`: injective on
//! isomorphism classes, but slow (120 permutations), so that it is only used at build time.

use md5::{Digest, Md5};

/// The operations a cell's interior vertices may have, by label.
pub const AVAILABLE_OPS: [&str; 3] = ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"];

/// A row-major `n × n` 0/1 matrix: entry `(r, c)` is bit `r * n + c`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Matrix {
    /// Number of vertices.
    pub n: u8,
    /// Entry `(r, c)` at bit `r * n + c`.
    pub bits: u64,
}

fn get(m: Matrix, r: usize, c: usize) -> bool {
    m.bits >> (r * m.n as usize + c) & 1 == 1
}

/// `[-1] + [index in AVAILABLE_OPS] + [-2]` of an operation list, if it is one of a valid spec
/// (`input` first, `output` last, available interior ops, at most 7 vertices).
pub fn labels<'a>(ops: impl ExactSizeIterator<Item = &'a str>) -> Option<Vec<i8>> {
    let n = ops.len();
    if !(2..=7).contains(&n) {
        return None;
    }
    let mut out = Vec::with_capacity(n);
    for (i, op) in ops.enumerate() {
        let l = if i == 0 {
            (op == "input").then_some(-1)?
        } else if i == n - 1 {
            (op == "output").then_some(-2)?
        } else {
            AVAILABLE_OPS.iter().position(|a| *a == op)? as i8
        };
        out.push(l);
    }
    Some(out)
}

/// `ModelSpec._prune`: the matrix without the vertices not on an input → output path, and the
/// mask of the kept vertices; `None` when the output is cut off from the input.
pub fn prune(m: Matrix) -> Option<(Matrix, u8)> {
    let n = m.n as usize;
    if n == 0 || n > 8 {
        return None;
    }
    let mut from_in = 1u16;
    let mut stack = vec![0usize];
    while let Some(t) = stack.pop() {
        for v in t + 1..n {
            if get(m, t, v) && from_in >> v & 1 == 0 {
                from_in |= 1 << v;
                stack.push(v);
            }
        }
    }
    let mut to_out = 1u16 << (n - 1);
    stack.push(n - 1);
    while let Some(t) = stack.pop() {
        for v in 0..t {
            if get(m, v, t) && to_out >> v & 1 == 0 {
                to_out |= 1 << v;
                stack.push(v);
            }
        }
    }
    let keep = from_in & to_out;
    if (keep.count_ones() as usize) < 2 {
        return None;
    }
    let kept: Vec<usize> = (0..n).filter(|v| keep >> v & 1 == 1).collect();
    let k = kept.len();
    let mut bits = 0u64;
    for (i, &r) in kept.iter().enumerate() {
        for (j, &c) in kept.iter().enumerate() {
            if get(m, r, c) {
                bits |= 1 << (i * k + j);
            }
        }
    }
    Some((Matrix { n: k as u8, bits }, keep as u8))
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// `graph_util.hash_module(matrix, labels)`.
pub fn hash_module(m: Matrix, labels: &[i8]) -> [u8; 16] {
    let n = m.n as usize;
    let mut hashes: Vec<String> = (0..n)
        .map(|v| {
            let out = (0..n).filter(|&w| get(m, v, w)).count();
            let inn = (0..n).filter(|&w| get(m, w, v)).count();
            let l = labels.get(v).copied().unwrap_or(0);
            hex(&Md5::digest(format!("({out}, {inn}, {l})").as_bytes()))
        })
        .collect();
    for _ in 0..n {
        let next = (0..n)
            .map(|v| {
                let mut ins: Vec<&str> =
                    (0..n).filter(|&w| get(m, w, v)).map(|w| hashes[w].as_str()).collect();
                let mut outs: Vec<&str> =
                    (0..n).filter(|&w| get(m, v, w)).map(|w| hashes[w].as_str()).collect();
                ins.sort_unstable();
                outs.sort_unstable();
                let s = format!("{}|{}|{}", ins.concat(), outs.concat(), hashes[v]);
                hex(&Md5::digest(s.as_bytes()))
            })
            .collect();
        hashes = next;
    }
    hashes.sort_unstable();
    let list: Vec<String> = hashes.iter().map(|h| format!("'{h}'")).collect();
    let mut out = [0u8; 16];
    out.copy_from_slice(&Md5::digest(format!("[{}]", list.join(", ")).as_bytes()));
    out
}

/// An isomorphism-invariant key of a pruned valid spec (see the module docs).
pub fn canonical_key(m: Matrix, labels: &[i8]) -> u64 {
    let n = m.n as usize;
    let mut perm: Vec<usize> = (0..n).collect();
    let mut best = u64::MAX;
    loop {
        let mut bits = 0u64;
        for r in 0..n {
            for c in 0..n {
                if get(m, perm[r], perm[c]) {
                    bits |= 1 << (r * n + c);
                }
            }
        }
        let mut lab = 0u64;
        for &p in perm.iter().take(n.saturating_sub(1)).skip(1) {
            lab = lab << 2 | labels.get(p).copied().unwrap_or(0) as u64 & 3;
        }
        best = best.min((n as u64) << 59 | lab << 49 | bits);
        // Next permutation of the interior (positions 1..n-1).
        if n < 3 || !next_perm(&mut perm[1..n - 1]) {
            return best;
        }
    }
}

fn next_perm(p: &mut [usize]) -> bool {
    let Some(i) = (1..p.len()).rev().find(|&i| p[i - 1] < p[i]) else { return false };
    let j = (i..p.len()).rev().find(|&j| p[j] > p[i - 1]).unwrap_or(i);
    p.swap(i - 1, j);
    p[i..].reverse();
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_hash_of_the_readme_spec() {
        // The README's example cell (5 vertices; hash recorded by the official code).
        let rows =
            [[0, 1, 1, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]];
        let mut bits = 0;
        for (r, row) in rows.iter().enumerate() {
            for (c, &x) in row.iter().enumerate() {
                bits |= (x as u64) << (r * 5 + c);
            }
        }
        let m = Matrix { n: 5, bits };
        assert_eq!(prune(m), Some((m, 0b11111)));
        let l = labels(
            ["input", "conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3", "output"].into_iter(),
        )
        .unwrap();
        assert_eq!(l, [-1, 0, 1, 2, -2]);
        // Swapping two interior vertices is an isomorphism: same hash, same key.
        let l2 = [-1, 1, 0, 2, -2];
        assert_eq!(hash_module(m, &l), hash_module(m, &l2));
        assert_eq!(canonical_key(m, &l), canonical_key(m, &l2));
        assert_ne!(canonical_key(m, &l), canonical_key(m, &[-1, 0, 0, 2, -2]));
    }
}
