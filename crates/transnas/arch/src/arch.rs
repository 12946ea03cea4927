//! The architecture value types: modules, operations, cells, skeletons and whole architectures.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::ops::Deref;

/// Base channel count of every architecture in TransNAS-Bench-101.
pub const BASE_CHANNELS: u32 = 64;

/// Most modules a skeleton can hold; the macro space's longest skeletons have this many.
pub const MAX_MODULES: usize = 6;

/// The edges of a micro cell as `(from, to)` node pairs, in the order the ops appear in an
/// arch string (`a_bc_def`).
pub const MICRO_EDGES: [(usize, usize); 6] = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)];

/// One stacked module of the macro skeleton, written as a digit 1-4.
///
/// The digit is `1 + 2·[halves resolution] + [doubles channels]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Module {
    /// `1`: keeps channels and resolution.
    Normal,
    /// `2`: doubles the channel count.
    ChannelX2,
    /// `3`: halves the spatial resolution.
    ResolutionHalf,
    /// `4`: doubles the channel count and halves the resolution.
    Both,
}

impl Module {
    /// All modules in digit order.
    pub const ALL: [Module; 4] =
        [Module::Normal, Module::ChannelX2, Module::ResolutionHalf, Module::Both];

    /// The module for a digit value 1-4, or `None` for any other value.
    pub const fn from_digit(digit: u8) -> Option<Module> {
        match digit {
            1 => Some(Module::Normal),
            2 => Some(Module::ChannelX2),
            3 => Some(Module::ResolutionHalf),
            4 => Some(Module::Both),
            _ => None,
        }
    }

    /// The module for an ASCII digit `'1'`-`'4'`, or `None` for any other character.
    pub fn from_char(c: char) -> Option<Module> {
        c.to_digit(10).and_then(|d| u8::try_from(d).ok()).and_then(Module::from_digit)
    }

    /// The module with the given effects.
    pub const fn from_effects(halves_resolution: bool, doubles_channels: bool) -> Module {
        match (halves_resolution, doubles_channels) {
            (false, false) => Module::Normal,
            (false, true) => Module::ChannelX2,
            (true, false) => Module::ResolutionHalf,
            (true, true) => Module::Both,
        }
    }

    /// The digit value 1-4.
    pub const fn digit(self) -> u8 {
        match self {
            Module::Normal => 1,
            Module::ChannelX2 => 2,
            Module::ResolutionHalf => 3,
            Module::Both => 4,
        }
    }

    /// The ASCII digit `'1'`-`'4'`.
    pub const fn as_char(self) -> char {
        (b'0' + self.digit()) as char
    }

    /// Whether the module doubles the channel count (digits 2 and 4).
    pub const fn doubles_channels(self) -> bool {
        matches!(self, Module::ChannelX2 | Module::Both)
    }

    /// Whether the module halves the spatial resolution (digits 3 and 4).
    pub const fn halves_resolution(self) -> bool {
        matches!(self, Module::ResolutionHalf | Module::Both)
    }

    /// The name the benchmark README uses, e.g. `channelx2 & resolution/2`.
    pub const fn name(self) -> &'static str {
        match self {
            Module::Normal => "normal",
            Module::ChannelX2 => "channelx2",
            Module::ResolutionHalf => "resolution/2",
            Module::Both => "channelx2 & resolution/2",
        }
    }
}

/// Formats the README name (`normal`, `channelx2`, ...); use [`Module::as_char`] for the digit.
impl fmt::Display for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The operation on one edge of a micro cell, written as a digit 0-3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    /// `0`: no connection (contributes zeros).
    None,
    /// `1`: identity.
    SkipConnect,
    /// `2`: 1×1 convolution.
    Conv1x1,
    /// `3`: 3×3 convolution.
    Conv3x3,
}

impl Op {
    /// All ops in digit order.
    pub const ALL: [Op; 4] = [Op::None, Op::SkipConnect, Op::Conv1x1, Op::Conv3x3];

    /// The op for a digit value 0-3, or `None` for any other value.
    pub const fn from_digit(digit: u8) -> Option<Op> {
        match digit {
            0 => Some(Op::None),
            1 => Some(Op::SkipConnect),
            2 => Some(Op::Conv1x1),
            3 => Some(Op::Conv3x3),
            _ => None,
        }
    }

    /// The op for an ASCII digit `'0'`-`'3'`, or `None` for any other character.
    pub fn from_char(c: char) -> Option<Op> {
        c.to_digit(10).and_then(|d| u8::try_from(d).ok()).and_then(Op::from_digit)
    }

    /// The digit value 0-3.
    pub const fn digit(self) -> u8 {
        match self {
            Op::None => 0,
            Op::SkipConnect => 1,
            Op::Conv1x1 => 2,
            Op::Conv3x3 => 3,
        }
    }

