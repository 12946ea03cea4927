//! The torch-zip reader (`crates/common/pth/src/zipped.rs`) on zips laid out byte by byte: every check it
//! makes has a file that fails it alone, with its exact error, and a file just on the valid side
//! of it that must load with exactly the records it holds.
//!
//! The files are assembled here field by field (not with `tnb_pthwrite`, which only writes valid
//! torch zips), so that the central directory and the local headers can be made to disagree one
//! field at a time. Layout reminders (offsets inside each fixed part):
//! - local header (30 bytes): 6 flags, 8 method, 14 CRC, 18 compressed size, 22 size,
//!   26 name length, 28 extra length;
//! - central record (46 bytes): 8 flags, 10 method, 16 CRC, 20 compressed size, 24 size,
//!   28 name length, 30 extra length, 32 comment length, 34 disk, 42 local header offset;
//! - end record (22 bytes): 4 disk, 6 directory's disk, 8 records on this disk, 10 records,
//!   12 directory size, 16 directory offset, 20 comment length.

use std::collections::BTreeMap;

use tnb_pthwrite::TorchZipWriter;

/// `pickle.dumps(7, protocol=2)`.
const SEVEN: &[u8] = b"\x80\x02K\x07.";

fn put16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn put32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn put64(v: &mut Vec<u8>, x: u64) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn set16(v: &mut [u8], at: usize, x: u16) {
    v[at..at + 2].copy_from_slice(&x.to_le_bytes());
}
fn set32(v: &mut [u8], at: usize, x: u32) {
    v[at..at + 4].copy_from_slice(&x.to_le_bytes());
}
fn set64(v: &mut [u8], at: usize, x: u64) {
    v[at..at + 8].copy_from_slice(&x.to_le_bytes());
}
fn get16(v: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([v[at], v[at + 1]])
}

/// One record: what its central directory record says and what its local header says. `new`
/// makes the two agree (STORED, no flags, CRC and sizes in both); tests change single fields.
#[derive(Clone, Debug)]
struct Rec {
    name: Vec<u8>,
    data: Vec<u8>,
    flags: u16,
    method: u16,
    crc: u32,
    csize: u32,
    size: u32,
    disk: u16,
    cextra: Vec<u8>,
    comment: Vec<u8>,
    lname: Vec<u8>,
    lflags: u16,
    lmethod: u16,
    lcrc: u32,
    lcsize: u32,
    lsize: u32,
    lextra: Vec<u8>,
}

impl Rec {
    fn new(name: &str, data: &[u8]) -> Rec {
        let crc = crc32fast::hash(data);
        let len = data.len() as u32;
        Rec {
            name: name.as_bytes().to_vec(),
            data: data.to_vec(),
            flags: 0,
            method: 0,
            crc,
            csize: len,
            size: len,
            disk: 0,
            cextra: Vec::new(),
            comment: Vec::new(),
            lname: name.as_bytes().to_vec(),
            lflags: 0,
            lmethod: 0,
            lcrc: crc,
            lcsize: len,
            lsize: len,
            lextra: Vec::new(),
        }
    }

    /// Local header, name, extra field and data.
    fn local(&self) -> Vec<u8> {
        let mut v = b"PK\x03\x04".to_vec();
        put16(&mut v, 20);
        put16(&mut v, self.lflags);
        put16(&mut v, self.lmethod);
        put32(&mut v, 0); // time, date
        put32(&mut v, self.lcrc);
        put32(&mut v, self.lcsize);
        put32(&mut v, self.lsize);
        put16(&mut v, self.lname.len() as u16);
        put16(&mut v, self.lextra.len() as u16);
        v.extend_from_slice(&self.lname);
        v.extend_from_slice(&self.lextra);
        v.extend_from_slice(&self.data);
        v
    }

    /// Central directory record pointing at a local header at `offset`.
    fn central(&self, offset: u32) -> Vec<u8> {
        let mut v = b"PK\x01\x02".to_vec();
        put16(&mut v, 20);
        put16(&mut v, 20);
        put16(&mut v, self.flags);
        put16(&mut v, self.method);
        put32(&mut v, 0); // time, date
        put32(&mut v, self.crc);
        put32(&mut v, self.csize);
        put32(&mut v, self.size);
        put16(&mut v, self.name.len() as u16);
        put16(&mut v, self.cextra.len() as u16);
        put16(&mut v, self.comment.len() as u16);
        put16(&mut v, self.disk);
        put16(&mut v, 0); // internal attributes
        put32(&mut v, 0); // external attributes
        put32(&mut v, offset);
        v.extend_from_slice(&self.name);
        v.extend_from_slice(&self.cextra);
        v.extend_from_slice(&self.comment);
        v
    }
}

/// The classic end record.
fn eocd(count: u16, size: u32, offset: u32, comment: &[u8]) -> Vec<u8> {
    let mut v = b"PK\x05\x06".to_vec();
    put16(&mut v, 0);
    put16(&mut v, 0);
    put16(&mut v, count);
    put16(&mut v, count);
    put32(&mut v, size);
    put32(&mut v, offset);
    put16(&mut v, comment.len() as u16);
    v.extend_from_slice(comment);
    v
}

