//! Writing an archive so that it replaces its destination atomically.
//!
//! A temporary file of the call's own is created in the destination's folder
//! (`.<name>.tnb-tmp-<pid>-<call>-<nanos>`), written, flushed to disk, checked by the reader
//! (whatever a converter writes, open must accept), then renamed over the destination. On any
//! failure the destination is untouched (a previous archive there survives) and the temporary
//! file is removed; a killed process can leave only a temporary file behind, never a partial
//! destination, and the next write to the same destination removes those of dead processes.

use std::fmt;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Why a replacement failed (the converters map these to their own errors).
#[derive(Debug)]
#[non_exhaustive]
pub enum ReplaceError {
    /// The destination cannot be written: it is the source itself, or not a regular file.
    Destination(String),
    /// The reader's check refused the written file (its message).
    Refused(String),
    /// A file operation failed.
    Io {
        /// What was being done.
        what: String,
        /// The file the operating system failed on, where there is one.
        path: Option<PathBuf>,
        /// The OS error.
        error: io::Error,
    },
}

impl fmt::Display for ReplaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplaceError::Destination(m) | ReplaceError::Refused(m) => f.write_str(m),
            ReplaceError::Io { what, error, .. } => write!(f, "{what}: {error}"),
        }
    }
}

impl std::error::Error for ReplaceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReplaceError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

fn io_at(what: String, path: &Path, error: io::Error) -> ReplaceError {
    ReplaceError::Io { what, path: Some(path.to_path_buf()), error }
}

/// The reader's acceptance check of a written archive (`Err` says why the reader refuses it).
pub type Accept<'a> = &'a dyn Fn(&Path) -> Result<(), String>;

/// Removes the temporary file unless the write succeeded.
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Prefix of the temporary file for destination file name `name`; the writer's pid, a
/// per-process call number and the time follow (see [`temp_name`]).
fn temp_prefix(name: &str) -> String {
    format!(".{name}.tnb-tmp-")
}

/// Calls of [`replace`] in this process so far: makes every call's temporary file its own, so
/// that two threads writing one destination never share (and never remove, rename or
/// overwrite) each other's file.
static CALLS: AtomicU64 = AtomicU64::new(0);

/// Temporary names tried before giving up: a name is taken only if a killed earlier process
/// with this pid left exactly that name (same call number and nanosecond), so the first try
/// practically always succeeds.
pub const TEMP_ATTEMPTS: u32 = 8;

/// A temporary file name of its own for this call: `.<name>.tnb-tmp-<pid>-<call>-<nanos>`. The
/// pid comes first so that [`remove_stale_temps`] can tell whose file it is; the call number
/// separates the calls of this process; the time separates this process from an earlier one
/// that had the same pid.
fn temp_name(name: &str) -> String {
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{}{}-{call}-{nanos}", temp_prefix(name), std::process::id())
}

/// Removes temporary files that writes to the same destination left when they were killed
/// (their pid is gone), so that killed conversions never pile up. Best effort: a file that
/// cannot be removed is left for the next write.
fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = temp_prefix(name);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        // `<pid>-<call>-<nanos>` (or `<pid>` alone, from earlier versions).
        let Ok(pid) = rest.split_once('-').map_or(rest, |(pid, _)| pid).parse::<u32>() else {
            continue;
        };
        // This process's own files belong to calls still running on other threads.
        if pid != std::process::id() && !process_alive(pid) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Whether process `pid` exists. Only Linux's `/proc` is consulted; elsewhere every process
/// counts as alive, so nothing of a running conversion is ever removed.
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") { Path::new("/proc").join(pid.to_string()).exists() } else { true }
}

fn not_regular(dst: &Path) -> ReplaceError {
    ReplaceError::Destination(format!(
        "{} is not a regular file (a folder, FIFO or device): refusing to replace it",
        dst.display()
    ))
}

/// Refuses a destination that is not a regular file (a FIFO, a device, a folder: renaming over
/// it would replace a special file, and opening it could block) or that is the source itself,
/// also through links (same device and inode): converting `x.pth` onto `x.pth` would destroy the
/// source. A destination that does not exist yet is fine.
pub fn check_destination(src: &Path, dst: &Path) -> Result<(), ReplaceError> {
    let Ok(d) = fs::metadata(dst) else {
        return Ok(());
    };
    if !d.is_file() {
        return Err(not_regular(dst));
    }
    let same = || {
        ReplaceError::Destination(format!(
            "{} is the source file itself: refusing to replace the source",
            dst.display()
        ))
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(s) = fs::metadata(src) {
            if s.dev() == d.dev() && s.ino() == d.ino() {
                return Err(same());
            }
        }
    }
    #[cfg(not(unix))]
    if fs::canonicalize(src).ok() == fs::canonicalize(dst).ok() {
        return Err(same());
    }
    Ok(())
}

