//! Checks at open, beyond rkyv's validation: the archive's own invariants (lengths that must
//! agree, offsets that must be monotonic, generic nodes that must form a bounded tree).
//!
//! rkyv proves every pointer and length in the payload is in bounds and every value is valid
//! for its type; it cannot know that, say, a column must hold `offsets[n]` values. These checks
//! cost O(archs × tasks + layout + generic), about 100 µs for the real benchmark, and never
//! touch the value columns. Indexes that would need a pass over the columns (best epochs,
//! rankings, string offsets) are checked where they are used instead, so a crafted archive can
//! make a query fail with [`crate::QueryError::Corrupt`] but never panic.

use tnb_schema::transnas::codes::*;
use tnb_schema::transnas::{ArchivedBenchmark, ArchivedColumn};

/// Deepest generic nesting accepted (the reader refuses deeper sources too).
pub const MAX_DEPTH: u32 = 1000;

/// Most values a full walk of the archive (a dump, a verify) may produce, counting shared
/// generic values once per reference: the reader's own limit (`tnb_pickle::limits::
/// DEFAULT_MAX_EXPANDED`), so a crafted DAG of a few hundred bytes cannot make a walk run for
/// hours (the converter opens what it wrote before keeping it, so anything converted opens).
/// The real benchmark walks about 13 million values.
pub const MAX_EXPANDED: u64 = 1 << 25;

/// Most bytes of strings a full walk of the archive may produce, counting shared generic
/// strings once per reference: the reader's own limit (`tnb_pickle::limits::
/// DEFAULT_MAX_EXPANDED_BYTES`, 512 MiB). A 1 MB string referenced a million times is a small
/// archive but a terabyte of output.
pub const MAX_EXPANDED_BYTES: u64 = 1 << 29;

fn bad(m: impl Into<String>) -> String {
    m.into()
}

fn monotonic(v: &[rkyv::rend::u32_le], last: u64, what: &str) -> Result<(), String> {
    let mut prev = 0u32;
    for x in v {
        let x = x.to_native();
        if x < prev {
            return Err(bad(format!("{what} are not increasing")));
        }
        prev = x;
    }
    match v.first() {
        Some(f) if f.to_native() != 0 => Err(bad(format!("{what} do not start at 0"))),
        _ if u64::from(prev) != last => Err(bad(format!("{what} end at {prev}, expected {last}"))),
        _ => Ok(()),
    }
}

/// Number of values in a column.
pub(crate) fn column_len(c: &ArchivedColumn) -> Result<u64, String> {
    Ok(match c {
        ArchivedColumn::F32(v) => v.len() as u64,
        ArchivedColumn::F64(v) => v.len() as u64,
        ArchivedColumn::I64(v) => v.len() as u64,
        ArchivedColumn::StrFixed { width, bytes } => {
            let w = u64::from(width.to_native());
            if w == 0 {
                return Err(bad("a string column has width 0"));
            }
            if bytes.len() as u64 % w != 0 {
                return Err(bad("a string column's bytes are not a multiple of its width"));
            }
            bytes.len() as u64 / w
        }
        ArchivedColumn::Str { offsets, .. } => {
            if offsets.is_empty() {
                return Err(bad("a string column has no offsets"));
            }
            offsets.len() as u64 - 1
        }
        ArchivedColumn::Mixed { tags, bits, .. } => {
            if tags.len() != bits.len() {
                return Err(bad("a mixed column's tags and payloads differ in length"));
            }
            tags.len() as u64
        }
    })
}

