//! Python's hashing and equality for dict keys and set elements.
//!
//! Needed because Python merges keys that compare equal: `{1: 'a', 1.0: 'b', True: 'c'}` is one
//! entry, and a pickle that sets the same key twice (legal, and easy to craft) must give the
//! dict Python would build. Two different NaN objects are different keys; one NaN object stored
//! twice is the same key (identity is checked first, as Python does).

use std::hash::{DefaultHasher, Hash, Hasher};

use crate::arena::Arena;
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

/// Whether `r` is hashable, cheaply for the common kinds (no hashing of strings).
pub(crate) fn check_hashable(arena: &Arena<'_>, r: Ref) -> Result<(), &'static str> {
    if arena.str_bytes(r).is_some() {
        return Ok(());
    }
    key_hash(arena, r, MAX_KEY_DEPTH).map(|_| ())
}

/// Deepest tuple nesting inside one key that is hashed (keys are tuples of strings in practice).
pub(crate) const MAX_KEY_DEPTH: u32 = 64;

/// Python's hashability: `None` when `r` cannot be a key (a list, dict, set, or a tuple holding
/// one), else a hash consistent with [`key_eq`].
pub(crate) fn key_hash(arena: &Arena<'_>, r: Ref, depth: u32) -> Result<u64, &'static str> {
    let mut h = DefaultHasher::new();
    if let Some(b) = arena.str_bytes(r) {
        // Same bytes as hashing the `&str` below, without re-checking UTF-8.
        (3u8, b).hash(&mut h);
        return Ok(h.finish());
    }
    hash_into(arena, r, &mut h, depth)?;
    Ok(h.finish())
}

fn hash_into(
    arena: &Arena<'_>,
    r: Ref,
    h: &mut DefaultHasher,
    depth: u32,
) -> Result<(), &'static str> {
    let v = arena.get(r);
    if let Some(n) = num(&v) {
        match n {
            Num::Int(i) => (0u8, i).hash(h),
            Num::Float(f) => (1u8, f.to_bits()).hash(h),
        }
        return Ok(());
    }
    match v {
        Value::None => 2u8.hash(h),
        Value::Str(s) => (3u8, s.as_bytes()).hash(h),
        Value::Bytes(b) => (4u8, b).hash(h),
        Value::Container(Kind::Tuple, items) => {
            if depth == 0 {
                return Err("deeply nested tuple");
            }
            (5u8, items.len()).hash(h);
            for i in items {
                hash_into(arena, i, h, depth - 1)?;
            }
        }
        Value::Container(Kind::FrozenSet, items) => {
            if depth == 0 {
                return Err("deeply nested frozenset");
            }
            // Order-independent, as frozenset equality is.
            let mut acc = 0u64;
            for i in items {
                acc = acc.wrapping_add(key_hash(arena, i, depth - 1)?);
            }
            (6u8, acc).hash(h);
        }
        Value::Container(Kind::Tensor(_), _) | Value::Global(_) | Value::Object { .. } => {
            // Hashable by identity in Python.
            (7u8, r).hash(h);
        }
        Value::Container(k, _) => return Err(k.name()),
        // Python would merge 2**64 with 2.0**64; rather than model that, refuse such keys.
        Value::BigInt(_) => return Err("int beyond 64 bits"),
        // Numbers were handled by `num` above.
        Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Scalar(_) => 8u8.hash(h),
    }
    Ok(())
}

/// Python's `==` for two hashable keys.
pub(crate) fn key_eq(arena: &Arena<'_>, a: Ref, b: Ref) -> bool {
    if a == b {
        return true;
    }
    // Fast path for the common case, string keys, without re-checking UTF-8.
    if let (Some(x), Some(y)) = (arena.str_bytes(a), arena.str_bytes(b)) {
        return x == y;
    }
    let (va, vb) = (arena.get(a), arena.get(b));
    if let (Some(x), Some(y)) = (num(&va), num(&vb)) {
        return x == y;
    }
    match (va, vb) {
        (Value::None, Value::None) => true,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::BigInt(x), Value::BigInt(y)) => x == y,
        (Value::Container(Kind::Tuple, x), Value::Container(Kind::Tuple, y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| key_eq(arena, p, q))
        }
        (Value::Container(Kind::FrozenSet, x), Value::Container(Kind::FrozenSet, y)) => {
            x.len() == y.len() && x.iter().all(|p| y.iter().any(|q| key_eq(arena, p, q)))
        }
        _ => false,
    }
}
