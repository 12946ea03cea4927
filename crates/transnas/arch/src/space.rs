//! The two search spaces: membership, enumeration in benchmark-file order, and rank/unrank.

use std::fmt;
use std::iter::FusedIterator;
use std::ops::Range;
use std::str::FromStr;

use crate::arch::{Arch, BASE_CHANNELS, Cell, MAX_MODULES, Module, Op, Skeleton};

/// Number of architectures in the macro space.
pub const MACRO_COUNT: usize = 3256;
/// Number of architectures in the micro space.
pub const MICRO_COUNT: usize = 4096;
/// Number of architectures in the benchmark (macro then micro).
pub const TOTAL: usize = MACRO_COUNT + MICRO_COUNT;

const MIN_MACRO_MODULES: usize = 4;
const MAX_DOWNSAMPLINGS: usize = 4;
const MAX_CHANNEL_DOUBLINGS: usize = 3;

/// One of the benchmark's two search spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Space {
    /// Macro skeletons of 4-6 modules with the `basic` cell; global indices 0-3255.
    Macro,
    /// The fixed `41414` skeleton with a searched micro cell; global indices 3256-7351.
    Micro,
}

impl Space {
    /// Both spaces, in benchmark-file order.
    pub const ALL: [Space; 2] = [Space::Macro, Space::Micro];

    /// `"macro"` or `"micro"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Space::Macro => "macro",
            Space::Micro => "micro",
        }
    }

    /// Number of architectures in the space.
    pub const fn count(self) -> usize {
        match self {
            Space::Macro => MACRO_COUNT,
            Space::Micro => MICRO_COUNT,
        }
    }

    /// Global index of the space's first architecture.
    pub const fn offset(self) -> usize {
        match self {
            Space::Macro => 0,
            Space::Micro => MACRO_COUNT,
        }
    }

    /// The global index range the space occupies.
    pub const fn indices(self) -> Range<usize> {
        self.offset()..self.offset() + self.count()
    }

    /// The space's architectures in benchmark-file order.
    pub fn archs(self) -> Archs {
        Archs { indices: self.indices() }
    }

    /// Whether `arch` belongs to this space.
    pub fn contains(self, arch: &Arch) -> bool {
        arch.space() == Some(self)
    }
}

impl fmt::Display for Space {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error from parsing a [`Space`] name other than `macro` or `micro`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseSpaceError {
    found: String,
}

impl fmt::Display for ParseSpaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected space 'macro' or 'micro', found {:?}", self.found)
    }
}

impl std::error::Error for ParseSpaceError {}

/// Parses `macro` or `micro` (exact, lowercase, as [`Space::as_str`] writes them).
impl FromStr for Space {
    type Err = ParseSpaceError;

    fn from_str(s: &str) -> Result<Space, ParseSpaceError> {
        match s {
            "macro" => Ok(Space::Macro),
            "micro" => Ok(Space::Micro),
            _ => Err(ParseSpaceError {
                // Keep the message one short line even for a huge argument.
                found: s.chars().take(32).collect(),
            }),
        }
    }
}

impl Arch {
    /// The benchmark space this architecture belongs to, or `None` if it is in neither.
    ///
    /// Macro: base 64, `basic` cell, 4-6 modules of which 1-4 halve the resolution and 1-3
    /// double the channels. Micro: base 64, skeleton `41414`, a micro cell.
    pub fn space(&self) -> Option<Space> {
        if self.base_channels != BASE_CHANNELS {
            return None;
        }
        match self.cell {
            Cell::Basic if is_macro_skeleton(&self.skeleton) => Some(Space::Macro),
            Cell::Micro(_) if self.skeleton == Skeleton::MICRO => Some(Space::Micro),
            _ => None,
        }
    }

    /// The architecture's global index in benchmark-file order (macro 0-3255, then micro
    /// 3256-7351), or `None` if it is in neither space. Inverse of [`Arch::unrank`].
    pub fn rank(&self) -> Option<usize> {
        match (self.space()?, self.cell) {
            (Space::Macro, _) => Some(macro_rank(&self.skeleton)),
            (Space::Micro, Cell::Micro(ops)) => Some(MACRO_COUNT + micro_rank(ops)),
            (Space::Micro, Cell::Basic) => None,
        }
    }

