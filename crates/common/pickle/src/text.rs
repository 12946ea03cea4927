//! Arguments of the protocol-0 text opcodes (`INT`, `LONG`, `FLOAT`, `STRING`, `UNICODE`, and
//! the text memo ids of `PUT`/`GET`), read exactly as CPython's C unpickler (`_pickle.c`, which
//! `torch.load` uses) reads them, or refused wherever it raises.
//!
//! Every function takes the line without its `\n`. CPython hands most of these lines to C
//! functions that stop at a NUL byte (`strtol`, `PyLong_FromString`, `PyOS_string_to_double`),
//! so whatever follows a NUL is ignored there ([`c_str`]); `UNICODE` and `STRING` decode the
//! whole line, NULs included. A `\r` before the `\n` is part of the line everywhere.

use crate::limits::MAX_INT_DIGITS;

/// Why a text argument was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TextError {
    /// CPython raises on this text.
    Bad,
    /// More than [`MAX_INT_DIGITS`] digits (CPython raises too for decimal; for hex, octal and
    /// binary ints, which it reads at any length, this is tnb's own refusal).
    TooManyDigits,
    /// The decoded string would exceed the caller's length limit.
    TooLong,
    /// Memory for the decoded string could not be allocated.
    OutOfMemory,
}

/// An int read from text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Int {
    /// Fits in 64 bits.
    Small(i64),
    /// Little-endian two's complement, for ints beyond 64 bits.
    Big(Vec<u8>),
}

/// What an `INT` line is: `_pickle.c` gives a bool when the line is two characters that `strtol`
/// reads entirely as 0 or 1 (`I00`, `I01`, but also `I-0`, `I+1`, `I 1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum IntOp {
    /// `True` or `False`.
    Bool(bool),
    /// An int.
    Int(Int),
}

/// The part of a line a C string function sees: up to the first NUL.
fn c_str(line: &[u8]) -> &[u8] {
    line.iter().position(|&c| c == 0).map_or(line, |i| &line[..i])
}

/// C's `isspace` in the C locale, which is also CPython's `Py_ISSPACE`.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Value of an ASCII digit or letter in bases up to 36 (`_PyLong_DigitValue`), 99 otherwise.
fn digit_value(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'a'..=b'z' => u32::from(c - b'a') + 10,
        b'A'..=b'Z' => u32::from(c - b'A') + 10,
        _ => 99,
    }
}

/// The `INT` opcode. CPython first tries C `strtol(line, &end, 0)`: leading C whitespace, a
/// sign, then `0x` hex, a leading `0` octal (`I010` is 8), or decimal, and accepts the result if
/// it did not overflow and `end` reached the end of the C string (a line that is empty up to a
/// NUL is 0). Otherwise it reads the line again with `int(line, 0)` (see [`py_long`]), whose
/// errors are the opcode's.
pub(crate) fn int_opcode(line: &[u8]) -> Result<IntOp, TextError> {
    if line.is_empty() {
        return Err(TextError::Bad);
    }
    let s = c_str(line);
    if let Some(v) = strtol0(s) {
        // `len == 3` in `_pickle.c` counts the newline: two bytes before it, NULs included.
        if line.len() == 2 && (v == 0 || v == 1) {
            return Ok(IntOp::Bool(v == 1));
        }
        return Ok(IntOp::Int(Int::Small(v)));
    }
    py_long(s, 0).map(IntOp::Int)
}

/// Where a number's digits start after leading whitespace and one optional sign, and whether
/// the sign was `-`: the prefix that C `strtol` and CPython's `PyLong_FromString` both skip.
fn leading_sign(s: &[u8]) -> (usize, bool) {
    let mut i = 0;
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    match s.get(i) {
        Some(b'-') => (i + 1, true),
        Some(b'+') => (i + 1, false),
        _ => (i, false),
    }
}

