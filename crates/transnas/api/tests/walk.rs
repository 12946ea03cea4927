//! The archive walk (`tnb_api::walk`): a converted fixture walks back to the exact text
//! `json.dumps` gives for the source, and each entry point (`value`, `Walker::object`,
//! `Walker::epoch_status`) emits exactly the events of the Python object it stands for.

use tnb_api::{Event, Seq, Walker, walk};
use tnb_pthwrite::Value as W;
use tnb_store::{Store, Value};

fn data_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data")
}

fn store_of(source: &[u8]) -> Store {
    Store::copy_from(&tnb_convert::convert_bytes(source).unwrap()).unwrap()
}

/// One event as text, floats by their bits (so the sign of zero and NaN payloads count).
fn show(e: Event<'_>) -> String {
    match e {
        Event::Float(x) => format!("Float({:#018x})", x.to_bits()),
        other => format!("{other:?}"),
    }
}

/// The events of a walk, as [`show`] text.
type Events = Vec<String>;

fn float(x: f64) -> String {
    show(Event::Float(x))
}

#[test]
fn every_fixture_walks_back_to_its_json() {
    let mut seen = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(data_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    for json in names {
        let source = ["pth", "pkl"]
            .iter()
            .map(|x| json.with_extension(x))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("{}: no source", json.display()));
        let store = store_of(&std::fs::read(&source).unwrap());
        let out = tnb_api::write_json(&store, Vec::new()).unwrap();
        let want = std::fs::read(&json).unwrap();
        assert!(out == want, "{}: the walk differs from {}", source.display(), json.display());
        seen.push(json.file_stem().unwrap().to_str().unwrap().to_owned());
    }
    // Both kinds: benchmark-shaped (columns and layout programs) and plain (generic nodes).
    for name in ["transnas_small", "transnas_variant", "tensors", "numpy_scalars", "mixed_proto5"] {
        assert!(seen.iter().any(|s| s == name), "{name} missing from data/");
    }
}

/// Arch `i`'s `model_info['p']`: a nested value (a generic node) for arch 0, an int for arch 1.
fn info(i: usize) -> W {
    if i == 0 { W::tuple(vec![W::Int(7), W::None, W::list(vec![W::str("q")])]) } else { W::Int(7) }
}

/// A benchmark with one task `t` whose metrics are `names` (arch `i`'s list for metric `j` is
/// `[10*i + j + 0.5, 10*i + j + 0.25]`), `model_info = {'p': info(i)}` and two archs.
fn bench(names: &[&str]) -> Vec<u8> {
    let archs: Vec<(W, W)> = (0..2)
        .map(|i| {
            let metrics = names
                .iter()
                .enumerate()
                .map(|(j, m)| {
                    let base = (10 * i + j) as f64;
                    (W::str(m), W::list(vec![W::Float(base + 0.5), W::Float(base + 0.25)]))
                })
                .collect();
            let result = W::dict(vec![
                (W::str("total_epochs"), W::Int(2)),
                (W::str("model_info"), W::dict(vec![(W::str("p"), info(i))])),
                (W::str("metrics"), W::dict(metrics)),
            ]);
            (W::str(&format!("64-41414-{i}_00")), W::dict(vec![(W::str("t"), result)]))
        })
        .collect();
    let top = W::dict(vec![
        (W::str("task_list"), W::list(vec![W::str("t")])),
        (
            W::str("metrics_dict"),
            W::dict(vec![(W::str("t"), W::list(names.iter().map(|m| W::str(m)).collect()))]),
        ),
        (W::str("info_names"), W::list(vec![W::str("p")])),
        (W::str("data"), W::dict(vec![(W::str("micro"), W::dict(archs))])),
    ]);
    tnb_pthwrite::dumps(&top).unwrap()
}

fn s(x: &str) -> String {
    show(Event::Str(x))
}

const MAP: &str = "BeginMap";
const END: &str = "End";

