//! The bodies of tnb's fuzz targets, shared with the regression test on stable.
//!
//! Each `fuzz_targets/<name>.rs` calls the function of the same name here; the main workspace's
//! `tests/fuzz_regressions.rs` includes the same file (`targets.rs`) and replays every committed
//! seed and regression input through it, so a plain `cargo test` runs exactly what the fuzzer
//! ran. The code lives in an included file rather than a library crate because the main
//! workspace cannot depend on this workspace's packages.
#![forbid(unsafe_code)]

include!("targets.rs");
