//! `config.build_config()`: every flag `nasbench/lib/config.py` defines, in definition order,
//! with its default value (the official object's `config` attribute).

use crate::value::Value;

/// One flag's default.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Flag {
    /// `DEFINE_list`: a list of str.
    List(&'static [&'static str]),
    /// `DEFINE_string`.
    Str(&'static str),
    /// `DEFINE_integer`.
    Int(i64),
    /// `DEFINE_float`.
    Float(f64),
    /// `DEFINE_bool`.
    Bool(bool),
}

/// The flags of `lib/config.py`, by name, in the order it defines them (the dict's key order).
pub const CONFIG: [(&str, Flag); 25] = [
    ("train_data_files", Flag::List(&[])),
    ("valid_data_file", Flag::Str("")),
    ("test_data_file", Flag::Str("")),
    ("sample_data_file", Flag::Str("")),
    ("data_format", Flag::Str("channels_last")),
    ("num_labels", Flag::Int(10)),
    ("module_vertices", Flag::Int(7)),
    ("max_edges", Flag::Int(9)),
    ("available_ops", Flag::List(&["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"])),
    ("stem_filter_size", Flag::Int(128)),
    ("num_stacks", Flag::Int(3)),
    ("num_modules_per_stack", Flag::Int(3)),
    ("batch_size", Flag::Int(256)),
    ("train_epochs", Flag::Int(108)),
    ("train_seconds", Flag::Float(4.0 * 60.0 * 60.0)),
    ("learning_rate", Flag::Float(0.1)),
    ("lr_decay_method", Flag::Str("COSINE_BY_STEP")),
    ("momentum", Flag::Float(0.9)),
    ("weight_decay", Flag::Float(1e-4)),
    ("max_attempts", Flag::Int(5)),
    ("intermediate_evaluations", Flag::List(&["0.5"])),
    ("num_repeats", Flag::Int(3)),
    ("use_tpu", Flag::Bool(true)),
    ("tpu_iterations_per_loop", Flag::Int(100)),
    ("tpu_num_shards", Flag::Int(2)),
];

/// `config['num_repeats']`: `query` draws `randint(0, NUM_REPEATS - 1)` whatever a cell holds.
pub const NUM_REPEATS: i64 = 3;

/// The config dict as a Python value.
pub fn config_value() -> Value<'static> {
    Value::Dict(
        CONFIG
            .iter()
            .map(|(k, f)| {
                let v = match *f {
                    Flag::List(l) => Value::List(l.iter().map(|s| Value::str(s)).collect()),
                    Flag::Str(s) => Value::str(s),
                    Flag::Int(i) => Value::Int(i),
                    Flag::Float(x) => Value::Float(x),
                    Flag::Bool(b) => Value::Bool(b),
                };
                (Value::str(k), v)
            })
            .collect(),
    )
}
