//! `tnb bench` of a NAS-Bench-201 archive: open time, per-call medians of the hot queries of
//! the official API (through `tnb_nb201_api` over the store, as `tnb batch` and the Python
//! class call them), and peak RSS, measured on this machine.
//!
//! Each timing is a round of many calls over architectures in a fixed pseudo-random order (the
//! same on every run), divided by the number of calls; each figure is the median of `--runs`
//! rounds. `open_us` is what opening costs once the bytes are in memory (a warm page cache or a
//! map): header, trailer, root validation and table checks; `read_open_ms` adds reading the
//! file.

use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

use tnb_nb201_api::{Arg, FindBestCache, Io, NoDraw, Source, Value};
use tnb_nb201_store::Archive;

use crate::cmd::bench::{Args, median_of, peak_rss};
use crate::cmd::bench_archive::per_call;
use crate::fail::Fail;
use crate::shown;

/// Architectures in the precomputed order.
const ORDER: usize = 1 << 12;

/// Calls per round of a cheap query.
const CALLS: usize = 20_000;

/// A number that depends on an answer, so that the optimiser must compute it.
fn touch(v: &Result<Value<'_>, tnb_nb201_api::ApiError>) -> u64 {
    match v {
        Ok(Value::Float(x) | Value::F64(x)) => x.to_bits(),
        Ok(Value::Int(i)) => *i as u64,
        Ok(Value::Str(s)) => s.len() as u64,
        Ok(Value::Dict(d)) => d.len() as u64,
        Ok(Value::Tuple(t)) => t.len() as u64,
        Ok(_) => 1,
        Err(_) => 2,
    }
}

