//! Calls by name, as Python makes them: [`call`] binds positional and keyword arguments to the
//! official method's signature (CPython's `TypeError`s), then runs it on a [`NasBench`]. What
//! `tnb batch` and the parity replay use; attributes (`config`, `valid_epochs`, `history`, the
//! two budget counters) answer as zero-argument methods.

use tnb_pycall::{Arg, Exc, Shown, Signature, bind, sig};

use crate::config::config_value;
use crate::draw::Draw;
use crate::error::ApiError;
use crate::glue::Spec;
use crate::nasbench::{Epochs, NasBench};
use crate::source::Source;
use crate::value::Value;

/// The class name CPython's binding messages print.
pub const CLASS: &str = "NASBench";

/// The official methods, with their parameters.
pub const METHODS: [Signature; 8] = [
    sig("query", &["model_spec", "epochs", "stop_halfway"], 1),
    sig("is_valid", &["model_spec"], 1),
    sig("get_budget_counters", &[], 0),
    sig("reset_budget_counters", &[], 0),
    sig("evaluate", &["model_spec", "model_dir"], 2),
    sig("hash_iterator", &[], 0),
    sig("get_metrics_from_hash", &["module_hash"], 1),
    sig("get_metrics_from_spec", &["model_spec"], 1),
];

/// The attributes answered as values.
pub const ATTRIBUTES: [&str; 5] =
    ["config", "valid_epochs", "history", "training_time_spent", "total_epochs_spent"];

/// Most `ModelSpec` arguments one call takes.
pub const MAX_SPECS: usize = 4;

/// The text an argument standing for the `i`-th spec carries (see [`spec_arg`]).
const MARKS: [&str; MAX_SPECS] = ["spec0", "spec1", "spec2", "spec3"];

/// The [`Arg`] that stands for `specs[i]` in a call's arguments (a `ModelSpec` object: hashable,
/// printed as Python prints it).
pub fn spec_arg(i: usize) -> Arg<'static> {
    Arg::Hashable(Shown {
        type_name: "ModelSpec",
        str: MARKS[i.min(MAX_SPECS - 1)],
        repr: "<nasbench.lib.model_spec.ModelSpec object>",
    })
}

/// The spec an argument stands for, or the `AttributeError` Python raises when `_check_spec`
/// reads `valid_spec` of something else.
fn spec_of<'a>(a: Arg<'_>, specs: &'a [Spec]) -> Result<&'a Spec, ApiError> {
    if let Arg::Hashable(s) = a {
        if s.type_name == "ModelSpec" {
            if let Some(spec) = MARKS.iter().position(|m| *m == s.str).and_then(|i| specs.get(i)) {
                return Ok(spec);
            }
        }
    }
    Err(ApiError::py(
        Exc::AttributeError,
        format!("'{}' object has no attribute 'valid_spec'", a.type_name()),
    ))
}

/// Python's truth value of an argument.
pub fn truthy(a: Arg<'_>) -> bool {
    match a {
        Arg::None => false,
        Arg::Bool(b) => b,
        Arg::Int(i) => i != 0,
        Arg::BigInt { .. } => true,
        Arg::Float(x) => x != 0.0,
        Arg::Str(s) => !s.is_empty(),
        Arg::Hashable(s) | Arg::Unhashable(s) => {
            !matches!(s.repr, "()" | "[]" | "{}" | "set()" | "frozenset()" | "b''")
        }
        _ => true,
    }
}

/// Calls `method` with `args` and `kwargs` (a `ModelSpec` argument is [`spec_arg`]`(i)`,
/// standing for `specs[i]`), drawing from `draw`.
pub fn call<'s, S: Source>(
    nb: &mut NasBench<'s, S>,
    method: &str,
    args: &[Arg<'_>],
    kwargs: &[(&str, Arg<'_>)],
    specs: &[Spec],
    draw: &mut dyn Draw,
) -> Result<Value<'s>, ApiError> {
    if let Some(attr) = ATTRIBUTES.iter().find(|a| **a == method) {
        if !args.is_empty() || !kwargs.is_empty() {
            return Err(ApiError::py(
                Exc::TypeError,
                format!("'{}' object is not callable", attribute_type(attr)),
            ));
        }
        let (time, epochs) = nb.budget_counters();
        return Ok(match *attr {
            "config" => config_value(),
            "valid_epochs" => nb.valid_epochs(),
            "history" => Value::Dict(Vec::new()),
            "training_time_spent" => Value::Float(time),
            _ => match epochs {
                Epochs::Int(i) => Value::Int(i),
                Epochs::Float(x) => Value::Float(x),
            },
        });
    }
    let Some(signature) = METHODS.iter().find(|s| s.name == method) else {
        return Err(ApiError::py(
            Exc::AttributeError,
            format!("'{CLASS}' object has no attribute {}", tnb_pycall::py_repr_str(method)),
        ));
    };
    let b = bind(CLASS, signature, args, kwargs).map_err(|(e, m)| ApiError::py(e, m))?;
    let arg = |i: usize| b[i];
    match method {
        "query" => {
            let epochs = arg(1).unwrap_or(Arg::Int(108));
            let halfway = arg(2).is_some_and(truthy);
            let e = match nb.epochs_in(epochs)? {
                Some(e) => e,
                None => return Err(nb.epochs_error()),
            };
            let spec = spec_of(arg(0).unwrap_or(Arg::None), specs)?;
            nb.query_checked_epochs(spec, e, epochs, halfway, draw)
        }
        "is_valid" => nb.is_valid(spec_of(arg(0).unwrap_or(Arg::None), specs)?).map(Value::Bool),
        "get_budget_counters" => Ok(nb.get_budget_counters()),
        "reset_budget_counters" => {
            nb.reset_budget_counters();
            Ok(Value::None)
        }
        "hash_iterator" => Ok(nb.hash_iterator()),
        "get_metrics_from_hash" => nb.get_metrics_from_hash(arg(0).unwrap_or(Arg::None)),
        "get_metrics_from_spec" => {
            nb.get_metrics_from_spec(spec_of(arg(0).unwrap_or(Arg::None), specs)?)
        }
        // "evaluate": it trains the model with TensorFlow; the benchmark only answers queries.
        _ => Err(ApiError::py(
            Exc::ValueError,
            "evaluate trains and evaluates a model with TensorFlow: tnb only answers queries \
             of the dataset",
        )),
    }
}

fn attribute_type(attr: &str) -> &'static str {
    match attr {
        "config" | "history" => "dict",
        "valid_epochs" => "set",
        "training_time_spent" => "float",
        _ => "int",
    }
}
