//! Decodes every record of a NAS-Bench-101 TFRecord file through the converter's pipeline
//! without building an archive (the reading half of `tnb convert`, for measuring it).
//!
//! ```sh
//! cargo run --release -p tnb-nb101-convert --example nb101_scan -- /tmp/full.tfrecord
//! ```

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let src = std::env::args().nth(1).ok_or("usage: nb101_scan FILE")?;
    let t = std::time::Instant::now();
    let s = tnb_nb101_convert::scan_file(src.as_ref(), |_, _| {})?;
    let sha: String = s.sha256.iter().map(|b| format!("{b:02x}")).collect();
    println!("{} records, {} bytes, sha256 {sha}, {:.2?}", s.records, s.size, t.elapsed());
    Ok(())
}
