//! The part of `nb101` that `tnb-convert` builds (the rest serves `tnb`'s other verbs).

#[path = "convert.rs"]
pub mod convert;
// Only the source side of the detection: archives are not converted.
#[allow(dead_code)]
#[path = "detect.rs"]
pub mod detect;

pub use detect::is_tfrecord;

/// The family's name as the tools print it.
pub const NAME: &str = "NAS-Bench-101";
