//! Writes files shaped like NAS-Bench-201's `NAS-Bench-201-v1_0-e61699.pth` (2.2 GB) and
//! `NAS-Bench-201-v1_1-096897.pth` (4.7 GB), which cannot be shipped: byte for byte what
//! `torch.save(obj, f, _use_new_zipfile_serialization=False)` writes for an object with the
//! real files' layout (nb201-layout.md §10), streamed with bounded memory.
//!
//! What is real: the container (torch legacy, pickle protocol 2, the C pickler's opcodes, memo
//! and batching), the object's layout (keys, orders, types: `(str, int)` tuple keys, str seeds
//! `'0777'`, `np.float64` params and v1_1 latencies, `OrderedDict` train times in v1_1, `None` /
//! `{}` in v1_0, last-epoch-only eval keys, set-ordered `eval_names`), the string sharing of the
//! writer scripts, the `meta_archs` list in benchmark order (seed-88 shuffle), the `arch2infos`
//! chunk order, and the seed counts (v1_1: 2225 / 5439 / 7961 archs with 1 / 2 / 3 seeds).
//! What is made up: the numbers (deterministic from `--seed`, shaped like training curves; see
//! `model.rs`).
//!
//! # Usage
//!
//! ```text
//! cargo build --release -p tnb-synth-cli
//! target/release/tnb-synth nb201 --version v1_1 /tmp/nb201/full_v1_1.pth      # 4.6 GiB
//! target/release/tnb-synth nb201 --version v1_0 /tmp/nb201/full_v1_0.pth      # 2.1 GiB
//! target/release/tnb-synth nb201 --archs 20 small.pth                         # 20 archs, all meta_archs
//! target/release/tnb-synth nb201 --archs 20 --meta-archs 20 tiny.pth          # first 20 archs only
//! target/release/tnb-synth nb201 --indexes 0,7,11 --epochs 4,3 fixture.pth
//! ```
//!
//! # Library
//!
//! ```
//! use tnb_nb201_synth::{Options, Synth, Version};
//! let synth = Synth::new(Options { version: Version::V1_1, archs: 3, epochs_full: 4,
//!     epochs_less: 3, ..Options::default() })?;
//! assert_eq!(synth.evaluated_indexes(), [0, 7812, 15624]);
//! let file = synth.file_bytes()?;
//! assert!(file.starts_with(b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."));
//! # Ok::<(), tnb_nb201_synth::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod meta;
pub mod model;
pub mod nats;
mod write;

use std::fmt;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::str::FromStr;

use crate::meta::TOTAL;
use crate::model::ArchModel;
use crate::write::ObjectWriter;

/// The seed used when none is given (NAS-Bench-**201**).
pub const DEFAULT_SEED: u64 = 201;

/// Most epochs a run may have (the real files have 12 and 200); bounds the key tables.
pub const MAX_EPOCHS: u32 = 1000;

/// Which release to imitate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// `NAS-Bench-201-v1_0-e61699.pth`: `less` only on cifar10-valid (seed 777), no 200-epoch
    /// times (`None` / `{}`), per-batch float latencies in `full`, `None` in `less`.
    V1_0,
    /// `NAS-Bench-201-v1_1-096897.pth`: `less` on all 4 datasets (cifar10-valid seeds 777 and
    /// 111, others 111), pseudo times (`OrderedDict` train times), `[np.float64]` latencies.
    V1_1,
}

impl FromStr for Version {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "v1_0" | "1.0" => Ok(Version::V1_0),
            "v1_1" | "1.1" => Ok(Version::V1_1),
            other => Err(format!("expected 'v1_0' or 'v1_1', found {other:?}")),
        }
    }
}

/// How numpy pickles a float64 scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumpyStyle {
    /// numpy 1.x, as in the 2020 files: `numpy.core.multiarray scalar`, dtype args
    /// `('f8', 0, 1)`.
    Numpy1,
    /// numpy 2.x: `numpy._core.multiarray scalar`, dtype args `('f8', False, True)`.
    Numpy2,
}

impl NumpyStyle {
    /// The module of `scalar`.
    pub fn module(self) -> &'static str {
        match self {
            NumpyStyle::Numpy1 => "numpy.core.multiarray",
            NumpyStyle::Numpy2 => "numpy._core.multiarray",
        }
    }
}

