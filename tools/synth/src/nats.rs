//! `tnb-synth nats ...`: write a NATS-Bench look-alike (`-simple` folder or single file).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use tnb_nb201_synth::nats::{DEFAULT_SEED, Form, NatsOptions, NatsSynth, Space};

/// Write a NATS-Bench look-alike: the -simple folder (meta.pickle.pbz2 + {i:06d}.pickle.pbz2 per
/// arch) or the single benchmark file, protocol-4 pickles in bz2 level 9, with the real files'
/// arch lists, layout, types and memo sharing and deterministic made-up values.
#[derive(Parser, Debug)]
#[command(name = "tnb-synth nats", about, long_about = None, disable_version_flag = true)]
pub(crate) struct NatsCli {
    /// Output folder (--form folder; created if needed) or file (--form file; written
    /// atomically).
    out: PathBuf,
    /// Search space: tss (15625 archs) or sss (32768).
    #[arg(long, value_name = "tss|sss")]
    space: Space,
    /// The -simple folder or the single benchmark file.
    #[arg(long, value_name = "folder|file", default_value = "folder")]
    form: Form,
    /// Archs written [default: all]. Folder: that many per-arch files spread over the space
    /// (first and last included), meta.pickle.pbz2 listing every arch. File: the first N archs,
    /// meta_archs shrunk to them.
    #[arg(long)]
    archs: Option<usize>,
    /// Folder only: exactly these arch indexes instead of --archs (comma-separated).
    #[arg(long, value_name = "I,J,...", value_delimiter = ',')]
    indexes: Option<Vec<usize>>,
    /// Seed of every made-up value: same options, same bytes.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Compression threads for a folder (0 = all cores).
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

/// Runs `tnb-synth nats` with `args` (program name first).
pub(crate) fn run(args: Vec<std::ffi::OsString>, err: &mut dyn Write, show_progress: bool) -> u8 {
    crate::run_with(args, err, |cli: &NatsCli, err| generate(cli, err, show_progress))
}

fn generate(cli: &NatsCli, err: &mut dyn Write, show_progress: bool) -> Result<(), String> {
    let options = NatsOptions {
        space: cli.space,
        form: cli.form,
        archs: cli.archs,
        indexes: cli.indexes.clone(),
        seed: cli.seed,
    };
    let start = Instant::now();
    let synth = NatsSynth::new(options).map_err(|e| e.to_string())?;
    let total = synth.indexes().len() as u64;
    let bar = crate::progress_bar(total, show_progress);
    let progress = |done: usize| {
        if let Some(b) = &bar {
            if done % 64 == 0 || done as u64 == total {
                b.set_position(done as u64);
            }
        }
    };
    let result = synth.write(&cli.out, cli.threads, &progress);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let w = result.map_err(|e| e.to_string())?;
    let form = match cli.form {
        Form::Folder => "-simple folder",
        Form::File => "single file",
    };
    let _ = writeln!(
        err,
        "wrote {}: NATS-Bench {} look-alike ({form}), {total} archs of {} in meta_archs, {} files, {} pickle bytes, {} bz2 bytes, in {:.2} s",
        cli.out.display(),
        cli.space.name(),
        synth.meta_archs().len(),
        w.files,
        w.pickle_bytes,
        w.bz2_bytes,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
