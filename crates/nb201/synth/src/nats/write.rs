//! Pickling NATS-Bench objects (protocol 4) with the memo sharing of the real files
//! (nats-layout.md §3, checked opcode by opcode against the samples):
//! - once per pickle: the `OrderedDict` class, numpy's `scalar` and the float64 dtype (with
//!   numpy 1.x's int dtype args `('f8', 0, 1)`);
//! - once per arch: the attribute and key names, the dataset names (tuple keys and `name`),
//!   the arch string (`arch_str`, `arch_config`; sss also `channels`), sss's config name;
//!   per checkpoint: the seed string (`'0777'`), shared by its datasets;
//! - new-format results: new `eval_names` strings; old-format ones share theirs (per arch);
//! - new-format results: each `'set@epoch'` string serves `eval_acc1es`, `eval_times` and
//!   `eval_losses`; old-format (tss `'200'`) results: each dict has its own strings;
//! - nothing else: no container is shared.
//!
//! In the single benchmark file the per-arch objects are those of the `-simple` files (the
//! released file was assembled from them), so only the per-pickle objects are shared across
//! archs.

use tnb_pthwrite::{Memo, Pickler};
use tnb_schema::nb201::codes::{ARCH_KEYS, RESULT_KEYS};

use crate::nats::Space;
use crate::nats::model::{ArchModel, CLASSES, DATASETS, Run, SETS, SSS_GENOTYPE, hps};

/// Objects written once per pickle.
#[derive(Default)]
pub(crate) struct Globals {
    ordered_dict: Option<Memo>,
    scalar: Option<Memo>,
    dtype: Option<Memo>,
}

/// Strings written once per arch.
#[derive(Default)]
struct ArchMemo {
    arch_keys: [Option<Memo>; 5],
    result_keys: [Option<Memo>; 16],
    datasets: [Option<Memo>; 4],
    /// tss: `channel`, `num_cells`, `class_num`; sss: `infer.shape.tiny`, `channels`,
    /// `genotype`, `class_num`.
    config: [Option<Memo>; 4],
    arch_str: Option<Memo>,
    /// Old-format `eval_names` strings (shared by the arch's old-format results).
    old_sets: [Option<Memo>; 3],
}

/// Strings written once per checkpoint (shared by its datasets' results).
#[derive(Default)]
struct CheckpointMemo {
    seed: Option<Memo>,
    /// sss's genotype string.
    genotype: Option<Memo>,
}

/// Writes `s` the first time, a memo get afterwards.
fn shared(p: &mut Pickler, slot: &mut Option<Memo>, s: &str) {
    match *slot {
        Some(m) => p.get(m),
        None => *slot = Some(p.str(s)),
    }
}

/// Writes one arch's `OrderedDict{hp: ArchResults state}` into `p`.
pub(crate) struct ArchWriter<'a> {
    p: &'a mut Pickler,
    g: &'a mut Globals,
    m: ArchMemo,
    space: Space,
    key: String,
}

