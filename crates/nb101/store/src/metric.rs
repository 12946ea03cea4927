//! The eight numbers of a run, in the official dict's key order.

/// One of the eight metrics of a run (`computed_statistics[hash][epochs][i]`'s keys, in their
/// order): [`Metric::index`] is its position there and its column's in the archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    /// `halfway_training_time`.
    HalfwayTrainingTime,
    /// `halfway_train_accuracy`.
    HalfwayTrainAccuracy,
    /// `halfway_validation_accuracy`.
    HalfwayValidationAccuracy,
    /// `halfway_test_accuracy`.
    HalfwayTestAccuracy,
    /// `final_training_time`.
    FinalTrainingTime,
    /// `final_train_accuracy`.
    FinalTrainAccuracy,
    /// `final_validation_accuracy`.
    FinalValidationAccuracy,
    /// `final_test_accuracy`.
    FinalTestAccuracy,
}

impl Metric {
    /// Every metric, in the official key order.
    pub const ALL: [Metric; 8] = [
        Metric::HalfwayTrainingTime,
        Metric::HalfwayTrainAccuracy,
        Metric::HalfwayValidationAccuracy,
        Metric::HalfwayTestAccuracy,
        Metric::FinalTrainingTime,
        Metric::FinalTrainAccuracy,
        Metric::FinalValidationAccuracy,
        Metric::FinalTestAccuracy,
    ];

    /// The official dict keys of a run, in order ([`Metric::key`] of each of [`Metric::ALL`]):
    /// the one list every consumer (the API semantics, the Python binding) builds its dicts from.
    pub const KEYS: [&'static str; 8] = {
        let mut keys = [""; 8];
        let mut i = 0;
        while i < 8 {
            keys[i] = Metric::ALL[i].key();
            i += 1;
        }
        keys
    };

    /// Position in [`Metric::ALL`] (0..8).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The official dict key, e.g. `final_test_accuracy`.
    pub const fn key(self) -> &'static str {
        tnb_schema::nb101::Sec::ALL[tnb_schema::nb101::Sec::FIRST_METRIC + self as usize].name()
    }

    /// The metric of an official key.
    pub fn from_key(key: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.key() == key)
    }

    /// The metric `query` returns under `key` (`training_time`, `train_accuracy`,
    /// `validation_accuracy`, `test_accuracy`): the final one, or with `stop_halfway` the
    /// halfway one.
    pub fn of_query(key: &str, stop_halfway: bool) -> Option<Metric> {
        let i = ["training_time", "train_accuracy", "validation_accuracy", "test_accuracy"]
            .iter()
            .position(|k| *k == key)?;
        Some(Metric::ALL[if stop_halfway { i } else { 4 + i }])
    }
}

/// One run's eight numbers: `[training_time, train_accuracy, validation_accuracy,
/// test_accuracy]` at the halfway and at the final evaluation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Run {
    /// `halfway_*`.
    pub halfway: [f64; 4],
    /// `final_*`.
    pub final_: [f64; 4],
}

impl Run {
    /// The value of `m`.
    pub fn get(&self, m: Metric) -> f64 {
        let i = m.index();
        if i < 4 { self.halfway[i] } else { self.final_[i - 4] }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_official_ones_in_order() {
        let keys: Vec<&str> = Metric::ALL.iter().map(|m| m.key()).collect();
        assert_eq!(
            keys,
            [
                "halfway_training_time",
                "halfway_train_accuracy",
                "halfway_validation_accuracy",
                "halfway_test_accuracy",
                "final_training_time",
                "final_train_accuracy",
                "final_validation_accuracy",
                "final_test_accuracy"
            ]
        );
        assert_eq!(Metric::from_key("final_test_accuracy"), Some(Metric::FinalTestAccuracy));
        assert_eq!(Metric::of_query("test_accuracy", true), Some(Metric::HalfwayTestAccuracy));
        assert_eq!(Metric::of_query("training_time", false), Some(Metric::FinalTrainingTime));
        assert_eq!(Metric::of_query("x", false), None);
        let r = Run { halfway: [1.0, 2.0, 3.0, 4.0], final_: [5.0, 6.0, 7.0, 8.0] };
        assert_eq!(Metric::ALL.map(|m| r.get(m)), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
    }
}
