//! The single benchmark file (`NATS-tss-v1_0-3ffb9.pickle.pbz2`: one bz2 stream of one pickle of
//! the whole benchmark, ~1 GB around ~5 GB): never held whole. Each pass of tnb-pth's two-pass
//! reader decodes the bz2 again from the file's start ([`Pbz2`] is a re-openable source), so
//! memory is the read windows plus what the streaming reader keeps, not the pickle.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tnb_bz2::{Decoder, Threaded};
use tnb_pth::Reopen;

use crate::error::Error;
use crate::space::Space;

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
    /// Most bytes the bz2 data may decode to: the streaming reader's
    /// [`tnb_pickle::stream::StreamLimits::max_pickle_size`] (64 GiB by default; tss's pickle
    /// is about 5.1 GB), so that bytes after the pickle cannot decode without bound either.
    pub(crate) limit: u64,
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
    pub(crate) fn open(path: &Path, limit: u64) -> Result<Pbz2, Error> {
        let (_, meta) = tnb_schema::file::open_regular(path)
            .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        Ok(Pbz2 {
            path: path.to_owned(),
            name: path.display().to_string(),
            size: meta.len(),
            read: Arc::new(AtomicU64::new(0)),
            limit,
        })
    }

    /// Compressed bytes the current pass has read.
    pub(crate) fn done(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }
}

impl Reopen for Pbz2 {
    type Reader = Threaded;

