//! Passes over the finished arena: Python's key merging, then the graph checks.

use crate::arena::Arena;
use crate::error::{Error, ErrorKind};
use crate::grow;
use crate::keys::{KeyError, Keys, MAX_KEY_DEPTH};
use crate::limits::Limits;
use crate::limits::MAX_KEY_WORK;
use crate::value::{Children, Kind, Ref, Value};

/// Dicts with at most this many entries are de-duplicated by comparing pairs directly, which is
/// cheaper than hashing for the small dicts that make up most of a benchmark file (3 to 10 keys).
const SMALL: usize = 16;

/// Merges equal keys of every dict (first position, last value) and equal elements of every set,
/// in stream order, and refuses unhashable keys, as Python's `dict.__setitem__` and `set.add`
/// would have while unpickling. Sets and frozensets go first: a frozenset is built after its
/// elements, so by the time a dict compares two frozenset keys their elements are unique (which
/// lets equal sets be told apart by length and lookups).
pub(crate) fn dedup_keys(arena: &mut Arena<'_>) -> Result<(), Error> {
    let mut keys = Keys::new();
    for sets_pass in [true, false] {
        for i in 0..arena.container_count() {
            let r = Arena::container_ref(i);
            let (kind, n) = match arena.get(r) {
                Value::Container(k, c) => (k, c.len()),
                _ => continue,
            };
            let stride = match kind {
                Kind::Dict if !sets_pass => 2,
                Kind::Set | Kind::FrozenSet if sets_pass => 1,
                _ => continue,
            };
            let entries = n / stride;
            if entries == 0 {
                continue;
            }
            let keep = if entries <= SMALL {
                dedup_small(arena, &mut keys, r, stride)?
            } else {
                dedup_hashed(arena, &mut keys, r, stride)?
            };
            arena.truncate(r, keep * stride);
        }
    }
    Ok(())
}

fn key_error(e: KeyError) -> Error {
    match e {
        KeyError::Unhashable(kind) => Error::whole(ErrorKind::Unhashable { kind }),
        KeyError::Work => Error::whole(ErrorKind::Limit {
            what: "work comparing dict keys (MAX_KEY_WORK)",
            limit: MAX_KEY_WORK,
        }),
    }
}

fn dedup_small(
    arena: &mut Arena<'_>,
    keys_state: &mut Keys,
    r: Ref,
    stride: usize,
) -> Result<usize, Error> {
    // Dicts and sets are never float runs: their children are references.
    let items = arena.children(r).as_refs().unwrap_or(&[]);
    // The common case: all keys are strings, all different. Look each up once and compare the
    // byte slices (a length check settles most pairs), before any general comparison.
    let mut keys: [&[u8]; SMALL] = [&[]; SMALL];
    let mut all_str = true;
    for (k, e) in keys.iter_mut().zip(items.chunks_exact(stride)) {
        match arena.str_bytes(e[0]) {
            Some(b) => *k = b,
            None => all_str = false,
        }
    }
    let count = items.len() / stride;
    if all_str && (1..count).all(|i| (0..i).all(|j| keys[i] != keys[j])) {
        return Ok(count);
    }
    let mut out = [Ref::NONE; 2 * SMALL];
    let mut n = 0; // refs kept in `out`
    for e in items.chunks_exact(stride) {
        keys_state.check_hashable(arena, e[0]).map_err(key_error)?;
        let mut found = None;
        for (j, k) in out[..n].chunks_exact(stride).enumerate() {
            if keys_state.eq(arena, k[0], e[0]).map_err(key_error)? {
                found = Some(j);
                break;
            }
        }
        match found {
            Some(j) if stride == 2 => out[j * 2 + 1] = e[1],
            Some(_) => {}
            None => {
                out[n..n + stride].copy_from_slice(e);
                n += stride;
            }
        }
    }
    if n == items.len() {
        return Ok(n / stride);
    }
    arena.children_mut(r)[..n].copy_from_slice(&out[..n]);
    Ok(n / stride)
}

fn dedup_hashed(
    arena: &mut Arena<'_>,
    keys: &mut Keys,
    r: Ref,
    stride: usize,
) -> Result<usize, Error> {
    let mut items: Vec<Ref> = Vec::new();
    let c = arena.children(r);
    grow::reserve(&mut items, c.len())?;
    items.extend(c.iter());
    let entries = items.len() / stride;
    let mut out: Vec<Ref> = Vec::new();
    grow::reserve(&mut out, items.len())?;
    // An open-addressing table of kept entries (index + 1 into `out`, in entries; 0 empty),
    // probed linearly from the key's hash: no allocation per key, and the hash is already
    // keyed at random (see `Keys`), so no file can pile its keys onto one probe sequence.
    let slots = (entries * 2).next_power_of_two();
    let mask = slots - 1;
    let mut table = grow::filled(slots, 0u32)?;
    let mut hashes: Vec<u64> = Vec::new();
    grow::reserve(&mut hashes, entries)?;
    for e in items.chunks_exact(stride) {
        let h = keys.hash(arena, e[0], MAX_KEY_DEPTH).map_err(key_error)?;
        let mut i = h as usize & mask;
        let found = loop {
            let j = table[i] as usize;
            if j == 0 {
                break None;
            }
            if hashes[j - 1] == h
                && keys.eq(arena, out[(j - 1) * stride], e[0]).map_err(key_error)?
            {
                break Some(j - 1);
            }
            i = (i + 1) & mask;
        };
        match found {
            Some(j) if stride == 2 => out[j * 2 + 1] = e[1],
            Some(_) => {}
            None => {
                // At most `entries` are kept, in a table of at least twice that: never full.
                table[i] = (hashes.len() + 1) as u32;
                hashes.push(h);
                out.extend_from_slice(e);
            }
        }
    }
    let n = out.len() / stride;
    arena.children_mut(r)[..out.len()].copy_from_slice(&out);
    Ok(n)
}

