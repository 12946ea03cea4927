//! `tnb-synth nb201 ...`: write a NAS-Bench-201 look-alike (torch legacy format).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use tnb_nb201_synth::{DEFAULT_SEED, NumpyStyle, Options, Synth, Version, meta::TOTAL};

/// Write a file shaped like NAS-Bench-201's NAS-Bench-201-v1_{0,1}-*.pth (torch legacy format,
/// pickle protocol 2): real meta_archs order, arch2infos layout, types and string sharing, with
/// deterministic made-up values.
#[derive(Parser, Debug)]
#[command(name = "tnb-synth nb201", about, long_about = None, disable_version_flag = true)]
pub(crate) struct Nb201Cli {
    /// Output file; written atomically (temporary file, fsync, rename).
    out: PathBuf,
    /// Release to imitate: v1_0 (2.2 GB at full size) or v1_1 (4.7 GB).
    #[arg(long, value_name = "v1_0|v1_1", default_value = "v1_1")]
    version: Version,
    /// Archs in arch2infos/evaluated_indexes, spread evenly over the meta list (first and last
    /// included) [default: all of --meta-archs]
    #[arg(long)]
    archs: Option<usize>,
    /// Exactly these benchmark indexes instead of --archs (comma-separated).
    #[arg(long, value_name = "I,J,...", value_delimiter = ',')]
    indexes: Option<Vec<usize>>,
    /// Length of meta_archs (its first entries in benchmark order); 15625 as in the real files.
    #[arg(long, value_name = "M", default_value_t = TOTAL)]
    meta_archs: usize,
    /// Seed of every value: same options, same bytes.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Epochs of the full and less runs (real: 200,12).
    #[arg(long, value_name = "FULL,LESS", value_delimiter = ',', num_args = 1)]
    epochs: Option<Vec<u32>>,
    /// numpy scalar pickling: 1 = numpy.core + int dtype args (the 2020 files), 2 = numpy._core +
    /// bools (numpy 2).
    #[arg(long, value_name = "1|2", default_value = "1")]
    numpy: NumpyStyle,
}

/// Runs `tnb-synth nb201` with `args` (program name first).
pub(crate) fn run(args: Vec<std::ffi::OsString>, err: &mut dyn Write, show_progress: bool) -> u8 {
    crate::run_with(args, err, |cli: &Nb201Cli, err| generate(cli, err, show_progress))
}

fn generate(cli: &Nb201Cli, err: &mut dyn Write, show_progress: bool) -> Result<(), String> {
    let (epochs_full, epochs_less) = match cli.epochs.as_deref() {
        None => (200, 12),
        Some([f, l]) => (*f, *l),
        Some(_) => return Err("--epochs takes two numbers: FULL,LESS".to_owned()),
    };
    let options = Options {
        version: cli.version,
        archs: cli.archs.unwrap_or(cli.meta_archs),
        indexes: cli.indexes.clone(),
        meta_archs: cli.meta_archs,
        seed: cli.seed,
        epochs_full,
        epochs_less,
        numpy: cli.numpy,
    };
    let start = Instant::now();
    let synth = Synth::new(options).map_err(|e| e.to_string())?;
    let total = synth.arch2infos_order().len() as u64;
    let result =
        crate::with_progress(total, show_progress, |progress| synth.write_file(&cli.out, progress));
    let written = result.map_err(|e| e.to_string())?;
    let version = match cli.version {
        Version::V1_0 => "v1_0",
        Version::V1_1 => "v1_1",
    };
    let _ = writeln!(
        err,
        "wrote {}: NAS-Bench-201 {version} look-alike, {total} archs of {} in meta_archs, {} bytes, {} memo entries, torch legacy, in {:.2} s",
        cli.out.display(),
        cli.meta_archs,
        written.bytes,
        written.memo_entries,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
