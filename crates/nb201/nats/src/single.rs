//! The single benchmark file (`NATS-tss-v1_0-3ffb9.pickle.pbz2`: one bz2 stream of one pickle of
//! the whole benchmark, ~1 GB around ~5 GB): never held whole. Each pass of tnb-pth's two-pass
//! reader decodes the bz2 again from the file's start ([`Pbz2`] is a re-openable source), so
//! memory is the read windows plus what the streaming reader keeps, not the pickle.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tnb_bz2::Decoder;
use tnb_pth::Reopen;

use crate::error::Error;
use crate::space::Space;

/// Largest pickle a single benchmark file may decode to: the streaming reader's
/// [`tnb_pickle::stream::limits::DEFAULT_MAX_PICKLE_SIZE`] (64 GiB; tss's is about 5.1 GB).
pub const MAX_SINGLE_PICKLE: u64 = tnb_pickle::stream::limits::DEFAULT_MAX_PICKLE_SIZE;

/// Pickle bytes decoded to tell the space before the passes (the first arch string comes
/// within the first hundred bytes as pickle writes the benchmark's dict).
pub const PEEK_BYTES: usize = 64 << 10;

/// A `.pickle.pbz2` file as a source each pass opens again.
#[derive(Debug)]
pub(crate) struct Pbz2 {
    pub(crate) path: PathBuf,
    pub(crate) name: String,
    /// The file's size when first opened (a pass finding another size is refused).
    pub(crate) size: u64,
    /// Compressed bytes read by the current pass, for progress.
    pub(crate) read: Arc<AtomicU64>,
}

/// Counts compressed bytes read into a shared counter.
pub(crate) struct Counting {
    f: File,
    n: Arc<AtomicU64>,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.f.read(buf)?;
        self.n.fetch_add(k as u64, Ordering::Relaxed);
        Ok(k)
    }
}

impl Pbz2 {
    pub(crate) fn open(path: &Path) -> Result<Pbz2, Error> {
        let (_, meta) = tnb_schema::file::open_regular(path)
            .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        Ok(Pbz2 {
            path: path.to_owned(),
            name: path.display().to_string(),
            size: meta.len(),
            read: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Compressed bytes the current pass has read.
    pub(crate) fn done(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }
}

impl Reopen for Pbz2 {
    type Reader = Decoder<Counting>;

    fn reopen(&self) -> Result<Decoder<Counting>, tnb_pth::Error> {
        let (f, meta) = tnb_schema::file::open_regular(&self.path)
            .map_err(|e| tnb_pth::Error::Io(format!("cannot read {}: {e}", self.name)))?;
        if meta.len() != self.size {
            return Err(tnb_pth::Error::Io(format!(
                "{} changed size while being read ({} then {} bytes)",
                self.name,
                self.size,
                meta.len()
            )));
        }
        self.read.store(0, Ordering::Relaxed);
        let r = Counting { f, n: self.read.clone() };
        Ok(Decoder::new(r, MAX_SINGLE_PICKLE).named(&self.name))
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}

/// The space the file's first arch string says, decoding only its first [`PEEK_BYTES`]
/// (`None` when the pickle does not begin as the benchmark's dict with `meta_archs` first; the
/// caller then converts and checks afterwards).
pub(crate) fn peek_space(src: &Pbz2) -> Result<Option<Space>, Error> {
    let mut d = src.reopen().map_err(Error::pth)?;
    let mut buf = vec![0u8; PEEK_BYTES];
    let mut n = 0;
    while n < buf.len() {
        match d.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::bz2(&src.name, tnb_bz2::Error::from_io(e))),
        }
    }
    Ok(first_arch(&buf[..n]).as_deref().and_then(Space::of_arch))
}

/// The first item of `meta_archs` when the pickle starts `{'meta_archs': [str, ...` (protocol
/// 2 or later, memo and frame opcodes anywhere): how every NATS-Bench writer starts the file.
pub(crate) fn first_arch(p: &[u8]) -> Option<String> {
    let mut at = 0usize;
    // 0: the top dict; 1: its first batch; 2: after the key 'meta_archs'; 3: after its list;
    // 4: inside the list's first batch.
    let mut state = 0u8;
    let arg = |at: &mut usize, n: usize| -> Option<&[u8]> {
        let s = p.get(*at..at.checked_add(n)?)?;
        *at += n;
        Some(s)
    };
    let len = |b: &[u8]| -> usize {
        let mut a = [0u8; 8];
        a[..b.len()].copy_from_slice(b);
        usize::try_from(u64::from_le_bytes(a)).unwrap_or(usize::MAX)
    };
    loop {
        let op = *p.get(at)?;
        at += 1;
        match op {
            0x80 => drop(arg(&mut at, 1)?),  // PROTO
            0x95 => drop(arg(&mut at, 8)?),  // FRAME
            0x94 => {}                       // MEMOIZE
            b'q' => drop(arg(&mut at, 1)?),  // BINPUT
            b'r' => drop(arg(&mut at, 4)?),  // LONG_BINPUT
            b'}' if state == 0 => {}         // EMPTY_DICT
            b'(' if state == 0 => state = 1, // MARK
            b'(' if state == 3 => state = 4,
            b']' if state == 2 => state = 3, // EMPTY_LIST
            0x8c | b'X' | 0x8d => {
                let w = match op {
                    0x8c => 1,
                    b'X' => 4,
                    _ => 8,
                };
                let n = len(arg(&mut at, w)?);
                let s = std::str::from_utf8(arg(&mut at, n)?).ok()?;
                match state {
                    0 | 1 if s == "meta_archs" => state = 2,
                    4 => return Some(s.to_owned()),
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
}
