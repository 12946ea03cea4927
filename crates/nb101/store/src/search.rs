//! Searching the sorted hash index: one interpolation on the hashes' first 8 bytes (MD5s are
//! uniform, so the guess lands within about `sqrt(n)` positions of the answer: a few pages),
//! then galloping from the guess towards the answer and bisecting the bracket found. Bounded
//! whatever the index holds (at most `2 log2(n)` probes): a crafted, unsorted index gives a
//! wrong position or none, never a hang (the caller compares the row's own hash).

fn top(h: &[u8; 16]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&h[..8]);
    u64::from_be_bytes(a)
}

/// The position of `h` in `keys` (sorted ascending, bytewise), if it is there.
pub(crate) fn hash(keys: &[[u8; 16]], h: &[u8; 16]) -> Option<usize> {
    let n = keys.len();
    let (first, last) = (keys.first()?, keys.last()?);
    let (a, b, t) = (top(first), top(last), top(h));
    if t < a || t > b {
        return None;
    }
    // The guess: where `t` falls between the first and last keys.
    let guess =
        if b > a { ((t - a) as u128 * (n - 1) as u128 / (b - a) as u128) as usize } else { 0 };
    let guess = guess.min(n - 1);
    // Gallop away from the guess until the bracket holds `h`'s place, then bisect it.
    let (lo, hi) = match keys[guess].cmp(h) {
        std::cmp::Ordering::Equal => return Some(guess),
        std::cmp::Ordering::Less => {
            let mut step = 1;
            while guess + step < n && keys[guess + step] < *h {
                step *= 2;
            }
            (guess + step / 2 + 1, (guess + step + 1).min(n))
        }
        std::cmp::Ordering::Greater => {
            let mut step = 1;
            while step <= guess && keys[guess - step] > *h {
                step *= 2;
            }
            (guess.saturating_sub(step), guess - step / 2)
        }
    };
    let lo = lo.min(hi);
    let k = lo + keys[lo..hi].partition_point(|k| k < h);
    (k < hi && keys[k] == *h).then_some(k)
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
