//! Pass 1: the opcodes only. Marks every memo id that a later get reads (pass 2 keeps exactly
//! those), finds where the pickle ends, and collects the top-level dict's keys, tracking only
//! the stack's depth (no values are built).

use std::io::Read;

use std::collections::HashMap;

use super::ids::Ids;
use super::input::Input;
use super::keys::Fast;
use super::limits::StreamLimits;
use crate::error::{Error, ErrorKind};
use crate::ops::{self, *};
use crate::text;

/// Longest top-level key kept by pass 1, in bytes (longer ones are skipped).
const MAX_TOP_KEY: u64 = 4096;

/// What pass 1 found.
#[derive(Debug)]
pub struct Scan {
    /// The top-level dict's str keys in order, as written inline in the dict's own batches
    /// (keys given as memo gets, or of other types, are not listed); `None` when the object is
    /// not a dict made by `EMPTY_DICT`.
    pub top_keys: Option<Vec<String>>,
    /// Bytes of the pickle, through its `STOP`.
    pub len: u64,
    /// Counts, for reports.
    pub stats: ScanStats,
    pub(crate) ids: Ids,
    pub(crate) splits: Splits,
    pub(crate) reads: Reads,
}

/// How many gets read each memo id: pass 2 drops a kept entry after its last read, so the memo
/// holds what is still to be read, not everything ever read (NAS-Bench-201's `'set@epoch'`
/// strings are read within their arch only).
#[derive(Debug)]
pub(crate) struct Reads {
    pub(crate) left: HashMap<u64, u32, Fast>,
    max: usize,
}

/// Bytes the table of read counts is counted as per id (against
/// [`StreamLimits::max_kept_bytes`]).
const READ_COUNT_BYTES: u64 = 16;

impl Reads {
    fn count(&mut self, id: u64, at: u64) -> Result<(), Error> {
        if let Some(n) = self.left.get_mut(&id) {
            *n = n.saturating_add(1);
            return Ok(());
        }
        if self.left.len() >= self.max {
            return Err(Error {
                offset: Some(at),
                kind: ErrorKind::Limit {
                    what: "memo ids read by gets, 16 bytes each (MAX_KEPT_BYTES / 16)",
                    limit: self.max as u64,
                },
            });
        }
        self.left.try_reserve(1).map_err(|_| crate::grow::out_of_memory())?;
        self.left.insert(id, 1);
        Ok(())
    }
}

/// Counts pass 1 saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanStats {
    /// Opcodes read.
    pub opcodes: u64,
    /// Distinct memo ids stored.
    pub memo_ids: u64,
    /// Memo gets.
    pub gets: u64,
    /// Distinct memo ids that some get reads (what pass 2 keeps).
    pub read_ids: u64,
    /// Bytes of the two bitmaps pass 1 built.
    pub bitmap_bytes: u64,
    /// Whether the pickle uses `MEMOIZE` (protocol 4+), whose ids pass 2 must count.
    pub memoize: bool,
}

/// Depth-only model of the stack, for the top-level keys.
struct Shape {
    depth: u64,
    marks: Vec<u64>,
    /// Slot 0 holds a dict made by `EMPTY_DICT`.
    root_dict: bool,
    /// Key candidates pushed at the root dict's item level: (stack position, the str if it was
    /// written inline).
    pending: Vec<(u64, Option<String>)>,
    keys: Vec<String>,
    /// Slot of the last `EMPTY_DICT` pushed as a value of the root dict.
    dict_value: Option<u64>,
    /// The root-level dict whose item batches are being followed (see [`Splits`]).
    cand: Option<Cand>,
    splits: Splits,
}

/// Where each entry of a root-level dict is complete, for pass 2's hand-out: for the dict whose
/// first item batch opens with the `MARK` at a given offset, the offset of the last opcode that
/// touches each of its entries (key and value) before the `SETITEMS` that stores it. A pickler
/// finishes a value before the next key, but from the stack alone "the next key was pushed" is
/// ambiguous (a one-item dict is written `EMPTY_DICT key value SETITEM`, so its key looks like
/// the next entry's); the depth model of pass 1 knows, for every opcode, the lowest stack slot
/// it reads or changes.
#[derive(Debug, Default)]
pub(crate) struct Splits {
    pub(crate) by_mark: Vec<(u64, Vec<u64>)>,
    /// Entries recorded in all dicts (bounded by [`MAX_SPLIT_ENTRIES`]).
    total: u64,
}

/// Most entries recorded over all root-level dicts (8 bytes each): 2^24. Past it, pass 2 hands
/// the remaining entries of a dict out at their batch's `SETITEMS` (at most 1000 at once as
/// picklers write them).
pub(crate) const MAX_SPLIT_ENTRIES: u64 = 1 << 24;

