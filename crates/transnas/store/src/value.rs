//! Values as queries return them, read straight from the archive.

use tnb_schema::transnas::codes::*;
use tnb_schema::transnas::{ArchivedBenchmark, ArchivedColumn};

use crate::error::QueryError;
use crate::object::Object;
use crate::strings::utf8;

/// One value of the benchmark, borrowed from the archive: what the Python API returns, with
/// its Python type kept (float, int, str...).
#[derive(Clone, Copy, Debug, PartialEq)]
// A word-sized tag puts every payload at offset 8, so that copying a `Value` moves whole aligned
// words. With a one-byte tag the compiler copies bytes 1..24 in odd-sized pieces, and reading
// them right after the payload was written defeats store-to-load forwarding: a stall that made
// iterating an epoch status several times slower.
#[repr(u64)]
pub enum Value<'a> {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// An `int`.
    Int(i64),
    /// A `float`, bit-exact.
    Float(f64),
    /// A `str`.
    Str(&'a str),
    /// Anything else (a nested container, a numpy value beyond `i64`...), as a tree.
    Node(Node<'a>),
}

impl<'a> Value<'a> {
    /// The value as a `&str` when it is a string (e.g. a `time_elapsed` entry).
    pub fn as_str(&self) -> Option<&'a str> {
        match *self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as an `i64` when it is an int (bools as 0/1, as Python's ints).
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Int(i) => Some(i),
            Value::Bool(b) => Some(i64::from(b)),
            _ => None,
        }
    }

    /// The value as an `f64` when it is a number (ints converted, bools as 0/1).
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Float(f) => Some(f),
            Value::Int(i) => Some(i as f64),
            Value::Bool(b) => Some(f64::from(u8::from(b))),
            _ => None,
        }
    }
}

/// A value of the archive's generic section (a tree of Python values), as a view: see
/// [`Node::object`].
#[derive(Clone, Copy)]
pub struct Node<'a> {
    pub(crate) b: &'a ArchivedBenchmark,
    pub(crate) id: u32,
}

impl<'a> Node<'a> {
    /// The value as an [`Object`] view.
    pub fn object(&self) -> Object<'a> {
        Object::node(self.b, self.id)
    }

    /// The node's id in the generic section.
    pub fn id(&self) -> u32 {
        self.id
    }
}

impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Node({})", self.id)
    }
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.b, other.b) && self.id == other.id
    }
}

const OUT: QueryError = QueryError::Corrupt("a value index lies outside its column");

/// Value `i` of a column of the validated archive `b`, every index checked (a crafted archive
/// gets [`QueryError::Corrupt`]). Numbers (nearly every benchmark value) are read inline; the
/// rest goes through `cell_other`, kept out of line so that the hot loops stay small.
#[inline(always)]
pub fn cell<'a>(
    c: &'a ArchivedColumn,
    b: &'a ArchivedBenchmark,
    i: usize,
) -> Result<Value<'a>, QueryError> {
    match c {
        ArchivedColumn::F32(v) => match v.get(i) {
            Some(x) => Ok(Value::Float(f64::from(x.to_native()))),
            None => Err(OUT),
        },
        ArchivedColumn::F64(v) => match v.get(i) {
            Some(x) => Ok(Value::Float(x.to_native())),
            None => Err(OUT),
        },
        _ => cell_other(c, b, i),
    }
}

/// Value `i` of a column that is not a float column.
#[inline(never)]
fn cell_other<'a>(
    c: &'a ArchivedColumn,
    b: &'a ArchivedBenchmark,
    i: usize,
) -> Result<Value<'a>, QueryError> {
    Ok(match c {
        ArchivedColumn::F32(v) => Value::Float(f64::from(v.get(i).ok_or_else(|| OUT)?.to_native())),
        ArchivedColumn::F64(v) => Value::Float(v.get(i).ok_or_else(|| OUT)?.to_native()),
        ArchivedColumn::I64(v) => Value::Int(v.get(i).ok_or_else(|| OUT)?.to_native()),
        ArchivedColumn::StrFixed { width, bytes } => {
            let w = width.to_native() as usize;
            let start = i.checked_mul(w).ok_or_else(|| OUT)?;
            Value::Str(utf8(bytes.get(start..start.saturating_add(w)))?)
        }
        ArchivedColumn::Str { offsets, bytes } => {
            let (s, e) = (
                offsets.get(i).ok_or_else(|| OUT)?.to_native(),
                offsets.get(i + 1).ok_or_else(|| OUT)?.to_native(),
            );
            Value::Str(utf8(bytes.get(s as usize..e as usize))?)
        }
        ArchivedColumn::Mixed { tags, bits, bytes } => {
            let bits = bits.get(i).ok_or_else(|| OUT)?.to_native();
            match *tags.get(i).ok_or_else(|| OUT)? {
                CELL_NONE => Value::None,
                CELL_FALSE => Value::Bool(false),
                CELL_TRUE => Value::Bool(true),
                CELL_INT => Value::Int(bits as i64),
                CELL_FLOAT => Value::Float(f64::from_bits(bits)),
                CELL_STR => {
                    let (s, l) = ((bits >> 32) as usize, (bits & 0xffff_ffff) as usize);
                    Value::Str(utf8(bytes.get(s..s + l))?)
                }
                CELL_GENERIC => {
                    let id = u32::try_from(bits).map_err(|_| OUT)?;
                    if id as usize >= b.generic.kinds.len() {
                        return Err(QueryError::Corrupt("a cell names a missing generic node"));
                    }
                    Value::Node(Node { b, id })
                }
                _ => return Err(QueryError::Corrupt("unknown cell tag")),
            }
        }
    })
}
