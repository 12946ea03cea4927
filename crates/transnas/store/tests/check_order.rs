//! Which error wins when two or more arguments of a query are wrong at once: the official
//! class's order of checks (transnas-layout.md, "Exception classes and the order of checks").
//! Each query is asked with every combination of wrong arguments, so that swapping two lookups
//! in a method changes an answer here.

use tnb_store::{Mode, QueryError, Store};

fn small() -> Store {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data/transnas_small.pth");
    Store::copy_from(&tnb_convert::convert_bytes(&std::fs::read(path).unwrap()).unwrap()).unwrap()
}

const ARCH: &str = "64-4111-basic";
const TASK: &str = "class_scene";
const METRIC: &str = "valid_top1";
const INFO: &str = "inference_time";
const SPACE: &str = "macro";

/// The error kinds, without their payloads.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Kind {
    Arch,
    Task,
    Metric,
    Info,
    Space,
    Epoch,
}

fn kind<T>(r: Result<T, QueryError>) -> Kind {
    match r {
        Ok(_) => panic!("answered a query with a wrong argument"),
        Err(QueryError::UnknownArch(_)) => Kind::Arch,
        Err(QueryError::UnknownTask(_)) => Kind::Task,
        Err(QueryError::UnknownMetric { .. }) => Kind::Metric,
        Err(QueryError::UnknownInfo(_)) => Kind::Info,
        Err(QueryError::UnknownSpace(_)) => Kind::Space,
        Err(QueryError::Epoch { .. }) => Kind::Epoch,
        Err(e) => panic!("unexpected error {e:?}"),
    }
}

/// `good` or `"nope"`, by `wrong`.
fn pick(wrong: bool, good: &'static str) -> &'static str {
    if wrong { "nope" } else { good }
}

/// The first kind in `order` whose argument is wrong.
fn first(order: &[(Kind, bool)]) -> Kind {
    order.iter().find(|(_, wrong)| *wrong).expect("something is wrong").0
}

/// Every combination of wrong arguments with at least one wrong, as `(arch, task, third)`.
fn combos() -> impl Iterator<Item = (bool, bool, bool)> {
    (1..8u8).map(|b| (b & 1 != 0, b & 2 != 0, b & 4 != 0))
}

#[test]
fn model_info_checks_the_info_then_the_arch_then_the_task() {
    let s = small();
    for (a, t, i) in combos() {
        let got = kind(s.model_info(pick(a, ARCH), pick(t, TASK), pick(i, INFO)));
        let want = first(&[(Kind::Info, i), (Kind::Arch, a), (Kind::Task, t)]);
        assert_eq!(got, want, "arch wrong {a}, task wrong {t}, info wrong {i}");
    }
}

#[test]
fn total_epochs_checks_the_arch_then_the_task() {
    let s = small();
    assert_eq!(kind(s.total_epochs("nope", "nope")), Kind::Arch);
    assert_eq!(kind(s.total_epochs(ARCH, "nope")), Kind::Task);
}

/// `get_single_metric` and everything built on its lookups (`get_best_epoch_status`): the task,
/// then the metric (`metric in metrics_dict[task]`), then the arch, then the mode or epoch.
#[test]
fn metric_queries_check_the_task_then_the_metric_then_the_arch_then_the_epoch() {
    let s = small();
    for (a, t, m) in combos() {
        let (arch, task, metric) = (pick(a, ARCH), pick(t, TASK), pick(m, METRIC));
        let want = first(&[(Kind::Task, t), (Kind::Metric, m), (Kind::Arch, a)]);
        let what = format!("arch wrong {a}, task wrong {t}, metric wrong {m}");
        assert_eq!(kind(s.best_value(arch, task, metric)), want, "best_value, {what}");
        assert_eq!(kind(s.best_epoch(arch, task, metric)), want, "best_epoch, {what}");
        assert_eq!(kind(s.final_value(arch, task, metric)), want, "final_value, {what}");
        assert_eq!(kind(s.values(arch, task, metric)), want, "values, {what}");
        assert_eq!(kind(s.best_epoch_status(arch, task, metric)), want, "best status, {what}");
        for mode in [Mode::Best, Mode::Final, Mode::List, Mode::Epoch(0)] {
            let got = kind(s.single_metric(arch, task, metric, mode));
            assert_eq!(got, want, "single_metric {mode:?}, {what}");
        }
        // An epoch past the end is checked after all three.
        assert_eq!(kind(s.value_at(arch, task, metric, 99)), want, "value_at 99, {what}");
        assert_eq!(kind(s.value_at(arch, task, metric, -99)), want, "value_at -99, {what}");
        let got = kind(s.single_metric(arch, task, metric, Mode::Epoch(99)));
        assert_eq!(got, want, "single_metric epoch 99, {what}");
    }
    assert_eq!(kind(s.value_at(ARCH, TASK, METRIC, 99)), Kind::Epoch);
}

/// `get_epoch_status`: the arch, then the task, then `epoch < total_epochs`.
#[test]
fn epoch_status_checks_the_arch_then_the_task_then_the_epoch() {
    let s = small();
    for (a, t, e) in combos() {
        let epoch = if e { 99 } else { 0 };
        let got = kind(s.epoch_status(pick(a, ARCH), pick(t, TASK), epoch));
        let want = first(&[(Kind::Arch, a), (Kind::Task, t), (Kind::Epoch, e)]);
        assert_eq!(got, want, "arch wrong {a}, task wrong {t}, epoch wrong {e}");
    }
}

/// `get_best_archs`: the space (`get_arch_list`), then the task, then the metric.
#[test]
fn best_archs_checks_the_space_then_the_task_then_the_metric() {
    let s = small();
    for (sp, t, m) in combos() {
        let got = kind(s.best_archs(pick(t, TASK), pick(m, METRIC), pick(sp, SPACE)).map(drop));
        let want = first(&[(Kind::Space, sp), (Kind::Task, t), (Kind::Metric, m)]);
        assert_eq!(got, want, "space wrong {sp}, task wrong {t}, metric wrong {m}");
    }
}
