//! Generates files shaped exactly like TransNAS-Bench-101's `transnas-bench_v10141024.pth`, at
//! full size, deterministically, in about a second.
//!
//! The real file is a `torch.save`d dict (about 120 MB) that we cannot ship. This crate writes a
//! look-alike: the same top-level keys in the same order, the real task list, metric names,
//! info names and epoch counts, all 7352 real architecture strings in the real order (from
//! `tnb-arch`), the same sharing of string objects (so the pickle has the same kinds of memo
//! gets), and values that behave like training results (see `model.rs`): float32-exact floats,
//! accuracies that rise and losses that fall with noise, `*_neg_loss == -*_loss`, held-out splits
//! a little worse than training, cumulative `time_elapsed`, and sizes and inference times that
//! grow with the architecture. The bytes come from `tnb-pthwrite`, which writes what CPython's
//! pickler and torch 2.x write.
//!
//! # Usage
//!
//! ```text
//! cargo build --release -p tnb-synth-cli
//! target/release/tnb-synth transnas-bench_v10141024.pth          # full size, torch zip
//! target/release/tnb-synth --legacy legacy.pth                   # legacy torch format
//! target/release/tnb-synth --archs 40 --tasks 3 --epochs 4 small.pth
//! target/release/tnb-synth --time-elapsed float --info empty --seed 7 variant.pth
//! target/release/tnb-synth --folder archive out.pth              # zip folder as for a buffer
//! ```
//!
//! Options:
//! - `--archs N` (default 7352): how many architectures, 2 to 7352. Both spaces are kept,
//!   macro first: the macro space gets `round(N * 3256 / 7352)` (at least 1, and at least one
//!   left for micro), the micro space the rest; within a space the archs are spread evenly over
//!   the file order, first and last included (`i * (n_space - 1) / (k - 1)`, rounded).
//! - `--seed S` (default [`DEFAULT_SEED`]): same seed, same bytes; each architecture's values
//!   depend only on the seed, its global index and the task, so subsets agree with the full file.
//! - `--legacy`: torch's legacy format instead of the zip.
//! - `--time-elapsed string|float` (default `string`): cumulative `"HH:MM:SS"` strings (hours
//!   zero-padded to at least two digits) or cumulative seconds as floats.
//! - `--info numbers|empty` (default `numbers`): `inference_time` is always a float in seconds
//!   (3 to 250 ms); the four size infos are ints, or with `empty` the string `""` for every
//!   architecture (the reference leaves their type open).
//! - `--tasks K` (default 7): only the first K tasks of the task list.
//! - `--epochs E`: cap every task's epoch count at E (`total_epochs` follows).
//! - `--folder NAME`: the zip's folder; by default the output file's stem, as torch names it.
//!
//! The file is written atomically (temporary file in the same folder, fsync, rename). A progress
//! bar appears when stderr is a terminal; a one-line summary ends the run.
//!
//! # Library
//!
//! ```
//! use tnb_synth::{Options, Synth, Container};
//!
//! let synth = Synth::new(Options { archs: 4, tasks: 2, epochs: Some(3), ..Options::default() })?;
//! assert_eq!(synth.arch_names().collect::<Vec<_>>(),
//!            ["64-4111-basic", "64-113444-basic", "64-41414-0_00_000", "64-41414-3_33_333"]);
//! let file = synth.file_bytes(&Container::Zip { folder: "small".into() })?;
//! assert!(file.starts_with(b"PK\x03\x04"));
//! // The same object as a tree of Python values, for comparisons.
//! let tree = synth.to_value();
//! assert_eq!(tnb_pthwrite::dumps(&tree)?, synth.pickle()?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod layout;
mod model;

use std::fmt;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::str::FromStr;

use tnb_arch::{Arch, MACRO_COUNT, MICRO_COUNT, TOTAL};
use tnb_pthwrite::{Pickler, Value};

use crate::layout::{Plan, Tree};

/// The seed used when none is given (TransNAS-Bench-**101**).
pub const DEFAULT_SEED: u64 = 101;

/// A task of the benchmark: its name, metric names in file order, and epoch count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskSpec {
    /// The task's name.
    pub name: &'static str,
    /// Its metric names, in `metrics_dict` order (`time_elapsed` last).
    pub metrics: &'static [&'static str],
    /// Epochs trained (`total_epochs`, and the length of every metric list).
    pub epochs: u32,
}

const CLASSIFICATION: &[&str] = &[
    "train_top1",
    "train_top5",
    "train_loss",
    "valid_top1",
    "valid_top5",
    "valid_loss",
    "test_top1",
    "test_top5",
    "test_loss",
    "time_elapsed",
];

const PIXELS: &[&str] = &[
    "train_ssim",
    "train_l1_loss",
    "valid_ssim",
    "valid_l1_loss",
    "test_ssim",
    "test_l1_loss",
    "time_elapsed",
];

