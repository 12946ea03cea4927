//! Unit tests of the NATS look-alikes (the comparison with the real samples is in
//! tests/files.rs).
