//! Strict standard base64 (RFC 4648 section 4, padded).
//!
//! Python's `base64.b64decode(s)` (no `validate`) skips characters outside the alphabet and
//! stops at the first complete padding; accepting only the strict form means every accepted
//! string decodes to the bytes Python gets. Non-zero unused bits in the last character are
//! ignored, as Python (and RFC 4648 decoders) ignore them.

use crate::RecordError;

const INVALID: u8 = 0xff;

/// Sextet of each byte, or `INVALID`.
const TABLE: [u8; 256] = {
    let mut t = [INVALID; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// The standard alphabet, by sextet.
pub(crate) const ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Appends the bytes `s` encodes to `out`.
pub(crate) fn decode(s: &[u8], out: &mut Vec<u8>) -> Result<(), RecordError> {
    let err = |at, problem| RecordError::Base64 { at, problem };
    if s.len() % 4 != 0 {
        // Locate the first non-alphabet character for a better message.
        if let Some(p) = s.iter().position(|&c| TABLE[usize::from(c)] == INVALID && c != b'=') {
            return Err(err(p, "a character outside the standard alphabet"));
        }
        return Err(err(s.len(), "the length is not a multiple of 4 (missing padding)"));
    }
    let pad = s.iter().rev().take(2).take_while(|&&c| c == b'=').count();
    let body = &s[..s.len() - pad];
    out.reserve(s.len() / 4 * 3);
    let mut chunks = body.chunks_exact(4);
    for (q, c) in chunks.by_ref().enumerate() {
        let mut v = 0u32;
        for (k, &ch) in c.iter().enumerate() {
            let x = TABLE[usize::from(ch)];
            if x == INVALID {
                let problem = if ch == b'=' {
                    "padding before the end"
                } else {
                    "a character outside the standard alphabet"
                };
                return Err(err(q * 4 + k, problem));
            }
            v = v << 6 | u32::from(x);
        }
        out.extend_from_slice(&[(v >> 16) as u8, (v >> 8) as u8, v as u8]);
    }
    let rem = chunks.remainder();
    let at = body.len() - rem.len();
    let mut v = 0u32;
    for (k, &ch) in rem.iter().enumerate() {
        let x = TABLE[usize::from(ch)];
        if x == INVALID {
            let problem = if ch == b'=' {
                "padding before the end"
            } else {
                "a character outside the standard alphabet"
            };
            return Err(err(at + k, problem));
        }
        v = v << 6 | u32::from(x);
    }
    match rem.len() {
        0 => {}
        2 => out.push((v >> 4) as u8),
        3 => out.extend_from_slice(&[(v >> 10) as u8, (v >> 2) as u8]),
        // One character and three pads: `pad` counts at most two, so this is a lone
        // character before "==": one character cannot hold a byte.
        _ => return Err(err(at, "incorrect padding")),
    }
    Ok(())
}

/// Appends the padded standard base64 of `data` to `out`.
pub(crate) fn encode(data: &[u8], out: &mut Vec<u8>) {
    let a = ALPHABET;
    let mut chunks = data.chunks_exact(3);
    for c in chunks.by_ref() {
        let v = u32::from(c[0]) << 16 | u32::from(c[1]) << 8 | u32::from(c[2]);
        out.extend_from_slice(&[
            a[(v >> 18) as usize & 63],
            a[(v >> 12) as usize & 63],
            a[(v >> 6) as usize & 63],
            a[v as usize & 63],
        ]);
    }
    match *chunks.remainder() {
        [x] => {
            let v = u32::from(x) << 16;
            out.extend_from_slice(&[a[(v >> 18) as usize & 63], a[(v >> 12) as usize & 63]]);
            out.extend_from_slice(b"==");
        }
        [x, y] => {
            let v = u32::from(x) << 16 | u32::from(y) << 8;
            out.extend_from_slice(&[
                a[(v >> 18) as usize & 63],
                a[(v >> 12) as usize & 63],
                a[(v >> 6) as usize & 63],
            ]);
            out.push(b'=');
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Result<Vec<u8>, String> {
        let mut v = Vec::new();
        decode(s.as_bytes(), &mut v).map(|()| v).map_err(|e| e.to_string())
    }

    #[test]
    fn rfc4648_vectors_round_trip() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(dec(enc).unwrap(), plain.as_bytes());
            let mut e = Vec::new();
            encode(plain.as_bytes(), &mut e);
            assert_eq!(e, enc.as_bytes());
        }
        // Unused bits are ignored, as Python ignores them.
        assert_eq!(dec("Zh==").unwrap(), b"f");
    }

    #[test]
    fn what_python_would_silently_drop_is_refused() {
        for bad in [
            "Zm9v\n",
            "Zm 9v",
            "Zm9v====",
            "Zg=",
            "Zg",
            "Z===",
            "Zm9v Zg==",
            "Zg==Zg==",
            "Zm-v",
            "Zm_v",
            "=Zm9",
            "Zm=v",
            "Z=g=",
        ] {
            let e = dec(bad).unwrap_err();
            assert!(e.starts_with("raw_metrics is not strict base64 at character"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_refusal_names_the_character_and_what_is_wrong_with_it() {
        // In a whole quantum and in the last, padded one: a stray '=' is misplaced padding,
        // anything else is outside the alphabet.
        for (bad, at, problem) in [
            ("Zm=vZg==", 2, "padding before the end"),
            ("Zm*vZg==", 2, "a character outside the standard alphabet"),
            ("Zm9vZ=g=", 5, "padding before the end"),
            ("Zm9vZ*g=", 5, "a character outside the standard alphabet"),
            ("Zm9v=g==", 4, "padding before the end"),
            ("Zm9v*g==", 4, "a character outside the standard alphabet"),
            ("Zm9vZ===", 5, "padding before the end"),
            ("Zm9*v", 3, "a character outside the standard alphabet"),
            ("Zm9vv", 5, "the length is not a multiple of 4 (missing padding)"),
        ] {
            let want = format!("raw_metrics is not strict base64 at character {at}: {problem}");
            assert_eq!(dec(bad).unwrap_err(), want, "{bad}");
        }
    }
}