/// `f/version` = `3`: torch refuses a zip without a version record.
fn version() -> Rec {
    Rec::new("f/version", b"3")
}

/// The records back to back (no data descriptors, so each record ends where the next begins),
/// then [`version`] unless a record of that name is there, then the central directory, then the
/// end record with `comment`.
fn zip_with_comment(recs: &[Rec], comment: &[u8]) -> Vec<u8> {
    let mut recs = recs.to_vec();
    if !recs.iter().any(|r| r.name.to_ascii_lowercase().ends_with(b"version")) {
        recs.push(version());
    }
    let recs = &recs[..];
    let mut file = Vec::new();
    let mut offsets = Vec::new();
    for r in recs {
        offsets.push(file.len() as u32);
        file.extend_from_slice(&r.local());
    }
    let cd_at = file.len();
    for (r, &at) in recs.iter().zip(&offsets) {
        file.extend_from_slice(&r.central(at));
    }
    let cd_len = (file.len() - cd_at) as u32;
    file.extend_from_slice(&eocd(recs.len() as u16, cd_len, cd_at as u32, comment));
    file
}

fn zip(recs: &[Rec]) -> Vec<u8> {
    zip_with_comment(recs, b"")
}

/// `f/data.pkl` holding [`SEVEN`].
fn pkl() -> Rec {
    Rec::new("f/data.pkl", SEVEN)
}

/// What the reader found: folder, data.pkl, storages by key, little endian.
type Found = (String, Vec<u8>, BTreeMap<String, Vec<u8>>, bool);

fn found(file: &[u8]) -> Found {
    let z = match tnb_pth::open_zip(file) {
        Ok(z) => z,
        Err(e) => panic!("the zip was refused: {e}"),
    };
    let storages = z.storages.iter().map(|(k, v)| (k.clone(), v.to_vec())).collect();
    (z.folder, z.data_pkl.to_vec(), storages, z.little_endian)
}

fn error(file: &[u8]) -> String {
    match tnb_pth::open_zip(file) {
        Err(e) => e.to_string(),
        Ok(z) => panic!("the zip was accepted: folder {:?}", z.folder),
    }
}

/// Folder `f`, data.pkl = SEVEN, these storages, little endian.
fn expect(storages: &[(&str, &[u8])]) -> Found {
    let s = storages.iter().map(|(k, v)| ((*k).to_owned(), v.to_vec())).collect();
    ("f".to_owned(), SEVEN.to_vec(), s, true)
}

/// Where the `n`th (from 0) occurrence of `sig` starts.
fn nth(file: &[u8], sig: &[u8], n: usize) -> usize {
    file.windows(sig.len()).enumerate().filter(|(_, w)| *w == sig).nth(n).map(|(i, _)| i).unwrap()
}

const BROKEN_CD: &str = "zip: cannot read the central directory (truncated or damaged file?)";

// ---- valid layouts ----

#[test]
fn records_back_to_back_without_descriptors_load() {
    // Each record ends exactly where the next begins, and the last one where the central
    // directory begins: touching is not overlapping.
    let file = zip(&[pkl(), Rec::new("f/data/0", b"abcd"), Rec::new("f/byteorder", b"big")]);
    let mut want = expect(&[("0", b"abcd")]);
    want.3 = false;
    assert_eq!(found(&file), want);
}

#[test]
fn a_directory_of_exactly_one_record_per_46_bytes_is_not_a_lie() {
    // Two records, "f/data.pkl" and "f/version": a 111-byte directory holds 111 / 46 = 2.
    assert_eq!(found(&zip(&[pkl()])), expect(&[]));
    // A 37-byte folder makes the names 46 and 45 bytes, the directory 183: 183 / 46 = 3 >= 2.
    let folder = "g".repeat(37);
    let file = zip(&[
        Rec::new(&format!("{folder}/data.pkl"), SEVEN),
        Rec::new(&format!("{folder}/version"), b"3"),
    ]);
    let (f, p, s, little) = found(&file);
    assert_eq!((f, p, s.len(), little), (folder, SEVEN.to_vec(), 0, true));
}

#[test]
fn a_zip_comment_is_allowed_and_nothing_after_it() {
    let recs = [pkl(), Rec::new("f/data/0", b"abcd")];
    assert_eq!(found(&zip_with_comment(&recs, b"a comment")), expect(&[("0", b"abcd")]));
    let mut file = zip_with_comment(&recs, b"a comment");
    file.push(b'!');
    assert_eq!(
        error(&file),
        format!("{BROKEN_CD}: bytes after the end-of-central-directory record")
    );
    let mut file = zip(&recs);
    file.push(0);
    assert_eq!(
        error(&file),
        format!("{BROKEN_CD}: bytes after the end-of-central-directory record")
    );
}

