//! Streaming reads of pickles too large to hold as one arena (NAS-Bench-201's 4.7 GB file, with
//! hundreds of millions of objects): objects are owned ([`Obj`]) and handed out as they complete.

mod obj;

pub use obj::Obj;
