//! A streaming protocol-2 or protocol-4 pickle writer that makes the opcode choices of CPython's
//! C pickler (`_pickle.Pickler`, which `pickle.dumps` and `torch.save` use). Protocol 4's own
//! parts (frames, `MEMOIZE`, `STACK_GLOBAL`, bytes and sets) are in `proto4.rs`.
//!
//! The caller walks its data and calls one method per Python object; containers are opened with
//! their item count, because CPython's batching depends on it (see [`Pickler::begin_dict`]).
//! Every method is infallible: the first misuse or unrepresentable value is remembered and
//! reported by [`Pickler::finish`], so hot loops carry no `Result`s.

use crate::error::Error;

/// The pickle protocol [`Pickler::new`] writes: torch writes protocol 2 by default.
pub const PROTOCOL: u8 = 2;

/// The protocol [`Pickler::protocol4`] writes (NATS-Bench's files, `pickle.dumps(x, 4)`).
pub const PROTOCOL_4: u8 = 4;

/// Items per `SETITEMS` / `APPENDS` group, as in CPython (`BATCHSIZE`).
pub const BATCH_SIZE: usize = 1000;

// The opcodes protocol 2 needs (names as in CPython's pickletools).
const PROTO: u8 = 0x80;
const STOP: u8 = b'.';
const NONE: u8 = b'N';
const NEWTRUE: u8 = 0x88;
const NEWFALSE: u8 = 0x89;
const BININT: u8 = b'J';
const BININT1: u8 = b'K';
const BININT2: u8 = b'M';
const LONG1: u8 = 0x8a;
const BINFLOAT: u8 = b'G';
const BINUNICODE: u8 = b'X';
pub(crate) const ADDITEMS: u8 = 0x90;
const EMPTY_DICT: u8 = b'}';
const EMPTY_LIST: u8 = b']';
const EMPTY_TUPLE: u8 = b')';
const TUPLE: u8 = b't';
const TUPLE1: u8 = 0x85;
const TUPLE2: u8 = 0x86;
const TUPLE3: u8 = 0x87;
pub(crate) const MARK: u8 = b'(';
const SETITEM: u8 = b's';
const SETITEMS: u8 = b'u';
const APPEND: u8 = b'a';
const APPENDS: u8 = b'e';
const BINPUT: u8 = b'q';
const LONG_BINPUT: u8 = b'r';
const BINGET: u8 = b'h';
const LONG_BINGET: u8 = b'j';
const GLOBAL: u8 = b'c';
const REDUCE: u8 = b'R';
const BUILD: u8 = b'b';
pub(crate) const MEMOIZE: u8 = 0x94;
pub(crate) const SHORT_BINUNICODE: u8 = 0x8c;
pub(crate) const BINUNICODE8: u8 = 0x8d;

/// A memo id: what a later [`Pickler::get`] refers to. Python's pickler memoizes every string,
/// list, dict and non-empty tuple it writes, so that writing the *same object* again costs a
/// `BINGET`; a `Memo` is how a caller says "the same object".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Memo(u32);

impl Memo {
    /// The id in the pickle's memo (0, 1, 2, ... in writing order).
    pub fn id(self) -> u32 {
        self.0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Dict,
    List,
    Tuple,
    /// `callable(*args)` (`REDUCE`), optionally followed by a `BUILD` state or by dict items.
    Reduce,
    /// The items of a reduced object (e.g. an `OrderedDict`), batched as the C pickler's
    /// `batch_dict` does for an iterator.
    Items,
    /// A `set` (protocol 4: `EMPTY_SET`, then `MARK ... ADDITEMS` groups).
    Set,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Dict => "dict",
            Kind::List => "list",
            Kind::Tuple => "tuple",
            Kind::Reduce => "reduce",
            Kind::Items => "items",
            Kind::Set => "set",
        }
    }
}

#[derive(Debug)]
pub(crate) struct Frame {
    pub(crate) kind: Kind,
    /// Items declared when the container was opened.
    pub(crate) len: usize,
    /// Complete values written inside it (a dict item is two).
    pub(crate) values: usize,
}

