//! How commands fail: a one-line message and an exit code.

use std::fmt;
use std::io;
use std::process::ExitCode;

/// A command's failure.
#[derive(Debug)]
pub enum Fail {
    /// Bad usage or bad input: exit 2.
    Input(String),
    /// A check failed (e.g. `verify` found a mismatch): exit 1.
    #[allow(dead_code)] // not every binary of the package uses it
    Check(String),
    /// stdout was closed by the reader (e.g. `| head`): not an error, exit 0.
    ClosedPipe,
}

impl Fail {
    /// Bad input, with a message.
    #[allow(dead_code)]
    pub fn input(msg: impl fmt::Display) -> Fail {
        Fail::Input(msg.to_string())
    }
}

impl From<io::Error> for Fail {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Fail::ClosedPipe
        } else {
            Fail::Input(format!("write error: {e}"))
        }
    }
}

/// Turns a command's result into the process exit code, printing the error line.
pub fn exit(r: Result<(), Fail>) -> ExitCode {
    match r {
        Ok(()) | Err(Fail::ClosedPipe) => ExitCode::SUCCESS,
        Err(Fail::Input(m)) => {
            eprintln!("tnb: error: {}", one_line(&m));
            ExitCode::from(2)
        }
        Err(Fail::Check(m)) => {
            eprintln!("tnb: check failed: {}", one_line(&m));
            ExitCode::from(1)
        }
    }
}

/// Errors are one line whatever their source says.
fn one_line(m: &str) -> String {
    m.split_whitespace().collect::<Vec<_>>().join(" ")
}
