//! The small integer codes stored in an NB201 payload (FORMAT-NB201.md, "Codes").

/// Series of one run, in this order (`series` row `run * SERIES_PER_RUN + SER_*`).
pub const SERIES_PER_RUN: usize = 8;
/// `train_acc1es`.
pub const SER_TRAIN_ACC1: usize = 0;
/// `train_acc5es`.
pub const SER_TRAIN_ACC5: usize = 1;
/// `train_losses`.
pub const SER_TRAIN_LOSS: usize = 2;
/// `train_times`.
pub const SER_TRAIN_TIME: usize = 3;
/// `eval_acc1es`.
pub const SER_EVAL_ACC1: usize = 4;
/// `eval_times`.
pub const SER_EVAL_TIME: usize = 5;
/// `eval_losses`.
pub const SER_EVAL_LOSS: usize = 6;
/// `latency`.
pub const SER_LATENCY: usize = 7;

/// The 16 keys of a ResultsCount state, in the order the archive reproduces them.
pub const RESULT_KEYS: [&str; 16] = [
    "name",
    "train_acc1es",
    "train_acc5es",
    "train_losses",
    "train_times",
    "arch_config",
    "params",
    "flop",
    "seed",
    "epochs",
    "latency",
    "eval_names",
    "eval_acc1es",
    "eval_times",
    "eval_losses",
    "net_state_dict",
];

/// The 5 keys of an ArchResults state, in order.
pub const ARCH_KEYS: [&str; 5] =
    ["arch_index", "arch_str", "all_results", "dataset_seed", "clear_net_done"];

/// The 4 keys of NAS-Bench-201's (and NATS-Bench tss's) `arch_config`, in order. The archive
/// holds any `arch_config` dict of str keys and str or number values (NATS-Bench sss has
/// `name, channels, arch_str, genotype, class_num`).
pub const CONFIG_KEYS: [&str; 4] = ["channel", "num_cells", "arch_str", "class_num"];

/// `arch_config` value type: a str (the value is its pool id). Number values use the `T_*`
/// number codes.
pub const T_STR: u8 = 0x40;

/// `Nb201::form`: the archive holds one object (a NAS-Bench-201 `.pth`, a NATS-Bench single
/// `.pickle.pbz2`).
pub const SOURCE_OBJECT: u32 = 0;
/// `Nb201::form`: the archive holds a NATS-Bench `-simple` folder (the top is
/// `meta.pickle.pbz2`'s object, the entries are the `{index:06d}.pickle.pbz2` files).
pub const SOURCE_FOLDER: u32 = 1;

/// The hp keys of a NAS-Bench-201 entry dict (either order).
pub const NB201_HPS: [&str; 2] = ["full", "less"];

/// Series container: `None`.
pub const FORM_NONE: u8 = 0;
/// Series container: a `dict`.
pub const FORM_DICT: u8 = 1;
/// Series container: a `collections.OrderedDict`.
pub const FORM_ODICT: u8 = 2;
/// Series container: a `list`.
pub const FORM_LIST: u8 = 3;
/// Mask of the container bits of `Series::form`.
pub const FORM_MASK: u8 = 3;
/// Storage bit of `Series::form`: values are `len` consecutive cells.
pub const STORE_RAW: u8 = 0;
/// Storage bit of `Series::form`: values are run-length pairs `(end, bits)`.
pub const STORE_RLE: u8 = 4;

/// Most run-length pairs a series may have (bounds `get` to a few comparisons).
pub const MAX_RLE_PAIRS: u64 = 8;

/// Number type: a Python `float` (bits: IEEE binary64).
pub const T_FLOAT: u8 = 0;
/// Number type: a Python `int` (bits: i64 two's complement).
pub const T_INT: u8 = 1;
/// Number type: a Python `bool` (bits: 0 or 1).
pub const T_BOOL: u8 = 2;
/// Number type: a numpy scalar of dtype `tnb_pickle::Dtype::ALL[code - T_NUMPY]` (bits as
/// `tnb_pickle::Scalar::bits`). `np.float64` is `T_NUMPY + 12`.
pub const T_NUMPY: u8 = 0x10;
/// `np.float64`'s type code.
pub const T_NP_F64: u8 = T_NUMPY + 12;
/// Number of numpy dtype codes (`T_NUMPY..T_NUMPY + 13`).
pub const NUMPY_DTYPES: u8 = 13;
/// Series type: each value's code is in `mixed_types`.
pub const T_MIXED: u8 = 0xff;

/// Keyset flag: keys are pool ids of strs (else ints).
pub const KS_STR: u8 = 1;
/// Keyset flag: int keys `0, 1, …, len-1` in this order (`get(k)` is position `k`).
pub const KS_DENSE: u8 = 2;

/// Entry flag: the entry's hp dict is an OrderedDict (every other bit is reserved, zero).
pub const ENTRY_ODICT: u8 = 1;

/// ArchResults flag: `clear_net_done` is True.
pub const AR_CLEAR: u8 = 1;
/// ArchResults flag: the state dict is an OrderedDict.
pub const AR_ODICT: u8 = 2;
/// ArchResults flag: `all_results` is an OrderedDict.
pub const AR_RESULTS_ODICT: u8 = 4;
/// ArchResults flag: `dataset_seed` is an OrderedDict.
pub const AR_DS_ODICT: u8 = 8;

/// Run flag: the state dict is an OrderedDict.
pub const RUN_ODICT: u8 = 1;
/// Run flag: `arch_config` is an OrderedDict.
pub const RUN_CONFIG_ODICT: u8 = 2;

/// Generic node: `None`.
pub const NODE_NONE: u8 = 0;
/// Generic node: `False`.
pub const NODE_FALSE: u8 = 1;
/// Generic node: `True`.
pub const NODE_TRUE: u8 = 2;
/// Generic node: an int (`a`: i64 bits).
pub const NODE_INT: u8 = 3;
/// Generic node: a float (`a`: bits).
pub const NODE_FLOAT: u8 = 4;
/// Generic node: a numpy scalar (`a`: bits, `b`: dtype index into `tnb_pickle::Dtype::ALL`).
pub const NODE_SCALAR: u8 = 5;
/// Generic node: a str (`bytes[a..a+b]`).
pub const NODE_STR: u8 = 6;
/// Generic node: a bytes (`bytes[a..a+b]`).
pub const NODE_BYTES: u8 = 7;
/// Generic node: an int beyond 64 bits (`bytes[a..a+b]`, little-endian two's complement).
pub const NODE_BIGINT: u8 = 8;
/// Generic node: a tuple (`children[a..a+b]`).
pub const NODE_TUPLE: u8 = 9;
/// Generic node: a list.
pub const NODE_LIST: u8 = 10;
/// Generic node: a dict (children key, value, …; `b` even).
pub const NODE_DICT: u8 = 11;
/// Generic node: an OrderedDict.
pub const NODE_ODICT: u8 = 12;
/// Generic node: `meta_archs` (a list of the `meta_archs` strings).
pub const NODE_META_ARCHS: u8 = 13;
/// Generic node: `arch2infos` (`a`: 1 if an OrderedDict, else 0).
pub const NODE_ARCH2INFOS: u8 = 14;
/// Generic node: `evaluated_indexes` (the `evaluated` ints: a list if `a == 0`, a set if
/// `a == 1`).
pub const NODE_EVALUATED: u8 = 15;
/// Generic node: a set (children, in the pickle's order).
pub const NODE_SET: u8 = 16;
/// Generic node: a frozenset (children, in the pickle's order).
pub const NODE_FROZENSET: u8 = 17;
