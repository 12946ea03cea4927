//! Writes pickles and torch files the way CPython and torch do.
//!
//! The counterpart of `tnb-pickle` and `tnb-pth` (which read): this crate produces the bytes
//! that Python's `pickle.dumps(obj, protocol=2)` and `torch.save(obj, path)` produce for data
//! made of dicts, lists, tuples, strings, floats, ints, bools and `None`. It exists to make
//! look-alike benchmark files and test inputs without Python or torch.
//!
//! - [`Pickler`]: a streaming protocol-2 (or, with [`Pickler::protocol4`], protocol-4) pickle
//!   writer with CPython's opcode choices (batches of
//!   1000, memo puts and gets, `BININT1`/`BININT2`/`BININT`/`LONG1`, big-endian `BINFLOAT`).
//!   Identity is explicit: [`Pickler::str`] and the `begin_*` methods return a [`Memo`], and
//!   [`Pickler::get`] writes that same object again.
//! - [`Value`] and [`dumps`]: a value tree whose `Rc`s model Python object identity, pickled
//!   through the same writer.
//! - [`save_zip`] / [`TorchZipWriter`]: torch 2.x's zip container (STORED records aligned to 64
//!   bytes by an `FB` extra field, data descriptors, ZIP64 end records, torch's extra records and
//!   serialization id), byte-identical to what torch 2.15 writes on Linux.
//! - [`save_legacy`]: torch's legacy format (five pickles); [`legacy_header`] and
//!   [`legacy_trailer`] with [`Pickler::drain_into`] write one of any size in pieces.
//! - Reduced objects ([`Pickler::global`], [`Pickler::begin_reduce`]): numpy scalars,
//!   `collections.OrderedDict`, anything pickled through `__reduce__`.
//!
//! ```
//! use tnb_pthwrite::{Pickler, save_legacy, save_zip};
//!
//! // {'task_list': ['jigsaw'], 'data': {'jigsaw': [0.5, 0.25]}} where both 'jigsaw' are one
//! // string object, as in a dict built by a Python loop.
//! let mut p = Pickler::new();
//! p.begin_dict(2);
//! p.str("task_list");
//! p.begin_list(1);
//! let jigsaw = p.str("jigsaw");
//! p.end_list();
//! p.str("data");
//! p.begin_dict(1);
//! p.get(jigsaw);
//! p.begin_list(2);
//! p.float(0.5);
//! p.float(0.25);
//! p.end_list();
//! p.end_dict();
//! p.end_dict();
//! let pickle = p.finish()?;
//!
//! // As torch.save(obj, "tiny.pth") and torch.save(obj, f, _use_new_zipfile_serialization=False).
//! let zip = save_zip(Vec::new(), "tiny", &pickle, &[])?;
//! let legacy = save_legacy(Vec::new(), &pickle)?;
//! assert!(zip.starts_with(b"PK\x03\x04"));
//! assert!(legacy.windows(pickle.len()).any(|w| w == pickle));
//! # Ok::<(), tnb_pthwrite::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod legacy;
mod pickle;
mod proto4;
mod serial_id;
mod value;
mod zip;

pub use error::Error;
pub use legacy::{
    LEGACY_MAGIC, LEGACY_PROTOCOL_VERSION, legacy_header, legacy_trailer, save_legacy,
};
pub use pickle::{BATCH_SIZE, Memo, PROTOCOL, PROTOCOL_4, Pickler};
pub use proto4::FRAME_SIZE_TARGET;
pub use value::{DumpOptions, MAX_DEPTH, Value, dumps, dumps_with};
pub use zip::{ALIGNMENT, TorchZipWriter, folder_for_path, records, save_zip, save_zip_with_crc};

#[cfg(test)]
mod tests;
