//! `tnb-synth`: write a full-size TransNAS-Bench-101 look-alike `.pth` file, or with
//! `tnb-synth nb201 ...` a NAS-Bench-201 one (see `nb201.rs`), with `tnb-synth nats ...` a
//! NATS-Bench one (see `nats.rs`), or with `tnb-synth nb101 ...` a NAS-Bench-101 TFRecord file
//! (see `nb101.rs`).
//!
//! Exit codes: 0 success, 2 bad usage or a failure to write. Errors are one line on stderr.
#![forbid(unsafe_code)]

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
mod nats;
mod nb101;
mod nb201;

use tnb_synth::{Container, DEFAULT_SEED, InfoMode, Options, Synth, TimeFormat};

/// Write a file shaped exactly like TransNAS-Bench-101's transnas-bench_v10141024.pth: same keys,
/// tasks, metrics, epochs and architecture strings in the same order, with deterministic,
/// realistic values. `tnb-synth nb201 --help`, `tnb-synth nats --help`, `tnb-synth nb101 --help`:
/// the other benchmarks' look-alikes instead.
#[derive(Parser, Debug)]
#[command(name = "tnb-synth", version, about, long_about = None)]
struct Cli {
    /// Output file; written atomically (temporary file, fsync, rename).
    out: PathBuf,
    /// Number of architectures, 2-7352: both spaces, macro first, proportionally, spread evenly
    /// over the file order.
    #[arg(long, default_value_t = tnb_arch::TOTAL)]
    archs: usize,
    /// Seed of every random choice: same seed, same bytes.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Write torch's legacy format instead of the zip format.
    #[arg(long)]
    legacy: bool,
    /// `time_elapsed` as cumulative "HH:MM:SS" strings or cumulative float seconds.
    #[arg(long, value_name = "string|float", default_value = "string")]
    time_elapsed: TimeFormat,
    /// The four size infos as ints, or as "" for every architecture.
    #[arg(long, value_name = "numbers|empty", default_value = "numbers")]
    info: InfoMode,
    /// Only the first K tasks of the task list (1-7).
    #[arg(long, value_name = "K", default_value_t = 7)]
    tasks: usize,
    /// Cap every task's epoch count at E.
    #[arg(long, value_name = "E")]
    epochs: Option<u32>,
    /// Folder inside the zip (default: the output file's stem, as torch.save names it).
    #[arg(long, value_name = "NAME")]
    folder: Option<String>,
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut err = std::io::stderr();
    let show_progress = err.is_terminal();
    ExitCode::from(run(args, &mut err, show_progress))
}

/// Runs the command line `args` (program name first), writing messages to `err`; returns the
/// exit code.
fn run(args: Vec<std::ffi::OsString>, err: &mut dyn Write, show_progress: bool) -> u8 {
    if args.get(1).is_some_and(|a| a == "nb201") {
        let rest = std::iter::once(std::ffi::OsString::from("tnb-synth nb201"));
        return nb201::run(rest.chain(args.into_iter().skip(2)).collect(), err, show_progress);
    }
    if args.get(1).is_some_and(|a| a == "nb101") {
        let rest = std::iter::once(std::ffi::OsString::from("tnb-synth nb101"));
        return nb101::run(rest.chain(args.into_iter().skip(2)).collect(), err, show_progress);
    }
    if args.get(1).is_some_and(|a| a == "nats") {
        let rest = std::iter::once(std::ffi::OsString::from("tnb-synth nats"));
        return nats::run(rest.chain(args.into_iter().skip(2)).collect(), err, show_progress);
    }
    run_with(args, err, |cli: &Cli, err| generate(cli, err, show_progress))
}

