//! Converts a NAS-Bench-201 `.pth` into an NB201 archive by streaming, then opens it and reports
//! sizes and times (the numbers of the report; the CLI's `tnb convert` is the real tool).
//!
//! `cargo run --release -p tnb-nb201-convert --example nb201_convert -- SRC.pth DST.tnb`

use std::path::Path;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, src, dst] = args.as_slice() else {
        return Err("usage: nb201_convert SRC.pth DST.tnb".into());
    };
    let opens = |p: &Path| tnb_nb201_store::Archive::open(p).map(drop).map_err(|e| e.to_string());
    let t = Instant::now();
    let s = tnb_nb201_convert::convert_file(
        Path::new(src),
        Path::new(dst),
        &tnb_pth::StreamLimits::default(),
        &mut |_, _, _| {},
        &opens,
    )?;
    let wall = t.elapsed();
    println!(
        "source {} bytes -> archive {} bytes ({:.3}x) in {:.1} s",
        s.source_size,
        s.archive_size,
        s.archive_size as f64 / s.source_size as f64,
        wall.as_secs_f64()
    );
    for (p, d) in &s.timings {
        println!("  {p:?}: {:.1} s", d.as_secs_f64());
    }
    println!("  {:?}", s.stats);
    // Open: the file read once, then `from_bytes` timed (header, trailer, rkyv validation,
    // table checks: everything open does but the read or map), best of 20.
    let t = Instant::now();
    let a = tnb_nb201_store::Archive::open(dst)?;
    println!("Archive::open (reads {} bytes): {:.2} s", a.bytes().len(), t.elapsed().as_secs_f64());
    let mut best = f64::MAX;
    for _ in 0..20 {
        let t = Instant::now();
        let b = tnb_nb201_store::Archive::from_bytes(a.bytes())?;
        best = best.min(t.elapsed().as_secs_f64());
        std::hint::black_box(b.len());
    }
    println!("from_bytes (header + trailer + rkyv validation + checks): best {:.1} us", best * 1e6);
    Ok(())
}
