//! Which exception wins when several things are wrong at once, in the official order
//! (nb101-layout.md): `query` checks the epochs first, then the spec (`_check_spec`: the
//! graph's connection, more than 7 vertices, more than 9 edges, then the ops), then the hash,
//! then draws; `ModelSpec` checks squareness, the ops' length, then the upper triangle. Each
//! case has two or more faults, so that swapping two checks changes an answer here.

use tnb_nb101_api::{
    ApiError, Arg, Draw, MemRecord, MemSource, NasBench, NoDraw, Run, Spec, Value, call, spec_arg,
};
use tnb_nb101_spec::Matrix;

const C3: &str = "conv3x3-bn-relu";

/// One cell (input -> conv3x3 -> output, plus input -> output) at 108 epochs, three repeats:
/// `valid_epochs = {108}`.
fn table() -> MemSource {
    let rows: [&[u8]; 3] = [&[0, 1, 1], &[0, 0, 1], &[0, 0, 0]];
    let m = Matrix::from_rows(&rows).unwrap();
    let hash = tnb_nb101_spec::check_matrix(m, &["input", C3, "output"]).unwrap().hash();
    let record = |x: f64| MemRecord {
        hash,
        epochs: 108,
        adjacency: (3, (1 << 1) | (1 << 2) | (1 << 5)),
        operations: "input,conv3x3-bn-relu,output".into(),
        trainable_parameters: 7,
        run: Run { halfway: [x / 2.0, 0.1, 0.2, 0.3], final_: [x, 0.5, 0.6, 0.7] },
    };
    MemSource::new(&[record(10.0), record(11.0), record(12.0)])
}

/// Counts the draws asked for, answering 0.
struct Counting(u32);

impl Draw for Counting {
    fn randint(&mut self, _: i64, _: i64) -> Result<i64, ApiError> {
        self.0 += 1;
        Ok(0)
    }
}

/// A square spec of `n` vertices with the edges `edges` and the ops `ops`.
fn spec(n: usize, edges: &[(usize, usize)], ops: &[&str]) -> Spec {
    let mut m = vec![vec![0i64; n]; n];
    for &(r, c) in edges {
        m[r][c] = 1;
    }
    Spec::new(&m, ops).unwrap()
}

fn chain(n: usize) -> Vec<(usize, usize)> {
    (1..n).map(|i| (i - 1, i)).collect()
}

/// Interior ops for `n` vertices, between `first` and `last`.
fn ops(
    n: usize,
    first: &'static str,
    interior: &'static str,
    last: &'static str,
) -> Vec<&'static str> {
    let mut v = vec![interior; n];
    v[0] = first;
    v[n - 1] = last;
    v
}

/// Specs with one fault each.
fn disconnected() -> Spec {
    spec(3, &[], &ops(3, "input", C3, "output"))
}
fn eight_vertices() -> Spec {
    spec(8, &chain(8), &ops(8, "input", C3, "output"))
}
fn absent() -> Spec {
    // In the space, not in the file.
    spec(3, &chain(3), &ops(3, "input", "maxpool3x3", "output"))
}

/// Each fault's exception class and the start of its message (api.py's).
const DISCONNECTED: (&str, &str) =
    ("OutOfDomainError", "invalid spec, provided graph is disconnected.");
const EIGHT: (&str, &str) = ("TypeError", "'module' object is not subscriptable");
const EDGES: (&str, &str) = ("OutOfDomainError", "too many edges, got 21");
const FIRST_OP: (&str, &str) = ("OutOfDomainError", "first operation should be 'input'");
const EPOCHS: (&str, &str) = ("OutOfDomainError", "invalid number of epochs");

fn class_and_message(r: Result<Value<'_>, ApiError>) -> (String, String) {
    let e = r.expect_err("a query with a fault answered");
    (e.class().name().to_owned(), e.message().to_owned())
}

fn assert_is(got: (String, String), want: (&str, &str), what: &str) {
    assert!(got.0 == want.0 && got.1.starts_with(want.1), "{what}: {got:?}, expected {want:?}");
}