/// Runs every open-time check; returns the archive's expanded size (values a dump writes).
pub(crate) fn check(b: &ArchivedBenchmark) -> Result<u64, String> {
    let n = b.arch_offsets.len().checked_sub(1).ok_or_else(|| bad("no arch offsets"))?;
    if n >= u32::MAX as usize {
        return Err(bad("too many archs"));
    }
    monotonic(&b.arch_offsets, b.arch_bytes.len() as u64, "arch name offsets")?;

    let slots = b.arch_slots.len();
    if !slots.is_power_of_two() || slots <= n {
        return Err(bad("the arch table size is not a power of two above the arch count"));
    }
    let mut used = 0usize;
    for s in b.arch_slots.iter() {
        let s = s.to_native();
        if s as usize > n {
            return Err(bad("an arch table slot names a missing arch"));
        }
        used += usize::from(s != 0);
    }
    if used >= slots {
        // Probing stops at an empty slot: there must be one.
        return Err(bad("the arch table has no empty slot"));
    }

    let spaces = b.space_names.len();
    if b.space_starts.len() != spaces + 1 {
        return Err(bad("space starts do not match the space names"));
    }
    monotonic(&b.space_starts, n as u64, "space starts")?;

    let t_count = b.tasks.len();
    let infos = b.info_names.len();
    let mut expanded: u64 = 0;
    // Arch names are written as keys of `data` and in the tasks' results.
    let mut expanded_bytes: u64 = (b.arch_bytes.len() as u64).saturating_mul(t_count as u64 + 1);
    for t in b.tasks.iter() {
        let m = t.metrics.len();
        if t.offsets.len() != n + 1 {
            return Err(bad(format!(
                "task '{}' has {} epoch offsets for {n} archs",
                t.name,
                t.offsets.len()
            )));
        }
        let total = t.offsets.last().map_or(0, |x| u64::from(x.to_native()));
        monotonic(&t.offsets, total, "epoch offsets")?;
        if t.columns.len() != m || t.info.len() != infos {
            return Err(bad(format!("task '{}' has the wrong number of columns", t.name)));
        }
        for c in t.columns.iter() {
            if column_len(c)? != total {
                return Err(bad(format!("a column of task '{}' has the wrong length", t.name)));
            }
        }
        for c in t.info.iter() {
            if column_len(c)? != n as u64 {
                return Err(bad(format!(
                    "an info column of task '{}' has the wrong length",
                    t.name
                )));
            }
        }
        let mn = m.checked_mul(n).ok_or_else(|| bad("size overflow"))?;
        if t.best.len() != mn || t.ranking.len() != mn || t.ranking_status.len() != m * spaces {
            return Err(bad(format!("task '{}' has precomputed tables of the wrong size", t.name)));
        }
        expanded = expanded.saturating_add(total.saturating_mul(m as u64 + 1));
        for c in t.columns.iter().chain(t.info.iter()) {
            if let ArchivedColumn::Str { bytes, .. } | ArchivedColumn::StrFixed { bytes, .. } = c {
                expanded_bytes = expanded_bytes.saturating_add(bytes.len() as u64);
            }
        }
    }
    rankings_are_permutations(b, n)?;

    let g = &b.generic;
    let nodes = g.kinds.len();
    if g.start_or_value.len() != nodes || g.len_or_dtype.len() != nodes {
        return Err(bad("generic node arrays differ in length"));
    }
    // Post-order ids: children have smaller ids than their parent (checked here), so there is
    // no cycle, and sizes and depths can be folded in one forward pass.
    // Per node: values and string bytes its walk produces, saturating u32s (capped just above
    // the limits, which fit).
    let mut size = vec![(0u32, 0u32); nodes];
    let mut depth = vec![0u32; nodes];
    let cap = |x: u64, limit: u64| (x.min(limit + 1)) as u32;
    for i in 0..nodes {
        let kind = g.kinds[i];
        let (a, len) = (g.start_or_value[i].to_native(), u64::from(g.len_or_dtype[i].to_native()));
        let (mut s, mut sb, mut d) = (1u64, 0u64, 0u32);
        match kind {
            NODE_NONE | NODE_FALSE | NODE_TRUE | NODE_INT | NODE_FLOAT | NODE_DATA => {}
            NODE_SCALAR => {
                if len as usize >= DTYPES.len() {
                    return Err(bad("a generic scalar has an unknown dtype"));
                }
            }
            NODE_STR | NODE_BYTES => {
                let end = a.checked_add(len).filter(|&e| e <= g.bytes.len() as u64);
                let end = end.ok_or_else(|| bad("a generic string lies outside its blob"))?;
                if kind == NODE_STR
                    && std::str::from_utf8(&g.bytes[a as usize..end as usize]).is_err()
                {
                    return Err(bad("a generic string is not UTF-8"));
                }
                sb = len;
            }
            k if k == NODE_LIST
                || k == NODE_TUPLE
                || k == NODE_DICT
                || k == NODE_SET
                || k == NODE_FROZENSET
                || (NODE_TENSOR_BASE..NODE_TENSOR_BASE + DTYPES.len() as u8).contains(&k) =>
            {
                let end = a.checked_add(len).filter(|&e| e <= g.children.len() as u64);
                let end = end.ok_or_else(|| bad("generic children lie outside their table"))?;
                if k == NODE_DICT && len % 2 != 0 {
                    return Err(bad("a generic dict has an odd number of children"));
                }
                for c in &g.children[a as usize..end as usize] {
                    let c = c.to_native() as usize;
                    if c >= i {
                        return Err(bad("a generic node refers forward (not a tree)"));
                    }
                    s = s.saturating_add(u64::from(size[c].0));
                    sb = sb.saturating_add(u64::from(size[c].1));
                    d = d.max(depth[c]);
                }
                d += 1;
            }
            _ => return Err(bad(format!("unknown generic node kind {kind}"))),
        }
        if d > MAX_DEPTH {
            return Err(bad("generic values nest too deeply"));
        }
        size[i] = (cap(s, MAX_EXPANDED), cap(sb, MAX_EXPANDED_BYTES));
        depth[i] = d;
    }
    let node = |id: u32| -> Result<(u64, u64), String> {
        size.get(id as usize)
            .map(|&(v, b)| (u64::from(v), u64::from(b)))
            .ok_or_else(|| bad("a generic node id is out of range"))
    };

    let l = &b.layout;
    node(l.top.to_native())?;
    for id in [l.task_list.to_native(), l.metrics_dict.to_native(), l.info_names.to_native()] {
        // A plain-object archive has none of these.
        if id != NO_NODE || t_count > 0 {
            node(id)?;
        }
    }
    // A benchmark with zero architectures has no per-arch layouts at all.
    if l.item_offsets.is_empty() {
        if n > 0 || !l.items.is_empty() {
            return Err(bad("no layouts"));
        }
    } else {
        monotonic(&l.item_offsets, l.items.len() as u64, "layout offsets")?;
    }
    if !(l.arch_layout.is_empty() || l.arch_layout.len() == n) {
        return Err(bad("arch layouts do not match the arch count"));
    }
    if l.result_layout.len() != n * t_count {
        return Err(bad("result layouts do not match archs × tasks"));
    }
    let layouts = l.item_offsets.len().saturating_sub(1);
    if l.arch_layout.iter().chain(l.result_layout.iter()).any(|x| x.to_native() as usize >= layouts)
    {
        return Err(bad("a layout id is out of range"));
    }
    let extras_ok = (l.arch_extras.is_empty() && l.result_extras.is_empty())
        || (l.arch_extras.len() == n + 1 && l.result_extras.len() == n * t_count + 1);
    if !extras_ok || l.extras.len() % 2 != 0 {
        return Err(bad("extra-entry offsets do not match the archs"));
    }
    if !l.arch_extras.is_empty() {
        let split = l.arch_extras.last().map_or(0, |x| x.to_native());
        monotonic(&l.arch_extras, u64::from(split), "arch extra offsets")?;
        let mut prev = split;
        for x in l.result_extras.iter() {
            let x = x.to_native();
            if x < prev {
                return Err(bad("result extra offsets are not increasing"));
            }
            prev = x;
        }
        if l.result_extras.first().map(|x| x.to_native()) != Some(split)
            || prev as usize * 2 != l.extras.len()
        {
            return Err(bad("result extra offsets do not cover the extras"));
        }
    }
    let mut add = |(v, by): (u64, u64)| {
        expanded = expanded.saturating_add(v);
        expanded_bytes = expanded_bytes.saturating_add(by);
    };
    for id in l.extras.iter() {
        add(node(id.to_native())?);
    }
    for t in b.tasks.iter() {
        for c in t.columns.iter().chain(t.info.iter()) {
            if let ArchivedColumn::Mixed { tags, bits, .. } = c {
                for (tag, v) in tags.iter().zip(bits.iter()) {
                    if *tag == CELL_GENERIC {
                        let id = u32::try_from(v.to_native())
                            .map_err(|_| bad("a cell's node id is out of range"))?;
                        add(node(id)?);
                    }
                }
            }
        }
    }
    add(node(l.top.to_native())?);
    if expanded > MAX_EXPANDED {
        return Err(bad(format!(
            "the archive expands to more values than a dump may write (MAX_EXPANDED, {MAX_EXPANDED})"
        )));
    }
    if expanded_bytes > MAX_EXPANDED_BYTES {
        return Err(bad(format!(
            "the archive expands to more string bytes than a dump may write \
             (MAX_EXPANDED_BYTES, {MAX_EXPANDED_BYTES})"
        )));
    }
    Ok(expanded)
}

