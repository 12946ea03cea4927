//! tnb's torch-zip reader against an independent one, the `zip` crate: on every torch zip of
//! `data/` (written by real torch) the two find the same `data.pkl` and the same storages, byte
//! for byte, so tnb reads the records any zip reader reads.
//!
//! Why tnb does not read zips with the `zip` crate itself: torch's own reader and a general one
//! disagree on ambiguous files (two records of one name, a local header that differs from the
//! central directory), and a hostile file could then show `tnb verify` one object and torch
//! another. tnb's reader refuses every such file (see `crates/common/pth/src/zipped.rs`); this test
//! checks that on the files both accept, they agree.

use std::io::Read;
use std::path::Path;

fn data() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data")
}

#[test]
fn the_zip_crate_finds_the_same_records() {
    let mut checked = 0;
    for entry in std::fs::read_dir(data()).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        if !tnb_pth::is_zip(&bytes) {
            continue;
        }
        let ours = tnb_pth::open_zip(&bytes).unwrap();
        let mut theirs = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        let mut read = |name: &str| -> Vec<u8> {
            let mut f = theirs.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            v
        };
        let name = path.display();
        assert_eq!(read(&format!("{}/data.pkl", ours.folder)), ours.data_pkl, "{name}");
        for (key, storage) in &ours.storages {
            assert_eq!(read(&format!("{}/data/{key}", ours.folder)), *storage, "{name}: {key}");
        }
        // And every storage the zip crate lists is one tnb found.
        let prefix = format!("{}/data/", ours.folder);
        let listed = theirs
            .file_names()
            .filter(|n| n.as_ref().is_ok_and(|n| n.starts_with(&prefix)))
            .count();
        assert_eq!(listed, ours.storages.len(), "{name}");
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} torch zips in data/");
}
