//! The iteration order of a CPython `set` of ints built by `add` (the official loader's
//! `valid_epochs`), so that `'%s' % valid_epochs` in the epochs error and the `valid_epochs`
//! attribute list the epochs as Python does: `{108, 4, 12, 36}` for the full file's
//! `{4, 12, 36, 108}` added in that order.
//!
//! This is CPython's open-addressing table (3.7 and later: 8 slots at first, linear probes of 9
//! where they fit, then `i = 5i + 1 + perturb`, `perturb >>= 5`; grown to the smallest power of
//! two above 4x the used slots once 60% are filled, reinserting in slot order) with `hash(int)`
//! (`n mod (2^61 - 1)` with its sign, `-1` hashing as `-2`). Without deletions the order depends
//! only on the order of first insertions.

const MIN_SIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;
/// `sys.hash_info.modulus` on 64-bit CPython.
const MODULUS: u64 = (1 << 61) - 1;

/// Most distinct values [`set_order`] lays out: the table grows with them (a crafted archive's
/// epoch list is bounded by its runs); beyond this the values are returned in insertion order.
pub const MAX_SET_LEN: usize = 1 << 20;

/// Python's `hash(n)` of an int.
pub fn int_hash(n: i64) -> i64 {
    let m = (n.unsigned_abs() % MODULUS) as i64;
    let h = if n < 0 { -m } else { m };
    if h == -1 { -2 } else { h }
}

/// The values of `set()` after `.add(v)` of each of `distinct` in order (no value repeated),
/// in the set's iteration order.
///
/// ```
/// assert_eq!(tnb_nb101_api::set_order(&[4, 12, 36, 108]), [108, 4, 12, 36]);
/// ```
pub fn set_order(distinct: &[i64]) -> Vec<i64> {
    if distinct.len() > MAX_SET_LEN {
        return distinct.to_vec();
    }
    let mut table: Vec<Option<i64>> = vec![None; MIN_SIZE];
    let mut used = 0usize;
    for &v in distinct {
        insert(&mut table, v);
        used += 1;
        let mask = table.len() - 1;
        if used * 5 >= mask * 3 {
            let min_used = if used > 50_000 { used * 2 } else { used * 4 };
            let mut size = MIN_SIZE;
            while size <= min_used {
                size <<= 1;
            }
            let old = std::mem::replace(&mut table, vec![None; size]);
            for v in old.into_iter().flatten() {
                insert(&mut table, v);
            }
        }
    }
    table.into_iter().flatten().collect()
}

/// Puts `v` in the first free slot of its probe sequence (the table has free slots: it is
/// grown before it fills).
fn insert(table: &mut [Option<i64>], v: i64) {
    let mask = table.len() - 1;
    let hash = int_hash(v) as u64;
    let mut perturb = hash;
    let mut i = (hash as usize) & mask;
    loop {
        if table[i].is_none() {
            table[i] = Some(v);
            return;
        }
        if i + LINEAR_PROBES <= mask {
            for j in 1..=LINEAR_PROBES {
                if table[i + j].is_none() {
                    table[i + j] = Some(v);
                    return;
                }
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb as usize)) & mask;
    }
}

/// Python's `str()` of such a set: `{108, 4, 12, 36}`, or `set()` when empty.
pub fn set_str(distinct: &[i64]) -> String {
    if distinct.is_empty() {
        return "set()".to_owned();
    }
    let items: Vec<String> = set_order(distinct).iter().map(i64::to_string).collect();
    format!("{{{}}}", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_match_python3() {
        // Seeded sequences: small epochs, repeats of hash classes mod 8, negatives, -1 and
        // i64's extremes, and sets large enough to grow the table several times.
        let mut cases: Vec<Vec<i64>> = vec![
            vec![],
            vec![108],
            vec![4, 12, 36, 108],
            vec![108, 36, 12, 4],
            vec![-1, -2, 0, 1],
            vec![i64::MIN, i64::MAX, -1, (1 << 61) - 1, 1 << 61, -(1 << 61) + 1],
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for len in [3usize, 5, 6, 7, 9, 17, 40, 200] {
            for modulus in [16i64, 1000, 1 << 40] {
                // Distinct values need a range of more than `len`.
                if modulus < 2 * len as i64 {
                    continue;
                }
                let mut v = Vec::new();
                while v.len() < len {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let n = (x % modulus as u64) as i64 - modulus / 4;
                    if !v.contains(&n) {
                        v.push(n);
                    }
                }
                cases.push(v);
            }
        }
        let lists: Vec<String> = cases
            .iter()
            .map(|c| format!("[{}]", c.iter().map(i64::to_string).collect::<Vec<_>>().join(",")))
            .collect();
        let script = format!(
            "for l in [{}]:\n    s = set()\n    for v in l: s.add(v)\n    print('%s' % s)\n",
            lists.join(", ")
        );
        let out = std::process::Command::new("python3").args(["-c", &script]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let want = String::from_utf8(out.stdout).unwrap();
        for (c, line) in cases.iter().zip(want.lines()) {
            assert_eq!(set_str(c), line, "{c:?}");
        }
        assert_eq!(want.lines().count(), cases.len());
    }

    #[test]
    fn a_set_past_50000_values_grows_as_python3s() {
        // CPython grows a table of more than 50,000 used slots to twice (not four times) that
        // count: the first such growth comes at the 78,643rd value (60% of 131,072 slots).
        let v: Vec<i64> = (-3..560_000).step_by(7).collect();
        assert!(v.len() > 78_643);
        let script = "s = set()\nfor v in range(-3, 560000, 7): s.add(v)\nprint('%s' % s)\n";
        let out = std::process::Command::new("python3").args(["-c", script]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let want = String::from_utf8(out.stdout).unwrap();
        assert!(set_str(&v) == want.trim_end(), "differs from Python's order");
    }

    #[test]
    fn int_hash_is_pythons() {
        assert_eq!(int_hash(-1), -2);
        assert_eq!(int_hash(i64::MIN), -4);
        assert_eq!(int_hash((1 << 61) - 1), 0);
        assert_eq!(int_hash(108), 108);
    }

    #[test]
    fn beyond_the_bound_insertion_order_is_kept() {
        let v: Vec<i64> = (0..=MAX_SET_LEN as i64).rev().collect();
        assert_eq!(set_order(&v), v);
    }
}
