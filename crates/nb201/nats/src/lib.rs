//! NATS-Bench sources read without executing anything, and converted into NB201-format `.tnb`
//! archives (header family `NatsTss` / `NatsSss`; `schema/FORMAT-NB201.md`).
//!
//! Two forms, either space ([`Space`], told from `meta_archs`):
//! - a **`-simple` folder** (`meta.pickle.pbz2` plus `{i:06d}.pickle.pbz2` per arch; files are
//!   looked up as the official `reload` does, other files ignored, missing archs reported):
//!   each file is bz2-decoded within [`tnb_bz2::MAX_ARCH_PICKLE`] and read by the streaming
//!   pickle reader allowing only `collections.OrderedDict` and numpy's `scalar` / `dtype`; files
//!   are decoded on all cores ([`pipeline`]) and converted in ascending index order (archive
//!   form 1);
//! - a **single benchmark file** (`NATS-tss-v1_0-3ffb9.pickle.pbz2`): streamed in two passes,
//!   each decoding the bz2 again, never held whole (archive form 0).
//!
//! Provenance in the header: a single file's size and SHA-256; for a folder, the total bytes of
//! the files read and the SHA-256 over, for each file in reading order (meta first, then the
//! per-arch files by ascending index): its UTF-8 name, `\0`, its length as u64 LE, its bytes.
//!
//! ```
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
//!     .join("../../../data/nats/samples/NATS-sss-v1_0-50262-simple");
//! let src = tnb_nats::Source::open(&dir)?;
//! assert_eq!(src.space(), tnb_nats::Space::Sss);
//! assert_eq!(src.total_archs(), Some(32768));
//! assert_eq!(src.missing().len(), 32768 - 3);
//! let loaded = tnb_nats::load_object(&dir)?;
//! assert_eq!(loaded.archs.iter().map(|a| a.0).collect::<Vec<_>>(), [0, 11, 284]);
//! # Ok::<(), tnb_nats::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod convert;
mod decode;
mod error;
mod folder;
pub mod pipeline;
mod single;
mod source;
mod space;

pub use convert::{
    MISSING_LISTED, Rebuilt, Summary, compare_source, convert, convert_with, load_object,
    missing_text, rebuild_payload,
};
pub use decode::{ARCH_LIMITS, MAX_ARCH_FILE, decode_bytes, decode_file, pickle_object};
pub use error::Error;
pub use folder::{ARCH_SUFFIX, MAX_FOLDER_ENTRIES, META_FILE, is_folder};
pub use single::{MAX_SINGLE_PICKLE, PEEK_BYTES};
pub use source::{Form, Loaded, Options, Source};
pub use space::Space;
pub use tnb_nb201_convert::Phase;
