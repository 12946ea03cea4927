//! Reading input files.

use std::path::Path;

use tnb_convert::SourceBytes;

use crate::fail::Fail;

/// Reads a whole file (into huge-page-backed memory where the kernel allows: see
/// `tnb_convert::read_file`), with an error naming it.
pub fn read(path: &Path) -> Result<SourceBytes, Fail> {
    tnb_convert::read_file(path).map_err(|e| match e {
        tnb_convert::Error::Io { error, .. } => {
            Fail::input(format!("cannot read {}: {error}", path.display()))
        }
        other => Fail::input(format!("cannot read {}: {other}", path.display())),
    })
}
