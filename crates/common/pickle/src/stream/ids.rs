//! Memo ids as bits: which ids were stored, and (pass 1) which ones a later get reads.
//!
//! A pickler numbers its memo 0, 1, 2, …, so a bitmap indexed by id costs an eighth of a byte
//! per entry (16 MB for NAS-Bench-201 v1_1's 130 million). A hostile pickle can name any id: a
//! bitmap sized from one would turn five bytes of input into hundreds of megabytes, so ids far
//! past the stored count go to a small map instead, as in the arena's memo.

use std::collections::HashMap;

use crate::error::{Error, ErrorKind};
use crate::grow;

/// Ids up to this far past twice the stored count extend the bitmap; others are sparse.
const DENSE_SLACK: u64 = 1 << 20;

/// Most sparse ids (picklers never write them; 2^20 map entries stay within about 40 MB).
pub(crate) const MAX_SPARSE: usize = 1 << 20;

/// Bit 0: stored; bit 1: read by a later get (pass 1).
const PUT: u8 = 1;
const GOT: u8 = 2;

#[derive(Debug, Default)]
pub(crate) struct Ids {
    put: Vec<u64>,
    got: Vec<u64>,
    sparse: HashMap<u64, u8>,
    /// Distinct ids stored: Python's `len(memo)`, the id `MEMOIZE` gives.
    len: u64,
    /// Ids must be below this (the `max_memo_id` limit).
    max: u64,
    /// Whether get bits are kept (pass 1).
    track_gets: bool,
}

impl Ids {
    pub(crate) fn new(max: u64, track_gets: bool) -> Self {
        Ids { max, track_gets, ..Ids::default() }
    }

    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    fn dense_bits(&self) -> u64 {
        self.put.len() as u64 * 64
    }

    /// Records that `id` was stored; returns whether it is new.
    pub(crate) fn put(&mut self, id: u64, at: u64) -> Result<(), Error> {
        if id >= self.max {
            return Err(Error {
                offset: Some(at),
                kind: ErrorKind::Limit { what: "memo id (MAX_MEMO_ID)", limit: self.max },
            });
        }
        if id >= self.dense_bits() && id < self.len.saturating_mul(2) + DENSE_SLACK {
            let words = (id / 64 + 1) as usize;
            let grow_to = words.max(self.put.len() * 2).min(self.max.div_ceil(64) as usize);
            let extra = grow_to - self.put.len();
            grow::reserve(&mut self.put, extra)?;
            self.put.resize(grow_to, 0);
            if self.track_gets {
                grow::reserve(&mut self.got, extra)?;
                self.got.resize(grow_to, 0);
            }
            // Sparse ids now inside the bitmap move over (only a hand-made pickle has any).
            if !self.sparse.is_empty() {
                let lo = self.dense_bits();
                let moved: Vec<(u64, u8)> =
                    self.sparse.iter().filter(|(k, _)| **k < lo).map(|(k, v)| (*k, *v)).collect();
                for (k, v) in moved {
                    self.sparse.remove(&k);
                    self.set_dense(k, v);
                }
            }
        }
        let new = if id < self.dense_bits() {
            let (w, b) = ((id / 64) as usize, id % 64);
            let new = self.put[w] & (1 << b) == 0;
            self.put[w] |= 1 << b;
            new
        } else {
            match self.sparse.get_mut(&id) {
                Some(f) => {
                    let new = *f & PUT == 0;
                    *f |= PUT;
                    new
                }
                None => {
                    if self.sparse.len() >= MAX_SPARSE {
                        return Err(Error {
                            offset: Some(at),
                            kind: ErrorKind::Limit {
                                what: "memo ids far from the stored count",
                                limit: MAX_SPARSE as u64,
                            },
                        });
                    }
                    self.sparse.try_reserve(1).map_err(|_| grow::out_of_memory())?;
                    self.sparse.insert(id, PUT);
                    true
                }
            }
        };
        if new {
            self.len += 1;
        }
        Ok(())
    }

    fn set_dense(&mut self, id: u64, flags: u8) {
        let (w, b) = ((id / 64) as usize, id % 64);
        if flags & PUT != 0 {
            self.put[w] |= 1 << b;
        }
        if flags & GOT != 0 && self.track_gets {
            self.got[w] |= 1 << b;
        }
    }

