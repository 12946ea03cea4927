//! Parity with the official `nats_bench==1.8` code without Python: `tests/data/nats_*.digest
//! .jsonl` keep, of the calls `tests/data/make_nats_official.py` ran through the official
//! classes on the real samples (data/nats/samples) and the look-alike single files
//! (data/nats/synth), every distinct failure (class and message in clear) and the first answers
//! of every method, each with a hash of the official answer (types, float bits) and printed
//! lines. This replays them on each source from memory and from its archive, so that a plain
//! `cargo test` checks the NATS-Bench methods (tests/nats.rs's side-by-side run needs Python).
//! Rewrite the digests with `TNB_WRITE_DIGEST=$PWD/crates/nb201/api/tests/data cargo test -p
//! tnb-nb201-api --test nats_digest -- --ignored` (a Python with nats-bench 1.8:
//! `TNB_OFFICIAL_PYTHON`, default `/tmp/mv/bin/python`).

mod common;

use common::{folder, single_file_of};

use std::path::{Path, PathBuf};

use tnb_nb201_api::{Dialect, MemSource, Nats, Space, StoreSource, obj_from_pbz2_bytes};
use tnb_nb201_convert::{Family, archive_bytes_family, folder_archive_bytes};
use tnb_nb201_store::Archive;

/// The folders as the digests name them: relative to the package (the directory `cargo test`
/// runs a package's tests in), so that `archive_dir` and the paths in messages are the same on
/// every checkout.
const TSS: &str = "../../../data/nats/samples/NATS-tss-v1_0-3ffb9-simple";
const SSS: &str = "../../../data/nats/samples/NATS-sss-v1_0-50262-simple";

