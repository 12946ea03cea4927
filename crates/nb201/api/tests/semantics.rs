//! The semantics on small in-memory objects with the v1_0 and v1_1 shapes (built here as the
//! owned objects the reader hands out): values and their Python types, check order, exception
//! classes and messages, draws, state. Expected messages are the official code's (checked
//! side by side in tests/official.rs).

use std::sync::Arc;

use tnb_nb201_api::{
    Arg, Exc, FnDraw, Hp, Io, MemSource, NO_DRAW, NO_RANDOM, Nb201, NoDraw, PySum, ResultsRef,
    RunRef, Session, Source, Value, call, call_results, call_run, call_with,
};
use tnb_pickle::stream::Obj;
use tnb_pickle::{Dtype, Scalar};

fn s(x: &str) -> Obj {
    Obj::Str(Arc::from(x))
}
fn f(x: f64) -> Obj {
    Obj::Float(x)
}
fn np(x: f64) -> Obj {
    Obj::Scalar(Scalar { dtype: Dtype::F64, bits: x.to_bits() })
}
fn d(items: Vec<(Obj, Obj)>) -> Obj {
    Obj::Dict { items, ordered: false }
}
fn od(items: Vec<(Obj, Obj)>) -> Obj {
    Obj::Dict { items, ordered: true }
}

const ARCHS: [&str; 4] = [
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
    "|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|",
    "|nor_conv_1x1~0|+|none~0|nor_conv_1x1~1|+|none~0|nor_conv_1x1~1|nor_conv_1x1~2|",
    "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
];
const LESS_E: i64 = 3;
const FULL_E: i64 = 10;

/// The accuracy of (arch, set, seed, epoch): arch 1 and 2 tie on `x-valid` so `find_best`
/// must keep the first.
fn acc(arch: usize, set: &str, seed: i64, e: i64) -> f64 {
    let base = match set {
        "x-valid" => 50.0 + 10.0 * (arch.min(1) as f64),
        "train" => 60.0 + arch as f64,
        _ => 40.0 + 2.0 * arch as f64,
    };
    base + e as f64 * 0.5 + (seed % 7) as f64 * 0.125
}

fn run(arch: usize, dataset: &str, seed: i64, epochs: i64, v11: bool, old: bool) -> Obj {
    let ints = |g: &dyn Fn(i64) -> f64| d((0..epochs).map(|e| (Obj::Int(e), f(g(e)))).collect());
    let train_times = if v11 {
        od((0..epochs).map(|e| (Obj::Int(e), np(7.25))).collect())
    } else if old {
        Obj::None
    } else {
        d((0..epochs).map(|e| (Obj::Int(e), f(7.0 + e as f64 * 0.1))).collect())
    };
    let sets: Vec<&str> = match (dataset, old) {
        ("cifar10-valid", _) => vec!["x-valid", "ori-test"],
        ("cifar10", _) => vec!["ori-test"],
        (_, true) => vec!["ori-test", "x-valid", "x-test"],
        _ => vec!["x-valid", "x-test", "ori-test"],
    };
    let mut accs = Vec::new();
    let mut losses = Vec::new();
    let mut times = Vec::new();
    for set in &sets {
        let every = !old
            || dataset == "cifar10"
            || (dataset == "cifar10-valid" && *set == "x-valid")
            || (dataset != "cifar10-valid" && *set == "ori-test");
        for e in 0..epochs {
            let key = format!("{set}@{e}");
            if every || e == epochs - 1 {
                accs.push((s(&key), f(acc(arch, set, seed, e))));
                losses.push((s(&key), f(1.0 / (e + 1) as f64)));
            }
            if v11 || !old {
                times.push((s(&key), if v11 { np(0.75) } else { f(0.5 + e as f64 * 0.01) }));
            }
        }
    }
    let latency = if v11 {
        Obj::List(vec![np(0.0125 + arch as f64 * 0.001)])
    } else if old {
        Obj::List(vec![f(0.1), f(0.2), f(0.3)])
    } else {
        Obj::None
    };
    d(vec![
        (s("name"), s(dataset)),
        (s("train_acc1es"), ints(&|e| acc(arch, "train", seed, e))),
        (s("train_acc5es"), if old { Obj::None } else { ints(&|_| 99.0) }),
        (s("train_losses"), ints(&|e| 2.0 / (e + 1) as f64)),
        (s("train_times"), train_times),
        (
            s("arch_config"),
            d(vec![
                (s("channel"), Obj::Int(16)),
                (s("num_cells"), Obj::Int(5)),
                (s("arch_str"), s(ARCHS[arch])),
                (s("class_num"), Obj::Int(if dataset == "cifar100" { 100 } else { 10 })),
            ]),
        ),
        (s("params"), np(0.1 + 0.1 * arch as f64 + if seed == 888 { 0.05 } else { 0.0 })),
        (s("flop"), f(10.0 + 10.0 * arch as f64)),
        (s("seed"), s(&format!("{seed:04}"))),
        (s("epochs"), Obj::Int(epochs)),
        (s("latency"), latency),
        (s("eval_names"), Obj::List(sets.iter().map(|x| s(x)).collect())),
        (s("eval_acc1es"), d(accs)),
        (s("eval_times"), d(times)),
        (s("eval_losses"), d(losses)),
        (s("net_state_dict"), Obj::None),
    ])
}

