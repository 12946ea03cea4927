//! An arena-loaded document ([`tnb_pth::load`]) as an owned [`Obj`], so that small files go
//! through the same converter as streamed ones ([`Obj::from_arena`]; every mapping becomes a
//! plain dict there, the streaming reader keeps the difference), with this converter's words for
//! what has no owned form.

use tnb_pickle::Value;
use tnb_pickle::stream::{NotOwned, Obj};

use crate::error::Error;

/// Deepest nesting converted (NB201 objects are 7 levels deep).
pub const MAX_ARENA_DEPTH: usize = 200;

/// The document's object as an [`Obj`].
pub fn from_document(doc: &tnb_pth::Document<'_>) -> Result<Obj, Error> {
    let arena = &doc.pickle.arena;
    Obj::from_arena(arena, doc.pickle.root, MAX_ARENA_DEPTH).map_err(|e| {
        Error::Source(match e {
            NotOwned::TooDeep => {
                format!("the object is nested deeper than {MAX_ARENA_DEPTH} levels")
            }
            NotOwned::Value(r) => match arena.get(r) {
                Value::Global(c) => {
                    format!("'{}' is a class or function, not data", doc.class_name(c))
                }
                Value::Object { class, .. } => {
                    format!("a '{}' object is not data", doc.class_name(class))
                }
                Value::Container(kind, _) => {
                    format!("a {} is not part of the NAS-Bench-201 layout", kind.name())
                }
                other => format!("a {other:?} is not part of the NAS-Bench-201 layout"),
            },
        })
    })
}
