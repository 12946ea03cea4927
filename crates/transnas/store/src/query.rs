//! The official Python API (`TransNASBenchAPI`), method by method, with the same answers.
//!
//! Each method's doc names the Python method it answers for. Arguments are keys: names (as in
//! Python) or typed handles resolved once ([`crate::handles`]). Where Python raises, these
//! return a [`QueryError`] saying why. Values keep their Python type ([`Value`]); lists and
//! dicts that Python returns from the file are views ([`Object`], [`Values`], [`EpochStatus`],
//! [`Ranking`], [`Archs`]) that borrow the archive and allocate nothing.

use tnb_schema::transnas::codes::{NO_NODE, RANK_BEST_FAILS, RANK_INCOMPARABLE, RANK_OK};
use tnb_schema::transnas::{ArchivedBenchmark, ArchivedColumn, ArchivedTask};

use crate::access::{self, CORRUPT_OFFSETS, span};
use crate::error::{NoRanking, QueryError};
use crate::handles::{
    ArchId, ArchKey, InfoId, InfoKey, MetricId, MetricKey, SpaceId, SpaceKey, TaskId, TaskKey,
    sealed,
};
use crate::iter::{Archs, Ranking, Values};
use crate::object::Object;
use crate::status::EpochStatus;
use crate::value::{Value, cell};
use crate::{Store, python};

/// The `mode` of Python's `get_single_metric`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `'final'`: the last epoch's value (`metric_list[-1]`).
    Final,
    /// `'best'`: Python's `max(metric_list)` (the first maximal value; see [`Store::best_value`]).
    Best,
    /// `'list'`: every epoch's value.
    List,
    /// An int: that epoch's value, with Python indexing (negative counts from the end).
    Epoch(i64),
}

/// What `get_single_metric` returns: one value, or (mode `'list'`) the whole list.
#[derive(Clone, Debug)]
pub enum Metric<'a> {
    /// One value (modes `'final'`, `'best'`, an epoch).
    Value(Value<'a>),
    /// Every epoch's value (mode `'list'`).
    List(Values<'a>),
}

/// One metric list: its task, metric and arch, and where it sits in the column.
struct List<'a> {
    t: TaskId,
    col: &'a ArchivedColumn,
    task: &'a ArchivedTask,
    m: usize,
    a: usize,
    start: usize,
    len: usize,
}

#[inline]
fn resolve_list<'a>(
    b: &'a ArchivedBenchmark,
    arch: impl ArchKey,
    task: impl TaskKey,
    metric: impl MetricKey,
) -> Result<List<'a>, QueryError> {
    // Python checks the metric against `metrics_dict[task]` before looking the arch up. Handles
    // are range-checked by the reads themselves (the hot path of a search loop): open-time
    // checks fixed `columns.len() == metrics.len()` and `offsets.len() == archs + 1`, so a read
    // out of range means a handle from another store.
    // The arch is looked up first (its hash is a chain of multiplies that the CPU overlaps
    // with the name scans that follow), but its error is reported after theirs.
    let a = sealed::Arch::arch_unchecked(arch, b);
    let t = sealed::Task::task_unchecked(task, b)?;
    let m = sealed::Metric::metric_unchecked(metric, b, t)?.index();
    let a = a?;
    let task = b.tasks.get(t.index()).ok_or_else(|| QueryError::ForeignHandle)?;
    let col = task.columns.get(m).ok_or_else(|| QueryError::ForeignHandle)?;
    let (start, end) = match task.offsets.get(a..a.wrapping_add(2)) {
        Some([s, e]) => (s.to_native() as usize, e.to_native() as usize),
        _ => return Err(QueryError::ForeignHandle),
    };
    Ok(List { t, col, task, m, a, start, len: end.saturating_sub(start) })
}

fn epoch_error(epoch: i64, len: usize) -> QueryError {
    QueryError::Epoch { epoch, total: u32::try_from(len).unwrap_or(u32::MAX) }
}

fn named_node(b: &ArchivedBenchmark, id: u32) -> Result<Object<'_>, QueryError> {
    if id == NO_NODE { Err(QueryError::NotABenchmark) } else { Ok(Object::node(b, id)) }
}

fn id_range(n: usize) -> impl DoubleEndedIterator<Item = u32> + ExactSizeIterator + Clone {
    // Open-time checks bound every count by u32 (arch count) or 2^24 (names).
    0..u32::try_from(n).unwrap_or(u32::MAX)
}

impl<B: AsRef<[u8]>> Store<B> {
    // ---- The lists: tasks, metrics, infos, spaces, archs ----