/// Writes one protocol-2 pickle into memory, byte for byte as CPython 3's C pickler would for
/// the same objects.
///
/// ```
/// use tnb_pthwrite::Pickler;
///
/// // pickle.dumps({'a': [1.5, None], 'b': 'a'}, protocol=2), where both 'a' are one object
/// let mut p = Pickler::new();
/// p.begin_dict(2);
/// let a = p.str("a");
/// p.begin_list(2);
/// p.float(1.5);
/// p.none();
/// p.end_list();
/// p.str("b");
/// p.get(a);
/// p.end_dict();
/// let bytes = p.finish()?;
/// assert_eq!(
///     bytes,
///     b"\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01]q\x02(G?\xf8\x00\x00\x00\x00\x00\x00Ne\
///       X\x01\x00\x00\x00bq\x03h\x01u."
/// );
/// # Ok::<(), tnb_pthwrite::Error>(())
/// ```
///
/// Opcode choices (CPython's C pickler, protocol 2):
/// - `PROTO 2` first, `STOP` last; no frames (those start at protocol 4).
/// - `None`, `True`, `False`: `NONE`, `NEWTRUE`, `NEWFALSE`. Ints: `BININT1` for 0..=255,
///   `BININT2` for 256..=65535, `BININT` for the rest of the i32 range (negatives included),
///   otherwise `LONG1` with the shortest little-endian two's complement. Floats: `BINFLOAT`, eight
///   bytes big-endian, every bit kept (NaN payloads, -0.0). None of these is memoized.
/// - `str`: `BINUNICODE` (u32 length + UTF-8), then a memo put.
/// - Memo puts are `BINPUT` for ids below 256 and `LONG_BINPUT` above; gets likewise.
/// - dict: `EMPTY_DICT`, put, then the items: one item as `key value SETITEM`; otherwise groups
///   of [`BATCH_SIZE`] as `MARK ... SETITEMS`, and a dict whose size is a multiple of 1000 ends
///   with an empty `MARK SETITEMS` (the C pickler's loop checks for more items only after
///   opening a group). A last group of one item is still `MARK key value SETITEMS`: only the
///   pure-Python pickler (`pickle._Pickler`) writes `SETITEM` there, and neither `pickle.dumps`
///   nor `torch.save` uses it.
/// - list: `EMPTY_LIST`, put, then one item as `item APPEND`, otherwise `MARK ... APPENDS` groups
///   of 1000 (no empty trailing group: the list loop checks first).
/// - tuple: `EMPTY_TUPLE` (not memoized), `TUPLE1`-`TUPLE3` after 1-3 items, `MARK ... TUPLE` for
///   more; non-empty tuples are memoized after they are built.
#[derive(Debug)]
pub struct Pickler {
    pub(crate) out: Vec<u8>,
    memo_len: u64,
    pub(crate) frames: Vec<Frame>,
    /// Complete values written at the top level (a pickle holds exactly one).
    roots: usize,
    error: Option<Error>,
    /// [`PROTOCOL`] or [`PROTOCOL_4`].
    pub(crate) proto: u8,
    /// Protocol 4: where in `out` the open pickle frame's 9-byte header is reserved (a frame
    /// is always open while writing, as in the C pickler once the first opcode is written).
    pub(crate) frame_at: Option<usize>,
}

impl Default for Pickler {
    fn default() -> Self {
        Pickler::new()
    }
}

impl Pickler {
    /// Starts a pickle (writes `PROTO 2`).
    pub fn new() -> Pickler {
        Pickler::with_capacity(64)
    }

    /// Starts a pickle with room for `bytes` bytes of output, to avoid regrowing a big buffer.
    pub fn with_capacity(bytes: usize) -> Pickler {
        Pickler::with_protocol(PROTOCOL, bytes)
    }

    /// `proto` is [`PROTOCOL`] or [`PROTOCOL_4`] (anything else is reported by `finish`).
    pub(crate) fn with_protocol(proto: u8, bytes: usize) -> Pickler {
        let mut out = Vec::with_capacity(bytes.max(2));
        out.extend_from_slice(&[PROTO, proto]);
        let mut p = Pickler {
            out,
            memo_len: 0,
            frames: Vec::new(),
            roots: 0,
            error: None,
            proto,
            frame_at: None,
        };
        match proto {
            PROTOCOL => {}
            PROTOCOL_4 => p.open_frame(),
            other => p.misuse(format!("protocol {other} (this writer knows 2 and 4)")),
        }
        p
    }

    /// Bytes written so far and still held (not moved out by [`Pickler::drain_into`]).
    pub fn len(&self) -> usize {
        self.out.len()
    }

    /// Whether no value was written yet.
    pub fn is_empty(&self) -> bool {
        self.roots == 0 && self.frames.is_empty()
    }

    /// Memo entries made so far (the next put gets this id).
    pub fn memo_len(&self) -> u64 {
        self.memo_len
    }

    /// Writes `None`.
    pub fn none(&mut self) {
        self.save_start();
        self.out.push(NONE);
        self.value_done();
    }

    /// Writes a `bool`.
    pub fn bool(&mut self, b: bool) {
        self.save_start();
        self.out.push(if b { NEWTRUE } else { NEWFALSE });
        self.value_done();
    }

    /// Writes an `int`.
    pub fn int(&mut self, v: i64) {
        self.save_start();
        if (0..=0xff).contains(&v) {
            self.out.extend_from_slice(&[BININT1, v as u8]);
        } else if (0..=0xffff).contains(&v) {
            self.out.push(BININT2);
            self.out.extend_from_slice(&(v as u16).to_le_bytes());
        } else if let Ok(v32) = i32::try_from(v) {
            self.out.push(BININT);
            self.out.extend_from_slice(&v32.to_le_bytes());
        } else {
            self.long1(i128::from(v));
        }
        self.value_done();
    }

    /// Writes an `int` of up to 128 bits (e.g. the 77-bit magic number of torch's legacy format).
    pub fn int128(&mut self, v: i128) {
        match i64::try_from(v) {
            Ok(small) => self.int(small),
            Err(_) => {
                self.save_start();
                self.long1(v);
                self.value_done();
            }
        }
    }