fn arch_results(arch: usize, ds: &[(&str, Vec<i64>)], epochs: i64, v11: bool, old: bool) -> Obj {
    let mut all = Vec::new();
    for (dataset, seeds) in ds {
        // Insertion order is not seed order in the files.
        for &seed in seeds.iter().rev() {
            all.push((
                Obj::Tuple(vec![s(dataset), Obj::Int(seed)]),
                run(arch, dataset, seed, epochs, v11, old),
            ));
        }
    }
    d(vec![
        (s("arch_index"), Obj::Int(arch as i64)),
        (s("arch_str"), s(ARCHS[arch])),
        (s("all_results"), d(all)),
        (
            s("dataset_seed"),
            d(ds.iter()
                .map(|(n, v)| (s(n), Obj::List(v.iter().map(|&x| Obj::Int(x)).collect())))
                .collect()),
        ),
        (s("clear_net_done"), Obj::Bool(true)),
    ])
}

const DS: [&str; 4] = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"];

fn object(v11: bool) -> Obj {
    let mut infos = Vec::new();
    for arch in [2usize, 0, 1] {
        let less: Vec<(&str, Vec<i64>)> = if v11 {
            vec![
                (DS[0], vec![111, 777]),
                (DS[1], vec![111]),
                (DS[2], vec![111]),
                (DS[3], vec![111]),
            ]
        } else {
            vec![(DS[0], vec![777])]
        };
        let seeds = if arch == 0 { vec![777, 888] } else { vec![777] };
        let full: Vec<(&str, Vec<i64>)> = DS.iter().map(|x| (*x, seeds.clone())).collect();
        infos.push((
            Obj::Int(arch as i64),
            d(vec![
                (s("full"), arch_results(arch, &full, FULL_E, v11, true)),
                (s("less"), arch_results(arch, &less, LESS_E, v11, false)),
            ]),
        ));
    }
    d(vec![
        (s("meta_archs"), Obj::List(ARCHS.iter().map(|x| s(x)).collect())),
        (s("total_archs"), Obj::Int(4)),
        (s("arch2infos"), d(infos)),
        (s("evaluated_indexes"), Obj::List(vec![Obj::Int(2), Obj::Int(0), Obj::Int(1)])),
    ])
}

fn src(v11: bool) -> MemSource {
    MemSource::from_obj(&object(v11)).unwrap()
}

fn api(src: &MemSource) -> Nb201<'_, MemSource> {
    Nb201::new(src, PySum::Plain, false)
}

/// `method(*args, **kwargs)` through the batch dispatcher.
fn ask<'s, S: Source>(
    nb: &Nb201<'s, S>,
    m: &str,
    args: &[Arg<'_>],
    kw: &[(&str, Arg<'_>)],
) -> Result<Value<'s>, (Exc, String)> {
    let mut session = Session::default();
    call(nb, &mut session, m, args, kw, &mut |_| {}).map_err(|e| (e.exc(), e.message().to_owned()))
}

fn err(r: Result<Value<'_>, (Exc, String)>) -> (Exc, String) {
    r.expect_err("the call should raise")
}

fn get<'a>(v: &'a Value<'_>, k: &str) -> &'a Value<'a> {
    v.get(k).unwrap_or_else(|| panic!("no {k} in {v:?}"))
}

fn keys(v: &Value<'_>) -> Vec<String> {
    match v {
        Value::Dict(items) => items.iter().map(|(k, _)| k.py_str()).collect(),
        _ => panic!("not a dict"),
    }
}

