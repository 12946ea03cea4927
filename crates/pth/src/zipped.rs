//! torch's zip format (torch >= 1.6): `<folder>/data.pkl` plus `<folder>/data/<key>` storages.
//!
//! The zip structure is read here, not by a general zip library, because what matters is that
//! tnb reads exactly the bytes torch would, and refuses every file where two readers could
//! disagree: two records of one name (torch's reader and a general one pick different ones),
//! records that overlap, a local header that names or describes a record differently from the
//! central directory, anything but one end-of-central-directory record at the very end, or a
//! record outside the folder torch takes from the archive. What is left is the plain layout
//! torch writes: STORED records, central directory last.

use std::collections::{HashMap, HashSet};

use crate::error::Error;

/// The records of a torch zip that a reader needs, borrowed from the file.
#[derive(Debug)]
pub struct TorchZip<'a> {
    /// The folder all records live in (the file stem at save time, or `archive`).
    pub folder: String,
    /// `<folder>/data.pkl`: the object's pickle.
    pub data_pkl: &'a [u8],
    /// `<folder>/data/<key>`: the storages, by key.
    pub storages: HashMap<String, &'a [u8]>,
    /// `<folder>/byteorder` (little endian when absent).
    pub little_endian: bool,
}

/// One central directory record, with the local header it points to checked.
struct Record<'a> {
    name: &'a [u8],
    data: &'a [u8],
    crc: u32,
    stored: bool,
    /// The record's whole extent in the file: local header through data.
    start: u64,
    end: u64,
}

const EOCD_SIG: &[u8; 4] = b"PK\x05\x06";
const EOCD64_LOCATOR_SIG: &[u8; 4] = b"PK\x06\x07";
const EOCD64_SIG: &[u8; 4] = b"PK\x06\x06";
const CENTRAL_SIG: &[u8; 4] = b"PK\x01\x02";
const LOCAL_SIG: &[u8; 4] = b"PK\x03\x04";
/// Fixed part of a central directory record, of a local header, of the end records.
const CENTRAL_LEN: usize = 46;
const LOCAL_LEN: usize = 30;
const EOCD_LEN: usize = 22;
const EOCD64_LOCATOR_LEN: usize = 20;
const EOCD64_LEN: usize = 56;
/// A zip comment is at most 65535 bytes: the end record lies within this far of the end.
const MAX_EOCD_SEARCH: usize = EOCD_LEN + 0xffff;

fn zip_err(m: impl Into<String>) -> Error {
    Error::Zip(m.into())
}

fn record_err(name: &[u8], problem: impl Into<String>) -> Error {
    Error::Record { name: String::from_utf8_lossy(name).into_owned(), problem: problem.into() }
}

fn u16_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 2).map_or(0, |x| u64::from(u16::from_le_bytes([x[0], x[1]])))
}

fn u32_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 4).map_or(0, |x| u64::from(u32::from_le_bytes([x[0], x[1], x[2], x[3]])))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8).map_or(0, |x| {
        let mut a = [0u8; 8];
        a.copy_from_slice(x);
        u64::from_le_bytes(a)
    })
}

/// `file[at..at + len]`, or an error naming `what`.
fn slice<'a>(file: &'a [u8], at: u64, len: u64, what: &str) -> Result<&'a [u8], Error> {
    at.checked_add(len)
        .filter(|&end| end <= file.len() as u64)
        .map(|end| &file[at as usize..end as usize])
        .ok_or_else(|| zip_err(format!("{what} lies outside the file (truncated zip?)")))
}

/// Where the central directory is and how many records it holds, from the end records.
fn central_directory(file: &[u8]) -> Result<(u64, u64, u64), Error> {
    let broken = |why: &str| {
        zip_err(format!("cannot read the central directory (truncated or damaged file?): {why}"))
    };
    let from = file.len().saturating_sub(MAX_EOCD_SEARCH);
    let at = file[from..]
        .windows(4)
        .rposition(|w| w == EOCD_SIG)
        .map(|i| from + i)
        .ok_or_else(|| broken("no end-of-central-directory record"))?;
    let eocd = &file[at..];
    if eocd.len() < EOCD_LEN {
        return Err(broken("the end-of-central-directory record is cut short"));
    }
    // torch writes no comment: the record ends the file. Anything after it would be bytes
    // that another reader might take for the real end record.
    if at as u64 + EOCD_LEN as u64 + u16_at(eocd, 20) != file.len() as u64 {
        return Err(broken("bytes after the end-of-central-directory record"));
    }
    if u16_at(eocd, 4) != 0 || u16_at(eocd, 6) != 0 || u16_at(eocd, 8) != u16_at(eocd, 10) {
        return Err(zip_err("multi-disk zips are not torch files"));
    }
    let (mut count, mut size, mut offset) = (u16_at(eocd, 10), u32_at(eocd, 12), u32_at(eocd, 16));
    if count == 0xffff || size == 0xffff_ffff || offset == 0xffff_ffff {
        // ZIP64: a locator just before the end record points at the ZIP64 end record.
        let loc = at
            .checked_sub(EOCD64_LOCATOR_LEN)
            .map(|l| &file[l..at])
            .filter(|l| l.starts_with(EOCD64_LOCATOR_SIG))
            .ok_or_else(|| broken("a ZIP64 end record is needed but missing"))?;
        let e64_at = u64_at(loc, 8);
        let e64 = slice(file, e64_at, EOCD64_LEN as u64, "the ZIP64 end record")?;
        if !e64.starts_with(EOCD64_SIG)
            || e64_at + EOCD64_LEN as u64 > (at - EOCD64_LOCATOR_LEN) as u64
        {
            return Err(broken("the ZIP64 end record is damaged"));
        }
        if u64_at(e64, 24) != u64_at(e64, 32) {
            return Err(zip_err("multi-disk zips are not torch files"));
        }
        (count, size, offset) = (u64_at(e64, 32), u64_at(e64, 40), u64_at(e64, 48));
    }
    Ok((count, size, offset))
}

