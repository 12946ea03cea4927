//! Fuzz target `nb101_record`: see `tnb_fuzz::nb101_record` (fuzz/src/targets.rs) for what it exercises and checks.
#![no_main]
#![forbid(unsafe_code)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tnb_fuzz::nb101_record(data));
