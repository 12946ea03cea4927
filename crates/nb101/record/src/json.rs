//! The record's JSON: exactly the 5-list `[str, int, str, str, str]`, read as Python's
//! `json.loads` reads it (its C scanner, `strict=True`).
//!
//! Whitespace is ` \t\n\r`; strings take every escape `json.loads` takes (`\uXXXX` with a
//! high surrogate followed by a low-surrogate escape is one character, as Python combines them)
//! and refuse raw control characters. A lone surrogate would make a Python string that Rust
//! cannot hold: refused. The integer is `-?(0|[1-9][0-9]*)` not followed by a fraction or an
//! exponent (those make a float).

use std::borrow::Cow;

use crate::RecordError;

/// The five elements.
pub(crate) struct List<'a> {
    pub hash: Cow<'a, str>,
    pub epochs: i64,
    pub adjacency: Cow<'a, str>,
    pub operations: Cow<'a, str>,
    pub metrics: Cow<'a, str>,
}

/// Names of the list's elements, for messages.
const NAMES: [&str; 5] =
    ["module_hash", "epochs", "raw_adjacency", "raw_operations", "raw_metrics"];

struct Cursor<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

fn err(at: usize, problem: impl Into<String>) -> RecordError {
    RecordError::Json { at, problem: problem.into() }
}

impl<'a> Cursor<'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), RecordError> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(err(self.i, format!("expected {what}, found {}", self.found())))
        }
    }

    /// What is at the cursor, for messages.
    fn found(&self) -> String {
        match self.s[self.i..].chars().next() {
            None => "the end".into(),
            Some(c) => format!("{c:?}"),
        }
    }

    /// What kind of JSON value starts at the cursor, for type errors.
    fn kind(&self) -> &'static str {
        match self.peek() {
            Some(b'"') => "a string",
            Some(b'-' | b'0'..=b'9') => "a number",
            Some(b'[') => "a list",
            Some(b'{') => "an object",
            Some(b't' | b'f') => "a boolean",
            Some(b'n') => "null",
            Some(b'N' | b'I') => "a float",
            _ => "no value",
        }
    }

    fn string(&mut self, k: usize) -> Result<Cow<'a, str>, RecordError> {
        if self.peek() != Some(b'"') {
            return Err(err(
                self.i,
                format!("{} must be a string, found {}", NAMES[k], self.kind()),
            ));
        }
        self.i += 1;
        let start = self.i;
        // Fast path: no escape.
        self.i = plain_run(self.b, self.i);
        loop {
            match self.peek() {
                None => return Err(err(start - 1, "unterminated string")),
                Some(b'"') => {
                    let v = &self.s[start..self.i];
                    self.i += 1;
                    return Ok(Cow::Borrowed(v));
                }
                Some(b'\\') => break,
                Some(c) if c < 0x20 => {
                    return Err(err(self.i, "a control character inside a string"));
                }
                Some(_) => self.i += 1,
            }
        }
        let mut out = String::from(&self.s[start..self.i]);
        loop {
            let run = self.i;
            self.i = plain_run(self.b, self.i);
            out.push_str(&self.s[run..self.i]);
            match self.peek() {
                None => return Err(err(start - 1, "unterminated string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    let at = self.i;
                    self.i += 1;
                    let c = self.peek().ok_or_else(|| err(at, "unterminated string"))?;
                    self.i += 1;
                    let ch = match c {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode(at)?,
                        _ => return Err(err(at, "an invalid escape")),
                    };
                    out.push(ch);
                }
                Some(_) => return Err(err(self.i, "a control character inside a string")),
            }
        }
    }

    /// The character of a `\u` escape (its `\u` at `at`, the cursor after the `u`).
    fn unicode(&mut self, at: usize) -> Result<char, RecordError> {
        let hi = self.hex4().ok_or_else(|| err(at, "an invalid \\u escape"))?;
        if (0xdc00..0xe000).contains(&hi) {
            return Err(err(at, "a lone surrogate escape (not representable)"));
        }
        if !(0xd800..0xdc00).contains(&hi) {
            return char::from_u32(hi).ok_or_else(|| err(at, "an invalid \\u escape"));
        }
        // A high surrogate: Python joins it with an immediately following low-surrogate
        // escape; anything else leaves it lone.
        if self.b.get(self.i..self.i + 2) == Some(b"\\u") {
            let save = self.i;
            self.i += 2;
            if let Some(lo) = self.hex4() {
                if (0xdc00..0xe000).contains(&lo) {
                    let c = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
                    return char::from_u32(c).ok_or_else(|| err(at, "an invalid \\u escape"));
                }
            }
            self.i = save;
        }
        Err(err(at, "a lone surrogate escape (not representable)"))
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.b.get(self.i..self.i + 4)?;
        let mut v = 0u32;
        for &c in h {
            v = v << 4 | char::from(c).to_digit(16)?;
        }
        self.i += 4;
        Some(v)
    }

    fn int(&mut self, k: usize) -> Result<i64, RecordError> {
        let start = self.i;
        let neg = self.peek() == Some(b'-');
        if neg {
            self.i += 1;
        }
        let digits = self.i;
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while let Some(b'0'..=b'9') = self.peek() {
                    self.i += 1;
                }
            }
            _ if neg && self.s[self.i..].starts_with("Infinity") => {
                return Err(err(start, format!("{} must be an integer, found a float", NAMES[k])));
            }
            _ => {
                let kind = self.kind();
                self.i = start;
                let kind = if neg { "an invalid number" } else { kind };
                return Err(err(start, format!("{} must be an integer, found {kind}", NAMES[k])));
            }
        }
        let end = self.i;
        let frac = self.peek() == Some(b'.') && matches!(self.b.get(self.i + 1), Some(b'0'..=b'9'));
        let exp = matches!(self.peek(), Some(b'e' | b'E'))
            && match self.b.get(self.i + 1) {
                Some(b'0'..=b'9') => true,
                Some(b'+' | b'-') => matches!(self.b.get(self.i + 2), Some(b'0'..=b'9')),
                _ => false,
            };
        if frac || exp {
            return Err(err(start, format!("{} must be an integer, found a float", NAMES[k])));
        }
        // At most 19 digits fit; parse with overflow checks.
        let mut v: i64 = 0;
        for &d in &self.b[digits..end] {
            let d = i64::from(d - b'0');
            v = v
                .checked_mul(10)
                .and_then(|v| if neg { v.checked_sub(d) } else { v.checked_add(d) })
                .ok_or_else(|| err(start, format!("{} is beyond 64 bits", NAMES[k])))?;
        }
        Ok(v)
    }
}

