//! [`Spec`]: `ModelSpec(matrix, ops)`: the constructor's checks, the pruned graph, the labels.

use std::fmt;

use crate::matrix::Matrix;
use crate::prune::{delete_unkept, kept_vertices};
use crate::{AVAILABLE_OPS, MAX_VERTICES};

/// The largest matrix [`Spec::new`] takes: 64 vertices, one `u64` per row. (The official
/// constructor takes any size; a spec this large is refused by `_check_spec` unless pruning
/// leaves at most 7 vertices, which no real caller relies on.)
pub const MAX_SPEC_VERTICES: usize = 64;

/// Why [`Spec::new`] refused a matrix: the first four are the official constructor's
/// `ValueError`s (same order, same messages); the last two are this crate's limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpecError {
    /// Rows of different lengths: `np.array` refuses them (numpy >= 1.24's `ValueError`).
    Ragged {
        /// Number of rows.
        rows: usize,
    },
    /// `'matrix must be square'` (also for an empty matrix, whose numpy shape is `(0,)`).
    NotSquare,
    /// `'length of ops must match matrix dimensions'`.
    OpsLength,
    /// `'matrix must be upper triangular'`.
    NotUpperTriangular,
    /// An entry other than 0 or 1: the official code would count it with its value in the edge
    /// count and degrees; this crate handles 0/1 matrices only.
    NotBinary {
        /// Row of the entry.
        row: usize,
        /// Column of the entry.
        col: usize,
        /// The entry.
        value: i64,
    },
    /// More than [`MAX_SPEC_VERTICES`] vertices.
    TooLarge(usize),
}

impl SpecError {
    /// The Python exception class the official constructor raises (`"ValueError"`), or `None`
    /// for this crate's own limits.
    pub fn python_class(&self) -> Option<&'static str> {
        match self {
            SpecError::NotBinary { .. } | SpecError::TooLarge(_) => None,
            _ => Some("ValueError"),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Ragged { rows } => write!(
                f,
                "setting an array element with a sequence. The requested array has an inhomogeneous shape after 1 dimensions. The detected shape was ({rows},) + inhomogeneous part."
            ),
            SpecError::NotSquare => f.write_str("matrix must be square"),
            SpecError::OpsLength => f.write_str("length of ops must match matrix dimensions"),
            SpecError::NotUpperTriangular => f.write_str("matrix must be upper triangular"),
            SpecError::NotBinary { row, col, value } => {
                write!(f, "matrix entry ({row}, {col}) is {value}: only 0 and 1 are supported")
            }
            SpecError::TooLarge(n) => {
                write!(f, "matrix has {n} vertices, more than the {MAX_SPEC_VERTICES} supported")
            }
        }
    }
}

impl std::error::Error for SpecError {}

/// What `_prune` leaves of a valid spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pruned {
    /// Row `r` of the pruned matrix as a mask (bit `c` = entry `(r, c)`); one row per vertex.
    pub rows: Vec<u64>,
    /// The ops of the kept vertices, in order.
    pub ops: Vec<String>,
    /// The kept vertices of the original matrix (bit `v` = vertex `v`).
    pub kept: u64,
}

impl Pruned {
    /// Number of vertices left.
    pub fn vertices(&self) -> usize {
        self.rows.len()
    }

    /// `np.sum(matrix)` of the pruned 0/1 matrix.
    pub fn edges(&self) -> u64 {
        self.rows.iter().map(|r| u64::from(r.count_ones())).sum()
    }

    /// The pruned matrix as a [`Matrix`] when it has at most 8 vertices.
    pub fn matrix(&self) -> Option<Matrix> {
        let n = self.rows.len();
        if n > crate::MAX_MATRIX_N {
            return None;
        }
        let rows: Vec<u8> = self.rows.iter().map(|&r| r as u8).collect();
        Matrix::from_row_masks(&rows)
    }
}

/// `ModelSpec(matrix, ops)`: the original matrix and ops, and what pruning keeps (`None` = the
/// official `valid_spec = False`, `matrix = ops = None`).
///
/// ```
/// use tnb_nb101_spec::{Spec, check};
/// let spec = Spec::new(
///     &[[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]],
///     &["input", "conv3x3-bn-relu", "maxpool3x3", "output"],
/// )
/// .unwrap();
/// let pruned = spec.pruned.as_ref().unwrap();
/// assert_eq!(pruned.ops, ["input", "conv3x3-bn-relu", "output"]);
/// assert!(check(&spec).is_ok());
/// assert_eq!(
///     Spec::new(&[[0, 1], [1, 0]], &["input", "output"]).unwrap_err().to_string(),
///     "matrix must be upper triangular"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// The matrix as given, one row mask per vertex.
    pub original_rows: Vec<u64>,
    /// The ops as given.
    pub original_ops: Vec<String>,
    /// The pruned graph, or `None` when the input does not reach the output.
    pub pruned: Option<Pruned>,
}

