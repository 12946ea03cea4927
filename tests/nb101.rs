//! NAS-Bench-101 through the real binaries, on the small TFRecord fixtures of `data/nb101/`
//! (written by the official helper's independent writer; see data/nb101/README.md): conversion
//! by both binaries, detection from the content, `info`, `verify` (with and without
//! `--source`), `show` by hash and by spec, `best`, `dump`, one-line errors on damaged input,
//! and `batch --seed 21` answering every recorded official call (data/nb101/official/) as
//! `json.dumps` of the official answer, checked by plain python3.

use std::path::{Path, PathBuf};

use crate::common::{Run, TempDir, data, python, run_bin, tnb};

const FIXTURES: [&str; 3] = ["full_small", "only108_small", "edge"];

fn fixture(name: &str) -> PathBuf {
    data().join("nb101").join(format!("{name}.tfrecord"))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn ok(r: &Run, what: &str) -> String {
    assert_eq!(r.code, Some(0), "{what}: {}", r.stderr);
    String::from_utf8(r.stdout.clone()).expect("UTF-8 output")
}

/// Converts a fixture into `dir`, returning the archive's path.
fn convert(dir: &TempDir, name: &str) -> PathBuf {
    let out = dir.path(&format!("{name}.tnb"));
    ok(&tnb(&["convert", s(&fixture(name)), s(&out)]), "convert");
    out
}

#[test]
fn fixtures_convert_through_both_binaries_to_the_same_verified_archive() {
    let tmp = TempDir::new("nb101-convert");
    for name in FIXTURES {
        let a = convert(&tmp, name);
        let b = tmp.path(&format!("{name}-2.tnb"));
        let r = run_bin(env!("CARGO_BIN_EXE_tnb-convert"), &[s(&fixture(name)), s(&b)], None);
        ok(&r, "tnb-convert");
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "{name}");
        let info = ok(&tnb(&["info", s(&a)]), "info");
        assert!(info.contains("NAS-Bench-101"), "{info}");
        let json = ok(&tnb(&["info", "--json", s(&a)]), "info --json");
        assert!(json.contains("\"family\": \"NAS-Bench-101\""), "{json}");
        let v = ok(&tnb(&["verify", s(&a)]), "verify");
        assert!(v.contains(": ok"), "{v}");
        let v = ok(&tnb(&["verify", s(&a), "--source", s(&fixture(name))]), "verify --source");
        assert!(v.contains("byte for byte"), "{v}");
    }
}

