//! Bounded bz2 decoding for untrusted files (NATS-Bench's `.pickle.pbz2`): every decoder here
//! stops with an error as soon as its output passes the caller's limit, so a bz2 bomb (a small
//! file that expands enormously) costs at most `limit` bytes of memory and the time to decode
//! them. Decoding is `bzip2`'s pure-Rust port of libbzip2 (`libbz2-rs-sys`, no C).
//!
//! ```
//! use std::io::Write;
//! let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
//! enc.write_all(b"hello").unwrap();
//! let packed = enc.finish().unwrap();
//! assert_eq!(tnb_bz2::decompress(&packed, 5).unwrap(), b"hello");
//! assert!(tnb_bz2::decompress(&packed, 4).is_err());
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::fmt;
use std::io::Read;

/// Why decoding failed.
#[derive(Debug)]
pub enum Error {
    /// The decoded bytes pass the caller's limit (a bz2 bomb, or a file far larger than its kind).
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The stream is not valid bz2 (corrupt, truncated, or not bz2 at all).
    Invalid(std::io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TooLarge { limit } => {
                write!(
                    f,
                    "the bz2 data expands beyond {limit} bytes (refused: the limit for this kind of file)"
                )
            }
            Error::Invalid(e) => write!(f, "invalid bz2 data: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// Decodes all of `bytes` (one or more concatenated bz2 streams, as Python's `bz2.BZ2File`
/// reads them), refusing output beyond `limit` bytes.
pub fn decompress(bytes: &[u8], limit: u64) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let mut dec = bzip2::read::MultiBzDecoder::new(bytes).take(limit.saturating_add(1));
    dec.read_to_end(&mut out).map_err(Error::Invalid)?;
    if out.len() as u64 > limit {
        return Err(Error::TooLarge { limit });
    }
    Ok(out)
}
