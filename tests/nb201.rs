//! NAS-Bench-201 through the real binaries, on the small fixtures written by real torch
//! (`data/nb201_*.pth`, see data/README.md): conversion by both binaries, detection of the
//! family from the content, `dump` of the source against `dump` of the archive and against an
//! independent reading by plain python3, `verify --source`, one-line errors on damaged sources,
//! `batch`, `show`, `best`, and atomic outputs.

use std::path::{Path, PathBuf};

use crate::common::{Run, TempDir, data, python, run_bin, tnb};

/// The NB201 fixtures in `data/`.
fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(data())
        .expect("data dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("nb201_") && name.ends_with(".pth")
        })
        .collect();
    v.sort();
    assert!(!v.is_empty(), "expected data/nb201_*.pth fixtures");
    v
}

pub(crate) fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn tnb_convert(args: &[&str]) -> Run {
    run_bin(env!("CARGO_BIN_EXE_tnb-convert"), args, None)
}

/// Converts `src` into `dst` with `tnb convert`, which must succeed.
fn convert(src: &Path, dst: &Path) {
    let r = tnb(&["convert", s(src), s(dst)]);
    assert_eq!(r.code, Some(0), "convert {}: {}", src.display(), r.stderr);
}

pub(crate) fn ok(r: &Run, what: &str) -> String {
    assert_eq!(r.code, Some(0), "{what}: {}", r.stderr);
    String::from_utf8(r.stdout.clone()).expect("UTF-8 output")
}

/// The source read by plain python3 with its own unpickler (numpy scalars decoded from their
/// bytes, no torch), printed as `tnb dump` promises: `json.dumps` with each tuple key written as
/// its `str()`.
const PY_DUMP: &str = r#"
import collections, io, json, pickle, struct, sys, zipfile, _codecs
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
        if (m, n) == ('_codecs', 'encode'): return _codecs.encode
        if (m, n) == ('collections', 'OrderedDict'): return collections.OrderedDict
        raise pickle.UnpicklingError(m + '.' + n)
data = open(sys.stdin.read().strip(), 'rb').read()
if data[:2] == b'PK':
    z = zipfile.ZipFile(io.BytesIO(data))
    obj = U(io.BytesIO(z.read([n for n in z.namelist() if n.endswith('/data.pkl')][0]))).load()
else:
    f = io.BytesIO(data)
    for _ in range(3): U(f).load()
    obj = U(f).load()
def fix(o):
    if isinstance(o, dict): return {(str(k) if isinstance(k, tuple) else k): fix(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)): return [fix(x) for x in o]
    return o
sys.stdout.write(json.dumps(fix(obj)) + '\n')
"#;

#[test]
fn fixtures_convert_through_both_binaries_to_the_same_nb201_archive() {
    let tmp = TempDir::new("nb201-convert");
    for src in fixtures() {
        let (a, b) = (tmp.path("a.tnb"), tmp.path("b.tnb"));
        let summary = ok(&tnb(&["convert", s(&src), s(&a)]), "tnb convert");
        assert!(summary.contains("NAS-Bench-201"), "{}: summary {summary}", src.display());
        assert!(summary.contains("archs"), "{summary}");
        ok(&tnb_convert(&[s(&src), s(&b)]), "tnb-convert");
        let (x, y) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        assert!(x == y, "{}: the two binaries wrote different archives", src.display());
        // The header names the family (bytes 44..48, u32 LE 1).
        assert_eq!(&x[44..48], &1u32.to_le_bytes(), "{}", src.display());
        let json = ok(&tnb(&["convert", s(&src), s(&a), "--json"]), "convert --json");
        let v: serde_json::Value = serde_json::from_str(&json).expect("convert --json is JSON");
        assert_eq!(v["benchmark"], "NAS-Bench-201", "{json}");
        assert_eq!(v["archive_bytes"].as_u64(), Some(x.len() as u64), "{json}");
        assert!(std::fs::read(&a).unwrap() == x, "conversion is not deterministic");
    }
}