/// Creates this call's temporary file in `dir` for destination file name `name`, with the
/// guard that removes it unless the call succeeds.
fn create_temp(dir: &Path, name: &str, dst: &Path) -> Result<(File, TempFile), ReplaceError> {
    let mut attempt = 0;
    loop {
        let tmp = dir.join(temp_name(name));
        match File::options().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((f, TempFile { path: tmp, keep: false })),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt + 1 < TEMP_ATTEMPTS => {
                attempt += 1;
            }
            Err(e) => return Err(io_at(format!("writing {}", tmp.display()), dst, e)),
        }
    }
}

/// Replaces `dst` atomically with what `write` puts in a fresh temporary file (see the module
/// docs). `write` gets the empty file and returns a value or its own error; then the file is
/// synced, checked by `accept`, and renamed over `dst`. Returns `write`'s value and the file's
/// size. Calls may run at once, in threads or processes, for one destination: each writes its
/// own temporary file, and a call returns `Ok` only after its own rename happened, so `dst`
/// always holds the whole archive of one call that returned `Ok` (the last to rename).
pub fn replace<T, E: From<ReplaceError>>(
    dst: &Path,
    accept: Accept<'_>,
    write: impl FnOnce(&mut File) -> Result<T, E>,
) -> Result<(T, u64), E> {
    let name = dst.file_name().ok_or_else(|| {
        io_at(
            format!("writing {}", dst.display()),
            dst,
            io::Error::new(io::ErrorKind::InvalidInput, "not a file name"),
        )
    })?;
    if fs::metadata(dst).is_ok_and(|m| !m.is_file()) {
        return Err(not_regular(dst).into());
    }
    let dir = match dst.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = name.to_string_lossy();
    remove_stale_temps(&dir, &name);
    let (mut f, mut guard) = create_temp(&dir, &name, dst)?;
    let tmp = guard.path.clone();
    let what = || format!("writing {}", tmp.display());
    let value = write(&mut f)?;
    f.sync_all().map_err(|e| io_at(what(), dst, e))?;
    let size = f.metadata().map_err(|e| io_at(what(), dst, e))?.len();
    drop(f);
    // Whatever a converter writes, open must accept: open the written file with the reader's
    // own checks before it replaces anything. A refusal returns before the rename, and the guard
    // removes the file.
    accept(&tmp).map_err(ReplaceError::Refused)?;
    fs::rename(&tmp, dst)
        .map_err(|e| io_at(format!("renaming {} to {}", tmp.display(), dst.display()), dst, e))?;
    // Renamed: the name is gone, nothing to remove.
    guard.keep = true;
    // Make the rename itself durable. (Opened without waiting, like every read: see
    // `tnb_schema::file`.)
    if let Ok(d) = tnb_schema::file::read_options().open(&dir) {
        let _ = d.sync_all();
    }
    Ok((value, size))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("tnb-mapped-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[derive(Debug)]
    struct E(String);

    impl From<ReplaceError> for E {
        fn from(e: ReplaceError) -> E {
            E(e.to_string())
        }
    }

    #[test]
    fn a_refused_or_failed_write_leaves_the_destination_and_no_temporary_file() {
        let d = dir("refused");
        let dst = d.join("a.tnb");
        fs::write(&dst, b"old").unwrap();
        let ok: Accept<'_> = &|_| Ok(());
        let no: Accept<'_> = &|_| Err("refused".into());
        let e = replace(&dst, no, |f| f.write_all(b"new").map_err(|e| E(e.to_string())));
        assert_eq!(e.unwrap_err().0, "refused");
        let e = replace(&dst, ok, |_| Err::<(), _>(E("boom".into())));
        assert_eq!(e.unwrap_err().0, "boom");
        assert_eq!(fs::read(&dst).unwrap(), b"old");
        assert_eq!(fs::read_dir(&d).unwrap().count(), 1);
        let ((), size) =
            replace(&dst, ok, |f| f.write_all(b"newer").map_err(|e| E(e.to_string()))).unwrap();
        assert_eq!((fs::read(&dst).unwrap(), size), (b"newer".to_vec(), 5));
        assert!(replace(&d, ok, |_| Ok::<(), E>(())).unwrap_err().0.contains("not a regular file"));
        assert!(
            check_destination(&dst, &dst).unwrap_err().to_string().contains("source file itself")
        );
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn stale_temporary_files_of_dead_processes_are_removed() {
        let d = dir("stale");
        let dst = d.join("b.tnb");
        // A pid that cannot exist on Linux (above the maximum pid).
        let stale = d.join(format!("{}{}-0-0", temp_prefix("b.tnb"), u32::MAX - 1));
        let live = d.join(format!("{}{}-9-9", temp_prefix("b.tnb"), std::process::id()));
        fs::write(&stale, b"x").unwrap();
        fs::write(&live, b"x").unwrap();
        replace(&dst, &|_| Ok(()), |_| Ok::<(), E>(())).unwrap();
        assert_eq!(stale.exists(), !cfg!(target_os = "linux"));
        assert!(live.exists(), "this process's own files are left alone");
        fs::remove_dir_all(&d).unwrap();
    }
}
