//! Messages that CPython computes from the values: `max()` names the types of the first pair
//! `>` cannot compare, `sorted()` the pair `<` cannot compare (which depends on CPython's
//! sort order), `KeyError` prints the key's `repr`. The expected text comes from python3 itself,
//! run on the same values.

use std::io::Write;
use std::process::{Command, Stdio};

use tnb_api::{Arg, CallError, Exc, Shown, call};
use tnb_pthwrite::Value as W;
use tnb_store::Store;

/// One task `t` with metric `m`; arch `name` has list `values` (epochs = its length).
fn store(archs: &[(&str, Vec<W>)]) -> Store {
    let entries = archs
        .iter()
        .map(|(name, values)| {
            let result = W::dict(vec![
                (W::str("total_epochs"), W::Int(values.len() as i64)),
                (W::str("model_info"), W::dict(vec![])),
                (W::str("metrics"), W::dict(vec![(W::str("m"), W::list(values.clone()))])),
            ]);
            (W::str(name), W::dict(vec![(W::str("t"), result)]))
        })
        .collect();
    let top = W::dict(vec![
        (W::str("task_list"), W::list(vec![W::str("t")])),
        (W::str("metrics_dict"), W::dict(vec![(W::str("t"), W::list(vec![W::str("m")]))])),
        (W::str("info_names"), W::list(vec![])),
        (W::str("data"), W::dict(vec![(W::str("s"), W::dict(entries))])),
    ]);
    let bytes = tnb_convert::convert_bytes(&tnb_pthwrite::dumps(&top).unwrap()).unwrap();
    Store::copy_from(&bytes).unwrap()
}

