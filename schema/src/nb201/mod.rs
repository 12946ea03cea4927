//! NAS-Bench-201 and NATS-Bench (`.tnb` archives whose header names family 1, 2 or 3): the
//! archived types, the payload
//! framing, their schema text and hash, and the small codes stored in the payload. The
//! byte-level specification is `schema/FORMAT-NB201.md`.
//!
//! The payload is three parts, in this order:
//! 1. the **cells**: `cells` little-endian 8-byte values (f64 bits, i64, run-length pairs), the
//!    per-epoch numbers of every run, addressed by u64 cell indexes so that the archive may pass
//!    4 GiB;
//! 2. zero padding to a 16-byte boundary, then the **rkyv root** ([`Nb201`]): names, tables,
//!    per-run records and dict layouts, all flat columns (a few tens of MB for the real files);
//! 3. the [`TRAILER_LEN`]-byte **trailer** ([`Trailer`]) that says where parts 1 and 2 are.

pub mod codes;
// rkyv generates the `Archived*` mirrors of these types, whose fields cannot carry docs.
#[allow(missing_docs)]
pub mod model;

use crate::fnv1a;
pub use model::{
    ArchivedGeneric, ArchivedKeysets, ArchivedNb201, ArchivedSeries, Generic, Keysets, Nb201,
    Series,
};

/// Version of the NB201 payload format. Bumped on any change to the payload types or framing;
/// a reader accepts exactly its own version.
pub const FORMAT_VERSION: u32 = 2;

/// A description of every archived type, field by field, in order, and of the framing. Its hash
/// is written in the header. Keep it in step with `model.rs` (a test checks the field names).
pub const SCHEMA: &str = "\
NB201{cells:[u64le;cells],pad16,root:Nb201,trailer:{magic:[u8;8],cells:u64,root_offset:u64,\
root_len:u64}}\
Nb201{str_offsets:Vec<u32>,str_bytes:Vec<u8>,str_slots:Vec<u32>,meta_archs:Vec<u32>,\
meta_slots:Vec<u32>,evaluated:Vec<i64>,generic:Generic,top:u32,form:u32,entry_keys:Vec<i64>,\
entry_flags:Vec<u8>,key_slots:Vec<u32>,entry_recs:Vec<u32>,rec_hp:Vec<u32>,ar_index:Vec<i64>,ar_str:Vec<u32>,ar_flags:Vec<u8>,\
ar_runs:Vec<u32>,ar_datasets:Vec<u32>,ds_name:Vec<u32>,ds_seeds:Vec<u32>,seeds:Vec<i64>,\
run_dataset:Vec<u32>,run_seed:Vec<i64>,run_name:Vec<u32>,run_seed_str:Vec<u32>,\
run_epochs:Vec<i64>,run_flags:Vec<u8>,run_params_type:Vec<u8>,run_params:Vec<u64>,\
run_flop_type:Vec<u8>,run_flop:Vec<u64>,run_config:Vec<u32>,config_keys:Vec<u32>,\
config_types:Vec<u8>,config_vals:Vec<u64>,run_eval_names:Vec<u32>,eval_names:Vec<u32>,series:Series,keysets:Keysets,mixed_types:Vec<u8>}\
Series{form:Vec<u8>,ty:Vec<u8>,keys:Vec<u32>,at:Vec<u64>,aux:Vec<u64>}\
Keysets{start:Vec<u64>,flags:Vec<u8>,items:Vec<i64>,sorted:Vec<u32>}\
Generic{kinds:Vec<u8>,a:Vec<u64>,b:Vec<u64>,children:Vec<u32>,bytes:Vec<u8>}\
rkyv=0.8.18;little_endian;aligned;pointer_width_32;slots=fnv1a;series=8;nodes=18;forms=2";

/// FNV-1a of [`SCHEMA`], written in every NB201 header.
pub const SCHEMA_HASH: u64 = fnv1a(SCHEMA.as_bytes());

