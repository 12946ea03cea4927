//! Object paths for error messages, built only when an error is reported: each level of the
//! walk holds a segment and a reference to its parent, on the stack.

use std::fmt;

/// One step into the object.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Seg<'a> {
    /// The top-level object (prints nothing).
    Top,
    /// A str key at the top (`meta_archs`) or below (`['train_times']`).
    Key(&'a str),
    /// An int key or a list index (`[123]`).
    Int(i64),
    /// A `(str, int)` key (`[('cifar10', 777)]`).
    Pair(&'a str, i64),
}

/// A path: a segment below a parent.
#[derive(Clone, Copy, Debug)]
pub(crate) struct At<'a> {
    pub(crate) parent: Option<&'a At<'a>>,
    pub(crate) seg: Seg<'a>,
}

/// The top of the object.
pub(crate) const TOP: At<'static> = At { parent: None, seg: Seg::Top };

impl<'a> At<'a> {
    /// The path one step below `self`.
    pub(crate) fn key(&'a self, k: &'a str) -> At<'a> {
        At { parent: Some(self), seg: Seg::Key(k) }
    }

    /// `self[i]`.
    pub(crate) fn int(&'a self, i: i64) -> At<'a> {
        At { parent: Some(self), seg: Seg::Int(i) }
    }

    /// `self[(s, i)]`.
    pub(crate) fn pair(&'a self, s: &'a str, i: i64) -> At<'a> {
        At { parent: Some(self), seg: Seg::Pair(s, i) }
    }
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.parent {
            p.fmt(f)?;
        }
        let top = self.parent.is_none_or(|p| matches!(p.seg, Seg::Top) && p.parent.is_none());
        match self.seg {
            Seg::Top => Ok(()),
            Seg::Key(k) if top => f.write_str(k),
            Seg::Key(k) => write!(f, "[{}]", Repr(k)),
            Seg::Int(i) => write!(f, "[{i}]"),
            Seg::Pair(s, i) => write!(f, "[({}, {i})]", Repr(s)),
        }
    }
}

/// A str as Python's `repr` shows it (single quotes; quotes, backslashes and control
/// characters escaped).
pub(crate) struct Repr<'a>(pub(crate) &'a str);

impl fmt::Display for Repr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("'")?;
        for c in self.0.chars() {
            match c {
                '\'' => f.write_str("\\'")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\t' => f.write_str("\\t")?,
                '\r' => f.write_str("\\r")?,
                c if (c as u32) < 0x20 || c as u32 == 0x7f => write!(f, "\\x{:02x}", c as u32)?,
                c => write!(f, "{c}")?,
            }
        }
        f.write_str("'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_like_python_subscripts() {
        let a = TOP.key("arch2infos");
        let b = a.int(123);
        let c = b.key("full");
        let d = c.key("all_results");
        let e = d.pair("cifar10", 777);
        let f = e.key("train_times");
        assert_eq!(
            f.to_string(),
            "arch2infos[123]['full']['all_results'][('cifar10', 777)]['train_times']"
        );
        assert_eq!(TOP.to_string(), "");
        assert_eq!(Repr("a'b\\c\n").to_string(), "'a\\'b\\\\c\\n'");
    }
}
