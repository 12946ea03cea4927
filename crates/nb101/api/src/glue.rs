//! The spec side of the official checks (tnb-nb101-spec): `ModelSpec`'s constructor errors,
//! `_check_spec`'s, and the pruned matrix and labels `hash_spec` hashes, as [`ApiError`]s.

use tnb_nb101_spec::{CheckError, Checked, Matrix, Refused, SpecError};

pub use tnb_nb101_spec::Spec;

use crate::Exc;
use crate::error::{ApiError, Class};

/// `_check_spec(spec)`'s exception.
pub fn check_error(e: &CheckError) -> ApiError {
    let class = match e {
        CheckError::TooManyVertices(_) => Class::Py(Exc::TypeError),
        _ => Class::OutOfDomain,
    };
    ApiError::new(class, e.message())
}

/// `ModelSpec(matrix, ops)`'s exception (`ValueError`; tnb's own limits, entries other than 0
/// and 1 or more than 64 vertices, are `ValueError`s too, with their own messages).
pub fn spec_error(e: &SpecError) -> ApiError {
    ApiError::py(Exc::ValueError, e.to_string())
}

/// [`tnb_nb101_spec::check_matrix`]'s refusal.
pub fn refused(e: &Refused) -> ApiError {
    match e {
        Refused::Spec(s) => spec_error(s),
        Refused::Check(c) => check_error(c),
    }
}

/// `_check_spec(spec)`, then what `hash_spec` hashes: the pruned matrix and labels.
pub fn check(spec: &Spec) -> Result<Checked, ApiError> {
    tnb_nb101_spec::check(spec).map_err(|e| check_error(&e))?;
    // `check` passed: the spec is valid, of at most 7 vertices, with available interior ops.
    let inconsistent = || ApiError::py(Exc::ValueError, "the spec's pruned graph is inconsistent");
    let p = spec.pruned.as_ref().ok_or_else(inconsistent)?;
    let matrix: Matrix = p.matrix().ok_or_else(inconsistent)?;
    let labels = tnb_nb101_spec::labels(&p.ops).map_err(|_| inconsistent())?;
    Ok(Checked { matrix, labels })
}
