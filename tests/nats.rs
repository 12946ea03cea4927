//! NATS-Bench through the real binaries: the authors' own sample files (`data/nats/samples/`,
//! archs 0, 11 and 284 of both spaces) and the look-alike single files (`data/nats/synth/`).
//! Conversion of folders and single files by both binaries, `dump --arch` of the archive equal
//! to `dump` of the per-arch file and to an independent reading by plain python3, `verify
//! --source` (and its refusals), the official values through `batch`, `show`, `best`, and
//! one-line errors on damaged sources with the destination untouched.

use std::path::{Path, PathBuf};

use crate::common::{TempDir, data, python, run_bin, tnb};
use crate::nb201::{ok, s};

const SPACES: [(&str, &str); 2] =
    [("tss", "NATS-tss-v1_0-3ffb9-simple"), ("sss", "NATS-sss-v1_0-50262-simple")];

fn sample(folder: &str) -> PathBuf {
    data().join("nats/samples").join(folder)
}

/// One `.pickle.pbz2` read by plain python3 (bz2 + its own unpickler allowing only the three
/// globals, numpy float64 scalars decoded from their bytes), printed as `tnb dump` promises:
/// `json.dumps` with each tuple key written as its `str()`.
const PY_DUMP: &str = r#"
import bz2, collections, json, pickle, struct, sys
class DType:
    def __init__(self, *a): self.code = a[0]
    def __setstate__(self, s): self.order = s[1]
def scalar(dt, b):
    fmt = {'f8': 'd', 'f4': 'f', 'i8': 'q', 'i4': 'i', 'b1': '?'}[dt.code]
    return struct.unpack(('>' if dt.order == '>' else '<') + fmt, b)[0]
class U(pickle.Unpickler):
    def find_class(self, m, n):
        if n == 'scalar' and m in ('numpy.core.multiarray', 'numpy._core.multiarray'): return scalar
        if (m, n) == ('numpy', 'dtype'): return DType
        if (m, n) == ('collections', 'OrderedDict'): return collections.OrderedDict
        raise pickle.UnpicklingError('refused %s.%s' % (m, n))
def keys(o):
    if isinstance(o, dict): return {(str(k) if isinstance(k, tuple) else k): keys(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)): return [keys(v) for v in o]
    if isinstance(o, (set, frozenset)): return [keys(v) for v in o]
    return o
with bz2.open(sys.argv[1]) as f:
    obj = U(f).load()
sys.stdout.write(json.dumps(keys(obj)) + '\n')
"#;

fn python_dump(file: &Path) -> Vec<u8> {
    let script = format!("import sys; sys.argv = ['-', {:?}]\n{PY_DUMP}", s(file));
    python(&script, b"")
}

/// Each sample folder converts (saying which archs have no file), the archive verifies
/// against it, and each of its archs dumps the same bytes from the archive, from the folder,
/// from the per-arch file, and from python3's own reading of that file.
#[test]
fn sample_folders_convert_verify_and_dump_each_arch_as_its_file() {
    let dir = TempDir::new("nats-samples");
    for (space, folder) in SPACES {
        let src = sample(folder);
        let dst = dir.path(&format!("{space}.tnb"));
        let out = ok(&tnb(&["convert", s(&src), s(&dst)]), "convert");
        assert!(out.contains(&format!("archs     3 of {} have a file", archs(space))), "{out}");
        assert!(
            out.contains("have no file (the official API would fail on them): 1, 2, 3"),
            "{out}"
        );
        let out = ok(&tnb(&["verify", s(&dst), "--source", s(&src)]), "verify");
        assert!(out.contains("byte for byte"), "{out}");
        let info = ok(&tnb(&["info", s(&dst)]), "info");
        let family = if space == "tss" { "topology (tss)" } else { "size (sss)" };
        assert!(info.contains(&format!("NATS-Bench {family}, format v2")), "{info}");
        for i in ["0", "11", "284"] {
            let file = src.join(format!("{:0>6}.pickle.pbz2", i));
            let from_archive = tnb(&["dump", s(&dst), "--arch", i]);
            let from_folder = tnb(&["dump", s(&src), "--arch", i]);
            let from_file = tnb(&["dump", s(&file)]);
            ok(&from_archive, "dump archive --arch");
            assert_eq!(from_archive.stdout, from_folder.stdout, "{space} {i}: archive vs folder");
            assert_eq!(from_archive.stdout, from_file.stdout, "{space} {i}: archive vs file");
            assert_eq!(from_archive.stdout, python_dump(&file), "{space} {i}: python3");
        }
        // The whole archive of a folder is its meta file's object.
        let meta = src.join("meta.pickle.pbz2");
        assert_eq!(ok(&tnb(&["dump", s(&dst)]), "dump"), ok(&tnb(&["dump", s(&meta)]), "meta"));
        let missing = tnb(&["dump", s(&dst), "--arch", "1"]);
        assert_eq!(missing.code, Some(2));
        assert!(missing.stderr.contains("arch 1 has no entry"), "{}", missing.stderr);
    }
}

