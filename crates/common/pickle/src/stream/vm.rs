//! Pass 2: the pickle machine over owned values, keeping only the memo entries pass 1 saw read,
//! and handing out the entries of one dict (`top[split_key]`) as they complete.
//!
//! Sharing: a memo get of a string, number or global clones it (strings are reference-counted).
//! A list or dict stored in the memo is copied into it when it leaves the stack (it can no
//! longer change then), and a get copies it again; a container still on the stack when a get
//! reads it (a cycle), or changed after a get copied it, is refused, since a copy would then
//! differ from Python's shared object. Containers stored while building one streamed entry are
//! dropped with that entry; a later get of one is refused naming its memo id.
//!
//! Hand-out: the streamed dict's items arrive as `MARK k1 v1 k2 v2 … SETITEMS` batches. Pass 1
//! recorded, for each entry, the offset of the last opcode that touches its key or value slot
//! (its depth model knows which slots every opcode reads or changes); the pair is handed out
//! right after that opcode and dropped, so one entry is held at a time. ("The next key was
//! pushed" is not enough: a one-item dict value is written `EMPTY_DICT key value SETITEM`, and
//! its key looks like the next entry's.) Without a record (an `OrderedDict` made by `REDUCE`,
//! or more entries than pass 1 records) the pairs go out at their batch's `SETITEMS`. If what
//! follows is not the `SETITEMS` that would have stored the pairs, the read is refused.
//!
//! Memory: the memo keeps an entry only while a later get still reads it (pass 1 counted the
//! reads), so it holds the strings and globals in use, not every one ever read.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};
use std::io::Read;
use std::sync::Arc;

use super::hooks::{Item, StreamHooks};
use super::ids::Ids;
use super::input::Input;
use super::keys;
use super::limits::{KEPT_OVERHEAD, StreamLimits};
use super::obj::Obj;
use super::scan::Scan;
use crate::compat;
use crate::error::{Error, ErrorKind};
use crate::grow;
use crate::ops::{self, *};
use crate::parse::long_value;
use crate::text::{self, Int, IntOp, TextError};

/// Longest string shared through the reader's table of recent strings, in bytes.
const MAX_INTERNED: usize = 32;

/// Slots of that table (a power of two): 2^14, a few hundred KB.
const INTERN_SLOTS: usize = 1 << 14;

/// Longest string argument read straight from the input's window.
const WINDOW_ARG: u64 = 1 << 16;

/// A kept memo entry.
#[derive(Debug)]
enum Kept {
    /// A value, what it was counted as (items, heap bytes), and its nesting depth.
    Val(Item, u64, u64, u32),
    /// A container stored while still on the stack (copied in when it leaves).
    Building,
    /// A container dropped with its entry.
    Dropped,
}

/// Where the streamed dict sits.
#[derive(Clone, Copy, Debug)]
struct SplitAt<'s> {
    /// Stack index of the dict.
    slot: usize,
    /// From pass 1: the offset of the last opcode touching each entry (`None`: unknown, the
    /// entries go out at their batch's `SETITEMS`).
    done_after: Option<&'s [u64]>,
}

/// Pass 2: reads the pickle `scan` describes from `r`, building owned values and asking `hooks`
/// about every global. When the object is a dict holding `split_key`, and that key's value is a
/// dict, each of its items goes to `on_entry(key, value)` as soon as it is complete and is then
/// dropped; the dict stays in the result, empty. An error from `on_entry` stops the read and is
/// returned with the byte offset. `progress(bytes_read)` is called every few tens of MB.
pub fn load<R: Read, H: StreamHooks + ?Sized>(
    r: R,
    scan: &Scan,
    hooks: &mut H,
    split_key: Option<&str>,
    limits: &StreamLimits,
    on_entry: &mut dyn FnMut(Obj, Obj) -> Result<(), String>,
    progress: &mut dyn FnMut(u64),
) -> Result<Obj, Error> {
    let inp = Input::new(r, scan.len, progress)?;
    let mut vm = Vm {
        inp,
        stack: Vec::new(),
        depths: Vec::new(),
        marks: Vec::new(),
        ids: Ids::new(limits.max_memo_id, false),
        gets: &scan.ids,
        scan,
        memo: HashMap::with_hasher(keys::Fast::new()),
        kept_bytes: 0,
        pending: Vec::new(),
        pending_at: HashMap::with_hasher(keys::Fast::new()),
        copies: BTreeMap::new(),
        entry_memo: Vec::new(),
        entry_items: 0,
        entry_bytes: 0,
        split_key,
        split: None,
        split_done: false,
        handed: 0,
        handed_keys: HashSet::new(),
        key_state: RandomState::new(),
        reads: scan.reads.left.clone(),
        interned: vec![None; INTERN_SLOTS],
        intern_hash: keys::Fast::new(),
        proto: 0,
        limits: *limits,
        hooks,
        on_entry,
    };
    let root = vm.run()?;
    if vm.inp.pos() != scan.len {
        return Err(vm.inp.err(ErrorKind::Stream(format!(
            "the pickle ends at byte {} in pass 2 but at byte {} in pass 1 (the file changed \
             between the passes?)",
            vm.inp.pos(),
            scan.len
        ))));
    }
    Ok(root)
}

