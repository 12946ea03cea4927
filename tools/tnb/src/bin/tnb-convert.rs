//! `tnb-convert IN.pth OUT.tnb`: the same as `tnb convert`.
#![forbid(unsafe_code)]

#[path = "../cmd/convert.rs"]
mod convert;
#[path = "../fail.rs"]
mod fail;
#[path = "../memory.rs"]
mod memory;
#[path = "../shown.rs"]
mod shown;

#[path = "../nb201/for_convert.rs"]
mod nb201;

#[path = "../nb101/for_convert.rs"]
mod nb101;

/// `crate::cmd::convert` as in `tnb`, for the modules both binaries share.
mod cmd {
    pub(crate) use super::convert;
}

use clap::Parser;

/// Convert a TransNAS-Bench-101 or NAS-Bench-201 .pth (or pickle), or a NAS-Bench-101 .tfrecord, into a validated .tnb archive,
/// atomically; the benchmark is told from the content.
#[derive(Parser, Debug)]
#[command(name = "tnb-convert", version, about)]
struct Cli {
    #[command(flatten)]
    args: convert::Args,
}

fn main() -> std::process::ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => return fail::usage(&e, "tnb-convert"),
    };
    fail::exit(convert::run(cli.args))
}
