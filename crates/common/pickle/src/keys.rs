//! Python's hashing and equality for dict keys and set elements.
//!
//! Needed because Python merges keys that compare equal: `{1: 'a', 1.0: 'b', True: 'c'}` is one
//! entry, and a pickle that sets the same key twice (legal, and easy to craft) must give the
//! dict Python would build. Two different NaN objects are different keys; one NaN object stored
//! twice is the same key (identity is checked first, as Python does).
//!
//! Everything here is bounded: containers are hashed once each, NaNs hash by identity, frozensets
//! compare by hash lookups, and comparisons count against [`MAX_KEY_WORK`].

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};

use crate::arena::Arena;
use crate::limits::MAX_KEY_WORK;
use crate::value::{Kind, Number, Ref, Value};

/// A number reduced to what Python compares: integers exactly, other floats by value.
#[derive(Clone, Copy, PartialEq)]
enum Num {
    Int(i128),
    Float(f64),
}

fn num(v: &Value<'_>) -> Option<Num> {
    let n = match *v {
        Value::Bool(b) => Num::Int(i128::from(b)),
        Value::Int(i) => Num::Int(i128::from(i)),
        Value::Float(f) => Num::Float(f),
        Value::Scalar(s) => match s.number() {
            Number::Bool(b) => Num::Int(i128::from(b)),
            Number::Int(i) => Num::Int(i128::from(i)),
            Number::UInt(u) => Num::Int(i128::from(u)),
            Number::Float(f) => Num::Float(f),
        },
        _ => return None,
    };
    // An integral float equals the int of the same value (and hashes like it).
    Some(match n {
        Num::Float(f) if f.fract() == 0.0 && f.abs() < 1.7e38 => Num::Int(f as i128),
        n => n,
    })
}

/// Why a key could not be hashed or compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyError {
    /// Python cannot hash it; the name of its type.
    Unhashable(&'static str),
    /// [`MAX_KEY_WORK`] steps were spent comparing composite keys.
    Work,
}

/// Hashing state shared by every key of one pickle: the hasher's random keys (so that nobody can
/// prepare a file whose keys all land in one bucket), the hash of every tuple and frozenset
/// already hashed (so a tuple that shares itself at every level costs one step per distinct
/// tuple, not one per path), and the comparison steps spent so far.
pub(crate) struct Keys {
    state: RandomState,
    cache: HashMap<Ref, u64>,
    work: u64,
}

impl Keys {
    pub(crate) fn new() -> Self {
        Keys { state: RandomState::new(), cache: HashMap::new(), work: 0 }
    }

    fn step(&mut self) -> Result<(), KeyError> {
        self.work += 1;
        if self.work > MAX_KEY_WORK {
            return Err(KeyError::Work);
        }
        Ok(())
    }

    /// Whether `r` is hashable, cheaply for the common kinds (no hashing of strings).
    pub(crate) fn check_hashable(&mut self, arena: &Arena<'_>, r: Ref) -> Result<(), KeyError> {
        if arena.str_bytes(r).is_some() {
            return Ok(());
        }
        self.hash(arena, r, MAX_KEY_DEPTH).map(|_| ())
    }

