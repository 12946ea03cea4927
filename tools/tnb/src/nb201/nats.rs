//! `tnb convert` of NATS-Bench sources: a `-simple` folder or a single `.pickle.pbz2` (either
//! space, told from the content by `tnb_nats`). The archives it makes are NB201-format archives
//! whose header names the NATS space, so every other verb serves them through the NB201 code
//! with NATS-Bench's v1.8 semantics (`nats_source` reads sources for `verify` and `dump`).

use std::cell::Cell;
use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::cmd::convert::{Args, json_str};
use crate::fail::Fail;
use crate::nb201::progress::Passes;
use crate::shown;
use tnb_nats::Phase;

/// The first bytes of every bz2 stream (`BZh` and a block size digit).
const BZ2_MAGIC: &[u8; 3] = b"BZh";

/// Whether `path` is a NATS-Bench source: a folder holding `meta.pickle.pbz2`, or a file that
/// starts like bz2 (NAS-Bench-201 and TransNAS files are torch zips or pickles).
pub fn is_source(path: &Path) -> bool {
    if path.is_dir() {
        return tnb_nats::is_folder(path);
    }
    let Ok((mut f, _)) = tnb_schema::file::open_regular(path) else {
        return false;
    };
    let mut head = [0u8; 4];
    f.read_exact(&mut head).is_ok() && head.starts_with(BZ2_MAGIC) && head[3].is_ascii_digit()
}

/// `tnb convert` of a NATS-Bench source: one progress bar (files for a folder, compressed
/// bytes of each pass for a single file), the reader's check of the written archive, a summary.
pub fn convert(args: &Args) -> Result<(), Fail> {
    let name = args.input.display();
    let t = Instant::now();
    let mut bar: Option<Passes> = None;
    let mut phase: Option<Phase> = None;
    let quiet = args.quiet;
    let mut progress = |p: Phase, done: u64, total: u64| {
        if phase != Some(p) {
            phase = Some(p);
            let (pass, what) = match p {
                Phase::Scan => (0, "scanning (pass 1/2)"),
                Phase::Convert => (1, "converting"),
                Phase::Finish => (1, "writing and checking"),
            };
            if p == Phase::Finish {
                if let Some(b) = &mut bar {
                    b.step(what);
                }
                return;
            }
            let b = bar.get_or_insert_with(|| Passes::new(total, 2, quiet));
            b.start(pass, what);
        }
        if let Some(b) = &bar {
            b.update(done, total);
        }
    };
    let check_time = Cell::new(Duration::ZERO);
    let accept = |p: &Path| -> Result<(), String> {
        let t = Instant::now();
        let r = crate::nb201::convert::check_written(p);
        check_time.set(t.elapsed());
        r.map(|_| ())
    };
    let r = tnb_nats::convert(&args.input, &args.output, &mut progress, &accept);
    if let Some(b) = &bar {
        b.finish();
    }
    let s = r.map_err(|e| Fail::input(format!("{name}: {e}")))?;
    let total = t.elapsed();
    if args.quiet {
        return Ok(());
    }
    let family = s.space.family().name();
    let form = match s.form {
        tnb_nats::Form::Folder => "-simple folder",
        tnb_nats::Form::File => "single file",
    };
    let ratio = s.archive_size as f64 / s.source_size.max(1) as f64;
    let phase_ms = |want: Phase| {
        s.timings
            .iter()
            .filter(|(p, _)| *p == want)
            .fold(0.0, |a, (_, d)| a + d.as_secs_f64() * 1e3)
    };
    let (scan_ms, convert_ms, finish_ms): (f64, f64, f64) =
        (phase_ms(Phase::Scan), phase_ms(Phase::Convert), phase_ms(Phase::Finish));
    let mut out = std::io::stdout().lock();
    if args.json {
        // The first few missing archs (a folder of the samples lacks thousands).
        let missing: Vec<String> =
            s.missing.iter().take(tnb_nats::MISSING_LISTED).map(i64::to_string).collect();
        writeln!(
            out,
            "{{\"source\": {}, \"source_bytes\": {}, \"benchmark\": \"{family}\", \"form\": \"{}\", \
             \"archive\": {}, \"archive_bytes\": {}, \"ratio\": {ratio:.4}, \"archs\": {}, \
             \"entries\": {}, \"missing_count\": {}, \"missing_first\": [{}], \"ignored_files\": {}, \"runs\": {}, \"cells\": {}, \
             \"strings\": {}, \"root_bytes\": {}, \"source_sha256\": \"{}\", \"scan_ms\": {scan_ms:.3}, \
             \"convert_ms\": {convert_ms:.3}, \"finish_ms\": {finish_ms:.3}, \"check_ms\": {:.3}, \
             \"total_ms\": {:.3}}}",
            json_str(&args.input.display().to_string()),
            s.source_size,
            match s.form {
                tnb_nats::Form::Folder => "folder",
                tnb_nats::Form::File => "file",
            },
            json_str(&args.output.display().to_string()),
            s.archive_size,
            s.total_archs.map_or("null".to_owned(), |n| n.to_string()),
            s.entries,
            s.missing.len(),
            missing.join(", "),
            s.ignored,
            s.stats.runs,
            s.stats.cells,
            s.stats.strings,
            s.stats.root_len,
            s.header.source_sha256_hex(),
            check_time.get().as_secs_f64() * 1e3,
            total.as_secs_f64() * 1e3
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "converted {} -> {} ({family}, {form})",
        shown::path(&args.input),
        shown::path(&args.output)
    )?;
    writeln!(out, "  source    {} bytes, sha256 {}", s.source_size, s.header.source_sha256_hex())?;
    writeln!(
        out,
        "  archive   {} bytes ({ratio:.2}x the source), format v{}",
        s.archive_size, s.header.version
    )?;
    match s.total_archs {
        Some(n) => writeln!(out, "  archs     {} of {n} have a file", s.entries)?,
        None => writeln!(out, "  archs     {} in arch2infos", s.entries)?,
    }
    if let Some(text) = s.missing_text() {
        writeln!(out, "  missing   {text}")?;
    }
    if s.ignored > 0 {
        writeln!(out, "  ignored   {} other files in the folder", s.ignored)?;
    }
    writeln!(
        out,
        "  runs      {} (dataset x seed results, every hp), {} stored numbers, {} strings",
        s.stats.runs, s.stats.cells, s.stats.strings
    )?;
    // A folder has no scan pass (its files are read once).
    let scan = if scan_ms > 0.0 { format!("scan {:.2} s, ", scan_ms / 1e3) } else { String::new() };
    writeln!(
        out,
        "  time      {:.2} s ({scan}convert {:.2} s, write and check {:.2} s)",
        total.as_secs_f64(),
        convert_ms / 1e3,
        finish_ms / 1e3
    )?;
    Ok(())
}