#[test]
fn a_metric_named_epoch_keeps_the_first_position_with_its_own_value() {
    let st = store_of(&bench(&["a", "epoch", "b"]));
    let b = st.archive().unwrap();
    let arch = st.arch("64-41414-1_00").unwrap();
    let status = st.epoch_status(arch, "t", -1).unwrap();
    let mut got: Events = Vec::new();
    Walker::new(b)
        .epoch_status::<()>(&status, Event::Int(1), &mut |e| {
            got.push(show(e));
            Ok(())
        })
        .unwrap();
    // Python: {**{'epoch': 1}, **{'a': 10.25, 'epoch': 11.25, 'b': 12.25}}.
    let want = [
        MAP.into(),
        s("epoch"),
        float(11.25),
        s("a"),
        float(10.25),
        s("b"),
        float(12.25),
        END.into(),
    ];
    assert_eq!(got, want);
}

#[test]
fn without_a_metric_named_epoch_the_epoch_is_the_given_event() {
    let st = store_of(&bench(&["a", "b"]));
    let b = st.archive().unwrap();
    let arch = st.arch("64-41414-0_00").unwrap();
    let status = st.epoch_status(arch, "t", 0).unwrap();
    let mut got: Events = Vec::new();
    Walker::new(b)
        .epoch_status::<()>(&status, Event::Bool(false), &mut |e| {
            got.push(show(e));
            Ok(())
        })
        .unwrap();
    let want = [
        MAP.into(),
        s("epoch"),
        "Bool(false)".into(),
        s("a"),
        float(0.5),
        s("b"),
        float(1.5),
        END.into(),
    ];
    assert_eq!(got, want);
}

fn value_events(v: Value<'_>) -> Events {
    let mut got = Vec::new();
    walk::value::<()>(v, &mut |e| {
        got.push(show(e));
        Ok(())
    })
    .unwrap();
    got
}

#[test]
fn each_value_kind_is_its_one_event() {
    assert_eq!(value_events(Value::None), ["Null"]);
    assert_eq!(value_events(Value::Bool(true)), ["Bool(true)"]);
    assert_eq!(value_events(Value::Bool(false)), ["Bool(false)"]);
    assert_eq!(value_events(Value::Int(-3)), ["Int(-3)"]);
    assert_eq!(value_events(Value::Float(-0.0)), [float(-0.0)]);
    assert_eq!(value_events(Value::Str("x")), [s("x")]);
}

#[test]
fn a_nested_value_walks_its_whole_tree() {
    let st = store_of(&bench(&["a"]));
    let b = st.archive().unwrap();
    let one = st.model_info(st.arch("64-41414-1_00").unwrap(), "t", "p").unwrap();
    assert_eq!(value_events(one), ["Int(7)"]);
    let zero = st.model_info(st.arch("64-41414-0_00").unwrap(), "t", "p").unwrap();
    let tuple = format!("{:?}", Event::BeginSeq(Seq::Tuple));
    let list = format!("{:?}", Event::BeginSeq(Seq::List));
    let want = [tuple, "Int(7)".into(), "Null".into(), list, s("q"), END.into(), END.into()];
    assert_eq!(value_events(zero), want);
    let mut got: Events = Vec::new();
    Walker::new(b)
        .value::<()>(zero, &mut |e| {
            got.push(show(e));
            Ok(())
        })
        .unwrap();
    assert_eq!(got, want);
    got.clear();
    let mut got: Events = Vec::new();
    Walker::new(b)
        .value::<()>(Value::Str("y"), &mut |e| {
            got.push(show(e));
            Ok(())
        })
        .unwrap();
    assert_eq!(got, [s("y")]);
}

fn object_events(st: &Store, o: &tnb_store::Object<'_>) -> Events {
    let mut got = Vec::new();
    Walker::new(st.archive().unwrap())
        .object::<()>(o, &mut |e| {
            got.push(show(e));
            Ok(())
        })
        .unwrap();
    got
}