#[test]
fn seed_means_are_np_float64_single_seeds_python_floats() {
    let s = src(true);
    let nb = api(&s);
    let ds = Arg::Str("cifar10-valid");
    let mean =
        ask(&nb, "get_more_info", &[Arg::Int(0), ds], &[("is_random", Arg::Bool(false))]).unwrap();
    // Two seeds (111, 777) of arch 0 at the last of 3 epochs.
    let want = (acc(0, "train", 111, 2) + acc(0, "train", 777, 2)) / 2.0;
    assert_eq!(get(&mean, "train-accuracy"), &Value::F64(want));
    assert_eq!(get(&mean, "train-all-time"), &Value::F64(7.25 * 3.0));
    assert_eq!(get(&mean, "train-per-time"), &Value::F64(7.25));
    assert_eq!(get(&mean, "valid-per-time"), &Value::F64(0.75));
    let one =
        ask(&nb, "get_more_info", &[Arg::Int(0), ds], &[("is_random", Arg::Int(777))]).unwrap();
    assert_eq!(get(&one, "train-accuracy"), &Value::Float(acc(0, "train", 777, 2)));
    // v1_1 times are np.float64: their Python sum and its quotient stay np.float64.
    assert_eq!(get(&one, "train-all-time"), &Value::F64(21.75));
    assert_eq!(
        keys(&one),
        [
            "train-loss",
            "train-accuracy",
            "train-per-time",
            "train-all-time",
            "valid-loss",
            "valid-accuracy",
            "valid-per-time",
            "valid-all-time",
            "test-loss",
            "test-accuracy",
            "test-per-time",
            "test-all-time"
        ]
    );
    // v1_0: 12-epoch times are measured Python floats.
    let s0 = src(false);
    let nb0 = api(&s0);
    let v =
        ask(&nb0, "get_more_info", &[Arg::Int(1), ds], &[("is_random", Arg::Int(777))]).unwrap();
    assert_eq!(get(&v, "train-all-time"), &Value::Float(7.0 + 7.1 + 7.2));
    assert_eq!(get(&v, "train-per-time"), &Value::Float((7.0 + 7.1 + 7.2) / 3.0));
}

#[test]
fn hp_200_before_the_last_epoch_drops_sets_known_only_at_the_end() {
    let s = src(true);
    let nb = api(&s);
    let hp = ("hp", Arg::Str("200"));
    let fr = ("is_random", Arg::Bool(false));
    let at = |ds: &str, ie: Arg<'static>| {
        keys(
            &ask(&nb, "get_more_info", &[Arg::Int(0), Arg::Str(ds)], &[hp, fr, ("iepoch", ie)])
                .unwrap(),
        )
    };
    let c100 = at("cifar100", Arg::Int(3));
    assert_eq!(
        c100,
        [
            "train-loss",
            "train-accuracy",
            "train-per-time",
            "train-all-time",
            "valtest-loss",
            "valtest-accuracy",
            "valtest-per-time",
            "valtest-all-time"
        ]
    );
    assert!(at("cifar100", Arg::None).iter().any(|k| k == "valid-loss"));
    let c10v = at("cifar10-valid", Arg::Int(3));
    assert!(c10v.iter().any(|k| k == "valid-loss") && !c10v.iter().any(|k| k.starts_with("test-")));
    // cifar10-valid's valid set is not optional: past the end it raises.
    let e = err(ask(
        &nb,
        "get_more_info",
        &[Arg::Int(0), Arg::Str("cifar10-valid")],
        &[hp, fr, ("iepoch", Arg::Int(10))],
    ));
    assert_eq!(e, (Exc::AssertionError, "invalid iepoch=10 < 10".into()));
}

#[test]
fn find_best_keeps_the_first_maximum_and_filters_by_cost() {
    let s = src(true);
    let nb = api(&s);
    let fb = |ds: &str, set: &str, kw: &[(&str, Arg<'_>)]| {
        ask(&nb, "find_best", &[Arg::Str(ds), Arg::Str(set)], kw)
    };
    // Archs 1 and 2 tie on x-valid: the first in evaluated_indexes order (1) is kept.
    let v = fb("cifar10", "valid", &[]).unwrap();
    let want = (acc(1, "x-valid", 111, 2) + acc(1, "x-valid", 777, 2)) / 2.0;
    assert_eq!(v, Value::Tuple(vec![Value::Int(1), Value::F64(want)]));
    // flops 10/20/30: FLOP_max=15 leaves arch 0 only; Param_max compares seed-mean params.
    let v = fb("cifar10", "valid", &[("FLOP_max", Arg::Int(15))]).unwrap();
    assert!(matches!(v, Value::Tuple(ref t) if t[0] == Value::Int(0)));
    let v = fb("cifar100", "train", &[("Param_max", Arg::Float(0.25)), ("hp", Arg::Str("200"))])
        .unwrap();
    assert!(matches!(v, Value::Tuple(ref t) if t[0] == Value::Int(1)), "{v:?}");
    assert_eq!(
        fb("cifar10", "valid", &[("FLOP_max", Arg::Int(1))]).unwrap(),
        Value::Tuple(vec![Value::Int(-1), Value::None])
    );
    // Verbose: the official message line calls `self.arch(-1)`.
    let loud = Nb201::new(&s, PySum::Plain, true);
    let e = ask(
        &loud,
        "find_best",
        &[Arg::Str("cifar10"), Arg::Str("valid")],
        &[("FLOP_max", Arg::Int(1))],
    );
    assert_eq!(err(e), (Exc::AssertionError, "invalid index : -1 vs. 4.".into()));
    assert_eq!(err(fb("cifar10", "valid", &[("hp", Arg::Int(12))])).0, Exc::KeyError);
    assert_eq!(err(fb("nope", "valid", &[])), (Exc::KeyError, "'nope'".into()));
    assert_eq!(err(fb("cifar10", "nope", &[])), (Exc::KeyError, "'nope@2'".into()));
}

/// `(method, args, kwargs, class, message)`.
type Case<'a> = (&'a str, Vec<Arg<'a>>, Vec<(&'a str, Arg<'a>)>, Exc, &'a str);

