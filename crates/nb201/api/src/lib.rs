//! The official NAS-Bench-201 API (`nas_201_api` v2.1: `NASBench201API`, `ArchResults`,
//! `ResultsCount`) and NATS-Bench API (`nats_bench` v1.8, below) as Rust functions over any [`Source`] of NB201 data: the same values with
//! their Python types ([`Value`]: `np.float64` where the official code calls `np.mean`, Python
//! floats for single seeds, ints, `None`), the same checks in the same order, the same
//! exception classes and messages ([`ApiError`]: [`Exc`], message, `KeyError` key object).
//!
//! - Data: [`Source`] has one accessor per field the official code reads. [`StoreSource`]
//!   reads an NB201 archive (`tnb_nb201_store::Archive`); [`MemSource`] holds a loaded object
//!   (from an owned [`tnb_pickle::stream::Obj`], or a small file's bytes).
//! - `NASBench201API`: the methods of [`Nb201`] (`get_more_info`, `find_best`, ...), with
//!   `Option` for parameters that have a default, and the arguments as Python passed them
//!   ([`Arg`]). `ArchResults` / `ResultsCount` objects are references ([`ResultsRef`],
//!   [`RunRef`]) whose methods are `Nb201::ar_*` / `Nb201::rc_*`.
//! - By name: [`call`] (what `tnb batch` serves; draws refused), [`call_with`] (the caller's
//!   draws and printing), [`call_results`], [`call_run`]; [`events`] renders an answer as JSON
//!   events.
//! - Randomness is the caller's ([`Draw`]): `get_more_info(..., is_random=True)` asks for one
//!   `random.choice(sorted seeds)`, `ArchResults.get_metrics(..., is_random=True)` for one
//!   `random.randint(0, n - 1)`, `random()` for `random.randint(0, len - 1)`, each where the
//!   official code draws, so a binding calling Python's `random` there replays a seeded script.
//! - Sums: `np.mean` / `np.sum` are numpy's pairwise summation ([`np_mean`], [`np_sum`]);
//!   the built-in `sum` (the `all_time`s, latency averages) is the interpreter's ([`PySum`]:
//!   plain before Python 3.12, Neumaier-compensated for floats from 3.12).
//! - State that belongs to the Python object (`used_time`, `clear_params`, `find_best`'s
//!   cache) lives in a [`Session`]; nothing is ever written to the source.
//! - Printing: with `verbose`, the lines the official methods print (nested calls included)
//!   go to [`Io::print`].
//!
//! NATS-Bench (`nats_bench` v1.8: `NATStopology`, `NATSsize`) is the same data layout with
//! other hp keys and a revised class: [`Nb201::nats`] (a [`Dialect::Nats`] with its
//! [`Space`], `fast_mode` and `archive_dir`) gives its semantics over the same sources
//! ([`MemSource::from_nats_obj`] / [`MemSource::from_nats_folder`], [`StoreSource`] of a v2
//! archive of family 2 or 3), and [`call`] serves its methods ([`NATS_METHODS`]). What differs
//! (nats-layout.md section 7): `arch` raises `ValueError`; `_prepare_info` runs first in most
//! queries (in tnb every arch of the source is there from the start, so it only raises what
//! the official code raises for an arch the source lacks); "Call ..." lines start with
//! `time_string()`; `get_more_info` adds `comment`; averages are Python's `sum(x) / len(x)`;
//! `get_compute_costs` keeps seed 888's flops/params when the seeds disagree;
//! `ResultsCount.get_train/get_eval` raise `ValueError` (`judge_valid`, missing eval time);
//! `simulate_train_eval` takes `iepoch` and draws twice in its `valtest` fallback; `find_best`
//! takes `enforce_all`; `query_info_str_by_arch` and `clear_params` warn
//! ([`Session::warnings`]) where NAS-Bench-201 printed or raised; `get_unique_str`, the
//! properties and `reset_*` are new; `ArchResults.show` is gone.
//!
//! Upstream quirks kept: `query_info_str_by_arch` with an unknown hp and `get_net_config` of
//! an arch not loaded raise `NameError`, `ArchResults.show()` too, `show(-1)` raises
//! `KeyError(-1)`, `simulate_train_eval` takes the latency at the default hp, `find_best` with
//! no result raises `AssertionError` when verbose. Not reproduced: `reload` (it reads the
//! per-arch archive files), `avaliable_hps`' order (a Python `set`'s, the binding's to make),
//! `str2structure` callables (the binding applies them to `get_config`'s string), and numpy's
//! `UFuncTypeError` subclass (`find_best` with a str limit raises `TypeError` with numpy 2's
//! message).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api;
mod call;
mod dialect;
mod draw;
mod error;
mod mem;
mod num;
mod objects;
mod results;
mod run;
mod source;
mod store;
mod text;
mod value;

pub use api::{
    DATASETS, FindBestCache, Io, MAX_CACHED_RANKINGS, Nb201, OPS, Session, remap_dataset_set_names,
    str2lists, str2matrix,
};
pub use call::{
    CLASS, METHODS, NATS_METHODS, NO_RANDOM, RESULTS_METHODS, RUN_METHODS, call, call_results,
    call_run, call_with, events,
};
pub use dialect::{Dialect, Nats, Space};
pub use draw::{Draw, FnDraw, NO_DRAW, NoDraw};
pub use error::{ApiError, KeyObj, MAX_KEYS_MESSAGE};
pub use mem::{MemResultsRef, MemRunRef, MemSource, obj_from_file_bytes, obj_from_pbz2_bytes};
pub use num::{PySum, add, div, lt, np_mean, np_mean_sum, np_sum, pairwise, py_sum};
pub use objects::{ARCH_RESULTS_ATTRS, RESULTS_COUNT_ATTRS};
pub use source::{Hp, MAX_HP_LEN, Num, Scalar, Source, Table, TableKey, TableKind};
pub use store::StoreSource;
pub use tnb_pycall::{Arg, Exc, Shown};
pub use value::{ResultsRef, RunRef, Value};
