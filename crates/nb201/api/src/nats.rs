//! The NATS-Bench v1.8 methods whose steps differ from NAS-Bench-201's (`NATStopology` /
//! `NATSsize` over `NASBenchMetaAPI`): `_prepare_info`, `simulate_train_eval` with `iepoch`,
//! `find_best` with `enforce_all`, `get_net_config`, `statistics`, `show`,
//! `query_info_str_by_arch`, `get_unique_str`.

use tnb_pycall::{Arg, Exc, arg_repr, arg_str};

use super::{FindBestCache, Io, Nb201, Session, add_values, consider, dict_index, fmt_f, truthy};
use crate::dialect::{Nats, Space};
use crate::error::{ApiError, type_error, value_error};
use crate::num::add;
use crate::results;
use crate::run;
use crate::source::{Hp, Source};
use crate::value::Value;

/// The per-arch file name's extension (`{index:06d}.pickle.pbz2`).
const PICKLE_EXT: &str = "pickle.pbz2";

impl<'s, S: Source> Nb201<'s, S> {
    fn nats_or_default(&self) -> Nats {
        self.nats_state().cloned().unwrap_or_else(|| Nats::new(Space::Tss))
    }

    /// `_prepare_info(index)`: nothing to load in tnb (every arch of the source is there from
    /// the start); an index the source does not hold gets what the official method does for it:
    /// fast mode with an `archive_dir` runs `reload(archive_dir, index)` (whose per-arch file
    /// is then missing: `AssertionError`, or `ValueError` out of range), not fast mode prints
    /// (when verbose) and goes on, fast mode without `archive_dir` raises `ValueError`. An index
    /// held but not in `evaluated_indexes` raises `ValueError`.
    pub(crate) fn prepare(&self, index: Arg<'_>, io: &mut Io<'_>) -> Result<(), ApiError> {
        let nats = self.nats_or_default();
        let key = dict_index(index)?;
        match key.filter(|&i| self.src.has_entry(i)) {
            Some(i) => {
                if !self.src.is_evaluated(i) {
                    return Err(value_error(format!(
                        "The index of {} is not in self.evaluated_indexes, there must be something wrong.",
                        arg_str(index)
                    )));
                }
                self.say(io, || {
                    format!(
                        "{}Call _prepare_info with index={} skip because it is in arch2infos_dict",
                        self.stamp(),
                        arg_str(index)
                    )
                });
                Ok(())
            }
            None => match (&nats.archive_dir, nats.fast_mode) {
                (Some(dir), true) => self.reload_missing(dir, index, io),
                (_, false) => {
                    self.say(io, || {
                        format!(
                            "{}Call _prepare_info with index={} skip because it is notthe fast mode.",
                            self.stamp(),
                            arg_str(index)
                        )
                    });
                    Ok(())
                }
                (None, true) => {
                    Err(value_error("Invalid status: fast_mode=True and archive_dir=None"))
                }
            },
        }
    }

    /// `reload(archive_dir, index)` of an index whose per-arch file is not in the source.
    fn reload_missing(&self, dir: &str, index: Arg<'_>, io: &mut Io<'_>) -> Result<(), ApiError> {
        self.say(io, || {
            format!(
                "{}Call clear_params with archive_root={dir} and index={}",
                self.stamp(),
                arg_str(index)
            )
        });
        if !std::path::Path::new(dir).is_dir() {
            return Err(value_error(format!("Invalid archive_root : {dir}")));
        }
        let n = self.len() as i64;
        let i = match index {
            Arg::Int(_) | Arg::Bool(_) | Arg::BigInt { .. } => {
                let i = index.as_int().filter(|_| !matches!(index, Arg::BigInt { .. }));
                match i.filter(|i| (0..n).contains(i)) {
                    Some(i) => i,
                    None => {
                        return Err(value_error(format!("invalid index of {}", arg_str(index))));
                    }
                }
            }
            Arg::Float(x) => {
                if !(0.0 <= x && x < n as f64) {
                    return Err(value_error(format!("invalid index of {}", arg_str(index))));
                }
                return Err(value_error("Unknown format code 'd' for object of type 'float'"));
            }
            other => {
                return Err(type_error(format!(
                    "'<=' not supported between instances of 'int' and '{}'",
                    other.type_name()
                )));
            }
        };
        Err(ApiError::new(
            Exc::AssertionError,
            format!("invalid data path : {}", join(dir, &format!("{i}.{PICKLE_EXT}"))),
        ))
    }