#[test]
fn errors_have_the_official_class_and_message_in_the_official_order() {
    let s = src(true);
    let nb = api(&s);
    let a = Arg::Str;
    let i = Arg::Int;
    let cases: Vec<Case<'_>> = vec![
        ("arch", vec![i(4)], vec![], Exc::AssertionError, "invalid index : 4 vs. 4."),
        (
            "arch",
            vec![a("x")],
            vec![],
            Exc::TypeError,
            "'<=' not supported between instances of 'int' and 'str'",
        ),
        (
            "query_index_by_arch",
            vec![i(4)],
            vec![],
            Exc::ValueError,
            "Invalid architecture index 4 vs [0, 4].",
        ),
        (
            "get_more_info",
            vec![i(3), a("cifar10")],
            vec![],
            Exc::ValueError,
            "Did not find 3 from arch2infos_dict.",
        ),
        (
            "get_more_info",
            vec![a("nope"), a("cifar10")],
            vec![],
            Exc::ValueError,
            "Did not find -1 from arch2infos_dict.",
        ),
        ("get_more_info", vec![i(0), a("cifar10")], vec![("hp", a("90"))], Exc::KeyError, "'90'"),
        (
            "get_more_info",
            vec![i(0), a("nope")],
            vec![("is_random", Arg::Bool(false))],
            Exc::KeyError,
            "'nope'",
        ),
        (
            "get_more_info",
            vec![i(0), a("cifar10")],
            vec![("is_random", i(5))],
            Exc::ValueError,
            "can not find random seed (5) from [111]",
        ),
        (
            "get_more_info",
            vec![i(0), a("cifar10")],
            vec![("is_random", a("x"))],
            Exc::ValueError,
            "invalid value for is_random: x",
        ),
        (
            "get_more_info",
            vec![i(0), a("cifar10")],
            vec![("is_random", a("x")), ("iepoch", i(3))],
            Exc::AssertionError,
            "invalid iepoch=3 < 3",
        ),
        (
            "get_more_info",
            vec![i(0), a("cifar10")],
            vec![("iepoch", a("1")), ("is_random", Arg::Bool(false))],
            Exc::TypeError,
            "'<=' not supported between instances of 'int' and 'str'",
        ),
        ("get_more_info", vec![i(0), a("cifar10")], vec![], Exc::ValueError, NO_DRAW),
        (
            "query_meta_info_by_index",
            vec![i(3)],
            vec![],
            Exc::ValueError,
            "arch_index [3] does not in arch2infos",
        ),
        (
            "query_meta_info_by_index",
            vec![i(0), i(12)],
            vec![],
            Exc::ValueError,
            "The 0-th architecture only has hyper-parameters of ['12', '200'] instead of 12.",
        ),
        (
            "query_by_index",
            vec![i(0), a("x")],
            vec![],
            Exc::ValueError,
            "invalid dataset-name : x vs. ['cifar10-valid', 'cifar10', 'cifar100', 'ImageNet16-120']",
        ),
        (
            "query_info_str_by_arch",
            vec![i(0), a("90")],
            vec![],
            Exc::NameError,
            "name 'index' is not defined",
        ),
        (
            "get_net_config",
            vec![i(3), a("cifar10")],
            vec![],
            Exc::NameError,
            "name 'arch_index' is not defined",
        ),
        ("get_net_config", vec![i(0), a("x")], vec![], Exc::KeyError, "'x'"),
        (
            "get_net_param",
            vec![i(0), a("cifar10"), i(5)],
            vec![],
            Exc::ValueError,
            "key=('cifar10', 5) not in [('cifar10-valid', 777), ('cifar10-valid', 111), ('cifar10', 111), ('cifar100', 111), ('ImageNet16-120', 111)]",
        ),
        ("get_cost_info", vec![i(0), a("x")], vec![], Exc::KeyError, "'x'"),
        (
            "simulate_train_eval",
            vec![i(0), a("cifar10-valid")],
            vec![],
            Exc::AssertionError,
            "Invalid dataset name : cifar10-valid vs ('cifar10', 'cifar100', 'ImageNet16-120')",
        ),
        ("simulate_train_eval", vec![i(0), a("cifar10")], vec![], Exc::ValueError, NO_DRAW),
        (
            "statistics",
            vec![a("x"), a("12")],
            vec![],
            Exc::ValueError,
            "x not in ['cifar10-valid', 'cifar10', 'cifar100', 'ImageNet16-120']",
        ),
        ("statistics", vec![a("cifar10"), a("12")], vec![], Exc::KeyError, "3"),
        (
            "str2lists",
            vec![a("|a~0~1|")],
            vec![],
            Exc::AssertionError,
            "invalid input length : a~0~1",
        ),
        (
            "str2lists",
            vec![a("|a~x|")],
            vec![],
            Exc::ValueError,
            "invalid literal for int() with base 10: 'x'",
        ),
        (
            "str2matrix",
            vec![a("|conv~0|")],
            vec![],
            Exc::ValueError,
            "this op (conv) is not in ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']",
        ),
        ("show", vec![i(-1)], vec![], Exc::KeyError, "-1"),
        ("random", vec![], vec![], Exc::ValueError, NO_RANDOM),
        (
            "nope",
            vec![],
            vec![],
            Exc::AttributeError,
            "'NASBench201API' object has no attribute 'nope'",
        ),
        (
            "arch",
            vec![],
            vec![],
            Exc::TypeError,
            "NASBench201API.arch() missing 1 required positional argument: 'index'",
        ),
        (
            "find_best",
            vec![a("cifar10")],
            vec![("x", i(1))],
            Exc::TypeError,
            "NASBench201API.find_best() got an unexpected keyword argument 'x'",
        ),
    ];
    for (m, args, kw, exc, msg) in cases {
        assert_eq!(err(ask(&nb, m, &args, &kw)), (exc, msg.to_owned()), "{m}({args:?}, {kw:?})");
    }
}

