//! `graph_util.hash_module`, byte for byte, without allocating.
//!
//! The official function hashes text: each vertex starts as the MD5 hex digest of
//! `str((out_degree, in_degree, label))` (Python ints: `"(1, 0, -1)"`), then for `n` rounds
//! becomes the MD5 hex digest of its in-neighbours' digests sorted and concatenated, `'|'`, its
//! out-neighbours' likewise, `'|'`, its own digest; the module hash is the MD5 hex digest of
//! `str(sorted(digests))` (`"['0f…', '3a…']"`). Sorting lowercase hex strings is sorting the raw
//! digests bytewise, so the raw digests are sorted and the hex text only written into the
//! message buffer, which lives on the stack.

use std::sync::OnceLock;

use md5::{Digest, Md5};

use crate::matrix::Matrix;

/// `"0123456789abcdef"` pairs for every byte.
const HEX: [[u8; 2]; 256] = {
    let digits = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [digits[i >> 4], digits[i & 15]];
        i += 1;
    }
    t
};

/// The lowercase hex text of a digest (`hashlib.md5(...).hexdigest()`).
///
/// ```
/// assert_eq!(&tnb_nb101_spec::hash_hex(&[0xab; 16])[..4], b"abab");
/// ```
pub fn hash_hex(h: &[u8; 16]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (pair, &b) in out.chunks_exact_mut(2).zip(h) {
        pair.copy_from_slice(&HEX[b as usize]);
    }
    out
}

/// The digest of a 32-character lowercase or uppercase hex string; `None` for anything else.
///
/// ```
/// let h = tnb_nb101_spec::parse_hex(b"00112233445566778899aabbccddeeff").unwrap();
/// assert_eq!(h[15], 0xff);
/// assert_eq!(tnb_nb101_spec::parse_hex(b"0011"), None);
/// ```
pub fn parse_hex(text: &[u8]) -> Option<[u8; 16]> {
    if text.len() != 32 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    let mut out = [0u8; 16];
    for (o, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        *o = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(out)
}

/// Labels with a precomputed first-round digest: the ops of the space and the input/output marks.
const TABLE_LABELS: std::ops::RangeInclusive<i8> = -2..=2;
/// Degrees are at most 8 (an 8-vertex matrix, a self-loop counted on both sides).
const TABLE_DEGREES: usize = 9;

/// Writes `str(x)` of a small int into `buf` at `at`; returns the new end.
fn write_int(buf: &mut [u8], mut at: usize, x: i64) -> usize {
    if x < 0 {
        buf[at] = b'-';
        at += 1;
    }
    let mut digits = [0u8; 20];
    let mut k = 0;
    let mut u = x.unsigned_abs();
    loop {
        digits[k] = b'0' + (u % 10) as u8;
        k += 1;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    for i in (0..k).rev() {
        buf[at] = digits[i];
        at += 1;
    }
    at
}

/// The first-round digest: MD5 of `str((out, in, label))`.
fn initial_digest(out: u32, inn: u32, label: i8) -> [u8; 16] {
    let mut buf = [0u8; 32];
    buf[0] = b'(';
    let mut at = write_int(&mut buf, 1, i64::from(out));
    buf[at..at + 2].copy_from_slice(b", ");
    at = write_int(&mut buf, at + 2, i64::from(inn));
    buf[at..at + 2].copy_from_slice(b", ");
    at = write_int(&mut buf, at + 2, i64::from(label));
    buf[at] = b')';
    Md5::digest(&buf[..at + 1]).into()
}

/// First-round digests for every (out, in, label) an in-space matrix can have, computed once.
fn initial_table() -> &'static [[u8; 16]] {
    static TABLE: OnceLock<Vec<[u8; 16]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Vec::with_capacity(TABLE_DEGREES * TABLE_DEGREES * TABLE_LABELS.count());
        for out in 0..TABLE_DEGREES as u32 {
            for inn in 0..TABLE_DEGREES as u32 {
                for label in TABLE_LABELS {
                    t.push(initial_digest(out, inn, label));
                }
            }
        }
        t
    })
}

fn initial(out: u32, inn: u32, label: i8) -> [u8; 16] {
    let d = TABLE_DEGREES as u32;
    if out < d && inn < d && TABLE_LABELS.contains(&label) {
        let labels = TABLE_LABELS.count();
        let i = ((out * d + inn) as usize) * labels + (label - TABLE_LABELS.start()) as usize;
        initial_table()[i]
    } else {
        initial_digest(out, inn, label)
    }
}

/// The longest message of a round: up to 16 neighbour digests (8 in, 8 out with self-loops),
/// two bars, the vertex's own digest. The final `str(sorted(...))` of 8 digests is shorter.
const MESSAGE_MAX: usize = 17 * 32 + 2;

