//! The structure of the benchmark object, and which strings are shared Python objects.
//!
//! ```text
//! {'task_list': [task, ...],
//!  'metrics_dict': {task: [metric, ...], ...},
//!  'info_names': [info, ...],
//!  'data': {'macro': {arch: {task: {'total_epochs': E,
//!                                   'model_info': {info: value, ...},
//!                                   'metrics': {metric: [value per epoch], ...}}}},
//!           'micro': {...}}}
//! ```
//!
//! In the real file the object was built by Python loops over the same name lists, so task,
//! metric and info names, and the keys `total_epochs`, `model_info` and `metrics`, are each one
//! string object used everywhere (the pickle writes them once and then memo gets); equal metric
//! names of different tasks are one object too (as interned literals are). The empty string is
//! a singleton in CPython, so `""` infos are one object as well. Architecture keys, the result
//! dicts and lists, and each `time_elapsed` string are fresh objects. `metrics_dict` holds a
//! separate list per task.
//!
//! The layout is written once, against the [`Sink`] trait, so the fast streaming pickle and the
//! in-memory [`Value`] tree the tests compare with cannot disagree.

use tnb_pthwrite::{Memo, Pickler, Value};

use crate::model::{self, Columns, TaskModel, TaskValues, Traits};
use crate::{INFO_NAMES, InfoMode, TaskSpec, TimeFormat};

/// Receives the object depth-first, one Python object per call.
pub(crate) trait Sink {
    /// How the sink refers back to a string object it already has.
    type Name: Copy;
    /// A shared string object: created on first use (its handle kept in `slot`), reused after.
    fn name(&mut self, slot: &mut Option<Self::Name>, s: &str);
    /// A new string object.
    fn fresh_str(&mut self, s: &str);
    fn int(&mut self, v: i64);
    fn float(&mut self, v: f64);
    fn begin_dict(&mut self, len: usize);
    fn end_dict(&mut self);
    fn begin_list(&mut self, len: usize);
    fn end_list(&mut self);
}

impl Sink for Pickler {
    type Name = Memo;

    fn name(&mut self, slot: &mut Option<Memo>, s: &str) {
        match slot {
            Some(m) => self.get(*m),
            None => *slot = Some(self.str(s)),
        }
    }
    fn fresh_str(&mut self, s: &str) {
        self.str(s);
    }
    fn int(&mut self, v: i64) {
        Pickler::int(self, v);
    }
    fn float(&mut self, v: f64) {
        Pickler::float(self, v);
    }
    fn begin_dict(&mut self, len: usize) {
        Pickler::begin_dict(self, len);
    }
    fn end_dict(&mut self) {
        Pickler::end_dict(self);
    }
    fn begin_list(&mut self, len: usize) {
        Pickler::begin_list(self, len);
    }
    fn end_list(&mut self) {
        Pickler::end_list(self);
    }
}

/// Builds a [`Value`] tree, with shared names as shared `Rc`s.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    stack: Vec<(bool, Vec<Value>)>,
    shared: Vec<Value>,
    root: Option<Value>,
}

impl Tree {
    fn push(&mut self, v: Value) {
        match self.stack.last_mut() {
            Some((_, items)) => items.push(v),
            None => self.root = Some(v),
        }
    }

    fn close(&mut self) {
        let Some((is_dict, items)) = self.stack.pop() else { return };
        let v = if is_dict {
            let mut pairs = Vec::with_capacity(items.len() / 2);
            let mut it = items.into_iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                pairs.push((k, v));
            }
            Value::dict(pairs)
        } else {
            Value::list(items)
        };
        self.push(v);
    }

    pub(crate) fn into_value(self) -> Value {
        self.root.unwrap_or(Value::None)
    }
}

impl Sink for Tree {
    type Name = usize;

