//! Python's `float.__repr__`, the float format of `json.dumps`.

use std::io::{self, Write};

/// Writes `x` as Python's `json.dumps` does: `repr(x)` for finite values, `NaN`, `Infinity`,
/// `-Infinity` otherwise.
pub fn write_float<W: Write + ?Sized>(w: &mut W, x: f64) -> io::Result<()> {
    let mut buf = [0u8; 32];
    let n = float_repr(x, &mut buf);
    w.write_all(&buf[..n])
}

/// Formats `x` into `out` as Python's `repr(float)` (with `json.dumps`' spellings of the
/// non-finite values) and returns the number of bytes written. 32 bytes always suffice: the
/// longest output is 17 significant digits, a sign, a point and a 5-character exponent (24).
///
/// ```
/// let mut b = [0u8; 32];
/// let n = tnb_pyjson::float_repr(1e16, &mut b);
/// assert_eq!(&b[..n], b"1e+16");
/// let n = tnb_pyjson::float_repr(-0.0, &mut b);
/// assert_eq!(&b[..n], b"-0.0");
/// ```
pub fn float_repr(x: f64, out: &mut [u8; 32]) -> usize {
    if x.is_nan() {
        return put(out, 0, b"NaN");
    }
    if x.is_infinite() {
        return put(out, 0, if x > 0.0 { b"Infinity" } else { b"-Infinity" });
    }
    // ryu finds the same digits as Python's dtoa mode 0 (the shortest string that reads back as
    // `x`, closest to `x` among those); only the layout differs, so take ryu's digits and
    // exponent apart and lay them out Python's way.
    let mut rb = ryu::Buffer::new();
    let s = rb.format_finite(x).as_bytes();
    let (neg, digits, ndigits, decpt) = decompose(s);
    let mut n = 0;
    if neg {
        n = put(out, n, b"-");
    }
    let digits = &digits[..ndigits];
    if ndigits == 0 {
        // Zero: ryu gives "0.0" (or "-0.0"); no significant digits survive decompose.
        return put(out, n, b"0.0");
    }
    // Python (`format_float_short`, mode 'r') switches to exponent notation when the decimal
    // point would sit more than 16 places right of the first digit or 4+ places left of it.
    if decpt > -4 && decpt <= 16 {
        if decpt <= 0 {
            n = put(out, n, b"0.");
            for _ in 0..(-decpt) {
                n = put(out, n, b"0");
            }
            n = put(out, n, digits);
        } else {
            let d = decpt as usize;
            if d >= ndigits {
                n = put(out, n, digits);
                for _ in 0..(d - ndigits) {
                    n = put(out, n, b"0");
                }
                n = put(out, n, b".0");
            } else {
                n = put(out, n, &digits[..d]);
                n = put(out, n, b".");
                n = put(out, n, &digits[d..]);
            }
        }
    } else {
        n = put(out, n, &digits[..1]);
        if ndigits > 1 {
            n = put(out, n, b".");
            n = put(out, n, &digits[1..]);
        }
        let e = decpt - 1;
        n = put(out, n, if e < 0 { b"e-" } else { b"e+" });
        let a = e.unsigned_abs();
        if a < 10 {
            n = put(out, n, b"0");
        }
        let mut eb = [0u8; 3];
        let mut k = eb.len();
        let mut v = a;
        loop {
            k -= 1;
            eb[k] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        n = put(out, n, &eb[k..]);
    }
    n
}

fn put(out: &mut [u8; 32], at: usize, s: &[u8]) -> usize {
    out[at..at + s.len()].copy_from_slice(s);
    at + s.len()
}

/// Splits ryu's output into sign, significant digits (no leading or trailing zeros) and `decpt`,
/// the position of the decimal point relative to the first significant digit (`0.001` → digits
/// `1`, decpt -2; `120.0` → digits `12`, decpt 3).
fn decompose(s: &[u8]) -> (bool, [u8; 20], usize, i32) {
    let mut digits = [0u8; 20];
    let mut nd = 0usize;
    let (neg, s) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    let (mant, exp) = match s.iter().position(|&c| c == b'e') {
        Some(i) => (&s[..i], parse_exp(&s[i + 1..])),
        None => (s, 0),
    };
    let mut int_len = 0i32; // digits seen before the point
    let mut seen_point = false;
    let mut leading_zeros_after_point = 0i32;
    for &c in mant {
        if c == b'.' {
            seen_point = true;
            continue;
        }
        if nd == 0 && c == b'0' {
            if seen_point {
                leading_zeros_after_point += 1;
            }
            continue;
        }
        if !seen_point {
            int_len += 1;
        }
        digits[nd] = c;
        nd += 1;
    }
    while nd > 0 && digits[nd - 1] == b'0' {
        nd -= 1;
    }
    let decpt = if int_len > 0 { int_len + exp } else { -leading_zeros_after_point + exp };
    (neg, digits, nd, decpt)
}

fn parse_exp(s: &[u8]) -> i32 {
    let (neg, s) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    let v = s.iter().fold(0i32, |a, &c| a * 10 + i32::from(c - b'0'));
    if neg { -v } else { v }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(x: f64) -> String {
        let mut b = [0u8; 32];
        let n = float_repr(x, &mut b);
        String::from_utf8(b[..n].to_vec()).unwrap()
    }

    #[test]
    fn matches_python_repr_on_known_values() {
        // Each right-hand side is what CPython 3.11 prints for repr(x).
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (25.0, "25.0"),
            (0.1, "0.1"),
            (1.0 / 3.0, "0.3333333333333333"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1234567890123456.0, "1234567890123456.0"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-5, "1.5e-05"),
            (-1.5e-7, "-1.5e-07"),
            (1e22, "1e+22"),
            (1e100, "1e+100"),
            (5e-324, "5e-324"),
            (2.2250738585072014e-308, "2.2250738585072014e-308"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (46.81031036376953, "46.81031036376953"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (100.0, "100.0"),
            (0.5, "0.5"),
            (12.5, "12.5"),
        ];
        for &(x, want) in cases {
            assert_eq!(r(x), want, "repr of {x:e}");
        }
    }

    #[test]
    fn reads_back_as_the_same_double() {
        let mut state = 0x9e3779b97f4a7c15u64;
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let x = f64::from_bits(state);
            if !x.is_finite() {
                continue;
            }
            let s = r(x);
            let back: f64 = s.parse().unwrap();
            assert_eq!(back.to_bits(), x.to_bits(), "{s}");
            assert!(s.contains('.') || s.contains('e'), "{s} must read back as a float");
        }
    }
}