/// The benchmark's tasks in `task_list` order, with the reference's metric lists and epochs.
pub const TASKS: [TaskSpec; 7] = [
    TaskSpec { name: "class_scene", metrics: CLASSIFICATION, epochs: 25 },
    TaskSpec { name: "class_object", metrics: CLASSIFICATION, epochs: 25 },
    TaskSpec {
        name: "room_layout",
        metrics: &[
            "train_loss",
            "train_neg_loss",
            "valid_loss",
            "valid_neg_loss",
            "test_loss",
            "test_neg_loss",
            "time_elapsed",
        ],
        epochs: 25,
    },
    TaskSpec { name: "jigsaw", metrics: CLASSIFICATION, epochs: 10 },
    TaskSpec {
        name: "segmentsemantic",
        metrics: &[
            "train_loss",
            "train_acc",
            "train_mIoU",
            "valid_loss",
            "valid_acc",
            "valid_mIoU",
            "test_loss",
            "test_acc",
            "test_mIoU",
            "time_elapsed",
        ],
        epochs: 30,
    },
    TaskSpec { name: "normal", metrics: PIXELS, epochs: 30 },
    TaskSpec { name: "autoencoder", metrics: PIXELS, epochs: 30 },
];

/// `info_names`, in file order.
pub const INFO_NAMES: [&str; 5] =
    ["inference_time", "encoder_params", "model_params", "model_FLOPs", "encoder_FLOPs"];

/// How `time_elapsed` values are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeFormat {
    /// Cumulative wall time as `"HH:MM:SS"` strings (each a new string object).
    #[default]
    String,
    /// Cumulative seconds as floats.
    Float,
}

/// What the four size entries of `model_info` hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InfoMode {
    /// Ints: parameter counts and multiply-adds, larger for bigger architectures.
    #[default]
    Numbers,
    /// The empty string `""` for every architecture.
    Empty,
}

/// Parses `string` or `float`.
impl FromStr for TimeFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "string" => Ok(TimeFormat::String),
            "float" => Ok(TimeFormat::Float),
            _ => Err(format!("expected 'string' or 'float', found {s:?}")),
        }
    }
}

/// Parses `numbers` or `empty`.
impl FromStr for InfoMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "numbers" => Ok(InfoMode::Numbers),
            "empty" => Ok(InfoMode::Empty),
            _ => Err(format!("expected 'numbers' or 'empty', found {s:?}")),
        }
    }
}

/// What to generate. [`Options::default`] is the full-size benchmark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Number of architectures, 2 to 7352 (see the crate docs for which ones).
    pub archs: usize,
    /// The seed of every random choice.
    pub seed: u64,
    /// How `time_elapsed` is written.
    pub time: TimeFormat,
    /// What the size infos hold.
    pub info: InfoMode,
    /// Only the first this many tasks of [`TASKS`] (1 to 7).
    pub tasks: usize,
    /// Cap on every task's epochs (at least 1).
    pub epochs: Option<u32>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            archs: TOTAL,
            seed: DEFAULT_SEED,
            time: TimeFormat::String,
            info: InfoMode::Numbers,
            tasks: TASKS.len(),
            epochs: None,
        }
    }
}

/// The container to write the object in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Container {
    /// torch's zip format, with this folder inside (torch uses the file's stem).
    Zip {
        /// The folder of the records (`<folder>/data.pkl`, ...).
        folder: String,
    },
    /// torch's legacy format.
    Legacy,
}

/// Why generation failed. Displays as one line.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Options out of range or inconsistent.
    Options(String),
    /// A file operation failed.
    Io {
        /// What was being done, with the path.
        what: String,
        /// The system's error.
        source: io::Error,
    },
    /// The writer failed (an I/O error while writing, or a bug).
    Write(tnb_pthwrite::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Options(m) => f.write_str(m),
            Error::Io { what, source } => write!(f, "{what}: {source}"),
            Error::Write(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Write(e) => Some(e),
            Error::Options(_) => None,
        }
    }
}

impl From<tnb_mapped::replace::ReplaceError> for Error {
    fn from(e: tnb_mapped::replace::ReplaceError) -> Self {
        match e {
            tnb_mapped::replace::ReplaceError::Io { what, error, .. } => {
                Error::Io { what, source: error }
            }
            // The destination refused (a folder, a FIFO): the output path is the user's option.
            e => Error::Options(e.to_string()),
        }
    }
}

impl From<tnb_pthwrite::Error> for Error {
    fn from(e: tnb_pthwrite::Error) -> Self {
        Error::Write(e)
    }
}

/// The global indices (file order, macro `0..3256` then micro `3256..7352`) of the `n`
/// architectures a file with `--archs n` holds; see the crate docs for the rule.
pub fn select_archs(n: usize) -> Result<Vec<usize>, Error> {
    if !(2..=TOTAL).contains(&n) {
        return Err(Error::Options(format!(
            "--archs must be between 2 and {TOTAL} (at least one arch of each space), found {n}"
        )));
    }
    let proportional = (n * MACRO_COUNT + TOTAL / 2) / TOTAL;
    let n_macro =
        proportional.clamp(1.max(n.saturating_sub(MICRO_COUNT)), (n - 1).min(MACRO_COUNT));
    let n_micro = n - n_macro;
    let spread = |k: usize, total: usize| -> Vec<usize> {
        if k == 1 {
            return vec![0];
        }
        (0..k).map(|i| (i * (total - 1) + (k - 1) / 2) / (k - 1)).collect()
    };
    let mut v = spread(n_macro, MACRO_COUNT);
    v.extend(spread(n_micro, MICRO_COUNT).into_iter().map(|i| MACRO_COUNT + i));
    Ok(v)
}

