//! Opening NATS-Bench sources for `tnb.nats`: a tnb archive is mapped; a `-simple` folder or a
//! single `.pickle.pbz2` is read by tnb's reader (bounded bz2, restricted pickle: nothing
//! executed) into memory. Each is kept for the process's life (the query source borrows it):
//! opening the same source again reuses it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use tnb_nb201_api::{MemSource, Source};
use tnb_nb201_store::Archive;
use tnb_pickle::stream::Obj;
use tnb_schema::header::Family;

/// A source's identity: path, size and modification time (a folder's: of the folder and of its
/// meta file).
type Identity = (PathBuf, u64, Option<SystemTime>, Option<SystemTime>);

/// The opened archives.
static OPENED: Mutex<Vec<(Identity, Opened)>> = Mutex::new(Vec::new());

/// An opened source.
#[derive(Clone, Copy)]
pub(crate) enum Opened {
    /// A mapped archive.
    Archive(&'static Archive),
    /// A folder or single file read into memory.
    Mem(&'static MemSource),
}

fn identity(path: &Path) -> Result<Identity, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let inner =
        std::fs::metadata(path.join("meta.pickle.pbz2")).ok().and_then(|m| m.modified().ok());
    Ok((
        std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
        meta.len(),
        meta.modified().ok(),
        inner,
    ))
}

/// The source at `path`, which must hold `family`'s space.
pub(crate) fn open(path: &Path, family: Family) -> Result<Opened, String> {
    let shown = path.display();
    let id = identity(path)?;
    let opened = {
        let mut cache = OPENED.lock().unwrap_or_else(|e| e.into_inner());
        match cache.iter().find(|(k, _)| *k == id) {
            Some((_, o)) => *o,
            None => {
                let o = if path.is_file() && super::is_archive(path) {
                    let a = crate::map::open_nb201(path).map_err(|e| format!("{shown}: {e}"))?;
                    Opened::Archive(Box::leak(Box::new(a)))
                } else {
                    Opened::Mem(Box::leak(Box::new(in_memory(path)?)))
                };
                cache.push((id, o));
                o
            }
        }
    };
    let found = match opened {
        Opened::Archive(a) => a.family(),
        Opened::Mem(m) => space_family(m),
    };
    if found != family {
        return Err(format!("{shown}: expected {}, found {}", family.name(), found.name()));
    }
    Ok(opened)
}

/// The space of an in-memory source, by its arch strings (tss cells start with `|`).
fn space_family(m: &MemSource) -> Family {
    match m.meta_arch(0) {
        Some(a) if !a.starts_with('|') => Family::NatsSss,
        _ => Family::NatsTss,
    }
}

/// The most per-arch files a folder may hold (the size space's 32768).
pub const MAX_ARCH_FILES: usize = 1 << 15;

/// A `-simple` folder (`meta.pickle.pbz2` and the `NNNNNN.pickle.pbz2` present) or a single
/// benchmark file, read into memory.
fn in_memory(path: &Path) -> Result<MemSource, String> {
    let read = |p: &Path| -> Result<Obj, String> {
        let bytes = std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        tnb_nb201_api::obj_from_pbz2_bytes(&bytes).map_err(|e| format!("{}: {e}", p.display()))
    };
    if !path.is_dir() {
        return MemSource::from_nats_obj(&read(path)?)
            .map_err(|e| format!("{}: {e}", path.display()));
    }
    let meta = read(&path.join("meta.pickle.pbz2"))?;
    let mut files = Vec::new();
    let entries =
        std::fs::read_dir(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let name = entry.file_name();
        let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".pickle.pbz2")) else {
            continue;
        };
        if stem.is_empty() || !stem.bytes().all(|b| b.is_ascii_digit()) || stem.len() > 9 {
            continue;
        }
        let index: i64 = stem.parse().map_err(|_| format!("bad file name {stem}"))?;
        if files.len() >= MAX_ARCH_FILES {
            return Err(format!("{}: more than {MAX_ARCH_FILES} per-arch files", path.display()));
        }
        files.push((index, entry.path()));
    }
    files.sort();
    files.dedup_by_key(|(i, _)| *i);
    let mut archs = Vec::with_capacity(files.len());
    for (index, p) in &files {
        archs.push((*index, read(p)?));
    }
    MemSource::from_nats_folder(&meta, &archs).map_err(|e| format!("{}: {e}", path.display()))
}

/// Converts the folder or single file `src` into the archive `dst` (atomically).
pub(crate) fn convert(src: &Path, dst: &Path) -> Result<(), String> {
    // Until tnb-nats (the reader's converter) is merged.
    let _ = dst;
    Err(format!("{}: this build of tnb cannot convert NATS-Bench sources yet", src.display()))
}

/// The object of one `.pickle.pbz2`, read by tnb's reader (nothing executed).
pub(crate) fn load(path: &Path) -> Result<Obj, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    tnb_nb201_api::obj_from_pbz2_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}
