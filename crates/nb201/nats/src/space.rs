//! [`Space`]: which NATS-Bench search space a source holds, told from its `meta_archs`.

use tnb_pickle::stream::Obj;
use tnb_schema::header::Family;

use crate::error::Error;

/// A NATS-Bench search space.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Space {
    /// The topology space (`'tss'`): NAS-Bench-201's 15625 cells, arch strings `|op~0|+|...|`.
    Tss,
    /// The size space (`'sss'`): 32768 channel configurations, arch strings `C:C:C:C:C`.
    Sss,
}

impl Space {
    /// The official short name: `"tss"` or `"sss"`.
    pub fn name(self) -> &'static str {
        match self {
            Space::Tss => "tss",
            Space::Sss => "sss",
        }
    }

    /// The archive family (header) of the space.
    pub fn family(self) -> Family {
        match self {
            Space::Tss => Family::NatsTss,
            Space::Sss => Family::NatsSss,
        }
    }

    /// Archs in the released benchmark (15625 / 32768).
    pub fn archs(self) -> usize {
        match self {
            Space::Tss => 15625,
            Space::Sss => 32768,
        }
    }

    /// The space an arch string belongs to, if any: tss strings start and end with `|`; sss
    /// strings are five positive decimal channel counts joined by `:`.
    pub fn of_arch(s: &str) -> Option<Space> {
        if s.len() >= 2 && s.starts_with('|') && s.ends_with('|') {
            return Some(Space::Tss);
        }
        let mut n = 0;
        for part in s.split(':') {
            let digits =
                !part.is_empty() && part.len() <= 4 && part.bytes().all(|b| b.is_ascii_digit());
            if !digits || part.starts_with('0') {
                return None;
            }
            n += 1;
        }
        (n == 5).then_some(Space::Sss)
    }

    /// The space of a `meta_archs` list: every string of one space (the list non-empty),
    /// else "not NATS-Bench" naming the first string that does not fit.
    pub fn detect(meta_archs: &Obj) -> Result<Space, Error> {
        let Obj::List(items) = meta_archs else {
            return Err(Error::NotNats(format!(
                "'meta_archs' is {}, not a list of arch strings",
                a(&meta_archs.type_name())
            )));
        };
        let mut space = None;
        for (i, it) in items.iter().enumerate() {
            let Some(s) = it.as_str() else {
                return Err(Error::NotNats(format!(
                    "meta_archs[{i}] is {}, not an arch string",
                    a(&it.type_name())
                )));
            };
            let here = Space::of_arch(s);
            match (space, here) {
                (_, None) => {
                    return Err(Error::NotNats(format!(
                        "meta_archs[{i}] = {} is neither a topology ('|op~0|+...') nor a size \
                         ('C:C:C:C:C') arch string",
                        short(s)
                    )));
                }
                (None, h) => space = h,
                (Some(a), Some(b)) if a != b => {
                    return Err(Error::NotNats(format!(
                        "meta_archs mixes {} and {} arch strings (meta_archs[{i}] = {})",
                        a.name(),
                        b.name(),
                        short(s)
                    )));
                }
                _ => {}
            }
        }
        space.ok_or_else(|| Error::NotNats("'meta_archs' is empty".into()))
    }
}

/// "a list", "an int".
fn a(type_name: &str) -> String {
    // Capitals too: "an OrderedDict".
    let vowel = type_name.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']);
    format!("{} {type_name}", if vowel { "an" } else { "a" })
}

/// A string for messages (quoted, at most 60 characters).
fn short(s: &str) -> String {
    let t: String = s.chars().take(60).collect();
    if t.len() < s.len() { format!("{t:?}...") } else { format!("{t:?}") }
}

impl std::fmt::Display for Space {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
