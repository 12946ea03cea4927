//! NATS-Bench v1.8 semantics (`NATStopology`, `NATSsize`) on the real sample files
//! (data/nats/samples: archs 0, 11, 284 and the meta file of each space): the values the
//! reference lists as observed with the official code (nats-layout.md section 7), plain tests;
//! and, ignored in a plain `cargo test` (it needs a Python with `nats_bench==1.8`), every
//! method over an argument grid side by side with the official code
//! (`tests/data/make_nats_official.py`), run by tools/test-all.sh.

mod common;

use std::path::{Path, PathBuf};

use tnb_nb201_api::{
    Arg, Exc, Io, MemSource, Nats, Nb201, NoDraw, PySum, Session, Space, Value, call,
    obj_from_pbz2_bytes,
};
use tnb_pickle::stream::Obj;

fn samples(space: Space) -> PathBuf {
    let name = match space {
        Space::Tss => "NATS-tss-v1_0-3ffb9-simple",
        Space::Sss => "NATS-sss-v1_0-50262-simple",
    };
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../data/nats/samples").join(name)
}

/// The folder's meta object and per-arch objects (ascending index).
fn folder(dir: &Path) -> (Obj, Vec<(i64, Obj)>) {
    let meta = obj_from_pbz2_bytes(&std::fs::read(dir.join("meta.pickle.pbz2")).unwrap()).unwrap();
    let mut archs = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "meta.pickle.pbz2" && n.ends_with(".pickle.pbz2"))
        .collect();
    names.sort();
    for n in names {
        let i: i64 = n.trim_end_matches(".pickle.pbz2").parse().unwrap();
        archs.push((i, obj_from_pbz2_bytes(&std::fs::read(dir.join(&n)).unwrap()).unwrap()));
    }
    (meta, archs)
}

fn folder_source(space: Space) -> MemSource {
    let (meta, archs) = folder(&samples(space));
    MemSource::from_nats_folder(&meta, &archs).unwrap()
}

/// The single-file object the writers make of the same data: `{'meta_archs', 'total_archs',
/// 'arch2infos', 'evaluated_indexes'}`.
fn single_file_source(space: Space) -> MemSource {
    let (meta, archs) = folder(&samples(space));
    let mut items = Vec::new();
    for key in ["meta_archs", "total_archs"] {
        items.push((Obj::Str(key.into()), meta.get(key).unwrap().clone()));
    }
    let infos = archs.iter().map(|(i, o)| (Obj::Int(*i), o.clone())).collect();
    items.push((Obj::Str("arch2infos".into()), Obj::Dict { items: infos, ordered: false }));
    let ev = archs.iter().map(|(i, _)| Obj::Int(*i)).collect();
    items.push((Obj::Str("evaluated_indexes".into()), Obj::List(ev)));
    MemSource::from_nats_obj(&Obj::Dict { items, ordered: false }).unwrap()
}

fn run(src: &MemSource, space: Space, method: &str, args: &[Arg<'_>], kw: &[(&str, Arg<'_>)]) -> Result<Value<'static>, tnb_nb201_api::ApiError> {
    let nb = Nb201::nats(src, PySum::Plain, false, Nats::new(space));
    let mut session = Session::default();
    call(&nb, &mut session, method, args, kw, &mut |_| {}).map(Value::into_owned)
}

