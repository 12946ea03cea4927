//! Bounds on what a pickle may make the reader build.
//!
//! Every structure the reader allocates is counted against a limit before it grows: values
//! ([`DEFAULT_MAX_NODES`], [`DEFAULT_MAX_BUILT`]), the stack ([`DEFAULT_MAX_STACK`]) and the open
//! marks ([`DEFAULT_MAX_MARKS`]), which one-byte `DUP`s, memo gets and `MARK`s would otherwise
//! grow by four to eight bytes per input byte, the references containers hold
//! ([`DEFAULT_MAX_ITEMS`]), the memo ([`DEFAULT_MAX_MEMO`]); and an allocation that fails anyway
//! is an error, never an abort. The limits also protect the *consumers* of the result: a recursive walk needs a bounded depth, and a JSON dump of a DAG
//! whose nodes are shared many times over needs a bounded expanded size (the "billion laughs"
//! shape: a list holding the same list twice, 64 levels deep), counted both in values and in the
//! string bytes the walk produces (one big string referenced a million times).
//!
//! Work that could grow faster than the input is bounded too: decimal text of ints
//! ([`MAX_INT_DIGITS`]) and comparing composite dict keys ([`MAX_KEY_WORK`]).

/// Deepest nesting of containers in the result. 1000 is Python's default recursion limit, so
/// anything deeper would not survive `json.dumps` either; TransNAS-Bench files are 6 deep.
pub const DEFAULT_MAX_DEPTH: u32 = 1000;

/// Most values (of every kind, shared or not) a pickle may create. The real benchmark file
/// creates about 13 million, 12 million of them floats read in place from runs of `BINFLOAT`s
/// (no memory of their own); 2^25 (33.5 million) leaves room for bigger benchmarks while keeping
/// the arena, and everything built from it, to a bounded size for any input (about 40 bytes per
/// value at worst in the reader, 40 more in the converter).
pub const DEFAULT_MAX_NODES: u64 = 1 << 25;

/// Most values a pickle may create other than floats read in place from runs of `BINFLOAT`s
/// (which cost no memory and no work until walked). These are what the reader's passes (key
/// merging, graph checks) and the converter's generic section spend time and memory on: about
/// 80 bytes and half a microsecond each at worst (an empty list per input byte), so 2^23 (8.4
/// million) keeps any input within about 700 MB and a few seconds. The real benchmark builds
/// about a million.
pub const DEFAULT_MAX_BUILT: u64 = 1 << 23;

/// Most memo entries. The real file stores about 700 000.
pub const DEFAULT_MAX_MEMO: u64 = 1 << 25;

/// Most values on the pickle machine's stack at once (four bytes each): one-byte opcodes such as
/// `DUP` and `BINGET` push a reference to an existing value without creating one, so they are
/// counted here instead of in [`DEFAULT_MAX_NODES`]. Picklers put at most one batch (1000 items)
/// per open container on the stack, or one tuple's items; 2^25 (128 MiB) is as many as
/// [`DEFAULT_MAX_NODES`].
pub const DEFAULT_MAX_STACK: u64 = 1 << 25;

/// Most `MARK`s open at once. A mark is opened for each container under construction, so a
/// pickler's marks never outnumber the nesting depth (6 for TransNAS-Bench); 2^16 is far above
/// [`DEFAULT_MAX_DEPTH`] while a flood of one-byte `MARK`s stays within 256 KiB.
pub const DEFAULT_MAX_MARKS: u64 = 1 << 16;

/// Most child references all containers hold together (four bytes each, reserved slots
/// included): a shared value referenced many times (`DUP`, memo gets) is one value but one
/// reference per use. 2^26 (256 MiB) is twice the [`DEFAULT_MAX_NODES`]; the full-size
/// look-alike of the benchmark holds 3.1 million (its floats are runs of the input, which hold
/// none).
pub const DEFAULT_MAX_ITEMS: u64 = 1 << 26;

/// Longest single string or bytes value, in bytes.
pub const DEFAULT_MAX_STR_LEN: u64 = 1 << 28;

/// Most values the result holds when every shared reference is counted each time it is reached,
/// i.e. the size of a tree walk such as a JSON dump (33.5 million: a dump writes about 10 million
/// values a second, so a walk stays within a few seconds; the real benchmark walks about 13
/// million).
pub const DEFAULT_MAX_EXPANDED: u64 = 1 << 25;

/// Most bytes of string and bytes values a tree walk produces, every shared reference counted
/// each time it is reached (512 MiB): one 1 MB string referenced a million times is a few bytes
/// of pickle but a terabyte of JSON. The real benchmark's strings add up to a few megabytes.
pub const DEFAULT_MAX_EXPANDED_BYTES: u64 = 1 << 29;

/// Most digits of a protocol-0 `INT`/`LONG` beyond 64 bits: the decimal to binary conversion is
/// quadratic in the digit count. 4300 is Python's own `sys.int_info.default_max_str_digits`, so
/// Python refuses such a pickle too.
pub const MAX_INT_DIGITS: usize = 4300;

/// Most steps (elements hashed or compared) spent on composite dict keys and set elements
/// (tuples, frozensets) in one pickle. Hashes of containers are computed once each, so hashing
/// is linear in the input; this bounds comparisons of equal-hashed keys, which a tuple that
/// shares itself at every level would make exponential. TransNAS-Bench keys are all strings.
pub const MAX_KEY_WORK: u64 = 1 << 22;

/// Largest input the reader accepts: values refer to the input by 31-bit offsets.
pub const HARD_MAX_INPUT: u64 = i32::MAX as u64;

/// The limits a parse runs under. [`Limits::default`] uses the `DEFAULT_*` constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// See [`DEFAULT_MAX_DEPTH`].
    pub max_depth: u32,
    /// See [`DEFAULT_MAX_NODES`]. Never more than 2^28 per kind of value, whatever is set here.
    pub max_nodes: u64,
    /// See [`DEFAULT_MAX_BUILT`].
    pub max_built: u64,
    /// See [`DEFAULT_MAX_MEMO`].
    pub max_memo: u64,
    /// See [`DEFAULT_MAX_STR_LEN`].
    pub max_str_len: u64,
    /// See [`DEFAULT_MAX_EXPANDED`].
    pub max_expanded: u64,
    /// See [`DEFAULT_MAX_EXPANDED_BYTES`].
    pub max_expanded_bytes: u64,
    /// See [`DEFAULT_MAX_STACK`].
    pub max_stack: u64,
    /// See [`DEFAULT_MAX_MARKS`].
    pub max_marks: u64,
    /// See [`DEFAULT_MAX_ITEMS`].
    pub max_items: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: DEFAULT_MAX_DEPTH,
            max_nodes: DEFAULT_MAX_NODES,
            max_built: DEFAULT_MAX_BUILT,
            max_memo: DEFAULT_MAX_MEMO,
            max_str_len: DEFAULT_MAX_STR_LEN,
            max_expanded: DEFAULT_MAX_EXPANDED,
            max_expanded_bytes: DEFAULT_MAX_EXPANDED_BYTES,
            max_stack: DEFAULT_MAX_STACK,
            max_marks: DEFAULT_MAX_MARKS,
            max_items: DEFAULT_MAX_ITEMS,
        }
    }
}
