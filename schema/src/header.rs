//! The fixed 128-byte header (layout in FORMAT.md, "Header").

use std::fmt;

use crate::{FORMAT_VERSION, SCHEMA_HASH};

/// Length of the header; the payload starts right after it (64-byte aligned).
pub const HEADER_LEN: usize = 128;

/// `\x89TNB\r\n\x1a\n`: a high byte so it is not text, the name, then line-ending and EOF bytes
/// that reveal transfers which mangle binary files (the PNG trick).
pub const MAGIC: [u8; 8] = *b"\x89TNB\r\n\x1a\n";

/// Flag: the payload's primitives are little-endian (rkyv `little_endian`).
pub const FLAG_LITTLE_ENDIAN: u32 = 1 << 0;
/// Flag: the payload's primitives are aligned (rkyv `aligned`).
pub const FLAG_ALIGNED: u32 = 1 << 1;
/// Flag: the payload's relative pointers are 32-bit (rkyv `pointer_width_32`).
pub const FLAG_POINTER_32: u32 = 1 << 2;
/// The flags this build writes and accepts.
pub const FLAGS: u32 = FLAG_LITTLE_ENDIAN | FLAG_ALIGNED | FLAG_POINTER_32;

/// Largest payload: rkyv's 32-bit relative pointers reach ±2 GiB.
pub const MAX_PAYLOAD: u64 = i32::MAX as u64;

/// Length of the converter name field.
pub const CONVERTER_LEN: usize = 32;

/// A decoded header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// Format version ([`FORMAT_VERSION`] for archives this build writes).
    pub version: u32,
    /// rkyv format flags ([`FLAGS`]).
    pub flags: u32,
    /// [`SCHEMA_HASH`] of the writer.
    pub schema_hash: u64,
    /// Where the payload starts (always [`HEADER_LEN`] in version 1).
    pub payload_offset: u64,
    /// Payload length in bytes.
    pub payload_len: u64,
    /// CRC-32 (IEEE) of the payload.
    pub payload_crc32: u32,
    /// Size in bytes of the source file the archive was converted from.
    pub source_size: u64,
    /// SHA-256 of the source file.
    pub source_sha256: [u8; 32],
    /// Name and version of the converter (e.g. `tnb-convert 0.1.0`), at most 32 bytes.
    pub converter: String,
}

/// Why a header was refused. The texts are part of the format's promise (FORMAT.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderError {
    /// Fewer bytes than a header.
    TooShort(u64),
    /// Not the magic bytes.
    Magic,
    /// A version this build does not read.
    Version(u32),
    /// The header's own checksum does not match.
    HeaderChecksum,
    /// Flags differ from this build's.
    Flags(u32),
    /// Schema hash differs from this build's.
    Schema(u64),
    /// The payload does not lie exactly in the rest of the file.
    PayloadRange {
        /// Offset from the header.
        offset: u64,
        /// Length from the header.
        len: u64,
        /// Actual file length.
        file: u64,
    },
    /// The payload's checksum does not match.
    PayloadChecksum,
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderError::TooShort(n) => write!(
                f,
                "not a tnb archive: the file is {n} bytes, shorter than the {HEADER_LEN}-byte header"
            ),
            HeaderError::Magic => write!(f, "not a tnb archive (wrong magic bytes)"),
            HeaderError::Version(v) if *v > FORMAT_VERSION => write!(
                f,
                "archive format version {v} is newer than this tnb reads ({FORMAT_VERSION}); upgrade tnb"
            ),
            HeaderError::Version(v) => write!(
                f,
                "archive format version {v} is older than this tnb reads ({FORMAT_VERSION}); \
                 convert the source again with tnb-convert"
            ),
            HeaderError::HeaderChecksum => {
                write!(f, "corrupted tnb archive: header checksum mismatch")
            }
            HeaderError::Flags(x) => write!(
                f,
                "archive flags {x:#x} differ from this build's {FLAGS:#x} (another byte order or \
                 pointer width); convert the source again"
            ),
            HeaderError::Schema(h) => write!(
                f,
                "archive schema {h:016x} differs from this build's {SCHEMA_HASH:016x}; convert the \
                 source again with this tnb-convert"
            ),
            HeaderError::PayloadRange { offset, len, file } => write!(
                f,
                "corrupted tnb archive: header places the payload at {offset}..{} but the file is \
                 {file} bytes (truncated or extended?)",
                offset.saturating_add(*len)
            ),
            HeaderError::PayloadChecksum => {
                write!(f, "corrupted tnb archive: payload checksum mismatch")
            }
        }
    }
}