fn f(v: &Value<'_>, key: &str) -> Value<'static> {
    v.get(key).cloned().unwrap_or_else(|| panic!("no {key} in {v:?}")).into_owned()
}

#[test]
fn tss_observed_values() {
    for src in [folder_source(Space::Tss), single_file_source(Space::Tss)] {
        let t = Space::Tss;
        let v = run(&src, t, "get_more_info", &[Arg::Int(0), Arg::Str("cifar10")], &[("hp", Arg::Str("12")), ("is_random", Arg::Int(111))]).unwrap();
        assert_eq!(f(&v, "train-loss"), Value::Float(0.8180574755477905));
        assert_eq!(f(&v, "train-accuracy"), Value::Float(71.08));
        assert_eq!(f(&v, "train-per-time"), Value::Float(14.442185997962952));
        assert_eq!(f(&v, "train-all-time"), Value::Float(173.30623197555542));
        assert_eq!(f(&v, "test-loss"), Value::Float(0.8653452147483826));
        assert_eq!(f(&v, "test-accuracy"), Value::Float(69.55));
        assert_eq!(f(&v, "test-per-time"), Value::Float(1.019591694786435));
        assert_eq!(f(&v, "test-all-time"), Value::Float(12.235100337437219));
        assert!(matches!(f(&v, "comment"), Value::Str(s) if s.contains("by 12 epochs")));
        let v = run(&src, t, "get_more_info", &[Arg::Int(0), Arg::Str("cifar100")], &[("hp", Arg::Str("200")), ("iepoch", Arg::Int(5)), ("is_random", Arg::Bool(false))]).unwrap();
        let Value::Dict(items) = &v else { panic!() };
        let keys: Vec<String> = items.iter().map(|(k, _)| k.py_str()).collect();
        assert!(keys.iter().all(|k| k.starts_with("train-") || k.starts_with("valtest-")), "{keys:?}");
        assert_eq!(f(&v, "valtest-accuracy"), Value::Float(13.566666666666668));
        let v = run(&src, t, "get_more_info", &[Arg::Int(0), Arg::Str("cifar10")], &[("hp", Arg::Int(200)), ("is_random", Arg::Bool(false))]).unwrap();
        assert_eq!(f(&v, "test-accuracy"), Value::Float(85.86333333333334));
        let v = run(&src, t, "get_cost_info", &[Arg::Int(0), Arg::Str("cifar10")], &[]).unwrap();
        assert_eq!(f(&v, "flops"), Value::Float(15.64737));
        assert_eq!(f(&v, "params"), Value::F64(0.129306));
        assert_eq!(f(&v, "latency"), Value::F64(0.0139359758611311));
        let e = run(&src, t, "get_more_info", &[Arg::Int(0), Arg::Str("cifar10")], &[("hp", Arg::Str("90")), ("is_random", Arg::Bool(false))]).unwrap_err();
        assert_eq!((e.exc(), e.message()), (Exc::KeyError, "'90'"));
        let e = run(&src, t, "get_more_info", &[Arg::Int(0), Arg::Str("cifar10")], &[("is_random", Arg::Int(777))]).unwrap_err();
        assert_eq!((e.exc(), e.message()), (Exc::ValueError, "can not find random seed (777) from [111]"));
        let e = run(&src, t, "get_more_info", &[Arg::Int(0), Arg::Str("cifar10")], &[("iepoch", Arg::Int(12)), ("is_random", Arg::Bool(false))]).unwrap_err();
        assert_eq!((e.exc(), e.message()), (Exc::ValueError, "invalid iepoch=12 < 12"));
        assert_eq!(run(&src, t, "query_index_by_arch", &[Arg::Bool(true)], &[]).unwrap(), Value::Bool(true));
        let e = run(&src, t, "arch", &[Arg::Str("x")], &[]).unwrap_err();
        assert_eq!(e.exc(), Exc::TypeError);
        let e = run(&src, t, "arch", &[Arg::Int(15625)], &[]).unwrap_err();
        assert_eq!((e.exc(), e.message()), (Exc::ValueError, "invalid index : 15625 vs. 15625."));
        let r = run(&src, t, "__repr__", &[], &[]).unwrap();
        assert_eq!(r, Value::Str("NATStopology(3/15625 architectures, fast_mode=False, file=None)".into()));
    }
}

#[test]
fn sss_observed_values() {
    for src in [folder_source(Space::Sss), single_file_source(Space::Sss)] {
        let s = Space::Sss;
        let v = run(&src, s, "get_more_info", &[Arg::Int(284), Arg::Str("cifar10")], &[("hp", Arg::Str("90")), ("is_random", Arg::Bool(false))]).unwrap();
        assert_eq!(f(&v, "test-accuracy"), Value::Float(89.51));
        assert_eq!(f(&v, "train-accuracy"), Value::Float(96.846));
        let v = run(&src, s, "get_cost_info", &[Arg::Int(0), Arg::Str("cifar10-valid")], &[("hp", Arg::Str("01"))]).unwrap();
        assert_eq!(f(&v, "flops"), Value::Float(4.481114));
        assert_eq!(f(&v, "params"), Value::F64(0.011714));
        let e = run(&src, s, "str2lists", &[Arg::Str("|a~0|")], &[]).unwrap_err();
        assert_eq!(e.exc(), Exc::AttributeError);
        let v = run(&src, s, "get_net_config", &[Arg::Int(11), Arg::Str("cifar100")], &[]).unwrap();
        assert_eq!(f(&v, "name"), Value::Str("infer.shape.tiny".into()));
        assert_eq!(f(&v, "channels"), Value::Str("8:8:8:16:32".into()));
    }
}

#[test]
fn tss_unique_strings_identify_isomorphic_cells() {
    let src = folder_source(Space::Tss);
    let nb = Nb201::nats(&src, PySum::Plain, false, Nats::new(Space::Tss));
    let mut d = NoDraw;
    let mut io = Io { draw: &mut d, print: &mut |_| {} };
    let a = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|";
    let u = nb.get_unique_str(Arg::Str(a), &mut io).unwrap();
    // (The official `to_unique_str(consider_zero=True)` of the same string.)
    assert_eq!(u, "#+(#+(0)@nor_conv_3x3)@nor_conv_1x1+(0)@avg_pool_3x3");
}
