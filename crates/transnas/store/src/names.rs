//! Names to numbers and back: archs (hash table in the archive), tasks, metrics, infos, spaces.

use tnb_schema::transnas::ArchivedBenchmark;

use crate::error::QueryError;
use crate::strings::utf8;

/// Arch `a`'s name, read from the archive (the [`crate::Store::arch_name`] method reads a copy
/// checked at open).
pub fn arch_name(b: &ArchivedBenchmark, a: usize) -> Result<&str, QueryError> {
    let o = &b.arch_offsets;
    match (o.get(a), o.get(a + 1)) {
        (Some(s), Some(e)) => {
            utf8(b.arch_bytes.get(s.to_native() as usize..e.to_native() as usize))
        }
        _ => Err(QueryError::ArchIndex(a as i64)),
    }
}

/// `a == b` for short byte strings, without the call to `memcmp` that slice equality makes
/// (arch names are about 20 bytes: two or three words).
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut x, mut y) = (a.chunks_exact(8), b.chunks_exact(8));
    for (p, q) in (&mut x).zip(&mut y) {
        if p != q {
            return false;
        }
    }
    x.remainder().iter().zip(y.remainder()).all(|(p, q)| p == q)
}

/// The arch named `name`: one `arch_hash` and, at half load, about 1.5 probes (the table and
/// its probe are `tnb_schema::transnas::arch_table`'s).
pub(crate) fn arch_index(b: &ArchivedBenchmark, name: &str) -> Option<usize> {
    let o = &b.arch_offsets;
    tnb_schema::transnas::arch_table::lookup(b.arch_slots.as_slice(), name.as_bytes(), |a| {
        let stored = match (o.get(a), o.get(a + 1)) {
            (Some(s), Some(e)) => b.arch_bytes.get(s.to_native() as usize..e.to_native() as usize),
            _ => None,
        };
        stored.is_some_and(|s| same_bytes(s, name.as_bytes()))
    })
}

/// Position of `name` in a list of archived names (task metrics, info names, spaces). Lists are
/// short (at most a few dozen names), so a scan that compares lengths first beats hashing.
#[inline]
pub(crate) fn position(list: &[rkyv::string::ArchivedString], name: &str) -> Option<usize> {
    list.iter().position(|s| same_bytes(s.as_bytes(), name.as_bytes()))
}

/// The task named `name`.
#[inline]
pub(crate) fn task_index(b: &ArchivedBenchmark, name: &str) -> Option<usize> {
    b.tasks.iter().position(|t| same_bytes(t.name.as_bytes(), name.as_bytes()))
}
