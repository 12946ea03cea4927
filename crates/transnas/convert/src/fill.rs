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

use std::cell::Cell as ThreadCell;
use std::num::NonZeroUsize;
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

/// A cell waiting for a generic node.
#[derive(Clone, Copy)]
struct DeferredCell {
    /// Its value index in the column.
    index: u32,
    /// The source value to copy into the generic section.
    value: Ref,
    /// The arch it belongs to (for the error path).
    arch: u32,
}

/// The cells of a column (or of one thread's piece of it) waiting for a generic node.
type Deferred = Vec<DeferredCell>;

/// A column joined from every thread's piece.
struct Joined {
    column: ColumnBuilder,
    /// Its cells waiting for a generic node, indexed in the whole column.
    deferred: Deferred,
    /// Its best epochs, when the fill already knows them (columns filled the direct way).
    best: Option<Vec<u32>>,
}

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
            deferred.push(DeferredCell { index: col.len() as u32, value: x, arch: arch as u32 });
        }
        col.push(c)?;
    }
    Ok(())
}

/// One thread's part of one column.
enum Piece<'c> {
    /// Floats written straight into this thread's slice of the final column (`len` so far),
    /// every one f32-exact so far, with each arch's best epoch: the common case, with no copy
    /// and no second pass over the values.
    Direct { out: &'c mut [f32], len: usize, best: Vec<u32> },
    /// Anything else: built here and joined afterwards.
    Built(ColumnBuilder, Deferred),
}

impl Piece<'_> {
    /// Leaves the direct path, keeping what was written.
    fn leave_direct(&mut self) {
        if let Piece::Direct { out, len, .. } = self {
            let mut col = ColumnBuilder::with_capacity(out.len());
            for &x in &out[..*len] {
                // f32-exact by construction: stays in an f32 column.
                let _ = col.push_float(f64::from(x));
            }
            *self = Piece::Built(col, Vec::new());
        }
    }
}

/// Copies one list into a piece.
fn push_piece(
    a: &Arena<'_>,
    list: Ref,
    piece: &mut Piece<'_>,
    arch: usize,
    path: &dyn Fn() -> String,
) -> Result<(), Error> {
    if let Piece::Direct { out, len, best } = piece {
        let items = match a.get(list) {
            Value::Container(_, items) => items,
            _ => Children::EMPTY,
        };
        let start = *len;
        let mut direct = true;
        for x in items.iter() {
            match a.as_float(x) {
                Some(f) if f64::from(f as f32).to_bits() == f.to_bits() && *len < out.len() => {
                    out[*len] = f as f32;
                    *len += 1;
                }
                _ => {
                    direct = false;
                    break;
                }
            }
        }
        if direct {
            best.push(rank::argmax_f32(&out[start..*len]));
            return Ok(());
        }
        // Undo this list and take the general path from its start.
        *len = start;
        piece.leave_direct();
    }
    if let Piece::Built(col, deferred) = piece {
        push_list(a, list, col, deferred, arch, path)?;
    }
    Ok(())
}

/// Every column's values for archs `range`, arch by arch, into `pieces[task][metric]`.
fn fill_range(
    a: &Arena<'_>,
    tasks: &[TaskLists<'_>],
    range: Range<usize>,
    pieces: &mut [Vec<Piece<'_>>],
    arch_path: &ArchPath<'_>,
) -> Result<(), Error> {
    for arch in range {
        for (t, task) in tasks.iter().enumerate() {
            for (m, piece) in pieces[t].iter_mut().enumerate() {
                let path = || metric_path(arch_path, task, m, arch);
                push_piece(a, task.lists[m][arch], piece, arch, &path)?;
            }
        }
    }
    Ok(())
}

thread_local! {
    /// The thread count asked for by [`with_threads`] on this thread; `None`: every core.
    ///
    /// A thread-local rather than a parameter threaded through the layout pass: the fill is
    /// the only stage that runs threads, the value is set for the duration of one conversion
    /// by the thread that converts, and conversions on other threads (tests run in parallel)
    /// keep their own setting.
    static THREADS: ThreadCell<Option<NonZeroUsize>> = const { ThreadCell::new(None) };
}

/// Runs `f` (a conversion on this thread) with the fill using `threads` threads, or every core
/// when `None`; the previous setting is restored afterwards, even if `f` panics.
pub(crate) fn with_threads<R>(threads: Option<NonZeroUsize>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<NonZeroUsize>);
    impl Drop for Restore {
        fn drop(&mut self) {
            THREADS.with(|t| t.set(self.0));
        }
    }
    let _restore = Restore(THREADS.with(|t| t.replace(threads)));
    f()
}

/// The number of threads to use for `jobs` jobs: the setting of [`with_threads`] or every
/// core, never more than the jobs (an idle thread would only cost its start) and at least one.
fn thread_count(jobs: usize) -> usize {
    let wanted = THREADS
        .with(ThreadCell::get)
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);
    wanted.clamp(1, jobs.max(1))
}

