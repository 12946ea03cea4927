//! Arguments of the protocol-0 text opcodes (`INT`, `LONG`, `FLOAT`, `STRING`, `UNICODE`).

/// Parses a decimal integer as Python's `int(text, 0)` does for what picklers write: optional
/// sign, digits (a leading `0` only for zero). `Ok(None)` when it does not fit in `i64`.
pub(crate) fn parse_int(text: &[u8]) -> Result<Option<i64>, ()> {
    let t = trim(text);
    let (neg, digits) = match t.split_first() {
        Some((b'-', r)) => (true, r),
        Some((b'+', r)) => (false, r),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(());
    }
    let mut v: i128 = 0;
    for &d in digits {
        v = v * 10 + i128::from(d - b'0');
        if v > i128::from(i64::MAX) + 1 {
            return Ok(None);
        }
    }
    let v = if neg { -v } else { v };
    Ok(i64::try_from(v).ok())
}

/// Converts decimal text (already known to be an optional sign and digits) into little-endian
/// two's complement bytes, for ints beyond 64 bits written by the text opcodes.
pub(crate) fn decimal_to_le(text: &[u8]) -> Option<Vec<u8>> {
    let t = trim(text);
    let (neg, digits) = match t.split_first() {
        Some((b'-', r)) => (true, r),
        Some((b'+', r)) => (false, r),
        _ => (false, t),
    };
    // Magnitude, little-endian base 256.
    let mut mag: Vec<u8> = vec![0];
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        let mut carry = u32::from(d - b'0');
        for b in mag.iter_mut() {
            let v = u32::from(*b) * 10 + carry;
            *b = v as u8;
            carry = v >> 8;
        }
        if carry > 0 {
            mag.push(carry as u8);
        }
    }
    mag.push(0); // room for the sign bit
    if neg {
        let mut carry = true;
        for b in mag.iter_mut() {
            let (v, c) = (!*b).overflowing_add(u8::from(carry));
            *b = v;
            carry = c;
        }
    }
    Some(mag)
}

/// Parses a float as Python's `float(text)` does for `repr` output (`1.5`, `1e+16`, `inf`,
/// `-inf`, `nan`).
pub(crate) fn parse_float(text: &[u8]) -> Result<f64, ()> {
    let t = std::str::from_utf8(trim(text)).map_err(|_| ())?;
    match t.to_ascii_lowercase().as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => return Ok(f64::INFINITY),
        "-inf" | "-infinity" => return Ok(f64::NEG_INFINITY),
        "nan" | "+nan" | "-nan" => return Ok(f64::NAN),
        _ => {}
    }
    if t.is_empty() || !t.bytes().all(|c| c.is_ascii_digit() || b"+-.eE".contains(&c)) {
        return Err(());
    }
    t.parse::<f64>().map_err(|_| ())
}

fn trim(t: &[u8]) -> &[u8] {
    t.trim_ascii()
}

/// Decodes Python's `raw-unicode-escape` (the `UNICODE` opcode): bytes are Latin-1 characters,
/// except `\uXXXX` and `\UXXXXXXXX`. Surrogates cannot be represented and are an error.
pub(crate) fn raw_unicode_escape(b: &[u8]) -> Result<String, ()> {
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' && i + 1 < b.len() && (b[i + 1] == b'u' || b[i + 1] == b'U') {
            let n = if b[i + 1] == b'u' { 4 } else { 8 };
            let hex = b.get(i + 2..i + 2 + n).ok_or(())?;
            let s = std::str::from_utf8(hex).map_err(|_| ())?;
            let v = u32::from_str_radix(s, 16).map_err(|_| ())?;
            out.push(char::from_u32(v).ok_or(())?);
            i += 2 + n;
        } else {
            out.push(char::from(c));
            i += 1;
        }
    }
    Ok(out)
}

/// Decodes the `STRING` opcode's argument: a Python 2 string literal in single or double
/// quotes with backslash escapes (`codecs.escape_decode`).
pub(crate) fn string_literal(b: &[u8]) -> Result<Vec<u8>, ()> {
    let b = b.strip_suffix(b"\r").unwrap_or(b);
    if b.len() < 2 || (b[0] != b'\'' && b[0] != b'"') || b[b.len() - 1] != b[0] {
        return Err(());
    }
    let body = &b[1..b.len() - 1];
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        i += 1;
        if c != b'\\' {
            out.push(c);
            continue;
        }
        let Some(&e) = body.get(i) else {
            return Err(());
        };
        i += 1;
        match e {
            b'\n' => {}
            b'\\' | b'\'' | b'"' => out.push(e),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'x' => {
                let hex = body.get(i..i + 2).ok_or(())?;
                let s = std::str::from_utf8(hex).map_err(|_| ())?;
                out.push(u8::from_str_radix(s, 16).map_err(|_| ())?);
                i += 2;
            }
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                for _ in 0..2 {
                    match body.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((v & 0xff) as u8);
            }
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints() {
        assert_eq!(parse_int(b"123"), Ok(Some(123)));
        assert_eq!(parse_int(b"-9223372036854775808"), Ok(Some(i64::MIN)));
        assert_eq!(parse_int(b"9223372036854775808"), Ok(None));
        assert_eq!(parse_int(b"99999999999999999999999999999"), Ok(None));
        assert_eq!(parse_int(b""), Err(()));
        assert_eq!(parse_int(b"1x"), Err(()));
    }

    #[test]
    fn floats() {
        assert_eq!(parse_float(b"1.5"), Ok(1.5));
        assert_eq!(parse_float(b"1e+16"), Ok(1e16));
        assert_eq!(parse_float(b"-inf"), Ok(f64::NEG_INFINITY));
        assert!(parse_float(b"nan").unwrap().is_nan());
        assert!(parse_float(b"abc").is_err());
    }

    #[test]
    fn text_strings() {
        assert_eq!(raw_unicode_escape(b"a\\u00e9\\U0001f600\xe9").unwrap(), "aé😀é");
        assert!(raw_unicode_escape(b"\\ud800").is_err());
        assert_eq!(string_literal(b"'a\\'b\\n\\x41\\101'").unwrap(), b"a'b\nAA");
        assert!(string_literal(b"'abc").is_err());
    }
}
