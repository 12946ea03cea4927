//! The pickle memo: ids to values, without trusting the ids.

use std::collections::HashMap;

use crate::error::{Error, ErrorKind};
use crate::grow;
use crate::value::Ref;

/// Picklers number memo entries 0, 1, 2, … so a vector indexed by id is the fast path. A hostile
/// pickle can name any id up to 2^32 - 1 (or 2^64 with text opcodes); sizing a vector from such an
/// id would allocate gigabytes from a few bytes of input, so ids far past the end go to a map.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    dense: Vec<Ref>,
    /// Ids far from the vector's end. Picklers never write them (they number 0, 1, 2, …), so
    /// the map holds at most [`MAX_SPARSE`] entries, which keeps a hash table's doubling small
    /// (about 50 MB at worst), and it grows through `try_reserve` (a failure is an error).
    sparse: HashMap<u64, Ref>,
    /// Distinct ids stored: Python's `len(memo)`, which `MEMOIZE` uses as the next id.
    len: u64,
    max: u64,
}

/// Ids at most this far past the dense end still extend the vector (filling the gap), so a
/// pickler that skips a few ids stays on the fast path while each put can add at most this many
/// slots.
const MAX_GAP: u64 = 64;

/// Slots the vector may hold beyond twice the entries stored, whatever the gaps: ids spaced
/// [`MAX_GAP`] apart would otherwise make each 5-byte `LONG_BINPUT` cost 256 bytes of memory.
/// With this rule the vector never exceeds `2 × entries + MIN_DENSE` slots.
const MIN_DENSE: u64 = 1 << 16;

/// Most memo entries whose ids are far from the dense range (stored in the map): 2^20. A
/// pickler numbers its entries densely, so only a hand-made pickle gets here.
pub(crate) const MAX_SPARSE: usize = 1 << 20;