    /// The architecture at a global index, or `None` if `index >= TOTAL`.
    pub fn unrank(index: usize) -> Option<Arch> {
        if index < MACRO_COUNT {
            macro_unrank(index).map(Arch::macro_arch)
        } else if index < TOTAL {
            Some(Arch::micro_arch(micro_unrank(index - MACRO_COUNT)))
        } else {
            None
        }
    }
}

pub(crate) fn is_macro_skeleton(skeleton: &Skeleton) -> bool {
    (MIN_MACRO_MODULES..=MAX_MODULES).contains(&skeleton.len())
        && (1..=MAX_DOWNSAMPLINGS).contains(&skeleton.downsampling_count())
        && (1..=MAX_CHANNEL_DOUBLINGS).contains(&skeleton.channel_doubling_count())
}

// Micro ranks are the six op digits read as a base-4 number, edge `a` most significant.
fn micro_rank(ops: [Op; 6]) -> usize {
    ops.iter().fold(0, |acc, op| acc * 4 + usize::from(op.digit()))
}

fn micro_unrank(rank: usize) -> [Op; 6] {
    let mut ops = [Op::None; 6];
    let mut rest = rank;
    for op in ops.iter_mut().rev() {
        *op = Op::ALL[rest % 4];
        rest /= 4;
    }
    ops
}

/// Binomial coefficient for the tiny arguments used here (n ≤ 6).
fn binom(n: usize, k: usize) -> usize {
    if k > n {
        return 0;
    }
    (0..k).fold(1, |acc, i| acc * (n - i) / (i + 1))
}

/// The macro file order is a sequence of blocks, one per (length, channel-doubling count q,
/// downsampling count p); within a block the channel subset varies slowest, then the
/// downsampling subset, each in lexicographic order.
fn macro_blocks() -> impl Iterator<Item = (usize, usize, usize)> {
    (MIN_MACRO_MODULES..=MAX_MODULES).flat_map(|len| {
        (1..=MAX_CHANNEL_DOUBLINGS)
            .flat_map(move |q| (1..=MAX_DOWNSAMPLINGS.min(len)).map(move |p| (len, q, p)))
    })
}

fn block_size((len, q, p): (usize, usize, usize)) -> usize {
    binom(len, q) * binom(len, p)
}

/// Rank of a subset (bit `i` = position `i`) among the subsets of `0..n` of the same size, in
/// lexicographic order of their sorted elements.
fn subset_rank(n: usize, mask: u8) -> usize {
    let mut remaining = mask.count_ones() as usize;
    let mut rank = 0;
    let mut next = 0;
    for pos in (0..n).filter(|&pos| mask & (1 << pos) != 0) {
        remaining -= 1;
        // Subsets agreeing so far but with a smaller element here come first.
        rank += (next..pos).map(|v| binom(n - 1 - v, remaining)).sum::<usize>();
        next = pos + 1;
    }
    rank
}

fn subset_unrank(n: usize, k: usize, mut rank: usize) -> u8 {
    let mut mask = 0;
    let mut v = 0;
    for remaining in (0..k).rev() {
        while v < n {
            let with_v = binom(n - 1 - v, remaining);
            if rank < with_v {
                break;
            }
            rank -= with_v;
            v += 1;
        }
        mask |= 1 << v;
        v += 1;
    }
    mask
}

fn position_mask(skeleton: &Skeleton, pred: fn(Module) -> bool) -> u8 {
    skeleton.iter().enumerate().filter(|&(_, &m)| pred(m)).fold(0, |mask, (i, _)| mask | 1 << i)
}

