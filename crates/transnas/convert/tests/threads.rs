//! The converter's thread count: any count gives the same archive, and the join of the
//! per-thread pieces keeps every value where it was, including the cells that need the generic
//! section and only appear in a later thread's piece.
//!
//! The fill splits the archs into one contiguous range per thread. A bug in joining the pieces
//! (a generic cell's index not shifted by the earlier pieces' lengths, a direct piece dropped
//! when a later one leaves the direct path) only shows when there are several pieces, so these
//! tests ask for 1 to 7 threads explicitly instead of depending on the machine's cores.

use std::num::NonZeroUsize;

use tnb_convert::Options;
use tnb_pthwrite::Value as W;

fn threads(n: usize) -> Options {
    Options::default().with_threads(NonZeroUsize::new(n).unwrap())
}

/// A benchmark with one task, two metrics and `values.len()` archs in one space; arch `i`'s
/// `m0` list is `values[i]` and its `m1` list as long, every value `i as f64 + 0.5`.
fn bench(values: &[Vec<W>]) -> Vec<u8> {
    let archs: Vec<(W, W)> = values
        .iter()
        .enumerate()
        .map(|(i, list)| {
            let metrics = W::dict(vec![
                (W::str("m0"), W::list(list.clone())),
                (W::str("m1"), W::list(vec![W::Float(i as f64 + 0.5); list.len()])),
            ]);
            let result = W::dict(vec![
                (W::str("total_epochs"), W::Int(list.len() as i64)),
                (W::str("model_info"), W::dict(vec![])),
                (W::str("metrics"), metrics),
            ]);
            (W::str(&format!("64-41414-{i}_00")), W::dict(vec![(W::str("t"), result)]))
        })
        .collect();
    let top = W::dict(vec![
        (W::str("task_list"), W::list(vec![W::str("t")])),
        (
            W::str("metrics_dict"),
            W::dict(vec![(W::str("t"), W::list(vec![W::str("m0"), W::str("m1")]))]),
        ),
        (W::str("info_names"), W::list(vec![])),
        (W::str("data"), W::dict(vec![(W::str("micro"), W::dict(archs))])),
    ]);
    tnb_pthwrite::dumps(&top).unwrap()
}

/// Converts with 1 to 7 threads; asserts the archives are byte-identical and returns one.
fn convert_every_way(src: &[u8]) -> tnb_store::Store {
    let one = tnb_convert::convert_bytes_with(src, &threads(1)).unwrap();
    for n in 2..=7 {
        let other = tnb_convert::convert_bytes_with(src, &threads(n)).unwrap();
        assert!(other == one, "{n} threads give another archive than 1 thread");
    }
    assert!(tnb_convert::convert_bytes(src).unwrap() == one, "the default differs");
    tnb_store::Store::copy_from(&one).unwrap()
}

/// The store's `m0` list of arch `i`, rendered for exact comparison.
fn m0(s: &tnb_store::Store, i: usize) -> Vec<String> {
    let name = format!("64-41414-{i}_00");
    s.values(name.as_str(), "t", "m0").unwrap().map(|v| format!("{v:?}")).collect()
}

fn m1_best(s: &tnb_store::Store, i: usize) -> f64 {
    match s.best_value(format!("64-41414-{i}_00").as_str(), "t", "m1").unwrap() {
        tnb_store::Value::Float(x) => x,
        v => panic!("m1 holds floats, found {v:?}"),
    }
}

#[test]
fn generic_cells_in_the_last_piece_keep_their_place() {
    // Six archs of floats, then two whose lists hold containers (generic cells): with several
    // threads, the generic cells are in the last piece and their indexes must be shifted by the
    // length of every earlier piece.
    let mut values: Vec<Vec<W>> =
        (0..6).map(|i| vec![W::Float(f64::from(i)), W::Float(0.25)]).collect();
    values.push(vec![W::Float(1.5), W::list(vec![W::Int(7)])]);
    values.push(vec![W::tuple(vec![W::str("x")]), W::Float(2.5), W::None]);
    let s = convert_every_way(&bench(&values));
    for i in 0..6 {
        assert_eq!(m0(&s, i), [format!("Float({i}.0)"), "Float(0.25)".to_owned()]);
    }
    assert_eq!(m0(&s, 6)[0], "Float(1.5)");
    assert!(m0(&s, 6)[1].starts_with("Node("), "{:?}", m0(&s, 6));
    assert!(m0(&s, 7)[0].starts_with("Node("), "{:?}", m0(&s, 7));
    assert_eq!(m0(&s, 7)[1..], ["Float(2.5)".to_owned(), "None".to_owned()]);
    // The generic nodes themselves: each cell points at its own container, not a neighbour's.
    let dump = String::from_utf8(tnb_api::write_json(&s, Vec::new()).unwrap()).unwrap();
    assert!(dump.contains(r#""m0": [1.5, [7]]"#), "{dump}");
    assert!(dump.contains(r#""m0": [["x"], 2.5, null]"#), "{dump}");
    for i in 0..8 {
        assert_eq!(m1_best(&s, i), i as f64 + 0.5);
    }
}

#[test]
fn a_column_leaving_the_direct_path_late_keeps_the_earlier_pieces() {
    // The first arch's value is a float, so the column starts on the direct path in every
    // piece; the last arch's value is not f32-exact, which sends only the last piece to the
    // general path: the earlier direct pieces must be converted, not lost.
    let mut values: Vec<Vec<W>> = (0..7).map(|i| vec![W::Float(f64::from(i) * 0.5)]).collect();
    values.push(vec![W::Float(0.1)]);
    let s = convert_every_way(&bench(&values));
    for i in 0..7 {
        assert_eq!(m0(&s, i), [format!("Float({:?})", i as f64 * 0.5)]);
    }
    assert_eq!(m0(&s, 7), ["Float(0.1)"]);
    let ranking: Vec<String> = s
        .best_archs("t", "m0", "micro")
        .unwrap()
        .map(|x| s.arch_name(x.unwrap().1).unwrap().to_owned())
        .collect();
    let want: Vec<String> =
        [6, 5, 4, 3, 2, 1, 7, 0].iter().map(|i| format!("64-41414-{i}_00")).collect();
    assert_eq!(ranking, want);
}

#[test]
fn strings_and_ints_in_a_later_piece_join_with_floats() {
    // A first piece of f32-exact floats and a last piece of strings, ints, bools and None: the
    // joined column is mixed, in arch order, each value with its own type.
    let mut values: Vec<Vec<W>> = (0..4).map(|i| vec![W::Float(f64::from(i))]).collect();
    values.push(vec![W::str("five"), W::Int(-5)]);
    values.push(vec![W::Bool(true), W::None, W::Int(i64::MAX)]);
    values.push(vec![]);
    let s = convert_every_way(&bench(&values));
    assert_eq!(m0(&s, 4), [r#"Str("five")"#, "Int(-5)"]);
    assert_eq!(m0(&s, 5), ["Bool(true)", "None", &format!("Int({})", i64::MAX)]);
    assert_eq!(m0(&s, 6), Vec::<String>::new());
    for i in 0..4 {
        assert_eq!(m0(&s, i), [format!("Float({i}.0)")]);
    }
    assert_eq!(s.total_epochs("64-41414-6_00", "t").unwrap(), 0);
}

#[test]
fn more_threads_than_archs_is_the_same_archive() {
    let values = vec![vec![W::Float(1.0), W::list(vec![])]];
    let s = convert_every_way(&bench(&values));
    assert_eq!(m0(&s, 0)[0], "Float(1.0)");
    assert!(m0(&s, 0)[1].starts_with("Node("));
}
