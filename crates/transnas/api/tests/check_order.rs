//! Which exception a call raises when several of its arguments are wrong at once: the official
//! class's order of checks (transnas-layout.md, "Exception classes and the order of checks"),
//! including the checks only this layer makes (`isinstance(epoch, int)` first, the mode and
//! `topk` last). Every method is called with every combination of wrong arguments, so that
//! swapping two checks changes an answer here.

use tnb_api::{Arg, CallError, Exc, JsonSink, call};
use tnb_store::Store;

fn small() -> Store {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data/transnas_small.pth");
    Store::copy_from(&tnb_convert::convert_bytes(&std::fs::read(path).unwrap()).unwrap()).unwrap()
}

/// One argument: its good and wrong values, and what the exception says when the wrong one
/// is the first checked (its class and a piece of its message that names this argument).
struct Slot {
    good: Arg<'static>,
    bad: Arg<'static>,
    exc: Exc,
    says: &'static str,
}

fn slot(good: Arg<'static>, bad: Arg<'static>, exc: Exc, says: &'static str) -> Slot {
    Slot { good, bad, exc, says }
}

fn arch() -> Slot {
    slot(Arg::Str("64-4111-basic"), Arg::Str("bad-arch"), Exc::KeyError, "bad-arch")
}

fn task() -> Slot {
    slot(Arg::Str("class_scene"), Arg::Str("bad-task"), Exc::KeyError, "bad-task")
}

fn metric() -> Slot {
    slot(Arg::Str("valid_top1"), Arg::Str("bad-metric"), Exc::AssertionError, "bad-metric")
}

/// Calls `method` with every combination of wrong arguments (at least one); `order` lists the
/// slots in the order the official class checks them, and the first wrong one must win.
fn check(method: &str, slots: &[Slot], order: &[usize]) {
    let s = small();
    assert_eq!(order.len(), slots.len());
    for wrong in 1..(1u32 << slots.len()) {
        let is_wrong = |i: usize| wrong & (1 << i) != 0;
        let args: Vec<Arg<'_>> = (0..slots.len())
            .map(|i| if is_wrong(i) { slots[i].bad } else { slots[i].good })
            .collect();
        let want = &slots[*order.iter().find(|&&i| is_wrong(i)).unwrap()];
        let mut sink = JsonSink::new(Vec::new());
        match call(&s, method, &args, &[], &mut |e| sink.event(e)) {
            Err(CallError::Api(e)) => {
                assert!(
                    e.exc() == want.exc && e.message().contains(want.says),
                    "{method}{args:?}: {:?} {:?}, expected {:?} saying {:?}",
                    e.exc(),
                    e.message(),
                    want.exc,
                    want.says
                );
            }
            other => panic!("{method}{args:?}: {:?}", other.map_err(|e| e.to_string())),
        }
    }
}

#[test]
fn get_total_epochs_checks_the_arch_then_the_task() {
    check("get_total_epochs", &[arch(), task()], &[0, 1]);
}

#[test]
fn get_model_info_checks_the_info_then_the_arch_then_the_task() {
    let info =
        slot(Arg::Str("inference_time"), Arg::Str("bad-info"), Exc::AssertionError, "bad-info");
    check("get_model_info", &[arch(), task(), info], &[2, 0, 1]);
}

#[test]
fn get_single_metric_checks_the_task_the_metric_the_arch_then_the_mode() {
    // A mode of the wrong type, and an epoch past `total_epochs` (3 on this fixture).
    let none = slot(Arg::Str("best"), Arg::None, Exc::ValueError, "");
    check("get_single_metric", &[arch(), task(), metric(), none], &[1, 2, 0, 3]);
    let past = slot(Arg::Int(0), Arg::Int(99), Exc::AssertionError, "must < total epoch");
    check("get_single_metric", &[arch(), task(), metric(), past], &[1, 2, 0, 3]);
}

#[test]
fn get_epoch_status_checks_the_epoch_s_type_first_and_its_range_last() {
    let not_int = slot(Arg::Int(0), Arg::Str("x"), Exc::AssertionError, "must be int");
    check("get_epoch_status", &[arch(), task(), not_int], &[2, 0, 1]);
    let past = slot(Arg::Int(0), Arg::Int(99), Exc::AssertionError, "must < 3");
    check("get_epoch_status", &[arch(), task(), past], &[0, 1, 2]);
}

#[test]
fn get_best_epoch_status_checks_the_task_the_metric_then_the_arch() {
    check("get_best_epoch_status", &[arch(), task(), metric()], &[1, 2, 0]);
}

#[test]
fn get_best_archs_checks_the_space_the_task_the_metric_then_topk() {
    let space =
        slot(Arg::Str("macro"), Arg::Str("bad-space"), Exc::AssertionError, "search_space must in");
    let topk = slot(Arg::Int(2), Arg::Str("x"), Exc::TypeError, "slice indices");
    check("get_best_archs", &[task(), metric(), space, topk], &[2, 0, 1, 3]);
}
