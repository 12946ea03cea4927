//! Measures the store on an archive (e.g. a converted full-size look-alike): opening (the
//! checks of `from_bytes` on bytes in memory; mapping adds one `mmap` call), the payload CRC,
//! `check()`, lookups by hash and by spec (the canonical index), and the 108-epoch scans.
//!
//! ```text
//! cargo run --release -p tnb-nb101-store --example nb101_measure -- ARCHIVE.tnb
//! ```

use std::time::Instant;

use tnb_nb101_store::{Metric, Nb101Store, spec};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: measure ARCHIVE")?;
    let t = Instant::now();
    let s = Nb101Store::open(&path)?;
    let read = t.elapsed();
    let data: &[u8] = s.bytes();
    let opens: Vec<f64> = (0..1000)
        .map(|_| {
            let t = Instant::now();
            let o = Nb101Store::from_bytes(data).unwrap();
            std::hint::black_box(o.cells());
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    println!(
        "{}: {} bytes, {} cells, {} runs, epochs {:?}, {} canonical",
        path,
        data.len(),
        s.cells(),
        s.runs(),
        s.valid_epochs(),
        s.counts().canon
    );
    println!(
        "read into memory {:.0} ms; open checks (from_bytes) median {:.1} µs",
        read.as_secs_f64() * 1e3,
        median(opens)
    );
    let t = Instant::now();
    s.verify_checksum()?;
    println!("payload CRC: {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    let cells = s.cells();
    let n = 1_000_000;
    let t = Instant::now();
    for i in 0..n {
        let h = s.hash(((i * 7919) % cells) as u32).unwrap();
        std::hint::black_box(s.row_of_hash(&h)?);
    }
    let cold = t.elapsed().as_secs_f64() * 1e9 / n as f64;
    // The same 1,000 hashes over and over: in cache, so the cost without memory latency.
    let hot: Vec<[u8; 16]> =
        (0..1000).map(|i| s.hash(((i * 7919) % cells) as u32).unwrap()).collect();
    let t = Instant::now();
    for i in 0..n {
        std::hint::black_box(s.row_of_hash(&hot[i % hot.len()])?);
    }
    let warm = t.elapsed().as_secs_f64() * 1e9 / n as f64;
    println!("row_of_hash: {cold:.0} ns (random hashes), {warm:.0} ns (in cache)");
    // Specs of stored cells, pruned and labelled as the API hands them over.
    let specs: Vec<(spec::Matrix, [i8; 8])> = (0..cells.min(100_000) as u32)
        .filter_map(|row| {
            let (n, bits) = s.adjacency(row).ok()?;
            let ops = s.operations(row).ok()?;
            let labels = spec::labels(ops)?;
            Some((spec::Matrix { n, bits }, labels))
        })
        .collect();
    let t = Instant::now();
    let mut found = 0;
    for (m, l) in &specs {
        found += s.row_of_spec(*m, &l[..m.n as usize])?.is_some() as usize;
    }
    println!(
        "row_of_spec (canonical key + index): {:.0} ns ({found} of {} found)",
        t.elapsed().as_secs_f64() * 1e9 / specs.len().max(1) as f64,
        specs.len()
    );
    if let Some(b) = s.budget_of_epochs(108) {
        let col = s.budget_column(b, Metric::FinalTestAccuracy)?;
        let offs = s.run_offsets(b)?;
        let max = median(
            (0..50)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(col.iter().copied().fold(f64::NEG_INFINITY, f64::max));
                    t.elapsed().as_secs_f64() * 1e3
                })
                .collect(),
        );
        let mean = median(
            (0..50)
                .map(|_| {
                    let t = Instant::now();
                    let base = offs[0] as usize;
                    let mut best = (f64::NEG_INFINITY, 0);
                    for (row, w) in offs.windows(2).enumerate() {
                        let r = &col[w[0] as usize - base..w[1] as usize - base];
                        if !r.is_empty() {
                            let m = r.iter().sum::<f64>() / r.len() as f64;
                            if m > best.0 {
                                best = (m, row);
                            }
                        }
                    }
                    std::hint::black_box(best);
                    t.elapsed().as_secs_f64() * 1e3
                })
                .collect(),
        );
        println!(
            "108 epochs, final test accuracy over {} runs: best run {max:.3} ms, best cell mean {mean:.3} ms",
            col.len()
        );
    }
    let t = Instant::now();
    s.check()?;
    println!("check(): {:.2} s", t.elapsed().as_secs_f64());
    Ok(())
}
