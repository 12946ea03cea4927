//! `hash_module` and `canonical_key` under isomorphism: relabelling the interior vertices keeps
//! both, and `canonical_key` tells every non-isomorphic pair apart (checked against a brute-force
//! isomorphism test over all interior permutations).

#![allow(clippy::needless_range_loop)] // matrices read best by (row, column)

use std::collections::HashMap;

use proptest::prelude::*;
use tnb_nb101_spec::{Matrix, NO_KEY, canonical_key, hash_module, prune};

/// The graph with vertex `v` moved to `perm[v]`.
fn permute(m: Matrix, labels: &[i8], perm: &[usize]) -> (Matrix, Vec<i8>) {
    let n = m.n as usize;
    let mut rows = vec![vec![0u8; n]; n];
    let mut l = vec![0i8; n];
    for r in 0..n {
        l[perm[r]] = labels[r];
        for c in 0..n {
            if m.get(r, c) {
                rows[perm[r]][perm[c]] = 1;
            }
        }
    }
    (Matrix::from_rows(&rows).unwrap(), l)
}

/// Every permutation of `1..n-1` (input and output stay), as full vertex maps.
fn interior_perms(n: usize) -> Vec<Vec<usize>> {
    fn go(rest: &mut Vec<usize>, acc: &mut Vec<usize>, out: &mut Vec<Vec<usize>>, n: usize) {
        if rest.is_empty() {
            let mut p = vec![0];
            p.extend(acc.iter().copied());
            p.push(n - 1);
            out.push(p);
            return;
        }
        for i in 0..rest.len() {
            let x = rest.remove(i);
            acc.push(x);
            go(rest, acc, out, n);
            acc.pop();
            rest.insert(i, x);
        }
    }
    let mut out = Vec::new();
    go(&mut (1..n - 1).collect(), &mut Vec::new(), &mut out, n);
    out
}

/// The smallest (bits, labels) over all interior permutations: equal iff isomorphic.
fn brute_form(m: Matrix, labels: &[i8], perms: &[Vec<usize>]) -> (u64, Vec<i8>) {
    perms
        .iter()
        .map(|p| {
            let (pm, pl) = permute(m, labels, p);
            (pm.bits, pl)
        })
        .min()
        .unwrap()
}

fn labels_for(n: usize, interior: &[i8]) -> Vec<i8> {
    let mut l = vec![-1];
    l.extend_from_slice(&interior[..n - 2]);
    l.push(-2);
    l
}

