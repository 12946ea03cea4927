//! Shared by the store's tests: the source object's own walk and value checks, written
//! independently of the store (from `Obj`, the reader's type).
#![allow(dead_code)]

use tnb_pickle::stream::Obj;
use tnb_pyjson::{Event, Seq};

/// An event as a comparable string (floats by their bits).
pub fn show(e: &Event<'_>) -> String {
    match e {
        Event::Float(f) => format!("Float({:#x})", f.to_bits()),
        other => format!("{other:?}"),
    }
}

/// The walk of an object, as `tnb_pth::events` walks a loaded source (numpy scalars as their
/// Python number).
pub fn obj_events(o: &Obj, out: &mut Vec<String>) {
    match o {
        Obj::None => out.push(show(&Event::Null)),
        Obj::Bool(b) => out.push(show(&Event::Bool(*b))),
        Obj::Int(i) => out.push(show(&Event::Int(*i))),
        Obj::BigInt(_) => out.push("BigInt".into()),
        Obj::Float(f) => out.push(show(&Event::Float(*f))),
        Obj::Str(s) => out.push(show(&Event::Str(s))),
        Obj::Bytes(b) => out.push(show(&Event::Bytes(b))),
        Obj::Scalar(s) => out.push(show(&match s.number() {
            tnb_pickle::Number::Bool(b) => Event::Bool(b),
            tnb_pickle::Number::Int(i) => Event::Int(i),
            tnb_pickle::Number::UInt(u) => Event::UInt(u),
            tnb_pickle::Number::Float(f) => Event::Float(f),
        })),
        Obj::Tuple(xs) | Obj::List(xs) | Obj::Set(xs) | Obj::FrozenSet(xs) => {
            let k = match o {
                Obj::Tuple(_) => Seq::Tuple,
                Obj::List(_) => Seq::List,
                Obj::Set(_) => Seq::Set,
                _ => Seq::FrozenSet,
            };
            out.push(show(&Event::BeginSeq(k)));
            for x in xs {
                obj_events(x, out);
            }
            out.push(show(&Event::End));
        }
        Obj::Dict { items, .. } => {
            out.push(show(&Event::BeginMap));
            for (k, v) in items {
                obj_events(k, out);
                obj_events(v, out);
            }
            out.push(show(&Event::End));
        }
    }
}

/// The archive's walk as comparable strings.
pub fn archive_events<B: AsRef<[u8]>>(a: &tnb_nb201_store::Archive<B>) -> Vec<String> {
    let mut out = Vec::new();
    a.walk(&mut |e| {
        out.push(show(&e));
        Ok(())
    })
    .unwrap();
    out
}
