//! Canonical `'set@epoch'` keysets: the eval dicts of the real files hold, per eval set, the
//! keys `name@0, name@1, …, name@(m-1)` one after another. A keyset of that shape is found by
//! arithmetic (`name@i` is at the set's first position + `i`) instead of building and looking up
//! each key string. Whether a keyset has the shape is decided the first time it is asked and
//! kept for the archive's life (a handful of distinct keysets in a real archive).
//!
//! The shape, exactly: split each key at its last `'@'`; the part after it must be the decimal
//! spelling Python's `'{}'.format(i)` gives the key's index within its set (no sign, no leading
//! zero); the sets' names are distinct, each set starts at `@0`. Then the keys are exactly
//! `{name@i : i < m}` per set and a lookup of `'{}@{}'.format(name, i)` (whose last `'@'` is
//! the one before the digits) finds position `start + i` iff `0 <= i < m`. Any other keyset
//! (`'x-valid@007'`, a missing epoch, reordered keys, int keys) answers "not canonical" and the
//! reader falls back to the lookups.

use std::ops::Range;
use std::sync::OnceLock;

use tnb_schema::nb201::codes::KS_STR;

use crate::view::Data;

/// How many eval sets a keyset may hold and still be read by arithmetic. Bounds the work of
/// deciding the shape (names are compared pairwise) and of a lookup (the names are scanned);
/// the real files have at most three (`x-valid`, `x-test`, `ori-test`). A keyset with more is
/// read through the lookups, with the same answers.
pub const MAX_CANONICAL_SETS: usize = 16;

/// One set of a canonical keyset: its name (a byte range of the string pool) and positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Set {
    name: Range<usize>,
    pos: Range<usize>,
}

/// Per keyset, once known: its sets, or `None` when it is not canonical.
pub(crate) type Cache = Box<[OnceLock<Option<Box<[Set]>>>]>;

/// An empty cache for `n` keysets.
pub(crate) fn cache(n: usize) -> Cache {
    (0..n).map(|_| OnceLock::new()).collect()
}

/// `'{}'.format(i)` of a non-negative `i`, into `buf`.
fn decimal(mut i: usize, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (i % 10) as u8;
        i /= 10;
        if i == 0 {
            break;
        }
    }
    &buf[at..]
}

/// The sets of keyset `k` (items `items`), or `None` when it is not canonical (or a key cannot
/// be read: the lookups then report the corruption).
fn decide(d: Data<'_>, k: usize) -> Option<Box<[Set]>> {
    let ks = &d.r.keysets;
    if ks.flags.get(k)? & KS_STR == 0 {
        return None;
    }
    let (st, en) = (ks.start.get(k)?.to_native(), ks.start.get(k + 1)?.to_native());
    let items = ks.items.get(usize::try_from(st).ok()?..usize::try_from(en).ok()?)?;
    let pool = d.r.str_bytes.as_slice();
    let base = pool.as_ptr() as usize;
    let mut sets: Vec<Set> = Vec::new();
    let mut buf = [0u8; 20];
    for (p, item) in items.iter().enumerate() {
        let bytes = d.string_bytes(u32::try_from(item.to_native()).ok()?).ok()?;
        std::str::from_utf8(bytes).ok()?;
        let at = bytes.iter().rposition(|&b| b == b'@')?;
        let (name, digits) = (&bytes[..at], &bytes[at + 1..]);
        let name_at = bytes.as_ptr() as usize - base;
        let name_range = name_at..name_at + at;
        match sets.last_mut().filter(|s| &pool[s.name.clone()] == name) {
            Some(s) => {
                if digits != decimal(p - s.pos.start, &mut buf) {
                    return None;
                }
                s.pos.end = p + 1;
            }
            None => {
                if digits != b"0"
                    || sets.len() == MAX_CANONICAL_SETS
                    || sets.iter().any(|s| &pool[s.name.clone()] == name)
                {
                    return None;
                }
                sets.push(Set { name: name_range, pos: p..p + 1 });
            }
        }
    }
    Some(sets.into_boxed_slice())
}

/// Where keyset `k`'s keys `name@0, name@1, …` are: `None` when the keyset is not canonical
/// (look keys up one by one), else the positions of `name@0..` (empty when `name` is not one
/// of its sets).
pub(crate) fn set_positions(d: Data<'_>, k: usize, name: &str) -> Option<Range<usize>> {
    let sets = d.canon.get(k)?.get_or_init(|| decide(d, k));
    let sets = sets.as_deref()?;
    let pool = d.r.str_bytes.as_slice();
    for s in sets {
        if pool.get(s.name.clone()) == Some(name.as_bytes()) {
            return Some(s.pos.clone());
        }
    }
    Some(0..0)
}
