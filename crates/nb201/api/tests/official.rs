//! Side by side with the official `nas_201_api` v2.1 code: `tests/data/make_official.py` builds
//! two small NB201-shaped objects (v1_0 and v1_1 shapes), runs ~17k calls through the official
//! classes and records every answer (types, float bits), exception (class, message, `KeyError`
//! key), printed line and `random` draw; this replays each call here on the same pickle and
//! compares. It needs a Python with numpy and `pip install --no-deps nas-bench-201==2.1`
//! (`TNB_OFFICIAL_PYTHON`, default `/tmp/mv/bin/python`), so a plain `cargo test` skips it;
//! `tools/test-all.sh` (the project's test command, which CI runs) runs it with its virtualenv:
//! `cargo test -p tnb-nb201-api --test official -- --ignored`.

mod common;

use std::path::PathBuf;

use common::{replay, replay_and_digest};
use tnb_nb201_api::{MemSource, StoreSource, obj_from_file_bytes};

/// Every call of the battery on `pth` (a pickle or torch file), from memory and from the
/// archive the converter writes of it; returns (calls, failures).
fn both(dir: &std::path::Path, name: &str, pth: &[u8]) -> (usize, Vec<String>) {
    let text = std::fs::read_to_string(dir.join(format!("{name}.jsonl"))).unwrap();
    let mem = MemSource::from_file_bytes(pth).unwrap();
    let ((n1, mut all), digest) = replay_and_digest(&mem, &text, name);
    if let Ok(out) = std::env::var("TNB_WRITE_DIGEST") {
        if name == "nb201_heldout" {
            std::fs::write(out, digest.join("\n") + "\n").unwrap();
        }
    }
    let obj = obj_from_file_bytes(pth).unwrap();
    let bytes = tnb_nb201_convert::archive_bytes(&obj, 0, [0; 32]).unwrap();
    let archive = tnb_nb201_store::Archive::copy_from(&bytes).unwrap();
    let store = StoreSource::new(&archive).unwrap();
    let (n2, f) = replay(&store, &text, name);
    all.extend(f.into_iter().map(|x| format!("[archive] {x}")));
    (n1 + n2, all)
}

fn python() -> String {
    std::env::var("TNB_OFFICIAL_PYTHON").unwrap_or_else(|_| "/tmp/mv/bin/python".into())
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/make_official.py")
}

fn report(all: &[String], total: usize) {
    let shown: Vec<&str> = all.iter().take(25).map(String::as_str).collect();
    assert!(all.is_empty(), "{} of {total} calls differ:\n{}", all.len(), shown.join("\n"));
}

/// The battery on two objects the script builds (v1_0 and v1_1 shapes, irregular seeds).
#[test]
#[ignore = "needs a Python with numpy and nas-bench-201==2.1 (TNB_OFFICIAL_PYTHON)"]
fn every_call_answers_as_the_official_code_does() {
    let dir = std::env::temp_dir().join(format!("tnb-nb201-api-official-{}", std::process::id()));
    let st = std::process::Command::new(python()).arg(script()).arg(&dir).status().unwrap();
    assert!(st.success(), "{:?} failed", script());
    let (mut all, mut total) = (Vec::new(), 0);
    for v in [0, 1] {
        let name = format!("nb201_v1{v}_api");
        let pkl = std::fs::read(dir.join(format!("{name}.pkl"))).unwrap();
        let (n, f) = both(&dir, &name, &pkl);
        total += n;
        all.extend(f);
    }
    let _ = std::fs::remove_dir_all(&dir);
    report(&all, total);
}

/// The battery on the repository's NB201 fixtures written by real torch (data/nb201_*.pth,
/// including the held-out one).
#[test]
#[ignore = "needs a Python with numpy and nas-bench-201==2.1 (TNB_OFFICIAL_PYTHON)"]
fn the_torch_written_fixtures_answer_as_the_official_code_does() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../data");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with("nb201_") && n.ends_with(".pth")
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no data/nb201_*.pth");
    let dir = std::env::temp_dir().join(format!("tnb-nb201-api-fixtures-{}", std::process::id()));
    let st =
        std::process::Command::new(python()).arg(script()).arg(&dir).args(&files).status().unwrap();
    assert!(st.success(), "{:?} failed", script());
    let (mut all, mut total) = (Vec::new(), 0);
    for f in &files {
        let name = f.file_stem().unwrap().to_string_lossy().into_owned();
        let (n, fails) = both(&dir, &name, &std::fs::read(f).unwrap());
        total += n;
        all.extend(fails);
    }
    let _ = std::fs::remove_dir_all(&dir);
    report(&all, total);
}