/// `graph_util.hash_module(matrix, labeling)`: the official isomorphism-invariant MD5 of a
/// labelled graph, computed exactly as the official code does with Python-int degrees (the
/// degrees are the row and column sums; a self-loop counts on both sides).
///
/// `labels` gives one label per vertex (`ModelSpec.hash_spec` uses `-1`, the op indexes, `-2`);
/// see [`crate::labels`].
///
/// # Panics
/// When `labels.len() != m.n` (the official code fails its `assert` then).
///
/// ```
/// use tnb_nb101_spec::{Matrix, hash_hex, hash_module};
/// let m = Matrix::from_rows(&[[0, 1], [0, 0]]).unwrap();
/// let h = hash_module(m, &[-1, -2]);
/// // The official graph_util.hash_module(np.array([[0, 1], [0, 0]]), [-1, -2]):
/// assert_eq!(&hash_hex(&h), b"043721b9c7fe8c5fad811d47d83132ec");
/// ```
pub fn hash_module(m: Matrix, labels: &[i8]) -> [u8; 16] {
    let n = m.n as usize;
    assert_eq!(labels.len(), n, "hash_module: {} labels for {n} vertices", labels.len());
    let (out_mask, in_mask) = crate::canon::neighbours(m);
    let mut hashes = [[0u8; 16]; 8];
    for v in 0..n {
        hashes[v] = initial(out_mask[v].count_ones(), in_mask[v].count_ones(), labels[v]);
    }
    let mut hex = [[0u8; 32]; 8];
    let mut order = [0usize; 8];
    let mut msg = [0u8; MESSAGE_MAX];
    for _ in 0..n {
        sort_order(&hashes[..n], &mut order[..n]);
        for v in 0..n {
            hex[v] = hash_hex(&hashes[v]);
        }
        let mut next = [[0u8; 16]; 8];
        for (v, new) in next.iter_mut().enumerate().take(n) {
            let mut at = 0;
            for &w in &order[..n] {
                if in_mask[v] >> w & 1 == 1 {
                    msg[at..at + 32].copy_from_slice(&hex[w]);
                    at += 32;
                }
            }
            msg[at] = b'|';
            at += 1;
            for &w in &order[..n] {
                if out_mask[v] >> w & 1 == 1 {
                    msg[at..at + 32].copy_from_slice(&hex[w]);
                    at += 32;
                }
            }
            msg[at] = b'|';
            at += 1;
            msg[at..at + 32].copy_from_slice(&hex[v]);
            at += 32;
            *new = Md5::digest(&msg[..at]).into();
        }
        hashes = next;
    }
    sort_order(&hashes[..n], &mut order[..n]);
    // str(sorted(hashes)): "['h0', 'h1']".
    let mut at = 0;
    msg[at] = b'[';
    at += 1;
    for (k, &v) in order[..n].iter().enumerate() {
        if k > 0 {
            msg[at..at + 2].copy_from_slice(b", ");
            at += 2;
        }
        msg[at] = b'\'';
        msg[at + 1..at + 33].copy_from_slice(&hash_hex(&hashes[v]));
        msg[at + 33] = b'\'';
        at += 34;
    }
    msg[at] = b']';
    at += 1;
    Md5::digest(&msg[..at]).into()
}

/// `order` = vertex indexes sorted by digest (insertion sort: at most 8 items).
fn sort_order(hashes: &[[u8; 16]], order: &mut [usize]) {
    for (i, o) in order.iter_mut().enumerate() {
        *o = i;
    }
    for i in 1..order.len() {
        let mut j = i;
        while j > 0 && hashes[order[j - 1]] > hashes[order[j]] {
            order.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_print_as_python() {
        let mut b = [0u8; 24];
        let end = write_int(&mut b, 0, -128);
        assert_eq!(&b[..end], b"-128");
        let end = write_int(&mut b, 0, 0);
        assert_eq!(&b[..end], b"0");
        let end = write_int(&mut b, 0, i64::MIN);
        assert_eq!(&b[..end], b"-9223372036854775808");
    }

    #[test]
    fn table_matches_direct_digests() {
        assert_eq!(initial(1, 0, -1), initial_digest(1, 0, -1));
        assert_eq!(initial(8, 8, 2), initial_digest(8, 8, 2));
        // md5("(1, 0, -1)"), computed with Python's hashlib.
        assert_eq!(&hash_hex(&initial(1, 0, -1)), &hash_hex(&Md5::digest(b"(1, 0, -1)").into()));
        assert_ne!(initial(0, 0, 3), initial(0, 0, 2));
    }

    #[test]
    fn hex_round_trip() {
        let h: [u8; 16] = std::array::from_fn(|i| (i * 17) as u8);
        assert_eq!(parse_hex(&hash_hex(&h)), Some(h));
        assert_eq!(parse_hex(b"0g112233445566778899aabbccddeeff"), None);
    }
}