    /// The ASCII digit `'0'`-`'3'`.
    pub const fn as_char(self) -> char {
        (b'0' + self.digit()) as char
    }

    /// The name the benchmark README uses: `None`, `Skip-Connect`, `Conv1x1` or `Conv3x3`.
    pub const fn name(self) -> &'static str {
        match self {
            Op::None => "None",
            Op::SkipConnect => "Skip-Connect",
            Op::Conv1x1 => "Conv1x1",
            Op::Conv3x3 => "Conv3x3",
        }
    }
}

/// Formats the README name (`Skip-Connect`, ...); use [`Op::as_char`] for the digit.
impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The cell repeated inside every module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cell {
    /// `basic`: the ResNet basic block used by the macro space.
    Basic,
    /// A 4-node micro cell; ops are in arch-string order, one per entry of [`MICRO_EDGES`].
    Micro([Op; 6]),
}

impl Cell {
    /// The ops on the edges into `node` (1-3) as `(from, op)` pairs, in string order; empty for
    /// [`Cell::Basic`] and for other node numbers.
    pub fn inputs(&self, node: usize) -> impl Iterator<Item = (usize, Op)> + '_ {
        let ops: &[Op] = match self {
            Cell::Basic => &[],
            Cell::Micro(ops) => ops,
        };
        MICRO_EDGES
            .iter()
            .zip(ops)
            .filter(move |((_, to), _)| *to == node)
            .map(|((from, _), op)| (*from, *op))
    }
}

/// Formats `basic` or the `a_bc_def` digit form.
impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Basic => f.write_str("basic"),
            Cell::Micro([a, b, c, d, e, g]) => write!(
                f,
                "{}_{}{}_{}{}{}",
                a.as_char(),
                b.as_char(),
                c.as_char(),
                d.as_char(),
                e.as_char(),
                g.as_char()
            ),
        }
    }
}

/// The macro skeleton: 1 to [`MAX_MODULES`] stacked modules, stored inline.
///
/// Dereferences to `[Module]`, so `len()`, `iter()` and indexing work as on a slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Skeleton {
    // Slots past `len` are always `Module::Normal` so that derived equality and hashing only
    // see the used modules.
    modules: [Module; MAX_MODULES],
    len: u8,
}

impl Skeleton {
    /// The skeleton of every micro-space architecture: `41414`.
    pub const MICRO: Skeleton = Skeleton {
        modules: [
            Module::Both,
            Module::Normal,
            Module::Both,
            Module::Normal,
            Module::Both,
            Module::Normal,
        ],
        len: 5,
    };

    /// A skeleton of the given modules, or `None` unless there are 1 to [`MAX_MODULES`].
    pub fn new(modules: &[Module]) -> Option<Skeleton> {
        if modules.is_empty() || modules.len() > MAX_MODULES {
            return None;
        }
        let mut skeleton = Skeleton { modules: [Module::Normal; MAX_MODULES], len: 0 };
        for &module in modules {
            skeleton.push(module);
        }
        Some(skeleton)
    }

    /// Builds a skeleton from a digit string such as `"1234"`, or `None` if it has a character
    /// other than `1`-`4` or a length outside 1 to [`MAX_MODULES`].
    pub fn from_digits(digits: &str) -> Option<Skeleton> {
        let mut modules = [Module::Normal; MAX_MODULES];
        let mut len = 0;
        for c in digits.chars() {
            *modules.get_mut(len)? = Module::from_char(c)?;
            len += 1;
        }
        Skeleton::new(modules.get(..len)?)
    }

    /// Appends a module; callers keep `len < MAX_MODULES`.
    pub(crate) fn push(&mut self, module: Module) {
        if let Some(slot) = self.modules.get_mut(usize::from(self.len)) {
            *slot = module;
            self.len += 1;
        }
    }

    /// The modules as a slice.
    pub fn as_slice(&self) -> &[Module] {
        // `len` never exceeds the array length, but `get` keeps this panic-free regardless.
        self.modules.get(..usize::from(self.len)).unwrap_or(&self.modules)
    }

    /// How many modules halve the resolution (digits 3 and 4).
    pub fn downsampling_count(&self) -> usize {
        self.iter().filter(|m| m.halves_resolution()).count()
    }

    /// How many modules double the channel count (digits 2 and 4).
    pub fn channel_doubling_count(&self) -> usize {
        self.iter().filter(|m| m.doubles_channels()).count()
    }
}

impl Deref for Skeleton {
    type Target = [Module];

    fn deref(&self) -> &[Module] {
        self.as_slice()
    }
}

impl AsRef<[Module]> for Skeleton {
    fn as_ref(&self) -> &[Module] {
        self.as_slice()
    }
}

