//! Bounds of the streaming reader. Its memory is bounded by these, never by the number of
//! objects in the pickle: the memo keeps only ids a later get reads ([`DEFAULT_MAX_KEPT_BYTES`]),
//! one entry of the streamed dict is built at a time ([`DEFAULT_MAX_ENTRY_ITEMS`],
//! [`DEFAULT_MAX_ENTRY_BYTES`]), and the stack and marks are counted before they grow.

/// Largest object pickle read, in bytes (64 GiB). NAS-Bench-201 v1_1's is about 4.7 GB, NATS-Bench
/// tss's about 5.1 GB; the bound only makes a runaway input end.
pub const DEFAULT_MAX_PICKLE_SIZE: u64 = 64 << 30;

/// Largest memo id (exclusive) a `PUT` may name. Both passes keep a bit per id up to the largest
/// one stored (pass 1: "a later get reads it", pass 2: "stored"), so this bounds two bitmaps at
/// 2 × 2^31 bits = 512 MiB; NAS-Bench-201 v1_1 stores about 130 million ids (2 × 16 MB). Ids
/// are also only accepted densely (see the memo docs), so a few bytes cannot make a big bitmap.
pub const DEFAULT_MAX_MEMO_ID: u64 = 1 << 31;

/// Most bytes the memo may keep at once for ids that a later get reads (strings, numbers,
/// globals, and the containers shared within one entry), counted as the values' heap bytes plus
/// [`KEPT_OVERHEAD`] per entry: 1 GiB. An entry is dropped after its last read. NAS-Bench-201's
/// gets reach dataset names, field names, `'set@epoch'` key strings and the numpy dtype. The
/// same budget bounds pass 1's table of read counts (16 bytes per id read: 2.1 million ids in
/// NAS-Bench-201 v1_1, 2^26 at this default).
pub const DEFAULT_MAX_KEPT_BYTES: u64 = 1 << 30;

/// Bytes counted per kept memo entry on top of its value (the map slot and the value's header).
pub const KEPT_OVERHEAD: u64 = 64;

/// Most values on the machine's stack at once. A pickler puts at most one batch of 1000 items per
/// open container there; 2^20 leaves room for hand-made pickles while a flood of one-byte pushes
/// stays within about 40 MiB.
pub const DEFAULT_MAX_STACK: u64 = 1 << 20;

/// Most `MARK`s open at once (a pickler opens one per container under construction, so never
/// more than the nesting depth, 6 in NAS-Bench-201).
pub const DEFAULT_MAX_MARKS: u64 = 1 << 12;

/// Most values created for one entry of the streamed dict (or, outside it, between two entries;
/// or for the whole object when nothing is streamed). A NAS-Bench-201 v1_1 arch entry has about
/// 23 000; 2^23 (8.4 million, a few hundred MB of owned values) keeps one hostile entry from
/// exhausting memory. A memo get of a container counts its size again, since it is copied.
pub const DEFAULT_MAX_ENTRY_ITEMS: u64 = 1 << 23;

/// Most bytes of strings and bytes values created for one entry (as for
/// [`DEFAULT_MAX_ENTRY_ITEMS`]): 256 MiB. A NAS-Bench-201 arch entry has under 1 MB.
pub const DEFAULT_MAX_ENTRY_BYTES: u64 = 1 << 28;

/// Longest single string, bytes value or text-opcode line, in bytes (64 MiB).
pub const DEFAULT_MAX_STR_LEN: u64 = 1 << 26;

/// Deepest nesting of containers built (as the arena reader's `DEFAULT_MAX_DEPTH`: Python's
/// default recursion limit). Owned values are walked recursively (clone, compare, drop), so
/// every value's depth is counted as it is built. NAS-Bench-201 is 6 deep.
pub const DEFAULT_MAX_DEPTH: u32 = 1000;

/// The limits a streaming read runs under; [`StreamLimits::default`] uses the `DEFAULT_*`
/// constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamLimits {
    /// See [`DEFAULT_MAX_PICKLE_SIZE`].
    pub max_pickle_size: u64,
    /// See [`DEFAULT_MAX_MEMO_ID`].
    pub max_memo_id: u64,
    /// See [`DEFAULT_MAX_KEPT_BYTES`].
    pub max_kept_bytes: u64,
    /// See [`DEFAULT_MAX_STACK`].
    pub max_stack: u64,
    /// See [`DEFAULT_MAX_MARKS`].
    pub max_marks: u64,
    /// See [`DEFAULT_MAX_ENTRY_ITEMS`].
    pub max_entry_items: u64,
    /// See [`DEFAULT_MAX_ENTRY_BYTES`].
    pub max_entry_bytes: u64,
    /// See [`DEFAULT_MAX_STR_LEN`].
    pub max_str_len: u64,
    /// See [`DEFAULT_MAX_DEPTH`].
    pub max_depth: u32,
}

impl Default for StreamLimits {
    fn default() -> Self {
        StreamLimits {
            max_pickle_size: DEFAULT_MAX_PICKLE_SIZE,
            max_memo_id: DEFAULT_MAX_MEMO_ID,
            max_kept_bytes: DEFAULT_MAX_KEPT_BYTES,
            max_stack: DEFAULT_MAX_STACK,
            max_marks: DEFAULT_MAX_MARKS,
            max_entry_items: DEFAULT_MAX_ENTRY_ITEMS,
            max_entry_bytes: DEFAULT_MAX_ENTRY_BYTES,
            max_str_len: DEFAULT_MAX_STR_LEN,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}
