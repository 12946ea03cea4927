//! `tnb bench FILE`: measured medians on this machine, never guessed.
//!
//! For a `.pth` or pickle: read time, parse time (container + pickle into the arena), `dump`
//! time to a sink, and peak RSS (a NAS-Bench-201 `.pth`: the stream reader's two passes, see
//! `nb201/bench.rs`). For a `.tnb` archive: the query mix of the store (see `bench_archive.rs`;
//! NAS-Bench-201 archives: `nb201/bench.rs`).

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::fail::Fail;
use crate::input;

/// Arguments of `tnb bench`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A .pth file, a pickle, or a .tnb archive.
    pub file: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Repetitions of each measurement (the median is reported): whole-file passes for a .pth,
    /// rounds of each query loop for an archive.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
}

/// Runs `tnb bench`.
pub fn run(args: Args) -> Result<(), Fail> {
    if args.runs == 0 {
        return Err(Fail::input("--runs must be at least 1"));
    }
    crate::memory::prefer_huge_pages(&args.file);
    if crate::nb101::is_nb101_archive(&args.file) {
        return crate::nb101::bench::run(&args);
    }
    if crate::nb201::detect::is_nb201_archive(&args.file) {
        return crate::nb201::bench::run(&args);
    }
    if starts_like_archive(&args.file)? {
        return crate::cmd::bench_archive::run(&args);
    }
    // A NAS-Bench-201 source is streamed, never read whole.
    if crate::nb201::bench::run_source(&args)? {
        return Ok(());
    }
    let bytes = input::read(&args.file)?;
    bench_pth(&args, &bytes)
}

/// Whether the file starts with the archive magic (read without loading the whole file; a
/// regular file only, refused without waiting otherwise: see `tnb_schema::file`).
pub fn starts_like_archive(path: &std::path::Path) -> Result<bool, Fail> {
    use std::io::Read;
    let mut head = [0u8; 8];
    let (mut f, _) = tnb_schema::file::open_regular(path)
        .map_err(|e| Fail::input(format!("cannot read {}: {e}", path.display())))?;
    let n = f
        .read(&mut head)
        .map_err(|e| Fail::input(format!("cannot read {}: {e}", path.display())))?;
    Ok(crate::archive::is_archive(&head[..n]))
}

/// Median of `runs` timings of `f`.
pub fn median_of<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Peak resident set size of this process so far, in bytes (Linux `VmHWM`).
pub fn peak_rss() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn bench_pth(args: &Args, bytes: &[u8]) -> Result<(), Fail> {
    let name = crate::shown::path(&args.file);
    // Parse first once to report errors cleanly, then time.
    let doc = tnb_pth::load(bytes).map_err(|e| Fail::input(format!("{name}: {e}")))?;
    let nodes = doc.pickle.arena.node_count();
    let arena_bytes = doc.pickle.arena.heap_bytes();
    drop(doc);
    let parse = median_of(args.runs, || tnb_pth::load(bytes).map(|d| d.pickle.arena.node_count()));
    let doc = tnb_pth::load(bytes).map_err(|e| Fail::input(format!("{name}: {e}")))?;
    let dump = median_of(args.runs.min(3), || tnb_pth::write_json(&doc, io::sink()).is_ok());
    let rss = peak_rss().unwrap_or(0);
    drop(doc);
    // Timed last: each read holds a second copy of the file, which must not count as the
    // parser's peak memory.
    let read = median_of(args.runs, || input::read(&args.file).map(|b| b.len()).unwrap_or(0));
    let size = bytes.len() as u64;
    let mut out = io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{{\"file_bytes\": {size}, \"values\": {nodes}, \"arena_bytes\": {arena_bytes}, \
             \"read_ms\": {:.3}, \"parse_ms\": {:.3}, \"dump_ms\": {:.3}, \"peak_rss_bytes\": {rss}, \
             \"peak_rss_over_file\": {:.3}}}",
            ms(read),
            ms(parse),
            ms(dump),
            rss as f64 / size as f64
        )?;
    } else {
        writeln!(out, "{name}: {size} bytes, {nodes} values, arena {} MB", arena_bytes >> 20)?;
        writeln!(out, "  read file        {:>10.1} ms  (median of {})", ms(read), args.runs)?;
        writeln!(out, "  parse into arena {:>10.1} ms  (median of {})", ms(parse), args.runs)?;
        writeln!(
            out,
            "  dump to a sink   {:>10.1} ms  (median of {})",
            ms(dump),
            args.runs.min(3)
        )?;
        writeln!(
            out,
            "  peak RSS         {:>10.1} MB  ({:.2}x the file; includes the file read into memory)",
            rss as f64 / 1e6,
            rss as f64 / size as f64
        )?;
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
