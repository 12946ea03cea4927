//! Python's string formatting where the official code formats numbers.

/// `'{:.Nf}'.format(x)`: Rust's fixed-precision formatting rounds the exact binary value half
/// to even, as Python's does; only the non-finite spellings differ.
pub(crate) fn fixed(x: f64, digits: usize) -> String {
    if x.is_nan() {
        "nan".to_owned()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_owned()
    } else {
        format!("{x:.digits$}")
    }
}