#[test]
fn a_zip_longer_than_the_end_search_window_is_read_from_its_end() {
    // 70000 bytes of storage: the end record is searched for in the last 65557 bytes only, and
    // found at its true place.
    let big: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    let file = zip(&[pkl(), Rec::new("f/data/0", &big)]);
    assert!(file.len() > 65_557 + 22);
    assert_eq!(found(&file), expect(&[("0", &big)]));
}

#[test]
fn an_end_record_further_back_than_a_comment_can_reach_is_not_found() {
    let mut file = zip(&[pkl()]);
    file.extend(std::iter::repeat_n(0u8, 70_000));
    assert_eq!(error(&file), format!("{BROKEN_CD}: no end-of-central-directory record"));
}

#[test]
fn an_end_record_cut_short_or_missing_is_refused() {
    let file = zip(&[pkl()]);
    let cut = &file[..file.len() - 1];
    assert_eq!(
        error(cut),
        format!("{BROKEN_CD}: the end-of-central-directory record is cut short")
    );
    let cut = &file[..file.len() - 18];
    assert_eq!(
        error(cut),
        format!("{BROKEN_CD}: the end-of-central-directory record is cut short")
    );
    let cut = &file[..file.len() - 22];
    assert_eq!(error(cut), format!("{BROKEN_CD}: no end-of-central-directory record"));
}

#[test]
fn every_multi_disk_field_is_refused_on_its_own() {
    let file = zip(&[pkl(), Rec::new("f/data/0", b"abcd")]);
    let end = file.len() - 22;
    // this disk, the directory's disk, records on this disk (3 of the 3 records, with version)
    for (at, value) in [(4, 1u16), (6, 1), (8, 1), (8, 4)] {
        let mut bad = file.clone();
        set16(&mut bad, end + at, value);
        assert_eq!(error(&bad), "zip: multi-disk zips are not torch files", "field {at} = {value}");
    }
}

#[test]
fn a_directory_claiming_more_records_than_fit_is_refused() {
    let mut file = zip(&[pkl()]);
    let end = file.len() - 22;
    set16(&mut file, end + 8, 1000);
    set16(&mut file, end + 10, 1000);
    assert_eq!(error(&file), "zip: the central directory claims 1000 records in 111 bytes");
    // The second central record's signature is damaged.
    let mut file = zip(&[pkl(), Rec::new("f/data/0", b"abcd")]);
    let second = nth(&file, b"PK\x01\x02", 1);
    file[second + 3] = 0;
    assert_eq!(error(&file), "zip: central directory record 1 is damaged");
}

#[test]
fn a_central_record_cut_short_is_refused() {
    // The name runs past the directory's end.
    let mut file = zip(&[pkl()]);
    let cd = nth(&file, b"PK\x01\x02", 0);
    set16(&mut file, cd + 28, 200);
    assert_eq!(error(&file), "zip: central directory record 0 is cut short");
    // The extra field runs past it.
    let mut file = zip(&[pkl()]);
    set16(&mut file, cd + 30, 200);
    assert_eq!(error(&file), "zip record 'f/data.pkl': central directory record is cut short");
}

#[test]
fn central_extras_and_comments_are_skipped_to_reach_the_next_record() {
    let mut first = pkl();
    first.cextra = vec![0x55, 0x54, 5, 0, 1, 2, 3, 4, 5]; // an unrelated field, 5 bytes
    first.comment = b"first".to_vec();
    let mut second = Rec::new("f/data/0", b"abcd");
    second.cextra = vec![0xfe, 0xca, 0, 0]; // an empty unrelated field
    second.comment = b"x".to_vec();
    let file = zip(&[first, second, Rec::new("f/data/1", b"")]);
    assert_eq!(found(&file), expect(&[("0", b"abcd"), ("1", b"")]));
}

// ---- ZIP64 ----

/// A torch zip written by tnb_pthwrite: it always has a ZIP64 end record and locator before
/// the classic end record, whose fields hold the true values while they are small.
fn torch_zip() -> Vec<u8> {
    let mut z = TorchZipWriter::new(Vec::new(), "f").unwrap();
    z.write_record("data.pkl", SEVEN).unwrap();
    z.write_record("data/0", b"abcd").unwrap();
    z.finish().unwrap()
}

#[test]
fn the_zip64_end_record_is_used_when_any_classic_field_is_at_its_maximum() {
    let want = expect(&[("0", b"abcd")]);
    assert_eq!(found(&torch_zip()), want);
    let end = torch_zip().len() - 22;
    for (at, wide) in [(8, 2), (12, 4), (16, 4)] {
        let mut file = torch_zip();
        if wide == 2 {
            set16(&mut file, end + 8, 0xffff);
            set16(&mut file, end + 10, 0xffff);
        } else {
            set32(&mut file, end + at, 0xffff_ffff);
        }
        assert_eq!(found(&file), want, "field {at}");
    }
}