#[test]
fn draws_are_the_callers_in_the_official_order() {
    let s = src(true);
    let nb = api(&s);
    let log = std::cell::RefCell::new(Vec::new());
    let mut draw = FnDraw {
        choice: |seeds: &[i64]| {
            log.borrow_mut().push(format!("choice{seeds:?}"));
            Ok(seeds[seeds.len() - 1])
        },
        randint: |a: i64, b: i64| {
            log.borrow_mut().push(format!("randint({a}, {b})"));
            Ok(b)
        },
    };
    let mut print = |_: &str| {};
    let mut io = Io { draw: &mut draw, print: &mut print };
    let mut session = Session::default();
    let v = call_with(
        &nb,
        &mut session,
        "get_more_info",
        &[Arg::Int(0), Arg::Str("cifar10-valid")],
        &[],
        &mut io,
    )
    .unwrap();
    assert_eq!(get(&v, "train-accuracy"), &Value::Float(acc(0, "train", 777, 2)));
    assert_eq!(call_with(&nb, &mut session, "random", &[], &[], &mut io).unwrap(), Value::Int(3));
    let at = ResultsRef { index: 0, hp: Hp::Less };
    let m = call_results(
        &nb,
        &session,
        at,
        "get_metrics",
        &[Arg::Str("cifar10-valid"), Arg::Str("train")],
        &[("is_random", Arg::Bool(true))],
        &mut io,
    )
    .unwrap();
    assert_eq!(get(&m, "accuracy"), &Value::Float(acc(0, "train", 777, 2)));
    // simulate_train_eval draws once (through get_more_info) and accumulates used_time.
    let t = call_with(
        &nb,
        &mut session,
        "simulate_train_eval",
        &[Arg::Int(0), Arg::Str("cifar100")],
        &[],
        &mut io,
    )
    .unwrap();
    let Value::Tuple(t) = t else { panic!() };
    assert_eq!(t[2], Value::F64(7.25 * 3.0 + 0.75));
    assert_eq!(t[3], Value::F64(7.25 * 3.0 + 0.75));
    call_with(
        &nb,
        &mut session,
        "simulate_train_eval",
        &[Arg::Int(0), Arg::Str("cifar100")],
        &[],
        &mut io,
    )
    .unwrap();
    assert_eq!(session.used_time, tnb_nb201_api::Num::F64(2.0 * (7.25 * 3.0 + 0.75)));
    call_with(&nb, &mut session, "reset_time", &[], &[], &mut io).unwrap();
    assert_eq!(
        call_with(&nb, &mut session, "used_time", &[], &[], &mut io).unwrap(),
        Value::Int(0)
    );
    assert_eq!(
        *log.borrow(),
        ["choice[111, 777]", "randint(0, 3)", "randint(0, 1)", "choice[111]", "choice[111]"]
    );
}

