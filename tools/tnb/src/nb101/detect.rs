//! Which files are NAS-Bench-101's, from their content: a TFRecord source by its framing, an
//! archive by its header's family (4).

use std::io::Read;
use std::path::Path;

use tnb_schema::header::{FAMILY_AT, Family};

/// The first `n` bytes of a regular file (fewer if it is shorter; none if it cannot be read).
fn head(path: &Path, n: usize) -> Vec<u8> {
    let Ok((mut f, _)) = tnb_schema::file::open_regular(path) else {
        return Vec::new();
    };
    let mut buf = vec![0u8; n];
    let mut got = 0;
    while got < n {
        match f.read(&mut buf[got..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => got += k,
        }
    }
    buf.truncate(got);
    buf
}

/// Whether the first bytes of a file are the header of a NAS-Bench-101 archive.
pub fn is_nb101_header(head: &[u8]) -> bool {
    head.starts_with(&tnb_schema::header::MAGIC[..4])
        && head.get(FAMILY_AT..FAMILY_AT + 4).is_some_and(|f| {
            Family::from_code(u32::from_le_bytes([f[0], f[1], f[2], f[3]])) == Some(Family::Nb101)
        })
}

/// Whether `path` is a NAS-Bench-101 archive (anything unreadable says no: the caller's own
/// open then reports the problem).
pub fn is_nb101_archive(path: &Path) -> bool {
    is_nb101_header(&head(path, 64))
}

/// Whether `path` is a TFRecord file: its first record's length field and CRC are TensorFlow's
/// framing (`tnb_tfrecord::is_tfrecord`).
pub fn is_tfrecord(path: &Path) -> bool {
    tnb_tfrecord::is_tfrecord(&head(path, 12))
}
