//! Passes over the finished arena: Python's key merging, then the graph checks.

use std::collections::HashMap;

use crate::arena::Arena;
use crate::error::{Error, ErrorKind};
use crate::keys::{key_eq, key_hash};
use crate::limits::Limits;
use crate::value::{Kind, Ref, Value};

/// Deepest tuple nesting inside one key that is hashed (keys are tuples of strings in practice).
const MAX_KEY_DEPTH: u32 = 64;

/// Dicts with at most this many entries are de-duplicated by comparing pairs directly, which is
/// cheaper than hashing for the small dicts that make up most of a benchmark file.
const SMALL: usize = 8;

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
    let items: Vec<Ref> = arena.children(r).to_vec();
    let mut out: Vec<Ref> = Vec::with_capacity(items.len());
    for e in items.chunks_exact(stride) {
        key_hash(arena, e[0], MAX_KEY_DEPTH).map_err(unhashable)?;
        match out.chunks_exact(stride).position(|k| key_eq(arena, k[0], e[0])) {
            Some(j) if stride == 2 => out[j * 2 + 1] = e[1],
            Some(_) => {}
            None => out.extend_from_slice(e),
        }
    }
    let n = out.len() / stride;
    arena.children_mut(r)[..out.len()].copy_from_slice(&out);
    Ok(n)
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
    const NEW: u8 = 0;
    const OPEN: u8 = 1;
    const DONE: u8 = 2;
    let n = arena.graph_len();
    let mut state = vec![NEW; n];
    let mut size = vec![0u64; n];
    let mut depth = vec![0u32; n];
    // (node, next child to visit)
    let mut stack: Vec<(Ref, usize)> = Vec::new();

    let Some(ri) = arena.graph_index(root) else {
        return Ok(());
    };
    state[ri] = OPEN;
    stack.push((root, 0));
    while let Some(&mut (node, ref mut next)) = stack.last_mut() {
        let children = edges(arena, node);
        if *next < children.len() {
            let child = children[*next];
            *next += 1;
            let Some(ci) = arena.graph_index(child) else {
                continue;
            };
            match state[ci] {
                NEW => {
                    if stack.len() as u64 >= u64::from(limits.max_depth) {
                        return Err(Error::whole(ErrorKind::Limit {
                            what: "nesting depth",
                            limit: u64::from(limits.max_depth),
                        }));
                    }
                    state[ci] = OPEN;
                    stack.push((child, 0));
                }
                OPEN => return Err(Error::whole(ErrorKind::Cycle)),
                _ => {}
            }
            continue;
        }
        // All children done: fold their sizes and depths.
        stack.pop();
        let i = arena.graph_index(node).unwrap_or(0);
        let mut s: u64 = 1;
        let mut d: u32 = 0;
        for &c in children {
            match arena.graph_index(c) {
                Some(ci) => {
                    s = s.saturating_add(size[ci]);
                    d = d.max(depth[ci]);
                }
                None => s = s.saturating_add(1),
            }
        }
        if s > limits.max_expanded {
            return Err(Error::whole(ErrorKind::Limit {
                what: "expanded size (values counted once per reference)",
                limit: limits.max_expanded,
            }));
        }
        let d = d + 1;
        if d > limits.max_depth {
            return Err(Error::whole(ErrorKind::Limit {
                what: "nesting depth",
                limit: u64::from(limits.max_depth),
            }));
        }
        size[i] = s;
        depth[i] = d;
        state[i] = DONE;
    }
    Ok(())
}

/// The values `node` refers to: a container's children, an object's state.
fn edges<'s>(arena: &'s Arena<'_>, node: Ref) -> &'s [Ref] {
    match arena.get(node) {
        Value::Container(_, c) => c,
        Value::Object { .. } => arena.object_state_slice(node),
        _ => &[],
    }
}
