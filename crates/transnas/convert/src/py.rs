//! Python's comparison semantics for the values a benchmark holds, so that precomputed answers
//! (`max` of a metric list, `sorted(..., reverse=True)` of best values) are exactly Python's.

use std::cmp::Ordering;

/// A value as Python's comparisons see it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Py<'a> {
    /// `None`: orders against nothing.
    None,
    /// `int` (bools are ints to `<` and `==`).
    Int(i64),
    /// `float`.
    Float(f64),
    /// `str`: compares by code point, which is UTF-8 byte order.
    Str(&'a str),
    /// Anything else (containers, bytes...): tnb treats it as not orderable.
    Other,
}

/// Python would raise `TypeError` ("'<' not supported between instances of ...").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Incomparable;

/// Exact comparison of an int with a float, as Python does it (no rounding of the int).
fn cmp_int_float(i: i64, x: f64) -> Option<Ordering> {
    if x.is_nan() {
        return None;
    }
    // 2^63 is exactly representable; every finite float at or beyond it exceeds any i64.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if x >= TWO_63 {
        return Some(Ordering::Less);
    }
    if x < -TWO_63 {
        return Some(Ordering::Greater);
    }
    let t = x.trunc();
    let ti = t as i64; // exact: |t| < 2^63 here
    Some(match i.cmp(&ti) {
        Ordering::Equal => {
            let frac = x - t;
            if frac > 0.0 {
                Ordering::Less
            } else if frac < 0.0 {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        }
        o => o,
    })
}

/// Python's `a == b` (never raises).
pub(crate) fn eq(a: Py<'_>, b: Py<'_>) -> bool {
    match (a, b) {
        (Py::None, Py::None) => true,
        (Py::Int(x), Py::Int(y)) => x == y,
        (Py::Float(x), Py::Float(y)) => x == y,
        (Py::Int(i), Py::Float(x)) | (Py::Float(x), Py::Int(i)) => {
            cmp_int_float(i, x) == Some(Ordering::Equal)
        }
        (Py::Str(x), Py::Str(y)) => x == y,
        _ => false,
    }
}

/// Python's `a < b`.
pub(crate) fn lt(a: Py<'_>, b: Py<'_>) -> Result<bool, Incomparable> {
    Ok(match (a, b) {
        (Py::Int(x), Py::Int(y)) => x < y,
        (Py::Float(x), Py::Float(y)) => x < y,
        (Py::Int(i), Py::Float(x)) => cmp_int_float(i, x) == Some(Ordering::Less),
        (Py::Float(x), Py::Int(i)) => cmp_int_float(i, x) == Some(Ordering::Greater),
        (Py::Str(x), Py::Str(y)) => x < y,
        _ => return Err(Incomparable),
    })
}

/// Index of Python's `max(values)`: the first element that no later element is `>` than, with
/// `>` evaluated left to right exactly as the builtin does (a leading NaN wins, later NaNs are
/// skipped). `Ok(None)` for an empty list (Python raises ValueError).
pub(crate) fn argmax<'a>(
    len: usize,
    mut get: impl FnMut(usize) -> Py<'a>,
) -> Result<Option<usize>, Incomparable> {
    if len == 0 {
        return Ok(None);
    }
    let mut best = 0;
    let mut best_v = get(0);
    for i in 1..len {
        let v = get(i);
        // `max` asks `item > maxitem`, i.e. `maxitem < item`.
        if lt(best_v, v)? {
            best = i;
            best_v = v;
        }
    }
    Ok(Some(best))
}

/// Python's `(va, sa) < (vb, sb)` for the `(best_value, arch)` tuples `get_best_archs` sorts:
/// the first items decide unless they are `==`.
pub(crate) fn tuple_lt(va: Py<'_>, sa: &str, vb: Py<'_>, sb: &str) -> Result<bool, Incomparable> {
    if eq(va, vb) { Ok(sa < sb) } else { lt(va, vb) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_and_floats_compare_exactly() {
        let big = (1i64 << 53) + 1;
        assert!(lt(Py::Float(9_007_199_254_740_992.0), Py::Int(big)).unwrap());
        assert!(!eq(Py::Int(big), Py::Float(big as f64)));
        assert!(eq(Py::Int(3), Py::Float(3.0)));
        assert!(lt(Py::Int(i64::MAX), Py::Float(9.3e18)).unwrap());
        assert!(lt(Py::Float(-9.3e18), Py::Int(i64::MIN)).unwrap());
        assert!(!lt(Py::Int(1), Py::Float(f64::NAN)).unwrap());
        assert!(!lt(Py::Float(f64::NAN), Py::Int(1)).unwrap());
        assert!(lt(Py::Int(-1), Py::Float(-0.5)).unwrap());
        assert!(lt(Py::Float(-1.5), Py::Int(-1)).unwrap());
        assert!(lt(Py::Str("a"), Py::Int(1)).is_err());
        assert!(lt(Py::None, Py::None).is_err());
    }

    #[test]
    fn argmax_follows_python_max() {
        let v = [1.0, f64::NAN, 3.0, 3.0, 2.0];
        assert_eq!(argmax(5, |i| Py::Float(v[i])), Ok(Some(2)));
        let v = [f64::NAN, 5.0, 9.0];
        assert_eq!(argmax(3, |i| Py::Float(v[i])), Ok(Some(0)));
        assert_eq!(argmax(0, |_| Py::None), Ok(None));
        // A single element never compares, whatever it is.
        assert_eq!(argmax(1, |_| Py::None), Ok(Some(0)));
        let s = ["00:01:00", "00:10:00", "00:09:59"];
        assert_eq!(argmax(3, |i| Py::Str(s[i])), Ok(Some(1)));
        assert_eq!(
            argmax(2, |i| if i == 0 { Py::Int(1) } else { Py::Str("x") }),
            Err(Incomparable)
        );
    }
}
