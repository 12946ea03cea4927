//! CPython's `list.sort()`, comparison for comparison, so that even an inconsistent "less
//! than" orders a list exactly as Python does.
//!
//! # Why this exists
//!
//! The official TransNAS-Bench-101 API answers `get_best_archs` with
//! `sorted([(best_value, arch_name) for ...], reverse=True)[:topk]`. Some `best_value`s are
//! NaN, and for NaN Python's comparisons are not an order: `nan < x` and `x < nan` are both
//! false, and a tuple comparison first asks `==` (false for NaN), so a NaN tuple never falls
//! through to the name tie-break. A sort given such a comparison has no "right" answer; the
//! output is whatever CPython's algorithm happens to do, step by step. Any other algorithm
//! (Rust's `sort_by`, a total order on floats, ...) answers differently, so to answer every
//! query exactly like Python we replay CPython's algorithm: the same comparisons, between the
//! same elements, with the same operand order, in the same order, moving elements the same way.
//!
//! # What is emulated
//!
//! CPython **3.11**'s `list.sort()` (verified comparison by comparison against Python 3.11.7 by
//! this crate's tests; 3.12 is believed to sort the same way and the tests accept it, but it has
//! not been tried), as described in CPython's `Objects/listsort.txt`:
//!
//! - natural runs: an ascending run is non-decreasing (`!(v[i] < v[i-1])`), a descending run is
//!   *strictly* decreasing (`v[i] < v[i-1]`) and is reversed in place;
//! - `minrun` from the list length (the whole length below 64), short runs extended to `minrun`
//!   by binary insertion (`pivot < v[mid]`);
//! - the "powersort" merge policy introduced in 3.11 (each run boundary gets a power, runs are
//!   merged while the power below the top is larger), then a final collapse;
//! - merges that first gallop to trim both runs, then `merge_lo` / `merge_hi` with one-pair-at-
//!   a-time and galloping modes, `MIN_GALLOP = 7` and the adaptive `min_gallop` carried across
//!   merges;
//! - `reverse=True` as CPython does it: reverse, sort stably, reverse back.
//!
//! CPython 3.13 changed run detection (descending runs may contain equal elements, and an
//! ascending run may continue after a descending one; python/cpython#116554) and later versions
//! change how `minrun` is picked (python/cpython#135551), so their comparison sequences, and
//! hence their answers for inconsistent comparisons, differ from this crate's.
//!
//! The sort works on a list of indices (plus a scratch buffer of at most half as many) and
//! permutes the slice once at the end, so it needs no `unsafe`, no `Clone`, and never leaves
//! the slice half-moved.
//!
//! Only `<` is ever asked, as `lt(x, y)`; Python's tuple comparison (and hence NaN behaviour)
//! is the caller's business. Note that CPython compares tuple items with an identity shortcut
//! (`x is y` implies equal), so one NaN *object* shared by two tuples compares equal to itself;
//! a caller emulating tuples must decide whether its NaNs are shared objects.
//!
//! ```
//! use std::convert::Infallible;
//! use tnb_pysort::{list_sort, list_sort_reverse};
//!
//! // Python's `(a, s) < (b, t)` for float/str tuples: `a == b` is false for NaN.
//! fn tuple_lt(x: &(f64, &str), y: &(f64, &str)) -> Result<bool, Infallible> {
//!     Ok(if x.0 == y.0 { x.1 < y.1 } else { x.0 < y.0 })
//! }
//! let v = [(0.7, "a"), (0.9, "b"), (f64::NAN, "c"), (0.8, "d"), (0.9, "e")];
//! let names = |v: &[(f64, &str)]| v.iter().map(|x| x.1).collect::<String>();
//!
//! // sorted(v, reverse=True)
//! let mut desc = v;
//! list_sort_reverse(&mut desc, tuple_lt)?;
//! assert_eq!(names(&desc), "cebda");
//!
//! // sorted(v): the NaN hides that 0.9 comes before 0.8, so Python sees one ascending run.
//! let mut asc = v;
//! list_sort(&mut asc, tuple_lt)?;
//! assert_eq!(names(&asc), "abcde");
//! # Ok::<(), Infallible>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// Sorts `v` exactly as CPython 3.11's `list.sort()` does with the given "less than"
/// (Python's `__lt__`), performing the same comparisons in the same order, so that even an
/// inconsistent `lt` (NaN) gives Python's result.
///
/// `lt(x, y)` answers `x < y`. It may fail (Python raises, e.g. `TypeError`); the error is
/// returned from the comparison at which Python would raise, and no further comparison is
/// made. After an error `v` is a permutation of the input (in fact the one Python leaves).
///
/// A panic in `lt` leaves `v` untouched: the sort works on indices and permutes `v` only at
/// the end.
pub fn list_sort<T, E>(v: &mut [T], lt: impl FnMut(&T, &T) -> Result<bool, E>) -> Result<(), E> {
    sort_impl(v, lt, false)
}

/// `list.sort(reverse=True)` / `sorted(..., reverse=True)`, comparison for comparison.
///
/// CPython reverses the list, sorts it stably, and reverses the result, so elements that
/// compare equal keep their original order (and the comparisons differ from sorting with a
/// flipped `lt`). Errors and panics behave as in [`list_sort`].
pub fn list_sort_reverse<T, E>(
    v: &mut [T],
    lt: impl FnMut(&T, &T) -> Result<bool, E>,
) -> Result<(), E> {
    sort_impl(v, lt, true)
}

/// Galloping starts after this many consecutive wins of one run (CPython's `MIN_GALLOP`).
const MIN_GALLOP: usize = 7;

