//! Opening NATS-Bench sources for `tnb.nats`: a tnb archive is mapped; a `-simple` folder or a
//! single `.pickle.pbz2` is converted by tnb's reader into a temporary archive, mapped, and the
//! file removed (the mapping keeps its pages). Each is kept for the process's life (the query
//! source borrows it): opening the same file again reuses it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use tnb_nb201_store::Archive;
use tnb_pickle::stream::Obj;
use tnb_schema::header::Family;

/// A source's identity: path, size and modification time (a folder's: of the folder and of its
/// meta file).
type Identity = (PathBuf, u64, Option<SystemTime>, Option<SystemTime>);

/// The opened archives.
static OPENED: Mutex<Vec<(Identity, &'static Archive)>> = Mutex::new(Vec::new());

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

/// The archive of `path`, which must hold `family`'s space.
pub(crate) fn open(path: &Path, family: Family) -> Result<&'static Archive, String> {
    let shown = path.display();
    let id = identity(path)?;
    let archive = {
        let mut opened = OPENED.lock().unwrap_or_else(|e| e.into_inner());
        match opened.iter().find(|(k, _)| *k == id) {
            Some((_, a)) => a,
            None => {
                let archive = if path.is_file() && super::is_archive(path) {
                    crate::map::open_nb201(path).map_err(|e| format!("{shown}: {e}"))?
                } else {
                    converted(path)?
                };
                let archive: &'static Archive = Box::leak(Box::new(archive));
                opened.push((id, archive));
                archive
            }
        }
    };
    let found = archive.family();
    if found != family {
        return Err(format!(
            "{shown}: expected a {} archive, found {}",
            family.name(),
            found.name()
        ));
    }
    Ok(archive)
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
    // Until tnb-nats (the reader) is merged.
    let _ = dst;
    Err(format!("{}: this build of tnb has no NATS-Bench reader", src.display()))
}

/// The object of one `.pickle.pbz2`, read by tnb's reader (nothing executed).
pub(crate) fn load(path: &Path) -> Result<Obj, String> {
    Err(format!("{}: this build of tnb has no NATS-Bench reader", path.display()))
}
