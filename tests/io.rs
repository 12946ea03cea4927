//! Files and the terminal: only regular files are read (never a device, FIFO or folder, and
//! never waiting in `open`), concurrent conversions to one destination leave the archive of a
//! call that succeeded, an archive the reader refuses never replaces anything, and nothing from
//! a file reaches the terminal raw (issue 16, sections 5, 6, 7 and 10).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use tnb_pthwrite::Value;

use crate::common::{Run, TempDir, data, run_bin_within};

/// Far longer than any of these commands takes; only a hang (the bug being tested: `open` of a
/// FIFO waits for a writer forever) reaches it.
const HANG: Duration = Duration::from_secs(30);

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn tnb(args: &[&str]) -> Run {
    run_bin_within(env!("CARGO_BIN_EXE_tnb"), args, None, HANG)
}

/// Every command that reads a path, with `p` as that path (the archive, or `verify`'s source,
/// or `convert`'s source).
fn readers<'a>(p: &'a str, good: &'a str, out: &'a str) -> Vec<Vec<&'a str>> {
    vec![
        vec!["info", p],
        vec!["info", "--json", p],
        vec!["verify", p],
        vec!["verify", good, "--source", p],
        vec!["show", p, "0"],
        vec!["best", p, "--task", "jigsaw", "--metric", "valid_top1"],
        vec!["batch", p],
        vec!["dump", p],
        vec!["bench", "--runs", "1", p],
        vec!["convert", p, out],
    ]
}