/// Sorts a list of indices into `items` with CPython's algorithm, then applies the resulting
/// permutation to `v`.
///
/// Working on indices keeps the crate free of `unsafe` (merges need a scratch copy of a run,
/// which `T` need not support) and leaves `v` untouched if `lt` panics.
fn sort_impl<T, E, F>(v: &mut [T], lt: F, reverse: bool) -> Result<(), E>
where
    F: FnMut(&T, &T) -> Result<bool, E>,
{
    if v.len() < 2 {
        // CPython returns before any comparison (and before reversing) here.
        return Ok(());
    }
    let mut list: Vec<usize> = (0..v.len()).collect();
    if reverse {
        list.reverse();
    }
    let mut sorter = Sorter {
        cmp: Cmp { items: &*v, lt },
        list,
        tmp: Vec::new(),
        pending: Vec::new(),
        min_gallop: MIN_GALLOP,
    };
    let result = sorter.sort();
    let mut list = sorter.list;
    // CPython reverses back on the error path too.
    if reverse {
        list.reverse();
    }
    apply_permutation(v, list);
    result
}

/// Rearranges `v` so that `v[k]` becomes the old `v[perm[k]]`, by swapping along cycles.
fn apply_permutation<T>(v: &mut [T], mut perm: Vec<usize>) {
    for start in 0..perm.len() {
        let mut i = start;
        // Each position is fixed once: when visited, `perm[i]` is set to `i`.
        loop {
            let src = perm[i];
            perm[i] = i;
            if src == start {
                break;
            }
            v.swap(i, src);
            i = src;
        }
    }
}

/// The caller's comparison over the elements of the list being sorted.
struct Cmp<'a, T, F> {
    items: &'a [T],
    lt: F,
}

