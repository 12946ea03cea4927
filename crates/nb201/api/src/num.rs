//! Numbers as the official code computes them: `np.mean` / `np.sum` (numpy's pairwise
//! summation), Python's built-in `sum` (plain left-to-right before Python 3.12, Neumaier
//! compensation for exact floats from 3.12 on), and Python's arithmetic result types.

use crate::source::Num;

/// Which interpreter's built-in `sum` to reproduce (the official `all_time` and latency
/// averages use it; numpy's functions do not depend on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PySum {
    /// CPython before 3.12: plain left-to-right addition.
    #[default]
    Plain,
    /// CPython 3.12 and later: Neumaier-compensated addition of exact `float` items.
    Neumaier,
}

impl PySum {
    /// The `sum` of the interpreter whose `sys.version_info[:2]` is `(major, minor)`.
    pub fn for_version(major: u32, minor: u32) -> PySum {
        if (major, minor) >= (3, 12) { PySum::Neumaier } else { PySum::Plain }
    }
}

/// How the official code averages and sums: [`PySum`] for the built-in `sum`, and whether
/// it is NATS-Bench's code (`nats`: its `mean(x)` is `sum(x) / len(x)` where NAS-Bench-201
/// calls `np.mean` / `np.sum`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct Mode {
    /// The interpreter's `sum`.
    pub sum: PySum,
    /// NATS-Bench v1.8's arithmetic.
    pub nats: bool,
    /// The caller discards a failure (the official code catches it): messages that cost
    /// time to build (a whole table's keys) are left empty.
    pub quiet: bool,
}

impl Mode {
    /// NATS-Bench's `mean(xlist)`: `sum(xlist) / len(xlist)` (`ZeroDivisionError` for none),
    /// or numpy's `np.mean` for NAS-Bench-201.
    pub(crate) fn mean(self, v: &[Num]) -> Option<Num> {
        if self.nats {
            div(py_sum(v, self.sum), Num::Int(v.len() as i64))
        } else {
            Some(np_mean(v))
        }
    }

    /// `(mean(v), sum(v))` as `get_times` computes them (`None` for the mean of nothing under
    /// NATS-Bench's `mean`).
    pub(crate) fn mean_sum(self, v: &[Num]) -> (Option<Num>, Num) {
        if self.nats {
            let s = py_sum(v, self.sum);
            (div(s, Num::Int(v.len() as i64)), s)
        } else {
            let (m, s) = np_mean_sum(v);
            (Some(m), s)
        }
    }
}

/// How many items numpy's pairwise summation adds in one unrolled block (`PW_BLOCKSIZE`).
const PW_BLOCKSIZE: usize = 128;

