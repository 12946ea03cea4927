//! Convert, then open with the store and walk: every event equals the source object's own walk
//! (written from `Obj`, independently of the converter), for both NAS-Bench-201 shapes, so a
//! converter change that the store reads back differently fails here, in the converter's own
//! tests (the store's tests/roundtrip.rs checks the accessors too).

use tnb_nb201_convert::archive_bytes;
use tnb_nb201_convert::sample::{self, Options, Version};
use tnb_nb201_store::Archive;
use tnb_pickle::stream::Obj;
use tnb_pyjson::{Event, Seq};

/// An event as a comparable string (floats by their bits).
fn show(e: &Event<'_>) -> String {
    match e {
        Event::Float(f) => format!("Float({:#x})", f.to_bits()),
        other => format!("{other:?}"),
    }
}

/// The walk of an object, as `tnb_pth::events` walks a loaded source (numpy scalars as their
/// Python number).
fn obj_events(o: &Obj, out: &mut Vec<String>) {
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

#[test]
fn the_archive_walks_as_the_object_it_was_converted_from() {
    for version in [Version::V1_0, Version::V1_1] {
        for archs in [1, 4, 9] {
            let top = sample::object(&Options { version, archs, full_epochs: 12 });
            let a = Archive::copy_from(&archive_bytes(&top, 5, [1; 32]).unwrap()).unwrap();
            a.verify_checksum().unwrap();
            let mut got = Vec::new();
            a.walk(&mut |e| {
                got.push(show(&e));
                Ok(())
            })
            .unwrap();
            let mut want = Vec::new();
            obj_events(&top, &mut want);
            assert_eq!(got.len(), want.len(), "{version:?} {archs}");
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                assert_eq!(g, w, "{version:?} {archs}: event {i}");
            }
        }
    }
}
