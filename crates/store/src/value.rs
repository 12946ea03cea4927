//! Values as queries return them, read straight from the archive.

use tnb_schema::codes::*;
use tnb_schema::{ArchivedColumn, ArchivedGeneric};

use crate::error::QueryError;

/// One value of the benchmark, borrowed from the archive: what the Python API returns, with
/// its Python type kept (float, int, str...).
#[derive(Clone, Copy, Debug, PartialEq)]
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

impl Value<'_> {
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

/// A value of the archive's generic section (a tree of Python values).
#[derive(Clone, Copy)]
pub struct Node<'a> {
    pub(crate) g: &'a ArchivedGeneric,
    pub(crate) id: u32,
}

impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Node({})", self.id)
    }
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.g, other.g) && self.id == other.id
    }
}

const CORRUPT_STR: QueryError =
    QueryError::Corrupt("a string lies outside its column or is not UTF-8");

pub(crate) fn utf8(b: Option<&[u8]>) -> Result<&str, QueryError> {
    b.and_then(|b| std::str::from_utf8(b).ok()).ok_or(CORRUPT_STR)
}

/// Value `i` of a column.
pub(crate) fn cell<'a>(
    c: &'a ArchivedColumn,
    g: &'a ArchivedGeneric,
    i: usize,
) -> Result<Value<'a>, QueryError> {
    const OUT: QueryError = QueryError::Corrupt("a value index lies outside its column");
    Ok(match c {
        ArchivedColumn::F32(v) => Value::Float(f64::from(v.get(i).ok_or(OUT)?.to_native())),
        ArchivedColumn::F64(v) => Value::Float(v.get(i).ok_or(OUT)?.to_native()),
        ArchivedColumn::I64(v) => Value::Int(v.get(i).ok_or(OUT)?.to_native()),
        ArchivedColumn::StrFixed { width, bytes } => {
            let w = width.to_native() as usize;
            let start = i.checked_mul(w).ok_or(OUT)?;
            Value::Str(utf8(bytes.get(start..start.saturating_add(w)))?)
        }
        ArchivedColumn::Str { offsets, bytes } => {
            let (s, e) = (
                offsets.get(i).ok_or(OUT)?.to_native(),
                offsets.get(i + 1).ok_or(OUT)?.to_native(),
            );
            Value::Str(utf8(bytes.get(s as usize..e as usize))?)
        }
        ArchivedColumn::Mixed { tags, bits, bytes } => {
            let bits = bits.get(i).ok_or(OUT)?.to_native();
            match *tags.get(i).ok_or(OUT)? {
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
                    if id as usize >= g.kinds.len() {
                        return Err(QueryError::Corrupt("a cell names a missing generic node"));
                    }
                    Value::Node(Node { g, id })
                }
                _ => return Err(QueryError::Corrupt("unknown cell tag")),
            }
        }
    })
}