#[test]
fn a_zip64_end_record_that_is_needed_must_be_there_and_sound() {
    // No locator at all (a zip without ZIP64 records).
    let mut file = zip(&[pkl()]);
    let end = file.len() - 22;
    set32(&mut file, end + 16, 0xffff_ffff);
    assert_eq!(error(&file), format!("{BROKEN_CD}: a ZIP64 end record is needed but missing"));

    let t = torch_zip();
    let end = t.len() - 22;
    let loc = end - 20;
    let e64 = loc - 56;
    let maxed = |mut f: Vec<u8>| {
        set16(&mut f, end + 8, 0xffff);
        set16(&mut f, end + 10, 0xffff);
        f
    };
    // The locator points at a local header, not a ZIP64 end record: miniz would fall back to
    // the classic record, other readers would not.
    let mut file = maxed(t.clone());
    set64(&mut file, loc + 8, 0);
    assert_eq!(
        error(&file),
        format!(
            "{BROKEN_CD}: the ZIP64 locator points at no ZIP64 end record (torch would use the \
             classic record, other readers would not)"
        )
    );
    // It points 30 bytes before itself, at a signature planted there: a ZIP64 end record that
    // would run into the locator.
    let mut file = maxed(t.clone());
    file[loc - 30..loc - 26].copy_from_slice(b"PK\x06\x06");
    set64(&mut file, loc + 8, (loc - 30) as u64);
    assert_eq!(error(&file), format!("{BROKEN_CD}: the ZIP64 end record is damaged"));
    // It points past the end of the file.
    let mut file = maxed(t.clone());
    set64(&mut file, loc + 8, t.len() as u64);
    assert_eq!(error(&file), "zip: the ZIP64 end record lies outside the file (truncated zip?)");
    // The ZIP64 record's own multi-disk fields.
    let mut file = maxed(t.clone());
    set64(&mut file, e64 + 24, 3);
    assert_eq!(error(&file), "zip: multi-disk zips are not torch files");
    // The ZIP64 record's values are the ones used: with the classic offset saturated, a wrong
    // directory offset there is noticed.
    let mut file = maxed(t);
    set32(&mut file, end + 16, 0xffff_ffff);
    let cd = u64::from_le_bytes(file[e64 + 48..e64 + 56].try_into().unwrap());
    set64(&mut file, e64 + 48, cd + 1);
    assert_eq!(error(&file), "zip: central directory record 0 is damaged");
}

/// A ZIP64 extra field (id 1) holding these values.
fn zip64_field(values: &[u64]) -> Vec<u8> {
    let mut v = Vec::new();
    put16(&mut v, 1);
    put16(&mut v, 8 * values.len() as u16);
    for &x in values {
        put64(&mut v, x);
    }
    v
}

/// `f/data.pkl`, then `f/data/0` = `data` whose central record says size, compressed size
/// and local header offset are all in a ZIP64 extra field (after an unrelated field), and whose
/// local header says both sizes are too.
fn zip64_record(data: &[u8], extra: impl Fn(u64) -> Vec<u8>) -> Vec<u8> {
    let head = pkl();
    let offset = head.local().len() as u64;
    let mut r = Rec::new("f/data/0", data);
    r.csize = 0xffff_ffff;
    r.size = 0xffff_ffff;
    r.lcsize = 0xffff_ffff;
    r.lsize = 0xffff_ffff;
    r.lextra = zip64_field(&[data.len() as u64, data.len() as u64]);
    r.cextra = extra(offset);
    let mut file = head.local();
    file.extend_from_slice(&r.local());
    let version_at = file.len() as u32;
    file.extend_from_slice(&version().local());
    let cd_at = file.len();
    file.extend_from_slice(&head.central(0));
    file.extend_from_slice(&r.central(0xffff_ffff));
    file.extend_from_slice(&version().central(version_at));
    let cd_len = (file.len() - cd_at) as u32;
    file.extend_from_slice(&eocd(3, cd_len, cd_at as u32, b""));
    file
}

#[test]
fn zip64_extra_fields_give_sizes_and_offset_in_order() {
    let data = b"storage bytes";
    let n = data.len() as u64;
    let unrelated = [0x55u8, 0x54, 5, 0, 9, 9, 9, 9, 9];
    let file = zip64_record(data, |offset| {
        let mut e = unrelated.to_vec();
        e.extend_from_slice(&zip64_field(&[n, n, offset]));
        e
    });
    assert_eq!(found(&file), expect(&[("0", data)]));
    // The ZIP64 field first, then the unrelated one.
    let file = zip64_record(data, |offset| {
        let mut e = zip64_field(&[n, n, offset]);
        e.extend_from_slice(&unrelated);
        e
    });
    assert_eq!(found(&file), expect(&[("0", data)]));
}

