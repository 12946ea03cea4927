//! The few reads every query is made of: an arch's epoch span in a task, a precomputed best
//! epoch, a value. Each index read from the archive is checked here (a crafted archive gets a
//! [`QueryError::Corrupt`], never a panic); the open-time checks make these checks always pass
//! on archives tnb wrote, so they cost a predictable branch each.

use tnb_schema::transnas::codes::{BEST_EMPTY, BEST_INCOMPARABLE};
use tnb_schema::transnas::{ArchivedBenchmark, ArchivedTask};

use crate::error::{NoBest, QueryError};
use crate::value::{Value, cell};

pub(crate) const CORRUPT_OFFSETS: QueryError =
    QueryError::Corrupt("an epoch offset or column is missing");
pub(crate) const CORRUPT_BEST: QueryError =
    QueryError::Corrupt("a precomputed best epoch lies outside its metric list");
pub(crate) const CORRUPT_RANKING: QueryError =
    QueryError::Corrupt("a ranking names a missing architecture");

/// Number of architectures (open-time checks guarantee at least one offset).
#[inline]
pub(crate) fn arch_count(b: &ArchivedBenchmark) -> usize {
    b.arch_offsets.len().saturating_sub(1)
}

/// Where arch `a`'s values of `task` sit in the task's columns: `start..end`, whose length is
/// its `total_epochs`.
#[inline]
pub(crate) fn span(task: &ArchivedTask, a: usize) -> Result<(usize, usize), QueryError> {
    match (task.offsets.get(a), task.offsets.get(a.wrapping_add(1))) {
        (Some(s), Some(e)) => {
            let (s, e) = (s.to_native() as usize, e.to_native() as usize);
            Ok((s, e.max(s)))
        }
        _ => Err(CORRUPT_OFFSETS),
    }
}

/// The first epoch where arch `a`'s list of metric `m` reaches Python's `max()`, given the
/// list's length; the error says why `max()` raises.
#[inline]
pub(crate) fn best_epoch(
    b: &ArchivedBenchmark,
    task: &ArchivedTask,
    m: usize,
    a: usize,
    len: usize,
) -> Result<usize, QueryError> {
    let at = m.wrapping_mul(arch_count(b)).wrapping_add(a);
    let e = task.best.get(at).ok_or_else(|| CORRUPT_BEST)?.to_native();
    if (e as usize) < len {
        return Ok(e as usize);
    }
    Err(match e {
        BEST_EMPTY if len == 0 => QueryError::NoBest(NoBest::Empty),
        BEST_INCOMPARABLE => QueryError::NoBest(NoBest::Incomparable),
        _ => CORRUPT_BEST,
    })
}

/// Arch `a`'s best epoch of metric `m` and the value there.
#[inline]
pub(crate) fn best<'a>(
    b: &'a ArchivedBenchmark,
    task: &'a ArchivedTask,
    m: usize,
    a: usize,
) -> Result<(usize, Value<'a>), QueryError> {
    let (s, e) = span(task, a)?;
    let epoch = best_epoch(b, task, m, a, e - s)?;
    let col = task.columns.get(m).ok_or_else(|| CORRUPT_OFFSETS)?;
    Ok((epoch, cell(col, b, s + epoch)?))
}
