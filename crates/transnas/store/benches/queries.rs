//! Criterion benchmarks of the query API: the operations `tnb bench` reports, measured with
//! criterion's statistics.
//!
//! The archive is `$TNB_BENCH_ARCHIVE` when set (e.g. a converted full-size look-alike:
//! `tnb-synth /tmp/full.pth && tnb convert /tmp/full.pth /tmp/full.tnb`), else one converted
//! here from `data/transnas_small.pth`, so `cargo bench -p tnb-store` always runs. Architectures
//! are visited in a fixed pseudo-random order, as a search loop would.
#![forbid(unsafe_code)]
#![allow(missing_docs)] // criterion's macros generate undocumented items

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tnb_store::{ArchId, Store, Value};

fn store() -> (Store, Vec<u8>) {
    match std::env::var_os("TNB_BENCH_ARCHIVE") {
        Some(path) => {
            let bytes = std::fs::read(&path).expect("TNB_BENCH_ARCHIVE is not readable");
            (Store::copy_from(&bytes).expect("TNB_BENCH_ARCHIVE is not an archive"), bytes)
        }
        None => {
            let source = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../data/transnas_small.pth");
            let bytes = tnb_convert::convert_bytes(&std::fs::read(source).unwrap()).unwrap();
            (Store::copy_from(&bytes).unwrap(), bytes)
        }
    }
}

/// A fixed pseudo-random order of architectures.
fn order(store: &Store, len: usize) -> Vec<ArchId> {
    let mut rng = tnb_testrng::TestRng::new(0x7e57_a11c_e5ee_d5ed);
    (0..len).map(|_| store.arch_at(rng.below(store.len()) as i64).unwrap()).collect()
}

fn touch(v: Value<'_>) -> u64 {
    match v {
        Value::Float(x) => x.to_bits(),
        Value::Int(i) => i as u64,
        Value::Str(s) => s.len() as u64,
        _ => 1,
    }
}

fn queries(c: &mut Criterion) {
    let (store, bytes) = store();
    let archs = order(&store, 1 << 12);
    let names: Vec<&str> = archs.iter().map(|&a| store.arch_name(a).unwrap()).collect();
    let task = store.task("class_object").unwrap();
    let metric = store.metric(task, "valid_top1").unwrap();
    let info = store.info("inference_time").unwrap();
    let space = store.space("micro").unwrap();
    let n = archs.len();
    let mut i = 0usize;
    // n is a power of two: a mask, not a division (which costs as much as a query).
    let mut next = move || {
        i = (i + 1) & (n - 1);
        i
    };

    c.bench_function("open (header + validation, from bytes in memory)", |b| {
        let mut aligned = rkyv::util::AlignedVec::<16>::new();
        aligned.extend_from_slice(&bytes);
        b.iter(|| Store::from_bytes(black_box(aligned.as_slice())).map(|s| s.len()).unwrap())
    });
    c.bench_function("index2arch", |b| {
        b.iter(|| {
            let index = archs[next()].index() as i64;
            store.arch_name(store.arch_at(black_box(index)).unwrap()).unwrap().len()
        })
    });
    c.bench_function("arch2index", |b| b.iter(|| store.arch_index(black_box(names[next()]))));
    c.bench_function("get_single_metric best, by names", |b| {
        b.iter(|| {
            touch(store.best_value(black_box(names[next()]), "class_object", "valid_top1").unwrap())
        })
    });
    c.bench_function("get_single_metric best, by handles", |b| {
        b.iter(|| touch(store.best_value(black_box(archs[next()]), task, metric).unwrap()))
    });
    c.bench_function("get_single_metric list, by handles", |b| {
        b.iter(|| {
            store.values(black_box(archs[next()]), task, metric).unwrap().map(touch).sum::<u64>()
        })
    });
    c.bench_function("get_model_info, by handles", |b| {
        b.iter(|| touch(store.model_info(black_box(archs[next()]), task, info).unwrap()))
    });
    c.bench_function("get_epoch_status, by handles", |b| {
        b.iter(|| {
            let st = store.epoch_status(black_box(archs[next()]), task, -1).unwrap();
            st.iter().map(|(_, v)| touch(v)).sum::<u64>()
        })
    });
    c.bench_function("get_best_archs topk=10, by handles", |b| {
        b.iter(|| {
            let ranking = store.best_archs(task, metric, black_box(space)).unwrap();
            ranking.take(10).map(|r| touch(r.unwrap().0)).sum::<u64>()
        })
    });
}

criterion_group!(benches, queries);
criterion_main!(benches);
