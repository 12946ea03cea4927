//! The arena: every value a pickle creates, in flat tables, referring into the input where it can.

use crate::error::{Error, ErrorKind};
use crate::grow;
use crate::value::{
    Children, FLOAT_AT, INDEX_MASK, Kind, MAX_INDEX, RUN_STRIDE, Ref, Repr, Scalar, TAG_CONST,
    TAG_CONTAINER, TAG_FLOAT, TAG_INT, TAG_OBJECT, TAG_SCALAR, TAG_SMALL_INT, TAG_SPAN, Value,
};

/// Whether `items` are `BINFLOAT`s that followed each other directly in the input.
fn is_float_run(items: &[Ref]) -> bool {
    let Some(first) = items.first() else {
        return false;
    };
    if first.0 & FLOAT_AT == 0 {
        return false;
    }
    let mut expect = first.0;
    for it in items {
        if it.0 != expect {
            return false;
        }
        expect = expect.wrapping_add(RUN_STRIDE);
    }
    // The run must stay addressable: offsets fit 31 bits (checked by the parser for the last).
    true
}

/// A string or bytes value: a range of the input (zero-copy) or of the arena's own buffer (text
/// that had to be decoded, bytes made by a hook).
#[derive(Clone, Copy, Debug)]
struct Span {
    start: u32,
    len: u32,
    owned: bool,
    kind: SpanKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SpanKind {
    Str,
    Bytes,
    /// An int beyond 64 bits: little-endian two's complement.
    BigInt,
}

/// A container's children occupy `children[start..start + len]`; the slots up to `start + cap`
/// are reserved for it so that appending later (dicts arrive in batches of 1000, with other
/// containers created in between) is amortised O(1) instead of moving the container each time.
#[derive(Clone, Copy, Debug)]
struct Container {
    kind: Kind,
    /// `start` is the input offset of the first float's data and `children` holds nothing for
    /// this container (see [`Children`]).
    run: bool,
    start: u32,
    len: u32,
    cap: u32,
}

#[derive(Clone, Copy, Debug)]
struct Object {
    global: bool,
    class: u32,
    state: Ref,
}

/// All values of one parsed pickle. Values are reached through [`Ref`]s and read with
/// [`Arena::get`]; hooks create values with the `push_*` methods.
#[derive(Debug)]
pub struct Arena<'a> {
    input: &'a [u8],
    ints: Vec<i64>,
    floats: Vec<f64>,
    scalars: Vec<Scalar>,
    spans: Vec<Span>,
    owned: Vec<u8>,
    containers: Vec<Container>,
    children: Vec<Ref>,
    objects: Vec<Object>,
    nodes: u64,
    max_nodes: u64,
    /// Values other than floats kept as runs of the input (see [`crate::Limits::max_built`]).
    built: u64,
    max_built: u64,
    max_str_len: u64,
    /// See [`crate::Limits::max_items`]: bounds `children.len()`, reserved slots included.
    max_items: u64,
}

fn limit(what: &'static str, limit: u64) -> Error {
    Error::whole(ErrorKind::Limit { what, limit })
}

impl<'a> Arena<'a> {
    pub(crate) fn new(input: &'a [u8], limits: &crate::Limits) -> Self {
        // A benchmark spends about 9 input bytes per float, and floats written back to back need
        // no child references at all (float runs); what is left is dict entries and strings,
        // roughly one reference per 16 input bytes. Untouched capacity costs address space only.
        // Reserving is only a hint: when the address space is short, the tables grow on demand
        // (and a failure then is an error).
        let children = (input.len() / 16).min(1 << 26).min(limits.max_items as usize);
        Arena {
            input,
            ints: Vec::new(),
            floats: Vec::new(),
            scalars: Vec::new(),
            spans: grow::hint(children / 8),
            owned: Vec::new(),
            containers: grow::hint(children / 16),
            children: grow::hint(children),
            objects: Vec::new(),
            nodes: 0,
            max_nodes: limits.max_nodes,
            built: 0,
            max_built: limits.max_built,
            max_str_len: limits.max_str_len,
            max_items: limits.max_items,
        }
    }

