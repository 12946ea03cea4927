//! The checks `tnb_pth::load` makes on a torch zip's records, each with its exact error: a
//! compressed record, a wrong CRC-32, a byteorder that is neither `little` nor `big`, no or two
//! `data.pkl` records; and the valid side of each (a `big` byteorder loads).

use tnb_pthwrite::{Pickler, TorchZipWriter};

/// `pickle.dumps(7, protocol=2)`.
fn seven() -> Vec<u8> {
    let mut p = Pickler::new();
    p.int(7);
    p.finish().unwrap()
}

/// A torch zip with folder `f`, its `data.pkl` and these extra records.
fn zip(records: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = TorchZipWriter::new(Vec::new(), "f").unwrap();
    z.write_record("data.pkl", &seven()).unwrap();
    for (name, data) in records {
        z.write_record(name, data).unwrap();
    }
    z.finish().unwrap()
}

fn error(file: &[u8]) -> String {
    match tnb_pth::load(file) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("the file loaded"),
    }
}

fn root_is_seven(file: &[u8]) {
    let doc = tnb_pth::load(file).unwrap();
    assert_eq!(doc.pickle.arena.get(doc.pickle.root), tnb_pickle::Value::Int(7));
}

#[test]
fn a_big_or_little_byteorder_loads_and_anything_else_is_refused() {
    root_is_seven(&zip(&[("byteorder", b"little")]));
    root_is_seven(&zip(&[("byteorder", b"big")]));
    root_is_seven(&zip(&[]));
    assert_eq!(
        error(&zip(&[("byteorder", b"middle")])),
        "zip record 'f/byteorder': expected 'little' or 'big', found \"middle\""
    );
}

#[test]
fn a_record_with_a_wrong_crc_is_refused() {
    let mut z = TorchZipWriter::new(Vec::new(), "f").unwrap();
    z.write_record_with_crc("data.pkl", &seven(), 0x1234_5678).unwrap();
    let file = z.finish().unwrap();
    assert_eq!(error(&file), "zip record 'f/data.pkl': CRC-32 mismatch: the file is corrupted");
    // A storage record is checked too, even if nothing uses it.
    let mut z = TorchZipWriter::new(Vec::new(), "f").unwrap();
    z.write_record("data.pkl", &seven()).unwrap();
    z.write_record_with_crc("data/0", b"abcd", 1).unwrap();
    assert_eq!(
        error(&z.finish().unwrap()),
        "zip record 'f/data/0': CRC-32 mismatch: the file is corrupted"
    );
}

#[test]
fn a_compressed_record_is_refused() {
    // The compression method (2 bytes) sits at offset 8 of a local header and 10 of a central
    // directory header; marking data.pkl deflated in both makes it a compressed record.
    let mut file = zip(&[]);
    let at = |file: &[u8], sig: &[u8]| file.windows(4).position(|w| w == sig).unwrap();
    let local = at(&file, b"PK\x03\x04");
    file[local + 8] = 8;
    let central = at(&file, b"PK\x01\x02");
    file[central + 10] = 8;
    let e = error(&file);
    assert_eq!(e, "zip record 'f/data.pkl': is compressed; torch writes every record STORED");
}

#[test]
fn exactly_one_data_pkl_is_needed() {
    let mut z = TorchZipWriter::new(Vec::new(), "f").unwrap();
    z.write_record("other.pkl", &seven()).unwrap();
    assert_eq!(
        error(&z.finish().unwrap()),
        "zip: no '<folder>/data.pkl' record: not a torch.save file"
    );
    let file = zip(&[("x/data.pkl", &seven())]);
    assert_eq!(error(&file), "zip: more than one data.pkl record: f/data.pkl, f/x/data.pkl");
}

#[test]
fn the_folder_is_the_whole_name_before_data_pkl() {
    // A folder longer than one character: the byteorder record is found under it (and
    // checked), so the folder cannot have been cut short.
    let mut z = TorchZipWriter::new(Vec::new(), "transnas-bench_v10141024").unwrap();
    z.write_record("data.pkl", &seven()).unwrap();
    z.write_record("byteorder", b"middle").unwrap();
    assert_eq!(
        error(&z.finish().unwrap()),
        "zip record 'transnas-bench_v10141024/byteorder': expected 'little' or 'big', found \"middle\""
    );
}

// ---- records torch finds ignoring case (miniz's lookup), and the ones it dispatches on ----

/// A torch zip with folder `f` holding exactly these records (and `version`,
/// `.data/serialization_id`, which `finish` adds).
fn records(records: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = TorchZipWriter::new(Vec::new(), "f").unwrap();
    for (name, data) in records {
        z.write_record(name, data).unwrap();
    }
    z.finish().unwrap()
}

fn root(file: &[u8]) -> tnb_pickle::Value<'_> {
    let doc = tnb_pth::load(file).unwrap_or_else(|e| panic!("refused: {e}"));
    // The value outlives doc only as a copy of scalars: compare inside.
    match doc.root() {
        tnb_pickle::Value::Int(i) => tnb_pickle::Value::Int(i),
        other => panic!("root is {other:?}"),
    }
}

#[test]
fn names_differing_only_in_case_are_refused() {
    // torch reads whichever of the two its sorted binary search meets (measured with torch
    // 2.15: the one first in the central directory).
    let eight = b"\x80\x02K\x08.";
    for (a, b) in [("data.pkl", "DATA.PKL"), ("data/0", "Data/0"), ("byteorder", "BYTEORDER")] {
        let file = if a == "data.pkl" {
            records(&[(a, &seven()), (b, eight)])
        } else {
            records(&[("data.pkl", &seven()), (a, b"little"), (b, b"big")])
        };
        assert_eq!(
            error(&file),
            format!(
                "zip record 'f/{b}': names differing only in case ('f/{a}'): torch's lookup \
                 ignores case and could pick either"
            )
        );
    }
}

