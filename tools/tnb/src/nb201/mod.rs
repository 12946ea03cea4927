//! NAS-Bench-201 in the command line: each verb's NB201 side, kept apart from the TransNAS code
//! in `cmd/`. The verbs in `cmd/` look at the content ([`detect`]) and hand NB201 files here.

pub mod detect;
pub mod json;
pub mod progress;

/// The family's name as the tools print it.
pub const NAME: &str = "NAS-Bench-201";
