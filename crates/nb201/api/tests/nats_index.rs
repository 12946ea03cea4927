//! `_prepare_info` of an index the source does not hold, in fast mode with an `archive_dir`:
//! the official `reload(archive_dir, index)` checks `0 <= index < len(meta_archs)` (so a float
//! in range passes, then fails formatting the file name with `{:06d}`, and NaN fails the check),
//! before looking for the per-arch file. The expected answers are what nats_bench 1.8 gives
//! on the tss sample folder (the battery of tests/data/make_nats_official.py has no float
//! index in this position, so its digests do not cover it).

use std::path::PathBuf;

use tnb_nb201_api::{
    Arg, Exc, MemSource, Nats, Nb201, PySum, Session, Space, call, obj_from_pbz2_bytes,
};

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../data/nats/samples/NATS-tss-v1_0-3ffb9-simple")
}

fn source() -> MemSource {
    let dir = sample();
    let read = |n: &str| obj_from_pbz2_bytes(&std::fs::read(dir.join(n)).unwrap()).unwrap();
    let archs: Vec<_> =
        [0i64, 11, 284].iter().map(|&i| (i, read(&format!("{i:06}.pickle.pbz2")))).collect();
    MemSource::from_nats_folder(&read("meta.pickle.pbz2"), &archs).unwrap()
}

#[test]
fn a_float_index_is_checked_against_the_range_then_formatted() {
    let mem = source();
    let dir = sample().to_string_lossy().into_owned();
    let nats = Nats { space: Space::Tss, fast_mode: true, archive_dir: Some(dir.as_str().into()) };
    let nb = Nb201::nats(&mem, PySum::Plain, false, nats);
    let mut session = Session::default();
    let mut get = |index: Arg<'_>| {
        let args = [index, Arg::Str("cifar10")];
        call(&nb, &mut session, "get_net_config", &args, &[], &mut |_| {})
            .map(|v| v.py_str())
            .map_err(|e| (e.exc(), e.message().to_owned()))
    };
    let unknown = || (Exc::ValueError, "Unknown format code 'd' for object of type 'float'".into());
    let invalid = |s: &str| (Exc::ValueError, format!("invalid index of {s}"));
    // In range, not held: the check passes, the file name cannot be formatted.
    assert_eq!(get(Arg::Float(1.5)), Err(unknown()));
    assert_eq!(get(Arg::Float(15624.5)), Err(unknown()));
    // Out of range either side, and NaN (no comparison holds).
    assert_eq!(get(Arg::Float(-0.5)), Err(invalid("-0.5")));
    assert_eq!(get(Arg::Float(15625.0)), Err(invalid("15625.0")));
    assert_eq!(get(Arg::Float(f64::NAN)), Err(invalid("nan")));
    assert_eq!(get(Arg::Int(-1)), Err(invalid("-1")));
    assert_eq!(get(Arg::Int(15625)), Err(invalid("15625")));
    // An int in range without a file: the unpadded path the official code reports.
    let path = format!("{dir}/1.pickle.pbz2");
    assert_eq!(get(Arg::Int(1)), Err((Exc::AssertionError, format!("invalid data path : {path}"))));
    // Held: 0.0 is the key 0 (Python's dict lookup), answered without a reload.
    let held = get(Arg::Float(0.0)).unwrap();
    assert_eq!(held, get(Arg::Int(0)).unwrap());
    assert!(held.starts_with("{'name': 'infer.tiny', 'C': 16, 'N': 5, 'arch_str': "), "{held}");
}

/// `show(index)` of a float: the official `_show` compares the float itself (`index < 0`,
/// `0 <= index < len`, `index not in evaluated_indexes`), so only a whole float of an evaluated
/// index shows it (answers of nats_bench 1.8 on the same folder).
#[test]
fn show_of_a_float_index() {
    let mem = source();
    let dir = sample().to_string_lossy().into_owned();
    let nats = Nats { space: Space::Tss, fast_mode: true, archive_dir: Some(dir.into()) };
    let nb = Nb201::nats(&mem, PySum::Plain, false, nats);
    let mut session = Session::default();
    let mut show = |index: Arg<'_>| {
        let mut printed = Vec::new();
        let r = call(&nb, &mut session, "show", &[index], &[], &mut |s| {
            printed.extend(s.split('\n').map(str::to_owned))
        })
        .map(|v| v.py_str())
        .map_err(|e| (e.exc(), e.message().to_owned()));
        (r, printed)
    };
    // Below 0: the object's repr and the first evaluated arch, then KeyError(index).
    for index in [Arg::Float(-0.5), Arg::Float(-1.0), Arg::Int(-2)] {
        let (r, printed) = show(index);
        assert_eq!(r.map_err(|e| e.0), Err(Exc::KeyError), "{printed:?}");
        assert!(printed[0].starts_with("NATStopology(3/15625 architectures, fast_mode=True"));
        assert_eq!(
            printed[2], "---------- The (    0/    3) 000000-th architecture! ----------",
            "{printed:?}"
        );
        assert!(printed[3].starts_with("arch : |avg_pool_3x3~0|+|nor_conv_1x1~0|"), "{printed:?}");
    }
    // A float of a held index is that index; one between two is not evaluated, and
    // `_prepare_info` fails formatting its file name.
    let (r, printed) = show(Arg::Float(284.0));
    assert_eq!(r, Ok("None".to_owned()));
    assert!(printed[0].starts_with(&format!("{} 012 epochs", ">".repeat(40))), "{printed:?}");
    // NaN is out of range (every comparison with it is false).
    let (r, printed) = show(Arg::Float(f64::NAN));
    assert_eq!(r, Ok("None".to_owned()));
    assert_eq!(printed, ["This index (nan) is out of range (0~15625)."]);
    for x in [0.5, 1.5, 1.0, 15624.5] {
        let (r, printed) = show(Arg::Float(x));
        assert_eq!(
            r,
            Err((Exc::ValueError, "Unknown format code 'd' for object of type 'float'".into())),
            "{x} {printed:?}"
        );
    }
}

