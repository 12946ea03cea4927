//! The archive walk (`tnb_api::walk`): a converted fixture walks back to the exact text
//! `json.dumps` gives for the source, and each entry point (`value`, `Walker::object`,
//! `Walker::epoch_status`) emits exactly the events of the Python object it stands for.

use tnb_api::{Event, Seq, Walker, walk};
use tnb_pthwrite::Value as W;
use tnb_store::{Store, Value};

fn data_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
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
