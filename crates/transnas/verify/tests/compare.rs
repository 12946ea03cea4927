//! The bit-for-bit check itself: `compare` must reject sources that differ from the archive
//! only in the sign of a zero, a NaN's payload, an int written where the archive has a float of
//! equal value, the order of two keys, or one extra key.
//!
//! The property tests and `tnb verify --source` prove exactness through `compare`; if it
//! compared floats by value or dicts as sets, every such proof would weaken silently. So each
//! case builds two pickles that differ in exactly one way, converts one, compares the archive
//! with the other, and asserts the exact mismatch (where it is and what each side has), as well
//! as the archive's agreement with its own source.

use tnb_pthwrite::Value as W;
use tnb_verify::{Mismatch, compare};

/// A benchmark-shaped object whose one metric list is `values` (stored in a column, the path
/// that needs exactness most) and whose top level also has `extra` (kept as generic nodes).
fn bench(values: Vec<W>, extra: Vec<(W, W)>) -> W {
    let metrics = W::dict(vec![(W::str("acc"), W::list(values.clone()))]);
    let result = W::dict(vec![
        (W::str("total_epochs"), W::Int(values.len() as i64)),
        (W::str("model_info"), W::dict(vec![])),
        (W::str("metrics"), metrics),
    ]);
    let arch = W::dict(vec![(W::str("t"), result)]);
    let mut top = vec![
        (W::str("task_list"), W::list(vec![W::str("t")])),
        (W::str("metrics_dict"), W::dict(vec![(W::str("t"), W::list(vec![W::str("acc")]))])),
        (W::str("info_names"), W::list(vec![])),
        (W::str("data"), W::dict(vec![(W::str("micro"), W::dict(vec![(W::str("a1"), arch)]))])),
    ];
    top.extend(extra);
    W::dict(top)
}

/// Converts `archived`, then compares the archive with `source`. The archive always matches
/// its own source: a check that rejected everything would pass the other assertions.
fn check(archived: &W, source: &W) -> Result<(), Mismatch> {
    let a = tnb_pthwrite::dumps(archived).unwrap();
    let s = tnb_pthwrite::dumps(source).unwrap();
    let store = tnb_store::Store::from_bytes(tnb_convert::convert_bytes(&a).unwrap()).unwrap();
    assert_eq!(compare(&store, &tnb_pth::load(&a).unwrap()), Ok(()));
    compare(&store, &tnb_pth::load(&s).unwrap())
}

fn value(path: &str, source: &str, archive: &str) -> Result<(), Mismatch> {
    Err(Mismatch::Value { path: path.into(), source: source.into(), archive: archive.into() })
}

const ACC: &str = "data/micro/a1/t/metrics/acc[1]";

#[test]
fn the_sign_of_zero_counts_in_a_column() {
    let pos = bench(vec![W::Float(0.5), W::Float(0.0)], vec![]);
    let neg = bench(vec![W::Float(0.5), W::Float(-0.0)], vec![]);
    let zero = "float 0.0 (bits 0x0000000000000000)";
    let minus = "float -0.0 (bits 0x8000000000000000)";
    assert_eq!(check(&pos, &neg), value(ACC, minus, zero));
    assert_eq!(check(&neg, &pos), value(ACC, zero, minus));
}

#[test]
fn the_sign_of_zero_counts_in_a_generic_node() {
    let pos = bench(vec![], vec![(W::str("z"), W::Float(0.0))]);
    let neg = bench(vec![], vec![(W::str("z"), W::Float(-0.0))]);
    let zero = "float 0.0 (bits 0x0000000000000000)";
    let minus = "float -0.0 (bits 0x8000000000000000)";
    assert_eq!(check(&pos, &neg), value("z", minus, zero));
}

#[test]
fn nan_payloads_count() {
    let quiet = f64::from_bits(0x7ff8_0000_0000_0000);
    let payload = f64::from_bits(0x7ff8_0000_0000_0001);
    let negative = f64::from_bits(0xfff8_0000_0000_0000);
    let a = bench(vec![W::Float(1.0), W::Float(quiet)], vec![]);
    let b = bench(vec![W::Float(1.0), W::Float(payload)], vec![]);
    let c = bench(vec![W::Float(1.0), W::Float(negative)], vec![]);
    assert_eq!(
        check(&a, &b),
        value(ACC, "float NaN (bits 0x7ff8000000000001)", "float NaN (bits 0x7ff8000000000000)")
    );
    assert_eq!(
        check(&b, &a),
        value(ACC, "float NaN (bits 0x7ff8000000000000)", "float NaN (bits 0x7ff8000000000001)")
    );
    assert_eq!(
        check(&a, &c),
        value(ACC, "float NaN (bits 0xfff8000000000000)", "float NaN (bits 0x7ff8000000000000)")
    );
}