#[test]
fn a_missing_or_short_zip64_extra_field_is_refused() {
    let data = b"storage bytes";
    let n = data.len() as u64;
    let damaged = "zip record 'f/data/0': the ZIP64 extra field is missing or damaged";
    // No ZIP64 field.
    assert_eq!(error(&zip64_record(data, |_| vec![0x55, 0x54, 0, 0])), damaged);
    // Two of the three values.
    assert_eq!(error(&zip64_record(data, |_| zip64_field(&[n, n]))), damaged);
    // Its length runs past the extra field.
    let file = zip64_record(data, |offset| {
        let mut e = zip64_field(&[n, n, offset]);
        set16(&mut e, 2, 32);
        e
    });
    assert_eq!(error(&file), damaged);
}

// ---- local headers against the central directory ----

const DISAGREE: &str = "zip record 'f/data/0': the local header and the central directory disagree";
const SIZES: &str =
    "zip record 'f/data/0': the local header's CRC or sizes disagree with the central directory";

/// data.pkl, then `f/data/0` = `abcd` changed by `change`.
fn with_storage(change: impl Fn(&mut Rec)) -> Vec<u8> {
    let mut r = Rec::new("f/data/0", b"abcd");
    change(&mut r);
    zip(&[pkl(), r])
}

#[test]
fn the_local_header_must_name_the_record_the_central_directory_names() {
    let file = with_storage(|r| r.lname = b"f/data/1".to_vec());
    assert_eq!(
        error(&file),
        "zip record 'f/data/0': the local header names it 'f/data/1': the two directories disagree"
    );
}

#[test]
fn the_local_header_must_have_the_same_method_and_descriptor_flag() {
    assert_eq!(error(&with_storage(|r| r.lmethod = 8)), DISAGREE);
    // Bit 3 (sizes after the data) in the local header only, CRC and sizes still given.
    assert_eq!(error(&with_storage(|r| r.lflags = 8)), DISAGREE);
    // In the central record only.
    assert_eq!(error(&with_storage(|r| r.flags = 8)), DISAGREE);
    // In both: the CRC and sizes may then be given or left zero.
    assert_eq!(
        found(&with_storage(|r| {
            r.flags = 8;
            r.lflags = 8;
        })),
        expect(&[("0", b"abcd")])
    );
    assert_eq!(
        found(&with_storage(|r| {
            r.flags = 8;
            r.lflags = 8;
            (r.lcrc, r.lcsize, r.lsize) = (0, 0, 0);
        })),
        expect(&[("0", b"abcd")])
    );
}

#[test]
fn each_of_crc_and_sizes_in_the_local_header_must_agree() {
    assert_eq!(error(&with_storage(|r| r.lcrc ^= 1)), SIZES);
    assert_eq!(error(&with_storage(|r| r.lcsize = 3)), SIZES);
    assert_eq!(error(&with_storage(|r| r.lsize = 5)), SIZES);
    // 0xFFFFFFFF is "in the ZIP64 extra field" and agrees with any size.
    assert_eq!(
        found(&with_storage(|r| (r.lcsize, r.lsize) = (0xffff_ffff, 0xffff_ffff))),
        expect(&[("0", b"abcd")])
    );
}

#[test]
fn zero_crc_and_sizes_in_the_local_header_need_the_descriptor_flag() {
    // No flag: zeros are a disagreement.
    assert_eq!(error(&with_storage(|r| (r.lcrc, r.lcsize, r.lsize) = (0, 0, 0))), SIZES);
    // With the flag, each of the three must be zero (or agree).
    let flagged = |crc: u32, csize: u32, size: u32| {
        with_storage(move |r| {
            r.flags = 8;
            r.lflags = 8;
            (r.lcrc, r.lcsize, r.lsize) = (crc, csize, size);
        })
    };
    assert_eq!(error(&flagged(1, 0, 0)), SIZES);
    assert_eq!(error(&flagged(0, 3, 0)), SIZES);
    assert_eq!(error(&flagged(0, 0, 3)), SIZES);
}

#[test]
fn a_central_record_must_point_at_a_local_header_inside_the_file() {
    // At the data of data.pkl.
    let mut file = zip(&[pkl(), Rec::new("f/data/0", b"abcd")]);
    let second = nth(&file, b"PK\x01\x02", 1);
    set32(&mut file, second + 42, 40);
    assert_eq!(
        error(&file),
        "zip record 'f/data/0': the central directory points at no local header"
    );
    // Past the end of the file.
    let len = file.len() as u32;
    set32(&mut file, second + 42, len - 10);
    assert_eq!(error(&file), "zip: a local header lies outside the file (truncated zip?)");
    // A local header whose name runs past the file's end.
    let mut file = zip(&[pkl()]);
    set16(&mut file, 26, 0xfff0);
    assert_eq!(error(&file), "zip: a local header's name lies outside the file (truncated zip?)");
}

#[test]
fn a_record_whose_data_runs_past_the_file_is_refused() {
    let file = with_storage(|r| (r.csize, r.size, r.lcsize, r.lsize) = (5000, 5000, 5000, 5000));
    assert_eq!(error(&file), "zip record 'f/data/0': data lies outside the file (truncated zip?)");
}

