//! `tnb verify FILE [--source IN.pth]`: checks an archive, and optionally every value against
//! its source. Exit 0 ok, 1 mismatch, 2 bad input.

use std::io::Write;
use std::path::PathBuf;

use crate::archive;
use crate::fail::Fail;
use crate::shown;

/// Arguments of `tnb verify`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A .tnb archive.
    pub file: PathBuf,
    /// The .pth (or NAS-Bench-101 .tfrecord) it was converted from: compare every value, bit
    /// for bit.
    #[arg(long)]
    pub source: Option<PathBuf>,
}

/// Runs `tnb verify`.
pub fn run(args: Args) -> Result<(), Fail> {
    if crate::nb101::is_nb101_archive(&args.file) {
        return crate::nb101::verify::run(&args);
    }
    if crate::nb201::detect::is_nb201_archive(&args.file) {
        return crate::nb201::verify::run(&args);
    }
    let name = args.file.display();
    // Magic, version, header and payload checksums, rkyv validation, invariants.
    let store = archive::open(&args.file)?;
    // A full walk: every layout item and every string of the archive is used once.
    tnb_api::document(&store, &mut |_| Ok::<(), std::convert::Infallible>(()))
        .map_err(|e| Fail::Input(format!("{name}: {e}")))?;
    let mut out = std::io::stdout().lock();
    let Some(src) = args.source else {
        writeln!(out, "{}: ok (header, checksum, structure)", shown::path(&args.file))?;
        return Ok(());
    };
    let bytes = tnb_convert::read_file(&src).map_err(Fail::input)?;
    let doc = tnb_pth::load(&bytes).map_err(|e| Fail::input(format!("{}: {e}", src.display())))?;
    if store.header().source_size != bytes.len() as u64
        || store.header().source_sha256 != tnb_convert::sha256(&bytes)
    {
        return Err(Fail::Check(format!(
            "{name} was not converted from {} (size or SHA-256 differs)",
            src.display()
        )));
    }
    // The value walk, then every field of the payload against the converter's rebuild of the
    // source (best epochs, rankings, name tables, node ids, columns, layouts), so that nothing
    // the archive says about itself is trusted.
    tnb_verify::verify_source(&store, &doc)
        .map_err(|m| Fail::Check(format!("{name} differs from {}: {m}", src.display())))?;
    writeln!(
        out,
        "{}: ok, every value equals {} bit for bit, every structure equals the converter's rebuild of it",
        shown::path(&args.file),
        shown::path(&src)
    )?;
    Ok(())
}
