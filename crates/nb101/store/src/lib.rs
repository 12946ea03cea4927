//! The NAS-Bench-101 archive: its writer and its memory-mapped, zero-copy reader (hash and spec lookups in constant time).
#![forbid(unsafe_code)]
