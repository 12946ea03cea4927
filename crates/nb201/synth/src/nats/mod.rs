//! NATS-Bench look-alikes (nats-layout.md §2-4 and §8): the `-simple` folders
//! (`meta.pickle.pbz2` + one `{i:06d}.pickle.pbz2` per arch) and the single benchmark files
//! (`NATS-{tss,sss}-v1_0-*.pickle.pbz2`) of both spaces, protocol-4 pickles (as CPython's C
//! pickler frames and memoizes them) in bz2 level 9.
//!
//! What is real: the arch lists (tss: NB201's seed-88 shuffle; sss: the channel product), the
//! layout, types and orders of every object, the memo sharing of the real per-arch files
//! (opcode for opcode against the samples, floats aside), the meta files (byte for byte), the
//! hp keys and seed sets (with tss `'200'` archs lacking seeds), old-format tss `'200'` quirks,
//! tss params/flops (NB201's formulas). What is made up: the numbers (deterministic from the
//! seed), which archs lack seeds, and which archs have seed-dependent tss `'200'` costs (so that
//! the official API's seed-888 rule runs).
//!
//! ```
//! use tnb_nb201_synth::nats::{NatsOptions, NatsSynth, Space};
//! let s = NatsSynth::new(NatsOptions { space: Space::Sss, ..NatsOptions::default() })?;
//! assert_eq!(s.meta_archs()[284], "8:8:40:32:40");
//! let pickle = s.arch_pickle(284);
//! assert!(pickle.starts_with(b"\x80\x04\x95"));
//! # Ok::<(), tnb_nb201_synth::Error>(())
//! ```

mod files;
pub mod model;
mod write;

use std::str::FromStr;

use tnb_pthwrite::Pickler;

use crate::Error;
use crate::meta;
use crate::nats::model::ArchModel;
use crate::nats::write::{ArchWriter, Globals};

pub use files::{BZ2_LEVEL, Written, bz2};

/// tss archs (NAS-Bench-201's cells).
pub const TSS_TOTAL: usize = meta::TOTAL;
/// sss archs (8^5 channel configurations).
pub const SSS_TOTAL: usize = 32768;

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 2020;

/// A NATS-Bench search space.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Space {
    /// The topology space (`'tss'`).
    Tss = 0,
    /// The size space (`'sss'`).
    Sss = 1,
}

impl Space {
    /// Number of archs.
    pub fn total(self) -> usize {
        match self {
            Space::Tss => TSS_TOTAL,
            Space::Sss => SSS_TOTAL,
        }
    }

    /// `'tss'` or `'sss'`.
    pub fn name(self) -> &'static str {
        match self {
            Space::Tss => "tss",
            Space::Sss => "sss",
        }
    }

    /// The released single file's name (`NATS-tss-v1_0-3ffb9.pickle.pbz2`); the `-simple`
    /// folder is the same stem + `-simple`.
    pub fn release_stem(self) -> &'static str {
        match self {
            Space::Tss => "NATS-tss-v1_0-3ffb9",
            Space::Sss => "NATS-sss-v1_0-50262",
        }
    }
}

impl FromStr for Space {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "tss" | "topology" => Ok(Space::Tss),
            "sss" | "size" => Ok(Space::Sss),
            other => Err(format!("expected 'tss' or 'sss', found {other:?}")),
        }
    }
}

/// Which distribution form to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// The `-simple` folder: `meta.pickle.pbz2` (every arch in `meta_archs`) and one file per
    /// arch written.
    Folder,
    /// The single benchmark file: `arch2infos` holds every index of `meta_archs`.
    File,
}

impl FromStr for Form {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "folder" => Ok(Form::Folder),
            "file" => Ok(Form::File),
            other => Err(format!("expected 'folder' or 'file', found {other:?}")),
        }
    }
}

/// What to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NatsOptions {
    /// The space.
    pub space: Space,
    /// The form.
    pub form: Form,
    /// Archs written (`None`: all). Folder: that many per-arch files, spread evenly over the
    /// space (first and last included), the meta file still listing every arch. File: the
    /// first N archs, `meta_archs`/`total_archs` shrunk to them (the official loader wants
    /// `arch2infos` to hold every index of `meta_archs`).
    pub archs: Option<usize>,
    /// Folder only: exactly these arch indexes (any order, no duplicates) instead of `archs`.
    pub indexes: Option<Vec<usize>>,
    /// Seed of every made-up value: same options, same bytes.
    pub seed: u64,
}

impl Default for NatsOptions {
    fn default() -> Self {
        NatsOptions {
            space: Space::Tss,
            form: Form::Folder,
            archs: None,
            indexes: None,
            seed: DEFAULT_SEED,
        }
    }
}

/// A NATS-Bench look-alike, ready to write.
#[derive(Debug)]
pub struct NatsSynth {
    options: NatsOptions,
    meta: Vec<String>,
    /// tss product positions in benchmark order (empty for sss).
    positions: Vec<u16>,
    /// tss `'200'` seed counts (empty for sss).
    seed_counts: Vec<u8>,
    /// Indexes written (ascending).
    indexes: Vec<usize>,
}