#[test]
fn the_family_is_recognised_from_the_content_not_the_name() {
    let tmp = TempDir::new("nb201-detect");
    let nb201 = &fixtures()[0];
    // An NB201 source named like TransNAS, and a TransNAS source named like NB201.
    let disguised = tmp.path("transnas-bench_v10141024.pth");
    std::fs::copy(nb201, &disguised).unwrap();
    let transnas = tmp.path("nb201_disguised.pth");
    std::fs::copy(data().join("transnas_small.pth"), &transnas).unwrap();
    let (a, b) = (tmp.path("a.pth"), tmp.path("b.nb201"));
    convert(&disguised, &a);
    convert(&transnas, &b);
    let info_a = ok(&tnb(&["info", s(&a)]), "info of the NB201 archive");
    assert!(info_a.contains("NAS-Bench-201"), "{info_a}");
    let info_b = ok(&tnb(&["info", s(&b)]), "info of the TransNAS archive");
    assert!(!info_b.contains("NAS-Bench-201"), "{info_b}");
    let j: serde_json::Value =
        serde_json::from_str(&ok(&tnb(&["info", s(&a), "--json"]), "info --json")).unwrap();
    assert_eq!(j["family"], "NAS-Bench-201");
    assert!(j["archs"].as_u64().unwrap() > 0);
    // TransNAS verbs still answer TransNAS archives, NB201 ones NB201 archives.
    ok(&tnb(&["show", s(&b), "0"]), "show on TransNAS");
    ok(&tnb(&["show", s(&a), "0"]), "show on NB201");
    let best = tnb(&["best", s(&b), "--dataset", "cifar10", "--metric-on-set", "test"]);
    best.assert_clean_error("best --dataset on a TransNAS archive");
}

#[test]
fn dump_of_the_source_equals_dump_of_the_archive_and_python_reading() {
    let tmp = TempDir::new("nb201-dump");
    for src in fixtures() {
        let out = tmp.path("out.tnb");
        convert(&src, &out);
        let from_source = tnb(&["dump", s(&src)]);
        let from_archive = tnb(&["dump", s(&out)]);
        ok(&from_source, "dump of the source");
        ok(&from_archive, "dump of the archive");
        assert!(
            from_source.stdout == from_archive.stdout,
            "{}: dump of the archive differs from dump of the source",
            src.display()
        );
        let want = python(PY_DUMP, s(&src).as_bytes());
        assert!(
            from_source.stdout == want,
            "{}: dump differs from python3's reading:\n{}\nvs\n{}",
            src.display(),
            String::from_utf8_lossy(&from_source.stdout[..from_source.stdout.len().min(400)]),
            String::from_utf8_lossy(&want[..want.len().min(400)])
        );
    }
}

/// Recomputes the payload CRC (bytes 40..44) and the header CRC (bytes 124..128) of an archive,
/// so that a forged payload passes the checksums.
fn reseal(file: &mut [u8]) {
    let crc = crc32fast::hash(&file[128..]);
    file[40..44].copy_from_slice(&crc.to_le_bytes());
    let crc = crc32fast::hash(&file[..124]);
    file[124..128].copy_from_slice(&crc.to_le_bytes());
}

