//! Built archives read back exactly what the official loader holds: every value bit-exact,
//! first record of a hash wins, first-appearance orders, missing budgets and repeats, records
//! in any order, zero records; lookups by hash and by spec; the atomic file writer; limits.

mod common;

use common::{Rec, assert_matches, build, model, records};
use tnb_nb101_store::spec::{self, Matrix};
use tnb_nb101_store::{
    Builder, Limits, MAX_BUDGETS, MAX_CELLS, MAX_OP_BYTES, MAX_OP_ITEMS, MAX_OP_STRINGS,
    MAX_RUN_OFFSETS, MAX_RUNS, Metric, Nb101Store, Provenance,
};

fn open(bytes: &[u8]) -> Nb101Store {
    let s = Nb101Store::copy_from(bytes).unwrap();
    s.verify_checksum().unwrap();
    s.check().unwrap();
    s
}

#[test]
fn random_archives_read_back_exactly_in_file_order_or_shuffled() {
    for seed in 1..6 {
        for shuffle in [false, true] {
            let recs = records(seed, 40, shuffle);
            let bytes = build(&recs);
            let s = open(&bytes);
            assert_matches(&s, &model(&recs));
            assert_eq!(s.header().source_size, 12345);
            assert_eq!(s.header().converter, tnb_nb101_store::CONVERTER);
            // Deterministic: the same records give the same bytes.
            assert_eq!(build(&recs), bytes);
        }
    }
}

#[test]
fn every_float_class_keeps_its_bits() {
    let mut recs = Vec::new();
    for (i, &bits) in common::SPECIAL.iter().enumerate() {
        let x = f64::from_bits(bits);
        let y = f64::from_bits(bits ^ 1);
        recs.push(Rec {
            hash: [i as u8; 16],
            epochs: 108,
            n: 2,
            adj: 2,
            ops: "input,output".into(),
            params: i32::MIN + i as i32,
            halfway: [x, y, -x, x],
            final_: [y, x, y, -y],
        });
    }
    let s = open(&build(&recs));
    assert_matches(&s, &model(&recs));
    let col = s.column(Metric::HalfwayTrainingTime);
    let want: Vec<u64> = common::SPECIAL.to_vec();
    assert_eq!(col.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), want);
}

#[test]
fn the_first_record_of_a_hash_sets_its_fixed_statistics() {
    let base = Rec {
        hash: [1; 16],
        epochs: 4,
        n: 3,
        adj: 0b000_100_010,
        ops: "input,maxpool3x3,output".into(),
        params: 7,
        halfway: [1.0; 4],
        final_: [2.0; 4],
    };
    let later = Rec {
        n: 2,
        adj: 2,
        ops: "input,output".into(),
        params: 8,
        epochs: 108,
        halfway: [3.0; 4],
        ..base.clone()
    };
    let s = open(&build(&[base.clone(), later.clone(), base.clone()]));
    assert_eq!(s.cells(), 1);
    assert_eq!(s.adjacency(0).unwrap(), (3, 0b000_100_010));
    assert_eq!(s.trainable_parameters(0).unwrap(), 7);
    assert_eq!(s.operations(0).unwrap().collect::<Vec<_>>(), ["input", "maxpool3x3", "output"]);
    let b: Vec<_> = s.budgets(0).unwrap().map(|b| (b.epochs, b.runs.len())).collect();
    assert_eq!(b, [(4, 2), (108, 1)]);
}

#[test]
fn budget_orders_are_first_appearance_per_cell_and_over_the_file() {
    let r = |h: u8, e: i64, v: f64| Rec {
        hash: [h; 16],
        epochs: e,
        n: 2,
        adj: 2,
        ops: "input,output".into(),
        params: 0,
        halfway: [v; 4],
        final_: [v; 4],
    };
    let recs =
        [r(1, 36, 0.0), r(2, 108, 1.0), r(2, 4, 2.0), r(1, 4, 3.0), r(2, 108, 4.0), r(1, 36, 5.0)];
    let s = open(&build(&recs));
    assert_eq!(s.valid_epochs(), [36, 108, 4]);
    assert_eq!(s.budgets(0).unwrap().map(|b| b.epochs).collect::<Vec<_>>(), [36, 4]);
    assert_eq!(s.budgets(1).unwrap().map(|b| b.epochs).collect::<Vec<_>>(), [108, 4]);
    // Grouped by budget, then row, then file order.
    let col: Vec<f64> = s.column(Metric::FinalTestAccuracy).to_vec();
    assert_eq!(col, [0.0, 5.0, 1.0, 4.0, 3.0, 2.0]);
    assert_eq!(s.budget_column(1, Metric::FinalTestAccuracy).unwrap(), [1.0, 4.0]);
    assert_eq!(s.run_offsets(2).unwrap(), [4, 5, 6]);
    // Row 1 lacks 36 epochs: empty (the official KeyError(36)).
    assert!(s.runs_of(1, 0).unwrap().is_empty());
    assert_eq!(s.budget_of_epochs(4), Some(2));
    assert_eq!(s.budget_of_epochs(12), None);
    assert!(s.budget_runs(3).is_err() && s.runs_of(2, 0).is_err() && s.budgets(2).is_err());
}