/// C `strtol(s, &end, 0)` on a 64-bit `long`, when it succeeds with `end` at the end of `s`;
/// `None` when it overflows or stops early (CPython then falls back to `int(s, 0)`). Whether the
/// C library also knows a `0b` prefix does not matter: without it `strtol` stops at the `b` and
/// the fallback reads the same value.
fn strtol0(s: &[u8]) -> Option<i64> {
    let (mut i, neg) = leading_sign(s);
    let base = if s.get(i) == Some(&b'0')
        && matches!(s.get(i + 1), Some(b'x' | b'X'))
        && s.get(i + 2).is_some_and(|&c| digit_value(c) < 16)
    {
        i += 2;
        16
    } else if s.get(i) == Some(&b'0') {
        8
    } else {
        10
    };
    let start = i;
    let mut mag: u64 = 0;
    let mut overflow = false;
    while let Some(&c) = s.get(i) {
        let d = digit_value(c);
        if d >= base {
            break;
        }
        match mag.checked_mul(u64::from(base)).and_then(|m| m.checked_add(u64::from(d))) {
            Some(m) => mag = m,
            None => overflow = true,
        }
        i += 1;
    }
    if i == start {
        // No digits: strtol converts nothing and leaves `end` at the very start of the string,
        // which CPython accepts only when the string is empty there (0).
        return s.is_empty().then_some(0);
    }
    if overflow || i != s.len() {
        return None;
    }
    if neg {
        if mag <= 1 << 63 { Some((mag as i64).wrapping_neg()) } else { None }
    } else {
        i64::try_from(mag).ok()
    }
}

/// The `LONG` opcode: one `L` just before the newline is dropped, then `int(line, 0)`.
pub(crate) fn long_opcode(line: &[u8]) -> Result<Int, TextError> {
    if line.is_empty() {
        return Err(TextError::Bad);
    }
    let line = line.strip_suffix(b"L").unwrap_or(line);
    py_long(c_str(line), 0)
}

/// A `PUT`/`GET` id: `int(line, 10)` (whitespace, sign, underscores and leading zeros allowed),
/// which must be non-negative and fit a `Py_ssize_t` (a negative `GET` id is never found).
pub(crate) fn memo_id(line: &[u8]) -> Result<u64, TextError> {
    if line.is_empty() {
        return Err(TextError::Bad);
    }
    match py_long(c_str(line), 10)? {
        Int::Small(v) if v >= 0 => Ok(v as u64),
        _ => Err(TextError::Bad),
    }
}

/// CPython's `PyLong_FromString(s, NULL, base)` for base 0 or 10: surrounding whitespace, a
/// sign; base 0 takes a `0x`/`0o`/`0b` prefix (one `_` may follow it), else decimal where a
/// leading zero is allowed only if the whole number is zero; single underscores between digits.
pub(crate) fn py_long(s: &[u8], base: u32) -> Result<Int, TextError> {
    let (mut i, neg) = leading_sign(s);
    let mut base = base;
    let mut zero_only = false;
    if base == 0 {
        let prefixed = if s.get(i) != Some(&b'0') {
            10
        } else {
            match s.get(i + 1) {
                Some(b'x' | b'X') => 16,
                Some(b'o' | b'O') => 8,
                Some(b'b' | b'B') => 2,
                _ => {
                    zero_only = true;
                    10
                }
            }
        };
        if prefixed != 10 {
            i += 2;
            if s.get(i) == Some(&b'_') {
                i += 1;
            }
        }
        base = prefixed;
    }
    if s.get(i) == Some(&b'_') {
        return Err(TextError::Bad);
    }
    let mut digits: Vec<u8> = Vec::new();
    let mut prev_underscore = false;
    while let Some(&c) = s.get(i) {
        if c == b'_' {
            if prev_underscore {
                return Err(TextError::Bad);
            }
            prev_underscore = true;
        } else {
            let d = digit_value(c);
            if d >= base {
                break;
            }
            prev_underscore = false;
            if digits.len() >= MAX_INT_DIGITS {
                return Err(TextError::TooManyDigits);
            }
            digits.push(d as u8);
        }
        i += 1;
    }
    if prev_underscore || digits.is_empty() {
        return Err(TextError::Bad);
    }
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    if i != s.len() {
        return Err(TextError::Bad);
    }
    if zero_only && digits.iter().any(|&d| d != 0) {
        return Err(TextError::Bad);
    }
    Ok(digits_to_int(&digits, base, neg))
}

