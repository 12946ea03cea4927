//! `tnb dump FILE`: the whole object as one JSON document.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use tnb_api::{Event, JsonSinkError, WalkError};
use tnb_pth::JsonError;

use crate::fail::Fail;
use crate::input;

/// Arguments of `tnb dump`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A .pth file (zip or legacy), a bare pickle, a NATS-Bench .pickle.pbz2 file or -simple
    /// folder, or a .tnb archive (detected by content).
    pub file: PathBuf,
    /// Only this arch's entry: `arch2infos[I]` of a NAS-Bench-201 or NATS-Bench archive, or
    /// the file `{I:06d}.pickle.pbz2` of a NATS-Bench folder (the two print the same).
    #[arg(long, value_name = "I", allow_negative_numbers = true)]
    pub arch: Option<i64>,
    /// NAS-Bench-101 (an archive or a .tfrecord): only this cell: what
    /// get_metrics_from_hash(H) returns.
    #[arg(long, value_name = "H")]
    pub hash: Option<String>,
}

/// Runs `tnb dump`.
pub fn run(args: Args) -> Result<(), Fail> {
    crate::memory::prefer_huge_pages(&args.file);
    if crate::nb101::is_nb101_archive(&args.file) {
        return crate::nb101::dump::run(&args.file, args.hash.as_deref());
    }
    if crate::nb101::is_tfrecord(&args.file) {
        return crate::nb101::dump::run_source(&args.file, args.hash.as_deref());
    }
    if args.hash.is_some() {
        return Err(Fail::input(format!(
            "{}: --hash applies to NAS-Bench-101 archives",
            args.file.display()
        )));
    }
    // NAS-Bench-201 (told from the content) is streamed, never read whole.
    if crate::nb201::detect::is_nb201_archive(&args.file) {
        return crate::nb201::dump::archive(&args.file, args.arch);
    }
    if crate::nb201::nats::is_source(&args.file) {
        return crate::nb201::nats_source::dump_source(&args.file, args.arch);
    }
    if args.arch.is_some() {
        return Err(Fail::input(format!(
            "{}: --arch applies to NAS-Bench-201 / NATS-Bench archives and NATS-Bench folders",
            args.file.display()
        )));
    }
    if !crate::cmd::bench::starts_like_archive(&args.file)?
        && crate::nb201::dump::try_source(&args.file)?
    {
        return Ok(());
    }
    let bytes = input::read(&args.file)?;
    if crate::archive::is_archive(&bytes) {
        drop(bytes);
        return dump_archive(&args);
    }
    let doc =
        tnb_pth::load(&bytes).map_err(|e| Fail::input(format!("{}: {e}", args.file.display())))?;
    let stdout = std::io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 16, stdout);
    tnb_pth::write_json(&doc, &mut out).map_err(|e| match e {
        JsonError::Io(e) => Fail::from(e),
        other => Fail::input(format!("{}: {other}", args.file.display())),
    })?;
    out.flush()?;
    Ok(())
}

fn dump_archive(args: &Args) -> Result<(), Fail> {
    let store = crate::archive::open(&args.file)?;
    let name = args.file.display();
    let failed = |e: WalkError<JsonSinkError>| match e {
        WalkError::Sink(JsonSinkError::Io(e)) => Fail::from(e),
        WalkError::Query(q) => Fail::input(format!("{name}: {q}")),
        other => Fail::input(format!("{name}: cannot write as JSON: {other}")),
    };
    // Check the whole walk first (cheap next to formatting) so an error leaves no partial output.
    tnb_api::document(&store, &mut |e| match e {
        Event::Bytes(_) => Err(JsonSinkError::NotJson(tnb_api::BYTES_NOT_JSON)),
        _ => Ok(()),
    })
    .map_err(failed)?;
    let stdout = std::io::stdout().lock();
    let out = BufWriter::with_capacity(1 << 16, stdout);
    let mut out = tnb_api::write_json(&store, out).map_err(failed)?;
    out.flush()?;
    Ok(())
}