struct Vm<'a, 'p, R: Read, H: StreamHooks + ?Sized> {
    inp: Input<'p, R>,
    stack: Vec<Item>,
    /// Nesting depth of each stack value (0 for scalars, 1 for a flat container), so that no
    /// value deeper than [`StreamLimits::max_depth`] is ever built (walks of owned values
    /// recurse).
    depths: Vec<u32>,
    marks: Vec<usize>,
    ids: Ids,
    gets: &'a Ids,
    scan: &'a Scan,
    memo: HashMap<u64, Kept, keys::Fast>,
    kept_bytes: u64,
    /// Containers stored in the memo while on the stack: (stack index, memo id), ascending.
    pending: Vec<(usize, u64)>,
    /// The live entries of `pending` by memo id (an entry of `pending` whose id maps elsewhere
    /// or nowhere is stale: ids are forgotten here, in O(1), and skipped there).
    pending_at: HashMap<u64, usize, keys::Fast>,
    /// Lists and dicts on the stack that are copies of memo entries, or originals a get copied
    /// (neither may change any more): (stack index, memo id).
    copies: BTreeMap<usize, u64>,
    /// Containers kept while the streamed dict is open: (memo id, stack length when they were
    /// stored); dropped with the entry they belong to.
    entry_memo: Vec<(u64, usize)>,
    entry_items: u64,
    entry_bytes: u64,
    split_key: Option<&'a str>,
    split: Option<SplitAt<'a>>,
    split_done: bool,
    handed: u64,
    /// Hashes of the keys handed out (a repeated key cannot be merged after its first value was
    /// handed out, so it is refused).
    handed_keys: HashSet<u64>,
    key_state: RandomState,
    /// Reads still to come of each memo id (from pass 1).
    reads: HashMap<u64, u32, keys::Fast>,
    /// Recent short strings, direct-mapped by a keyed hash (a miss replaces the slot).
    interned: Vec<Option<Arc<str>>>,
    intern_hash: keys::Fast,
    proto: u8,
    limits: StreamLimits,
    hooks: &'a mut H,
    on_entry: &'a mut dyn FnMut(Obj, Obj) -> Result<(), String>,
}

/// Heap size and value count of an owned value, for the memo and entry limits.
fn cost(o: &Obj) -> (u64, u64) {
    match o {
        Obj::Str(s) => (1, s.len() as u64),
        Obj::Bytes(b) | Obj::BigInt(b) => (1, b.len() as u64),
        Obj::Tuple(v) | Obj::List(v) | Obj::Set(v) | Obj::FrozenSet(v) => {
            v.iter().fold((1, 32 * v.len() as u64), |(n, b), x| {
                let (n2, b2) = cost(x);
                (n + n2, b + b2)
            })
        }
        Obj::Dict { items, .. } => {
            items.iter().fold((1, 64 * items.len() as u64), |(n, b), (k, v)| {
                let (n1, b1) = cost(k);
                let (n2, b2) = cost(v);
                (n + n1 + n2, b + b1 + b2)
            })
        }
        _ => (1, 0),
    }
}

fn item_cost(i: &Item) -> (u64, u64) {
    match i {
        Item::Obj(o) => cost(o),
        Item::Tuple(v) => v.iter().fold((1, 32 * v.len() as u64), |(n, b), x| {
            let (n2, b2) = item_cost(x);
            (n + n2, b + b2)
        }),
        _ => (1, 0),
    }
}

fn is_mutable(i: &Item) -> bool {
    // A set changes under ADDITEMS; a frozenset never changes after FROZENSET built it.
    matches!(i, Item::Obj(Obj::List(_) | Obj::Dict { .. } | Obj::Set(_)))
}