/// `/dev/zero` used to be read until memory ran out, a FIFO blocked every command in `open`
/// forever, and a folder failed only when read. Each is refused with one line, before reading,
/// by every command; links to them too.
#[test]
fn only_regular_files_are_read_and_nothing_waits() {
    let tmp = TempDir::new("io-special");
    let fifo = tmp.path("fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let link = tmp.path("zero-link");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let folder = tmp.path("folder.tnb");
    std::fs::create_dir(&folder).unwrap();
    let good = data().join("golden/transnas_small.tnb");
    let out = tmp.path("out.tnb");
    for (special, kind) in [
        (Path::new("/dev/zero"), "a character device"),
        (link.as_path(), "a character device"),
        (fifo.as_path(), "a named pipe (FIFO)"),
        (folder.as_path(), "a directory"),
    ] {
        for args in readers(s(special), s(&good), s(&out)) {
            let r = tnb(&args);
            r.assert_clean_error(&format!("{args:?}"));
            assert!(
                r.stderr.contains(&format!("not a regular file: {kind}")),
                "{args:?}: {}",
                r.stderr
            );
            assert!(!out.exists(), "{args:?} wrote an archive");
        }
        let r =
            run_bin_within(env!("CARGO_BIN_EXE_tnb-convert"), &[s(special), s(&out)], None, HANG);
        r.assert_clean_error("tnb-convert");
        assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    }
    // Nothing was taken from the FIFO, and it is still one.
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

/// Sources of different content, and the archive each converts to.
fn two_sources() -> [(PathBuf, Vec<u8>); 2] {
    ["transnas_small.pth", "transnas_variant.pth"].map(|n| {
        let p = data().join(n);
        let archive = tnb_convert::convert_bytes(&std::fs::read(&p).unwrap()).unwrap();
        (p, archive)
    })
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tnb-tmp-"))
        .collect()
}

/// Two threads of one process converting different sources to one destination used to share
/// the temporary file: one call failed, and the call that reported success could leave the
/// other source's archive. Now both succeed, every round, and the destination holds exactly the
/// archive of one of them (whichever renamed last).
#[test]
fn concurrent_conversions_to_one_destination_leave_a_successful_calls_archive() {
    let tmp = TempDir::new("io-threads");
    let sources = Arc::new(two_sources());
    assert!(sources[0].1 != sources[1].1);
    let dst = Arc::new(tmp.path("shared.tnb"));
    for round in 0..30 {
        let barrier = Arc::new(Barrier::new(2));
        let calls: Vec<_> = (0..2)
            .map(|i| {
                let (sources, dst, barrier) = (sources.clone(), dst.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    tnb_convert::convert_file(&sources[i].0, &dst, &mut |_| {}, &tnb_verify::opens)
                        .map(drop)
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        let results: Vec<Result<(), String>> =
            calls.into_iter().map(|t| t.join().unwrap()).collect();
        for (i, r) in results.iter().enumerate() {
            assert!(r.is_ok(), "round {round}: call {i} failed: {r:?}");
        }
        let left = std::fs::read(&*dst).unwrap();
        assert!(
            left == sources[0].1 || left == sources[1].1,
            "round {round}: the destination is neither call's archive ({} bytes)",
            left.len()
        );
        assert_eq!(temp_files(&tmp.0), Vec::<String>::new(), "round {round}: temporaries left");
    }
}

/// The reader's check of the written file (`accept`) decides: an archive it refuses never
/// replaces the destination (nor creates it), whatever the file holds, and the refusal is the
/// call's error.
#[test]
fn an_archive_the_check_refuses_never_replaces_the_destination() {
    let tmp = TempDir::new("io-accept");
    let [(src, archive), _] = two_sources();
    let checked = AtomicUsize::new(0);
    let refuse = |written: &Path| {
        // It is handed the complete archive, under a name of its own.
        assert!(std::fs::read(written).unwrap() == archive, "the check saw another file");
        checked.fetch_add(1, Ordering::Relaxed);
        Err("refused by the test".to_owned())
    };
    let existing = tmp.path("existing.tnb");
    std::fs::write(&existing, b"previous contents").unwrap();
    let fresh = tmp.path("fresh.tnb");
    for dst in [&existing, &fresh] {
        let r = tnb_convert::convert_file(&src, dst, &mut |_| {}, &refuse);
        match r {
            Err(tnb_convert::Error::Unreadable(m)) => assert_eq!(m, "refused by the test"),
            other => panic!("{}: expected the check's refusal, got {other:?}", dst.display()),
        }
    }
    assert_eq!(checked.load(Ordering::Relaxed), 2, "the check was not consulted");
    assert_eq!(std::fs::read(&existing).unwrap(), b"previous contents");
    assert!(!fresh.exists(), "a refused archive was put in place");
    assert_eq!(temp_files(&tmp.0), Vec::<String>::new(), "the refused file was left behind");
    // The same call with a check that accepts puts the archive in place.
    tnb_convert::convert_file(&src, &existing, &mut |_| {}, &|_| Ok(())).unwrap();
    assert!(std::fs::read(&existing).unwrap() == archive);
}

/// Names carrying terminal control sequences: OSC set-title ended by BEL, clear-screen, a CR
/// that returns to the start of the line, and an 8-bit CSI.
const TASK: &str = "jig\u{1b}]0;pwned\u{7}saw";
const METRIC: &str = "valid\u{1b}[2J\rtop1";
const INFO: &str = "flops\u{7}";
const SPACE: &str = "mi\u{1b}[31mcro";
const ODD_ARCH: &str = "64-\u{9b}2J-arch\r";
const INFO_TEXT: &str = "fast\u{1b}[2K";
/// The forged header's converter field (at most 32 bytes).
const CONVERTER: &str = "\u{1b}]0;owned\u{7}\u{1b}[2J\r";

/// A two-arch benchmark whose names are [`TASK`], [`METRIC`], [`INFO`], [`SPACE`] and an arch
/// [`ODD_ARCH`].
fn hostile_bench() -> Value {
    let st = Value::str;
    let result = |x: f64| {
        Value::dict(vec![
            (st("total_epochs"), Value::Int(2)),
            (st("model_info"), Value::dict(vec![(st(INFO), st(INFO_TEXT))])),
            (
                st("metrics"),
                Value::dict(vec![(
                    st(METRIC),
                    Value::list(vec![Value::Float(x), Value::Float(x + 1.0)]),
                )]),
            ),
        ])
    };
    let arch = |name: &str, x: f64| (st(name), Value::dict(vec![(st(TASK), result(x))]));
    Value::dict(vec![
        (st("task_list"), Value::list(vec![st(TASK)])),
        (st("metrics_dict"), Value::dict(vec![(st(TASK), Value::list(vec![st(METRIC)]))])),
        (st("info_names"), Value::list(vec![st(INFO)])),
        (
            st("data"),
            Value::dict(vec![(
                st(SPACE),
                Value::dict(vec![arch("64-41414-0_00_000", 0.5), arch(ODD_ARCH, 2.5)]),
            )]),
        ),
    ])
}

/// `stdout` is text that a terminal shows as is: no control character but the line ends, no
/// reordering character, and the escapes are there (the names were escaped, not dropped).
fn assert_terminal_safe(what: &str, r: &Run) {
    assert_eq!(r.code, Some(0), "{what}: {}", r.stderr);
    let text = String::from_utf8(r.stdout.clone()).unwrap();
    let raw: Vec<char> = text
        .chars()
        .filter(|&c| c != '\n' && (c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)))
        .collect();
    assert!(raw.is_empty(), "{what}: raw control characters {raw:?} in {text:?}");
    assert!(
        text.contains("\\u{1b}") || text.contains("\\u{7}") || text.contains("\\x1b"),
        "{what}: {text:?}"
    );
}

/// JSON output stays JSON: it parses, and gives back the names exactly.
fn json(what: &str, r: &Run) -> serde_json::Value {
    assert_eq!(r.code, Some(0), "{what}: {}", r.stderr);
    assert!(r.stdout.iter().all(|&b| b == b'\n' || (0x20..0x7f).contains(&b)), "{what}: not ASCII");
    serde_json::from_slice(&r.stdout).unwrap_or_else(|e| panic!("{what}: not JSON ({e})"))
}

/// Names from a file (task, metric, info, space and arch names, the header's converter field)
/// and file names used to reach `info`, `show`, `best`, the convert summary and verify's ok
/// line with their escape sequences intact. Every human-readable output escapes them now, and
/// the JSON outputs still parse to the exact names.
#[test]
fn nothing_from_a_file_reaches_the_terminal_raw() {
    let tmp = TempDir::new("io-terminal");
    let src = tmp.path("src\u{1b}]0;x\u{7}.pkl");
    std::fs::write(&src, tnb_pthwrite::dumps(&hostile_bench()).unwrap()).unwrap();
    let dst = tmp.path("out\u{1b}[2J\r.tnb");
    assert_terminal_safe("convert", &tnb(&["convert", s(&src), s(&dst)]));
    let summary = json("convert --json", &tnb(&["convert", "--json", s(&src), s(&dst)]));
    assert_eq!(summary["spaces"][SPACE], 2, "{summary}");
    assert_eq!(summary["archive"], s(&dst));

    // The header's converter field, forged (its CRC recomputed by `encode`).
    let mut bytes = std::fs::read(&dst).unwrap();
    let mut header = tnb_schema::header::Header::decode(&bytes).unwrap();
    header.converter = CONVERTER.to_owned();
    bytes[..tnb_schema::header::HEADER_LEN].copy_from_slice(&header.encode());
    std::fs::write(&dst, &bytes).unwrap();
    assert_eq!(tnb_schema::header::Header::decode(&bytes).unwrap().converter, CONVERTER);

    let info = tnb(&["info", s(&dst)]);
    assert_terminal_safe("info", &info);
    let text = String::from_utf8(info.stdout).unwrap();
    assert!(text.contains("converter  \\u{1b}]0;owned\\u{7}\\u{1b}[2J\\u{d}\n"), "{text}");
    let j = json("info --json", &tnb(&["info", "--json", s(&dst)]));
    assert_eq!(j["converter"], CONVERTER);
    assert_eq!(j["file"], s(&dst));
    assert_eq!(j["tasks"][TASK]["metrics"], 1, "{j}");
    assert_eq!(j["spaces"][SPACE], 2, "{j}");

    for arch in ["0", "1"] {
        assert_terminal_safe("show", &tnb(&["show", s(&dst), arch]));
        let j = json("show --json", &tnb(&["show", "--json", s(&dst), arch]));
        assert_eq!(j["space"], SPACE);
        assert_eq!(j["tasks"][TASK]["model_info"][INFO], INFO_TEXT, "{j}");
        assert!(j["tasks"][TASK]["metrics"][METRIC]["best"].is_number(), "{j}");
    }
    let best = ["best", s(&dst), "--task", TASK, "--metric", METRIC];
    assert_terminal_safe("best", &tnb(&best));
    let j = json("best --json", &tnb(&[&best[..], &["--json"]].concat()));
    assert_eq!(j[SPACE][0][1], ODD_ARCH, "{j}");

    // The benchmark's report names the file, task and metric it measured.
    assert_terminal_safe("bench", &tnb(&["bench", "--runs", "1", s(&dst)]));
    assert_terminal_safe("verify", &tnb(&["verify", s(&dst)]));
    assert_terminal_safe("verify --source", &tnb(&["verify", s(&dst), "--source", s(&src)]));
}
