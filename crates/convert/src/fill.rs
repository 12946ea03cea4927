//! Copying metric values into columns, and precomputing best epochs and rankings, on every core.
//!
//! The structure pass (`layout`) has checked every list and remembered it; here each
//! (task, metric) column is filled independently, so the columns are shared out between
//! threads. Values that need the generic section (containers, numpy uint64 beyond i64) are
//! rare: they get a placeholder cell and are resolved afterwards on one thread, because the
//! generic section numbers its nodes in one sequence.

use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use tnb_pickle::{Arena, Children, Kind, Number, Ref, Value};

use crate::column::{Cell, ColumnBuilder};
use crate::error::Error;
use crate::generic::GenericBuilder;
use crate::py::Py;
use crate::rank;

/// One column's work: its lists (one per arch) and where each arch's values start.
pub(crate) struct Job<'s> {
    pub(crate) lists: &'s [Ref],
    pub(crate) offsets: &'s [u32],
    pub(crate) task: &'s str,
    pub(crate) metric: &'s str,
}

/// `data/<space>/<arch>` of arch `a`, for error paths.
pub(crate) type ArchPath<'s> = dyn Fn(usize) -> String + Sync + 's;

fn path(arch_path: &ArchPath<'_>, job: &Job<'_>, arch: usize) -> String {
    format!("{}/{}/metrics/{}", arch_path(arch), job.task, job.metric)
}

/// A filled column with its precomputed answers.
pub(crate) struct Filled {
    pub(crate) column: ColumnBuilder,
    pub(crate) best: Vec<u32>,
    pub(crate) ranking: Vec<u32>,
    pub(crate) status: Vec<u8>,
    /// Cells waiting for a generic node: (value index, source value, arch).
    deferred: Vec<(u32, Ref, u32)>,
}

/// Placeholder id of a deferred generic cell (compares like any generic value: not orderable).
const PENDING: u32 = u32::MAX;

fn fill_one<'s>(
    a: &'s Arena<'_>,
    job: &Job<'_>,
    arch_path: &ArchPath<'_>,
    names: &(dyn Fn(usize) -> &'s str + Sync),
    spaces: &[Range<usize>],
) -> Result<Filled, Error> {
    let total = job.offsets.last().copied().unwrap_or(0) as usize;
    let mut col = ColumnBuilder::with_capacity(total);
    let mut deferred = Vec::new();
    for (arch, &list) in job.lists.iter().enumerate() {
        let items = match a.get(list) {
            Value::Container(_, items) => items,
            _ => Children::EMPTY,
        };
        for (i, x) in items.iter().enumerate() {
            if let Some(f) = a.as_float(x) {
                col.push_float(f)?;
                continue;
            }
            if let Some(b) = a.str_bytes(x) {
                // Checked as UTF-8 when it was parsed.
                col.push_str_bytes(b)?;
                continue;
            }
            let c = match a.get(x) {
                Value::None => Cell::None,
                Value::Bool(b) => Cell::Bool(b),
                Value::Int(i) => Cell::Int(i),
                Value::Scalar(s) => match s.number() {
                    Number::Bool(b) => Cell::Bool(b),
                    Number::Int(i) => Cell::Int(i),
                    Number::Float(f) => Cell::Float(f),
                    Number::UInt(_) => Cell::Generic(PENDING),
                },
                Value::BigInt(b) => {
                    return Err(Error::at(
                        format!("{}[{i}]", path(arch_path, job, arch)),
                        tnb_pth::big_int_problem(b),
                    ));
                }
                Value::Container(Kind::Tensor(_), _) | Value::Container(..) | Value::Bytes(_) => {
                    Cell::Generic(PENDING)
                }
                _ => {
                    return Err(Error::at(
                        format!("{}[{i}]", path(arch_path, job, arch)),
                        "a class or object is not data and cannot be archived",
                    ));
                }
            };
            if c == Cell::Generic(PENDING) {
                deferred.push((col.len() as u32, x, arch as u32));
            }
            col.push(c)?;
        }
    }
    let mut best = Vec::with_capacity(job.lists.len());
    rank::best_epochs(&col, job.offsets, &mut best);
    let mut ranking = Vec::with_capacity(job.lists.len());
    let mut status = Vec::with_capacity(spaces.len());
    {
        let value = |arch: usize| -> Option<Py<'_>> {
            let e = best[arch];
            (e < tnb_schema::codes::BEST_INCOMPARABLE)
                .then(|| col.py(job.offsets[arch] as usize + e as usize))
        };
        for range in spaces {
            status.push(rank::ranking(range.clone(), value, names, &mut ranking));
        }
    }
    Ok(Filled { column: col, best, ranking, status, deferred })
}

/// Fills every job's column on all cores, then resolves deferred generic cells through `g`.
/// Returns the columns in job order.
pub(crate) fn fill_all<'s>(
    a: &'s Arena<'_>,
    jobs: &[Job<'_>],
    arch_path: &ArchPath<'_>,
    names: &(dyn Fn(usize) -> &'s str + Sync),
    spaces: &[Range<usize>],
    g: &mut GenericBuilder,
) -> Result<Vec<Filled>, Error> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Filled, Error>>>> =
        Mutex::new((0..jobs.len()).map(|_| None).collect());
    let work = || loop {
        let j = next.fetch_add(1, Ordering::Relaxed);
        let Some(job) = jobs.get(j) else {
            break;
        };
        let r = fill_one(a, job, arch_path, names, spaces);
        if let Ok(mut v) = results.lock() {
            v[j] = Some(r);
        }
    };
    let threads =
        std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.len().max(1));
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
    let results =
        results.into_inner().map_err(|_| Error::TooLarge("a worker thread failed".into()))?;
    let mut out = Vec::with_capacity(jobs.len());
    for (job, r) in jobs.iter().zip(results) {
        let mut f = r.ok_or_else(|| Error::TooLarge("a worker thread failed".into()))??;
        for (index, x, arch) in std::mem::take(&mut f.deferred) {
            let p = || format!("{}[{index}]", path(arch_path, job, arch as usize));
            let id = g.value(a, x, &p)?;
            f.column.set_generic(index as usize, id);
        }
        out.push(f);
    }
    Ok(out)
}