/// Parses `args` as `C` and runs `generate` with the tool's conventions, the same for every
/// mode: `--help` and `--version` go to stdout with exit 0; a bad argument or a failed run is
/// one line `tnb-synth: error: ...` on `err` and exit 2.
fn run_with<C: Parser>(
    args: Vec<std::ffi::OsString>,
    err: &mut dyn Write,
    generate: impl FnOnce(&C, &mut dyn Write) -> Result<(), String>,
) -> u8 {
    let cli = match C::try_parse_from(args) {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return 0;
        }
        Err(e) => {
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            let _ = writeln!(err, "tnb-synth: error: {first} (see --help)");
            return 2;
        }
    };
    match generate(&cli, err) {
        Ok(()) => 0,
        Err(m) => {
            let line = m.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(err, "tnb-synth: error: {line}");
            2
        }
    }
}

/// A bar of `total` architectures on stderr, when `show`.
fn progress_bar(total: u64, show: bool) -> Option<indicatif::ProgressBar> {
    show.then(|| {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total),
            indicatif::ProgressDrawTarget::stderr(),
        );
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} pickling {bar:40} {pos}/{len} archs {elapsed}",
        ) {
            bar.set_style(style);
        }
        bar
    })
}

/// Runs `write` with a progress callback (architectures pickled so far) that, when `show`,
/// draws a bar of `total` on stderr, cleared when `write` returns.
fn with_progress<T>(total: u64, show: bool, write: impl FnOnce(&mut dyn FnMut(usize)) -> T) -> T {
    let bar = progress_bar(total, show);
    let mut progress = |done: usize| {
        if let Some(b) = &bar {
            if done % 64 == 0 || done as u64 == total {
                b.set_position(done as u64);
            }
        }
    };
    let result = write(&mut progress);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    result
}

