//! Parity with the official `nas_201_api` code on `data/nb201_heldout.pth` (written by real
//! torch, held out from tnb's generator), without Python: `tests/data/nb201_heldout.digest.jsonl`
//! keeps, of the calls the official code answered in `tests/official.rs`, every distinct
//! failure (class and message in clear) and the first answers of every method, each with a
//! hash of the official answer (types and float bits) and printed lines. This replays them from
//! the file and from its archive. Rewrite the digest with
//! `TNB_WRITE_DIGEST=$PWD/crates/nb201/api/tests/data/nb201_heldout.digest.jsonl cargo test -p
//! tnb-nb201-api --test official -- --ignored torch_written`.

mod common;

use std::path::PathBuf;

use common::replay;
use tnb_nb201_api::{MemSource, StoreSource, obj_from_file_bytes};

#[test]
fn the_held_out_fixture_answers_as_the_official_code_did() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let pth = std::fs::read(root.join("../../../data/nb201_heldout.pth")).unwrap();
    let text = std::fs::read_to_string(root.join("tests/data/nb201_heldout.digest.jsonl")).unwrap();
    let mem = MemSource::from_file_bytes(&pth).unwrap();
    let (n, failures) = replay(&mem, &text, "heldout");
    assert!(n > 100, "{n} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let obj = obj_from_file_bytes(&pth).unwrap();
    let bytes = tnb_nb201_convert::archive_bytes(&obj, 0, [0; 32]).unwrap();
    let archive = tnb_nb201_store::Archive::copy_from(&bytes).unwrap();
    let store = StoreSource::new(&archive).unwrap();
    let (_, failures) = replay(&store, &text, "heldout (archive)");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
