//! The official `TransNASBenchAPI` methods' signatures, and binding a call to them (the
//! machinery is tnb-pycall's, shared with every family).

use tnb_pycall::{Arg, Bound, Signature, sig};

use crate::exc::ApiError;

/// Everything [`crate::call`] answers: the official API's methods with their signatures
/// (`get_single_metric(arch, task, metric, mode='best', xseed=None)`,
/// `get_epoch_status(arch, task, epoch, xseed=None)`,
/// `get_best_archs(task, metric, search_space, topk=1)`...), and its attributes, which take no
/// arguments (`len` stands for `len(api)`).
pub const METHODS: &[Signature] = &[
    sig("len", &[], 0),
    sig("task_list", &[], 0),
    sig("search_spaces", &[], 0),
    sig("all_arch_dict", &[], 0),
    sig("metrics_dict", &[], 0),
    sig("info_names", &[], 0),
    sig("index2arch", &["index"], 1),
    sig("arch2index", &["arch"], 1),
    sig("get_arch_result", &["arch"], 1),
    sig("get_total_epochs", &["arch", "task"], 2),
    sig("get_model_info", &["arch", "task", "info"], 3),
    sig("get_single_metric", &["arch", "task", "metric", "mode", "xseed"], 3),
    sig("get_epoch_status", &["arch", "task", "epoch", "xseed"], 3),
    sig("get_best_epoch_status", &["arch", "task", "metric"], 3),
    sig("get_arch_list", &["search_space"], 1),
    sig("get_best_archs", &["task", "metric", "search_space", "topk"], 3),
];

/// Binds `args` and `kwargs` to `sig` as CPython binds a call to a method of the official class.
pub(crate) fn bind<'a>(
    sig: &Signature,
    args: &[Arg<'a>],
    kwargs: &[(&str, Arg<'a>)],
) -> Result<Bound<'a>, ApiError> {
    tnb_pycall::bind(CLASS, sig, args, kwargs).map_err(|(exc, m)| ApiError::new(exc, m))
}

/// The official class's name, as CPython qualifies its methods in messages.
pub(crate) const CLASS: &str = "TransNASBenchAPI";