/// Length of the payload trailer.
pub const TRAILER_LEN: usize = 32;

/// The trailer's first 8 bytes.
pub const TRAILER_MAGIC: [u8; 8] = *b"NB201END";

/// Alignment of the rkyv root inside the payload (and of the payload in memory).
pub const ROOT_ALIGN: u64 = 16;

/// The payload trailer: where the cells and the rkyv root are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trailer {
    /// Number of 8-byte cells at the start of the payload.
    pub cells: u64,
    /// Position of the rkyv root's bytes in the payload (a multiple of [`ROOT_ALIGN`]).
    pub root_offset: u64,
    /// Length of the rkyv root's bytes.
    pub root_len: u64,
}

impl Trailer {
    /// The trailer of a payload with `cells` cells followed by a `root_len`-byte root.
    pub fn new(cells: u64, root_len: u64) -> Trailer {
        Trailer { cells, root_offset: Trailer::root_offset_for(cells), root_len }
    }

    /// Where the root starts after `cells` cells (the next multiple of [`ROOT_ALIGN`]).
    pub fn root_offset_for(cells: u64) -> u64 {
        cells.saturating_mul(8).div_ceil(ROOT_ALIGN).saturating_mul(ROOT_ALIGN)
    }

    /// The 32 bytes.
    pub fn encode(&self) -> [u8; TRAILER_LEN] {
        let mut b = [0u8; TRAILER_LEN];
        b[..8].copy_from_slice(&TRAILER_MAGIC);
        b[8..16].copy_from_slice(&self.cells.to_le_bytes());
        b[16..24].copy_from_slice(&self.root_offset.to_le_bytes());
        b[24..32].copy_from_slice(&self.root_len.to_le_bytes());
        b
    }

    /// Decodes and checks the trailer of `payload`: the magic, and that cells, padding, root
    /// and trailer tile the payload exactly. `Err` is a one-line reason.
    pub fn decode(payload: &[u8]) -> Result<Trailer, String> {
        let n = payload.len();
        if n < TRAILER_LEN {
            return Err(format!(
                "the payload is {n} bytes, shorter than its {TRAILER_LEN}-byte trailer"
            ));
        }
        let t = &payload[n - TRAILER_LEN..];
        if t[..8] != TRAILER_MAGIC {
            return Err("the payload trailer's magic bytes are wrong".into());
        }
        let u = |i: usize| {
            let mut a = [0u8; 8];
            a.copy_from_slice(&t[i..i + 8]);
            u64::from_le_bytes(a)
        };
        let tr = Trailer { cells: u(8), root_offset: u(16), root_len: u(24) };
        let end =
            tr.root_offset.checked_add(tr.root_len).and_then(|e| e.checked_add(TRAILER_LEN as u64));
        let ok = tr.cells.checked_mul(8).is_some()
            && tr.root_offset == Trailer::root_offset_for(tr.cells)
            && end == Some(n as u64);
        if !ok {
            return Err(format!(
                "the payload trailer places {} cells and a {}-byte root at {} in a {n}-byte payload",
                tr.cells, tr.root_len, tr.root_offset
            ));
        }
        Ok(tr)
    }
}

