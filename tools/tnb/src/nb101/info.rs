//! `tnb info` of a NAS-Bench-101 archive: header, provenance and counts.

use std::io::Write;

use crate::cmd::convert::json_str;
use crate::cmd::info::Args;
use crate::fail::Fail;
use crate::shown;

/// Runs `tnb info` on an NB101 archive.
pub fn run(args: &Args) -> Result<(), Fail> {
    let s = crate::nb101::open(&args.file)?;
    let h = s.header();
    let size = s.bytes().len() as u64;
    let ratio = size as f64 / h.source_size.max(1) as f64;
    let epochs: Vec<String> = s.valid_epochs().iter().map(i64::to_string).collect();
    let set = tnb_nb101_api::set_str(s.valid_epochs());
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{{\"file\": {}, \"family\": \"{}\", \"file_bytes\": {size}, \"format_version\": {}, \
             \"flags\": {}, \"schema_hash\": \"{:016x}\", \"payload_offset\": {}, \
             \"payload_bytes\": {}, \"payload_crc32\": \"{:08x}\", \"source_bytes\": {}, \
             \"source_sha256\": \"{}\", \"ratio\": {ratio:.4}, \"converter\": {}, \"cells\": {}, \
             \"runs\": {}, \"valid_epochs\": [{}], \"valid_epochs_str\": {}}}",
            json_str(&args.file.display().to_string()),
            crate::nb101::NAME,
            h.version,
            h.flags,
            h.schema_hash,
            h.payload_offset,
            h.payload_len,
            h.payload_crc32,
            h.source_size,
            h.source_sha256_hex(),
            json_str(&h.converter),
            s.cells(),
            s.runs(),
            epochs.join(", "),
            json_str(&set)
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{}: tnb archive, {}, format v{} (checksum ok)",
        shown::path(&args.file),
        crate::nb101::NAME,
        h.version
    )?;
    writeln!(
        out,
        "  size       {size} bytes (payload {} at offset {}, crc32 {:08x}), {ratio:.2}x the source",
        h.payload_len, h.payload_offset, h.payload_crc32
    )?;
    writeln!(out, "  schema     {:016x}, flags {:#x}", h.schema_hash, h.flags)?;
    writeln!(out, "  source     {} bytes, sha256 {}", h.source_size, h.source_sha256_hex())?;
    writeln!(out, "  converter  {}", shown::text(&h.converter))?;
    writeln!(out, "  cells      {}", s.cells())?;
    writeln!(out, "  runs       {} (cell x budget x repeat)", s.runs())?;
    writeln!(out, "  epochs     {} (file order; valid_epochs prints {set})", epochs.join(", "))?;
    Ok(())
}
