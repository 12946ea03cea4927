//! NAS-Bench-101 look-alikes: TFRecord files shaped as `nasbench_full.tfrecord` (every cell at
//! 4, 12, 36 and 108 epochs, 3 repeats each: 5,083,488 records) and `nasbench_only108.tfrecord`
//! (108 epochs only: 1,270,872 records), with the real space's 423,624 cells as
//! `generate_graphs.py` enumerates them (hashes from `hash_module`), TensorFlow's exact framing
//! (masked CRC-32C of the length and of the data) and records encoded as the official writer did
//! (`json.dumps([hash, epochs, adjacency, ops, base64(ModelMetrics)])`).
//!
//! Records come cell by cell (in enumeration order), budgets ascending, repeats in order, or
//! shuffled. Every `ModelMetrics` has three evaluations (init, halfway, final) with all five
//! doubles, `trainable_parameters` and `total_time`, no `checkpoint_path`: about 405 bytes a
//! record, so the full-size files come out at 2,055,485,088 bytes (1.91 GiB) and 515,142,144
//! bytes (491 MiB), near the README's ~1.95 GB and ~499 MB.
//! Values are made up ([`values`]), deterministic from the seed.
//!
//! ```
//! use tnb_nb101_synth::{Form, Options, Synth};
//! let cells = tnb_nb101_spec::enumerate(4, 9, 3);
//! let synth = Synth::with_cells(cells, Options { form: Form::Only108, ..Options::default() });
//! let bytes = synth.file_bytes();
//! let mut n = 0;
//! for rec in tnb_tfrecord::Records::new(&bytes) {
//!     let (_, data) = rec.unwrap();
//!     let r = tnb_nb101_record::decode(data, &mut Vec::new()).unwrap();
//!     assert_eq!(r.epochs, 108);
//!     n += 1;
//! }
//! assert_eq!(n, 91 * 3);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod values;

use std::fmt;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use tnb_nb101_record::{EvalSpec, RecordSpec, encode};
use tnb_nb101_spec::{CELLS, Cell, enumerate_graphs, hash_cells};
use tnb_testrng::SplitMix64;

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 101;

/// The budgets of the full file, in the order records are written.
pub const FULL_BUDGETS: [i64; 4] = [4, 12, 36, 108];

/// The budget of the only108 file.
pub const ONLY108_BUDGETS: [i64; 1] = [108];

/// Repeats per cell and budget.
pub const REPEATS: usize = 3;

/// Records encoded by one thread at a time (about 7 MB of output).
const BATCH: usize = 16_384;

/// The output buffer of the file writer.
const OUTPUT_BUFFER: usize = 1 << 20;

/// Which of the two files to imitate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Form {
    /// `nasbench_full.tfrecord`: budgets 4, 12, 36, 108.
    #[default]
    Full,
    /// `nasbench_only108.tfrecord`: budget 108.
    Only108,
}

impl Form {
    /// The budgets, ascending.
    pub fn budgets(self) -> &'static [i64] {
        match self {
            Form::Full => &FULL_BUDGETS,
            Form::Only108 => &ONLY108_BUDGETS,
        }
    }

    /// `"full"` or `"only108"`.
    pub fn name(self) -> &'static str {
        match self {
            Form::Full => "full",
            Form::Only108 => "only108",
        }
    }
}

impl std::str::FromStr for Form {
    type Err = String;
    fn from_str(s: &str) -> Result<Form, String> {
        match s {
            "full" => Ok(Form::Full),
            "only108" => Ok(Form::Only108),
            _ => Err(format!("expected 'full' or 'only108', found '{s}'")),
        }
    }
}

/// What to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Full or only108.
    pub form: Form,
    /// The first `cells` cells of the space (1 to 423,624); `None` = all.
    pub cells: Option<usize>,
    /// Seed of every value: same options, same bytes.
    pub seed: u64,
    /// Records in a seeded random order instead of cell by cell.
    pub shuffle: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { form: Form::Full, cells: None, seed: DEFAULT_SEED, shuffle: false }
    }
}

