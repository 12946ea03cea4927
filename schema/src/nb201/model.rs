//! The archived types of an NB201 archive's rkyv root (see `schema/FORMAT-NB201.md`, which says
//! the same field by field with byte positions).
//!
//! Everything is a flat column (struct of arrays) so that rkyv's validation at open costs
//! microseconds whatever the archive's size; the per-epoch numbers are not here at all but in the
//! payload's raw cell section, addressed by u64 cell indexes (`Series::at`). Conventions: `E`
//! arch2infos entries, `A` ArchResults records (entry `e`'s hp items are records
//! `entry_recs[e]..entry_recs[e+1]`; NAS-Bench-201 has two per entry), `R` runs (ResultsCount states), `S = R × SERIES_PER_RUN` series.
//!
//! Every index stored here is untrusted when an archive is read: the store checks the table
//! lengths at open and every index where it is used, so a crafted archive can make a query fail
//! but never panic.

use rkyv::{Archive, Serialize};

/// The payload's rkyv root.
#[derive(Archive, Serialize, Debug, Default, Clone, PartialEq)]
pub struct Nb201 {
    /// The string pool: `P + 1` offsets into `str_bytes`; string `i` is
    /// `str_bytes[str_offsets[i]..str_offsets[i+1]]` (UTF-8). Every string of the object except
    /// those of generic nodes lives here once, deduplicated.
    pub str_offsets: Vec<u32>,
    /// The pool's bytes.
    pub str_bytes: Vec<u8>,
    /// Open-addressing table string → pool id: a power-of-two number of slots, each `0` (empty)
    /// or `id + 1`, probed linearly from `str_hash(s) & (len - 1)`.
    pub str_slots: Vec<u32>,
    /// `meta_archs`, in order: pool ids.
    pub meta_archs: Vec<u32>,
    /// Open-addressing table arch string → `meta_archs` index (`0` empty or `index + 1`),
    /// probed like `str_slots` (the converter refuses duplicate arch strings).
    pub meta_slots: Vec<u32>,
    /// `evaluated_indexes`, in source order.
    pub evaluated: Vec<i64>,
    /// The top-level object and any value outside the modelled tables.
    pub generic: Generic,
    /// Generic node id of the top-level object.
    pub top: u32,
    /// What the archive was converted from (`codes::FORM_*_SOURCE`): one object (`0`: a NB201
    /// `.pth`, a NATS single file), or a NATS `-simple` folder (`1`: the top is the meta file's
    /// object, the entries are the per-arch files).
    pub form: u32,
    /// Per arch2infos entry (insertion order): its int key.
    pub entry_keys: Vec<i64>,
    /// Per entry: `codes::ENTRY_*` flags.
    pub entry_flags: Vec<u8>,
    /// Dense table key → entry: `key_slots[k]` is `0` (no entry) or `entry + 1`.
    pub key_slots: Vec<u32>,
    /// `E + 1` offsets into the ArchResults records: entry `e`'s dict items (hp → ArchResults)
    /// are records `entry_recs[e]..entry_recs[e+1]`, in the dict's order.
    pub entry_recs: Vec<u32>,
    /// Per ArchResults record: its hp key in the entry dict (pool id: `'full'`/`'less'` for
    /// NAS-Bench-201, `'12'`, `'200'`, `'01'`, `'90'` for NATS-Bench).
    pub rec_hp: Vec<u32>,
    /// Per ArchResults record: `arch_index`.
    pub ar_index: Vec<i64>,
    /// Per record: `arch_str` (pool id).
    pub ar_str: Vec<u32>,
    /// Per record: `codes::AR_*` flags.
    pub ar_flags: Vec<u8>,
    /// `A + 1` offsets into the runs: record `a`'s `all_results` items are runs
    /// `ar_runs[a]..ar_runs[a+1]`, in insertion order.
    pub ar_runs: Vec<u32>,
    /// `A + 1` offsets into the `ds_*` columns: record `a`'s `dataset_seed` items.
    pub ar_datasets: Vec<u32>,
    /// Per `dataset_seed` item: its key (pool id).
    pub ds_name: Vec<u32>,
    /// `D + 1` offsets into `seeds`: item `d`'s seed list.
    pub ds_seeds: Vec<u32>,
    /// The seed lists' ints, concatenated.
    pub seeds: Vec<i64>,
    /// Per run: the dataset string of its `all_results` key (pool id).
    pub run_dataset: Vec<u32>,
    /// Per run: the seed int of its `all_results` key.
    pub run_seed: Vec<i64>,
    /// Per run: `name` (pool id).
    pub run_name: Vec<u32>,
    /// Per run: `seed` (the string, pool id).
    pub run_seed_str: Vec<u32>,
    /// Per run: `epochs`.
    pub run_epochs: Vec<i64>,
    /// Per run: `codes::RUN_*` flags.
    pub run_flags: Vec<u8>,
    /// Per run: `params`' type code (`codes::T_*`).
    pub run_params_type: Vec<u8>,
    /// Per run: `params`' bits.
    pub run_params: Vec<u64>,
    /// Per run: `flop`'s type code.
    pub run_flop_type: Vec<u8>,
    /// Per run: `flop`'s bits.
    pub run_flop: Vec<u64>,
    /// `R + 1` offsets into the `config_*` columns: run `r`'s `arch_config` items, in order.
    pub run_config: Vec<u32>,
    /// Per `arch_config` item: its str key (pool id).
    pub config_keys: Vec<u32>,
    /// Per `arch_config` item: its value's type (`codes::T_*` number codes, or `codes::T_STR`).
    pub config_types: Vec<u8>,
    /// Per `arch_config` item: the number's bits, or the str's pool id.
    pub config_vals: Vec<u64>,
    /// `R + 1` offsets into `eval_names`.
    pub run_eval_names: Vec<u32>,
    /// `eval_names` lists' strings (pool ids), concatenated.
    pub eval_names: Vec<u32>,
    /// The series, `SERIES_PER_RUN` per run in `codes::SER_*` order.
    pub series: Series,
    /// Key lists shared by the series' dicts.
    pub keysets: Keysets,
    /// Per-value type codes of series whose values have mixed types (`codes::T_MIXED`).
    pub mixed_types: Vec<u8>,
}