    /// Python's hashability: an error when `r` cannot be a key (a list, dict, set, or a tuple
    /// holding one), else a hash consistent with [`Keys::eq`].
    pub(crate) fn hash(&mut self, arena: &Arena<'_>, r: Ref, depth: u32) -> Result<u64, KeyError> {
        if let Some(b) = arena.str_bytes(r) {
            // Same bytes as hashing the `&str` below, without re-checking UTF-8.
            return Ok(self.state.hash_one((3u8, b)));
        }
        if let Some(&h) = self.cache.get(&r) {
            return Ok(h);
        }
        let v = arena.get(r);
        if let Some(n) = num(&v) {
            return Ok(match n {
                // Python hashes a NaN by identity (3.10+): distinct NaN objects are distinct
                // keys, and must not all share one bucket.
                Num::Float(f) if f.is_nan() => self.state.hash_one((9u8, r)),
                Num::Int(i) => self.state.hash_one((0u8, i)),
                Num::Float(f) => self.state.hash_one((1u8, f.to_bits())),
            });
        }
        let h = match v {
            Value::None => self.state.hash_one(2u8),
            Value::Str(s) => self.state.hash_one((3u8, s.as_bytes())),
            Value::Bytes(b) => self.state.hash_one((4u8, b)),
            Value::Container(Kind::Tuple, items) => {
                if depth == 0 {
                    return Err(KeyError::Unhashable("deeply nested tuple"));
                }
                let mut h = self.state.build_hasher();
                (5u8, items.len()).hash(&mut h);
                for i in items {
                    self.hash(arena, i, depth - 1)?.hash(&mut h);
                }
                let h = h.finish();
                self.cache.insert(r, h);
                h
            }
            Value::Container(Kind::FrozenSet, items) => {
                if depth == 0 {
                    return Err(KeyError::Unhashable("deeply nested frozenset"));
                }
                // Order-independent, as frozenset equality is.
                let mut acc = 0u64;
                for i in items {
                    acc = acc.wrapping_add(self.hash(arena, i, depth - 1)?);
                }
                let h = self.state.hash_one((6u8, acc));
                self.cache.insert(r, h);
                h
            }
            // Hashable by identity in Python.
            Value::Container(Kind::Tensor(_), _) | Value::Global(_) | Value::Object { .. } => {
                self.state.hash_one((7u8, r))
            }
            Value::Container(k, _) => return Err(KeyError::Unhashable(k.name())),
            // Python would merge 2**64 with 2.0**64; rather than model that, refuse such keys.
            Value::BigInt(_) => return Err(KeyError::Unhashable("int beyond 64 bits")),
            // Numbers were handled by `num` above.
            Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Scalar(_) => {
                self.state.hash_one(8u8)
            }
        };
        Ok(h)
    }

    /// Python's `==` for two hashable keys. Each element compared is one step of
    /// [`MAX_KEY_WORK`]; tuples and frozensets whose cached hashes differ are unequal at once.
    pub(crate) fn eq(&mut self, arena: &Arena<'_>, a: Ref, b: Ref) -> Result<bool, KeyError> {
        if a == b {
            return Ok(true);
        }
        // Fast path for the common case, string keys, without re-checking UTF-8.
        if let (Some(x), Some(y)) = (arena.str_bytes(a), arena.str_bytes(b)) {
            return Ok(x == y);
        }
        let (va, vb) = (arena.get(a), arena.get(b));
        if let (Some(x), Some(y)) = (num(&va), num(&vb)) {
            return Ok(x == y);
        }
        Ok(match (va, vb) {
            (Value::None, Value::None) => true,
            (Value::Str(x), Value::Str(y)) => x == y,
            (Value::Bytes(x), Value::Bytes(y)) => x == y,
            (Value::BigInt(x), Value::BigInt(y)) => x == y,
            (Value::Container(Kind::Tuple, x), Value::Container(Kind::Tuple, y)) => {
                if x.len() != y.len() || self.hashes_differ(a, b) {
                    return Ok(false);
                }
                for (p, q) in x.iter().zip(y) {
                    self.step()?;
                    if !self.eq(arena, p, q)? {
                        return Ok(false);
                    }
                }
                true
            }
            (Value::Container(Kind::FrozenSet, x), Value::Container(Kind::FrozenSet, y)) => {
                if x.len() != y.len() || self.hashes_differ(a, b) {
                    return Ok(false);
                }
                // Elements are unique within each set (sets are merged before the dicts that
                // use them as keys), so equal lengths and x ⊆ y mean equality. Looking each
                // element up by hash keeps this linear, where pairwise search is quadratic.
                let mut by_hash: HashMap<u64, Vec<Ref>> = HashMap::with_capacity(y.len());
                for q in y {
                    self.step()?;
                    by_hash.entry(self.hash(arena, q, MAX_KEY_DEPTH)?).or_default().push(q);
                }
                for p in x {
                    self.step()?;
                    let h = self.hash(arena, p, MAX_KEY_DEPTH)?;
                    let Some(bucket) = by_hash.get(&h) else {
                        return Ok(false);
                    };
                    let mut found = false;
                    for &q in bucket {
                        self.step()?;
                        if self.eq(arena, p, q)? {
                            found = true;
                            break;
                        }
                    }
                    if !found {
                        return Ok(false);
                    }
                }
                true
            }
            _ => false,
        })
    }

    fn hashes_differ(&self, a: Ref, b: Ref) -> bool {
        matches!((self.cache.get(&a), self.cache.get(&b)), (Some(x), Some(y)) if x != y)
    }
}

/// Deepest tuple nesting inside one key that is hashed (keys are tuples of strings in practice).
pub(crate) const MAX_KEY_DEPTH: u32 = 64;
