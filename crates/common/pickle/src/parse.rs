//! The pickle machine: one pass over the opcodes, building values in the arena.

use crate::arena::{Arena, SpanKind};
use crate::check;
use crate::compat;
use crate::error::{Error, ErrorKind};
use crate::grow;
use crate::hooks::Hooks;
use crate::limits::{HARD_MAX_INPUT, Limits, MAX_INT_DIGITS};
use crate::memo::Memo;
use crate::ops::{self, *};
use crate::text::{self, Int, IntOp, TextError};
use crate::value::{Kind, Ref, Value};

/// A parsed pickle: the arena of values and the root value.
#[derive(Debug)]
pub struct Pickle<'a> {
    /// Every value the pickle created.
    pub arena: Arena<'a>,
    /// The value `STOP` returned.
    pub root: Ref,
    /// Offset just past the `STOP` opcode (a file may hold several pickles back to back).
    pub end: usize,
}

/// Parses one pickle from the start of `input`, building plain values and asking `hooks` about
/// every global. Nothing is executed. On success the result is acyclic, dict keys are unique (a
/// repeated key kept its first position and took the last value, as in Python), and depth and
/// expanded size are within `limits`.
///
/// ```
/// use tnb_pickle::{parse, Limits, PlainData, Value};
/// // pickle.dumps({'a': [1.5, None]}, protocol=2)
/// let bytes = b"\x80\x02}q\x00X\x01\x00\x00\x00aq\x01]q\x02(G?\xf8\x00\x00\x00\x00\x00\x00Nes.";
/// let p = parse(bytes, &mut PlainData, &Limits::default())?;
/// let Value::Container(_, kv) = p.arena.get(p.root) else { panic!() };
/// let (key, list) = kv.pairs().next().unwrap();
/// assert_eq!(p.arena.get(key), Value::Str("a"));
/// assert_eq!(p.arena.get(p.arena.children(list).get(0).unwrap()), Value::Float(1.5));
/// # Ok::<(), tnb_pickle::Error>(())
/// ```
pub fn parse<'a, H: Hooks + ?Sized>(
    input: &'a [u8],
    hooks: &mut H,
    limits: &Limits,
) -> Result<Pickle<'a>, Error> {
    if input.len() as u64 > HARD_MAX_INPUT {
        return Err(Error::whole(ErrorKind::Limit { what: "pickle size", limit: HARD_MAX_INPUT }));
    }
    let mut m = Machine {
        input,
        pos: 0,
        op_at: 0,
        stack: Vec::new(),
        marks: Vec::new(),
        proto: 0,
        limits: *limits,
        memo: Memo::new(limits.max_memo),
        arena: Arena::new(input, limits),
        hooks,
    };
    // Errors from the arena and the memo get the offset of the opcode that caused them.
    let root = m.run().map_err(|e| m.at(e))?;
    let end = m.pos;
    // The stack, marks and memo may be large (hundreds of MB at their limits): freed before the
    // passes below allocate theirs.
    let Machine { mut arena, stack, marks, memo, .. } = m;
    drop((stack, marks, memo));
    check::dedup_keys(&mut arena)?;
    check::check_graph(&arena, root, limits)?;
    Ok(Pickle { arena, root, end })
}

/// The value of a `LONG1`/`LONG4` argument (two's complement, little-endian) when it fits in 64
/// bits; `None` when it needs more (kept as a big int for the consumer to refuse with its object
/// path).
pub(crate) fn long_value(bytes: &[u8]) -> Option<i64> {
    let len = bytes.len();
    let neg = bytes.last().is_some_and(|&b| b & 0x80 != 0);
    let fill = if neg { 0xff } else { 0 };
    let mut a = [fill; 8];
    let n = len.min(8);
    a[..n].copy_from_slice(&bytes[..n]);
    let v = i64::from_le_bytes(a);
    // Bytes past the eighth may only repeat the sign.
    let fits = len <= 8 || (bytes[8..].iter().all(|&b| b == fill) && (v < 0) == neg);
    fits.then_some(v)
}

