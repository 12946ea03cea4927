//! `NASBench._check_spec`: the official checks, in their order, with their exact messages.

use std::fmt;

use crate::spec::Spec;
use crate::{AVAILABLE_OPS, MAX_EDGES, MAX_VERTICES};

/// `str(config['available_ops'])`, as `_check_spec` formats it into its message.
pub const AVAILABLE_OPS_STR: &str = "['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3']";

/// The first check of `_check_spec` that a spec fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckError {
    /// `valid_spec` is false.
    Disconnected,
    /// More than 7 vertices after pruning: the official message formats `config[...]` on the
    /// imported *module* `config`, so Python raises `TypeError: 'module' object is not
    /// subscriptable` instead of the intended `OutOfDomainError`.
    TooManyVertices(usize),
    /// More than 9 edges after pruning (`np.sum` of the pruned matrix).
    TooManyEdges(u64),
    /// The first op is not `'input'`.
    FirstNotInput,
    /// The last op is not `'output'`.
    LastNotOutput,
    /// An interior op (its `str`) that is not in [`AVAILABLE_OPS`]: the first one in order.
    UnsupportedOp(String),
}

impl CheckError {
    /// The Python exception class the official code raises: `"OutOfDomainError"`, or
    /// `"TypeError"` for more than 7 vertices.
    pub fn python_class(&self) -> &'static str {
        match self {
            CheckError::TooManyVertices(_) => "TypeError",
            _ => "OutOfDomainError",
        }
    }

    /// The exception's message, exactly as Python prints `str(exc)`.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::Disconnected => {
                f.write_str("invalid spec, provided graph is disconnected.")
            }
            CheckError::TooManyVertices(_) => f.write_str("'module' object is not subscriptable"),
            CheckError::TooManyEdges(e) => {
                write!(f, "too many edges, got {e} (max edges = {MAX_EDGES})")
            }
            CheckError::FirstNotInput => f.write_str("first operation should be 'input'"),
            CheckError::LastNotOutput => f.write_str("last operation should be 'output'"),
            CheckError::UnsupportedOp(op) => {
                write!(f, "unsupported op {op} (available ops = {AVAILABLE_OPS_STR})")
            }
        }
    }
}

impl std::error::Error for CheckError {}

/// `NASBench._check_spec(spec)`: disconnected, vertices, edges, first op, last op, interior
/// ops, in this order.
///
/// ```
/// use tnb_nb101_spec::{CheckError, Spec, check};
/// let spec = Spec::new(&[[0, 1, 0], [0, 0, 1], [0, 0, 0]], &["input", "conv5x5", "output"]).unwrap();
/// let e = check(&spec).unwrap_err();
/// assert_eq!(e, CheckError::UnsupportedOp("conv5x5".into()));
/// assert_eq!(
///     e.message(),
///     "unsupported op conv5x5 (available ops = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'])"
/// );
/// ```
pub fn check(spec: &Spec) -> Result<(), CheckError> {
    let p = spec.pruned.as_ref().ok_or(CheckError::Disconnected)?;
    let n = p.ops.len();
    if n > MAX_VERTICES {
        return Err(CheckError::TooManyVertices(n));
    }
    let edges = p.edges();
    if edges > MAX_EDGES as u64 {
        return Err(CheckError::TooManyEdges(edges));
    }
    // A valid spec keeps at least the input and the output.
    if p.ops.first().map(String::as_str) != Some("input") {
        return Err(CheckError::FirstNotInput);
    }
    if p.ops.last().map(String::as_str) != Some("output") {
        return Err(CheckError::LastNotOutput);
    }
    for op in &p.ops[1..n - 1] {
        if !AVAILABLE_OPS.contains(&op.as_str()) {
            return Err(CheckError::UnsupportedOp(op.clone()));
        }
    }
    Ok(())
}

// `Spec::hash` lives with the check it runs first (the spec module stays below the checks).
impl Spec {
    /// `hash_spec` after `_check_spec`, as `get_metrics_from_spec` and `query` do: the module
    /// hash of a spec in the space, or the first check that fails.
    pub fn hash(&self) -> Result<[u8; 16], CheckError> {
        check(self)?;
        // Checked: a valid spec of at most 7 vertices whose interior ops are all available.
        let pruned = self.pruned.as_ref().ok_or(CheckError::Disconnected)?;
        let m = pruned.matrix().ok_or(CheckError::TooManyVertices(pruned.vertices()))?;
        let l = crate::spec::labels(&pruned.ops).map_err(|_| CheckError::Disconnected)?;
        Ok(crate::hash::hash_module(m, &l[..pruned.vertices()]))
    }
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)] // matrices read best by (row, column)
mod tests {
    use super::*;

