//! The pickle memo: ids to values, without trusting the ids.

use std::collections::HashMap;

use crate::error::{Error, ErrorKind};
use crate::value::Ref;

/// Picklers number memo entries 0, 1, 2, … so a vector indexed by id is the fast path. A hostile
/// pickle can name any id up to 2^32 - 1 (or 2^64 with text opcodes); sizing a vector from such an
/// id would allocate gigabytes from a few bytes of input, so ids far past the end go to a map.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    dense: Vec<Ref>,
    sparse: HashMap<u64, Ref>,
    /// Distinct ids stored: Python's `len(memo)`, which `MEMOIZE` uses as the next id.
    len: u64,
    max: u64,
}

/// Ids at most this far past the dense end still extend the vector (filling the gap), so a
/// pickler that skips a few ids stays on the fast path while each put can add at most this many
/// slots.
const MAX_GAP: u64 = 64;

impl Memo {
    pub(crate) fn new(max: u64) -> Self {
        Memo { max, ..Memo::default() }
    }

    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    pub(crate) fn put(&mut self, id: u64, r: Ref, offset: usize) -> Result<(), Error> {
        let dense_len = self.dense.len() as u64;
        let is_new;
        if id < dense_len {
            let slot = &mut self.dense[id as usize];
            is_new = *slot == Ref::INVALID;
            *slot = r;
        } else if id - dense_len <= MAX_GAP {
            // The map is almost always empty; skip hashing then (this runs once per put).
            is_new = self.sparse.is_empty() || self.sparse.remove(&id).is_none();
            self.dense.resize(id as usize, Ref::INVALID);
            self.dense.push(r);
            // Ids parked in the map that now fall inside the vector move over.
            if !self.sparse.is_empty() {
                let end = self.dense.len() as u64;
                let moved: Vec<u64> = self.sparse.keys().copied().filter(|&k| k < end).collect();
                for k in moved {
                    if let Some(v) = self.sparse.remove(&k) {
                        self.dense[k as usize] = v;
                    }
                }
            }
        } else {
            is_new = self.sparse.insert(id, r).is_none();
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
        let mut m = Memo::new(1000);
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
        for i in 0..=70 {
            m.put(i, Ref::NONE, 0).unwrap();
        }
        m.put(101, Ref::FALSE, 0).unwrap();
        assert_eq!(m.get(100, 0).unwrap(), Ref::TRUE);
        assert!(m.sparse.is_empty());
        assert_eq!(m.len(), 73);
        let mut small = Memo::new(2);
        small.put(0, Ref::NONE, 0).unwrap();
        small.put(9999, Ref::NONE, 0).unwrap();
        assert!(small.put(5, Ref::NONE, 0).is_err(), "a third entry must hit the limit");
    }
}
