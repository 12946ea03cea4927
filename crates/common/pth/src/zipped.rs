//! torch's zip format (torch >= 1.6): `<folder>/data.pkl` plus `<folder>/data/<key>` storages.
//!
//! The zip structure is read here, not by a general zip library, because what matters is that
//! tnb reads exactly the bytes torch would. torch reads zips with miniz, through
//! `PyTorchStreamReader`: every decision below either mirrors what they do (the doc of each
//! function names the torch or miniz function it follows) or refuses the file, with one line
//! naming the ambiguity, where two readers could disagree: two end records that point at
//! different central directories, two records of one name or of names equal but for case,
//! records that overlap, a local header that names or describes a record differently from the
//! central directory, anything after the end record, or a record outside the folder torch takes
//! from the first record. What is left is the plain layout torch writes: STORED records, central
//! directory last.

use std::collections::HashMap;

use crate::error::Error;

/// The records of a torch zip that a reader needs, borrowed from the file.
#[derive(Debug)]
pub struct TorchZip<'a> {
    /// The folder all records live in (the file stem at save time, or `archive`).
    pub folder: String,
    /// `<folder>/data.pkl`: the object's pickle.
    pub data_pkl: &'a [u8],
    /// `<folder>/data/<key>`: the storages, by key in ASCII lowercase (torch's lookup ignores
    /// case: look keys up lowercased).
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

