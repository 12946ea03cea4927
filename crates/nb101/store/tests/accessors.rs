//! Accessors that the round trips do not pin: the payload slice (what `verify --source` compares
//! with a rebuilt archive, so an empty one would compare equal to anything) and the iterators'
//! exact lengths (`ExactSizeIterator` promises `len()` is the number of items left).

mod common;

use common::{Rec, build};
use tnb_nb101_store::Nb101Store;

fn rec(hash: u8, epochs: i64, v: f64) -> Rec {
    Rec {
        hash: [hash; 16],
        epochs,
        n: 3,
        adj: 0b000_100_010,
        ops: "input,conv1x1-bn-relu,output".into(),
        params: 5,
        halfway: [v; 4],
        final_: [v; 4],
    }
}

#[test]
fn the_payload_is_the_file_after_its_header_and_has_the_header_checksum() {
    let recs = [rec(1, 108, 1.0), rec(2, 4, 2.0), rec(1, 4, 3.0)];
    let bytes = build(&recs);
    let s = Nb101Store::copy_from(&bytes).unwrap();
    let h = s.header();
    let p = s.payload();
    assert_eq!(h.payload_offset, 128);
    assert_eq!(p.len() as u64, h.payload_len);
    assert_eq!(p, &bytes[128..]);
    assert_eq!(s.bytes(), &bytes[..]);
    // FORMAT-NB101.md: the payload opens with its own magic.
    assert_eq!(&p[..8], b"NB101TBL");
    assert_eq!(crc32(p), h.payload_crc32);
    // Two archives of different records differ in their payloads.
    let other = build(&recs[..2]);
    let t = Nb101Store::copy_from(&other).unwrap();
    assert_ne!(t.payload(), p);
}

/// CRC-32 (IEEE, reflected, 0xEDB88320), bit by bit: independent of the writer's crc32fast.
fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 == 1 { c >> 1 ^ 0xEDB8_8320 } else { c >> 1 };
        }
    }
    !c
}

#[test]
fn budgets_and_operations_know_how_many_are_left() {
    // Cell 1: budgets 108, 4, 36 (three); cell 2: budget 4 only.
    let recs = [rec(1, 108, 1.0), rec(2, 4, 2.0), rec(1, 4, 3.0), rec(1, 36, 4.0)];
    let s = Nb101Store::copy_from(&build(&recs)).unwrap();
    let mut b = s.budgets(0).unwrap();
    assert_eq!(b.size_hint(), (3, Some(3)));
    assert_eq!(b.len(), 3);
    b.next().unwrap();
    assert_eq!(b.len(), 2);
    assert_eq!(b.by_ref().count(), 2);
    assert_eq!(b.size_hint(), (0, Some(0)));
    assert_eq!(s.budgets(1).unwrap().len(), 1);
    let mut ops = s.operations(0).unwrap();
    assert_eq!(ops.size_hint(), (3, Some(3)));
    ops.next().unwrap();
    assert_eq!(ops.len(), 2);
    assert_eq!(ops.collect::<Vec<_>>(), ["conv1x1-bn-relu", "output"]);
}
