//! Which benchmark a file holds, from its content: an archive says so in its header (the family
//! field, bytes 44..48); a `.pth` is NAS-Bench-201 when its top-level dict has the three keys the
//! official API requires (`meta_archs`, `arch2infos`, `evaluated_indexes`), as the stream
//! reader's first pass finds them.

use std::io::Read;
use std::path::Path;

/// The header's family field (u32, little-endian) of a NAS-Bench-201 archive.
pub const FAMILY_NB201: u32 = 1;

/// Where the family field is in the header.
const FAMILY_AT: std::ops::Range<usize> = 44..48;

/// The keys whose presence in the top-level dict makes a `.pth` NAS-Bench-201 (the keys
/// `NASBench201API` asserts).
pub const NB201_KEYS: [&str; 3] = ["meta_archs", "arch2infos", "evaluated_indexes"];

/// Whether the first bytes of a file are a NAS-Bench-201 archive's header.
pub fn is_nb201_header(head: &[u8]) -> bool {
    head.starts_with(&tnb_schema::header::MAGIC[..4])
        && head.get(FAMILY_AT).is_some_and(|f| f == FAMILY_NB201.to_le_bytes())
}

/// Whether `path` is a NAS-Bench-201 archive. Anything that cannot be read says no: the
/// caller's own open then reports the problem as it always has.
pub fn is_nb201_archive(path: &Path) -> bool {
    let Ok((mut f, _)) = tnb_schema::file::open_regular(path) else {
        return false;
    };
    let mut head = [0u8; 64];
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    is_nb201_header(&head[..n])
}

/// Whether a top-level key list (the stream reader's pass 1) is NAS-Bench-201's.
pub fn is_nb201_keys(keys: &[String]) -> bool {
    NB201_KEYS.iter().all(|k| keys.iter().any(|have| have == k))
}
