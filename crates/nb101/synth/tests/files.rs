//! Small look-alikes read back with the reader crates: framing, counts, order, values,
//! determinism.

use std::collections::HashMap;

use tnb_nb101_spec::{Cell, enumerate, hash_hex};
use tnb_nb101_synth::{Form, Options, Synth};

fn cells() -> Vec<Cell> {
    // 91 cells of 2 to 4 vertices, then the first 7-vertex-space cells are the same.
    enumerate(4, 9, 3)
}

/// What a record decodes to: epochs, hash, n, adjacency, ops, parameters, halfway, final.
type Decoded = (i64, [u8; 16], u8, u64, String, i32, [f64; 4], [f64; 4]);

fn read_all(bytes: &[u8]) -> Vec<Decoded> {
    let mut out = Vec::new();
    let mut scratch = Vec::new();
    for rec in tnb_tfrecord::Records::new(bytes) {
        let (_, data) = rec.expect("framing and CRCs are valid");
        let r = tnb_nb101_record::decode(data, &mut scratch).expect("the record decodes");
        out.push((
            r.epochs,
            r.hash,
            r.n,
            r.adjacency,
            r.operations.into_owned(),
            r.trainable_parameters,
            r.halfway.to_array(),
            r.final_.to_array(),
        ));
    }
    out
}

#[test]
fn full_file_reads_back_in_order() {
    let synth = Synth::with_cells(cells(), Options::default());
    let bytes = synth.file_bytes();
    let recs = read_all(&bytes);
    assert_eq!(recs.len(), 91 * 4 * 3);
    assert_eq!(recs.len() as u64, synth.records());
    for (i, r) in recs.iter().enumerate() {
        let cell = &synth.cells()[i / 12];
        let want = synth.record(i as u64);
        assert_eq!(want.cell, i / 12);
        assert_eq!(r.0, [4, 12, 36, 108][i / 3 % 4], "record {i}");
        assert_eq!(want.repeat, i % 3);
        assert_eq!(r.1, cell.hash);
        assert_eq!((r.2, r.3), (cell.matrix.n, cell.matrix.bits));
        assert_eq!(r.4, cell.ops().collect::<Vec<_>>().join(","));
        assert_eq!(r.5, want.values.trainable_parameters);
        let [_, half, fin] = want.values.evaluations;
        assert_eq!(r.6, [half[1], half[2], half[3], half[4]]);
        assert_eq!(r.7, [fin[1], fin[2], fin[3], fin[4]]);
    }
    // The first record is the 2-vertex cell at 4 epochs, with the official hash.
    assert_eq!(&hash_hex(&recs[0].1), b"043721b9c7fe8c5fad811d47d83132ec");
    assert_eq!(recs[0].4, "input,output");
}

#[test]
fn only108_and_shuffle() {
    let only = Synth::with_cells(cells(), Options { form: Form::Only108, ..Options::default() });
    let plain = read_all(&only.file_bytes());
    assert_eq!(plain.len(), 91 * 3);
    assert!(plain.iter().all(|r| r.0 == 108));
    // The only108 records are the full file's 108-epoch records.
    let full = read_all(&Synth::with_cells(cells(), Options::default()).file_bytes());
    let full108: Vec<_> = full.iter().filter(|r| r.0 == 108).cloned().collect();
    assert_eq!(plain, full108);
    // Shuffled: the same records, another order.
    let opts = Options { form: Form::Only108, shuffle: true, ..Options::default() };
    let shuffled = read_all(&Synth::with_cells(cells(), opts).file_bytes());
    assert_ne!(shuffled, plain);
    let count = |v: &[Decoded]| {
        let mut m: HashMap<String, usize> = HashMap::new();
        for r in v {
            *m.entry(format!("{r:?}")).or_default() += 1;
        }
        m
    };
    assert_eq!(count(&shuffled), count(&plain));
}

#[test]
fn same_seed_same_bytes() {
    let a = Synth::with_cells(cells(), Options::default()).file_bytes();
    let b = Synth::with_cells(cells(), Options::default()).file_bytes();
    assert_eq!(a, b);
    let c = Synth::with_cells(cells(), Options { seed: 7, ..Options::default() }).file_bytes();
    assert_ne!(a, c);
    // A cell's values do not depend on which other cells the file holds.
    let few = Synth::with_cells(cells()[..10].to_vec(), Options::default()).file_bytes();
    assert!(a.starts_with(&few));
}

#[test]
fn written_atomically_with_the_same_bytes() {
    let dir = std::env::temp_dir().join(format!("tnb-nb101-synth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("small.tfrecord");
    let synth = Synth::new(Options { cells: Some(40), ..Options::default() }).unwrap();
    let mut seen = Vec::new();
    let w = synth.write_file(&path, &mut |n| seen.push(n)).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(w.bytes, bytes.len() as u64);
    assert_eq!(w.records, 40 * 12);
    assert_eq!(seen.last(), Some(&480));
    assert_eq!(bytes, synth.file_bytes());
    assert_eq!(read_all(&bytes).len(), 480);
    let _ = std::fs::remove_dir_all(dir);
}
