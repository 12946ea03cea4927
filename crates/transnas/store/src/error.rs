//! Errors of opening an archive and of queries.

use std::fmt;

pub use tnb_mapped::open::OpenError;

/// Why Python's `max()` raises on a metric list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoBest {
    /// The list is empty (`ValueError`).
    Empty,
    /// `>` cannot compare two of its values (mixed types: `TypeError`).
    Incomparable,
}

/// Why `get_best_archs` raises for a search space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoRanking {
    /// `max()` raises on some arch's list (the first such arch, in space order, says how: see
    /// [`crate::Store::best_value`]).
    BestFails,
    /// `sorted()` cannot compare two best values (mixed types: `TypeError`).
    Incomparable,
}

/// Why a query has no answer. Where Python's API raises, tnb returns one of these.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueryError {
    /// No such architecture (`KeyError` in Python).
    UnknownArch(String),
    /// Architecture index out of range (`IndexError`).
    ArchIndex(i64),
    /// No such task (`KeyError`).
    UnknownTask(String),
    /// The task has no such metric (`AssertionError`).
    UnknownMetric {
        /// The task.
        task: String,
        /// The metric asked for.
        metric: String,
    },
    /// Not an info name (`AssertionError`).
    UnknownInfo(String),
    /// No such search space (`KeyError`).
    UnknownSpace(String),
    /// Epoch outside the metric list (`AssertionError` or `IndexError`).
    Epoch {
        /// The epoch asked for.
        epoch: i64,
        /// The arch's `total_epochs` for the task.
        total: u32,
    },
    /// `mode` is not `final`, `best`, `list` or an int.
    Mode(String),
    /// Python's `max()` raises on this list.
    NoBest(NoBest),
    /// `get_best_archs` raises: some arch's `max()` raises, or Python's `sorted()` cannot
    /// order the best values.
    NoRanking(NoRanking),
    /// The archive holds something inconsistent (a crafted file that passed validation).
    Corrupt(&'static str),
    /// A handle ([`crate::ArchId`], [`crate::TaskId`]...) that this store did not make: its index
    /// is out of range here.
    ForeignHandle,
    /// A [`crate::MetricId`] used with a task other than its own.
    MetricOfAnotherTask,
    /// The archive holds a plain object, not a benchmark (no `task_list`, `metrics_dict`...).
    NotABenchmark,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::UnknownArch(a) => write!(f, "unknown arch '{a}'"),
            QueryError::ArchIndex(i) => write!(f, "arch index {i} out of range"),
            QueryError::UnknownTask(t) => write!(f, "unknown task '{t}'"),
            QueryError::UnknownMetric { task, metric } => {
                write!(f, "unknown metric '{metric}' for task '{task}'")
            }
            QueryError::UnknownInfo(i) => write!(f, "unknown info '{i}'"),
            QueryError::UnknownSpace(s) => write!(f, "unknown search space '{s}'"),
            QueryError::Epoch { epoch, total } => {
                write!(f, "epoch {epoch} out of range (total_epochs is {total})")
            }
            QueryError::Mode(m) => {
                write!(f, "unknown mode '{m}' (expected 'final', 'best', 'list' or an int)")
            }
            QueryError::NoBest(NoBest::Empty) => {
                f.write_str("max() arg is an empty sequence (the metric list is empty)")
            }
            QueryError::NoBest(NoBest::Incomparable) => f.write_str(
                "'>' is not supported between the values of this metric list (mixed types)",
            ),
            QueryError::NoRanking(NoRanking::BestFails) => {
                f.write_str("max() raises on the metric list of some architecture of this space")
            }
            QueryError::NoRanking(NoRanking::Incomparable) => f.write_str(
                "'<' is not supported between the best values of this space (mixed types)",
            ),
            QueryError::Corrupt(m) => write!(f, "corrupted archive: {m}"),
            QueryError::ForeignHandle => {
                write!(f, "a handle from another store (its index is out of range here)")
            }
            QueryError::MetricOfAnotherTask => {
                write!(f, "the metric handle belongs to another task")
            }
            QueryError::NotABenchmark => write!(
                f,
                "the archive holds a plain object, not a TransNAS-Bench benchmark (use `tnb dump`)"
            ),
        }
    }
}

impl std::error::Error for QueryError {}
