//! What the store uses of `tnb-nb101-spec`, re-exported so that callers of
//! [`crate::Nb101Store::row_of_spec`] name the same [`Matrix`], plus the labelling of a stored
//! cell's operations.

pub use tnb_nb101_spec::{AVAILABLE_OPS, Matrix, NO_KEY, canonical_key, hash_module, prune};

/// `ModelSpec.hash_spec`'s labelling of an operation list (`-1`, the index of each interior op
/// in [`AVAILABLE_OPS`], `-2`; the first and last ops are not looked at), in the first
/// `ops.len()` entries; `None` when an interior op is not available or the list has fewer than
/// 2 or more than 8 ops.
pub fn labels<'a>(ops: impl ExactSizeIterator<Item = &'a str>) -> Option<[i8; 8]> {
    let n = ops.len();
    if n > 8 {
        return None;
    }
    let mut buf = [""; 8];
    for (slot, op) in buf.iter_mut().zip(ops) {
        *slot = op;
    }
    tnb_nb101_spec::labels(&buf[..n]).ok()
}
