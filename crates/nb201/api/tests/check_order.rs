//! Which exception a call raises when several of its arguments are wrong at once: the official
//! order of checks of `nas_201_api` v2.1 (nb201-layout.md section 7, "errors, in order") and of
//! NATS-Bench v1.8 (nats-layout.md section 7). Each method is called with every combination of
//! wrong arguments, so that swapping two checks changes an answer here. The single-argument
//! messages are the official code's, as recorded in tests/data/nb201_heldout.digest.jsonl.

use std::path::{Path, PathBuf};

use tnb_nb201_api::{
    Arg, Exc, MemSource, Nats, Nb201, PySum, Session, Source, Space, call, obj_from_file_bytes,
    obj_from_pbz2_bytes,
};

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../data")
}

/// The held-out NB201 fixture (30 archs; arch 0 is not loaded, arch 2 is).
fn heldout() -> MemSource {
    let bytes = std::fs::read(data().join("nb201_heldout.pth")).unwrap();
    MemSource::from_obj(&obj_from_file_bytes(&bytes).unwrap()).unwrap()
}

/// The authors' NATS topology sample folder (archs 0, 11 and 284).
fn tss() -> MemSource {
    let dir = data().join("nats/samples/NATS-tss-v1_0-3ffb9-simple");
    let read = |p: &Path| obj_from_pbz2_bytes(&std::fs::read(p).unwrap()).unwrap();
    let meta = read(&dir.join("meta.pickle.pbz2"));
    let archs: Vec<_> =
        [0, 11, 284].iter().map(|&i| (i, read(&dir.join(format!("{i:06}.pickle.pbz2"))))).collect();
    MemSource::from_nats_folder(&meta, &archs).unwrap()
}

/// One argument: its good and wrong values, and what the exception says when the wrong one is
/// the first checked (its class and a piece of its message that tells this check's).
struct Slot {
    good: Arg<'static>,
    bad: Arg<'static>,
    exc: Exc,
    says: &'static str,
}

fn slot(good: Arg<'static>, bad: Arg<'static>, exc: Exc, says: &'static str) -> Slot {
    Slot { good, bad, exc, says }
}

/// A fixed argument that is never wrong.
fn fixed(value: Arg<'static>) -> Slot {
    slot(value, value, Exc::ValueError, "")
}

/// Calls `method` with every combination of wrong arguments (at least one); `order` lists the
/// slots that can be wrong in the order the official code checks them, and the first wrong
/// one must win.
fn check<S: Source>(nb: &Nb201<'_, S>, method: &str, slots: &[Slot], order: &[usize]) {
    for wrong in 1..(1u32 << order.len()) {
        let is_wrong =
            |i: usize| order.iter().position(|&o| o == i).is_some_and(|k| wrong & (1 << k) != 0);
        let args: Vec<Arg<'_>> = (0..slots.len())
            .map(|i| if is_wrong(i) { slots[i].bad } else { slots[i].good })
            .collect();
        let want = &slots[*order.iter().find(|&&i| is_wrong(i)).unwrap()];
        let mut session = Session::default();
        match call(nb, &mut session, method, &args, &[], &mut |_| {}) {
            Err(e) => assert!(
                e.exc() == want.exc && e.message().contains(want.says),
                "{method}{args:?}: {:?} {:?}, expected {:?} saying {:?}",
                e.exc(),
                e.message(),
                want.exc,
                want.says
            ),
            Ok(v) => panic!("{method}{args:?}: answered {v:?}"),
        }
    }
}

// NB201: arch 0 of the fixture is not loaded, 30 is past the end.
fn index() -> Slot {
    slot(Arg::Int(2), Arg::Int(0), Exc::ValueError, "does not in arch2infos")
}
fn hp() -> Slot {
    slot(Arg::Str("12"), Arg::Str("90"), Exc::ValueError, "only has hyper-parameters")
}
fn dataset_key() -> Slot {
    slot(Arg::Str("cifar10-valid"), Arg::Str("bad-data"), Exc::KeyError, "'bad-data'")
}

#[test]
fn nb201_index_then_hp_then_dataset() {
    let src = heldout();
    let nb = Nb201::new(&src, PySum::Plain, false);
    check(&nb, "query_meta_info_by_index", &[index(), hp()], &[0, 1]);
    let dataname = slot(
        Arg::Str("cifar10-valid"),
        Arg::Str("bad-data"),
        Exc::ValueError,
        "invalid dataset-name : bad-data",
    );
    check(&nb, "query_by_index", &[index(), dataname, hp()], &[0, 2, 1]);
    check(&nb, "get_cost_info", &[index(), dataset_key(), hp()], &[0, 2, 1]);
    check(&nb, "get_latency", &[index(), dataset_key(), hp()], &[0, 2, 1]);
    let seed = slot(Arg::Int(777), Arg::Int(5), Exc::ValueError, "key=('cifar10-valid', 5)");
    let net_param = [index(), fixed(Arg::Str("cifar10-valid")), seed, hp()];
    check(&nb, "get_net_param", &net_param, &[0, 3, 2]);
}

