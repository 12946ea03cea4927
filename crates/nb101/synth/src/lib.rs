//! Writes NAS-Bench-101-shaped TFRecord files (only108 and full) at any size, with TensorFlow's exact framing.
#![forbid(unsafe_code)]