/// Where the central directory is and how many records it holds, as miniz's
/// `mz_zip_reader_read_central_dir` (torch's zip reader) decides it: the end record is the last
/// `PK\x05\x06` with a whole record after it (`mz_zip_reader_locate_header_sig`), and the ZIP64
/// end record replaces its values whenever a ZIP64 locator sits right before it and points at a
/// ZIP64 end record, whatever the classic fields say. Where another reader could decide
/// otherwise the file is refused: anything after the end record, a locator whose ZIP64 record
/// is missing (miniz falls back to the classic record, other readers do not), and classic
/// fields that are not saturated yet differ from the ZIP64 ones (two central directories).
fn central_directory(file: &[u8]) -> Result<(u64, u64, u64), Error> {
    let broken = |why: &str| {
        zip_err(format!("cannot read the central directory (truncated or damaged file?): {why}"))
    };
    let from = file.len().saturating_sub(MAX_EOCD_SEARCH);
    let last_whole = file.len().saturating_sub(EOCD_LEN);
    let found = file[from..]
        .windows(4)
        .enumerate()
        .rev()
        .find(|&(i, w)| w == EOCD_SIG && from + i + EOCD_LEN <= file.len())
        .map(|(i, _)| from + i);
    let Some(at) = found else {
        let tail = &file[last_whole.max(from)..];
        return Err(if tail.windows(4).any(|w| w == EOCD_SIG) {
            broken("the end-of-central-directory record is cut short")
        } else {
            broken("no end-of-central-directory record")
        });
    };
    let eocd = &file[at..];
    // torch writes no comment: the record ends the file. Anything after it would be bytes
    // that another reader might take for the real end record.
    if at as u64 + EOCD_LEN as u64 + u16_at(eocd, 20) != file.len() as u64 {
        return Err(broken("bytes after the end-of-central-directory record"));
    }
    let classic = [
        ("disk", u16_at(eocd, 4), 0xffff),
        ("directory disk", u16_at(eocd, 6), 0xffff),
        ("records on this disk", u16_at(eocd, 8), 0xffff),
        ("records", u16_at(eocd, 10), 0xffff),
        ("directory size", u32_at(eocd, 12), 0xffff_ffff),
        ("directory offset", u32_at(eocd, 16), 0xffff_ffff),
    ];
    let saturated = classic.iter().any(|&(_, v, max)| v == max);
    // miniz looks for a locator only when the end record is far enough into the file to have
    // one and a ZIP64 end record before it.
    let locator = at
        .checked_sub(EOCD64_LOCATOR_LEN + EOCD64_LEN)
        .map(|_| &file[at - EOCD64_LOCATOR_LEN..at])
        .filter(|l| l.starts_with(EOCD64_LOCATOR_SIG));
    let Some(loc) = locator else {
        if saturated {
            return Err(broken("a ZIP64 end record is needed but missing"));
        }
        let [d, cd_disk, on_disk, count, size, offset] = classic.map(|c| c.1);
        if d != 0 || cd_disk != 0 || on_disk != count {
            return Err(zip_err("multi-disk zips are not torch files"));
        }
        return Ok((count, size, offset));
    };
    let e64_at = u64_at(loc, 8);
    let e64 = slice(file, e64_at, EOCD64_LEN as u64, "the ZIP64 end record")?;
    if !e64.starts_with(EOCD64_SIG) {
        return Err(broken(
            "the ZIP64 locator points at no ZIP64 end record (torch would use the classic \
             record, other readers would not)",
        ));
    }
    // A size of the rest of the record below its fixed part is miniz's "invalid header".
    if e64_at + EOCD64_LEN as u64 > (at - EOCD64_LOCATOR_LEN) as u64
        || u64_at(e64, 4) < (EOCD64_LEN - 12) as u64
    {
        return Err(broken("the ZIP64 end record is damaged"));
    }
    let wide = [
        u32_at(e64, 16),
        u32_at(e64, 20),
        u64_at(e64, 24),
        u64_at(e64, 32),
        u64_at(e64, 40),
        u64_at(e64, 48),
    ];
    // The locator's disk count must be 1 (miniz), and every disk number 0.
    if u32_at(loc, 16) != 1 || wide[0] != 0 || wide[1] != 0 || wide[2] != wide[3] {
        return Err(zip_err("multi-disk zips are not torch files"));
    }
    for ((what, short, max), long) in classic.into_iter().zip(wide) {
        if short != max && short != long {
            return Err(zip_err(format!(
                "two central directories: the end record says {what} {short}, the ZIP64 end \
                 record says {long}"
            )));
        }
    }
    let [.., count, size, offset] = wide;
    // miniz's own limits: more records or a bigger directory than 32 bits can count.
    if count > u64::from(u32::MAX) || size > u64::from(u32::MAX) {
        return Err(zip_err(format!(
            "the ZIP64 end record claims {count} records in {size} bytes, beyond torch's reader"
        )));
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
    // torch looks records up by name with miniz's `mz_zip_reader_locate_file` (flags 0): a
    // binary search over the names sorted as ASCII-lowercase, comparing them lowercased, so of
    // two names equal but for case it finds whichever the sort put first. Such pairs (and exact
    // duplicates) are refused; every remaining lowercased name is unique. A NUL in a name would
    // end the C string torch looks it up by.
    let mut names: HashMap<Vec<u8>, &[u8]> = HashMap::with_capacity(out.len());
    for r in &out {
        if r.name.contains(&0) {
            return Err(record_err(r.name, "has a NUL byte in its name"));
        }
        if let Some(other) = names.insert(r.name.to_ascii_lowercase(), r.name) {
            return Err(record_err(
                r.name,
                if other == r.name {
                    "appears twice: torch and other readers would pick different copies".to_owned()
                } else {
                    format!(
                        "names differing only in case ('{}'): torch's lookup ignores case and \
                         could pick either",
                        String::from_utf8_lossy(other)
                    )
                },
            ));
        }
    }
    Ok(out)
}

/// The highest zip format version torch's reader accepts (`kMaxSupportedFileFormatVersion` of
/// torch 2.15: a file with a higher `version` record makes `torch.load` fail).
pub const MAX_ZIP_VERSION: u64 = 10;
/// The lowest one (`kMinSupportedFileFormatVersion`).
pub const MIN_ZIP_VERSION: u64 = 1;

/// The value of a `version` record as torch's `PyTorchStreamReader::init` reads it, with
/// `std::stoull` in base 10: leading C whitespace, an optional sign (a minus negates modulo
/// 2^64), at least one digit, anything after the digits ignored. `None` where `stoull` throws
/// (no digits, or more than 64 bits).
fn stoull(text: &[u8]) -> Option<u64> {
    let start = text.iter().position(|c| !matches!(c, b' ' | b'\t'..=b'\r')).unwrap_or(text.len());
    let text = &text[start..];
    let (negative, text) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let digits = text.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in &text[..digits] {
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    Some(if negative { v.wrapping_neg() } else { v })
}

/// A record's name for messages.
fn shown(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

/// Reads the zip's central directory and checks every record (see the module docs; each must be
/// stored uncompressed with a correct CRC-32), then looks up the records torch reads the way
/// torch does. Entries are borrowed, never copied.
///
/// What torch does with a zip, and what tnb does with it:
/// - the folder is the first record's name up to its first `/` (`PyTorchStreamReader::init`);
///   a first record without `/` makes torch fail, and so does any record outside the folder
///   (`getAllRecords`, which `torch.load` calls): both are refused;
/// - every record is looked up as `<folder>/<name>`, ignoring ASCII case (miniz), and so is
///   every record here (names equal but for case are refused when the directory is read);
/// - `version` (`.data/version` when there is one) must hold a number torch accepts, read as
///   `stoull` reads it, from [`MIN_ZIP_VERSION`] to [`MAX_ZIP_VERSION`]; a missing one is
///   refused, as torch refuses it;
/// - a `constants.pkl` record makes `torch.load` hand the file to `torch.jit.load`
///   (TorchScript): refused (in any case, though torch only dispatches on the exact name);
/// - `data.pkl` is the object; any other record ending in `/data.pkl` is refused as a second
///   object pickle, and one in a nested folder (`a/b/data.pkl`) is named in the error;
/// - `byteorder` must be exactly `little` or `big`, as `torch.serialization._load` demands; big
///   means torch byte-swaps every storage by its dtype's element size, which tnb does by reading
///   the elements big-endian;
/// - `.storage_alignment` must be a plain decimal number: `_load` calls `int()` on it and fails
///   on anything `int()` rejects (tnb also refuses the spellings `int()` accepts beyond plain
///   digits, such as spaces or underscores);
/// - `data/<key>` are the storages, keyed here by the lowercased key (torch finds `data/A` for
///   the key `a`).
pub fn open(file: &[u8]) -> Result<TorchZip<'_>, Error> {
    let entries = records(file)?;
    let first = entries.first().ok_or_else(|| zip_err("the zip holds no records"))?;
    let slash = first.name.iter().position(|&b| b == b'/').ok_or_else(|| {
        record_err(first.name, "is not in a folder: torch takes the folder from the first record")
    })?;
    let folder = std::str::from_utf8(&first.name[..slash])
        .map_err(|_| record_err(first.name, "the folder name is not UTF-8"))?
        .to_owned();
    // Two object pickles anywhere are two readings of the file: named first, being the
    // ambiguity (one of them may also lie outside the folder, refused below).
    let others: Vec<String> = entries
        .iter()
        .filter(|e| {
            let n = e.name;
            n.len() >= 9 && n[n.len() - 9..].eq_ignore_ascii_case(b"/data.pkl")
        })
        .map(|e| shown(e.name))
        .collect();
    if others.len() > 1 {
        return Err(zip_err(format!("more than one data.pkl record: {}", others.join(", "))));
    }
    let prefix = format!("{folder}/");
    // Every record, used or not: miniz refuses a STORED record whose sizes differ, and torch
    // writes every record STORED.
    let checked = |e: &Record<'_>| -> Result<(), Error> {
        if !e.stored {
            return Err(record_err(e.name, "is compressed; torch writes every record STORED"));
        }
        if crc32fast::hash(e.data) != e.crc {
            return Err(record_err(e.name, "CRC-32 mismatch: the file is corrupted"));
        }
        Ok(())
    };
    // Every record by its name inside the folder, lowercased.
    let mut by_name: HashMap<Vec<u8>, &Record<'_>> = HashMap::with_capacity(entries.len());
    for e in &entries {
        let Some(rest) = e.name.strip_prefix(prefix.as_bytes()) else {
            return Err(record_err(e.name, format!("lies outside the folder '{folder}'")));
        };
        checked(e)?;
        by_name.insert(rest.to_ascii_lowercase(), e);
    }
    let find = |name: &str| by_name.get(name.as_bytes()).copied();

    let Some(pkl) = find("data.pkl") else {
        return Err(zip_err(match others.first() {
            None => "no '<folder>/data.pkl' record: not a torch.save file".to_owned(),
            Some(nested) => format!(
                "no '{folder}/data.pkl' record: torch takes the folder '{folder}' from the \
                 first record and would not read '{nested}'"
            ),
        }));
    };
    if let Some(c) = find("constants.pkl") {
        return Err(record_err(
            c.name,
            "a TorchScript archive: torch.load hands it to torch.jit.load, which tnb does not read",
        ));
    }
    let version = find(".data/version").or_else(|| find("version")).ok_or_else(|| {
        zip_err(format!("no '{folder}/version' record: torch refuses a zip without one"))
    })?;
    match stoull(version.data) {
        Some(v) if (MIN_ZIP_VERSION..=MAX_ZIP_VERSION).contains(&v) => {}
        read => {
            return Err(record_err(
                version.name,
                format!(
                    "{:?} is not a version torch reads ({}, expected {MIN_ZIP_VERSION} to \
                     {MAX_ZIP_VERSION})",
                    String::from_utf8_lossy(&version.data[..version.data.len().min(32)]),
                    read.map_or_else(|| "not a number".to_owned(), |v| format!("read as {v}"))
                ),
            ));
        }
    }
    let mut little_endian = true;
    if let Some(b) = find("byteorder") {
        little_endian = match b.data {
            b"little" => true,
            b"big" => false,
            other => {
                return Err(record_err(
                    b.name,
                    format!(
                        "expected 'little' or 'big', found {:?}",
                        String::from_utf8_lossy(&other[..other.len().min(32)])
                    ),
                ));
            }
        };
    }
    if let Some(a) = find(".storage_alignment") {
        if a.data.is_empty() || a.data.len() > 20 || !a.data.iter().all(u8::is_ascii_digit) {
            return Err(record_err(
                a.name,
                format!(
                    "{:?} is not a plain decimal number (torch.load fails on what int() rejects)",
                    String::from_utf8_lossy(&a.data[..a.data.len().min(32)])
                ),
            ));
        }
    }
    let mut storages = HashMap::new();
    for (name, e) in &by_name {
        if let Some(key) = name.strip_prefix(b"data/") {
            // Lowercased already; a record that is not UTF-8 is one no str key can name.
            if let Ok(key) = std::str::from_utf8(key) {
                storages.insert(key.to_owned(), e.data);
            }
        }
    }
    Ok(TorchZip { folder, data_pkl: pkl.data, storages, little_endian })
}