#[derive(Debug)]
struct Cand {
    /// Stack slot of the dict; its items sit from `slot + 1` up.
    slot: u64,
    mark_at: u64,
    /// Entries stored by earlier batches.
    done: u64,
    last: Vec<u64>,
    full: bool,
}

impl Shape {
    /// Records that the opcode at `at` read or changed the stack slots from `low` up (to
    /// `high`, exclusive), for the entries of the followed dict.
    fn touch(&mut self, at: u64, low: u64, high: u64) {
        let Some(c) = &mut self.cand else {
            return;
        };
        let base = c.slot + 1;
        if low < base || c.full {
            return;
        }
        let first = c.done + (low - base) / 2;
        let last = c.done + (high.max(low + 1) - 1 - base) / 2;
        for j in first..=last {
            let j = j as usize;
            if j >= c.last.len() {
                if self.splits.total >= MAX_SPLIT_ENTRIES || c.last.try_reserve(1).is_err() {
                    c.full = true;
                    return;
                }
                self.splits.total += 1;
                c.last.resize(j + 1, 0);
            }
            c.last[j] = at;
        }
    }

    /// The followed dict is done (consumed, or not a dict's items after all).
    fn end_cand(&mut self) {
        if let Some(c) = self.cand.take() {
            if !c.full {
                self.splits.by_mark.push((c.mark_at, c.last));
            }
        }
    }
}

impl Shape {
    fn root_level(&self) -> bool {
        self.root_dict && (self.marks.is_empty() || self.marks == [1])
    }

    fn pop(&mut self, n: u64) {
        self.depth = self.depth.saturating_sub(n);
        while self.pending.last().is_some_and(|(p, _)| *p >= self.depth) {
            self.pending.pop();
        }
    }

    fn push(&mut self, op: u8, key: Option<String>) {
        let p = self.depth;
        if p == 0 {
            self.root_dict = op == EMPTY_DICT;
            self.keys.clear();
        } else if p % 2 == 1 && self.root_level() && self.pending.len() < 1 << 16 {
            self.pending.push((p, key));
        } else if p % 2 == 0 && self.root_level() {
            self.dict_value = (op == EMPTY_DICT).then_some(p);
        }
        self.depth += 1;
    }

    fn pop_to_mark(&mut self) {
        let m = self.marks.pop().unwrap_or(0);
        self.pop(self.depth.saturating_sub(m));
    }

    fn commit(&mut self) {
        for (_, k) in self.pending.drain(..) {
            if let Some(k) = k {
                if self.keys.len() < 1 << 16 {
                    self.keys.push(k);
                }
            }
        }
    }
}

/// Pass 1 over a pickle of at most `total` bytes read from `r` (it must end with a `STOP` at or
/// before `total`). `progress(bytes_read)` is called every few tens of MB.
pub fn scan<R: Read>(
    r: R,
    total: u64,
    limits: &StreamLimits,
    progress: &mut dyn FnMut(u64),
) -> Result<Scan, Error> {
    let clipped = total > limits.max_pickle_size;
    let inp = Input::new(r, total.min(limits.max_pickle_size), progress)?;
    scan_input(inp, clipped, limits)
}

/// [`scan`] of a stream whose length is not known in advance (a decoder's output): it is read
/// up to the pickle's `STOP` (and at most [`StreamLimits::max_pickle_size`] bytes); an end
/// before is a truncation. [`Scan::len`] then gives the length for [`crate::stream::load`].
pub fn scan_unsized<R: Read>(
    r: R,
    limits: &StreamLimits,
    progress: &mut dyn FnMut(u64),
) -> Result<Scan, Error> {
    let inp = Input::new(r, limits.max_pickle_size, progress)?.length_unknown();
    scan_input(inp, false, limits)
}

