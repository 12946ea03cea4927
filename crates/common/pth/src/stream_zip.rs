//! Locating `<folder>/data.pkl` in a torch zip without reading the whole file: the end records
//! and the central directory are read from the file's end, the record's local header from its
//! offset, and the record's CRC-32 is checked while pass 1 reads it. The checks are those of
//! [`crate::zipped`] that concern this one record (end record with nothing after it, ZIP64
//! records, a STORED record whose local header names it the same, data inside the file and
//! before the central directory, one `data.pkl`, names looked up ignoring case as torch does);
//! a file that needs the other records (tensors) is not read by the streaming path anyway.

use std::fs::File;
use std::path::Path;

use tnb_pickle::stream::Scan;

use crate::error::Error;
use crate::stream::read_at;

const EOCD_LEN: u64 = 22;
const LOCATOR_LEN: u64 = 20;
const EOCD64_LEN: u64 = 56;
const CENTRAL_LEN: usize = 46;
const LOCAL_LEN: u64 = 30;

/// Largest central directory read (torch writes about 100 bytes per record).
const MAX_CENTRAL: u64 = 64 << 20;

fn zerr(m: impl Into<String>) -> Error {
    Error::Zip(m.into())
}

fn u16_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 2).map_or(0, |s| u64::from(u16::from_le_bytes([s[0], s[1]])))
}

fn u32_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 4).map_or(0, |s| u64::from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8).map_or(0, |s| {
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        u64::from_le_bytes(a)
    })
}

/// Where `data.pkl`'s bytes are.
pub(crate) struct ZipPickle {
    pub(crate) folder: String,
    pub(crate) little_endian: bool,
    pub(crate) start: u64,
    pub(crate) len: u64,
    pub(crate) crc: u32,
}

/// The central directory: (record count, size, offset).
fn central(f: &mut File, file_len: u64, path: &Path) -> Result<(u64, u64, u64), Error> {
    let span = (EOCD_LEN + 0xffff + LOCATOR_LEN).min(file_len);
    let tail_at = file_len - span;
    let tail = read_at(f, tail_at, span, path)?;
    let at = (0..tail.len().saturating_sub(EOCD_LEN as usize - 1))
        .rev()
        .find(|&i| {
            tail[i..].starts_with(b"PK\x05\x06")
                && i + EOCD_LEN as usize + u16_at(&tail, i + 20) as usize == tail.len()
        })
        .ok_or_else(|| zerr("no end-of-central-directory record at the end of the file"))?;
    let (mut count, mut size, mut offset) =
        (u16_at(&tail, at + 10), u32_at(&tail, at + 12), u32_at(&tail, at + 16));
    if at >= LOCATOR_LEN as usize && tail[at - LOCATOR_LEN as usize..].starts_with(b"PK\x06\x07") {
        let loc = at - LOCATOR_LEN as usize;
        let e64 = u64_at(&tail, loc + 8);
        let rec = read_at(f, e64, EOCD64_LEN, path)?;
        if rec.len() as u64 != EOCD64_LEN || !rec.starts_with(b"PK\x06\x06") {
            return Err(zerr("the ZIP64 locator points at no ZIP64 end record"));
        }
        (count, size, offset) = (u64_at(&rec, 32), u64_at(&rec, 40), u64_at(&rec, 48));
    }
    if offset.checked_add(size).is_none_or(|e| e > file_len) {
        return Err(zerr("the central directory lies outside the file (truncated zip?)"));
    }
    if size > MAX_CENTRAL {
        return Err(zerr(format!("the central directory is {size} bytes, above {MAX_CENTRAL}")));
    }
    Ok((count, size, offset))
}

