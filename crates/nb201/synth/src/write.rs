//! Pickling the object, in file order, with the memo sharing the real writers produced
//! (nb201-layout.md §4 and §10.5):
//! - file-wide single objects: the 21 attribute names, `'full'`/`'less'`, the numpy and
//!   `OrderedDict` globals, the float64 dtype and the `'latin1'` string;
//! - one object per chunk of 390 archs: the dataset names (tuple keys, `name`, `dataset_seed`
//!   keys), the old-format set names in `eval_names`, and the 4 `arch_config` keys;
//! - one object per arch: its `arch_str` (in `full`, `less` and every `arch_config`, but not the
//!   `meta_archs` string); per checkpoint: the seed string (`'0777'`);
//! - 12-epoch results: each `'set@epoch'` string serves `eval_acc1es`, `eval_times` and
//!   `eval_losses`; 200-epoch results: each dict has its own strings; no container is shared.

use std::io::Write;

use tnb_pthwrite::{Memo, Pickler};
use tnb_schema::nb201::codes::{ARCH_KEYS as ARCH_FIELDS, CONFIG_KEYS, RESULT_KEYS as RUN_FIELDS};

use crate::meta::CHUNK;
use crate::model::{
    ArchModel, CLASSES, DATASETS, EvalTimes, Hp, Latency, Run, SETS, TrainTimes, chunk_set_order,
};
use crate::{Error, NumpyStyle, Options};

/// Memo ids of objects written once for the whole file.
#[derive(Default)]
struct FileMemo {
    full_less: [Option<Memo>; 2],
    arch_fields: [Option<Memo>; 5],
    run_fields: [Option<Memo>; 16],
    scalar: Option<Memo>,
    dtype: Option<Memo>,
    encode: Option<Memo>,
    latin1: Option<Memo>,
    ordered_dict: Option<Memo>,
}

/// Memo ids of the strings of one chunk.
#[derive(Default)]
struct ChunkMemo {
    datasets: [Option<Memo>; 4],
    old_sets: [Option<Memo>; 3],
    config_keys: [Option<Memo>; 4],
}

/// Writes the object pickle piece by piece.
pub(crate) struct ObjectWriter<'a> {
    p: Pickler,
    options: &'a Options,
    file: FileMemo,
    chunk: ChunkMemo,
    chunk_id: usize,
    set_order: [usize; 3],
    /// `"0"`, `"1"`, ... for `'set@epoch'` keys.
    epoch_text: Vec<String>,
    key: String,
}

/// Writes `s` once and returns later references as memo gets.
fn shared(p: &mut Pickler, slot: &mut Option<Memo>, s: &str) -> Memo {
    match *slot {
        Some(m) => {
            p.get(m);
            m
        }
        None => {
            let m = p.str(s);
            *slot = Some(m);
            m
        }
    }
}

