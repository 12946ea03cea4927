//! NAS-Bench-101 model specs as the official code handles them (`nasbench/lib/model_spec.py`,
//! `lib/graph_util.py`, `api.py`'s `_check_spec`, `scripts/generate_graphs.py`):
//!
//! - [`Spec::new`] is `ModelSpec(matrix, ops)`: its `ValueError`s and its pruning ([`prune`]);
//! - [`check`] is `NASBench._check_spec`, in its order, with its messages (and its `TypeError`
//!   for more than 7 vertices);
//! - [`hash_module`] is `graph_util.hash_module`, byte for byte (tested against hashes the
//!   official code computed: `tests/data/official_hashes.json`);
//! - [`canonical_key`] is a `u64` that is equal for two specs exactly when they are isomorphic,
//!   about 50 times faster than the MD5 hash: stores map it to rows so that a spec is found
//!   without hashing;
//! - [`enumerate`] is `generate_graphs.py`: the 423,624 cells in the script's order.
//!
//! ```
//! use tnb_nb101_spec::{Spec, check, hash_hex, labels, hash_module};
//! let spec = Spec::new(
//!     &[[0, 1, 1], [0, 0, 1], [0, 0, 0]],
//!     &["input", "conv3x3-bn-relu", "output"],
//! )
//! .unwrap();
//! check(&spec).unwrap();
//! let pruned = spec.pruned.as_ref().unwrap();
//! let l = labels(&pruned.ops).unwrap();
//! let h = hash_module(pruned.matrix().unwrap(), &l[..3]);
//! // graph_util.hash_module(np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]]), [-1, 0, -2])
//! assert_eq!(&hash_hex(&h), b"d32d0b26d534203b48d866facd98cc3e");
//! assert_eq!(spec.hash().unwrap(), h);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod canon;
mod check;
mod checked;
mod enumerate;
mod hash;
mod matrix;
mod prune;
mod spec;

pub use canon::{MAX_KEY_LABEL, NO_KEY, canonical_key, edge_bit};
pub use check::{AVAILABLE_OPS_STR, CheckError, check};
pub use checked::{Checked, Refused, check_matrix};
pub use enumerate::{
    Cell, MAX_ENUMERATE_VERTICES, UpTo, enumerate, enumerate_graphs, enumerate_with_counts,
    hash_cells, is_full_dag,
};
pub use hash::{hash_hex, hash_module, parse_hex};
pub use matrix::{MAX_MATRIX_N, Matrix};
pub use prune::{kept_vertices, prune};
pub use spec::{LabelError, MAX_SPEC_VERTICES, Pruned, Spec, SpecError, labels};

/// `config['module_vertices']`: the most vertices a spec of the space has (input and output
/// included).
pub const MAX_VERTICES: usize = 7;

/// `config['max_edges']`: the most edges a spec of the space has.
pub const MAX_EDGES: usize = 9;

/// `config['available_ops']`, in the order that gives each op its label.
pub const AVAILABLE_OPS: [&str; 3] = ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"];

/// The number of cells of the space, `enumerate(7, 9, 3).len()` (the README's count).
pub const CELLS: usize = 423_624;
