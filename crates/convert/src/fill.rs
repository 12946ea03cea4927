//! Copying metric values into columns, and precomputing best epochs and rankings, on every core.
//!
//! The structure pass (`layout`) has checked every list and remembered it. Here the archs are
//! split into one contiguous range per core and each range is copied arch by arch, in file
//! order: the input is then read front to back. (Filling column by column instead reads the
//! input with a 14 KB stride, 61 times over, and measured 3× slower: the loads miss the cache.)
//! The halves of each column are then joined, and best epochs and rankings computed per column.
//!
//! Values that need the generic section (containers, numpy uint64 beyond i64) are rare: they get
//! a placeholder cell and are resolved afterwards on one thread, because the generic section
//! numbers its nodes in one sequence.

use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use tnb_pickle::{Arena, Children, Kind, Number, Ref, Value};

use crate::column::{Cell, ColumnBuilder};
use crate::error::Error;
use crate::generic::GenericBuilder;
use crate::py::Py;
use crate::rank;

/// One task's metric lists: `lists[m][arch]`, and each arch's first value index.
pub(crate) struct TaskLists<'s> {
    pub(crate) lists: &'s [Vec<Ref>],
    pub(crate) offsets: &'s [u32],
    pub(crate) name: &'s str,
    pub(crate) metrics: &'s [&'s str],
}

/// `data/<space>/<arch>` of arch `a`, for error paths.
pub(crate) type ArchPath<'s> = dyn Fn(usize) -> String + Sync + 's;

/// A filled column with its precomputed answers.
pub(crate) struct Filled {
    pub(crate) column: ColumnBuilder,
    pub(crate) best: Vec<u32>,
    pub(crate) ranking: Vec<u32>,
    pub(crate) status: Vec<u8>,
}

/// Cells waiting for a generic node: (value index in the column, source value, arch).
type Deferred = Vec<(u32, Ref, u32)>;

/// Placeholder id of a deferred generic cell (compares like any generic value: not orderable).
const PENDING: u32 = u32::MAX;

fn metric_path(arch_path: &ArchPath<'_>, t: &TaskLists<'_>, m: usize, arch: usize) -> String {
    format!("{}/{}/metrics/{}", arch_path(arch), t.name, t.metrics[m])
}

/// Copies one list into its column.
fn push_list(
    a: &Arena<'_>,
    list: Ref,
    col: &mut ColumnBuilder,
    deferred: &mut Deferred,
    arch: usize,
    path: &dyn Fn() -> String,
) -> Result<(), Error> {
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
                return Err(Error::at(format!("{}[{i}]", path()), tnb_pth::big_int_problem(b)));
            }
            Value::Container(Kind::Tensor(_), _) | Value::Container(..) | Value::Bytes(_) => {
                Cell::Generic(PENDING)
            }
            _ => {
                return Err(Error::at(
                    format!("{}[{i}]", path()),
                    "a class or object is not data and cannot be archived",
                ));
            }
        };
        if c == Cell::Generic(PENDING) {
            deferred.push((col.len() as u32, x, arch as u32));
        }
        col.push(c)?;
    }
    Ok(())
}

/// Every column's values for archs `range`, arch by arch.
fn fill_range(
    a: &Arena<'_>,
    tasks: &[TaskLists<'_>],
    range: Range<usize>,
    arch_path: &ArchPath<'_>,
) -> Result<Vec<Vec<(ColumnBuilder, Deferred)>>, Error> {
    let mut out: Vec<Vec<(ColumnBuilder, Deferred)>> = tasks
        .iter()
        .map(|t| {
            let n = (t.offsets[range.end] - t.offsets[range.start]) as usize;
            (0..t.lists.len()).map(|_| (ColumnBuilder::with_capacity(n), Vec::new())).collect()
        })
        .collect();
    for arch in range {
        for (t, task) in tasks.iter().enumerate() {
            for (m, (col, deferred)) in out[t].iter_mut().enumerate() {
                let path = || metric_path(arch_path, task, m, arch);
                push_list(a, task.lists[m][arch], col, deferred, arch, &path)?;
            }
        }
    }
    Ok(out)
}

/// Runs `work(i)` for `i in 0..jobs` on every core, collecting the results in order.
fn parallel<T: Send>(jobs: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..jobs).map(|_| None).collect());
    let run = || loop {
        let j = next.fetch_add(1, Ordering::Relaxed);
        if j >= jobs {
            break;
        }
        let r = work(j);
        if let Ok(mut v) = results.lock() {
            v[j] = Some(r);
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.max(1));
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(run);
        }
        run();
    });
    results.into_inner().map(|v| v.into_iter().flatten().collect()).unwrap_or_default()
}