    /// `LONG1` with the shortest two's complement that keeps the sign, as CPython computes it.
    fn long1(&mut self, v: i128) {
        let bytes = v.to_le_bytes();
        let mut n = bytes.len();
        while n > 1 {
            let (top, next) = (bytes[n - 1], bytes[n - 2]);
            let redundant = (top == 0x00 && next & 0x80 == 0) || (top == 0xff && next & 0x80 != 0);
            if !redundant {
                break;
            }
            n -= 1;
        }
        self.out.extend_from_slice(&[LONG1, n as u8]);
        self.out.extend_from_slice(&bytes[..n]);
    }

    /// Writes a `float`, bit for bit.
    pub fn float(&mut self, v: f64) {
        self.save_start();
        let b = v.to_bits().to_be_bytes();
        self.out.extend_from_slice(&[BINFLOAT, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
        self.value_done();
    }

    /// Writes a new `str` object and memoizes it; pass the returned [`Memo`] to [`Pickler::get`]
    /// to write the same object again.
    pub fn str(&mut self, s: &str) -> Memo {
        let m = self.save_str(s);
        self.value_done();
        m
    }

    /// A `str` and its memo put, as `save_unicode` writes it.
    pub(crate) fn save_str(&mut self, s: &str) -> Memo {
        self.save_start();
        if self.proto >= PROTOCOL_4 {
            let n = s.len() as u64;
            if n <= 0xff {
                self.write_payload(&[SHORT_BINUNICODE, n as u8], s.as_bytes());
            } else if let Ok(n) = u32::try_from(n) {
                let h = n.to_le_bytes();
                self.write_payload(&[BINUNICODE, h[0], h[1], h[2], h[3]], s.as_bytes());
            } else {
                let mut h = [BINUNICODE8; 9];
                h[1..].copy_from_slice(&n.to_le_bytes());
                self.write_payload(&h, s.as_bytes());
            }
            return self.put();
        }
        match u32::try_from(s.len()) {
            Ok(n) => {
                self.out.push(BINUNICODE);
                self.out.extend_from_slice(&n.to_le_bytes());
                self.out.extend_from_slice(s.as_bytes());
            }
            Err(_) => self.fail(Error::Unrepresentable(format!(
                "a str of {} bytes (protocol 2 holds at most 4 GiB - 1)",
                s.len()
            ))),
        }
        self.put()
    }

    /// Writes an object written before (a memo get): Python's pickler does this whenever it meets
    /// the same object a second time.
    pub fn get(&mut self, m: Memo) {
        if u64::from(m.0) >= self.memo_len {
            self.fail(Error::Misuse(format!(
                "memo id {} was never put (only {} entries so far; a Memo from another pickle?)",
                m.0, self.memo_len
            )));
        }
        self.save_start();
        if m.0 < 256 {
            self.out.extend_from_slice(&[BINGET, m.0 as u8]);
        } else {
            self.out.push(LONG_BINGET);
            self.out.extend_from_slice(&m.0.to_le_bytes());
        }
        self.value_done();
    }

    /// Opens a dict of `len` items; write key, value, key, value, ... then call
    /// [`Pickler::end_dict`]. The count must be exact: CPython's grouping of `SETITEMS` depends
    /// on it.
    pub fn begin_dict(&mut self, len: usize) -> Memo {
        self.begin_batched(EMPTY_DICT, Kind::Dict, len)
    }

    /// The empty container `op`, memoized, then (for two items or more) the `MARK` of its
    /// first batch, as the C pickler writes dicts and lists.
    fn begin_batched(&mut self, op: u8, kind: Kind, len: usize) -> Memo {
        self.save_start();
        self.out.push(op);
        let m = self.put();
        self.frames.push(Frame { kind, len, values: 0 });
        if len >= 2 {
            self.out.push(MARK);
        }
        m
    }

    /// Closes the innermost container, which must be a dict.
    pub fn end_dict(&mut self) {
        if let Some(f) = self.pop(Kind::Dict) {
            if f.len >= 2 {
                // A group is always open here: see `item_done`.
                self.out.push(SETITEMS);
            }
            self.value_done();
        }
    }

    /// Opens a list of `len` items; write them, then call [`Pickler::end_list`].
    pub fn begin_list(&mut self, len: usize) -> Memo {
        self.begin_batched(EMPTY_LIST, Kind::List, len)
    }

    /// Closes the innermost container, which must be a list.
    pub fn end_list(&mut self) {
        if let Some(f) = self.pop(Kind::List) {
            if f.len >= 2 && f.values % BATCH_SIZE != 0 {
                self.out.push(APPENDS);
            }
            self.value_done();
        }
    }

    /// Opens a tuple of `len` items; write them, then call [`Pickler::end_tuple`].
    pub fn begin_tuple(&mut self, len: usize) {
        self.save_start();
        self.frames.push(Frame { kind: Kind::Tuple, len, values: 0 });
        if len > 3 {
            self.out.push(MARK);
        }
    }

    /// Closes the innermost container, which must be a tuple. Returns its memo id (`None` for
    /// the empty tuple, which Python never memoizes).
    pub fn end_tuple(&mut self) -> Option<Memo> {
        let f = self.pop(Kind::Tuple)?;
        let memo = match f.len {
            0 => {
                self.out.push(EMPTY_TUPLE);
                None
            }
            n => {
                self.out.push(match n {
                    1 => TUPLE1,
                    2 => TUPLE2,
                    3 => TUPLE3,
                    _ => TUPLE,
                });
                Some(self.put())
            }
        };
        self.value_done();
        memo
    }

    /// Writes a global (`GLOBAL module name`, as for a class or function) and memoizes it, as
    /// the C pickler does; write the same global again with [`Pickler::get`].
    /// Protocol 4 writes `STACK_GLOBAL` after the module and name strings (each memoized).
    pub fn global(&mut self, module: &str, name: &str) -> Memo {
        self.save_start();
        if self.proto >= PROTOCOL_4 {
            return self.stack_global(module, name);
        }
        if module.contains('\n') || name.contains('\n') {
            self.misuse(format!("a global name with a newline: {module:?} {name:?}"));
        }
        self.out.push(GLOBAL);
        self.out.extend_from_slice(module.as_bytes());
        self.out.push(b'\n');
        self.out.extend_from_slice(name.as_bytes());
        self.out.push(b'\n');
        let m = self.put();
        self.value_done();
        m
    }

    /// Opens an object built by `callable(*args)`, as the pickler writes what `__reduce__`
    /// returns: write the callable (a [`Pickler::global`] or a [`Pickler::get`]) and the args
    /// tuple, call [`Pickler::reduce`], then optionally a state and [`Pickler::build`] or
    /// dict items ([`Pickler::begin_items`]), and close with [`Pickler::end_reduce`].
    pub fn begin_reduce(&mut self) {
        self.save_start();
        self.frames.push(Frame { kind: Kind::Reduce, len: 0, values: 0 });
    }

    /// Writes `REDUCE` after the callable and its args, and memoizes the result.
    pub fn reduce(&mut self) -> Memo {
        match self.frames.last_mut() {
            Some(f) if f.kind == Kind::Reduce && f.values == 2 => f.values = 3,
            _ => self.misuse("reduce needs a callable and an args tuple after begin_reduce".into()),
        }
        self.out.push(REDUCE);
        self.put()
    }

    /// Writes `BUILD` after the state that follows [`Pickler::reduce`].
    pub fn build(&mut self) {
        match self.frames.last_mut() {
            Some(f) if f.kind == Kind::Reduce && f.values == 4 => f.values = 5,
            _ => self.misuse("build needs reduce and then one state value".into()),
        }
        self.out.push(BUILD);
    }

    /// After [`Pickler::reduce`]: opens `len` dict items of the reduced object (an
    /// `OrderedDict`, whose `__reduce__` hands over an item iterator). Write key, value, ...,
    /// then [`Pickler::end_items`]. Batching follows the C pickler's iterator path: groups of
    /// [`BATCH_SIZE`] as `MARK ... SETITEMS`, a lone last item as `SETITEM`, no empty group.
    pub fn begin_items(&mut self, len: usize) {
        match self.frames.last_mut() {
            Some(f) if f.kind == Kind::Reduce && f.values == 3 => f.values = 5,
            _ => self.misuse("begin_items needs reduce first".into()),
        }
        self.frames.push(Frame { kind: Kind::Items, len, values: 0 });
        if len >= 2 {
            self.out.push(MARK);
        }
    }

    /// Closes the items opened by [`Pickler::begin_items`].
    pub fn end_items(&mut self) {
        self.pop(Kind::Items);
    }

    /// Closes the object opened by [`Pickler::begin_reduce`].
    pub fn end_reduce(&mut self) {
        if let Some(f) = self.frames.pop() {
            if f.kind != Kind::Reduce || !(f.values == 3 || f.values == 5) {
                self.misuse(format!(
                    "end_reduce closes a {} at step {} (want reduce, then optionally build)",
                    f.kind.name(),
                    f.values
                ));
            }
            self.value_done();
        } else {
            self.misuse("end_reduce with no container open".into());
        }
    }

    /// Moves the bytes written so far to `w` and empties the buffer (the memo and open
    /// containers stay), so that a pickle of any size can be written with bounded memory;
    /// [`Pickler::finish`] then returns only the rest.
    /// In protocol 4 only whole frames move: the open frame stays until it is committed.
    pub fn drain_into<W: std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        match self.frame_at {
            Some(at) => {
                w.write_all(&self.out[..at])?;
                self.out.drain(..at);
                self.frame_at = Some(0);
            }
            None => {
                w.write_all(&self.out)?;
                self.out.clear();
            }
        }
        Ok(())
    }

    /// Ends the pickle (writes `STOP`) and returns its bytes, or the first error met.
    pub fn finish(mut self) -> Result<Vec<u8>, Error> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if let Some(f) = self.frames.last() {
            return Err(Error::Misuse(format!(
                "finish with {} container(s) open (innermost: a {} of {} declared items)",
                self.frames.len(),
                f.kind.name(),
                f.len
            )));
        }
        if self.roots != 1 {
            return Err(Error::Misuse(format!(
                "a pickle holds exactly one object; {} were written at the top level",
                self.roots
            )));
        }
        self.out.push(STOP);
        self.commit_frame();
        Ok(self.out)
    }

