//! The archived types. See `FORMAT.md` for what every field means; the doc comments here say
//! the same in brief. Conventions: `n` is the number of architectures (all spaces), `T` tasks,
//! `M_t` the metrics of task `t`, `I` the info names. Architectures are numbered in file order
//! (all of the first space, then the next, ...).
//!
//! Every index stored here is untrusted when an archive is read: the store checks each one
//! before use (or at open), so a crafted archive can make a query fail but never panic.

use rkyv::{Archive, Serialize};

/// The payload's root.
#[derive(Archive, Serialize, Debug, Default, Clone, PartialEq)]
pub struct Benchmark {
    /// One entry per task, in `task_list` order.
    pub tasks: Vec<Task>,
    /// `info_names`, in order.
    pub info_names: Vec<String>,
    /// The keys of `data` (search spaces), in order.
    pub space_names: Vec<String>,
    /// `len(space_names) + 1` arch numbers: space `s` holds archs `space_starts[s]..space_starts[s+1]`.
    pub space_starts: Vec<u32>,
    /// `n + 1` offsets into `arch_bytes`: arch `a`'s name is `arch_bytes[arch_offsets[a]..arch_offsets[a+1]]`.
    pub arch_offsets: Vec<u32>,
    /// Arch names (UTF-8), concatenated in arch order.
    pub arch_bytes: Vec<u8>,
    /// Open-addressing table for name → arch: a power-of-two number of slots, each `0` (empty)
    /// or `arch + 1`; a name starts probing at `arch_hash(name) & (len - 1)` and moves to the next
    /// slot (wrapping) until it finds its arch or an empty slot.
    pub arch_slots: Vec<u32>,
    /// How to rebuild the source object exactly (key orders, extra entries).
    pub layout: Layout,
    /// Values outside the benchmark's columns: the top level apart from `data`, and every extra
    /// entry found anywhere.
    pub generic: Generic,
}

/// One task's columns.
#[derive(Archive, Serialize, Debug, Default, Clone, PartialEq)]
pub struct Task {
    /// The task's name.
    pub name: String,
    /// `metrics_dict[task]`, in order.
    pub metrics: Vec<String>,
    /// `n + 1` offsets: arch `a` trained `offsets[a+1] - offsets[a]` epochs (its `total_epochs`),
    /// and its values of every metric sit at `offsets[a]..offsets[a+1]` of that metric's column.
    pub offsets: Vec<u32>,
    /// One column per metric (same order as `metrics`), each `offsets[n]` values long.
    pub columns: Vec<Column>,
    /// `M_t × n`, metric-major: the first epoch where the metric list of arch `a` reaches its
    /// Python `max`, or a `codes::BEST_*` sentinel when `max` raises.
    pub best: Vec<u32>,
    /// `M_t × n`, metric-major: for each metric, every arch of each space in the order
    /// `get_best_archs` returns them (spaces in order, each within its `space_starts` range).
    pub ranking: Vec<u32>,
    /// `M_t × S`, metric-major: `codes::RANK_OK` or why Python's `sorted` raises for that space.
    pub ranking_status: Vec<u8>,
    /// One column per info name (same order as `info_names`), `n` values each: `model_info`.
    pub info: Vec<Column>,
}

/// A column of values. The converter picks the most compact kind that reproduces every value
/// exactly.
#[derive(Archive, Serialize, Debug, Clone, PartialEq)]
pub enum Column {
    /// Python floats that are all exactly representable as f32 (bit for bit, NaN payloads too).
    F32(Vec<f32>),
    /// Python floats.
    F64(Vec<f64>),
    /// Python ints.
    I64(Vec<i64>),
    /// Strings of one byte length `width` (e.g. `"HH:MM:SS"`): value `i` is `bytes[i*width..][..width]`.
    StrFixed {
        /// Byte length of every string.
        width: u32,
        /// The strings, concatenated.
        bytes: Vec<u8>,
    },
    /// Strings: value `i` is `bytes[offsets[i]..offsets[i+1]]`.
    Str {
        /// `len + 1` offsets into `bytes`.
        offsets: Vec<u32>,
        /// The strings, concatenated.
        bytes: Vec<u8>,
    },
    /// Anything else, one tagged cell per value (`codes::CELL_*`): `bits` holds an int, a
    /// float's bits, a string's `start << 32 | len` in `bytes`, or a generic node id.
    Mixed {
        /// One `codes::CELL_*` per value.
        tags: Vec<u8>,
        /// One payload per value.
        bits: Vec<u64>,
        /// String bytes of the `CELL_STR` cells.
        bytes: Vec<u8>,
    },
}

