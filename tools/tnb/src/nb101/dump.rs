//! `tnb dump FILE.tnb [--hash H]` of a NAS-Bench-101 archive: what the official
//! `get_metrics_from_hash(H)` returns, `(fixed_stat, computed_stat)`, as `json.dumps` writes it
//! (the `int8` array as its `.tolist()`, int epochs keys as strings); without `--hash`, every
//! cell in `hash_iterator()` order as one object `{hash: [fixed_stat, computed_stat], ...}`.
//! A `.tfrecord` source prints the same, converted in memory first (as the Python class opens
//! one), so the dump of a source and of its archive can be compared.

use std::io::{BufWriter, Write};
use std::path::Path;

use tnb_nb101_api::{Arg, NasBench, Source, StoreSource};

use crate::fail::Fail;

/// Runs `tnb dump` on an NB101 archive.
pub fn run(path: &Path, hash: Option<&str>) -> Result<(), Fail> {
    print(&crate::nb101::open(path)?, path, hash)
}

/// Runs `tnb dump` on a NAS-Bench-101 TFRecord file.
pub fn run_source(path: &Path, hash: Option<&str>) -> Result<(), Fail> {
    let bytes = std::fs::read(path)
        .map_err(|e| Fail::input(format!("cannot read {}: {e}", path.display())))?;
    let archive =
        tnb_nb101_convert::convert_bytes(&bytes).map_err(|e| Fail::input(e.to_string()))?;
    drop(bytes);
    let store = tnb_nb101_store::Nb101Store::copy_from(&archive)
        .map_err(|e| Fail::input(format!("{}: {e}", path.display())))?;
    print(&store, path, hash)
}

fn print(store: &tnb_nb101_store::Nb101Store, path: &Path, hash: Option<&str>) -> Result<(), Fail> {
    let src = StoreSource::new(store);
    let nb = NasBench::new(&src);
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    if let Some(h) = hash {
        let v = nb.get_metrics_from_hash(Arg::Str(h)).map_err(crate::nb101::api_error(path))?;
        crate::nb101::read_failure(&src, path)?;
        writeln!(out, "{}", v.to_json())?;
        out.flush()?;
        return Ok(());
    }
    out.write_all(b"{")?;
    for row in 0..src.cells() as u32 {
        if row > 0 {
            out.write_all(b", ")?;
        }
        let v = nb.metrics_value(row);
        crate::nb101::read_failure(&src, path)?;
        write!(out, "\"{}\": {}", crate::nb101::hex(&src.hash(row)), v.to_json())?;
    }
    out.write_all(b"}\n")?;
    out.flush()?;
    Ok(())
}
