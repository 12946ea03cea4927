//! Neighbourhoods for local search and mutation-based search algorithms.

use crate::arch::{Arch, Cell, MAX_MODULES, Module, Op, Skeleton};
use crate::space::{Space, is_macro_skeleton};

impl Arch {
    /// Every architecture of the same space that differs from this one in exactly one position:
    /// one micro-cell op, or one macro-skeleton module (same skeleton length). Empty for an
    /// architecture outside both spaces.
    ///
    /// Order: by position (edge `a`..`f`, or module 1..n), then by the replacement's digit,
    /// ascending. A micro arch always has 6 × 3 = 18 neighbours. A macro arch has at most
    /// 3 × length: a replacement is skipped when it would leave the macro space (e.g. remove
    /// the only downsampling module).
    ///
    /// Macro neighbours keep the skeleton length, so this graph splits the macro space into
    /// one component per length (4, 5 and 6 modules); add [`Arch::resize_neighbours`] for moves
    /// between lengths.
    pub fn neighbours(&self) -> Vec<Arch> {
        let Some(space) = self.space() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        match self.cell {
            Cell::Micro(ops) => {
                for (edge, current) in ops.iter().enumerate() {
                    for op in Op::ALL.into_iter().filter(|op| op != current) {
                        let mut changed = ops;
                        changed[edge] = op;
                        out.push(Arch { cell: Cell::Micro(changed), ..*self });
                    }
                }
            }
            Cell::Basic => {
                for (pos, current) in self.skeleton.iter().enumerate() {
                    for module in Module::ALL.into_iter().filter(|m| m != current) {
                        let mut modules = [Module::Normal; MAX_MODULES];
                        modules[..self.skeleton.len()].copy_from_slice(&self.skeleton);
                        modules[pos] = module;
                        out.extend(macro_candidate(self, &modules[..self.skeleton.len()]));
                    }
                }
            }
        }
        debug_assert!(out.iter().all(|a| a.space() == Some(space)));
        out
    }

    /// Macro architectures one module longer or shorter than this one: every valid result of
    /// removing one module, then of inserting one module (any of the four) at any position.
    /// Empty for micro architectures, whose skeleton is fixed, and outside both spaces.
    ///
    /// Order: removals by position, then insertions by position (before module 1, ...,
    /// after the last) and digit; when two edits give the same skeleton (e.g. removing either
    /// of two adjacent equal modules) only the first is kept. Together with
    /// [`Arch::neighbours`] this connects the whole macro space.
    pub fn resize_neighbours(&self) -> Vec<Arch> {
        if self.space() != Some(Space::Macro) {
            return Vec::new();
        }
        let skeleton = self.skeleton.as_slice();
        let mut out: Vec<Arch> = Vec::new();
        let mut push = |candidate: Option<Arch>| {
            if let Some(arch) = candidate {
                if !out.contains(&arch) {
                    out.push(arch);
                }
            }
        };
        for pos in 0..skeleton.len() {
            let mut modules = [Module::Normal; MAX_MODULES];
            let mut len = 0;
            for (i, &module) in skeleton.iter().enumerate() {
                if i != pos {
                    modules[len] = module;
                    len += 1;
                }
            }
            push(macro_candidate(self, &modules[..len]));
        }
        if skeleton.len() < MAX_MODULES {
            for pos in 0..=skeleton.len() {
                for module in Module::ALL {
                    let mut modules = [Module::Normal; MAX_MODULES];
                    modules[..pos].copy_from_slice(&skeleton[..pos]);
                    modules[pos] = module;
                    modules[pos + 1..=skeleton.len()].copy_from_slice(&skeleton[pos..]);
                    push(macro_candidate(self, &modules[..=skeleton.len()]));
                }
            }
        }
        out
    }
}

