//! Criterion benchmark of a call by method name (what `tnb batch` and the Python package pay
//! on top of the typed query): binding, checks, and the answer written as JSON.
//!
//! The archive is `$TNB_BENCH_ARCHIVE` when set (e.g. a converted full-size look-alike), else
//! one converted here from `data/transnas_small.pth`.
#![forbid(unsafe_code)]
#![allow(missing_docs)] // criterion's macros generate undocumented items

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tnb_api::{Arg, JsonSink, call};
use tnb_store::Store;

fn store() -> Store {
    let bytes = match std::env::var_os("TNB_BENCH_ARCHIVE") {
        Some(path) => std::fs::read(&path).expect("TNB_BENCH_ARCHIVE is not readable"),
        None => {
            let source = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../data/transnas_small.pth");
            tnb_convert::convert_bytes(&std::fs::read(source).unwrap()).unwrap()
        }
    };
    Store::copy_from(&bytes).expect("not an archive")
}

fn calls(c: &mut Criterion) {
    let store = store();
    let names: Vec<&str> = store.archs().map(|a| store.arch_name(a).unwrap()).collect();
    let mut i = 0usize;
    c.bench_function("call get_single_metric best, JSON out", |b| {
        let mut out = Vec::with_capacity(64);
        b.iter(|| {
            out.clear();
            i = (i + 7919) % names.len();
            let mut sink = JsonSink::new(&mut out);
            let args = [Arg::Str(names[i]), Arg::Str("class_object"), Arg::Str("valid_top1")];
            call(&store, "get_single_metric", black_box(&args), &[], &mut |e| sink.event(e))
                .unwrap();
            out.len()
        })
    });
}

criterion_group!(benches, calls);
criterion_main!(benches);
