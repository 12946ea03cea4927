//! `tnb convert IN OUT` / `tnb-convert IN OUT`: a .pth into a .tnb archive.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use tnb_convert::Phase;

use crate::fail::Fail;
use crate::shown;

/// Arguments of `tnb convert`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The source: a torch .pth (zip or legacy), a bare pickle, NATS-Bench's -simple folder
    /// or single .pickle.pbz2 file, or a NAS-Bench-101 .tfrecord.
    pub input: PathBuf,
    /// The archive to write (replaced atomically; untouched if conversion fails).
    pub output: PathBuf,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// No summary, no progress.
    #[arg(long, short)]
    pub quiet: bool,
    /// Threads that fill the columns (default: one per core). The archive is the same whatever
    /// the count.
    #[arg(long, value_name = "N")]
    pub threads: Option<std::num::NonZeroUsize>,
}

/// Inputs at least this large get a progress display on a terminal.
const PROGRESS_FROM: u64 = 8 << 20;

fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::Read => "reading",
        Phase::Parse => "parsing",
        Phase::Build => "building columns",
        Phase::Write => "writing",
    }
}

/// Runs the conversion.
pub fn run(args: Args) -> Result<(), Fail> {
    crate::memory::prefer_huge_pages(&args.input);
    // The family is told from the content: NATS-Bench (a -simple folder or a bz2 file) and
    // NAS-Bench-201 go to their own converters.
    if crate::nb101::convert::try_run(&args)? {
        return Ok(());
    }
    if crate::nb201::nats::is_source(&args.input) {
        return crate::nb201::nats::convert(&args);
    }
    if crate::nb201::convert::try_run(&args)? {
        return Ok(());
    }
    let size = std::fs::metadata(&args.input).map(|m| m.len()).unwrap_or(0);
    let show = !args.quiet && std::io::stderr().is_terminal() && size >= PROGRESS_FROM;
    let bar = show.then(|| {
        let b = indicatif::ProgressBar::new(4);
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} [{pos}/{len}] {msg} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        b.enable_steady_tick(Duration::from_millis(100));
        b
    });
    let mut progress = |p: Phase| {
        if let Some(b) = &bar {
            b.set_message(phase_name(p));
            b.set_position(p as u64);
        }
    };
    let options = match args.threads {
        Some(n) => tnb_convert::Options::default().with_threads(n),
        None => tnb_convert::Options::default(),
    };
    let r = tnb_convert::convert_file_with(
        &args.input,
        &args.output,
        &options,
        &mut progress,
        &tnb_verify::opens,
    );
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let s = r.map_err(|e| Fail::input(format!("{}: {e}", args.input.display())))?;
    if args.quiet {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    let total: Duration = s.timings.iter().map(|t| t.1).sum();
    if args.json {
        let spaces: Vec<String> =
            s.spaces.iter().map(|(n, c)| format!("{}: {c}", json_str(n))).collect();
        let times: Vec<String> = s
            .timings
            .iter()
            .map(|(p, d)| format!("\"{}_ms\": {:.3}", phase_key(*p), d.as_secs_f64() * 1e3))
            .collect();
        writeln!(
            out,
            "{{\"source\": {}, \"source_bytes\": {}, \"source_format\": \"{}\", \"benchmark\": {}, \"archive\": {}, \
             \"archive_bytes\": {}, \"archs\": {}, \"spaces\": {{{}}}, \"tasks\": {}, \"metrics\": {}, \
             \"values\": {}, \"generic_nodes\": {}, \"source_sha256\": \"{}\", {}, \"total_ms\": {:.3}}}",
            json_str(&args.input.display().to_string()),
            s.source_size,
            s.source_format,
            s.benchmark,
            json_str(&args.output.display().to_string()),
            s.archive_size,
            s.archs,
            spaces.join(", "),
            s.tasks,
            s.metrics,
            s.values,
            s.generic_nodes,
            s.header.source_sha256_hex(),
            times.join(", "),
            total.as_secs_f64() * 1e3
        )?;
        return Ok(());
    }
    // Names from the file and the file names are shown escaped (`shown`).
    let spaces: Vec<String> =
        s.spaces.iter().map(|(n, c)| format!("{} {c}", shown::text(n))).collect();
    writeln!(out, "converted {} -> {}", shown::path(&args.input), shown::path(&args.output))?;
    writeln!(
        out,
        "  source    {} bytes ({}), sha256 {}",
        s.source_size,
        s.source_format,
        s.header.source_sha256_hex()
    )?;
    writeln!(
        out,
        "  archive   {} bytes ({:.2}x the source), format v{}",
        s.archive_size,
        s.archive_size as f64 / s.source_size.max(1) as f64,
        s.header.version
    )?;
    if !s.benchmark {
        writeln!(
            out,
            "  note      not a TransNAS-Bench layout (no task_list and data): archived as a plain \
             object; dump and verify work, queries have nothing to answer"
        )?;
    }
    writeln!(out, "  archs     {} ({})", s.archs, spaces.join(", "))?;
    writeln!(out, "  tasks     {}, metric columns {}, values {}", s.tasks, s.metrics, s.values)?;
    if s.generic_nodes > 0 {
        writeln!(
            out,
            "  other     {} values kept outside the columns (top level and extra keys)",
            s.generic_nodes
        )?;
    }
    let times: Vec<String> = s
        .timings
        .iter()
        .map(|(p, d)| format!("{} {:.0} ms", phase_key(*p), d.as_secs_f64() * 1e3))
        .collect();
    writeln!(out, "  time      {:.0} ms ({})", total.as_secs_f64() * 1e3, times.join(", "))?;
    Ok(())
}

fn phase_key(p: Phase) -> &'static str {
    match p {
        Phase::Read => "read",
        Phase::Parse => "parse",
        Phase::Build => "build",
        Phase::Write => "write",
    }
}

/// A JSON string literal.
pub fn json_str(s: &str) -> String {
    let mut v = Vec::new();
    let _ = tnb_pyjson::write_str(&mut v, s);
    String::from_utf8(v).unwrap_or_default()
}
