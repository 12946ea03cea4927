//! Python's indexing rules, which the official API inherits from the lists it indexes: negative
//! indexes count from the end, and a slice's stop is clamped rather than checked.

/// The position `list[index]` reads in a list of `len` items, or `None` where Python raises
/// `IndexError`: `index` in `-len..len`, negative indexes counting from the end.
///
/// ```
/// use tnb_store::python::index;
/// assert_eq!(index(0, 3), Some(0));
/// assert_eq!(index(-1, 3), Some(2));
/// assert_eq!(index(-3, 3), Some(0));
/// assert_eq!(index(3, 3), None);
/// assert_eq!(index(-4, 3), None);
/// ```
#[inline]
pub fn index(index: i64, len: usize) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let i = if index < 0 { index.checked_add(len)? } else { index };
    (0..len).contains(&i).then_some(i as usize)
}

/// How many items `list[:stop]` keeps of a list of `len` items: `None` keeps all, a negative
/// stop counts from the end, and anything beyond either end is clamped (Python never raises
/// here).
///
/// ```
/// use tnb_store::python::slice_stop;
/// assert_eq!(slice_stop(Some(1), 10), 1);
/// assert_eq!(slice_stop(Some(0), 10), 0);
/// assert_eq!(slice_stop(Some(-2), 10), 8);
/// assert_eq!(slice_stop(Some(-20), 10), 0);
/// assert_eq!(slice_stop(Some(i64::MAX), 10), 10);
/// assert_eq!(slice_stop(None, 10), 10);
/// ```
#[inline]
pub fn slice_stop(stop: Option<i64>, len: usize) -> usize {
    let Some(stop) = stop else { return len };
    let l = i64::try_from(len).unwrap_or(i64::MAX);
    let s = if stop < 0 { stop.saturating_add(l).max(0) } else { stop.min(l) };
    s as usize
}