/// numpy's `pairwise_sum` for doubles over `a` (contiguous): fewer than 8 items are added in
/// order from `0.0`; up to `PW_BLOCKSIZE` (128) items go to 8 running sums combined as
/// `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))`, then the remaining items in order; longer runs split
/// at half the length rounded down to a multiple of 8 and add the halves' sums.
pub fn pairwise(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &x in a {
            res += x;
        }
        res
    } else if n <= PW_BLOCKSIZE {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&a[..8]);
        let whole = n - n % 8;
        let mut i = 8;
        while i < whole {
            for (j, rj) in r.iter_mut().enumerate() {
                *rj += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in &a[whole..] {
            res += x;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise(&a[..n2]) + pairwise(&a[n2..])
    }
}

/// How many values [`np_sum`] and [`np_mean`] convert without allocating.
const STACK_VALUES: usize = 256;

fn with_doubles<R>(values: &[Num], f: impl FnOnce(&[f64]) -> R) -> R {
    if values.len() <= STACK_VALUES {
        let mut buf = [0.0f64; STACK_VALUES];
        for (b, v) in buf.iter_mut().zip(values) {
            *b = v.f();
        }
        f(&buf[..values.len()])
    } else {
        let v: Vec<f64> = values.iter().map(|v| v.f()).collect();
        f(&v)
    }
}

/// `np.sum(values)` of a list of Python floats / `np.float64`s (a float64 array): the reduction
/// starts from the identity `0.0` and adds the pairwise sum of all items; an `np.float64`.
/// (A list of ints only would be an int array: the official code never sums one.)
pub fn np_sum(values: &[Num]) -> Num {
    Num::F64(with_doubles(values, |a| 0.0 + pairwise(a)))
}

/// `np.mean(values)`: the float64 sum as [`np_sum`] (int items converted to double first, as
/// `np.mean` asks for a float64 accumulator; numpy casts such arrays in buffers of 8192 items,
/// so this holds up to that length, far beyond any list the API averages) divided by the
/// count; an `np.float64` (`nan` for no values, as numpy gives with a warning).
pub fn np_mean(values: &[Num]) -> Num {
    Num::F64(with_doubles(values, |a| (0.0 + pairwise(a)) / a.len() as f64))
}

/// `(np.mean(values), np.sum(values))` from one pairwise sum (both are that sum, the mean
/// divided by the count): the same bits as [`np_mean`] and [`np_sum`].
pub fn np_mean_sum(values: &[Num]) -> (Num, Num) {
    let s = with_doubles(values, |a| 0.0 + pairwise(a));
    (Num::F64(s / values.len() as f64), Num::F64(s))
}

/// Python's built-in `sum(values)` (start `0`) with the result type CPython gives: an `int`
/// while every item is an int, a `float` once a float is added, an `np.float64` once an
/// `np.float64` is added (numpy's scalar addition takes over from there).
pub fn py_sum(values: &[Num], mode: PySum) -> Num {
    enum Acc {
        Int(i64),
        Float { f: f64, c: f64 },
        F64(f64),
    }
    // The compensation is added only when it is non-zero and finite, so that the sign of a
    // negative zero and an infinite or overflowed sum are kept.
    let settle = |f: f64, c: f64| if c != 0.0 && c.is_finite() { f + c } else { f };
    let mut acc = Acc::Int(0);
    for &v in values {
        acc = match (acc, v) {
            (Acc::Int(i), Num::Int(x)) => Acc::Int(i.wrapping_add(x)),
            (Acc::Int(i), Num::Float(x)) => Acc::Float { f: i as f64 + x, c: 0.0 },
            (Acc::Int(i), Num::F64(x)) => Acc::F64(i as f64 + x),
            (Acc::Float { f, c }, Num::Int(x)) => Acc::Float { f: f + x as f64, c },
            (Acc::Float { f, c }, Num::Float(x)) => match mode {
                PySum::Plain => Acc::Float { f: f + x, c },
                PySum::Neumaier => {
                    let t = f + x;
                    let c = if f.abs() >= x.abs() { c + ((f - t) + x) } else { c + ((x - t) + f) };
                    Acc::Float { f: t, c }
                }
            },
            (Acc::Float { f, c }, Num::F64(x)) => Acc::F64(settle(f, c) + x),
            (Acc::F64(f), v) => Acc::F64(f + v.f()),
        };
    }
    match acc {
        Acc::Int(i) => Num::Int(i),
        Acc::Float { f, c } => Num::Float(settle(f, c)),
        Acc::F64(f) => Num::F64(f),
    }
}

/// The type of `a + b` / `a / b` for two numbers: `np.float64` wins over `float`, which wins
/// over `int`.
fn wider(a: Num, b: Num) -> fn(f64) -> Num {
    match (a, b) {
        (Num::F64(_), _) | (_, Num::F64(_)) => Num::F64,
        _ => Num::Float,
    }
}

/// `a + b` as Python computes it.
pub fn add(a: Num, b: Num) -> Num {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Num::Int(x.wrapping_add(y)),
        _ => wider(a, b)(a.f() + b.f()),
    }
}

/// `a / b` (true division) as Python computes it; `None` for a zero divisor of a Python
/// number (`ZeroDivisionError`; numpy gives `inf`/`nan` instead).
pub fn div(a: Num, b: Num) -> Option<Num> {
    match (a, b) {
        (Num::F64(_), _) | (_, Num::F64(_)) => Some(Num::F64(a.f() / b.f())),
        _ if b.f() == 0.0 => None,
        _ => Some(Num::Float(a.f() / b.f())),
    }
}

/// `a < b` for numbers (ints compared exactly with each other).
pub fn lt(a: Num, b: Num) -> bool {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x < y,
        _ => a.f() < b.f(),
    }
}
