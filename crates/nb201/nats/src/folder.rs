//! A `-simple` folder: `meta.pickle.pbz2` plus one `{i:06d}.pickle.pbz2` per arch. Which files
//! are read follows the official `reload`: for index `i` the name `{i:06d}.pickle.pbz2`, else
//! `{i}.pickle.pbz2`; indices `0 <= i < len(meta_archs)`; every other file is ignored (and
//! counted). A `-full` folder (per-arch files with trained weights) is refused by name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The meta file's name.
pub const META_FILE: &str = "meta.pickle.pbz2";

/// The per-arch files' suffix.
pub const ARCH_SUFFIX: &str = ".pickle.pbz2";

/// Most directory entries looked at in a folder: 2^20 (the sss folder has 32769 files). A
/// folder with more is refused rather than listed without bound.
pub const MAX_FOLDER_ENTRIES: usize = 1 << 20;

/// The files of a folder to read, in reading order.
#[derive(Clone, Debug)]
pub(crate) struct Folder {
    /// The per-arch files by ascending index: (index, path, file name).
    pub(crate) archs: Vec<(i64, PathBuf, String)>,
    /// Indices below the arch count without a file.
    pub(crate) missing: Vec<i64>,
    /// Directory entries not read (other names, indices out of range, unpadded names shadowed
    /// by padded ones).
    pub(crate) ignored: usize,
}

/// Whether `dir` looks like a NATS-Bench `-simple` folder (it holds `meta.pickle.pbz2`).
pub fn is_folder(dir: &Path) -> bool {
    dir.is_dir() && dir.join(META_FILE).is_file()
}

/// Refuses a `-full` folder by its name (its per-arch files hold trained weights).
pub(crate) fn refuse_full(dir: &Path) -> Result<(), Error> {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.ends_with("-full") {
        return Err(Error::NotNats(format!(
            "{} is a NATS-Bench '-full' folder (per-arch files with trained weights); tnb reads \
             the '-simple' folder or the benchmark file",
            dir.display()
        )));
    }
    Ok(())
}

/// The index a per-arch file name gives, and whether it is the padded spelling
/// (`{i:06d}.pickle.pbz2`, else `{i}.pickle.pbz2`); `None` for any other name.
pub(crate) fn arch_index(name: &str) -> Option<(i64, bool)> {
    let digits = name.strip_suffix(ARCH_SUFFIX)?;
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let i: i64 = digits.parse().ok()?;
    if digits == format!("{i:06}") {
        Some((i, true))
    } else if digits == i.to_string() {
        Some((i, false))
    } else {
        None
    }
}

/// Lists `dir`'s per-arch files for `n` archs.
pub(crate) fn discover(dir: &Path, n: usize) -> Result<Folder, Error> {
    let what = || format!("listing {}", dir.display());
    let mut padded: BTreeMap<i64, String> = BTreeMap::new();
    let mut plain: BTreeMap<i64, String> = BTreeMap::new();
    let mut seen = 0usize;
    let mut ignored = 0usize;
    for ent in std::fs::read_dir(dir).map_err(|e| Error::io(what(), e))? {
        let ent = ent.map_err(|e| Error::io(what(), e))?;
        seen += 1;
        if seen > MAX_FOLDER_ENTRIES {
            return Err(Error::NotNats(format!(
                "{} holds more than {MAX_FOLDER_ENTRIES} entries (MAX_FOLDER_ENTRIES)",
                dir.display()
            )));
        }
        let Ok(name) = ent.file_name().into_string() else {
            ignored += 1;
            continue;
        };
        match arch_index(&name) {
            Some((i, pad)) if (i as u64) < n as u64 => {
                if pad {
                    padded.insert(i, name)
                } else {
                    plain.insert(i, name)
                };
            }
            _ if name == META_FILE => {}
            _ => ignored += 1,
        }
    }
    let mut archs = Vec::with_capacity(padded.len().max(plain.len()));
    let mut missing = Vec::new();
    for i in 0..n as i64 {
        let name = match (padded.remove(&i), plain.remove(&i)) {
            (Some(p), other) => {
                ignored += usize::from(other.is_some());
                p
            }
            (None, Some(p)) => p,
            (None, None) => {
                missing.push(i);
                continue;
            }
        };
        archs.push((i, dir.join(&name), name));
    }
    Ok(Folder { archs, missing, ignored })
}
