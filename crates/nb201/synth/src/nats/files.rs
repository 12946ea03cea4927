//! Writing the files: bz2 level 9 (what `bz2.BZ2File` writes by default, as the authors'
//! `pickle_save` did), per-arch files compressed in parallel on all cores, the single file
//! pickled and compressed in two threads (one bz2 stream, as the real file).

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use bzip2::Compression;
use bzip2::write::BzEncoder;

use crate::Error;
use crate::nats::{Form, NatsSynth};

/// The bz2 compression level of every file (the real files are `BZh9`).
pub const BZ2_LEVEL: u32 = 9;

/// Pickled pieces in flight between the single file's pickler and its compressor.
const PIPELINE_DEPTH: usize = 8;

/// What was written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written (meta included).
    pub files: usize,
    /// Total pickle bytes (before bz2).
    pub pickle_bytes: u64,
    /// Total bytes on disk.
    pub bz2_bytes: u64,
}

/// `data` compressed as one bz2 stream at [`BZ2_LEVEL`].
pub fn bz2(data: &[u8]) -> Vec<u8> {
    let mut e = BzEncoder::new(Vec::with_capacity(data.len() / 3), Compression::new(BZ2_LEVEL));
    // Writing into a Vec cannot fail.
    e.write_all(data).expect("bz2 into memory");
    e.finish().expect("bz2 into memory")
}

/// Writes `bytes` at `path` through a temporary file and a rename, so that a reader never
/// sees half a file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let what = |w: &str| format!("{w} {}", path.display());
    fs::write(&tmp, bytes).map_err(|e| Error::File { what: what("writing"), source: e })?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::File { what: what("renaming into"), source: e }
    })
}

impl NatsSynth {
    /// Writes the look-alike at `out` in the options' form: a folder (created if needed) or a
    /// file. `threads` 0 = all cores; `progress(done)` counts archs.
    pub fn write(
        &self,
        out: &Path,
        threads: usize,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Written, Error> {
        match self.options.form {
            Form::Folder => self.write_folder(out, threads, progress),
            Form::File => self.write_single(out, progress),
        }
    }

    /// The `-simple` folder: `meta.pickle.pbz2` and `{i:06d}.pickle.pbz2` for every index
    /// written, each compressed by one of `threads` workers.
    pub fn write_folder(
        &self,
        dir: &Path,
        threads: usize,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Written, Error> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Options(format!("{} exists and is not a folder", dir.display())));
        }
        fs::create_dir_all(dir)
            .map_err(|e| Error::File { what: format!("creating {}", dir.display()), source: e })?;
        let meta = self.meta_pickle();
        let meta_bz = bz2(&meta);
        write_atomic(&dir.join("meta.pickle.pbz2"), &meta_bz)?;
        let threads = match threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
        .min(self.indexes.len());
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let pickle_bytes = AtomicU64::new(meta.len() as u64);
        let bz2_bytes = AtomicU64::new(meta_bz.len() as u64);
        let failure: Mutex<Option<Error>> = Mutex::new(None);
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    while !stop.load(Ordering::Relaxed) {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&i) = self.indexes.get(k) else { break };
                        let pickle = self.arch_pickle(i);
                        let packed = bz2(&pickle);
                        let path: PathBuf = dir.join(format!("{i:06}.pickle.pbz2"));
                        if let Err(e) = write_atomic(&path, &packed) {
                            stop.store(true, Ordering::Relaxed);
                            failure.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
                            break;
                        }
                        pickle_bytes.fetch_add(pickle.len() as u64, Ordering::Relaxed);
                        bz2_bytes.fetch_add(packed.len() as u64, Ordering::Relaxed);
                        progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                    }
                });
            }
        });
        if let Some(e) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
            return Err(e);
        }
        Ok(Written {
            files: 1 + self.indexes.len(),
            pickle_bytes: pickle_bytes.into_inner(),
            bz2_bytes: bz2_bytes.into_inner(),
        })
    }

    /// The single benchmark file at `path` (atomically): one thread pickles, this one
    /// compresses into one bz2 stream.
    pub fn write_single(
        &self,
        path: &Path,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Written, Error> {
        let (pickle_bytes, bz2_bytes) = tnb_mapped::replace::replace(path, &|_| Ok(()), |f| {
            let mut enc =
                BzEncoder::new(BufWriter::with_capacity(1 << 20, f), Compression::new(BZ2_LEVEL));
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(PIPELINE_DEPTH);
            let pickled = std::thread::scope(|s| {
                let producer = s.spawn(move || {
                    self.write_file_pickle(
                        &mut |piece| {
                            // The receiver only stops early on a write error, reported below.
                            tx.send(piece).map_err(|_| Error::Options("compressor stopped".into()))
                        },
                        &mut |k| progress(k),
                    )
                });
                let mut written: Result<(), Error> = Ok(());
                for piece in rx {
                    if written.is_ok() {
                        written = enc.write_all(&piece).map_err(Error::Io);
                    }
                }
                let size = producer
                    .join()
                    .unwrap_or_else(|_| Err(Error::Options("pickler panicked".into())));
                written.and(size)
            })?;
            let mut w = enc.finish().map_err(Error::Io)?;
            w.flush().map_err(Error::Io)?;
            Ok::<_, Error>(pickled)
        })?;
        Ok(Written { files: 1, pickle_bytes, bz2_bytes })
    }
}
