//! Fuzz target `pth_wrapped`: see `tnb_fuzz::pth_wrapped` (fuzz/src/targets.rs) for what it exercises and checks.
#![no_main]
#![forbid(unsafe_code)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tnb_fuzz::pth_wrapped(data));
