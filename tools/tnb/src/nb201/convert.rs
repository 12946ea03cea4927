//! `tnb convert` of a NAS-Bench-201 `.pth`: the stream reader's two passes feeding the NB201
//! converter, one progress bar over both (on a terminal), the reader's check of the written
//! archive, and a one-screen summary.

use std::cell::Cell;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::cmd::convert::{Args, json_str};
use crate::fail::Fail;
use crate::nb201::progress::Passes;
use crate::shown;

/// Converts `args.input` if it is NAS-Bench-201 (`Ok(true)`); `Ok(false)` leaves it to the
/// TransNAS path. One progress bar covers pass 1 (which also tells the family) and pass 2.
pub fn try_run(args: &Args) -> Result<bool, Fail> {
    let size = std::fs::metadata(&args.input).map(|m| m.len()).unwrap_or(0);
    let mut bar = Passes::new(size, 2, args.quiet);
    bar.start(0, "scanning (pass 1/2)");
    let t = Instant::now();
    let Some(scan) = crate::nb201::detect::scan_source(&args.input, &mut bar)? else {
        bar.finish();
        return Ok(false);
    };
    let scan_time = t.elapsed();
    run(args, &scan, scan_time, bar)?;
    Ok(true)
}

/// Converts a NAS-Bench-201 source whose pass 1 is done.
pub fn run(
    args: &Args,
    scan: &tnb_pth::StreamScan,
    scan_time: Duration,
    mut bar: Passes,
) -> Result<(), Fail> {
    use tnb_nb201_convert::Phase;
    let name = args.input.display();
    bar.start(1, "converting (pass 2/2)");
    let t = Instant::now();
    let check_time = Cell::new(Duration::ZERO);
    let counts = Cell::new((0, 0));
    // The reader's own check of what was written, before it is renamed into place: open it as
    // every reader will, with its payload checksum.
    let accept = |p: &Path| -> Result<(), String> {
        let t = Instant::now();
        let r = check_written(p);
        check_time.set(t.elapsed());
        counts.set(r?);
        Ok(())
    };
    let limits = tnb_pth::StreamLimits::default();
    let mut finishing = false;
    let mut progress = |phase: Phase, d: u64, n: u64| match phase {
        Phase::Finish if !finishing => {
            finishing = true;
            bar.step("writing and checking");
        }
        Phase::Finish => {}
        _ => bar.update(d, n),
    };
    // The source's SHA-256 (the header's provenance) is computed on the other core meanwhile.
    let r = tnb_nb201_convert::convert_scanned(
        &args.input,
        scan,
        &args.output,
        &limits,
        &mut progress,
        &accept,
    );
    let elapsed = t.elapsed();
    bar.finish();
    let s = r.map_err(|e| Fail::input(format!("{name}: {e}")))?;
    let (header, archive_size, stats) = (s.header, s.archive_size, s.stats);
    let check_time = check_time.get();
    let convert_time = elapsed.saturating_sub(check_time);
    let (archs, evaluated) = counts.get();
    if args.quiet {
        return Ok(());
    }
    let total = scan_time + elapsed;
    let source_size = header.source_size;
    let mut out = std::io::stdout().lock();
    let ratio = archive_size as f64 / source_size.max(1) as f64;
    if args.json {
        writeln!(
            out,
            "{{\"source\": {}, \"source_bytes\": {source_size}, \"benchmark\": \"{}\", \
             \"archive\": {}, \"archive_bytes\": {archive_size}, \"ratio\": {ratio:.4}, \
             \"archs\": {archs}, \"evaluated\": {evaluated}, \"entries\": {}, \"runs\": {}, \
             \"cells\": {}, \"strings\": {}, \"root_bytes\": {}, \"source_sha256\": \"{}\", \
             \"scan_ms\": {:.3}, \"convert_ms\": {:.3}, \"check_ms\": {:.3}, \"total_ms\": {:.3}}}",
            json_str(&args.input.display().to_string()),
            crate::nb201::NAME,
            json_str(&args.output.display().to_string()),
            stats.entries,
            stats.runs,
            stats.cells,
            stats.strings,
            stats.root_len,
            header.source_sha256_hex(),
            ms(scan_time),
            ms(convert_time),
            ms(check_time),
            ms(total)
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "converted {} -> {} ({})",
        shown::path(&args.input),
        shown::path(&args.output),
        crate::nb201::NAME
    )?;
    writeln!(out, "  source    {source_size} bytes, sha256 {}", header.source_sha256_hex())?;
    writeln!(
        out,
        "  archive   {archive_size} bytes ({ratio:.2}x the source), format v{}",
        header.version
    )?;
    writeln!(
        out,
        "  archs     {archs} in meta_archs, {} entries in arch2infos, {evaluated} evaluated",
        stats.entries
    )?;
    writeln!(
        out,
        "  runs      {} (dataset x seed results, both hps), {} stored numbers, {} strings",
        stats.runs, stats.cells, stats.strings
    )?;
    writeln!(
        out,
        "  time      {:.2} s (scan {:.2} s, convert {:.2} s, check {:.2} s)",
        total.as_secs_f64(),
        scan_time.as_secs_f64(),
        convert_time.as_secs_f64(),
        check_time.as_secs_f64()
    )?;
    Ok(())
}

/// Opens the archive just written as every reader does, and checks its payload checksum;
/// returns its arch and evaluated counts.
pub fn check_written(path: &Path) -> Result<(usize, usize), String> {
    let a = tnb_nb201_store::Archive::open(path).map_err(|e| e.to_string())?;
    a.verify_checksum().map_err(|e| e.to_string())?;
    let c = a.counts().map_err(|e| e.to_string())?;
    Ok((c.archs, c.evaluated))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