/// The ZIP64 extra field's values for the fields the fixed part left at their maximum.
fn zip64_extra(extra: &[u8], mut fields: [(bool, u64); 3]) -> Option<[u64; 3]> {
    let mut i = 0;
    while i + 4 <= extra.len() {
        let (id, len) = (u16_at(extra, i), u16_at(extra, i + 2) as usize);
        let body = extra.get(i + 4..i + 4 + len)?;
        if id == 1 {
            let mut at = 0;
            for f in &mut fields {
                if f.0 {
                    f.1 = u64_at(body, at);
                    at += 8;
                    if at > body.len() {
                        return None;
                    }
                    f.0 = false;
                }
            }
        }
        i += 4 + len;
    }
    fields.iter().all(|f| !f.0).then(|| [fields[0].1, fields[1].1, fields[2].1])
}

/// Reads every central directory record and checks it against its local header.
fn records(file: &[u8]) -> Result<Vec<Record<'_>>, Error> {
    let (count, size, offset) = central_directory(file)?;
    let cd = slice(file, offset, size, "the central directory")?;
    // Each record takes at least CENTRAL_LEN bytes: a count beyond that is a lie, and must not
    // size an allocation.
    if count > (cd.len() / CENTRAL_LEN) as u64 {
        return Err(zip_err(format!(
            "the central directory claims {count} records in {size} bytes"
        )));
    }
    let mut out: Vec<Record<'_>> = Vec::with_capacity(count as usize);
    let mut pos = 0usize;
    for i in 0..count {
        let h = cd
            .get(pos..pos + CENTRAL_LEN)
            .filter(|h| h.starts_with(CENTRAL_SIG))
            .ok_or_else(|| zip_err(format!("central directory record {i} is damaged")))?;
        let (nlen, xlen, clen) =
            (u16_at(h, 28) as usize, u16_at(h, 30) as usize, u16_at(h, 32) as usize);
        let name = cd
            .get(pos + CENTRAL_LEN..pos + CENTRAL_LEN + nlen)
            .ok_or_else(|| zip_err(format!("central directory record {i} is cut short")))?;
        let extra = cd
            .get(pos + CENTRAL_LEN + nlen..pos + CENTRAL_LEN + nlen + xlen)
            .ok_or_else(|| record_err(name, "central directory record is cut short"))?;
        pos += CENTRAL_LEN + nlen + xlen + clen;
        let (flags, method, crc) = (u16_at(h, 8), u16_at(h, 10), u32_at(h, 16));
        let (csize, usize_, local) = (u32_at(h, 20), u32_at(h, 24), u32_at(h, 42));
        let [usize_, csize, local] = zip64_extra(
            extra,
            [
                (usize_ == 0xffff_ffff, usize_),
                (csize == 0xffff_ffff, csize),
                (local == 0xffff_ffff, local),
            ],
        )
        .ok_or_else(|| record_err(name, "the ZIP64 extra field is missing or damaged"))?;
        if u16_at(h, 34) != 0 {
            return Err(record_err(name, "lies on another disk"));
        }
        if flags & 1 != 0 {
            return Err(record_err(name, "is encrypted"));
        }
        let stored = method == 0 && csize == usize_;
        // The local header must describe the same record: same name, same method, and (unless
        // the sizes follow the data, flag bit 3) the same CRC and sizes.
        let lh = slice(file, local, LOCAL_LEN as u64, "a local header")?;
        if !lh.starts_with(LOCAL_SIG) {
            return Err(record_err(name, "the central directory points at no local header"));
        }
        let (lnlen, lxlen) = (u16_at(lh, 26), u16_at(lh, 28));
        let lname = slice(file, local + LOCAL_LEN as u64, lnlen, "a local header's name")?;
        if lname != name {
            return Err(record_err(
                name,
                format!(
                    "the local header names it '{}': the two directories disagree",
                    String::from_utf8_lossy(lname)
                ),
            ));
        }
        if u16_at(lh, 8) != method || u16_at(lh, 6) & 8 != flags & 8 {
            return Err(record_err(name, "the local header and the central directory disagree"));
        }
        let (lcrc, lcsize, lusize) = (u32_at(lh, 14), u32_at(lh, 18), u32_at(lh, 22));
        let sizes_agree = |l: u64, c: u64| l == c || l == 0xffff_ffff;
        let described = lcrc == crc && sizes_agree(lcsize, csize) && sizes_agree(lusize, usize_);
        let deferred = flags & 8 != 0 && lcrc == 0 && lcsize == 0 && lusize == 0;
        if !described && !deferred {
            return Err(record_err(
                name,
                "the local header's CRC or sizes disagree with the central directory",
            ));
        }
        let data_start = local + LOCAL_LEN as u64 + lnlen + lxlen;
        let data = slice(file, data_start, csize, "a record's data")
            .map_err(|_| record_err(name, "data lies outside the file (truncated zip?)"))?;
        out.push(Record {
            name,
            data,
            crc: crc as u32,
            stored,
            start: local,
            end: data_start + csize,
        });
    }
    // No two records may share bytes, nor a record and the central directory: overlapping
    // records are how one byte range is made to mean two things.
    let mut spans: Vec<(u64, u64, &[u8])> = out.iter().map(|r| (r.start, r.end, r.name)).collect();
    spans.push((offset, offset + size, b"<central directory>"));
    spans.sort_unstable();
    for w in spans.windows(2) {
        if w[1].0 < w[0].1 {
            return Err(record_err(
                w[1].2,
                format!("overlaps record '{}'", String::from_utf8_lossy(w[0].2)),
            ));
        }
    }
    let mut names = HashSet::with_capacity(out.len());
    for r in &out {
        if !names.insert(r.name) {
            return Err(record_err(
                r.name,
                "appears twice: torch and other readers would pick different copies",
            ));
        }
    }
    Ok(out)
}

