//! The official check order and types on a hand-built table (the official loader's tables in
//! memory, [`MemSource`]): epochs as Python's `in` decides, the draw after the spec checks and
//! before the budget and repeat lookups, the counters' types, and the binding's errors.

use tnb_nb101_api::{
    ApiError, Arg, Class, Draw, Epochs, Exc, Fixed, MemRecord, MemSource, NO_DRAW, NasBench,
    NoDraw, Run, Shown, Source, Spec, Value, call, spec_arg,
};
use tnb_nb101_spec::Matrix;

const C3: &str = "conv3x3-bn-relu";

fn hash_of(rows: &[&[u8]], ops: &[&str]) -> [u8; 16] {
    let m = Matrix::from_rows(rows).unwrap();
    tnb_nb101_spec::check_matrix(m, ops).unwrap().hash()
}

fn record(hash: [u8; 16], n: u8, adjacency: u64, ops: &str, epochs: i64, x: f64) -> MemRecord {
    MemRecord {
        hash,
        epochs,
        adjacency: (n, adjacency),
        operations: ops.into(),
        trainable_parameters: 7,
        run: Run { halfway: [x / 2.0, 0.1, 0.2, 0.3], final_: [x, 0.5, 0.6, 0.7] },
    }
}

/// Cell A (input -> conv3x3 -> output, plus input -> output): 108 x 3, 4 x 1. Cell B
/// (input -> output): 108 x 2. valid_epochs = {108, 4}.
fn table() -> MemSource {
    let a = hash_of(&[&[0, 1, 1], &[0, 0, 1], &[0, 0, 0]], &["input", C3, "output"]);
    let b = hash_of(&[&[0, 1], &[0, 0]], &["input", "output"]);
    // Bits r*n + c.
    let adj_a = (1 << 1) | (1 << 2) | (1 << 5);
    MemSource::new(&[
        record(a, 3, adj_a, "input,conv3x3-bn-relu,output", 108, 10.0),
        record(b, 2, 1 << 1, "input,output", 108, 20.0),
        record(a, 3, adj_a, "input,conv3x3-bn-relu,output", 108, 11.0),
        record(a, 3, adj_a, "input,conv3x3-bn-relu,output", 4, 1.0),
        record(a, 3, adj_a, "input,conv3x3-bn-relu,output", 108, 12.0),
        record(b, 2, 1 << 1, "input,output", 108, 21.0),
    ])
}

fn spec_a() -> Spec {
    Spec::new(&[[0, 1, 1], [0, 0, 1], [0, 0, 0]], &["input", C3, "output"]).unwrap()
}

fn spec_b() -> Spec {
    Spec::new(&[[0, 1], [0, 0]], &["input", "output"]).unwrap()
}

/// Counts the draws it makes.
struct Counting(u32, i64);

impl Draw for Counting {
    fn randint(&mut self, a: i64, b: i64) -> Result<i64, ApiError> {
        assert_eq!((a, b), (0, 2), "query draws randint(0, num_repeats - 1)");
        self.0 += 1;
        Ok(self.1)
    }
}

fn err(r: Result<Value<'_>, ApiError>) -> (String, String) {
    let e = r.unwrap_err();
    (e.class().name().to_owned(), e.message().to_owned())
}