/// Walks everything reachable from `root` once: refuses cycles, nesting deeper than
/// `limits.max_depth`, and an expanded size (every shared value counted each time it is reached)
/// above `limits.max_expanded` values or `limits.max_expanded_bytes` bytes of strings. Iterative,
/// so a hostile nesting depth cannot overflow the stack; 12 bytes per container or object.
pub(crate) fn check_graph(arena: &Arena<'_>, root: Ref, limits: &Limits) -> Result<(), Error> {
    /// Per container or object, in `mark`: 0 not seen, `OPEN` on the walk's stack, else done
    /// with that depth (at least 1).
    const NEW: u32 = 0;
    const OPEN: u32 = u32::MAX;
    /// What a subtree produces when walked: values and string bytes. Kept as saturating u32s
    /// (half the memory of u64s); `u32::MAX` means "more than any limit".
    #[derive(Clone, Copy, Default)]
    struct Size {
        values: u32,
        bytes: u32,
    }
    impl Size {
        fn add(&mut self, values: u64, bytes: u64) {
            let sat = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
            self.values = sat(u64::from(self.values).saturating_add(values));
            self.bytes = sat(u64::from(self.bytes).saturating_add(bytes));
        }
    }
    struct Frame<'s> {
        index: usize,
        children: Children<'s>,
        next: usize,
        size: Size,
        depth: u32,
    }
    let n = arena.graph_len();
    let mut mark = grow::filled(n, NEW)?;
    let mut size = grow::filled(n, Size::default())?;
    let depth_limit = || {
        Error::whole(ErrorKind::Limit { what: "nesting depth", limit: u64::from(limits.max_depth) })
    };
    let over = |s: Size| -> Result<(), Error> {
        if u64::from(s.values) > limits.max_expanded || s.values == u32::MAX {
            return Err(Error::whole(ErrorKind::Limit {
                what: "expanded size (values counted once per reference)",
                limit: limits.max_expanded,
            }));
        }
        if u64::from(s.bytes) > limits.max_expanded_bytes || s.bytes == u32::MAX {
            return Err(Error::whole(ErrorKind::Limit {
                what: "expanded size in string bytes (counted once per reference)",
                limit: limits.max_expanded_bytes,
            }));
        }
        Ok(())
    };

    let Some(ri) = arena.graph_index(root) else {
        let mut s = Size::default();
        s.add(1, arena.leaf_bytes(root));
        return over(s);
    };
    mark[ri] = OPEN;
    let one = Size { values: 1, bytes: 0 };
    let mut stack =
        vec![Frame { index: ri, children: edges(arena, root), next: 0, size: one, depth: 0 }];
    while let Some(top) = stack.last_mut() {
        if top.children.as_refs().is_none() {
            // A run of floats: all leaves.
            top.size.add(top.children.len() as u64, 0);
            top.next = top.children.len();
        }
        if let Some(child) = top.children.get(top.next) {
            top.next += 1;
            let Some(ci) = arena.graph_index(child) else {
                top.size.add(1, arena.leaf_bytes(child));
                continue;
            };
            match mark[ci] {
                NEW => {
                    if stack.len() as u64 >= u64::from(limits.max_depth) {
                        return Err(depth_limit());
                    }
                    mark[ci] = OPEN;
                    grow::reserve(&mut stack, 1)?;
                    stack.push(Frame {
                        index: ci,
                        children: edges(arena, child),
                        next: 0,
                        size: one,
                        depth: 0,
                    });
                }
                OPEN => return Err(Error::whole(ErrorKind::Cycle)),
                d => {
                    let s = size[ci];
                    top.size.add(u64::from(s.values), u64::from(s.bytes));
                    top.depth = top.depth.max(d);
                }
            }
            continue;
        }
        // All children done.
        let done = stack.pop().expect("non-empty");
        let d = done.depth + 1;
        over(done.size)?;
        if d > limits.max_depth {
            return Err(depth_limit());
        }
        size[done.index] = done.size;
        mark[done.index] = d;
        if let Some(parent) = stack.last_mut() {
            parent.size.add(u64::from(done.size.values), u64::from(done.size.bytes));
            parent.depth = parent.depth.max(d);
        }
    }
    Ok(())
}

/// The values `node` refers to: a container's children, an object's state.
fn edges<'s>(arena: &'s Arena<'_>, node: Ref) -> Children<'s> {
    match arena.get(node) {
        Value::Container(_, c) => c,
        Value::Object { .. } => Children::from_refs(arena.object_state_slice(node)),
        _ => Children::EMPTY,
    }
}