    /// `simulate_train_eval(arch, dataset, iepoch=None, hp='12', account_time=True)`
    /// (NATS-Bench): `(valid_acc, latency, time_cost, used_time)`. One draw through
    /// `get_more_info(..., is_random=True)`; when its answer has no `valid-accuracy`, the
    /// accuracy is `valtest-accuracy` and a second `get_more_info(index, dataset, iepoch=None,
    /// hp=hp, is_random=True)` (a second draw) gives `valid-per-time`; the latency is
    /// `get_latency(index, dataset, hp=hp)`.
    #[allow(clippy::too_many_arguments)]
    pub fn simulate_train_eval_nats(
        &self,
        arch: Arg<'_>,
        dataset: Arg<'_>,
        iepoch: Option<Arg<'_>>,
        hp: Option<Arg<'_>>,
        account_time: Option<Arg<'_>>,
        session: &mut Session,
        io: &mut Io<'_>,
    ) -> Result<Value<'static>, ApiError> {
        let hp = hp.unwrap_or(Arg::Str("12"));
        let idx = self.query_index_by_arch(arch, None, io)?;
        let ds = match dataset {
            Arg::Str(s @ ("cifar10" | "cifar100" | "ImageNet16-120")) => s,
            other => {
                return Err(value_error(format!(
                    "Invalid dataset name : {} vs ('cifar10', 'cifar100', 'ImageNet16-120')",
                    arg_str(other)
                )));
            }
        };
        let index = Self::index_arg(&idx);
        let inner = if ds == "cifar10" { "cifar10-valid" } else { ds };
        let random = Some(Arg::Bool(true));
        let info = self.get_more_info(index, Arg::Str(inner), iepoch, Some(hp), random, io)?;
        let train_all = info.get("train-all-time").cloned();
        let train_all =
            || train_all.clone().ok_or_else(|| ApiError::key(Value::str("train-all-time")));
        let (valid_acc, time_cost) = match info.get("valid-accuracy") {
            Some(acc) => {
                let per = info
                    .get("valid-per-time")
                    .ok_or_else(|| ApiError::key(Value::str("valid-per-time")))?;
                (acc.clone(), add_values(&train_all()?, per)?)
            }
            None => {
                let acc = info
                    .get("valtest-accuracy")
                    .cloned()
                    .ok_or_else(|| ApiError::key(Value::str("valtest-accuracy")))?;
                let temp = self.get_more_info(index, dataset, None, Some(hp), random, io)?;
                let all = train_all()?;
                let per = temp
                    .get("valid-per-time")
                    .ok_or_else(|| ApiError::key(Value::str("valid-per-time")))?;
                (acc, add_values(&all, per)?)
            }
        };
        let latency = self.get_latency(index, dataset, Some(hp), io)?.into_owned();
        if account_time.is_none_or(truthy) {
            session.used_time = add(session.used_time, time_cost);
        }
        Ok(Value::Tuple(vec![valid_acc, latency, time_cost.into(), session.used_time.into()]))
    }

    /// `find_best(dataset, metric_on_set, flop_max=None, param_max=None, hp='12',
    /// enforce_all=None)` (NATS-Bench): `enforce_all` `None` is `fast_mode`; when true (only
    /// allowed in fast mode: `AssertionError` otherwise) every index `0..len` is searched,
    /// else `evaluated_indexes` ascending. `(-1, None)` when nothing passes.
    #[allow(clippy::too_many_arguments)]
    pub fn find_best_nats(
        &self,
        dataset: Arg<'_>,
        metric_on_set: Arg<'_>,
        flop_max: Option<Arg<'_>>,
        param_max: Option<Arg<'_>>,
        hp: Option<Arg<'_>>,
        enforce_all: Option<Arg<'_>>,
        cache: Option<&mut FindBestCache>,
        io: &mut Io<'_>,
    ) -> Result<Value<'static>, ApiError> {
        let nats = self.nats_or_default();
        let hp = hp.unwrap_or(Arg::Str("12"));
        let fmax = flop_max.unwrap_or(Arg::None);
        let pmax = param_max.unwrap_or(Arg::None);
        self.say(io, || {
            format!(
                "{}Call find_best with dataset={}, metric_on_set={}, hp={} | with #FLOPs < {} and #Params < {}",
                self.stamp(),
                arg_str(dataset),
                arg_str(metric_on_set),
                arg_str(hp),
                arg_str(fmax),
                arg_str(pmax)
            )
        });
        self.say(io, || {
            format!(
                "Call internal function _remap_dataset_set_names with dataset={} and metric_on_set={}",
                arg_str(dataset),
                arg_str(metric_on_set)
            )
        });
        let (dataset, set) = super::remap_dataset_set_names(dataset, metric_on_set);
        self.say(io, || {
            format!("  return dataset={} and metric_on_set={}", arg_str(dataset), arg_str(set))
        });
        let enforce = match enforce_all {
            None | Some(Arg::None) => nats.fast_mode,
            Some(a) => truthy(a),
        };
        if enforce && !nats.fast_mode {
            return Err(ApiError::new(
                Exc::AssertionError,
                "enforce_all can only be set when fast_mode=True; if you are using non-fast-mode, please set it as False",
            ));
        }
        let n = if enforce { self.len() } else { self.src.evaluated_len() };
        let index_at = |k: usize| if enforce { k as i64 } else { self.src.evaluated(k) };
        // The cached search walks `evaluated_indexes`: it serves when `_prepare_info` is
        // silent and passes for every index searched.
        let all_held = (0..n).all(|k| {
            let i = index_at(k);
            self.src.has_entry(i) && self.src.is_evaluated(i)
        });
        let same_list = !enforce || self.src.evaluated_len() == n;
        let best = if !self.verbose && all_held && same_list {
            self.search(dataset, set, hp, fmax, pmax, cache)?
        } else {
            let mut best: Option<(i64, Value<'static>)> = None;
            for k in 0..n {
                let i = index_at(k);
                self.prepare(Arg::Int(i), io)?;
                let row = self.row(i, hp, dataset, set);
                if let Some(v) = consider(best.as_ref().map(|x| &x.1), &row, fmax, pmax)? {
                    best = Some((i, v.clone()));
                }
            }
            best
        };
        let (bi, ba) = best.unwrap_or((-1, Value::None));
        if self.verbose {
            if n == 0 {
                (io.print)("The evaluated_indexes is empty, please fill it before call find_best.");
            } else {
                let name = self.arch(Arg::Int(bi), io)?;
                let acc = fmt_f(&ba, 3)?;
                (io.print)(&format!(
                    "  the best architecture : [{bi}] {name} with accuracy={acc}%"
                ));
            }
        }
        Ok(Value::Tuple(vec![Value::Int(bi), ba]))
    }

    /// `get_net_config(index, dataset)` (NATS-Bench): `_prepare_info`, then the first hp's
    /// first seed's `get_config(None)` (`infer.tiny` for tss, `infer.shape.tiny` for sss).
    pub(crate) fn get_net_config_nats(
        &self,
        index: Arg<'_>,
        dataset: Arg<'_>,
        io: &mut Io<'_>,
    ) -> Result<Value<'s>, ApiError> {
        self.prepare(index, io)?;
        let Some(i) = dict_index(index)?.filter(|&i| self.src.has_entry(i)) else {
            return Err(value_error(format!(
                "The arch_index={} is not in arch2infos_dict.",
                arg_str(index)
            )));
        };
        let Some(r) =
            (self.src.hp_count(i) > 0).then(|| self.src.results(i, self.src.hp_at(i, 0))).flatten()
        else {
            return Err(ApiError::new(Exc::StopIteration, ""));
        };
        let (_, runs) = results::runs_of(self.src, r, dataset)?;
        let Some(&j) = runs.first() else {
            return Err(ApiError::new(Exc::StopIteration, ""));
        };
        run::get_config(self.src, self.src.run(r, j), false)
    }

    /// `statistics(dataset, hp)` (NATS-Bench): over `evaluated_indexes` (ascending, as a set
    /// of small ints iterates), `hp` as `str(hp)`.
    pub(crate) fn statistics_nats(
        &self,
        dataset: Arg<'_>,
        hp: Arg<'_>,
    ) -> Result<Value<'static>, ApiError> {
        let h = Hp::from_key(&arg_str(hp));
        let mut nums: Vec<(i64, i64)> = Vec::new();
        for k in 0..self.src.evaluated_len() {
            let index = self.src.evaluated(k);
            if !self.src.has_entry(index) {
                return Err(ApiError::key(Value::Int(index)));
            }
            let Some(r) = h.and_then(|h| self.src.results(index, h)) else {
                return Err(ApiError::key(Value::Str(arg_str(hp).into())));
            };
            let n = match dataset {
                Arg::Str(s) => self.src.find_dataset(r, s).map_or(0, |d| self.src.seed_count(r, d)),
                _ => 0,
            } as i64;
            match nums.iter_mut().find(|(key, _)| *key == n) {
                Some((_, c)) => *c += 1,
                None => nums.push((n, 1)),
            }
        }
        Ok(Value::Dict(nums.into_iter().map(|(k, v)| (Value::Int(k), Value::Int(v))).collect()))
    }

    /// `query_info_str_by_arch(arch, hp='12')` (NATS-Bench): `hp` exact; an arch not
    /// evaluated warns (into `session.warnings`) and gives `None`.
    pub fn query_info_str_by_arch_nats(
        &self,
        arch: Arg<'_>,
        hp: Option<Arg<'_>>,
        session: &mut Session,
        io: &mut Io<'_>,
    ) -> Result<Option<String>, ApiError> {
        let hp = hp.unwrap_or(Arg::Str("12"));
        self.say(io, || {
            format!(
                "{}Call query_info_str_by_arch with arch={}and hp={}",
                self.stamp(),
                arg_str(arch),
                arg_str(hp)
            )
        });
        let idx = self.query_index_by_arch(arch, None, io)?;
        let index = Self::index_arg(&idx);
        self.prepare(index, io)?;
        let i = match idx {
            Value::Int(i) => i,
            Value::Bool(b) => i64::from(b),
            _ => -1,
        };
        if !self.src.has_entry(i) {
            session.warnings.push(format!(
                "Find this arch-index : {}, but this arch is not evaluated.",
                idx.py_str()
            ));
            return Ok(None);
        }
        if let Arg::Unhashable(_) = hp {
            return Err(results::unhashable(hp));
        }
        let found = match hp {
            Arg::Str(s) => Hp::from_key(s).and_then(|h| self.src.results(i, h)),
            _ => None,
        };
        let Some(r) = found else {
            return Err(value_error(format!(
                "The {}-th architecture only has hyper-parameters of {} instead of {}.",
                idx.py_str(),
                self.hp_list(i),
                arg_str(hp)
            )));
        };
        let lines = self.print_information(r, &format!("arch-index={}", idx.py_str()))?;
        Ok(Some(lines.join("\n")))
    }

    /// `show(index=-1)` (NATS-Bench's `_show`).
    pub(crate) fn show_nats(
        &self,
        index: Arg<'_>,
        filename: Option<&str>,
        io: &mut Io<'_>,
    ) -> Result<(), ApiError> {
        let i = match index {
            Arg::Int(_) | Arg::Bool(_) | Arg::BigInt { .. } => index.as_int().unwrap_or(0),
            Arg::Float(x) => {
                if x < 0.0 {
                    -1
                } else {
                    x as i64
                }
            }
            other => {
                return Err(type_error(format!(
                    "'<' not supported between instances of '{}' and 'int'",
                    other.type_name()
                )));
            }
        };
        let n = self.len() as i64;
        if i < 0 {
            (io.print)(&self.repr(filename));
            if self.src.evaluated_len() > 0 {
                let idx = self.src.evaluated(0);
                (io.print)(&format!(
                    "\n{} The ({:5}/{:5}) {:06}-th architecture! {}",
                    "-".repeat(10),
                    0,
                    self.src.evaluated_len(),
                    idx,
                    "-".repeat(10)
                ));
                let arch =
                    usize::try_from(idx).ok().and_then(|k| self.src.meta_arch(k)).unwrap_or("");
                (io.print)(&format!("arch : {arch}"));
                return Err(match crate::error::arg_value(index) {
                    Some(v) => ApiError::key(v),
                    None => ApiError::key_param("index", &arg_repr(index)),
                });
            }
            return Ok(());
        }
        // Python compares the float itself: NaN fails `0 <= index < len` (not truncated to 0).
        let nan = matches!(index, Arg::Float(x) if x.is_nan());
        if !(0..n).contains(&i) || nan || matches!(index, Arg::BigInt { .. }) {
            (io.print)(&format!("This index ({}) is out of range (0~{n}).", arg_str(index)));
            return Ok(());
        }
        // A float with a fraction equals no index in `evaluated_indexes` (284.0 does equal 284).
        let fraction = matches!(index, Arg::Float(x) if x.fract() != 0.0);
        if fraction || !self.src.is_evaluated(i) {
            self.prepare(index, io)?;
            (io.print)(&format!(
                "The {}-th architecture has not been evaluated or not saved.",
                arg_str(index)
            ));
            return Ok(());
        }
        for j in 0..self.src.hp_count(i) {
            let Some(r) = self.src.results(i, self.src.hp_at(i, j)) else {
                return Err(ApiError::key(Value::Int(i)));
            };
            let lines = self.print_information(r, "None")?;
            let epochs = results::get_total_epoch(self.src, r, None)?;
            (io.print)(&format!("{} {epochs:03} epochs {}", ">".repeat(40), ">".repeat(40)));
            (io.print)(&lines.join("\n"));
        }
        (io.print)(&format!("{}------------{}", "<".repeat(40), "<".repeat(40)));
        Ok(())
    }

    /// `get_unique_str(arch)` (tss only): `topology_str2structure(meta_archs[index])
    /// .to_unique_str(consider_zero=True)`, the key shared by isomorphic cells.
    pub fn get_unique_str(&self, arch: Arg<'_>, io: &mut Io<'_>) -> Result<String, ApiError> {
        let idx = self.query_index_by_arch(arch, None, io)?;
        let i = match idx {
            Value::Int(i) => i,
            Value::Bool(b) => i64::from(b),
            _ => -1,
        };
        let s = self.getitem(Arg::Int(i))?;
        unique_str(s)
    }
}

