//! The store at NAS-Bench-101's full size, without a source file: 423,624 cells with random
//! hashes × budgets {108, 4, 12, 36} (or only 108) × 3 repeats pushed into the Builder, then the
//! archive's size, the open time, hash lookups and the "best mean final test accuracy at 108
//! epochs" scan.
//!
//! ```text
//! cargo run --release -p tnb-nb101-store --example nb101_scale -- full      # 5,083,488 records
//! cargo run --release -p tnb-nb101-store --example nb101_scale -- only108   # 1,270,872 records
//! ```
//! Peak RSS is the process's VmHWM (Linux).

use std::time::Instant;

use tnb_nb101_store::{Builder, Metric, Nb101Store, Provenance, RecordIn};
use tnb_testrng::TestRng;

const CELLS: usize = 423_624;

fn peak_rss_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = s
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let full = std::env::args().nth(1).as_deref() != Some("only108");
    let epochs: &[i64] = if full { &[108, 4, 12, 36] } else { &[108] };
    let mut rng = TestRng::new(1);
    let hashes: Vec<[u8; 16]> = (0..CELLS)
        .map(|_| {
            let mut h = [0u8; 16];
            h[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
            h[8..].copy_from_slice(&rng.next_u64().to_le_bytes());
            h
        })
        .collect();
    let ops = "input,conv3x3-bn-relu,conv1x1-bn-relu,maxpool3x3,conv3x3-bn-relu,output";
    let t = Instant::now();
    let mut b = Builder::new();
    let records = CELLS * epochs.len() * 3;
    b.reserve(records);
    // The real files' order is unknown: by cell, each cell's budgets and repeats together.
    for h in &hashes {
        for &e in epochs {
            for _ in 0..3 {
                let f = rng.f64() as f32 as f64;
                b.push(&RecordIn {
                    hash: *h,
                    epochs: e,
                    n: 6,
                    adjacency: 0b000000_100000_010000_001000_000100_000010,
                    operations: ops,
                    trainable_parameters: 2_694_282,
                    halfway: [f * 900.0, f, f * 0.9, f * 0.89],
                    final_: [f * 1800.0, f, f * 0.95, f * 0.94],
                })?;
            }
        }
    }
    let pushed = t.elapsed();
    let bytes = b.finish(&Provenance::new(0, [0; 32]))?;
    let built = t.elapsed();
    // The real files' record is ~385 bytes (1.95 GB / 5.08 M); their sizes from the README.
    let source = if full { 1.95e9 } else { 499e6 };
    println!(
        "{} records: push {:.2} s, finish {:.2} s, peak RSS {:.0} MB, archive {:.1} MB = {:.3} x the source",
        records,
        pushed.as_secs_f64(),
        (built - pushed).as_secs_f64(),
        peak_rss_mb(),
        bytes.len() as f64 / 1e6,
        bytes.len() as f64 / source
    );
    let mut aligned = rkyv::util::AlignedVec::<16>::with_capacity(bytes.len());
    aligned.extend_from_slice(&bytes);
    drop(bytes);
    let data: &[u8] = &aligned;
    let opens: Vec<f64> = (0..200)
        .map(|_| {
            let t = Instant::now();
            let s = Nb101Store::from_bytes(data).unwrap();
            std::hint::black_box(s.cells());
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    let s = Nb101Store::from_bytes(data)?;
    println!(
        "open (header + section table + bounds, bytes in memory): median {:.1} µs",
        median(opens)
    );
    let t = Instant::now();
    let n = 1_000_000;
    let mut found = 0;
    for i in 0..n {
        let h = &hashes[(i * 7919) % CELLS];
        found += s.row_of_hash(h)?.is_some() as usize;
    }
    println!(
        "row_of_hash: {:.0} ns per lookup ({found} found)",
        t.elapsed().as_secs_f64() * 1e9 / n as f64
    );
    let b108 = s.budget_of_epochs(108).ok_or("no 108")?;
    let scans: Vec<f64> = (0..20)
        .map(|_| {
            let t = Instant::now();
            let col = s.budget_column(b108, Metric::FinalTestAccuracy).unwrap();
            let offs = s.run_offsets(b108).unwrap();
            let base = offs[0] as usize;
            let (mut best, mut best_row) = (f64::NEG_INFINITY, 0);
            for (row, w) in offs.windows(2).enumerate() {
                let (a, z) = (w[0] as usize - base, w[1] as usize - base);
                if a < z {
                    let mean = col[a..z].iter().sum::<f64>() / (z - a) as f64;
                    if mean > best {
                        best = mean;
                        best_row = row;
                    }
                }
            }
            std::hint::black_box((best, best_row));
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    println!(
        "best mean final test accuracy at 108 epochs over {} cells: median {:.3} ms",
        s.cells(),
        median(scans)
    );
    let maxes: Vec<f64> = (0..20)
        .map(|_| {
            let t = Instant::now();
            let col = s.budget_column(b108, Metric::FinalTestAccuracy).unwrap();
            let best = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            std::hint::black_box(best);
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    println!(
        "best single-run final test accuracy at 108 epochs ({} runs): median {:.3} ms",
        s.budget_runs(b108)?.len(),
        median(maxes)
    );
    let t = Instant::now();
    s.check()?;
    println!("check(): {:.2} s", t.elapsed().as_secs_f64());
    Ok(())
}