    pub(crate) fn misuse(&mut self, message: String) {
        self.fail(Error::Misuse(message));
    }

    pub(crate) fn fail(&mut self, e: Error) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    pub(crate) fn put(&mut self) -> Memo {
        let id = self.memo_len;
        self.memo_len += 1;
        if self.proto >= PROTOCOL_4 {
            self.out.push(MEMOIZE);
            return match u32::try_from(id) {
                Ok(id) => Memo(id),
                Err(_) => {
                    self.fail(Error::Unrepresentable("more than 2^32 memo entries".to_owned()));
                    Memo(u32::MAX)
                }
            };
        }
        if id < 256 {
            self.out.extend_from_slice(&[BINPUT, id as u8]);
            Memo(id as u32)
        } else if let Ok(id) = u32::try_from(id) {
            self.out.push(LONG_BINPUT);
            self.out.extend_from_slice(&id.to_le_bytes());
            Memo(id)
        } else {
            self.fail(Error::Unrepresentable("more than 2^32 memo entries".to_owned()));
            Memo(u32::MAX)
        }
    }

    pub(crate) fn pop(&mut self, kind: Kind) -> Option<Frame> {
        let Some(f) = self.frames.pop() else {
            self.fail(Error::Misuse(format!("end_{} with no container open", kind.name())));
            return None;
        };
        let per_item = if matches!(f.kind, Kind::Dict | Kind::Items) { 2 } else { 1 };
        if f.kind != kind {
            self.fail(Error::Misuse(format!(
                "end_{} closes a {} (containers must nest)",
                kind.name(),
                f.kind.name()
            )));
        } else if f.values != f.len * per_item {
            self.fail(Error::Misuse(format!(
                "a {} declared with {} items got {} values{}",
                f.kind.name(),
                f.len,
                f.values,
                if per_item == 2 { " (keys and values)" } else { "" }
            )));
        }
        Some(f)
    }