#[test]
fn verify_source_passes_on_the_conversion_and_fails_on_tampering_or_another_source() {
    let tmp = TempDir::new("nb201-verify");
    let all = fixtures();
    let src = &all[0];
    let out = tmp.path("out.tnb");
    convert(src, &out);
    ok(&tnb(&["verify", s(&out)]), "verify");
    ok(&tnb(&["verify", s(&out), "--source", s(src)]), "verify --source");

    // A flipped payload bit: the payload checksum fails (exit 1).
    let good = std::fs::read(&out).unwrap();
    let bad = tmp.path("flipped.tnb");
    let mut flipped = good.clone();
    let at = 128 + (good.len() - 128) / 3;
    flipped[at] ^= 0x10;
    std::fs::write(&bad, &flipped).unwrap();
    let r = tnb(&["verify", s(&bad)]);
    assert_eq!(r.code, Some(1), "flipped bit: {}", r.stderr);
    assert!(r.stderr.contains("checksum"), "{}", r.stderr);
    let r = tnb(&["verify", s(&bad), "--source", s(src)]);
    assert_eq!(r.code, Some(1), "flipped bit, --source: {}", r.stderr);

    // Forged: a payload byte changed and both checksums recomputed. Where the archive still
    // opens, only the comparison with the source's rebuild can catch it (exit 1); where it does
    // not, opening refuses it (exit 2). Never exit 0.
    let mut caught_by_rebuild = 0;
    for k in 0..40 {
        let mut forged = good.clone();
        let at = 128 + (good.len() - 128) * (k * 2 + 1) / 80;
        forged[at] ^= 0x01;
        reseal(&mut forged);
        std::fs::write(&bad, &forged).unwrap();
        let r = tnb(&["verify", s(&bad), "--source", s(src)]);
        assert!(matches!(r.code, Some(1 | 2)), "forged at {at}: {:?} {}", r.code, r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        if r.code == Some(1) && tnb(&["verify", s(&bad)]).code == Some(0) {
            caught_by_rebuild += 1;
        }
    }
    assert!(caught_by_rebuild > 0, "no forgery opened cleanly: the test proves nothing");

    // Another source: refused (exit 1) by its size and SHA-256, or by the rebuild.
    let other = match all.get(1) {
        Some(o) => o.clone(),
        None => {
            let mut b = std::fs::read(src).unwrap();
            b.extend_from_slice(b"\0");
            let p = tmp.path("other.pth");
            std::fs::write(&p, b).unwrap();
            p
        }
    };
    let r = tnb(&["verify", s(&out), "--source", s(&other)]);
    assert_eq!(r.code, Some(1), "another source: {}", r.stderr);
}

#[test]
fn damaged_sources_give_one_line_errors_and_leave_the_destination_untouched() {
    let tmp = TempDir::new("nb201-damaged");
    let src = &fixtures()[0];
    let file = std::fs::read(src).unwrap();
    let dst = tmp.path("keep.tnb");
    let keep = b"an existing file that a failed conversion must not touch".to_vec();
    let bad = tmp.path("bad.pth");
    let mut failures = 0;
    // Truncations: always an error.
    for k in 1..24 {
        let cut = file.len() * k / 24;
        std::fs::write(&bad, &file[..cut]).unwrap();
        std::fs::write(&dst, &keep).unwrap();
        let r = tnb(&["convert", s(&bad), s(&dst)]);
        r.assert_clean_error(&format!("convert truncated at {cut}"));
        assert!(std::fs::read(&dst).unwrap() == keep, "truncated at {cut}: destination changed");
        tnb(&["dump", s(&bad)]).assert_clean_error(&format!("dump truncated at {cut}"));
        failures += 1;
    }
    // Bit flips: a success or a clean error, never a panic, and a failure changes nothing.
    for k in 0..48 {
        let at = file.len() * k / 48 + k % 7;
        let mut flipped = file.clone();
        flipped[at.min(file.len() - 1)] ^= 1 << (k % 8);
        std::fs::write(&bad, &flipped).unwrap();
        std::fs::write(&dst, &keep).unwrap();
        let r = tnb(&["convert", s(&bad), s(&dst)]);
        if r.code == Some(0) {
            continue;
        }
        r.assert_clean_error(&format!("convert flipped at {at}"));
        assert!(std::fs::read(&dst).unwrap() == keep, "flipped at {at}: destination changed");
        failures += 1;
    }
    assert!(failures > 24, "{failures}");
    let mut left: Vec<String> = std::fs::read_dir(&tmp.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["bad.pth", "keep.tnb"], "files left behind");
}

fn batch(archive: &Path, input: &str) -> Vec<serde_json::Value> {
    let r = run_bin(env!("CARGO_BIN_EXE_tnb"), &["batch", s(archive)], Some(input.as_bytes()));
    let out = ok(&r, "batch");
    out.lines().map(|l| serde_json::from_str(l).expect("each answer is JSON")).collect()
}

#[test]
fn batch_answers_official_methods_and_reports_errors_line_by_line() {
    let tmp = TempDir::new("nb201-batch");
    let src = &fixtures()[0];
    let out = tmp.path("out.tnb");
    convert(src, &out);
    let dump: serde_json::Value =
        serde_json::from_slice(&python(PY_DUMP, s(src).as_bytes())).unwrap();
    let meta = dump["meta_archs"].as_array().unwrap();
    let third = meta[meta.len().min(4) - 1].as_str().unwrap();
    let idx = meta.len().min(4) - 1;
    let requests = [
        format!(r#"{{"method": "query_index_by_arch", "args": ["{third}"]}}"#),
        format!(r#"{{"method": "arch", "args": [{idx}]}}"#),
        r#"{"method": "query_index_by_arch", "args": ["|none~0|+|none~0|none~1|+|none~0|none~1|none~2|x"]}"#.to_owned(),
        r#"{"method": "arch", "args": [1000000]}"#.to_owned(),
        r#"{"method": "no_such_method"}"#.to_owned(),
        "this is not JSON".to_owned(),
        r#"{"method": "find_best", "args": ["cifar10-valid", "x-valid"]}"#.to_owned(),
    ];
    let answers = batch(&out, &(requests.join("\n") + "\n"));
    assert_eq!(answers.len(), requests.len(), "{answers:?}");
    assert_eq!(answers[0]["ok"], serde_json::json!(idx));
    assert_eq!(answers[1]["ok"], serde_json::json!(third));
    assert_eq!(answers[2]["ok"], serde_json::json!(-1));
    assert_eq!(answers[3]["type"], "AssertionError", "{:?}", answers[3]);
    assert_eq!(answers[4]["type"], "AttributeError", "{:?}", answers[4]);
    assert_eq!(answers[5]["type"], "RequestError", "{:?}", answers[5]);
    // `tnb best` prints what the official find_best returns.
    let best = ok(
        &tnb(&[
            "best",
            s(&out),
            "--dataset",
            "cifar10-valid",
            "--metric-on-set",
            "x-valid",
            "--json",
        ]),
        "best --json",
    );
    let best: serde_json::Value = serde_json::from_str(&best).unwrap();
    assert_eq!(best, answers[6]["ok"], "best differs from batch find_best");
}

#[test]
fn show_by_index_and_by_arch_string_agree_and_bad_archs_are_one_line_errors() {
    let tmp = TempDir::new("nb201-show");
    let src = &fixtures()[0];
    let out = tmp.path("out.tnb");
    convert(src, &out);
    // An evaluated arch: the first key of arch2infos.
    let dump: serde_json::Value =
        serde_json::from_slice(&python(PY_DUMP, s(src).as_bytes())).unwrap();
    let first = dump["arch2infos"].as_object().unwrap().keys().next().unwrap().clone();
    let by_index = ok(&tnb(&["show", s(&out), &first]), "show INDEX");
    let arch = dump["meta_archs"][first.parse::<usize>().unwrap()].as_str().unwrap();
    assert!(by_index.starts_with(arch), "{by_index}");
    let by_arch = ok(&tnb(&["show", s(&out), arch]), "show ARCH");
    assert_eq!(by_index, by_arch);
    assert!(by_index.contains("cifar10-valid  train : [loss = "), "{by_index}");
    let json = ok(&tnb(&["show", s(&out), arch, "--json"]), "show --json");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["index"].as_u64(), first.parse::<u64>().ok());
    tnb(&["show", s(&out), "99999999"]).assert_clean_error("show out of range");
    tnb(&["show", s(&out), "|nope~0|"]).assert_clean_error("show unknown arch");
    let bench = ok(&tnb(&["bench", s(&out), "--json", "--runs", "1"]), "bench --json");
    let v: serde_json::Value = serde_json::from_str(&bench).unwrap();
    assert!(v["open_us"].as_f64().unwrap() > 0.0, "{bench}");
    // A source is benchmarked through the stream reader.
    let bench = ok(&tnb(&["bench", s(src), "--json", "--runs", "1"]), "bench of the source");
    let v: serde_json::Value = serde_json::from_str(&bench).unwrap();
    assert_eq!(v["family"], "NAS-Bench-201", "{bench}");
    assert_eq!(v["entries"].as_u64(), Some(dump["arch2infos"].as_object().unwrap().len() as u64));
}

#[test]
fn inputs_over_2_gib_go_to_the_stream_reader_only() {
    // A sparse file just over the TransNAS reader's 2 GiB limit: a small pickle, then zeros.
    // Only the stream reader may look at it (the TransNAS path would read it whole); its error
    // is one line, and nothing is written.
    let tmp = TempDir::new("nb201-big");
    let big = tmp.path("big.pkl");
    let f = std::fs::File::create(&big).unwrap();
    std::io::Write::write_all(&mut &f, b"\x80\x02}q\x00.").unwrap();
    f.set_len((2u64 << 30) + 4096).unwrap();
    drop(f);
    let dst = tmp.path("out.tnb");
    let r = tnb(&["convert", s(&big), s(&dst)]);
    r.assert_clean_error("convert of a 2 GiB non-NB201 file");
    assert!(!dst.exists());
    let r = tnb(&["dump", s(&big)]);
    r.assert_clean_error("dump of a 2 GiB non-NB201 file");
    assert!(r.stdout.is_empty());
}

#[test]
fn a_conversion_onto_its_own_source_is_refused_and_the_source_kept() {
    let tmp = TempDir::new("nb201-self");
    let src = tmp.path("nb201.pth");
    std::fs::copy(&fixtures()[0], &src).unwrap();
    let before = std::fs::read(&src).unwrap();
    let r = tnb(&["convert", s(&src), s(&src)]);
    r.assert_clean_error("convert onto its source");
    assert!(r.stderr.contains("source"), "{}", r.stderr);
    assert!(std::fs::read(&src).unwrap() == before, "the source changed");
}
