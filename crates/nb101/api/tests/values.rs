//! What `call` answers for the object's attributes (each attribute its own value, not the
//! budget counter every unknown attribute would fall back to), `epochs` given as a bool
//! (Python's `True in {1, 108}` is true: a bool is an int), `Value::to_json` of every
//! sequence kind (what the JSON Lines answers carry), and the spec marks' clamping.

use tnb_nb101_api::{
    ApiError, Arg, Epochs, EpochsArg, Fixed, MAX_SPECS, MemRecord, MemSource, NasBench, Run, Spec,
    Value, call, spec_arg,
};

/// Cell input -> output: epochs 1 (two repeats), then 108 (one). valid_epochs = {1, 108}.
fn table() -> MemSource {
    let m = tnb_nb101_spec::Matrix::from_rows(&[[0, 1], [0, 0]]).unwrap();
    let hash = tnb_nb101_spec::check_matrix(m, &["input", "output"]).unwrap().hash();
    let rec = |epochs, x: f64| MemRecord {
        hash,
        epochs,
        adjacency: (2, 1 << 1),
        operations: "input,output".into(),
        trainable_parameters: 3,
        run: Run { halfway: [x / 2.0, 0.1, 0.2, 0.3], final_: [x, 0.5, 0.6, 0.7] },
    };
    MemSource::new(&[rec(1, 2.0), rec(108, 30.0), rec(1, 4.0)])
}

fn spec() -> Spec {
    Spec::new(&[[0, 1], [0, 0]], &["input", "output"]).unwrap()
}

fn err(r: Result<Value<'_>, ApiError>) -> (String, String) {
    let e = r.unwrap_err();
    (e.class().name().to_owned(), e.message().to_owned())
}

#[test]
fn each_attribute_reads_its_own_value() {
    let t = table();
    let mut nb = NasBench::new(&t);
    let mut d = Fixed(1);
    // Spend something, so that the counters differ from every other attribute.
    nb.query(&spec(), Arg::Int(1), false, &mut d).unwrap();
    let mut get = |name: &str| call(&mut nb, name, &[], &[], &[], &mut Fixed(0)).unwrap();
    let epochs = get("valid_epochs");
    assert_eq!(epochs, Value::Set(vec![Value::Int(1), Value::Int(108)]));
    assert_eq!(epochs.py_repr(), "{1, 108}");
    assert_eq!(get("history"), Value::Dict(Vec::new()));
    assert_eq!(get("training_time_spent"), Value::Float(4.0));
    assert_eq!(get("total_epochs_spent"), Value::Int(1));
    let Value::Dict(config) = get("config") else { panic!("config is a dict") };
    assert_eq!(config.len(), 25);
    // An attribute is not a method: calling it is the TypeError of its type.
    for (name, ty) in [
        ("valid_epochs", "set"),
        ("history", "dict"),
        ("training_time_spent", "float"),
        ("total_epochs_spent", "int"),
    ] {
        let r = call(&mut nb, name, &[], &[("x", Arg::Int(1))], &[], &mut Fixed(0));
        assert_eq!(err(r), ("TypeError".into(), format!("'{ty}' object is not callable")));
    }
}

#[test]
fn a_bool_epochs_is_the_int_it_equals() {
    let t = table();
    let mut nb = NasBench::new(&t);
    assert_eq!(nb.epochs_in(Arg::Bool(true)).unwrap(), Some(EpochsArg { key: 1, float: false }));
    // False is 0, not in {1, 108}.
    assert_eq!(nb.epochs_in(Arg::Bool(false)).unwrap(), None);
    assert_eq!(nb.epochs_in(Arg::Int(1)).unwrap(), Some(EpochsArg { key: 1, float: false }));
    assert_eq!(nb.epochs_in(Arg::Float(1.0)).unwrap(), Some(EpochsArg { key: 1, float: true }));
    // `query(spec, epochs=True)` reads budget 1 and adds True (an int, 1) to the counter.
    let v = nb.query(&spec(), Arg::Bool(true), false, &mut Fixed(0)).unwrap();
    assert_eq!(v.get("training_time"), Some(&Value::Float(2.0)));
    assert_eq!(nb.budget_counters(), (2.0, Epochs::Int(1)));
    let e = err(nb.query(&spec(), Arg::Bool(false), false, &mut Fixed(0)));
    assert_eq!(e.0, "OutOfDomainError");
    assert_eq!(e.1, "invalid number of epochs, must be one of {1, 108}");
}

#[test]
fn every_sequence_kind_is_a_json_list_with_its_items() {
    let one_two = || vec![Value::Int(1), Value::str("a")];
    assert_eq!(Value::List(one_two()).to_json(), r#"[1, "a"]"#);
    assert_eq!(Value::Tuple(one_two()).to_json(), r#"[1, "a"]"#);
    assert_eq!(Value::Set(one_two()).to_json(), r#"[1, "a"]"#);
    assert_eq!(Value::Keys(one_two()).to_json(), r#"[1, "a"]"#);
    assert_eq!(Value::List(Vec::new()).to_json(), "[]");
    let nested = Value::Dict(vec![(
        Value::str("k"),
        Value::List(vec![Value::Tuple(vec![Value::None, Value::Bool(true)]), Value::Float(0.5)]),
    )]);
    assert_eq!(nested.to_json(), r#"{"k": [[null, true], 0.5]}"#);
    let adj = Value::Adjacency { n: 2, data: vec![0, 1, 0, 0] };
    assert_eq!(adj.to_json(), "[[0, 1], [0, 0]]");
}

#[test]
fn spec_marks_past_the_last_stand_for_the_last() {
    let t = table();
    let mut nb = NasBench::new(&t);
    assert_eq!(spec_arg(MAX_SPECS + 2), spec_arg(MAX_SPECS - 1));
    assert_ne!(spec_arg(0), spec_arg(1));
    // The last spec slot, reached by a mark past it.
    let specs = [spec(), spec(), spec(), spec()];
    let r = call(&mut nb, "is_valid", &[spec_arg(MAX_SPECS)], &[], &specs, &mut Fixed(0));
    assert_eq!(r, Ok(Value::Bool(true)));
    // A mark whose spec was not given is not a ModelSpec to the check.
    let r = call(&mut nb, "is_valid", &[spec_arg(1)], &[], &specs[..1], &mut Fixed(0));
    assert_eq!(err(r).0, "AttributeError");
}

#[test]
fn every_sequence_kind_has_its_python_repr() {
    let two = || vec![Value::Int(1), Value::str("a")];
    assert_eq!(Value::List(two()).py_repr(), "[1, 'a']");
    assert_eq!(Value::Tuple(two()).py_repr(), "(1, 'a')");
    assert_eq!(Value::Tuple(vec![Value::Float(0.5)]).py_repr(), "(0.5,)");
    assert_eq!(Value::Tuple(Vec::new()).py_repr(), "()");
    assert_eq!(Value::Set(two()).py_repr(), "{1, 'a'}");
    assert_eq!(Value::Set(Vec::new()).py_repr(), "set()");
    assert_eq!(Value::Keys(two()).py_repr(), "dict_keys([1, 'a'])");
    assert_eq!(Value::List(Vec::new()).py_repr(), "[]");
    let d = Value::Dict(vec![(Value::Int(4), Value::List(vec![Value::None, Value::Bool(false)]))]);
    assert_eq!(d.py_repr(), "{4: [None, False]}");
}