#[test]
fn encrypted_records_and_records_on_another_disk_are_refused() {
    let file = with_storage(|r| {
        r.flags = 1;
        r.lflags = 1;
    });
    assert_eq!(error(&file), "zip record 'f/data/0': is encrypted");
    assert_eq!(error(&with_storage(|r| r.disk = 1)), "zip record 'f/data/0': lies on another disk");
}

#[test]
fn stored_means_method_zero_and_equal_sizes() {
    let compressed = "zip record 'f/data/0': is compressed; torch writes every record STORED";
    // Method 0, but the two sizes differ (in both headers alike).
    let file = with_storage(|r| (r.size, r.lsize) = (5, 5));
    assert_eq!(error(&file), compressed);
    // Deflated, equal sizes.
    let file = with_storage(|r| (r.method, r.lmethod) = (8, 8));
    assert_eq!(error(&file), compressed);
}

// ---- overlaps, duplicates, folders ----

#[test]
fn a_record_inside_another_records_data_is_refused() {
    // f/data/0's data is f/data/1's local header and data: the two share bytes.
    let inner = Rec::new("f/data/1", b"xy");
    let outer = Rec::new("f/data/0", &inner.local());
    let mut file = pkl().local();
    let outer_at = file.len() as u32;
    file.extend_from_slice(&outer.local());
    let inner_at = outer_at + 30 + 8;
    let version_at = file.len() as u32;
    file.extend_from_slice(&version().local());
    let cd_at = file.len();
    file.extend_from_slice(&pkl().central(0));
    file.extend_from_slice(&outer.central(outer_at));
    file.extend_from_slice(&inner.central(inner_at));
    file.extend_from_slice(&version().central(version_at));
    let cd_len = (file.len() - cd_at) as u32;
    file.extend_from_slice(&eocd(4, cd_len, cd_at as u32, b""));
    assert_eq!(error(&file), "zip record 'f/data/1': overlaps record 'f/data/0'");
}

/// data.pkl, then the central directory with data.pkl's and `r`'s records; `r`'s local header
/// either follows the directory or is the comment of `r`'s own central record.
fn zip_around_directory(r: &Rec, comment_holds_local: bool) -> Vec<u8> {
    let mut file = pkl().local();
    let version_at = file.len() as u32;
    file.extend_from_slice(&version().local());
    let cd_at = file.len();
    let mut head = pkl().central(0);
    head.extend_from_slice(&version().central(version_at));
    let mut r = r.clone();
    let r_central_len = 46 + r.name.len() + r.cextra.len();
    // Either way the local header starts right after r's central record (name and extra).
    let local_at = cd_at + head.len() + r_central_len;
    if comment_holds_local {
        r.comment = r.local();
    }
    file.extend_from_slice(&head);
    file.extend_from_slice(&r.central(local_at as u32));
    let cd_len = (file.len() - cd_at) as u32;
    if !comment_holds_local {
        file.extend_from_slice(&r.local());
    }
    file.extend_from_slice(&eocd(3, cd_len, cd_at as u32, b""));
    file
}

#[test]
fn a_record_may_follow_the_central_directory_but_not_lie_inside_it() {
    // Records are found through the central directory wherever they lie; only shared bytes
    // make a file ambiguous.
    let r = Rec::new("f/data/0", b"abcd");
    assert_eq!(found(&zip_around_directory(&r, false)), expect(&[("0", b"abcd")]));
    assert_eq!(
        error(&zip_around_directory(&r, true)),
        "zip record 'f/data/0': overlaps record '<central directory>'"
    );
}

#[test]
fn two_records_of_one_name_are_refused() {
    let file = zip(&[pkl(), Rec::new("f/data/0", b"abcd"), Rec::new("f/data/0", b"efgh")]);
    assert_eq!(
        error(&file),
        "zip record 'f/data/0': appears twice: torch and other readers would pick different copies"
    );
}

#[test]
fn a_record_outside_the_folder_is_refused() {
    let file = zip(&[pkl(), Rec::new("g/data/0", b"abcd")]);
    assert_eq!(error(&file), "zip record 'g/data/0': lies outside the folder 'f'");
    // A folder that only starts like the right one.
    let file = zip(&[pkl(), Rec::new("ff/data/0", b"abcd")]);
    assert_eq!(error(&file), "zip record 'ff/data/0': lies outside the folder 'f'");
}

#[test]
fn the_folder_is_taken_from_the_first_record() {
    // PyTorchStreamReader::init: the first record's name up to its first '/'.
    let file = zip(&[Rec::new("g/version", b"3"), pkl()]);
    assert_eq!(error(&file), "zip record 'f/data.pkl': lies outside the folder 'g'");
    let file = zip(&[Rec::new("data.pkl", SEVEN)]);
    assert_eq!(
        error(&file),
        "zip record 'data.pkl': is not in a folder: torch takes the folder from the first record"
    );
    // A record elsewhere makes torch.load fail (getAllRecords), even in another case.
    let file = zip(&[pkl(), Rec::new("F/data/0", b"abcd")]);
    assert_eq!(error(&file), "zip record 'F/data/0': lies outside the folder 'f'");
}

