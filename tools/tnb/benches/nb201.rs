//! Criterion benchmarks of the NAS-Bench-201 hot queries: the store's typed reads and the
//! official API's methods over the store (`tnb_nb201_api::Nb201` over `StoreSource`, as `tnb
//! batch`, `show`, `best` and `bench` use them), with criterion's statistics.
//!
//! The archive is `$TNB_NB201_ARCHIVE` when set (e.g. the full-size look-alike converted with
//! `tnb convert full_v1_1.pth full_v1_1.tnb`), else one converted here from
//! `data/nb201_v1_1_small.pth`, so `cargo bench -p tnb --bench nb201` always runs. Sized for a
//! 2-core machine shared with other work: 20 samples of 2 s after a 1 s warm-up per query.
//! Architectures are visited in a fixed pseudo-random order, as a search loop would.
#![forbid(unsafe_code)]
#![allow(missing_docs)] // criterion's macros generate undocumented items

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use tnb_nb201_api::{Arg, FindBestCache, Io, Nb201, NoDraw, PySum, Source, StoreSource, Value};
use tnb_nb201_store::{Archive, Hp};

/// Converts `src` to `dst` in process, as `tnb convert` does (without the progress bar).
fn convert(src: &Path, dst: &Path) {
    let limits = tnb_pth::StreamLimits::default();
    let scan = tnb_pth::stream_scan(src, &limits, &mut |_, _| {}).expect("scan");
    let size = std::fs::metadata(src).unwrap().len();
    let accept = |_: &Path| Ok(());
    tnb_nb201_convert::write_file(dst, tnb_nb201_convert::Family::Nb201, &accept, |conv| {
        let mut on =
            |k: tnb_pth::Obj, v: tnb_pth::Obj| conv.entry(&k, &v).map_err(|e| e.to_string());
        let top = tnb_pth::stream_load(src, &scan, "arch2infos", &limits, &mut on, &mut |_, _| {})
            .map_err(|e| tnb_nb201_convert::Error::Source(e.to_string()))?;
        Ok(tnb_nb201_convert::Fed { top, source_size: size, source_sha256: [0; 32] })
    })
    .expect("convert");
}

fn archive_path() -> PathBuf {
    if let Some(p) = std::env::var_os("TNB_NB201_ARCHIVE") {
        return PathBuf::from(p);
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/nb201_v1_1_small.pth");
    let dst = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench_nb201_small.tnb");
    convert(&src, &dst);
    dst
}

fn touch(v: &Result<Value<'_>, tnb_nb201_api::ApiError>) -> u64 {
    match v {
        Ok(Value::Float(x) | Value::F64(x)) => x.to_bits(),
        Ok(Value::Int(i)) => *i as u64,
        Ok(Value::Dict(d)) => d.len() as u64,
        Ok(Value::Tuple(t)) => t.len() as u64,
        Ok(_) => 1,
        Err(_) => 2,
    }
}

fn queries(c: &mut Criterion) {
    let path = archive_path();
    let archive = Archive::open(&path).expect("archive");
    let src = StoreSource::new(&archive).expect("source");
    let nb = Nb201::new(&src, PySum::default(), false);
    let n = src.evaluated_len();
    let mut rng = tnb_testrng::TestRng::new(0x201b_e4c4_5eed_0002);
    let order: Vec<i64> = (0..1 << 12).map(|_| src.evaluated(rng.below(n))).collect();
    let names: Vec<String> =
        order.iter().map(|&i| src.meta_arch(i as usize).unwrap_or("").to_owned()).collect();
    let mask = order.len() - 1;
    let mut k = 0usize;
    let mut next = move || {
        k = (k + 1) & mask;
        k
    };
    let mut draw = NoDraw;
    let mut print = |_: &str| {};
    let mut io = Io { draw: &mut draw, print: &mut print };
    let dataset = Arg::Str("cifar10-valid");
    let hp = Some(Arg::Str("12"));

    c.bench_function("nb201 open (bytes in memory: header, trailer, validation)", |b| {
        b.iter(|| Archive::from_bytes(black_box(archive.bytes())).map(|a| a.len()).unwrap())
    });
    c.bench_function("nb201 store arch_index", |b| {
        b.iter(|| archive.arch_index(black_box(&names[next()])).unwrap())
    });
    c.bench_function("nb201 store x-valid@11 of the first seed", |b| {
        b.iter(|| {
            let r = archive.arch_results(order[next()], Hp::Less).unwrap().unwrap();
            let run = r.run(0).unwrap().unwrap();
            run.eval_acc1es().unwrap().get_str("x-valid@11").unwrap().map(|x| x.bits())
        })
    });
    c.bench_function("nb201 api query_index_by_arch", |b| {
        b.iter(|| touch(&nb.query_index_by_arch(Arg::Str(&names[next()]), None, &mut io)))
    });
    c.bench_function("nb201 api get_more_info (is_random=False)", |b| {
        b.iter(|| {
            let i = Arg::Int(order[next()]);
            touch(&nb.get_more_info(i, dataset, None, hp, Some(Arg::Bool(false)), &mut io))
        })
    });
    c.bench_function("nb201 api get_cost_info", |b| {
        b.iter(|| touch(&nb.get_cost_info(Arg::Int(order[next()]), dataset, hp, &mut io)))
    });
    c.bench_function("nb201 api get_latency", |b| {
        b.iter(|| touch(&nb.get_latency(Arg::Int(order[next()]), dataset, hp, &mut io)))
    });
    c.bench_function("nb201 api find_best (all evaluated archs)", |b| {
        b.iter(|| touch(&nb.find_best(dataset, Arg::Str("x-valid"), None, None, hp, None, &mut io)))
    });
    let mut cache = FindBestCache::default();
    c.bench_function("nb201 api find_best (session cache)", |b| {
        b.iter(|| {
            let c = Some(&mut cache);
            touch(&nb.find_best(dataset, Arg::Str("x-valid"), None, None, hp, c, &mut io))
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    targets = queries
}
criterion_main!(benches);
