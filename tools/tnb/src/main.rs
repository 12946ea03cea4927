#![forbid(unsafe_code)]
//! `tnb`: inspect, convert, query and verify TransNAS-Bench-101 files.
fn main() {}