#[test]
fn objects_answer_their_methods() {
    let s = src(false);
    let nb = api(&s);
    let session = Session::default();
    let mut draw = NoDraw;
    let mut print = |_: &str| {};
    let mut io = Io { draw: &mut draw, print: &mut print };
    let full = ResultsRef { index: 0, hp: Hp::Full };
    let ar = |m: &str, args: &[Arg<'_>], io: &mut Io<'_>| {
        call_results(&nb, &session, full, m, args, &[], io)
    };
    assert_eq!(
        ar("__repr__", &[], &mut io).unwrap().py_str(),
        format!("ArchResults(arch-index=0, arch={}, 8 runs, clear=True)", ARCHS[0])
    );
    assert_eq!(ar("arch_idx_str", &[], &mut io).unwrap(), Value::str("000000"));
    assert_eq!(ar("get_total_epoch", &[], &mut io).unwrap(), Value::Int(FULL_E));
    // v1_0 200-epoch latencies are Python floats: sum([0.1, 0.2, 0.3]) / 3 per seed.
    let per_seed = (0.1 + 0.2 + 0.3) / 3.0;
    assert_eq!(
        ar("get_latency", &[Arg::Str("cifar10")], &mut io).unwrap(),
        Value::Float((per_seed + per_seed) / 2.0)
    );
    let costs = ar("get_compute_costs", &[Arg::Str("cifar10")], &mut io).unwrap();
    assert_eq!(get(&costs, "flops"), &Value::F64(10.0));
    assert_eq!(get(&costs, "params"), &Value::F64((0.1 + 0.15) / 2.0));
    assert_eq!(get(&costs, "latency"), &Value::F64(per_seed));
    assert_eq!(get(&costs, "T-train@epoch"), &Value::None);
    assert_eq!(get(&costs, "T-ori-test@total"), &Value::None);
    // v1_0 12-epoch data: no latency, so ArchResults.get_latency refuses and get_latency is None.
    let less = ResultsRef { index: 0, hp: Hp::Less };
    let e = call_results(
        &nb,
        &session,
        less,
        "get_latency",
        &[Arg::Str("cifar10-valid")],
        &[],
        &mut io,
    )
    .unwrap_err();
    assert_eq!(
        (e.exc(), e.message()),
        (Exc::ValueError, "invalid latency of cifar10-valid with seed=777 : -1.0")
    );
    assert_eq!(
        ask(&nb, "get_latency", &[Arg::Int(0), Arg::Str("cifar10-valid")], &[]).unwrap(),
        Value::None
    );
    let e = call_results(&nb, &session, less, "show", &[], &[], &mut io).unwrap_err();
    assert_eq!(e.exc(), Exc::NameError);
    let q = ar("query", &[Arg::Str("cifar10"), Arg::Int(888)], &mut io).unwrap();
    let Value::ResultsCount(rc) = q else { panic!("{q:?}") };
    assert_eq!(
        nb.rc_repr(rc).unwrap(),
        format!(
            "ResultsCount(cifar10, arch={}, FLOP=10.00M, Param=0.150MB, seed=0888, 1 eval-sets: [ori-test])",
            ARCHS[0]
        )
    );
    let e = ar("query", &[Arg::Str("cifar10"), Arg::Int(5)], &mut io).unwrap_err();
    assert_eq!((e.exc(), e.message()), (Exc::KeyError, "('cifar10', 5)"));
    // ResultsCount: training times are None in v1_0 200-epoch runs; eval_times is {}.
    let r = RunRef { results: full, run: 0 };
    let t = call_run(&nb, r, "get_train", &[Arg::Int(4)], &[]).unwrap();
    assert_eq!(get(&t, "all_time"), &Value::None);
    assert_eq!(get(&t, "iepoch"), &Value::Int(4));
    let e = call_run(&nb, r, "get_eval", &[Arg::Str("ori-test"), Arg::Int(4)], &[]).unwrap_err();
    assert_eq!((e.exc(), e.message()), (Exc::KeyError, "'ori-test@4'"));
    let e = call_run(&nb, r, "get_train", &[Arg::Int(-1)], &[]).unwrap_err();
    assert_eq!((e.exc(), e.message()), (Exc::AssertionError, "invalid iepoch=-1 < 10"));
    assert_eq!(call_run(&nb, r, "params", &[], &[]).unwrap(), Value::F64(0.1 + 0.0 + 0.05));
    assert_eq!(call_run(&nb, r, "train_times", &[], &[]).unwrap(), Value::None);
    let cfg = call_run(&nb, r, "get_config", &[Arg::None], &[]).unwrap();
    assert_eq!(keys(&cfg), ["name", "C", "N", "arch_str", "num_classes"]);
}

#[test]
fn clear_params_changes_the_session_not_the_source() {
    let s = src(true);
    let nb = api(&s);
    let mut session = Session::default();
    let at = ResultsRef { index: 1, hp: Hp::Less };
    assert!(nb.clear_net_done(at, &session));
    let mut print = |_: &str| {};
    let e = call(&nb, &mut session, "clear_params", &[Arg::Int(3)], &[], &mut print).unwrap_err();
    assert_eq!((e.exc(), e.message()), (Exc::KeyError, "3"));
    let e =
        call(&nb, &mut session, "clear_params", &[Arg::Int(1), Arg::Str("90")], &[], &mut print)
            .unwrap_err();
    assert_eq!(e.exc(), Exc::ValueError);
    call(&nb, &mut session, "clear_params", &[Arg::Int(1)], &[], &mut print).unwrap();
    assert_eq!(session.cleared.len(), 2);
}

#[test]
fn statistics_and_static_helpers() {
    let s = src(true);
    let nb = api(&s);
    // Every arch of range(len) must be loaded: arch 3 is not.
    assert_eq!(
        err(ask(&nb, "statistics", &[Arg::Str("cifar10"), Arg::Int(200)], &[])).0,
        Exc::KeyError
    );
    let lists = ask(&nb, "str2lists", &[Arg::Str(ARCHS[1])], &[]).unwrap();
    assert_eq!(
        lists.py_repr(),
        "[(('avg_pool_3x3', 0),), (('none', 0), ('none', 1)), (('skip_connect', 0), ('none', 1), ('nor_conv_3x3', 2))]"
    );
    let Value::Matrix { n, data } = ask(&nb, "str2matrix", &[Arg::Str(ARCHS[0])], &[]).unwrap()
    else {
        panic!()
    };
    assert_eq!(n, 4);
    assert_eq!(data[4], 3.0); // m[1, 0] = nor_conv_3x3
    assert_eq!(data[2 * 4 + 1], 4.0); // m[2, 1] = avg_pool_3x3
    assert_eq!(
        ask(&nb, "__repr__", &[], &[]).unwrap(),
        Value::str("NASBench201API(3/4 architectures, file=None)")
    );
}

/// The archive the converter writes of an object answers every call as the object does.
#[test]
fn the_archive_answers_as_the_object() {
    for v11 in [false, true] {
        let obj = object(v11);
        let mem = MemSource::from_obj(&obj).unwrap();
        let bytes = tnb_nb201_convert::archive_bytes(&obj, 0, [0; 32]).unwrap();
        let archive = tnb_nb201_store::Archive::copy_from(&bytes).unwrap();
        let store = tnb_nb201_api::StoreSource::new(&archive).unwrap();
        let (a, b) = (api(&mem), Nb201::new(&store, PySum::Plain, false));
        let mut n = 0;
        let mut check = |m: &str, args: &[Arg<'_>], kw: &[(&str, Arg<'_>)]| {
            let x = format!("{:?}", ask(&a, m, args, kw));
            let y = format!("{:?}", ask(&b, m, args, kw));
            assert_eq!(x, y, "{m}({args:?}, {kw:?})");
            n += 1;
        };
        for idx in [0, 1, 2, 3] {
            for ds in DS.iter().chain(&["nope"]) {
                for hp in ["12", "200"] {
                    let (i, d, h) = (Arg::Int(idx), Arg::Str(ds), Arg::Str(hp));
                    for r in [Arg::Bool(false), Arg::Int(777), Arg::Int(111)] {
                        for ie in [Arg::None, Arg::Int(0), Arg::Int(2), Arg::Int(9)] {
                            check(
                                "get_more_info",
                                &[i, d],
                                &[("hp", h), ("is_random", r), ("iepoch", ie)],
                            );
                        }
                    }
                    check("get_cost_info", &[i, d, h], &[]);
                    check("get_latency", &[i, d, h], &[]);
                    check("get_net_param", &[i, d, Arg::None, h], &[]);
                    check("query_by_index", &[i, d, h], &[]);
                    check("find_best", &[d, Arg::Str("valid")], &[("hp", h)]);
                    check(
                        "find_best",
                        &[d, Arg::Str("train")],
                        &[("hp", h), ("Param_max", Arg::Float(0.25))],
                    );
                }
                check("get_net_config", &[Arg::Int(idx), Arg::Str(ds)], &[]);
            }
            check("query_info_str_by_arch", &[Arg::Int(idx), Arg::Str("200")], &[]);
            check("query_index_by_arch", &[Arg::Str(ARCHS[idx as usize])], &[]);
            check("arch", &[Arg::Int(idx)], &[]);
        }
        check("statistics", &[Arg::Str("cifar10"), Arg::Str("12")], &[]);
        check("__repr__", &[], &[]);
        assert!(n > 400);
        let session = Session::default();
        for (idx, hp) in [(0, Hp::Less), (0, Hp::Full), (2, Hp::Full)] {
            let at = ResultsRef { index: idx, hp };
            for attr in ["arch_index", "arch_str", "all_results", "dataset_seed", "clear_net_done"]
            {
                assert_eq!(
                    format!("{:?}", a.ar_attr(at, attr, &session)),
                    format!("{:?}", b.ar_attr(at, attr, &session))
                );
            }
            for j in 0..2 {
                let r = RunRef { results: at, run: j };
                for attr in tnb_nb201_api::RESULTS_COUNT_ATTRS {
                    assert_eq!(
                        format!("{:?}", a.rc_attr(r, attr)),
                        format!("{:?}", b.rc_attr(r, attr)),
                        "{attr}"
                    );
                }
                assert_eq!(a.rc_get_times(r), b.rc_get_times(r));
            }
        }
        assert_eq!(store.failure(), None);
    }
}