impl FromStr for NumpyStyle {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "1" => Ok(NumpyStyle::Numpy1),
            "2" => Ok(NumpyStyle::Numpy2),
            other => Err(format!("expected '1' or '2', found {other:?}")),
        }
    }
}

/// What to write.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// The release imitated.
    pub version: Version,
    /// Archs in `arch2infos` / `evaluated_indexes`, spread evenly over `0..meta_archs` (first
    /// and last included). Ignored when `indexes` is given.
    pub archs: usize,
    /// Exactly these benchmark indexes (any order, no duplicates) instead of `archs`.
    pub indexes: Option<Vec<usize>>,
    /// Length of `meta_archs` (the first archs in benchmark order); 15625 in the real files.
    pub meta_archs: usize,
    /// Seed of every value: same options, same bytes.
    pub seed: u64,
    /// Epochs of `full` (200-epoch) runs; fewer make small test files.
    pub epochs_full: u32,
    /// Epochs of `less` (12-epoch) runs.
    pub epochs_less: u32,
    /// How numpy scalars are pickled.
    pub numpy: NumpyStyle,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            version: Version::V1_1,
            archs: TOTAL,
            indexes: None,
            meta_archs: TOTAL,
            seed: DEFAULT_SEED,
            epochs_full: 200,
            epochs_less: 12,
            numpy: NumpyStyle::Numpy1,
        }
    }
}

/// Why a file could not be made. Displays as one line.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Options out of range.
    Options(String),
    /// Writing failed.
    Io(io::Error),
    /// A file operation failed (what, on which path).
    File {
        /// What was being done, with the path.
        what: String,
        /// The OS error.
        source: io::Error,
    },
    /// The pickle writer refused (a bug).
    Pickle(tnb_pthwrite::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Options(m) => f.write_str(m),
            Error::Io(e) => write!(f, "write error: {e}"),
            Error::File { what, source } => write!(f, "{what}: {source}"),
            Error::Pickle(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) | Error::File { source: e, .. } => Some(e),
            Error::Pickle(e) => Some(e),
            Error::Options(_) => None,
        }
    }
}

impl From<tnb_mapped::replace::ReplaceError> for Error {
    fn from(e: tnb_mapped::replace::ReplaceError) -> Self {
        match e {
            tnb_mapped::replace::ReplaceError::Io { what, error, .. } => {
                Error::File { what, source: error }
            }
            // The destination refused (a folder, a FIFO): the output path is the user's option.
            e => Error::Options(e.to_string()),
        }
    }
}

/// Output buffer of [`Synth::write_file`]: large writes, bounded memory.
const OUTPUT_BUFFER: usize = 4 << 20;

/// What [`Synth::write_file`] wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    /// The file's size.
    pub bytes: u64,
    /// Memo entries of the object pickle (a streaming reader's memo ids are `0..memo_entries`).
    pub memo_entries: u64,
}

/// A look-alike, ready to write.
#[derive(Debug)]
pub struct Synth {
    options: Options,
    /// Product positions in benchmark order (all 15625).
    order: Vec<u16>,
    /// 200-epoch seed counts by index.
    seed_counts: Vec<u8>,
    /// `arch2infos` keys in file order.
    file_order: Vec<usize>,
    /// Sorted.
    evaluated: Vec<usize>,
}

/// The 15625 arch strings in benchmark order (`meta_archs` of the real files).
pub fn meta_archs() -> Vec<String> {
    meta::benchmark_order().into_iter().map(|p| meta::arch_str(&meta::edges(p))).collect()
}

/// `n` indexes spread evenly over `0..len`, first and last included.
fn spread(n: usize, len: usize) -> Vec<usize> {
    if n == 1 {
        return vec![0];
    }
    (0..n).map(|k| (k * (len - 1) + (n - 1) / 2) / (n - 1)).collect()
}