impl<'a, R: Read, H: StreamHooks + ?Sized> Vm<'a, '_, R, H> {
    fn err(&self, kind: ErrorKind) -> Error {
        self.inp.err(kind)
    }

    fn refuse(&self, m: impl Into<String>) -> Error {
        self.err(ErrorKind::Stream(m.into()))
    }

    fn text_err(&self, e: TextError, op: u8) -> Error {
        match e {
            TextError::Bad => self.err(ErrorKind::BadText { opcode: ops::name(op) }),
            TextError::TooManyDigits => self.err(ErrorKind::Limit {
                what: "digits of a text int (MAX_INT_DIGITS)",
                limit: crate::limits::MAX_INT_DIGITS as u64,
            }),
            TextError::TooLong => self.err(ErrorKind::Limit {
                what: "string length (MAX_STR_LEN)",
                limit: self.limits.max_str_len,
            }),
            TextError::OutOfMemory => self.err(ErrorKind::OutOfMemory),
        }
    }

    /// Counts values and bytes made for the current entry against the entry limits.
    #[inline]
    fn count(&mut self, items: u64, bytes: u64) -> Result<(), Error> {
        self.entry_items += items;
        self.entry_bytes += bytes;
        if self.entry_items > self.limits.max_entry_items {
            return Err(self.err(ErrorKind::Limit {
                what: "values built for one entry (MAX_ENTRY_ITEMS)",
                limit: self.limits.max_entry_items,
            }));
        }
        if self.entry_bytes > self.limits.max_entry_bytes {
            return Err(self.err(ErrorKind::Limit {
                what: "string bytes built for one entry (MAX_ENTRY_BYTES)",
                limit: self.limits.max_entry_bytes,
            }));
        }
        Ok(())
    }

    #[inline]
    fn push(&mut self, it: Item, depth: u32) -> Result<(), Error> {
        if self.stack.len() as u64 >= self.limits.max_stack {
            return Err(self.err(ErrorKind::Limit {
                what: "values on the pickle stack (MAX_STACK)",
                limit: self.limits.max_stack,
            }));
        }
        self.check_depth(depth)?;
        grow::push(&mut self.depths, depth)?;
        grow::push(&mut self.stack, it)
    }

    fn check_depth(&self, depth: u32) -> Result<(), Error> {
        if depth > self.limits.max_depth {
            return Err(self.err(ErrorKind::Limit {
                what: "nesting depth (MAX_DEPTH)",
                limit: u64::from(self.limits.max_depth),
            }));
        }
        Ok(())
    }

    /// Pushes a scalar, a string or an empty container.
    #[inline]
    fn push_obj(&mut self, o: Obj) -> Result<(), Error> {
        self.count(1, 0)?;
        let d = u32::from(matches!(
            o,
            Obj::List(_) | Obj::Tuple(_) | Obj::Dict { .. } | Obj::Set(_) | Obj::FrozenSet(_)
        ));
        self.push(Item::Obj(o), d)
    }

    fn base(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn underflow(&self, op: u8) -> Error {
        self.err(ErrorKind::StackUnderflow { opcode: ops::name(op) })
    }

    /// Everything that must happen before the stack shrinks to `new_len`: containers leaving it
    /// are finished (their keys merged) and, when the memo keeps them, copied in.
    fn release(&mut self, new_len: usize) -> Result<(), Error> {
        self.release_into(new_len, false)
    }

    /// `release`, where `into_top` says the values leave the stack into the top-level dict.
    /// Once some of the streamed dict's items were handed out, that is the only way the dict
    /// may leave: anything else (a tuple, a list, `POP`) would make `top[split_key]` a value
    /// other than that dict, and the handed-out items would answer for a value the whole read
    /// does not have.
    fn release_into(&mut self, new_len: usize, into_top: bool) -> Result<(), Error> {
        if let Some(s) = self.split {
            if s.slot >= new_len && self.handed > 0 && !into_top {
                return Err(self.refuse(format!(
                    "the streamed dict '{}' is taken off the stack by something other than the \
                     top-level dict's SETITEM(S) after some of its items were handed out",
                    self.split_key.unwrap_or("")
                )));
            }
        }
        for it in &mut self.stack[new_len..] {
            let r = match it {
                Item::Obj(Obj::Dict { items, .. }) => keys::dedup(items),
                Item::Obj(Obj::Set(items)) => keys::dedup_set(items),
                _ => Ok(()),
            };
            r.map_err(|kind| Error {
                offset: Some(self.inp.op_at),
                kind: ErrorKind::Unhashable { kind },
            })?;
        }
        if !self.copies.is_empty() {
            drop(self.copies.split_off(&new_len));
        }
        while let Some(&(i, id)) = self.pending.last() {
            if i < new_len {
                break;
            }
            self.pending.pop();
            if self.pending_at.get(&id) != Some(&i) {
                continue;
            }
            self.pending_at.remove(&id);
            if Some(i) == self.split.map(|s| s.slot) {
                // The streamed dict itself: its items were handed out.
                self.memo.insert(id, Kept::Dropped);
                continue;
            }
            let v = self.stack[i].clone();
            let (n, b) = item_cost(&v);
            self.keep(id, Kept::Val(v, n, b, self.depths[i]))?;
            if self.split.is_some() {
                grow::push(&mut self.entry_memo, (id, new_len))?;
            }
        }
        Ok(())
    }

    /// Stores a memo entry, counted against the kept-bytes limit.
    fn keep(&mut self, id: u64, k: Kept) -> Result<(), Error> {
        let add = match &k {
            Kept::Val(_, _, b, _) => b + KEPT_OVERHEAD,
            _ => KEPT_OVERHEAD,
        };
        self.unkeep(id);
        self.kept_bytes += add;
        if self.kept_bytes > self.limits.max_kept_bytes {
            return Err(self.err(ErrorKind::Limit {
                what: "bytes of memo entries kept for later gets (MAX_KEPT_BYTES)",
                limit: self.limits.max_kept_bytes,
            }));
        }
        self.memo.try_reserve(1).map_err(|_| grow::out_of_memory())?;
        self.memo.insert(id, k);
        Ok(())
    }

    fn unkeep(&mut self, id: u64) {
        if let Some(old) = self.memo.remove(&id) {
            let b = match old {
                Kept::Val(_, _, b, _) => b + KEPT_OVERHEAD,
                _ => KEPT_OVERHEAD,
            };
            self.kept_bytes -= b;
        }
    }

    fn pop(&mut self, op: u8) -> Result<Item, Error> {
        if self.stack.len() <= self.base() {
            return Err(self.underflow(op));
        }
        self.release(self.stack.len() - 1)?;
        self.depths.pop();
        Ok(self.stack.pop().unwrap_or(Item::Obj(Obj::None)))
    }

    /// Removes and returns `stack[from..]`, with the greatest depth among them.
    fn take_from(&mut self, from: usize) -> Result<(Vec<Item>, u32), Error> {
        self.release(from)?;
        let d = self.depths.split_off(from).into_iter().max().unwrap_or(0);
        Ok((self.stack.split_off(from), d))
    }

    fn pop_mark(&mut self, op: u8) -> Result<usize, Error> {
        let m = self
            .marks
            .pop()
            .ok_or_else(|| self.err(ErrorKind::NoMark { opcode: ops::name(op) }))?;
        if self.handed > 0 && self.split.is_some_and(|s| s.slot + 1 == m) && op != SETITEMS {
            return Err(self.refuse(format!(
                "{} consumes the items of the streamed dict '{}' after some were handed out \
                 (only a dict's SETITEMS can be streamed)",
                ops::name(op),
                self.split_key.unwrap_or("")
            )));
        }
        Ok(m)
    }

    fn data(&self, it: Item, op: u8) -> Result<Obj, Error> {
        match it {
            Item::Obj(o) => Ok(o),
            other => Err(self.refuse(format!(
                "{}: a {} cannot be stored in a container by the streaming reader (plain data \
                 only)",
                ops::name(op),
                other.type_name()
            ))),
        }
    }

    fn tuple_of(&mut self, items: Vec<Item>) -> Result<Item, Error> {
        self.count(1, 0)?;
        if items.iter().all(|i| matches!(i, Item::Obj(_))) {
            let v = items
                .into_iter()
                .map(|i| match i {
                    Item::Obj(o) => o,
                    _ => Obj::None,
                })
                .collect();
            Ok(Item::Obj(Obj::Tuple(v)))
        } else {
            Ok(Item::Tuple(items))
        }
    }

    /// Refuses changing a container that is a copy of a memo entry.
    fn check_target(&self, idx: usize, op: u8) -> Result<(), Error> {
        if let Some(&id) = self.copies.get(&idx) {
            return Err(self.refuse(format!(
                "{} changes the container read from memo id {id}, which the streaming reader \
                 holds as a copy (shared containers that change after they are read are not \
                 supported)",
                ops::name(op)
            )));
        }
        Ok(())
    }

    /// Whether `idx` holds the value of `split_key` in the top-level dict, as a dict, with
    /// `outer` the marks open below it (empty, or the top-level dict's one mark at 1).
    fn split_candidate(&self, idx: usize, outer: &[usize]) -> bool {
        let Some(key) = self.split_key else {
            return false;
        };
        if self.split.is_some() || self.split_done || idx < 2 || idx % 2 != 0 {
            return false;
        }
        let level = (outer.is_empty() && idx == 2) || outer == [1];
        level
            && matches!(self.stack.first(), Some(Item::Obj(Obj::Dict { .. })))
            && matches!(self.stack.get(idx - 1), Some(Item::Obj(Obj::Str(s))) if &**s == key)
            && matches!(self.stack.get(idx), Some(Item::Obj(Obj::Dict { .. })))
    }

    /// Hands out the pair at `stack[at..at + 2]` and removes it from the stack.
    fn hand_out(&mut self, at: usize) -> Result<(), Error> {
        let v = self.stack.remove(at + 1);
        let k = self.stack.remove(at);
        self.depths.drain(at..at + 2);
        self.forget(at, at + 2);
        self.emit(k, v)
    }

    /// Hands out every pair from `stack[from]` up (the streamed dict's `SETITEMS`), in order.
    fn hand_out_all(&mut self, from: usize) -> Result<(), Error> {
        let items = self.stack.split_off(from);
        self.depths.truncate(from);
        self.forget(from, from + items.len());
        let mut it = items.into_iter();
        while let (Some(k), Some(v)) = (it.next(), it.next()) {
            self.emit(k, v)?;
        }
        Ok(())
    }

    /// The bookkeeping of the stack slots `at..end`, just removed (handed out): containers kept
    /// for them or for the entries they close are dropped, and the indices above move down.
    fn forget(&mut self, at: usize, end: usize) {
        let n = end - at;
        let mut dropped: Vec<u64> = Vec::new();
        // `pending` is sorted by index: only its tail can move.
        let cut = self.pending.partition_point(|(i, _)| *i < at);
        for (i, id) in self.pending.split_off(cut) {
            let live = self.pending_at.get(&id) == Some(&i);
            if i < end {
                if live {
                    self.pending_at.remove(&id);
                    dropped.push(id);
                }
                continue;
            }
            if live {
                self.pending_at.insert(id, i - n);
            }
            self.pending.push((i - n, id));
        }
        for (i, id) in self.copies.split_off(&at) {
            if i >= end {
                self.copies.insert(i - n, id);
            }
        }
        let n_old = self.entry_memo.iter().take_while(|(_, len)| *len <= end).count();
        dropped.extend(self.entry_memo.drain(..n_old).map(|(id, _)| id));
        for e in &mut self.entry_memo {
            e.1 = e.1.saturating_sub(n);
        }
        for id in dropped {
            self.unkeep(id);
            if self.reads.contains_key(&id) {
                self.memo.insert(id, Kept::Dropped);
                self.kept_bytes += KEPT_OVERHEAD;
            }
        }
    }

    /// Gives one entry to the consumer.
    fn emit(&mut self, k: Item, v: Item) -> Result<(), Error> {
        let mut k = self.data(k, SETITEMS)?;
        let mut v = self.data(v, SETITEMS)?;
        for o in [&mut k, &mut v] {
            dedup_deep_top(o).map_err(|kind| Error {
                offset: Some(self.inp.op_at),
                kind: ErrorKind::Unhashable { kind },
            })?;
        }
        keys::check_hashable(&k).map_err(|kind| Error {
            offset: Some(self.inp.op_at),
            kind: ErrorKind::Unhashable { kind },
        })?;
        if let Some(h) = keys::key_hash(&k, &self.key_state) {
            if !self.handed_keys.insert(h) {
                return Err(self.refuse(format!(
                    "the streamed dict '{}' sets the key {} twice (its first value was already \
                     handed out)",
                    self.split_key.unwrap_or(""),
                    short(&k)
                )));
            }
        }
        self.handed += 1;
        self.entry_items = 0;
        self.entry_bytes = 0;
        let label = short(&k);
        (self.on_entry)(k, v).map_err(|m| self.refuse(format!("entry {label}: {m}")))
    }

    /// After each opcode: hands out the oldest pair above the streamed dict's mark once the
    /// last opcode that touches it (pass 1 knows which) has run.
    #[inline]
    fn maybe_hand_out(&mut self) -> Result<(), Error> {
        let Some(SplitAt { slot, done_after: Some(done) }) = self.split else {
            return Ok(());
        };
        let base = slot + 1;
        while self.marks.last() == Some(&base)
            && self.stack.len() >= base + 2
            && done.get(self.handed as usize).is_some_and(|&t| self.inp.op_at >= t)
        {
            self.hand_out(base)?;
        }
        Ok(())
    }

    fn start_split(&mut self, slot: usize) {
        let at = self.inp.op_at;
        let done_after =
            self.scan.splits.by_mark.iter().find(|(m, _)| *m == at).map(|(_, v)| v.as_slice());
        self.split = Some(SplitAt { slot, done_after });
    }

    fn get(&mut self, id: u64) -> Result<(), Error> {
        if !self.gets.is_got(id) {
            return Err(self.refuse(format!(
                "memo id {id} is read here but pass 1 saw no read of it (the file changed \
                 between the passes?)"
            )));
        }
        let (it, n, b, d) = match self.memo.get(&id) {
            Some(Kept::Val(it, n, b, d)) => (it.clone(), *n, *b, *d),
            Some(Kept::Building) => {
                // Still on the stack (a pickler writes `[x, x]` as `( x … get(x) APPENDS`): a
                // copy of it now, and the original may no longer change (a change would be a
                // cycle, or sharing a copy cannot express).
                let Some(&i) = self.pending_at.get(&id) else {
                    return Err(self.err(ErrorKind::MemoMissing(id)));
                };
                if self.split.is_some_and(|sp| sp.slot == i) {
                    // The streamed dict: its items are gone.
                    return Err(self.err(ErrorKind::Dropped(id)));
                }
                self.copies.insert(i, id);
                let v = self.stack[i].clone();
                let (n, b) = item_cost(&v);
                (v, n, b, self.depths[i])
            }
            Some(Kept::Dropped) => return Err(self.err(ErrorKind::Dropped(id))),
            None => return Err(self.err(ErrorKind::MemoMissing(id))),
        };
        // The last read of this id: the memo lets go of it.
        match self.reads.get_mut(&id) {
            Some(left) if *left > 1 => *left -= 1,
            _ => {
                self.reads.remove(&id);
                self.unkeep(id);
                self.pending_at.remove(&id);
            }
        }
        let strings = matches!(it, Item::Obj(Obj::Str(_)));
        // A shared string costs no new bytes.
        self.count(n, if strings { 0 } else { b })?;
        let mutable = is_mutable(&it);
        self.push(it, d)?;
        if mutable {
            self.copies.insert(self.stack.len() - 1, id);
        }
        Ok(())
    }

    fn put(&mut self, id: u64) -> Result<(), Error> {
        if self.stack.len() <= self.base() {
            return Err(self.underflow(PUT));
        }
        if self.scan.stats.memoize {
            // Only MEMOIZE needs the count of distinct ids stored.
            self.ids.put(id, self.inp.op_at)?;
        }
        // Only ids a get reads are ever kept, so nothing else is looked up (this runs for
        // every put: 130 million in NAS-Bench-201 v1_1).
        if !self.gets.is_got(id) {
            return Ok(());
        }
        if !self.reads.contains_key(&id) {
            // Every read of it came before (a put of the same id again, never read).
            self.unkeep(id);
            return Ok(());
        }
        // A later put of the same id replaces what an earlier one stored.
        self.pending_at.remove(&id);
        let top = self.stack.len() - 1;
        if is_mutable(&self.stack[top]) {
            self.keep(id, Kept::Building)?;
            // A put names the top, so `pending` stays sorted by index.
            grow::push(&mut self.pending, (top, id))?;
            self.pending_at.try_reserve(1).map_err(|_| grow::out_of_memory())?;
            self.pending_at.insert(id, top);
        } else {
            let v = self.stack[top].clone();
            let (n, b) = item_cost(&v);
            self.keep(id, Kept::Val(v, n, b, self.depths[top]))?;
        }
        Ok(())
    }

    fn str_obj(&mut self, b: &[u8], op: u8) -> Result<(), Error> {
        let s = std::str::from_utf8(b)
            .map_err(|_| self.err(ErrorKind::BadUtf8 { opcode: ops::name(op) }))?;
        let a: Arc<str> = Arc::from(s);
        self.count(1, b.len() as u64)?;
        self.push(Item::Obj(Obj::Str(a)), 0)
    }

    fn counted_str(&mut self, width: usize, op: u8, bytes: bool) -> Result<(), Error> {
        let n = self.inp.len_arg(width, op, self.limits.max_str_len)?;
        if n <= WINDOW_ARG {
            // Borrowed from the read window: one allocation, for the value itself.
            let at = self.inp.op_at;
            let v = self.inp.take(n as usize, op)?;
            if bytes {
                let b: Arc<[u8]> = Arc::from(v);
                self.count(1, n)?;
                return self.push(Item::Obj(Obj::Bytes(b)), 0);
            }
            let s = std::str::from_utf8(v).map_err(|_| Error {
                offset: Some(at),
                kind: ErrorKind::BadUtf8 { opcode: ops::name(op) },
            })?;
            let a: Arc<str> = if s.len() <= MAX_INTERNED {
                // Short strings repeat (NAS-Bench-201 writes each `'x-valid@12'` key anew in
                // every dict): one shared copy instead of an allocation each.
                let slot = (self.intern_hash.hash_one(s) as usize) & (INTERN_SLOTS - 1);
                match &self.interned[slot] {
                    Some(a) if **a == *s => a.clone(),
                    _ => {
                        let a: Arc<str> = Arc::from(s);
                        self.interned[slot] = Some(a.clone());
                        a
                    }
                }
            } else {
                Arc::from(s)
            };
            self.count(1, n)?;
            return self.push(Item::Obj(Obj::Str(a)), 0);
        }
        let v = self.inp.bytes(n, op)?;
        if bytes {
            self.count(1, n)?;
            self.push(Item::Obj(Obj::Bytes(Arc::from(v))), 0)
        } else {
            self.str_obj(&v, op)
        }
    }

    fn long(&mut self, b: &[u8]) -> Result<(), Error> {
        match long_value(b) {
            Some(v) => self.push_obj(Obj::Int(v)),
            None => {
                self.count(1, b.len() as u64)?;
                self.push(Item::Obj(Obj::BigInt(Arc::from(b))), 0)
            }
        }
    }

    fn text_int(&mut self, i: Int) -> Result<(), Error> {
        match i {
            Int::Small(v) => self.push_obj(Obj::Int(v)),
            Int::Big(le) => self.long(&le),
        }
    }

    fn global(&mut self, module: &str, name: &str) -> Result<(), Error> {
        let (m, n) = compat::fix_import(self.proto, module, name);
        match self.hooks.find_class(m, n) {
            Some(c) => {
                self.count(1, 0)?;
                self.push(Item::Global(c), 0)
            }
            None => {
                Err(self.err(ErrorKind::Forbidden { module: m.to_owned(), name: n.to_owned() }))
            }
        }
    }

    fn global_lines(&mut self, op: u8, ascii: bool) -> Result<(String, String), Error> {
        let mut out = [String::new(), String::new()];
        for o in &mut out {
            let line = self.inp.line(op, self.limits.max_str_len)?;
            if line.is_empty() || (ascii && !line.is_ascii()) {
                return Err(self.err(ErrorKind::BadText { opcode: ops::name(op) }));
            }
            *o = String::from_utf8(line)
                .map_err(|_| self.err(ErrorKind::BadUtf8 { opcode: ops::name(op) }))?;
        }
        let [a, b] = out;
        Ok((a, b))
    }

    fn call(&mut self, callable: Item, args: Item, op: u8) -> Result<(), Error> {
        let Item::Global(class) = callable else {
            return Err(self.err(ErrorKind::Type {
                opcode: ops::name(op),
                expected: "a class or function",
                found: "non-callable value",
            }));
        };
        let args = match args {
            Item::Obj(Obj::Tuple(v)) => v.into_iter().map(Item::Obj).collect(),
            Item::Tuple(v) => v,
            _ => {
                return Err(self.err(ErrorKind::Type {
                    opcode: ops::name(op),
                    expected: "an argument tuple",
                    found: "another value",
                }));
            }
        };
        let r = self.hooks.call(class, args).map_err(|m| self.err(ErrorKind::Hook(m)))?;
        let (n, b) = item_cost(&r);
        self.count(n, b)?;
        // The hooks build from arguments of bounded depth, so this walk is bounded too.
        let d = depth_of(&r);
        self.push(r, d)
    }

    /// Appends `stack[from..]` to the container below them: a dict (`SETITEM(S)`), a list
    /// (`APPEND(S)`) or a set (`ADDITEMS`), as `op` says.
    fn add_to(&mut self, from: usize, op: u8) -> Result<(), Error> {
        let dict = matches!(op, SETITEMS | SETITEM);
        let set = op == ADDITEMS;
        if from <= self.base() {
            return Err(self.underflow(op));
        }
        if from == self.stack.len() {
            // CPython returns before looking at the target when a batch is empty.
            return Ok(());
        }
        let target = from - 1;
        if dict && (self.stack.len() - from) % 2 != 0 {
            return Err(self.underflow(op));
        }
        let ok = match &self.stack[target] {
            Item::Obj(Obj::Dict { .. }) => dict,
            Item::Obj(Obj::Set(_)) => set,
            Item::Obj(Obj::List(_)) => !dict && !set,
            _ => false,
        };
        if !ok {
            return Err(self.err(ErrorKind::Type {
                opcode: ops::name(op),
                expected: if dict {
                    "dict"
                } else if set {
                    "set"
                } else {
                    "list"
                },
                found: "another value",
            }));
        }
        self.check_target(target, op)?;
        if self.split.is_some_and(|s| s.slot == target) {
            // The streamed dict: its items are handed out, never stored.
            return self.hand_out_all(from);
        }
        self.release_into(from, target == 0)?;
        let d = self.depths[from..].iter().copied().max().unwrap_or(0);
        let d = self.depths[target].max(d + 1);
        self.check_depth(d)?;
        self.depths[target] = d;
        self.depths.truncate(from);
        // Everything checked before anything moves: a refusal leaves no half-moved batch.
        for i in from..self.stack.len() {
            match &self.stack[i] {
                Item::Obj(k) if (dict && (i - from) % 2 == 0) || set => {
                    keys::check_hashable(k).map_err(|kind| Error {
                        offset: Some(self.inp.op_at),
                        kind: ErrorKind::Unhashable { kind },
                    })?;
                }
                Item::Obj(_) => {}
                other => {
                    return Err(self.refuse(format!(
                        "{}: a {} cannot be stored in a container by the streaming reader \
                         (plain data only)",
                        ops::name(op),
                        other.type_name()
                    )));
                }
            }
        }
        let (left, right) = self.stack.split_at_mut(from);
        let unwrap = |it: &mut Item| match std::mem::replace(it, Item::Global(0)) {
            Item::Obj(o) => o,
            _ => Obj::None,
        };
        match &mut left[target] {
            Item::Obj(Obj::List(v) | Obj::Set(v)) => {
                grow::reserve(v, right.len())?;
                v.extend(right.iter_mut().map(unwrap));
            }
            Item::Obj(Obj::Dict { items, .. }) => {
                grow::reserve(items, right.len() / 2)?;
                for pair in right.chunks_exact_mut(2) {
                    let (k, v) = pair.split_at_mut(1);
                    items.push((unwrap(&mut k[0]), unwrap(&mut v[0])));
                }
            }
            _ => {}
        }
        self.stack.truncate(from);
        Ok(())
    }

    fn container_from_mark(&mut self, op: u8) -> Result<(), Error> {
        let start = self.pop_mark(op)?;
        let (items, d) = self.take_from(start)?;
        let r = match op {
            TUPLE => self.tuple_of(items)?,
            LIST | DICT | FROZENSET => {
                let mut objs = Vec::new();
                objs.try_reserve_exact(items.len()).map_err(|_| grow::out_of_memory())?;
                for it in items {
                    objs.push(self.data(it, op)?);
                }
                self.count(1, 0)?;
                if op == LIST {
                    Item::Obj(Obj::List(objs))
                } else if op == FROZENSET {
                    for k in &objs {
                        keys::check_hashable(k).map_err(|kind| Error {
                            offset: Some(self.inp.op_at),
                            kind: ErrorKind::Unhashable { kind },
                        })?;
                    }
                    keys::dedup_set(&mut objs).map_err(|kind| Error {
                        offset: Some(self.inp.op_at),
                        kind: ErrorKind::Unhashable { kind },
                    })?;
                    Item::Obj(Obj::FrozenSet(objs))
                } else {
                    if objs.len() % 2 != 0 {
                        return Err(self.underflow(op));
                    }
                    let mut pairs = Vec::with_capacity(objs.len() / 2);
                    let mut it = objs.into_iter();
                    while let (Some(k), Some(v)) = (it.next(), it.next()) {
                        keys::check_hashable(&k).map_err(|kind| Error {
                            offset: Some(self.inp.op_at),
                            kind: ErrorKind::Unhashable { kind },
                        })?;
                        pairs.push((k, v));
                    }
                    Item::Obj(Obj::Dict { items: pairs, ordered: false })
                }
            }
            _ => return Err(self.err(ErrorKind::UnknownOpcode(op))),
        };
        self.push(r, d + 1)
    }

    fn tuple_n(&mut self, n: usize, op: u8) -> Result<(), Error> {
        if self.stack.len() < self.base() + n {
            return Err(self.underflow(op));
        }
        let (items, d) = self.take_from(self.stack.len() - n)?;
        let t = self.tuple_of(items)?;
        self.push(t, d + 1)
    }

    fn run(&mut self) -> Result<Obj, Error> {
        let max_str = self.limits.max_str_len;
        loop {
            let op = self.inp.opcode()?;
            match op {
                BINFLOAT => {
                    let b = self.inp.take(8, op)?;
                    let mut a = [0u8; 8];
                    a.copy_from_slice(b);
                    self.push_obj(Obj::Float(f64::from_be_bytes(a)))?;
                }
                LONG_BINPUT => {
                    let id = self.inp.u32(op)?;
                    self.put(u64::from(id))?;
                    continue;
                }
                BINPUT => {
                    let id = self.inp.u8(op)?;
                    self.put(u64::from(id))?;
                    continue;
                }
                MEMOIZE => {
                    let id = self.ids.len();
                    self.put(id)?;
                    continue;
                }
                PUT => {
                    let line = self.inp.line(op, max_str)?;
                    let id = text::memo_id(&line).map_err(|e| self.text_err(e, op))?;
                    self.put(id)?;
                    continue;
                }
                LONG_BINGET => {
                    let id = self.inp.u32(op)?;
                    self.get(u64::from(id))?;
                }
                BINGET => {
                    let id = self.inp.u8(op)?;
                    self.get(u64::from(id))?;
                }
                GET => {
                    let line = self.inp.line(op, max_str)?;
                    let id = text::memo_id(&line).map_err(|e| self.text_err(e, op))?;
                    self.get(id)?;
                }
                BINUNICODE | BINSTRING => self.counted_str(4, op, false)?,
                SHORT_BINUNICODE | SHORT_BINSTRING => self.counted_str(1, op, false)?,
                BINUNICODE8 => self.counted_str(8, op, false)?,
                BINBYTES => self.counted_str(4, op, true)?,
                SHORT_BINBYTES => self.counted_str(1, op, true)?,
                BINBYTES8 => self.counted_str(8, op, true)?,
                UNICODE => {
                    let line = self.inp.line(op, max_str)?;
                    let s = text::raw_unicode_escape(&line, max_str)
                        .map_err(|e| self.text_err(e, op))?;
                    self.str_obj(s.as_bytes(), op)?;
                }
                STRING => {
                    let line = self.inp.line(op, max_str)?;
                    let b = text::string_literal(&line).map_err(|e| self.text_err(e, op))?;
                    self.str_obj(&b, op)?;
                }
                BININT => {
                    let v = self.inp.u32(op)? as i32;
                    self.push_obj(Obj::Int(i64::from(v)))?;
                }
                BININT1 => {
                    let v = self.inp.u8(op)?;
                    self.push_obj(Obj::Int(i64::from(v)))?;
                }
                BININT2 => {
                    let v = self.inp.u16(op)?;
                    self.push_obj(Obj::Int(i64::from(v)))?;
                }
                LONG1 | LONG4 => {
                    let n = self.inp.len_arg(if op == LONG1 { 1 } else { 4 }, op, max_str)?;
                    let b = self.inp.bytes(n, op)?;
                    self.long(&b)?;
                }
                INT => {
                    let line = self.inp.line(op, max_str)?;
                    match text::int_opcode(&line).map_err(|e| self.text_err(e, op))? {
                        IntOp::Bool(b) => self.push_obj(Obj::Bool(b))?,
                        IntOp::Int(i) => self.text_int(i)?,
                    }
                }
                LONG => {
                    let line = self.inp.line(op, max_str)?;
                    let i = text::long_opcode(&line).map_err(|e| self.text_err(e, op))?;
                    self.text_int(i)?;
                }
                FLOAT => {
                    let line = self.inp.line(op, max_str)?;
                    let v = text::float_opcode(&line).map_err(|e| self.text_err(e, op))?;
                    self.push_obj(Obj::Float(v))?;
                }
                NONE => self.push_obj(Obj::None)?,
                NEWTRUE => self.push_obj(Obj::Bool(true))?,
                NEWFALSE => self.push_obj(Obj::Bool(false))?,
                EMPTY_DICT => self.push_obj(Obj::Dict { items: Vec::new(), ordered: false })?,
                EMPTY_LIST => self.push_obj(Obj::List(Vec::new()))?,
                EMPTY_TUPLE => self.push_obj(Obj::Tuple(Vec::new()))?,
                EMPTY_SET => self.push_obj(Obj::Set(Vec::new()))?,
                MARK => {
                    if self.marks.len() as u64 >= self.limits.max_marks {
                        return Err(self.err(ErrorKind::Limit {
                            what: "open MARKs (MAX_MARKS)",
                            limit: self.limits.max_marks,
                        }));
                    }
                    let p = self.stack.len();
                    if p > 0 && self.split_candidate(p - 1, &self.marks.clone()) {
                        self.start_split(p - 1);
                    }
                    grow::push(&mut self.marks, p)?;
                }
                SETITEMS => {
                    let start = self.pop_mark(op)?;
                    self.add_to(start, op)?;
                }
                APPENDS | ADDITEMS => {
                    let start = self.pop_mark(op)?;
                    self.add_to(start, op)?;
                }
                SETITEM => {
                    if self.stack.len() < self.base() + 3 {
                        return Err(self.underflow(op));
                    }
                    let from = self.stack.len() - 2;
                    if self.split_candidate(from - 1, &self.marks.clone()) {
                        self.start_split(from - 1);
                    }
                    self.add_to(from, op)?;
                }
                APPEND => {
                    if self.stack.len() < self.base() + 2 {
                        return Err(self.underflow(op));
                    }
                    let from = self.stack.len() - 1;
                    self.add_to(from, op)?;
                }
                TUPLE | LIST | DICT | FROZENSET => self.container_from_mark(op)?,
                TUPLE1 => self.tuple_n(1, op)?,
                TUPLE2 => self.tuple_n(2, op)?,
                TUPLE3 => self.tuple_n(3, op)?,
                POP => {
                    if self.stack.len() > self.base() {
                        self.pop(op)?;
                    } else {
                        let start = self.pop_mark(op)?;
                        self.take_from(start)?;
                    }
                }
                POP_MARK => {
                    let start = self.pop_mark(op)?;
                    self.take_from(start)?;
                }
                DUP => {
                    let Some(top) = self.stack.last().filter(|_| self.stack.len() > self.base())
                    else {
                        return Err(self.underflow(op));
                    };
                    if is_mutable(top) {
                        return Err(self.refuse(
                            "DUP of a list or dict: a shared container is not supported by the \
                             streaming reader",
                        ));
                    }
                    let top = top.clone();
                    let (n, b) = item_cost(&top);
                    self.count(n, b)?;
                    let d = self.depths[self.stack.len() - 1];
                    self.push(top, d)?;
                }
                PROTO => {
                    let v = self.inp.u8(op)?;
                    if v > 5 {
                        return Err(self.err(ErrorKind::Protocol(v)));
                    }
                    self.proto = v;
                    continue;
                }
                FRAME => {
                    let n = self.inp.u64(op)?;
                    if n > self.inp.left() {
                        return Err(self.err(ErrorKind::Truncated { opcode: "FRAME" }));
                    }
                    continue;
                }
                GLOBAL => {
                    let (m, n) = self.global_lines(op, false)?;
                    self.global(&m, &n)?;
                }
                STACK_GLOBAL => {
                    let name = self.pop(op)?;
                    let module = self.pop(op)?;
                    let (Item::Obj(Obj::Str(m)), Item::Obj(Obj::Str(n))) = (&module, &name) else {
                        return Err(self.err(ErrorKind::Type {
                            opcode: "STACK_GLOBAL",
                            expected: "two strings",
                            found: "another value",
                        }));
                    };
                    let (m, n) = (m.to_string(), n.to_string());
                    self.global(&m, &n)?;
                }
                REDUCE | NEWOBJ => {
                    let args = self.pop(op)?;
                    let callable = self.pop(op)?;
                    self.call(callable, args, op)?;
                }
                NEWOBJ_EX => {
                    let kwargs = self.pop(op)?;
                    let args = self.pop(op)?;
                    let cls = self.pop(op)?;
                    if !matches!(&kwargs, Item::Obj(Obj::Dict { items, .. }) if items.is_empty()) {
                        return Err(self.err(ErrorKind::Type {
                            opcode: "NEWOBJ_EX",
                            expected: "empty keyword arguments",
                            found: "another value",
                        }));
                    }
                    self.call(cls, args, op)?;
                }
                INST => {
                    let start = self.pop_mark(op)?;
                    let (m, n) = self.global_lines(op, true)?;
                    let (items, _) = self.take_from(start)?;
                    self.global(&m, &n)?;
                    let callable = self.pop(op)?;
                    let args = self.tuple_of(items)?;
                    self.call(callable, args, op)?;
                }
                OBJ => {
                    let start = self.pop_mark(op)?;
                    if self.stack.len() <= start {
                        return Err(self.underflow(op));
                    }
                    let (mut items, _) = self.take_from(start)?;
                    let cls = items.remove(0);
                    let args = self.tuple_of(items)?;
                    self.call(cls, args, op)?;
                }
                BUILD => {
                    let state = self.pop(op)?;
                    if self.stack.len() <= self.base() {
                        return Err(self.underflow(op));
                    }
                    let top = self.stack.len() - 1;
                    self.check_target(top, op)?;
                    let obj = &mut self.stack[top];
                    self.hooks.build(obj, state).map_err(|m| self.inp.err(ErrorKind::Hook(m)))?;
                }
                PERSID | BINPERSID => {
                    return Err(self.refuse(format!(
                        "{} (a persistent id, i.e. a tensor storage): tensors are not supported \
                         by the streaming reader",
                        ops::name(op)
                    )));
                }
                BYTEARRAY8 | EXT1 | EXT2 | EXT4 | NEXT_BUFFER | READONLY_BUFFER => {
                    return Err(self.err(ops::refused(op)));
                }
                STOP => {
                    let r = self.pop(op)?;
                    return match r {
                        Item::Obj(o) => Ok(o),
                        other => Err(self.refuse(format!(
                            "the pickle's result is a {}, not plain data",
                            other.type_name()
                        ))),
                    };
                }
                other => return Err(self.err(ErrorKind::UnknownOpcode(other))),
            }
            self.maybe_hand_out()?;
            if let Some(s) = self.split {
                if self.stack.len() <= s.slot {
                    self.split = None;
                    self.split_done = true;
                }
            }
        }
    }
}