impl Spec {
    /// The official constructor: `ValueError` checks in its order (square, ops length, upper
    /// triangular), then the pruning. Entries must be 0 or 1 and the matrix at most
    /// [`MAX_SPEC_VERTICES`] wide (this crate's limits, checked after the official ones).
    pub fn new<R: AsRef<[i64]>, S: AsRef<str>>(matrix: &[R], ops: &[S]) -> Result<Spec, SpecError> {
        let n = matrix.len();
        let width = matrix.first().map(|r| r.as_ref().len());
        if matrix.iter().any(|r| Some(r.as_ref().len()) != width) {
            return Err(SpecError::Ragged { rows: n });
        }
        // numpy's shape of [] is (0,) and of [[]] is (1, 0): neither is square.
        if n == 0 || width != Some(n) {
            return Err(SpecError::NotSquare);
        }
        if ops.len() != n {
            return Err(SpecError::OpsLength);
        }
        for (r, row) in matrix.iter().enumerate() {
            if row.as_ref()[..=r].iter().any(|&x| x != 0) {
                return Err(SpecError::NotUpperTriangular);
            }
        }
        if n > MAX_SPEC_VERTICES {
            return Err(SpecError::TooLarge(n));
        }
        let mut rows = Vec::with_capacity(n);
        for (r, row) in matrix.iter().enumerate() {
            let mut mask = 0u64;
            for (c, &x) in row.as_ref().iter().enumerate() {
                match x {
                    0 => {}
                    1 => mask |= 1 << c,
                    value => return Err(SpecError::NotBinary { row: r, col: c, value }),
                }
            }
            rows.push(mask);
        }
        let ops: Vec<String> = ops.iter().map(|s| s.as_ref().to_owned()).collect();
        Ok(Spec::from_parts(rows, ops))
    }

    /// A spec of a [`Matrix`] (which may be anything: the constructor's checks are not run).
    pub fn from_matrix<S: AsRef<str>>(m: Matrix, ops: &[S]) -> Spec {
        let rows = (0..m.n as usize).map(|r| u64::from(m.row(r))).collect();
        Spec::from_parts(rows, ops.iter().map(|s| s.as_ref().to_owned()).collect())
    }

    fn from_parts(rows: Vec<u64>, ops: Vec<String>) -> Spec {
        let pruned = kept_vertices(&rows).map(|kept| Pruned {
            rows: delete_unkept(&rows, kept),
            ops: ops
                .iter()
                .enumerate()
                .filter(|&(v, _)| kept >> v & 1 == 1)
                .map(|(_, s)| s.clone())
                .collect(),
            kept,
        });
        Spec { original_rows: rows, original_ops: ops, pruned }
    }

    /// The official `valid_spec`.
    pub fn valid_spec(&self) -> bool {
        self.pruned.is_some()
    }
}

/// Why [`labels`] could not label a list of ops.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabelError {
    /// Fewer than 2 or more than 8 ops.
    Count(usize),
    /// The interior op at this index is not in [`AVAILABLE_OPS`] (`list.index` raises
    /// `ValueError` in `hash_spec`).
    UnknownOp(usize),
}

impl fmt::Display for LabelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabelError::Count(n) => write!(f, "{n} ops: a labelling needs 2 to 8"),
            LabelError::UnknownOp(i) => write!(f, "op {i} is not an available op"),
        }
    }
}

impl std::error::Error for LabelError {}

