//! Reading input files.

use std::path::Path;

use crate::fail::Fail;

/// Reads a whole file, with an error naming it.
pub fn read(path: &Path) -> Result<Vec<u8>, Fail> {
    std::fs::read(path).map_err(|e| Fail::input(format!("cannot read {}: {e}", path.display())))
}
