//! Strings as `json.dumps(..., ensure_ascii=True)` writes them.

use std::io::{self, Write};

/// Writes `s` as a quoted JSON string the way Python's `json.dumps` does by default: printable
/// ASCII as is except `"` and `\`, the short escapes `\n \r \t \b \f`, and `\uXXXX` (lowercase
/// hex, surrogate pairs above U+FFFF) for every other character, DEL included.
pub fn write_str<W: Write + ?Sized>(w: &mut W, s: &str) -> io::Result<()> {
    w.write_all(b"\"")?;
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let plain = matches!(c, ' '..='~') && c != '"' && c != '\\';
        if plain {
            continue;
        }
        w.write_all(&bytes[start..i])?;
        start = i + c.len_utf8();
        match c {
            '"' => w.write_all(b"\\\"")?,
            '\\' => w.write_all(b"\\\\")?,
            '\n' => w.write_all(b"\\n")?,
            '\r' => w.write_all(b"\\r")?,
            '\t' => w.write_all(b"\\t")?,
            '\u{8}' => w.write_all(b"\\b")?,
            '\u{c}' => w.write_all(b"\\f")?,
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write_u_escape(w, *u)?;
                }
            }
        }
    }
    w.write_all(&bytes[start..])?;
    w.write_all(b"\"")
}

fn write_u_escape<W: Write + ?Sized>(w: &mut W, u: u16) -> io::Result<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = [
        b'\\',
        b'u',
        HEX[usize::from(u >> 12)],
        HEX[usize::from((u >> 8) & 0xf)],
        HEX[usize::from((u >> 4) & 0xf)],
        HEX[usize::from(u & 0xf)],
    ];
    w.write_all(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(s: &str) -> String {
        let mut v = Vec::new();
        write_str(&mut v, s).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn escapes_like_python() {
        // Right-hand sides are CPython's json.dumps output.
        assert_eq!(j("abc"), r#""abc""#);
        assert_eq!(j(""), r#""""#);
        assert_eq!(j("a\"b\\c/"), r#""a\"b\\c/""#);
        assert_eq!(j("\n\r\t\u{8}\u{c}"), r#""\n\r\t\b\f""#);
        assert_eq!(j("\0\u{1f}\u{7f}"), r#""\u0000\u001f\u007f""#);
        assert_eq!(j("é中"), r#""\u00e9\u4e2d""#);
        assert_eq!(j("😀"), r#""\ud83d\ude00""#);
        assert_eq!(j("x\u{301}y"), r#""x\u0301y""#);
    }
}
