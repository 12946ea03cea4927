//! One `.pickle.pbz2` file held in memory (a per-arch file or `meta.pickle.pbz2`): bz2
//! decoding bounded by [`tnb_bz2::MAX_ARCH_PICKLE`], then the pickle read by the streaming
//! reader with only the numpy-data globals allowed (`collections.OrderedDict`, numpy's
//! `scalar` and `dtype`). The streaming reader, not the arena, because it keeps an
//! `OrderedDict` apart from a `dict` (the per-arch top level and every `train_times` are
//! OrderedDicts, and the archive keeps the kind).

use std::io::Read;
use std::path::Path;

use tnb_bz2::MAX_ARCH_PICKLE;
use tnb_pickle::stream::{self, Obj, StreamLimits};
use tnb_pth::StreamTorchHooks;

use crate::error::Error;

/// The reader's limits for one per-arch or meta pickle: the defaults, with the size bounded by
/// [`MAX_ARCH_PICKLE`] (the whole object is built at once; the default
/// [`tnb_pickle::stream::limits::DEFAULT_MAX_ENTRY_ITEMS`] bounds its values).
pub const ARCH_LIMITS: StreamLimits = StreamLimits {
    max_pickle_size: MAX_ARCH_PICKLE,
    max_memo_id: tnb_pickle::stream::limits::DEFAULT_MAX_MEMO_ID,
    max_kept_bytes: tnb_pickle::stream::limits::DEFAULT_MAX_KEPT_BYTES,
    max_stack: tnb_pickle::stream::limits::DEFAULT_MAX_STACK,
    max_marks: tnb_pickle::stream::limits::DEFAULT_MAX_MARKS,
    max_entry_items: tnb_pickle::stream::limits::DEFAULT_MAX_ENTRY_ITEMS,
    max_entry_bytes: tnb_pickle::stream::limits::DEFAULT_MAX_ENTRY_BYTES,
    max_str_len: tnb_pickle::stream::limits::DEFAULT_MAX_STR_LEN,
    max_depth: tnb_pickle::stream::limits::DEFAULT_MAX_DEPTH,
};

/// The object of the `.pickle.pbz2` bytes `packed` (a file named `name` in errors).
pub fn decode_bytes(packed: &[u8], name: &str) -> Result<Obj, Error> {
    let pickle = tnb_bz2::decompress(packed, MAX_ARCH_PICKLE).map_err(|e| Error::bz2(name, e))?;
    pickle_object(&pickle, name)
}

/// Largest per-arch or meta file read, compressed: [`MAX_ARCH_PICKLE`] (bz2 never makes data
/// much larger, so a bigger file could not decode within the limit anyway).
pub const MAX_ARCH_FILE: u64 = MAX_ARCH_PICKLE;

/// The bytes of the regular file at `path` (a FIFO or device is refused before it is read), at
/// most [`MAX_ARCH_FILE`].
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    let what = || format!("reading {}", path.display());
    let (f, meta) = tnb_schema::file::open_regular(path).map_err(|e| Error::io(what(), e))?;
    if meta.len() > MAX_ARCH_FILE {
        return Err(Error::file(
            &path.display().to_string(),
            format!(
                "{} bytes: larger than any NATS-Bench per-arch or meta file can be \
                 (MAX_ARCH_FILE = {MAX_ARCH_FILE})",
                meta.len()
            ),
        ));
    }
    let mut out = Vec::with_capacity(meta.len() as usize);
    f.take(MAX_ARCH_FILE + 1).read_to_end(&mut out).map_err(|e| Error::io(what(), e))?;
    Ok(out)
}

/// The object of the `.pickle.pbz2` file at `path` (a per-arch or meta file).
pub fn decode_file(path: &Path) -> Result<Obj, Error> {
    decode_bytes(&read_file(path)?, &path.display().to_string())
}

/// The object of an (uncompressed) pickle of NATS-Bench data.
pub fn pickle_object(pickle: &[u8], name: &str) -> Result<Obj, Error> {
    let perr = |e: tnb_pickle::Error| Error::pickle(name, e);
    let scan =
        stream::scan(pickle, pickle.len() as u64, &ARCH_LIMITS, &mut |_| {}).map_err(perr)?;
    if scan.len != pickle.len() as u64 {
        return Err(Error::file(
            name,
            format!(
                "{} bytes follow the pickle's end (at byte {})",
                pickle.len() as u64 - scan.len,
                scan.len
            ),
        ));
    }
    let mut hooks = StreamTorchHooks::numpy_data();
    stream::load(pickle, &scan, &mut hooks, None, &ARCH_LIMITS, &mut |_, _| Ok(()), &mut |_| {})
        .map_err(perr)
}