/// Every ranking of every (task, metric, space) must be a permutation of that space's archs:
/// `get_best_archs` answers from it directly, so a forged ranking with a repeated or a foreign
/// arch would be a wrong answer, not an error. One pass over the rankings (archs × metrics
/// entries), with one stamp per arch instead of a set per ranking.
fn rankings_are_permutations(b: &ArchivedBenchmark, n: usize) -> Result<(), String> {
    let mut seen = vec![0u32; n];
    let mut stamp = 0u32;
    let spaces: Vec<(usize, usize)> = b
        .space_starts
        .windows(2)
        .map(|w| (w[0].to_native() as usize, w[1].to_native() as usize))
        .collect();
    for t in b.tasks.iter() {
        for m in 0..t.metrics.len() {
            stamp = stamp.checked_add(1).ok_or_else(|| bad("too many rankings"))?;
            let base = m * n;
            for &(lo, hi) in &spaces {
                let ids = t
                    .ranking
                    .get(base + lo..base + hi)
                    .ok_or_else(|| bad(format!("a ranking of task '{}' is cut short", t.name)))?;
                for id in ids.iter() {
                    let a = id.to_native() as usize;
                    if !(lo..hi).contains(&a) || seen[a] == stamp {
                        return Err(bad(format!(
                            "a ranking of task '{}' is not a permutation of its search space",
                            t.name
                        )));
                    }
                    seen[a] = stamp;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use tnb_schema::transnas::Benchmark;
    use tnb_schema::transnas::codes::NODE_DICT;

    use crate::{OpenError, Store};

    fn model(fixture: &str) -> Benchmark {
        let path = format!("{}/../../../data/{fixture}", env!("CARGO_MANIFEST_DIR"));
        let source = std::fs::read(path).unwrap();
        tnb_convert::build(&source, &tnb_pickle::Limits::default()).unwrap()
    }

    fn open(b: &Benchmark) -> Result<Store, OpenError> {
        Store::copy_from(&tnb_convert::to_bytes(b, 0, [0; 32]).unwrap())
    }

    /// Issue 16: a generic dict whose children are not key, value pairs (one child dropped
    /// from its count, every other invariant intact) is refused at open, where otherwise the
    /// walk would pair its keys with the wrong values or read past its last key.
    #[test]
    fn a_generic_dict_with_an_odd_number_of_children_is_refused_at_open() {
        for fixture in ["transnas_small.pth", "transnas_variant.pth", "big_dict.pth"] {
            let pristine = model(fixture);
            assert!(open(&pristine).is_ok(), "{fixture}");
            let g = &pristine.generic;
            let dicts: Vec<usize> = (0..g.kinds.len())
                .filter(|&i| g.kinds[i] == NODE_DICT && g.len_or_dtype[i] >= 2)
                .collect();
            assert!(!dicts.is_empty(), "{fixture} has no generic dict");
            for i in dicts {
                let mut b = pristine.clone();
                b.generic.len_or_dtype[i] -= 1;
                match open(&b).map(|_| ()) {
                    Err(OpenError::Invalid(m)) => {
                        assert_eq!(m, "a generic dict has an odd number of children", "{fixture}")
                    }
                    other => panic!("{fixture}, node {i}: {other:?}"),
                }
                // One pair fewer is still a dict: the count's parity is what is refused.
                b.generic.len_or_dtype[i] -= 1;
                assert!(open(&b).is_ok(), "{fixture}, node {i}");
            }
        }
    }
}