    /// Called after every complete value: counts it in its container and writes the grouping
    /// opcodes CPython writes at that point.
    #[inline]
    pub(crate) fn value_done(&mut self) {
        let Some(f) = self.frames.last_mut() else {
            self.roots += 1;
            return;
        };
        f.values += 1;
        let (kind, len, items) = match f.kind {
            Kind::Tuple | Kind::Reduce => return,
            Kind::Items if f.values % 2 == 0 => {
                let (len, items) = (f.len, f.values / 2);
                let full = len / BATCH_SIZE * BATCH_SIZE;
                if items <= full {
                    if items % BATCH_SIZE == 0 {
                        self.out.push(SETITEMS);
                        if len - items >= 2 {
                            self.out.push(MARK);
                        }
                    }
                } else if items == len {
                    self.out.push(if len - full == 1 { SETITEM } else { SETITEMS });
                }
                return;
            }
            Kind::Items => return,
            Kind::Set => {
                if f.values % BATCH_SIZE == 0 {
                    self.out.extend_from_slice(&[ADDITEMS, MARK]);
                }
                return;
            }
            Kind::List => (Kind::List, f.len, f.values),
            Kind::Dict if f.values % 2 == 0 => (Kind::Dict, f.len, f.values / 2),
            Kind::Dict => return,
        };
        if len == 1 {
            if items == 1 {
                self.out.push(if kind == Kind::Dict { SETITEM } else { APPEND });
            }
            return;
        }
        if items % BATCH_SIZE == 0 {
            self.out.push(if kind == Kind::Dict { SETITEMS } else { APPENDS });
            // The C pickler's dict loop opens the next group before looking for more items;
            // its list loop looks first.
            if kind == Kind::Dict || items < len {
                self.out.push(MARK);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(f: impl FnOnce(&mut Pickler)) -> Vec<u8> {
        let mut p = Pickler::new();
        f(&mut p);
        p.finish().unwrap()
    }

    // Expected bytes below are `pickle.dumps(obj, protocol=2)` from CPython 3.11.

    #[test]
    fn scalars_match_cpython() {
        // [-1, -128, -129, 255, 256, 65535, 65536, 2**31-1, 2**31, -2**31, -2**31-1, 2**63-1,
        //  -2**63, 2**40, -2**40, 127, 128, -256, -255, -32768, -32769, 0x1950a86a20f9469cfc6c]
        let ints: [i128; 22] = [
            -1,
            -128,
            -129,
            255,
            256,
            65535,
            65536,
            (1 << 31) - 1,
            1 << 31,
            -(1 << 31),
            -(1 << 31) - 1,
            i64::MAX as i128,
            i64::MIN as i128,
            1 << 40,
            -(1 << 40),
            127,
            128,
            -256,
            -255,
            -32768,
            -32769,
            0x1950a86a20f9469cfc6c,
        ];
        let got = one(|p| {
            p.begin_list(ints.len());
            for v in ints {
                p.int128(v);
            }
            p.end_list();
        });
        let want: &[u8] =
            b"\x80\x02]q\x00(J\xff\xff\xff\xffJ\x80\xff\xff\xffJ\x7f\xff\xff\xffK\xff\
M\x00\x01M\xff\xffJ\x00\x00\x01\x00J\xff\xff\xff\x7f\x8a\x05\x00\x00\x00\x80\x00J\x00\x00\x00\x80\
\x8a\x05\xff\xff\xff\x7f\xff\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7f\x8a\x08\x00\x00\x00\x00\x00\
\x00\x00\x80\x8a\x06\x00\x00\x00\x00\x00\x01\x8a\x06\x00\x00\x00\x00\x00\xffK\x7fK\x80J\x00\xff\
\xff\xffJ\x01\xff\xff\xffJ\x00\x80\xff\xffJ\xff\x7f\xff\xff\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19e.";
        assert_eq!(got, want);
    }

    #[test]
    fn identity_strings_and_atoms_match_cpython() {
        // s = 'abc'; [s, s, 'abd', None, True, False, 1.5, -0.0]
        let got = one(|p| {
            p.begin_list(8);
            let s = p.str("abc");
            p.get(s);
            p.str("abd");
            p.none();
            p.bool(true);
            p.bool(false);
            p.float(1.5);
            p.float(-0.0);
            p.end_list();
        });
        let want: &[u8] =
            b"\x80\x02]q\x00(X\x03\x00\x00\x00abcq\x01h\x01X\x03\x00\x00\x00abdq\x02N\
\x88\x89G?\xf8\x00\x00\x00\x00\x00\x00G\x80\x00\x00\x00\x00\x00\x00\x00e.";
        assert_eq!(got, want);
    }

    #[test]
    fn small_containers_match_cpython() {
        assert_eq!(
            one(|p| {
                p.begin_dict(1);
                p.str("a");
                p.int(1);
                p.end_dict();
            }),
            b"\x80\x02}q\x00X\x01\x00\x00\x00aq\x01K\x01s."
        );
        assert_eq!(
            one(|p| {
                p.begin_dict(0);
                p.end_dict();
            }),
            b"\x80\x02}q\x00."
        );
        assert_eq!(
            one(|p| {
                p.begin_list(0);
                p.end_list();
            }),
            b"\x80\x02]q\x00."
        );
        assert_eq!(
            one(|p| {
                p.begin_list(1);
                p.str("x");
                p.end_list();
            }),
            b"\x80\x02]q\x00X\x01\x00\x00\x00xq\x01a."
        );
        // {'k': [1, 2], 'j': (1, 'a'), 'e': ()}
        let got = one(|p| {
            p.begin_dict(3);
            p.str("k");
            p.begin_list(2);
            p.int(1);
            p.int(2);
            p.end_list();
            p.str("j");
            p.begin_tuple(2);
            p.int(1);
            p.str("a");
            p.end_tuple();
            p.str("e");
            p.begin_tuple(0);
            assert_eq!(p.end_tuple(), None);
            p.end_dict();
        });
        let want: &[u8] = b"\x80\x02}q\x00(X\x01\x00\x00\x00kq\x01]q\x02(K\x01K\x02e\
X\x01\x00\x00\x00jq\x03K\x01X\x01\x00\x00\x00aq\x04\x86q\x05X\x01\x00\x00\x00eq\x06)u.";
        assert_eq!(got, want);
        // t = (1, 2, 3, 4, 5); [t, t, ()]
        let got = one(|p| {
            p.begin_list(3);
            p.begin_tuple(5);
            for i in 1..=5 {
                p.int(i);
            }
            let t = p.end_tuple().unwrap();
            p.get(t);
            p.begin_tuple(0);
            p.end_tuple();
            p.end_list();
        });
        assert_eq!(got, b"\x80\x02]q\x00((K\x01K\x02K\x03K\x04K\x05tq\x01h\x01)e.");
    }

    #[test]
    fn shared_list_is_written_once() {
        // x = ['abc']; [x, x, 'abc'] with one 'abc' object (the reader's serde-pickle repro)
        let got = one(|p| {
            p.begin_list(3);
            let x = p.begin_list(1);
            let abc = p.str("abc");
            p.end_list();
            p.get(x);
            p.get(abc);
            p.end_list();
        });
        assert_eq!(got, b"\x80\x02]q\x00(]q\x01X\x03\x00\x00\x00abcq\x02ah\x01h\x02e.");
    }

    #[test]
    fn unicode_and_special_floats_match_cpython() {
        assert_eq!(
            one(|p| {
                p.str("é€😀");
            }),
            b"\x80\x02X\t\x00\x00\x00\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80q\x00."
        );
        assert_eq!(one(|p| p.float(f64::INFINITY)), b"\x80\x02G\x7f\xf0\x00\x00\x00\x00\x00\x00.");
        assert_eq!(one(|p| p.float(f64::NAN)), b"\x80\x02G\x7f\xf8\x00\x00\x00\x00\x00\x00.");
        // A NaN payload and sign survive.
        let odd = f64::from_bits(0xfff0_0000_0000_0001);
        assert_eq!(one(|p| p.float(odd))[3..11], 0xfff0_0000_0000_0001u64.to_be_bytes());
    }

    /// Counts of (MARK, SETITEMS or APPENDS, SETITEM or APPEND) for a container of `n` ints,
    /// from CPython 3.11's C pickler.
    #[test]
    fn batching_matches_the_c_pickler() {
        let cases: [(usize, [usize; 3], [usize; 3]); 6] = [
            (0, [0, 0, 0], [0, 0, 0]),
            (1, [0, 0, 1], [0, 0, 1]),
            (2, [1, 1, 0], [1, 1, 0]),
            (1000, [2, 2, 0], [1, 1, 0]),
            (1001, [2, 2, 0], [2, 2, 0]),
            (2000, [3, 3, 0], [2, 2, 0]),
        ];
        for (n, dict_counts, list_counts) in cases {
            let d = one(|p| {
                p.begin_dict(n);
                for i in 0..n {
                    p.int(i as i64);
                    p.int(0);
                }
                p.end_dict();
            });
            assert_eq!(count_ops(&d, SETITEMS, SETITEM), dict_counts, "dict of {n}");
            let l = one(|p| {
                p.begin_list(n);
                for _ in 0..n {
                    p.int(0);
                }
                p.end_list();
            });
            assert_eq!(count_ops(&l, APPENDS, APPEND), list_counts, "list of {n}");
        }
    }

    /// Walks a pickle made only of containers and ints, counting MARK, `many` and `single`.
    fn count_ops(b: &[u8], many: u8, single: u8) -> [usize; 3] {
        let mut c = [0; 3];
        let mut i = 2;
        while i < b.len() {
            let op = b[i];
            i += match op {
                BININT1 | BINPUT => 2,
                BININT2 => 3,
                BININT | LONG_BINPUT => 5,
                _ => 1,
            };
            if op == MARK {
                c[0] += 1;
            } else if op == many {
                c[1] += 1;
            } else if op == single {
                c[2] += 1;
            }
        }
        c
    }

    #[test]
    fn memo_switches_to_long_opcodes_at_256() {
        let got = one(|p| {
            p.begin_list(300);
            let mut memos = Vec::new();
            for i in 0..299 {
                memos.push(p.str(&i.to_string()));
            }
            p.get(memos[298]);
            p.end_list();
        });
        // The list is memo 0, strings 1..=299: "254" is id 255 (BINPUT), "255" id 256.
        let at = |s: &str| got.windows(s.len()).position(|w| w == s.as_bytes()).unwrap();
        let after_254 = at("X\x03\x00\x00\x00254") + 8;
        assert_eq!(&got[after_254..after_254 + 2], b"q\xff");
        let after_255 = at("X\x03\x00\x00\x00255") + 8;
        assert_eq!(&got[after_255..after_255 + 5], b"r\x00\x01\x00\x00");
        assert_eq!(&got[got.len() - 7..], b"j\x2b\x01\x00\x00e.");
    }

    /// x = np.float64(0.129306); [x, x, np.float64(1.5), OrderedDict({0: .5, 1: .5}),
    /// OrderedDict({0: .5}), OrderedDict()] from CPython 3.11 + numpy 2.4.
    #[test]
    fn reduced_objects_match_cpython() {
        let got = one(|p| {
            p.begin_list(6);
            let mut globals = None;
            for v in [0.129306f64, 1.5] {
                p.begin_reduce();
                let (scalar, dtype, encode, latin1) = match globals {
                    None => {
                        let scalar = p.global("numpy._core.multiarray", "scalar");
                        p.begin_tuple(2);
                        p.begin_reduce();
                        p.global("numpy", "dtype");
                        p.begin_tuple(3);
                        p.str("f8");
                        p.bool(false);
                        p.bool(true);
                        p.end_tuple();
                        let dtype = p.reduce();
                        p.begin_tuple(8);
                        p.int(3);
                        p.str("<");
                        for _ in 0..3 {
                            p.none();
                        }
                        p.int(-1);
                        p.int(-1);
                        p.int(0);
                        p.end_tuple();
                        p.build();
                        p.end_reduce();
                        (scalar, dtype, None, None)
                    }
                    Some((s, d, e, l)) => {
                        p.get(s);
                        p.begin_tuple(2);
                        p.get(d);
                        (s, d, Some(e), Some(l))
                    }
                };
                p.begin_reduce();
                let encode = match encode {
                    Some(e) => {
                        p.get(e);
                        e
                    }
                    None => p.global("_codecs", "encode"),
                };
                p.begin_tuple(2);
                let text: String = v.to_le_bytes().iter().map(|&b| char::from(b)).collect();
                p.str(&text);
                let latin1 = match latin1 {
                    Some(l) => {
                        p.get(l);
                        l
                    }
                    None => p.str("latin1"),
                };
                p.end_tuple();
                p.reduce();
                p.end_reduce();
                p.end_tuple();
                let m = p.reduce();
                p.end_reduce();
                if globals.is_none() {
                    p.get(m);
                }
                globals = Some((scalar, dtype, encode, latin1));
            }
            let mut od = None;
            for n in [2usize, 1, 0] {
                p.begin_reduce();
                match od {
                    None => od = Some(p.global("collections", "OrderedDict")),
                    Some(g) => p.get(g),
                }
                p.begin_tuple(0);
                p.end_tuple();
                p.reduce();
                p.begin_items(n);
                for k in 0..n {
                    p.int(k as i64);
                    p.float(0.5);
                }
                p.end_items();
                p.end_reduce();
            }
            p.end_list();
        });
        let want: &[u8] =
            b"\x80\x02]q\x00(cnumpy._core.multiarray\nscalar\nq\x01cnumpy\ndtype\nq\x02\
X\x02\x00\x00\x00f8q\x03\x89\x88\x87q\x04Rq\x05(K\x03X\x01\x00\x00\x00<q\x06NNNJ\xff\xff\xff\xff\
J\xff\xff\xff\xffK\x00tq\x07bc_codecs\nencode\nq\x08X\x0c\x00\x00\x00\x0b\xc2\x9a\xc2\x96X\x19\
\xc2\x8d\xc3\x80?q\tX\x06\x00\x00\x00latin1q\n\x86q\x0bRq\x0c\x86q\rRq\x0eh\x0eh\x01h\x05h\x08\
X\t\x00\x00\x00\x00\x00\x00\x00\x00\x00\xc3\xb8?q\x0fh\n\x86q\x10Rq\x11\x86q\x12Rq\x13\
ccollections\nOrderedDict\nq\x14)Rq\x15(K\x00G?\xe0\x00\x00\x00\x00\x00\x00K\x01G?\xe0\x00\x00\
\x00\x00\x00\x00uh\x14)Rq\x16K\x00G?\xe0\x00\x00\x00\x00\x00\x00sh\x14)Rq\x17e.";
        assert_eq!(got, want);
    }

    /// An OrderedDict of 1000 items ends `... SETITEMS` (no empty group, unlike a dict) and one
    /// of 1001 items ends `... SETITEMS key value SETITEM` (CPython 3.11).
    #[test]
    fn reduced_items_batch_like_the_iterator_path() {
        for (n, tail) in [(1000usize, &b"K\x00u."[..]), (1001, b"uM\xe8\x03K\x00s.")] {
            let got = one(|p| {
                p.begin_reduce();
                p.global("collections", "OrderedDict");
                p.begin_tuple(0);
                p.end_tuple();
                p.reduce();
                p.begin_items(n);
                for k in 0..n {
                    p.int(k as i64);
                    p.int(0);
                }
                p.end_items();
                p.end_reduce();
            });
            assert!(got.ends_with(tail), "{n}: {:?}", &got[got.len() - 12..]);
            assert!(!got.windows(2).any(|w| w == [MARK, SETITEMS]), "{n}: an empty group");
        }
    }

    #[test]
    fn drained_pieces_make_the_same_pickle() {
        let write = |drain: bool| {
            let mut p = Pickler::new();
            let mut out = Vec::new();
            p.begin_list(3000);
            for i in 0..3000 {
                p.str(&i.to_string());
                if drain && i % 7 == 0 {
                    p.drain_into(&mut out).unwrap();
                }
            }
            p.end_list();
            out.extend(p.finish().unwrap());
            out
        };
        assert_eq!(write(true), write(false));
    }

    #[test]
    fn reduce_misuse_is_reported() {
        let mut p = Pickler::new();
        p.begin_reduce();
        p.global("a", "b");
        p.reduce();
        assert!(p.finish().unwrap_err().to_string().contains("reduce needs"));
        let mut p = Pickler::new();
        p.begin_reduce();
        p.end_reduce();
        assert!(p.finish().unwrap_err().to_string().contains("end_reduce closes"));
        let mut p = Pickler::new();
        p.global("a\nb", "c");
        assert!(p.finish().unwrap_err().to_string().contains("newline"));
    }

    #[test]
    fn misuse_is_reported_at_finish() {
        let mut p = Pickler::new();
        p.begin_list(3);
        p.int(1);
        p.end_list();
        let e = p.finish().unwrap_err().to_string();
        assert!(e.contains("list declared with 3 items got 1 values"), "{e}");

        let mut p = Pickler::new();
        p.begin_dict(1);
        p.int(1);
        assert!(p.finish().unwrap_err().to_string().contains("1 container(s) open"));

        let mut p = Pickler::new();
        p.begin_dict(0);
        p.end_list();
        assert!(p.finish().unwrap_err().to_string().contains("end_list closes a dict"));

        let mut p = Pickler::new();
        p.get(Memo(7));
        assert!(p.finish().unwrap_err().to_string().contains("memo id 7 was never put"));

        let mut p = Pickler::new();
        p.int(1);
        p.int(2);
        assert!(p.finish().unwrap_err().to_string().contains("2 were written"));
        assert!(Pickler::new().finish().is_err());
    }
}