#[test]
fn query_checks_the_epochs_before_any_fault_of_the_spec() {
    let t = table();
    let mut nb = NasBench::new(&t);
    let with_epochs = [
        ("disconnected", disconnected()),
        ("eight vertices", eight_vertices()),
        ("absent", absent()),
    ];
    for (what, s) in &with_epochs {
        let mut d = Counting(0);
        let got = class_and_message(nb.query(s, Arg::Int(7), false, &mut d));
        assert_is(got, EPOCHS, what);
        let got = class_and_message(nb.query(s, Arg::Str("108"), false, &mut d));
        assert_is(got, EPOCHS, what);
        // The typed entry point keeps the order too.
        let e = nb.query_row(s, 7, false, &mut d).unwrap_err();
        assert_is((e.class().name().into(), e.message().into()), EPOCHS, what);
        assert_eq!(d.0, 0, "{what}: drew before the checks");
    }
    // So does the matrix entry point, for a disconnected matrix and an op out of the space.
    let zeros: [&[u8]; 3] = [&[0, 0, 0], &[0, 0, 0], &[0, 0, 0]];
    let m = Matrix::from_rows(&zeros).unwrap();
    let mut d = Counting(0);
    let e = nb.query_matrix(m, &["input", "bogus", "output"], 7, false, &mut d).unwrap_err();
    assert_is((e.class().name().into(), e.message().into()), EPOCHS, "query_matrix");
    assert_eq!(d.0, 0, "query_matrix drew before the checks");
    // Through the dispatcher, even an argument that is no spec at all loses to the epochs.
    let specs = [absent()];
    let mut d = Counting(0);
    let r = call(&mut nb, "query", &[Arg::None, Arg::Int(7)], &[], &specs, &mut d);
    assert_is(class_and_message(r), EPOCHS, "None as the spec");
    let r = call(&mut nb, "query", &[spec_arg(0)], &[("epochs", Arg::Int(7))], &specs, &mut d);
    assert_is(class_and_message(r), EPOCHS, "absent spec by call");
    assert_eq!(d.0, 0, "drew before the checks");
    // Each fault alone is the spec's own (the epochs being right).
    let r = nb.query(&disconnected(), Arg::Int(108), false, &mut NoDraw);
    assert_is(class_and_message(r), DISCONNECTED, "disconnected alone");
    let r = nb.query(&eight_vertices(), Arg::Int(108), false, &mut NoDraw);
    assert_is(class_and_message(r), EIGHT, "eight vertices alone");
    let (class, _) = class_and_message(nb.query(&absent(), Arg::Int(108), false, &mut NoDraw));
    assert_eq!(class, "KeyError", "absent alone");
}

/// `_check_spec` with two faults at once: the earlier check's exception.
#[test]
fn faults_combined_are_reported_in_check_spec_order() {
    let t = table();
    let mut nb = NasBench::new(&t);
    let all_edges = |n: usize| -> Vec<(usize, usize)> {
        (0..n).flat_map(|r| (r + 1..n).map(move |c| (r, c))).collect()
    };
    let cases = [
        // Disconnected and eight vertices: disconnected.
        ("disconnected, 8 vertices", spec(8, &[], &ops(8, "input", C3, "output")), DISCONNECTED),
        // Disconnected and a wrong first op: disconnected.
        ("disconnected, first op", spec(3, &[], &ops(3, C3, C3, "output")), DISCONNECTED),
        // Eight vertices and too many edges and a wrong first op: the vertices.
        ("8 vertices, edges, first op", spec(8, &all_edges(8), &ops(8, C3, C3, "output")), EIGHT),
        // Too many edges and a wrong first op: the edges.
        ("edges, first op", spec(7, &all_edges(7), &ops(7, C3, C3, "output")), EDGES),
        // A wrong first op, last op and interior op: the first op.
        ("first, last, interior ops", spec(3, &chain(3), &ops(3, C3, "bogus", C3)), FIRST_OP),
    ];
    for (what, s, want) in cases {
        assert_is(class_and_message(nb.query(&s, Arg::Int(108), false, &mut NoDraw)), want, what);
        // `is_valid` runs the same checks: the `TypeError` escapes it, the others are False.
        match nb.is_valid(&s) {
            Ok(valid) => assert!(!valid && want != EIGHT, "{what}: is_valid {valid}"),
            Err(e) => assert_eq!((e.class().name(), want), ("TypeError", EIGHT), "{what}"),
        }
    }
}

/// `ModelSpec(matrix, ops)`: not square, then the ops' length, then the upper triangle.
#[test]
fn the_spec_constructor_checks_squareness_then_ops_then_the_triangle() {
    let msg = |m: &[Vec<i64>], ops: &[&str]| Spec::new(m, ops).unwrap_err().to_string();
    // 2 x 3 with a one below the diagonal and one op: all three faults.
    let not_square = vec![vec![0, 1, 0], vec![1, 0, 0]];
    assert_eq!(msg(&not_square, &["input"]), "matrix must be square");
    // Square, one op for two vertices, and not upper triangular: the ops.
    let lower = vec![vec![0, 0], vec![1, 0]];
    assert_eq!(msg(&lower, &["input"]), "length of ops must match matrix dimensions");
    assert_eq!(msg(&lower, &["input", "output"]), "matrix must be upper triangular");
}