    /// The bytes the pickle was parsed from.
    pub fn input(&self) -> &'a [u8] {
        self.input
    }

    /// How many values were created (shared values count once).
    pub fn node_count(&self) -> u64 {
        self.nodes
    }

    /// Reads one value.
    pub fn get(&self, r: Ref) -> Value<'_> {
        if r.0 & FLOAT_AT != 0 {
            let at = (r.0 & !FLOAT_AT) as usize;
            let mut b = [0u8; 8];
            b.copy_from_slice(&self.input[at..at + 8]);
            return Value::Float(f64::from_be_bytes(b));
        }
        let i = r.index();
        match r.tag() {
            TAG_CONST => match i {
                1 => Value::Bool(false),
                2 => Value::Bool(true),
                _ => Value::None,
            },
            TAG_SMALL_INT => Value::Int((((r.0 & INDEX_MASK) as i64) << 36) >> 36),
            TAG_INT => Value::Int(self.ints[i]),
            TAG_FLOAT => Value::Float(self.floats[i]),
            TAG_SCALAR => Value::Scalar(self.scalars[i]),
            TAG_SPAN => {
                let s = self.spans[i];
                let src: &[u8] = if s.owned { &self.owned } else { self.input };
                let b = &src[s.start as usize..s.start as usize + s.len as usize];
                match s.kind {
                    SpanKind::Bytes => Value::Bytes(b),
                    SpanKind::BigInt => Value::BigInt(b),
                    // Validated when the span was made; a failure here would be a bug in this
                    // crate, and a replacement character is a safer outcome than a panic.
                    SpanKind::Str => Value::Str(std::str::from_utf8(b).unwrap_or("\u{fffd}")),
                }
            }
            TAG_CONTAINER => {
                let c = self.containers[i];
                if c.run {
                    return Value::Container(
                        c.kind,
                        Children(Repr::Floats { first: c.start, len: c.len }),
                    );
                }
                let s = c.start as usize;
                Value::Container(
                    c.kind,
                    Children(Repr::Refs(&self.children[s..s + c.len as usize])),
                )
            }
            _ => {
                let o = self.objects[i];
                if o.global {
                    Value::Global(o.class)
                } else {
                    Value::Object { class: o.class, state: o.state }
                }
            }
        }
    }

    /// A float value's number, or `None` for anything else: the fast path for float lists,
    /// without building a [`Value`].
    #[inline]
    pub fn as_float(&self, r: Ref) -> Option<f64> {
        if r.0 & FLOAT_AT != 0 {
            let at = (r.0 & !FLOAT_AT) as usize;
            let mut b = [0u8; 8];
            b.copy_from_slice(&self.input[at..at + 8]);
            return Some(f64::from_be_bytes(b));
        }
        (r.tag() == TAG_FLOAT).then(|| self.floats[r.index()])
    }

    /// The UTF-8 bytes of a `str` value (`None` for anything else), without checking them
    /// again: comparing keys this way is several times cheaper than through [`Arena::get`].
    pub fn str_bytes(&self, r: Ref) -> Option<&[u8]> {
        if r.0 & FLOAT_AT != 0 || r.tag() != TAG_SPAN {
            return None;
        }
        let s = self.spans[r.index()];
        if s.kind != SpanKind::Str {
            return None;
        }
        let src: &[u8] = if s.owned { &self.owned } else { self.input };
        Some(&src[s.start as usize..s.start as usize + s.len as usize])
    }

    /// Children of a container (empty for anything else).
    pub fn children(&self, r: Ref) -> Children<'_> {
        match self.get(r) {
            Value::Container(_, c) => c,
            _ => Children::EMPTY,
        }
    }

    fn count(&mut self) -> Result<(), Error> {
        self.nodes += 1;
        if self.nodes > self.max_nodes {
            return Err(limit("number of values", self.max_nodes));
        }
        self.count_built(1)
    }

    fn count_built(&mut self, n: u64) -> Result<(), Error> {
        self.built += n;
        if self.built > self.max_built {
            return Err(limit("number of values outside float runs (MAX_BUILT)", self.max_built));
        }
        Ok(())
    }

    /// Counts `n` more slots of `children` against the item limit before they are made.
    fn room(&self, n: usize) -> Result<(), Error> {
        if (self.children.len() as u64).saturating_add(n as u64) > self.max_items {
            return Err(limit("container items (MAX_ITEMS)", self.max_items));
        }
        Ok(())
    }

    fn index(len: usize, what: &'static str) -> Result<usize, Error> {
        if len > MAX_INDEX {
            return Err(limit(what, MAX_INDEX as u64));
        }
        Ok(len)
    }

    /// A float whose 8 big-endian bytes are at `offset` in the input (a `BINFLOAT`).
    pub(crate) fn float_at(&mut self, offset: usize) -> Result<Ref, Error> {
        self.count()?;
        Ok(Ref::float_at(offset))
    }

    /// Creates an int.
    pub fn push_int(&mut self, v: i64) -> Result<Ref, Error> {
        self.count()?;
        if let Some(r) = Ref::small_int(v) {
            return Ok(r);
        }
        let i = Self::index(self.ints.len(), "number of ints")?;
        grow::push(&mut self.ints, v)?;
        Ok(Ref::tagged(TAG_INT, i))
    }

    /// Creates a float.
    pub fn push_float(&mut self, v: f64) -> Result<Ref, Error> {
        self.count()?;
        let i = Self::index(self.floats.len(), "number of floats")?;
        grow::push(&mut self.floats, v)?;
        Ok(Ref::tagged(TAG_FLOAT, i))
    }

    /// Creates a numpy scalar or tensor element.
    pub fn push_scalar(&mut self, v: Scalar) -> Result<Ref, Error> {
        self.count()?;
        let i = Self::index(self.scalars.len(), "number of scalars")?;
        grow::push(&mut self.scalars, v)?;
        Ok(Ref::tagged(TAG_SCALAR, i))
    }

    fn push_span(&mut self, span: Span) -> Result<Ref, Error> {
        self.count()?;
        if u64::from(span.len) > self.max_str_len {
            return Err(limit("string length", self.max_str_len));
        }
        let i = Self::index(self.spans.len(), "number of strings")?;
        grow::push(&mut self.spans, span)?;
        Ok(Ref::tagged(TAG_SPAN, i))
    }

    /// A string, bytes or big-int value stored in the input at `start..start + len` (a string
    /// already validated as UTF-8).
    pub(crate) fn input_span(
        &mut self,
        start: usize,
        len: usize,
        kind: SpanKind,
    ) -> Result<Ref, Error> {
        // Input offsets fit in 31 bits (HARD_MAX_INPUT), so these casts are lossless.
        self.push_span(Span { start: start as u32, len: len as u32, owned: false, kind })
    }

    pub(crate) fn owned_span(&mut self, data: &[u8], kind: SpanKind) -> Result<Ref, Error> {
        if data.len() as u64 > self.max_str_len {
            return Err(limit("string length", self.max_str_len));
        }
        let start = self.owned.len();
        let end = start.checked_add(data.len()).filter(|&e| e <= u32::MAX as usize);
        if end.is_none() {
            return Err(limit("decoded text", u64::from(u32::MAX)));
        }
        grow::extend(&mut self.owned, data)?;
        self.push_span(Span { start: start as u32, len: data.len() as u32, owned: true, kind })
    }

    /// Creates a `str` (copied into the arena).
    pub fn push_str(&mut self, s: &str) -> Result<Ref, Error> {
        self.owned_span(s.as_bytes(), SpanKind::Str)
    }

    /// Creates a `bytes` value (copied into the arena).
    pub fn push_bytes(&mut self, b: &[u8]) -> Result<Ref, Error> {
        self.owned_span(b, SpanKind::Bytes)
    }

    /// Creates a container holding `items` (for a dict: key, value, key, value, …).
    pub fn push_container(&mut self, kind: Kind, items: &[Ref]) -> Result<Ref, Error> {
        self.count()?;
        let i = Self::index(self.containers.len(), "number of containers")?;
        let start = self.children.len();
        let len = items.len();
        if start + len > u32::MAX as usize {
            return Err(limit("number of container items", u64::from(u32::MAX)));
        }
        self.room(len)?;
        grow::reserve(&mut self.containers, 1)?;
        grow::extend(&mut self.children, items)?;
        self.containers.push(Container {
            kind,
            run: false,
            start: start as u32,
            len: len as u32,
            cap: len as u32,
        });
        Ok(Ref::tagged(TAG_CONTAINER, i))
    }

    /// Appends `items` to container `r` (which must be a container).
    pub(crate) fn extend(&mut self, r: Ref, items: &[Ref]) -> Result<(), Error> {
        let Some(c) = self.container_mut(r) else {
            return Ok(());
        };
        let c = *c;
        if c.run {
            // A second batch: the floats are no longer one run of the input; store them as
            // references from now on (they cost memory now, so they count as built).
            self.count_built(u64::from(c.len))?;
            self.unrun(r)?;
            return self.extend(r, items);
        }
        if c.len == 0 && c.cap == 0 && c.kind == Kind::List && is_float_run(items) {
            let first = items.first().map_or(0, |f| f.0 & !FLOAT_AT);
            let cm = &mut self.containers[r.index()];
            cm.run = true;
            cm.start = first;
            cm.len = items.len() as u32;
            // They were counted as built when pushed; as a run they cost nothing.
            self.built = self.built.saturating_sub(items.len() as u64);
            return Ok(());
        }
        let (start, len, cap) = (c.start as usize, c.len as usize, c.cap as usize);
        let n = items.len();
        let new_len = len + n;
        if new_len > u32::MAX as usize {
            return Err(limit("number of container items", u64::from(u32::MAX)));
        }
        let (new_start, new_cap) = if start + len == self.children.len() {
            // The container is the last one written: grow in place.
            self.room(n)?;
            grow::extend(&mut self.children, items)?;
            (start, new_len.max(cap))
        } else if new_len <= cap {
            self.children[start + len..start + new_len].copy_from_slice(items);
            (start, cap)
        } else {
            // Move to the end. The first move (the common case: a dict filled by one SETITEMS
            // after its values were built) fits exactly; later moves double, so n appends cost
            // O(n) in all.
            let new_start = self.children.len();
            let new_cap = if len == 0 { new_len } else { (new_len * 2).max(8) };
            if new_start + new_cap > u32::MAX as usize {
                return Err(limit("number of container items", u64::from(u32::MAX)));
            }
            self.room(new_cap)?;
            grow::reserve(&mut self.children, new_cap)?;
            self.children.extend_from_within(start..start + len);
            self.children.extend_from_slice(items);
            self.children.resize(new_start + new_cap, Ref::NONE);
            (new_start, new_cap)
        };
        let c = &mut self.containers[r.index()];
        c.start = new_start as u32;
        c.len = new_len as u32;
        c.cap = new_cap as u32;
        Ok(())
    }

    /// Appends `len` floats whose data start at `first` and follow every 9 bytes (a run of
    /// `BINFLOAT`s) to list `r`: as a run when the list is empty, else as references.
    pub(crate) fn extend_float_run(
        &mut self,
        r: Ref,
        first: usize,
        len: usize,
    ) -> Result<(), Error> {
        self.nodes += len as u64;
        if self.nodes > self.max_nodes {
            return Err(limit("number of values", self.max_nodes));
        }
        let empty = self.container_mut(r).is_some_and(|c| c.len == 0 && c.cap == 0 && !c.run);
        if empty {
            if let Some(c) = self.container_mut(r) {
                c.run = true;
                c.start = first as u32;
                c.len = len as u32;
            }
            return Ok(());
        }
        self.count_built(len as u64)?;
        let mut refs: Vec<Ref> = Vec::new();
        grow::reserve(&mut refs, len)?;
        refs.extend((0..len).map(|i| Ref::float_at(first + RUN_STRIDE as usize * i)));
        self.extend(r, &refs)
    }

    /// Turns a float-run container into an ordinary one (its refs appended to `children`).
    fn unrun(&mut self, r: Ref) -> Result<(), Error> {
        let c = self.containers[r.index()];
        let start = self.children.len();
        self.room(c.len as usize)?;
        grow::reserve(&mut self.children, c.len as usize)?;
        self.children
            .extend((0..c.len).map(|i| Ref::float_at((c.start + RUN_STRIDE * i) as usize)));
        let cm = &mut self.containers[r.index()];
        cm.run = false;
        cm.start = start as u32;
        cm.cap = c.len;
        Ok(())
    }

    fn container_mut(&mut self, r: Ref) -> Option<&mut Container> {
        if r.0 & FLOAT_AT == 0 && r.tag() == TAG_CONTAINER {
            self.containers.get_mut(r.index())
        } else {
            None
        }
    }

    /// Container `r`'s children, mutable (for the dict de-duplication pass; never a float run).
    pub(crate) fn children_mut(&mut self, r: Ref) -> &mut [Ref] {
        match self.container_mut(r) {
            Some(c) if !c.run => {
                let (s, l) = (c.start as usize, c.len as usize);
                &mut self.children[s..s + l]
            }
            _ => &mut [],
        }
    }

    /// Shortens container `r` to `len` children.
    pub(crate) fn truncate(&mut self, r: Ref, len: usize) {
        if let Some(c) = self.container_mut(r) {
            c.len = c.len.min(len as u32);
        }
    }

    /// Number of containers; container `i` has the reference [`Arena::container_ref`]`(i)`.
    pub(crate) fn container_count(&self) -> usize {
        self.containers.len()
    }

    pub(crate) fn container_ref(i: usize) -> Ref {
        Ref::tagged(TAG_CONTAINER, i)
    }

    /// Index of container or object `r` in a combined numbering (containers first), for the
    /// graph checks; `None` for leaves.
    pub(crate) fn graph_index(&self, r: Ref) -> Option<usize> {
        if r.0 & FLOAT_AT != 0 {
            return None;
        }
        match r.tag() {
            TAG_CONTAINER => Some(r.index()),
            TAG_OBJECT => Some(self.containers.len() + r.index()),
            _ => None,
        }
    }

    /// Bytes a walk writes for leaf `r`'s content: a string's, bytes' or big int's length, 0 for
    /// anything else.
    pub(crate) fn leaf_bytes(&self, r: Ref) -> u64 {
        if r.0 & FLOAT_AT != 0 || r.tag() != TAG_SPAN {
            return 0;
        }
        self.spans.get(r.index()).map_or(0, |s| u64::from(s.len))
    }

    pub(crate) fn graph_len(&self) -> usize {
        self.containers.len() + self.objects.len()
    }

    /// Creates a reference to an allowed class or function.
    pub(crate) fn push_global(&mut self, class: u32) -> Result<Ref, Error> {
        self.push_obj(Object { global: true, class, state: Ref::NONE })
    }

    /// Creates an object of the caller's class `class` holding `state`.
    pub fn push_object(&mut self, class: u32, state: Ref) -> Result<Ref, Error> {
        self.push_obj(Object { global: false, class, state })
    }

    fn push_obj(&mut self, o: Object) -> Result<Ref, Error> {
        self.count()?;
        let i = Self::index(self.objects.len(), "number of objects")?;
        grow::push(&mut self.objects, o)?;
        Ok(Ref::tagged(TAG_OBJECT, i))
    }

    /// Replaces the state of object `obj` (Python's `BUILD` mutates objects in place, and memo
    /// references made before the `BUILD` must see the new state). Does nothing for other values.
    pub fn set_state(&mut self, obj: Ref, state: Ref) {
        if obj.0 & FLOAT_AT == 0 && obj.tag() == TAG_OBJECT {
            if let Some(o) = self.objects.get_mut(obj.index()) {
                if !o.global {
                    o.state = state;
                }
            }
        }
    }

    /// Object `r`'s state as a one-element slice (empty for anything else), for graph walks.
    pub(crate) fn object_state_slice(&self, r: Ref) -> &[Ref] {
        if r.0 & FLOAT_AT == 0 && r.tag() == TAG_OBJECT {
            if let Some(o) = self.objects.get(r.index()) {
                return std::slice::from_ref(&o.state);
            }
        }
        &[]
    }

    /// Bytes of the arena's tables in use (for memory reports; reserved but untouched capacity
    /// costs address space, not memory, and is not counted).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.ints.len() * 8
            + self.floats.len() * 8
            + self.scalars.len() * size_of::<Scalar>()
            + self.spans.len() * size_of::<Span>()
            + self.owned.len()
            + self.containers.len() * size_of::<Container>()
            + self.children.len() * 4
            + self.objects.len() * size_of::<Object>()
    }
}

#[cfg(test)]
#[path = "arena_tests.rs"]
mod tests;
