//! The `.tnb` archive format: a fixed header followed by an rkyv payload.
//!
//! The byte-level specification, including the compatibility promise, is `schema/FORMAT.md`;
//! this crate is its executable form:
//! - [`header`]: the 128-byte header (magic, version, flags, schema hash, payload position and
//!   checksum, provenance), its encoding and its checks, with the exact error texts;
//! - [`file`]: opening input files (regular files only, never blocking), for every crate that
//!   reads a path;
//! - one module per benchmark family with its archived types: [`transnas`], [`nb201`],
//!   [`nb101`] (a section table of plain arrays).
//!
//! ```
//! use tnb_schema::header::{Header, HEADER_LEN};
//! let payload = [0u8; 16];
//! let h = Header::new(16, crc32fast::hash(&payload), 10, [7; 32], "tnb-convert 0.1.0");
//! let mut file = h.encode().to_vec();
//! file.extend_from_slice(&payload);
//! let back = Header::decode(&file)?;
//! assert_eq!(back.payload(&file).len(), 16);
//! back.check_payload(&file)?;
//! # Ok::<(), tnb_schema::header::HeaderError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod file;
pub mod header;
pub mod nb101;
pub mod nb201;
pub mod transnas;

/// 64-bit FNV-1a, for each family's schema hash (e.g. [`transnas::SCHEMA_HASH`]).
pub const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_known_values() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
