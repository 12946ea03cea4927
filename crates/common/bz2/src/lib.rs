//! Bounded bz2 decoding for untrusted files (NATS-Bench's `.pickle.pbz2`): every decoder here
//! stops with an error as soon as its output passes the caller's limit, so a bz2 bomb (a small
//! file that expands enormously) costs at most `limit` bytes of memory (less when streamed) and
//! the time to decode them. Decoding is `bzip2`'s pure-Rust port of libbzip2
//! (`libbz2-rs-sys`, no C).
//!
//! Streams are read as Python's `bz2.BZ2File` reads them: one or more concatenated bz2 streams;
//! after the first stream, trailing bytes that do not begin another stream's signature are
//! ignored (Python ignores them too); a stream cut short is an error (Python: "Compressed file
//! ended before the end-of-stream marker was reached"). Every error is one line, naming the file
//! when the caller gave its name ([`Decoder::named`], [`decompress_file`]).
//!
//! ```
//! use std::io::{Read, Write};
//! let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
//! enc.write_all(b"hello").unwrap();
//! let packed = enc.finish().unwrap();
//! assert_eq!(tnb_bz2::decompress(&packed, 5).unwrap(), b"hello");
//! let e = tnb_bz2::decompress(&packed, 4).unwrap_err();
//! assert!(matches!(e.kind, tnb_bz2::ErrorKind::TooLarge { limit: 4 }));
//! // Streaming, with the file named in errors.
//! let mut text = String::new();
//! tnb_bz2::Decoder::new(&packed[..], 5).named("x.pbz2").read_to_string(&mut text).unwrap();
//! assert_eq!(text, "hello");
//! let e = tnb_bz2::decompress(&packed[..packed.len() - 3], 5).unwrap_err();
//! assert!(matches!(e.kind, tnb_bz2::ErrorKind::Truncated { .. }));
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod decoder;
mod error;

pub use decoder::Decoder;
pub use error::{Error, ErrorKind};

use std::io::Read;
use std::path::Path;

/// Largest decoded size of one NATS-Bench per-arch or meta file (`{i:06d}.pickle.pbz2`,
/// `meta.pickle.pbz2`): 256 MiB. The real files decode to 0.08-1.4 MB; the bound only makes a
/// bomb (or a file that is not one of these) stop early, at a memory cost the machine can pay.
pub const MAX_ARCH_PICKLE: u64 = 256 << 20;

/// Bytes of compressed input a [`Decoder`] reads from its source at a time.
pub const INPUT_BUFFER: usize = 64 << 10;

/// Decodes all of `bytes` (one or more concatenated bz2 streams, as Python's `bz2.BZ2File`
/// reads them), refusing output beyond `limit` bytes: the result never holds, nor reserves,
/// more than `limit + 1` bytes.
pub fn decompress(bytes: &[u8], limit: u64) -> Result<Vec<u8>, Error> {
    read_all(Decoder::new(bytes, limit), bytes.len(), limit)
}

/// [`decompress`] of the file at `path`, whose name is given in every error.
pub fn decompress_file(path: &Path, limit: u64) -> Result<Vec<u8>, Error> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::io(e).named(&name))?;
    read_all(Decoder::new(&bytes[..], limit).named(&name), bytes.len(), limit)
}

/// Reads a decoder to its end into a vector grown in steps, never past `limit + 1` bytes (the
/// decoder fails at `limit + 1`).
fn read_all<R: Read>(mut d: Decoder<R>, packed: usize, limit: u64) -> Result<Vec<u8>, Error> {
    let cap = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    // bz2 at level 9 packs a NATS-Bench pickle about 4:1; start there.
    let mut out: Vec<u8> = Vec::new();
    let mut len = 0usize;
    let mut step = packed.saturating_mul(4).clamp(1 << 12, 1 << 26);
    loop {
        if len == out.len() {
            let grow = step.min(cap - len);
            out.try_reserve_exact(grow).map_err(|_| Error::out_of_memory(grow))?;
            out.resize(len + grow, 0);
            step = step.saturating_mul(2).min(1 << 28);
        }
        match d.read(&mut out[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::from_io(e)),
        }
    }
    out.truncate(len);
    out.shrink_to_fit();
    Ok(out)
}
