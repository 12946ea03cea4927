//! Replays every committed fuzz input on stable: each seed (`fuzz/seeds/<target>/`) and each
//! input that once crashed or hung a target (`fuzz/regressions/<target>/`) goes through the very
//! code its target runs (`fuzz/src/targets.rs`, included below), and must neither panic nor take
//! absurd time. Adding a regression is dropping the input in its target's folder.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

// The fuzz targets' bodies, compiled here exactly as cargo-fuzz compiles them.
// (`tests/faults.rs` runs corrupted files through them too.)
#[allow(dead_code)] // not every helper is used by every test
pub(crate) mod targets {
    include!("../fuzz/src/targets.rs");
}

/// A fuzz target's body.
type Body = fn(&[u8]);

/// Each fuzz target and its body.
const TARGETS: &[(&str, Body)] = &[
    ("pickle", targets::pickle),
    ("pth", targets::pth),
    ("pth_wrapped", targets::pth_wrapped),
    ("archive", targets::archive),
    ("convert", targets::convert),
    ("stream", targets::stream),
    ("nats", targets::nats),
    ("tfrecord", targets::tfrecord),
    ("nb101_record", targets::nb101_record),
];

/// Fuzz targets whose bodies live outside `fuzz/src/targets.rs`, with the test that replays
/// their inputs: `forge` judges forged archives with the verify crate's test module.
const REPLAYED_ELSEWHERE: &[(&str, &str)] = &[("forge", "crates/transnas/verify/tests/forge.rs")];

/// The longest one input may take in this (unoptimised) build. The fuzzer's own timeout is
/// 10 s per input in an optimised build, where the slowest seed takes milliseconds.
const SLOW: Duration = Duration::from_secs(60);

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

/// Runs `body(input)` on its own thread: with a big stack like the fuzzer's main thread (a
/// test thread's 2 MB is less than a 1000-deep dump needs in a debug build), its panic caught
/// and reported with the input's name, and a time bound.
fn replay(target: &str, body: Body, path: &Path) -> Result<Duration, String> {
    let input = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name(format!("{target}:{}", path.display()))
        .stack_size(256 << 20)
        .spawn(move || {
            let start = Instant::now();
            let r = std::panic::catch_unwind(|| body(&input));
            let _ = tx.send(r.map(|()| start.elapsed()).map_err(|p| {
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            }));
        })
        .map_err(|e| format!("spawn: {e}"))?;
    match rx.recv_timeout(SLOW) {
        Ok(Ok(took)) => Ok(took),
        Ok(Err(panic)) => Err(format!("{target} panicked on {}: {panic}", path.display())),
        Err(_) => Err(format!("{target} took over {SLOW:?} on {}", path.display())),
    }
}

/// Replays one target's seeds and regressions; returns how many inputs ran.
fn replay_target(target: &str) -> usize {
    let body = TARGETS.iter().find(|t| t.0 == target).expect("a known target").1;
    let seeds = files(&fuzz_dir().join("seeds").join(target));
    assert!(!seeds.is_empty(), "no seeds for fuzz target {target}");
    let regressions = files(&fuzz_dir().join("regressions").join(target));
    let mut failures = Vec::new();
    for path in seeds.iter().chain(&regressions) {
        if let Err(e) = replay(target, body, path) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{} input(s) failed:\n{}", failures.len(), failures.join("\n"));
    seeds.len() + regressions.len()
}

#[test]
fn fuzz_pickle_inputs_replay_cleanly() {
    replay_target("pickle");
}

#[test]
fn fuzz_stream_inputs_replay_cleanly() {
    replay_target("stream");
}

#[test]
fn fuzz_nats_inputs_replay_cleanly() {
    replay_target("nats");
}

#[test]
fn fuzz_pth_inputs_replay_cleanly() {
    replay_target("pth");
}

#[test]
fn fuzz_pth_wrapped_inputs_replay_cleanly() {
    replay_target("pth_wrapped");
}

#[test]
fn fuzz_archive_inputs_replay_cleanly() {
    replay_target("archive");
}

#[test]
fn fuzz_convert_inputs_replay_cleanly() {
    replay_target("convert");
}

#[test]
fn fuzz_tfrecord_inputs_replay_cleanly() {
    replay_target("tfrecord");
}

#[test]
fn fuzz_nb101_record_inputs_replay_cleanly() {
    replay_target("nb101_record");
}

#[test]
fn every_fuzz_input_folder_names_a_target() {
    // A folder for a renamed or misspelt target would otherwise be skipped silently.
    for kind in ["seeds", "regressions"] {
        // (`regressions/` exists once a target has crashed at least once.)
        let Ok(dir) = std::fs::read_dir(fuzz_dir().join(kind)) else {
            assert_eq!(kind, "regressions", "fuzz/{kind} is missing");
            continue;
        };
        for entry in dir.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let known = TARGETS.iter().any(|t| t.0 == name)
                || REPLAYED_ELSEWHERE.iter().any(|t| t.0 == name);
            assert!(
                entry.path().is_dir() && known,
                "fuzz/{kind}/{name} is not the folder of a fuzz target"
            );
        }
    }
    // Every target replayed elsewhere has its fuzz_targets/ file, and its test reads its seeds.
    for (target, test) in REPLAYED_ELSEWHERE {
        assert!(fuzz_dir().join(format!("fuzz_targets/{target}.rs")).is_file(), "{target}");
        let src = std::fs::read_to_string(fuzz_dir().join("..").join(test)).unwrap();
        assert!(src.contains(&format!("seeds/{target}")), "{test} does not replay {target}");
    }
    // Every target has a fuzz_targets/ file calling the shared body of the same name.
    for (target, _) in TARGETS {
        let src = std::fs::read_to_string(fuzz_dir().join(format!("fuzz_targets/{target}.rs")))
            .unwrap_or_else(|e| panic!("fuzz_targets/{target}.rs: {e}"));
        assert!(
            src.contains(&format!("tnb_fuzz::{target}(data)")),
            "{target}.rs calls another body"
        );
    }
}