impl<'a> IntoIterator for &'a Skeleton {
    type Item = &'a Module;
    type IntoIter = std::slice::Iter<'a, Module>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

/// Orders lexicographically by module digits, as the digit strings would sort.
impl Ord for Skeleton {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_slice().cmp(other.as_slice())
    }
}

impl PartialOrd for Skeleton {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Formats the module digits, e.g. `1234`.
impl fmt::Display for Skeleton {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.iter().try_for_each(|module| f.write_char(module.as_char()))
    }
}

/// A TransNAS-Bench-101 architecture: `<base channels>-<skeleton>-<cell>`.
///
/// Any grammatical string parses into an `Arch`; [`Arch::space`] tells whether it is one of the
/// benchmark's 7352 architectures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arch {
    /// Channel count of the first module (64 throughout the benchmark).
    pub base_channels: u32,
    /// The stacked modules.
    pub skeleton: Skeleton,
    /// The cell used inside every module.
    pub cell: Cell,
}

impl Arch {
    /// An architecture from its parts.
    pub const fn new(base_channels: u32, skeleton: Skeleton, cell: Cell) -> Arch {
        Arch { base_channels, skeleton, cell }
    }

    /// A macro-space-style architecture: base 64, the given skeleton, `basic` cell.
    pub const fn macro_arch(skeleton: Skeleton) -> Arch {
        Arch::new(BASE_CHANNELS, skeleton, Cell::Basic)
    }

    /// A micro-space architecture: base 64, skeleton `41414`, the given cell ops.
    pub const fn micro_arch(ops: [Op; 6]) -> Arch {
        Arch::new(BASE_CHANNELS, Skeleton::MICRO, Cell::Micro(ops))
    }
}

/// Formats the arch string exactly as the benchmark writes it, e.g. `64-41414-1_02_333`.
impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", self.base_channels, self.skeleton, self.cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_digits_follow_the_effect_formula() {
        for module in Module::ALL {
            let expected =
                1 + 2 * u8::from(module.halves_resolution()) + u8::from(module.doubles_channels());
            assert_eq!(module.digit(), expected);
            assert_eq!(Module::from_digit(module.digit()), Some(module));
            assert_eq!(Module::from_char(module.as_char()), Some(module));
            assert_eq!(
                Module::from_effects(module.halves_resolution(), module.doubles_channels()),
                module
            );
        }
        assert_eq!(Module::from_digit(0), None);
        assert_eq!(Module::from_digit(5), None);
        assert_eq!(Module::from_char('5'), None);
        assert_eq!(Module::from_char('٣'), None);
    }

    #[test]
    fn op_digits_round_trip() {
        for (i, op) in Op::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(op.digit()), i);
            assert_eq!(Op::from_char(op.as_char()), Some(op));
        }
        assert_eq!(Op::from_digit(4), None);
        assert_eq!(Op::from_char('x'), None);
        assert_eq!(Op::SkipConnect.to_string(), "Skip-Connect");
    }

    #[test]
    fn skeleton_bounds_and_padding() {
        assert_eq!(Skeleton::new(&[]), None);
        assert_eq!(Skeleton::new(&[Module::Normal; 7]), None);
        assert_eq!(Skeleton::from_digits(""), None);
        assert_eq!(Skeleton::from_digits("1111111"), None);
        assert_eq!(Skeleton::from_digits("12a"), None);
        let s = Skeleton::from_digits("1234").unwrap();
        assert_eq!(s.len(), 4);
        assert_eq!(s.to_string(), "1234");
        assert_eq!(s.downsampling_count(), 2);
        assert_eq!(s.channel_doubling_count(), 2);
        assert_eq!(Skeleton::from_digits("41414"), Some(Skeleton::MICRO));
        // Different lengths with equal prefixes must not compare equal.
        assert_ne!(Skeleton::from_digits("11"), Skeleton::from_digits("111"));
        assert!(Skeleton::from_digits("11") < Skeleton::from_digits("111"));
    }

    #[test]
    fn cell_inputs_follow_edge_order() {
        let cell = Cell::Micro([
            Op::SkipConnect,
            Op::None,
            Op::Conv1x1,
            Op::Conv3x3,
            Op::Conv3x3,
            Op::Conv3x3,
        ]);
        assert_eq!(cell.to_string(), "1_02_333");
        assert_eq!(cell.inputs(1).collect::<Vec<_>>(), [(0, Op::SkipConnect)]);
        assert_eq!(cell.inputs(2).collect::<Vec<_>>(), [(0, Op::None), (1, Op::Conv1x1)]);
        assert_eq!(cell.inputs(3).count(), 3);
        assert_eq!(cell.inputs(0).count(), 0);
        assert_eq!(Cell::Basic.inputs(3).count(), 0);
    }
}
