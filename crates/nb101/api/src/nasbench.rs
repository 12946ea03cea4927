//! [`NasBench`]: the official `nasbench.api.NASBench` object's methods over a [`Source`], in
//! its check order, with its values, exceptions, draw and budget counters.

use tnb_pycall::{Arg, Exc, arg_repr};

use crate::config::NUM_REPEATS;
use crate::draw::Draw;
use crate::error::ApiError;
use crate::glue::{self, Spec};
use crate::pyset::set_order;
use crate::source::Source;
use crate::value::Value;
use tnb_nb101_spec::{Checked, Matrix};

/// The metric names of a run dict, in the official key order.
pub const RUN_KEYS: [&str; 8] = tnb_nb101_store::Metric::KEYS;

/// The keys of `query`'s dict after the fixed statistics, in order.
pub const DATA_KEYS: [&str; 4] =
    ["training_time", "train_accuracy", "validation_accuracy", "test_accuracy"];

/// `total_epochs_spent`: an int, or a float once a float epochs (`108.0`) was added.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Epochs {
    /// An int.
    Int(i64),
    /// A float.
    Float(f64),
}

/// The epochs a `query` asked for, after the `in valid_epochs` check: the int key it matched,
/// and how it adds to `total_epochs_spent` (a float stays a float, a bool is an int).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochsArg {
    /// The int it equals (the dict key).
    pub key: i64,
    /// Whether it was a float.
    pub float: bool,
}

/// One answer of [`NasBench::query_row`]: the row and the four metrics, allocation-free.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Data {
    /// The cell's row.
    pub row: u32,
    /// The repeat drawn.
    pub repeat: usize,
    /// `training_time`, `train_accuracy`, `validation_accuracy`, `test_accuracy`.
    pub metrics: [f64; 4],
}

/// The official object over a source: the source plus the budget counters.
#[derive(Debug)]
pub struct NasBench<'s, S: Source> {
    src: &'s S,
    time_spent: f64,
    epochs_spent: Epochs,
}

impl<'s, S: Source> NasBench<'s, S> {
    /// The object over `src`, counters at `(0.0, 0)`.
    pub fn new(src: &'s S) -> Self {
        NasBench { src, time_spent: 0.0, epochs_spent: Epochs::Int(0) }
    }