impl<T, E, F> Cmp<'_, T, F>
where
    F: FnMut(&T, &T) -> Result<bool, E>,
{
    /// CPython's `ISLT(x, y)`: is element `x` less than element `y` (by index into `items`)?
    fn lt(&mut self, x: usize, y: usize) -> Result<bool, E> {
        (self.lt)(&self.items[x], &self.items[y])
    }

    /// Where `key` goes in the ascending `run`, to the left of any equal elements: the `k` with
    /// `run[k-1] < key <= run[k]`. The search starts at `hint` and gallops (offsets 1, 3, 7, ...)
    /// before a binary search, asking only `run[i] < key`.
    fn gallop_left(&mut self, key: usize, run: &[usize], hint: usize) -> Result<usize, E> {
        let n = run.len();
        // The answer lies in `lo..=hi`.
        let (mut lo, mut hi);
        if self.lt(run[hint], key)? {
            // Gallop right until run[hint + last] < key <= run[hint + ofs].
            let max_ofs = n - hint;
            let (mut last, mut ofs) = (0, 1);
            while ofs < max_ofs {
                if self.lt(run[hint + ofs], key)? {
                    last = ofs;
                    ofs = ofs.saturating_mul(2).saturating_add(1);
                } else {
                    break;
                }
            }
            ofs = ofs.min(max_ofs);
            lo = hint + last + 1;
            hi = hint + ofs;
        } else {
            // Gallop left until run[hint - ofs] < key <= run[hint - last].
            let max_ofs = hint + 1;
            let (mut last, mut ofs) = (0, 1);
            while ofs < max_ofs {
                if self.lt(run[hint - ofs], key)? {
                    break;
                }
                last = ofs;
                ofs = ofs.saturating_mul(2).saturating_add(1);
            }
            ofs = ofs.min(max_ofs);
            // `ofs == hint + 1` stands for "before run[0]"; the binary search starts one right.
            lo = hint + 1 - ofs;
            hi = hint - last;
        }
        // Invariant: run[lo-1] < key <= run[hi].
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.lt(run[mid], key)? {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        Ok(hi)
    }

    /// Where `key` goes in the ascending `run`, to the right of any equal elements: the `k` with
    /// `run[k-1] <= key < run[k]`. Like [`Cmp::gallop_left`] but asking only `key < run[i]`
    /// (`run[i] <= key` is `!(key < run[i])`). Merges place B's elements with this and A's
    /// with [`Cmp::gallop_left`], so that equal elements keep A before B: stability.
    fn gallop_right(&mut self, key: usize, run: &[usize], hint: usize) -> Result<usize, E> {
        let n = run.len();
        let (mut lo, mut hi);
        if self.lt(key, run[hint])? {
            // Gallop left until run[hint - ofs] <= key < run[hint - last].
            let max_ofs = hint + 1;
            let (mut last, mut ofs) = (0, 1);
            while ofs < max_ofs {
                if self.lt(key, run[hint - ofs])? {
                    last = ofs;
                    ofs = ofs.saturating_mul(2).saturating_add(1);
                } else {
                    break;
                }
            }
            ofs = ofs.min(max_ofs);
            lo = hint + 1 - ofs;
            hi = hint - last;
        } else {
            // Gallop right until run[hint + last] <= key < run[hint + ofs].
            let max_ofs = n - hint;
            let (mut last, mut ofs) = (0, 1);
            while ofs < max_ofs {
                if self.lt(key, run[hint + ofs])? {
                    break;
                }
                last = ofs;
                ofs = ofs.saturating_mul(2).saturating_add(1);
            }
            ofs = ofs.min(max_ofs);
            lo = hint + last + 1;
            hi = hint + ofs;
        }
        // Invariant: run[lo-1] <= key < run[hi].
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.lt(key, run[mid])? {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Ok(hi)
    }
}

/// A sorted run waiting on the merge stack.
#[derive(Clone, Copy, Debug)]
struct Run {
    /// First position in the list.
    base: usize,
    len: usize,
    /// Powersort's power of the boundary between this run and the next one on the stack
    /// (meaningful for every run but the top).
    power: u32,
}

/// How a merge's main loop ended, i.e. which tail handling it needs.
enum Tail {
    /// Whatever is left of the run held in the scratch buffer goes into the hole.
    Flush,
    /// `merge_lo`: one element of A is left and belongs after all that is left of B.
    LastA,
    /// `merge_hi`: one element of B is left and belongs before all that is left of A.
    FirstB,
}

/// CPython's `MergeState`, over a list of indices.
struct Sorter<'a, T, F> {
    cmp: Cmp<'a, T, F>,
    /// The list being sorted, as indices into `cmp.items`.
    list: Vec<usize>,
    /// Scratch copy of the smaller run during a merge.
    tmp: Vec<usize>,
    /// The stack of sorted runs not yet merged, left to right.
    pending: Vec<Run>,
    /// Adaptive galloping threshold, carried from merge to merge.
    min_gallop: usize,
}

impl<T, E, F> Sorter<'_, T, F>
where
    F: FnMut(&T, &T) -> Result<bool, E>,
{
    /// The main loop: find (and extend) runs left to right, merging by the powersort rule.
    fn sort(&mut self) -> Result<(), E> {
        let n = self.list.len();
        let min_run = min_run(n);
        let mut lo = 0;
        while lo < n {
            let (mut len, descending) = self.count_run(lo, n)?;
            if descending {
                self.list[lo..lo + len].reverse();
            }
            if len < min_run {
                let force = min_run.min(n - lo);
                self.binary_insertion_sort(lo, lo + force, lo + len)?;
                len = force;
            }
            self.found_new_run(len)?;
            self.pending.push(Run { base: lo, len, power: 0 });
            lo += len;
        }
        // Merge what is left: the next-to-top run with its shorter neighbour (the top run on
        // a tie, which a NaN-laden merge can tell apart).
        while self.pending.len() > 1 {
            let mut i = self.pending.len() - 2;
            if i > 0 && self.pending[i - 1].len < self.pending[i + 1].len {
                i -= 1;
            }
            self.merge_at(i)?;
        }
        Ok(())
    }

    /// Length of the natural run starting at `lo` (ending before `hi > lo`) and whether it is
    /// strictly descending. Descending runs must be strict so that reversing them is stable.
    fn count_run(&mut self, lo: usize, hi: usize) -> Result<(usize, bool), E> {
        if lo + 1 == hi {
            return Ok((1, false));
        }
        let list = &self.list;
        let mut k = lo + 2;
        let descending = self.cmp.lt(list[lo + 1], list[lo])?;
        if descending {
            while k < hi && self.cmp.lt(list[k], list[k - 1])? {
                k += 1;
            }
        } else {
            while k < hi && !self.cmp.lt(list[k], list[k - 1])? {
                k += 1;
            }
        }
        Ok((k - lo, descending))
    }

    /// Sorts `list[lo..hi]` given that `list[lo..start]` is sorted, inserting each further
    /// element after every element it is not less than (so equal elements stay in order).
    fn binary_insertion_sort(&mut self, lo: usize, hi: usize, start: usize) -> Result<(), E> {
        for s in start.max(lo + 1)..hi {
            let pivot = self.list[s];
            // pivot >= all of list[lo..l], pivot < all of list[r..s]; l < r on entry.
            let (mut l, mut r) = (lo, s);
            while l < r {
                let mid = l + (r - l) / 2;
                if self.cmp.lt(pivot, self.list[mid])? {
                    r = mid;
                } else {
                    l = mid + 1;
                }
            }
            self.list.copy_within(l..s, l + 1);
            self.list[l] = pivot;
        }
        Ok(())
    }

    /// Powersort: a run of length `n2` follows the top of the stack. Give their boundary its
    /// power and first merge every run below the top whose boundary power is larger.
    fn found_new_run(&mut self, n2: usize) -> Result<(), E> {
        let Some(top) = self.pending.last() else { return Ok(()) };
        let power = node_power(top.base, top.len, n2, self.list.len());
        while self.pending.len() > 1 && self.pending[self.pending.len() - 2].power > power {
            self.merge_at(self.pending.len() - 2)?;
        }
        if let Some(top) = self.pending.last_mut() {
            top.power = power;
        }
        Ok(())
    }

    /// Merges the adjacent stack runs `i` and `i + 1` (the merged run keeps run `i`'s power).
    fn merge_at(&mut self, i: usize) -> Result<(), E> {
        let a = self.pending[i];
        let b = self.pending.remove(i + 1);
        self.pending[i].len = a.len + b.len;

        // Elements of A not greater than B's first are already in place.
        let k = self.cmp.gallop_right(self.list[b.base], &self.list[a.base..a.base + a.len], 0)?;
        let (base, na) = (a.base + k, a.len - k);
        if na == 0 {
            return Ok(());
        }
        // Elements of B not less than A's last are already in place.
        let nb = self.cmp.gallop_left(
            self.list[base + na - 1],
            &self.list[b.base..b.base + b.len],
            b.len - 1,
        )?;
        if nb == 0 {
            return Ok(());
        }
        // Copy the smaller run out and fill from the other end.
        if na <= nb { self.merge_lo(base, na, nb) } else { self.merge_hi(base, na, nb) }
    }

    /// Merges `list[base..base+na]` (A, copied to `tmp`) with the following `nb` elements (B),
    /// filling from the left. Needs `list[base + na] < list[base]` (from `merge_at`).
    fn merge_lo(&mut self, base: usize, na: usize, nb: usize) -> Result<(), E> {
        self.tmp.clear();
        self.tmp.extend_from_slice(&self.list[base..base + na]);
        let end = base + na + nb;
        let (mut ra, mut rb) = (na, nb);
        let tail = self.merge_lo_loop(na, end, &mut ra, &mut rb);
        // The rest of A is tmp[na - ra..]; of B, list[end - rb..]; the hole is the ra slots
        // before B's rest. On an error the hole is filled too, so the list stays a permutation.
        let a_rest = na - ra;
        match tail {
            Ok(Tail::LastA) => {
                self.list.copy_within(end - rb..end, end - rb - 1);
                self.list[end - 1] = self.tmp[a_rest];
                Ok(())
            }
            other => {
                self.list[end - rb - ra..end - rb].copy_from_slice(&self.tmp[a_rest..]);
                other.map(drop)
            }
        }
    }

    /// The body of [`Sorter::merge_lo`]; `ra` and `rb` count what is left of A and B.
    fn merge_lo_loop(
        &mut self,
        na: usize,
        end: usize,
        ra: &mut usize,
        rb: &mut usize,
    ) -> Result<Tail, E> {
        let Self { cmp, list, tmp, .. } = self;
        // Next free slot, next of A (in tmp), next of B (in list).
        let dest = |ra: usize, rb: usize| end - rb - ra;
        let a_next = |ra: usize| na - ra;
        let b_next = |rb: usize| end - rb;

        // B's first element is known to come first.
        list[dest(*ra, *rb)] = list[b_next(*rb)];
        *rb -= 1;
        if *rb == 0 {
            return Ok(Tail::Flush);
        }
        if *ra == 1 {
            return Ok(Tail::LastA);
        }
        let mut min_gallop = self.min_gallop;
        loop {
            // One pair at a time, until one run wins `min_gallop` times in a row.
            let (mut a_wins, mut b_wins) = (0, 0);
            loop {
                if cmp.lt(list[b_next(*rb)], tmp[a_next(*ra)])? {
                    list[dest(*ra, *rb)] = list[b_next(*rb)];
                    *rb -= 1;
                    b_wins += 1;
                    a_wins = 0;
                    if *rb == 0 {
                        return Ok(Tail::Flush);
                    }
                    if b_wins >= min_gallop {
                        break;
                    }
                } else {
                    list[dest(*ra, *rb)] = tmp[a_next(*ra)];
                    *ra -= 1;
                    a_wins += 1;
                    b_wins = 0;
                    if *ra == 1 {
                        return Ok(Tail::LastA);
                    }
                    if a_wins >= min_gallop {
                        break;
                    }
                }
            }
            // Galloping, until neither run wins by MIN_GALLOP elements at a time; every round
            // of it lowers the threshold, and leaving raises it.
            min_gallop += 1;
            loop {
                min_gallop -= usize::from(min_gallop > 1);
                self.min_gallop = min_gallop;

                let a_at = a_next(*ra);
                let k = cmp.gallop_right(list[b_next(*rb)], &tmp[a_at..na], 0)?;
                a_wins = k;
                if k > 0 {
                    let d = dest(*ra, *rb);
                    list[d..d + k].copy_from_slice(&tmp[a_at..a_at + k]);
                    *ra -= k;
                    if *ra == 1 {
                        return Ok(Tail::LastA);
                    }
                    // Impossible for a consistent `lt`, but NaN is not one.
                    if *ra == 0 {
                        return Ok(Tail::Flush);
                    }
                }
                list[dest(*ra, *rb)] = list[b_next(*rb)];
                *rb -= 1;
                if *rb == 0 {
                    return Ok(Tail::Flush);
                }

                let b_at = b_next(*rb);
                let k = cmp.gallop_left(tmp[a_next(*ra)], &list[b_at..end], 0)?;
                b_wins = k;
                if k > 0 {
                    list.copy_within(b_at..b_at + k, dest(*ra, *rb));
                    *rb -= k;
                    if *rb == 0 {
                        return Ok(Tail::Flush);
                    }
                }
                list[dest(*ra, *rb)] = tmp[a_next(*ra)];
                *ra -= 1;
                if *ra == 1 {
                    return Ok(Tail::LastA);
                }
                if a_wins < MIN_GALLOP && b_wins < MIN_GALLOP {
                    break;
                }
            }
            min_gallop += 1;
            self.min_gallop = min_gallop;
        }
    }

    /// Merges `list[base..base+na]` (A) with the following `nb` elements (B, copied to
    /// `tmp`), filling from the right. Needs A's last element to be greater than B's last
    /// (from `merge_at`).
    fn merge_hi(&mut self, base: usize, na: usize, nb: usize) -> Result<(), E> {
        self.tmp.clear();
        self.tmp.extend_from_slice(&self.list[base + na..base + na + nb]);
        let (mut ra, mut rb) = (na, nb);
        let tail = self.merge_hi_loop(base, &mut ra, &mut rb);
        // The rest of A is list[base..base + ra]; of B, tmp[..rb]; the hole is the rb slots
        // after A's rest. On an error the hole is filled too, so the list stays a permutation.
        match tail {
            Ok(Tail::FirstB) => {
                self.list.copy_within(base..base + ra, base + 1);
                self.list[base] = self.tmp[0];
                Ok(())
            }
            other => {
                self.list[base + ra..base + ra + rb].copy_from_slice(&self.tmp[..rb]);
                other.map(drop)
            }
        }
    }

    /// The body of [`Sorter::merge_hi`]; `ra` and `rb` count what is left of A and B.
    fn merge_hi_loop(&mut self, base: usize, ra: &mut usize, rb: &mut usize) -> Result<Tail, E> {
        let Self { cmp, list, tmp, .. } = self;
        // Last free slot, last of A (in list), last of B (in tmp).
        let dest = |ra: usize, rb: usize| base + ra + rb - 1;
        let a_last = |ra: usize| base + ra - 1;
        let b_last = |rb: usize| rb - 1;

        // A's last element is known to come last.
        list[dest(*ra, *rb)] = list[a_last(*ra)];
        *ra -= 1;
        if *ra == 0 {
            return Ok(Tail::Flush);
        }
        if *rb == 1 {
            return Ok(Tail::FirstB);
        }
        let mut min_gallop = self.min_gallop;
        loop {
            let (mut a_wins, mut b_wins) = (0, 0);
            loop {
                if cmp.lt(tmp[b_last(*rb)], list[a_last(*ra)])? {
                    list[dest(*ra, *rb)] = list[a_last(*ra)];
                    *ra -= 1;
                    a_wins += 1;
                    b_wins = 0;
                    if *ra == 0 {
                        return Ok(Tail::Flush);
                    }
                    if a_wins >= min_gallop {
                        break;
                    }
                } else {
                    list[dest(*ra, *rb)] = tmp[b_last(*rb)];
                    *rb -= 1;
                    b_wins += 1;
                    a_wins = 0;
                    if *rb == 1 {
                        return Ok(Tail::FirstB);
                    }
                    if b_wins >= min_gallop {
                        break;
                    }
                }
            }
            min_gallop += 1;
            loop {
                min_gallop -= usize::from(min_gallop > 1);
                self.min_gallop = min_gallop;

                // How many of A's last elements are greater than B's last.
                let k =
                    *ra - cmp.gallop_right(tmp[b_last(*rb)], &list[base..base + *ra], *ra - 1)?;
                a_wins = k;
                if k > 0 {
                    let from = base + *ra - k;
                    list.copy_within(from..from + k, from + *rb);
                    *ra -= k;
                    if *ra == 0 {
                        return Ok(Tail::Flush);
                    }
                }
                list[dest(*ra, *rb)] = tmp[b_last(*rb)];
                *rb -= 1;
                if *rb == 1 {
                    return Ok(Tail::FirstB);
                }

                // How many of B's last elements are not less than A's last.
                let k = *rb - cmp.gallop_left(list[a_last(*ra)], &tmp[..*rb], *rb - 1)?;
                b_wins = k;
                if k > 0 {
                    let from = *rb - k;
                    let to = base + *ra + from;
                    list[to..to + k].copy_from_slice(&tmp[from..*rb]);
                    *rb -= k;
                    if *rb == 1 {
                        return Ok(Tail::FirstB);
                    }
                    // Impossible for a consistent `lt`, but NaN is not one.
                    if *rb == 0 {
                        return Ok(Tail::Flush);
                    }
                }
                list[dest(*ra, *rb)] = list[a_last(*ra)];
                *ra -= 1;
                if *ra == 0 {
                    return Ok(Tail::Flush);
                }
                if a_wins < MIN_GALLOP && b_wins < MIN_GALLOP {
                    break;
                }
            }
            min_gallop += 1;
            self.min_gallop = min_gallop;
        }
    }
}

/// Minimum run length for a list of `n` elements: `n` itself below 64, else a value in
/// `32..=64` such that `n / minrun` is a power of two or slightly less (listsort.txt).
fn min_run(mut n: usize) -> usize {
    let mut low_bits_set = 0;
    while n >= 64 {
        low_bits_set |= n & 1;
        n >>= 1;
    }
    n + low_bits_set
}

/// Powersort's power of the boundary between a run at `s1` of length `n1` and the run of
/// length `n2` after it, in a list of length `n`: the depth of the first bit at which the
/// binary fractions of the two runs' midpoints (divided by `n`) differ.
///
/// Works with doubled midpoints so that they are integers; compares one bit per round by
/// long division. Doubling cannot overflow: every value stays below `2 * n` and a slice of
/// `usize` has fewer than `usize::MAX / 2` elements.
fn node_power(s1: usize, n1: usize, n2: usize, n: usize) -> u32 {
    let mut a = 2 * s1 + n1;
    let mut b = a + n1 + n2;
    let mut power = 0;
    loop {
        power += 1;
        if a >= n {
            // Both bits are 1.
            a -= n;
            b -= n;
        } else if b >= n {
            // The bits differ.
            return power;
        }
        a <<= 1;
        b <<= 1;
    }
}

#[cfg(test)]
mod tests {
    //! The differential tests run the machine's `python3` (which must be CPython 3.11 or 3.12;
    //! they fail, not skip, otherwise) once per test on a batch of lists, and compare the
    //! resulting orders, and for a subset every comparison made, with this crate's.

    use super::*;
    use std::convert::Infallible;
    use std::io::Write;
    use std::process::{Command, Stdio};

    /// Deterministic test data: the workspace's xorshift64* (the same sequences this module's
    /// own copy of it gave, so the cases are unchanged).
    type Rng = tnb_testrng::TestRng;

    /// One element of a test list: Python's `(value, name)` plus where it started.
    #[derive(Clone, Copy, Debug)]
    struct Elem<'a> {
        val: f64,
        name: &'a str,
        idx: usize,
    }

    /// Python's `(a, s) < (b, t)` for distinct float objects: `==` first (false for NaN),
    /// then `<` on the first items that differ.
    fn tuple_lt(x: &Elem<'_>, y: &Elem<'_>) -> bool {
        if x.val == y.val { x.name < y.name } else { x.val < y.val }
    }

    /// A test list and how it was made (for failure messages).
    struct Case {
        desc: String,
        items: Vec<(f64, String)>,
    }

    const NANS: [u64; 3] = [0x7ff8_0000_0000_0000, 0xfff8_0000_0000_0000, 0x7ff8_dead_0000_0001];
    const SHAPES: usize = 7;

    fn nan(rng: &mut Rng) -> f64 {
        f64::from_bits(NANS[rng.below(NANS.len())])
    }

    fn value(rng: &mut Rng, pool: usize) -> f64 {
        match pool {
            // Few values, with ±0 (equal in Python, so the name decides) and infinities.
            0 => [0.0, -0.0, 0.5, 1.0, 2.0, f64::INFINITY, f64::NEG_INFINITY, -1.5][rng.below(8)],
            // Benchmark-like accuracies: many ties.
            1 => rng.below(50) as f64 / 10.0,
            _ => rng.f64(),
        }
    }

    fn name(rng: &mut Rng, style: usize) -> String {
        match style {
            // Whole-tuple duplicates are common.
            0 => ["a", "b", "c"][rng.below(3)].to_string(),
            1 => {
                let mut d = || rng.below(4);
                format!("64-41414-{}_{}{}_{}{}{}", d(), d(), d(), d(), d(), d())
            }
            _ => {
                const CHARS: &[u8] = b"abcXYZ019-_";
                let len = 1 + rng.below(5);
                (0..len).map(|_| char::from(CHARS[rng.below(CHARS.len())])).collect()
            }
        }
    }

    /// Sorted by a total order (so the list has long runs), ignoring Python's NaN rules.
    fn sort_total(items: &mut [(f64, String)]) {
        items.sort_by(|x, y| x.0.total_cmp(&y.0).then_with(|| x.1.cmp(&y.1)));
    }

    fn gen_case(rng: &mut Rng, n: usize, shape: usize) -> Case {
        let nan_percent = [0, 2, 10, 30, 60, 95][rng.below(6)];
        let pool = rng.below(3);
        let style = rng.below(3);
        let mut items: Vec<(f64, String)> =
            (0..n).map(|_| (value(rng, pool), name(rng, style))).collect();
        match shape {
            // Random order.
            0 => {}
            1 => sort_total(&mut items),
            2 => {
                sort_total(&mut items);
                items.reverse();
            }
            // Many natural runs, both directions, of varied lengths: merges and galloping.
            3 => {
                let max_chunk = [8, 64, 300, 1000][rng.below(4)];
                let mut start = 0;
                while start < n {
                    let len = 1 + rng.below(max_chunk.min(n - start));
                    let chunk = &mut items[start..start + len];
                    sort_total(chunk);
                    if rng.below(2) == 0 {
                        chunk.reverse();
                    }
                    start += len;
                }
            }
            // All values equal (NaN a quarter of the time): only the names can order.
            4 => {
                let v = if rng.below(4) == 0 { nan(rng) } else { value(rng, pool) };
                items.iter_mut().for_each(|x| x.0 = v);
            }
            5 => items.iter_mut().for_each(|x| x.0 = nan(rng)),
            // Nearly sorted.
            _ => {
                sort_total(&mut items);
                for _ in 0..=n / 50 {
                    if n > 0 {
                        let (i, j) = (rng.below(n), rng.below(n));
                        items.swap(i, j);
                    }
                }
            }
        }
        if shape != 4 && shape != 5 {
            for x in &mut items {
                if rng.below(100) < nan_percent {
                    x.0 = nan(rng);
                }
            }
        }
        let desc = format!("n={n} shape={shape} nan%={nan_percent} pool={pool} names={style}");
        Case { desc, items }
    }

    /// Ascending runs of the given lengths, each ending in its maximum (a value > 1) so that
    /// the next run starts lower, with NaN at `nan_percent` of the interior positions.
    fn runs_case(rng: &mut Rng, lens: &[usize], nan_percent: usize) -> Case {
        let style = rng.below(3);
        let mut items = Vec::new();
        for &len in lens {
            let mut run: Vec<(f64, String)> =
                (0..len).map(|_| (value(rng, 1) / 5.0, name(rng, style))).collect();
            sort_total(&mut run);
            for (i, x) in run.iter_mut().enumerate() {
                if i + 1 == len {
                    x.0 = 1.0 + value(rng, 2);
                } else if i > 0 && rng.below(100) < nan_percent {
                    x.0 = nan(rng);
                }
            }
            items.extend(run);
        }
        let desc = format!("runs {lens:?} nan%={nan_percent} names={style}");
        Case { desc, items }
    }

    /// Fixed lengths around the thresholds (minrun 64, powers of two) and random ones.
    fn cases() -> Vec<Case> {
        const LENS: [usize; 29] = [
            0, 1, 2, 3, 4, 5, 7, 8, 31, 32, 33, 63, 64, 65, 66, 100, 127, 128, 129, 255, 256, 257,
            500, 1000, 1023, 1024, 1025, 1500, 1999,
        ];
        let mut rng = Rng::new(0x9E37_79B9_7F4A_7C15);
        let mut out = Vec::new();
        for n in LENS {
            for shape in 0..SHAPES {
                out.push(gen_case(&mut rng, n, shape));
            }
        }
        // Natural runs whose lengths make the final collapse see equal lengths two apart
        // (found by simulating the merge stack), with NaNs inside the runs: NaNs do not break
        // an ascending run, but do make the merge order visible.
        const RUN_PATTERNS: [&[usize]; 6] = [
            &[51, 300, 51],
            &[186, 106, 186],
            &[205, 215, 205],
            &[204, 108, 117, 62, 117],
            &[250, 74, 84, 115, 84],
            &[252, 255, 168, 127, 109, 59],
        ];
        for pattern in RUN_PATTERNS {
            for nan_percent in [5, 30] {
                out.push(runs_case(&mut rng, pattern, nan_percent));
            }
        }
        for _ in 0..400 {
            let n = if rng.below(2) == 0 { rng.below(200) } else { rng.below(2001) };
            let shape = rng.below(SHAPES);
            out.push(gen_case(&mut rng, n, shape));
        }
        out
    }

    /// What one sort did: whether it succeeded, the final order (original positions), and
    /// every comparison made as `[x, y]` for `x < y` (original positions).
    #[derive(Debug, PartialEq, Eq)]
    struct Outcome {
        ok: bool,
        order: Vec<usize>,
        trace: Vec<usize>,
    }

    /// Sorts `items` with this crate; comparison number `fail_at` (1-based, 0 = never) fails.
    fn rust_sort(items: &[(f64, String)], reverse: bool, fail_at: usize) -> Outcome {
        let mut v: Vec<Elem<'_>> = items
            .iter()
            .enumerate()
            .map(|(idx, (val, name))| Elem { val: *val, name, idx })
            .collect();
        let mut trace = Vec::new();
        let lt = |x: &Elem<'_>, y: &Elem<'_>| {
            trace.extend([x.idx, y.idx]);
            if trace.len() / 2 == fail_at { Err("injected") } else { Ok(tuple_lt(x, y)) }
        };
        let res = if reverse { list_sort_reverse(&mut v, lt) } else { list_sort(&mut v, lt) };
        if let Err(e) = res {
            assert_eq!(e, "injected");
        }
        Outcome { ok: res.is_ok(), order: v.iter().map(|e| e.idx).collect(), trace }
    }

    /// Sorts lists of `(float, str)` tuples (mode `tuple`), or of objects whose `__lt__` does
    /// the same comparison and logs it, failing with `TypeError` at call `fail_at` (mode
    /// `trace`). Input: the number of lists, then per list its length `n` and `n` lines
    /// `<f64 bits in hex> <name>`; the number of jobs, then per job `list reverse fail_at`.
    /// Output per job: `ok`/`err`, the order, the trace.
    const PY_SCRIPT: &str = r#"
import struct, sys
if sys.implementation.name != 'cpython' or sys.version_info[:2] not in ((3, 11), (3, 12)):
    sys.exit('tnb-pysort emulates CPython 3.11/3.12 list.sort; python3 is ' + sys.version)
mode = sys.argv[1]
calls, fail_at, log = 0, 0, []
class K:
    __slots__ = ('v', 's', 'i')
    def __init__(self, v, s, i):
        self.v, self.s, self.i = v, s, i
    def __lt__(self, o):
        global calls
        calls += 1
        log.append(self.i); log.append(o.i)
        if calls == fail_at:
            raise TypeError('injected')
        return self.s < o.s if self.v == o.v else self.v < o.v
lines = iter(sys.stdin.read().split('\n'))
lists = []
for _ in range(int(next(lines))):
    rows = [next(lines).split() for _ in range(int(next(lines)))]
    lists.append([(bytes.fromhex(h), s) for h, s in rows])
out = []
for _ in range(int(next(lines))):
    li, rev, fail_at = map(int, next(lines).split())
    # struct.unpack makes a distinct float object per row, so no NaN is shared (`is`).
    vals = [(struct.unpack('>d', b)[0], s) for b, s in lists[li]]
    calls, log, status = 0, [], 'ok'
    if mode == 'tuple':
        pos = {id(t): i for i, t in enumerate(vals)}
        order = [pos[id(t)] for t in sorted(vals, reverse=bool(rev))]
    else:
        lst = [K(v, s, i) for i, (v, s) in enumerate(vals)]
        try:
            lst.sort(reverse=bool(rev))
        except TypeError:
            status = 'err'
        order = [k.i for k in lst]
    out += [status, ' '.join(map(str, order)), ' '.join(map(str, log))]
sys.stdout.write('\n'.join(out) + '\n')
"#;

    /// A sort to do in Python: `(case, reverse, fail_at)`.
    type Job = (usize, bool, usize);

    fn python_sorts(mode: &str, cases: &[Case], jobs: &[Job]) -> Vec<Outcome> {
        use std::fmt::Write as _;
        let mut input = String::new();
        let mut line = |args: std::fmt::Arguments<'_>| {
            input.write_fmt(args).expect("writing to a String");
            input.push('\n');
        };
        line(format_args!("{}", cases.len()));
        for case in cases {
            line(format_args!("{}", case.items.len()));
            for (val, name) in &case.items {
                line(format_args!("{:016x} {name}", val.to_bits()));
            }
        }
        line(format_args!("{}", jobs.len()));
        for &(case, reverse, fail_at) in jobs {
            line(format_args!("{case} {} {fail_at}", u8::from(reverse)));
        }
        let mut child = Command::new("python3")
            .args(["-c", PY_SCRIPT, mode])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run python3 ({e}): these tests need CPython 3.11"));
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let out = child.wait_with_output().expect("waiting for python3");
        let written = writer.join().expect("stdin writer thread");
        assert!(out.status.success(), "python3 failed: {}", String::from_utf8_lossy(&out.stderr));
        written.expect("writing to python3");

        let text = String::from_utf8(out.stdout).expect("python3 output is UTF-8");
        let mut lines = text.split('\n');
        let numbers = |line: Option<&str>| -> Vec<usize> {
            let line = line.expect("python3 output is too short");
            line.split_whitespace().map(|x| x.parse().expect("an index")).collect()
        };
        jobs.iter()
            .map(|_| {
                let ok = match lines.next() {
                    Some("ok") => true,
                    Some("err") => false,
                    other => panic!("unexpected python3 status line {other:?}"),
                };
                let order = numbers(lines.next());
                let trace = numbers(lines.next());
                Outcome { ok, order, trace }
            })
            .collect()
    }

    /// Compares Python's and our outcomes job by job; `with_trace` also compares comparisons.
    fn check(cases: &[Case], jobs: &[Job], python: &[Outcome], with_trace: bool) {
        assert_eq!(python.len(), jobs.len());
        for (&(case, reverse, fail_at), py) in jobs.iter().zip(python) {
            let ours = rust_sort(&cases[case].items, reverse, fail_at);
            let what =
                format!("case {case} ({}), reverse={reverse}, fail_at={fail_at}", cases[case].desc);
            if with_trace {
                let first_diff = ours.trace.iter().zip(&py.trace).position(|(a, b)| a != b);
                assert!(
                    ours.trace == py.trace,
                    "{what}: comparison traces differ (lengths {} vs Python's {}, first \
                     difference at value {first_diff:?})",
                    ours.trace.len(),
                    py.trace.len(),
                );
            }
            assert_eq!(ours.ok, py.ok, "{what}: success differs");
            let first_diff = ours.order.iter().zip(&py.order).position(|(a, b)| a != b);
            assert!(
                ours.order == py.order,
                "{what}: orders differ, first at position {first_diff:?}"
            );
        }
    }

    #[test]
    fn matches_python_sorted_on_float_str_tuples_with_nan() {
        let cases = cases();
        let jobs: Vec<Job> = (0..cases.len()).flat_map(|i| [(i, false, 0), (i, true, 0)]).collect();
        let python = python_sorts("tuple", &cases, &jobs);
        check(&cases, &jobs, &python, false);
        let elements: usize = cases.iter().map(|c| c.items.len()).sum();
        eprintln!("compared {} sorts of {} lists, {elements} elements", jobs.len(), cases.len());
    }

    #[test]
    fn matches_python_comparison_for_comparison() {
        let cases = cases();
        let jobs: Vec<Job> = (0..cases.len())
            .filter(|i| i % 4 == 0)
            .flat_map(|i| [(i, false, 0), (i, true, 0)])
            .collect();
        let python = python_sorts("trace", &cases, &jobs);
        check(&cases, &jobs, &python, true);
        let compares: usize = python.iter().map(|o| o.trace.len() / 2).sum();
        eprintln!("compared {} sorts, {compares} comparisons", jobs.len());
    }

    #[test]
    fn failing_comparison_stops_where_python_raises_and_leaves_pythons_order() {
        let cases = cases();
        let mut rng = Rng::new(0x0123_4567_89AB_CDEF);
        let mut jobs: Vec<Job> = Vec::new();
        for (i, case) in cases.iter().enumerate().filter(|(i, c)| i % 9 == 0 && c.items.len() > 1) {
            for reverse in [false, true] {
                let total = rust_sort(&case.items, reverse, 0).trace.len() / 2;
                // Somewhere in the middle, and the very last comparison.
                jobs.extend([(i, reverse, 1 + rng.below(total)), (i, reverse, total)]);
            }
        }
        let python = python_sorts("trace", &cases, &jobs);
        assert!(python.iter().all(|o| !o.ok), "Python raised every time");
        check(&cases, &jobs, &python, true);
    }

    #[test]
    fn error_propagates_at_the_failing_comparison() {
        let mut v: Vec<u32> = (0..100).rev().chain(0..100).collect();
        let mut calls = 0;
        let res = list_sort(&mut v, |a, b| {
            calls += 1;
            if calls == 150 { Err(format!("cannot compare {a} and {b}")) } else { Ok(a < b) }
        });
        assert!(res.is_err_and(|e| e.starts_with("cannot compare")));
        assert_eq!(calls, 150, "no comparison after the failing one");
        let mut sorted = v.clone();
        sorted.sort_unstable();
        let expected: Vec<u32> = (0..100).flat_map(|x| [x, x]).collect();
        assert_eq!(sorted, expected, "still a permutation of the input");

        let mut w = [3, 1, 2];
        assert_eq!(list_sort_reverse(&mut w, |_, _| Err::<bool, _>(7)), Err(7));
    }

    #[test]
    fn panicking_comparison_leaves_input_untouched() {
        let mut v: Vec<u32> = (0..300).map(|i| (i * 7919) % 300).collect();
        let before = v.clone();
        let mut calls = 0;
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            list_sort(&mut v, |a, b| {
                calls += 1;
                assert!(calls < 500, "comparison panics");
                Ok::<_, Infallible>(a < b)
            })
        }));
        assert!(caught.is_err());
        assert_eq!(v, before);
    }

    #[test]
    fn matches_std_stable_sort_for_consistent_comparisons() {
        let mut rng = Rng::new(0xDEAD_BEEF_CAFE_F00D);
        for round in 0..250 {
            let n = rng.below(2001);
            let range = [1, 2, 10, 1000, usize::MAX][round % 5];
            let mut v: Vec<(usize, usize)> = (0..n).map(|i| (rng.below(range), i)).collect();
            if round % 3 == 0 {
                // Long runs in both directions, so that merges gallop.
                let mut start = 0;
                while start < n {
                    let len = 1 + rng.below(500.min(n - start));
                    v[start..start + len].sort_by_key(|x| x.0);
                    if rng.below(2) == 0 {
                        v[start..start + len].reverse();
                    }
                    start += len;
                }
            }
            let lt = |a: &(usize, usize), b: &(usize, usize)| Ok::<_, Infallible>(a.0 < b.0);

            let mut ours = v.clone();
            list_sort(&mut ours, lt).unwrap();
            let mut std = v.clone();
            std.sort_by_key(|x| x.0);
            assert_eq!(ours, std, "ascending, round {round}");

            let mut ours = v.clone();
            list_sort_reverse(&mut ours, lt).unwrap();
            let mut std = v;
            std.sort_by_key(|x| std::cmp::Reverse(x.0));
            assert_eq!(ours, std, "descending, round {round}");
        }
    }

    #[test]
    fn min_run_and_node_power() {
        assert_eq!(min_run(0), 0);
        assert_eq!(min_run(63), 63);
        assert_eq!(min_run(64), 32);
        assert_eq!(min_run(65), 33);
        assert_eq!(min_run(2000), 63);
        assert_eq!(min_run(usize::MAX), 64);
        // Two halves of a list meet at its midpoint: power 1.
        assert_eq!(node_power(0, 50, 50, 100), 1);
        assert_eq!(node_power(0, 25, 25, 100), 2);
        assert_eq!(node_power(100, 37, 900, 2000), 2);
        // The largest possible list: no overflow (values checked with exact fractions).
        assert_eq!(node_power(usize::MAX / 2 - 2, 1, 1, usize::MAX / 2), 63);
    }
}