/// `find_best` with the session's cache answers as without it, and the cache keeps at most
/// `MAX_CACHED_RANKINGS` rankings.
#[test]
fn find_best_cache_changes_no_answer_and_is_bounded() {
    let s = src(true);
    let nb = api(&s);
    let mut session = Session::default();
    let mut draw = NoDraw;
    let mut print = |_: &str| {};
    let mut io = Io { draw: &mut draw, print: &mut print };
    let sets = ["train", "valid", "test", "x-valid", "ori-test", "x-test", "nope"];
    for round in 0..2 {
        for ds in ["cifar10", "cifar10-valid", "cifar100", "ImageNet16-120"] {
            for set in sets {
                for hp in ["12", "200"] {
                    for (fm, pm) in [
                        (Arg::None, Arg::None),
                        (Arg::Int(15), Arg::None),
                        (Arg::None, Arg::Float(0.25)),
                    ] {
                        let (d, m, h) = (Arg::Str(ds), Arg::Str(set), Some(Arg::Str(hp)));
                        let plain = nb.find_best(d, m, Some(fm), Some(pm), h, None, &mut io);
                        let cached = nb.find_best(
                            d,
                            m,
                            Some(fm),
                            Some(pm),
                            h,
                            Some(&mut session.find_best),
                            &mut io,
                        );
                        assert_eq!(
                            format!("{plain:?}"),
                            format!("{cached:?}"),
                            "round {round} {ds} {set} {hp}"
                        );
                    }
                }
            }
        }
    }
    assert_eq!(session.find_best.len(), tnb_nb201_api::MAX_CACHED_RANKINGS);
}

