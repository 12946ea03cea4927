//! One epoch of one architecture on one task: Python's `get_epoch_status` dict, as a view.

use tnb_schema::transnas::{ArchivedBenchmark, ArchivedColumn, ArchivedTask};

use crate::error::QueryError;
use crate::handles::{MetricKey, TaskId, sealed};
use crate::value::{Value, cell};

/// Every metric of a task at one epoch of one architecture (Python: the dict
/// `get_epoch_status(arch, task, epoch)` returns: `'epoch'` first, then each metric of
/// `metrics_dict[task]` in order). Reading it allocates nothing: iterate it or [`get`] one
/// metric.
///
/// [`get`]: EpochStatus::get
#[derive(Clone, Copy)]
pub struct EpochStatus<'a> {
    b: &'a ArchivedBenchmark,
    task: &'a ArchivedTask,
    task_id: TaskId,
    /// Position of the epoch in the task's columns (unused when the task has no metrics).
    at: usize,
    epoch: i64,
    /// The numbers among the first [`INLINE`] metrics (float bits, or ints), read at creation:
    /// one pass of independent reads, which the CPU overlaps, instead of one cache miss at a
    /// time while the caller iterates. Other values are read on access.
    numbers: [u64; INLINE],
    /// The first string value and its metric (TransNAS-Bench-101's `time_elapsed`), kept so
    /// that it is checked as UTF-8 once.
    text: Option<(usize, &'a str)>,
}

/// Metrics whose numbers an [`EpochStatus`] holds (TransNAS-Bench-101 tasks have 7 or 10).
const INLINE: usize = 12;

impl std::fmt::Debug for EpochStatus<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut m = f.debug_map();
        m.entry(&"epoch", &self.epoch);
        for (k, v) in self.iter() {
            m.entry(&k, &v);
        }
        m.finish()
    }
}

impl<'a> EpochStatus<'a> {
    /// The status at column position `at`, with every value read once so that the accessors
    /// cannot fail later.
    pub(crate) fn new(
        b: &'a ArchivedBenchmark,
        task_id: TaskId,
        at: usize,
        epoch: i64,
    ) -> Result<Self, QueryError> {
        let task = b.tasks.get(task_id.index()).ok_or_else(|| QueryError::ForeignHandle)?;
        let mut numbers = [0u64; INLINE];
        let mut text = None;
        for (m, col) in task.columns.iter().enumerate() {
            let slot = numbers.get_mut(m);
            // Numbers need only the bound (open-time checks fixed every column's length);
            // strings and tagged cells are read once to check them.
            let number = match col {
                ArchivedColumn::F32(v) => v.get(at).map(|x| f64::from(x.to_native()).to_bits()),
                ArchivedColumn::F64(v) => v.get(at).map(|x| x.to_native().to_bits()),
                ArchivedColumn::I64(v) => v.get(at).map(|x| x.to_native() as u64),
                _ => {
                    if let (Value::Str(s), None) = (cell(col, b, at)?, text) {
                        text = Some((m, s));
                    }
                    continue;
                }
            };
            match (number, slot) {
                (Some(x), Some(slot)) => *slot = x,
                (Some(_), None) => {}
                (None, _) => {
                    return Err(QueryError::Corrupt("a value index lies outside its column"));
                }
            }
        }
        Ok(EpochStatus { b, task, task_id, at, epoch, numbers, text })
    }

    /// The `'epoch'` entry: the epoch asked for, counted from the start (Python turns a
    /// negative epoch `e` into `total_epochs + e`).
    pub fn epoch(&self) -> i64 {
        self.epoch
    }

    /// The task.
    pub fn task(&self) -> TaskId {
        self.task_id
    }

    /// Number of metrics (the dict has one more entry, `'epoch'`).
    pub fn len(&self) -> usize {
        self.task.columns.len()
    }

    /// Whether the task has no metrics.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of one metric at this epoch.
    pub fn get(&self, metric: impl MetricKey) -> Result<Value<'a>, QueryError> {
        let m = sealed::Metric::metric(metric, self.b, self.task_id)?;
        Ok(self.value(m.index()))
    }

    #[inline]
    fn value(&self, m: usize) -> Value<'a> {
        let number = self.numbers.get(m).copied();
        match (self.task.columns.get(m), number) {
            (Some(ArchivedColumn::F32(_) | ArchivedColumn::F64(_)), Some(x)) => {
                Value::Float(f64::from_bits(x))
            }
            (Some(ArchivedColumn::I64(_)), Some(x)) => Value::Int(x as i64),
            _ if self.text.is_some_and(|(at, _)| at == m) => {
                Value::Str(self.text.map_or("", |(_, s)| s))
            }
            // Every column's cell at `at` was read successfully in `new`, and the bytes cannot
            // change: the fallback is unreachable.
            (Some(c), _) => cell(c, self.b, self.at).unwrap_or(Value::None),
            (None, _) => Value::None,
        }
    }

    /// `(metric name, value)` in `metrics_dict[task]` order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&'a str, Value<'a>)> + '_ {
        let names = self.task.metrics.iter();
        names.enumerate().map(|(m, name)| (name.as_str(), self.value(m)))
    }
}
