//! Searching the sorted hash index: interpolation on the hashes' first 8 bytes (MD5s are
//! uniform, so a probe or two lands next to the answer), then binary search. Bounded whatever
//! the index holds: a crafted, unsorted index gives a wrong position or none, never a hang
//! (the caller compares the row's own hash).

/// Interpolation probes before falling back to binary search.
const PROBES: usize = 4;

/// Ranges at most this long are searched by bisection.
const SMALL: usize = 16;

fn top(h: &[u8; 16]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&h[..8]);
    u64::from_be_bytes(a)
}

/// The position of `h` in `keys` (sorted ascending, bytewise), if it is there.
pub(crate) fn hash(keys: &[[u8; 16]], h: &[u8; 16]) -> Option<usize> {
    let (mut lo, mut hi) = (0usize, keys.len());
    let t = top(h);
    for _ in 0..PROBES {
        if hi - lo <= SMALL {
            break;
        }
        let (a, b) = (top(&keys[lo]), top(&keys[hi - 1]));
        if t < a || t > b {
            return None;
        }
        let span = (hi - 1 - lo) as u128;
        let pos = if b > a { lo + ((t - a) as u128 * span / (b - a) as u128) as usize } else { lo };
        let pos = pos.min(hi - 1);
        match keys[pos].cmp(h) {
            std::cmp::Ordering::Equal => return Some(pos),
            std::cmp::Ordering::Less => lo = pos + 1,
            std::cmp::Ordering::Greater => hi = pos,
        }
    }
    let k = lo + keys[lo..hi].partition_point(|k| k < h);
    (keys.get(k) == Some(h) && k < hi).then_some(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_key_and_no_other() {
        let mut rng = tnb_testrng::TestRng::new(7);
        let mut keys: Vec<[u8; 16]> = (0..5000)
            .map(|_| {
                let mut k = [0u8; 16];
                k[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
                k[8..].copy_from_slice(&rng.next_u64().to_le_bytes());
                k
            })
            .collect();
        // Clustered keys too (equal first bytes), and the extremes.
        keys.extend((0..50u8).map(|i| [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, i]));
        keys.push([0xff; 16]);
        keys.sort_unstable();
        keys.dedup();
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(hash(&keys, k), Some(i));
        }
        for _ in 0..2000 {
            let mut k = [0u8; 16];
            k[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
            assert_eq!(hash(&keys, &k).is_some(), keys.binary_search(&k).is_ok());
        }
        assert_eq!(hash(&[], &[0; 16]), None);
        // Unsorted garbage: some answer or none, no panic.
        let mut junk = keys.clone();
        junk.reverse();
        for k in keys.iter().take(100) {
            let _ = hash(&junk, k);
        }
    }
}