fn scan_input<R: Read>(
    mut inp: Input<'_, R>,
    clipped: bool,
    limits: &StreamLimits,
) -> Result<Scan, Error> {
    let mut ids = Ids::new(limits.max_memo_id, true);
    let mut sh = Shape {
        depth: 0,
        marks: Vec::new(),
        root_dict: false,
        pending: Vec::new(),
        keys: Vec::new(),
        dict_value: None,
        cand: None,
        splits: Splits::default(),
    };
    let mut stats = ScanStats::default();
    let mut reads = Reads {
        left: HashMap::with_hasher(Fast::new()),
        max: usize::try_from(limits.max_kept_bytes / READ_COUNT_BYTES).unwrap_or(usize::MAX),
    };
    let max_str = limits.max_str_len;
    let res: Result<(), Error> = (|| {
        loop {
            let op = inp.opcode()?;
            stats.opcodes += 1;
            let d0 = sh.depth;
            let mark0 = sh.marks.last().copied();
            match op {
                // The hot opcodes first.
                BINFLOAT => {
                    inp.take(8, op)?;
                    sh.push(op, None);
                }
                LONG_BINPUT => {
                    let id = inp.u32(op)?;
                    ids.put(u64::from(id), inp.op_at)?;
                }
                BINPUT => {
                    let id = inp.u8(op)?;
                    ids.put(u64::from(id), inp.op_at)?;
                }
                LONG_BINGET => {
                    let id = inp.u32(op)?;
                    ids.get(u64::from(id), inp.op_at)?;
                    reads.count(u64::from(id), inp.op_at)?;
                    stats.gets += 1;
                    sh.push(op, None);
                }
                BINGET => {
                    let id = inp.u8(op)?;
                    ids.get(u64::from(id), inp.op_at)?;
                    reads.count(u64::from(id), inp.op_at)?;
                    stats.gets += 1;
                    sh.push(op, None);
                }
                BINUNICODE | SHORT_BINUNICODE | BINUNICODE8 | BINSTRING | SHORT_BINSTRING => {
                    let width = match op {
                        SHORT_BINUNICODE | SHORT_BINSTRING => 1,
                        BINUNICODE | BINSTRING => 4,
                        _ => 8,
                    };
                    let n = inp.len_arg(width, op, max_str)?;
                    let key_slot = sh.depth % 2 == 1 && sh.root_level();
                    let key = if key_slot && n <= MAX_TOP_KEY {
                        let b = inp.bytes(n, op)?;
                        String::from_utf8(b).ok()
                    } else {
                        inp.skip(n, op)?;
                        None
                    };
                    sh.push(op, key);
                }
                MEMOIZE => {
                    let id = ids.len();
                    ids.put(id, inp.op_at)?;
                    stats.memoize = true;
                }
                PUT => {
                    let line = inp.line(op, max_str)?;
                    let id = text::memo_id(&line)
                        .map_err(|_| inp.err(ErrorKind::BadText { opcode: "PUT" }))?;
                    ids.put(id, inp.op_at)?;
                }
                GET => {
                    let line = inp.line(op, max_str)?;
                    let id = text::memo_id(&line)
                        .map_err(|_| inp.err(ErrorKind::BadText { opcode: "GET" }))?;
                    ids.get(id, inp.op_at)?;
                    reads.count(id, inp.op_at)?;
                    stats.gets += 1;
                    sh.push(op, None);
                }
                STOP => return Ok(()),
                MARK => {
                    if sh.dict_value.is_some_and(|v| v + 1 == sh.depth)
                        && sh.root_level()
                        && sh.cand.as_ref().is_none_or(|c| c.slot + 1 != sh.depth)
                    {
                        // A dict is complete once a later value of the root dict is built.
                        sh.end_cand();
                        let slot = sh.depth - 1;
                        sh.cand = Some(Cand {
                            slot,
                            mark_at: inp.op_at,
                            done: 0,
                            last: Vec::new(),
                            full: false,
                        });
                    }
                    if sh.marks.len() as u64 >= limits.max_marks {
                        return Err(inp.err(ErrorKind::Limit {
                            what: "open MARKs (MAX_MARKS)",
                            limit: limits.max_marks,
                        }));
                    }
                    sh.marks.push(sh.depth);
                }
                PERSID | BINPERSID => {
                    return Err(inp.err(ErrorKind::Stream(format!(
                        "{} (a persistent id, i.e. a tensor storage): tensors are not supported \
                         by the streaming reader",
                        ops::name(op)
                    ))));
                }
                PROTO => {
                    let v = inp.u8(op)?;
                    if v > 5 {
                        return Err(inp.err(ErrorKind::Protocol(v)));
                    }
                }
                _ => {
                    let Some(shape) = ops::arg_shape(op) else {
                        return Err(inp.err(ErrorKind::UnknownOpcode(op)));
                    };
                    match shape {
                        ArgShape::Fixed(n) => {
                            inp.take(n, op)?;
                        }
                        ArgShape::Counted(w) => {
                            let n = inp.len_arg(w, op, max_str)?;
                            inp.skip(n, op)?;
                        }
                        ArgShape::Line => {
                            inp.line(op, max_str)?;
                        }
                        ArgShape::TwoLines => {
                            inp.line(op, max_str)?;
                            inp.line(op, max_str)?;
                        }
                    }
                    stack_effect(&mut sh, op);
                }
            }
            if sh.cand.is_some() || sh.dict_value.is_some() {
                follow(&mut sh, op, inp.op_at, d0, mark0);
            }
            if sh.depth > limits.max_stack {
                return Err(inp.err(ErrorKind::Limit {
                    what: "values on the pickle stack (MAX_STACK)",
                    limit: limits.max_stack,
                }));
            }
        }
    })();
    if let Err(e) = res {
        // Running into the size limit is the limit's error, not a truncation.
        if (clipped || !inp.is_sized())
            && inp.at_bound()
            && matches!(e.kind, ErrorKind::Truncated { .. })
        {
            return Err(Error {
                offset: Some(limits.max_pickle_size),
                kind: ErrorKind::Limit {
                    what: "object pickle size in bytes (MAX_PICKLE_SIZE)",
                    limit: limits.max_pickle_size,
                },
            });
        }
        return Err(e);
    }
    sh.end_cand();
    let top_keys = (sh.depth == 1 && sh.root_dict).then_some(sh.keys);
    stats.memo_ids = ids.len();
    stats.read_ids = ids.got_count();
    stats.bitmap_bytes = ids.heap_bytes();
    let len = inp.pos();
    Ok(Scan { top_keys, len, stats, ids: ids.into_gets(), splits: sh.splits, reads })
}

