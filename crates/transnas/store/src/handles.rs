//! Typed handles: names resolved once to small integers, so that hot loops skip every lookup.
//!
//! Every query takes its architecture, task, metric, info and search space through a *key*
//! trait ([`ArchKey`], [`TaskKey`], [`MetricKey`], [`InfoKey`], [`SpaceKey`]), implemented both
//! for names (`&str`, `&String`: resolved on each call, as Python does) and for handles (checked
//! with one comparison). Handles are plain indexes valid for the store that made them; one from
//! another store is refused when out of range and otherwise names whatever sits at its index.

use tnb_schema::transnas::ArchivedBenchmark;

use crate::error::QueryError;
use crate::names;

/// An architecture, by its index in file order (all archs of the first search space, then the
/// next...). Python's `arch2index` is [`ArchId::index`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArchId(pub(crate) u32);

impl ArchId {
    /// The index in file order (Python: `arch2index(arch)`).
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A task, by its position in `task_list`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub(crate) u32);

impl TaskId {
    /// The position in `task_list`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A metric of one task: the task and the metric's position in `metrics_dict[task]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MetricId {
    pub(crate) task: u32,
    pub(crate) metric: u32,
}

impl MetricId {
    /// The task this metric belongs to.
    pub fn task(self) -> TaskId {
        TaskId(self.task)
    }

    /// The position in `metrics_dict[task]`.
    pub fn index(self) -> usize {
        self.metric as usize
    }
}

/// A `model_info` entry, by its position in `info_names`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InfoId(pub(crate) u32);

impl InfoId {
    /// The position in `info_names`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A search space, by its position in `search_spaces` (the keys of `data`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpaceId(pub(crate) u32);

impl SpaceId {
    /// The position in `search_spaces`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The resolution step behind the key traits. Private, so that the set of key types is closed
/// (and the archived types stay out of the public API).
pub(crate) mod sealed {
    use super::*;