impl Synth {
    /// Checks the options and plans the file.
    pub fn new(options: Options) -> Result<Synth, Error> {
        if !(1..=TOTAL).contains(&options.meta_archs) {
            return Err(Error::Options(format!(
                "--meta-archs must be between 1 and {TOTAL}, found {}",
                options.meta_archs
            )));
        }
        for (name, e) in [("full", options.epochs_full), ("less", options.epochs_less)] {
            if !(1..=MAX_EPOCHS).contains(&e) {
                return Err(Error::Options(format!(
                    "{name} epochs must be between 1 and {MAX_EPOCHS}, found {e}"
                )));
            }
        }
        let mut chosen = match &options.indexes {
            Some(ix) => {
                let mut v = ix.clone();
                v.sort_unstable();
                if v.is_empty() {
                    return Err(Error::Options("--indexes names no arch".to_owned()));
                }
                if v.windows(2).any(|w| w[0] == w[1]) {
                    return Err(Error::Options("--indexes has a duplicate".to_owned()));
                }
                if let Some(&bad) = v.iter().find(|&&i| i >= options.meta_archs) {
                    return Err(Error::Options(format!(
                        "index {bad} is not below --meta-archs {}",
                        options.meta_archs
                    )));
                }
                v
            }
            None => {
                if !(1..=options.meta_archs).contains(&options.archs) {
                    return Err(Error::Options(format!(
                        "--archs must be between 1 and --meta-archs ({}), found {}",
                        options.meta_archs, options.archs
                    )));
                }
                spread(options.archs, options.meta_archs)
            }
        };
        chosen.dedup();
        let mut keep = vec![false; TOTAL];
        for &i in &chosen {
            keep[i] = true;
        }
        let file_order = meta::arch2infos_order(options.meta_archs, |i| keep[i]);
        Ok(Synth {
            seed_counts: model::seed_count_table(&options),
            order: meta::benchmark_order(),
            options,
            file_order,
            evaluated: chosen,
        })
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// `evaluated_indexes` (sorted).
    pub fn evaluated_indexes(&self) -> &[usize] {
        &self.evaluated
    }

    /// `arch2infos` keys in file order.
    pub fn arch2infos_order(&self) -> &[usize] {
        &self.file_order
    }

    /// The model of the arch at benchmark `index`.
    pub fn arch(&self, index: usize) -> ArchModel {
        ArchModel::new(&self.options, index, self.order[index], self.seed_counts[index])
    }

    /// Writes the whole file (legacy torch container) to `w`; `progress(done)` after each
    /// arch. Memory stays bounded by one arch's pickle (plus the 15625 meta strings). Returns
    /// the number of memo entries of the object pickle (ids `0..n`).
    pub fn write_to<W: Write>(
        &self,
        w: &mut W,
        progress: &mut dyn FnMut(usize),
    ) -> Result<u64, Error> {
        w.write_all(&tnb_pthwrite::legacy_header().map_err(Error::Pickle)?).map_err(Error::Io)?;
        let meta: Vec<String> = self.order[..self.options.meta_archs]
            .iter()
            .map(|&p| meta::arch_str(&meta::edges(p)))
            .collect();
        let mut o = ObjectWriter::new(&self.options);
        o.begin(&meta, self.file_order.len());
        o.drain(w)?;
        for (k, &i) in self.file_order.iter().enumerate() {
            o.arch(&self.arch(i), &meta[i]);
            o.drain(w)?;
            progress(k + 1);
        }
        o.end(&self.evaluated);
        let (tail, memo) = o.finish()?;
        w.write_all(&tail).map_err(Error::Io)?;
        w.write_all(&tnb_pthwrite::legacy_trailer().map_err(Error::Pickle)?).map_err(Error::Io)?;
        w.flush().map_err(Error::Io)?;
        Ok(memo)
    }

    /// The whole file in memory (for small files).
    pub fn file_bytes(&self) -> Result<Vec<u8>, Error> {
        let mut v = Vec::new();
        self.write_to(&mut v, &mut |_| {})?;
        Ok(v)
    }

    /// Writes the file at `path` atomically (temporary file, fsync, rename).
    pub fn write_file(
        &self,
        path: &Path,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Written, Error> {
        let (memo_entries, bytes) = tnb_mapped::replace::replace(path, &|_| Ok(()), |f| {
            let mut w = BufWriter::with_capacity(OUTPUT_BUFFER, f);
            let memo_entries = self.write_to(&mut w, progress)?;
            w.flush().map_err(Error::Io)?;
            Ok::<_, Error>(memo_entries)
        })?;
        Ok(Written { bytes, memo_entries })
    }
}

#[cfg(test)]
mod tests;
