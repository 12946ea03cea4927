//! Reads `torch.save` files without executing anything.
//!
//! A `.pth` file is one of three things, told apart by content (never by name):
//! - **zip** (torch >= 1.6): `<folder>/data.pkl` plus `<folder>/data/<key>` tensor storages, all
//!   STORED; the folder is the file stem at save time or `archive`;
//! - **legacy** (older torch, or `_use_new_zipfile_serialization=False`): five pickles back to
//!   back, then raw storages;
//! - a **bare pickle**, which must end where the file ends (a first pickle followed by more bytes
//!   is read as torch does: a legacy file, whose first pickle must be the magic number).
//!
//! Every decision about the container is torch's (torch 2.x `torch.load`, miniz for zips, its
//! legacy loader) or the file is refused with one line naming the ambiguity: see `zipped` (end
//! records, names and lookups, the records torch dispatches on), `tar` (a file torch would open
//! as a tar archive) and `globals` / `legacy` (storage references, views and the legacy storage
//! list).
//!
//! The object pickle is parsed in place (no copy of the zip entry) by [`tnb_pickle`] with an
//! allowlist of the globals such files legitimately contain: `collections.OrderedDict`, the
//! builtin `set`/`frozenset`/`bytes` constructors and `_codecs.encode`, numpy scalars
//! (`numpy.core.multiarray.scalar` / `numpy._core.multiarray.scalar` with `numpy.dtype`), and
//! tensors (`torch._utils._rebuild_tensor_v2` over storages of float16, bfloat16, float32,
//! float64, int8-64, uint8, bool). numpy scalars and tensors become numbers (and nested lists of
//! them) that remember their dtype. Anything else is an error naming `module.name` and its offset.
//!
//! Files too large to hold in memory (NAS-Bench-201's 4.7 GB legacy file) are read by
//! [`stream_scan`] and [`stream_load`] (module [`stream`]): two passes through a buffered window,
//! the same allowlist, owned values ([`Obj`]) handed out entry by entry.
//!
//! ```no_run
//! let bytes = std::fs::read("transnas-bench_v10141024.pth")?;
//! let doc = tnb_pth::load(&bytes)?;
//! let mut out = std::io::stdout().lock();
//! tnb_pth::write_json(&doc, &mut out)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Why not `serde-pickle` for reading: it returns dicts as `BTreeMap` (sorted keys, which destroys
//! the benchmark's arch order), has no `BINPERSID` (no tensors), rejects valid pickles whose shared
//! containers are referenced twice, and cannot tell numpy dtypes apart. It is used in the tests as
//! an independent *writer* instead.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod events;
mod globals;
mod json;
mod legacy;
pub mod stream;
mod stream_hooks;
mod stream_zip;
mod tar;
mod tensor;
mod zipped;

pub use error::Error;
pub use events::{Events, big_int_problem, events, events_of, key_label};
pub use globals::{MAX_COPIED, MAX_STORAGE_KEY_LEN};
pub use json::{JsonError, write_json};
pub use stream::{
    Reopen, StreamScan, StreamTorchHooks, stream_load, stream_load_source, stream_scan,
    stream_scan_source,
};
pub use tensor::{MAX_DIMS, TENSOR_ELEMENT_SLACK};
pub use tnb_pickle::stream::{Obj, StreamLimits};
use tnb_pickle::{Limits, Pickle, Value, parse};
pub use zipped::{MAX_ZIP_VERSION, MIN_ZIP_VERSION, TorchZip, open as open_zip};

/// Which container a file was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    /// torch's zip format.
    Zip {
        /// The folder of the records inside the zip.
        folder: String,
        /// Byte order of the tensor storages (the `byteorder` record; little when absent).
        little_endian: bool,
    },
    /// torch's legacy format.
    Legacy,
    /// A bare pickle.
    Pickle,
}

impl Format {
    /// A short name: `zip`, `legacy` or `pickle`.
    pub fn name(&self) -> &'static str {
        match self {
            Format::Zip { .. } => "zip",
            Format::Legacy => "legacy",
            Format::Pickle => "pickle",
        }
    }
}

/// A loaded file: the object and where it came from.
#[derive(Debug)]
pub struct Document<'a> {
    /// The object, as an arena of plain values.
    pub pickle: Pickle<'a>,
    /// The container it was read from.
    pub format: Format,
    class_names: Vec<String>,
}

impl Document<'_> {
    /// The root value.
    pub fn root(&self) -> Value<'_> {
        self.pickle.arena.get(self.pickle.root)
    }

    /// Readable name of a class id found in a [`Value::Global`] or [`Value::Object`].
    pub fn class_name(&self, class: u32) -> String {
        globals::class_name(&self.class_names, class)
    }
}

/// Whether `file` looks like a zip (local file header magic).
pub fn is_zip(file: &[u8]) -> bool {
    file.starts_with(b"PK\x03\x04")
}

/// Loads a torch file or bare pickle from its bytes, with default limits.
pub fn load(file: &[u8]) -> Result<Document<'_>, Error> {
    load_with(file, &Limits::default())
}

/// Loads a torch file or bare pickle from its bytes under the given limits.
pub fn load_with<'a>(file: &'a [u8], limits: &Limits) -> Result<Document<'a>, Error> {
    if is_zip(file) {
        let z = zipped::open(file)?;
        let mut hooks = globals::TorchHooks::new(globals::Storages {
            by_key: z.storages,
            little_endian: z.little_endian,
            legacy: false,
        });
        let pickle = parse(z.data_pkl, &mut hooks, limits)
            .map_err(|error| Error::Pickle { part: format!("{}/data.pkl", z.folder), error })?;
        let format = Format::Zip { folder: z.folder, little_endian: z.little_endian };
        return Ok(Document { pickle, format, class_names: hooks.class_names() });
    }
    tar::refuse_tar(file)?;
    if legacy::is_legacy(file)? {
        let l = legacy::open(file)?;
        let mut hooks = globals::TorchHooks::new(globals::Storages {
            by_key: l.storages,
            little_endian: true,
            legacy: true,
        });
        let pickle = parse(l.object, &mut hooks, limits)
            .map_err(|error| Error::Pickle { part: "legacy object pickle".to_owned(), error })?;
        return Ok(Document { pickle, format: Format::Legacy, class_names: hooks.class_names() });
    }
    let mut hooks = globals::TorchHooks::new(globals::Storages::default());
    let pickle = parse(file, &mut hooks, limits)
        .map_err(|error| Error::Pickle { part: "pickle".to_owned(), error })?;
    Ok(Document { pickle, format: Format::Pickle, class_names: hooks.class_names() })
}