/// The end of the run of bytes from `i` that need no attention inside a string (anything but
/// `"`, `\\` and control characters), eight bytes at a time.
fn plain_run(b: &[u8], mut i: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // A byte of `v` is zero: exact for the first such byte (later ones may be false hits,
    // which the byte loop below sorts out).
    let zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let hit = zero(w ^ (LO * u64::from(b'"')))
            | zero(w ^ (LO * u64::from(b'\\')))
            | (w.wrapping_sub(LO * 0x20) & !w & HI);
        if hit != 0 {
            break;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

/// Parses the record's text as the 5-list.
pub(crate) fn parse_list(s: &str) -> Result<List<'_>, RecordError> {
    let mut c = Cursor { s, b: s.as_bytes(), i: 0 };
    c.ws();
    if c.peek() != Some(b'[') {
        let kind = c.kind();
        return Err(err(c.i, format!("the record must be a JSON list, found {kind}")));
    }
    c.i += 1;
    let mut strs: [Cow<'_, str>; 4] = Default::default();
    let mut epochs = 0;
    for k in 0..5 {
        c.ws();
        if k > 0 {
            if c.peek() == Some(b']') {
                return Err(err(c.i, format!("the list has {k} elements, not 5")));
            }
            c.expect(b',', "',' between elements")?;
            c.ws();
        } else if c.peek() == Some(b']') {
            return Err(err(c.i, "the list is empty, not 5 elements"));
        }
        match k {
            1 => epochs = c.int(k)?,
            _ => strs[if k == 0 { 0 } else { k - 1 }] = c.string(k)?,
        }
    }
    c.ws();
    if c.peek() == Some(b',') {
        return Err(err(c.i, "the list has more than 5 elements"));
    }
    c.expect(b']', "']' after 5 elements")?;
    c.ws();
    if c.i != c.b.len() {
        return Err(err(c.i, format!("extra data after the list: {}", c.found())));
    }
    let [hash, adjacency, operations, metrics] = strs;
    Ok(List { hash, epochs, adjacency, operations, metrics })
}
