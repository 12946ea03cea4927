//! Strings read from the archive, checked where they are used.

use crate::error::QueryError;

const CORRUPT_STR: QueryError =
    QueryError::Corrupt("a string lies outside its column or is not UTF-8");

/// The bytes as a `str`, or the error for a string that lies outside its column or is not
/// UTF-8.
pub fn utf8(b: Option<&[u8]>) -> Result<&str, QueryError> {
    b.and_then(|b| std::str::from_utf8(b).ok()).ok_or_else(|| CORRUPT_STR)
}
