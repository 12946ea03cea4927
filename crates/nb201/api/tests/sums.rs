//! The number semantics: numpy's pairwise summation against a direct transcription of numpy's
//! C loop (and against numpy itself when `/tmp/mv/bin/python` has it), Python's `sum` against
//! the `python3` on the path (plain addition before 3.12) and against known Neumaier answers.

use tnb_nb201_api::{Num, PySum, np_mean, np_sum, pairwise, py_sum};
use tnb_testrng::TestRng;

/// numpy's `DOUBLE_pairwise_sum` written as its C reads (pointer + stride, indices).
fn transcription(a: &[f64], start: usize, n: usize) -> f64 {
    if n < 8 {
        let mut res = 0.0;
        for i in 0..n {
            res += a[start + i];
        }
        res
    } else if n <= 128 {
        let mut r = [0.0f64; 8];
        for (j, rj) in r.iter_mut().enumerate() {
            *rj = a[start + j];
        }
        let mut i = 8;
        while i < n - (n % 8) {
            for (j, rj) in r.iter_mut().enumerate() {
                *rj += a[start + i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while i < n {
            res += a[start + i];
            i += 1;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        transcription(a, start, n2) + transcription(a, start + n2, n - n2)
    }
}

fn data(rng: &mut TestRng, n: usize) -> Vec<f64> {
    // Mixed magnitudes and signs, so that the order of additions shows in the bits.
    (0..n)
        .map(|_| {
            let x = rng.f64() * 10f64.powi(rng.below(12) as i32 - 4);
            if rng.below(3) == 0 { -x } else { x }
        })
        .collect()
}

#[test]
fn pairwise_is_numpys_loop_for_every_length_up_to_300() {
    let mut rng = TestRng::new(201);
    let mut differs_from_plain = 0;
    for n in 0..=300 {
        for _ in 0..20 {
            let a = data(&mut rng, n);
            let want = transcription(&a, 0, n);
            assert_eq!(pairwise(&a).to_bits(), want.to_bits(), "n={n}");
            let nums: Vec<Num> = a.iter().map(|&x| Num::Float(x)).collect();
            assert_eq!(np_sum(&nums), Num::F64(0.0 + want));
            assert_eq!(np_mean(&nums).f().to_bits(), ((0.0 + want) / n as f64).to_bits());
            assert!(matches!(np_mean(&nums), Num::F64(_)));
            let plain: f64 = a.iter().fold(0.0, |s, x| s + x);
            differs_from_plain += usize::from(plain.to_bits() != want.to_bits());
        }
    }
    // The test data tells pairwise from left-to-right summation.
    assert!(differs_from_plain > 1000, "{differs_from_plain}");
}

#[test]
fn means_are_float64_whatever_the_item_types() {
    assert_eq!(np_mean(&[Num::Int(1), Num::Int(2)]), Num::F64(1.5));
    assert_eq!(np_mean(&[Num::Float(1.0), Num::F64(2.0)]), Num::F64(1.5));
    assert!(matches!(np_mean(&[]), Num::F64(x) if x.is_nan()));
    assert_eq!(np_sum(&[]), Num::F64(0.0));
    // The reduction starts from the identity 0.0, so negative zeros sum to +0.0.
    assert_eq!(np_sum(&[Num::Float(-0.0); 9]), Num::F64(0.0));
    assert!(np_sum(&[Num::Float(-0.0); 9]).f().is_sign_positive());
}

#[test]
fn python_sum_types_and_3_12_compensation() {
    let tenth = vec![Num::Float(0.1); 10];
    assert_eq!(py_sum(&tenth, PySum::Plain), Num::Float(0.9999999999999999));
    assert_eq!(py_sum(&tenth, PySum::Neumaier), Num::Float(1.0));
    let big = [Num::Float(1e100), Num::Float(1.0), Num::Float(-1e100), Num::Float(1.0)];
    assert_eq!(py_sum(&big, PySum::Plain), Num::Float(1.0));
    assert_eq!(py_sum(&big, PySum::Neumaier), Num::Float(2.0));
    // np.float64 items keep plain addition, and the result is an np.float64.
    let f64s = vec![Num::F64(0.1); 10];
    assert_eq!(py_sum(&f64s, PySum::Neumaier), Num::F64(0.9999999999999999));
    // A float run is settled (compensation added) before an np.float64 joins.
    let mut mixed = vec![Num::Float(0.1); 10];
    mixed.push(Num::F64(0.0));
    assert_eq!(py_sum(&mixed, PySum::Neumaier), Num::F64(1.0));
    assert_eq!(py_sum(&mixed, PySum::Plain), Num::F64(0.9999999999999999));
    assert_eq!(py_sum(&[], PySum::Plain), Num::Int(0));
    assert_eq!(py_sum(&[Num::Int(2), Num::Int(3)], PySum::Neumaier), Num::Int(5));
    assert_eq!(py_sum(&[Num::Int(2), Num::Float(0.5)], PySum::Neumaier), Num::Float(2.5));
    // `0 + -0.0` is `0.0`, and 3.12 keeps the sign only through its guarded compensation.
    assert!(py_sum(&[Num::Float(-0.0)], PySum::Plain).f().is_sign_positive());
    assert_eq!(
        py_sum(&[Num::Float(f64::INFINITY), Num::Float(1.0)], PySum::Neumaier),
        Num::Float(f64::INFINITY)
    );
    assert_eq!(PySum::for_version(3, 11), PySum::Plain);
    assert_eq!(PySum::for_version(3, 12), PySum::Neumaier);
}

/// Runs `code` (given on stdin: it is too long for an argument) and returns its stdout.
fn run_python(python: &str, code: &str) -> Option<String> {
    use std::io::Write;
    let mut child = std::process::Command::new(python)
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(code.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn lists(seed: u64) -> Vec<Vec<f64>> {
    let mut rng = TestRng::new(seed);
    (0..400).map(|k| data(&mut rng, k % 300)).collect()
}

fn as_py(lists: &[Vec<f64>]) -> String {
    let l: Vec<String> = lists
        .iter()
        .map(|v| {
            format!(
                "[{}]",
                v.iter()
                    .map(|x| format!("float.fromhex('{}')", hex(*x)))
                    .collect::<Vec<_>>()
                    .join(",")
            )
        })
        .collect();
    format!("[{}]", l.join(","))
}

fn hex(x: f64) -> String {
    let b = x.to_bits();
    let sign = if b >> 63 == 1 { "-" } else { "" };
    let e = ((b >> 52) & 0x7ff) as i64;
    let m = b & ((1 << 52) - 1);
    if e == 0 && m == 0 {
        return format!("{sign}0x0p+0");
    }
    let (lead, exp) = if e == 0 { (0, -1022) } else { (1, e - 1023) };
    format!("{sign}0x{lead}.{m:013x}p{exp:+}")
}

/// Python's built-in `sum` of the interpreter on the path, which the environment says is 3.11
/// (plain addition); a 3.12+ interpreter is checked against the compensated variant.
#[test]
fn python_sum_matches_the_python3_on_the_path() {
    let ls = lists(7);
    let code = format!(
        "import sys\nprint(sys.version_info[0], sys.version_info[1])\nfor v in {}:\n    s = sum(v)\n    print(s.hex() if isinstance(s, float) else s)",
        as_py(&ls)
    );
    let Some(out) = run_python("python3", &code) else {
        panic!("python3 is part of the test environment (the project's independent oracle)");
    };
    let mut lines = out.lines();
    let ver: Vec<u32> = lines.next().unwrap().split(' ').map(|x| x.parse().unwrap()).collect();
    let mode = PySum::for_version(ver[0], ver[1]);
    for (v, line) in ls.iter().zip(lines) {
        let nums: Vec<Num> = v.iter().map(|&x| Num::Float(x)).collect();
        let got = py_sum(&nums, mode);
        let want = if v.is_empty() { "0".to_owned() } else { line.to_owned() };
        let got_s = match got {
            Num::Int(i) => i.to_string(),
            other => hex(other.f()),
        };
        let want_s = if want == "0" { want } else { hex(f64::from_bits(parse_hex(&want))) };
        assert_eq!(got_s, want_s, "{v:?}");
    }
}

fn parse_hex(s: &str) -> u64 {
    // Python prints `float.hex()`: [-]0x1.<13 hex>p<exp> (or 0x0.0p+0).
    let neg = s.starts_with('-');
    let s = s.trim_start_matches('-').trim_start_matches("0x");
    let (mant, exp) = s.split_once('p').unwrap();
    let (lead, frac) = mant.split_once('.').unwrap_or((mant, "0"));
    let mut frac = frac.to_owned();
    while frac.len() < 13 {
        frac.push('0');
    }
    let m = u64::from_str_radix(&frac, 16).unwrap();
    let e: i64 = exp.parse().unwrap();
    let bits = if lead == "0" && m == 0 {
        0
    } else if lead == "0" {
        m
    } else {
        (((e + 1023) as u64) << 52) | m
    };
    bits | (u64::from(neg) << 63)
}

/// numpy itself (`TNB_NUMPY_PYTHON`): skipped by a plain `cargo test`, run by `tools/test-all.sh`
/// with its virtualenv.
#[test]
#[ignore = "needs numpy (TNB_NUMPY_PYTHON, default /tmp/mv/bin/python)"]
fn np_mean_and_np_sum_match_numpy() {
    let python = std::env::var("TNB_NUMPY_PYTHON").unwrap_or_else(|_| "/tmp/mv/bin/python".into());
    let ls = lists(11);
    let code = format!(
        "import numpy as np, warnings\nwarnings.simplefilter('ignore')\nfor v in {}:\n    print(float(np.mean(v)).hex(), float(np.sum(v)).hex())",
        as_py(&ls)
    );
    let out = run_python(&python, &code).expect("numpy python");
    for (v, line) in ls.iter().zip(out.lines()) {
        let (m, s) = line.split_once(' ').unwrap();
        let nums: Vec<Num> = v.iter().map(|&x| Num::Float(x)).collect();
        if !v.is_empty() {
            assert_eq!(np_mean(&nums).f().to_bits(), parse_hex(m), "mean of {} items", v.len());
        }
        assert_eq!(np_sum(&nums).f().to_bits(), parse_hex(s), "sum of {} items", v.len());
    }
}

/// `np_mean_sum` (one pairwise sum for `get_times`' mean and total) gives the bits of
/// `np_mean` and `np_sum`, for every length up to 300 and item types mixed.
#[test]
fn mean_and_sum_in_one_pass_are_np_mean_and_np_sum() {
    let mut rng = TestRng::new(18);
    for n in 0..300 {
        let v: Vec<Num> = data(&mut rng, n)
            .into_iter()
            .enumerate()
            .map(|(i, x)| match i % 3 {
                0 => Num::Float(x),
                1 => Num::F64(x),
                _ => Num::Int((x * 1000.0) as i64),
            })
            .collect();
        let (m, s) = tnb_nb201_api::np_mean_sum(&v);
        let bits = |x: Num| (x.type_name(), x.f().to_bits());
        assert_eq!(bits(m), bits(np_mean(&v)), "{n}");
        assert_eq!(bits(s), bits(np_sum(&v)), "{n}");
    }
}
