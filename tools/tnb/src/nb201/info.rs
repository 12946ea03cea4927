//! `tnb info` of a NAS-Bench-201 archive: the family, header, provenance and counts.

use std::io::Write;

use crate::cmd::convert::json_str;
use crate::cmd::info::Args;
use crate::fail::Fail;
use crate::shown;

/// Runs `tnb info` on an NB201 archive.
pub fn run(args: &Args) -> Result<(), Fail> {
    let a = crate::nb201::open(&args.file)?;
    let h = a.header();
    let c = a.counts().map_err(crate::nb201::corrupt(&args.file))?;
    let size = a.bytes().len() as u64;
    let ratio = size as f64 / h.source_size.max(1) as f64;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{{\"file\": {}, \"family\": \"{}\", \"folder\": {}, \"file_bytes\": {size}, \"format_version\": {}, \
             \"flags\": {}, \"schema_hash\": \"{:016x}\", \"payload_offset\": {}, \
             \"payload_bytes\": {}, \"payload_crc32\": \"{:08x}\", \"source_bytes\": {}, \
             \"source_sha256\": \"{}\", \"ratio\": {ratio:.4}, \"converter\": {}, \"archs\": {}, \
             \"evaluated\": {}, \"entries\": {}, \"runs\": {}, \"cells\": {}, \"keysets\": {}, \
             \"strings\": {}, \"root_bytes\": {}, \"generic_nodes\": {}}}",
            json_str(&args.file.display().to_string()),
            crate::nb201::name_of(&a),
            matches!(a.form(), Ok(tnb_nb201_store::SourceForm::Folder)),
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
            c.evaluated,
            c.entries,
            c.runs,
            c.cells,
            c.keysets,
            c.strings,
            c.root_len,
            c.generic_nodes
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{}: tnb archive, {}, format v{} (checksum ok)",
        shown::path(&args.file),
        crate::nb201::name_of(&a),
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
    writeln!(
        out,
        "  archs      {} in meta_archs, {} evaluated, {} entries in arch2infos",
        c.archs, c.evaluated, c.entries
    )?;
    let form = match a.form().map_err(crate::nb201::corrupt(&args.file))? {
        tnb_nb201_store::SourceForm::Object => "one object (arch2infos in the top-level dict)",
        tnb_nb201_store::SourceForm::Folder => "a -simple folder (meta file + one file per arch)",
    };
    writeln!(out, "  source of  {form}")?;
    writeln!(out, "  runs       {} (dataset x seed results, every hp)", c.runs)?;
    writeln!(
        out,
        "  stored     {} numbers (8-byte cells), {} key lists, {} strings, root {} bytes",
        c.cells, c.keysets, c.strings, c.root_len
    )?;
    if c.generic_nodes > 0 {
        writeln!(out, "  other      {} values kept as generic nodes", c.generic_nodes)?;
    }
    Ok(())
}
