//! Pass 1: the opcodes only. Marks every memo id that a later get reads (pass 2 keeps exactly
//! those), finds where the pickle ends, and collects the top-level dict's keys, tracking only
//! the stack's depth (no values are built).

use std::io::Read;

use super::ids::Ids;
use super::input::Input;
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
    let mut inp = Input::new(r, total.min(limits.max_pickle_size), progress)?;
    let mut ids = Ids::new(limits.max_memo_id, true);
    let mut sh = Shape {
        depth: 0,
        marks: Vec::new(),
        root_dict: false,
        pending: Vec::new(),
        keys: Vec::new(),
    };
    let mut stats = ScanStats::default();
    let max_str = limits.max_str_len;
    let res: Result<(), Error> = (|| {
        loop {
            let op = inp.opcode()?;
            stats.opcodes += 1;
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
                    stats.gets += 1;
                    sh.push(op, None);
                }
                BINGET => {
                    let id = inp.u8(op)?;
                    ids.get(u64::from(id), inp.op_at)?;
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
                    stats.gets += 1;
                    sh.push(op, None);
                }
                STOP => return Ok(()),
                MARK => {
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
        if clipped && matches!(e.kind, ErrorKind::Truncated { .. }) {
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
    let top_keys = (sh.depth == 1 && sh.root_dict).then_some(sh.keys);
    stats.memo_ids = ids.len();
    stats.read_ids = ids.got_count();
    stats.bitmap_bytes = ids.heap_bytes();
    let len = inp.pos();
    Ok(Scan { top_keys, len, stats, ids: ids.into_gets() })
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
