//! Which cells the canonical index holds, and under which key: one definition for the builder
//! and for [`crate::Nb101Store::check`].

use crate::spec;

/// The canonical key of a stored cell, if the canonical index holds it: its operations label
/// as `hash_spec` labels them (one per vertex), its graph prunes to at least two vertices, the
/// pruned graph has a key, and `hash_module` of the pruned graph is the stored hash. Then the
/// key of any spec isomorphic to the pruned graph finds this cell, as its hash would.
pub(crate) fn key<'a>(
    n: u8,
    bits: u64,
    ops: impl ExactSizeIterator<Item = &'a str>,
    hash: &[u8; 16],
) -> Option<u64> {
    if ops.len() != n as usize {
        return None;
    }
    let labels = spec::labels(ops)?;
    let (p, keep) = spec::prune(spec::Matrix { n, bits })?;
    let mut kept = [0i8; 8];
    let mut k = 0;
    for (v, &l) in labels.iter().enumerate().take(n as usize) {
        if keep >> v & 1 == 1 {
            kept[k] = l;
            k += 1;
        }
    }
    if k != p.n as usize || spec::hash_module(p, &kept[..k]) != *hash {
        return None;
    }
    let key = spec::canonical_key(p, &kept[..k]);
    (key != spec::NO_KEY).then_some(key)
}
