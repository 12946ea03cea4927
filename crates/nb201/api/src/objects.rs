//! The methods and attributes of the `ArchResults` and `ResultsCount` objects the queries
//! return, by reference ([`ResultsRef`], [`RunRef`]).

use tnb_pycall::{Arg, Exc};

use crate::api::{Io, Nb201, Session};
use crate::error::ApiError;
use crate::results;
use crate::run;
use crate::source::{Source, Table, TableKey, TableKind};
use crate::value::{ResultsRef, RunRef, Value};

/// The attribute names of a `ResultsCount`, in its `__dict__` order.
pub const RESULTS_COUNT_ATTRS: [&str; 16] = tnb_schema::nb201::codes::RESULT_KEYS;

/// The attribute names of an `ArchResults`, in its `__dict__` order.
pub const ARCH_RESULTS_ATTRS: [&str; 5] = tnb_schema::nb201::codes::ARCH_KEYS;

impl<'s, S: Source> Nb201<'s, S> {
    fn run_of(&self, at: RunRef) -> Result<S::Run, ApiError> {
        let r = self.results_of(at.results)?;
        if at.run >= self.src.run_count(r) {
            return Err(ApiError::new(Exc::IndexError, "no such run"));
        }
        Ok(self.src.run(r, at.run))
    }

