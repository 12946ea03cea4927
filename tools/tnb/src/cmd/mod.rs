//! One module per subcommand, each with its clap `Args` and a `run`.

pub mod bench;
pub mod convert;
pub mod dump;
pub mod info;
pub mod verify;
