//! Streaming TFRecord framing (length and data CRC-32C checked, lengths never trusted) for
//! untrusted benchmark files.
//!
//! A TFRecord file (TensorFlow's record format, uncompressed) is a sequence of records, each
//!
//! | bytes | what |
//! |---|---|
//! | 8 | `len`, little-endian `u64` |
//! | 4 | [`masked_crc32c`] of those 8 bytes |
//! | `len` | the data |
//! | 4 | [`masked_crc32c`] of the data |
//!
//! [`Reader`] reads them from any [`std::io::Read`] through a large buffer of its own;
//! [`Records`] walks a byte slice. Both check the length's CRC **before** looking at the
//! length, then bound it by [`MAX_RECORD_LEN`], and only then read (or allocate) that many
//! bytes, so a corrupt or hostile length is an [`Error`], never an allocation. Every error is one
//! line naming the record's index and the byte offset of its length field.
//!
//! ```
//! let mut file = Vec::new();
//! tnb_tfrecord::write_record(&mut file, b"hello")?;
//! tnb_tfrecord::write_record(&mut file, b"")?;
//! assert!(tnb_tfrecord::is_tfrecord(&file));
//! let mut r = tnb_tfrecord::Reader::new(&file[..]);
//! let mut buf = Vec::new();
//! let at = r.next_into(&mut buf)?.unwrap();
//! assert_eq!((at.index, at.offset, at.len, &buf[..]), (0, 0, 5, &b"hello"[..]));
//! assert_eq!(r.next_into(&mut buf)?.unwrap().offset, 21);
//! assert!(r.next_into(&mut buf)?.is_none());
//! let all: Vec<_> = tnb_tfrecord::Records::new(&file).collect::<Result<_, _>>()?;
//! assert_eq!(all[0].1, b"hello");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod read;
mod slice;

use std::io::{self, Write};

pub use error::{Error, Problem};
pub use read::{BUFFER_LEN, Reader};
pub use slice::Records;

/// The longest record accepted: 16 MiB. NAS-Bench-101's records are about 400 bytes; a length
/// beyond this (with a matching length CRC) is refused rather than read.
pub const MAX_RECORD_LEN: u64 = 16 << 20;

/// Bytes of framing before a record's data: the length and its CRC.
pub const HEADER_LEN: usize = 12;

/// Bytes of framing after a record's data: its CRC.
pub const FOOTER_LEN: usize = 4;

/// TensorFlow's masking constant (`kMaskDelta`).
const MASK_DELTA: u32 = 0xa282_ead8;

/// TensorFlow's masked CRC-32C (Castagnoli) of `bytes`: the CRC rotated right by 15 bits plus
/// `0xa282ead8` (mod 2^32). Masking keeps the CRC of data that itself holds CRCs meaningful.
pub fn masked_crc32c(bytes: &[u8]) -> u32 {
    let crc = crc32c::crc32c(bytes);
    crc.rotate_right(15).wrapping_add(MASK_DELTA)
}

/// Where a record is: its index in the file (from 0), the byte offset of its length field, and
/// its data length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordAt {
    /// Index of the record in the file, from 0.
    pub index: u64,
    /// Byte offset of the record's length field.
    pub offset: u64,
    /// Length of the record's data.
    pub len: u64,
}

impl RecordAt {
    /// Byte offset just past the record (its data CRC).
    pub fn end(&self) -> u64 {
        self.offset + HEADER_LEN as u64 + self.len + FOOTER_LEN as u64
    }
}

/// Whether `prefix` (the first bytes of a file, at least 12) starts like a TFRecord file: a
/// length no greater than [`MAX_RECORD_LEN`] whose masked CRC-32C matches. A random file passes
/// by chance with probability about 2^-32 × the bound's share.
pub fn is_tfrecord(prefix: &[u8]) -> bool {
    match prefix.get(..HEADER_LEN) {
        Some(h) => check_header(h, 0, 0).is_ok(),
        None => false,
    }
}

/// Writes one record as TensorFlow does (length, its masked CRC, the data, its masked CRC).
pub fn write_record(w: &mut impl Write, data: &[u8]) -> io::Result<()> {
    let len = (data.len() as u64).to_le_bytes();
    w.write_all(&len)?;
    w.write_all(&masked_crc32c(&len).to_le_bytes())?;
    w.write_all(data)?;
    w.write_all(&masked_crc32c(data).to_le_bytes())
}

/// The data length a 12-byte header states, once its CRC matches and it is within the bound.
fn check_header(h: &[u8], index: u64, offset: u64) -> Result<u64, Error> {
    let len_bytes: [u8; 8] = h[..8].try_into().expect("8 bytes");
    let stored = u32::from_le_bytes(h[8..12].try_into().expect("4 bytes"));
    let computed = masked_crc32c(&len_bytes);
    if stored != computed {
        return Err(Error::new(index, offset, Problem::LengthCrc { stored, computed }));
    }
    let len = u64::from_le_bytes(len_bytes);
    if len > MAX_RECORD_LEN {
        return Err(Error::new(index, offset, Problem::TooLong { len }));
    }
    Ok(len)
}

/// Checks a record's data against its stored CRC.
fn check_data(data: &[u8], crc: &[u8], index: u64, offset: u64) -> Result<(), Error> {
    let stored = u32::from_le_bytes(crc.try_into().expect("4 bytes"));
    let computed = masked_crc32c(data);
    if stored != computed {
        return Err(Error::new(index, offset, Problem::DataCrc { stored, computed }));
    }
    Ok(())
}
