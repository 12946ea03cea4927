//! The official NAS-Bench-201 API (`nas_201_api` v2.1: `NASBench201API`, `ArchResults`,
//! `ResultsCount`) as Rust functions over any [`Source`] of NB201 data.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api;
mod call;
mod draw;
mod error;
mod mem;
mod num;
mod objects;
mod results;
mod run;
mod source;
mod text;
mod value;

pub use api::{DATASETS, Io, Nb201, OPS, Session, remap_dataset_set_names, str2lists, str2matrix};
pub use call::{
    CLASS, METHODS, NO_RANDOM, RESULTS_METHODS, RUN_METHODS, call, call_results, call_run,
    call_with, events,
};
pub use draw::{Draw, FnDraw, NO_DRAW, NoDraw};
pub use error::{ApiError, KeyObj};
pub use mem::{MemResultsRef, MemRunRef, MemSource};
pub use num::{PySum, add, div, lt, np_mean, np_sum, pairwise, py_sum};
pub use objects::{ARCH_RESULTS_ATTRS, RESULTS_COUNT_ATTRS};
pub use source::{Hp, Num, Scalar, Source, Table, TableKey, TableKind};
pub use tnb_pycall::{Arg, Exc, Shown};
pub use value::{ResultsRef, RunRef, Value};