#[test]
fn epochs_are_tested_with_pythons_in_and_counted_with_their_type() {
    let t = table();
    let mut nb = NasBench::new(&t);
    let mut d = Counting(0, 1);
    let v = nb.query(&spec_a(), Arg::Float(108.0), false, &mut d).unwrap();
    assert_eq!(v.get("training_time"), Some(&Value::Float(11.0)));
    assert_eq!(nb.budget_counters(), (11.0, Epochs::Float(108.0)));
    nb.reset_budget_counters();
    nb.query(&spec_a(), Arg::Int(108), true, &mut d).unwrap();
    assert_eq!(nb.budget_counters(), (5.5, Epochs::Int(54)));
    let want =
        ("OutOfDomainError".into(), "invalid number of epochs, must be one of {108, 4}".into());
    for bad in [Arg::Str("108"), Arg::Bool(true), Arg::Float(108.5), Arg::None, Arg::Int(36)] {
        assert_eq!(err(nb.query(&spec_a(), bad, false, &mut d)), want, "{bad:?}");
    }
    let list = Arg::Unhashable(Shown::new("list", "[108]"));
    assert_eq!(
        err(nb.query(&spec_a(), list, false, &mut d)),
        ("TypeError".into(), "unhashable type: 'list'".into())
    );
    assert_eq!(d.0, 2, "no draw for a refused epochs");
}

#[test]
fn the_draw_comes_after_the_spec_and_before_the_budget_and_repeat_lookups() {
    let t = table();
    let mut nb = NasBench::new(&t);
    // A spec error: no draw (NoDraw would refuse it), the spec's own exception.
    let cut = Spec::new(&[[0, 0], [0, 0]], &["input", "output"]).unwrap();
    let e = err(nb.query(&cut, Arg::Int(108), false, &mut NoDraw));
    assert_eq!(e.1, "invalid spec, provided graph is disconnected.");
    // A valid spec: the draw is asked for (and refused by NoDraw).
    assert_eq!(err(nb.query(&spec_b(), Arg::Int(108), false, &mut NoDraw)).1, NO_DRAW);
    // Cell B lacks budget 4: KeyError(4) after the draw; lacks repeat 2: IndexError after it.
    let mut d = Counting(0, 0);
    assert_eq!(
        err(nb.query(&spec_b(), Arg::Int(4), false, &mut d)),
        ("KeyError".into(), "4".into())
    );
    assert_eq!(d.0, 1);
    let mut d = Counting(0, 2);
    assert_eq!(
        err(nb.query(&spec_b(), Arg::Int(108), false, &mut d)),
        ("IndexError".into(), "list index out of range".into())
    );
    assert_eq!(d.0, 1);
    // Neither counted.
    assert_eq!(nb.budget_counters(), (0.0, Epochs::Int(0)));
    // A spec in the space but not in the file: KeyError of its hash.
    let absent =
        Spec::new(&[[0, 1, 0], [0, 0, 1], [0, 0, 0]], &["input", "maxpool3x3", "output"]).unwrap();
    let (class, msg) = err(nb.query(&absent, Arg::Int(108), false, &mut Fixed(0)));
    assert_eq!(class, "KeyError");
    assert_eq!(msg.len(), 34, "{msg}");
}

#[test]
fn values_keep_the_official_orders_and_types() {
    let t = table();
    let nb = NasBench::new(&t);
    let Value::Keys(keys) = nb.hash_iterator() else { panic!() };
    assert_eq!(keys.len(), 2);
    let first = match &keys[0] {
        Value::Str(s) => s.to_string(),
        _ => panic!(),
    };
    let v = nb.get_metrics_from_hash(Arg::Str(&first)).unwrap();
    let Value::Tuple(parts) = &v else { panic!() };
    let Value::Dict(fixed) = &parts[0] else { panic!() };
    let names: Vec<String> = fixed.iter().map(|(k, _)| k.py_repr()).collect();
    assert_eq!(names, ["'module_adjacency'", "'module_operations'", "'trainable_parameters'"]);
    assert_eq!(fixed[0].1.py_repr(), "array([[0, 1, 1], [0, 0, 1], [0, 0, 0]], dtype=int8)");
    let Value::Dict(computed) = &parts[1] else { panic!() };
    // Budgets in first-appearance order, repeats in file order.
    assert_eq!(computed[0].0, Value::Int(108));
    assert_eq!(computed[1].0, Value::Int(4));
    let Value::List(runs) = &computed[0].1 else { panic!() };
    let times: Vec<Value<'_>> =
        runs.iter().map(|r| r.get("final_training_time").unwrap().clone()).collect();
    assert_eq!(times, [Value::Float(10.0), Value::Float(11.0), Value::Float(12.0)]);
    assert_eq!(nb.get_budget_counters(), Value::Tuple(vec![Value::Float(0.0), Value::Int(0)]));
    // Dict lookups of other keys.
    let upper = first.to_uppercase();
    assert_eq!(err(nb.get_metrics_from_hash(Arg::Str(&upper))).0, "KeyError");
    assert_eq!(err(nb.get_metrics_from_hash(Arg::Int(5))), ("KeyError".into(), "5".into()));
    let d = Arg::Unhashable(Shown::new("dict", "{}"));
    assert_eq!(err(nb.get_metrics_from_hash(d)).1, "unhashable type: 'dict'");
}

