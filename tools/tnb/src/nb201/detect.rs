//! Which benchmark a file holds, from its content: an archive says so in its header (the family
//! field, bytes 44..48); a `.pth` is NAS-Bench-201 when its top-level dict has the three keys the
//! official API requires (`meta_archs`, `arch2infos`, `evaluated_indexes`), as the stream
//! reader's first pass finds them.

use std::io::Read;
use std::path::Path;

use tnb_schema::header::{FAMILY_AT, Family};

/// The keys whose presence in the top-level dict makes a `.pth` NAS-Bench-201 (the keys
/// `NASBench201API` asserts).
pub const NB201_KEYS: [&str; 3] = ["meta_archs", "arch2infos", "evaluated_indexes"];

/// Whether the first bytes of a file are the header of an archive in the NB201 format
/// (NAS-Bench-201, or either NATS-Bench space).
pub fn is_nb201_header(head: &[u8]) -> bool {
    head.starts_with(&tnb_schema::header::MAGIC[..4])
        && head.get(FAMILY_AT..FAMILY_AT + 4).is_some_and(|f| {
            Family::from_code(u32::from_le_bytes([f[0], f[1], f[2], f[3]]))
                .is_some_and(Family::is_nb201_format)
        })
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
pub fn is_nb201_keys(keys: Option<&[String]>) -> bool {
    keys.is_some_and(|keys| NB201_KEYS.iter().all(|k| keys.iter().any(|have| have == k)))
}

/// Pass 1 over a source whose family is not known yet, with `bar` showing it: the scan when the
/// file is NAS-Bench-201, `None` when it is not (the TransNAS reader then takes it, and gives
/// its own error for a file that is neither). A file too large for the TransNAS reader must be
/// NB201: anything else is an error naming what pass 1 found.
pub fn scan_source(
    path: &Path,
    bar: &mut crate::nb201::progress::Passes,
) -> Result<Option<tnb_pth::StreamScan>, crate::fail::Fail> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let too_big_for_transnas = size > tnb_pickle::limits::HARD_MAX_INPUT;
    let limits = tnb_pth::StreamLimits::default();
    let scan = tnb_pth::stream_scan(path, &limits, &mut |d, n| bar.update(d, n));
    match scan {
        Ok(scan) if is_nb201_keys(scan.top_keys.as_deref()) => Ok(Some(scan)),
        Ok(scan) if too_big_for_transnas => Err(crate::fail::Fail::input(format!(
            "{}: not NAS-Bench-201 (its top-level keys are {}; expected meta_archs, arch2infos \
             and evaluated_indexes), and too large for the TransNAS-Bench-101 reader ({size} \
             bytes, over {} bytes)",
            path.display(),
            key_list(scan.top_keys.as_deref()),
            tnb_pickle::limits::HARD_MAX_INPUT
        ))),
        Err(e) if too_big_for_transnas => {
            Err(crate::fail::Fail::input(format!("{}: {e}", path.display())))
        }
        _ => Ok(None),
    }
}

/// The first top-level keys, quoted, for a message.
fn key_list(keys: Option<&[String]>) -> String {
    let Some(keys) = keys else {
        return "none (the object is not a dict)".to_owned();
    };
    if keys.is_empty() {
        return "none".to_owned();
    }
    let shown: Vec<String> =
        keys.iter().take(8).map(|k| tnb_api::py_repr_str(&tnb_api::short(k))).collect();
    let more = if keys.len() > 8 { format!(" and {} more", keys.len() - 8) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}
