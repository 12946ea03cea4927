//! Converts a NAS-Bench-101 TFRecord file into an archive (what `tnb convert` does, without
//! the CLI), printing the summary and the time; for measuring with `/usr/bin/time -v`.
//!
//! ```sh
//! cargo run --release -p tnb-nb101-convert --example nb101_convert -- /tmp/full.tfrecord /tmp/full.tnb
//! ```

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(src), Some(dst)) = (args.next(), args.next()) else {
        return Err("usage: nb101_convert SRC DST".into());
    };
    let t = std::time::Instant::now();
    let s = tnb_nb101_convert::convert(src.as_ref(), dst.as_ref(), |_, _| {})?;
    println!(
        "{} records, {} cells, epochs {:?}, {} canonical, {} -> {} bytes ({:.3}x), {:.2?}",
        s.records,
        s.cells,
        s.valid_epochs,
        s.canonical,
        s.source_size,
        s.bytes,
        s.bytes as f64 / s.source_size.max(1) as f64,
        t.elapsed()
    );
    Ok(())
}
