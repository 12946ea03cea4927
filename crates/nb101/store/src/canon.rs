//! Which cells the canonical index holds, and under which key: one definition for the builder
//! and for [`crate::Nb101Store::check`].

use crate::spec;

/// The canonical key of a stored cell, if the canonical index holds it: its operations are
/// those of a valid spec (`input`, available ops, `output`; one per vertex), its graph prunes
/// to a valid spec, and `hash_module` of the pruned graph is the stored hash. Then the key of
/// any spec isomorphic to the pruned graph finds this cell, as its hash would.
pub(crate) fn key<'a>(
    n: u8,
    bits: u64,
    ops: impl ExactSizeIterator<Item = &'a str>,
    hash: &[u8; 16],
) -> Option<u64> {
    let labels = spec::labels(ops)?;
    let m = spec::Matrix { n, bits };
    if labels.len() != n as usize {
        return None;
    }
    let (p, keep) = spec::prune(m)?;
    let kept: Vec<i8> =
        labels.iter().enumerate().filter(|(v, _)| keep >> v & 1 == 1).map(|(_, &l)| l).collect();
    if kept.len() != p.n as usize || spec::hash_module(p, &kept) != *hash {
        return None;
    }
    Some(spec::canonical_key(p, &kept))
}
