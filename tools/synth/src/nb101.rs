//! `tnb-synth nb101 ...`: write a NAS-Bench-101 look-alike TFRecord file.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use tnb_nb101_synth::{DEFAULT_SEED, Form, Options, REPEATS, Synth};

/// Write a file shaped like NAS-Bench-101's nasbench_full.tfrecord or nasbench_only108.tfrecord:
/// the real 423,624 cells (generate_graphs.py's order and hashes), every budget and repeat,
/// TensorFlow's framing, deterministic made-up values.
#[derive(Parser, Debug)]
#[command(name = "tnb-synth nb101", about, long_about = None, disable_version_flag = true)]
pub(crate) struct Nb101Cli {
    /// Output file; written atomically (temporary file, fsync, rename).
    out: PathBuf,
    /// Which file to imitate: full (epochs 4, 12, 36, 108: ~1.95 GB at full size) or only108
    /// (~499 MB).
    #[arg(long, value_name = "full|only108", default_value = "full")]
    form: Form,
    /// Only the first N cells of the space [default: all 423,624].
    #[arg(long, value_name = "N")]
    cells: Option<usize>,
    /// Seed of every value: same options, same bytes.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Records in a seeded random order instead of cell by cell, budgets ascending, repeats.
    #[arg(long)]
    shuffle: bool,
}

/// Runs `tnb-synth nb101` with `args` (program name first).
pub(crate) fn run(args: Vec<std::ffi::OsString>, err: &mut dyn Write, show_progress: bool) -> u8 {
    crate::run_with(args, err, |cli: &Nb101Cli, err| generate(cli, err, show_progress))
}

fn generate(cli: &Nb101Cli, err: &mut dyn Write, show_progress: bool) -> Result<(), String> {
    let options =
        Options { form: cli.form, cells: cli.cells, seed: cli.seed, shuffle: cli.shuffle };
    let start = Instant::now();
    let synth = Synth::new(options).map_err(|e| e.to_string())?;
    let total = synth.records();
    let bar = show_progress.then(|| {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total),
            indicatif::ProgressDrawTarget::stderr(),
        );
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} writing {bar:40} {pos}/{len} records {elapsed}",
        ) {
            bar.set_style(style);
        }
        bar
    });
    let mut progress = |done: u64| {
        if let Some(b) = &bar {
            b.set_position(done);
        }
    };
    let result = synth.write_file(&cli.out, &mut progress);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let written = result.map_err(|e| e.to_string())?;
    let _ = writeln!(
        err,
        "wrote {}: NAS-Bench-101 {} look-alike, {} cells x {} budgets x {REPEATS} repeats = {} records{}, {} bytes, in {:.2} s",
        cli.out.display(),
        cli.form.name(),
        synth.cells().len(),
        cli.form.budgets().len(),
        written.records,
        if cli.shuffle { " (shuffled)" } else { "" },
        written.bytes,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