    pub trait Arch: Sized {
        fn arch(self, b: &ArchivedBenchmark) -> Result<ArchId, QueryError>;
        /// The index, range-checked only for names: a handle's index is checked by the reads
        /// that use it (hot paths), which then report a foreign handle.
        #[inline]
        fn arch_unchecked(self, b: &ArchivedBenchmark) -> Result<usize, QueryError> {
            self.arch(b).map(ArchId::index)
        }
    }
    pub trait Task: Sized {
        fn task(self, b: &ArchivedBenchmark) -> Result<TaskId, QueryError>;
        /// See [`Arch::arch_unchecked`].
        #[inline]
        fn task_unchecked(self, b: &ArchivedBenchmark) -> Result<TaskId, QueryError> {
            self.task(b)
        }
    }
    pub trait Metric: Sized {
        fn metric(self, b: &ArchivedBenchmark, task: TaskId) -> Result<MetricId, QueryError>;
        /// See [`Arch::arch_unchecked`] (a handle's task is still compared).
        #[inline]
        fn metric_unchecked(
            self,
            b: &ArchivedBenchmark,
            task: TaskId,
        ) -> Result<MetricId, QueryError> {
            self.metric(b, task)
        }
    }
    pub trait Info {
        fn info(self, b: &ArchivedBenchmark) -> Result<InfoId, QueryError>;
    }
    pub trait Space {
        fn space(self, b: &ArchivedBenchmark) -> Result<SpaceId, QueryError>;
    }
}

/// Something that names an architecture: an [`ArchId`] or the arch string.
pub trait ArchKey: sealed::Arch + Copy {}
/// Something that names a task: a [`TaskId`] or the task's name.
pub trait TaskKey: sealed::Task + Copy {}
/// Something that names a metric of a task: a [`MetricId`] (which must belong to that task) or
/// the metric's name.
pub trait MetricKey: sealed::Metric + Copy {}
/// Something that names a `model_info` entry: an [`InfoId`] or the info name.
pub trait InfoKey: sealed::Info + Copy {}
/// Something that names a search space: a [`SpaceId`] or the space's name.
pub trait SpaceKey: sealed::Space + Copy {}

const FOREIGN: QueryError = QueryError::ForeignHandle;

fn arch_count(b: &ArchivedBenchmark) -> usize {
    b.arch_offsets.len().saturating_sub(1)
}

impl sealed::Arch for ArchId {
    #[inline]
    fn arch(self, b: &ArchivedBenchmark) -> Result<ArchId, QueryError> {
        if (self.0 as usize) < arch_count(b) { Ok(self) } else { Err(FOREIGN) }
    }
    #[inline]
    fn arch_unchecked(self, _: &ArchivedBenchmark) -> Result<usize, QueryError> {
        Ok(self.index())
    }
}

impl sealed::Arch for &str {
    #[inline]
    fn arch(self, b: &ArchivedBenchmark) -> Result<ArchId, QueryError> {
        names::arch_index(b, self)
            .map(|a| ArchId(a as u32))
            .ok_or_else(|| QueryError::UnknownArch(self.to_owned()))
    }
}

impl sealed::Task for TaskId {
    #[inline]
    fn task(self, b: &ArchivedBenchmark) -> Result<TaskId, QueryError> {
        if (self.0 as usize) < b.tasks.len() { Ok(self) } else { Err(FOREIGN) }
    }
    #[inline]
    fn task_unchecked(self, _: &ArchivedBenchmark) -> Result<TaskId, QueryError> {
        Ok(self)
    }
}

impl sealed::Task for &str {
    #[inline]
    fn task(self, b: &ArchivedBenchmark) -> Result<TaskId, QueryError> {
        names::task_index(b, self)
            .map(|t| TaskId(t as u32))
            .ok_or_else(|| QueryError::UnknownTask(self.to_owned()))
    }
}

impl sealed::Metric for MetricId {
    #[inline]
    fn metric(self, b: &ArchivedBenchmark, task: TaskId) -> Result<MetricId, QueryError> {
        if self.task != task.0 {
            return Err(QueryError::MetricOfAnotherTask);
        }
        match b.tasks.get(task.0 as usize) {
            Some(t) if (self.metric as usize) < t.metrics.len() => Ok(self),
            _ => Err(FOREIGN),
        }
    }
    #[inline]
    fn metric_unchecked(self, _: &ArchivedBenchmark, task: TaskId) -> Result<MetricId, QueryError> {
        if self.task != task.0 {
            return Err(QueryError::MetricOfAnotherTask);
        }
        Ok(self)
    }
}

impl sealed::Metric for &str {
    #[inline]
    fn metric(self, b: &ArchivedBenchmark, task: TaskId) -> Result<MetricId, QueryError> {
        let t = b.tasks.get(task.0 as usize).ok_or_else(|| FOREIGN)?;
        match names::position(t.metrics.as_slice(), self) {
            Some(m) => Ok(MetricId { task: task.0, metric: m as u32 }),
            None => Err(QueryError::UnknownMetric {
                task: t.name.as_str().to_owned(),
                metric: self.to_owned(),
            }),
        }
    }
}

impl sealed::Info for InfoId {
    #[inline]
    fn info(self, b: &ArchivedBenchmark) -> Result<InfoId, QueryError> {
        if (self.0 as usize) < b.info_names.len() { Ok(self) } else { Err(FOREIGN) }
    }
}

impl sealed::Info for &str {
    #[inline]
    fn info(self, b: &ArchivedBenchmark) -> Result<InfoId, QueryError> {
        names::position(b.info_names.as_slice(), self)
            .map(|i| InfoId(i as u32))
            .ok_or_else(|| QueryError::UnknownInfo(self.to_owned()))
    }
}

impl sealed::Space for SpaceId {
    #[inline]
    fn space(self, b: &ArchivedBenchmark) -> Result<SpaceId, QueryError> {
        if (self.0 as usize) < b.space_names.len() { Ok(self) } else { Err(FOREIGN) }
    }
}

impl sealed::Space for &str {
    #[inline]
    fn space(self, b: &ArchivedBenchmark) -> Result<SpaceId, QueryError> {
        names::position(b.space_names.as_slice(), self)
            .map(|s| SpaceId(s as u32))
            .ok_or_else(|| QueryError::UnknownSpace(self.to_owned()))
    }
}

// `&String` resolves like `&str`.
impl sealed::Arch for &String {
    #[inline]
    fn arch(self, b: &ArchivedBenchmark) -> Result<ArchId, QueryError> {
        sealed::Arch::arch(self.as_str(), b)
    }
}
impl sealed::Task for &String {
    #[inline]
    fn task(self, b: &ArchivedBenchmark) -> Result<TaskId, QueryError> {
        sealed::Task::task(self.as_str(), b)
    }
}
impl sealed::Metric for &String {
    #[inline]
    fn metric(self, b: &ArchivedBenchmark, task: TaskId) -> Result<MetricId, QueryError> {
        sealed::Metric::metric(self.as_str(), b, task)
    }
}
impl sealed::Info for &String {
    #[inline]
    fn info(self, b: &ArchivedBenchmark) -> Result<InfoId, QueryError> {
        sealed::Info::info(self.as_str(), b)
    }
}
impl sealed::Space for &String {
    #[inline]
    fn space(self, b: &ArchivedBenchmark) -> Result<SpaceId, QueryError> {
        sealed::Space::space(self.as_str(), b)
    }
}

impl ArchKey for ArchId {}
impl ArchKey for &str {}
impl ArchKey for &String {}
impl TaskKey for TaskId {}
impl TaskKey for &str {}
impl TaskKey for &String {}
impl MetricKey for MetricId {}
impl MetricKey for &str {}
impl MetricKey for &String {}
impl InfoKey for InfoId {}
impl InfoKey for &str {}
impl InfoKey for &String {}
impl SpaceKey for SpaceId {}
impl SpaceKey for &str {}
impl SpaceKey for &String {}
