//! The tar probe torch runs on every file that is not a zip.
//!
//! torch's `_legacy_load` first hands a file it reads directly (any file opened by path) to
//! Python's `tarfile.open(fileobj=f, mode="r:")`, the format of torch before 2017, and falls back
//! to reading pickles only when that raises `tarfile.TarError`. `tarfile` decides on the first
//! 512-byte block alone (`TarInfo.frombuf`): a block of zeros opens as an empty archive, and a
//! block whose checksum field matches its checksum opens as a member header. Either way torch
//! never reads the file as pickles (it reads the tar's members, or fails), so tnb refuses both
//! instead of reading the pickles torch would not read. A file shorter than one block raises
//! `TarError` (truncated header) and falls through to the pickles, as in torch.

use crate::error::Error;

/// Size of a tar header block (`tarfile.BLOCKSIZE`).
const BLOCK: usize = 512;
/// The checksum field: bytes 148..156 of the header.
const CHECKSUM: std::ops::Range<usize> = 148..156;

/// Err when torch would open `file` as a tar archive (see the module docs).
pub(crate) fn refuse_tar(file: &[u8]) -> Result<(), Error> {
    let Some(block) = file.first_chunk::<BLOCK>() else {
        return Ok(());
    };
    if block.iter().all(|&b| b == 0) {
        return Err(Error::Tar(
            "the first 512 bytes are zeros: torch's legacy loader opens this as an empty tar \
             archive before any pickle"
                .to_owned(),
        ));
    }
    if checksum_matches(block) {
        return Err(Error::Tar(
            "the first 512 bytes are a tar header with a valid checksum: torch's legacy loader \
             would read this file as a tar archive, not as pickles"
                .to_owned(),
        ));
    }
    Ok(())
}

/// Whether `tarfile.TarInfo.frombuf` accepts the checksum of this 512-byte block: the field,
/// read by `tarfile.nti`, equals one of `tarfile.calc_chksums` (the block's bytes summed as
/// unsigned and as signed chars, the field itself counted as eight spaces).
fn checksum_matches(block: &[u8; BLOCK]) -> bool {
    let Some(stored) = nti(&block[CHECKSUM]) else {
        return false;
    };
    let rest = block[..CHECKSUM.start].iter().chain(&block[CHECKSUM.end..]);
    let (mut unsigned, mut signed) = (256i64, 256i64);
    for &b in rest {
        unsigned += i64::from(b);
        signed += i64::from(b as i8);
    }
    stored == unsigned || stored == signed
}

/// `tarfile.nti`: a leading 0o200 or 0o377 byte makes the field a big-endian base-256 number
/// (negative after 0o377); otherwise it is text up to the first NUL, which must be ASCII and
/// parse as `int(text.strip() or "0", 8)`. `None` where `nti` raises.
fn nti(field: &[u8]) -> Option<i64> {
    match field.first() {
        Some(&lead @ (0o200 | 0o377)) => {
            let n = field[1..].iter().fold(0i64, |n, &b| (n << 8) | i64::from(b));
            Some(if lead == 0o377 { n - (1i64 << (8 * (field.len() - 1))) } else { n })
        }
        _ => {
            let text = field.split(|&b| b == 0).next().unwrap_or_default();
            if !text.is_ascii() {
                return None;
            }
            python_int_base8(strip_python_space(text))
        }
    }
}

/// `str.strip()` on ASCII text: whitespace is `\t\n\v\f\r`, the separators `\x1c`-`\x1f` and
/// the space (what `str.isspace` says of ASCII).
fn strip_python_space(text: &[u8]) -> &[u8] {
    let space = |c: &u8| matches!(c, b'\t'..=b'\r' | 0x1c..=0x1f | b' ');
    let start = text.iter().position(|c| !space(c)).unwrap_or(text.len());
    let end = text.iter().rposition(|c| !space(c)).map_or(start, |i| i + 1);
    &text[start..end]
}

/// `int(text or "0", 8)` for text already stripped: an optional sign, an optional `0o` prefix,
/// then octal digits with single underscores between them (and one allowed right after the
/// prefix). `None` where Python raises `ValueError`.
fn python_int_base8(text: &[u8]) -> Option<i64> {
    if text.is_empty() {
        return Some(0);
    }
    let (negative, text) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let prefixed = text.len() >= 2 && text[0] == b'0' && matches!(text[1], b'o' | b'O');
    let digits = if prefixed { &text[2..] } else { text };
    // Without a prefix the text may not start with an underscore; with one it may.
    let mut after_underscore = !prefixed;
    let mut seen = false;
    let mut value = 0i64;
    for &c in digits {
        if c == b'_' {
            if after_underscore {
                return None;
            }
            after_underscore = true;
            continue;
        }
        if !(b'0'..=b'7').contains(&c) {
            return None;
        }
        // At most eight characters: no overflow.
        value = value * 8 + i64::from(c - b'0');
        seen = true;
        after_underscore = false;
    }
    // Nothing after the prefix or sign, or a trailing underscore.
    if !seen || after_underscore {
        return None;
    }
    Some(if negative { -value } else { value })
}