/// (digest name, space, kind, path relative to the package).
const SOURCES: [(&str, Space, &str, &str); 8] = [
    ("tss_folder", Space::Tss, "folder", TSS),
    ("tss_dict", Space::Tss, "dict", TSS),
    ("tss_dictfast", Space::Tss, "dictfast", TSS),
    ("sss_folder", Space::Sss, "folder", SSS),
    ("sss_dict", Space::Sss, "dict", SSS),
    ("sss_dictfast", Space::Sss, "dictfast", SSS),
    ("synth_tss_file", Space::Tss, "file", "../../../data/nats/synth/tss.pickle.pbz2"),
    ("synth_sss_file", Space::Sss, "file", "../../../data/nats/synth/sss.pickle.pbz2"),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// How the official object was opened on a source (make_nats_official.py's kinds).
fn dialect(space: Space, kind: &str, rel: &str) -> Dialect {
    Dialect::Nats(match kind {
        "folder" => Nats { space, fast_mode: true, archive_dir: Some(rel.into()) },
        "dictfast" => Nats { space, fast_mode: true, archive_dir: None },
        _ => Nats::new(space),
    })
}

/// The source in memory and the archive the converter writes of it.
fn open(space: Space, kind: &str, rel: &str) -> (MemSource, Vec<u8>) {
    let fam = if space == Space::Tss { Family::NatsTss } else { Family::NatsSss };
    let path = root().join(rel);
    match kind {
        "file" => {
            let top = obj_from_pbz2_bytes(&std::fs::read(&path).unwrap()).unwrap();
            let bytes = archive_bytes_family(fam, &top, 0, [0; 32]).unwrap();
            (MemSource::from_nats_obj(&top).unwrap(), bytes)
        }
        "folder" => {
            let (meta, archs) = folder(&path);
            let bytes = folder_archive_bytes(fam, &meta, &archs, 0, [0; 32]).unwrap();
            (MemSource::from_nats_folder(&meta, &archs).unwrap(), bytes)
        }
        _ => {
            let top = single_file_of(&path);
            let bytes = archive_bytes_family(fam, &top, 0, [0; 32]).unwrap();
            (MemSource::from_nats_obj(&top).unwrap(), bytes)
        }
    }
}

#[test]
fn the_samples_answer_as_the_official_nats_bench_did() {
    let (mut all, mut total) = (Vec::new(), 0);
    for (name, space, kind, rel) in SOURCES {
        let file = root().join(format!("tests/data/nats_{name}.digest.jsonl"));
        let text = std::fs::read_to_string(&file).unwrap();
        let d = dialect(space, kind, rel);
        let (mem, bytes) = open(space, kind, rel);
        let (n, f) = common::replay_dialect(&mem, &text, name, &d);
        assert!(n > 100, "{name}: {n} cases");
        total += n;
        all.extend(f);
        let archive = Archive::copy_from(&bytes).unwrap();
        let store = StoreSource::new(&archive).unwrap();
        let (_, f) = common::replay_dialect(&store, &text, name, &d);
        all.extend(f.into_iter().map(|x| format!("[archive] {x}")));
    }
    let shown: Vec<&str> = all.iter().take(30).map(String::as_str).collect();
    assert!(all.is_empty(), "{} of {total} cases differ:\n{}", all.len(), shown.join("\n"));
}

/// Runs the official code on every source, replays its answers (they must all agree), and
/// writes the digests into `TNB_WRITE_DIGEST` (a directory) when it is set.
#[test]
#[ignore = "needs a Python with numpy and nats-bench==1.8 (TNB_OFFICIAL_PYTHON)"]
fn write_the_digests_from_the_official_code() {
    let python =
        std::env::var("TNB_OFFICIAL_PYTHON").unwrap_or_else(|_| "/tmp/mv/bin/python".into());
    // `TNB_NATS_RECORDED`: a directory where make_nats_official.py already wrote the answers
    // (with the same specs), to digest them without running it again.
    let recorded = std::env::var("TNB_NATS_RECORDED").ok();
    let dir = match &recorded {
        Some(d) => PathBuf::from(d),
        None => std::env::temp_dir().join(format!("tnb-nats-digest-{}", std::process::id())),
    };
    if recorded.is_none() {
        let script = root().join("tests/data/make_nats_official.py");
        let specs: Vec<String> = SOURCES
            .iter()
            .map(|(name, space, kind, rel)| {
                let abs = root().join(rel).canonicalize().unwrap();
                format!("{name}={}:{kind}:{}", space.name(), abs.display())
            })
            .collect();
        let st = std::process::Command::new(python).arg(&script).arg(&dir).args(&specs).status();
        assert!(st.unwrap().success(), "{script:?} failed");
    }
    let mut all = Vec::new();
    for (name, space, kind, rel) in SOURCES {
        let text = std::fs::read_to_string(dir.join(format!("{name}.jsonl"))).unwrap();
        // The recorded answers name the folder by its absolute path; the digest by `rel`.
        let abs = root().join(rel).canonicalize().unwrap();
        let text = text.replace(&abs.display().to_string(), rel);
        let (mem, _) = open(space, kind, rel);
        let ((_, f), digest) =
            common::replay_dialect_and_digest(&mem, &text, name, &dialect(space, kind, rel), {
                // simulate_train_eval and the used_time it adds up: every call, in order, for
                // one source of each space (about 450 lines each).
                name == "tss_folder" || name == "sss_dict"
            });
        all.extend(f);
        if let Ok(out) = std::env::var("TNB_WRITE_DIGEST") {
            let file = Path::new(&out).join(format!("nats_{name}.digest.jsonl"));
            let lines: Vec<String> = digest.iter().map(|l| cut_message(l)).collect();
            std::fs::write(file, lines.join("\n") + "\n").unwrap();
        }
    }
    if recorded.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let shown: Vec<&str> = all.iter().take(30).map(String::as_str).collect();
    assert!(all.is_empty(), "{} calls differ:\n{}", all.len(), shown.join("\n"));
}

/// A digest line with its message cut to 200 characters: the message is there for a reader
/// (the hash checks the whole answer), and some list every key of a dict (8 kB).
fn cut_message(line: &str) -> String {
    let mut j: serde_json::Value = serde_json::from_str(line).unwrap();
    if let Some(m) = j.get("msg").and_then(|m| m.as_str()) {
        if m.chars().count() > 200 {
            let cut: String = m.chars().take(200).collect();
            j["msg"] = format!("{cut}...").into();
        }
    }
    serde_json::to_string(&j).unwrap()
}
