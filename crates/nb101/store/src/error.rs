//! Errors of opening an archive ([`OpenError`], shared by every family) and of reading one.

use std::fmt;

pub use tnb_mapped::open::OpenError;

/// A read that found the archive inconsistent: only a crafted or corrupted archive that passed
/// the open checks gets here (open checks the section table in constant time; every offset,
/// id and row read from the sections is checked where it is used), or a row that is not one of
/// the archive's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Corrupt(pub &'static str);

impl fmt::Display for Corrupt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "corrupted tnb archive: {}", self.0)
    }
}

impl std::error::Error for Corrupt {}

/// A row argument past the archive's cells (a caller's mistake, reported without panicking).
pub(crate) const BAD_ROW: Corrupt = Corrupt("a row is out of range (not a row of this archive)");
