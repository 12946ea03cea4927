//! The reader's acceptance of an archive file: what a converter must check before it keeps
//! what it wrote.

use std::path::Path;

use tnb_store::Store;

/// Whether the archive at `path` opens: header, validation, the archive's invariants and the
/// payload checksum, exactly as `tnb` opens archives. `Err` is the reader's one-line reason.
/// Pass it to `tnb_convert::convert_file` / `write_file` as their `accept` check.
pub fn opens(path: &Path) -> Result<(), String> {
    let store = Store::open(path).map_err(|e| e.to_string())?;
    store.verify_checksum().map_err(|e| e.to_string())
}