/// `ModelSpec.hash_spec`'s labelling: `[-1] + [AVAILABLE_OPS.index(op) for op in ops[1:-1]] +
/// [-2]` (the first and last ops are not looked at), in the first `ops.len()` entries; the rest
/// are 0.
///
/// ```
/// let l = tnb_nb101_spec::labels(&["input", "maxpool3x3", "conv3x3-bn-relu", "output"]).unwrap();
/// assert_eq!(l[..4], [-1, 2, 0, -2]);
/// ```
pub fn labels<S: AsRef<str>>(ops: &[S]) -> Result<[i8; 8], LabelError> {
    let n = ops.len();
    if !(2..=crate::MAX_MATRIX_N).contains(&n) {
        return Err(LabelError::Count(n));
    }
    let mut l = [0i8; 8];
    l[0] = -1;
    l[n - 1] = -2;
    for (i, op) in ops.iter().enumerate().take(n - 1).skip(1) {
        let k = AVAILABLE_OPS.iter().position(|a| *a == op.as_ref());
        l[i] = k.ok_or(LabelError::UnknownOp(i))? as i8;
    }
    Ok(l)
}

// The hash of a spec is only defined in the space; keep the bound visible here.
const _: () = assert!(MAX_VERTICES < crate::MAX_MATRIX_N);

#[cfg(test)]
mod tests {
    use super::*;

    fn err(m: &[Vec<i64>], ops: &[&str]) -> String {
        Spec::new(m, ops).unwrap_err().to_string()
    }

    #[test]
    fn constructor_errors_in_order() {
        assert_eq!(err(&[], &[]), "matrix must be square");
        assert_eq!(err(&[vec![]], &["input"]), "matrix must be square");
        assert_eq!(err(&[vec![0, 1]], &["input"]), "matrix must be square");
        assert!(
            err(&[vec![0, 1], vec![0]], &["a", "b"]).contains("shape was (2,) + inhomogeneous")
        );
        // Square is checked before the ops, the ops before the triangle.
        assert_eq!(
            err(&[vec![1, 1], vec![1, 1]], &["input"]),
            "length of ops must match matrix dimensions"
        );
        assert_eq!(err(&[vec![1, 1], vec![0, 0]], &["a", "b"]), "matrix must be upper triangular");
        assert_eq!(err(&[vec![0, 0], vec![-1, 0]], &["a", "b"]), "matrix must be upper triangular");
        assert_eq!(
            err(&[vec![0, 2], vec![0, 0]], &["a", "b"]),
            "matrix entry (0, 1) is 2: only 0 and 1 are supported"
        );
        assert_eq!(
            Spec::new(&[vec![0, 2], vec![0, 0]], &["a", "b"]).unwrap_err().python_class(),
            None
        );
        assert_eq!(Spec::new(&[vec![1]], &["a"]).unwrap_err().python_class(), Some("ValueError"));
        let big = vec![vec![0i64; 65]; 65];
        let ops = vec!["x"; 65];
        assert_eq!(Spec::new(&big, &ops).unwrap_err(), SpecError::TooLarge(65));
    }

    #[test]
    fn pruning_keeps_order_and_ops() {
        let m = [
            vec![0, 1, 1, 0, 0],
            vec![0, 0, 0, 0, 1],
            vec![0, 0, 0, 0, 0],
            vec![0, 0, 0, 0, 1],
            vec![0, 0, 0, 0, 0],
        ];
        let spec = Spec::new(&m, &["input", "a", "b", "c", "output"]).unwrap();
        let p = spec.pruned.as_ref().unwrap();
        assert_eq!(p.ops, ["input", "a", "output"]);
        assert_eq!(p.rows, [0b010, 0b100, 0]);
        assert_eq!(p.kept, 0b10011);
        assert_eq!(p.edges(), 2);
        assert_eq!(p.matrix(), Matrix::from_rows(&[[0, 1, 0], [0, 0, 1], [0, 0, 0]]));
        assert_eq!(spec.original_ops.len(), 5);
        let cut = Spec::new(&[vec![0, 0], vec![0, 0]], &["input", "output"]).unwrap();
        assert!(!cut.valid_spec());
        assert!(!Spec::new(&[vec![0]], &["input"]).unwrap().valid_spec());
    }

    #[test]
    fn labelling() {
        assert_eq!(labels(&["x", "y"]).unwrap()[..2], [-1, -2]);
        assert_eq!(labels(&["input"]), Err(LabelError::Count(1)));
        assert_eq!(labels(&["a"; 9]), Err(LabelError::Count(9)));
        assert_eq!(
            labels(&["input", "conv1x1-bn-relu", "bad", "output"]),
            Err(LabelError::UnknownOp(2))
        );
        let l = labels(&["input", "conv1x1-bn-relu", "maxpool3x3", "conv3x3-bn-relu", "output"])
            .unwrap();
        assert_eq!(l, [-1, 1, 2, 0, -2, 0, 0, 0]);
    }
}