    /// The `task_list` object of the file (Python: `api.task_list`), to walk or write as JSON.
    /// Use [`Store::tasks`] for handles.
    pub fn task_list(&self) -> Result<Object<'_>, QueryError> {
        let b = self.root()?;
        named_node(b, b.layout.task_list.to_native())
    }

    /// The `metrics_dict` object of the file (Python: `api.metrics_dict`). Use
    /// [`Store::metrics`] for handles.
    pub fn metrics_dict(&self) -> Result<Object<'_>, QueryError> {
        let b = self.root()?;
        named_node(b, b.layout.metrics_dict.to_native())
    }

    /// The `info_names` object of the file (Python: `api.info_names`). Use [`Store::infos`]
    /// for handles.
    pub fn info_names(&self) -> Result<Object<'_>, QueryError> {
        let b = self.root()?;
        named_node(b, b.layout.info_names.to_native())
    }

    /// Every task, in `task_list` order (Python: `api.task_list`).
    pub fn tasks(&self) -> impl DoubleEndedIterator<Item = TaskId> + ExactSizeIterator + Clone {
        id_range(self.root().map_or(0, |b| b.tasks.len())).map(TaskId)
    }

    /// The task named `name` (Python raises `KeyError` where this fails).
    pub fn task(&self, name: &str) -> Result<TaskId, QueryError> {
        sealed::Task::task(name, self.root()?)
    }

    /// A task's name (an entry of Python's `api.task_list`).
    pub fn task_name(&self, task: impl TaskKey) -> Result<&str, QueryError> {
        let b = self.root()?;
        let t = sealed::Task::task(task, b)?;
        Ok(b.tasks.get(t.index()).ok_or_else(|| QueryError::ForeignHandle)?.name.as_str())
    }

    /// A task's metrics, in `metrics_dict[task]` order (Python: `api.metrics_dict[task]`).
    pub fn metrics(
        &self,
        task: impl TaskKey,
    ) -> Result<impl DoubleEndedIterator<Item = MetricId> + ExactSizeIterator + Clone, QueryError>
    {
        let b = self.root()?;
        let t = sealed::Task::task(task, b)?;
        let count = b.tasks.get(t.index()).map_or(0, |x| x.metrics.len());
        Ok(id_range(count).map(move |metric| MetricId { task: t.0, metric }))
    }

    /// The metric of `task` named `name` (Python asserts `metric in metrics_dict[task]`).
    pub fn metric(&self, task: impl TaskKey, name: &str) -> Result<MetricId, QueryError> {
        let b = self.root()?;
        let t = sealed::Task::task(task, b)?;
        sealed::Metric::metric(name, b, t)
    }

    /// A metric's name.
    pub fn metric_name(&self, metric: MetricId) -> Result<&str, QueryError> {
        let b = self.root()?;
        let m = sealed::Metric::metric(metric, b, metric.task())?;
        let t = b.tasks.get(m.task().index()).ok_or_else(|| QueryError::ForeignHandle)?;
        Ok(t.metrics.get(m.index()).ok_or_else(|| QueryError::ForeignHandle)?.as_str())
    }

    /// Every `model_info` entry, in `info_names` order (Python: `api.info_names`).
    pub fn infos(&self) -> impl DoubleEndedIterator<Item = InfoId> + ExactSizeIterator + Clone {
        id_range(self.root().map_or(0, |b| b.info_names.len())).map(InfoId)
    }

    /// The info named `name` (Python asserts `info in info_names`).
    pub fn info(&self, name: &str) -> Result<InfoId, QueryError> {
        sealed::Info::info(name, self.root()?)
    }

    /// An info's name (an entry of Python's `api.info_names`).
    pub fn info_name(&self, info: InfoId) -> Result<&str, QueryError> {
        let b = self.root()?;
        let i = sealed::Info::info(info, b)?;
        Ok(b.info_names.get(i.index()).ok_or_else(|| QueryError::ForeignHandle)?.as_str())
    }

    /// Every search space, in file order (Python: `api.search_spaces`).
    pub fn spaces(&self) -> impl DoubleEndedIterator<Item = SpaceId> + ExactSizeIterator + Clone {
        id_range(self.root().map_or(0, |b| b.space_names.len())).map(SpaceId)
    }

    /// The search space named `name` (Python asserts `search_space in search_spaces`).
    pub fn space(&self, name: &str) -> Result<SpaceId, QueryError> {
        sealed::Space::space(name, self.root()?)
    }

    /// A search space's name.
    pub fn space_name(&self, space: SpaceId) -> Result<&str, QueryError> {
        let b = self.root()?;
        let s = sealed::Space::space(space, b)?;
        Ok(b.space_names.get(s.index()).ok_or_else(|| QueryError::ForeignHandle)?.as_str())
    }

    /// The search spaces' names, in file order (Python: `api.search_spaces`).
    pub fn search_spaces(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        let names = self.root().map(|b| b.space_names.as_slice()).unwrap_or(&[]);
        names.iter().map(|s| s.as_str())
    }

    /// Every architecture, in file order (Python: `range(len(api))` through `index2arch`).
    pub fn archs(&self) -> Archs {
        let n = self.root().map_or(0, access::arch_count);
        Archs { range: 0..u32::try_from(n).unwrap_or(0) }
    }

    /// The architectures of one search space, in file order (Python:
    /// `get_arch_list(search_space)`, or `all_arch_dict[search_space]`).
    pub fn arch_list(&self, space: impl SpaceKey) -> Result<Archs, QueryError> {
        let b = self.root()?;
        let s = sealed::Space::space(space, b)?.index();
        match (b.space_starts.get(s), b.space_starts.get(s + 1)) {
            (Some(lo), Some(hi)) => Ok(Archs { range: lo.to_native()..hi.to_native() }),
            _ => Err(QueryError::Corrupt("a search space has no arch range")),
        }
    }

    /// The search space an architecture belongs to.
    pub fn space_of(&self, arch: impl ArchKey) -> Result<SpaceId, QueryError> {
        let b = self.root()?;
        let a = sealed::Arch::arch(arch, b)?.0;
        // `space_starts` is increasing (open-time checks): the space is the last start <= a.
        let starts = b.space_starts.as_slice();
        let s = starts.partition_point(|x| x.to_native() <= a);
        match s.checked_sub(1) {
            Some(s) if s < b.space_names.len() => Ok(SpaceId(s as u32)),
            _ => Err(QueryError::Corrupt("an arch lies outside every search space")),
        }
    }

    // ---- Architectures by name and index ----

    /// The architecture named `name` (Python: `arch2index(arch)` is `store.arch(arch)?.index()`;
    /// raises `ValueError` where this fails). One hash and about 1.5 probes.
    pub fn arch(&self, name: &str) -> Result<ArchId, QueryError> {
        sealed::Arch::arch(name, self.root()?)
    }

    /// The index of the architecture named `name` in file order (Python: `arch2index(arch)`).
    pub fn arch_index(&self, name: &str) -> Result<usize, QueryError> {
        self.arch(name).map(ArchId::index)
    }

    /// The architecture at `index` with Python's list indexing: negative indexes count from the
    /// end (Python: `index2arch(index)` is `store.arch_name(store.arch_at(index)?)`; raises
    /// `IndexError` where this fails).
    #[inline]
    pub fn arch_at(&self, index: i64) -> Result<ArchId, QueryError> {
        let n = self.root().map_or(0, access::arch_count);
        match python::index(index, n) {
            Some(a) => Ok(ArchId(a as u32)),
            None => Err(QueryError::ArchIndex(index)),
        }
    }

    /// An architecture's string, e.g. `64-41414-3_33_333` (Python: `index2arch`).
    #[inline]
    pub fn arch_name(&self, arch: impl ArchKey) -> Result<&str, QueryError> {
        let b = self.root()?;
        let a = sealed::Arch::arch(arch, b)?.index();
        self.name_of(b, a)
    }

    /// An architecture's whole result dict, `{task: {'total_epochs', 'model_info', 'metrics'}}`
    /// with any extra entries, exactly as in the file (Python: `get_arch_result(arch)`, whose
    /// `ArchResult` wraps this dict).
    pub fn arch_result(&self, arch: impl ArchKey) -> Result<Object<'_>, QueryError> {
        let b = self.root()?;
        let a = sealed::Arch::arch(arch, b)?;
        Ok(Object::arch(b, a))
    }

    // ---- Per architecture and task ----

    /// How many epochs an architecture trained on a task (Python:
    /// `get_total_epochs(arch, task)`).
    pub fn total_epochs(&self, arch: impl ArchKey, task: impl TaskKey) -> Result<u32, QueryError> {
        let b = self.root()?;
        let a = sealed::Arch::arch(arch, b)?.index();
        let t = sealed::Task::task(task, b)?;
        let (s, e) = span(b.tasks.get(t.index()).ok_or_else(|| QueryError::ForeignHandle)?, a)?;
        Ok((e - s) as u32)
    }

    /// One `model_info` entry of an architecture on a task, e.g. `inference_time` (Python:
    /// `get_model_info(arch, task, info)`).
    pub fn model_info(
        &self,
        arch: impl ArchKey,
        task: impl TaskKey,
        info: impl InfoKey,
    ) -> Result<Value<'_>, QueryError> {
        let b = self.root()?;
        let i = sealed::Info::info(info, b)?.index();
        let a = sealed::Arch::arch(arch, b)?.index();
        let t = sealed::Task::task(task, b)?;
        let task = b.tasks.get(t.index()).ok_or_else(|| QueryError::ForeignHandle)?;
        cell(task.info.get(i).ok_or_else(|| CORRUPT_OFFSETS)?, b, a)
    }

    /// One metric of an architecture on a task, by `mode` (Python:
    /// `get_single_metric(arch, task, metric, mode)`). The specialised methods
    /// [`best_value`](Store::best_value), [`final_value`](Store::final_value),
    /// [`value_at`](Store::value_at) and [`values`](Store::values) return plain types.
    pub fn single_metric(
        &self,
        arch: impl ArchKey,
        task: impl TaskKey,
        metric: impl MetricKey,
        mode: Mode,
    ) -> Result<Metric<'_>, QueryError> {
        Ok(match mode {
            Mode::Best => Metric::Value(self.best_value(arch, task, metric)?),
            Mode::Final => Metric::Value(self.final_value(arch, task, metric)?),
            Mode::Epoch(e) => Metric::Value(self.value_at(arch, task, metric, e)?),
            Mode::List => Metric::List(self.values(arch, task, metric)?),
        })
    }

    /// The best value of a metric list (Python: `get_single_metric(..., mode='best')`, i.e.
    /// `max(metric_list)`: the first maximal value; a NaN in first position wins and later NaNs
    /// are skipped, as Python's `>` decides). The best epoch is precomputed at conversion; the
    /// first request of a float metric also gathers its best values for every arch (about
    /// 0.1 ms, 8 bytes per arch), so that later requests are one read.
    #[inline]
    pub fn best_value(
        &self,
        arch: impl ArchKey,
        task: impl TaskKey,
        metric: impl MetricKey,
    ) -> Result<Value<'_>, QueryError> {
        let b = self.root()?;
        // Same resolution order as `resolve_list`.
        let a = sealed::Arch::arch_unchecked(arch, b);
        let t = sealed::Task::task_unchecked(task, b)?;
        let m = sealed::Metric::metric_unchecked(metric, b, t)?;
        let a = a?;
        // A float metric's best values, gathered on first use: one read.
        if let Some(values) = self.best.get(b, t.index(), m.index()) {
            return match values.get(a) {
                Some(&bits) => Ok(Value::Float(f64::from_bits(bits))),
                None => Err(QueryError::ForeignHandle),
            };
        }
        let l = resolve_list(b, ArchId(a as u32), t, m)?;
        let e = access::best_epoch(b, l.task, l.m, l.a, l.len)?;
        cell(l.col, b, l.start + e)
    }

    /// The first epoch where a metric list reaches its best value (Python: the argmax that
    /// `get_best_epoch_status` uses).
    pub fn best_epoch(
        &self,
        arch: impl ArchKey,
        task: impl TaskKey,
        metric: impl MetricKey,
    ) -> Result<u32, QueryError> {
        let b = self.root()?;
        let l = resolve_list(b, arch, task, metric)?;
        Ok(access::best_epoch(b, l.task, l.m, l.a, l.len)? as u32)
    }

    /// The last epoch's value (Python: `get_single_metric(..., mode='final')`; `IndexError` on
    /// an empty list).
    pub fn final_value(
        &self,
        arch: impl ArchKey,
        task: impl TaskKey,
        metric: impl MetricKey,
    ) -> Result<Value<'_>, QueryError> {
        self.value_at(arch, task, metric, -1)
    }

    /// The value at `epoch`, with Python indexing (Python:
    /// `get_single_metric(..., mode=epoch)`: `epoch < total_epochs` is asserted, and a
    /// negative epoch counts from the end).
    #[inline]
    pub fn value_at(
        &self,
        arch: impl ArchKey,
        task: impl TaskKey,
        metric: impl MetricKey,
        epoch: i64,
    ) -> Result<Value<'_>, QueryError> {
        let b = self.root()?;
        let l = resolve_list(b, arch, task, metric)?;
        let i = python::index(epoch, l.len).ok_or_else(|| epoch_error(epoch, l.len))?;
        cell(l.col, b, l.start + i)
    }

    /// Every epoch's value (Python: `get_single_metric(..., mode='list')`).
    pub fn values(
        &self,
        arch: impl ArchKey,
        task: impl TaskKey,
        metric: impl MetricKey,
    ) -> Result<Values<'_>, QueryError> {
        let b = self.root()?;
        let l = resolve_list(b, arch, task, metric)?;
        Values::new(l.col, b, l.start..l.start + l.len)
    }

    /// Every metric of a task at one epoch (Python: `get_epoch_status(arch, task, epoch)`:
    /// `epoch < total_epochs` is asserted, a negative epoch counts from the end, and the
    /// `'epoch'` entry is the epoch counted from the start).
    pub fn epoch_status(
        &self,
        arch: impl ArchKey,
        task: impl TaskKey,
        epoch: i64,
    ) -> Result<EpochStatus<'_>, QueryError> {
        let b = self.root()?;
        let a = sealed::Arch::arch(arch, b)?.index();
        let t = sealed::Task::task(task, b)?;
        let tk = b.tasks.get(t.index()).ok_or_else(|| QueryError::ForeignHandle)?;
        let (start, end) = span(tk, a)?;
        let total = end - start;
        if epoch >= total as i64 {
            return Err(epoch_error(epoch, total));
        }
        let shown = if epoch >= 0 { epoch } else { total as i64 + epoch };
        if tk.columns.is_empty() {
            // Python indexes no list, so any epoch below `total_epochs` is accepted as is.
            return EpochStatus::new(b, t, start, shown);
        }
        let i = python::index(epoch, total).ok_or_else(|| epoch_error(epoch, total))?;
        EpochStatus::new(b, t, start + i, shown)
    }

    /// The epoch status at a metric's best epoch (Python:
    /// `get_best_epoch_status(arch, task, metric)`, i.e. early stopping on that metric).
    pub fn best_epoch_status(
        &self,
        arch: impl ArchKey,
        task: impl TaskKey,
        metric: impl MetricKey,
    ) -> Result<EpochStatus<'_>, QueryError> {
        let b = self.root()?;
        let l = resolve_list(b, arch, task, metric)?;
        // Python's argmax is `max(range(len(list)), key=...)`: it fails where `max(list)` does.
        let e = access::best_epoch(b, l.task, l.m, l.a, l.len)?;
        EpochStatus::new(b, l.t, l.start + e, e as i64)
    }

    /// The architectures of a search space ranked by a metric's best value, best first
    /// (Python: `get_best_archs(task, metric, search_space, topk)` is this ranking cut with
    /// `[:topk]`; use `.take(k)`, or [`python::slice_stop`] for Python's slice rules).
    /// Precomputed at conversion with Python's own sort: O(1) here, O(1) per item.
    ///
    /// Like Python, an empty search space gives an empty ranking without looking at the task
    /// or metric.
    pub fn best_archs(
        &self,
        task: impl TaskKey,
        metric: impl MetricKey,
        space: impl SpaceKey,
    ) -> Result<Ranking<'_>, QueryError> {
        let b = self.root()?;
        let s = sealed::Space::space(space, b)?.index();
        let (lo, hi) = match (b.space_starts.get(s), b.space_starts.get(s + 1)) {
            (Some(lo), Some(hi)) => (lo.to_native() as usize, hi.to_native() as usize),
            _ => return Err(QueryError::Corrupt("a search space has no arch range")),
        };
        if lo >= hi {
            return Ok(Ranking { b, task: 0, metric: 0, ids: &[], space: 0..0 });
        }
        let t = sealed::Task::task(task, b)?;
        let m = sealed::Metric::metric(metric, b, t)?.index();
        let tk = b.tasks.get(t.index()).ok_or_else(|| QueryError::ForeignHandle)?;
        let status = tk.ranking_status.get(m * b.space_names.len() + s).copied();
        match status {
            Some(RANK_OK) => {}
            Some(RANK_BEST_FAILS) => return Err(QueryError::NoRanking(NoRanking::BestFails)),
            Some(RANK_INCOMPARABLE) => {
                return Err(QueryError::NoRanking(NoRanking::Incomparable));
            }
            _ => return Err(QueryError::Corrupt("a ranking status is missing or unknown")),
        }
        let base = m * access::arch_count(b);
        let ids = tk.ranking.get(base + lo..base + hi).ok_or_else(|| access::CORRUPT_RANKING)?;
        Ok(Ranking { b, task: t.index(), metric: m, ids, space: lo..hi })
    }
}