/// A random upper-triangular graph of 2-7 vertices with labels of the space, pruned (as every
/// spec is before hashing).
fn pruned_graph() -> impl Strategy<Value = (Matrix, Vec<i8>)> {
    (2usize..=7, any::<u32>(), prop::collection::vec(0i8..3, 5), 1u32..4).prop_filter_map(
        "disconnected",
        |(n, bits, interior, density)| {
            let mut rows = vec![vec![0u8; n]; n];
            let mut k = 0;
            for r in 0..n {
                for c in r + 1..n {
                    // About density/4 of the entries are edges.
                    rows[r][c] = u8::from((bits.rotate_left(k * 7) & 3) < density);
                    k += 1;
                }
            }
            let labels = labels_for(n, &interior);
            let (p, kept) = prune(Matrix::from_rows(&rows).unwrap())?;
            let l: Vec<i8> = (0..n).filter(|v| kept >> v & 1 == 1).map(|v| labels[v]).collect();
            let mut l = l;
            let last = l.len() - 1;
            l[last] = -2;
            Some((p, l))
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn permuting_the_interior_keeps_hash_and_key((m, l) in pruned_graph(), seed in any::<u64>()) {
        let n = m.n as usize;
        let mut interior: Vec<usize> = (1..n - 1).collect();
        let mut rng = tnb_testrng::TestRng::new(seed);
        for i in (1..interior.len()).rev() {
            interior.swap(i, rng.below(i + 1));
        }
        let mut perm = vec![0];
        perm.extend(interior);
        perm.push(n - 1);
        let (pm, pl) = permute(m, &l, &perm);
        prop_assert_eq!(hash_module(m, &l), hash_module(pm, &pl));
        let key = canonical_key(m, &l);
        prop_assert_ne!(key, NO_KEY);
        prop_assert_eq!(key, canonical_key(pm, &pl));
    }

    #[test]
    fn keys_are_equal_exactly_for_isomorphic_graphs(
        (m, l) in pruned_graph(),
        seed in any::<u64>(),
        mutate in 0u8..3,
    ) {
        // A second graph of the same size: an isomorphic copy, then sometimes one edge flipped
        // (kept upper-triangular in the copy's own order) or one label changed.
        let n = m.n as usize;
        let perms = interior_perms(n);
        let mut rng = tnb_testrng::TestRng::new(seed);
        let (mut m2, mut l2) = permute(m, &l, &perms[rng.below(perms.len())]);
        match mutate {
            1 if n > 2 => {
                let (a, b) = (rng.below(n - 1), rng.below(n - 1));
                let (r, c) = (a.min(b), a.max(b) + 1);
                // Flip an entry whose direction agrees with a topological order of m2.
                let order = topological_positions(m2);
                let (r, c) = if order[r] < order[c] { (r, c) } else { (c, r) };
                m2 = Matrix::new(n, m2.bits ^ 1 << (r * n + c)).unwrap();
            }
            2 if n > 2 => {
                let v = 1 + rng.below(n - 2);
                l2[v] = (l2[v] + 1 + rng.below(2) as i8) % 3;
            }
            _ => {}
        }
        let iso = brute_form(m, &l, &perms) == brute_form(m2, &l2, &perms);
        let (k1, k2) = (canonical_key(m, &l), canonical_key(m2, &l2));
        prop_assert_ne!(k2, NO_KEY);
        prop_assert_eq!(k1 == k2, iso);
        if iso {
            prop_assert_eq!(hash_module(m, &l), hash_module(m2, &l2));
        }
    }
}

/// The position of each vertex in some topological order (the graph is a DAG).
fn topological_positions(m: Matrix) -> Vec<usize> {
    let n = m.n as usize;
    let mut pos = vec![usize::MAX; n];
    let mut next = 0;
    while next < n {
        for v in 0..n {
            if pos[v] == usize::MAX && (0..n).all(|u| !m.get(u, v) || pos[u] != usize::MAX) {
                pos[v] = next;
                next += 1;
            }
        }
    }
    pos
}

/// Every upper-triangular graph of 2 to 5 vertices with every labelling of the space: keys
/// partition them exactly as brute-force isomorphism does.
#[test]
fn keys_partition_small_graphs_as_isomorphism_does() {
    for n in 2..=5usize {
        let perms = interior_perms(n);
        let nbits = n * (n - 1) / 2;
        let labelings = 3usize.pow((n - 2) as u32);
        let mut by_key: HashMap<u64, (u64, Vec<i8>)> = HashMap::new();
        let mut classes: HashMap<(u64, Vec<i8>), u64> = HashMap::new();
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
            for mut lab in 0..labelings {
                let mut interior = [0i8; 5];
                for x in interior.iter_mut().take(n - 2) {
                    *x = (lab % 3) as i8;
                    lab /= 3;
                }
                let l = labels_for(n, &interior);
                let key = canonical_key(m, &l);
                assert_ne!(key, NO_KEY);
                let form = brute_form(m, &l, &perms);
                // Same key -> same brute-force form; same form -> same key.
                let f = by_key.entry(key).or_insert_with(|| form.clone());
                assert_eq!(*f, form, "n={n} mask={mask:b} labels={l:?}");
                let k = classes.entry(form).or_insert(key);
                assert_eq!(*k, key, "n={n} mask={mask:b} labels={l:?}");
            }
        }
        assert_eq!(by_key.len(), classes.len());
    }
}