impl Memo {
    pub(crate) fn new(max: u64) -> Self {
        Memo { max, ..Memo::default() }
    }

    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    pub(crate) fn put(&mut self, id: u64, r: Ref, offset: usize) -> Result<(), Error> {
        // Picklers number entries from 0, so an id is below the entry count, itself at most
        // `max`. CPython's memo is an array of twice the largest id (16 bytes per id), so ids far
        // beyond the entry count fail there with a MemoryError on most machines (always above
        // 2^59); tnb refuses them on every machine.
        if id >= self.max {
            return Err(Error::at(offset, ErrorKind::Limit { what: "memo id", limit: self.max }));
        }
        let dense_len = self.dense.len() as u64;
        let is_new;
        if id < dense_len {
            let slot = &mut self.dense[id as usize];
            is_new = *slot == Ref::INVALID;
            *slot = r;
        } else if id - dense_len <= MAX_GAP && id < 2 * self.len + MIN_DENSE {
            // The map is almost always empty; skip hashing then (this runs once per put).
            is_new = self.sparse.is_empty() || self.sparse.remove(&id).is_none();
            grow::reserve(&mut self.dense, (id - dense_len) as usize + 1)?;
            self.dense.resize(id as usize, Ref::INVALID);
            // Ids parked in the map that now fall inside the vector move over: only the gap
            // just opened can hold them (at most MAX_GAP lookups, never a scan of the map,
            // which would make n puts cost n × map size).
            if !self.sparse.is_empty() {
                for k in dense_len..id {
                    if let Some(v) = self.sparse.remove(&k) {
                        self.dense[k as usize] = v;
                    }
                }
            }
            self.dense.push(r);
        } else if let Some(slot) = self.sparse.get_mut(&id) {
            *slot = r;
            is_new = false;
        } else {
            if self.sparse.len() >= MAX_SPARSE {
                return Err(Error::at(
                    offset,
                    ErrorKind::Limit {
                        what: "memo ids far from the ones before (MAX_SPARSE)",
                        limit: MAX_SPARSE as u64,
                    },
                ));
            }
            self.sparse.try_reserve(1).map_err(|_| grow::out_of_memory())?;
            self.sparse.insert(id, r);
            is_new = true;
        }
        if is_new {
            self.len += 1;
            if self.len > self.max {
                return Err(Error::at(
                    offset,
                    ErrorKind::Limit { what: "memo size", limit: self.max },
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn get(&self, id: u64, offset: usize) -> Result<Ref, Error> {
        let found = if id < self.dense.len() as u64 {
            Some(self.dense[id as usize]).filter(|&r| r != Ref::INVALID)
        } else {
            self.sparse.get(&id).copied()
        };
        found.ok_or_else(|| Error::at(offset, ErrorKind::MemoMissing(id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_ids_do_not_allocate_and_gaps_are_missing() {
        assert!(Memo::new(1000).put(1000, Ref::TRUE, 0).is_err(), "an id at the limit");
        let mut m = Memo::new(1 << 40);
        m.put(u64::from(u32::MAX), Ref::TRUE, 0).unwrap();
        assert_eq!(m.dense.len(), 0);
        assert_eq!(m.get(u64::from(u32::MAX), 0).unwrap(), Ref::TRUE);
        m.put(3, Ref::FALSE, 0).unwrap();
        assert_eq!(m.dense.len(), 4);
        assert!(m.get(1, 0).is_err());
        m.put(3, Ref::NONE, 0).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m.get(3, 0).unwrap(), Ref::NONE);
    }

    #[test]
    fn parked_ids_move_into_the_vector() {
        let mut m = Memo::new(1000);
        m.put(100, Ref::TRUE, 0).unwrap();
        m.put(999, Ref::TRUE, 0).unwrap();
        for i in 0..=70 {
            m.put(i, Ref::NONE, 0).unwrap();
        }
        m.put(101, Ref::FALSE, 0).unwrap();
        assert_eq!(m.get(100, 0).unwrap(), Ref::TRUE);
        assert_eq!(m.sparse.len(), 1);
        assert_eq!(m.len(), 74);
        // Sparse ids first, then dense ones: each dense put looks only at the gap it opens.
        let mut m = Memo::new(1 << 40);
        for i in 0..1000u64 {
            m.put(1_000_000 + i * 7, Ref::TRUE, 0).unwrap();
        }
        for i in 0..1000u64 {
            m.put(i, Ref::NONE, 0).unwrap();
        }
        assert_eq!((m.sparse.len(), m.dense.len(), m.len()), (1000, 1000, 2000));
        // Ids 64 apart: the vector stays within twice the entries plus MIN_DENSE.
        let mut m = Memo::new(1 << 40);
        for i in 0..100_000u64 {
            m.put(i * 64, Ref::NONE, 0).unwrap();
        }
        assert!(m.dense.len() as u64 <= 2 * m.len() + MIN_DENSE, "{}", m.dense.len());
        let mut small = Memo::new(2);
        small.put(0, Ref::NONE, 0).unwrap();
        small.put(1, Ref::NONE, 0).unwrap();
        assert!(small.put(5, Ref::NONE, 0).is_err(), "a third entry must hit the limit");
    }

    #[test]
    fn far_ids_are_bounded_at_max_sparse() {
        let mut m = Memo::new(1 << 40);
        let far = |i: u64| (1 << 32) + i * 1000;
        for i in 0..MAX_SPARSE as u64 {
            m.put(far(i), Ref::NONE, 0).unwrap();
        }
        // Replacing a far id is not a new entry; a new one is one too many.
        m.put(far(0), Ref::TRUE, 0).unwrap();
        let e = m.put(far(MAX_SPARSE as u64), Ref::NONE, 7).unwrap_err();
        assert_eq!(e.offset, Some(7));
        assert!(e.to_string().contains("MAX_SPARSE"), "{e}");
        // Dense ids still go in.
        m.put(0, Ref::NONE, 0).unwrap();
    }
}