/// What `tnb batch` prints: answers as `json.dumps` text (np.float64 as floats, tuples as
/// lists, int keys as strings, objects as their repr).
#[test]
fn answers_render_as_json() {
    let s = src(true);
    let nb = api(&s);
    let mut session = Session::default();
    let json = |v: &Value<'_>, session: &Session| {
        let mut sink = tnb_pyjson::JsonSink::new(Vec::new());
        tnb_nb201_api::events(&nb, session, v, &mut |e| sink.event(e)).unwrap();
        String::from_utf8(sink.finish().unwrap()).unwrap()
    };
    let mut print = |_: &str| {};
    let v = call(
        &nb,
        &mut session,
        "find_best",
        &[Arg::Str("cifar10"), Arg::Str("valid")],
        &[("FLOP_max", Arg::Int(1))],
        &mut print,
    )
    .unwrap();
    assert_eq!(json(&v, &session), "[-1, null]");
    let v = call(
        &nb,
        &mut session,
        "statistics",
        &[Arg::Str("cifar10"), Arg::Str("12")],
        &[],
        &mut print,
    );
    assert!(v.is_err());
    let v = call(
        &nb,
        &mut session,
        "query_by_index",
        &[Arg::Int(0), Arg::Str("cifar10")],
        &[],
        &mut print,
    )
    .unwrap();
    assert_eq!(
        json(&v, &session),
        format!(
            "{{\"111\": \"ResultsCount(cifar10, arch={}, FLOP=10.00M, Param=0.100MB, seed=0111, 1 eval-sets: [ori-test])\"}}",
            ARCHS[0]
        )
    );
    let v = call(
        &nb,
        &mut session,
        "str2matrix",
        &[Arg::Str("|none~0|+|skip_connect~0|none~1|")],
        &[],
        &mut print,
    )
    .unwrap();
    assert_eq!(json(&v, &session), "[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]");
    let v = call(
        &nb,
        &mut session,
        "get_latency",
        &[Arg::Int(0), Arg::Str("cifar10")],
        &[],
        &mut print,
    )
    .unwrap();
    assert_eq!(json(&v, &session), "0.0125");
}