/// Why a look-alike was not written.
#[derive(Debug)]
pub enum Error {
    /// Bad options.
    Options(String),
    /// Writing failed.
    Io(io::Error),
    /// The atomic replacement failed.
    Replace(tnb_mapped::replace::ReplaceError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Options(m) => f.write_str(m),
            Error::Io(e) => write!(f, "writing: {e}"),
            Error::Replace(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl From<tnb_mapped::replace::ReplaceError> for Error {
    fn from(e: tnb_mapped::replace::ReplaceError) -> Error {
        Error::Replace(e)
    }
}

/// What [`Synth::write_file`] wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    /// Records written.
    pub records: u64,
    /// File size in bytes.
    pub bytes: u64,
}

/// One record of the file: which cell, budget and repeat, and its values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecordValues {
    /// Index of the cell in [`Synth::cells`].
    pub cell: usize,
    /// The budget.
    pub epochs: i64,
    /// The repeat, 0-2.
    pub repeat: usize,
    /// The values.
    pub values: values::RunValues,
}

/// A look-alike: the cells and the record order.
pub struct Synth {
    cells: Vec<Cell>,
    ops: Vec<String>,
    options: Options,
    /// Record `i` of the file is record `order[i]` of the unshuffled order (when shuffled).
    order: Option<Vec<u32>>,
}

/// The smallest enumeration that holds the first `n` cells: its vertex count (the counts up to
/// 2..=7 vertices are 1, 7, 91, 2,532, 64,542, 423,624).
fn vertices_for(n: usize) -> usize {
    match n {
        0..=1 => 2,
        2..=7 => 3,
        8..=91 => 4,
        92..=2532 => 5,
        2533..=64542 => 6,
        _ => 7,
    }
}

impl Synth {
    /// The first `options.cells` cells of the space (all 423,624 by default), enumerated and
    /// hashed (a few seconds for the whole space).
    pub fn new(options: Options) -> Result<Synth, Error> {
        let n = options.cells.unwrap_or(CELLS);
        if !(1..=CELLS).contains(&n) {
            return Err(Error::Options(format!(
                "--cells must be between 1 and {CELLS}, found {n}"
            )));
        }
        // The script's order extends with each vertex count: the first n cells of a smaller
        // enumeration are the first n of the whole space.
        let (mut cells, _) = enumerate_graphs(vertices_for(n), 9, 3);
        cells.truncate(n);
        hash_cells(&mut cells);
        Ok(Synth::with_cells(cells, options))
    }

    /// A look-alike of the given cells (`options.cells` is ignored).
    pub fn with_cells(cells: Vec<Cell>, options: Options) -> Synth {
        let ops = cells.iter().map(|c| c.ops().collect::<Vec<_>>().join(",")).collect();
        let mut s = Synth { cells, ops, options, order: None };
        if options.shuffle {
            let total = s.records();
            let mut order: Vec<u32> = (0..total as u32).collect();
            let mut rng = SplitMix64::for_key(options.seed, u64::MAX, 0x5_0ff1e);
            for i in (1..order.len()).rev() {
                order.swap(i, rng.below(i as u64 + 1) as usize);
            }
            s.order = Some(order);
        }
        s
    }

    /// The cells, in enumeration order.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Number of records: cells × budgets × 3.
    pub fn records(&self) -> u64 {
        (self.cells.len() * self.options.form.budgets().len() * REPEATS) as u64
    }

    /// Record `i` of the file (`i < records()`).
    pub fn record(&self, i: u64) -> RecordValues {
        let j = match &self.order {
            Some(o) => u64::from(o[i as usize]),
            None => i,
        } as usize;
        let budgets = self.options.form.budgets();
        let repeat = j % REPEATS;
        let epochs = budgets[j / REPEATS % budgets.len()];
        let cell = j / REPEATS / budgets.len();
        let values = values::run_values(self.options.seed, &self.cells[cell], epochs, repeat);
        RecordValues { cell, epochs, repeat, values }
    }

