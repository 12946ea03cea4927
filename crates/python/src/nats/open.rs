//! Opening NATS-Bench sources for `tnb.nats`: a tnb archive is mapped; a `-simple` folder or a
//! single `.pickle.pbz2` is read by tnb's reader (`tnb_nats`: bounded bz2, restricted pickle,
//! nothing executed): a small one into memory, a large one converted into a temporary archive
//! that is then mapped and removed (the mapping keeps its pages). Each is kept for the process's
//! life (the query source borrows it): opening the same source again reuses it.

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
                    read_source(path)?
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

/// Sources up to this many bytes on disk are read into memory; larger ones are converted into an
/// archive (an in-memory object tree costs ~20x the bz2 bytes: a full-size folder would not fit).
pub const MAX_IN_MEMORY_SOURCE: u64 = 64 << 20;

/// The bytes of a source on disk (a folder's files, not recursing).
fn source_bytes(path: &Path) -> u64 {
    if !path.is_dir() {
        return std::fs::metadata(path).map_or(0, |m| m.len());
    }
    std::fs::read_dir(path).map_or(0, |d| {
        d.filter_map(Result::ok).filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum()
    })
}

/// A folder or single file: in memory when small, else converted.
fn read_source(path: &Path) -> Result<Opened, String> {
    if source_bytes(path) > MAX_IN_MEMORY_SOURCE {
        return Ok(Opened::Archive(Box::leak(Box::new(converted(path)?))));
    }
    let loaded = tnb_nats::load_object(path).map_err(|e| e.to_string())?;
    let mut top = loaded.top;
    // A single file's `evaluated_indexes` is a set; the in-memory source takes its items.
    if let Obj::Dict { items, .. } = &mut top {
        for (k, v) in items.iter_mut() {
            if let (Some("evaluated_indexes"), Obj::Set(x) | Obj::FrozenSet(x)) =
                (k.as_str(), &mut *v)
            {
                *v = Obj::List(std::mem::take(x));
            }
        }
    }
    let mem = if loaded.form == tnb_nats::Form::Folder {
        MemSource::from_nats_folder(&top, &loaded.archs)
    } else {
        MemSource::from_nats_obj(&top)
    }
    .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Opened::Mem(Box::leak(Box::new(mem))))
}

/// A folder or single file converted into a temporary archive, mapped, the file removed.
fn converted(path: &Path) -> Result<Archive, String> {
    let tmp = std::env::temp_dir().join(format!(
        "tnb-nats-{}-{}.tmp",
        std::process::id(),
        SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
    ));
    let done = convert(path, &tmp).and_then(|()| {
        crate::map::open_nb201(&tmp).map_err(|e| format!("{}: {e}", path.display()))
    });
    let _ = std::fs::remove_file(&tmp);
    done
}

/// Converts the folder or single file `src` into the archive `dst` (atomically).
pub(crate) fn convert(src: &Path, dst: &Path) -> Result<(), String> {
    let accept = |_: &Path| Ok(());
    tnb_nats::convert(src, dst, &mut |_, _, _| {}, &accept).map(drop).map_err(|e| e.to_string())
}

/// The object of one `.pickle.pbz2`, read by tnb's reader (nothing executed).
pub(crate) fn load(path: &Path) -> Result<Obj, String> {
    tnb_nats::decode_file(path).map_err(|e| e.to_string())
}
