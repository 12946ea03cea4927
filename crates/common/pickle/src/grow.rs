//! Fallible growth: every vector the input makes grow is grown through these, so that running
//! out of memory (an address-space limit, a small machine) is an error line, never an abort.

use crate::error::{Error, ErrorKind};

/// The error every failed allocation becomes.
pub(crate) fn out_of_memory() -> Error {
    Error::whole(ErrorKind::OutOfMemory)
}

/// Makes room for `n` more elements (amortised doubling, as `Vec::push` would).
pub(crate) fn reserve<T>(v: &mut Vec<T>, n: usize) -> Result<(), Error> {
    v.try_reserve(n).map_err(|_| out_of_memory())
}

/// `v.push(x)`, or the out-of-memory error.
pub(crate) fn push<T>(v: &mut Vec<T>, x: T) -> Result<(), Error> {
    reserve(v, 1)?;
    v.push(x);
    Ok(())
}

/// `v.extend_from_slice(items)`, or the out-of-memory error.
pub(crate) fn extend<T: Clone>(v: &mut Vec<T>, items: &[T]) -> Result<(), Error> {
    reserve(v, items.len())?;
    v.extend_from_slice(items);
    Ok(())
}

/// `vec![x; n]`, or the out-of-memory error.
pub(crate) fn filled<T: Clone>(n: usize, x: T) -> Result<Vec<T>, Error> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| out_of_memory())?;
    v.resize(n, x);
    Ok(v)
}

/// An empty vector with room for `n` elements if the address space allows, else none: for
/// capacity that is only a speed hint.
pub(crate) fn hint<T>(n: usize) -> Vec<T> {
    let mut v = Vec::new();
    let _ = v.try_reserve_exact(n);
    v
}