struct Machine<'a, 'h, H: Hooks + ?Sized> {
    input: &'a [u8],
    pos: usize,
    /// Offset of the opcode being executed, for errors.
    op_at: usize,
    stack: Vec<Ref>,
    /// Stack lengths at each open `MARK`.
    marks: Vec<usize>,
    /// The last `PROTO` seen (0 before any, as in CPython): below 3, Python 2 names are renamed.
    proto: u8,
    limits: Limits,
    memo: Memo,
    arena: Arena<'a>,
    hooks: &'h mut H,
}

impl<'a, H: Hooks + ?Sized> Machine<'a, '_, H> {
    fn err(&self, kind: ErrorKind) -> Error {
        Error::at(self.op_at, kind)
    }

    fn take(&mut self, n: usize, op: u8) -> Result<&'a [u8], Error> {
        let input = self.input;
        match self.pos.checked_add(n).and_then(|end| input.get(self.pos..end)) {
            Some(s) => {
                self.pos += n;
                Ok(s)
            }
            None => Err(self.err(ErrorKind::Truncated { opcode: ops::name(op) })),
        }
    }

    fn u8(&mut self, op: u8) -> Result<u8, Error> {
        Ok(self.take(1, op)?[0])
    }

    fn u16(&mut self, op: u8) -> Result<u16, Error> {
        let b = self.take(2, op)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self, op: u8) -> Result<u32, Error> {
        let b = self.take(4, op)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self, op: u8) -> Result<u64, Error> {
        let b = self.take(8, op)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// A length argument, checked against what is left of the input before anything is sized
    /// from it.
    fn len_arg(&mut self, n: u64, op: u8) -> Result<usize, Error> {
        let left = (self.input.len() - self.pos) as u64;
        if n > left {
            return Err(self.err(ErrorKind::Truncated { opcode: ops::name(op) }));
        }
        Ok(n as usize)
    }

    /// The rest of the line (without the newline) for text opcodes.
    fn line(&mut self, op: u8) -> Result<&'a [u8], Error> {
        let rest = &self.input[self.pos..];
        match rest.iter().position(|&c| c == b'\n') {
            Some(i) => {
                self.pos += i + 1;
                Ok(&rest[..i])
            }
            None => Err(self.err(ErrorKind::Truncated { opcode: ops::name(op) })),
        }
    }

    /// Pushes onto the stack, counted against [`Limits::max_stack`] before it grows.
    fn push(&mut self, r: Ref) -> Result<(), Error> {
        if self.stack.len() as u64 >= self.limits.max_stack {
            return Err(self.err(ErrorKind::Limit {
                what: "values on the pickle stack (MAX_STACK)",
                limit: self.limits.max_stack,
            }));
        }
        grow::push(&mut self.stack, r)
    }

    /// Opens a mark, counted against [`Limits::max_marks`] before it grows.
    fn mark(&mut self) -> Result<(), Error> {
        if self.marks.len() as u64 >= self.limits.max_marks {
            return Err(self.err(ErrorKind::Limit {
                what: "open MARKs (MAX_MARKS)",
                limit: self.limits.max_marks,
            }));
        }
        grow::push(&mut self.marks, self.stack.len())
    }

    /// Gives an error from the arena or memo the offset of the opcode that caused it.
    fn at(&self, mut e: Error) -> Error {
        if e.offset.is_none() {
            e.offset = Some(self.op_at as u64);
        }
        e
    }

    fn text_err(&self, e: TextError, op: u8) -> Error {
        match e {
            TextError::Bad => self.err(ErrorKind::BadText { opcode: ops::name(op) }),
            TextError::TooManyDigits => self.err(ErrorKind::Limit {
                what: "digits of a text int (MAX_INT_DIGITS)",
                limit: MAX_INT_DIGITS as u64,
            }),
            TextError::TooLong => {
                self.err(ErrorKind::Limit { what: "string length", limit: self.limits.max_str_len })
            }
            TextError::OutOfMemory => self.err(ErrorKind::OutOfMemory),
        }
    }

    fn base(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn pop(&mut self, op: u8) -> Result<Ref, Error> {
        match self.stack.pop() {
            Some(r) if self.stack.len() >= self.base() => Ok(r),
            _ => Err(self.err(ErrorKind::StackUnderflow { opcode: ops::name(op) })),
        }
    }

    fn top(&self, op: u8) -> Result<Ref, Error> {
        if self.stack.len() <= self.base() {
            return Err(self.err(ErrorKind::StackUnderflow { opcode: ops::name(op) }));
        }
        Ok(self.stack[self.stack.len() - 1])
    }

    /// Pops the values above the last mark and the mark; returns where they started.
    fn pop_mark(&mut self, op: u8) -> Result<usize, Error> {
        self.marks.pop().ok_or_else(|| self.err(ErrorKind::NoMark { opcode: ops::name(op) }))
    }

    fn hook<T>(&self, r: Result<T, String>) -> Result<T, Error> {
        r.map_err(|m| self.err(ErrorKind::Hook(m)))
    }

    fn wrong(&self, op: u8, expected: &'static str, found: Ref) -> Error {
        let found = self.arena.get(found).type_name();
        self.err(ErrorKind::Type { opcode: ops::name(op), expected, found })
    }

    fn str_arg(&mut self, start: usize, len: usize, op: u8) -> Result<Ref, Error> {
        if std::str::from_utf8(&self.input[start..start + len]).is_err() {
            return Err(self.err(ErrorKind::BadUtf8 { opcode: ops::name(op) }));
        }
        self.arena.input_span(start, len, SpanKind::Str)
    }

    fn push_utf8(&mut self, start: usize, len: usize, op: u8) -> Result<(), Error> {
        let r = self.str_arg(start, len, op)?;
        self.push(r)?;
        Ok(())
    }

    fn push_bytes_at(&mut self, start: usize, len: usize) -> Result<(), Error> {
        let r = self.arena.input_span(start, len, SpanKind::Bytes)?;
        self.push(r)?;
        Ok(())
    }

    fn push_int(&mut self, v: i64) -> Result<(), Error> {
        let r = self.arena.push_int(v)?;
        self.push(r)?;
        Ok(())
    }

    /// Two's complement little-endian (`LONG1`/`LONG4`) at `start..start + len` of the input.
    fn long(&mut self, start: usize, len: usize) -> Result<(), Error> {
        if let Some(v) = long_value(&self.input[start..start + len]) {
            return self.push_int(v);
        }
        let r = self.arena.input_span(start, len, SpanKind::BigInt)?;
        self.push(r)?;
        Ok(())
    }

    /// An int read by a text opcode (digits already bounded by [`MAX_INT_DIGITS`]).
    fn text_int(&mut self, i: Int) -> Result<(), Error> {
        match i {
            Int::Small(v) => self.push_int(v),
            Int::Big(le) => {
                let r = self.arena.owned_span(&le, SpanKind::BigInt)?;
                self.push(r)
            }
        }
    }

    fn text_id(&mut self, op: u8) -> Result<u64, Error> {
        let line = self.line(op)?;
        text::memo_id(line).map_err(|e| self.text_err(e, op))
    }

    /// The two lines naming a global (`GLOBAL`, `INST`): each non-empty, decoded as UTF-8
    /// (`GLOBAL`) or ASCII (`INST`), strictly, as CPython does.
    fn global_lines(&mut self, op: u8, ascii: bool) -> Result<(&'a str, &'a str), Error> {
        let mut names = [""; 2];
        for n in &mut names {
            let line = self.line(op)?;
            if line.is_empty() {
                return Err(self.err(ErrorKind::BadText { opcode: ops::name(op) }));
            }
            if ascii && !line.is_ascii() {
                return Err(self.err(ErrorKind::BadText { opcode: ops::name(op) }));
            }
            *n = std::str::from_utf8(line)
                .map_err(|_| self.err(ErrorKind::BadUtf8 { opcode: ops::name(op) }))?;
        }
        Ok((names[0], names[1]))
    }

    /// Asks the hooks about a global under the name CPython would import: Python 2 names are
    /// renamed below protocol 3 (see [`compat`]).
    fn global(&mut self, module: &str, name: &str) -> Result<Ref, Error> {
        let (module, name) = compat::fix_import(self.proto, module, name);
        match self.hooks.find_class(module, name) {
            Some(class) => self.arena.push_global(class),
            None => {
                Err(self
                    .err(ErrorKind::Forbidden { module: module.to_owned(), name: name.to_owned() }))
            }
        }
    }

    fn class_of(&self, r: Ref, op: u8) -> Result<u32, Error> {
        match self.arena.get(r) {
            Value::Global(c) => Ok(c),
            _ => Err(self.wrong(op, "a class or function", r)),
        }
    }

    fn call(&mut self, class: u32, args: Ref) -> Result<(), Error> {
        let r = self.hooks.call(&mut self.arena, class, args);
        let r = self.hook(r)?;
        self.push(r)?;
        Ok(())
    }

    fn container_from_mark(&mut self, kind: Kind, op: u8) -> Result<(), Error> {
        let start = self.pop_mark(op)?;
        if kind == Kind::Dict && (self.stack.len() - start) % 2 != 0 {
            return Err(self.err(ErrorKind::StackUnderflow { opcode: ops::name(op) }));
        }
        let r = self.arena.push_container(kind, &self.stack[start..])?;
        self.stack.truncate(start);
        self.push(r)?;
        Ok(())
    }

    fn tuple_n(&mut self, n: usize, op: u8) -> Result<(), Error> {
        if self.stack.len() < self.base() + n {
            return Err(self.err(ErrorKind::StackUnderflow { opcode: ops::name(op) }));
        }
        let start = self.stack.len() - n;
        let r = self.arena.push_container(Kind::Tuple, &self.stack[start..])?;
        self.stack.truncate(start);
        self.push(r)?;
        Ok(())
    }

    /// Appends `stack[from..]` to the container below them (`APPENDS`, `SETITEMS`, `ADDITEMS`).
    fn add_to(&mut self, from: usize, want: Kind, op: u8) -> Result<(), Error> {
        // The target sits just below `from` and must be above the enclosing mark.
        if from <= self.base() {
            return Err(self.err(ErrorKind::StackUnderflow { opcode: ops::name(op) }));
        }
        if from == self.stack.len() {
            // CPython returns before looking at the target when a batch is empty.
            return Ok(());
        }
        let target = self.stack[from - 1];
        let ok = match self.arena.get(target) {
            Value::Container(k, _) => k == want,
            _ => false,
        };
        if !ok {
            return Err(self.wrong(op, want.name(), target));
        }
        if want == Kind::Dict && (self.stack.len() - from) % 2 != 0 {
            return Err(self.err(ErrorKind::StackUnderflow { opcode: ops::name(op) }));
        }
        // Disjoint field borrows: the stack slice goes straight into the arena, no copy.
        self.arena.extend(target, &self.stack[from..])?;
        self.stack.truncate(from);
        Ok(())
    }

    /// Items above the last mark go into the container just below the mark.
    fn add_marked(&mut self, want: Kind, op: u8) -> Result<(), Error> {
        let start = self.pop_mark(op)?;
        self.add_to(start, want, op)
    }

    /// The shape of every per-epoch list in a benchmark: a list, `MARK`, `BINFLOAT` × k,
    /// `APPENDS`. When the float just read (data at `at`) starts exactly that, with nothing
    /// between the mark and it, the k floats go into the list as one run of the input without
    /// passing through the stack, and parsing resumes after the `APPENDS`. Anything else is left
    /// to the ordinary path (returns false, nothing consumed).
    fn float_run(&mut self, at: usize) -> Result<bool, Error> {
        let base = self.base();
        if self.marks.is_empty() || self.stack.len() != base || base == 0 {
            return Ok(false);
        }
        let input = self.input;
        let mut end = at + 8; // the opcode after the first float
        let mut k = 1usize;
        while input.get(end) == Some(&BINFLOAT) && end + 9 <= input.len() {
            end += 9;
            k += 1;
        }
        if input.get(end) != Some(&APPENDS) {
            return Ok(false);
        }
        let target = self.stack[base - 1];
        if !matches!(self.arena.get(target), Value::Container(Kind::List, _)) {
            return Ok(false);
        }
        self.arena.extend_float_run(target, at, k)?;
        self.marks.pop();
        self.pos = end + 1;
        Ok(true)
    }

    fn run(&mut self) -> Result<Ref, Error> {
        loop {
            self.op_at = self.pos;
            let Some(&op) = self.input.get(self.pos) else {
                return Err(self.err(ErrorKind::Truncated { opcode: "STOP" }));
            };
            self.pos += 1;
            match op {
                BINFLOAT => {
                    let at = self.pos;
                    self.take(8, op)?;
                    if self.float_run(at)? {
                        continue;
                    }
                    let r = self.arena.float_at(at)?;
                    self.push(r)?;
                }
                BINPUT => {
                    let id = self.u8(op)?;
                    let top = self.top(op)?;
                    self.memo.put(u64::from(id), top, self.op_at)?;
                }
                LONG_BINPUT => {
                    let id = self.u32(op)?;
                    let top = self.top(op)?;
                    self.memo.put(u64::from(id), top, self.op_at)?;
                }
                MEMOIZE => {
                    let top = self.top(op)?;
                    let id = self.memo.len();
                    self.memo.put(id, top, self.op_at)?;
                }
                PUT => {
                    let id = self.text_id(op)?;
                    let top = self.top(op)?;
                    self.memo.put(id, top, self.op_at)?;
                }
                BINGET => {
                    let id = self.u8(op)?;
                    let r = self.memo.get(u64::from(id), self.op_at)?;
                    self.push(r)?;
                }
                LONG_BINGET => {
                    let id = self.u32(op)?;
                    let r = self.memo.get(u64::from(id), self.op_at)?;
                    self.push(r)?;
                }
                GET => {
                    let id = self.text_id(op)?;
                    let r = self.memo.get(id, self.op_at)?;
                    self.push(r)?;
                }
                BINUNICODE => {
                    let n = u64::from(self.u32(op)?);
                    let n = self.len_arg(n, op)?;
                    let at = self.pos;
                    self.take(n, op)?;
                    self.push_utf8(at, n, op)?;
                }
                SHORT_BINUNICODE => {
                    let n = usize::from(self.u8(op)?);
                    let at = self.pos;
                    self.take(n, op)?;
                    self.push_utf8(at, n, op)?;
                }
                BINUNICODE8 => {
                    let n = self.u64(op)?;
                    let n = self.len_arg(n, op)?;
                    let at = self.pos;
                    self.take(n, op)?;
                    self.push_utf8(at, n, op)?;
                }
                BINSTRING => {
                    let n = self.u32(op)? as i32;
                    if n < 0 {
                        return Err(self.err(ErrorKind::BadText { opcode: "BINSTRING" }));
                    }
                    let n = self.len_arg(n as u64, op)?;
                    let at = self.pos;
                    self.take(n, op)?;
                    self.push_utf8(at, n, op)?;
                }
                SHORT_BINSTRING => {
                    let n = usize::from(self.u8(op)?);
                    let at = self.pos;
                    self.take(n, op)?;
                    self.push_utf8(at, n, op)?;
                }
                BINBYTES => {
                    let n = u64::from(self.u32(op)?);
                    let n = self.len_arg(n, op)?;
                    let at = self.pos;
                    self.take(n, op)?;
                    self.push_bytes_at(at, n)?;
                }
                SHORT_BINBYTES => {
                    let n = usize::from(self.u8(op)?);
                    let at = self.pos;
                    self.take(n, op)?;
                    self.push_bytes_at(at, n)?;
                }
                BINBYTES8 => {
                    let n = self.u64(op)?;
                    let n = self.len_arg(n, op)?;
                    let at = self.pos;
                    self.take(n, op)?;
                    self.push_bytes_at(at, n)?;
                }
                UNICODE => {
                    let line = self.line(op)?;
                    let s = text::raw_unicode_escape(line, self.limits.max_str_len)
                        .map_err(|e| self.text_err(e, op))?;
                    let r = self.arena.push_str(&s)?;
                    self.push(r)?;
                }
                STRING => {
                    let line = self.line(op)?;
                    let b = text::string_literal(line).map_err(|e| self.text_err(e, op))?;
                    let s = std::str::from_utf8(&b)
                        .map_err(|_| self.err(ErrorKind::BadUtf8 { opcode: "STRING" }))?;
                    let r = self.arena.push_str(s)?;
                    self.push(r)?;
                }
                BININT => {
                    let v = self.u32(op)? as i32;
                    self.push_int(i64::from(v))?;
                }
                BININT1 => {
                    let v = self.u8(op)?;
                    self.push_int(i64::from(v))?;
                }
                BININT2 => {
                    let v = self.u16(op)?;
                    self.push_int(i64::from(v))?;
                }
                LONG1 => {
                    let n = usize::from(self.u8(op)?);
                    let at = self.pos;
                    self.take(n, op)?;
                    self.long(at, n)?;
                }
                LONG4 => {
                    let n = self.u32(op)? as i32;
                    if n < 0 {
                        return Err(self.err(ErrorKind::BadText { opcode: "LONG4" }));
                    }
                    let n = self.len_arg(n as u64, op)?;
                    let at = self.pos;
                    self.take(n, op)?;
                    self.long(at, n)?;
                }
                INT => {
                    let line = self.line(op)?;
                    match text::int_opcode(line).map_err(|e| self.text_err(e, op))? {
                        IntOp::Bool(b) => self.push(Ref::bool(b))?,
                        IntOp::Int(i) => self.text_int(i)?,
                    }
                }
                LONG => {
                    let line = self.line(op)?;
                    let i = text::long_opcode(line).map_err(|e| self.text_err(e, op))?;
                    self.text_int(i)?;
                }
                FLOAT => {
                    let line = self.line(op)?;
                    let v = text::float_opcode(line).map_err(|e| self.text_err(e, op))?;
                    let r = self.arena.push_float(v)?;
                    self.push(r)?;
                }
                NONE => self.push(Ref::NONE)?,
                NEWTRUE => self.push(Ref::TRUE)?,
                NEWFALSE => self.push(Ref::FALSE)?,
                EMPTY_DICT => {
                    let r = self.arena.push_container(Kind::Dict, &[])?;
                    self.push(r)?;
                }
                EMPTY_LIST => {
                    let r = self.arena.push_container(Kind::List, &[])?;
                    self.push(r)?;
                }
                EMPTY_TUPLE => {
                    let r = self.arena.push_container(Kind::Tuple, &[])?;
                    self.push(r)?;
                }
                EMPTY_SET => {
                    let r = self.arena.push_container(Kind::Set, &[])?;
                    self.push(r)?;
                }
                MARK => self.mark()?,
                SETITEMS => self.add_marked(Kind::Dict, op)?,
                APPENDS => self.add_marked(Kind::List, op)?,
                ADDITEMS => self.add_marked(Kind::Set, op)?,
                SETITEM => {
                    if self.stack.len() < self.base() + 3 {
                        return Err(self.err(ErrorKind::StackUnderflow { opcode: "SETITEM" }));
                    }
                    let from = self.stack.len() - 2;
                    self.add_to(from, Kind::Dict, op)?;
                }
                APPEND => {
                    if self.stack.len() < self.base() + 2 {
                        return Err(self.err(ErrorKind::StackUnderflow { opcode: "APPEND" }));
                    }
                    let from = self.stack.len() - 1;
                    self.add_to(from, Kind::List, op)?;
                }
                TUPLE => self.container_from_mark(Kind::Tuple, op)?,
                LIST => self.container_from_mark(Kind::List, op)?,
                DICT => self.container_from_mark(Kind::Dict, op)?,
                FROZENSET => self.container_from_mark(Kind::FrozenSet, op)?,
                TUPLE1 => self.tuple_n(1, op)?,
                TUPLE2 => self.tuple_n(2, op)?,
                TUPLE3 => self.tuple_n(3, op)?,
                POP => {
                    if self.stack.len() > self.base() {
                        self.stack.pop();
                    } else {
                        // Python pops the mark when the stack above it is empty.
                        let start = self.pop_mark(op)?;
                        self.stack.truncate(start);
                    }
                }
                POP_MARK => {
                    let start = self.pop_mark(op)?;
                    self.stack.truncate(start);
                }
                DUP => {
                    let top = self.top(op)?;
                    self.push(top)?;
                }
                PROTO => {
                    let v = self.u8(op)?;
                    if v > 5 {
                        return Err(self.err(ErrorKind::Protocol(v)));
                    }
                    self.proto = v;
                }
                FRAME => {
                    // Frames only batch reads; the whole input is already in memory.
                    let n = self.u64(op)?;
                    self.len_arg(n, op)?;
                }
                GLOBAL => {
                    let (module, name) = self.global_lines(op, false)?;
                    let r = self.global(module, name)?;
                    self.push(r)?;
                }
                STACK_GLOBAL => {
                    let name = self.pop(op)?;
                    let module = self.pop(op)?;
                    let (Value::Str(m), Value::Str(n)) =
                        (self.arena.get(module), self.arena.get(name))
                    else {
                        return Err(self.wrong(op, "two strings", module));
                    };
                    let (m, n) = (m.to_owned(), n.to_owned());
                    let r = self.global(&m, &n)?;
                    self.push(r)?;
                }
                REDUCE => {
                    let args = self.pop(op)?;
                    let callable = self.pop(op)?;
                    let class = self.class_of(callable, op)?;
                    if !matches!(self.arena.get(args), Value::Container(Kind::Tuple, _)) {
                        return Err(self.wrong(op, "an argument tuple", args));
                    }
                    self.call(class, args)?;
                }
                NEWOBJ => {
                    let args = self.pop(op)?;
                    let cls = self.pop(op)?;
                    let class = self.class_of(cls, op)?;
                    let r = self.hooks.new_object(&mut self.arena, class, args);
                    let r = self.hook(r)?;
                    self.push(r)?;
                }
                NEWOBJ_EX => {
                    let kwargs = self.pop(op)?;
                    let args = self.pop(op)?;
                    let cls = self.pop(op)?;
                    let class = self.class_of(cls, op)?;
                    if !matches!(self.arena.get(kwargs), Value::Container(Kind::Dict, c) if c.is_empty())
                    {
                        return Err(self.wrong(op, "empty keyword arguments", kwargs));
                    }
                    let r = self.hooks.new_object(&mut self.arena, class, args);
                    let r = self.hook(r)?;
                    self.push(r)?;
                }
                INST => {
                    // CPython looks for the mark before reading the names.
                    let start = self.pop_mark(op)?;
                    let (module, name) = self.global_lines(op, true)?;
                    let callable = self.global(module, name)?;
                    let class = self.class_of(callable, op)?;
                    let args = self.arena.push_container(Kind::Tuple, &self.stack[start..])?;
                    self.stack.truncate(start);
                    self.call(class, args)?;
                }
                OBJ => {
                    let start = self.pop_mark(op)?;
                    let Some(&cls) = self.stack.get(start) else {
                        return Err(self.err(ErrorKind::StackUnderflow { opcode: "OBJ" }));
                    };
                    let class = self.class_of(cls, op)?;
                    let args = self.arena.push_container(Kind::Tuple, &self.stack[start + 1..])?;
                    self.stack.truncate(start);
                    self.call(class, args)?;
                }
                BUILD => {
                    let state = self.pop(op)?;
                    let obj = self.top(op)?;
                    let r = self.hooks.build(&mut self.arena, obj, state);
                    self.hook(r)?;
                }
                BINPERSID => {
                    let pid = self.pop(op)?;
                    let r = self.hooks.persistent_load(&mut self.arena, pid);
                    let r = self.hook(r)?;
                    self.push(r)?;
                }
                PERSID => {
                    let line = self.line(op)?;
                    // CPython decodes protocol-0 persistent ids as ASCII, strictly.
                    let s = std::str::from_utf8(line)
                        .ok()
                        .filter(|s| s.is_ascii())
                        .ok_or_else(|| self.err(ErrorKind::BadText { opcode: "PERSID" }))?;
                    let pid = self.arena.push_str(s)?;
                    let r = self.hooks.persistent_load(&mut self.arena, pid);
                    let r = self.hook(r)?;
                    self.push(r)?;
                }
                BYTEARRAY8 | EXT1 | EXT2 | EXT4 | NEXT_BUFFER | READONLY_BUFFER => {
                    return Err(self.err(ops::refused(op)));
                }
                STOP => {
                    let r = self.pop(op)?;
                    return Ok(r);
                }
                other => return Err(self.err(ErrorKind::UnknownOpcode(other))),
            }
        }
    }
}
