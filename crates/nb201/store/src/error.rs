//! Errors of opening an archive and of reading it.

use std::fmt;

pub use tnb_mapped::open::OpenError;

/// A read that found the archive inconsistent (only a crafted or corrupted archive that passed
/// the open checks gets here: open checks table lengths, every index is checked where used).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Corrupt(pub &'static str);

impl fmt::Display for Corrupt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "corrupted tnb archive: {}", self.0)
    }
}

impl std::error::Error for Corrupt {}
