//! Python's dict-key equality on owned values: a key set twice keeps its first position and
//! takes the last value, and keys Python merges (`1`, `1.0`, `True`, `np.float64(1.0)`) are
//! merged, as the arena reader does (see `crate::keys`). Unlike the arena, owned values have no
//! identity, so a NaN key never equals another NaN key (in Python, only the same NaN object
//! does).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher, RandomState};

use super::obj::Obj;
use crate::value::Number;

/// Deepest tuple nesting hashed in a key.
const MAX_KEY_DEPTH: u32 = 64;

/// A key reduced to what Python compares.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum K<'a> {
    Int(i128),
    Float(u64),
    /// A NaN: equal to nothing (numbered per dict).
    Nan(usize),
    None,
    Str(&'a str),
    Bytes(&'a [u8]),
    Big(&'a [u8]),
    Tuple(Vec<K<'a>>),
    /// A frozenset's items, sorted (equality ignores order; the items are already unique).
    FrozenSet(Vec<K<'a>>),
}

fn num(n: Number) -> K<'static> {
    let f = match n {
        Number::Bool(b) => return K::Int(i128::from(b)),
        Number::Int(i) => return K::Int(i128::from(i)),
        Number::UInt(u) => return K::Int(i128::from(u)),
        Number::Float(f) => f,
    };
    float(f, 0)
}

fn float(f: f64, nan: usize) -> K<'static> {
    if f.is_nan() {
        K::Nan(nan)
    } else if f.fract() == 0.0 && f.abs() < 1.7e38 {
        K::Int(f as i128)
    } else {
        K::Float(f.to_bits())
    }
}

/// The key form of `o`, or the name of the unhashable type inside it.
fn key<'a>(o: &'a Obj, nan: &mut usize, depth: u32) -> Result<K<'a>, &'static str> {
    Ok(match o {
        Obj::None => K::None,
        Obj::Bool(b) => K::Int(i128::from(*b)),
        Obj::Int(i) => K::Int(i128::from(*i)),
        Obj::BigInt(b) => K::Big(b),
        Obj::Float(f) => {
            *nan += 1;
            float(*f, *nan)
        }
        Obj::Scalar(s) => match num(s.number()) {
            K::Nan(_) => {
                *nan += 1;
                K::Nan(*nan)
            }
            k => k,
        },
        Obj::Str(s) => K::Str(s),
        Obj::Bytes(b) => K::Bytes(b),
        Obj::Tuple(items) => {
            if depth == 0 {
                return Err("deeply nested tuple");
            }
            let mut v = Vec::with_capacity(items.len());
            for i in items {
                v.push(key(i, nan, depth - 1)?);
            }
            K::Tuple(v)
        }
        Obj::FrozenSet(items) => {
            if depth == 0 {
                return Err("deeply nested frozenset");
            }
            let mut v = Vec::with_capacity(items.len());
            for i in items {
                v.push(key(i, nan, depth - 1)?);
            }
            v.sort_unstable();
            K::FrozenSet(v)
        }
        Obj::Set(_) => return Err("set"),
        Obj::List(_) => return Err("list"),
        Obj::Dict { ordered: false, .. } => return Err("dict"),
        Obj::Dict { ordered: true, .. } => return Err("OrderedDict"),
    })
}

/// Whether `k` is hashable (an error naming the unhashable type otherwise).
pub(crate) fn check_hashable(k: &Obj) -> Result<(), &'static str> {
    match k {
        Obj::Str(_) | Obj::Int(_) => Ok(()),
        other => key(other, &mut 0, MAX_KEY_DEPTH).map(|_| ()),
    }
}

/// A hash of `k` consistent with Python's key equality, `None` for a NaN key (equal to nothing)
/// or an unhashable one.
pub(crate) fn key_hash(k: &Obj, state: &RandomState) -> Option<u64> {
    let mut nan = 0;
    let k = key(k, &mut nan, MAX_KEY_DEPTH).ok()?;
    if nan > 0 && contains_nan(&k) {
        return None;
    }
    Some(state.hash_one(&k))
}

fn contains_nan(k: &K<'_>) -> bool {
    match k {
        K::Nan(_) => true,
        K::Tuple(v) | K::FrozenSet(v) => v.iter().any(contains_nan),
        _ => false,
    }
}

/// A fast keyed hasher for the per-dict duplicate check (run on every dict of a
/// NAS-Bench-201 file, about 100 million keys): a multiply-rotate over words, seeded from the
/// process's random `RandomState` so that a file cannot be prepared to collide.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fast(u64);