/// Reads the zip's central directory and checks every record (see the module docs), then every
/// record tnb will use: stored uncompressed, CRC-32 correct. Entries are borrowed, never copied.
pub fn open(file: &[u8]) -> Result<TorchZip<'_>, Error> {
    let entries = records(file)?;
    let pkls: Vec<&Record<'_>> =
        entries.iter().filter(|e| e.name.ends_with(b"/data.pkl")).collect();
    let pkl = match pkls.as_slice() {
        [one] => *one,
        [] => {
            return Err(zip_err("no '<folder>/data.pkl' record: not a torch.save file"));
        }
        many => {
            let names: Vec<String> =
                many.iter().map(|e| String::from_utf8_lossy(e.name).into_owned()).collect();
            return Err(zip_err(format!("more than one data.pkl record: {}", names.join(", "))));
        }
    };
    let folder = std::str::from_utf8(&pkl.name[..pkl.name.len() - "/data.pkl".len()])
        .map_err(|_| record_err(pkl.name, "the folder name is not UTF-8"))?
        .to_owned();
    let checked = |e: &Record<'_>| -> Result<(), Error> {
        if !e.stored {
            return Err(record_err(e.name, "is compressed; torch writes every record STORED"));
        }
        if crc32fast::hash(e.data) != e.crc {
            return Err(record_err(e.name, "CRC-32 mismatch: the file is corrupted"));
        }
        Ok(())
    };
    checked(pkl)?;
    let prefix = format!("{folder}/");
    let storage_prefix = format!("{folder}/data/");
    let byteorder = format!("{folder}/byteorder");
    let mut storages = HashMap::new();
    let mut little_endian = true;
    for e in &entries {
        // torch takes the folder from the first record and looks every record up under it: a
        // record elsewhere is one torch would never read.
        let Some(name) = std::str::from_utf8(e.name).ok().filter(|n| n.starts_with(&prefix)) else {
            return Err(record_err(e.name, format!("lies outside the folder '{folder}'")));
        };
        if let Some(key) = name.strip_prefix(&storage_prefix) {
            checked(e)?;
            storages.insert(key.to_owned(), e.data);
        } else if name == byteorder {
            checked(e)?;
            little_endian = match e.data {
                b"little" => true,
                b"big" => false,
                other => {
                    return Err(record_err(
                        e.name,
                        format!(
                            "expected 'little' or 'big', found {:?}",
                            String::from_utf8_lossy(&other[..other.len().min(32)])
                        ),
                    ));
                }
            };
        }
    }
    Ok(TorchZip { folder, data_pkl: pkl.data, storages, little_endian })
}
