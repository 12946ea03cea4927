//! [`Obj`]: one Python object, owned, as the streaming reader hands it out.
//!
//! The arena ([`crate::Arena`]) borrows its strings from an input held whole in memory; a
//! streamed pickle is read a buffer at a time and most of it is dropped as soon as a consumer has
//! seen it, so its objects own their data. Strings are reference-counted because the memo can
//! hand the same string to many objects (NAS-Bench-201 shares dataset names, field names and
//! `'set@epoch'` keys that way) and copying each would cost memory the stream is meant to save.

use std::sync::Arc;

use crate::{Arena, Kind, Ref, Scalar, Value};

/// One Python object as `pickle.load` would build it, for the data types a benchmark file holds.
/// Anything else (class instances other than the ones a caller's hooks turn into data, tensors,
/// a set holding an unhashable item ...) is refused by the reader, naming it.
#[derive(Clone, Debug, PartialEq)]
pub enum Obj {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// An `int` that fits in 64 bits.
    Int(i64),
    /// An `int` beyond 64 bits: its little-endian two's-complement bytes, as `LONG1` stores them.
    BigInt(Arc<[u8]>),
    /// A `float`, bit for bit.
    Float(f64),
    /// A `str`.
    Str(Arc<str>),
    /// A `bytes`.
    Bytes(Arc<[u8]>),
    /// A `tuple`.
    Tuple(Vec<Obj>),
    /// A `list`.
    List(Vec<Obj>),
    /// A `dict` (`ordered == false`) or a `collections.OrderedDict` (`ordered == true`): items in
    /// insertion order, keys unique (a key set twice keeps its first position and its last value,
    /// as Python does).
    Dict {
        /// `(key, value)` in insertion order.
        items: Vec<(Obj, Obj)>,
        /// Whether the object is a `collections.OrderedDict`.
        ordered: bool,
    },
    /// A numpy scalar (`numpy.core.multiarray.scalar(dtype, bytes)`), e.g. `np.float64`.
    Scalar(Scalar),
    /// A `set`: items in the pickle's order, unique under Python's equality (an item added
    /// twice keeps its first position, as `set.add` does).
    Set(Vec<Obj>),
    /// A `frozenset`, as [`Obj::Set`].
    FrozenSet(Vec<Obj>),
}

/// Why an arena value has no [`Obj`] form ([`Obj::from_arena`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotOwned {
    /// The value is nested deeper than the caller's limit.
    TooDeep,
    /// This value (a class or function, an object, a tensor, ...) has no owned form; the caller
    /// names it in its own terms.
    Value(Ref),
}

impl Obj {
    /// The arena's value at `r` as an owned tree (a value the arena shares is copied at every
    /// reference), so that an arena-loaded document can go where streamed objects go. The arena
    /// does not tell an `OrderedDict` from a `dict` (both are `Kind::Dict`): every mapping
    /// becomes a plain dict. Values more than `max_depth` levels below `r` are refused, which
    /// bounds the recursion.
    pub fn from_arena(arena: &Arena<'_>, r: Ref, max_depth: usize) -> Result<Obj, NotOwned> {
        from_arena_at(arena, r, max_depth, 0)
    }

    /// `set(items)` (or `frozenset(items)` when `frozen`): equal items merged as Python merges
    /// them (the first one kept), or the name of an unhashable item's type. For hooks that
    /// build sets from `builtins.set` calls (pickle protocols below 4).
    pub fn new_set(mut items: Vec<Obj>, frozen: bool) -> Result<Obj, &'static str> {
        for i in &items {
            super::keys::check_hashable(i)?;
        }
        super::keys::dedup_set(&mut items)?;
        Ok(if frozen { Obj::FrozenSet(items) } else { Obj::Set(items) })
    }

    /// Python's name for the object's type (`'str'`, `'numpy.float64'`, `'OrderedDict'`, ...),
    /// for error messages.
    pub fn type_name(&self) -> String {
        match self {
            Obj::None => "NoneType".into(),
            Obj::Bool(_) => "bool".into(),
            Obj::Int(_) | Obj::BigInt(_) => "int".into(),
            Obj::Float(_) => "float".into(),
            Obj::Str(_) => "str".into(),
            Obj::Bytes(_) => "bytes".into(),
            Obj::Tuple(_) => "tuple".into(),
            Obj::List(_) => "list".into(),
            Obj::Dict { ordered: false, .. } => "dict".into(),
            Obj::Dict { ordered: true, .. } => "OrderedDict".into(),
            Obj::Scalar(s) => format!("numpy.{}", s.dtype.name()),
            Obj::Set(_) => "set".into(),
            Obj::FrozenSet(_) => "frozenset".into(),
        }
    }

    /// The string, if this is a `str`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Obj::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value for `key` (a `str` key) if this is a dict holding it.
    pub fn get(&self, key: &str) -> Option<&Obj> {
        match self {
            Obj::Dict { items, .. } => {
                items.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v)
            }
            _ => None,
        }
    }
}

fn from_arena_at(arena: &Arena<'_>, r: Ref, max: usize, depth: usize) -> Result<Obj, NotOwned> {
    if depth > max {
        return Err(NotOwned::TooDeep);
    }
    let all = |c: crate::Children| -> Result<Vec<Obj>, NotOwned> {
        c.iter().map(|x| from_arena_at(arena, x, max, depth + 1)).collect()
    };
    Ok(match arena.get(r) {
        Value::None => Obj::None,
        Value::Bool(b) => Obj::Bool(b),
        Value::Int(i) => Obj::Int(i),
        Value::BigInt(b) => Obj::BigInt(Arc::from(b)),
        Value::Float(f) => Obj::Float(f),
        Value::Scalar(s) => Obj::Scalar(s),
        Value::Str(s) => Obj::Str(Arc::from(s)),
        Value::Bytes(b) => Obj::Bytes(Arc::from(b)),
        Value::Container(Kind::Tuple, c) => Obj::Tuple(all(c)?),
        Value::Container(Kind::List, c) => Obj::List(all(c)?),
        Value::Container(Kind::Set, c) => Obj::Set(all(c)?),
        Value::Container(Kind::FrozenSet, c) => Obj::FrozenSet(all(c)?),
        Value::Container(Kind::Dict, c) => Obj::Dict {
            items: c
                .pairs()
                .map(|(k, v)| {
                    Ok((
                        from_arena_at(arena, k, max, depth + 1)?,
                        from_arena_at(arena, v, max, depth + 1)?,
                    ))
                })
                .collect::<Result<_, NotOwned>>()?,
            ordered: false,
        },
        _ => return Err(NotOwned::Value(r)),
    })
}
