//! Bounds on what a pickle may make the reader build.
//!
//! Every structure the reader allocates grows at most linearly with the input (each opcode byte
//! creates at most one value of bounded size), so the limits below are about refusing absurd
//! inputs early and about protecting the *consumers* of the result: a recursive walk needs a
//! bounded depth, and a JSON dump of a DAG whose nodes are shared many times over needs a bounded
//! expanded size (the "billion laughs" shape: a list holding the same list twice, 64 levels deep).

/// Deepest nesting of containers in the result. 1000 is Python's default recursion limit, so
/// anything deeper would not survive `json.dumps` either; TransNAS-Bench files are 6 deep.
pub const DEFAULT_MAX_DEPTH: u32 = 1000;

/// Most values (of every kind, shared or not) a pickle may create. The real benchmark file
/// creates about 13 million; 2^26 (67 million) leaves room for bigger benchmarks while keeping the
/// arena under about 1.5 GB for any input.
pub const DEFAULT_MAX_NODES: u64 = 1 << 26;

/// Most memo entries. The real file stores about 700 000.
pub const DEFAULT_MAX_MEMO: u64 = 1 << 26;

/// Longest single string or bytes value, in bytes.
pub const DEFAULT_MAX_STR_LEN: u64 = 1 << 28;

/// Most values the result holds when every shared reference is counted each time it is reached,
/// i.e. the size of a tree walk such as a JSON dump (268 million: a walk of that many values
/// takes seconds; the real benchmark walks about 13 million).
pub const DEFAULT_MAX_EXPANDED: u64 = 1 << 28;

/// Largest input the reader accepts: values refer to the input by 31-bit offsets.
pub const HARD_MAX_INPUT: u64 = i32::MAX as u64;

/// The limits a parse runs under. [`Limits::default`] uses the `DEFAULT_*` constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// See [`DEFAULT_MAX_DEPTH`].
    pub max_depth: u32,
    /// See [`DEFAULT_MAX_NODES`]. Never more than 2^28 per kind of value, whatever is set here.
    pub max_nodes: u64,
    /// See [`DEFAULT_MAX_MEMO`].
    pub max_memo: u64,
    /// See [`DEFAULT_MAX_STR_LEN`].
    pub max_str_len: u64,
    /// See [`DEFAULT_MAX_EXPANDED`].
    pub max_expanded: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: DEFAULT_MAX_DEPTH,
            max_nodes: DEFAULT_MAX_NODES,
            max_memo: DEFAULT_MAX_MEMO,
            max_str_len: DEFAULT_MAX_STR_LEN,
            max_expanded: DEFAULT_MAX_EXPANDED,
        }
    }
}