// ---- the version record ----

/// `f/data.pkl` and these records (no version record is added when one is given).
fn versioned(recs: &[(&str, &[u8])]) -> Vec<u8> {
    let mut all = vec![pkl()];
    all.extend(recs.iter().map(|(n, d)| Rec::new(&format!("f/{n}"), d)));
    if recs.is_empty() {
        // zip() would add one: build this one without.
        let mut file = pkl().local();
        let cd_at = file.len();
        file.extend_from_slice(&pkl().central(0));
        let cd_len = (file.len() - cd_at) as u32;
        file.extend_from_slice(&eocd(1, cd_len, cd_at as u32, b""));
        return file;
    }
    zip(&all)
}

#[test]
fn the_version_record_is_read_as_torch_reads_it() {
    // What torch 2.15 accepts, measured: `version` read with std::stoull (leading spaces, a
    // sign, digits, anything after them ignored; a minus negates modulo 2^64), from 1 to 10;
    // `.data/version` first when there is one.
    for ok in [
        &b"1"[..],
        b"3",
        b"3
",
        b"10",
        b" 3",
        b"+3",
        b"3x",
        b"-18446744073709551615",
    ] {
        assert_eq!(found(&versioned(&[("version", ok)])), expect(&[]), "{ok:?}");
    }
    assert_eq!(found(&versioned(&[("version", b"99"), (".data/version", b"3")])), expect(&[]));
    assert_eq!(found(&versioned(&[("VERSION", b"3")])), expect(&[]));
    for (bad, read) in [
        (&b"0"[..], "read as 0"),
        (b"11", "read as 11"),
        (b"99", "read as 99"),
        (b"-3", "read as 18446744073709551613"),
        (b"0x3", "read as 0"),
        (b"", "not a number"),
        (b"v3", "not a number"),
        (b"18446744073709551616", "not a number"),
    ] {
        assert_eq!(
            error(&versioned(&[("version", bad)])),
            format!(
                "zip record 'f/version': {:?} is not a version torch reads ({read}, expected 1 \
                 to 10)",
                String::from_utf8_lossy(bad)
            )
        );
    }
    assert_eq!(
        error(&versioned(&[("version", b"3"), (".data/version", b"11")])),
        "zip record 'f/.data/version': \"11\" is not a version torch reads (read as 11, \
         expected 1 to 10)"
    );
    assert_eq!(
        error(&versioned(&[])),
        "zip: no 'f/version' record: torch refuses a zip without one"
    );
}

#[test]
fn a_byteorder_record_is_checked_like_a_storage() {
    let mut byteorder = Rec::new("f/byteorder", b"little");
    byteorder.flags = 0x800; // UTF-8 names: another flag bit, the same in both headers
    byteorder.lflags = 0x800;
    assert_eq!(found(&zip(&[pkl(), byteorder])), expect(&[]));
    let mut b = Rec::new("f/byteorder", b"big");
    b.crc ^= 1;
    b.lcrc ^= 1;
    assert_eq!(
        error(&zip(&[pkl(), b])),
        "zip record 'f/byteorder': CRC-32 mismatch: the file is corrupted"
    );
}

#[test]
fn the_local_extra_field_moves_the_data() {
    let mut r = Rec::new("f/data/0", b"abcd");
    r.lextra = vec![0x46, 0x42, 3, 0, b'Z', b'Z', b'Z'];
    let file = zip(&[pkl(), r]);
    assert_eq!(found(&file), expect(&[("0", b"abcd")]));
    assert_eq!(get16(&file, 30 + 10 + SEVEN.len() + 28), 7);
}

// ---- two end records: miniz reads the ZIP64 one whenever it is there ----

/// `pickle.dumps(8, protocol=2)`.
const EIGHT: &[u8] = b"\x80\x02K\x08.";

/// A ZIP64 end record (56 bytes) then its locator (20 bytes) pointing at `at`.
fn zip64_end(count: u64, size: u64, offset: u64, at: u64) -> Vec<u8> {
    let mut v = b"PK\x06\x06".to_vec();
    put64(&mut v, 44);
    put16(&mut v, 0x031e);
    put16(&mut v, 45);
    put32(&mut v, 0);
    put32(&mut v, 0);
    put64(&mut v, count);
    put64(&mut v, count);
    put64(&mut v, size);
    put64(&mut v, offset);
    v.extend_from_slice(b"PK\x06\x07");
    put32(&mut v, 0);
    put64(&mut v, at);
    put32(&mut v, 1);
    v
}

