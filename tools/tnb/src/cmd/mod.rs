//! One module per subcommand, each with its clap `Args` and a `run`.

pub mod batch;
pub mod bench;
pub mod bench_archive;
pub mod best;
pub mod convert;
pub mod dump;
pub mod info;
pub mod show;
pub mod verify;
