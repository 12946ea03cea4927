//! Names to numbers and back: archs (hash table in the archive), tasks, metrics, infos, spaces.

use tnb_schema::ArchivedBenchmark;

use crate::error::QueryError;
use crate::value::utf8;

/// Arch `a`'s name.
pub(crate) fn arch_name(b: &ArchivedBenchmark, a: usize) -> Result<&str, QueryError> {
    let o = &b.arch_offsets;
    match (o.get(a), o.get(a + 1)) {
        (Some(s), Some(e)) => {
            utf8(b.arch_bytes.get(s.to_native() as usize..e.to_native() as usize))
        }
        _ => Err(QueryError::ArchIndex(a as i64)),
    }
}

/// The arch named `name`: one FNV-1a hash and, at half load, about 1.5 probes.
pub(crate) fn arch_index(b: &ArchivedBenchmark, name: &str) -> Option<usize> {
    let slots = b.arch_slots.as_slice();
    let mask = slots.len().wrapping_sub(1);
    let mut at = tnb_schema::fnv1a(name.as_bytes()) as usize & mask;
    // Open-time checks guarantee an empty slot, so this ends; the bound is a second guard.
    for _ in 0..slots.len() {
        let s = slots.get(at)?.to_native();
        if s == 0 {
            return None;
        }
        let a = s as usize - 1;
        let o = &b.arch_offsets;
        if let (Some(st), Some(e)) = (o.get(a), o.get(a + 1)) {
            if b.arch_bytes.get(st.to_native() as usize..e.to_native() as usize)
                == Some(name.as_bytes())
            {
                return Some(a);
            }
        }
        at = (at + 1) & mask;
    }
    None
}
