//! An arena-loaded document ([`tnb_pth::load`]) as an owned [`Obj`], so that small files go
//! through the same converter as streamed ones. The arena does not tell an `OrderedDict` from a
//! `dict` (both are `Kind::Dict`): every mapping becomes a plain dict here; the streaming reader
//! keeps the difference.

use std::sync::Arc;

use tnb_pickle::stream::Obj;
use tnb_pickle::{Arena, Kind, Ref, Value};

use crate::error::Error;

/// Deepest nesting converted (NB201 objects are 7 levels deep).
pub const MAX_ARENA_DEPTH: usize = 200;

/// The document's object as an [`Obj`].
pub fn from_document(doc: &tnb_pth::Document<'_>) -> Result<Obj, Error> {
    to_obj(doc, &doc.pickle.arena, doc.pickle.root, 0)
}

fn to_obj(
    doc: &tnb_pth::Document<'_>,
    arena: &Arena<'_>,
    r: Ref,
    depth: usize,
) -> Result<Obj, Error> {
    if depth > MAX_ARENA_DEPTH {
        return Err(Error::Source(format!(
            "the object is nested deeper than {MAX_ARENA_DEPTH} levels"
        )));
    }
    Ok(match arena.get(r) {
        Value::None => Obj::None,
        Value::Bool(b) => Obj::Bool(b),
        Value::Int(i) => Obj::Int(i),
        Value::BigInt(b) => Obj::BigInt(Arc::from(b)),
        Value::Float(f) => Obj::Float(f),
        Value::Scalar(s) => Obj::Scalar(s),
        Value::Str(s) => Obj::Str(Arc::from(s)),
        Value::Bytes(b) => Obj::Bytes(Arc::from(b)),
        Value::Container(kind, children) => {
            let mut xs = Vec::with_capacity(children.len());
            for c in children.iter() {
                xs.push(to_obj(doc, arena, c, depth + 1)?);
            }
            match kind {
                Kind::Tuple => Obj::Tuple(xs),
                Kind::List => Obj::List(xs),
                Kind::Dict => {
                    let mut items = Vec::with_capacity(xs.len() / 2);
                    let mut it = xs.into_iter();
                    while let (Some(k), Some(v)) = (it.next(), it.next()) {
                        items.push((k, v));
                    }
                    Obj::Dict { items, ordered: false }
                }
                other => {
                    return Err(Error::Source(format!(
                        "a {} is not part of the NAS-Bench-201 layout",
                        other.name()
                    )));
                }
            }
        }
        Value::Global(c) => {
            return Err(Error::Source(format!(
                "'{}' is a class or function, not data",
                doc.class_name(c)
            )));
        }
        Value::Object { class, .. } => {
            return Err(Error::Source(format!("a '{}' object is not data", doc.class_name(class))));
        }
    })
}