    const C3: &str = "conv3x3-bn-relu";

    fn chain(n: usize) -> Vec<Vec<i64>> {
        (0..n).map(|r| (0..n).map(|c| i64::from(c == r + 1)).collect()).collect()
    }

    fn ops(n: usize) -> Vec<&'static str> {
        let mut o = vec![C3; n];
        o[0] = "input";
        o[n - 1] = "output";
        o
    }

    fn checked(m: &[Vec<i64>], o: &[&str]) -> Result<(), CheckError> {
        check(&Spec::new(m, o).unwrap())
    }

    #[test]
    fn messages() {
        let e = checked(&chain(2), &["input", "input"]).unwrap_err();
        assert_eq!(e.message(), "last operation should be 'output'");
        let e = checked(&chain(2), &["output", "output"]).unwrap_err();
        assert_eq!(
            (e.python_class(), e.message().as_str()),
            ("OutOfDomainError", "first operation should be 'input'")
        );
        let e = checked(&[vec![0, 0], vec![0, 0]], &["input", "output"]).unwrap_err();
        assert_eq!(e.message(), "invalid spec, provided graph is disconnected.");
        let e = checked(&chain(8), &ops(8)).unwrap_err();
        assert_eq!(
            (e.python_class(), e.message().as_str()),
            ("TypeError", "'module' object is not subscriptable")
        );
        assert_eq!(e, CheckError::TooManyVertices(8));
        assert!(checked(&chain(7), &ops(7)).is_ok());
    }

    #[test]
    fn order_of_checks() {
        // 8 vertices and bad ops: the vertex count comes first.
        assert_eq!(checked(&chain(8), &["x"; 8]), Err(CheckError::TooManyVertices(8)));
        // 10 edges and a bad first op: edges first.
        let mut m = vec![vec![0i64; 6]; 6];
        for r in 0..6 {
            for c in r + 1..6 {
                m[r][c] = 1;
            }
        }
        let e = checked(&m, &["x"; 6]).unwrap_err();
        assert_eq!(e, CheckError::TooManyEdges(15));
        assert_eq!(e.message(), "too many edges, got 15 (max edges = 9)");
        // First op before last op before interior ops.
        assert_eq!(checked(&chain(3), &["x", "y", "z"]), Err(CheckError::FirstNotInput));
        assert_eq!(checked(&chain(3), &["input", "y", "z"]), Err(CheckError::LastNotOutput));
        assert_eq!(
            checked(&chain(4), &["input", C3, "y", "output"]),
            Err(CheckError::UnsupportedOp("y".into()))
        );
    }

    #[test]
    fn checks_see_the_pruned_spec() {
        // 9 vertices, two of them dangling: 7 remain, in the space.
        let mut m = chain(7);
        for row in &mut m {
            row.extend([0, 0]);
        }
        m.push(vec![0; 9]);
        m.push(vec![0; 9]);
        // Rows 7 and 8 exist but move nothing; vertex 8 must be the output, so rewire: the
        // chain ends at 6, then 6 -> 8.
        m[6][8] = 1;
        let mut o = ops(9);
        o[6] = C3;
        o[7] = "bogus";
        let spec = Spec::new(&m, &o).unwrap();
        assert_eq!(spec.pruned.as_ref().unwrap().vertices(), 8);
        assert_eq!(check(&spec), Err(CheckError::TooManyVertices(8)));
        // Pruned edges only: 8 edges before pruning, 1 after.
        let mut m = vec![vec![0i64; 6]; 6];
        m[0][5] = 1;
        for r in 1..5 {
            for c in r + 1..5 {
                m[r][c] = 1;
            }
        }
        m[0][1] = 1;
        let spec = Spec::new(&m, &ops(6)).unwrap();
        assert!(check(&spec).is_ok());
        assert_eq!(spec.pruned.as_ref().unwrap().edges(), 1);
    }
}