    /// Each pass decodes on a thread of its own, overlapping with the pickle reader.
    fn reopen(&self) -> Result<Threaded, tnb_pth::Error> {
        Ok(Threaded::spawn(self.decoder()?))
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}

impl Pbz2 {
    /// A decoder from the file's start.
    fn decoder(&self) -> Result<Decoder<Counting>, tnb_pth::Error> {
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
        Ok(Decoder::new(r, self.limit).named(&self.name))
    }
}

/// The space the file's first arch string says, decoding only its first [`PEEK_BYTES`]
/// (`None` when the pickle does not begin as the benchmark's dict with `meta_archs` first; the
/// caller then converts and checks afterwards).
pub(crate) fn peek_space(src: &Pbz2) -> Result<Option<Space>, Error> {
    let mut d = src.decoder().map_err(Error::pth)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A short string opcode (`SHORT_BINUNICODE`) for `s`.
    fn short(s: &str) -> Vec<u8> {
        [&[0x8c, s.len() as u8][..], s.as_bytes()].concat()
    }

    /// How pickle protocol 4 writes `{'meta_archs': [first, ...`: a frame, memoized objects.
    fn proto4(first: &str) -> Vec<u8> {
        [
            &b"\x80\x04\x95\x00\x01\x00\x00\x00\x00\x00\x00}\x94("[..],
            &short("meta_archs"),
            b"\x94]\x94(",
            &short(first),
            b"\x94",
            &short("next"),
        ]
        .concat()
    }

    #[test]
    fn the_first_arch_is_read_from_how_writers_start_the_file() {
        assert_eq!(first_arch(&proto4("|a~0|")).as_deref(), Some("|a~0|"));
        assert_eq!(first_arch(&proto4("8:8:8:8:8")).as_deref(), Some("8:8:8:8:8"));
        // Protocol 2: no frame, BINPUT / LONG_BINPUT memo opcodes, BINUNICODE (4-byte length)
        // and BINUNICODE8 (8-byte length) strings.
        let mut p2 = b"\x80\x02}q\x00(X\x0a\x00\x00\x00meta_archsr\x01\x00\x00\x00]q\x02(".to_vec();
        p2.extend(b"\x8d\x05\x00\x00\x00\x00\x00\x00\x00|b~1|");
        assert_eq!(first_arch(&p2).as_deref(), Some("|b~1|"));
        // Cut anywhere before the string's last byte: not known.
        let full = proto4("|a~0|");
        let end = full.len() - 1 - 6; // before the MEMOIZE and the next string
        for cut in 0..end {
            assert_eq!(first_arch(&full[..cut]), None, "cut at {cut}");
        }
        assert_eq!(first_arch(&full[..end]).as_deref(), Some("|a~0|"));
    }

    #[test]
    fn anything_else_first_is_not_known() {
        // Another key first, the list not right after the key, a MARK before the key's value,
        // a list of something else, a dict nested, invalid UTF-8.
        let cases: [&[u8]; 8] = [
            b"\x80\x04}\x94(\x8c\x0aarch2infos]\x94(\x8c\x03|a|",
            b"\x80\x04}\x94(\x8c\x0ameta_archs(\x8c\x03|a|",
            b"\x80\x04}\x94(\x8c\x0ameta_archs](]\x8c\x03|a|",
            b"\x80\x04}\x94(\x8c\x0ameta_archs]\x94(K\x01",
            b"\x80\x04}(}\x8c\x0ameta_archs]\x94(\x8c\x03|a|",
            b"\x80\x04}\x94(\x8c\x0ameta_archs]\x94(\x8c\x02\xff\xfe",
            b"\x80\x04]\x94(\x8c\x0ameta_archs]\x94(\x8c\x03|a|",
            b"\x80\x04}\x94(\x8c\x0ameta_archs]]\x94(\x8c\x03|a|",
        ];
        for (i, p) in cases.iter().enumerate() {
            assert_eq!(first_arch(p), None, "case {i}");
        }
        // The string right after the list's MARK is taken, not one after the key alone.
        assert_eq!(first_arch(b"}(\x8c\x0ameta_archs](\x8c\x03|a|").as_deref(), Some("|a|"));
        assert_eq!(first_arch(b"\x8c\x0ameta_archs](\x8c\x03|a|").as_deref(), Some("|a|"));
    }

    /// bz2 of `pickle` as Python writes it (the crate has no bz2 encoder of its own; the
    /// integration tests use python3 the same way).
    fn packed(pickle: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let script =
            "import bz2,sys; sys.stdout.buffer.write(bz2.compress(sys.stdin.buffer.read(), 9))";
        let mut child = std::process::Command::new("python3")
            .args(["-c", script])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3");
        child.stdin.take().unwrap().write_all(pickle).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        out.stdout
    }

    #[test]
    fn the_space_is_peeked_from_the_first_bytes_and_progress_counted() {
        let dir = std::env::temp_dir().join(format!("tnb-nats-peek-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cases = [
            (proto4("|a~0|"), Some(Space::Tss)),
            (proto4("8:16:8:8:8"), Some(Space::Sss)),
            (proto4("neither"), None),
            (b"\x80\x04N.".to_vec(), None),
        ];
        for (i, (pickle, want)) in cases.into_iter().enumerate() {
            let path = dir.join(format!("{i}.pickle.pbz2"));
            let bytes = packed(&pickle);
            std::fs::write(&path, &bytes).unwrap();
            let src = Pbz2::open(&path, 1 << 20).unwrap();
            assert_eq!(src.size, bytes.len() as u64);
            assert_eq!(peek_space(&src).unwrap(), want, "case {i}");
            // The whole (small) file was read through the counter.
            assert_eq!(src.done(), bytes.len() as u64, "case {i}");
            let mut all = Vec::new();
            src.reopen().unwrap().read_to_end(&mut all).unwrap();
            assert_eq!(all, pickle);
        }
        // Longer than PEEK_BYTES: only that much is decoded, and the space still told.
        let mut big = proto4("8:8:8:8:16");
        big.resize(PEEK_BYTES * 3, b'.');
        let path = dir.join("big.pickle.pbz2");
        std::fs::write(&path, packed(&big)).unwrap();
        let src = Pbz2::open(&path, 1 << 20).unwrap();
        assert_eq!(peek_space(&src).unwrap(), Some(Space::Sss));
        // A file that changed size between passes is refused by the next one.
        std::fs::write(&path, packed(&big[..100])).unwrap();
        let e = src.reopen().err().unwrap().to_string();
        assert!(e.contains("changed size while being read"), "{e}");
        // Damaged bz2: the file's error, named.
        let path = dir.join("bad.pickle.pbz2");
        std::fs::write(&path, b"BZh9 not really").unwrap();
        let src = Pbz2::open(&path, 1 << 20).unwrap();
        let e = peek_space(&src).unwrap_err().to_string();
        assert!(e.starts_with(&format!("{}: ", path.display())), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
