//! The fixed 128-byte header (layout in FORMAT.md, "Header").

use std::fmt;

use crate::{nb101, nb201, transnas};

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

/// Largest TransNAS payload: rkyv's 32-bit relative pointers reach ±2 GiB, and the whole
/// TransNAS payload is one rkyv buffer. (NB201 payloads: [`Family::max_payload`].)
pub const MAX_PAYLOAD: u64 = i32::MAX as u64;

/// Largest NAS-Bench-201 payload: its big sections are raw arrays addressed by u64 offsets (only
/// the small rkyv root must stay under 2 GiB), so the bound is what a file offset can say. The
/// NAS-Bench-101 payload (plain arrays, u64 offsets) has the same bound.
pub const MAX_PAYLOAD_NB201: u64 = i64::MAX as u64 - HEADER_LEN as u64;

/// The benchmark family an archive holds (header bytes 44..48, u32 little-endian). Each family
/// has its own payload types, format version and schema hash; the header layout is shared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// TransNAS-Bench-101 (`0`: the bytes archives written before families existed hold).
    TransNas,
    /// NAS-Bench-201 (`1`).
    Nb201,
    /// NATS-Bench's topology space, tss (`2`): NB201's payload format (FORMAT-NB201.md).
    NatsTss,
    /// NATS-Bench's size space, sss (`3`): NB201's payload format (FORMAT-NB201.md).
    NatsSss,
    /// NAS-Bench-101 (`4`): its own payload format (FORMAT-NB101.md).
    Nb101,
}

impl Family {
    /// Every family, by code.
    pub const ALL: [Family; 5] =
        [Family::TransNas, Family::Nb201, Family::NatsTss, Family::NatsSss, Family::Nb101];

    /// The families whose payload is the NB201 format (FORMAT-NB201.md), all read by the NB201
    /// store: NAS-Bench-201 and both NATS-Bench spaces (the same ArchResults layout).
    pub const NB201_FORMAT: [Family; 3] = [Family::Nb201, Family::NatsTss, Family::NatsSss];

    /// Whether the family's payload is the NB201 format (see [`Family::NB201_FORMAT`]).
    pub const fn is_nb201_format(self) -> bool {
        matches!(self, Family::Nb201 | Family::NatsTss | Family::NatsSss)
    }

    /// The code in header bytes 44..48.
    pub const fn code(self) -> u32 {
        match self {
            Family::TransNas => 0,
            Family::Nb201 => 1,
            Family::NatsTss => 2,
            Family::NatsSss => 3,
            Family::Nb101 => 4,
        }
    }

    /// The family of a header code, if this build knows it.
    pub const fn from_code(code: u32) -> Option<Family> {
        match code {
            0 => Some(Family::TransNas),
            1 => Some(Family::Nb201),
            2 => Some(Family::NatsTss),
            3 => Some(Family::NatsSss),
            4 => Some(Family::Nb101),
            _ => None,
        }
    }

