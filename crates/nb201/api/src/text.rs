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

/// NATS-Bench's `time_string()`: `'[%Y-%m-%d %X]'` of the current UTC time (`%X` is
/// `HH:MM:SS` in the C locale).
pub(crate) fn time_string() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil(days);
    format!("[{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}]", rem / 3600, rem / 60 % 60, rem % 60)
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates_are_gregorian() {
        assert_eq!(super::civil(0), (1970, 1, 1));
        assert_eq!(super::civil(11_016), (2000, 2, 29));
        assert_eq!(super::civil(20_793), (2026, 12, 6));
        assert_eq!(super::civil(-1), (1969, 12, 31));
    }

    #[test]
    fn keys_are_spelled_as_format_spells_them() {
        let mut k = String::new();
        for i in [0, 7, 10, 199, -1, -30, i64::MAX, i64::MIN] {
            super::set_key(&mut k, "x-valid", i);
            assert_eq!(k, format!("x-valid@{i}"));
        }
    }
}
