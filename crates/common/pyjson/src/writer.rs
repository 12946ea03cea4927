//! A streaming writer that places `json.dumps`' separators.

use std::io::{self, Write};

use crate::{write_float, write_str};

/// Streams one JSON document with `json.dumps`' default separators (`", "` between items, `": "`
/// after keys). The caller drives it in document order; the writer only tracks where a comma is
/// due, so memory stays constant however large the document.
#[derive(Debug)]
pub struct Writer<W: Write> {
    out: W,
    /// One entry per open array or object: whether an item has been written in it yet.
    first: Vec<bool>,
    /// Set after a key: the next value needs no comma.
    after_key: bool,
}

impl<W: Write> Writer<W> {
    /// A writer that writes to `out`. Wrap files and stdout in a `BufWriter`: the writer issues
    /// many small writes.
    pub fn new(out: W) -> Self {
        Writer { out, first: Vec::new(), after_key: false }
    }

    /// Gives back the underlying output.
    pub fn into_inner(self) -> W {
        self.out
    }

    /// The underlying output, for writing raw text between documents (e.g. a newline).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    fn sep(&mut self) -> io::Result<()> {
        if self.after_key {
            self.after_key = false;
            return Ok(());
        }
        if let Some(first) = self.first.last_mut() {
            if *first {
                *first = false;
            } else {
                self.out.write_all(b", ")?;
            }
        }
        Ok(())
    }

    /// `null`.
    pub fn null(&mut self) -> io::Result<()> {
        self.sep()?;
        self.out.write_all(b"null")
    }

    /// `true` or `false`.
    pub fn bool(&mut self, b: bool) -> io::Result<()> {
        self.sep()?;
        self.out.write_all(if b { b"true" } else { b"false" })
    }

    /// An integer.
    pub fn int(&mut self, i: i64) -> io::Result<()> {
        self.sep()?;
        write!(self.out, "{i}")
    }

    /// An unsigned integer (numpy `uint64` values above `i64::MAX`).
    pub fn uint(&mut self, i: u64) -> io::Result<()> {
        self.sep()?;
        write!(self.out, "{i}")
    }

    /// A float in Python's `repr` (see [`crate::float_repr`]).
    pub fn float(&mut self, x: f64) -> io::Result<()> {
        self.sep()?;
        write_float(&mut self.out, x)
    }

    /// A string.
    pub fn str(&mut self, s: &str) -> io::Result<()> {
        self.sep()?;
        write_str(&mut self.out, s)
    }

    /// Opens an array.
    pub fn begin_array(&mut self) -> io::Result<()> {
        self.sep()?;
        self.first.push(true);
        self.out.write_all(b"[")
    }

    /// Closes the innermost array.
    pub fn end_array(&mut self) -> io::Result<()> {
        self.first.pop();
        self.out.write_all(b"]")
    }

    /// Opens an object.
    pub fn begin_object(&mut self) -> io::Result<()> {
        self.sep()?;
        self.first.push(true);
        self.out.write_all(b"{")
    }

    /// Closes the innermost object.
    pub fn end_object(&mut self) -> io::Result<()> {
        self.first.pop();
        self.out.write_all(b"}")
    }

    /// A string key; the next call writes its value.
    pub fn key_str(&mut self, k: &str) -> io::Result<()> {
        self.sep()?;
        write_str(&mut self.out, k)?;
        self.out.write_all(b": ")?;
        self.after_key = true;
        Ok(())
    }

    /// An integer key, which `json.dumps` writes as its decimal string.
    pub fn key_int(&mut self, k: i64) -> io::Result<()> {
        self.sep()?;
        write!(self.out, "\"{k}\": ")?;
        self.after_key = true;
        Ok(())
    }

    /// An unsigned integer key.
    pub fn key_uint(&mut self, k: u64) -> io::Result<()> {
        self.sep()?;
        write!(self.out, "\"{k}\": ")?;
        self.after_key = true;
        Ok(())
    }

    /// A float key, written as `json.dumps` does: its `repr` (or `NaN`, `Infinity`) in quotes.
    pub fn key_float(&mut self, k: f64) -> io::Result<()> {
        self.sep()?;
        self.out.write_all(b"\"")?;
        write_float(&mut self.out, k)?;
        self.out.write_all(b"\": ")?;
        self.after_key = true;
        Ok(())
    }

    /// A `True`/`False` key: `"true"`/`"false"`.
    pub fn key_bool(&mut self, k: bool) -> io::Result<()> {
        self.key_str(if k { "true" } else { "false" })
    }

    /// A `None` key: `"null"`.
    pub fn key_null(&mut self) -> io::Result<()> {
        self.key_str("null")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_match_json_dumps() {
        let mut out = Vec::new();
        let mut w = Writer::new(&mut out);
        w.begin_object().unwrap();
        w.key_str("a").unwrap();
        w.begin_array().unwrap();
        w.int(1).unwrap();
        w.float(2.0).unwrap();
        w.begin_array().unwrap();
        w.end_array().unwrap();
        w.null().unwrap();
        w.end_array().unwrap();
        w.key_int(-3).unwrap();
        w.bool(true).unwrap();
        w.key_float(f64::NAN).unwrap();
        w.begin_object().unwrap();
        w.end_object().unwrap();
        w.key_bool(false).unwrap();
        w.str("x").unwrap();
        w.key_null().unwrap();
        w.uint(u64::MAX).unwrap();
        w.end_object().unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"a": [1, 2.0, [], null], "-3": true, "NaN": {}, "false": "x", "null": 18446744073709551615}"#
        );
    }
}