fn generate(cli: &Cli, err: &mut dyn Write, show_progress: bool) -> Result<(), String> {
    let container = if cli.legacy {
        if cli.folder.is_some() {
            return Err("--folder applies to the zip format only, not with --legacy".to_owned());
        }
        Container::Legacy
    } else {
        let folder = match &cli.folder {
            Some(f) => f.clone(),
            None => tnb_pthwrite::folder_for_path(&cli.out).ok_or_else(|| {
                format!(
                    "cannot name the zip folder after {:?} (torch refuses an empty stem); pass --folder",
                    cli.out.display().to_string()
                )
            })?,
        };
        Container::Zip { folder }
    };
    let options = Options {
        archs: cli.archs,
        seed: cli.seed,
        time: cli.time_elapsed,
        info: cli.info,
        tasks: cli.tasks,
        epochs: cli.epochs,
    };
    let start = Instant::now();
    let synth = Synth::new(options).map_err(|e| e.to_string())?;
    let (n_macro, n_micro) = synth.space_counts();
    let total = (n_macro + n_micro) as u64;
    let result = with_progress(total, show_progress, |progress| {
        synth.write_file(&cli.out, &container, progress)
    });
    let summary = result.map_err(|e| e.to_string())?;
    let format = match &container {
        Container::Zip { folder } => format!("torch zip, folder '{folder}'"),
        Container::Legacy => "torch legacy".to_owned(),
    };
    let _ = writeln!(
        err,
        "wrote {}: {} archs ({n_macro} macro + {n_micro} micro), {} tasks, {} bytes, {format}, in {:.2} s",
        cli.out.display(),
        summary.archs,
        synth.tasks().len(),
        summary.bytes,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli(args: &[&str]) -> (u8, String) {
        let mut v: Vec<std::ffi::OsString> = vec!["tnb-synth".into()];
        v.extend(args.iter().map(|a| a.into()));
        let mut err = Vec::new();
        let code = run(v, &mut err, false);
        (code, String::from_utf8(err).unwrap())
    }

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("tnb-synth-cli-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d.join(name)
    }

    #[track_caller]
    fn one_line_error(args: &[&str], needle: &str) {
        let (code, err) = cli(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("tnb-synth: error: "), "{err}");
        assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
    }

    #[test]
    fn bad_input_is_one_line_and_exit_2() {
        let out = tmp("x.pth");
        let out = out.to_str().unwrap();
        one_line_error(&["--archs", "0", out], "--archs must be between 2 and 7352");
        one_line_error(&["--archs", "1", out], "--archs must be between 2 and 7352");
        one_line_error(&["--archs", "7353", out], "found 7353");
        one_line_error(&["--archs", "-3", out], "-3");
        one_line_error(&["--tasks", "0", out], "--tasks");
        one_line_error(&["--tasks", "8", out], "--tasks");
        one_line_error(&["--epochs", "0", out], "--epochs");
        one_line_error(&["--time-elapsed", "hours", out], "expected 'string' or 'float'");
        one_line_error(&["--info", "none", out], "expected 'numbers' or 'empty'");
        one_line_error(&["--legacy", "--folder", "x", out], "--folder applies");
        one_line_error(&["--folder", "a/b", "--archs", "2", out], "zip folder");
        one_line_error(&["--bogus", out], "--bogus");
        one_line_error(&[], "required");
        one_line_error(&["--archs", "2", "/nonexistent-dir/x.pth"], "writing /nonexistent-dir/");
        one_line_error(&["--archs", "2", tmp(".pth").to_str().unwrap()], "pass --folder");
        // A directory in the way: refused before anything is written.
        let dir = tmp("a-directory.pth");
        std::fs::create_dir_all(&dir).unwrap();
        one_line_error(&["--archs", "2", dir.to_str().unwrap()], "not a regular file");
        let leftovers: Vec<_> = std::fs::read_dir(dir.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            // Only this test's outputs: the other tests write into the same folder meanwhile.
            .filter(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.contains(".tmp-")
                    && (n.starts_with(".a-directory.pth") || n.starts_with(".x.pth"))
            })
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    }

    #[test]
    fn nb201_bad_input_is_one_line_and_exit_2() {
        let out = tmp("nb.pth");
        let out = out.to_str().unwrap();
        one_line_error(&["nb201", "--version", "v2", out], "expected 'v1_0' or 'v1_1'");
        one_line_error(&["nb201", "--archs", "0", out], "--archs must be between 1");
        one_line_error(&["nb201", "--meta-archs", "15626", out], "--meta-archs");
        one_line_error(&["nb201", "--archs", "9", "--meta-archs", "8", out], "--archs");
        one_line_error(&["nb201", "--indexes", "3,3", out], "duplicate");
        one_line_error(&["nb201", "--indexes", "x", out], "x");
        one_line_error(&["nb201", "--epochs", "1,2,3", out], "--epochs takes two numbers");
        one_line_error(&["nb201", "--epochs", "0,2", out], "full epochs");
        one_line_error(&["nb201", "--numpy", "3", out], "expected '1' or '2'");
        one_line_error(&["nb201"], "required");
        one_line_error(
            &["nb201", "--archs", "1", "/nonexistent-dir/x.pth"],
            "writing /nonexistent-dir/",
        );
    }

    #[test]
    fn nb101_bad_input_is_one_line_and_exit_2() {
        let out = tmp("nb101-bad.tfrecord");
        let out = out.to_str().unwrap();
        one_line_error(&["nb101"], "required");
        one_line_error(&["nb101", "--form", "half", out], "expected 'full' or 'only108'");
        one_line_error(&["nb101", "--cells", "0", out], "--cells must be between 1 and 423624");
        one_line_error(&["nb101", "--cells", "423625", out], "found 423625");
        one_line_error(&["nb101", "--cells", "-1", out], "-1");
        one_line_error(
            &["nb101", "--cells", "2", "/nonexistent-dir/x.tfrecord"],
            "/nonexistent-dir/",
        );
    }

    #[test]
    fn nb101_small_file_is_written_with_a_summary() {
        let out = tmp("nb101-small.tfrecord");
        let args = ["nb101", "--form", "only108", "--cells", "5", "--shuffle"];
        let (code, err) = cli(&[&args[..], &[out.to_str().unwrap()]].concat());
        assert_eq!(code, 0, "{err}");
        assert_eq!(err.lines().count(), 1);
        assert!(
            err.contains("NAS-Bench-101 only108 look-alike, 5 cells x 1 budgets x 3 repeats = 15 records (shuffled)"),
            "{err}"
        );
        let bytes = std::fs::read(&out).unwrap();
        assert!(err.contains(&format!("{} bytes", bytes.len())), "{err}");
        assert!(tnb_tfrecord::is_tfrecord(&bytes));
        let _ = std::fs::remove_file(out);
    }

    #[test]
    fn nats_bad_input_is_one_line_and_exit_2() {
        let out = tmp("nats-bad");
        let out = out.to_str().unwrap();
        one_line_error(&["nats", out], "required");
        one_line_error(&["nats", "--space", "xss", out], "expected 'tss' or 'sss'");
        one_line_error(&["nats", "--space", "tss", "--form", "zip", out], "expected 'folder'");
        one_line_error(&["nats", "--space", "tss", "--archs", "0", out], "between 1 and 15625");
        one_line_error(&["nats", "--space", "sss", "--archs", "32769", out], "found 32769");
        one_line_error(&["nats", "--space", "tss", "--indexes", "2,2", out], "duplicate");
        let args = ["nats", "--space", "tss", "--form", "file", "--indexes", "1", out];
        one_line_error(&args, "--indexes applies to a folder");
        one_line_error(
            &["nats", "--space", "sss", "--form", "file", "--archs", "1", "/nonexistent-dir/x"],
            "/nonexistent-dir/",
        );
    }

    #[test]
    fn nats_small_folder_and_file_are_written_with_a_summary() {
        let dir = tmp("nats-small");
        let args = ["nats", "--space", "sss", "--archs", "2", dir.to_str().unwrap()];
        let (code, err) = cli(&args);
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains("NATS-Bench sss look-alike (-simple folder), 2 archs of 32768"),
            "{err}"
        );
        assert!(dir.join("032767.pickle.pbz2").is_file() && dir.join("meta.pickle.pbz2").is_file());
        let file = tmp("nats-small.pickle.pbz2");
        let args = ["nats", "--space", "sss", "--form", "file", "--archs", "2"];
        let (code, err) = cli(&[&args[..], &[file.to_str().unwrap()]].concat());
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("(single file), 2 archs of 2 in meta_archs, 1 files"), "{err}");
        let bytes = std::fs::read(&file).unwrap();
        assert!(err.contains(&format!("{} bz2 bytes", bytes.len())), "{err}");
        assert!(bytes.starts_with(b"BZh9"));
        let _ = std::fs::remove_dir_all(dir);
        let _ = std::fs::remove_file(file);
    }

    #[test]
    fn nb201_small_file_is_written_with_a_summary() {
        let out = tmp("nb201-small.pth");
        let args = ["nb201", "--archs", "2", "--meta-archs", "30", "--epochs", "2,2"];
        let (code, err) = cli(&[&args[..], &[out.to_str().unwrap()]].concat());
        assert_eq!(code, 0, "{err}");
        assert_eq!(err.lines().count(), 1);
        assert!(
            err.contains("NAS-Bench-201 v1_1 look-alike, 2 archs of 30 in meta_archs"),
            "{err}"
        );
        let bytes = std::fs::read(&out).unwrap();
        assert!(err.contains(&format!("{} bytes", bytes.len())), "{err}");
        assert!(bytes.starts_with(b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."));
        let _ = std::fs::remove_file(out);
    }

    #[test]
    fn a_small_file_is_written_with_a_summary() {
        let out = tmp("small-run.pth");
        let (code, err) =
            cli(&["--archs", "6", "--tasks", "2", "--epochs", "3", out.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(err.lines().count(), 1);
        assert!(err.contains("6 archs (3 macro + 3 micro), 2 tasks"), "{err}");
        assert!(err.contains("folder 'small-run'"), "{err}");
        let bytes = std::fs::read(&out).unwrap();
        assert!(err.contains(&format!("{} bytes", bytes.len())), "{err}");
        assert!(bytes.windows(17).any(|w| w == b"small-run/data.pk"));
        let _ = std::fs::remove_file(out);
    }
}
