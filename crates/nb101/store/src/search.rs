//! Finding a hash in the sorted index: its directory bucket (the hash's first bits: MD5s are
//! uniform, so a bucket holds one or two hashes), then bisection within the bucket. Three
//! cache lines per lookup (directory, hashes, row) whatever the archive's size. Bounded
//! whatever the index holds: a crafted directory gives a wrong bucket or an error, never a
//! read out of bounds or a hang (the caller compares the row's own hash).

use tnb_schema::nb101::bucket;

/// The position of `h` in `keys` (sorted ascending, bytewise), if it is there, using the
/// directory `dir` (`2^bits + 1` offsets); `Err` when the directory's bucket is out of range.
#[inline]
pub(crate) fn hash(
    keys: &[[u8; 16]],
    dir: &[u32],
    bits: u32,
    h: &[u8; 16],
) -> Result<Option<usize>, ()> {
    let j = bucket(h, bits);
    let (s, e) = match (dir.get(j), dir.get(j + 1)) {
        (Some(&s), Some(&e)) if s <= e && e as usize <= keys.len() => (s as usize, e as usize),
        _ => return Err(()),
    };
    let b = &keys[s..e];
    let k = b.partition_point(|k| k < h);
    Ok((k < b.len() && b[k] == *h).then_some(s + k))
}

#[cfg(test)]
mod tests {
    use tnb_schema::nb101::dir_bits;

    use super::*;

    fn dir_of(keys: &[[u8; 16]]) -> (Vec<u32>, u32) {
        let bits = dir_bits(keys.len() as u64);
        let dir = (0..=(1usize << bits))
            .map(|j| keys.partition_point(|k| bucket(k, bits) < j) as u32)
            .collect();
        (dir, bits)
    }

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
        // Clustered keys too (one bucket), and the extremes.
        keys.extend((0..50u8).map(|i| [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, i]));
        keys.push([0xff; 16]);
        keys.sort_unstable();
        keys.dedup();
        let (dir, bits) = dir_of(&keys);
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(hash(&keys, &dir, bits, k), Ok(Some(i)));
        }
        for _ in 0..2000 {
            let mut k = [0u8; 16];
            k[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
            assert_eq!(
                hash(&keys, &dir, bits, &k).unwrap().is_some(),
                keys.binary_search(&k).is_ok()
            );
        }
        assert_eq!(hash(&[], &[0, 0], 0, &[0; 16]), Ok(None));
        assert_eq!(hash(&keys[..1], &[0, 1], 0, &keys[0]), Ok(Some(0)));
        // A crafted directory: an error or some answer, no panic.
        assert_eq!(hash(&keys, &[0, 99_999], 0, &keys[0]), Err(()));
        assert_eq!(hash(&keys, &[5, 2], 0, &keys[0]), Err(()));
        assert_eq!(hash(&keys, &[], 0, &keys[0]), Err(()));
    }
}
