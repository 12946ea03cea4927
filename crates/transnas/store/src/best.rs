//! Best values of float metrics, gathered into one dense array per (task, metric) the first
//! time that metric's best value is asked for.
//!
//! The archive stores each arch's best *epoch*; reading the best *value* then takes three
//! scattered reads (the arch's epoch offset, its best epoch, the value in a column of
//! `archs × epochs` floats, 0.7 MB for a real task, beyond a core's L2 cache). A search loop asks
//! one metric for many architectures, so the first request of a metric gathers its best values
//! (one pass, about 0.1 ms for the real benchmark), and every later one is a single read from
//! an array of `archs` floats (57 KB). The arrays hold exactly the values the columns hold;
//! a metric whose best is not a float for every arch (strings, ints, empty lists) is not
//! gathered and is always read from the columns.

use std::sync::OnceLock;

use tnb_schema::transnas::{ArchivedBenchmark, ArchivedColumn};

use crate::access;
use crate::value::Value;

/// The gathered best values, one lazily filled slot per (task, metric).
#[derive(Debug, Default)]
pub(crate) struct BestCache {
    /// `tasks + 1` offsets: task `t`'s metrics own `slots[base[t]..base[t + 1]]`.
    base: Box<[usize]>,
    /// Per metric: filled on first use.
    slots: Box<[OnceLock<Gathered>]>,
}

/// The bits of every arch's best value, or `None` if not all are floats.
type Gathered = Option<Box<[u64]>>;

impl BestCache {
    /// Empty slots for every metric of `b`.
    pub(crate) fn new(b: &ArchivedBenchmark) -> BestCache {
        let mut base = Vec::with_capacity(b.tasks.len() + 1);
        let mut total = 0usize;
        base.push(0);
        for t in b.tasks.iter() {
            total = total.saturating_add(t.metrics.len());
            base.push(total);
        }
        BestCache { base: base.into(), slots: (0..total).map(|_| OnceLock::new()).collect() }
    }

    /// The best values of metric `m` of task `t` (by arch index), gathering them on first use;
    /// `None` when they are not all floats (or `t`, `m` are out of range).
    #[inline]
    pub(crate) fn get(&self, b: &ArchivedBenchmark, t: usize, m: usize) -> Option<&[u64]> {
        let (start, end) = (*self.base.get(t)?, *self.base.get(t.wrapping_add(1))?);
        let at = start.checked_add(m).filter(|&at| at < end)?;
        self.slots.get(at)?.get_or_init(|| gather(b, t, m)).as_deref()
    }
}

/// Every arch's best value of metric `m` of task `t`, if each is a float.
#[cold]
fn gather(b: &ArchivedBenchmark, t: usize, m: usize) -> Option<Box<[u64]>> {
    let task = b.tasks.get(t)?;
    if !matches!(task.columns.get(m)?, ArchivedColumn::F32(_) | ArchivedColumn::F64(_)) {
        return None;
    }
    (0..access::arch_count(b))
        .map(|a| match access::best(b, task, m, a) {
            Ok((_, Value::Float(x))) => Some(x.to_bits()),
            _ => None,
        })
        .collect()
}