    fn name(&mut self, slot: &mut Option<usize>, s: &str) {
        let v = match slot {
            Some(i) => self.shared[*i].clone(),
            None => {
                let v = Value::str(s);
                *slot = Some(self.shared.len());
                self.shared.push(v.clone());
                v
            }
        };
        self.push(v);
    }
    fn fresh_str(&mut self, s: &str) {
        self.push(Value::str(s));
    }
    fn int(&mut self, v: i64) {
        self.push(Value::Int(v));
    }
    fn float(&mut self, v: f64) {
        self.push(Value::Float(v));
    }
    fn begin_dict(&mut self, len: usize) {
        self.stack.push((true, Vec::with_capacity(2 * len)));
    }
    fn end_dict(&mut self) {
        self.close();
    }
    fn begin_list(&mut self, len: usize) {
        self.stack.push((false, Vec::with_capacity(len)));
    }
    fn end_list(&mut self) {
        self.close();
    }
}

/// One task as it will be written.
#[derive(Debug)]
pub(crate) struct Task {
    pub(crate) spec: &'static TaskSpec,
    /// Position in the full task list (keys the random streams).
    pub(crate) index: usize,
    pub(crate) epochs: usize,
    model: &'static TaskModel,
    columns: Columns,
    /// For each metric, its index among all distinct metric names.
    name_ids: Vec<usize>,
}

/// Everything the writer needs, resolved from the options.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) tasks: Vec<Task>,
    /// Distinct metric names in order of first appearance.
    metric_names: Vec<&'static str>,
    /// (global index, arch, its string); macro archs first.
    pub(crate) archs: Vec<(usize, tnb_arch::Arch, String)>,
    pub(crate) n_macro: usize,
    pub(crate) seed: u64,
    pub(crate) time: TimeFormat,
    pub(crate) info: InfoMode,
}

impl Plan {
    pub(crate) fn new(
        specs: &'static [TaskSpec],
        epoch_cap: Option<u32>,
        archs: Vec<(usize, tnb_arch::Arch, String)>,
        n_macro: usize,
        seed: u64,
        time: TimeFormat,
        info: InfoMode,
    ) -> Plan {
        let mut metric_names: Vec<&'static str> = Vec::new();
        let tasks = specs
            .iter()
            .enumerate()
            .map(|(index, spec)| {
                let name_ids = spec
                    .metrics
                    .iter()
                    .map(|m| {
                        metric_names.iter().position(|n| n == m).unwrap_or_else(|| {
                            metric_names.push(m);
                            metric_names.len() - 1
                        })
                    })
                    .collect();
                let epochs = epoch_cap.map_or(spec.epochs, |cap| cap.min(spec.epochs)) as usize;
                Task {
                    spec,
                    index,
                    epochs,
                    model: model::task_model(spec.name),
                    columns: Columns::new(spec.metrics),
                    name_ids,
                }
            })
            .collect();
        Plan { tasks, metric_names, archs, n_macro, seed, time, info }
    }

    /// A generous estimate of the pickle's size, to allocate it once.
    pub(crate) fn estimated_bytes(&self) -> usize {
        let per_arch: usize = self
            .tasks
            .iter()
            .map(|t| {
                let m = t.spec.metrics.len();
                let time = match self.time {
                    TimeFormat::String => 20,
                    TimeFormat::Float => 9,
                };
                m * 12 + (m - 1) * t.epochs * 9 + t.epochs * time + 128
            })
            .sum::<usize>()
            + 64;
        4096 + self.archs.len() * per_arch
    }

