//! Precomputed answers: the best epoch of every metric list, and `get_best_archs`' order.

use tnb_schema::transnas::codes::*;

use crate::column::ColumnBuilder;
use crate::py::{self, Incomparable, Py};

/// First argmax (Python `max`) of each arch's slice of `col`, or a `BEST_*` sentinel.
pub(crate) fn best_epochs(col: &ColumnBuilder, offsets: &[u32], out: &mut Vec<u32>) {
    for w in offsets.windows(2) {
        let (start, end) = (w[0] as usize, w[1] as usize);
        let best = match col {
            // Float columns: the same `>` as Python's on the widened values, without the
            // per-value dispatch (NaN compares false either way).
            ColumnBuilder::F32(v) => argmax_f(&v[start..end]),
            ColumnBuilder::F64(v) => argmax_f(&v[start..end]),
            // Strings: Python compares code points, which is UTF-8 byte order.
            ColumnBuilder::Str { offsets, bytes } => {
                let s = |i: usize| &bytes[offsets[i] as usize..offsets[i + 1] as usize];
                argmax_f(&(start..end).map(s).collect::<Vec<_>>())
            }
            _ => py::argmax(end - start, |i| col.py(start + i)),
        };
        out.push(match best {
            Ok(Some(i)) => i as u32,
            Ok(None) => BEST_EMPTY,
            Err(Incomparable) => BEST_INCOMPARABLE,
        });
    }
}

/// [`best_epochs`]'s answer for one list of f32 values.
pub(crate) fn argmax_f32(v: &[f32]) -> u32 {
    match argmax_f(v) {
        Ok(Some(i)) => i as u32,
        _ => BEST_EMPTY,
    }
}

fn argmax_f<T: Copy + PartialOrd>(v: &[T]) -> Result<Option<usize>, Incomparable> {
    let Some(&first) = v.first() else {
        return Ok(None);
    };
    let (mut best, mut best_v) = (0, first);
    for (i, &x) in v.iter().enumerate().skip(1) {
        if best_v < x {
            best = i;
            best_v = x;
        }
    }
    Ok(Some(best))
}