    /// The benchmark's name, for messages.
    pub const fn name(self) -> &'static str {
        match self {
            Family::TransNas => "TransNAS-Bench-101",
            Family::Nb201 => "NAS-Bench-201",
            Family::NatsTss => "NATS-Bench topology (tss)",
            Family::NatsSss => "NATS-Bench size (sss)",
            Family::Nb101 => "NAS-Bench-101",
        }
    }

    /// The payload format version this build writes and reads for the family.
    pub const fn version(self) -> u32 {
        match self {
            Family::TransNas => transnas::FORMAT_VERSION,
            Family::Nb201 | Family::NatsTss | Family::NatsSss => nb201::FORMAT_VERSION,
            Family::Nb101 => nb101::FORMAT_VERSION,
        }
    }

    /// The family's schema hash (FNV-1a of its schema text).
    pub const fn schema_hash(self) -> u64 {
        match self {
            Family::TransNas => transnas::SCHEMA_HASH,
            Family::Nb201 | Family::NatsTss | Family::NatsSss => nb201::SCHEMA_HASH,
            Family::Nb101 => nb101::SCHEMA_HASH,
        }
    }

    /// The largest payload the family's format can address.
    pub const fn max_payload(self) -> u64 {
        match self {
            Family::TransNas => MAX_PAYLOAD,
            Family::Nb201 | Family::NatsTss | Family::NatsSss => MAX_PAYLOAD_NB201,
            // Also raw arrays addressed by u64 offsets (FORMAT-NB101.md).
            Family::Nb101 => MAX_PAYLOAD_NB201,
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Length of the converter name field.
pub const CONVERTER_LEN: usize = 32;

// Where each field sits: FORMAT.md's header table, row by row. Every field's length follows from
// the next one's offset; the `const` block below checks that the table has no gap or overlap.

/// Offset of the magic bytes ([`MAGIC`], 8 bytes).
pub const MAGIC_AT: usize = 0;
/// Offset of the format version (u32).
pub const VERSION_AT: usize = 8;
/// Offset of the flags (u32).
pub const FLAGS_AT: usize = 12;
/// Offset of the schema hash (u64).
pub const SCHEMA_HASH_AT: usize = 16;
/// Offset of the payload offset (u64).
pub const PAYLOAD_OFFSET_AT: usize = 24;
/// Offset of the payload length (u64).
pub const PAYLOAD_LEN_AT: usize = 32;
/// Offset of the payload CRC-32 (u32).
pub const PAYLOAD_CRC_AT: usize = 40;
/// Offset of the benchmark family (u32, [`Family::code`]); zero (TransNAS) in archives written
/// before families existed, where these bytes were reserved.
pub const FAMILY_AT: usize = 44;
/// Offset of the source size (u64).
pub const SOURCE_SIZE_AT: usize = 48;
/// Offset of the source SHA-256 (32 bytes).
pub const SOURCE_SHA256_AT: usize = 56;
/// Offset of the converter name ([`CONVERTER_LEN`] bytes, NUL-padded UTF-8).
pub const CONVERTER_AT: usize = 88;
/// The second reserved field (4 bytes, zero).
pub const RESERVED_2: std::ops::Range<usize> = 120..124;
/// Offset of the header CRC-32 (u32): the checksum of every byte before it.
pub const HEADER_CRC_AT: usize = 124;

// The table above is contiguous and ends at the header's length.
const _: () = {
    assert!(MAGIC_AT + MAGIC.len() == VERSION_AT);
    assert!(VERSION_AT + 4 == FLAGS_AT);
    assert!(FLAGS_AT + 4 == SCHEMA_HASH_AT);
    assert!(SCHEMA_HASH_AT + 8 == PAYLOAD_OFFSET_AT);
    assert!(PAYLOAD_OFFSET_AT + 8 == PAYLOAD_LEN_AT);
    assert!(PAYLOAD_LEN_AT + 8 == PAYLOAD_CRC_AT);
    assert!(PAYLOAD_CRC_AT + 4 == FAMILY_AT);
    assert!(FAMILY_AT + 4 == SOURCE_SIZE_AT);
    assert!(SOURCE_SIZE_AT + 8 == SOURCE_SHA256_AT);
    assert!(SOURCE_SHA256_AT + 32 == CONVERTER_AT);
    assert!(CONVERTER_AT + CONVERTER_LEN == RESERVED_2.start);
    assert!(RESERVED_2.end == HEADER_CRC_AT);
    assert!(HEADER_CRC_AT + 4 == HEADER_LEN);
};

/// A decoded header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The benchmark family (which payload types follow).
    pub family: Family,
    /// Format version ([`Family::version`] for archives this build writes).
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
#[non_exhaustive]
pub enum HeaderError {
    /// Fewer bytes than a header.
    TooShort(u64),
    /// Not the magic bytes.
    Magic,
    /// A version this build does not read for the family.
    Version(Family, u32),
    /// A family code this build does not know.
    UnknownFamily(u32),
    /// The archive holds another benchmark family than the reader expects.
    WrongFamily {
        /// The family the header names.
        found: Family,
        /// The family the reader reads.
        expected: Family,
    },
    /// The header's own checksum does not match.
    HeaderChecksum,
    /// A reserved header field is not zero (its byte range).
    Reserved {
        /// First byte of the field.
        start: usize,
        /// One past its last byte.
        end: usize,
    },
    /// Flags differ from this build's.
    Flags(u32),
    /// Schema hash differs from this build's for the family.
    Schema(Family, u64),
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
            HeaderError::Version(fam, v) if *v > fam.version() => write!(
                f,
                "archive format version {v} is newer than this tnb reads ({}); upgrade tnb",
                fam.version()
            ),
            HeaderError::Version(fam, v) => write!(
                f,
                "archive format version {v} is older than this tnb reads ({}); \
                 convert the source again with tnb-convert",
                fam.version()
            ),
            HeaderError::UnknownFamily(c) => write!(
                f,
                "not a tnb archive this build reads: header bytes 44..48 name benchmark family {c}, \
                 which this build does not know (a newer or foreign writer?); upgrade tnb"
            ),
            HeaderError::WrongFamily { found, expected } => write!(
                f,
                "this is a {found} archive, not a {expected} one: open it with tnb's {found} \
                 reader (tnb detects the family by itself)"
            ),
            HeaderError::HeaderChecksum => {
                write!(f, "corrupted tnb archive: header checksum mismatch")
            }
            HeaderError::Reserved { start, end } => write!(
                f,
                "not a tnb archive this build reads: reserved header bytes {start}..{end} are not \
                 zero (a newer or foreign writer?); convert the source again with tnb-convert"
            ),
            HeaderError::Flags(x) => write!(
                f,
                "archive flags {x:#x} differ from this build's {FLAGS:#x} (another byte order or \
                 pointer width); convert the source again"
            ),
            HeaderError::Schema(fam, h) => write!(
                f,
                "archive schema {h:016x} differs from this build's {:016x}; convert the \
                 source again with this tnb-convert",
                fam.schema_hash()
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

fn put(b: &mut [u8; HEADER_LEN], at: usize, bytes: &[u8]) {
    b[at..at + bytes.len()].copy_from_slice(bytes);
}

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
    /// A header for a TransNAS payload this build wrote.
    pub fn new(
        payload_len: u64,
        payload_crc32: u32,
        source_size: u64,
        source_sha256: [u8; 32],
        converter: &str,
    ) -> Header {
        Header::new_family(
            Family::TransNas,
            payload_len,
            payload_crc32,
            source_size,
            source_sha256,
            converter,
        )
    }

    /// A header for a payload of `family` this build wrote.
    pub fn new_family(
        family: Family,
        payload_len: u64,
        payload_crc32: u32,
        source_size: u64,
        source_sha256: [u8; 32],
        converter: &str,
    ) -> Header {
        Header {
            family,
            version: family.version(),
            flags: FLAGS,
            schema_hash: family.schema_hash(),
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
        put(&mut b, MAGIC_AT, &MAGIC);
        put(&mut b, VERSION_AT, &self.version.to_le_bytes());
        put(&mut b, FLAGS_AT, &self.flags.to_le_bytes());
        put(&mut b, SCHEMA_HASH_AT, &self.schema_hash.to_le_bytes());
        put(&mut b, PAYLOAD_OFFSET_AT, &self.payload_offset.to_le_bytes());
        put(&mut b, PAYLOAD_LEN_AT, &self.payload_len.to_le_bytes());
        put(&mut b, PAYLOAD_CRC_AT, &self.payload_crc32.to_le_bytes());
        put(&mut b, FAMILY_AT, &self.family.code().to_le_bytes());
        put(&mut b, SOURCE_SIZE_AT, &self.source_size.to_le_bytes());
        put(&mut b, SOURCE_SHA256_AT, &self.source_sha256);
        let mut name = self.converter.as_str();
        while name.len() > CONVERTER_LEN {
            let mut cut = CONVERTER_LEN;
            while !name.is_char_boundary(cut) {
                cut -= 1;
            }
            name = &name[..cut];
        }
        put(&mut b, CONVERTER_AT, name.as_bytes());
        // RESERVED_2 stays zero.
        let crc = crc32fast::hash(&b[..HEADER_CRC_AT]);
        put(&mut b, HEADER_CRC_AT, &crc.to_le_bytes());
        b
    }

    /// Decodes and checks the header of a TransNAS archive at the start of `file` (see
    /// [`Header::decode_family`]): an archive of another family is refused in one line.
    pub fn decode(file: &[u8]) -> Result<Header, HeaderError> {
        Header::decode_family(file, Family::TransNas)
    }

    /// The family a file's header names, if it starts with the magic bytes, is long enough and
    /// names a family this build knows. Nothing else is checked: for routing a file to its
    /// family's reader, which then checks everything.
    pub fn peek_family(file: &[u8]) -> Option<Family> {
        if file.len() < HEADER_LEN || file[MAGIC_AT..MAGIC_AT + MAGIC.len()] != MAGIC {
            return None;
        }
        Family::from_code(u32_at(file, FAMILY_AT))
    }

    /// Decodes and checks the header at the start of `file` against this build's `expected`
    /// family, and checks that the payload is exactly the rest of the file. Does not check the
    /// payload's checksum (see [`Header::check_payload`]): that costs a pass over the payload.
    pub fn decode_family(file: &[u8], expected: Family) -> Result<Header, HeaderError> {
        Header::decode_families(file, &[expected])
    }

    /// [`Header::decode_family`] for a reader of several families (the NB201 store reads
    /// [`Family::NB201_FORMAT`]): a header naming any of `accepted` is read; any other family
    /// is refused naming `accepted[0]` as the expected one.
    pub fn decode_families(file: &[u8], accepted: &[Family]) -> Result<Header, HeaderError> {
        let len = file.len() as u64;
        if file.len() < HEADER_LEN {
            // A short file that is not even the start of the magic is better called foreign.
            if !MAGIC.starts_with(&file[..file.len().min(MAGIC.len())]) {
                return Err(HeaderError::Magic);
            }
            return Err(HeaderError::TooShort(len));
        }
        let b = &file[..HEADER_LEN];
        if b[MAGIC_AT..MAGIC_AT + MAGIC.len()] != MAGIC {
            return Err(HeaderError::Magic);
        }
        // The version is read before the checksum so that a newer format, whose header may be
        // laid out differently, is reported as such rather than as corruption. It is the
        // version of the family the file names (an unknown family is reported after the
        // checksum, so that a damaged family field reads as damage).
        let code = u32_at(b, FAMILY_AT);
        let family = Family::from_code(code);
        let version = u32_at(b, VERSION_AT);
        if let Some(fam) = family {
            if version != fam.version() {
                return Err(HeaderError::Version(fam, version));
            }
        }
        if crc32fast::hash(&b[..HEADER_CRC_AT]) != u32_at(b, HEADER_CRC_AT) {
            return Err(HeaderError::HeaderChecksum);
        }
        let family = family.ok_or(HeaderError::UnknownFamily(code))?;
        if !accepted.contains(&family) {
            let expected = accepted.first().copied().unwrap_or(Family::TransNas);
            return Err(HeaderError::WrongFamily { found: family, expected });
        }
        // A writer that follows the format leaves them zero; anything else is a header this
        // build does not understand (a later revision that forgot to bump the version, or a
        // foreign writer), so it is refused rather than ignored.
        let r = RESERVED_2;
        if b[r.clone()].iter().any(|&x| x != 0) {
            return Err(HeaderError::Reserved { start: r.start, end: r.end });
        }
        let flags = u32_at(b, FLAGS_AT);
        if flags != FLAGS {
            return Err(HeaderError::Flags(flags));
        }
        let schema_hash = u64_at(b, SCHEMA_HASH_AT);
        if schema_hash != family.schema_hash() {
            return Err(HeaderError::Schema(family, schema_hash));
        }
        let payload_offset = u64_at(b, PAYLOAD_OFFSET_AT);
        let payload_len = u64_at(b, PAYLOAD_LEN_AT);
        let fits = payload_offset == HEADER_LEN as u64
            && payload_len <= family.max_payload()
            && payload_offset.checked_add(payload_len) == Some(len);
        if !fits {
            return Err(HeaderError::PayloadRange {
                offset: payload_offset,
                len: payload_len,
                file: len,
            });
        }
        let mut sha = [0u8; 32];
        sha.copy_from_slice(&b[SOURCE_SHA256_AT..SOURCE_SHA256_AT + 32]);
        let name = &b[CONVERTER_AT..CONVERTER_AT + CONVERTER_LEN];
        let end = name.iter().position(|&c| c == 0).unwrap_or(name.len());
        Ok(Header {
            family,
            version,
            flags,
            schema_hash,
            payload_offset,
            payload_len,
            payload_crc32: u32_at(b, PAYLOAD_CRC_AT),
            source_size: u64_at(b, SOURCE_SIZE_AT),
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
        newer[VERSION_AT..VERSION_AT + 4]
            .copy_from_slice(&(transnas::FORMAT_VERSION + 1).to_le_bytes());
        let e = Header::decode(&newer).unwrap_err().to_string();
        assert!(e.contains("newer") && e.contains("upgrade"), "{e}");
        let mut older = f;
        older[VERSION_AT..VERSION_AT + 4].copy_from_slice(&0u32.to_le_bytes());
        let e = Header::decode(&older).unwrap_err().to_string();
        assert!(e.contains("older") && e.contains("tnb-convert"), "{e}");
    }

    #[test]
    fn reserved_bytes_must_be_zero() {
        for at in RESERVED_2 {
            let mut f = file(b"abcd");
            f[at] = 1;
            // With a valid header checksum, so that the reserved check itself is what refuses.
            let crc = crc32fast::hash(&f[..HEADER_CRC_AT]);
            f[HEADER_CRC_AT..HEADER_LEN].copy_from_slice(&crc.to_le_bytes());
            let e = Header::decode(&f).unwrap_err();
            assert!(
                matches!(e, HeaderError::Reserved { start, end } if (start..end).contains(&at)),
                "byte {at}: {e:?}"
            );
            assert!(e.to_string().contains("reserved header bytes"), "{e}");
        }
    }

    fn nb201_file(payload: &[u8]) -> Vec<u8> {
        let h = Header::new_family(
            Family::Nb201,
            payload.len() as u64,
            crc32fast::hash(payload),
            99,
            [3; 32],
            "t",
        );
        let mut f = h.encode().to_vec();
        f.extend_from_slice(payload);
        f
    }

    #[test]
    fn transnas_archives_keep_zero_family_bytes() {
        let f = file(b"abcd");
        assert_eq!(&f[FAMILY_AT..FAMILY_AT + 4], &[0; 4]);
        assert_eq!(Header::decode(&f).unwrap().family, Family::TransNas);
        assert_eq!(Header::peek_family(&f), Some(Family::TransNas));
    }

    #[test]
    fn each_family_refuses_the_other_in_one_line() {
        let n = nb201_file(b"abcdefgh");
        assert_eq!(&n[FAMILY_AT..FAMILY_AT + 4], &1u32.to_le_bytes());
        assert_eq!(Header::peek_family(&n), Some(Family::Nb201));
        let h = Header::decode_family(&n, Family::Nb201).unwrap();
        assert_eq!(
            (h.family, h.version, h.schema_hash),
            (Family::Nb201, nb201::FORMAT_VERSION, nb201::SCHEMA_HASH)
        );
        let e = Header::decode(&n).unwrap_err();
        assert_eq!(
            e,
            HeaderError::WrongFamily { found: Family::Nb201, expected: Family::TransNas }
        );
        let text = e.to_string();
        assert!(text.contains("NAS-Bench-201 archive, not a TransNAS-Bench-101"), "{text}");
        assert!(!text.contains('\n'));
        let t = file(b"abcd");
        let e = Header::decode_family(&t, Family::Nb201).unwrap_err().to_string();
        assert!(e.contains("TransNAS-Bench-101 archive, not a NAS-Bench-201"), "{e}");
    }

    #[test]
    fn nats_families_are_read_by_the_nb201_reader_and_named_by_transnas() {
        assert_eq!(Family::NB201_FORMAT.map(Family::code), [1, 2, 3]);
        for fam in [Family::NatsTss, Family::NatsSss] {
            assert_eq!(Family::from_code(fam.code()), Some(fam));
            assert!(fam.is_nb201_format());
            assert_eq!(
                (fam.version(), fam.schema_hash()),
                (nb201::FORMAT_VERSION, nb201::SCHEMA_HASH)
            );
            let h = Header::new_family(fam, 4, crc32fast::hash(b"abcd"), 1, [0; 32], "t");
            let mut f = h.encode().to_vec();
            f.extend_from_slice(b"abcd");
            assert_eq!(Header::peek_family(&f), Some(fam));
            assert_eq!(Header::decode_families(&f, &Family::NB201_FORMAT).unwrap().family, fam);
            let e = Header::decode_family(&f, Family::Nb201).unwrap_err();
            assert_eq!(e, HeaderError::WrongFamily { found: fam, expected: Family::Nb201 });
            let e = Header::decode(&f).unwrap_err().to_string();
            assert!(
                e.contains(&format!("this is a {} archive, not a TransNAS-Bench-101", fam.name())),
                "{e}"
            );
        }
        assert_eq!(Family::NatsTss.name(), "NATS-Bench topology (tss)");
        assert_eq!(Family::NatsSss.name(), "NATS-Bench size (sss)");
        assert!(!Family::TransNas.is_nb201_format());
        let t = file(b"abcd");
        let e = Header::decode_families(&t, &Family::NB201_FORMAT).unwrap_err().to_string();
        assert!(e.contains("TransNAS-Bench-101 archive, not a NAS-Bench-201"), "{e}");
    }

    #[test]
    fn nb101_is_family_4_and_the_other_readers_name_it() {
        let fam = Family::Nb101;
        assert_eq!((fam.code(), Family::from_code(4), fam.name()), (4, Some(fam), "NAS-Bench-101"));
        assert!(!fam.is_nb201_format());
        assert!(!Family::NB201_FORMAT.contains(&fam) && Family::ALL.contains(&fam));
        assert_eq!((fam.version(), fam.schema_hash()), (nb101::FORMAT_VERSION, nb101::SCHEMA_HASH));
        assert_eq!(fam.max_payload(), MAX_PAYLOAD_NB201);
        let h = Header::new_family(fam, 4, crc32fast::hash(b"abcd"), 1, [0; 32], "t");
        let mut f = h.encode().to_vec();
        f.extend_from_slice(b"abcd");
        assert_eq!(&f[FAMILY_AT..FAMILY_AT + 4], &4u32.to_le_bytes());
        assert_eq!(Header::peek_family(&f), Some(fam));
        assert_eq!(Header::decode_family(&f, fam).unwrap(), h);
        let e = Header::decode(&f).unwrap_err().to_string();
        assert!(e.contains("this is a NAS-Bench-101 archive, not a TransNAS-Bench-101 one"), "{e}");
        let e = Header::decode_families(&f, &Family::NB201_FORMAT).unwrap_err().to_string();
        assert!(e.contains("this is a NAS-Bench-101 archive, not a NAS-Bench-201 one"), "{e}");
        let e = Header::decode_family(&file(b"abcd"), fam).unwrap_err().to_string();
        assert!(e.contains("TransNAS-Bench-101 archive, not a NAS-Bench-101 one"), "{e}");
        let e = Header::decode_family(&nb201_file(b"abcd"), fam).unwrap_err().to_string();
        assert!(e.contains("NAS-Bench-201 archive, not a NAS-Bench-101 one"), "{e}");
        let mut newer = f;
        newer[VERSION_AT..VERSION_AT + 4]
            .copy_from_slice(&(nb101::FORMAT_VERSION + 1).to_le_bytes());
        let e = Header::decode_family(&newer, fam).unwrap_err().to_string();
        assert!(e.contains("newer"), "{e}");
    }

    #[test]
    fn an_unknown_family_is_named_and_a_damaged_one_is_corruption() {
        let mut f = file(b"abcd");
        f[FAMILY_AT..FAMILY_AT + 4].copy_from_slice(&7u32.to_le_bytes());
        assert_eq!(Header::decode(&f), Err(HeaderError::HeaderChecksum));
        assert_eq!(Header::peek_family(&f), None);
        let crc = crc32fast::hash(&f[..HEADER_CRC_AT]);
        f[HEADER_CRC_AT..HEADER_LEN].copy_from_slice(&crc.to_le_bytes());
        let e = Header::decode(&f).unwrap_err();
        assert_eq!(e, HeaderError::UnknownFamily(7));
        assert!(e.to_string().contains("family 7"), "{e}");
    }

    #[test]
    fn payload_maximum_is_per_family() {
        // A TransNAS header claiming a payload past 2 GiB is refused even when the file would
        // match; the NB201 maximum is far beyond it.
        assert_eq!(Family::TransNas.max_payload(), MAX_PAYLOAD);
        assert!(Family::Nb201.max_payload() > 1 << 40);
        let mut f = file(b"abcd");
        f[PAYLOAD_LEN_AT..PAYLOAD_LEN_AT + 8].copy_from_slice(&(MAX_PAYLOAD + 1).to_le_bytes());
        let crc = crc32fast::hash(&f[..HEADER_CRC_AT]);
        f[HEADER_CRC_AT..HEADER_LEN].copy_from_slice(&crc.to_le_bytes());
        assert!(matches!(Header::decode(&f), Err(HeaderError::PayloadRange { .. })));
        let mut n = nb201_file(b"abcd");
        n[VERSION_AT..VERSION_AT + 4].copy_from_slice(&(nb201::FORMAT_VERSION + 1).to_le_bytes());
        let e = Header::decode_family(&n, Family::Nb201).unwrap_err().to_string();
        assert!(e.contains("newer"), "{e}");
    }

    #[test]
    fn converter_names_are_cut_at_char_boundaries() {
        let h = Header::new(0, 0, 0, [0; 32], &"é".repeat(40));
        let f = h.encode();
        let back = Header::decode(&f).unwrap();
        assert_eq!(back.converter, "é".repeat(16));
    }
}