impl Default for Column {
    fn default() -> Self {
        Column::F32(Vec::new())
    }
}

/// Where the source's dicts put their keys, so that the archive reproduces it exactly.
///
/// Layouts are small programs of `u32` items (`codes::item`), shared by every arch (or arch and
/// task) that has the same shape: a real benchmark has one arch layout and one result layout per
/// task. `items[item_offsets[l]..item_offsets[l+1]]` is layout `l`.
#[derive(Archive, Serialize, Debug, Default, Clone, PartialEq)]
pub struct Layout {
    /// Generic node of the top-level object; its `data` entry is a `codes::NODE_DATA` node.
    pub top: u32,
    /// Generic node of `task_list` (what the Python API returns for it).
    pub task_list: u32,
    /// Generic node of `metrics_dict`.
    pub metrics_dict: u32,
    /// Generic node of `info_names`.
    pub info_names: u32,
    /// Every layout's items, concatenated.
    pub items: Vec<u32>,
    /// `layouts + 1` offsets into `items`.
    pub item_offsets: Vec<u32>,
    /// Per arch: the layout of its dict (task keys and extra entries). Empty when every arch
    /// uses layout 0.
    pub arch_layout: Vec<u32>,
    /// `n × T`, arch-major: the layout of each result dict (`total_epochs`, `model_info`,
    /// `metrics` and extras, with the key orders of the nested dicts).
    pub result_layout: Vec<u32>,
    /// `n + 1` offsets into `extras` (in pairs) for the extra entries of each arch's dict, in
    /// order. Empty when there are none anywhere.
    pub arch_extras: Vec<u32>,
    /// `n × T + 1` offsets into `extras` (in pairs) for the extra entries inside each result
    /// (its own, its `model_info`'s and its `metrics`' extras, in document order). Empty when
    /// there are none anywhere.
    pub result_extras: Vec<u32>,
    /// Generic node ids of extra entries: key, value, key, value, …
    pub extras: Vec<u32>,
}

/// A small tree of arbitrary values, struct-of-arrays so it validates in constant time. Node
/// `i` has kind `kinds[i]` (`codes::NODE_*`) and payloads `start_or_value[i]` and
/// `len_or_dtype[i]` (below, `start` and `len`): containers list their children in
/// `children[start..start+len]` (dicts: key, value, …); strings and bytes are
/// `bytes[start..start+len]`; ints, floats and numpy scalars keep their bits in
/// `start_or_value`, and a scalar its dtype code in `len_or_dtype`.
/// Nodes are numbered in post-order: children have smaller ids than their parent, so the tree
/// has no cycles (a node may be shared by several parents).
#[derive(Archive, Serialize, Debug, Default, Clone, PartialEq)]
pub struct Generic {
    /// Kind of each node.
    pub kinds: Vec<u8>,
    /// Per node: where its children or bytes start, or its value's bits (int, float, scalar).
    /// Called `a` in [`super::SCHEMA`] and in archives' schema hash; renaming a field does not
    /// change rkyv's bytes (only the order of fields does), so the hash keeps the old name.
    pub start_or_value: Vec<u64>,
    /// Per node: how many children or bytes it has, or a scalar's dtype code. Called `b` in
    /// [`super::SCHEMA`], for the same reason.
    pub len_or_dtype: Vec<u32>,
    /// Child node ids of containers.
    pub children: Vec<u32>,
    /// String and bytes contents.
    pub bytes: Vec<u8>,
}