/// Finds `<folder>/data.pkl` (STORED) and `<folder>/byteorder`.
pub(crate) fn locate(f: &mut File, file_len: u64, path: &Path) -> Result<ZipPickle, Error> {
    let (count, size, offset) = central(f, file_len, path)?;
    let cd = read_at(f, offset, size, path)?;
    if count > (cd.len() / CENTRAL_LEN) as u64 {
        return Err(zerr(format!("the central directory claims {count} records in {size} bytes")));
    }
    let mut folder: Option<String> = None;
    let mut found: Option<(u64, u64, u64, u32, bool)> = None;
    let mut byteorder: Option<(u64, u64, u64)> = None;
    let mut pos = 0usize;
    for i in 0..count {
        let h = cd
            .get(pos..pos + CENTRAL_LEN)
            .filter(|h| h.starts_with(b"PK\x01\x02"))
            .ok_or_else(|| zerr(format!("central directory record {i} is damaged")))?;
        let (nlen, xlen, clen) =
            (u16_at(h, 28) as usize, u16_at(h, 30) as usize, u16_at(h, 32) as usize);
        let name = cd
            .get(pos + CENTRAL_LEN..pos + CENTRAL_LEN + nlen)
            .ok_or_else(|| zerr(format!("central directory record {i} is cut short")))?;
        let extra =
            cd.get(pos + CENTRAL_LEN + nlen..pos + CENTRAL_LEN + nlen + xlen).unwrap_or(&[]);
        pos += CENTRAL_LEN + nlen + xlen + clen;
        let name = String::from_utf8_lossy(name).into_owned();
        let Some((dir, rest)) = name.split_once('/') else {
            return Err(zerr(format!("record '{name}' is not inside a folder (torch refuses it)")));
        };
        match &folder {
            None => folder = Some(dir.to_owned()),
            Some(f) if !f.eq_ignore_ascii_case(dir) => {
                return Err(zerr(format!("record '{name}' lies outside the folder '{f}'")));
            }
            Some(_) => {}
        }
        let (method, crc) = (u16_at(h, 10), u32_at(h, 16) as u32);
        let (mut csize, mut usize_, mut local) = (u32_at(h, 20), u32_at(h, 24), u32_at(h, 42));
        // ZIP64: the saturated fields, in this order, follow in extra field 1.
        let mut i2 = 0;
        while i2 + 4 <= extra.len() {
            let (id, len) = (u16_at(extra, i2), u16_at(extra, i2 + 2) as usize);
            let body = extra.get(i2 + 4..i2 + 4 + len).unwrap_or(&[]);
            if id == 1 {
                let mut at = 0;
                for v in [&mut usize_, &mut csize, &mut local] {
                    if *v == 0xffff_ffff {
                        *v = u64_at(body, at);
                        at += 8;
                    }
                }
            }
            i2 += 4 + len;
        }
        let stored = method == 0 && csize == usize_;
        if rest.eq_ignore_ascii_case("data.pkl") {
            if found.is_some() {
                return Err(zerr(format!("'{name}' appears twice")));
            }
            found = Some((local, csize, nlen as u64, crc, stored));
        } else if rest.eq_ignore_ascii_case("byteorder") {
            byteorder = Some((local, csize, nlen as u64));
        }
    }
    let folder = folder.unwrap_or_default();
    let Some((local, len, nlen, crc, stored)) = found else {
        return Err(zerr(format!("no '{folder}/data.pkl' record")));
    };
    let part = format!("{folder}/data.pkl");
    if !stored {
        return Err(Error::Record {
            name: part,
            problem: "is compressed: the streaming reader reads only STORED records".into(),
        });
    }
    let start = data_start(f, local, nlen, offset, path, &part)?;
    if start.checked_add(len).is_none_or(|e| e > offset) {
        return Err(Error::Record {
            name: part,
            problem: "data lies outside the file (truncated zip?)".into(),
        });
    }
    let mut little_endian = true;
    if let Some((local, blen, nlen)) = byteorder {
        let at = data_start(f, local, nlen, offset, path, "byteorder")?;
        let b = read_at(f, at, blen.min(16), path)?;
        little_endian = b != b"big";
    }
    Ok(ZipPickle { folder, little_endian, start, len, crc })
}

/// Where a record's data starts, from its local header.
fn data_start(
    f: &mut File,
    local: u64,
    nlen: u64,
    cd_offset: u64,
    path: &Path,
    name: &str,
) -> Result<u64, Error> {
    let lh = read_at(f, local, LOCAL_LEN, path)?;
    if lh.len() as u64 != LOCAL_LEN || !lh.starts_with(b"PK\x03\x04") || local >= cd_offset {
        return Err(Error::Record {
            name: name.into(),
            problem: "the central directory points at no local header".into(),
        });
    }
    if u16_at(&lh, 26) != nlen {
        return Err(Error::Record {
            name: name.into(),
            problem: "the local header and the central directory disagree".into(),
        });
    }
    Ok(local + LOCAL_LEN + u16_at(&lh, 26) + u16_at(&lh, 28))
}

/// After pass 1: the pickle fills the record and its CRC-32 matches the central directory's.
pub(crate) fn check(scan: &Scan, len: u64, got: u32, want: u32, part: &str) -> Result<(), Error> {
    if scan.len != len {
        return Err(Error::Record {
            name: part.into(),
            problem: format!("the pickle ends at byte {} of the record's {len}", scan.len),
        });
    }
    if got != want {
        return Err(Error::Record {
            name: part.into(),
            problem: format!(
                "CRC-32 is {got:08x}, the central directory says {want:08x} (corrupted)"
            ),
        });
    }
    Ok(())
}
