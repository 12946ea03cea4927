//! Opening archives for the CLI: always with the payload checksum checked (a bit flip is an
//! error here, not a wrong number), errors as one line.

use std::path::Path;

use tnb_store::Store;

use crate::fail::Fail;

/// Whether `bytes` start like a .tnb archive.
pub fn is_archive(bytes: &[u8]) -> bool {
    bytes.starts_with(&tnb_schema::header::MAGIC[..4])
}

/// Opens and fully checks an archive (header, checksum, validation, invariants).
pub fn open(path: &Path) -> Result<Store, Fail> {
    let name = path.display();
    let store = Store::open(path).map_err(|e| Fail::input(format!("{name}: {e}")))?;
    store.verify_checksum().map_err(|e| Fail::input(format!("{name}: {e}")))?;
    Ok(store)
}
