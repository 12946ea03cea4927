//! Iterators the queries return: architectures, a metric's values over epochs, a ranking.
//! None allocates; each borrows the archive.

use std::ops::Range;

use tnb_schema::transnas::{ArchivedBenchmark, ArchivedColumn};

use crate::access;
use crate::error::QueryError;
use crate::handles::ArchId;
use crate::value::{Value, cell};

/// Architectures in file order: all of them ([`crate::Store::archs`]) or one search space's
/// ([`crate::Store::arch_list`]). Python: the lists of `all_arch_dict`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Archs {
    pub(crate) range: Range<u32>,
}

impl Archs {
    /// The `i`-th arch of the list.
    pub fn get(&self, i: usize) -> Option<ArchId> {
        let i = u32::try_from(i).ok()?;
        let a = self.range.start.checked_add(i)?;
        (a < self.range.end).then_some(ArchId(a))
    }

    /// Whether `arch` is in the list.
    pub fn contains(&self, arch: ArchId) -> bool {
        self.range.contains(&arch.0)
    }
}

impl Iterator for Archs {
    type Item = ArchId;

    #[inline]
    fn next(&mut self) -> Option<ArchId> {
        self.range.next().map(ArchId)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }

    fn nth(&mut self, n: usize) -> Option<ArchId> {
        self.range.nth(n).map(ArchId)
    }
}

impl DoubleEndedIterator for Archs {
    fn next_back(&mut self) -> Option<ArchId> {
        self.range.next_back().map(ArchId)
    }
}

impl ExactSizeIterator for Archs {}

/// One architecture's values of one metric, epoch by epoch (Python:
/// `get_single_metric(arch, task, metric, mode='list')`). Each value keeps its Python type.
#[derive(Clone)]
pub struct Values<'a> {
    col: &'a ArchivedColumn,
    b: &'a ArchivedBenchmark,
    range: Range<usize>,
}

impl std::fmt::Debug for Values<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

impl<'a> Values<'a> {
    /// The values `range` of `col`, checked once here so that iterating cannot fail: numbers
    /// need no check (open-time checks fixed every column's length), strings and tagged cells
    /// are read once each (a list is at most a few dozen epochs).
    pub(crate) fn new(
        col: &'a ArchivedColumn,
        b: &'a ArchivedBenchmark,
        range: Range<usize>,
    ) -> Result<Self, QueryError> {
        let numbers_in_range = match col {
            ArchivedColumn::F32(v) => range.end <= v.len(),
            ArchivedColumn::F64(v) => range.end <= v.len(),
            ArchivedColumn::I64(v) => range.end <= v.len(),
            _ => false,
        };
        if !numbers_in_range {
            for i in range.clone() {
                cell(col, b, i)?;
            }
        }
        Ok(Values { col, b, range })
    }

    /// The value at position `i` (0 = first epoch).
    pub fn get(&self, i: usize) -> Option<Value<'a>> {
        let at = self.range.start.checked_add(i).filter(|&at| at < self.range.end)?;
        cell(self.col, self.b, at).ok()
    }

    #[inline]
    fn read(&self, at: usize) -> Value<'a> {
        // Every cell of the range was read successfully in `new`, and the bytes cannot change:
        // the fallback is unreachable.
        cell(self.col, self.b, at).unwrap_or(Value::None)
    }
}

impl<'a> Iterator for Values<'a> {
    type Item = Value<'a>;

    #[inline]
    fn next(&mut self) -> Option<Value<'a>> {
        let at = self.range.next()?;
        Some(self.read(at))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl DoubleEndedIterator for Values<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let at = self.range.next_back()?;
        Some(self.read(at))
    }
}

impl ExactSizeIterator for Values<'_> {}

/// The architectures of one search space, best first, with their best values (Python:
/// `get_best_archs(task, metric, search_space, topk)` before the `[:topk]` cut: take what you
/// need with [`Iterator::take`], or [`crate::python::slice_stop`] for Python's slice rules).
///
/// The order was computed at conversion with Python's own sort, so it is exactly Python's:
/// by best value descending, ties broken by arch string descending, NaNs where CPython's
/// `sorted` leaves them. Items are `Result`s because each entry is read (and checked) only
/// when reached, which keeps a top-k query O(k).
#[derive(Clone)]
pub struct Ranking<'a> {
    pub(crate) b: &'a ArchivedBenchmark,
    pub(crate) task: usize,
    pub(crate) metric: usize,
    pub(crate) ids: &'a [rkyv::rend::u32_le],
    /// The archs of the ranked space: an entry outside it (a crafted archive) is an error,
    /// never another space's arch.
    pub(crate) space: std::ops::Range<usize>,
}

impl std::fmt::Debug for Ranking<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ranking({} archs)", self.ids.len())
    }
}

impl<'a> Ranking<'a> {
    /// The ranking cut as Python's `[:topk]` cuts it: the first `topk`, all but the last
    /// `-topk` when negative, everything when `topk` is past the end (Python:
    /// `get_best_archs(..., topk)`).
    pub fn topk(mut self, topk: i64) -> Ranking<'a> {
        let keep = crate::python::slice_stop(Some(topk), self.ids.len());
        self.ids = self.ids.get(..keep).unwrap_or(self.ids);
        self
    }

    fn entry(&self, id: u32) -> Result<(Value<'a>, ArchId), QueryError> {
        let b = self.b;
        let task = b.tasks.get(self.task).ok_or_else(|| access::CORRUPT_RANKING)?;
        let a = id as usize;
        // The space lies within the archs (its starts are checked at open), so this also
        // refuses an id past the arch count.
        if !self.space.contains(&a) {
            return Err(access::CORRUPT_RANKING);
        }
        let (_, value) = access::best(b, task, self.metric, a)?;
        Ok((value, ArchId(id)))
    }
}

impl<'a> Iterator for Ranking<'a> {
    type Item = Result<(Value<'a>, ArchId), QueryError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let (first, rest) = self.ids.split_first()?;
        self.ids = rest;
        Some(self.entry(first.to_native()))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.ids.len(), Some(self.ids.len()))
    }

    fn nth(&mut self, n: usize) -> Option<Self::Item> {
        self.ids = self.ids.get(n..).unwrap_or(&[]);
        self.next()
    }
}

impl DoubleEndedIterator for Ranking<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let (last, rest) = self.ids.split_last()?;
        self.ids = rest;
        Some(self.entry(last.to_native()))
    }
}

impl ExactSizeIterator for Ranking<'_> {}
