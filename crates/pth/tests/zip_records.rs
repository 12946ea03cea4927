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
