//! The loop behind `metric_array`: one metric's value for every arch of a list, read through
//! typed handles resolved once, so that 4096 archs cost microseconds instead of a Python loop.
//!
//! The loop only handles the plain cases (names that resolve, `mode` = best, final or an int);
//! whatever it cannot answer it reports by position, and the binding then asks `tnb_api::call`
//! for that one arch, so that the exception raised is exactly the per-arch call's.

use tnb_store::{Archs, Buffer, MetricId, Store, TaskId, Value};

/// Which value of each metric list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `max(list)`, as `get_single_metric(..., mode='best')`.
    Best,
    /// `list[-1]`, as `mode='final'`.
    Final,
    /// `list[epoch]` with Python's indexing, as an int `mode`.
    Epoch(i64),
}

/// Where the loop stopped, as a position in the arch list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The query for this arch fails: the per-arch call raises.
    Query(usize),
    /// The value for this arch is not a number (a string, `None`, a container).
    NotNumeric(usize),
}

/// The metric's value for each arch of `archs`, in order, as `f64` (ints and bools converted as
/// `numpy.array` would; floats bit for bit).
pub fn fill(
    store: &Store<Buffer>,
    archs: Archs,
    task: TaskId,
    metric: MetricId,
    mode: Mode,
) -> Result<Vec<f64>, Stop> {
    let mut out = Vec::with_capacity(archs.len());
    for (i, arch) in archs.enumerate() {
        let value = match mode {
            Mode::Best => store.best_value(arch, task, metric),
            Mode::Final => store.final_value(arch, task, metric),
            Mode::Epoch(e) => store.value_at(arch, task, metric, e),
        };
        out.push(match value.map_err(|_| Stop::Query(i))? {
            Value::Float(f) => f,
            // numpy's float64 conversion of a Python int or bool: the nearest double.
            Value::Int(n) => n as f64,
            Value::Bool(b) => f64::from(u8::from(b)),
            Value::None | Value::Str(_) | Value::Node(_) => return Err(Stop::NotNumeric(i)),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tnb_store::Metric;

    fn small() -> Store<Buffer> {
        let p = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/transnas_small.pth");
        crate::open::open(std::path::Path::new(p), true).unwrap().0
    }

    #[test]
    fn equals_the_per_arch_queries() {
        let s = small();
        for t in s.tasks() {
            for m in s.metrics(t).unwrap() {
                for mode in [Mode::Best, Mode::Final, Mode::Epoch(0), Mode::Epoch(-2)] {
                    let got = fill(&s, s.archs(), t, m, mode);
                    let name = s.metric_name(m).unwrap();
                    if name == "time_elapsed" {
                        assert_eq!(got, Err(Stop::NotNumeric(0)));
                        continue;
                    }
                    let got = got.unwrap();
                    for (i, a) in s.archs().enumerate() {
                        let q = match mode {
                            Mode::Best => tnb_store::Mode::Best,
                            Mode::Final => tnb_store::Mode::Final,
                            Mode::Epoch(e) => tnb_store::Mode::Epoch(e),
                        };
                        let Metric::Value(Value::Float(v)) = s.single_metric(a, t, m, q).unwrap()
                        else {
                            panic!("not a float")
                        };
                        assert_eq!(got[i].to_bits(), v.to_bits());
                    }
                }
            }
        }
    }

    #[test]
    fn out_of_range_epoch_stops_at_the_first_arch() {
        let s = small();
        let t = s.task("jigsaw").unwrap();
        let m = s.metric(t, "valid_top1").unwrap();
        assert_eq!(fill(&s, s.archs(), t, m, Mode::Epoch(99)), Err(Stop::Query(0)));
    }
}