/// `arch` with its skeleton replaced, if that stays in the macro space.
fn macro_candidate(arch: &Arch, modules: &[Module]) -> Option<Arch> {
    let skeleton = Skeleton::new(modules).filter(is_macro_skeleton)?;
    Some(Arch { skeleton, ..*arch })
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use crate::{Arch, Cell, MACRO_COUNT, Space, TOTAL, all_archs, macro_archs, micro_archs};

    fn parse(s: &str) -> Arch {
        Arch::parse(s).unwrap()
    }

    fn strings(archs: &[Arch]) -> Vec<String> {
        archs.iter().map(Arch::to_string).collect()
    }

    /// Number of positions where two same-space archs differ (modules, or cell ops).
    fn hamming(a: &Arch, b: &Arch) -> usize {
        assert_eq!(a.skeleton.len(), b.skeleton.len());
        let modules = a.skeleton.iter().zip(b.skeleton.iter());
        let ops = match (a.cell, b.cell) {
            (Cell::Micro(x), Cell::Micro(y)) => {
                x.iter().zip(y.iter()).filter(|(p, q)| p != q).count()
            }
            _ => 0,
        };
        modules.filter(|(p, q)| p != q).count() + ops
    }

    /// Number of connected components of the graph given by `edges` over `nodes`.
    fn components(nodes: &[Arch], edges: impl Fn(&Arch) -> Vec<Arch>) -> usize {
        let mut seen = HashSet::new();
        let mut count = 0;
        for start in nodes {
            if !seen.insert(*start) {
                continue;
            }
            count += 1;
            let mut stack = vec![*start];
            while let Some(arch) = stack.pop() {
                for next in edges(&arch) {
                    if seen.insert(next) {
                        stack.push(next);
                    }
                }
            }
        }
        count
    }

    #[test]
    fn micro_neighbours_order() {
        let n = parse("64-41414-1_02_333").neighbours();
        assert_eq!(n.len(), 18);
        assert_eq!(
            strings(&n[..4]),
            ["64-41414-0_02_333", "64-41414-2_02_333", "64-41414-3_02_333", "64-41414-1_12_333"]
        );
        assert_eq!(n[17].to_string(), "64-41414-1_02_332");
    }

    #[test]
    fn every_micro_arch_has_18_single_op_neighbours() {
        for arch in micro_archs() {
            let n = arch.neighbours();
            assert_eq!(n.len(), 18, "{arch}");
            let distinct: HashSet<_> = n.iter().collect();
            assert_eq!(distinct.len(), 18, "{arch}");
            for b in &n {
                assert_eq!(b.space(), Some(Space::Micro));
                assert_eq!(hamming(&arch, b), 1, "{arch} {b}");
            }
            assert!(arch.resize_neighbours().is_empty());
        }
    }

    #[test]
    fn macro_neighbours_order() {
        // Module 1 is the only downsampling and the only channel-doubling module, so every
        // replacement of it leaves the space; modules 2-4 can each become 2, 3 or 4.
        let n = parse("64-4111-basic").neighbours();
        assert_eq!(
            strings(&n),
            [
                "64-4211-basic",
                "64-4311-basic",
                "64-4411-basic",
                "64-4121-basic",
                "64-4131-basic",
                "64-4141-basic",
                "64-4112-basic",
                "64-4113-basic",
                "64-4114-basic",
            ]
        );
    }

    #[test]
    fn macro_neighbours_are_exactly_the_valid_single_digit_changes() {
        let archs: Vec<Arch> = macro_archs().collect();
        let mut by_len: HashMap<usize, Vec<Arch>> = HashMap::new();
        for arch in &archs {
            by_len.entry(arch.skeleton.len()).or_default().push(*arch);
        }
        for a in &archs {
            let mut n = a.neighbours();
            assert!(n.len() <= 3 * a.skeleton.len());
            let mut expected: Vec<Arch> =
                by_len[&a.skeleton.len()].iter().filter(|b| hamming(a, b) == 1).copied().collect();
            // Both sides sorted: equal lists also rule out duplicates in `n`.
            n.sort_unstable();
            expected.sort_unstable();
            assert_eq!(n, expected, "{a}");
        }
    }

    #[test]
    fn neighbourhoods_are_symmetric() {
        // Adjacency by global rank, each list sorted for binary search.
        let adjacency: Vec<Vec<usize>> = all_archs()
            .map(|a| {
                let mut ranks: Vec<usize> = a
                    .neighbours()
                    .into_iter()
                    .chain(a.resize_neighbours())
                    .map(|b| b.rank().unwrap())
                    .collect();
                ranks.sort_unstable();
                ranks
            })
            .collect();
        for (a, list) in adjacency.iter().enumerate() {
            for &b in list {
                assert_ne!(a, b);
                assert!(adjacency[b].binary_search(&a).is_ok(), "{a} -> {b}");
            }
        }
    }

    #[test]
    fn resize_neighbours_insert_or_remove_one_module() {
        let mut total = 0;
        for a in macro_archs() {
            let r = a.resize_neighbours();
            let set: HashSet<Arch> = r.iter().copied().collect();
            assert_eq!(set.len(), r.len(), "duplicates for {a}");
            for b in &r {
                assert_eq!(b.space(), Some(Space::Macro));
                let (short, long) =
                    if b.skeleton.len() < a.skeleton.len() { (b, &a) } else { (&a, b) };
                assert_eq!(long.skeleton.len(), short.skeleton.len() + 1, "{a} {b}");
                let removable = (0..long.skeleton.len()).any(|i| {
                    let mut m = long.skeleton.to_vec();
                    m.remove(i);
                    m == short.skeleton.as_slice()
                });
                assert!(removable, "{a} {b}");
            }
            total += r.len();
        }
        assert!(total > 0);
        let r = parse("64-4111-basic").resize_neighbours();
        // No removals at length 4; inserting `1` anywhere gives one distinct skeleton per run.
        assert_eq!(r[0].to_string(), "64-14111-basic");
        assert!(!r.iter().any(|b| b.skeleton.len() == 3));
        let r = parse("64-113444-basic").resize_neighbours();
        assert_eq!(strings(&r), ["64-13444-basic", "64-11444-basic", "64-11344-basic"]);
    }

    #[test]
    fn connectivity() {
        let archs: Vec<Arch> = macro_archs().collect();
        assert_eq!(archs.len(), MACRO_COUNT);
        assert_eq!(components(&archs, Arch::neighbours), 3);
        assert_eq!(
            components(&archs, |a| {
                let mut n = a.neighbours();
                n.extend(a.resize_neighbours());
                n
            }),
            1
        );
        let micro: Vec<Arch> = micro_archs().collect();
        assert_eq!(components(&micro, Arch::neighbours), 1);
        assert_eq!(archs.len() + micro.len(), TOTAL);
    }

    #[test]
    fn outside_the_spaces_has_no_neighbours() {
        for s in ["32-41414-1_02_333", "64-1111-basic", "64-12-basic", "64-4444-basic"] {
            assert!(parse(s).neighbours().is_empty(), "{s}");
            assert!(parse(s).resize_neighbours().is_empty(), "{s}");
        }
    }
}
