//! `tnb dump FILE`: the whole object as one JSON document.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use tnb_pth::JsonError;

use crate::fail::Fail;
use crate::input;

/// Arguments of `tnb dump`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A .pth file (zip or legacy), a bare pickle, or a .tnb archive (detected by content).
    pub file: PathBuf,
}

/// Runs `tnb dump`.
pub fn run(args: Args) -> Result<(), Fail> {
    let bytes = input::read(&args.file)?;
    let doc =
        tnb_pth::load(&bytes).map_err(|e| Fail::input(format!("{}: {e}", args.file.display())))?;
    let stdout = std::io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 16, stdout);
    tnb_pth::write_json(&doc, &mut out).map_err(|e| match e {
        JsonError::Io(e) => Fail::from(e),
        other => Fail::input(format!("{}: {other}", args.file.display())),
    })?;
    out.flush()?;
    Ok(())
}
