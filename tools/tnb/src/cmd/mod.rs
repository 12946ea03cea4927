//! One module per subcommand, each with its clap `Args` and a `run`.

pub mod dump;
pub mod bench;