/// `os.path.join(dir, name)`.
fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() || dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// `TopologyStructure.str2structure(s).to_unique_str(consider_zero=True)`.
pub(crate) fn unique_str(s: &str) -> Result<String, ApiError> {
    let lists = super::str2lists(Arg::Str(s))?;
    let Value::List(nodes) = lists else { return Ok(String::new()) };
    let mut done: Vec<String> = vec!["0".to_owned()];
    for (k, node) in nodes.iter().enumerate() {
        let Value::Tuple(inputs) = node else { continue };
        if inputs.is_empty() {
            return Err(ApiError::new(Exc::AssertionError, "invalid length : 0"));
        }
        let mut cur: Vec<String> = Vec::with_capacity(inputs.len());
        for input in inputs {
            let Value::Tuple(pair) = input else { continue };
            let (Some(Value::Str(op)), Some(Value::Int(xin))) = (pair.first(), pair.get(1)) else {
                continue;
            };
            if *xin > k as i64 {
                return Err(ApiError::new(
                    Exc::AssertionError,
                    format!("invalid in-node : ({}, {xin})", tnb_pycall::py_repr_str(op)),
                ));
            }
            let Some(prev) = usize::try_from(*xin).ok().and_then(|x| done.get(x)) else {
                return Err(ApiError::key(Value::Int(*xin)));
            };
            cur.push(if op == "none" || prev == "#" {
                "#".to_owned()
            } else if op == "skip_connect" {
                prev.clone()
            } else {
                format!("({prev})@{op}")
            });
        }
        cur.sort();
        done.push(cur.join("+"));
    }
    Ok(done.pop().unwrap_or_default())
}
