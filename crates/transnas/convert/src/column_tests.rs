//! Exact tests of the column builder: each kind, each widening, each join of two halves (the
//! per-thread pieces), string offsets and `start << 32 | len` cells, `py` and `finish`.

use super::*;

fn build(cells: &[Cell<'_>]) -> ColumnBuilder {
    let mut b = ColumnBuilder::new();
    for &c in cells {
        b.push(c).unwrap();
    }
    b
}

fn mixed(tags: &[u8], bits: &[u64], bytes: &[u8]) -> Column {
    Column::Mixed { tags: tags.to_vec(), bits: bits.to_vec(), bytes: bytes.to_vec() }
}

const TENTH: f64 = 0.1;

#[test]
fn len_counts_values_of_every_kind() {
    assert_eq!(ColumnBuilder::new().len(), 0);
    assert_eq!(ColumnBuilder::with_capacity(8).len(), 0);
    assert_eq!(build(&[Cell::Float(0.5), Cell::Float(1.5)]).len(), 2);
    assert_eq!(build(&[Cell::Float(TENTH), Cell::Float(0.5), Cell::Float(1.0)]).len(), 3);
    assert_eq!(build(&[Cell::Int(1), Cell::Int(2)]).len(), 2);
    assert_eq!(build(&[Cell::Str("a"), Cell::Str("bc"), Cell::Str("")]).len(), 3);
    assert_eq!(build(&[Cell::None, Cell::None]).len(), 2);
    assert_eq!(ColumnBuilder::from_f32(vec![1.0; 4]).len(), 4);
}

#[test]
fn push_float_keeps_f32_and_widens_to_f64_exactly() {
    let mut b = ColumnBuilder::new();
    b.push_float(0.5).unwrap();
    b.push_float(f64::from(0.1f32)).unwrap();
    assert_eq!(b.len(), 2);
    b.push_float(TENTH).unwrap();
    b.push_float(2.0).unwrap();
    assert_eq!(b.finish(), Column::F64(vec![0.5, f64::from(0.1f32), TENTH, 2.0]));

    let mut b = ColumnBuilder::new();
    b.push_float(0.25).unwrap();
    assert_eq!(b.finish(), Column::F32(vec![0.25]));

    // An int column gets a float: tagged cells, the int kept as its bits.
    let mut b = build(&[Cell::Int(-2)]);
    b.push_float(0.5).unwrap();
    assert_eq!(b.finish(), mixed(&[CELL_INT, CELL_FLOAT], &[-2i64 as u64, 0.5f64.to_bits()], b""));
}

#[test]
fn push_str_bytes_appends_to_strings_and_falls_back_otherwise() {
    let mut b = ColumnBuilder::new();
    b.push_str_bytes(b"00:01").unwrap();
    b.push_str_bytes(b"00:02").unwrap();
    b.push_str_bytes(b"1:00:03").unwrap();
    assert_eq!(b.len(), 3);
    assert_eq!(b.py(2), Py::Str("1:00:03"));
    assert_eq!(
        b.finish(),
        Column::Str { offsets: vec![0, 5, 10, 17], bytes: b"00:0100:021:00:03".to_vec() }
    );

    let mut b = build(&[Cell::Int(4)]);
    b.push_str_bytes(b"ab").unwrap();
    assert_eq!(b.finish(), mixed(&[CELL_INT, CELL_STR], &[4, 2], b"ab"));

    let mut b = build(&[Cell::Int(4)]);
    let e = b.push_str_bytes(b"\xff").unwrap_err();
    assert_eq!(e.to_string(), Error::TooLarge("a string is not UTF-8".to_owned()).to_string());
}

#[test]
fn strings_widened_to_cells_keep_start_and_length() {
    let b = build(&[Cell::Str("ab"), Cell::Str("c"), Cell::Str(""), Cell::Int(5)]);
    assert_eq!(b.py(0), Py::Str("ab"));
    assert_eq!(b.py(1), Py::Str("c"));
    assert_eq!(b.py(2), Py::Str(""));
    assert_eq!(
        b.finish(),
        mixed(&[CELL_STR, CELL_STR, CELL_STR, CELL_INT], &[2, 2 << 32 | 1, 3 << 32, 5], b"abc")
    );

    // Strings pushed to tagged cells: offsets grow from the bytes already there.
    let b = build(&[Cell::None, Cell::Str("xy"), Cell::Str("z"), Cell::Bool(false)]);
    assert_eq!(b.py(0), Py::None);
    assert_eq!(b.py(1), Py::Str("xy"));
    assert_eq!(b.py(2), Py::Str("z"));
    assert_eq!(b.py(3), Py::Int(0));
    assert_eq!(
        b.finish(),
        mixed(&[CELL_NONE, CELL_STR, CELL_STR, CELL_FALSE], &[0, 2, 2 << 32 | 1, 0], b"xyz")
    );
}

#[test]
fn numbers_widened_to_cells_keep_their_bits() {
    let b = build(&[Cell::Float(0.5), Cell::Float(-1.0), Cell::None]);
    assert_eq!(
        b.finish(),
        mixed(
            &[CELL_FLOAT, CELL_FLOAT, CELL_NONE],
            &[0.5f64.to_bits(), (-1.0f64).to_bits(), 0],
            b""
        )
    );
    let b = build(&[Cell::Float(TENTH), Cell::Int(3)]);
    assert_eq!(b.py(0), Py::Float(TENTH));
    assert_eq!(b.finish(), mixed(&[CELL_FLOAT, CELL_INT], &[TENTH.to_bits(), 3], b""));
    let b = build(&[Cell::Int(-1), Cell::Int(7), Cell::Bool(true)]);
    assert_eq!(b.py(0), Py::Int(-1));
    assert_eq!(b.finish(), mixed(&[CELL_INT, CELL_INT, CELL_TRUE], &[u64::MAX, 7, 0], b""));
    // A first value with no kind of its own starts tagged cells right away.
    let b = build(&[Cell::Generic(9), Cell::Float(0.5)]);
    assert_eq!(b.finish(), mixed(&[CELL_GENERIC, CELL_FLOAT], &[9, 0.5f64.to_bits()], b""));
    let b = build(&[Cell::Bool(true)]);
    assert_eq!(b.finish(), mixed(&[CELL_TRUE], &[0], b""));
}

fn joined(a: &[Cell<'_>], b: &[Cell<'_>]) -> Column {
    let mut x = build(a);
    x.append(build(b)).unwrap();
    let whole: Vec<Cell<'_>> = a.iter().chain(b).copied().collect();
    let one = build(&whole).finish();
    let two = x.finish();
    // Except where f32 then f64 pieces meet, the join is what one builder gives.
    assert_eq!(two, one, "{a:?} + {b:?}");
    two
}

#[test]
fn appending_a_later_piece_gives_the_whole_column() {
    assert_eq!(joined(&[Cell::Float(0.5)], &[Cell::Float(1.5)]), Column::F32(vec![0.5, 1.5]));
    assert_eq!(
        joined(&[Cell::Float(TENTH)], &[Cell::Float(0.2), Cell::Float(0.5)]),
        Column::F64(vec![TENTH, 0.2, 0.5])
    );
    assert_eq!(joined(&[Cell::Float(TENTH)], &[Cell::Float(0.5)]), Column::F64(vec![TENTH, 0.5]));
    assert_eq!(
        joined(&[Cell::Float(0.5), Cell::Float(1.0)], &[Cell::Float(TENTH)]),
        Column::F64(vec![0.5, 1.0, TENTH])
    );
    assert_eq!(joined(&[Cell::Int(1)], &[Cell::Int(2), Cell::Int(3)]), Column::I64(vec![1, 2, 3]));
    assert_eq!(
        joined(&[Cell::Str("ab"), Cell::Str("c")], &[Cell::Str("de"), Cell::Str("")]),
        Column::Str { offsets: vec![0, 2, 3, 5, 5], bytes: b"abcde".to_vec() }
    );
    assert_eq!(
        joined(&[Cell::Str("ab")], &[Cell::Int(4), Cell::Str("cde")]),
        mixed(&[CELL_STR, CELL_INT, CELL_STR], &[2, 4, 2 << 32 | 3], b"abcde")
    );
    assert_eq!(
        joined(&[Cell::None, Cell::Str("x")], &[Cell::Str("yz")]),
        mixed(&[CELL_NONE, CELL_STR, CELL_STR], &[0, 1, 1 << 32 | 2], b"xyz")
    );
    assert_eq!(
        joined(&[Cell::Int(4)], &[Cell::Generic(3)]),
        mixed(&[CELL_INT, CELL_GENERIC], &[4, 3], b"")
    );
    assert_eq!(joined(&[], &[Cell::Int(4)]), Column::I64(vec![4]));
    assert_eq!(joined(&[Cell::Str("q")], &[]), Column::StrFixed { width: 1, bytes: b"q".to_vec() });
}

#[test]
fn set_generic_fills_only_generic_cells() {
    let mut b = build(&[Cell::Int(5), Cell::Generic(0), Cell::Generic(0)]);
    b.set_generic(1, 42);
    b.set_generic(0, 43);
    b.set_generic(3, 44);
    assert_eq!(b.finish(), mixed(&[CELL_INT, CELL_GENERIC, CELL_GENERIC], &[5, 42, 0], b""));
    let mut b = build(&[Cell::Int(5)]);
    b.set_generic(0, 1);
    assert_eq!(b.finish(), Column::I64(vec![5]));
}

#[test]
fn py_reads_every_kind() {
    let b = ColumnBuilder::from_f32(vec![0.5, 0.25]);
    assert_eq!(b.py(1), Py::Float(0.25));
    let b = build(&[Cell::Float(TENTH), Cell::Float(0.75)]);
    assert_eq!(b.py(1), Py::Float(0.75));
    let b = build(&[Cell::Int(1), Cell::Int(-9)]);
    assert_eq!(b.py(1), Py::Int(-9));
    let b = build(&[Cell::Str("ab"), Cell::Str("cde")]);
    assert_eq!(b.py(0), Py::Str("ab"));
    assert_eq!(b.py(1), Py::Str("cde"));
    let b = build(&[Cell::Generic(1), Cell::Int(-3), Cell::Float(2.5), Cell::Str("ab")]);
    assert_eq!(b.py(0), Py::Other);
    assert_eq!(b.py(1), Py::Int(-3));
    assert_eq!(b.py(2), Py::Float(2.5));
    assert_eq!(b.py(3), Py::Str("ab"));
}

#[test]
fn finish_fixes_the_width_only_when_every_string_has_it() {
    assert_eq!(
        build(&[Cell::Str("ab"), Cell::Str("cd"), Cell::Str("ef")]).finish(),
        Column::StrFixed { width: 2, bytes: b"abcdef".to_vec() }
    );
    assert_eq!(
        build(&[Cell::Str("ab"), Cell::Str("cd"), Cell::Str("e")]).finish(),
        Column::Str { offsets: vec![0, 2, 4, 5], bytes: b"abcde".to_vec() }
    );
    assert_eq!(
        build(&[Cell::Str("a"), Cell::Str("cd")]).finish(),
        Column::Str { offsets: vec![0, 1, 3], bytes: b"acd".to_vec() }
    );
    assert_eq!(
        build(&[Cell::Str(""), Cell::Str("")]).finish(),
        Column::Str { offsets: vec![0, 0, 0], bytes: Vec::new() }
    );
    assert_eq!(build(&[Cell::Int(3)]).finish(), Column::I64(vec![3]));
    assert_eq!(ColumnBuilder::new().finish(), Column::F32(Vec::new()));
}