/// Callers guarantee `is_macro_skeleton(skeleton)`.
fn macro_rank(skeleton: &Skeleton) -> usize {
    let len = skeleton.len();
    let channels = position_mask(skeleton, Module::doubles_channels);
    let downs = position_mask(skeleton, Module::halves_resolution);
    let block = (len, channels.count_ones() as usize, downs.count_ones() as usize);
    let before: usize = macro_blocks().take_while(|&b| b != block).map(block_size).sum();
    before + subset_rank(len, channels) * binom(len, block.2) + subset_rank(len, downs)
}

fn macro_unrank(mut rank: usize) -> Option<Skeleton> {
    let (len, q, p) = macro_blocks().find(|&block| {
        let size = block_size(block);
        if rank < size {
            true
        } else {
            rank -= size;
            false
        }
    })?;
    let per_channel_subset = binom(len, p);
    let channels = subset_unrank(len, q, rank / per_channel_subset);
    let downs = subset_unrank(len, p, rank % per_channel_subset);
    let mut modules = [Module::Normal; MAX_MODULES];
    for (i, module) in modules.iter_mut().enumerate().take(len) {
        *module = Module::from_effects(downs & (1 << i) != 0, channels & (1 << i) != 0);
    }
    Skeleton::new(modules.get(..len)?)
}

/// Iterator over architectures in benchmark-file order, from [`all_archs`], [`macro_archs`],
/// [`micro_archs`] or [`Space::archs`].
#[derive(Debug, Clone)]
pub struct Archs {
    indices: Range<usize>,
}

impl Iterator for Archs {
    type Item = Arch;

    fn next(&mut self) -> Option<Arch> {
        self.indices.next().and_then(Arch::unrank)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.indices.size_hint()
    }

    fn nth(&mut self, n: usize) -> Option<Arch> {
        self.indices.nth(n).and_then(Arch::unrank)
    }
}

impl DoubleEndedIterator for Archs {
    fn next_back(&mut self) -> Option<Arch> {
        self.indices.next_back().and_then(Arch::unrank)
    }
}

impl ExactSizeIterator for Archs {}

impl FusedIterator for Archs {}

/// All 7352 architectures in benchmark-file order: the macro space, then the micro space.
pub fn all_archs() -> Archs {
    Archs { indices: 0..TOTAL }
}

/// The 3256 macro-space architectures in benchmark-file order.
pub fn macro_archs() -> Archs {
    Space::Macro.archs()
}

