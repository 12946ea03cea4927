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
    discover_within(dir, n, MAX_FOLDER_ENTRIES)
}

fn discover_within(dir: &Path, n: usize, max_entries: usize) -> Result<Folder, Error> {
    let what = || format!("listing {}", dir.display());
    let mut padded: BTreeMap<i64, String> = BTreeMap::new();
    let mut plain: BTreeMap<i64, String> = BTreeMap::new();
    let mut seen = 0usize;
    let mut ignored = 0usize;
    for ent in std::fs::read_dir(dir).map_err(|e| Error::io(what(), e))? {
        let ent = ent.map_err(|e| Error::io(what(), e))?;
        seen += 1;
        if seen > max_entries {
            return Err(Error::NotNats(format!(
                "{} holds more than {max_entries} entries (MAX_FOLDER_ENTRIES)",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_looked_up_as_reload_does() {
        assert_eq!(arch_index("000011.pickle.pbz2"), Some((11, true)));
        assert_eq!(arch_index("11.pickle.pbz2"), Some((11, false)));
        assert_eq!(arch_index("0.pickle.pbz2"), Some((0, false)));
        assert_eq!(arch_index("1234567.pickle.pbz2"), Some((1234567, true)));
        for other in [
            "0011.pickle.pbz2",
            "meta.pickle.pbz2",
            "000011.pickle",
            "x1.pickle.pbz2",
            ".pickle.pbz2",
            "-1.pickle.pbz2",
        ] {
            assert_eq!(arch_index(other), None, "{other}");
        }
    }

    #[test]
    fn a_folder_with_too_many_entries_is_refused() {
        let dir = std::env::temp_dir().join(format!("tnb-nats-entries-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..4 {
            std::fs::write(dir.join(format!("{i:06}.pickle.pbz2")), b"").unwrap();
        }
        assert_eq!(discover_within(&dir, 10, 4).unwrap().archs.len(), 4);
        let e = discover_within(&dir, 10, 3).unwrap_err().to_string();
        assert!(e.contains("more than 3 entries (MAX_FOLDER_ENTRIES)"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_folder_lists_padded_names_first_and_counts_what_it_skips() {
        let dir = std::env::temp_dir().join(format!("tnb-nats-discover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for name in [
            "000000.pickle.pbz2", // index 0, padded
            "0.pickle.pbz2",      // index 0 again, unpadded: shadowed (ignored)
            "2.pickle.pbz2",      // index 2, only unpadded
            "000004.pickle.pbz2", // index 4 = n: out of range (ignored)
            "000005.pickle.pbz2", // out of range (ignored)
            META_FILE,            // read apart, not ignored
            "README.txt",         // ignored
            "000001.pickle",      // ignored
        ] {
            std::fs::write(dir.join(name), b"").unwrap();
        }
        let f = discover_within(&dir, 4, 100).unwrap();
        let archs: Vec<(i64, String)> = f.archs.iter().map(|a| (a.0, a.2.clone())).collect();
        assert_eq!(archs, [(0, "000000.pickle.pbz2".into()), (2, "2.pickle.pbz2".into())]);
        assert_eq!(f.archs[1].1, dir.join("2.pickle.pbz2"));
        assert_eq!(f.missing, [1, 3]);
        assert_eq!(f.ignored, 5);
        // Five archs: index 4 is read; 3 stays missing.
        let f = discover_within(&dir, 5, 100).unwrap();
        assert_eq!(f.archs.iter().map(|a| a.0).collect::<Vec<_>>(), [0, 2, 4]);
        assert_eq!((f.missing.as_slice(), f.ignored), (&[1, 3][..], 4));
        // No archs at all: every per-arch file is ignored.
        let f = discover_within(&dir, 0, 100).unwrap();
        assert!(f.archs.is_empty() && f.missing.is_empty());
        assert_eq!(f.ignored, 7);
        // A name that is not UTF-8 is ignored too (counted once).
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            std::fs::write(dir.join(std::ffi::OsStr::from_bytes(b"\xff.pickle.pbz2")), b"")
                .unwrap();
            assert_eq!(discover_within(&dir, 4, 100).unwrap().ignored, 6);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_full_folder_is_refused_by_its_name() {
        let e = refuse_full(Path::new("/x/NATS-tss-v1_0-3ffb9-full")).unwrap_err().to_string();
        assert_eq!(
            e,
            "not NATS-Bench: /x/NATS-tss-v1_0-3ffb9-full is a NATS-Bench '-full' folder (per-arch \
             files with trained weights); tnb reads the '-simple' folder or the benchmark file"
        );
        assert!(refuse_full(Path::new("/x/NATS-tss-v1_0-3ffb9-simple")).is_ok());
        assert!(refuse_full(Path::new("/x/full")).is_ok());
        assert!(refuse_full(Path::new("/")).is_ok());
    }
}