    /// Whether `id` was stored.
    pub(crate) fn is_put(&self, id: u64) -> bool {
        if id < self.dense_bits() {
            self.put[(id / 64) as usize] & (1 << (id % 64)) != 0
        } else {
            self.sparse.get(&id).is_some_and(|f| f & PUT != 0)
        }
    }

    /// Pass 1: records that a get reads `id`; an id never stored is the reader's error.
    pub(crate) fn get(&mut self, id: u64, at: u64) -> Result<(), Error> {
        if !self.is_put(id) {
            return Err(Error { offset: Some(at), kind: ErrorKind::MemoMissing(id) });
        }
        if id < self.dense_bits() {
            self.got[(id / 64) as usize] |= 1 << (id % 64);
        } else if let Some(f) = self.sparse.get_mut(&id) {
            *f |= GOT;
        }
        Ok(())
    }

    /// Whether a get reads `id` (after pass 1).
    #[inline]
    pub(crate) fn is_got(&self, id: u64) -> bool {
        if id < self.got.len() as u64 * 64 {
            self.got[(id / 64) as usize] & (1 << (id % 64)) != 0
        } else {
            self.sparse.get(&id).is_some_and(|f| f & GOT != 0)
        }
    }

    /// Ids a get reads.
    pub(crate) fn got_count(&self) -> u64 {
        let dense: u64 = self.got.iter().map(|w| u64::from(w.count_ones())).sum();
        dense + self.sparse.values().filter(|f| **f & GOT != 0).count() as u64
    }

    /// Drops the stored bits (pass 1 keeps only the get bits for pass 2).
    pub(crate) fn into_gets(mut self) -> Ids {
        self.put = Vec::new();
        self.sparse.retain(|_, f| *f & GOT != 0);
        self.len = 0;
        self
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> u64 {
        ((self.put.capacity() + self.got.capacity()) * 8 + self.sparse.capacity() * 24) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_ids_move_into_the_bitmap_when_it_grows_past_them_and_only_those() {
        let mut ids = Ids::new(1 << 31, true);
        // Nothing stored yet: ids at or past DENSE_SLACK are sparse.
        let near = DENSE_SLACK + 24;
        let far = DENSE_SLACK + 1000;
        ids.put(near, 0).unwrap();
        ids.get(near, 1).unwrap();
        ids.put(far, 2).unwrap();
        ids.put(far, 3).unwrap();
        assert_eq!((ids.dense_bits(), ids.sparse.len(), ids.len()), (0, 2, 2));
        // Two stored: an id below 2 * 2 + DENSE_SLACK grows the bitmap to the word holding it,
        // DENSE_SLACK + 64 bits: past `near` (which moves in, with its get bit), not `far`.
        ids.put(DENSE_SLACK + 1, 4).unwrap();
        assert_eq!(ids.dense_bits(), DENSE_SLACK + 64);
        assert_eq!(ids.sparse.keys().copied().collect::<Vec<_>>(), [far]);
        assert!(ids.is_put(near) && ids.is_got(near));
        assert!(ids.is_put(far) && !ids.is_got(far));
        assert!(ids.is_put(DENSE_SLACK + 1) && !ids.is_put(DENSE_SLACK + 2));
        assert_eq!((ids.len(), ids.got_count()), (3, 1));
        // Stored again: not counted again, wherever it is kept.
        ids.put(near, 5).unwrap();
        ids.put(far, 6).unwrap();
        assert_eq!(ids.len(), 3);
        // A get of an id never stored is the reader's error, at its offset.
        let e = ids.get(DENSE_SLACK + 2, 7).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::MemoMissing(id) if id == DENSE_SLACK + 2));
        assert_eq!(e.offset, Some(7));
        // Pass 2 keeps only what a get reads.
        let gets = ids.into_gets();
        assert!(gets.is_got(near) && !gets.is_got(far) && !gets.is_got(DENSE_SLACK + 1));
        assert_eq!((gets.len(), gets.sparse.len()), (0, 0));
    }
}