/// The 4096 micro-space architectures in benchmark-file order.
pub fn micro_archs() -> Archs {
    Space::Micro.archs()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn sha256_lines(archs: impl Iterator<Item = Arch>) -> String {
        let mut hasher = Sha256::new();
        for arch in archs {
            hasher.update(arch.to_string().as_bytes());
            hasher.update(b"\n");
        }
        hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn hashes_match_the_benchmark_file_order() {
        assert_eq!(
            sha256_lines(all_archs()),
            "a37c48df4070ef567f96beff0bbfb7b385321bab02838392a546a798d7c3461a"
        );
        assert_eq!(
            sha256_lines(macro_archs()),
            "6202ebe86ed081175705cb280762254dfdf8358b414ded2ce9ab2a682f547f6b"
        );
        assert_eq!(
            sha256_lines(micro_archs()),
            "7208e18cc067190669357a1f93fb0d5e526732dd421ee0545783e0a728193d36"
        );
    }

    #[test]
    fn counts() {
        assert_eq!(TOTAL, 7352);
        assert_eq!(macro_blocks().map(block_size).sum::<usize>(), MACRO_COUNT);
        let per_length: Vec<usize> = (4..=6)
            .map(|len| macro_blocks().filter(|b| b.0 == len).map(block_size).sum())
            .collect();
        assert_eq!(per_length, [210, 750, 2296]);
        assert_eq!(all_archs().len(), TOTAL);
        assert_eq!(macro_archs().count(), MACRO_COUNT);
        assert_eq!(micro_archs().count(), MICRO_COUNT);
        assert_eq!(all_archs().rev().count(), TOTAL);
    }

    #[test]
    fn spot_checks() {
        let at = |i| Arch::unrank(i).unwrap().to_string();
        assert_eq!(at(0), "64-4111-basic");
        assert_eq!(at(1), "64-2311-basic");
        assert_eq!(at(3255), "64-113444-basic");
        assert_eq!(at(3256), "64-41414-0_00_000");
        assert_eq!(at(7351), "64-41414-3_33_333");
        assert_eq!(Arch::unrank(TOTAL), None);
        assert_eq!(Arch::unrank(usize::MAX), None);
        assert_eq!(all_archs().nth(3256).unwrap().to_string(), "64-41414-0_00_000");
        assert_eq!(all_archs().next_back().unwrap().to_string(), "64-41414-3_33_333");
        assert_eq!(micro_archs().next().unwrap().rank(), Some(3256));
    }

    #[test]
    fn parse_format_rank_round_trip_for_every_arch() {
        for (i, arch) in all_archs().enumerate() {
            let s = arch.to_string();
            assert_eq!(Arch::parse(&s), Ok(arch), "{s}");
            assert_eq!(arch.rank(), Some(i), "{s}");
            let space = if i < MACRO_COUNT { Space::Macro } else { Space::Micro };
            assert_eq!(arch.space(), Some(space), "{s}");
            assert!(space.indices().contains(&i));
        }
    }

    #[test]
    fn membership_matches_enumeration_for_every_grammatical_basic_skeleton() {
        // Every base-64 basic-cell skeleton of length 1-6 is in the macro space exactly when
        // the enumeration produces it; this checks the rules and the order independently.
        let enumerated: std::collections::HashSet<Arch> = macro_archs().collect();
        assert_eq!(enumerated.len(), MACRO_COUNT);
        let mut members = 0;
        for len in 1..=MAX_MODULES {
            for code in 0..4usize.pow(len as u32) {
                let modules: Vec<Module> =
                    (0..len).map(|i| Module::ALL[code / 4usize.pow(i as u32) % 4]).collect();
                let arch = Arch::macro_arch(Skeleton::new(&modules).unwrap());
                let member = arch.space() == Some(Space::Macro);
                assert_eq!(member, enumerated.contains(&arch), "{arch}");
                members += usize::from(member);
            }
        }
        assert_eq!(members, MACRO_COUNT);
    }

    #[test]
    fn outside_the_spaces() {
        for s in [
            "32-1234-basic",
            "64-1111-basic",
            "64-2222-basic",
            "64-333-basic",
            "64-1113333-basic",
            "64-2221-basic",
            "64-3311-basic",
            "64-4141-0_00_000",
            "32-41414-0_00_000",
            "64-1234-0_00_000",
        ] {
            // "64-1113333-basic" is not even grammatical (7 modules).
            if let Ok(arch) = Arch::parse(s) {
                assert_eq!(arch.space(), None, "{s}");
                assert_eq!(arch.rank(), None, "{s}");
            }
        }
        assert_eq!(Arch::parse("64-4444-basic").unwrap().space(), None);
        // The micro skeleton with the basic cell is a macro arch in its own right.
        assert_eq!(Arch::parse("64-41414-basic").unwrap().space(), Some(Space::Macro));
        assert_eq!(Arch::parse("64-444-basic").unwrap().space(), None, "three modules are too few");
    }

    #[test]
    fn space_names() {
        for space in Space::ALL {
            assert_eq!(space.as_str().parse::<Space>(), Ok(space));
            assert_eq!(space.to_string(), space.as_str());
            assert_eq!(space.archs().len(), space.count());
            assert!(space.archs().all(|a| space.contains(&a)));
        }
        let err = "Macro".parse::<Space>().unwrap_err();
        assert_eq!(err.to_string(), "expected space 'macro' or 'micro', found \"Macro\"");
        assert!("".parse::<Space>().is_err());
    }

    #[test]
    fn subset_rank_inverts_unrank() {
        for n in 1..=MAX_MODULES {
            for k in 0..=n {
                for r in 0..binom(n, k) {
                    let mask = subset_unrank(n, k, r);
                    assert_eq!(mask.count_ones() as usize, k);
                    assert!(usize::from(mask) < 1 << n);
                    assert_eq!(subset_rank(n, mask), r);
                }
            }
        }
    }
}
