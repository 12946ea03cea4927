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

/// Longest error line printed, in characters: a message quoting input (a 200 KB global name,
/// a key) is cut in the middle, keeping its start (what and where) and its end (the limit or
/// the reason).
const MAX_ERROR_CHARS: usize = 600;

/// Characters kept from the end of a message that is cut.
const KEEP_END: usize = 160;

/// Ends the program for an argument error of clap: help and version go to stdout with exit 0;
/// usage errors are one `PROGRAM: error: ...` line like every other error, exit 2 (clap's own
/// rendering spans several lines and would print control characters from the arguments).
pub fn usage(e: &clap::Error, program: &str) -> ExitCode {
    if !e.use_stderr() {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    // The message is the text before clap's "Usage:" section.
    let text = e.render().to_string();
    let message = text.split("\nUsage:").next().unwrap_or("bad usage");
    let message = message.trim_start().strip_prefix("error: ").unwrap_or(message);
    // clap ends some messages with its own pointer to the help; this line has one already.
    let message = message.split("\n\nFor more information").next().unwrap_or(message).trim_end();
    eprintln!("{program}: error: {} (see '{program} --help')", one_line(message));
    ExitCode::from(2)
}

/// Errors are one line whatever their source says, free of control characters (bytes from the
/// input must not reach the terminal as escape sequences: they are shown as `\u{1b}`, by the
/// rule every human-readable output follows, `crate::shown`), and at most [`MAX_ERROR_CHARS`]
/// long.
fn one_line(m: &str) -> String {
    let mut out = String::with_capacity(m.len().min(MAX_ERROR_CHARS + 64));
    let mut space = false;
    for c in m.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        crate::shown::push(&mut out, c);
    }
    let n = out.chars().count();
    if n <= MAX_ERROR_CHARS {
        return out;
    }
    let head: String = out.chars().take(MAX_ERROR_CHARS - KEEP_END).collect();
    let tail: String = out.chars().skip(n - KEEP_END).collect();
    format!("{head} [... {} characters cut ...] {tail}", n - MAX_ERROR_CHARS)
}
