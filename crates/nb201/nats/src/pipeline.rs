//! Decoding a folder's per-arch files on all cores, handing them on in ascending index order.
//!
//! Workers take the next file index from a shared counter, read and decode the file (bz2 and
//! pickle: nearly all the work), and send `(position, bytes, object)` over a bounded channel;
//! the calling thread puts them back in order and gives each to `sink` (the converter and the
//! provenance hash, both sequential). A worker does not start on a file more than
//! [`DECODE_AHEAD`] positions past the last one the sink took, so memory holds at most that
//! many decoded files whatever the folder's size or a slow file's delay. The first error in
//! index order is returned (the same error on every run); the workers then stop.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

use tnb_pickle::stream::Obj;

use crate::decode::{decode_bytes, read_file};
use crate::error::Error;

/// Most files decoded ahead of the one the converter waits for (per run, not per worker): 16
/// tss files are about 50 MB of objects.
pub const DECODE_AHEAD: usize = 16;

/// The workers used when the caller does not say: one per core.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

type Decoded = Result<(Vec<u8>, Obj), Error>;

/// Reads and decodes `files` with `threads` workers; `sink(position, bytes, object)` gets them
/// in order.
pub(crate) fn decode_in_order(
    files: &[PathBuf],
    threads: usize,
    sink: &mut dyn FnMut(usize, Vec<u8>, Obj) -> Result<(), Error>,
) -> Result<(), Error> {
    let threads = threads.clamp(1, files.len().max(1));
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // The next position the sink wants; workers wait on it to stay within DECODE_AHEAD.
    let fed = Mutex::new(0usize);
    let moved = Condvar::new();
    let (tx, rx) = mpsc::sync_channel::<(usize, Decoded)>(DECODE_AHEAD);
    std::thread::scope(|s| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, stop, fed, moved) = (&next, &stop, &fed, &moved);
            s.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    {
                        let mut f = fed.lock().unwrap_or_else(|p| p.into_inner());
                        while i >= *f + DECODE_AHEAD && !stop.load(Ordering::Relaxed) {
                            f = moved.wait(f).unwrap_or_else(|p| p.into_inner());
                        }
                    }
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let r = read_and_decode(path);
                    if tx.send((i, r)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let r = in_order(&rx, files.len(), &fed, &moved, sink);
        // Stop the workers (they may wait for room ahead, or on a full channel: dropping the
        // receiver when this closure returns ends their sends).
        stop.store(true, Ordering::Relaxed);
        moved.notify_all();
        drop(rx);
        r
    })
}

fn read_and_decode(path: &Path) -> Decoded {
    let bytes = read_file(path)?;
    let obj = decode_bytes(&bytes, &path.display().to_string())?;
    Ok((bytes, obj))
}

fn in_order(
    rx: &mpsc::Receiver<(usize, Decoded)>,
    n: usize,
    fed: &Mutex<usize>,
    moved: &Condvar,
    sink: &mut dyn FnMut(usize, Vec<u8>, Obj) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut pending: BTreeMap<usize, Decoded> = BTreeMap::new();
    let mut want = 0usize;
    while want < n {
        let Ok((i, r)) = rx.recv() else {
            // Every worker ended early: only after a panic, which the scope reports.
            return Err(Error::NotNats("the decoding workers stopped".into()));
        };
        pending.insert(i, r);
        while let Some(r) = pending.remove(&want) {
            let (bytes, obj) = r?;
            sink(want, bytes, obj)?;
            want += 1;
            *fed.lock().unwrap_or_else(|p| p.into_inner()) = want;
            moved.notify_all();
        }
    }
    Ok(())
}
