//! Reading a NAS-Bench-201 `.pth` for the verbs that convert it (convert, verify --source): the
//! stream reader's pass 2 feeding the converter, and the source's SHA-256 (the provenance the
//! header records), computed on the other core while the reader decodes.

use std::io::Read;
use std::path::Path;

use tnb_nb201_convert::Converter;
use tnb_pth::{Obj, StreamLimits, StreamScan};

/// The key of the dict the reader streams: `arch2infos`, one entry per architecture.
pub const SPLIT_KEY: &str = "arch2infos";

/// Bytes read at a time while hashing.
const HASH_CHUNK: usize = 1 << 20;

/// SHA-256 and size of the file at `path`, read in chunks (memory stays constant).
pub fn sha256_file(path: &Path) -> std::io::Result<([u8; 32], u64)> {
    use sha2::Digest;
    let (mut f, _) = tnb_schema::file::open_regular(path)?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; HASH_CHUNK];
    let mut len = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        len += n as u64;
    }
    Ok((h.finalize().into(), len))
}

/// Pass 2 over a scanned source: every `arch2infos` entry goes to `conv` as it completes, and
/// the top-level object is returned. Errors are one line naming the file.
pub fn feed<W: std::io::Write>(
    path: &Path,
    scan: &StreamScan,
    conv: &mut Converter<W>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Obj, String> {
    let limits = StreamLimits::default();
    let mut on_entry = |k: Obj, v: Obj| conv.entry(&k, &v).map_err(|e| e.to_string());
    tnb_pth::stream_load(path, scan, SPLIT_KEY, &limits, &mut on_entry, progress)
        .map_err(|e| e.to_string())
}