#[test]
fn zero_records_give_an_empty_valid_archive() {
    let bytes = Builder::new().finish(&Provenance::new(0, [0; 32])).unwrap();
    let s = open(&bytes);
    assert_eq!((s.cells(), s.runs(), s.valid_epochs().len()), (0, 0, 0));
    assert!(s.column(Metric::FinalTestAccuracy).is_empty());
    assert_eq!(s.row_of_hash(&[0; 16]).unwrap(), None);
    assert_eq!(s.hash(0), None);
    assert!(s.adjacency(0).is_err() && s.budgets(0).is_err());
    assert_eq!(s.cell_of_run(0).unwrap(), None);
}

#[test]
fn lookups_by_spec_find_the_row_of_the_spec_hash_for_isomorphic_specs() {
    let recs = records(11, 60, true);
    let m = model(&recs);
    let s = open(&build(&recs));
    let mut canonical = 0;
    for (row, h) in m.order.iter().enumerate() {
        let (n, bits, ops, _) = &m.fixed[h];
        let ops: Vec<&str> = ops.split(',').collect();
        if ops.len() != *n as usize {
            continue;
        }
        let Some(labels) = spec::labels(ops.iter().copied()) else { continue };
        let labels = labels[..ops.len()].to_vec();
        let mtx = Matrix { n: *n, bits: *bits };
        let Some((p, _)) = spec::prune(mtx) else { continue };
        let hash = spec::hash_module(p, &labels);
        let true_hash = hash == *h;
        let found = s.row_of_spec(p, &labels).unwrap();
        // What the official lookup finds: the row of the spec's hash (another row when this
        // cell's hash is not its graph's and another cell has this graph).
        let expect = m.order.iter().position(|x| *x == hash).map(|r| r as u32);
        assert_eq!(found, expect, "row {row}");
        if true_hash {
            canonical += 1;
            assert!(s.row_of_canonical(spec::canonical_key(p, &labels)).unwrap().is_some());
            // An isomorphic spec: swap two interior vertices (rows, columns and labels).
            let nn = *n as usize;
            if nn >= 4 {
                let (a, b) = (1, 2);
                let pi = |v: usize| {
                    if v == a {
                        b
                    } else if v == b {
                        a
                    } else {
                        v
                    }
                };
                let mut q = 0u64;
                for r in 0..nn {
                    for c in 0..nn {
                        if p.bits >> (pi(r) * nn + pi(c)) & 1 == 1 {
                            q |= 1 << (r * nn + c);
                        }
                    }
                }
                let mut l2 = labels.clone();
                l2.swap(a, b);
                // Still a DAG in upper-triangular form only if 1 -> 2 is absent.
                if p.bits >> (nn + 2) & 1 == 0 {
                    assert_eq!(s.row_of_spec(Matrix { n: *n, bits: q }, &l2).unwrap(), found);
                }
            }
        }
    }
    assert!(canonical > 20, "{canonical}");
    assert_eq!(s.counts().canon, canonical);
    // A spec of no cell.
    let absent = Matrix { n: 7, bits: (0..6).map(|i| 1u64 << (i * 7 + i + 1)).sum() };
    let l = [-1, 2, 2, 2, 2, 2, -2];
    let expect = m.order.iter().position(|h| *h == spec::hash_module(absent, &l));
    assert_eq!(s.row_of_spec(absent, &l).unwrap(), expect.map(|r| r as u32));
}

