//! Reading the source's dicts and name lists: the key helpers every step of the walk uses.

use tnb_pickle::{Arena, Kind, Ref, Value};

use super::MAX_NAMES;
use crate::error::Error;

pub(super) fn type_name(a: &Arena<'_>, r: Ref) -> &'static str {
    a.get(r).type_name()
}

pub(super) fn dict_pairs<'s>(
    a: &'s Arena<'_>,
    r: Ref,
    path: &dyn Fn() -> String,
    what: &str,
) -> Result<&'s [Ref], Error> {
    match a.get(r) {
        // Dicts are never float runs: their children are references.
        Value::Container(Kind::Dict, kv) => Ok(kv.as_refs().unwrap_or(&[])),
        _ => Err(Error::at(path(), format!("expected {what} (a dict), found {}", type_name(a, r)))),
    }
}

/// A list (or tuple) of distinct strings: `task_list`, `info_names`, `metrics_dict[task]`.
pub(super) fn name_list<'s>(a: &'s Arena<'_>, r: Ref, path: &str) -> Result<Vec<&'s str>, Error> {
    let items = match a.get(r) {
        Value::Container(Kind::List | Kind::Tuple, items) => items,
        _ => {
            return Err(Error::at(
                path,
                format!("expected a list of names, found {}", type_name(a, r)),
            ));
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, x) in items.iter().enumerate() {
        match a.get(x) {
            Value::Str(s) if out.contains(&s) => {
                return Err(Error::at(format!("{path}[{i}]"), format!("'{s}' appears twice")));
            }
            Value::Str(s) => out.push(s),
            _ => {
                return Err(Error::at(
                    format!("{path}[{i}]"),
                    format!("expected a str, found {}", type_name(a, x)),
                ));
            }
        }
    }
    if out.len() >= MAX_NAMES {
        return Err(Error::TooLarge(format!("{path} has more than {MAX_NAMES} names")));
    }
    Ok(out)
}

pub(super) fn find_key(a: &Arena<'_>, pairs: &[Ref], key: &str) -> Option<(usize, Ref)> {
    pairs
        .chunks_exact(2)
        .position(|kv| a.str_bytes(kv[0]) == Some(key.as_bytes()))
        .map(|i| (i, pairs[2 * i + 1]))
}

/// Whether the dict `kv` has exactly the keys `cached`, in order: the same key objects (pickle's
/// memo makes a real file's repeated keys one object) or equal strings.
pub(super) fn same_keys(a: &Arena<'_>, kv: &[Ref], cached: &[Ref]) -> bool {
    kv.len() == 2 * cached.len()
        && kv.chunks_exact(2).zip(cached).all(|(p, &c)| {
            p[0] == c || a.str_bytes(p[0]).is_some_and(|b| a.str_bytes(c) == Some(b))
        })
}

pub(super) fn keys_of(kv: &[Ref]) -> Vec<Ref> {
    kv.chunks_exact(2).map(|p| p[0]).collect()
}
