//! torch's legacy format (`torch.save(..., _use_new_zipfile_serialization=False)`, and every
//! file before torch 1.6): five pickles back to back, then the raw storages.

use std::io::Write;

use crate::error::Error;
use crate::pickle::Pickler;

/// The magic number that opens a legacy file (pickled as a `LONG1` int).
pub const LEGACY_MAGIC: i128 = 0x1950a86a20f9469cfc6c;

/// The legacy format's protocol version.
pub const LEGACY_PROTOCOL_VERSION: i64 = 1001;

/// Writes a legacy torch file around an object pickle that refers to no tensor storage:
///
/// 1. the magic number [`LEGACY_MAGIC`];
/// 2. the protocol version [`LEGACY_PROTOCOL_VERSION`];
/// 3. `sys_info`: `{'protocol_version': 1001, 'little_endian': True, 'type_sizes': {'short': 2,
///    'int': 4, 'long': 4}}` (what torch on Linux x86-64 writes);
/// 4. `object_pickle`, verbatim;
/// 5. the list of storage keys, here `[]`, and so no storage data after it.
///
/// Each pickle has its own memo, as torch pickles each part separately.
///
/// ```
/// use tnb_pthwrite::{Pickler, save_legacy};
/// let mut p = Pickler::new();
/// p.str("hello");
/// let file = save_legacy(Vec::new(), &p.finish()?)?;
/// assert!(file.starts_with(b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."));
/// assert!(file.ends_with(b"\x80\x02]q\x00."));
/// # Ok::<(), tnb_pthwrite::Error>(())
/// ```
pub fn save_legacy<W: Write>(mut out: W, object_pickle: &[u8]) -> Result<W, Error> {
    if !(object_pickle.starts_with(&[0x80]) && object_pickle.ends_with(b".")) {
        return Err(Error::Misuse(
            "the object pickle must start with PROTO and end with STOP".to_owned(),
        ));
    }
    out.write_all(&legacy_header()?)?;
    out.write_all(object_pickle)?;
    out.write_all(&legacy_trailer()?)?;
    out.flush()?;
    Ok(out)
}

/// The last pickle of a legacy file without storages: the empty storage-key list `[]`. With
/// [`legacy_header`], for writing the object pickle in pieces (a file of many GB).
pub fn legacy_trailer() -> Result<Vec<u8>, Error> {
    let mut keys = Pickler::new();
    keys.begin_list(0);
    keys.end_list();
    keys.finish()
}

/// The first three pickles of a legacy file (parts 1-3 of [`save_legacy`]; 137 bytes): write
/// these, then the object pickle, then [`legacy_trailer`].
pub fn legacy_header() -> Result<Vec<u8>, Error> {
    let mut magic = Pickler::new();
    magic.int128(LEGACY_MAGIC);
    let mut version = Pickler::new();
    version.int(LEGACY_PROTOCOL_VERSION);
    let mut sys = Pickler::new();
    sys.begin_dict(3);
    sys.str("protocol_version");
    sys.int(LEGACY_PROTOCOL_VERSION);
    sys.str("little_endian");
    sys.bool(true);
    sys.str("type_sizes");
    sys.begin_dict(3);
    for (name, size) in [("short", 2), ("int", 4), ("long", 4)] {
        sys.str(name);
        sys.int(size);
    }
    sys.end_dict();
    sys.end_dict();
    let mut v = magic.finish()?;
    v.extend(version.finish()?);
    v.extend(sys.finish()?);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_trailer_match_torch() {
        // data/transnas_small_legacy.pth (torch 2.15): the first three pickles are bytes
        // 0..137, the last one the final 6 bytes.
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../data/transnas_small_legacy.pth");
        let original = std::fs::read(p).unwrap();
        let object = &original[137..original.len() - 6];
        let mine = save_legacy(Vec::new(), object).unwrap();
        assert!(mine == original);
    }

    #[test]
    fn a_non_pickle_object_is_refused() {
        assert!(save_legacy(Vec::new(), b"").is_err());
        assert!(save_legacy(Vec::new(), b"\x80\x02K\x01").is_err());
    }
}
