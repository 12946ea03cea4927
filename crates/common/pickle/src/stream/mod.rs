//! Streaming reads of pickles too large to hold as one arena (NAS-Bench-201's 4.7 GB file, with
//! hundreds of millions of objects): objects are owned ([`Obj`]) and handed out as they complete.
//!
//! Two passes over any `Read` (a buffered window, never the whole input):
//! 1. [`scan`] reads the opcodes only: it marks every memo id that a later get reads (a bitmap,
//!    an eighth of a byte per id), finds the pickle's end and the top-level dict's keys;
//! 2. [`load`] runs the machine, keeping only the memo entries pass 1 marked, and hands each
//!    entry of the dict at `top[split_key]` to a callback as soon as it is complete, then drops
//!    it. Memory is bounded by the kept memo entries plus about two entries ([`StreamLimits`]),
//!    never by the number of objects in the file.
//!
//! Opcodes mean what they mean to the arena reader ([`crate::parse`]): the same text semantics,
//! Python 2 renames, key merging and refusals; globals go to the caller's [`StreamHooks`].
//! What the streaming reader refuses beyond the arena reader, each with one line naming it:
//! persistent ids (tensors), reference cycles and shared
//! containers that change after they are read, a get of a container dropped with an earlier
//! entry ([`crate::ErrorKind::Dropped`]), and a streamed dict whose items turn out not to be
//! stored by `SETITEMS`.
//!
//! ```
//! use tnb_pickle::stream::{load, scan, Obj, PlainStream, StreamLimits};
//! // pickle.dumps({'meta': 1, 'archs': {0: 'a', 1: 'b', 2: 'c'}}, protocol=2)
//! let p = b"\x80\x02}q\x00(X\x04\x00\x00\x00metaq\x01K\x01X\x05\x00\x00\x00archsq\x02}q\x03(K\x00X\x01\x00\x00\x00aq\x04K\x01X\x01\x00\x00\x00bq\x05K\x02X\x01\x00\x00\x00cq\x06uu.";
//! let limits = StreamLimits::default();
//! let s = scan(&p[..], p.len() as u64, &limits, &mut |_| {})?;
//! assert_eq!(s.top_keys, Some(vec!["meta".to_owned(), "archs".to_owned()]));
//! let mut seen = Vec::new();
//! let top = load(&p[..], &s, &mut PlainStream, Some("archs"), &limits,
//!     &mut |k, v| { seen.push((k, v)); Ok(()) }, &mut |_| {})?;
//! assert_eq!(seen.len(), 3);
//! assert_eq!(top.get("archs"), Some(&Obj::Dict { items: vec![], ordered: false }));
//! # Ok::<(), tnb_pickle::Error>(())
//! ```

mod hooks;
mod ids;
mod input;
mod keys;
pub mod limits;
mod obj;
mod scan;
mod vm;

pub use hooks::{Item, PlainStream, StreamHooks};
pub use limits::StreamLimits;
pub use obj::{NotOwned, Obj};
pub use scan::{Scan, ScanStats, scan, scan_unsized};
pub use vm::load;