fn error(s: &Store, method: &str, args: &[Arg<'_>]) -> (Exc, String) {
    match call(s, method, args, &[], &mut |_| Ok::<(), ()>(())) {
        Err(CallError::Api(e)) => (e.exc(), e.message().to_owned()),
        _ => panic!("{method} did not raise"),
    }
}

/// `type(e).__name__: str(e)` of what python3 raises running `expr`.
fn python(expr: &str) -> String {
    let script = format!(
        "try:\n    {expr}\nexcept Exception as e:\n    print(type(e).__name__ + ': ' + str(e), end='')\n"
    );
    let mut child = Command::new("python3")
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 is needed for this test");
    child.stdin.take().unwrap().write_all(b"").unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
}

fn shown((exc, m): (Exc, String)) -> String {
    format!("{}: {m}", exc.name())
}

#[test]
fn max_names_the_first_pair_it_cannot_compare() {
    let s = store(&[("a", vec![W::Float(1.0), W::Int(3), W::str("x"), W::None])]);
    let want = python("max([1.0, 3, 'x', None])");
    assert_eq!(want, "TypeError: '>' not supported between instances of 'str' and 'int'");
    let args = [Arg::Str("a"), Arg::Str("t"), Arg::Str("m")];
    assert_eq!(shown(error(&s, "get_single_metric", &args)), want);
    // get_best_epoch_status's argmax compares the same pairs.
    assert_eq!(shown(error(&s, "get_best_epoch_status", &args)), want);
}

#[test]
fn sorted_names_the_pair_its_merge_cannot_compare() {
    let s = store(&[
        ("a", vec![W::Float(2.0)]),
        ("b", vec![W::str("z")]),
        ("c", vec![W::Int(1)]),
        ("d", vec![W::None]),
    ]);
    let want = python("sorted([(2.0, 'a'), ('z', 'b'), (1, 'c'), (None, 'd')], reverse=True)");
    assert!(want.starts_with("TypeError: '<' not supported"), "{want}");
    let args = [Arg::Str("t"), Arg::Str("m"), Arg::Str("s")];
    assert_eq!(shown(error(&s, "get_best_archs", &args)), want);
}

#[test]
fn a_key_error_prints_the_key_as_python_does() {
    let s = store(&[("a", vec![W::Float(2.0)])]);
    for (arg, expr) in [
        (Arg::Str("it's"), "{}[\"it's\"]"),
        (Arg::Str("a\tb\u{e9}\u{200b}"), "{}['a\\tb\\u00e9\\u200b']"),
        (Arg::Float(1e16), "{}[1e16]"),
        (Arg::Bool(true), "{}[True]"),
        (Arg::None, "{}[None]"),
    ] {
        let want = python(expr);
        assert_eq!(shown(error(&s, "get_total_epochs", &[arg, Arg::Str("t")])), want);
    }
}

#[test]
fn a_key_error_names_the_argument_whose_lookup_failed() {
    let s = store(&[("a", vec![W::Float(2.0)])]);
    let key =
        |method: &str, args: &[Arg<'_>]| match call(
            &s,
            method,
            args,
            &[],
            &mut |_| Ok::<(), ()>(()),
        ) {
            Err(CallError::Api(e)) => e.key(),
            _ => panic!("{method} did not raise"),
        };
    assert_eq!(key("get_total_epochs", &[Arg::Str("x"), Arg::Str("t")]), Some("arch"));
    assert_eq!(key("get_total_epochs", &[Arg::Str("a"), Arg::Int(3)]), Some("task"));
    assert_eq!(
        key("get_single_metric", &[Arg::Str("a"), Arg::Str("u"), Arg::Str("m")]),
        Some("task")
    );
    assert_eq!(key("get_single_metric", &[Arg::Str("a"), Arg::Str("t"), Arg::Str("n")]), None);
    assert_eq!(key("index2arch", &[Arg::Int(9)]), None);
}

/// Tuples, lists, dicts and ints beyond 64 bits are quoted as Python quotes them: the official
/// class's f-strings print their `str()`, `KeyError` and `list.index` their `repr()`, CPython's
/// `TypeError`s their type's name. Python runs the official class's own lines on the literal.
#[test]
fn tuples_lists_dicts_and_big_ints_are_quoted_as_python_quotes_them() {
    let s = store(&[("a", vec![W::Float(2.0)])]);
    let opaque = [
        (Arg::Hashable(Shown::new("tuple", "('x', 1, None)")), "('x', 1, None)"),
        (Arg::Hashable(Shown::new("tuple", "(1,)")), "(1,)"),
        (Arg::Unhashable(Shown::new("list", "[1, 'b', 2.5]")), "[1, 'b', 2.5]"),
        (Arg::Unhashable(Shown::new("dict", "{'k': [True], 'j': {}}")), "{'k': [True], 'j': {}}"),
        (Arg::Unhashable(Shown::new("set", "{3}")), "{3}"),
    ];
    for (arg, lit) in opaque {
        let lookup = python(&format!("{{}}[{lit}]"));
        assert_eq!(shown(error(&s, "get_total_epochs", &[arg, Arg::Str("t")])), lookup, "{lit}");
        let index = python(&format!("['a'].index({lit})"));
        assert_eq!(shown(error(&s, "arch2index", &[arg])), index, "{lit}");
        let metric = python(&format!(
            "m = {lit}; assert m in ['m'], f\"metric {{m}} is not available for task t! Must in {{['m']}}!\""
        ));
        let args = [Arg::Str("a"), Arg::Str("t"), arg];
        assert_eq!(shown(error(&s, "get_single_metric", &args)), metric, "{lit}");
        let epoch = python(&format!(
            "e = {lit}; assert isinstance(e, int), f'arg epoch {{e}} must be int'"
        ));
        assert_eq!(shown(error(&s, "get_epoch_status", &args)), epoch, "{lit}");
        let indexing = python(&format!("x = {lit}; [][x]"));
        assert_eq!(shown(error(&s, "index2arch", &[arg])), indexing, "{lit}");
    }
    let digits = "123456789012345678901234567890";
    let big = Arg::BigInt { negative: false, digits };
    let epoch =
        python(&format!("e = {digits}; assert e < 1, f'arg epoch {{e}} must < 1 on task t'"));
    let args = [Arg::Str("a"), Arg::Str("t"), big];
    assert_eq!(shown(error(&s, "get_epoch_status", &args)), epoch);
    let metric = python(&format!(
        "m = -{digits}; assert m in ['m'], f\"metric {{m}} is not available for task t! Must in {{['m']}}!\""
    ));
    let neg = Arg::BigInt { negative: true, digits: &format!("-{digits}") };
    let args = [Arg::Str("a"), Arg::Str("t"), neg];
    assert_eq!(shown(error(&s, "get_single_metric", &args)), metric);
    assert_eq!(
        shown(error(&s, "get_total_epochs", &[neg, Arg::Str("t")])),
        python(&format!("{{}}[-{digits}]"))
    );
}

/// A quoted value's text gets what every message gets: control characters escaped, and the
/// whole message cut at `MAX_MESSAGE` characters.
#[test]
fn a_quoted_value_is_escaped_and_cut_like_any_message() {
    let s = store(&[("a", vec![W::Float(2.0)])]);
    let huge = format!("['\u{1b}[2J{}']", "x".repeat(10_000));
    let arg = Arg::Unhashable(Shown::new("list", &huge));
    let (_, m) = error(&s, "arch2index", &[arg]);
    assert!(m.starts_with("['\\u{1b}[2Jxxx"), "{m}");
    // 400 characters of the message, one of them shown as its 6-character escape, and `…`.
    assert!(m.ends_with("xx…"), "{m}");
    assert_eq!(m.chars().count(), tnb_api::MAX_MESSAGE + 5 + 1);
}
