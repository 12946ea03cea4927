//! Names from requests and archives, made safe for a one-line message.

/// Longest fragment of a name quoted in a message, in characters.
pub const MAX_QUOTED: usize = 80;

/// `s` for a message: control characters escaped, cut to [`MAX_QUOTED`] characters (a
/// request's or an archive's bytes never reach a terminal raw, and a huge name never makes a
/// huge line).
///
/// ```
/// assert_eq!(tnb_pycall::short("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
/// assert_eq!(tnb_pycall::short(&"x".repeat(200)).chars().count(), 81);
/// ```
pub fn short(s: &str) -> String {
    escaped_and_cut(s, MAX_QUOTED)
}

/// Longest error message, in characters: a message quotes input (names from a request or an
/// archive), and a huge name must not make a huge line.
pub const MAX_MESSAGE: usize = 400;

/// A message made safe for one line: control characters escaped, cut to [`MAX_MESSAGE`]
/// characters.
///
/// ```
/// let long = format!("unknown arch '{}'", "x".repeat(10_000));
/// assert_eq!(tnb_pycall::one_line(&long).chars().count(), tnb_pycall::MAX_MESSAGE + 1);
/// assert_eq!(tnb_pycall::one_line("a\nb"), "a\\nb");
/// ```
pub fn one_line(s: &str) -> String {
    escaped_and_cut(s, MAX_MESSAGE)
}

/// `s` with control characters escaped, cut after `max` characters (marked with `…`).
fn escaped_and_cut(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}