#[test]
fn nb201_get_more_info_checks_the_index_then_the_hp_then_the_dataset() {
    let src = heldout();
    let nb = Nb201::new(&src, PySum::Plain, false);
    let index = slot(Arg::Int(2), Arg::Int(0), Exc::ValueError, "Did not find 0");
    let hp = slot(Arg::Str("12"), Arg::Str("90"), Exc::KeyError, "'90'");
    // (index, dataset, iepoch=None, hp, is_random=False)
    let slots = [index, dataset_key(), fixed(Arg::None), hp, fixed(Arg::Bool(false))];
    check(&nb, "get_more_info", &slots, &[0, 3, 1]);
}

#[test]
fn nb201_find_best_checks_the_hp_then_the_dataset_then_the_set() {
    let src = heldout();
    let nb = Nb201::new(&src, PySum::Plain, false);
    let set = slot(Arg::Str("x-valid"), Arg::Str("bad-set"), Exc::KeyError, "'bad-set@");
    let hp = slot(Arg::Str("12"), Arg::Str("90"), Exc::KeyError, "'90'");
    // (dataset, metric_on_set, FLOP_max=None, Param_max=None, hp)
    let slots = [dataset_key(), set, fixed(Arg::None), fixed(Arg::None), hp];
    check(&nb, "find_best", &slots, &[4, 0, 1]);
}

#[test]
fn nb201_simulate_train_eval_checks_the_arch_then_the_dataset() {
    let src = heldout();
    let nb = Nb201::new(&src, PySum::Plain, false);
    let arch = slot(Arg::Int(2), Arg::Int(30), Exc::ValueError, "Invalid architecture index 30");
    let dataset = slot(
        Arg::Str("cifar10"),
        Arg::Str("bad-data"),
        Exc::AssertionError,
        "Invalid dataset name",
    );
    check(&nb, "simulate_train_eval", &[arch, dataset, fixed(Arg::Str("12"))], &[0, 1]);
}

// NATS topology: arch 5 is not in the sample (not fast mode: nothing is loaded for it).
fn nats_hp() -> Slot {
    slot(Arg::Str("12"), Arg::Str("90"), Exc::KeyError, "'90'")
}

#[test]
fn nats_get_more_info_checks_the_index_then_the_hp_then_the_dataset() {
    let src = tss();
    let nb = Nb201::nats(&src, PySum::Plain, false, Nats::new(Space::Tss));
    let index = slot(Arg::Int(11), Arg::Int(5), Exc::ValueError, "Did not find 5");
    // (index, dataset, iepoch=None, hp, is_random=False)
    let slots = [index, dataset_key(), fixed(Arg::None), nats_hp(), fixed(Arg::Bool(false))];
    check(&nb, "get_more_info", &slots, &[0, 3, 1]);
}

#[test]
fn nats_index_then_hp_then_dataset() {
    let src = tss();
    let nb = Nb201::nats(&src, PySum::Plain, false, Nats::new(Space::Tss));
    let index = || slot(Arg::Int(11), Arg::Int(5), Exc::ValueError, "does not in arch2infos");
    let hp = || slot(Arg::Str("12"), Arg::Str("90"), Exc::ValueError, "only has hyper-parameters");
    check(&nb, "query_meta_info_by_index", &[index(), hp()], &[0, 1]);
    let dataname = slot(
        Arg::Str("cifar10-valid"),
        Arg::Str("bad-data"),
        Exc::ValueError,
        "invalid dataset-name : bad-data",
    );
    check(&nb, "query_by_index", &[index(), dataname, hp()], &[0, 2, 1]);
    check(&nb, "get_cost_info", &[index(), dataset_key(), hp()], &[0, 2, 1]);
}

#[test]
fn nats_simulate_train_eval_checks_the_arch_the_dataset_then_the_hp() {
    let src = tss();
    let nb = Nb201::nats(&src, PySum::Plain, false, Nats::new(Space::Tss));
    let arch = slot(Arg::Int(11), Arg::Int(15625), Exc::ValueError, "Invalid architecture index");
    let dataset =
        slot(Arg::Str("cifar10"), Arg::Str("bad-data"), Exc::ValueError, "Invalid dataset name");
    // (arch, dataset, iepoch=None, hp): with every argument right, the draw it asks for next is
    // refused (no combination here has them all right).
    let slots = [arch, dataset, fixed(Arg::None), nats_hp()];
    check(&nb, "simulate_train_eval", &slots, &[0, 1, 3]);
}
