//! Canonical `'set@epoch'` keysets: the eval dicts of the real files hold, per eval set, the
//! keys `name@a, name@(a+1), …, name@(b-1)` one after another (`a` is 0, or the last epoch for
//! the sets evaluated once). A keyset of that shape is read by arithmetic (`name@i` is at the
//! set's first position + `i - a`) instead of building and looking up each key string. Whether a keyset has the shape is decided the first time it is asked and
//! kept for the archive's life (a handful of distinct keysets in a real archive).
//!
//! The shape, exactly: split each key at its last `'@'`; the part after it must be the decimal
//! spelling Python's `'{}'.format(i)` gives of a non-negative int (no sign, no leading zero),
//! and within a set these ints go up by one from key to key; the sets' names are distinct.
//! Then the keys are exactly `{name@i : a <= i < b}` per set and a lookup of
//! `'{}@{}'.format(name, i)` (whose last `'@'` is the one before the digits) finds position
//! `start + i - a` iff `a <= i < b`. Any other keyset (`'x-valid@007'`, a missing epoch,
//! reordered keys, a set split in two, int keys) answers "not canonical" and the reader falls
//! back to the lookups.

use std::ops::Range;
use std::sync::OnceLock;

use tnb_schema::nb201::codes::KS_STR;

use crate::view::Data;

/// How many eval sets a keyset may hold and still be read by arithmetic. Bounds the work of
/// deciding the shape (names are compared pairwise) and of a lookup (the names are scanned);
/// the real files have at most three (`x-valid`, `x-test`, `ori-test`). A keyset with more is
/// read through the lookups, with the same answers.
pub const MAX_CANONICAL_SETS: usize = 16;

/// One set of a canonical keyset: its name (a byte range of the string pool), first epoch and
/// positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Set {
    name: Range<usize>,
    first: usize,
    pos: Range<usize>,
}

/// Where the keys of one eval set are in a canonical dict: `'{}@{}'.format(name, i)` is at
/// position `at.start + (i - first)` when `first <= i < first + at.len()`, and is no key
/// otherwise (`at` is empty when no key has the name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetKeys {
    /// The epoch of the set's first key.
    pub first: usize,
    /// The positions of its keys.
    pub at: Range<usize>,
}

impl SetKeys {
    /// The position of `'{}@{}'.format(name, i)`, if it is a key.
    #[inline]
    pub fn position(&self, i: i64) -> Option<usize> {
        let k = usize::try_from(i).ok()?.checked_sub(self.first)?;
        (k < self.at.len()).then(|| self.at.start + k)
    }
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

/// `i` when `digits` is `'{}'.format(i)` of a non-negative int (no sign, no leading zero) below
/// 10^18 (epochs; bigger ones make the keyset non-canonical).
pub(crate) fn canonical_int(digits: &[u8]) -> Option<usize> {
    if digits.is_empty() || digits.len() > 18 || (digits[0] == b'0' && digits.len() > 1) {
        return None;
    }
    digits.iter().try_fold(0usize, |acc, &c| {
        let d = c.checked_sub(b'0').filter(|d| *d < 10)?;
        acc.checked_mul(10)?.checked_add(usize::from(d))
    })
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
                if digits != decimal(s.first + (p - s.pos.start), &mut buf) {
                    return None;
                }
                s.pos.end = p + 1;
            }
            None => {
                let first = canonical_int(digits)?;
                if sets.len() == MAX_CANONICAL_SETS
                    || sets.iter().any(|s| &pool[s.name.clone()] == name)
                {
                    return None;
                }
                sets.push(Set { name: name_range, first, pos: p..p + 1 });
            }
        }
    }
    Some(sets.into_boxed_slice())
}

/// Where keyset `k`'s keys `name@i` are: `None` when the keyset is not canonical (look keys up
/// one by one).
pub(crate) fn set_keys(d: Data<'_>, k: usize, name: &str) -> Option<SetKeys> {
    let sets = d.canon.get(k)?.get_or_init(|| decide(d, k));
    let sets = sets.as_deref()?;
    let pool = d.r.str_bytes.as_slice();
    for s in sets {
        if pool.get(s.name.clone()) == Some(name.as_bytes()) {
            return Some(SetKeys { first: s.first, at: s.pos.clone() });
        }
    }
    Some(SetKeys { first: 0, at: 0..0 })
}
