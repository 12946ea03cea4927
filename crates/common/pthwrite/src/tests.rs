//! Checks against the workspace's readers and against files real torch wrote.

use std::collections::HashMap;
use std::path::Path;

use tnb_pickle::{Arena, Kind, Limits, PlainData, Ref, Value as Read, parse};

use crate::{Pickler, Value, dumps, save_legacy, save_zip};

fn fixture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Rebuilds what a reader parsed as a [`Value`], keeping sharing: a reference the reader
/// resolved from the memo is the same `Rc`.
fn rebuild(a: &Arena<'_>, r: Ref, seen: &mut HashMap<Ref, Value>) -> Value {
    if let Some(v) = seen.get(&r) {
        return v.clone();
    }
    let v = match a.get(r) {
        Read::None => Value::None,
        Read::Bool(b) => Value::Bool(b),
        Read::Int(i) => Value::Int(i),
        Read::Float(f) => Value::Float(f),
        Read::Str(s) => Value::str(s),
        Read::Container(Kind::List, c) => {
            Value::list(c.iter().map(|x| rebuild(a, x, seen)).collect())
        }
        Read::Container(Kind::Tuple, c) => {
            Value::tuple(c.iter().map(|x| rebuild(a, x, seen)).collect())
        }
        Read::Container(Kind::Dict, kv) => Value::dict(
            kv.pairs().map(|(k, v)| (rebuild(a, k, seen), rebuild(a, v, seen))).collect(),
        ),
        other => panic!("unexpected {other:?} in a plain-data fixture"),
    };
    if matches!(v, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Dict(_)) {
        seen.insert(r, v.clone());
    }
    v
}

/// Whether the reader's value equals `v` exactly (floats bit for bit, order kept).
fn same(a: &Arena<'_>, r: Ref, v: &Value) -> bool {
    match (a.get(r), v) {
        (Read::None, Value::None) => true,
        (Read::Bool(x), Value::Bool(y)) => x == *y,
        (Read::Int(x), Value::Int(y)) => x == *y,
        (Read::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Read::Str(x), Value::Str(y)) => x == &**y,
        (Read::Container(Kind::List, c), Value::List(items))
        | (Read::Container(Kind::Tuple, c), Value::Tuple(items)) => {
            c.len() == items.len() && c.iter().zip(items.iter()).all(|(x, y)| same(a, x, y))
        }
        (Read::Container(Kind::Dict, kv), Value::Dict(items)) => {
            kv.len() == 2 * items.len()
                && kv
                    .pairs()
                    .zip(items.iter())
                    .all(|((pk, pv), (k, val))| same(a, pk, k) && same(a, pv, val))
        }
        _ => false,
    }
}

fn sample() -> Value {
    let name = Value::str("valid_top1");
    let metrics = Value::list(vec![name.clone(), Value::str("time_elapsed")]);
    let many: Vec<Value> = (0..2500).map(|i| Value::Float(f64::from(i) / 3.0)).collect();
    let keys: Vec<(Value, Value)> = (0..1500)
        .map(|i| (Value::str(&format!("64-41414-{i}")), Value::Int(i * 1_000_003)))
        .collect();
    Value::dict(vec![
        (
            Value::str("metrics_dict"),
            Value::dict(vec![(Value::str("a"), metrics.clone()), (Value::str("b"), metrics)]),
        ),
        (name, Value::list(many)),
        (Value::str("archs"), Value::dict(keys)),
        (
            Value::str("atoms"),
            Value::tuple(vec![
                Value::None,
                Value::Bool(true),
                Value::Bool(false),
                Value::Int(i64::MIN),
                Value::Int(-1),
                Value::Float(f64::NAN),
                Value::Float(-0.0),
                Value::str(""),
            ]),
        ),
        (Value::str("empty"), Value::tuple(vec![])),
    ])
}

#[test]
fn what_the_pickler_writes_tnb_pickle_reads_back() {
    let v = sample();
    let bytes = dumps(&v).unwrap();
    let p = parse(&bytes, &mut PlainData, &Limits::default()).unwrap();
    assert_eq!(p.end, bytes.len());
    assert!(same(&p.arena, p.root, &v));
    // The shared list came back shared.
    let Read::Container(Kind::Dict, top) = p.arena.get(p.root) else { panic!() };
    let md = p.arena.children(top.get(1).unwrap());
    assert_eq!(md.get(1), md.get(3));
}

#[test]
fn zip_and_legacy_files_load_with_tnb_pth() {
    let v = sample();
    let pickle = dumps(&v).unwrap();
    let zip = save_zip(Vec::new(), "sample", &pickle, &[]).unwrap();
    let doc = tnb_pth::load(&zip).unwrap();
    assert_eq!(
        doc.format,
        tnb_pth::Format::Zip { folder: "sample".to_owned(), little_endian: true }
    );
    assert!(same(&doc.pickle.arena, doc.pickle.root, &v));

    let legacy = save_legacy(Vec::new(), &pickle).unwrap();
    let doc = tnb_pth::load(&legacy).unwrap();
    assert_eq!(doc.format, tnb_pth::Format::Legacy);
    assert!(same(&doc.pickle.arena, doc.pickle.root, &v));
}

#[test]
fn streaming_and_tree_writers_agree() {
    let mut p = Pickler::new();
    p.value(&sample());
    assert_eq!(p.finish().unwrap(), dumps(&sample()).unwrap());
}

/// Re-pickles the objects of torch-written fixtures (with their sharing) and compares the bytes
/// with torch's `data.pkl`, then rebuilds the whole file.
#[test]
fn torch_fixtures_are_reproduced_byte_for_byte() {
    for name in [
        "transnas_small.pth",
        "shared_lists.pth",
        "big_dict.pth",
        "memo_many.pth",
        "unicode.pth",
        "special_floats.pth",
    ] {
        let file = fixture(name);
        let doc = tnb_pth::load(&file).unwrap();
        let original = doc.pickle.arena.input();
        let v = rebuild(&doc.pickle.arena, doc.pickle.root, &mut HashMap::new());
        let mine = dumps(&v).unwrap();
        assert!(mine == original, "{name}: data.pkl differs");
        let tnb_pth::Format::Zip { folder, .. } = &doc.format else { panic!("{name}: not zip") };
        assert!(save_zip(Vec::new(), folder, &mine, &[]).unwrap() == file, "{name}: zip differs");
    }
    let file = fixture("transnas_small_legacy.pth");
    let doc = tnb_pth::load(&file).unwrap();
    let v = rebuild(&doc.pickle.arena, doc.pickle.root, &mut HashMap::new());
    assert!(save_legacy(Vec::new(), &dumps(&v).unwrap()).unwrap() == file);
}