/// Fills every column of every task (task-major, metric order), computes best epochs and
/// rankings, and resolves deferred generic cells through `g`.
pub(crate) fn fill_all<'s>(
    a: &'s Arena<'_>,
    tasks: &[TaskLists<'_>],
    n: usize,
    arch_path: &ArchPath<'_>,
    names: &(dyn Fn(usize) -> &'s str + Sync),
    spaces: &[Range<usize>],
    g: &mut GenericBuilder,
) -> Result<Vec<Vec<Filled>>, Error> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, n.max(1));
    let cut = |i: usize| n * i / threads;
    let parts = parallel(threads, |i| fill_range(a, tasks, cut(i)..cut(i + 1), arch_path));
    if parts.len() != threads {
        return Err(Error::TooLarge("a worker thread failed".into()));
    }
    // Join the ranges of each column, in arch order (columns in parallel: it is a memcpy).
    let mut slots: Vec<Mutex<Vec<(ColumnBuilder, Deferred)>>> = Vec::new();
    let mut shape: Vec<usize> = Vec::new();
    for part in parts {
        let part = part?;
        if slots.is_empty() {
            shape = part.iter().map(Vec::len).collect();
            slots = part.into_iter().flatten().map(|c| Mutex::new(vec![c])).collect();
            continue;
        }
        for (slot, c) in slots.iter_mut().zip(part.into_iter().flatten()) {
            if let Ok(v) = slot.get_mut() {
                v.push(c);
            }
        }
    }
    let merged = parallel(slots.len(), |j| -> Result<(ColumnBuilder, Deferred), Error> {
        let pieces = slots[j].lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default();
        let mut pieces = pieces.into_iter();
        let (mut col, mut deferred) =
            pieces.next().unwrap_or((ColumnBuilder::with_capacity(0), Vec::new()));
        for (c, d) in pieces {
            let shift = col.len() as u32;
            deferred.extend(d.into_iter().map(|(i, r, arch)| (i + shift, r, arch)));
            col.append(c)?;
        }
        Ok((col, deferred))
    });
    let mut merged = merged.into_iter();
    let mut joined: Vec<Vec<(ColumnBuilder, Deferred)>> = Vec::with_capacity(shape.len());
    for &m in &shape {
        joined.push(
            (0..m)
                .map(|_| {
                    merged.next().unwrap_or(Err(Error::TooLarge("a worker thread failed".into())))
                })
                .collect::<Result<_, _>>()?,
        );
    }
    // Best epochs and rankings, one column per job.
    let flat: Vec<(usize, usize)> = tasks
        .iter()
        .enumerate()
        .flat_map(|(t, task)| (0..task.lists.len()).map(move |m| (t, m)))
        .collect();
    let answers = parallel(flat.len(), |j| {
        let (t, m) = flat[j];
        let col = &joined[t][m].0;
        let offsets = tasks[t].offsets;
        let mut best = Vec::with_capacity(n);
        rank::best_epochs(col, offsets, &mut best);
        let mut ranking = Vec::with_capacity(n);
        let mut status = Vec::with_capacity(spaces.len());
        let value = |arch: usize| -> Option<Py<'_>> {
            let e = best[arch];
            (e < tnb_schema::codes::BEST_INCOMPARABLE)
                .then(|| col.py(offsets[arch] as usize + e as usize))
        };
        for range in spaces {
            status.push(rank::ranking(range.clone(), value, names, &mut ranking));
        }
        (best, ranking, status)
    });
    let mut answers = answers.into_iter();
    let mut out = Vec::with_capacity(tasks.len());
    for (t, columns) in joined.into_iter().enumerate() {
        let mut filled = Vec::with_capacity(columns.len());
        for (m, (mut column, deferred)) in columns.into_iter().enumerate() {
            for (index, x, arch) in deferred {
                let p =
                    || format!("{}[{index}]", metric_path(arch_path, &tasks[t], m, arch as usize));
                let id = g.value(a, x, &p)?;
                column.set_generic(index as usize, id);
            }
            let (best, ranking, status) =
                answers.next().ok_or_else(|| Error::TooLarge("a worker thread failed".into()))?;
            filled.push(Filled { column, best, ranking, status });
        }
        out.push(filled);
    }
    Ok(out)
}
