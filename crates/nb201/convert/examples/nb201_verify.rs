//! Converts a `.pth` again in memory-bounded streaming mode and compares the payload byte for
//! byte with an archive's (what `tnb verify --source` does), reporting the time.
//!
//! `cargo run --release -p tnb-nb201-convert --example nb201_verify -- SRC.pth ARCHIVE.tnb`

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, src, archive] = args.as_slice() else {
        return Err("usage: nb201_verify SRC.pth ARCHIVE.tnb".into());
    };
    let a = tnb_nb201_store::Archive::open(archive)?;
    a.verify_checksum()?;
    let t = Instant::now();
    let diff = tnb_nb201_convert::compare_source(
        src.as_ref(),
        a.payload(),
        &tnb_pth::StreamLimits::default(),
        &mut |_, _| {},
    )?;
    println!("compare_source: {diff:?} (None = identical) in {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}
