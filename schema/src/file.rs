//! Opening input files: regular files only, and never blocking in `open`.
//!
//! Every tnb entry point that reads a path (the store's open and map, the converter's source,
//! the command-line tools, the Python constructor) opens it here. Anything that is not a regular
//! file is refused before a byte is read: `/dev/zero` or `/dev/urandom` would be read until memory
//! runs out, and a named pipe (FIFO) makes a plain `open` wait forever for a writer (in Python
//! with the GIL released, so Ctrl-C could not even interrupt it). Devices are refused before they
//! are opened, since opening some (a tape, a terminal) has effects of its own.
//!
//! The check is made twice so that swapping the path between the two cannot defeat it: the path
//! is examined (`stat`, following links) before opening, the open cannot block (`O_NONBLOCK`,
//! and `O_NOCTTY` so a terminal never becomes the controlling one), and the file actually opened
//! is examined again (`fstat`) before anything is read. For a regular file the two flags change
//! nothing: reads of regular files never block on Unix.
//!
//! This lives in the format crate because it is the one crate both the store and the converter
//! depend on; it has nothing else to do with the format.

use std::fmt;
use std::fs::{File, Metadata, OpenOptions};
use std::io;
use std::path::Path;

/// Why a path was refused before reading: it is not a regular file. Carried inside the
/// [`io::Error`] that [`open_regular`] returns (kind [`io::ErrorKind::InvalidInput`]), so callers
/// that report errors as text need nothing new, and callers that classify errors can tell it
/// from a failure of the operating system with [`NotRegular::find`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotRegular {
    /// What the path is instead, e.g. `a named pipe (FIFO)`.
    pub kind: &'static str,
}

impl fmt::Display for NotRegular {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a regular file: {}", self.kind)
    }
}

impl std::error::Error for NotRegular {}

impl NotRegular {
    /// The refusal inside `e`, if `e` is one (and not an error of the operating system).
    pub fn find(e: &io::Error) -> Option<NotRegular> {
        e.get_ref().and_then(|inner| inner.downcast_ref::<NotRegular>()).copied()
    }
}

/// What a file of type `m` is, for the message refusing it.
fn kind(m: &Metadata) -> &'static str {
    let t = m.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a file"
}

/// `Ok` for a regular file, the refusal otherwise.
fn regular(m: &Metadata) -> io::Result<()> {
    if m.is_file() {
        Ok(())
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, NotRegular { kind: kind(m) }))
    }
}

/// Options that open for reading without ever waiting: `O_NONBLOCK` (a FIFO opens at once
/// instead of waiting for a writer) and `O_NOCTTY` where the platform has them.
pub fn read_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    o
}

/// Opens `path` for reading if it is a regular file (links followed), with its metadata taken
/// from the open file. Anything else is refused before it is read (see the module's doc); the
/// error then holds a [`NotRegular`].
pub fn open_regular(path: &Path) -> io::Result<(File, Metadata)> {
    // Before opening: devices are never opened at all.
    regular(&std::fs::metadata(path)?)?;
    let file = read_options().open(path)?;
    // After: the path may have been replaced in between; this is the file that will be read.
    let meta = file.metadata()?;
    regular(&meta)?;
    Ok((file, meta))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_open_and_everything_else_is_refused() {
        let dir = std::env::temp_dir().join(format!("tnb-schema-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("f");
        std::fs::write(&f, b"abc").unwrap();
        let (_, m) = open_regular(&f).unwrap();
        assert_eq!(m.len(), 3);
        let e = open_regular(&dir).unwrap_err();
        assert_eq!(NotRegular::find(&e), Some(NotRegular { kind: "a directory" }), "{e}");
        assert_eq!(e.to_string(), "not a regular file: a directory");
        #[cfg(unix)]
        {
            let e = open_regular(Path::new("/dev/null")).unwrap_err();
            assert_eq!(NotRegular::find(&e).map(|n| n.kind), Some("a character device"));
        }
        // An error of the operating system is not a refusal.
        let e = open_regular(&dir.join("missing")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert_eq!(NotRegular::find(&e), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The second line of defence, for a path swapped for a FIFO after the first check: the open
    /// itself returns at once (a plain `open` waits for a writer forever), and the file opened
    /// is refused. Guarded by a generous timeout so that a regression fails instead of hanging.
    #[cfg(unix)]
    #[test]
    fn a_fifo_opens_without_waiting_and_is_refused_after_opening() {
        let dir = std::env::temp_dir().join(format!("tnb-schema-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let (tx, rx) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let opened = read_options().open(&path).and_then(|f| f.metadata());
            let _ = tx.send(opened.map(|m| regular(&m).map_err(|e| NotRegular::find(&e))));
        });
        let got = rx.recv_timeout(std::time::Duration::from_secs(30));
        let kind = Some(NotRegular { kind: "a named pipe (FIFO)" });
        assert!(matches!(got, Ok(Ok(Err(k))) if k == kind), "{got:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
