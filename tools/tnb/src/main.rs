//! `tnb`: inspect, convert, query and verify TransNAS-Bench-101 and NAS-Bench-201 files (the
//! benchmark is told from the content: `cmd/` holds each verb, `nb201/` its NAS-Bench-201 side).
//!
//! Exit codes: 0 success, 1 a check failed (`verify`), 2 bad usage or bad input. Errors are one
//! line on stderr; a closed stdout pipe ends the program quietly with 0.
#![forbid(unsafe_code)]

mod archive;
mod cmd;
mod fail;
mod input;
mod memory;

mod nb101;
mod nb201;
mod shown;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Fast, safe access to TransNAS-Bench-101 and NAS-Bench-201: convert the torch file once, then
/// query it in nanoseconds.
#[derive(Parser, Debug)]
#[command(name = "tnb", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Convert a .pth (or pickle) into a .tnb archive (same as `tnb-convert`).
    Convert(cmd::convert::Args),
    /// Print a .pth, pickle or .tnb file's whole object as JSON, as Python's json.dumps would.
    Dump(cmd::dump::Args),
    /// Show an archive's header, provenance and counts.
    Info(cmd::info::Args),
    /// Check an archive (and, with --source, every value against its .pth). Exit 1 on mismatch.
    Verify(cmd::verify::Args),
    /// Answer Python API calls given as JSON Lines on stdin, one JSON line out per line in.
    Batch(cmd::batch::Args),
    /// Show one architecture: TransNAS tasks' metrics, or NAS-Bench-201 results per hp and dataset.
    Show(cmd::show::Args),
    /// Rank architectures: TransNAS by a metric's best value (--task --metric), NAS-Bench-201 by
    /// the official find_best (--dataset --metric-on-set).
    Best(cmd::best::Args),
    /// Measure this machine: parse/dump time and peak memory for a .pth, open time, query latencies
    /// and RSS for a .tnb.
    Bench(cmd::bench::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => return fail::usage(&e, "tnb"),
    };
    let result = match cli.command {
        Command::Convert(a) => cmd::convert::run(a),
        Command::Dump(a) => cmd::dump::run(a),
        Command::Info(a) => cmd::info::run(a),
        Command::Verify(a) => cmd::verify::run(a),
        Command::Bench(a) => cmd::bench::run(a),
        Command::Batch(a) => cmd::batch::run(a),
        Command::Show(a) => cmd::show::run(a),
        Command::Best(a) => cmd::best::run(a),
    };
    fail::exit(result)
}