/// A configured generator.
#[derive(Debug)]
pub struct Synth {
    options: Options,
    plan: Plan,
}

/// What [`Synth::write_file`] wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Size of the file in bytes.
    pub bytes: u64,
    /// Architectures in it.
    pub archs: usize,
}

impl Synth {
    /// Checks the options and resolves the architectures.
    pub fn new(options: Options) -> Result<Synth, Error> {
        let indices = select_archs(options.archs)?;
        if !(1..=TASKS.len()).contains(&options.tasks) {
            return Err(Error::Options(format!(
                "--tasks must be between 1 and {}, found {}",
                TASKS.len(),
                options.tasks
            )));
        }
        if options.epochs == Some(0) {
            return Err(Error::Options("--epochs must be at least 1".to_owned()));
        }
        let mut archs = Vec::with_capacity(indices.len());
        for i in indices {
            let arch = Arch::unrank(i)
                .ok_or_else(|| Error::Options(format!("no architecture has index {i}")))?;
            archs.push((i, arch, arch.to_string()));
        }
        let n_macro = archs.iter().filter(|a| a.0 < MACRO_COUNT).count();
        let plan = Plan::new(
            &TASKS[..options.tasks],
            options.epochs,
            archs,
            n_macro,
            options.seed,
            options.time,
            options.info,
        );
        Ok(Synth { options, plan })
    }

    /// The options it was made with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The architecture strings, in file order (macro, then micro).
    pub fn arch_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.plan.archs.iter().map(|a| a.2.as_str())
    }

    /// How many macro and micro architectures the file holds.
    pub fn space_counts(&self) -> (usize, usize) {
        (self.plan.n_macro, self.plan.archs.len() - self.plan.n_macro)
    }

    /// The tasks written, with their (possibly capped) epoch counts.
    pub fn tasks(&self) -> Vec<(TaskSpec, u32)> {
        self.plan.tasks.iter().map(|t| (*t.spec, t.epochs as u32)).collect()
    }

    /// The object's protocol-2 pickle (the zip's `data.pkl`).
    pub fn pickle(&self) -> Result<Vec<u8>, Error> {
        self.pickle_with_progress(&mut |_| {})
    }

    /// [`Synth::pickle`], telling `progress` how many architectures are done after each one.
    pub fn pickle_with_progress(&self, progress: &mut dyn FnMut(usize)) -> Result<Vec<u8>, Error> {
        let mut p = Pickler::with_capacity(self.plan.estimated_bytes());
        self.plan.emit(&mut p, progress);
        Ok(p.finish()?)
    }

    /// The object as a tree of Python values, with the same sharing of string objects as the
    /// pickle. Meant for tests on small configurations (a full-size tree takes about 1 GB).
    pub fn to_value(&self) -> Value {
        let mut tree = Tree::default();
        self.plan.emit(&mut tree, &mut |_| {});
        tree.into_value()
    }

    /// The whole file in memory.
    pub fn file_bytes(&self, container: &Container) -> Result<Vec<u8>, Error> {
        let pickle = self.pickle()?;
        Ok(match container {
            Container::Zip { folder } => tnb_pthwrite::save_zip(Vec::new(), folder, &pickle, &[])?,
            Container::Legacy => tnb_pthwrite::save_legacy(Vec::new(), &pickle)?,
        })
    }

    /// Writes the file at `path` atomically; `progress` hears about each architecture pickled.
    pub fn write_file(
        &self,
        path: &Path,
        container: &Container,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Summary, Error> {
        if let Container::Zip { folder } = container {
            // Fail before the expensive part.
            tnb_pthwrite::TorchZipWriter::new(io::sink(), folder)?;
        }
        let pickle = self.pickle_with_progress(progress)?;
        let ((), bytes) = tnb_mapped::replace::replace(path, &|_| Ok(()), |f| {
            let mut w = BufWriter::with_capacity(1 << 20, f);
            match container {
                Container::Zip { folder } => {
                    let crc = crc32fast::hash(&pickle);
                    tnb_pthwrite::save_zip_with_crc(&mut w, folder, &pickle, crc, &[])?;
                }
                Container::Legacy => {
                    tnb_pthwrite::save_legacy(&mut w, &pickle)?;
                }
            }
            w.flush()
                .map_err(|e| Error::Io { what: format!("writing {}", path.display()), source: e })
        })?;
        Ok(Summary { bytes, archs: self.plan.archs.len() })
    }
}

#[cfg(test)]
mod tests;