fn archs(space: &str) -> usize {
    if space == "tss" { 15625 } else { 32768 }
}

/// The values nats-layout.md records from the official API on the samples, through `batch`.
#[test]
fn batch_answers_the_official_values_on_the_samples() {
    let dir = TempDir::new("nats-batch");
    let tss = dir.path("tss.tnb");
    let sss = dir.path("sss.tnb");
    ok(&tnb(&["convert", s(&sample(SPACES[0].1)), s(&tss), "-q"]), "convert tss");
    ok(&tnb(&["convert", s(&sample(SPACES[1].1)), s(&sss), "-q"]), "convert sss");
    let lines = |archive: &Path, reqs: &str| -> Vec<String> {
        let r = run_bin(env!("CARGO_BIN_EXE_tnb"), &["batch", s(archive)], Some(reqs.as_bytes()));
        ok(&r, "batch").lines().map(str::to_owned).collect()
    };
    let got = lines(
        &tss,
        concat!(
            r#"{"method": "get_more_info", "args": [0, "cifar10"], "kwargs": {"hp": "12", "is_random": false}}"#,
            "\n",
            r#"{"method": "get_more_info", "args": [0, "cifar100"], "kwargs": {"hp": "200", "iepoch": 5, "is_random": false}}"#,
            "\n",
            r#"{"method": "get_cost_info", "args": [0, "cifar10"]}"#,
            "\n",
            r#"{"method": "get_more_info", "args": [0, "cifar10"], "kwargs": {"hp": "90"}}"#,
            "\n",
            r#"{"method": "get_more_info", "args": [0, "cifar10"], "kwargs": {"iepoch": 12, "is_random": false}}"#,
            "\n",
            r#"{"method": "search_space_name"}"#,
            "\n",
        ),
    );
    assert!(
        got[0].contains(r#""train-loss": 0.8180574755477905, "train-accuracy": 71.08"#),
        "{}",
        got[0]
    );
    assert!(got[0].contains(r#""test-all-time": 12.235100337437219"#), "{}", got[0]);
    assert!(got[0].contains(r#""comment": "#), "{}", got[0]);
    assert!(got[1].contains(r#""valtest-accuracy": 13.566666666666668"#), "{}", got[1]);
    assert!(!got[1].contains("\"test-accuracy\""), "{}", got[1]);
    assert!(
        got[2].contains(r#""flops": 15.64737, "params": 0.129306, "latency": 0.0139359758611311"#),
        "{}",
        got[2]
    );
    assert_eq!(got[3], r#"{"error": "'90'", "type": "KeyError"}"#);
    assert_eq!(got[4], r#"{"error": "invalid iepoch=12 < 12", "type": "ValueError"}"#);
    assert_eq!(got[5], r#"{"ok": "topology"}"#);
    let got = lines(
        &sss,
        concat!(
            r#"{"method": "get_more_info", "args": [284, "cifar10"], "kwargs": {"hp": "90", "is_random": false}}"#,
            "\n",
            r#"{"method": "get_cost_info", "args": [0, "cifar10-valid"], "kwargs": {"hp": "01"}}"#,
            "\n",
        ),
    );
    assert!(got[0].contains(r#""train-accuracy": 96.846"#), "{}", got[0]);
    assert!(got[0].contains(r#""test-accuracy": 89.51"#), "{}", got[0]);
    assert!(got[1].contains(r#""flops": 4.481114, "params": 0.011714"#), "{}", got[1]);
}

/// `show` and `best` read the NATS semantics: the sss hps are its own three.
#[test]
fn show_and_best_on_a_sample_archive() {
    let dir = TempDir::new("nats-show");
    let sss = dir.path("sss.tnb");
    ok(&tnb(&["convert", s(&sample(SPACES[1].1)), s(&sss), "-q"]), "convert");
    let out = ok(&tnb(&["show", s(&sss), "8:8:40:32:40"]), "show");
    assert!(out.starts_with("8:8:40:32:40  (index 284 of 32768)"), "{out}");
    for hp in ["hp 01:", "hp 12:", "hp 90:"] {
        assert!(out.contains(hp), "{hp}: {out}");
    }
    let out = ok(
        &tnb(&["best", s(&sss), "--dataset", "cifar10", "--metric-on-set", "test", "--hp", "90"]),
        "best",
    );
    assert!(out.starts_with("find_best('cifar10', 'test', hp='90') = ("), "{out}");
}

/// Single benchmark files (the look-alikes) convert with both binaries to the same bytes and
/// verify against their source; a folder archive refuses a file of the other space.
#[test]
fn single_files_convert_with_both_binaries_and_verify() {
    let dir = TempDir::new("nats-single");
    for space in ["tss", "sss"] {
        let src = data().join(format!("nats/synth/{space}.pickle.pbz2"));
        let a = dir.path(&format!("{space}-a.tnb"));
        let b = dir.path(&format!("{space}-b.tnb"));
        let out = ok(&tnb(&["convert", s(&src), s(&a)]), "convert");
        assert!(out.contains("single file"), "{out}");
        ok(
            &run_bin(env!("CARGO_BIN_EXE_tnb-convert"), &[s(&src), s(&b), "-q"], None),
            "tnb-convert",
        );
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "{space}");
        ok(&tnb(&["verify", s(&a), "--source", s(&src)]), "verify");
    }
    let tss = dir.path("tss-a.tnb");
    let sss_src = data().join("nats/synth/sss.pickle.pbz2");
    let r = tnb(&["verify", s(&tss), "--source", s(&sss_src)]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("holds NATS-Bench topology (tss), but"), "{}", r.stderr);
}

/// Copies a sample folder into `dir`.
fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

/// Damage: a corrupted per-arch file or a truncated single file is a one-line error naming the
/// file (exit 2) and leaves an existing destination as it was; a folder that lost an arch no
/// longer verifies (exit 1).
#[test]
fn damaged_sources_are_refused_in_one_line_and_leave_the_output_alone() {
    let dir = TempDir::new("nats-damage");
    let folder = dir.path("NATS-tss-v1_0-3ffb9-simple");
    copy_folder(&sample(SPACES[0].1), &folder);
    let dst = dir.path("out.tnb");
    ok(&tnb(&["convert", s(&folder), s(&dst), "-q"]), "convert");
    let before = std::fs::read(&dst).unwrap();

    let victim = folder.join("000011.pickle.pbz2");
    let mut bytes = std::fs::read(&victim).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&victim, &bytes).unwrap();
    let r = tnb(&["convert", s(&folder), s(&dst)]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(r.stderr.trim_end().lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("000011.pickle.pbz2"), "{}", r.stderr);
    assert_eq!(std::fs::read(&dst).unwrap(), before, "the archive was touched");

    std::fs::remove_file(&victim).unwrap();
    let r = tnb(&["verify", s(&dst), "--source", s(&folder)]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("was not converted from"), "{}", r.stderr);

    let single = data().join("nats/synth/sss.pickle.pbz2");
    let bytes = std::fs::read(&single).unwrap();
    let cut = dir.path("cut.pickle.pbz2");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let r = tnb(&["convert", s(&cut), s(&dst)]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(r.stderr.trim_end().lines().count(), 1, "{}", r.stderr);
    assert_eq!(std::fs::read(&dst).unwrap(), before, "the archive was touched");
}
