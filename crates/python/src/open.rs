//! Opening what a user hands to `TransNASBenchAPI(path)`: a `.tnb` archive or the benchmark's
//! original `.pth` (torch zip, legacy torch or bare pickle), told apart by content, not by the
//! file name's extension.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use tnb_schema::file::{NotRegular, open_regular};
use tnb_schema::header::{Header, MAGIC};
use tnb_store::{Buffer, Store};

/// An open archive, whichever way it was opened.
pub type Archive = Store<Buffer>;

/// What the path held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A `.tnb` archive (mapped or read).
    Archive,
    /// A `.pth` or pickle, converted in memory.
    Source,
}

/// Why opening (or converting) failed, split the way Python reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// The operating system refused (missing file, permissions, a folder that is a file, disk
    /// full...). Python: `OSError(errno, strerror, filename)`, which Python itself turns into the
    /// subclass that `errno` names (`FileNotFoundError`, `PermissionError`,
    /// `NotADirectoryError`...), as its own `open` does.
    Os {
        /// The operating system's error number.
        errno: i32,
        /// Its description (`Permission denied`).
        strerror: String,
        /// The file it failed on.
        path: PathBuf,
    },
    /// Anything else: not a regular file, not a benchmark, corrupted (Python: `tnb.FormatError`).
    /// One line naming what is wrong.
    Format(String),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Os { strerror, path, .. } => write!(f, "{}: {strerror}", path.display()),
            OpenError::Format(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for OpenError {}

/// `e` as Python reports it: [`OpenError::Os`] if it is an error of the operating system (it
/// has an error number), else `format()`'s [`OpenError::Format`] (tnb's own refusals, e.g. of a
/// file that is not a regular file, and errors without a number, e.g. a file that ended early).
fn classify(e: &io::Error, path: &Path, format: impl FnOnce() -> String) -> OpenError {
    match e.raw_os_error() {
        Some(errno) if NotRegular::find(e).is_none() => {
            // The description alone: Python's OSError adds the number and the file name.
            let text = e.to_string();
            let suffix = format!(" (os error {errno})");
            let strerror = text.strip_suffix(&suffix).unwrap_or(&text).to_owned();
            OpenError::Os { errno, strerror, path: path.to_path_buf() }
        }
        _ => OpenError::Format(format()),
    }
}

/// A store's open failure as Python reports it (see [`classify`]).
fn store_error(path: &Path, e: tnb_store::OpenError) -> OpenError {
    let shown = path.display();
    match &e {
        tnb_store::OpenError::Io { error, .. } => classify(error, path, || e.to_string()),
        _ => OpenError::Format(format!("{shown}: {e}")),
    }
}

/// Opens `path`: an archive is mapped when `mmap` is true (see the crate's `map` module for the
/// contract) or read into memory; anything else is read and converted in memory (nothing in it
/// is executed). Only a regular file is read: anything else is refused before reading, without
/// waiting (a FIFO, `/dev/zero`: see `tnb_schema::file`). This takes the time of a conversion
/// for a source, so callers holding a lock (Python's GIL) release it around this call.
pub fn open(path: &Path, mmap: bool) -> Result<(Archive, Kind), OpenError> {
    let shown = path.display();
    let io = |e: io::Error| classify(&e, path, || format!("cannot read {shown}: {e}"));
    let (mut file, _) = open_regular(path).map_err(io)?;
    let mut head = [0u8; MAGIC.len()];
    let got = read_up_to(&mut file, &mut head).map_err(io)?;
    let format = |m: String| OpenError::Format(format!("{shown}: {m}"));
    if got == MAGIC.len() && head == MAGIC {
        drop(file);
        let store = if mmap { crate::map::open(path) } else { Store::open(path) };
        return store.map(|s| (s, Kind::Archive)).map_err(|e| store_error(path, e));
    }
    let mut bytes = head[..got].to_vec();
    file.read_to_end(&mut bytes).map_err(io)?;
    let archive = tnb_convert::convert_bytes(&bytes).map_err(|e| format(e.to_string()))?;
    drop(bytes);
    let store = Store::copy_from(&archive).map_err(|e| format(e.to_string()))?;
    Ok((store, Kind::Source))
}

/// `tnb.convert(source, archive)`: converts with the reader's acceptance check, as `tnb
/// convert` does, with failures split as Python reports them: the operating system's as
/// [`OpenError::Os`] (naming the file it failed on), everything else as [`OpenError::Format`]
/// prefixed with the source's name.
pub fn convert(source: &Path, archive: &Path) -> Result<(), OpenError> {
    tnb_convert::convert_file(source, archive, &mut |_| {}, &tnb_verify::opens).map(drop).map_err(
        |e| {
            let format = || format!("{}: {e}", source.display());
            match &e {
                tnb_convert::Error::Io { error, path, .. } => {
                    classify(error, path.as_deref().unwrap_or(source), format)
                }
                _ => OpenError::Format(format()),
            }
        },
    )
}

/// `read` until `buf` is full or the file ends; the count read.
fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The archive's identity: what a pickled API object carries so that reopening its path in
/// another process can tell that it found the same benchmark (a file replaced in between is
/// refused instead of silently answering from other data). Made of the header's payload length
/// and CRC and the source's size and SHA-256, so it is the same for the `.tnb` and for the
/// `.pth` it was converted from by this build.
pub fn identity(header: &Header) -> String {
    let mut s = format!(
        "payload={}:{:08x} source={}:",
        header.payload_len, header.payload_crc32, header.source_size
    );
    for b in header.source_sha256 {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data").join(name)
    }

    #[test]
    fn source_and_archive_open_to_the_same_identity() {
        let src = data("transnas_small.pth");
        let (from_source, kind) = open(&src, true).unwrap();
        assert_eq!(kind, Kind::Source);
        let dir = std::env::temp_dir().join(format!("tnb-python-open-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let tnb = dir.join("small.not-a-tnb-extension");
        std::fs::write(&tnb, tnb_convert::convert_bytes(&std::fs::read(&src).unwrap()).unwrap())
            .unwrap();
        for mmap in [true, false] {
            let (archive, kind) = open(&tnb, mmap).unwrap();
            assert_eq!(kind, Kind::Archive);
            assert_eq!(identity(archive.header()), identity(from_source.header()));
            assert_eq!(archive.len(), 32);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The operating system's error kind of an [`OpenError::Os`], and its file.
    fn os_kind(e: &OpenError) -> Option<(io::ErrorKind, &Path)> {
        match e {
            OpenError::Os { errno, path, .. } => {
                Some((io::Error::from_raw_os_error(*errno).kind(), path.as_path()))
            }
            OpenError::Format(_) => None,
        }
    }

    #[test]
    fn failures_are_classified() {
        let missing = data("no-such-file.pth");
        for mmap in [true, false] {
            let e = open(&missing, mmap).unwrap_err();
            assert_eq!(os_kind(&e), Some((io::ErrorKind::NotFound, missing.as_path())), "{e:?}");
        }
        // A path through a file: ENOTDIR, an error of the system whoever runs the test.
        let under_a_file = data("transnas_small.pth").join("x.tnb");
        let e = open(&under_a_file, true).unwrap_err();
        assert_eq!(os_kind(&e), Some((io::ErrorKind::NotADirectory, under_a_file.as_path())));
        let dir = open(&data("bad"), true).unwrap_err();
        assert!(matches!(&dir, OpenError::Format(m) if m.contains("directory")), "{dir:?}");
        let zero = open(Path::new("/dev/zero"), false).unwrap_err();
        assert!(matches!(&zero, OpenError::Format(m) if m.contains("not a regular file")));
        let evil = open(&data("bad/reduce_os_system.pkl"), true).unwrap_err();
        assert!(matches!(&evil, OpenError::Format(m) if m.contains("posix.system")), "{evil:?}");
        assert!(!Path::new("/tmp/tnb-pwned").exists());
    }

    #[test]
    fn conversion_failures_are_classified() {
        let src = data("transnas_small.pth");
        let nowhere = data("no-such-folder/x.tnb");
        let e = convert(&src, &nowhere).unwrap_err();
        assert_eq!(os_kind(&e), Some((io::ErrorKind::NotFound, nowhere.as_path())), "{e:?}");
        let missing = data("no-such-file.pth");
        let e = convert(&missing, &nowhere).unwrap_err();
        assert_eq!(os_kind(&e), Some((io::ErrorKind::NotFound, missing.as_path())), "{e:?}");
        let e = convert(&data("bad/reduce_os_system.pkl"), &nowhere).unwrap_err();
        assert!(matches!(&e, OpenError::Format(m) if m.contains("posix.system")), "{e:?}");
        assert!(!nowhere.exists());
    }
}
