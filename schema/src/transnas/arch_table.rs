//! The arch-name table (`Benchmark::arch_slots`, FORMAT.md "Payload"): its hash, the builder the
//! converter runs and the probe the store runs, side by side so that they cannot drift apart.
//!
//! The table is open addressing with linear probing: a power-of-two number of `u32` slots, each
//! `0` (empty) or `arch + 1`. A name's probe starts at `arch_hash(name) & (len - 1)` and moves
//! one slot at a time (wrapping) until it finds its arch or an empty slot. The hash and the
//! probe order are part of the format; the table's size (at most half full) is the writer's
//! choice, which a reader only checks (a power of two above the arch count, one empty slot).

/// The hash of the arch-name table: part of the format, never change it without a new format
/// version.
///
/// Eight bytes at a time, so that a lookup by name (Python's `arch2index`, and every query by
/// name) spends a few nanoseconds hashing instead of one multiply per byte: each little-endian
/// 8-byte word (the last one zero-padded) is folded in as `h = (rotl(h, 5) ^ word) * K` starting
/// from the length, then the high bits are mixed down, since tables index with the low bits.
pub fn arch_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or([0; 8]));
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(last)).wrapping_mul(K);
    }
    h ^= h >> 29;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^ (h >> 32)
}

/// Fewest slots a table has, so that tiny archives still probe short runs.
const MIN_SLOTS: usize = 16;

/// The table for `names` (arch `i` is the `i`th name). Half full at most, so a lookup probes
/// about 1.5 slots.
pub fn build<'s>(names: impl ExactSizeIterator<Item = &'s str>) -> Vec<u32> {
    let size = (names.len() * 2).next_power_of_two().max(MIN_SLOTS);
    let mut slots = vec![0u32; size];
    for (i, name) in names.enumerate() {
        let mut at = arch_hash(name.as_bytes()) as usize & (size - 1);
        while slots[at] != 0 {
            at = (at + 1) & (size - 1);
        }
        slots[at] = i as u32 + 1;
    }
    slots
}

/// The arch named `name` in the table `slots` (plain `u32`s or the archive's `u32_le`s), or
/// `None`. `is_named(arch)` says whether arch `arch` has the name looked up; it gets every
/// candidate the probe meets, and may be handed a number a crafted table made up (it must
/// answer `false` for an arch that does not exist).
///
/// Never loops forever: the probe stops at an empty slot, and after visiting every slot once
/// (a table with no empty slot, which the store's open-time checks refuse anyway).
#[inline]
pub fn lookup<S: Copy + Into<u32>>(
    slots: &[S],
    name: &[u8],
    mut is_named: impl FnMut(usize) -> bool,
) -> Option<usize> {
    let mask = slots.len().wrapping_sub(1);
    let mut at = arch_hash(name) as usize & mask;
    for _ in 0..slots.len() {
        let s: u32 = (*slots.get(at)?).into();
        if s == 0 {
            return None;
        }
        let arch = s as usize - 1;
        if is_named(arch) {
            return Some(arch);
        }
        at = (at + 1) & mask;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arch_hash_is_pinned() {
        // Part of the format: these values must never change within format version 1.
        assert_eq!(arch_hash(b""), 0);
        assert_eq!(arch_hash(b"64-4111-basic"), arch_hash(b"64-4111-basic"));
        assert_ne!(arch_hash(b"64-41414-0_00_000"), arch_hash(b"64-41414-0_00_001"));
        assert_eq!(arch_hash(b"64-41414-0_00_000"), 0x8b0a_a392_8b69_ad5f);
    }

    #[test]
    fn build_then_lookup_finds_every_name_and_nothing_else() {
        let names: Vec<String> = (0..300).map(|i| format!("64-{i}-basic")).collect();
        let table = build(names.iter().map(String::as_str));
        assert!(table.len().is_power_of_two() && table.len() >= 2 * names.len());
        let find = |name: &str| {
            lookup(&table, name.as_bytes(), |a| names.get(a).is_some_and(|n| n == name))
        };
        for (i, name) in names.iter().enumerate() {
            assert_eq!(find(name), Some(i));
        }
        assert_eq!(find("64-300-basic"), None);
        assert_eq!(find(""), None);
    }

    #[test]
    fn lookup_ends_on_a_full_or_empty_table() {
        assert_eq!(lookup::<u32>(&[], b"x", |_| true), None);
        assert_eq!(lookup(&[1u32, 2, 3, 4], b"x", |_| false), None);
    }
}
