//! The progress bar of the NB201 verbs that read a whole `.pth` (convert, dump, verify
//! --source): one bar over the reader's passes, in bytes, on a terminal only.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Inputs at least this large get a progress bar on a terminal (smaller ones finish before a bar
/// would be seen).
pub const PROGRESS_FROM: u64 = 8 << 20;

/// A bar over `passes` passes of a `size`-byte input, or nothing when stderr is not a terminal,
/// the input is small, or `quiet`.
pub struct Passes {
    bar: Option<ProgressBar>,
    size: u64,
    pass: u64,
}

impl Passes {
    /// A bar for `passes` passes over `size` bytes.
    pub fn new(size: u64, passes: u64, quiet: bool) -> Passes {
        let show = !quiet && std::io::stderr().is_terminal() && size >= PROGRESS_FROM;
        let bar = show.then(|| {
            let b = ProgressBar::new(size.saturating_mul(passes));
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} {msg:<22} [{bar:30}] {percent:>3}% {binary_bytes_per_sec} {elapsed}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            b.enable_steady_tick(Duration::from_millis(100));
            b
        });
        Passes { bar, size, pass: 0 }
    }

    /// Starts pass `pass` (0-based), named `what`.
    pub fn start(&mut self, pass: u64, what: &'static str) {
        self.pass = pass;
        if let Some(b) = &self.bar {
            b.set_message(what);
            b.set_position(self.size.saturating_mul(pass));
        }
    }

    /// A step that is not a pass over the input (writing, checking): the bar stays full.
    pub fn step(&mut self, what: &'static str) {
        if let Some(b) = &self.bar {
            b.set_message(what);
        }
    }

    /// The callback for the reader: `done` of `total` bytes of the current pass.
    pub fn update(&self, done: u64, total: u64) {
        if let Some(b) = &self.bar {
            // u128: bytes times bytes passes u64 for inputs of a few GB.
            let within = (u128::from(done.min(total)) * u128::from(self.size))
                .checked_div(u128::from(total))
                .unwrap_or(0) as u64;
            b.set_position(self.size.saturating_mul(self.pass) + within);
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl Drop for Passes {
    fn drop(&mut self) {
        self.finish();
    }
}