/// Two complete sets of records in one file: `f/data.pkl` = 7 (A) and `f/data.pkl` = 8 (B),
/// each with its version record and its own central directory. The ZIP64 end record points at
/// B's directory, the classic one at A's (with `b_extra`, B's directory has one more record).
/// miniz, and so torch, reads B; a reader that trusts the classic record reads A.
fn two_directories(b_extra: bool, classic: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let a = [pkl(), version()];
    let mut b = vec![Rec::new("f/data.pkl", EIGHT), version()];
    if b_extra {
        b.push(Rec::new("f/data/0", b"abcd"));
    }
    let mut file = Vec::new();
    let mut place = |recs: &[Rec]| {
        recs.iter()
            .map(|r| {
                let at = file.len() as u32;
                file.extend_from_slice(&r.local());
                at
            })
            .collect::<Vec<u32>>()
    };
    let (a_at, b_at) = (place(&a), place(&b));
    let directory = |recs: &[Rec], at: &[u32]| -> Vec<u8> {
        recs.iter().zip(at).flat_map(|(r, &o)| r.central(o)).collect()
    };
    let (cd_a, cd_b) = (directory(&a, &a_at), directory(&b, &b_at));
    let a_cd_at = file.len() as u64;
    file.extend_from_slice(&cd_a);
    let b_cd_at = file.len() as u64;
    file.extend_from_slice(&cd_b);
    let e64_at = file.len() as u64;
    file.extend_from_slice(&zip64_end(b.len() as u64, cd_b.len() as u64, b_cd_at, e64_at));
    let mut end = eocd(a.len() as u16, cd_a.len() as u32, a_cd_at as u32, b"");
    classic(&mut end);
    file.extend_from_slice(&end);
    file
}

#[test]
fn end_records_pointing_at_two_central_directories_are_refused() {
    // Each of the classic record's fields that disagrees with the ZIP64 record's.
    let file = two_directories(false, |_| ());
    let e = error(&file);
    assert!(
        e.starts_with("zip: two central directories: the end record says directory offset "),
        "{e}"
    );
    let file = two_directories(true, |_| ());
    assert_eq!(
        error(&file),
        "zip: two central directories: the end record says records on this disk 2, the ZIP64 end \
         record says 3"
    );
    let file = two_directories(true, |end| {
        set16(end, 8, 0xffff);
        set16(end, 10, 0xffff);
    });
    let e = error(&file);
    assert!(e.starts_with("zip: two central directories: the end record says directory size "));
    // Saturated classic fields say "see the ZIP64 record": B is read, as miniz reads it.
    let file = two_directories(true, |end| {
        set16(end, 8, 0xffff);
        set16(end, 10, 0xffff);
        set32(end, 12, 0xffff_ffff);
        set32(end, 16, 0xffff_ffff);
    });
    let (folder, pkl, storages, _) = found(&file);
    assert_eq!((folder.as_str(), pkl.as_slice(), storages.len()), ("f", EIGHT, 1));
}

#[test]
fn the_zip64_record_is_used_even_when_no_classic_field_needs_it() {
    // torch_zip() has both records, agreeing: the ZIP64 one is read (a wrong value there is
    // noticed although the classic record alone would do).
    let t = torch_zip();
    let e64 = t.len() - 22 - 20 - 56;
    let mut file = t.clone();
    set32(&mut file, e64 + 16, 1); // the ZIP64 record's own disk number
    assert_eq!(error(&file), "zip: multi-disk zips are not torch files");
    let mut file = t.clone();
    set64(&mut file, e64 + 4, 43); // its size field, below the fixed part: miniz refuses it
    assert_eq!(error(&file), format!("{BROKEN_CD}: the ZIP64 end record is damaged"));
    let mut file = t;
    let loc = file.len() - 22 - 20;
    set32(&mut file, loc + 16, 2); // the locator's disk count (miniz: must be 1)
    assert_eq!(error(&file), "zip: multi-disk zips are not torch files");
}

#[test]
fn a_locator_before_an_end_record_too_early_in_the_file_is_ignored_as_miniz_does() {
    // miniz looks for a locator only when the end record starts at least 76 bytes in (room for
    // a locator and a ZIP64 record): here at 40, so the locator is not read and the saturated
    // classic offset has no ZIP64 value.
    let mut file = vec![b'x'; 20];
    file.extend_from_slice(&zip64_end(1, 46, 0, 0)[56..]);
    file.extend_from_slice(&eocd(1, 46, 0xffff_ffff, b""));
    assert_eq!(error(&file), format!("{BROKEN_CD}: a ZIP64 end record is needed but missing"));
}

#[test]
fn the_end_record_is_the_last_signature_with_a_whole_record_after_it() {
    // A signature planted in a 21-byte comment has no whole record after it, so it is not the
    // end record (miniz's search skips it); the real one before it is read.
    let mut file = zip(&[pkl()]);
    let end = file.len() - 22;
    set16(&mut file, end + 20, 21);
    let mut comment = vec![b'c'; 21];
    comment[0..4].copy_from_slice(b"PK\x05\x06");
    file.extend_from_slice(&comment);
    assert_eq!(found(&file), expect(&[]));
}
