//! `tnb bench FILE.tnb` of a NAS-Bench-101 archive: open time, per-call medians of the hot
//! calls through `tnb_nb101_api` (as `tnb batch` and the Python class make them), the best
//! mean test accuracy over all cells at 108 epochs, and peak RSS, measured on this machine.
//!
//! Each timing is a round of many calls over cells in a fixed pseudo-random order (the same on
//! every run), divided by the number of calls; each figure is the median of `--runs` rounds.

use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

use tnb_nb101_api::{Arg, Fixed, NasBench, Source, Spec, StoreSource};
use tnb_nb101_spec::Matrix;
use tnb_nb101_store::{Metric, Nb101Store};

use crate::cmd::bench::{Args, median_of, peak_rss};
use crate::cmd::bench_archive::per_call;
use crate::fail::Fail;
use crate::shown;

/// Cells in the precomputed order.
const ORDER: usize = 1 << 12;

/// Calls per round of a cheap query.
const CALLS: usize = 20_000;

/// Runs the NB101 archive benchmark.
pub fn run(args: &Args) -> Result<(), Fail> {
    let name = shown::path(&args.file);
    let runs = args.runs.max(1);
    let bad = |e: tnb_nb101_store::OpenError| Fail::input(format!("{name}: {e}"));
    let read_open = median_of(runs.min(3), || Nb101Store::open(&args.file).map(|s| s.cells()).ok());
    let store = crate::nb101::open(&args.file)?;
    let bytes = store.bytes();
    let open_us = {
        let mut times: Vec<Duration> = (0..51)
            .map(|_| {
                let t = Instant::now();
                let s = Nb101Store::from_bytes(bytes);
                let d = t.elapsed();
                black_box(s.map(|s| s.cells()).map_err(bad)).ok();
                d
            })
            .collect();
        times.sort();
        times[times.len() / 2].as_secs_f64() * 1e6
    };
    let src = StoreSource::new(&store);
    let n = src.cells();
    if n == 0 {
        return Err(Fail::input(format!("{name}: the archive has no cells")));
    }
    let mut rng = tnb_testrng::TestRng::new(0x101b_e4c4_5eed_0001);
    let rows: Vec<u32> = (0..ORDER).map(|_| rng.below(n) as u32).collect();
    let hashes: Vec<String> = rows.iter().map(|&r| crate::nb101::hex(&src.hash(r))).collect();
    // Each cell's own (pruned) matrix and ops, as a caller's spec.
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
    let mask = ORDER - 1;
    let epochs = src.valid_epochs().first().copied().unwrap_or(108);
    let e108 = if src.valid_epochs().contains(&108) { 108 } else { epochs };
    let mut nb = NasBench::new(&src);
    let mut draw = Fixed(0);
    // The key a query looks a spec up by (the checks, pruning and the canonical key), and the
    // official MD5 hash (what a miss of the canonical index and `hash_spec` compute).
    let spec_key_ns = per_call(runs, CALLS, |k| {
        let (m, o) = &cells[k & mask];
        tnb_nb101_spec::check_matrix(*m, o).map(|c| c.key()).unwrap_or(0)
    });
    let hash_spec_ns = per_call(runs, CALLS / 10, |k| {
        let (m, o) = &cells[k & mask];
        tnb_nb101_spec::check_matrix(*m, o).map(|c| c.hash()[0]).unwrap_or(0) as u64
    });
    let query_matrix_ns = per_call(runs, CALLS, |k| {
        let (m, o) = &cells[k & mask];
        nb.query_matrix(*m, o, e108, false, &mut draw).map(|d| d.metrics[3].to_bits()).unwrap_or(1)
    });
    let query_ns = per_call(runs, CALLS, |k| {
        let v = nb.query(&specs[k & mask], Arg::Int(e108), false, &mut draw);
        v.map(|v| matches!(v, tnb_nb101_api::Value::Dict(_)) as u64).unwrap_or(2)
    });
    let get_metrics_ns = per_call(runs, CALLS, |k| {
        let v = nb.get_metrics_from_hash(Arg::Str(&hashes[k & mask]));
        v.map(|v| matches!(v, tnb_nb101_api::Value::Tuple(_)) as u64).unwrap_or(2)
    });
    let best_us = match store.budget_of_epochs(e108) {
        Some(b) => {
            per_call(runs, 20, |_| {
                let best = crate::nb101::best::top(&store, b, Metric::FinalTestAccuracy, 1);
                best.map(|v| v.first().map_or(0, |x| x.0 as u64)).unwrap_or(0)
            }) / 1e3
        }
        None => f64::NAN,
    };
    crate::nb101::read_failure(&src, &args.file)?;
    let rss = peak_rss().unwrap_or(0);
    let read_open_ms = read_open.as_secs_f64() * 1e3;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{{\"family\": \"{}\", \"file_bytes\": {}, \"cells\": {n}, \"runs\": {}, \
             \"open_us\": {open_us:.3}, \"read_open_ms\": {read_open_ms:.3}, \
             \"spec_key_ns\": {spec_key_ns:.1}, \"hash_spec_ns\": {hash_spec_ns:.1}, \"query_matrix_ns\": {query_matrix_ns:.1}, \
             \"query_ns\": {query_ns:.1}, \"get_metrics_from_hash_ns\": {get_metrics_ns:.1}, \
             \"best_{e108}_us\": {best_us:.3}, \"peak_rss_bytes\": {rss}}}",
            crate::nb101::NAME,
            bytes.len(),
            store.runs()
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{name}: {} archive, {} bytes, {n} cells, {} runs; medians of {runs} rounds",
        crate::nb101::NAME,
        bytes.len(),
        store.runs()
    )?;
    writeln!(out, "  open (bytes in memory)                {open_us:>10.1} us")?;
    writeln!(out, "  read file + open                      {read_open_ms:>10.1} ms")?;
    writeln!(out, "  spec key (check + canonical key)      {spec_key_ns:>10.1} ns")?;
    writeln!(out, "  hash of a spec (check + hash_module)  {hash_spec_ns:>10.1} ns")?;
    writeln!(out, "  query (matrix + ops, typed answer)    {query_matrix_ns:>10.1} ns")?;
    writeln!(out, "  query (ModelSpec, dict answer)        {query_ns:>10.1} ns")?;
    writeln!(out, "  get_metrics_from_hash                 {get_metrics_ns:>10.1} ns")?;
    writeln!(out, "  best mean test accuracy at {e108:<3}        {best_us:>10.1} us")?;
    writeln!(out, "  peak RSS                              {:>10.1} MB", rss as f64 / 1e6)?;
    Ok(())
}
