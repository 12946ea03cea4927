//! Writing a file so that readers never see half of it: a temporary file in the destination
//! folder, fsync, rename over the destination, fsync the folder. (tnb-synth for TransNAS has
//! the same helper; families do not depend on each other.)

use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::Error;

/// Output buffer: large writes, bounded memory.
const BUFFER: usize = 4 << 20;

/// Writes `path` atomically with what `fill` writes; returns the file's size.
pub(crate) fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<File>) -> Result<(), Error>,
) -> Result<u64, Error> {
    let io = |what: &str, p: &Path, e: std::io::Error| Error::File {
        what: format!("{what} {}", p.display()),
        source: e,
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::Options(format!("output path {} names no file", path.display())))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    let tmp = dir.join(tmp_name);
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(|e| io("cannot create a temporary file in", &dir, e))?;
    let result = (|| {
        let mut w = BufWriter::with_capacity(BUFFER, file);
        fill(&mut w)?;
        w.flush().map_err(|e| io("cannot write", &tmp, e))?;
        let file = w.into_inner().map_err(|e| io("cannot write", &tmp, e.into_error()))?;
        file.sync_all().map_err(|e| io("cannot sync", &tmp, e))?;
        let len = file.metadata().map_err(|e| io("cannot stat", &tmp, e))?.len();
        drop(file);
        fs::rename(&tmp, path).map_err(|e| io("cannot rename the temporary file to", path, e))?;
        Ok(len)
    })();
    match result {
        Ok(len) => {
            if let Ok(d) = File::open(&dir) {
                let _ = d.sync_all();
            }
            Ok(len)
        }
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}