#[test]
fn objects_walk_as_their_dict_or_list() {
    let st = store_of(&bench(&["a", "b"]));
    let list = format!("{:?}", Event::BeginSeq(Seq::List));
    assert_eq!(object_events(&st, &st.task_list().unwrap()), [list.clone(), s("t"), END.into()]);
    let arch = st.arch("64-41414-1_00").unwrap();
    let want = [
        MAP.into(),
        s("t"),
        MAP.into(),
        s("total_epochs"),
        "Int(2)".into(),
        s("model_info"),
        MAP.into(),
        s("p"),
        "Int(7)".into(),
        END.into(),
        s("metrics"),
        MAP.into(),
        s("a"),
        list.clone(),
        float(10.5),
        float(10.25),
        END.into(),
        s("b"),
        list,
        float(11.5),
        float(11.25),
        END.into(),
        END.into(),
        END.into(),
        END.into(),
    ];
    assert_eq!(object_events(&st, &st.arch_result(arch).unwrap()), want);
}

/// `BINUNICODE s`.
fn unicode(p: &mut Vec<u8>, s: &str) {
    p.push(b'X');
    p.extend_from_slice(&(s.len() as u32).to_le_bytes());
    p.extend_from_slice(s.as_bytes());
}

/// A protocol-2 pickle of a list of numpy scalars, each `(dtype code, raw little-endian
/// bytes)`, written as numpy does (`scalar(dtype(code, False, True) + BUILD, _codecs.encode)`).
fn numpy_scalars(items: &[(&str, &[u8])]) -> Vec<u8> {
    let mut p = b"\x80\x02](".to_vec();
    for (code, raw) in items {
        p.extend_from_slice(b"cnumpy._core.multiarray\nscalar\ncnumpy\ndtype\n");
        unicode(&mut p, code);
        p.extend_from_slice(b"\x89\x88\x87R(K\x03");
        unicode(&mut p, if *code == "b1" { "|" } else { "<" });
        p.extend_from_slice(b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb");
        p.extend_from_slice(b"c_codecs\nencode\n");
        let latin1: String = raw.iter().map(|&b| char::from(b)).collect();
        unicode(&mut p, &latin1);
        unicode(&mut p, "latin1");
        p.extend_from_slice(b"\x86R\x86R");
    }
    p.extend_from_slice(b"e.");
    p
}

fn document_events(st: &Store) -> Events {
    let mut got = Vec::new();
    walk::document::<_, ()>(st, &mut |e| {
        got.push(show(e));
        Ok(())
    })
    .unwrap();
    got
}

#[test]
fn numpy_scalars_walk_as_item_gives_them() {
    let u64s = [i64::MAX as u64, 1 << 63, u64::MAX, 0];
    let mut items: Vec<(&str, Vec<u8>)> =
        u64s.iter().map(|v| ("u8", v.to_le_bytes().to_vec())).collect();
    // float16: quiet NaNs with a payload and a sign, a subnormal, ±inf, a normal number.
    for h in [0x7e01u16, 0xfe02, 0x0001, 0x7c00, 0xfc00, 0x3c01, 0xc000] {
        items.push(("f2", h.to_le_bytes().to_vec()));
    }
    items.push(("b1", vec![2]));
    items.push(("b1", vec![0]));
    let refs: Vec<(&str, &[u8])> = items.iter().map(|(c, r)| (*c, r.as_slice())).collect();
    let st = store_of(&numpy_scalars(&refs));
    let list = format!("{:?}", Event::BeginSeq(Seq::List));
    let want = [
        list,
        "Int(9223372036854775807)".into(),
        "UInt(9223372036854775808)".into(),
        "UInt(18446744073709551615)".into(),
        "Int(0)".into(),
        "Float(0x7ff8040000000000)".into(),
        "Float(0xfff8080000000000)".into(),
        float(2f64.powi(-24)),
        float(f64::INFINITY),
        float(f64::NEG_INFINITY),
        float(1.0 + 1.0 / 1024.0),
        float(-2.0),
        "Bool(true)".into(),
        "Bool(false)".into(),
        END.into(),
    ];
    assert_eq!(document_events(&st), want);
}

#[test]
fn walk_errors_show_and_chain_their_cause() {
    let st = store_of(&bench(&["a"]));
    let cause = std::io::Error::other("the sink is full");
    let mut first = Some(cause);
    let e = walk::document(&st, &mut |_| first.take().map_or(Ok(()), Err)).unwrap_err();
    assert!(matches!(e, tnb_api::WalkError::Sink(_)));
    assert_eq!(e.to_string(), "the sink is full");
    let source = std::error::Error::source(&e).unwrap();
    assert_eq!(source.to_string(), "the sink is full");

    let q = tnb_store::QueryError::Corrupt("a layout item is invalid");
    let e = tnb_api::WalkError::<std::io::Error>::from(q);
    assert_eq!(
        e.to_string(),
        tnb_store::QueryError::Corrupt("a layout item is invalid").to_string()
    );
    assert!(!e.to_string().is_empty());
    assert_eq!(std::error::Error::source(&e).unwrap().to_string(), e.to_string());
}

#[test]
fn tuples_sets_and_frozensets_keep_their_kind() {
    let st = store_of(&std::fs::read(data_dir().join("mixed_proto5.pkl")).unwrap());
    let kinds: Vec<String> = document_events(&st)
        .into_iter()
        .filter(|e| e.starts_with("BeginSeq") && e != "BeginSeq(List)")
        .collect();
    // `empty_tuple`, `tuple1`, `tuple2`, `tuple3`, `tuple5`, the 8 tuples of `nested_tuple`,
    // `frozenset`, `set`, `empty_set`, then `shared_2`.
    let mut want = vec!["BeginSeq(Tuple)"; 13];
    want.extend(["BeginSeq(FrozenSet)", "BeginSeq(Set)", "BeginSeq(Set)", "BeginSeq(Tuple)"]);
    assert_eq!(kinds, want);
}

// Archives that pass validation but whose layout programs or generic nodes are wrong (a
// crafted file): the walk must stop with the exact error, never emit unbalanced events.

fn model() -> tnb_schema::transnas::Benchmark {
    let source = std::fs::read(data_dir().join("transnas_small.pth")).unwrap();
    tnb_convert::build(&source, &tnb_pickle::Limits::default()).unwrap()
}

fn reopen(b: &tnb_schema::transnas::Benchmark) -> Store {
    Store::copy_from(&tnb_convert::to_bytes(b, 0, [0; 32]).unwrap()).unwrap()
}

/// The model with arch 0's task-0 result walked by `program` (a new layout).
fn with_result_program(program: &[u32]) -> Store {
    let mut b = model();
    let l = &mut b.layout;
    l.items.extend_from_slice(program);
    l.item_offsets.push(l.items.len() as u32);
    l.result_layout[0] = (l.item_offsets.len() - 2) as u32;
    reopen(&b)
}

fn result_walk(st: &Store) -> (Events, Option<tnb_store::QueryError>) {
    let mut got = Vec::new();
    let r = Walker::new(st.archive().unwrap()).result::<()>(0, 0, &mut |e| {
        got.push(show(e));
        Ok(())
    });
    let err = match r {
        Ok(()) => None,
        Err(tnb_api::WalkError::Query(q)) => Some(q),
        Err(e) => panic!("{e:?}"),
    };
    (got, err)
}

const CORRUPT_LAYOUT: tnb_store::QueryError =
    tnb_store::QueryError::Corrupt("a layout item is invalid");

#[test]
fn a_result_program_is_walked_item_by_item() {
    use tnb_schema::transnas::codes::item::*;
    let st = with_result_program(&[
        make(METRICS, 0),
        make(METRIC, 1),
        make(CLOSE, 0),
        make(TOTAL_EPOCHS, 0),
        make(MODEL_INFO, 0),
        make(INFO, 0),
        make(CLOSE, 0),
    ]);
    let (got, err) = result_walk(&st);
    assert_eq!(err, None);
    let arch = st.arch_at(0).unwrap();
    let t = st.tasks().next().unwrap();
    let metric = st.metrics(t).unwrap().nth(1).unwrap();
    let mut want: Events =
        vec![MAP.into(), s("metrics"), MAP.into(), s(st.metric_name(metric).unwrap())];
    want.push(format!("{:?}", Event::BeginSeq(Seq::List)));
    for v in st.values(arch, t, metric).unwrap() {
        want.push(value_events(v).remove(0));
    }
    let epochs = st.total_epochs(arch, t).unwrap();
    want.extend([
        END.into(),
        END.into(),
        s("total_epochs"),
        format!("Int({epochs})"),
        s("model_info"),
        MAP.into(),
    ]);
    let info = st.infos().next().unwrap();
    want.push(s(st.info_name(info).unwrap()));
    want.extend(value_events(st.model_info(arch, t, info).unwrap()));
    want.extend([END.into(), END.into()]);
    assert_eq!(got, want);
}

#[test]
fn a_misplaced_result_item_is_refused() {
    use tnb_schema::transnas::codes::item::*;
    let cases: [&[u32]; 11] = [
        // Closed right after, so only the check of the item itself can tell.
        &[make(MODEL_INFO, 0), make(METRICS, 0), make(CLOSE, 0)],
        &[make(MODEL_INFO, 0), make(TOTAL_EPOCHS, 0), make(CLOSE, 0)],
        &[make(METRIC, 0)],
        &[make(INFO, 0)],
        &[make(CLOSE, 0)],
        &[make(MODEL_INFO, 0), make(METRIC, 0)],
        &[make(METRICS, 0), make(INFO, 0)],
        &[make(METRICS, 0), make(METRICS, 0)],
        &[make(MODEL_INFO, 0), make(TOTAL_EPOCHS, 0)],
        &[make(MODEL_INFO, 0)],
        &[make(TASK, 0)],
    ];
    for program in cases {
        let (_, err) = result_walk(&with_result_program(program));
        assert_eq!(err, Some(CORRUPT_LAYOUT), "{program:x?}");
    }
    let (_, err) = result_walk(&with_result_program(&[make(EXTRA, 0)]));
    assert_eq!(
        err,
        Some(tnb_store::QueryError::Corrupt("a layout has more extras than its entries"))
    );
}

/// The model with extra entries `(key, value)` (generic node ids) at the end of arch 0's dict.
fn with_arch_extras(b: &mut tnb_schema::transnas::Benchmark, pairs: &[(u32, u32)]) {
    use tnb_schema::transnas::codes::item::*;
    let n = b.layout.result_layout.len() / b.tasks.len();
    let l = &mut b.layout;
    assert!(l.extras.is_empty() && l.arch_extras.is_empty(), "the fixture has no extras");
    let k = pairs.len() as u32;
    l.arch_extras = std::iter::once(0).chain(std::iter::repeat_n(k, n)).collect();
    l.result_extras = vec![k; l.result_layout.len() + 1];
    l.extras = pairs.iter().flat_map(|&(key, value)| [key, value]).collect();
    if l.arch_layout.is_empty() {
        l.arch_layout = vec![0; n];
    }
    let old = l.arch_layout[0] as usize;
    let mut program =
        l.items[l.item_offsets[old] as usize..l.item_offsets[old + 1] as usize].to_vec();
    program.extend(pairs.iter().map(|_| make(EXTRA, 0)));
    l.items.extend_from_slice(&program);
    l.item_offsets.push(l.items.len() as u32);
    l.arch_layout[0] = (l.item_offsets.len() - 2) as u32;
}

fn node_of_kind(b: &tnb_schema::transnas::Benchmark, kind: u8) -> u32 {
    b.generic.kinds.iter().position(|&k| k == kind).unwrap() as u32
}

fn arch_walk(st: &Store, a: usize) -> (Events, Option<tnb_store::QueryError>) {
    let mut got = Vec::new();
    let r = Walker::new(st.archive().unwrap()).arch::<()>(a, &mut |e| {
        got.push(show(e));
        Ok(())
    });
    let err = match r {
        Ok(()) => None,
        Err(tnb_api::WalkError::Query(q)) => Some(q),
        Err(e) => panic!("{e:?}"),
    };
    (got, err)
}

#[test]
fn an_arch_extra_follows_the_tasks() {
    let mut b = model();
    let key = node_of_kind(&b, tnb_schema::transnas::codes::NODE_STR);
    let none = b.generic.kinds.len() as u32;
    b.generic.kinds.push(tnb_schema::transnas::codes::NODE_NONE);
    b.generic.start_or_value.push(0);
    b.generic.len_or_dtype.push(0);
    with_arch_extras(&mut b, &[(key, key), (key, none)]);
    let st = reopen(&b);
    let (got, err) = arch_walk(&st, 0);
    assert_eq!(err, None);
    let name = match &got[got.len() - 5] {
        x if x.starts_with("Str(") => x.clone(),
        x => panic!("{x}"),
    };
    let tail = [name.clone(), name.clone(), name, "Null".into(), END.into()];
    assert_eq!(got[got.len() - 5..], tail);
    // Arch 1 has no extra: its dict is its tasks only.
    let (got1, err) = arch_walk(&st, 1);
    assert_eq!(err, None);
    assert_eq!(got1.len(), got.len() - 4);
}

#[test]
fn data_that_contains_itself_is_refused() {
    let mut b = model();
    let key = node_of_kind(&b, tnb_schema::transnas::codes::NODE_STR);
    let data = node_of_kind(&b, tnb_schema::transnas::codes::NODE_DATA);
    with_arch_extras(&mut b, &[(key, data)]);
    let st = reopen(&b);
    let itself = tnb_store::QueryError::Corrupt("the benchmark's data contains itself");
    assert_eq!(arch_walk(&st, 0).1, Some(itself.clone()));
    let mut n = 0;
    let r = walk::document::<_, ()>(&st, &mut |_| {
        n += 1;
        Ok(())
    });
    assert!(matches!(r, Err(tnb_api::WalkError::Query(ref q)) if *q == itself), "{r:?}");
    // The guard is reset after the error: arch 1 walks.
    let walker = Walker::new(st.archive().unwrap());
    assert!(walker.arch::<()>(0, &mut |_| Ok(())).is_err());
    assert!(walker.arch::<()>(1, &mut |_| Ok(())).is_ok());
    assert!(walker.arch::<()>(0, &mut |_| Ok(())).is_err());
}

#[test]
fn one_walker_walks_again_after_an_arch_and_after_the_document() {
    let st = store_of(&bench(&["a"]));
    let w = Walker::new(st.archive().unwrap());
    let mut once = Vec::new();
    w.document::<()>(&mut |e| {
        once.push(show(e));
        Ok(())
    })
    .unwrap();
    w.arch::<()>(1, &mut |_| Ok(())).unwrap();
    let mut twice = Vec::new();
    w.document::<()>(&mut |e| {
        twice.push(show(e));
        Ok(())
    })
    .unwrap();
    assert_eq!(twice, once);
    assert_eq!(twice, document_events(&st));
    let json = String::from_utf8(tnb_api::write_json(&st, Vec::new()).unwrap()).unwrap();
    let want = concat!(
        r#"{"task_list": ["t"], "metrics_dict": {"t": ["a"]}, "info_names": ["p"], "data": "#,
        r#"{"micro": {"64-41414-0_00": {"t": {"total_epochs": 2, "model_info": {"p": [7, null, "#,
        r#"["q"]]}, "metrics": {"a": [0.5, 0.25]}}}, "64-41414-1_00": {"t": {"total_epochs": 2, "#,
        r#""model_info": {"p": 7}, "metrics": {"a": [10.5, 10.25]}}}}}}"#,
        "\n"
    );
    assert_eq!(json, want);
    assert_eq!(twice.len(), 71);
}

#[test]
fn bytes_walk_as_bytes_events() {
    let all: Vec<u8> = (0..=255).collect();
    let want: Events = [
        format!("{:?}", Event::BeginSeq(Seq::List)),
        show(Event::Bytes(b"")),
        show(Event::Bytes(b"abc")),
        show(Event::Bytes(&all)),
        show(Event::Bytes(&[0; 300])),
        show(Event::Bytes(b"abc")),
        END.into(),
    ]
    .into();
    for name in ["bytes_proto2.pkl", "bytes_proto4.pkl"] {
        let st = store_of(&std::fs::read(data_dir().join(name)).unwrap());
        assert_eq!(document_events(&st), want, "{name}");
    }
}

#[test]
fn sharing_asks_before_each_node_and_skips_what_the_sink_holds() {
    // `shared` holds one list object twice (pickle memoizes it): one node, referenced twice.
    let x = W::list(vec![W::Int(1), W::Int(2)]);
    let top = W::dict(vec![(W::str("shared"), W::list(vec![x.clone(), x, W::list(vec![])]))]);
    let st = store_of(&tnb_pthwrite::dumps(&top).unwrap());
    let asked = std::cell::RefCell::new(Vec::new());
    let known = |id: u32| {
        let mut asked = asked.borrow_mut();
        let again = asked.contains(&id);
        asked.push(id);
        again
    };
    let mut got: Events = Vec::new();
    Walker::new(st.archive().unwrap())
        .sharing(&known)
        .document::<()>(&mut |e| {
            got.push(show(e));
            Ok(())
        })
        .unwrap();
    let list = "BeginSeq(List)";
    let want = [MAP, &s("shared"), list, list, "Int(1)", "Int(2)", END, list, END, END, END];
    assert_eq!(got, want);
    // Asked for every node (top, key, outer list, the shared list twice, its two ints once,
    // the empty list); the second ask for the shared list skipped it.
    let asked = asked.into_inner();
    assert_eq!(asked.len(), 8, "{asked:?}");
    let twice: Vec<_> =
        asked.iter().filter(|&&i| asked.iter().filter(|&&j| j == i).count() == 2).collect();
    assert_eq!(twice.len(), 2, "{asked:?}");
    // Without `sharing`, each reference is walked.
    let mut plain = 0;
    walk::document::<_, ()>(&st, &mut |_| {
        plain += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(plain, got.len() + 4);
}

#[test]
fn arch_entries_list_tasks_then_extras_without_walking_them() {
    use tnb_api::ArchEntry;
    let mut b = model();
    let key = node_of_kind(&b, tnb_schema::transnas::codes::NODE_STR);
    let list = node_of_kind(&b, tnb_schema::transnas::codes::NODE_LIST);
    with_arch_extras(&mut b, &[(key, list)]);
    let st = reopen(&b);
    let w = Walker::new(st.archive().unwrap());
    let tasks: Vec<_> = (0..b.tasks.len()).map(ArchEntry::Task).collect();
    let mut with_extra = tasks.clone();
    with_extra.push(ArchEntry::Extra { key, value: list });
    assert_eq!(w.arch_entries(0).unwrap(), with_extra);
    assert_eq!(w.arch_entries(1).unwrap(), tasks);
    assert_ne!(w.arch_layout(0), w.arch_layout(1));
}
