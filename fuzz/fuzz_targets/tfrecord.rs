//! Fuzz target `tfrecord`: see `tnb_fuzz::tfrecord` (fuzz/src/targets.rs) for what it exercises and checks.
#![no_main]
#![forbid(unsafe_code)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tnb_fuzz::tfrecord(data));