    /// The source.
    pub fn source(&self) -> &'s S {
        self.src
    }

    /// `epochs in self.valid_epochs`, as Python's `in` on a set of ints decides it: an int
    /// or a bool by value, a float when it equals an int of the set (`108.0`), anything else
    /// hashable is absent, an unhashable value raises `TypeError`.
    pub fn epochs_in(&self, epochs: Arg<'_>) -> Result<Option<EpochsArg>, ApiError> {
        let (key, float) = match epochs {
            Arg::Int(i) => (i, false),
            Arg::Bool(b) => (i64::from(b), false),
            Arg::Float(x) if x.fract() == 0.0 && x.abs() < 9.2e18 => (x as i64, true),
            Arg::Unhashable(s) => {
                return Err(ApiError::py(
                    Exc::TypeError,
                    format!("unhashable type: '{}'", s.type_name),
                ));
            }
            _ => return Ok(None),
        };
        Ok(self.src.valid_epochs().contains(&key).then_some(EpochsArg { key, float }))
    }

    /// The `OutOfDomainError` of epochs not in `valid_epochs`.
    pub fn epochs_error(&self) -> ApiError {
        ApiError::out_of_domain(format!(
            "invalid number of epochs, must be one of {}",
            crate::pyset::set_str(self.src.valid_epochs())
        ))
    }

    /// `_check_spec` then `_hash_spec` then the lookup: the cell's row, or the exception
    /// (`OutOfDomainError`, the 8-vertex `TypeError`, `KeyError(hash)`).
    pub fn row_of_spec(&self, spec: &Spec) -> Result<u32, ApiError> {
        let c = glue::check(spec)?;
        self.row_of_checked(&c)
    }

    /// The lookup of a checked spec: its row, or `KeyError(hash)`.
    pub fn row_of_checked(&self, c: &Checked) -> Result<u32, ApiError> {
        match self.src.row_of_spec(c.matrix, c.labels()) {
            Some(r) => Ok(r),
            None => Err(ApiError::key(format!("'{}'", hex(&c.hash())))),
        }
    }

    /// `is_valid(spec)`: `_check_spec` catching only `OutOfDomainError` (the 8-vertex
    /// `TypeError` escapes). No draw, no budget change.
    pub fn is_valid(&self, spec: &Spec) -> Result<bool, ApiError> {
        match glue::check(spec) {
            Ok(_) => Ok(true),
            Err(e) if e.class() == crate::Class::OutOfDomain => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// [`NasBench::query_row`] of `ModelSpec(matrix, ops)` (the constructor's `ValueError`s and
    /// `_check_spec`'s checks without building a spec: the fast path of a search loop).
    pub fn query_matrix<O: AsRef<str>>(
        &mut self,
        matrix: Matrix,
        ops: &[O],
        epochs: i64,
        stop_halfway: bool,
        draw: &mut dyn Draw,
    ) -> Result<Data, ApiError> {
        let e = match self.epochs_in(Arg::Int(epochs))? {
            Some(e) => e,
            None => return Err(self.epochs_error()),
        };
        let c = tnb_nb101_spec::check_matrix(matrix, ops).map_err(|e| glue::refused(&e))?;
        let row = self.row_of_checked(&c)?;
        self.finish_query(row, e, stop_halfway, &|| epochs.to_string(), draw)
    }

    /// `query(spec, epochs, stop_halfway)` with typed arguments, allocation-free: the checks,
    /// the one draw, the lookups and the budget update of the official method; the answer is
    /// the row and metrics (see [`NasBench::data_value`] for the dict).
    pub fn query_row(
        &mut self,
        spec: &Spec,
        epochs: i64,
        stop_halfway: bool,
        draw: &mut dyn Draw,
    ) -> Result<Data, ApiError> {
        let e = match self.epochs_in(Arg::Int(epochs))? {
            Some(e) => e,
            None => return Err(self.epochs_error()),
        };
        let row = self.row_of_spec(spec)?;
        self.finish_query(row, e, stop_halfway, &|| epochs.to_string(), draw)
    }

    /// The draw, the budget and repeat lookups and the counters of `query`, once the epochs
    /// and the spec passed.
    fn finish_query(
        &mut self,
        row: u32,
        e: EpochsArg,
        stop_halfway: bool,
        epochs_repr: &dyn Fn() -> String,
        draw: &mut dyn Draw,
    ) -> Result<Data, ApiError> {
        let index = draw.randint(0, NUM_REPEATS - 1)?;
        let Some(runs) = self.src.budget(row, e.key) else {
            return Err(ApiError::key(epochs_repr()));
        };
        let len = runs.len() as i64;
        // A list index: negative counts from the end (only a fixed choice can be negative).
        let i = if index < 0 { index + len } else { index };
        if !(0..len).contains(&i) {
            return Err(ApiError::py(Exc::IndexError, "list index out of range"));
        }
        let metrics = self.src.run_half(runs.start + i as usize, stop_halfway);
        self.time_spent += metrics[0];
        let add = if stop_halfway { e.key.div_euclid(2) } else { e.key };
        self.epochs_spent = match (self.epochs_spent, e.float) {
            (Epochs::Int(t), false) => match t.checked_add(add) {
                Some(s) => Epochs::Int(s),
                None => Epochs::Float(t as f64 + add as f64),
            },
            (Epochs::Int(t), true) => Epochs::Float(t as f64 + add as f64),
            (Epochs::Float(t), _) => Epochs::Float(t + add as f64),
        };
        Ok(Data { row, repeat: i as usize, metrics })
    }

    /// `query(model_spec, epochs=108, stop_halfway=False)` as Python calls it: `epochs` any
    /// value, `stop_halfway` by its truth value.
    pub fn query(
        &mut self,
        spec: &Spec,
        epochs: Arg<'_>,
        stop_halfway: bool,
        draw: &mut dyn Draw,
    ) -> Result<Value<'s>, ApiError> {
        let e = match self.epochs_in(epochs)? {
            Some(e) => e,
            None => return Err(self.epochs_error()),
        };
        self.query_checked_epochs(spec, e, epochs, stop_halfway, draw)
    }

    /// `query` after the epochs check passed (`e` is [`NasBench::epochs_in`] of `epochs`).
    pub fn query_checked_epochs(
        &mut self,
        spec: &Spec,
        e: EpochsArg,
        epochs: Arg<'_>,
        stop_halfway: bool,
        draw: &mut dyn Draw,
    ) -> Result<Value<'s>, ApiError> {
        let row = self.row_of_spec(spec)?;
        let d = self.finish_query(row, e, stop_halfway, &|| arg_repr(epochs), draw)?;
        Ok(self.data_value(&d))
    }

    /// `query`'s dict of an answer.
    pub fn data_value(&self, d: &Data) -> Value<'s> {
        let mut items = self.fixed_items(d.row);
        for (k, v) in DATA_KEYS.iter().zip(d.metrics) {
            items.push((Value::str(k), Value::Float(v)));
        }
        Value::Dict(items)
    }

    fn fixed_items(&self, row: u32) -> Vec<(Value<'s>, Value<'s>)> {
        let (n, bits) = self.src.adjacency(row);
        let n = usize::from(n);
        let data = (0..n * n).map(|i| ((bits >> i) & 1) as i8).collect();
        let mut ops = Vec::new();
        self.src.operations(row, &mut |op| ops.push(Value::Str(op.to_owned().into())));
        vec![
            (Value::str("module_adjacency"), Value::Adjacency { n, data }),
            (Value::str("module_operations"), Value::List(ops)),
            (
                Value::str("trainable_parameters"),
                Value::Int(i64::from(self.src.trainable_parameters(row))),
            ),
        ]
    }

    /// `(fixed_stat, computed_stat)` of a row: what `get_metrics_from_hash` returns.
    pub fn metrics_value(&self, row: u32) -> Value<'s> {
        let fixed = Value::Dict(self.fixed_items(row));
        let mut computed = Vec::new();
        self.src.budgets(row, &mut |b| {
            let runs = b
                .runs
                .map(|i| {
                    let r = self.src.run(i);
                    let vals = r.halfway.iter().chain(&r.final_);
                    Value::Dict(
                        RUN_KEYS
                            .iter()
                            .zip(vals)
                            .map(|(k, v)| (Value::str(k), Value::Float(*v)))
                            .collect(),
                    )
                })
                .collect();
            computed.push((Value::Int(b.epochs), Value::List(runs)));
        });
        Value::Tuple(vec![fixed, Value::Dict(computed)])
    }

    /// The row of a `module_hash` argument (a dict lookup: a str must be the exact key; an
    /// unhashable value raises `TypeError`, anything else `KeyError` of its `repr`).
    pub fn row_of_hash_arg(&self, h: Arg<'_>) -> Result<u32, ApiError> {
        if let Arg::Unhashable(s) = h {
            return Err(ApiError::py(
                Exc::TypeError,
                format!("unhashable type: '{}'", s.type_name),
            ));
        }
        let row = match h {
            Arg::Str(s) => parse_hex(s).and_then(|b| self.src.row_of_hash(&b)),
            _ => None,
        };
        row.ok_or_else(|| ApiError::key(arg_repr(h)))
    }

    /// `get_metrics_from_hash(module_hash)`.
    pub fn get_metrics_from_hash(&self, h: Arg<'_>) -> Result<Value<'s>, ApiError> {
        Ok(self.metrics_value(self.row_of_hash_arg(h)?))
    }

    /// `get_metrics_from_spec(model_spec)`.
    pub fn get_metrics_from_spec(&self, spec: &Spec) -> Result<Value<'s>, ApiError> {
        Ok(self.metrics_value(self.row_of_spec(spec)?))
    }

    /// `hash_iterator()`: the `dict_keys` of every hash, in first-appearance order.
    pub fn hash_iterator(&self) -> Value<'s> {
        Value::Keys(
            (0..self.src.cells() as u32)
                .map(|r| Value::Str(hex(&self.src.hash(r)).into()))
                .collect(),
        )
    }

    /// `get_budget_counters()`: `(training_time_spent, total_epochs_spent)`.
    pub fn budget_counters(&self) -> (f64, Epochs) {
        (self.time_spent, self.epochs_spent)
    }

    /// [`NasBench::budget_counters`] as the tuple Python returns.
    pub fn get_budget_counters(&self) -> Value<'s> {
        let e = match self.epochs_spent {
            Epochs::Int(i) => Value::Int(i),
            Epochs::Float(x) => Value::Float(x),
        };
        Value::Tuple(vec![Value::Float(self.time_spent), e])
    }

    /// `reset_budget_counters()`.
    pub fn reset_budget_counters(&mut self) {
        self.time_spent = 0.0;
        self.epochs_spent = Epochs::Int(0);
    }

    /// The `valid_epochs` attribute: a set, in Python's iteration order.
    pub fn valid_epochs(&self) -> Value<'s> {
        Value::Set(set_order(self.src.valid_epochs()).into_iter().map(Value::Int).collect())
    }
}

/// A hash as its 32 lowercase hex digits.
pub fn hex(h: &[u8; 16]) -> String {
    let mut s = String::with_capacity(32);
    for b in h {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The 16 bytes of exactly 32 lowercase hex digits (the only form a key of the file has).
pub fn parse_hex(s: &str) -> Option<[u8; 16]> {
    let b = s.as_bytes();
    if b.len() != 32 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 16];
    for (i, o) in out.iter_mut().enumerate() {
        *o = (digit(b[2 * i])? << 4) | digit(b[2 * i + 1])?;
    }
    Some(out)
}
