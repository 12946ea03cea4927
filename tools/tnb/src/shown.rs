//! Text from files made safe for a terminal: names read from an archive (tasks, metrics, spaces,
//! archs, the header's converter field) and file names given on the command line reach
//! human-readable output, and none of their bytes may reach the terminal as a control sequence
//! (an ESC could set the window title or clear the screen, a CR overwrite the line, a BEL ring).
//! Every human-readable line shows them through [`text`] or [`path`], and error lines through
//! the same rule (`fail`); JSON output needs nothing more, since it escapes everything outside
//! printable ASCII as `json.dumps` does.

use std::borrow::Cow;
use std::path::Path;

/// Whether `c` must not reach a terminal as is: control characters (C0, DEL and C1, which
/// includes the 8-bit CSI), the line and paragraph separators, and the bidirectional overrides
/// and isolates that reorder how the rest of a line is displayed.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every [unsafe](is_unsafe) character written as Rust's `\u{1b}` escape; borrowed
/// when there is none (the usual case).
pub fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push(&mut out, c);
    }
    Cow::Owned(out)
}

/// Appends `c` to `out`, escaped if it is [unsafe](is_unsafe).
pub fn push(out: &mut String, c: char) {
    if is_unsafe(c) {
        out.extend(c.escape_unicode());
    } else {
        out.push(c);
    }
}

/// A file name for a human-readable line (see [`text`]; bytes that are not UTF-8 show as
/// U+FFFD).
pub fn path(p: &Path) -> String {
    text(&p.display().to_string()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_reordering_characters_are_escaped() {
        assert!(matches!(text("valid_top1"), Cow::Borrowed("valid_top1")));
        assert_eq!(text("a\u{1b}]0;x\u{7}\r\u{9b}2J"), "a\\u{1b}]0;x\\u{7}\\u{d}\\u{9b}2J");
        assert_eq!(text("\u{202e}cod.exe"), "\\u{202e}cod.exe");
        assert_eq!(text("tab\there\u{7f}"), "tab\\u{9}here\\u{7f}");
        assert_eq!(text("é ü 名"), "é ü 名");
        assert_eq!(path(Path::new("/tmp/\u{1b}[2J.tnb")), "/tmp/\\u{1b}[2J.tnb");
    }
}