    /// Writes the whole object; `progress` is told the number of archs written so far.
    pub(crate) fn emit<S: Sink>(&self, sink: &mut S, progress: &mut dyn FnMut(usize)) {
        let k = self.tasks.len();
        let mut task_slots: Vec<Option<S::Name>> = vec![None; k];
        let mut metric_slots: Vec<Option<S::Name>> = vec![None; self.metric_names.len()];
        let mut info_slots: [Option<S::Name>; 5] = [None; 5];
        let (mut epochs_key, mut info_key, mut metrics_key) = (None, None, None);
        let mut empty = None;

        sink.begin_dict(4);
        sink.fresh_str("task_list");
        sink.begin_list(k);
        for (t, slot) in self.tasks.iter().zip(task_slots.iter_mut()) {
            sink.name(slot, t.spec.name);
        }
        sink.end_list();

        sink.fresh_str("metrics_dict");
        sink.begin_dict(k);
        for (t, slot) in self.tasks.iter().zip(task_slots.iter_mut()) {
            sink.name(slot, t.spec.name);
            sink.begin_list(t.spec.metrics.len());
            for (&id, name) in t.name_ids.iter().zip(t.spec.metrics) {
                sink.name(&mut metric_slots[id], name);
            }
            sink.end_list();
        }
        sink.end_dict();

        sink.fresh_str("info_names");
        sink.begin_list(INFO_NAMES.len());
        for (name, slot) in INFO_NAMES.iter().zip(info_slots.iter_mut()) {
            sink.name(slot, name);
        }
        sink.end_list();

        sink.fresh_str("data");
        sink.begin_dict(2);
        let mut values = TaskValues::default();
        let mut text = String::new();
        let mut done = 0;
        for (space, range) in
            [("macro", 0..self.n_macro), ("micro", self.n_macro..self.archs.len())]
        {
            sink.fresh_str(space);
            sink.begin_dict(range.len());
            for (index, arch, arch_name) in &self.archs[range] {
                let traits: Traits = model::traits(arch, self.seed, *index);
                sink.fresh_str(arch_name);
                sink.begin_dict(k);
                for (t, slot) in self.tasks.iter().zip(task_slots.iter_mut()) {
                    sink.name(slot, t.spec.name);
                    let n = t.spec.metrics.len();
                    let info = model::generate(
                        &traits,
                        t.model,
                        &t.columns,
                        n,
                        t.epochs,
                        self.seed,
                        *index,
                        t.index,
                        &mut values,
                    );
                    sink.begin_dict(3);
                    sink.name(&mut epochs_key, "total_epochs");
                    sink.int(t.epochs as i64);

                    sink.name(&mut info_key, "model_info");
                    sink.begin_dict(INFO_NAMES.len());
                    for (i, slot) in info_slots.iter_mut().enumerate() {
                        sink.name(slot, INFO_NAMES[i]);
                        let number = match i {
                            0 => {
                                sink.float(info.inference_time);
                                continue;
                            }
                            1 => info.encoder_params,
                            2 => info.model_params,
                            3 => info.model_flops,
                            _ => info.encoder_flops,
                        };
                        match self.info {
                            InfoMode::Numbers => sink.int(number),
                            InfoMode::Empty => sink.name(&mut empty, ""),
                        }
                    }
                    sink.end_dict();

                    sink.name(&mut metrics_key, "metrics");
                    sink.begin_dict(n);
                    for (m, (&id, name)) in t.name_ids.iter().zip(t.spec.metrics).enumerate() {
                        sink.name(&mut metric_slots[id], name);
                        sink.begin_list(t.epochs);
                        if *name == "time_elapsed" {
                            for &secs in &values.elapsed {
                                match self.time {
                                    TimeFormat::String => {
                                        model::hms(secs, &mut text);
                                        sink.fresh_str(&text);
                                    }
                                    TimeFormat::Float => sink.float(secs),
                                }
                            }
                        } else {
                            for &v in &values.values[m * t.epochs..(m + 1) * t.epochs] {
                                sink.float(v);
                            }
                        }
                        sink.end_list();
                    }
                    sink.end_dict();
                    sink.end_dict();
                }
                sink.end_dict();
                done += 1;
                progress(done);
            }
            sink.end_dict();
        }
        sink.end_dict();
        sink.end_dict();
    }
}
