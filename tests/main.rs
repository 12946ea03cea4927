//! End-to-end tests of tnb: the real binaries on the fixtures in `data/`, cross-checks with plain
//! `python3`, and property tests over the whole pipeline. One binary, one module per concern.

mod common;
mod container;
mod convert;
mod dump;
mod faults;
mod fuzz_regressions;
mod io;
mod layout;
mod nats;
mod nb101;
mod nb201;
mod parity;
mod props;
mod props_api;
mod readme;
mod store;
mod synth;