/// `get_net_config` of an arch whose per-arch object holds no hp: the official
/// `next(iter(info.values()))` of an empty dict raises `StopIteration`, and so does the
/// in-memory source; the converter refuses such an arch, so no archive holds one.
#[test]
fn get_net_config_of_an_arch_without_hps() {
    let dir = sample();
    let read = |n: &str| obj_from_pbz2_bytes(&std::fs::read(dir.join(n)).unwrap()).unwrap();
    let meta = read("meta.pickle.pbz2");
    let mut archs: Vec<_> =
        [0i64, 11, 284].iter().map(|&i| (i, read(&format!("{i:06}.pickle.pbz2")))).collect();
    archs[1].1 = tnb_pickle::stream::Obj::Dict { items: vec![], ordered: true };
    let mem = MemSource::from_nats_folder(&meta, &archs).unwrap();
    let nb = Nb201::nats(&mem, PySum::Plain, false, Nats::new(Space::Tss));
    let mut session = Session::default();
    let mut get = |i: i64| {
        let args = [Arg::Int(i), Arg::Str("cifar10")];
        call(&nb, &mut session, "get_net_config", &args, &[], &mut |_| {})
            .map(|v| v.py_str())
            .map_err(|e| (e.exc(), e.message().to_owned()))
    };
    assert_eq!(get(11), Err((Exc::StopIteration, String::new())));
    assert!(get(0).unwrap().starts_with("{'name': 'infer.tiny'"));
    assert!(get(284).unwrap().starts_with("{'name': 'infer.tiny'"));
    let e = tnb_nb201_convert::folder_archive_bytes(
        tnb_nb201_convert::Family::NatsTss,
        &meta,
        &archs,
        0,
        [0; 32],
    )
    .unwrap_err();
    assert!(e.to_string().contains("expected at least one hp key"), "{e}");
}

/// `show()` (index -1) of a source with nothing evaluated prints the object's repr and nothing
/// else (the official loop over `evaluated_indexes` runs no time), and returns `None`.
#[test]
fn show_all_of_a_source_with_nothing_evaluated() {
    let dir = sample();
    let meta = obj_from_pbz2_bytes(&std::fs::read(dir.join("meta.pickle.pbz2")).unwrap()).unwrap();
    let s = |k: &str| tnb_pickle::stream::Obj::Str(k.into());
    let mut items = Vec::new();
    for key in ["meta_archs", "total_archs"] {
        items.push((s(key), meta.get(key).unwrap().clone()));
    }
    let empty = tnb_pickle::stream::Obj::Dict { items: vec![], ordered: false };
    items.push((s("arch2infos"), empty));
    items.push((s("evaluated_indexes"), tnb_pickle::stream::Obj::Set(vec![])));
    let top = tnb_pickle::stream::Obj::Dict { items, ordered: false };
    let mem = MemSource::from_nats_obj(&top).unwrap();
    let nb = Nb201::nats(&mem, PySum::Plain, false, Nats::new(Space::Tss));
    let mut session = Session::default();
    let mut printed = Vec::new();
    let r = call(&nb, &mut session, "show", &[Arg::Int(-1)], &[], &mut |l| {
        printed.extend(l.split('\n').map(str::to_owned))
    })
    .map(|v| v.py_str())
    .map_err(|e| (e.exc(), e.message().to_owned()));
    assert_eq!(r, Ok("None".to_owned()), "{printed:?}");
    assert_eq!(printed.len(), 1, "{printed:?}");
    assert!(printed[0].starts_with("NATStopology(0/15625 architectures"), "{printed:?}");
}