#[test]
fn calls_bind_as_cpython_binds_them() {
    let t = table();
    let mut nb = NasBench::new(&t);
    let specs = [spec_a()];
    let mut d = Fixed(0);
    let r = call(&mut nb, "query", &[], &[], &specs, &mut d);
    assert_eq!(
        err(r),
        (
            "TypeError".into(),
            "NASBench.query() missing 1 required positional argument: 'model_spec'".into()
        )
    );
    let r = call(&mut nb, "query", &[spec_arg(0)], &[("epoch", Arg::Int(4))], &specs, &mut d);
    assert_eq!(err(r).1, "NASBench.query() got an unexpected keyword argument 'epoch'");
    let r = call(&mut nb, "query", &[spec_arg(0)], &[("epochs", Arg::Int(4))], &specs, &mut d);
    assert!(matches!(r, Ok(Value::Dict(_))));
    assert_eq!(call(&mut nb, "total_epochs_spent", &[], &[], &[], &mut d), Ok(Value::Int(4)));
    let r = call(&mut nb, "is_valid", &[Arg::Str("x")], &[], &specs, &mut d);
    assert_eq!(
        err(r),
        ("AttributeError".into(), "'str' object has no attribute 'valid_spec'".into())
    );
    let r = call(&mut nb, "fetch", &[], &[], &[], &mut d);
    assert_eq!(err(r).1, "'NASBench' object has no attribute 'fetch'");
    let r = call(&mut nb, "config", &[Arg::Int(1)], &[], &[], &mut d);
    assert_eq!(err(r).1, "'dict' object is not callable");
    let Ok(Value::Dict(config)) = call(&mut nb, "config", &[], &[], &[], &mut d) else { panic!() };
    assert_eq!(config.len(), 25);
    assert_eq!(config[21], (Value::str("num_repeats"), Value::Int(3)));
    assert_eq!(call(&mut nb, "reset_budget_counters", &[], &[], &[], &mut d), Ok(Value::None));
    assert_eq!(
        err(call(&mut nb, "evaluate", &[spec_arg(0), Arg::Str("/tmp")], &[], &specs, &mut d)).0,
        "ValueError"
    );
}

#[test]
fn eight_vertices_raise_the_upstream_type_error_even_in_is_valid() {
    let t = table();
    let nb = NasBench::new(&t);
    let n = 8;
    let rows: Vec<Vec<i64>> =
        (0..n).map(|r| (0..n).map(|c| i64::from(c == r + 1)).collect()).collect();
    let mut ops = vec![C3; n];
    ops[0] = "input";
    ops[n - 1] = "output";
    let spec = Spec::new(&rows, &ops).unwrap();
    let e = nb.is_valid(&spec).unwrap_err();
    assert_eq!(e.class(), Class::Py(Exc::TypeError));
    assert_eq!(e.message(), "'module' object is not subscriptable");
    let bad_op =
        Spec::new(&[[0, 1, 0], [0, 0, 1], [0, 0, 0]], &["input", "conv5x5", "output"]).unwrap();
    assert_eq!(nb.is_valid(&bad_op), Ok(false));
    assert!(t.failure().is_none());
}