/// Nesting depth of a value the hooks returned.
fn depth_of(i: &Item) -> u32 {
    fn obj(o: &Obj) -> u32 {
        match o {
            Obj::Tuple(v) | Obj::List(v) | Obj::Set(v) | Obj::FrozenSet(v) => {
                1 + v.iter().map(obj).max().unwrap_or(0)
            }
            Obj::Dict { items, .. } => {
                1 + items.iter().map(|(k, v)| obj(k).max(obj(v))).max().unwrap_or(0)
            }
            _ => 0,
        }
    }
    match i {
        Item::Obj(o) => obj(o),
        Item::Tuple(v) => 1 + v.iter().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}

/// Merges repeated keys of a dict handed out at the top of an entry (dicts inside were merged
/// when they left the stack).
fn dedup_deep_top(o: &mut Obj) -> Result<(), &'static str> {
    match o {
        Obj::Dict { items, .. } => keys::dedup(items),
        Obj::Set(items) => keys::dedup_set(items),
        _ => Ok(()),
    }
}

/// A key for messages.
fn short(k: &Obj) -> String {
    let s = match k {
        Obj::Str(s) => format!("{:?}", &**s),
        Obj::Int(i) => i.to_string(),
        other => format!("of type {}", other.type_name()),
    };
    s.chars().take(80).collect()
}