    /// Appends record `i`'s data (unframed) to `out`.
    pub fn encode_record(&self, i: u64, out: &mut Vec<u8>) {
        let r = self.record(i);
        let cell = &self.cells[r.cell];
        let evals = r.values.evaluations.map(|e| EvalSpec::full(e[0], [e[1], e[2], e[3], e[4]]));
        let spec = RecordSpec {
            hash: cell.hash,
            epochs: r.epochs,
            n: cell.matrix.n,
            adjacency: cell.matrix.bits,
            operations: &self.ops[r.cell],
            trainable_parameters: Some(r.values.trainable_parameters),
            total_time: Some(r.values.total_time),
            evaluations: &evals,
        };
        encode(&spec, out);
    }

    /// Writes every record, framed, to `w`; `progress` gets the number of records written so far.
    /// Records are encoded on every core, a batch each, and written in order.
    pub fn write_to<W: Write>(&self, w: &mut W, progress: &mut dyn FnMut(u64)) -> io::Result<u64> {
        let total = self.records();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        let mut buffers: Vec<Vec<u8>> = (0..threads).map(|_| Vec::new()).collect();
        let mut start = 0u64;
        while start < total {
            std::thread::scope(|s| {
                for (t, buf) in buffers.iter_mut().enumerate() {
                    let from = start + (t * BATCH) as u64;
                    let to = (from + BATCH as u64).min(total);
                    buf.clear();
                    if from >= to {
                        continue;
                    }
                    s.spawn(move || {
                        let mut data = Vec::with_capacity(512);
                        for i in from..to {
                            data.clear();
                            self.encode_record(i, &mut data);
                            // Writing to a Vec cannot fail.
                            let _ = tnb_tfrecord::write_record(buf, &data);
                        }
                    });
                }
            });
            for buf in &buffers {
                w.write_all(buf)?;
            }
            start = (start + (threads * BATCH) as u64).min(total);
            progress(start);
        }
        w.flush()?;
        Ok(total)
    }

    /// The whole file in memory (for small files).
    pub fn file_bytes(&self) -> Vec<u8> {
        let mut v = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = self.write_to(&mut v, &mut |_| {});
        v
    }

    /// Writes the file at `path` atomically (temporary file, fsync, rename).
    pub fn write_file(&self, path: &Path, progress: &mut dyn FnMut(u64)) -> Result<Written, Error> {
        let (records, bytes) = tnb_mapped::replace::replace(path, &|_| Ok(()), |f| {
            let mut w = BufWriter::with_capacity(OUTPUT_BUFFER, f);
            let records = self.write_to(&mut w, progress).map_err(Error::Io)?;
            w.flush().map_err(Error::Io)?;
            Ok::<_, Error>(records)
        })?;
        Ok(Written { records, bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vertex_counts_hold_the_first_cells() {
        for (n, v) in
            [(1, 2), (7, 3), (8, 4), (91, 4), (2532, 5), (2533, 6), (64542, 6), (64543, 7)]
        {
            assert_eq!(vertices_for(n), v, "{n}");
        }
        let small = Synth::new(Options { cells: Some(92), ..Options::default() }).unwrap();
        assert_eq!(small.cells(), &tnb_nb101_spec::enumerate(5, 9, 3)[..92]);
        assert!(Synth::new(Options { cells: Some(0), ..Options::default() }).is_err());
        let e = Synth::new(Options { cells: Some(CELLS + 1), ..Options::default() });
        assert_eq!(
            e.err().unwrap().to_string(),
            "--cells must be between 1 and 423624, found 423625"
        );
    }

    #[test]
    fn forms() {
        assert_eq!("full".parse::<Form>(), Ok(Form::Full));
        assert_eq!("only108".parse::<Form>(), Ok(Form::Only108));
        assert!("108".parse::<Form>().unwrap_err().contains("'full' or 'only108'"));
        assert_eq!(Form::Full.budgets(), &[4, 12, 36, 108]);
    }
}