#[test]
fn an_int_is_not_a_float_of_equal_value() {
    let float = bench(vec![W::Float(2.0), W::Float(1.0)], vec![]);
    let int = bench(vec![W::Float(2.0), W::Int(1)], vec![]);
    assert_eq!(check(&float, &int), value(ACC, "int 1", "float 1.0 (bits 0x3ff0000000000000)"));
    assert_eq!(check(&int, &float), value(ACC, "float 1.0 (bits 0x3ff0000000000000)", "int 1"));
    // A bool is an int to Python's `==`, but not the same value.
    let boolean = bench(vec![W::Float(2.0), W::Bool(true)], vec![]);
    assert_eq!(check(&int, &boolean), value(ACC, "True", "int 1"));
}

#[test]
fn key_order_counts() {
    let ab = bench(vec![], vec![(W::str("a"), W::Int(1)), (W::str("b"), W::Int(2))]);
    let ba = bench(vec![], vec![(W::str("b"), W::Int(2)), (W::str("a"), W::Int(1))]);
    // The first difference is the first extra key: "b" where the archive has "a".
    assert_eq!(check(&ab, &ba), value("b", "str 'b'", "str 'a'"));
}

#[test]
fn key_order_counts_inside_a_result() {
    let order = |first: &str, second: &str| {
        let result = W::dict(vec![
            (W::str(first), W::Int(0)),
            (W::str("model_info"), W::dict(vec![])),
            (W::str(second), W::dict(vec![(W::str("acc"), W::list(vec![]))])),
        ]);
        let mut top = bench(vec![], vec![]);
        if let W::Dict(items) = &mut top {
            let mut items = items.to_vec();
            items[3] = (
                W::str("data"),
                W::dict(vec![(
                    W::str("micro"),
                    W::dict(vec![(W::str("a1"), W::dict(vec![(W::str("t"), result)]))]),
                )]),
            );
            top = W::dict(items);
        }
        top
    };
    let usual = order("total_epochs", "metrics");
    let swapped = order("metrics", "total_epochs");
    assert_eq!(
        check(&usual, &swapped),
        value("data/micro/a1/t/metrics", "str 'metrics'", "str 'total_epochs'")
    );
}

#[test]
fn an_extra_key_in_the_source_is_found() {
    let plain = bench(vec![W::Float(1.0)], vec![]);
    let extra = bench(vec![W::Float(1.0)], vec![(W::str("seed"), W::Int(7))]);
    // The archive's top-level dict ends where the source has one more key.
    assert_eq!(check(&plain, &extra), value("seed", "str 'seed'", "the end of a container"));
}

#[test]
fn an_extra_key_in_the_archive_is_found() {
    let plain = bench(vec![W::Float(1.0)], vec![]);
    let extra = bench(vec![W::Float(1.0)], vec![(W::str("seed"), W::Int(7))]);
    assert_eq!(check(&extra, &plain), value("", "the end of a container", "str 'seed'"));
}

#[test]
fn a_source_that_goes_on_after_the_archive_is_found() {
    // A plain object (no benchmark layout) is archived as generic nodes: a list with one more
    // item is found at that item, from either side.
    let short = W::list(vec![W::Int(1)]);
    let long = W::list(vec![W::Int(1), W::Int(2)]);
    assert_eq!(check(&short, &long), value("[1]", "int 2", "the end of a container"));
    assert_eq!(check(&long, &short), value("", "the end of a container", "int 2"));
}

#[test]
fn an_extra_value_in_a_metric_list_is_found() {
    let short = bench(vec![W::Float(1.0)], vec![]);
    let long = bench(vec![W::Float(1.0), W::Float(1.0)], vec![]);
    // total_epochs differs first: 1 against 2.
    assert_eq!(check(&short, &long), value("data/micro/a1/t/total_epochs", "int 2", "int 1"));
}

#[test]
fn mismatches_read_as_one_line_naming_the_place() {
    // What `tnb verify --source` prints: each variant's text, and the query error as source.
    let v =
        Mismatch::Value { path: "a/b[1]".into(), source: "int 1".into(), archive: "int 2".into() };
    assert_eq!(v.to_string(), "a/b[1]: the source has int 1, the archive int 2");
    let n = Mismatch::NotData { path: "x".into(), problem: "a class is not data".into() };
    assert_eq!(n.to_string(), "x: a class is not data");
    let l = Mismatch::ArchiveLonger { archive: "int 3".into() };
    assert_eq!(l.to_string(), "the archive has more than the source (int 3 after the end)");
    let s = Mismatch::SourceLonger { path: "y".into(), compared: 12 };
    assert_eq!(s.to_string(), "y: the source has more than the archive (12 values compared)");
    let q = tnb_store::QueryError::Corrupt("a ranking names a missing architecture");
    let a = Mismatch::Archive(q.clone());
    assert_eq!(a.to_string(), format!("the archive cannot be walked: {q}"));
    use std::error::Error as _;
    assert_eq!(a.source().map(|e| e.to_string()), Some(q.to_string()));
    assert!(v.source().is_none());
    assert!(s.source().is_none());
}