/// The number series (per-epoch dicts and the latency list), one row per series.
#[derive(Archive, Serialize, Debug, Default, Clone, PartialEq)]
pub struct Series {
    /// `codes::FORM_*` container | `codes::STORE_*` storage.
    pub form: Vec<u8>,
    /// Type code of every value (`codes::T_*`), or `codes::T_MIXED`.
    pub ty: Vec<u8>,
    /// Dicts: keyset id; lists: the length; `None`: 0.
    pub keys: Vec<u32>,
    /// `STORE_RAW`: first cell index of the values; `STORE_RLE`: first cell of the
    /// `(end, bits)` pairs.
    pub at: Vec<u64>,
    /// `STORE_RLE`: number of pairs; `T_MIXED`: offset into `mixed_types`; else 0.
    pub aux: Vec<u64>,
}

/// Deduplicated dict key lists: keyset `k` is `items[start[k]..start[k+1]]`, int keys or pool
/// ids of str keys (`codes::KS_STR`).
#[derive(Archive, Serialize, Debug, Default, Clone, PartialEq)]
pub struct Keysets {
    /// `K + 1` offsets into `items` (and `sorted`).
    pub start: Vec<u64>,
    /// Per keyset: `codes::KS_*` flags.
    pub flags: Vec<u8>,
    /// The keys: ints, or pool ids.
    pub items: Vec<i64>,
    /// Per keyset, the positions `0..len` ordered by key value (ascending): for `get` by
    /// binary search.
    pub sorted: Vec<u32>,
}

/// A small tree of arbitrary values (the top level, `total_archs`, extra top-level keys),
/// struct of arrays. Node `i` has kind `kinds[i]` (`codes::NODE_*`); containers list their
/// children in `children[a[i]..a[i]+b[i]]` (dicts: key, value, …), strings and bytes are
/// `bytes[a[i]..a[i]+b[i]]`, numbers keep their bits in `a[i]` (and a numpy scalar its dtype
/// code in `b[i]`). Children have smaller ids than their parent and every node has at most
/// one parent: the nodes form a forest, checked at open.
#[derive(Archive, Serialize, Debug, Default, Clone, PartialEq)]
pub struct Generic {
    /// Kind of each node.
    pub kinds: Vec<u8>,
    /// First payload of each node.
    pub a: Vec<u64>,
    /// Second payload of each node.
    pub b: Vec<u64>,
    /// Child node ids of containers.
    pub children: Vec<u32>,
    /// String and bytes contents.
    pub bytes: Vec<u8>,
}