impl<'a> ArchWriter<'a> {
    pub(crate) fn new(p: &'a mut Pickler, g: &'a mut Globals, space: Space) -> ArchWriter<'a> {
        ArchWriter { p, g, m: ArchMemo::default(), space, key: String::with_capacity(16) }
    }

    /// The arch's object (`arch_str` is its string in the meta list).
    pub(crate) fn arch(&mut self, model: &ArchModel, arch_str: &str) {
        let hps = hps(self.space);
        self.p.begin_reduce();
        match self.g.ordered_dict {
            Some(m) => self.p.get(m),
            None => self.g.ordered_dict = Some(self.p.global("collections", "OrderedDict")),
        }
        self.p.begin_tuple(0);
        self.p.end_tuple();
        self.p.reduce();
        self.p.begin_items(hps.len());
        for (h, hp) in hps.iter().enumerate() {
            self.p.str(hp.key);
            self.arch_results(model, h, arch_str);
        }
        self.p.end_items();
        self.p.end_reduce();
    }

    fn arch_key(&mut self, k: usize) {
        shared(self.p, &mut self.m.arch_keys[k], ARCH_KEYS[k]);
    }

    fn result_key(&mut self, k: usize) {
        shared(self.p, &mut self.m.result_keys[k], RESULT_KEYS[k]);
    }

    fn dataset(&mut self, d: usize) {
        shared(self.p, &mut self.m.datasets[d], DATASETS[d]);
    }

    fn arch_str(&mut self, s: &str) {
        shared(self.p, &mut self.m.arch_str, s);
    }

    fn arch_results(&mut self, model: &ArchModel, h: usize, arch_str: &str) {
        let hp = hps(self.space)[h];
        let checkpoints = &model.checkpoints[h];
        let n_runs: usize = checkpoints.iter().map(|c| c.datasets.len()).sum();
        self.p.begin_dict(5);
        self.arch_key(0);
        self.p.int(model.index as i64);
        self.arch_key(1);
        self.arch_str(arch_str);
        self.arch_key(2);
        self.p.begin_dict(n_runs);
        for c in checkpoints {
            let mut cm = CheckpointMemo::default();
            for &d in &c.datasets {
                self.p.begin_tuple(2);
                self.dataset(d);
                self.p.int(c.seed);
                self.p.end_tuple();
                let run = model.run(h, &hp, d, c.seed);
                self.results_count(&run, hp.old, d, c.seed, arch_str, &mut cm);
            }
        }
        self.p.end_dict();
        self.arch_key(3);
        let ds = model.dataset_seed(h);
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
        self.arch_key(4);
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
        use std::fmt::Write;
        self.key.clear();
        let _ = write!(self.key, "{}@{e}", SETS[s]);
        self.p.str(&self.key)
    }

    fn arch_config(&mut self, d: usize, arch_str: &str, genotype: &mut Option<Memo>) {
        match self.space {
            Space::Tss => {
                self.p.begin_dict(4);
                shared(self.p, &mut self.m.config[0], "channel");
                self.p.int(16);
                shared(self.p, &mut self.m.config[1], "num_cells");
                self.p.int(5);
                self.arch_key(1);
                self.arch_str(arch_str);
                shared(self.p, &mut self.m.config[3], "class_num");
            }
            Space::Sss => {
                self.p.begin_dict(5);
                self.result_key(0);
                shared(self.p, &mut self.m.config[0], "infer.shape.tiny");
                shared(self.p, &mut self.m.config[1], "channels");
                self.arch_str(arch_str);
                self.arch_key(1);
                self.arch_str(arch_str);
                shared(self.p, &mut self.m.config[2], "genotype");
                shared(self.p, genotype, SSS_GENOTYPE);
                shared(self.p, &mut self.m.config[3], "class_num");
            }
        }
        self.p.int(CLASSES[d]);
        self.p.end_dict();
    }

    fn results_count(
        &mut self,
        run: &Run,
        old: bool,
        d: usize,
        seed: i64,
        arch_str: &str,
        cm: &mut CheckpointMemo,
    ) {
        self.p.begin_dict(16);
        self.result_key(0);
        self.dataset(d);
        self.result_key(1);
        self.int_float_dict(&run.train_acc);
        self.result_key(2);
        match &run.train_acc5 {
            Some(v) => self.int_float_dict(v),
            None => self.p.none(),
        }
        self.result_key(3);
        self.int_float_dict(&run.train_loss);
        self.result_key(4);
        self.p.begin_reduce();
        match self.g.ordered_dict {
            Some(m) => self.p.get(m),
            None => self.g.ordered_dict = Some(self.p.global("collections", "OrderedDict")),
        }
        self.p.begin_tuple(0);
        self.p.end_tuple();
        self.p.reduce();
        self.p.begin_items(run.epochs as usize);
        for e in 0..run.epochs {
            self.p.int(i64::from(e));
            self.p.float(run.train_time);
        }
        self.p.end_items();
        self.p.end_reduce();
        self.result_key(5);
        self.arch_config(d, arch_str, &mut cm.genotype);
        self.result_key(6);
        self.np_float64(run.params);
        self.result_key(7);
        self.p.float(run.flop);
        self.result_key(8);
        shared(self.p, &mut cm.seed, &format!("{seed:04}"));
        self.result_key(9);
        self.p.int(i64::from(run.epochs));
        self.result_key(10);
        self.p.begin_list(1);
        self.np_float64(run.latency);
        self.p.end_list();
        self.result_key(11);
        self.p.begin_list(run.eval_names.len());
        for &s in &run.eval_names {
            if old {
                shared(self.p, &mut self.m.old_sets[s], SETS[s]);
            } else {
                self.p.str(SETS[s]);
            }
        }
        self.p.end_list();
        self.result_key(12);
        self.p.begin_dict(run.eval.len());
        let mut keys = Vec::with_capacity(if old { 0 } else { run.eval.len() });
        for &(s, e, acc, _) in &run.eval {
            let k = self.eval_key(s, e);
            if !old {
                keys.push(k);
            }
            self.p.float(acc);
        }
        self.p.end_dict();
        self.result_key(13);
        self.p.begin_dict(run.eval_times.len());
        for (i, &(s, e, t)) in run.eval_times.iter().enumerate() {
            if old {
                self.eval_key(s, e);
            } else {
                self.p.get(keys[i]);
            }
            self.p.float(t);
        }
        self.p.end_dict();
        self.result_key(14);
        self.p.begin_dict(run.eval.len());
        for (i, &(s, e, _, loss)) in run.eval.iter().enumerate() {
            if old {
                self.eval_key(s, e);
            } else {
                self.p.get(keys[i]);
            }
            self.p.float(loss);
        }
        self.p.end_dict();
        self.result_key(15);
        self.p.none();
        self.p.end_dict();
    }

    /// `numpy.float64(v)` as numpy 1.x pickles it with protocol 4:
    /// `scalar(dtype('f8', 0, 1) + BUILD state, SHORT_BINBYTES little-endian)`.
    fn np_float64(&mut self, v: f64) {
        let p = &mut *self.p;
        let g = &mut *self.g;
        p.begin_reduce();
        match g.scalar {
            Some(m) => p.get(m),
            None => g.scalar = Some(p.global("numpy.core.multiarray", "scalar")),
        }
        p.begin_tuple(2);
        match g.dtype {
            Some(m) => p.get(m),
            None => {
                p.begin_reduce();
                p.global("numpy", "dtype");
                p.begin_tuple(3);
                p.str("f8");
                p.int(0);
                p.int(1);
                p.end_tuple();
                g.dtype = Some(p.reduce());
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
        p.bytes(&v.to_le_bytes());
        p.end_tuple();
        p.reduce();
        p.end_reduce();
    }
}
