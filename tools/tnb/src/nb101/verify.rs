//! `tnb verify` of a NAS-Bench-101 archive: the open checks, the payload checksum and every
//! structure (`Nb101Store::check`); with `--source`, the TFRecord file converted again in
//! memory and compared with the archive byte for byte (provenance first), so that passing
//! proves every answer equals the source's. Exit 1 when a check fails, 2 on unreadable input.

use std::io::Write;

use tnb_nb101_store::Nb101Store;

use crate::cmd::verify::Args;
use crate::fail::Fail;
use crate::nb201::progress::Passes;
use crate::shown;

/// Runs `tnb verify` on an NB101 archive.
pub fn run(args: &Args) -> Result<(), Fail> {
    let name = args.file.display();
    let s = match Nb101Store::open(&args.file) {
        Ok(s) => s,
        Err(tnb_nb101_store::OpenError::Invalid(m)) => {
            return Err(Fail::Check(format!("{name}: corrupted tnb archive: {m}")));
        }
        Err(e) => return Err(Fail::input(format!("{name}: {e}"))),
    };
    s.verify_checksum().map_err(|e| Fail::Check(format!("{name}: {e}")))?;
    s.check().map_err(|e| Fail::Check(format!("{name}: {e}")))?;
    let mut out = std::io::stdout().lock();
    let Some(src) = &args.source else {
        writeln!(
            out,
            "{}: ok ({} archive: header, checksum, structure: {} cells, {} runs)",
            shown::path(&args.file),
            crate::nb101::NAME,
            s.cells(),
            s.runs()
        )?;
        return Ok(());
    };
    let size = std::fs::metadata(src)
        .map_err(|e| Fail::input(format!("cannot read {}: {e}", src.display())))?
        .len();
    let mut bar = Passes::new(size, 1, false);
    bar.start(0, "rebuilding");
    let r = tnb_nb101_convert::compare_source_with_progress(&s, src, |d, n| bar.update(d, n));
    bar.finish();
    match r.map_err(|e| Fail::input(e.to_string()))? {
        None => {
            writeln!(
                out,
                "{}: ok, the archive equals the converter's rebuild of {} byte for byte (so every \
                 answer equals the source's)",
                shown::path(&args.file),
                shown::path(src)
            )?;
            Ok(())
        }
        Some(d) => Err(Fail::Check(format!("{name} differs from {}: {d}", src.display()))),
    }
}