#[test]
fn verify_source_of_another_file_and_a_flipped_byte_fail_the_check() {
    let tmp = TempDir::new("nb101-verify");
    let a = convert(&tmp, "only108_small");
    let r = tnb(&["verify", s(&a), "--source", s(&fixture("full_small"))]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let mut bytes = std::fs::read(&a).unwrap();
    let at = bytes.len() - 100;
    bytes[at] ^= 0x40;
    let bad = tmp.path("flipped.tnb");
    std::fs::write(&bad, &bytes).unwrap();
    let r = tnb(&["verify", s(&bad)]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(r.stderr.trim_end().lines().count(), 1, "{}", r.stderr);
    // Every other verb refuses it with one line, exit 2.
    tnb(&["info", s(&bad)]).assert_clean_error("info of a flipped archive");
    tnb(&["best", s(&bad)]).assert_clean_error("best of a flipped archive");
}

#[test]
fn damaged_sources_are_one_line_errors_and_leave_no_output() {
    let tmp = TempDir::new("nb101-damaged");
    let src = std::fs::read(fixture("only108_small")).unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", src[..src.len() - 7].to_vec()),
        ("data crc", {
            let mut b = src.clone();
            b[20] ^= 1;
            b
        }),
        ("huge length after the first record", {
            let first = u64::from_le_bytes(src[..8].try_into().unwrap()) as usize + 16;
            let mut b = src[..first].to_vec();
            b.extend_from_slice(&u64::MAX.to_le_bytes());
            b.extend_from_slice(&[0; 8]);
            b
        }),
    ];
    for (what, bytes) in cases {
        let p = tmp.path("bad.tfrecord");
        std::fs::write(&p, &bytes).unwrap();
        let out = tmp.path("bad.tnb");
        tnb(&["convert", s(&p), s(&out)]).assert_clean_error(what);
        assert!(!out.exists(), "{what}: an archive was written");
    }
}

#[test]
fn show_best_and_dump_answer_as_the_api_does() {
    let tmp = TempDir::new("nb101-show");
    let a = convert(&tmp, "full_small");
    let best = ok(&tnb(&["best", s(&a), "--top", "3", "--json"]), "best --json");
    let v: serde_json::Value = serde_json::from_str(&best).unwrap();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 3);
    let means: Vec<f64> = list.iter().map(|x| x[0].as_f64().unwrap()).collect();
    assert!(means.windows(2).all(|w| w[0] >= w[1]), "{means:?}");
    let hash = list[0][1].as_str().unwrap();
    // The best mean, recomputed by python3 from dump's get_metrics_from_hash of every cell.
    let all = ok(&tnb(&["dump", s(&a)]), "dump");
    let want = python(
        "import json,sys\nd=json.load(sys.stdin)\nm=[]\nfor h,(f,c) in d.items():\n    r=c.get('108')\n    \
         if r: m.append((sum(x['final_test_accuracy'] for x in r)/len(r),h))\nm.sort(key=lambda t:-t[0])\n\
         print(m[0][1], repr(m[0][0]))\n",
        all.as_bytes(),
    );
    let want = String::from_utf8(want).unwrap();
    assert_eq!(want.split_whitespace().next(), Some(hash), "{want}");
    let one = ok(&tnb(&["dump", s(&a), "--hash", hash]), "dump --hash");
    // The source dumps the same, converted in memory.
    let from_source = ok(&tnb(&["dump", s(&fixture("full_small"))]), "dump of the source");
    assert_eq!(from_source, all);
    let whole: serde_json::Value = serde_json::from_str(&all).unwrap();
    let cell: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert_eq!(whole[hash], cell);
    let text = ok(&tnb(&["show", s(&a), hash]), "show");
    assert!(text.contains(hash) && text.contains("mean"), "{text}");
    // The same cell by its spec (matrix and ops as the archive holds them).
    let fixed = &cell[0];
    let ops: Vec<&str> = fixed["module_operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    let m = fixed["module_adjacency"].to_string();
    let by_spec =
        ok(&tnb(&["show", s(&a), "--matrix", &m, "--ops", &ops.join(","), "--json"]), "show spec");
    assert!(by_spec.contains(hash), "{by_spec}");
    tnb(&["show", s(&a), "0123456789abcdef0123456789abcdef"]).assert_clean_error("unknown hash");
    tnb(&["show", s(&a), "--matrix", "[[0,1],[1,0]]", "--ops", "input,output"])
        .assert_clean_error("lower-triangular spec");
    tnb(&["best", s(&a), "--epochs", "7"]).assert_clean_error("absent budget");
}

/// For each recorded official call expressible in JSON (specs of int or bool matrices, no tuple
/// or dict arguments, finite floats): the `tnb batch` request line and the answer line Python would
/// print, `{"ok": json.dumps(answer)}` or `{"error": str(e), "type": class}`.
const REQUESTS: &str = r#"
import json, struct, sys
def dec(e):
    if e is None or isinstance(e, (bool, str)): return e
    if "i" in e: return e["i"]
    if "f" in e:
        return struct.unpack(">d", bytes.fromhex(e["bits"]))[0] if "bits" in e else float.fromhex(e["f"])
    if "nd" in e:
        n = e["shape"][0] if e["shape"] else 0
        d = [dec(x) for x in e["data"]]
        return [d[i*n:(i+1)*n] for i in range(n)]
    for k in ("list", "tuple", "set", "keys"):
        if k in e: return [dec(x) for x in e[k]]
    if "dict" in e: return {dec(k): dec(v) for k, v in e["dict"]}
    raise ValueError(e)
def plain(e):
    if isinstance(e, dict):
        if "tuple" in e or "dict" in e or "bits" in e or e.get("f") in ("inf", "-inf"): return False
        return all(plain(x) for x in e.get("list", []))
    return True
reqs, wants = [], []
lines = open(sys.argv[1]).read().splitlines()
budget = json.loads(lines[0])["budget"]
for l in lines[1:]:
    r = json.loads(l)
    sp = r.get("spec")
    skip = r["call"] in ("ModelSpec", "hash_spec")
    # An int or bool numpy matrix is the spec of its list (the official hashes int degrees).
    numpy_ok = sp is None or "numpy" not in sp or ("f" not in sp["numpy"] and 0 not in sp["shape"])
    skip = skip or (sp is not None and (not numpy_ok or not all(isinstance(o, str) for o in sp["ops"])))
    # Entries other than 0 and 1 count with their value upstream; tnb refuses them.
    skip = skip or (sp is not None and not all(not isinstance(r, list) or all(x in (0, 1) for x in r) for r in sp["matrix"]))
    skip = skip or not all(plain(a) for a in r["args"]) or not all(plain(v) for v in r["kwargs"].values())
    # A call left out must leave the generator and the counters as they were, or the rest
    # would not be comparable: the replay stops at the first one that does not.
    if skip and (r["draws"] or r["budget"] != budget): break
    budget = r["budget"]
    if skip: continue
    spec = {"matrix": sp["matrix"], "ops": sp["ops"]} if sp is not None else None
    args = ([spec] if sp is not None else []) + [dec(a) for a in r["args"]]
    reqs.append(json.dumps({"method": r["call"], "args": args, "kwargs": {k: dec(v) for k, v in r["kwargs"].items()}}))
    if "ok" in r: wants.append(json.dumps({"ok": dec(r["ok"])}))
    else: wants.append(json.dumps({"error": r["err"]["msg"], "type": r["err"]["type"]}))
open(sys.argv[2], "w").write("\n".join(reqs) + "\n")
open(sys.argv[3], "w").write("\n".join(wants) + "\n")
"#;

#[test]
fn batch_with_the_official_seed_answers_every_recorded_call() {
    let tmp = TempDir::new("nb101-batch");
    let script = tmp.path("requests.py");
    std::fs::write(&script, REQUESTS).unwrap();
    for name in FIXTURES {
        let a = convert(&tmp, name);
        let answers = data().join("nb101/official").join(format!("{name}.jsonl"));
        let (req, want) = (tmp.path("req.jsonl"), tmp.path("want.jsonl"));
        let out = std::process::Command::new("python3")
            .args([s(&script), s(&answers), s(&req), s(&want)])
            .output()
            .expect("python3");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let input = std::fs::read(&req).unwrap();
        let r = run_bin(env!("CARGO_BIN_EXE_tnb"), &["batch", s(&a), "--seed", "21"], Some(&input));
        let got = ok(&r, "batch");
        let want = std::fs::read_to_string(&want).unwrap();
        let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
        assert_eq!(g.len(), w.len(), "{name}: answer count");
        assert!(w.len() > 500, "{name}: only {} calls", w.len());
        let reqs = String::from_utf8(input).unwrap();
        for ((g, w), q) in g.iter().zip(&w).zip(reqs.lines()) {
            assert_eq!(g, w, "{name}: request {q}");
        }
    }
}

#[test]
fn batch_without_a_seed_refuses_a_draw_but_takes_an_explicit_repeat() {
    let tmp = TempDir::new("nb101-noseed");
    let a = convert(&tmp, "only108_small");
    let spec = r#"{"matrix": [[0, 1, 1], [0, 0, 1], [0, 0, 0]], "ops": ["input", "conv3x3-bn-relu", "output"]}"#;
    let input = format!(
        "{{\"method\": \"query\", \"args\": [{spec}]}}\n\
         {{\"method\": \"query\", \"args\": [{spec}], \"kwargs\": {{\"repeat\": 2}}}}\n\
         {{\"method\": \"query\", \"args\": [{spec}], \"kwargs\": {{\"repeat\": 3}}}}\n\
         {{\"method\": \"get_budget_counters\"}}\n\
         {{\"method\": \"query\", \"args\": [{spec}, {spec}, {spec}, {spec}, {spec}]}}\n"
    );
    let r = run_bin(env!("CARGO_BIN_EXE_tnb"), &["batch", s(&a)], Some(input.as_bytes()));
    let out = ok(&r, "batch");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(lines[0].contains("--seed") && lines[0].contains("\"ValueError\""), "{}", lines[0]);
    assert!(lines[1].starts_with("{\"ok\": {\"module_adjacency\""), "{}", lines[1]);
    assert!(lines[2].contains("RequestError"), "{}", lines[2]);
    assert!(lines[3].ends_with(", 108]}"), "{}", lines[3]);
    // More specs than tnb_nb101_api::MAX_SPECS in one request.
    assert!(lines[4].contains("too many specs"), "{}", lines[4]);
}