#[test]
fn records_are_looked_up_ignoring_case_as_torch_does() {
    // Measured with torch 2.15: a zip whose only object pickle is `f/DATA.PKL` loads.
    assert_eq!(root(&records(&[("DATA.PKL", &seven())])), tnb_pickle::Value::Int(7));
    // `BYTEORDER` = big: torch byte-swaps the storages, and so must tnb read them.
    let mut p = b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storage".to_vec();
    p.extend_from_slice(b"ctorch\nIntStorage\nX\x01\x00\x00\x00AX\x03\x00\x00\x00cpuK\x02tQ");
    p.extend_from_slice(b"K\x00K\x02\x85K\x01\x85tR.");
    let be: Vec<u8> = [1i32, -2].iter().flat_map(|v| v.to_be_bytes()).collect();
    let le: Vec<u8> = [1i32, -2].iter().flat_map(|v| v.to_le_bytes()).collect();
    // The key 'A' finds the record `DATA/a`.
    for (byteorder, bytes) in [(&b"big"[..], &be), (b"little", &le)] {
        let file = records(&[("data.pkl", &p), ("BYTEORDER", byteorder), ("DATA/a", bytes)]);
        let doc = tnb_pth::load(&file).unwrap_or_else(|e| panic!("refused: {e}"));
        let mut out = Vec::new();
        tnb_pth::write_json(&doc, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "[1, -2]\n");
    }
}

#[test]
fn a_name_with_a_nul_byte_is_refused() {
    // torch looks names up as C strings: `f/data/0\0x` would be found for the key `0\0x`... or
    // for `0`, depending on which side the NUL ends.
    let file = records(&[("data.pkl", &seven()), ("data/0\0x", b"abcd")]);
    assert_eq!(error(&file), "zip record 'f/data/0\0x': has a NUL byte in its name");
}

#[test]
fn a_torchscript_archive_is_refused() {
    // torch.load hands a zip with `constants.pkl` to torch.jit.load (with weights_only=True it
    // fails). torch only dispatches on the exact name; tnb refuses every case of it.
    for name in ["constants.pkl", "CONSTANTS.pkl"] {
        let file = records(&[("data.pkl", &seven()), (name, &seven())]);
        assert_eq!(
            error(&file),
            format!(
                "zip record 'f/{name}': a TorchScript archive: torch.load hands it to \
                 torch.jit.load, which tnb does not read"
            )
        );
    }
}

#[test]
fn the_folder_is_the_first_records_up_to_its_first_slash() {
    // torch takes `a` from `a/b/data.pkl` and looks for `a/data.pkl` (and `a/version`).
    let mut z = TorchZipWriter::new(Vec::new(), "a").unwrap();
    z.write_record("b/data.pkl", &seven()).unwrap();
    assert_eq!(
        error(&z.finish().unwrap()),
        "zip: no 'a/data.pkl' record: torch takes the folder 'a' from the first record and would \
         not read 'a/b/data.pkl'"
    );
    // With `a/data.pkl` there too, torch reads that one: two object pickles, refused.
    let mut z = TorchZipWriter::new(Vec::new(), "a").unwrap();
    z.write_record("b/data.pkl", &seven()).unwrap();
    z.write_record("data.pkl", &seven()).unwrap();
    assert_eq!(
        error(&z.finish().unwrap()),
        "zip: more than one data.pkl record: a/b/data.pkl, a/data.pkl"
    );
}

#[test]
fn storage_alignment_must_be_a_number_torch_reads() {
    // `_load` calls int() on it: torch.load fails on `x` and on an empty record.
    root(&records(&[("data.pkl", &seven()), (".storage_alignment", b"64")]));
    root(&records(&[("data.pkl", &seven()), (".storage_alignment", b"4096")]));
    for bad in [&b"x"[..], b"", b" 64", b"6_4", b"-1", b"64\n"] {
        let file = records(&[("data.pkl", &seven()), (".storage_alignment", bad)]);
        assert_eq!(
            error(&file),
            format!(
                "zip record 'f/.storage_alignment': {:?} is not a plain decimal number (torch.load \
                 fails on what int() rejects)",
                String::from_utf8_lossy(bad)
            )
        );
    }
}

#[test]
fn byteorder_must_be_exactly_little_or_big() {
    for bad in [&b"LITTLE"[..], b"little\n", b"Big"] {
        let file = records(&[("data.pkl", &seven()), ("byteorder", bad)]);
        assert!(error(&file).contains("expected 'little' or 'big'"), "{}", error(&file));
    }
}

#[test]
fn every_record_is_checked_even_one_torch_never_reads() {
    // miniz refuses an archive with a STORED record whose sizes differ, whether or not it is
    // read; tnb checks every record (STORED, CRC-32) alike.
    let mut z = TorchZipWriter::new(Vec::new(), "f").unwrap();
    z.write_record("data.pkl", &seven()).unwrap();
    z.write_record_with_crc("notes.txt", b"abcd", 1).unwrap();
    assert_eq!(
        error(&z.finish().unwrap()),
        "zip record 'f/notes.txt': CRC-32 mismatch: the file is corrupted"
    );
}