impl std::error::Error for HeaderError {}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(a)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

impl Header {
    /// A header for a payload this build wrote.
    pub fn new(
        payload_len: u64,
        payload_crc32: u32,
        source_size: u64,
        source_sha256: [u8; 32],
        converter: &str,
    ) -> Header {
        Header {
            version: FORMAT_VERSION,
            flags: FLAGS,
            schema_hash: SCHEMA_HASH,
            payload_offset: HEADER_LEN as u64,
            payload_len,
            payload_crc32,
            source_size,
            source_sha256,
            converter: converter.to_owned(),
        }
    }

    /// The 128 bytes (see FORMAT.md). A converter name longer than 32 bytes is cut at a
    /// character boundary.
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[0..8].copy_from_slice(&MAGIC);
        b[8..12].copy_from_slice(&self.version.to_le_bytes());
        b[12..16].copy_from_slice(&self.flags.to_le_bytes());
        b[16..24].copy_from_slice(&self.schema_hash.to_le_bytes());
        b[24..32].copy_from_slice(&self.payload_offset.to_le_bytes());
        b[32..40].copy_from_slice(&self.payload_len.to_le_bytes());
        b[40..44].copy_from_slice(&self.payload_crc32.to_le_bytes());
        // 44..48 reserved, zero
        b[48..56].copy_from_slice(&self.source_size.to_le_bytes());
        b[56..88].copy_from_slice(&self.source_sha256);
        let mut name = self.converter.as_str();
        while name.len() > CONVERTER_LEN {
            let mut cut = CONVERTER_LEN;
            while !name.is_char_boundary(cut) {
                cut -= 1;
            }
            name = &name[..cut];
        }
        b[88..88 + name.len()].copy_from_slice(name.as_bytes());
        // 120..124 reserved, zero
        let crc = crc32fast::hash(&b[..124]);
        b[124..128].copy_from_slice(&crc.to_le_bytes());
        b
    }

    /// Decodes and checks the header at the start of `file` against this build, and checks that
    /// the payload is exactly the rest of the file. Does not check the payload's checksum (see
    /// [`Header::check_payload`]): that costs a pass over the payload.
    pub fn decode(file: &[u8]) -> Result<Header, HeaderError> {
        let len = file.len() as u64;
        if file.len() < HEADER_LEN {
            // A short file that is not even the start of the magic is better called foreign.
            if !MAGIC.starts_with(&file[..file.len().min(8)]) {
                return Err(HeaderError::Magic);
            }
            return Err(HeaderError::TooShort(len));
        }
        let b = &file[..HEADER_LEN];
        if b[0..8] != MAGIC {
            return Err(HeaderError::Magic);
        }
        // The version is read before the checksum so that a newer format, whose header may be
        // laid out differently, is reported as such rather than as corruption.
        let version = u32_at(b, 8);
        if version != FORMAT_VERSION {
            return Err(HeaderError::Version(version));
        }
        if crc32fast::hash(&b[..124]) != u32_at(b, 124) {
            return Err(HeaderError::HeaderChecksum);
        }
        let flags = u32_at(b, 12);
        if flags != FLAGS {
            return Err(HeaderError::Flags(flags));
        }
        let schema_hash = u64_at(b, 16);
        if schema_hash != SCHEMA_HASH {
            return Err(HeaderError::Schema(schema_hash));
        }
        let payload_offset = u64_at(b, 24);
        let payload_len = u64_at(b, 32);
        let fits = payload_offset == HEADER_LEN as u64
            && payload_len <= MAX_PAYLOAD
            && payload_offset.checked_add(payload_len) == Some(len);
        if !fits {
            return Err(HeaderError::PayloadRange {
                offset: payload_offset,
                len: payload_len,
                file: len,
            });
        }
        let mut sha = [0u8; 32];
        sha.copy_from_slice(&b[56..88]);
        let name = &b[88..120];
        let end = name.iter().position(|&c| c == 0).unwrap_or(name.len());
        Ok(Header {
            version,
            flags,
            schema_hash,
            payload_offset,
            payload_len,
            payload_crc32: u32_at(b, 40),
            source_size: u64_at(b, 48),
            source_sha256: sha,
            converter: String::from_utf8_lossy(&name[..end]).into_owned(),
        })
    }

    /// The payload slice of `file` (whose header this is).
    pub fn payload<'f>(&self, file: &'f [u8]) -> &'f [u8] {
        let start = (self.payload_offset as usize).min(file.len());
        let end = start.saturating_add(self.payload_len as usize).min(file.len());
        &file[start..end]
    }

    /// Checks the payload's CRC-32 (a pass over the whole payload: about 10 ms per 100 MB).
    pub fn check_payload(&self, file: &[u8]) -> Result<(), HeaderError> {
        if crc32fast::hash(self.payload(file)) == self.payload_crc32 {
            Ok(())
        } else {
            Err(HeaderError::PayloadChecksum)
        }
    }

    /// The source SHA-256 as lowercase hex.
    pub fn source_sha256_hex(&self) -> String {
        self.source_sha256.iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(payload: &[u8]) -> Vec<u8> {
        let h = Header::new(payload.len() as u64, crc32fast::hash(payload), 99, [3; 32], "t");
        let mut f = h.encode().to_vec();
        f.extend_from_slice(payload);
        f
    }

    #[test]
    fn round_trip_and_payload_checks() {
        let f = file(b"0123456789abcdef");
        let h = Header::decode(&f).unwrap();
        assert_eq!(h.payload(&f), b"0123456789abcdef");
        assert_eq!(h.source_size, 99);
        assert_eq!(h.converter, "t");
        h.check_payload(&f).unwrap();
        let mut bad = f.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(
            Header::decode(&bad).unwrap().check_payload(&bad),
            Err(HeaderError::PayloadChecksum)
        );
    }

    #[test]
    fn every_header_corruption_is_named() {
        let f = file(b"abcd");
        assert_eq!(Header::decode(&f[..10]), Err(HeaderError::TooShort(10)));
        assert_eq!(Header::decode(b"PK\x03\x04"), Err(HeaderError::Magic));
        let e = Header::decode(&f[..f.len() - 1]).unwrap_err().to_string();
        assert!(e.contains("truncated"), "{e}");
        let mut ext = f.clone();
        ext.push(0);
        assert!(matches!(Header::decode(&ext), Err(HeaderError::PayloadRange { .. })));
        for byte in 0..HEADER_LEN {
            let mut g = f.clone();
            g[byte] ^= 0x10;
            assert!(Header::decode(&g).is_err(), "flip in header byte {byte} went unnoticed");
        }
        let mut newer = f.clone();
        newer[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
        let e = Header::decode(&newer).unwrap_err().to_string();
        assert!(e.contains("newer") && e.contains("upgrade"), "{e}");
        let mut older = f;
        older[8..12].copy_from_slice(&0u32.to_le_bytes());
        let e = Header::decode(&older).unwrap_err().to_string();
        assert!(e.contains("older") && e.contains("tnb-convert"), "{e}");
    }

    #[test]
    fn converter_names_are_cut_at_char_boundaries() {
        let h = Header::new(0, 0, 0, [0; 32], &"é".repeat(40));
        let f = h.encode();
        let back = Header::decode(&f).unwrap();
        assert_eq!(back.converter, "é".repeat(16));
    }
}
