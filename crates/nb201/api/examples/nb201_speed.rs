//! Per-call times of the hot `NASBench201API` methods over an NB201 archive (the numbers of
//! issue 18's targets, in Rust: the Python binding adds its call overhead on top).
//!
//! `cargo run --release -p tnb-nb201-api --example nb201_speed -- ARCHIVE.tnb [ROUNDS [ONLY]]`
//! (`ONLY`: time only the lines whose label contains it, e.g. for a profiler). With
//! `NB201_WARM=1` the per-arch methods cycle over 8 archs only (their data stays in the CPU
//! caches) instead of all of them (each call then reads memory no recent call touched).
//!
//! Each method is called over every evaluated arch in turn (cycling), `ROUNDS` (default 5)
//! times; the median of the rounds' per-call averages is printed.

use std::time::Instant;

use tnb_nb201_api::{Arg, FindBestCache, FnDraw, Io, Nb201, PySum, Source, StoreSource};
use tnb_nb201_store::Archive;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: nb201_speed ARCHIVE.tnb [ROUNDS]")?;
    let rounds: usize = std::env::args().nth(2).map_or(Ok(5), |s| s.parse())?;
    let archive = Archive::open(&path)?;
    let src = StoreSource::new(&archive)?;
    let api = Nb201::new(&src, PySum::Plain, false);
    let mut archs: Vec<i64> = archive.evaluated_indexes()?.iter().collect();
    if std::env::var_os("NB201_WARM").is_some() {
        let few: Vec<i64> = archs.iter().copied().take(8).collect();
        archs = (0..archs.len()).map(|k| few[k % few.len()]).collect();
    }
    let names: Vec<String> = (0..archive.len())
        .map(|i| archive.meta_arch(i).map(|s| s.unwrap_or("").to_owned()))
        .collect::<Result<_, _>>()?;
    // `is_random=True` draws the first seed: the same work as passing that seed.
    let mut draw = FnDraw {
        choice: |s: &[i64]| Ok(s.first().copied().unwrap_or(0)),
        randint: |a: i64, _| Ok(a),
    };
    let mut print = |_: &str| {};
    let mut io = Io { draw: &mut draw, print: &mut print };
    let per_round = archs.len().min(20_000);
    let only = std::env::args().nth(3).unwrap_or_default();
    let mut time = |label: &str, n: usize, f: &mut dyn FnMut(usize, &mut Io<'_>) -> bool| {
        if !label.contains(only.as_str()) {
            return;
        }
        let mut ok = 0usize;
        let mut runs = Vec::new();
        for _ in 0..rounds {
            let t = Instant::now();
            for k in 0..n {
                ok += usize::from(std::hint::black_box(f(k, &mut io)));
            }
            runs.push(t.elapsed().as_secs_f64() * 1e9 / n as f64);
        }
        let m = median(runs);
        if m >= 1e4 {
            println!("{label:<48} {:>9.2} us/call  ({ok} ok)", m / 1e3);
        } else {
            println!("{label:<48} {m:>9.0} ns/call  ({ok} ok)");
        }
    };
    let ds = Arg::Str("cifar10-valid");
    for hp in ["12", "200"] {
        for (label, rnd) in [("True (first seed)", Arg::Bool(true)), ("False", Arg::Bool(false))] {
            time(&format!("get_more_info hp={hp} is_random={label}"), per_round, &mut |k, io| {
                let i = Arg::Int(archs[k]);
                api.get_more_info(i, ds, None, Some(Arg::Str(hp)), Some(rnd), io).is_ok()
            });
        }
        time(&format!("get_cost_info hp={hp}"), per_round, &mut |k, io| {
            api.get_cost_info(Arg::Int(archs[k]), ds, Some(Arg::Str(hp)), io).is_ok()
        });
        time(&format!("get_latency hp={hp}"), per_round, &mut |k, io| {
            api.get_latency(Arg::Int(archs[k]), ds, Some(Arg::Str(hp)), io).is_ok()
        });
    }
    time("query_index_by_arch (str)", names.len(), &mut |k, io| {
        api.query_index_by_arch(Arg::Str(&names[k]), None, io).is_ok()
    });
    for (hp, set) in [("12", "x-valid"), ("200", "x-valid"), ("200", "ori-test")] {
        time(&format!("find_best cifar10-valid {set} hp={hp} (no cache)"), 1, &mut |_, io| {
            api.find_best(ds, Arg::Str(set), None, None, Some(Arg::Str(hp)), None, io).is_ok()
        });
        // The Python object keeps a `FindBestCache` in its session: later calls only compare.
        let mut cache = FindBestCache::default();
        time(&format!("find_best cifar10-valid {set} hp={hp} (cached)"), 20, &mut |_, io| {
            let c = Some(&mut cache);
            api.find_best(ds, Arg::Str(set), None, None, Some(Arg::Str(hp)), c, io).is_ok()
        });
    }
    if let Some(m) = src.failure() {
        return Err(format!("the archive is corrupt: {m}").into());
    }
    Ok(())
}
