//! FORMAT-NB101.md is complete enough to read an archive without Rust: schema/read_nb101.py
//! (plain python3, no packages, written from the document alone) prints every value of
//! archives of every shape exactly as this test renders them from the Rust store.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use tnb_nb101_store::{Builder, Metric, Nb101Store, Provenance};

fn reader() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../schema/read_nb101.py")
}

/// The dump `read_nb101.py ARCHIVE` prints, from the store's API.
fn render(s: &Nb101Store) -> String {
    let mut out = String::new();
    let epochs: Vec<String> = s.valid_epochs().iter().map(|e| e.to_string()).collect();
    writeln!(out, "valid_epochs {}", epochs.join(" ")).unwrap();
    for row in 0..s.cells() as u32 {
        let h: String = s.hash(row).unwrap().iter().map(|b| format!("{b:02x}")).collect();
        let (n, adj) = s.adjacency(row).unwrap();
        let ops: Vec<&str> = s.operations(row).unwrap().collect();
        let params = s.trainable_parameters(row).unwrap();
        writeln!(out, "cell {row} {h} n={n} adj={adj:x} params={params} ops={}", ops.join(","))
            .unwrap();
        for b in s.budgets(row).unwrap() {
            writeln!(out, " budget {}", b.epochs).unwrap();
            for i in b.runs {
                let r = s.run(i).unwrap();
                let bits: Vec<String> =
                    Metric::ALL.iter().map(|&m| format!("{:016x}", r.get(m).to_bits())).collect();
                writeln!(out, "  run {i} {}", bits.join(" ")).unwrap();
            }
        }
    }
    let c = s.counts().canon as usize;
    // The canonical index, recomputed from the cells and checked through the public lookup.
    let mut entries = Vec::new();
    for row in 0..s.cells() as u32 {
        let (n, bits) = s.adjacency(row).unwrap();
        let ops: Vec<&str> = s.operations(row).unwrap().collect();
        if ops.len() != n as usize {
            continue;
        }
        let Some(labels) = tnb_nb101_store::spec::labels(ops.iter().copied()) else { continue };
        let m = tnb_nb101_store::spec::Matrix { n, bits };
        let Some((p, keep)) = tnb_nb101_store::spec::prune(m) else { continue };
        let kept: Vec<i8> =
            (0..n as usize).filter(|v| keep >> v & 1 == 1).map(|v| labels[v]).collect();
        if tnb_nb101_store::spec::hash_module(p, &kept) != s.hash(row).unwrap() {
            continue;
        }
        let key = tnb_nb101_store::spec::canonical_key(p, &kept);
        if key == tnb_nb101_store::spec::NO_KEY {
            continue;
        }
        assert_eq!(s.row_of_canonical(key).unwrap(), Some(row));
        entries.push((key, row));
    }
    entries.sort_unstable();
    assert_eq!(entries.len(), c);
    for (k, r) in entries {
        writeln!(out, "canon {k:016x} {r}").unwrap();
    }
    out
}

fn run_python(path: &Path, args: &[&str]) -> (bool, String, String) {
    let out =
        Command::new("python3").arg(reader()).arg(path).args(args).output().expect("python3 runs");
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_plain_python_reader_prints_what_the_store_reads() {
    let dir = std::env::temp_dir().join(format!("tnb-nb101-py-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut archives = vec![
        ("empty", Builder::new().finish(&Provenance::new(0, [0; 32])).unwrap()),
        ("ordered", common::build(&common::records(21, 30, false))),
        ("shuffled", common::build(&common::records(22, 50, true))),
    ];
    let mut floats = common::records(23, 5, true);
    for (i, r) in floats.iter_mut().enumerate() {
        r.final_[3] = f64::from_bits(common::SPECIAL[i % common::SPECIAL.len()]);
    }
    archives.push(("floats", common::build(&floats)));
    for (name, bytes) in &archives {
        let path = dir.join(format!("{name}.tnb"));
        std::fs::write(&path, bytes).unwrap();
        let s = Nb101Store::copy_from(bytes).unwrap();
        let (ok, stdout, stderr) = run_python(&path, &[]);
        assert!(ok, "{name}: {stderr}");
        assert_eq!(stdout, render(&s), "{name}");
        assert!(!stdout.contains("LOOKUP FAILED"));
    }
    // The API form, and the reader's own checks: a payload flip is a checksum error.
    let (name, bytes) = &archives[1];
    let s = Nb101Store::copy_from(bytes).unwrap();
    let h: String = s.hash(0).unwrap().iter().map(|b| format!("{b:02x}")).collect();
    let path = dir.join(format!("{name}.tnb"));
    let (ok, stdout, _) = run_python(&path, &[&h]);
    assert!(ok && stdout.contains("'module_operations'") && stdout.contains("final_test_accuracy"));
    let (ok, _, stderr) = run_python(&path, &["00000000000000000000000000000000"]);
    assert!(!ok && stderr.contains("error"), "{stderr}");
    let mut bad = bytes.clone();
    let n = bad.len();
    bad[n - 3] ^= 4;
    let bad_path = dir.join("bad.tnb");
    std::fs::write(&bad_path, &bad).unwrap();
    let (ok, _, stderr) = run_python(&bad_path, &[]);
    assert!(!ok && stderr.contains("payload checksum mismatch"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}