#[test]
fn the_shared_bodies_catch_what_they_claim_to() {
    // The replay above is only worth something if the bodies do fail on bad behaviour: feed
    // them inputs whose outcome is known.
    // A valid archive payload opens and is queried; its seed replays in well under the bound.
    let golden = std::fs::read(fuzz_dir().join("../data/golden/transnas_small.tnb")).unwrap();
    let payload = &golden[tnb_schema::header::HEADER_LEN..];
    let store = tnb_store::Store::copy_from(&targets::with_header(payload)).unwrap();
    assert!(!store.is_empty());
    // The structure-aware wrapper gives a file tnb-pth reads back as a zip and as legacy.
    let zip = targets::wrap(b"\x00\x80\x02K\x07.").unwrap();
    assert!(matches!(tnb_pth::load(&zip).unwrap().format, tnb_pth::Format::Zip { .. }));
    let legacy = targets::wrap(b"\x01\x80\x02K\x07.\x80\x02].").unwrap();
    assert_eq!(tnb_pth::load(&legacy).unwrap().format, tnb_pth::Format::Legacy);
    // A panicking body is a failure that names the input and carries the panic's message.
    let r = replay("pickle", |_| panic!("deliberate"), &fuzz_dir().join("make_seeds.py"));
    assert!(r.unwrap_err().contains("deliberate"));
}

#[test]
fn a_generic_dag_that_expands_past_the_limit_is_refused_at_open() {
    // 952 bytes whose generic tree doubles 33 times: walking it would take hours.
    let dir = crate::common::data().join("../fuzz/regressions/archive");
    let payload = std::fs::read(dir.join("generic_dag_expanding_to_2p34_values.bin")).unwrap();
    let file = targets::with_header(&payload);
    let err = tnb_store::Store::copy_from(&file).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains("expands to more values"), "{err}");
    let tmp = crate::common::TempDir::new("dag");
    let p = tmp.path("dag.tnb");
    std::fs::write(&p, &file).unwrap();
    let r = crate::common::tnb(&["verify", p.to_str().unwrap()]);
    r.assert_clean_error("dag verify");
}

/// Runs `body` on `rounds` damaged copies of each of `target`'s seeds (bit flips, byte
/// changes, truncations, a duplicated slice): a short stable-Rust stand-in for the fuzzer, so
/// that CI exercises the NAS-Bench-101 bodies beyond their seeds.
fn mutate_seeds(target: &str, body: Body, rounds: usize) {
    let mut rng = tnb_testrng::TestRng::new(0x006e_6231_3031);
    for path in files(&fuzz_dir().join("seeds").join(target)) {
        let seed = std::fs::read(&path).unwrap();
        for round in 0..rounds {
            let mut b = seed.clone();
            match round % 4 {
                0 | 1 => rng.damage(&mut b, 0, round),
                2 => b.truncate(rng.below(b.len() + 1)),
                _ => {
                    let (x, y) = (rng.below(b.len() + 1), rng.below(b.len() + 1));
                    let (x, y) = (x.min(y), x.max(y));
                    let piece = b[x..y].to_vec();
                    b.splice(x..x, piece);
                }
            }
            if let Err(p) = std::panic::catch_unwind(|| body(&b)) {
                let msg = p.downcast_ref::<String>().cloned().unwrap_or_default();
                panic!("{target} on round {round} of {}: {msg}\ninput: {b:02x?}", path.display());
            }
        }
    }
}

#[test]
fn nb101_bodies_survive_damaged_seeds() {
    mutate_seeds("tfrecord", targets::tfrecord, 600);
    mutate_seeds("nb101_record", targets::nb101_record, 600);
}
