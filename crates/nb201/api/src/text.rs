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

/// `'{:}@{:}'.format(name, i)` into a reused buffer (the time sums read hundreds of keys, so
/// the digits are written without the formatting machinery).
pub(crate) fn set_key(k: &mut String, name: &str, i: i64) {
    k.clear();
    k.push_str(name);
    k.push('@');
    if i < 0 {
        k.push('-');
    }
    let mut digits = [0u8; 20];
    let mut n = i.unsigned_abs();
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        k.push(char::from(d));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_are_spelled_as_format_spells_them() {
        let mut k = String::new();
        for i in [0, 7, 10, 199, -1, -30, i64::MAX, i64::MIN] {
            super::set_key(&mut k, "x-valid", i);
            assert_eq!(k, format!("x-valid@{i}"));
        }
    }
}
