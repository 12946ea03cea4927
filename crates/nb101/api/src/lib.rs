//! The official `nasbench.api.NASBench` semantics (google-research/nasbench, `api.py`) over a
//! NAS-Bench-101 archive: [`NasBench`]'s methods check in the official order, raise the same
//! exception classes with the same messages ([`ApiError`], [`Class`]), return the values Python
//! returns ([`Value`]: dict key order, `int8` adjacency arrays, int epochs keys, a `set`'s
//! iteration order for `valid_epochs`), make the one `random.randint(0, 2)` per `query` where
//! Python makes it ([`Draw`]; [`PyRandom`] is CPython's generator, seeded as
//! `NASBench(f, seed=S)` seeds it), and keep the budget counters.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod call;
mod config;
mod draw;
mod error;
mod glue;
mod mem;
mod nasbench;
mod pyset;
mod random;
mod source;
mod store;
mod value;

pub use call::{ATTRIBUTES, CLASS, MAX_SPECS, METHODS, call, spec_arg, truthy};
pub use config::{CONFIG, Flag, NUM_REPEATS, config_value};
pub use draw::{Draw, Fixed, NO_DRAW, NoDraw};
pub use error::{ApiError, Class};
pub use glue::{Spec, check_error, refused, spec_error};
pub use mem::{MemRecord, MemSource};
pub use nasbench::{DATA_KEYS, Data, Epochs, EpochsArg, NasBench, RUN_KEYS, hex, parse_hex};
pub use pyset::{MAX_SET_LEN, int_hash, set_order, set_str};
pub use random::PyRandom;
pub use source::{Budget, Run, Source};
pub use store::StoreSource;
pub use tnb_pycall::{Arg, Exc, Shown};
pub use value::Value;
