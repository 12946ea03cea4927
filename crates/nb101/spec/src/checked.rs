//! [`check_matrix`]: `ModelSpec(matrix, ops)` and `_check_spec` for a [`Matrix`], without
//! allocating: what a query does before its lookup.

use std::fmt;

use crate::canon::canonical_key;
use crate::check::CheckError;
use crate::hash::hash_module;
use crate::matrix::Matrix;
use crate::prune::prune;
use crate::spec::SpecError;
use crate::{AVAILABLE_OPS, MAX_EDGES, MAX_VERTICES};

/// A spec that passed the constructor and `_check_spec`: the pruned matrix and its labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The pruned matrix (at most 7 vertices, at most 9 edges).
    pub matrix: Matrix,
    /// `[-1, op indexes..., -2]` in the first `matrix.n` entries, then 0.
    pub labels: [i8; 8],
}

impl Checked {
    /// The labels of the pruned vertices.
    pub fn labels(&self) -> &[i8] {
        &self.labels[..self.matrix.n as usize]
    }

    /// [`canonical_key`] of the pruned spec (never [`crate::NO_KEY`]).
    pub fn key(&self) -> u64 {
        canonical_key(self.matrix, self.labels())
    }

    /// `hash_spec`: [`hash_module`] of the pruned spec.
    pub fn hash(&self) -> [u8; 16] {
        hash_module(self.matrix, self.labels())
    }
}

/// Why [`check_matrix`] refused a spec: the constructor's `ValueError` or `_check_spec`'s error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// `ModelSpec(...)` raised.
    Spec(SpecError),
    /// `_check_spec` raised.
    Check(CheckError),
}

impl Refused {
    /// The Python exception class the official code raises.
    pub fn python_class(&self) -> &'static str {
        match self {
            Refused::Spec(e) => e.python_class().unwrap_or("ValueError"),
            Refused::Check(e) => e.python_class(),
        }
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::Spec(e) => e.fmt(f),
            Refused::Check(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Refused {}

/// `ModelSpec(matrix, ops)` then `NASBench._check_spec`, in their order and with their messages,
/// for a matrix of at most 8 vertices, allocating nothing unless an op is refused (its name is
/// in the error).
///
/// ```
/// use tnb_nb101_spec::{Matrix, check_matrix};
/// let m = Matrix::from_rows(&[[0, 1, 1], [0, 0, 1], [0, 0, 0]]).unwrap();
/// let c = check_matrix(m, &["input", "conv3x3-bn-relu", "output"]).unwrap();
/// assert_eq!(c.labels(), &[-1, 0, -2]);
/// assert_eq!(&tnb_nb101_spec::hash_hex(&c.hash()), b"d32d0b26d534203b48d866facd98cc3e");
/// let e = check_matrix(m, &["input", "conv3x3-bn-relu"]).unwrap_err();
/// assert_eq!(e.to_string(), "length of ops must match matrix dimensions");
/// ```
pub fn check_matrix<S: AsRef<str>>(m: Matrix, ops: &[S]) -> Result<Checked, Refused> {
    let n = m.n as usize;
    if n == 0 {
        return Err(Refused::Spec(SpecError::NotSquare));
    }
    if ops.len() != n {
        return Err(Refused::Spec(SpecError::OpsLength));
    }
    if !m.is_upper_triangular() {
        return Err(Refused::Spec(SpecError::NotUpperTriangular));
    }
    let (p, kept) = prune(m).ok_or(Refused::Check(CheckError::Disconnected))?;
    let k = p.n as usize;
    if k > MAX_VERTICES {
        return Err(Refused::Check(CheckError::TooManyVertices(k)));
    }
    let edges = u64::from(p.edges());
    if edges > MAX_EDGES as u64 {
        return Err(Refused::Check(CheckError::TooManyEdges(edges)));
    }
    // A valid spec keeps vertex 0 and vertex n-1, so the pruned first and last ops are these.
    if ops[0].as_ref() != "input" {
        return Err(Refused::Check(CheckError::FirstNotInput));
    }
    if ops[n - 1].as_ref() != "output" {
        return Err(Refused::Check(CheckError::LastNotOutput));
    }
    let mut labels = [0i8; 8];
    labels[0] = -1;
    labels[k - 1] = -2;
    let mut at = 1;
    for (v, op) in ops.iter().enumerate().take(n - 1).skip(1) {
        if kept >> v & 1 == 0 {
            continue;
        }
        let op = op.as_ref();
        let index = AVAILABLE_OPS.iter().position(|a| *a == op);
        labels[at] =
            index.ok_or_else(|| Refused::Check(CheckError::UnsupportedOp(op.to_owned())))? as i8;
        at += 1;
    }
    Ok(Checked { matrix: p, labels })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Spec;

    /// check_matrix agrees with Spec::new + check on every 4-vertex matrix, upper or not, and a
    /// few op lists.
    #[test]
    fn agrees_with_spec_and_check() {
        let op_lists: [&[&str]; 6] = [
            &["input", "conv3x3-bn-relu", "maxpool3x3", "output"],
            &["input", "bad", "maxpool3x3", "output"],
            &["input", "conv1x1-bn-relu", "worse", "output"],
            &["x", "conv1x1-bn-relu", "maxpool3x3", "output"],
            &["input", "conv1x1-bn-relu", "maxpool3x3", "y"],
            &["input", "output"],
        ];
        for bits in 0u64..1 << 16 {
            let m = Matrix::new(4, bits).unwrap();
            // Only a sample of the lower-triangle patterns: they all fail the same way.
            if bits & 0xf000 != 0 && bits % 97 != 0 {
                continue;
            }
            for ops in op_lists {
                let rows: Vec<Vec<i64>> = m
                    .to_rows()
                    .into_iter()
                    .map(|r| r.into_iter().map(i64::from).collect())
                    .collect();
                let want = match Spec::new(&rows, ops) {
                    Err(e) => Err(Refused::Spec(e)),
                    Ok(spec) => match crate::check(&spec) {
                        Err(e) => Err(Refused::Check(e)),
                        Ok(()) => Ok(spec.hash().unwrap()),
                    },
                };
                let got = check_matrix(m, ops).map(|c| c.hash());
                assert_eq!(got, want, "{bits:016b} {ops:?}");
            }
        }
    }

    #[test]
    fn errors() {
        let empty = Matrix::new(0, 0).unwrap();
        let e = check_matrix::<&str>(empty, &[]).unwrap_err();
        assert_eq!(
            (e.python_class(), e.to_string().as_str()),
            ("ValueError", "matrix must be square")
        );
        let chain8 = Matrix::from_row_masks(&[2, 4, 8, 16, 32, 64, 128, 0]).unwrap();
        let ops = ["input", "a", "b", "c", "d", "e", "f", "output"];
        let e = check_matrix(chain8, &ops).unwrap_err();
        assert_eq!(e.python_class(), "TypeError");
        assert_eq!(e, Refused::Check(CheckError::TooManyVertices(8)));
    }
}