impl NatsSynth {
    /// Checks the options and plans the files.
    pub fn new(options: NatsOptions) -> Result<NatsSynth, Error> {
        let total = options.space.total();
        let n = options.archs.unwrap_or(total);
        if !(1..=total).contains(&n) {
            return Err(Error::Options(format!(
                "--archs must be between 1 and {total} for {}, found {n}",
                options.space.name()
            )));
        }
        let (positions, seed_counts) = match options.space {
            Space::Tss => (meta::benchmark_order(), model::tss_seed_counts(options.seed)),
            Space::Sss => (Vec::new(), Vec::new()),
        };
        let meta_len = if options.form == Form::File { n } else { total };
        let meta: Vec<String> = match options.space {
            Space::Tss => {
                positions[..meta_len].iter().map(|&p| meta::arch_str(&meta::edges(p))).collect()
            }
            Space::Sss => (0..meta_len).map(model::sss_arch_str).collect(),
        };
        let indexes = match (&options.indexes, options.form) {
            (Some(_), Form::File) => {
                return Err(Error::Options(
                    "--indexes applies to a folder (a single file holds archs 0..N-1: use --archs)"
                        .to_owned(),
                ));
            }
            (Some(ix), Form::Folder) => {
                let mut v = ix.clone();
                v.sort_unstable();
                if v.is_empty() {
                    return Err(Error::Options("--indexes names no arch".to_owned()));
                }
                if v.windows(2).any(|w| w[0] == w[1]) {
                    return Err(Error::Options("--indexes has a duplicate".to_owned()));
                }
                if let Some(&bad) = v.iter().find(|&&i| i >= total) {
                    return Err(Error::Options(format!(
                        "index {bad} is not below {total}, the {} arch count",
                        options.space.name()
                    )));
                }
                v
            }
            (None, Form::File) => (0..n).collect(),
            (None, Form::Folder) => crate::spread(n, total),
        };
        Ok(NatsSynth { options, meta, positions, seed_counts, indexes })
    }

    /// The options.
    pub fn options(&self) -> &NatsOptions {
        &self.options
    }

    /// `meta_archs`.
    pub fn meta_archs(&self) -> &[String] {
        &self.meta
    }

    /// The arch indexes written, ascending.
    pub fn indexes(&self) -> &[usize] {
        &self.indexes
    }

    /// The model of arch `index` (below the space's total).
    pub fn arch(&self, index: usize) -> ArchModel {
        let (position, seeds) = match self.options.space {
            Space::Tss => (self.positions[index], self.seed_counts[index]),
            Space::Sss => (0, 3),
        };
        ArchModel::new(self.options.space, self.options.seed, index, position, seeds)
    }

    /// The arch string of `index` (also beyond a shrunk `meta_archs`).
    fn arch_str(&self, index: usize) -> String {
        match self.meta.get(index) {
            Some(s) => s.clone(),
            None => match self.options.space {
                Space::Tss => meta::arch_str(&meta::edges(self.positions[index])),
                Space::Sss => model::sss_arch_str(index),
            },
        }
    }

    /// The pickle of `{i:06d}.pickle.pbz2` (before bz2).
    pub fn arch_pickle(&self, index: usize) -> Vec<u8> {
        let mut p = Pickler::protocol4();
        let mut g = Globals::default();
        let model = self.arch(index);
        ArchWriter::new(&mut p, &mut g, self.options.space).arch(&model, &self.arch_str(index));
        // The writer drives the pickler correctly by construction; a failure is a bug.
        p.finish().expect("a NATS arch pickle")
    }

    /// The pickle of `meta.pickle.pbz2` (before bz2): `{'meta_archs': [...], 'total_archs': N,
    /// 'arch2infos': None, 'evaluated_indexes': set()}`.
    pub fn meta_pickle(&self) -> Vec<u8> {
        let mut p = Pickler::protocol4();
        self.begin_top(&mut p);
        p.none();
        p.str("evaluated_indexes");
        p.begin_set(0);
        p.end_set();
        p.end_dict();
        p.finish().expect("a NATS meta pickle")
    }

    /// The top dict up to the value of `'arch2infos'`.
    fn begin_top(&self, p: &mut Pickler) {
        p.begin_dict(4);
        p.str("meta_archs");
        p.begin_list(self.meta.len());
        for s in &self.meta {
            p.str(s);
        }
        p.end_list();
        p.str("total_archs");
        p.int(self.meta.len() as i64);
        p.str("arch2infos");
    }

    /// Writes the whole single-file pickle to `sink` in pieces (bounded memory);
    /// `progress(done)` after each arch. Returns the pickle's size.
    pub fn write_file_pickle(
        &self,
        sink: &mut dyn FnMut(Vec<u8>) -> Result<(), Error>,
        progress: &mut dyn FnMut(usize),
    ) -> Result<u64, Error> {
        let mut p = Pickler::protocol4();
        let mut g = Globals::default();
        let mut size = 0u64;
        let mut flush = |p: &mut Pickler, size: &mut u64| -> Result<(), Error> {
            let mut piece = Vec::with_capacity(1 << 20);
            p.drain_into(&mut piece).map_err(Error::Io)?;
            *size += piece.len() as u64;
            sink(piece)
        };
        self.begin_top(&mut p);
        p.begin_dict(self.indexes.len());
        for (k, &i) in self.indexes.iter().enumerate() {
            p.int(i as i64);
            let model = self.arch(i);
            ArchWriter::new(&mut p, &mut g, self.options.space).arch(&model, &self.meta[i]);
            if p.len() >= 1 << 20 {
                flush(&mut p, &mut size)?;
            }
            progress(k + 1);
        }
        p.end_dict();
        p.str("evaluated_indexes");
        p.begin_set(self.indexes.len());
        for &i in &self.indexes {
            p.int(i as i64);
        }
        p.end_set();
        p.end_dict();
        let tail = p.finish().map_err(Error::Pickle)?;
        size += tail.len() as u64;
        sink(tail)?;
        Ok(size)
    }
}

#[cfg(test)]
mod tests;
