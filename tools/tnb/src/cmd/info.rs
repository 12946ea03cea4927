//! `tnb info FILE`: header, provenance and counts of an archive.

use std::io::Write;
use std::path::PathBuf;

use crate::archive;
use crate::cmd::convert::json_str;
use crate::fail::Fail;
use crate::shown;

/// Arguments of `tnb info`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A .tnb archive.
    pub file: PathBuf,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Runs `tnb info`.
pub fn run(args: Args) -> Result<(), Fail> {
    if crate::nb101::is_nb101_archive(&args.file) {
        return crate::nb101::info::run(&args);
    }
    if crate::nb201::detect::is_nb201_archive(&args.file) {
        return crate::nb201::info::run(&args);
    }
    let store = archive::open(&args.file)?;
    let h = store.header();
    let c = store.counts().map_err(|e| Fail::input(format!("{}: {e}", args.file.display())))?;
    let mut out = std::io::stdout().lock();
    let spaces: Vec<(String, usize)> = c.spaces.clone();
    if args.json {
        let sp: Vec<String> = spaces.iter().map(|(n, k)| format!("{}: {k}", json_str(n))).collect();
        let tasks: Vec<String> = c
            .tasks
            .iter()
            .map(|(n, m, e)| format!("{}: {{\"metrics\": {m}, \"values\": {e}}}", json_str(n)))
            .collect();
        writeln!(
            out,
            "{{\"file\": {}, \"file_bytes\": {}, \"format_version\": {}, \"flags\": {}, \"schema_hash\": \"{:016x}\", \
             \"payload_offset\": {}, \"payload_bytes\": {}, \"payload_crc32\": \"{:08x}\", \"source_bytes\": {}, \
             \"source_sha256\": \"{}\", \"converter\": {}, \"archs\": {}, \"spaces\": {{{}}}, \"tasks\": {{{}}}, \
             \"info_names\": {}, \"generic_nodes\": {}}}",
            json_str(&args.file.display().to_string()),
            store.bytes().len(),
            h.version,
            h.flags,
            h.schema_hash,
            h.payload_offset,
            h.payload_len,
            h.payload_crc32,
            h.source_size,
            h.source_sha256_hex(),
            json_str(&h.converter),
            c.archs,
            sp.join(", "),
            tasks.join(", "),
            c.infos,
            c.generic_nodes
        )?;
        return Ok(());
    }
    // Names from the file and the file's own name are shown escaped (`shown`).
    writeln!(out, "{}: tnb archive, format v{} (checksum ok)", shown::path(&args.file), h.version)?;
    writeln!(
        out,
        "  size       {} bytes (payload {} at offset {}, crc32 {:08x})",
        store.bytes().len(),
        h.payload_len,
        h.payload_offset,
        h.payload_crc32
    )?;
    writeln!(out, "  schema     {:016x}, flags {:#x}", h.schema_hash, h.flags)?;
    writeln!(out, "  source     {} bytes, sha256 {}", h.source_size, h.source_sha256_hex())?;
    writeln!(out, "  converter  {}", shown::text(&h.converter))?;
    let sp: Vec<String> = spaces.iter().map(|(n, k)| format!("{} {k}", shown::text(n))).collect();
    writeln!(out, "  archs      {} ({})", c.archs, sp.join(", "))?;
    for (n, m, e) in &c.tasks {
        writeln!(out, "  task       {}: {m} metrics, {e} values per metric", shown::text(n))?;
    }
    writeln!(out, "  infos      {}", c.infos)?;
    if c.generic_nodes > 0 {
        writeln!(out, "  other      {} values outside the columns", c.generic_nodes)?;
    }
    Ok(())
}
