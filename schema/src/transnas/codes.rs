//! Small integer codes stored in the payload. Part of the format: never renumber.

/// `Column::Mixed` cell: `None`.
pub const CELL_NONE: u8 = 0;
/// `Column::Mixed` cell: `False`.
pub const CELL_FALSE: u8 = 1;
/// `Column::Mixed` cell: `True`.
pub const CELL_TRUE: u8 = 2;
/// `Column::Mixed` cell: an int, `bits` as i64.
pub const CELL_INT: u8 = 3;
/// `Column::Mixed` cell: a float, `bits` as f64 bits.
pub const CELL_FLOAT: u8 = 4;
/// `Column::Mixed` cell: a string, `bits` = `start << 32 | len` into the column's `bytes`.
pub const CELL_STR: u8 = 5;
/// `Column::Mixed` cell: any other value, `bits` = a generic node id.
pub const CELL_GENERIC: u8 = 6;

/// Generic node: `None`.
pub const NODE_NONE: u8 = 0;
/// Generic node: `False`.
pub const NODE_FALSE: u8 = 1;
/// Generic node: `True`.
pub const NODE_TRUE: u8 = 2;
/// Generic node: int, `start_or_value` as i64.
pub const NODE_INT: u8 = 3;
/// Generic node: float, `start_or_value` = f64 bits.
pub const NODE_FLOAT: u8 = 4;
/// Generic node: str, `bytes[start..start+len]` (`start_or_value`, `len_or_dtype`).
pub const NODE_STR: u8 = 5;
/// Generic node: bytes, `bytes[start..start+len]` (`start_or_value`, `len_or_dtype`).
pub const NODE_BYTES: u8 = 6;
/// Generic node: list, children `children[start..start+len]`.
pub const NODE_LIST: u8 = 7;
/// Generic node: tuple.
pub const NODE_TUPLE: u8 = 8;
/// Generic node: dict, children key, value, …
pub const NODE_DICT: u8 = 9;
/// Generic node: set.
pub const NODE_SET: u8 = 10;
/// Generic node: frozenset.
pub const NODE_FROZENSET: u8 = 11;
/// Generic node: the benchmark's `data` dict, rebuilt from the columns (one per archive).
pub const NODE_DATA: u8 = 12;
/// Generic node: a numpy scalar or tensor element, `start_or_value` = raw bits,
/// `len_or_dtype` = dtype code.
pub const NODE_SCALAR: u8 = 13;
/// Generic node: one dimension of a tensor, children `children[start..start+len]`; the dtype is in the
/// high byte: kind `NODE_TENSOR_BASE + dtype` (dtype codes below).
pub const NODE_TENSOR_BASE: u8 = 32;

/// numpy/torch element types (`NODE_SCALAR`'s `len_or_dtype`, and `NODE_TENSOR_BASE + code`), in this order:
/// bool, uint8, uint16, uint32, uint64, int8, int16, int32, int64, float16, bfloat16, float32,
/// float64.
pub const DTYPES: [&str; 13] = [
    "bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float16",
    "bfloat16", "float32", "float64",
];

/// `Layout::task_list`, `metrics_dict`, `info_names` of an archive that holds a plain object
/// (not a benchmark): there is no such node.
pub const NO_NODE: u32 = u32::MAX;

/// Layout items are `op << 24 | argument`.
pub mod item {
    /// Arch layout: the task with this index (argument), i.e. `data[space][arch][task]`.
    pub const TASK: u32 = 1;
    /// Any layout: the next extra entry of this arch (or result).
    pub const EXTRA: u32 = 2;
    /// Result layout: `total_epochs`.
    pub const TOTAL_EPOCHS: u32 = 3;
    /// Result layout: `model_info` opens; `INFO` and `EXTRA` items follow until `CLOSE`.
    pub const MODEL_INFO: u32 = 4;
    /// Result layout: the info name with this index.
    pub const INFO: u32 = 5;
    /// Result layout: `metrics` opens; `METRIC` and `EXTRA` items follow until `CLOSE`.
    pub const METRICS: u32 = 6;
    /// Result layout: the metric with this index (in the task's `metrics`).
    pub const METRIC: u32 = 7;
    /// Result layout: closes `model_info` or `metrics`.
    pub const CLOSE: u32 = 8;

    /// Packs an item.
    pub const fn make(op: u32, arg: u32) -> u32 {
        (op << 24) | (arg & 0x00ff_ffff)
    }

    /// Unpacks an item into `(op, argument)`.
    pub const fn split(item: u32) -> (u32, u32) {
        (item >> 24, item & 0x00ff_ffff)
    }
}

/// `Task::best` sentinel: the metric list is empty (`max()` raises ValueError).
pub const BEST_EMPTY: u32 = u32::MAX;
/// `Task::best` sentinel: the list holds values `>` cannot compare (TypeError).
pub const BEST_INCOMPARABLE: u32 = u32::MAX - 1;

/// `Task::ranking_status`: the ranking is valid.
pub const RANK_OK: u8 = 0;
/// `Task::ranking_status`: some arch's `max()` raises, so `get_best_archs` raises.
pub const RANK_BEST_FAILS: u8 = 1;
/// `Task::ranking_status`: the best values cannot be compared (`sorted` raises TypeError).
pub const RANK_INCOMPARABLE: u8 = 2;