/// Runs `work(i)` for `i in 0..jobs` on [`thread_count`] threads, collecting the results in
/// order.
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
    let threads = thread_count(jobs);
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
    let threads = thread_count(n);
    let cut = |i: usize| n * i / threads;
    // Columns whose first value is a float get their final storage now; each thread fills its
    // own slice of it. The others are built per thread and joined.
    let mut direct: Vec<Vec<Option<Vec<f32>>>> = tasks
        .iter()
        .map(|t| {
            let total = t.offsets.last().copied().unwrap_or(0) as usize;
            t.lists
                .iter()
                .map(|lists| {
                    let first = lists.first().and_then(|&l| a.children(l).get(0));
                    first.and_then(|x| a.as_float(x)).map(|_| vec![0f32; total])
                })
                .collect()
        })
        .collect();
    let mut per_thread: Vec<Vec<Vec<Piece<'_>>>> =
        (0..threads).map(|_| tasks.iter().map(|_| Vec::new()).collect()).collect();
    for (t, columns) in direct.iter_mut().enumerate() {
        let offsets = tasks[t].offsets;
        for column in columns.iter_mut() {
            let mut rest: Option<&mut [f32]> = column.as_deref_mut();
            for (i, thread) in per_thread.iter_mut().enumerate() {
                let (lo, hi) = (offsets[cut(i)] as usize, offsets[cut(i + 1)] as usize);
                let archs = cut(i + 1) - cut(i);
                thread[t].push(match rest.take() {
                    Some(r) => {
                        let (mine, later) = r.split_at_mut(hi - lo);
                        rest = Some(later);
                        Piece::Direct { out: mine, len: 0, best: Vec::with_capacity(archs) }
                    }
                    None => Piece::Built(ColumnBuilder::with_capacity(hi - lo), Vec::new()),
                });
            }
        }
    }
    let slots: Vec<Mutex<Vec<Vec<Piece<'_>>>>> = per_thread.into_iter().map(Mutex::new).collect();
    let results = parallel(threads, |i| -> Result<Vec<Vec<Piece<'_>>>, Error> {
        let mut pieces = slots[i].lock().map(|mut p| std::mem::take(&mut *p)).unwrap_or_default();
        fill_range(a, tasks, cut(i)..cut(i + 1), &mut pieces, arch_path)?;
        Ok(pieces)
    });
    if results.len() != threads {
        return Err(Error::TooLarge("a worker thread failed".into()));
    }
    let mut per_thread = Vec::with_capacity(threads);
    for r in results {
        per_thread.push(r?);
    }
    // Per column, from the pieces of every thread in arch order: either every piece went the
    // direct way (the column is its storage, the best epochs are known), or the pieces are
    // turned into owned builders to be joined. The pieces borrow the storage, so this happens
    // before the storage is taken.
    enum Outcome {
        Direct(Vec<u32>),
        Built(Vec<(ColumnBuilder, Deferred)>),
    }
    let mut outcomes: Vec<Vec<Outcome>> = Vec::with_capacity(tasks.len());
    for (t, task) in tasks.iter().enumerate() {
        let mut out = Vec::with_capacity(task.lists.len());
        for m in 0..task.lists.len() {
            let placeholder = || Piece::Built(ColumnBuilder::with_capacity(0), Vec::new());
            let mut pieces: Vec<Piece<'_>> = per_thread
                .iter_mut()
                .map(|p| std::mem::replace(&mut p[t][m], placeholder()))
                .collect();
            let complete =
                |p: &Piece<'_>| matches!(p, Piece::Direct { out, len, .. } if *len == out.len());
            if pieces.iter().all(complete) {
                let best = pieces
                    .iter_mut()
                    .flat_map(|p| match p {
                        Piece::Direct { best, .. } => std::mem::take(best),
                        Piece::Built(..) => Vec::new(),
                    })
                    .collect();
                out.push(Outcome::Direct(best));
                continue;
            }
            let built = pieces
                .into_iter()
                .filter_map(|mut p| {
                    p.leave_direct();
                    match p {
                        Piece::Built(c, d) => Some((c, d)),
                        Piece::Direct { .. } => None,
                    }
                })
                .collect();
            out.push(Outcome::Built(built));
        }
        outcomes.push(out);
    }
    drop(per_thread);
    let mut joined: Vec<Vec<Joined>> = Vec::with_capacity(tasks.len());
    for (storage, outs) in direct.into_iter().zip(outcomes) {
        let mut out = Vec::with_capacity(outs.len());
        for (storage, outcome) in storage.into_iter().zip(outs) {
            match outcome {
                Outcome::Direct(best) => {
                    out.push(Joined {
                        column: ColumnBuilder::from_f32(storage.unwrap_or_default()),
                        deferred: Vec::new(),
                        best: Some(best),
                    });
                }
                Outcome::Built(parts) => {
                    let mut col = ColumnBuilder::with_capacity(0);
                    let mut deferred: Deferred = Vec::new();
                    for (c, d) in parts {
                        let shift = col.len() as u32;
                        deferred.extend(
                            d.into_iter().map(|c| DeferredCell { index: c.index + shift, ..c }),
                        );
                        col.append(c)?;
                    }
                    out.push(Joined { column: col, deferred, best: None });
                }
            }
        }
        joined.push(out);
    }
    // Best epochs and rankings, one column per job.
    let flat: Vec<(usize, usize)> = tasks
        .iter()
        .enumerate()
        .flat_map(|(t, task)| (0..task.lists.len()).map(move |m| (t, m)))
        .collect();
    let answers = parallel(flat.len(), |j| {
        let (t, m) = flat[j];
        let Joined { column: col, best: known, .. } = &joined[t][m];
        let offsets = tasks[t].offsets;
        let best = match known {
            Some(b) => b.clone(),
            None => {
                let mut best = Vec::with_capacity(n);
                rank::best_epochs(col, offsets, &mut best);
                best
            }
        };
        let mut ranking = Vec::with_capacity(n);
        let mut status = Vec::with_capacity(spaces.len());
        let value = |arch: usize| -> Option<Py<'_>> {
            let e = best[arch];
            (e < tnb_schema::transnas::codes::BEST_INCOMPARABLE)
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
        for (m, Joined { mut column, deferred, .. }) in columns.into_iter().enumerate() {
            for DeferredCell { index, value: x, arch } in deferred {
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
