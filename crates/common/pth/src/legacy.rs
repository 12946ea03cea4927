//! torch's legacy format (before 1.6, or `_use_new_zipfile_serialization=False`): five pickles
//! back to back, then the raw storages.

use std::collections::{HashMap, HashSet};

use tnb_pickle::{Kind, Limits, PlainData, Value, parse, pickle_end};

use crate::error::Error;
use crate::globals::RootRef;

/// The legacy format's magic number, `0x1950a86a20f9469cfc6c`, in decimal.
const MAGIC: &str = "119547037146038801333356";

/// Whether `file` is a legacy torch file: a first pickle followed by more bytes. A bare pickle
/// ends at the end of the file; anything followed by more data is read the way torch reads it,
/// as a legacy file whose first pickle must be the magic number. Err when it is not: such a file
/// is damaged, and reading only its first pickle would ignore everything torch reads after it.
pub(crate) fn is_legacy(file: &[u8]) -> Result<bool, Error> {
    let Ok(end) = pickle_end(file) else {
        return Ok(false);
    };
    if end == file.len() {
        return Ok(false);
    }
    let magic = parse(&file[..end], &mut PlainData, &Limits::default()).ok().and_then(|p| match p
        .arena
        .get(p.root)
    {
        Value::BigInt(le) => tnb_pickle::big_int_text(le),
        Value::Int(i) => Some(i.to_string()),
        _ => None,
    });
    match magic.as_deref() {
        Some(MAGIC) => Ok(true),
        found => Err(legacy_err(format!(
            "the first pickle is {}, not the magic number 0x1950a86a20f9469cfc6c, and {} bytes \
             follow it (a damaged legacy file, or not a torch file)",
            found.map_or_else(|| "not an int".to_owned(), |f| format!("the int {}", short(f))),
            file.len() - end
        ))),
    }
}

/// `s`, cut to a readable length.
fn short(s: &str) -> String {
    if s.len() <= 40 { s.to_owned() } else { format!("{}... ({} digits)", &s[..40], s.len()) }
}

/// The pieces of a legacy file.
#[derive(Debug)]
pub(crate) struct Legacy<'a> {
    /// The object pickle (the fourth).
    pub(crate) object: &'a [u8],
    pub(crate) storages: HashMap<String, &'a [u8]>,
}

fn legacy_err(m: impl Into<String>) -> Error {
    Error::Legacy(m.into())
}

fn pickle_err(part: &str) -> impl Fn(tnb_pickle::Error) -> Error + '_ {
    move |error| Error::Pickle { part: format!("legacy {part} pickle"), error }
}

/// Splits a legacy file. The object pickle refers to storages that are only listed after it,
/// so its end is found by scanning first; it is parsed later, with the storages at hand.
pub(crate) fn open(file: &[u8]) -> Result<Legacy<'_>, Error> {
    let limits = Limits::default();
    let mut pos = pickle_end(file).map_err(pickle_err("magic-number"))?;

    let rest = &file[pos..];
    let p = parse(rest, &mut PlainData, &limits).map_err(pickle_err("protocol-version"))?;
    if p.arena.get(p.root) != Value::Int(1001) {
        return Err(legacy_err(format!(
            "protocol version is {:?}, expected 1001",
            p.arena.get(p.root)
        )));
    }
    pos += p.end;

    let rest = &file[pos..];
    let p = parse(rest, &mut PlainData, &limits).map_err(pickle_err("sys-info"))?;
    // torch writes legacy storages little-endian on every machine (its raw-file writer swaps
    // bytes on big-endian hosts); sys_info's `little_endian` only records the writer's own order,
    // so it is checked for shape but not used.
    if !matches!(p.arena.get(p.root), Value::Container(Kind::Dict, _)) {
        return Err(legacy_err("sys_info is not a dict"));
    }
    pos += p.end;

    let object = &file[pos..];
    let object_len = pickle_end(object).map_err(pickle_err("object"))?;
    let object = &object[..object_len];
    pos += object_len;

    let rest = &file[pos..];
    let p = parse(rest, &mut PlainData, &limits).map_err(pickle_err("storage-keys"))?;
    // Only str keys: torch writes them, and its dict tells 1 from '1' where tnb's keys would not.
    let keys: Vec<String> = match p.arena.get(p.root) {
        Value::Container(Kind::List | Kind::Tuple, c) => c
            .iter()
            .map(|r| match p.arena.get(r) {
                Value::Str(s) => Ok(s.to_owned()),
                other => Err(legacy_err(format!("storage key is a {}", other.type_name()))),
            })
            .collect::<Result<_, _>>()?,
        other => return Err(legacy_err(format!("storage key list is a {}", other.type_name()))),
    };
    pos += p.end;

    // Each storage: its element count (int64 little-endian), then the raw bytes. torch reads
    // them into the storages its object pickle made (`_set_from_file`, with the element size of
    // the storage's first reference), in the order of the key list, and fails unless the count
    // is the storage's size. A key listed twice would be read twice (the second wins), a view
    // key would be read into the view: both are refused. The object pickle is surveyed first
    // (only when there are storages at all).
    let (roots, views) =
        if keys.is_empty() { (HashMap::new(), HashSet::new()) } else { survey_storages(object)? };
    let mut storages = HashMap::with_capacity(keys.len());
    for key in keys {
        if views.contains(&key) {
            return Err(legacy_err(format!("storage key '{key}' names a view, not a storage")));
        }
        let root = *roots.get(&key).ok_or_else(|| {
            legacy_err(format!("storage '{key}' is listed but no tensor uses it"))
        })?;
        let count = file
            .get(pos..pos + 8)
            .map(|b| i64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
            .ok_or_else(|| legacy_err(format!("file ends before storage '{key}'")))?;
        pos += 8;
        let el = root.dtype.size();
        let len = u64::try_from(count)
            .ok()
            .and_then(|c| c.checked_mul(el as u64))
            .filter(|&n| n <= (file.len() - pos) as u64)
            .ok_or_else(|| {
                legacy_err(format!(
                    "storage '{key}' claims {count} elements; the file is too short"
                ))
            })? as usize;
        if count != root.numel {
            return Err(legacy_err(format!(
                "storage '{key}' holds {count} elements but the object pickle sizes it at {} \
                 (torch: storage has wrong byte size)",
                root.numel
            )));
        }
        if storages.insert(key.clone(), &file[pos..pos + len]).is_some() {
            return Err(legacy_err(format!(
                "storage '{key}' is listed twice (torch would read it twice and keep the second)"
            )));
        }
        pos += len;
    }
    Ok(Legacy { object, storages })
}

/// The first reference to each storage key and every view key in the object pickle's persistent
/// ids (references that disagree are refused there).
fn survey_storages(object: &[u8]) -> Result<(HashMap<String, RootRef>, HashSet<String>), Error> {
    let mut hooks = crate::globals::TorchHooks::survey();
    parse(object, &mut hooks, &Limits::default()).map_err(pickle_err("object"))?;
    Ok(hooks.surveyed())
}