#[test]
fn write_file_replaces_atomically_and_leaves_nothing_on_failure() {
    let dir = std::env::temp_dir().join(format!("tnb-nb101-store-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let dst = dir.join("a.tnb");
    std::fs::write(&dst, b"old").unwrap();
    let recs = records(3, 20, true);
    let mut b = Builder::new();
    for r in &recs {
        b.push(&r.as_in()).unwrap();
    }
    let sum = b.write_file(&dst, &Provenance::new(5, [1; 32])).unwrap();
    let s = Nb101Store::open(&dst).unwrap();
    assert_matches(&s, &model(&recs));
    assert_eq!(
        (sum.records, sum.cells, sum.bytes),
        (recs.len() as u64, 20, s.bytes().len() as u64)
    );
    assert_eq!(std::fs::read(&dst).unwrap(), build_with(&recs, 5, [1; 32]));
    // A folder as destination: refused, nothing written, no temporary file left.
    let folder = dir.join("sub");
    std::fs::create_dir(&folder).unwrap();
    let e = Builder::new().write_file(&folder, &Provenance::new(0, [0; 32])).unwrap_err();
    assert!(e.to_string().contains("not a regular file"), "{e}");
    let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn build_with(recs: &[Rec], size: u64, sha: [u8; 32]) -> Vec<u8> {
    let mut b = Builder::new();
    for r in recs {
        b.push(&r.as_in()).unwrap();
    }
    b.finish(&Provenance::new(size, sha)).unwrap()
}

fn rec(hash: u8, epochs: i64, ops: &str) -> Rec {
    Rec {
        hash: [hash; 16],
        epochs,
        n: 2,
        adj: 2,
        ops: ops.into(),
        params: 0,
        halfway: [0.0; 4],
        final_: [0.0; 4],
    }
}

#[test]
fn every_builder_limit_is_named_and_enforced() {
    let lim = |l: Limits, recs: &[Rec]| {
        let mut b = Builder::with_limits(l);
        for (i, r) in recs.iter().enumerate() {
            if let Err(e) = b.push(&r.as_in()) {
                return (i, e.to_string());
            }
        }
        panic!("no limit hit");
    };
    let d = Limits::default();
    assert_eq!(
        (d.cells, d.runs, d.budgets, d.op_strings, d.op_bytes, d.op_items, d.run_offsets),
        (
            MAX_CELLS,
            MAX_RUNS,
            MAX_BUDGETS,
            MAX_OP_STRINGS,
            MAX_OP_BYTES,
            MAX_OP_ITEMS,
            MAX_RUN_OFFSETS
        )
    );
    // 2 budgets x (2 + 1) = 6 fit; a third cell (2 x 4) or a third budget (3 x 3) does not.
    let l6 = Limits { run_offsets: 6, ..d };
    let (i, e) = lim(l6, &[rec(1, 4, "a"), rec(2, 12, "a"), rec(2, 4, "a"), rec(3, 4, "a")]);
    assert!(i == 3 && e.contains("2 budgets x 4 cells would pass the 6 run offsets"), "{e}");
    let (i, e) = lim(l6, &[rec(1, 4, "a"), rec(2, 12, "a"), rec(1, 36, "a")]);
    assert!(i == 2 && e.contains("3 budgets x 3 cells"), "{e}");
    let (i, e) = lim(Limits { cells: 2, ..d }, &[rec(1, 4, "a"), rec(2, 4, "a"), rec(3, 4, "a")]);
    assert_eq!((i, e.as_str()), (2, "record 2: more than 2 distinct cells"));
    let (i, e) = lim(Limits { runs: 2, ..d }, &[rec(1, 4, "a"), rec(1, 4, "a"), rec(1, 4, "a")]);
    assert_eq!((i, e.as_str()), (2, "record 2: more than 2 records"));
    let (i, e) =
        lim(Limits { budgets: 2, ..d }, &[rec(1, 4, "a"), rec(1, 12, "a"), rec(1, 36, "a")]);
    assert!(i == 2 && e.contains("distinct budget number 3, more than the 2 allowed"), "{e}");
    let (i, e) = lim(Limits { op_strings: 2, ..d }, &[rec(1, 4, "a,b"), rec(2, 4, "c")]);
    assert!(i == 1 && e.contains("label \"c\"") && e.contains("2 labels"), "{e}");
    let (i, e) = lim(Limits { op_bytes: 3, ..d }, &[rec(1, 4, "a,bb"), rec(2, 4, "cc")]);
    assert!(i == 1 && e.contains("3 bytes"), "{e}");
    let (i, e) = lim(Limits { op_items: 3, ..d }, &[rec(1, 4, "a,a"), rec(2, 4, "a,a")]);
    assert!(i == 1 && e.contains("more than 3 operations"), "{e}");
    // The real budget limit: 256 distinct epochs fit, the 257th does not.
    let many: Vec<Rec> = (0..257).map(|e| rec(1, e, "a")).collect();
    let (i, e) = lim(d, &many);
    assert!(i == 256 && e.contains("more than the 256 allowed"), "{e}");
    let mut big = rec(1, 4, "a");
    big.n = 8;
    big.adj = 1 << 60;
    let (i, e) = lim(d, &[big]);
    assert!(i == 0 && e.contains("at most 7 x 7"), "{e}");
    let mut wide = rec(1, 4, "a");
    wide.adj = 1 << 4;
    assert!(lim(d, &[wide]).1.contains("at most 7 x 7"));
}

#[test]
fn a_budget_limit_archive_round_trips() {
    let many: Vec<Rec> = (0..256).map(|e| rec((e % 3) as u8, 1000 - e, "input,output")).collect();
    let s = open(&build(&many));
    assert_eq!(s.valid_epochs().len(), 256);
    assert_matches(&s, &model(&many));
}
