//! Criterion benchmarks of the per-query work on a spec: `hash_module` (the official MD5 hash)
//! and `canonical_key` (what a store looks up instead), over cells of the whole space visited in
//! a fixed pseudo-random order (the 7-vertex cells dominate, as in any search), and the
//! enumeration of the space. `cargo bench -p tnb-nb101-spec`.
#![forbid(unsafe_code)]
#![allow(missing_docs)] // criterion's macros generate undocumented items

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tnb_nb101_spec::{
    Cell, Spec, canonical_key, check, check_matrix, enumerate, enumerate_graphs, hash_module,
    labels,
};

/// 4096 cells of the space in a fixed pseudo-random order, with an isomorphic copy of each
/// (interior vertices reordered) so that the key does not always see the canonical order.
fn sample(cells: &[Cell]) -> Vec<Cell> {
    let mut rng = tnb_testrng::TestRng::new(0x5eed_0101);
    (0..4096).map(|_| cells[rng.below(cells.len())]).collect()
}

fn per_spec(c: &mut Criterion) {
    let cells = enumerate(7, 9, 3);
    let sample = sample(&cells);
    let mut i = 0usize;
    let mut next = move || {
        i = (i + 1) & 4095;
        i
    };
    c.bench_function("hash_module (random cell)", |b| {
        b.iter(|| {
            let cell = &sample[next()];
            black_box(hash_module(black_box(cell.matrix), cell.labels()))
        })
    });
    c.bench_function("canonical_key (random cell)", |b| {
        b.iter(|| {
            let cell = &sample[next()];
            black_box(canonical_key(black_box(cell.matrix), cell.labels()))
        })
    });
    // What a query does before the lookup when the spec arrives as rows and op names.
    let specs: Vec<(Vec<Vec<i64>>, Vec<&'static str>)> = sample
        .iter()
        .map(|c| {
            let rows = c
                .matrix
                .to_rows()
                .into_iter()
                .map(|r| r.into_iter().map(i64::from).collect())
                .collect();
            (rows, c.ops().collect())
        })
        .collect();
    c.bench_function("Spec::new + check + labels + canonical_key", |b| {
        b.iter(|| {
            let (rows, ops) = &specs[next()];
            let spec = Spec::new(rows, ops).unwrap();
            check(&spec).unwrap();
            let p = spec.pruned.as_ref().unwrap();
            let l = labels(&p.ops).unwrap();
            black_box(canonical_key(p.matrix().unwrap(), &l[..p.vertices()]))
        })
    });
}

fn checked(c: &mut Criterion) {
    let cells = enumerate(7, 9, 3);
    let sample = sample(&cells);
    let ops: Vec<Vec<&str>> = sample.iter().map(|c| c.ops().collect()).collect();
    let mut i = 0usize;
    c.bench_function("check_matrix + canonical_key (random cell)", |b| {
        b.iter(|| {
            i = (i + 1) & 4095;
            let checked = check_matrix(black_box(sample[i].matrix), &ops[i]).unwrap();
            black_box(checked.key())
        })
    });
}

fn space(c: &mut Criterion) {
    let mut g = c.benchmark_group("enumerate");
    g.sample_size(10);
    // The graphs and counts (1.29 M canonical keys); hashing the 423,624 kept cells adds
    // 423,624 times hash_module's time above, split over the cores.
    g.bench_function("enumerate_graphs(7, 9, 3)", |b| {
        b.iter(|| black_box(enumerate_graphs(7, 9, 3).0.len()))
    });
    g.finish();
}

criterion_group!(benches, per_spec, checked, space);
criterion_main!(benches);