/// Follows the entries of the root-level dict being built: which slots the opcode at `at`
/// touched (`d0` the depth before it, `mark0` the innermost mark before it).
fn follow(sh: &mut Shape, op: u8, at: u64, d0: u64, mark0: Option<u64>) {
    let Some(slot) = sh.cand.as_ref().map(|c| c.slot) else {
        return;
    };
    let base = slot + 1;
    // Only opcodes at the entries' own level, or closing a mark just above it, can touch an
    // entry's key or value slot (anything inside a deeper mark works above that mark).
    if mark0 != Some(base) && sh.marks.last() != Some(&base) {
        return;
    }
    let d1 = sh.depth;
    let low = match op {
        MARK | PROTO | FRAME | STOP => return,
        SETITEMS | APPENDS | ADDITEMS => {
            let m = mark0.unwrap_or(0);
            if m == base && op == SETITEMS {
                // The followed dict's own batch: its items are stored.
                if let Some(c) = &mut sh.cand {
                    c.done += d0.saturating_sub(base) / 2;
                }
                return;
            }
            m.saturating_sub(1)
        }
        TUPLE | LIST | DICT | FROZENSET | INST | OBJ | POP_MARK => mark0.unwrap_or(0),
        POP if d0 == mark0.unwrap_or(0) => mark0.unwrap_or(0),
        PUT | BINPUT | LONG_BINPUT | MEMOIZE | POP | DUP | TUPLE1 | BINPERSID => d0 - d0.min(1),
        APPEND | BUILD | TUPLE2 | REDUCE | NEWOBJ | STACK_GLOBAL => d0 - d0.min(2),
        SETITEM | TUPLE3 | NEWOBJ_EX => d0 - d0.min(3),
        // Everything else pushes one value.
        _ => d0,
    };
    let consumes_items =
        matches!(op, TUPLE | LIST | DICT | FROZENSET | INST | OBJ | POP_MARK | POP)
            && mark0 == Some(base)
            && low == base;
    if low <= slot || consumes_items {
        // The dict itself is consumed, or its items by something else than its SETITEMS.
        sh.end_cand();
        return;
    }
    sh.touch(at, low, d0.max(d1));
}

/// The stack effect of the opcodes pass 1 does not handle itself.
fn stack_effect(sh: &mut Shape, op: u8) {
    match op {
        SETITEMS => {
            if sh.root_dict && sh.marks == [1] {
                sh.commit();
            }
            sh.pop_to_mark();
        }
        SETITEM => {
            if sh.root_dict && sh.marks.is_empty() && sh.depth == 3 {
                sh.commit();
            }
            sh.pop(2);
        }
        APPENDS | ADDITEMS | POP_MARK => sh.pop_to_mark(),
        TUPLE | LIST | DICT | FROZENSET | INST | OBJ => {
            sh.pop_to_mark();
            sh.push(op, None);
        }
        POP => {
            let base = sh.marks.last().copied().unwrap_or(0);
            if sh.depth > base {
                sh.pop(1);
            } else {
                sh.pop_to_mark();
            }
        }
        APPEND | BUILD => sh.pop(1),
        TUPLE1 | BINPERSID => {
            sh.pop(1);
            sh.push(op, None);
        }
        TUPLE2 | REDUCE | NEWOBJ | STACK_GLOBAL => {
            sh.pop(2);
            sh.push(op, None);
        }
        TUPLE3 | NEWOBJ_EX => {
            sh.pop(3);
            sh.push(op, None);
        }
        PROTO | FRAME | PUT | BINPUT | LONG_BINPUT | MEMOIZE => {}
        // Everything else pushes one value (and the reader refuses what it cannot read in
        // pass 2).
        _ => sh.push(op, None),
    }
}
