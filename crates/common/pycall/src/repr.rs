//! Python's `repr()` and `str()` of the values the official class's messages quote: its
//! `KeyError` prints the key's `repr`, `list.index` says `'x' is not in list`, and its `assert`
//! messages format arguments with `str()` and name lists (`info_names`, `metrics_dict[task]`)
//! with their `repr`.

use tnb_pyjson::{Event, Seq};

use crate::args::Arg;

/// Python's `repr(s)` of a `str`: single quotes unless the text holds a `'` and no `"`,
/// backslash escapes for the quote, `\\`, `\t`, `\n`, `\r`, and `\x`/`\u`/`\U` escapes for
/// characters Python does not print (control, format, separator and private-use characters;
/// unassigned code points, which depend on Python's Unicode version, are printed as they are).
///
/// ```
/// assert_eq!(tnb_pycall::py_repr_str("it's"), "\"it's\"");
/// assert_eq!(tnb_pycall::py_repr_str("a\nb\u{1b}\u{e9}\u{2028}"), "'a\\nb\\x1b\u{e9}\\u2028'");
/// ```
pub fn py_repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !printable(c) => {
                let n = c as u32;
                let e = if n < 0x100 {
                    format!("\\x{n:02x}")
                } else if n < 0x10000 {
                    format!("\\u{n:04x}")
                } else {
                    format!("\\U{n:08x}")
                };
                out.push_str(&e);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Assigned code points that Python's `str.isprintable()` rejects (categories Cc, Cf, Zs but
/// the space, Zl, Zp, Co), as inclusive ranges, from Python 3.11's Unicode 14 database.
const NOT_PRINTABLE: &[(u32, u32)] = &[
    (0x0, 0x1f),
    (0x7f, 0xa0),
    (0xad, 0xad),
    (0x600, 0x605),
    (0x61c, 0x61c),
    (0x6dd, 0x6dd),
    (0x70f, 0x70f),
    (0x890, 0x891),
    (0x8e2, 0x8e2),
    (0x1680, 0x1680),
    (0x180e, 0x180e),
    (0x2000, 0x200f),
    (0x2028, 0x202f),
    (0x205f, 0x2064),
    (0x2066, 0x206f),
    (0x3000, 0x3000),
    (0xe000, 0xf8ff),
    (0xfeff, 0xfeff),
    (0xfff9, 0xfffb),
    (0x110bd, 0x110bd),
    (0x110cd, 0x110cd),
    (0x13430, 0x13438),
    (0x1bca0, 0x1bca3),
    (0x1d173, 0x1d17a),
    (0xe0001, 0xe0001),
    (0xe0020, 0xe007f),
    (0xf0000, 0xffffd),
    (0x100000, 0x10fffd),
];

fn printable(c: char) -> bool {
    let n = c as u32;
    !NOT_PRINTABLE.iter().any(|&(lo, hi)| (lo..=hi).contains(&n))
}

/// Python's `repr(x)` (and `str(x)`) of a float (`nan`, `inf`, `1e+16`, `0.1`).
///
/// ```
/// assert_eq!(tnb_pycall::py_repr_float(1e16), "1e+16");
/// assert_eq!(tnb_pycall::py_repr_float(100000.0), "100000.0");
/// ```
pub fn py_repr_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let mut buf = [0u8; 32];
    let n = tnb_pyjson::float_repr(x, &mut buf);
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// Python's `repr(a)` (what a `KeyError` prints, and `list.index`'s `... is not in list`).
pub fn arg_repr(a: Arg<'_>) -> String {
    match a {
        Arg::Str(s) => py_repr_str(s),
        Arg::Hashable(s) | Arg::Unhashable(s) => s.repr.to_owned(),
        other => arg_str(other),
    }
}

/// Python's `str(a)` (what `%s` and an f-string print).
pub fn arg_str(a: Arg<'_>) -> String {
    match a {
        Arg::None => "None".to_owned(),
        Arg::Bool(b) => if b { "True" } else { "False" }.to_owned(),
        Arg::Int(i) => i.to_string(),
        Arg::BigInt { digits, .. } => digits.to_owned(),
        Arg::Float(x) => py_repr_float(x),
        Arg::Str(s) => s.to_owned(),
        Arg::Hashable(s) | Arg::Unhashable(s) => s.str.to_owned(),
    }
}

/// Python's `repr()` of a walked object, built from its [`Event`]s.
#[derive(Default)]
pub struct Repr {
    out: String,
    /// Per open container: its closing text, its item count, and whether it is a dict.
    open: Vec<(&'static str, usize, bool)>,
}

impl Repr {
    /// Takes one event of the walk.
    pub fn event(&mut self, e: Event<'_>) {
        if !matches!(e, Event::End) {
            self.separate();
        }
        match e {
            Event::Null => self.out.push_str("None"),
            Event::Bool(b) => self.out.push_str(if b { "True" } else { "False" }),
            Event::Int(i) => self.out.push_str(&i.to_string()),
            Event::UInt(u) => self.out.push_str(&u.to_string()),
            Event::Float(x) => self.out.push_str(&py_repr_float(x)),
            Event::Str(s) => self.out.push_str(&py_repr_str(s)),
            Event::Bytes(b) => self.out.push_str(&bytes_repr(b)),
            Event::BeginSeq(kind) => {
                let (open, close) = match kind {
                    Seq::List => ("[", "]"),
                    Seq::Tuple => ("(", ")"),
                    Seq::Set => ("{", "}"),
                    Seq::FrozenSet => ("frozenset({", "})"),
                };
                self.out.push_str(open);
                self.open.push((close, 0, false));
            }
            Event::BeginMap => {
                self.out.push('{');
                self.open.push(("}", 0, true));
            }
            Event::End => match self.open.pop() {
                Some((")", 1, _)) => self.out.push_str(",)"),
                // Python spells empty sets `set()` and `frozenset()`.
                Some(("}", 0, false)) => {
                    self.out.pop();
                    self.out.push_str("set()");
                }
                Some(("})", 0, _)) => {
                    self.out.truncate(self.out.len() - "frozenset({".len());
                    self.out.push_str("frozenset()");
                }
                Some((close, _, _)) => self.out.push_str(close),
                None => {}
            },
        }
    }

    /// The separator before an item: `, ` between items, `: ` between a dict key and value.
    fn separate(&mut self) {
        if let Some((_, n, dict)) = self.open.last_mut() {
            if *n > 0 {
                self.out.push_str(if *dict && *n % 2 == 1 { ": " } else { ", " });
            }
            *n += 1;
        }
    }

    /// The text so far.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Python's `repr()` of bytes.
fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') { b'"' } else { b'\'' };
    let mut out = String::from("b");
    out.push(quote as char);
    for &x in b {
        match x {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            x if x == quote => {
                out.push('\\');
                out.push(x as char);
            }
            0x20..=0x7e => out.push(x as char),
            x => out.push_str(&format!("\\x{x:02x}")),
        }
    }
    out.push(quote as char);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr(events: &[Event<'_>]) -> String {
        let mut r = Repr::default();
        for &e in events {
            r.event(e);
        }
        r.finish()
    }

    #[test]
    fn containers_are_spelled_as_python_spells_them() {
        use Event::*;
        assert_eq!(repr(&[BeginSeq(Seq::List), Str("a"), Str("b"), End]), "['a', 'b']");
        assert_eq!(repr(&[BeginSeq(Seq::Tuple), Str("a"), End]), "('a',)");
        assert_eq!(repr(&[BeginSeq(Seq::Tuple), End]), "()");
        assert_eq!(repr(&[BeginSeq(Seq::List), End]), "[]");
        assert_eq!(repr(&[BeginMap, Str("k"), Int(1), Str("j"), Null, End]), "{'k': 1, 'j': None}");
        assert_eq!(
            repr(&[BeginSeq(Seq::List), Float(f64::NAN), Float(1e16), Bool(true), End]),
            "[nan, 1e+16, True]"
        );
        assert_eq!(repr(&[BeginSeq(Seq::FrozenSet), End]), "frozenset()");
        assert_eq!(repr(&[BeginSeq(Seq::Set), End]), "set()");
        assert_eq!(repr(&[BeginMap, End]), "{}");
        assert_eq!(repr(&[BeginSeq(Seq::FrozenSet), Int(1), End]), "frozenset({1})");
        assert_eq!(repr(&[Bytes(b"a'\x00")]), "b\"a'\\x00\"");
    }
}
