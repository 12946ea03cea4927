//! Converts NAS-Bench-101 TFRecord files into archives without executing anything, streaming, and compares an archive with its source.
#![forbid(unsafe_code)]
