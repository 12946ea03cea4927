//! Criterion benchmarks of the NAS-Bench-101 hot calls: a spec's lookup key (the official
//! checks plus the canonical key) and its hash (plus `hash_module`), `query` (typed, and as Python's dict), `get_metrics_from_hash`, and the
//! best mean final test accuracy over all cells at 108 epochs (what `tnb best` computes), over
//! the archive through `tnb_nb101_api::StoreSource`, with criterion's statistics.
//!
//! The archive is `$TNB_NB101_ARCHIVE` when set (e.g. a full-size look-alike converted with
//! `tnb convert nasbench_only108.tfrecord only108.tnb`), else one converted here from
//! `data/nb101/full_small.tfrecord`, so `cargo bench -p tnb --bench nb101` always runs. Sized for
//! a 2-core machine shared with other work: 20 samples of 2 s after a 1 s warm-up. Cells are
//! visited in a fixed pseudo-random order, as a search loop would.
#![forbid(unsafe_code)]
#![allow(missing_docs)] // criterion's macros generate undocumented items

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use tnb_nb101_api::{Arg, Fixed, NasBench, Source, Spec, StoreSource, Value};
use tnb_nb101_spec::Matrix;
use tnb_nb101_store::{Metric, Nb101Store};

fn archive_path() -> PathBuf {
    if let Some(p) = std::env::var_os("TNB_NB101_ARCHIVE") {
        return PathBuf::from(p);
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/nb101/full_small.tfrecord");
    let dst = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench_nb101_small.tnb");
    tnb_nb101_convert::convert(&src, &dst, |_, _| {}).expect("convert");
    dst
}

/// Cells in the visiting order.
const ORDER: usize = 1 << 10;

fn benches(c: &mut Criterion) {
    let store = Nb101Store::open(archive_path()).expect("open");
    let src = StoreSource::new(&store);
    let n = src.cells();
    let mut rng = tnb_testrng::TestRng::new(0x101b_e4c4_5eed_0002);
    let rows: Vec<u32> = (0..ORDER).map(|_| rng.below(n) as u32).collect();
    let cells: Vec<(Matrix, Vec<String>)> = rows
        .iter()
        .map(|&r| {
            let (k, bits) = src.adjacency(r);
            let mut ops = Vec::new();
            src.operations(r, &mut |o| ops.push(o.to_owned()));
            (Matrix { n: k, bits }, ops)
        })
        .collect();
    let specs: Vec<Spec> = cells.iter().map(|(m, o)| Spec::from_matrix(*m, o)).collect();
    let hashes: Vec<String> = rows.iter().map(|&r| tnb_nb101_api::hex(&src.hash(r))).collect();
    let mask = ORDER - 1;
    let mut k = 0usize;
    let mut next = || {
        k = k.wrapping_add(1);
        k & mask
    };

    c.bench_function("nb101/spec_key", |b| {
        b.iter(|| {
            let (m, o) = &cells[next()];
            black_box(tnb_nb101_spec::check_matrix(*m, o).map(|c| c.key()))
        })
    });
    c.bench_function("nb101/hash_of_spec", |b| {
        b.iter(|| {
            let (m, o) = &cells[next()];
            black_box(tnb_nb101_spec::check_matrix(*m, o).map(|c| c.hash()))
        })
    });
    let mut nb = NasBench::new(&src);
    let mut draw = Fixed(0);
    c.bench_function("nb101/query_matrix_typed", |b| {
        b.iter(|| {
            let (m, o) = &cells[next()];
            black_box(nb.query_matrix(*m, o, 108, false, &mut draw).map(|d| d.metrics[3]))
        })
    });
    c.bench_function("nb101/query_spec_dict", |b| {
        b.iter(|| {
            let v = nb.query(&specs[next()], Arg::Int(108), false, &mut draw);
            black_box(matches!(v, Ok(Value::Dict(_))))
        })
    });
    c.bench_function("nb101/get_metrics_from_hash", |b| {
        b.iter(|| {
            let v = nb.get_metrics_from_hash(Arg::Str(&hashes[next()]));
            black_box(matches!(v, Ok(Value::Tuple(_))))
        })
    });
    if let Some(budget) = store.budget_of_epochs(108) {
        c.bench_function("nb101/best_mean_test_accuracy_108", |b| {
            b.iter(|| {
                let block = store.budget_runs(budget).unwrap();
                let col = store.budget_column(budget, Metric::FinalTestAccuracy).unwrap();
                let offs = store.run_offsets(budget).unwrap();
                let mut best = (f64::NEG_INFINITY, 0usize);
                for (row, w) in offs.windows(2).enumerate() {
                    let (s, e) = (w[0] as usize - block.start, w[1] as usize - block.start);
                    if s < e {
                        let m = col[s..e].iter().sum::<f64>() / (e - s) as f64;
                        if m > best.0 {
                            best = (m, row);
                        }
                    }
                }
                black_box(best)
            })
        });
    }
    assert!(src.failure().is_none(), "{:?}", src.failure());
}

criterion_group! {
    name = group;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    targets = benches
}
criterion_main!(group);