/// Runs the NB201 archive benchmark.
pub fn run(args: &Args) -> Result<(), Fail> {
    let name = shown::path(&args.file);
    let bad = |e: tnb_nb201_store::OpenError| Fail::input(format!("{name}: {e}"));
    let runs = args.runs.max(1);
    let read_open = median_of(runs.min(3), || Archive::open(&args.file).map(|a| a.len()).ok());
    let archive = Archive::open(&args.file).map_err(bad)?;
    let bytes = archive.bytes();
    let open_us = {
        drop(Archive::from_bytes(bytes).map_err(bad)?); // warm
        let mut times: Vec<Duration> = (0..51)
            .map(|_| {
                let t = Instant::now();
                let a = Archive::from_bytes(bytes);
                let d = t.elapsed();
                black_box(a.is_ok());
                d
            })
            .collect();
        times.sort();
        times[times.len() / 2].as_secs_f64() * 1e6
    };
    let src = crate::nb201::source_of(&archive, &args.file)?;
    let nb = crate::nb201::api_of(&archive, &src);
    let n = src.evaluated_len();
    if n == 0 {
        return Err(Fail::input(format!("{name}: the archive has no evaluated architectures")));
    }
    // A fixed pseudo-random order over the evaluated archs.
    let mut rng = tnb_testrng::TestRng::new(0x201b_e4c4_5eed_0001);
    let order: Vec<i64> = (0..ORDER).map(|_| src.evaluated(rng.below(n))).collect();
    let names: Vec<String> = order
        .iter()
        .map(|&i| usize::try_from(i).ok().and_then(|i| src.meta_arch(i)).unwrap_or("").to_owned())
        .collect();
    let mask = ORDER - 1;
    let mut draw = NoDraw;
    let mut print = |_: &str| {};
    let mut io = Io { draw: &mut draw, print: &mut print };
    let dataset = Arg::Str("cifar10-valid");
    let hp = Some(Arg::Str("12"));
    let query_index_by_arch_ns = per_call(runs, CALLS, |k| {
        touch(&nb.query_index_by_arch(Arg::Str(&names[k & mask]), None, &mut io))
    });
    let get_more_info_ns = per_call(runs, CALLS, |k| {
        let i = Arg::Int(order[k & mask]);
        touch(&nb.get_more_info(i, dataset, None, hp, Some(Arg::Bool(false)), &mut io))
    });
    let get_cost_info_ns = per_call(runs, CALLS, |k| {
        touch(&nb.get_cost_info(Arg::Int(order[k & mask]), dataset, hp, &mut io))
    });
    let get_latency_ns = per_call(runs, CALLS, |k| {
        touch(&nb.get_latency(Arg::Int(order[k & mask]), dataset, hp, &mut io))
    });
    // Once over every arch (what `tnb best` does), and repeated within a session, whose cache
    // keeps the per-arch values (what `tnb batch` and the Python object do).
    let find_best_us = per_call(runs, 3, |_| {
        touch(&nb.find_best(dataset, Arg::Str("x-valid"), None, None, hp, None, &mut io))
    }) / 1e3;
    let mut cache = FindBestCache::default();
    let find_best_cached_us = per_call(runs, 200, |_| {
        let c = Some(&mut cache);
        touch(&nb.find_best(dataset, Arg::Str("x-valid"), None, None, hp, c, &mut io))
    }) / 1e3;
    crate::nb201::read_failure(&src, &args.file)?;
    let rss = peak_rss().unwrap_or(0);
    let read_open_ms = read_open.as_secs_f64() * 1e3;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{{\"family\": \"{}\", \"file_bytes\": {}, \"archs\": {}, \"evaluated\": {n}, \
             \"open_us\": {open_us:.3}, \"read_open_ms\": {read_open_ms:.3}, \
             \"query_index_by_arch_ns\": {query_index_by_arch_ns:.1}, \
             \"get_more_info_ns\": {get_more_info_ns:.1}, \"get_cost_info_ns\": \
             {get_cost_info_ns:.1}, \"get_latency_ns\": {get_latency_ns:.1}, \
             \"find_best_us\": {find_best_us:.3}, \"find_best_cached_us\": \
             {find_best_cached_us:.3}, \"peak_rss_bytes\": {rss}}}",
            crate::nb201::name_of(&archive),
            bytes.len(),
            nb.len()
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{name}: {} archive, {} bytes, {} archs ({n} evaluated); medians of {runs} rounds",
        crate::nb201::name_of(&archive),
        bytes.len(),
        nb.len()
    )?;
    writeln!(out, "  open (bytes in memory)           {open_us:>10.1} us")?;
    writeln!(out, "  read file + open                 {read_open_ms:>10.1} ms")?;
    writeln!(out, "  query_index_by_arch              {query_index_by_arch_ns:>10.1} ns")?;
    writeln!(out, "  get_more_info (is_random=False)  {get_more_info_ns:>10.1} ns")?;
    writeln!(out, "  get_cost_info                    {get_cost_info_ns:>10.1} ns")?;
    writeln!(out, "  get_latency                      {get_latency_ns:>10.1} ns")?;
    writeln!(out, "  find_best (all evaluated archs)  {find_best_us:>10.1} us")?;
    writeln!(out, "  find_best again (session cache)  {find_best_cached_us:>10.1} us")?;
    writeln!(out, "  peak RSS                         {:>10.1} MB", rss as f64 / 1e6)?;
    Ok(())
}

/// `tnb bench` of a NAS-Bench-201 `.pth`: the stream reader's two passes (pass 1 already done
/// by the detection, timed again here), entries counted and dropped, and the peak RSS.
pub fn run_source(args: &Args) -> Result<bool, Fail> {
    let name = shown::path(&args.file);
    let size = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    let mut bar = crate::nb201::progress::Passes::new(size, 1, true);
    let Some(scan) = crate::nb201::detect::scan_source(&args.file, &mut bar)? else {
        return Ok(false);
    };
    let limits = tnb_pth::StreamLimits::default();
    let runs = args.runs.clamp(1, 3);
    let bad = |e: tnb_pth::Error| Fail::input(format!("{name}: {e}"));
    let mut scan_times = Vec::new();
    let mut load_times = Vec::new();
    let mut entries = 0u64;
    for _ in 0..runs {
        let t = Instant::now();
        black_box(tnb_pth::stream_scan(&args.file, &limits, &mut |_, _| {}).map_err(bad)?);
        scan_times.push(t.elapsed());
        let t = Instant::now();
        entries = 0;
        let mut count = |k: tnb_pth::Obj, v: tnb_pth::Obj| {
            black_box((k, v));
            entries += 1;
            Ok(())
        };
        let split = crate::nb201::source::SPLIT_KEY;
        tnb_pth::stream_load(&args.file, &scan, split, &limits, &mut count, &mut |_, _| {})
            .map_err(bad)?;
        load_times.push(t.elapsed());
    }
    scan_times.sort();
    load_times.sort();
    let (scan_s, load_s) = (scan_times[runs / 2].as_secs_f64(), load_times[runs / 2].as_secs_f64());
    let rss = peak_rss().unwrap_or(0);
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{{\"family\": \"{}\", \"file_bytes\": {size}, \"entries\": {entries}, \
             \"scan_ms\": {:.3}, \"load_ms\": {:.3}, \"peak_rss_bytes\": {rss}}}",
            crate::nb201::NAME,
            scan_s * 1e3,
            load_s * 1e3
        )?;
        return Ok(true);
    }
    writeln!(
        out,
        "{name}: {} source, {size} bytes, {entries} arch2infos entries; medians of {runs}",
        crate::nb201::NAME
    )?;
    writeln!(out, "  pass 1 (scan)                    {:>10.2} s", scan_s)?;
    writeln!(out, "  pass 2 (decode, entries dropped) {:>10.2} s", load_s)?;
    writeln!(out, "  peak RSS                         {:>10.1} MB", rss as f64 / 1e6)?;
    Ok(true)
}
