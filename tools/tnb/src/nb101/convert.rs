//! `tnb convert X.tfrecord OUT.tnb`: a NAS-Bench-101 TFRecord file (told by its framing) into an
//! archive, with a progress bar over the source's bytes on a terminal.

use std::io::Write;
use std::time::Instant;

use crate::cmd::convert::{Args, json_str};
use crate::fail::Fail;
use crate::nb201::progress::Passes;
use crate::shown;

/// Converts when the input is a TFRecord file; `Ok(false)` when it is not (another family's).
pub fn try_run(args: &Args) -> Result<bool, Fail> {
    if !crate::nb101::is_tfrecord(&args.input) {
        return Ok(false);
    }
    let size = std::fs::metadata(&args.input).map(|m| m.len()).unwrap_or(0);
    let mut bar = Passes::new(size, 1, args.quiet);
    bar.start(0, "converting");
    let t = Instant::now();
    let r = tnb_nb101_convert::convert(&args.input, &args.output, |d, n| bar.update(d, n));
    bar.finish();
    let s = r.map_err(|e| Fail::input(e.to_string()))?;
    let ms = t.elapsed().as_secs_f64() * 1e3;
    if args.quiet {
        return Ok(true);
    }
    let sha: String = s.sha256.iter().map(|b| format!("{b:02x}")).collect();
    let epochs: Vec<String> = s.valid_epochs.iter().map(i64::to_string).collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{{\"source\": {}, \"source_bytes\": {}, \"source_format\": \"tfrecord\", \
             \"benchmark\": \"{}\", \"archive\": {}, \"archive_bytes\": {}, \"records\": {}, \
             \"cells\": {}, \"valid_epochs\": [{}], \"canonical\": {}, \"source_sha256\": \"{sha}\", \
             \"total_ms\": {ms:.3}}}",
            json_str(&args.input.display().to_string()),
            s.source_size,
            crate::nb101::NAME,
            json_str(&args.output.display().to_string()),
            s.bytes,
            s.records,
            s.cells,
            epochs.join(", "),
            s.canonical
        )?;
        return Ok(true);
    }
    writeln!(out, "converted {} -> {}", shown::path(&args.input), shown::path(&args.output))?;
    writeln!(
        out,
        "  source    {} bytes (TFRecord, {}), sha256 {sha}",
        s.source_size,
        crate::nb101::NAME
    )?;
    writeln!(
        out,
        "  archive   {} bytes ({:.2}x the source)",
        s.bytes,
        s.bytes as f64 / s.source_size.max(1) as f64
    )?;
    writeln!(
        out,
        "  records   {} runs of {} cells, epochs {}",
        s.records,
        s.cells,
        epochs.join(", ")
    )?;
    writeln!(out, "  indexed   {} cells by canonical graph", s.canonical)?;
    writeln!(out, "  time      {ms:.0} ms")?;
    Ok(true)
}
