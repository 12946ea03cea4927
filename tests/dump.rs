//! `tnb dump` on the fixtures: exact JSON for good files, a clean one-line error for bad ones.

use crate::common::{bad_fixtures, data, good_fixtures, python, tnb};

#[test]
fn every_good_fixture_dumps_exactly_what_python_json_dumps_printed() {
    for (file, json) in good_fixtures() {
        let r = tnb(&["dump", file.to_str().unwrap()]);
        assert_eq!(r.code, Some(0), "{}: {}", file.display(), r.stderr);
        let want = std::fs::read(&json).unwrap();
        assert!(r.stdout == want, "{}: dump differs from {}", file.display(), json.display());
    }
}

#[test]
fn every_bad_fixture_is_a_one_line_error_naming_the_problem() {
    let marker = std::path::Path::new("/tmp/tnb-pwned");
    let _ = std::fs::remove_file(marker);
    let bad = bad_fixtures();
    assert!(bad.len() >= 15);
    for (file, want) in bad {
        let r = tnb(&["dump", file.to_str().unwrap()]);
        r.assert_clean_error(&file.display().to_string());
        assert!(
            r.stderr.contains(&want),
            "{}: error does not say {want:?}: {}",
            file.display(),
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{}: partial output on error", file.display());
    }
    assert!(!marker.exists(), "a bad fixture executed code");
}

#[test]
fn a_hostile_memo_id_is_refused_as_cpython_refuses_it() {
    // LONG_BINPUT/LONG_BINGET 0xffffffff: CPython's C unpickler (torch's) raises MemoryError
    // sizing its memo array from the id; tnb refuses ids at or beyond its memo limit.
    let r = tnb(&["dump", data().join("bad/memo_id_4294967295.pkl").to_str().unwrap()]);
    r.assert_clean_error("memo_id_4294967295.pkl");
    assert!(r.stderr.contains("memo id exceeds the limit of 33554432"), "{}", r.stderr);
}

#[test]
fn nan_payloads_and_signed_zeros_survive_bit_for_bit() {
    // JSON cannot show NaN payloads, so compare the reader's floats with the bits the fixture
    // script recorded.
    let bytes = std::fs::read(data().join("special_floats.pth")).unwrap();
    let doc = tnb_pth::load(&bytes).unwrap();
    let want: Vec<u64> = std::fs::read_to_string(data().join("special_floats.bits.txt"))
        .unwrap()
        .split_whitespace()
        .map(|h| u64::from_str_radix(h, 16).unwrap())
        .collect();
    let a = &doc.pickle.arena;
    let mut got = Vec::new();
    collect_floats(a, doc.pickle.root, &mut got);
    assert!(got.len() >= want.len());
    assert_eq!(&got[..want.len()], &want[..]);
}

fn collect_floats(a: &tnb_pickle::Arena<'_>, r: tnb_pickle::Ref, out: &mut Vec<u64>) {
    use tnb_pickle::{Kind, Value};
    match a.get(r) {
        Value::Float(f) => out.push(f.to_bits()),
        Value::Container(Kind::Dict, kv) => kv.pairs().for_each(|(_, v)| collect_floats(a, v, out)),
        Value::Container(_, c) => c.iter().for_each(|x| collect_floats(a, x, out)),
        _ => {}
    }
}

#[test]
fn float_repr_matches_python_on_random_doubles() {
    // 20 000 doubles of every magnitude, written by tnb-pyjson and by python3's repr.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut bits = Vec::new();
    while bits.len() < 20_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        // Mix random bit patterns with short decimals (the benchmark's kind of value).
        let x = if bits.len() % 2 == 0 {
            f64::from_bits(state)
        } else {
            f64::from(f32::from_bits(state as u32))
        };
        if x.is_finite() {
            bits.push(x.to_bits());
        }
    }
    let input: String = bits.iter().map(|b| format!("{b:016x}\n")).collect();
    let py = python(
        "import sys,struct\nfor l in sys.stdin:\n print(repr(struct.unpack('>d', bytes.fromhex(l.strip()))[0]))",
        input.as_bytes(),
    );
    let py = String::from_utf8(py).unwrap();
    for (b, want) in bits.iter().zip(py.lines()) {
        let mut buf = [0u8; 32];
        let n = tnb_pyjson::float_repr(f64::from_bits(*b), &mut buf);
        assert_eq!(std::str::from_utf8(&buf[..n]).unwrap(), want, "bits {b:016x}");
    }
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(tnb(&["dump"]).code, Some(2));
    assert_eq!(tnb(&["no-such-command"]).code, Some(2));
    assert_eq!(tnb(&["--help"]).code, Some(0));
    let r = tnb(&["dump", "/no/such/file.pth"]);
    r.assert_clean_error("missing file");
    assert!(r.stderr.contains("cannot read"), "{}", r.stderr);
}