/// A non-NaN float as an integer with the same order (and -0.0 equal to 0.0, as Python's `==`
/// has it), so sorting compares integers.
fn order_bits(x: f64) -> u64 {
    let b = (x + 0.0).to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// The archs of one space in `sorted([(best, arch) ...], reverse=True)` order, or the status
/// code saying why Python raises.
pub(crate) fn ranking<'a, 'n>(
    archs: std::ops::Range<usize>,
    best_value: impl Fn(usize) -> Option<Py<'a>>,
    name: impl Fn(usize) -> &'n str,
    out: &mut Vec<u32>,
) -> u8 {
    let mut items: Vec<(Py<'a>, &'n str, u32)> = Vec::with_capacity(archs.len());
    for a in archs.clone() {
        match best_value(a) {
            Some(v) => items.push((v, name(a), a as u32)),
            None => {
                out.extend(archs.map(|a| a as u32));
                return RANK_BEST_FAILS;
            }
        }
    }
    // When the best values are totally ordered (floats without NaN, ints, or strings), any
    // correct sort gives Python's answer: sort on extracted keys. Anything else (NaN, mixed
    // types) goes through the exact CPython emulation.
    let desc = |o: std::cmp::Ordering, x: &str, y: &str| o.then_with(|| x.cmp(y)).reverse();
    if items.iter().all(|x| matches!(x.0, Py::Float(f) if !f.is_nan())) {
        let mut keyed: Vec<(u64, &str, u32)> = items
            .iter()
            .map(|x| (if let Py::Float(f) = x.0 { order_bits(f) } else { 0 }, x.1, x.2))
            .collect();
        keyed.sort_unstable_by(|x, y| desc(x.0.cmp(&y.0), x.1, y.1));
        out.extend(keyed.iter().map(|x| x.2));
        return RANK_OK;
    }
    if items.iter().all(|x| matches!(x.0, Py::Int(_))) {
        let mut keyed: Vec<(i64, &str, u32)> =
            items.iter().map(|x| (if let Py::Int(i) = x.0 { i } else { 0 }, x.1, x.2)).collect();
        keyed.sort_unstable_by(|x, y| desc(x.0.cmp(&y.0), x.1, y.1));
        out.extend(keyed.iter().map(|x| x.2));
        return RANK_OK;
    }
    if items.iter().all(|x| matches!(x.0, Py::Str(_))) {
        let mut keyed: Vec<(&str, &str, u32)> =
            items.iter().map(|x| (if let Py::Str(s) = x.0 { s } else { "" }, x.1, x.2)).collect();
        keyed.sort_unstable_by(|x, y| desc(x.0.cmp(y.0), x.1, y.1));
        out.extend(keyed.iter().map(|x| x.2));
        return RANK_OK;
    }
    let lt =
        |x: &(Py<'a>, &'n str, u32), y: &(Py<'a>, &'n str, u32)| py::tuple_lt(x.0, x.1, y.0, y.1);
    match tnb_pysort::list_sort_reverse(&mut items, lt) {
        Ok(()) => {
            out.extend(items.iter().map(|x| x.2));
            RANK_OK
        }
        Err(Incomparable) => {
            out.extend(archs.map(|a| a as u32));
            RANK_INCOMPARABLE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::column::Cell;

    #[test]
    fn best_epochs_follow_python_max_and_flag_failures() {
        let mut c = ColumnBuilder::new();
        for x in [1.0, 3.0, 3.0, f64::NAN, 2.0, 0.5] {
            c.push(Cell::Float(x)).unwrap();
        }
        let mut out = Vec::new();
        best_epochs(&c, &[0, 3, 4, 4, 6], &mut out);
        assert_eq!(out, [1, 0, BEST_EMPTY, 0]);
    }

    #[test]
    fn order_bits_orders_like_floats() {
        let xs = [f64::NEG_INFINITY, -1e300, -1.0, -5e-324, 0.0, 5e-324, 1.0, 1e300, f64::INFINITY];
        for w in xs.windows(2) {
            assert!(order_bits(w[0]) < order_bits(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(order_bits(-0.0), order_bits(0.0));
    }

    #[test]
    fn ranking_is_value_then_name_descending() {
        let vals = [Py::Float(1.0), Py::Float(2.0), Py::Int(2), Py::Float(0.5)];
        let names = ["a", "b", "c", "d"];
        let mut out = Vec::new();
        let s = ranking(0..4, |a| Some(vals[a]), |a| names[a], &mut out);
        assert_eq!(s, RANK_OK);
        assert_eq!(out, [2, 1, 0, 3], "2 == 2.0, so the names decide: 'c' > 'b'");
        let mut out = Vec::new();
        let s = ranking(0..2, |a| Some([Py::Str("x"), Py::Float(1.0)][a]), |a| names[a], &mut out);
        assert_eq!(s, RANK_INCOMPARABLE);
        let mut out = Vec::new();
        assert_eq!(
            ranking(0..2, |a| (a == 0).then_some(Py::Int(1)), |a| names[a], &mut out),
            RANK_BEST_FAILS
        );
        assert_eq!(out, [0, 1]);
    }

    /// `best_epochs` of a column built from `cells`, split by `offsets`.
    fn best_of(cells: &[Cell<'_>], offsets: &[u32]) -> Vec<u32> {
        let mut c = ColumnBuilder::new();
        for &x in cells {
            c.push(x).unwrap();
        }
        let mut out = Vec::new();
        best_epochs(&c, offsets, &mut out);
        out
    }

    #[test]
    fn best_epochs_of_string_columns_compare_code_points_within_each_slice() {
        // Each arch's slice is compared on its own: the second arch's best is its own first
        // value even though an earlier arch holds a larger one; a later arch starts past 0.
        let cells =
            [Cell::Str("b"), Cell::Str("é"), Cell::Str("a"), Cell::Str("ab"), Cell::Str("")];
        assert_eq!(best_of(&cells, &[0, 2, 3, 5]), [1, 0, 0]);
        assert_eq!(best_of(&cells, &[0, 1, 5]), [0, 0]);
    }

    #[test]
    fn best_epochs_of_int_and_mixed_columns_use_python_max_per_slice() {
        // Ints: the first maximum wins.
        let ints = [Cell::Int(3), Cell::Int(-1), Cell::Int(7), Cell::Int(7), Cell::Int(2)];
        assert_eq!(best_of(&ints, &[0, 2, 5]), [0, 0]);
        assert_eq!(best_of(&ints, &[0, 1, 4, 5]), [0, 1, 0]);
        // Mixed: a later slice's index is relative to its own start, an empty slice is
        // BEST_EMPTY, and a str after an int is incomparable.
        let mixed =
            [Cell::Int(1), Cell::Float(2.5), Cell::Bool(true), Cell::Int(5), Cell::Str("x")];
        assert_eq!(best_of(&mixed, &[0, 2, 2, 4, 5]), [1, BEST_EMPTY, 1, 0]);
        assert_eq!(best_of(&mixed, &[0, 5]), [BEST_INCOMPARABLE]);
    }

    #[test]
    fn argmax_f32_is_the_first_maximum() {
        assert_eq!(argmax_f32(&[]), BEST_EMPTY);
        assert_eq!(argmax_f32(&[0.5]), 0);
        assert_eq!(argmax_f32(&[0.5, 2.0, 1.0, 2.0]), 1);
        // A NaN after the first value is never chosen; a NaN first stays.
        assert_eq!(argmax_f32(&[1.0, f32::NAN, 3.0]), 2);
        assert_eq!(argmax_f32(&[f32::NAN, 3.0]), 0);
    }
}
