//! Passes over the finished arena: Python's key merging, then the graph checks.

use std::collections::HashMap;

use crate::arena::Arena;
use crate::error::{Error, ErrorKind};
use crate::keys::{MAX_KEY_DEPTH, check_hashable, key_eq, key_hash};
use crate::limits::Limits;
use crate::value::{Children, Kind, Ref, Value};

/// Dicts with at most this many entries are de-duplicated by comparing pairs directly, which is
/// cheaper than hashing for the small dicts that make up most of a benchmark file (3 to 10 keys).
const SMALL: usize = 16;

/// Merges equal keys of every dict (first position, last value) and equal elements of every set,
/// in stream order, and refuses unhashable keys, as Python's `dict.__setitem__` and `set.add`
/// would have while unpickling.
pub(crate) fn dedup_keys(arena: &mut Arena<'_>) -> Result<(), Error> {
    for i in 0..arena.container_count() {
        let r = Arena::container_ref(i);
        let (kind, n) = match arena.get(r) {
            Value::Container(k, c) => (k, c.len()),
            _ => continue,
        };
        let stride = match kind {
            Kind::Dict => 2,
            Kind::Set | Kind::FrozenSet => 1,
            _ => continue,
        };
        let entries = n / stride;
        if entries == 0 {
            continue;
        }
        let keep = if entries <= SMALL {
            dedup_small(arena, r, stride)?
        } else {
            dedup_hashed(arena, r, stride)?
        };
        arena.truncate(r, keep * stride);
    }
    Ok(())
}

fn unhashable(kind: &'static str) -> Error {
    Error::whole(ErrorKind::Unhashable { kind })
}

fn dedup_small(arena: &mut Arena<'_>, r: Ref, stride: usize) -> Result<usize, Error> {
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
        check_hashable(arena, e[0]).map_err(unhashable)?;
        match out[..n].chunks_exact(stride).position(|k| key_eq(arena, k[0], e[0])) {
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

fn dedup_hashed(arena: &mut Arena<'_>, r: Ref, stride: usize) -> Result<usize, Error> {
    let items: Vec<Ref> = arena.children(r).to_vec();
    let mut out: Vec<Ref> = Vec::with_capacity(items.len());
    // hash -> indexes (into `out`, in entries) of kept keys with that hash
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::with_capacity(items.len() / stride);
    for e in items.chunks_exact(stride) {
        let h = key_hash(arena, e[0], MAX_KEY_DEPTH).map_err(unhashable)?;
        let bucket = seen.entry(h).or_default();
        match bucket.iter().copied().find(|&j| key_eq(arena, out[j * stride], e[0])) {
            Some(j) if stride == 2 => out[j * 2 + 1] = e[1],
            Some(_) => {}
            None => {
                bucket.push(out.len() / stride);
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
/// above `limits.max_expanded`. Iterative, so a hostile nesting depth cannot overflow the stack.
pub(crate) fn check_graph(arena: &Arena<'_>, root: Ref, limits: &Limits) -> Result<(), Error> {
    /// Per container or object: 0 not seen, 1 on the walk's stack, 2 done.
    const NEW: u8 = 0;
    const OPEN: u8 = 1;
    const DONE: u8 = 2;
    struct Frame<'s> {
        index: usize,
        children: Children<'s>,
        next: usize,
        size: u64,
        depth: u32,
    }
    let n = arena.graph_len();
    let mut state = vec![NEW; n];
    let mut size = vec![0u64; n];
    let mut depth = vec![0u32; n];
    let depth_limit = || {
        Error::whole(ErrorKind::Limit { what: "nesting depth", limit: u64::from(limits.max_depth) })
    };

    let Some(ri) = arena.graph_index(root) else {
        return Ok(());
    };
    state[ri] = OPEN;
    let mut stack =
        vec![Frame { index: ri, children: edges(arena, root), next: 0, size: 1, depth: 0 }];
    while let Some(top) = stack.last_mut() {
        if top.children.as_refs().is_none() {
            // A run of floats: all leaves.
            top.size = top.size.saturating_add(top.children.len() as u64);
            top.next = top.children.len();
        }
        if let Some(child) = top.children.get(top.next) {
            top.next += 1;
            let Some(ci) = arena.graph_index(child) else {
                top.size += 1;
                continue;
            };
            match state[ci] {
                NEW => {
                    if stack.len() as u64 >= u64::from(limits.max_depth) {
                        return Err(depth_limit());
                    }
                    state[ci] = OPEN;
                    stack.push(Frame {
                        index: ci,
                        children: edges(arena, child),
                        next: 0,
                        size: 1,
                        depth: 0,
                    });
                }
                OPEN => return Err(Error::whole(ErrorKind::Cycle)),
                _ => {
                    top.size = top.size.saturating_add(size[ci]);
                    top.depth = top.depth.max(depth[ci]);
                }
            }
            continue;
        }
        // All children done.
        let done = stack.pop().expect("non-empty");
        let d = done.depth + 1;
        if done.size > limits.max_expanded {
            return Err(Error::whole(ErrorKind::Limit {
                what: "expanded size (values counted once per reference)",
                limit: limits.max_expanded,
            }));
        }
        if d > limits.max_depth {
            return Err(depth_limit());
        }
        size[done.index] = done.size;
        depth[done.index] = d;
        state[done.index] = DONE;
        if let Some(parent) = stack.last_mut() {
            parent.size = parent.size.saturating_add(done.size);
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