impl<'a> ObjectWriter<'a> {
    pub(crate) fn new(options: &'a Options) -> ObjectWriter<'a> {
        let max = options.epochs_full.max(options.epochs_less);
        ObjectWriter {
            p: Pickler::with_capacity(1 << 20),
            options,
            file: FileMemo::default(),
            chunk: ChunkMemo::default(),
            chunk_id: usize::MAX,
            set_order: [0, 1, 2],
            epoch_text: (0..max).map(|e| e.to_string()).collect(),
            key: String::new(),
        }
    }

    /// Moves what is written so far to `w`.
    pub(crate) fn drain<W: Write>(&mut self, w: &mut W) -> Result<(), Error> {
        self.p.drain_into(w).map_err(Error::Io)
    }

    /// Ends the pickle: the last bytes, and the number of memo entries the pickle made.
    pub(crate) fn finish(self) -> Result<(Vec<u8>, u64), Error> {
        let memo = self.p.memo_len();
        Ok((self.p.finish().map_err(Error::Pickle)?, memo))
    }

    /// `{'meta_archs': [...], 'total_archs': n, 'arch2infos': {` (the arch entries follow).
    pub(crate) fn begin(&mut self, meta: &[String], n_archs: usize) {
        let p = &mut self.p;
        p.begin_dict(4);
        p.str("meta_archs");
        p.begin_list(meta.len());
        for s in meta {
            p.str(s);
        }
        p.end_list();
        p.str("total_archs");
        p.int(meta.len() as i64);
        p.str("arch2infos");
        p.begin_dict(n_archs);
    }

    /// `}, 'evaluated_indexes': [...]}`.
    pub(crate) fn end(&mut self, evaluated: &[usize]) {
        let p = &mut self.p;
        p.end_dict();
        p.str("evaluated_indexes");
        p.begin_list(evaluated.len());
        for &i in evaluated {
            p.int(i as i64);
        }
        p.end_list();
        p.end_dict();
    }

    /// One `arch2infos` entry: `index: {'full': ..., 'less': ...}`.
    pub(crate) fn arch(&mut self, m: &ArchModel, arch_str: &str) {
        let chunk = m.index / CHUNK;
        if chunk != self.chunk_id {
            self.chunk_id = chunk;
            self.chunk = ChunkMemo::default();
            self.set_order = chunk_set_order(self.options.seed, chunk);
        }
        self.p.int(m.index as i64);
        self.p.begin_dict(2);
        let mut arch_memo = None;
        for (k, hp) in [(0, Hp::Full), (1, Hp::Less)] {
            shared(&mut self.p, &mut self.file.full_less[k], ["full", "less"][k]);
            self.arch_results(m, hp, arch_str, &mut arch_memo);
        }
        self.p.end_dict();
    }

    fn arch_field(&mut self, k: usize) {
        shared(&mut self.p, &mut self.file.arch_fields[k], ARCH_FIELDS[k]);
    }

    fn run_field(&mut self, k: usize) {
        shared(&mut self.p, &mut self.file.run_fields[k], RUN_FIELDS[k]);
    }

    fn dataset(&mut self, d: usize) {
        shared(&mut self.p, &mut self.chunk.datasets[d], DATASETS[d]);
    }

    fn arch_results(
        &mut self,
        m: &ArchModel,
        hp: Hp,
        arch_str: &str,
        arch_memo: &mut Option<Memo>,
    ) {
        let checkpoints = if hp == Hp::Full { &m.full } else { &m.less };
        let n_runs: usize = checkpoints.iter().map(|c| c.datasets.len()).sum();
        self.p.begin_dict(5);
        self.arch_field(0);
        self.p.int(m.index as i64);
        self.arch_field(1);
        shared(&mut self.p, arch_memo, arch_str);
        self.arch_field(2);
        self.p.begin_dict(n_runs);
        for c in checkpoints {
            let mut seed_memo = None;
            for &d in &c.datasets {
                self.p.begin_tuple(2);
                self.dataset(d);
                self.p.int(c.seed);
                self.p.end_tuple();
                let run = m.run(self.options, hp, d, c.seed, &self.set_order);
                self.results_count(&run, hp, d, c.seed, arch_str, arch_memo, &mut seed_memo);
            }
        }
        self.p.end_dict();
        self.arch_field(3);
        let ds = m.dataset_seed(hp);
        self.p.begin_dict(ds.len());
        for (d, seeds) in ds {
            self.dataset(d);
            self.p.begin_list(seeds.len());
            for s in seeds {
                self.p.int(s);
            }
            self.p.end_list();
        }
        self.p.end_dict();
        self.arch_field(4);
        self.p.bool(true);
        self.p.end_dict();
    }

    fn int_float_dict(&mut self, values: &[f64]) {
        self.p.begin_dict(values.len());
        for (e, &v) in values.iter().enumerate() {
            self.p.int(e as i64);
            self.p.float(v);
        }
        self.p.end_dict();
    }

    /// Writes a new `'set@epoch'` string.
    fn eval_key(&mut self, s: usize, e: u32) -> Memo {
        self.key.clear();
        self.key.push_str(SETS[s]);
        self.key.push('@');
        self.key.push_str(&self.epoch_text[e as usize]);
        self.p.str(&self.key)
    }

    #[allow(clippy::too_many_arguments)]
    fn results_count(
        &mut self,
        run: &Run,
        hp: Hp,
        d: usize,
        seed: i64,
        arch_str: &str,
        arch_memo: &mut Option<Memo>,
        seed_memo: &mut Option<Memo>,
    ) {
        self.p.begin_dict(16);
        self.run_field(0);
        self.dataset(d);
        self.run_field(1);
        self.int_float_dict(&run.train_acc);
        self.run_field(2);
        match &run.train_acc5 {
            Some(v) => self.int_float_dict(v),
            None => self.p.none(),
        }
        self.run_field(3);
        self.int_float_dict(&run.train_loss);
        self.run_field(4);
        match &run.train_times {
            TrainTimes::None => self.p.none(),
            TrainTimes::Plain(v) => self.int_float_dict(v),
            TrainTimes::Ordered(t) => {
                let p = &mut self.p;
                p.begin_reduce();
                match self.file.ordered_dict {
                    Some(g) => p.get(g),
                    None => self.file.ordered_dict = Some(p.global("collections", "OrderedDict")),
                }
                p.begin_tuple(0);
                p.end_tuple();
                p.reduce();
                p.begin_items(run.epochs as usize);
                for e in 0..run.epochs {
                    p.int(i64::from(e));
                    p.float(*t);
                }
                p.end_items();
                p.end_reduce();
            }
        }
        self.run_field(5);
        self.p.begin_dict(4);
        for (k, v) in [(0usize, 16i64), (1, 5)] {
            shared(&mut self.p, &mut self.chunk.config_keys[k], CONFIG_KEYS[k]);
            self.p.int(v);
        }
        shared(&mut self.p, &mut self.chunk.config_keys[2], CONFIG_KEYS[2]);
        shared(&mut self.p, arch_memo, arch_str);
        shared(&mut self.p, &mut self.chunk.config_keys[3], CONFIG_KEYS[3]);
        self.p.int(CLASSES[d]);
        self.p.end_dict();
        self.run_field(6);
        self.np_float64(run.params);
        self.run_field(7);
        self.p.float(run.flop);
        self.run_field(8);
        shared(&mut self.p, seed_memo, &format!("{seed:04}"));
        self.run_field(9);
        self.p.int(i64::from(run.epochs));
        self.run_field(10);
        match &run.latency {
            Latency::None => self.p.none(),
            Latency::Numpy(v) => {
                self.p.begin_list(1);
                self.np_float64(*v);
                self.p.end_list();
            }
            Latency::Floats(v) => {
                self.p.begin_list(v.len());
                for &x in v {
                    self.p.float(x);
                }
                self.p.end_list();
            }
        }
        self.run_field(11);
        self.p.begin_list(run.eval_names.len());
        for &s in &run.eval_names {
            match hp {
                Hp::Full => {
                    shared(&mut self.p, &mut self.chunk.old_sets[s], SETS[s]);
                }
                Hp::Less => {
                    self.p.str(SETS[s]);
                }
            }
        }
        self.p.end_list();
        // eval_acc1es, eval_times, eval_losses.
        self.run_field(12);
        self.p.begin_dict(run.eval.len());
        let mut keys = Vec::with_capacity(if hp == Hp::Less { run.eval.len() } else { 0 });
        for &(s, e, acc, _) in &run.eval {
            let k = self.eval_key(s, e);
            if hp == Hp::Less {
                keys.push(k);
            }
            self.p.float(acc);
        }
        self.p.end_dict();
        self.run_field(13);
        match &run.eval_times {
            EvalTimes::Empty => {
                self.p.begin_dict(0);
                self.p.end_dict();
            }
            EvalTimes::Keys(times) => {
                self.p.begin_dict(times.len());
                for (i, &(s, e, t)) in times.iter().enumerate() {
                    match hp {
                        Hp::Less => self.p.get(keys[i]),
                        Hp::Full => {
                            self.eval_key(s, e);
                        }
                    }
                    self.p.float(t);
                }
                self.p.end_dict();
            }
        }
        self.run_field(14);
        self.p.begin_dict(run.eval.len());
        for (i, &(s, e, _, loss)) in run.eval.iter().enumerate() {
            match hp {
                Hp::Less => self.p.get(keys[i]),
                Hp::Full => {
                    self.eval_key(s, e);
                }
            }
            self.p.float(loss);
        }
        self.p.end_dict();
        self.run_field(15);
        self.p.none();
        self.p.end_dict();
    }

    /// A `numpy.float64` as numpy pickles it: `scalar(dtype('f8'), bytes)`, the bytes through
    /// `_codecs.encode(latin-1 text, 'latin1')` (protocol 2 has no bytes opcode).
    fn np_float64(&mut self, v: f64) {
        let style = self.options.numpy;
        let p = &mut self.p;
        let f = &mut self.file;
        p.begin_reduce();
        match f.scalar {
            Some(m) => p.get(m),
            None => f.scalar = Some(p.global(style.module(), "scalar")),
        }
        p.begin_tuple(2);
        match f.dtype {
            Some(m) => p.get(m),
            None => {
                p.begin_reduce();
                p.global("numpy", "dtype");
                p.begin_tuple(3);
                p.str("f8");
                if style == NumpyStyle::Numpy2 {
                    p.bool(false);
                    p.bool(true);
                } else {
                    p.int(0);
                    p.int(1);
                }
                p.end_tuple();
                f.dtype = Some(p.reduce());
                p.begin_tuple(8);
                p.int(3);
                p.str("<");
                p.none();
                p.none();
                p.none();
                p.int(-1);
                p.int(-1);
                p.int(0);
                p.end_tuple();
                p.build();
                p.end_reduce();
            }
        }
        p.begin_reduce();
        match f.encode {
            Some(m) => p.get(m),
            None => f.encode = Some(p.global("_codecs", "encode")),
        }
        p.begin_tuple(2);
        let mut text = String::with_capacity(16);
        text.extend(v.to_le_bytes().iter().map(|&b| char::from(b)));
        p.str(&text);
        shared(p, &mut f.latin1, "latin1");
        p.end_tuple();
        p.reduce();
        p.end_reduce();
        p.end_tuple();
        p.reduce();
        p.end_reduce();
    }
}