/// The hash of the open-addressing tables (`str_slots`, `meta_slots`): 64-bit FNV-1a of the
/// string's UTF-8 bytes.
pub fn str_hash(s: &[u8]) -> u64 {
    fnv1a(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_text_names_every_field_of_the_model() {
        let src = include_str!("model.rs");
        let mut n = 0;
        for field in src.lines().filter_map(|l| {
            let rest = l.trim().strip_prefix("pub ")?;
            let (name, _) = rest.split_once(':')?;
            (!name.contains(' ') && !name.contains('(')).then(|| name.to_owned())
        }) {
            n += 1;
            assert!(SCHEMA.contains(&format!("{field}:")), "SCHEMA does not mention {field}");
        }
        assert!(n > 40, "{n} fields found");
    }

    #[test]
    fn trailer_round_trip_and_refusals() {
        let t = Trailer::new(3, 40);
        assert_eq!(t.root_offset, 32);
        let mut p = vec![0u8; 32 + 40];
        p.extend_from_slice(&t.encode());
        assert_eq!(Trailer::decode(&p), Ok(t));
        assert!(Trailer::decode(&p[1..]).is_err());
        assert!(Trailer::decode(&p[..10]).unwrap_err().contains("shorter"));
        let mut bad = p.clone();
        let l = bad.len();
        bad[l - 32] ^= 1;
        assert!(Trailer::decode(&bad).unwrap_err().contains("magic"));
        let mut huge = p;
        huge[l - 24..l - 16].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(Trailer::decode(&huge).is_err());
    }
}

#[cfg(test)]
mod layout_tests {
    use std::mem::{align_of, offset_of, size_of};

    use super::*;

    /// FORMAT-NB201.md's tables of the root's byte layout.
    #[test]
    fn archived_layout_matches_format_nb201_md() {
        assert_eq!((size_of::<ArchivedNb201>(), align_of::<ArchivedNb201>()), (408, 4));
        assert_eq!(offset_of!(ArchivedNb201, evaluated), 40);
        assert_eq!(offset_of!(ArchivedNb201, generic), 48);
        assert_eq!(offset_of!(ArchivedNb201, top), 88);
        assert_eq!(offset_of!(ArchivedNb201, form), 92);
        assert_eq!(offset_of!(ArchivedNb201, entry_keys), 96);
        assert_eq!(offset_of!(ArchivedNb201, key_slots), 112);
        assert_eq!(offset_of!(ArchivedNb201, entry_recs), 120);
        assert_eq!(offset_of!(ArchivedNb201, rec_hp), 128);
        assert_eq!(offset_of!(ArchivedNb201, ar_index), 136);
        assert_eq!(offset_of!(ArchivedNb201, ds_name), 176);
        assert_eq!(offset_of!(ArchivedNb201, run_dataset), 200);
        assert_eq!(offset_of!(ArchivedNb201, run_epochs), 232);
        assert_eq!(offset_of!(ArchivedNb201, run_params_type), 248);
        assert_eq!(offset_of!(ArchivedNb201, run_config), 280);
        assert_eq!(offset_of!(ArchivedNb201, config_keys), 288);
        assert_eq!(offset_of!(ArchivedNb201, config_types), 296);
        assert_eq!(offset_of!(ArchivedNb201, config_vals), 304);
        assert_eq!(offset_of!(ArchivedNb201, run_eval_names), 312);
        assert_eq!(offset_of!(ArchivedNb201, eval_names), 320);
        assert_eq!(offset_of!(ArchivedNb201, series), 328);
        assert_eq!(offset_of!(ArchivedNb201, keysets), 368);
        assert_eq!(offset_of!(ArchivedNb201, mixed_types), 400);
        assert_eq!(size_of::<ArchivedSeries>(), 40);
        assert_eq!(size_of::<ArchivedKeysets>(), 32);
        assert_eq!(size_of::<ArchivedGeneric>(), 40);
    }
}

#[cfg(test)]
mod doc_tests {
    use super::*;

    #[test]
    fn format_nb201_md_quotes_the_schema_its_hash_and_version() {
        let md = include_str!("../../FORMAT-NB201.md");
        assert!(md.contains(SCHEMA), "FORMAT-NB201.md does not quote SCHEMA");
        assert!(md.contains(&format!("{}-byte", SCHEMA.len())));
        assert!(md.contains(&format!("`{SCHEMA_HASH:#018x}`")), "hash {SCHEMA_HASH:#018x}");
        assert!(md.contains(&format!("version {FORMAT_VERSION})")));
    }
}
