//! The validated root and the cell section ([`Data`]), and the bounds-checked reads every view
//! is built on: a string by id, a column range. Below both the views (`view`) and the canonical
//! keyset cache (`canon`), which each read through it.

use rkyv::rend::u32_le;
use tnb_schema::nb201::{ArchivedNb201, str_hash};

use crate::R;
use crate::error::Corrupt;

/// The validated root and the cell section.
#[derive(Clone, Copy)]
pub(crate) struct Data<'a> {
    pub(crate) r: &'a ArchivedNb201,
    pub(crate) cells: &'a [u8],
    /// Per keyset, whether it is canonical (see [`crate::canon`]), once asked.
    pub(crate) canon: &'a crate::canon::Cache,
}

impl std::fmt::Debug for Data<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Data({} cells)", self.cells.len() / 8)
    }
}

pub(crate) const BAD_STR: Corrupt = Corrupt("a string id or offset is out of range, or not UTF-8");
pub(crate) const BAD_RUN: Corrupt = Corrupt("a run's columns are out of range");

#[inline]
pub(crate) fn range(v: &[u32_le], i: usize, len: usize) -> R<(usize, usize)> {
    // Bounded by the indexed column's length too: a count read from a crafted offsets column
    // (e.g. `run_count`) can then never promise more items than the archive holds, so a caller
    // looping over it stays linear in the archive's size.
    match (v.get(i), v.get(i + 1)) {
        (Some(s), Some(e)) if s.to_native() <= e.to_native() && e.to_native() as usize <= len => {
            Ok((s.to_native() as usize, e.to_native() as usize))
        }
        _ => Err(Corrupt("an offsets column is out of range or not increasing")),
    }
}

impl<'a> Data<'a> {
    #[inline]
    pub(crate) fn string_bytes(self, id: u32) -> R<&'a [u8]> {
        let (s, e) = range(self.r.str_offsets.as_slice(), id as usize, self.r.str_bytes.len())
            .map_err(|_| BAD_STR)?;
        self.r.str_bytes.get(s..e).ok_or(BAD_STR)
    }

    #[inline]
    pub(crate) fn string(self, id: u32) -> R<&'a str> {
        std::str::from_utf8(self.string_bytes(id)?).map_err(|_| BAD_STR)
    }

    /// The pool id of `s`, if the pool holds it.
    #[inline]
    pub(crate) fn pool_id(self, s: &[u8]) -> R<Option<u32>> {
        let slots = self.r.str_slots.as_slice();
        let mask = slots.len() - 1;
        let mut i = str_hash(s) as usize & mask;
        for _ in 0..slots.len() {
            let v = slots[i].to_native();
            if v == 0 {
                return Ok(None);
            }
            if self.string_bytes(v - 1)? == s {
                return Ok(Some(v - 1));
            }
            i = (i + 1) & mask;
        }
        Ok(None)
    }

    #[inline]
    pub(crate) fn cell(self, i: u64) -> R<u64> {
        let at = usize::try_from(i).ok().and_then(|i| i.checked_mul(8));
        let b = at.and_then(|a| self.cells.get(a..a.checked_add(8)?));
        let b = b.ok_or(Corrupt("a series lies outside the cells"))?;
        let mut x = [0u8; 8];
        x.copy_from_slice(b);
        Ok(u64::from_le_bytes(x))
    }

    /// The record of hp item `j` of entry `e`, if both are in range.
    #[inline]
    pub(crate) fn record(self, e: usize, j: usize) -> R<Option<usize>> {
        if e >= self.r.entry_keys.len() {
            return Ok(None);
        }
        let (s, end) = range(self.r.entry_recs.as_slice(), e, self.r.rec_hp.len())?;
        Ok(s.checked_add(j).filter(|&rec| rec < end))
    }

    /// The record of entry `e` whose hp key is pool string `id`, if there.
    #[inline]
    pub(crate) fn record_of(self, e: usize, id: u32) -> R<Option<usize>> {
        let (s, end) = range(self.r.entry_recs.as_slice(), e, self.r.rec_hp.len())?;
        let hps = self.r.rec_hp.get(s..end).ok_or(Corrupt("an hp record is out of range"))?;
        Ok(hps.iter().position(|h| h.to_native() == id).map(|j| s + j))
    }

    #[inline]
    pub(crate) fn entry(self, key: i64) -> R<Option<usize>> {
        let Ok(k) = usize::try_from(key) else { return Ok(None) };
        match self.r.key_slots.get(k).map(|s| s.to_native()) {
            None | Some(0) => Ok(None),
            Some(s) if (s as usize) <= self.r.entry_keys.len() => Ok(Some(s as usize - 1)),
            Some(_) => Err(Corrupt("an arch key slot is out of range")),
        }
    }
}
