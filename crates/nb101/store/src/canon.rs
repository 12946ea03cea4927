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

/// `(key, row)` of every row `0..cells` that `key_of` gives a key, sorted by key; on two
/// threads (the canonical index is the build's and the check's most expensive step: one
/// `hash_module` per cell).
pub(crate) fn entries(
    cells: usize,
    key_of: impl Fn(usize) -> Option<u64> + Sync,
) -> Vec<(u64, u32)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 2);
    let chunk = cells.div_ceil(threads).max(1);
    let key_of = &key_of;
    let mut out: Vec<(u64, u32)> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..cells)
            .step_by(chunk)
            .map(|start| {
                s.spawn(move || {
                    (start..(start + chunk).min(cells))
                        .filter_map(|row| Some((key_of(row)?, row as u32)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    out.sort_unstable();
    out
}