/// Digit values (most significant first) in `base` to an int.
fn digits_to_int(digits: &[u8], base: u32, neg: bool) -> Int {
    // Magnitude, little-endian base 256: quadratic, and digits are at most MAX_INT_DIGITS.
    let mut mag: Vec<u8> = vec![0];
    for &d in digits {
        let mut carry = u32::from(d);
        for b in mag.iter_mut() {
            let v = u32::from(*b) * base + carry;
            *b = v as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            mag.push(carry as u8);
            carry >>= 8;
        }
    }
    while mag.len() > 1 && mag.last() == Some(&0) {
        mag.pop();
    }
    if mag.len() <= 8 {
        let mut a = [0u8; 8];
        a[..mag.len()].copy_from_slice(&mag);
        let m = u64::from_le_bytes(a);
        if !neg && m <= i64::MAX as u64 {
            return Int::Small(m as i64);
        }
        if neg && m <= 1 << 63 {
            return Int::Small((m as i64).wrapping_neg());
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
    Int::Big(mag)
}

/// The `FLOAT` opcode: CPython's `PyOS_string_to_double(line, &end, OverflowError)`, which must
/// stop at the end of the C string. No whitespace anywhere; `[+-]digits[.digits][e[+-]digits]`
/// (at least one digit), or `inf`, `infinity`, `nan` in any case with a sign (`-nan` keeps its
/// sign bit); a finite number too large for a double is an error, one too small is zero.
pub(crate) fn float_opcode(line: &[u8]) -> Result<f64, TextError> {
    let s = c_str(line);
    let mut i = 0;
    if matches!(s.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let mut digits = 0;
    while s.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
        digits += 1;
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return inf_or_nan(s);
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(s.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if s.get(j).is_some_and(u8::is_ascii_digit) {
            while s.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            i = j;
        }
    }
    if i != s.len() {
        return Err(TextError::Bad);
    }
    // Both Rust and CPython round correctly, so the bits agree.
    let text = std::str::from_utf8(s).map_err(|_| TextError::Bad)?;
    let v: f64 = text.parse().map_err(|_| TextError::Bad)?;
    if v.is_infinite() {
        return Err(TextError::Bad);
    }
    Ok(v)
}

/// Quiet NaN as CPython makes it (`_Py_dg_stdnan`), before the sign.
const NAN_BITS: u64 = 0x7ff8_0000_0000_0000;

fn inf_or_nan(s: &[u8]) -> Result<f64, TextError> {
    let (neg, rest) = match s.split_first() {
        Some((b'-', r)) => (true, r),
        Some((b'+', r)) => (false, r),
        _ => (false, s),
    };
    let lower = rest.to_ascii_lowercase();
    let v = match lower.as_slice() {
        b"inf" | b"infinity" => f64::INFINITY,
        b"nan" => f64::from_bits(NAN_BITS),
        _ => return Err(TextError::Bad),
    };
    Ok(if neg { -v } else { v })
}

/// The `UNICODE` opcode: Python's `raw-unicode-escape`. Bytes are Latin-1 characters; a run of
/// backslashes is kept as it is, except that when the run is odd and followed by `u` (4 hex
/// digits) or `U` (8 hex digits, at most 0x10FFFF) its last backslash starts an escape. A lone
/// surrogate (which Python would keep) cannot be a Rust string and is refused. The result may
/// not exceed `max_len` bytes of UTF-8.
pub(crate) fn raw_unicode_escape(b: &[u8], max_len: u64) -> Result<String, TextError> {
    let mut out = String::new();
    let mut i = 0;
    let push = |out: &mut String, c: char| {
        if (out.len() + c.len_utf8()) as u64 > max_len {
            return Err(TextError::TooLong);
        }
        out.try_reserve(c.len_utf8()).map_err(|_| TextError::OutOfMemory)?;
        out.push(c);
        Ok(())
    };
    while i < b.len() {
        if b[i] != b'\\' {
            push(&mut out, char::from(b[i]))?;
            i += 1;
            continue;
        }
        let run = b[i..].iter().take_while(|&&c| c == b'\\').count();
        let escape = run % 2 == 1 && matches!(b.get(i + run), Some(b'u' | b'U'));
        let literal = if escape { run - 1 } else { run };
        for _ in 0..literal {
            push(&mut out, '\\')?;
        }
        i += run;
        if !escape {
            continue;
        }
        let n = if b[i] == b'u' { 4 } else { 8 };
        let hex = b.get(i + 1..i + 1 + n).ok_or(TextError::Bad)?;
        let mut v: u32 = 0;
        for &h in hex {
            let d = digit_value(h);
            if d >= 16 {
                return Err(TextError::Bad);
            }
            v = (v << 4) | d;
        }
        push(&mut out, char::from_u32(v).ok_or(TextError::Bad)?)?;
        i += 1 + n;
    }
    Ok(out)
}

/// The `STRING` opcode's argument: quoted by the same character (`'` or `"`) at both ends of
/// the line (a `\r` before the newline breaks that, as in CPython), then `codecs.escape_decode`
/// of what is between: `\\ \' \" \a \b \f \n \r \t \v`, a backslash-newline dropped, octal
/// `\ooo` (one to three digits, kept modulo 256), `\xhh` (exactly two hex digits, else an
/// error), a trailing backslash an error, any other backslash kept.
pub(crate) fn string_literal(b: &[u8]) -> Result<Vec<u8>, TextError> {
    if b.len() < 2 || (b[0] != b'\'' && b[0] != b'"') || b[b.len() - 1] != b[0] {
        return Err(TextError::Bad);
    }
    let body = &b[1..b.len() - 1];
    let mut out = Vec::new();
    out.try_reserve(body.len()).map_err(|_| TextError::OutOfMemory)?;
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        i += 1;
        if c != b'\\' {
            out.push(c);
            continue;
        }
        let Some(&e) = body.get(i) else {
            return Err(TextError::Bad);
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
                let hex = body.get(i..i + 2).ok_or(TextError::Bad)?;
                let (hi, lo) = (digit_value(hex[0]), digit_value(hex[1]));
                if hi >= 16 || lo >= 16 {
                    return Err(TextError::Bad);
                }
                out.push((hi * 16 + lo) as u8);
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
            // Kept as a backslash; the character after it is read again as ordinary text.
            _ => {
                out.push(b'\\');
                i -= 1;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(v: i64) -> Result<IntOp, TextError> {
        Ok(IntOp::Int(Int::Small(v)))
    }

    #[test]
    fn ints_read_as_strtol_then_int_base_0() {
        assert_eq!(int_opcode(b"123"), small(123));
        assert_eq!(int_opcode(b"010"), small(8));
        assert_eq!(int_opcode(b"0x1f"), small(31));
        assert_eq!(int_opcode(b"01"), Ok(IntOp::Bool(true)));
        assert_eq!(int_opcode(b"-0"), Ok(IntOp::Bool(false)));
        assert_eq!(int_opcode(b" 1"), Ok(IntOp::Bool(true)));
        assert_eq!(int_opcode(b"1"), small(1));
        assert_eq!(int_opcode(b"\0"), small(0));
        assert_eq!(int_opcode(b"\0\0"), Ok(IntOp::Bool(false)));
        assert_eq!(int_opcode(b"1\r"), small(1));
        assert_eq!(int_opcode(b"01\r"), Err(TextError::Bad));
        assert_eq!(int_opcode(b"00\r"), small(0));
        assert_eq!(int_opcode(b"08"), Err(TextError::Bad));
        assert_eq!(int_opcode(b"1_0"), small(10));
        assert_eq!(int_opcode(b"0x_1"), small(1));
        assert_eq!(int_opcode(b"0b101"), small(5));
        assert_eq!(int_opcode(b"-9223372036854775808"), small(i64::MIN));
        assert!(matches!(int_opcode(b"9223372036854775808"), Ok(IntOp::Int(Int::Big(_)))));
        assert_eq!(int_opcode(b"0777777777777777777777777"), Err(TextError::Bad));
        assert_eq!(int_opcode(b""), Err(TextError::Bad));
        assert_eq!(int_opcode(b" "), Err(TextError::Bad));
        assert_eq!(int_opcode(b"1x"), Err(TextError::Bad));
    }

    #[test]
    fn longs_and_memo_ids() {
        assert_eq!(long_opcode(b"10L"), Ok(Int::Small(10)));
        assert_eq!(long_opcode(b"010L"), Err(TextError::Bad));
        assert_eq!(long_opcode(b"00L"), Ok(Int::Small(0)));
        assert_eq!(long_opcode(b"0x10"), Ok(Int::Small(16)));
        assert_eq!(long_opcode(b"L"), Err(TextError::Bad));
        assert_eq!(memo_id(b"010"), Ok(10));
        assert_eq!(memo_id(b" 1_0 "), Ok(10));
        assert_eq!(memo_id(b"-1"), Err(TextError::Bad));
        assert_eq!(memo_id(b"0x1"), Err(TextError::Bad));
    }

    #[test]
    fn floats() {
        assert_eq!(float_opcode(b"1.5"), Ok(1.5));
        assert_eq!(float_opcode(b"1e+16"), Ok(1e16));
        assert_eq!(float_opcode(b"-inf"), Ok(f64::NEG_INFINITY));
        assert_eq!(float_opcode(b"-nan").map(f64::to_bits), Ok(0xfff8_0000_0000_0000));
        assert_eq!(float_opcode(b"nan").map(f64::to_bits), Ok(0x7ff8_0000_0000_0000));
        assert_eq!(float_opcode(b"1e999"), Err(TextError::Bad));
        assert_eq!(float_opcode(b"1e-999"), Ok(0.0));
        assert_eq!(float_opcode(b" 1"), Err(TextError::Bad));
        assert_eq!(float_opcode(b"1 "), Err(TextError::Bad));
        assert_eq!(float_opcode(b"1.5\0x"), Ok(1.5));
        assert_eq!(float_opcode(b"1e"), Err(TextError::Bad));
        assert!(float_opcode(b"abc").is_err());
    }

    #[test]
    fn text_strings() {
        let max = u64::MAX;
        assert_eq!(raw_unicode_escape(b"a\\u00e9\\U0001f600\xe9", max).unwrap(), "aé😀é");
        assert_eq!(raw_unicode_escape(b"\\\\u0041", max).unwrap(), "\\\\u0041");
        assert_eq!(raw_unicode_escape(b"\\\\\\u0041", max).unwrap(), "\\\\A");
        assert_eq!(raw_unicode_escape(b"\\u+041", max), Err(TextError::Bad));
        assert_eq!(raw_unicode_escape(b"\xe9\xe9", 3), Err(TextError::TooLong));
        assert!(raw_unicode_escape(b"\\ud800", max).is_err());
        assert_eq!(string_literal(b"'a\\'b\\n\\x41\\101'").unwrap(), b"a'b\nAA");
        assert_eq!(string_literal(b"'\\x+4'"), Err(TextError::Bad));
        assert_eq!(string_literal(b"'a'\r"), Err(TextError::Bad));
        assert_eq!(string_literal(b"'\\q'").unwrap(), b"\\q");
        assert!(string_literal(b"'abc").is_err());
    }
}