impl Fast {
    pub(crate) fn new() -> Self {
        thread_local! {
            static SEED: u64 = RandomState::new().hash_one(0x5eed_u64) | 1;
        }
        Fast(SEED.with(|s| *s))
    }
}

impl BuildHasher for Fast {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(self.0)
    }
}

pub(crate) struct FastHasher(u64);

impl FastHasher {
    #[inline]
    fn word(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            self.word(u64::from_le_bytes(a));
        }
        let rest = chunks.remainder();
        let mut a = [0u8; 8];
        a[..rest.len()].copy_from_slice(rest);
        self.word(u64::from_le_bytes(a) ^ ((rest.len() as u64) << 59));
    }

    fn write_u64(&mut self, w: u64) {
        self.word(w);
    }

    fn write_usize(&mut self, w: usize) {
        self.word(w as u64);
    }

    fn finish(&self) -> u64 {
        // A final avalanche so that the table's low bits depend on every input bit.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

thread_local! {
    /// Reused by [`dedup`]: hashes of one dict's str keys.
    static SCRATCH: RefCell<HashSet<u64, Fast>> = const { RefCell::new(HashSet::with_hasher(Fast(1))) };
}

/// Dicts up to this size are checked pairwise (no hashing).
const SMALL: usize = 12;

/// Merges repeated keys in `items` as Python would have while inserting them in order.
pub(crate) fn dedup(items: &mut Vec<(Obj, Obj)>) -> Result<(), &'static str> {
    let n = items.len();
    if n < 2 {
        return Ok(());
    }
    // Ascending int keys (every per-epoch dict) cannot repeat.
    if items.windows(2).all(|w| matches!((&w[0].0, &w[1].0), (Obj::Int(a), Obj::Int(b)) if a < b)) {
        return Ok(());
    }
    // All-str keys (every other dict of NAS-Bench-201): their hashes in a set kept from dict to
    // dict (a fresh table per dict made the allocator consolidate its free lists every time);
    // only a repeated hash takes the exact path below.
    if n > SMALL && items.iter().all(|(k, _)| matches!(k, Obj::Str(_))) {
        let distinct = SCRATCH.with(|cell| {
            let mut seen = cell.borrow_mut();
            seen.clear();
            let b = Fast::new();
            let distinct =
                items.iter().all(|(k, _)| seen.insert(b.hash_one(k.as_str().unwrap_or(""))));
            if seen.capacity() > 1 << 16 {
                *seen = HashSet::with_hasher(Fast(1));
            }
            distinct
        });
        if distinct {
            return Ok(());
        }
    }
    let mut nan = 0usize;
    let keys: Vec<K<'_>> =
        items.iter().map(|(k, _)| key(k, &mut nan, MAX_KEY_DEPTH)).collect::<Result<_, _>>()?;
    // first[i]: the index of the first key equal to key i.
    let mut first: Vec<usize> = (0..n).collect();
    let mut any = false;
    if n <= SMALL {
        for i in 1..n {
            if let Some(j) = (0..i).find(|&j| keys[j] == keys[i]) {
                first[i] = j;
                any = true;
            }
        }
    } else {
        let mut seen: HashMap<&K<'_>, usize, Fast> =
            HashMap::with_capacity_and_hasher(n, Fast::new());
        for i in 0..n {
            match seen.get(&keys[i]) {
                Some(&j) => {
                    first[i] = j;
                    any = true;
                }
                None => {
                    seen.insert(&keys[i], i);
                }
            }
        }
        drop(seen);
    }
    drop(keys);
    if !any {
        return Ok(());
    }
    let old = std::mem::take(items);
    let mut slot: Vec<Option<usize>> = vec![None; n];
    for (i, (k, v)) in old.into_iter().enumerate() {
        let f = first[i];
        match slot[f] {
            Some(at) => items[at].1 = v,
            None => {
                slot[f] = Some(items.len());
                items.push((k, v));
            }
        }
    }
    Ok(())
}

/// Merges repeated items of a set as `set.add` would have, adding them in order (an item equal
/// to an earlier one is dropped: the set keeps its first object).
pub(crate) fn dedup_set(items: &mut Vec<Obj>) -> Result<(), &'static str> {
    if items.len() < 2 {
        return Ok(());
    }
    // `dedup` on (item, None) pairs keeps each first key: exactly the set's rule.
    let mut pairs: Vec<(Obj, Obj)> =
        std::mem::take(items).into_iter().map(|o| (o, Obj::None)).collect();
    let r = dedup(&mut pairs);
    *items = pairs.into_iter().map(|(k, _)| k).collect();
    r
}