    /// `ArchResults.get_compute_costs(dataset)`.
    pub fn ar_get_compute_costs(
        &self,
        at: ResultsRef,
        dataset: Arg<'_>,
    ) -> Result<Value<'s>, ApiError> {
        results::get_compute_costs(self.src, self.results_of(at)?, dataset, self.mode())
    }

    /// `ArchResults.get_metrics(dataset, setname, iepoch=None, is_random=False)` (a dict).
    pub fn ar_get_metrics(
        &self,
        at: ResultsRef,
        dataset: Arg<'_>,
        setname: Arg<'_>,
        iepoch: Option<Arg<'_>>,
        is_random: Option<Arg<'_>>,
        io: &mut Io<'_>,
    ) -> Result<Value<'static>, ApiError> {
        let r = self.results_of(at)?;
        let d = results::get_metrics(
            self.src,
            r,
            dataset,
            setname,
            iepoch,
            is_random,
            self.mode(),
            io.draw,
        )?;
        Ok(Value::Dict(d.into_iter().map(|(k, v)| (Value::str(k), v)).collect()))
    }

    /// `ArchResults.get_dataset_names()`.
    pub fn ar_get_dataset_names(&self, at: ResultsRef) -> Result<Value<'s>, ApiError> {
        Ok(results::get_dataset_names(self.src, self.results_of(at)?))
    }

    /// `ArchResults.get_dataset_seeds(dataset)`.
    pub fn ar_get_dataset_seeds(
        &self,
        at: ResultsRef,
        dataset: Arg<'_>,
    ) -> Result<Vec<i64>, ApiError> {
        results::get_dataset_seeds(self.src, self.results_of(at)?, dataset)
    }

    /// `ArchResults.get_latency(dataset)`.
    pub fn ar_get_latency(
        &self,
        at: ResultsRef,
        dataset: Arg<'_>,
    ) -> Result<Value<'static>, ApiError> {
        Ok(results::get_latency(self.src, self.results_of(at)?, dataset, self.mode())?.into())
    }

    /// `ArchResults.get_total_epoch(dataset=None)`.
    pub fn ar_get_total_epoch(
        &self,
        at: ResultsRef,
        dataset: Option<Arg<'_>>,
    ) -> Result<i64, ApiError> {
        results::get_total_epoch(self.src, self.results_of(at)?, dataset)
    }

    /// `ArchResults.query(dataset, seed=None)`.
    pub fn ar_query(
        &self,
        at: ResultsRef,
        dataset: Arg<'_>,
        seed: Option<Arg<'_>>,
    ) -> Result<Value<'s>, ApiError> {
        results::query(self.src, self.results_of(at)?, at, dataset, seed)
    }

    /// `ArchResults.get_net_param(dataset, seed=None)`.
    pub fn ar_get_net_param(
        &self,
        at: ResultsRef,
        dataset: Arg<'_>,
        seed: Option<Arg<'_>>,
    ) -> Result<Value<'s>, ApiError> {
        results::get_net_param(self.src, self.results_of(at)?, dataset, seed)
    }

    /// `ArchResults.arch_idx_str()`.
    pub fn ar_arch_idx_str(&self, at: ResultsRef) -> Result<String, ApiError> {
        Ok(results::arch_idx_str(self.src, self.results_of(at)?))
    }

    /// `repr(ArchResults)` (`clear=` after the session's `clear_params`).
    pub fn ar_repr(&self, at: ResultsRef, session: &Session) -> Result<String, ApiError> {
        Ok(results::repr(self.src, self.results_of(at)?, self.clear_net_done(at, session)))
    }

    /// `ArchResults.show()`: `NameError` (an upstream bug).
    pub fn ar_show(&self) -> ApiError {
        results::show()
    }

    /// An attribute of an `ArchResults` ([`ARCH_RESULTS_ATTRS`]); `all_results` maps
    /// `(dataset, seed)` tuples to `ResultsCount` objects.
    pub fn ar_attr(
        &self,
        at: ResultsRef,
        name: &str,
        session: &Session,
    ) -> Result<Value<'s>, ApiError> {
        let src = self.src;
        let r = self.results_of(at)?;
        Ok(match name {
            "arch_index" => Value::Int(src.arch_index_of(r)),
            "arch_str" => Value::str(src.arch_str(r)),
            "clear_net_done" => Value::Bool(self.clear_net_done(at, session)),
            "dataset_seed" => Value::Dict(
                (0..src.dataset_count(r))
                    .map(|d| {
                        let seeds =
                            (0..src.seed_count(r, d)).map(|k| Value::Int(src.seed(r, d, k)));
                        (Value::str(src.dataset_name(r, d)), Value::List(seeds.collect()))
                    })
                    .collect(),
            ),
            "all_results" => Value::Dict(
                (0..src.run_count(r))
                    .map(|j| {
                        let (d, s) = src.run_key(r, j);
                        let key = Value::Tuple(vec![Value::str(d), Value::Int(s)]);
                        (key, Value::ResultsCount(RunRef { results: at, run: j }))
                    })
                    .collect(),
            ),
            other => return Err(no_attr("ArchResults", other)),
        })
    }

    /// `ResultsCount.get_train(iepoch=None)`.
    pub fn rc_get_train(
        &self,
        at: RunRef,
        iepoch: Option<Arg<'_>>,
    ) -> Result<Value<'static>, ApiError> {
        Ok(run::get_train(self.src, self.run_of(at)?, iepoch, self.mode())?.to_value())
    }

    /// `ResultsCount.get_eval(name, iepoch=None)`.
    pub fn rc_get_eval(
        &self,
        at: RunRef,
        name: Arg<'_>,
        iepoch: Option<Arg<'_>>,
    ) -> Result<Value<'static>, ApiError> {
        Ok(run::get_eval(self.src, self.run_of(at)?, name, iepoch, self.mode())?.to_value())
    }

    /// `ResultsCount.get_times()`.
    pub fn rc_get_times(&self, at: RunRef) -> Result<Value<'static>, ApiError> {
        let t = run::get_times(self.src, self.run_of(at)?, self.mode());
        Ok(Value::Dict(t.into_iter().map(|(k, v)| (Value::Str(k.into()), v.into())).collect()))
    }

    /// `ResultsCount.get_latency()`.
    pub fn rc_get_latency(&self, at: RunRef) -> Result<Value<'static>, ApiError> {
        Ok(run::get_latency(self.src, self.run_of(at)?, self.mode())?.into())
    }

    /// `ResultsCount.get_eval_set()` (the `eval_names` list).
    pub fn rc_get_eval_set(&self, at: RunRef) -> Result<Value<'s>, ApiError> {
        self.rc_attr(at, "eval_names")
    }

    /// `ResultsCount.get_total_epoch()`.
    pub fn rc_get_total_epoch(&self, at: RunRef) -> Result<i64, ApiError> {
        Ok(self.src.epochs(self.run_of(at)?))
    }

    /// `ResultsCount.get_config(str2structure)`; with `structure` the value under
    /// `'genotype'` is the string the binding passes to its `str2structure`.
    pub fn rc_get_config(&self, at: RunRef, structure: bool) -> Result<Value<'s>, ApiError> {
        run::get_config(self.src, self.run_of(at)?, structure)
    }

    /// `repr(ResultsCount)`.
    pub fn rc_repr(&self, at: RunRef) -> Result<String, ApiError> {
        run::repr(self.src, self.run_of(at)?)
    }

    /// An attribute of a `ResultsCount` ([`RESULTS_COUNT_ATTRS`]) as Python holds it (tables
    /// as dicts in key order; `net_state_dict` is `None`).
    pub fn rc_attr(&self, at: RunRef, name: &str) -> Result<Value<'s>, ApiError> {
        let src = self.src;
        let x = self.run_of(at)?;
        let table = |t: Table| -> Value<'s> {
            if src.table_kind(x, t) == TableKind::None {
                return Value::None;
            }
            Value::Dict(
                (0..src.table_len(x, t))
                    .map(|p| {
                        let k = match src.table_key(x, t, p) {
                            TableKey::Int(i) => Value::Int(i),
                            TableKey::Str(s) => Value::str(s),
                        };
                        (k, src.table_value(x, t, p).into())
                    })
                    .collect(),
            )
        };
        Ok(match name {
            "name" => Value::str(src.name(x)),
            "seed" => src.seed_attr(x).into(),
            "epochs" => Value::Int(src.epochs(x)),
            "flop" => src.flop(x).into(),
            "params" => src.params(x).into(),
            "latency" => match src.latency_len(x) {
                None => Value::None,
                Some(n) => Value::List((0..n).map(|k| src.latency(x, k).into()).collect()),
            },
            "eval_names" => Value::List(
                (0..src.eval_name_count(x)).map(|k| Value::str(src.eval_name(x, k))).collect(),
            ),
            "arch_config" => Value::Dict(
                (0..src.arch_config_len(x))
                    .map(|k| {
                        let (key, v) = src.arch_config_item(x, k);
                        (Value::str(key), v.into())
                    })
                    .collect(),
            ),
            "net_state_dict" => Value::None,
            "train_acc1es" => table(Table::TrainAcc1es),
            "train_acc5es" => table(Table::TrainAcc5es),
            "train_losses" => table(Table::TrainLosses),
            "train_times" => table(Table::TrainTimes),
            "eval_acc1es" => table(Table::EvalAcc1es),
            "eval_losses" => table(Table::EvalLosses),
            "eval_times" => table(Table::EvalTimes),
            other => return Err(no_attr("ResultsCount", other)),
        })
    }
}

fn no_attr(class: &str, name: &str) -> ApiError {
    ApiError::new(
        Exc::AttributeError,
        format!(
            "'{class}' object has no attribute {}",
            tnb_pycall::py_repr_str(&tnb_pycall::short(name))
        ),
    )
}
