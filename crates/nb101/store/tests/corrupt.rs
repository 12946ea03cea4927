//! Corrupted and crafted archives: refused at open with one line, or (for damage open cannot
//! see without reading every byte) answered with `Corrupt` errors and found by `check()`;
//! never a panic, a hang or a read out of bounds.

mod common;

use tnb_nb101_store::spec::Matrix;
use tnb_nb101_store::{Buffer, MAX_RUN_OFFSETS, Metric, Nb101Store, OpenError};
use tnb_schema::header::{Family, HEADER_LEN, Header};
use tnb_schema::nb101::{Layout, Sec};
use tnb_testrng::TestRng;

fn small() -> Vec<u8> {
    common::build(&common::records(5, 8, true))
}

fn one_line(e: &OpenError) -> String {
    let s = e.to_string();
    assert!(!s.contains('\n') && !s.is_empty(), "{s:?}");
    s
}

/// Reads everything the store offers; errors are fine, a panic is not.
fn read_everything(s: &Nb101Store) {
    let _ = s.check();
    let budgets = s.valid_epochs().len();
    for row in 0..s.cells() as u32 + 2 {
        if let Some(h) = s.hash(row) {
            let _ = s.row_of_hash(&h);
        }
        if let Ok((n, bits)) = s.adjacency(row) {
            let _ = s.row_of_spec(Matrix { n, bits }, &[-1, 0, 0, 0, 0, 0, -2][..n as usize]);
        }
        if let Ok(ops) = s.operations(row) {
            let _ = ops.collect::<Vec<_>>();
        }
        let _ = s.trainable_parameters(row);
        if let Ok(bs) = s.budgets(row) {
            for b in bs {
                for i in b.runs.take(64) {
                    let _ = s.run(i);
                }
            }
        }
        for b in 0..budgets + 1 {
            let _ = s.runs_of(row, b);
        }
    }
    for i in 0..(s.runs() + 1).min(4096) {
        let _ = (s.run(i), s.cell_of_run(i));
    }
    for b in 0..budgets + 1 {
        let _ = (s.budget_runs(b), s.run_offsets(b));
        for m in Metric::ALL {
            let _ = s.budget_column(b, m);
        }
    }
    let _ = s.labels().count();
    let _ = (s.row_of_canonical(0), s.row_of_canonical(u64::MAX), s.row_of_hash(&[0x55; 16]));
}

/// `bytes` with its payload CRC and header CRC made right again, so that open gets past the
/// header to the payload's own checks.
fn reseal(bytes: &mut [u8]) {
    let h = Header::decode_family(bytes, Family::Nb101).unwrap();
    let crc = crc32fast::hash(&bytes[HEADER_LEN..]);
    let h2 = Header::new_family(
        Family::Nb101,
        h.payload_len,
        crc,
        h.source_size,
        h.source_sha256,
        &h.converter,
    );
    bytes[..HEADER_LEN].copy_from_slice(&h2.encode());
}

fn layout(bytes: &[u8]) -> Layout {
    Layout::decode(&bytes[HEADER_LEN..]).unwrap()
}

/// The file position of element `i` (of `size` bytes) of section `s`.
fn at(bytes: &[u8], s: Sec, i: usize, size: usize) -> usize {
    HEADER_LEN + layout(bytes).range(s).start as usize + i * size
}

#[test]
fn every_byte_flip_is_refused_or_read_without_panicking() {
    let good = small();
    let payload_len = good.len() - HEADER_LEN;
    assert!(payload_len < 16 << 10, "{payload_len}");
    // Every byte up to the metric columns (head, table, offsets, ids, indexes), every 16th of
    // the columns (any f64 bits are valid there: only the checksum can see those flips).
    let metrics = HEADER_LEN + layout(&good).range(Sec::HalfwayTrainingTime).start as usize;
    for i in (0..good.len()).filter(|&i| i < metrics || i % 16 == 0) {
        {
            let bit = 1u8 << (i % 8);
            let mut b = good.clone();
            b[i] ^= bit;
            match Nb101Store::copy_from(&b) {
                Err(e) => {
                    one_line(&e);
                }
                Ok(s) => {
                    assert!(i >= HEADER_LEN, "a flip in header byte {i} went unnoticed");
                    assert!(s.verify_checksum().is_err(), "flip at {i} passed the checksum");
                    read_everything(&s);
                }
            }
            // The same with the CRCs made right: the payload's own checks and reads.
            if i >= HEADER_LEN {
                reseal(&mut b);
                match Nb101Store::copy_from(&b) {
                    Err(e) => {
                        one_line(&e);
                    }
                    Ok(s) => read_everything(&s),
                }
            }
        }
    }
}

#[test]
fn random_damage_with_valid_checksums_never_panics() {
    let good = common::build(&common::records(9, 30, true));
    let mut rng = TestRng::new(42);
    for round in 0..400 {
        let mut b = good.clone();
        rng.damage(&mut b, HEADER_LEN, round);
        reseal(&mut b);
        if let Ok(s) = Nb101Store::copy_from(&b) {
            read_everything(&s);
        }
    }
}

#[test]
fn every_truncation_and_extension_is_refused_in_one_line() {
    let good = small();
    for n in 0..good.len() {
        let e = Nb101Store::copy_from(&good[..n]).unwrap_err();
        one_line(&e);
    }
    let mut longer = good.clone();
    longer.push(0);
    assert!(
        one_line(&Nb101Store::copy_from(&longer).unwrap_err()).contains("truncated or extended")
    );
}

#[test]
fn unaligned_bytes_and_other_families_are_refused() {
    let good = small();
    let mut v = rkyv::util::AlignedVec::<16>::new();
    v.push(0);
    v.extend_from_slice(&good);
    #[derive(Debug)]
    struct Off(rkyv::util::AlignedVec<16>);
    impl AsRef<[u8]> for Off {
        fn as_ref(&self) -> &[u8] {
            &self.0[1..]
        }
    }
    let e = Nb101Store::from_bytes(Off(v)).unwrap_err();
    assert!(matches!(e, OpenError::Unaligned), "{e}");
    let mut other = good.clone();
    let h = Header::decode_family(&good, Family::Nb101).unwrap();
    let h2 = Header { family: Family::Nb201, version: Family::Nb201.version(), ..h };
    other[..HEADER_LEN].copy_from_slice(&h2.encode());
    let e = one_line(&Nb101Store::copy_from(&other).unwrap_err());
    assert!(e.contains("this is a NAS-Bench-201 archive, not a NAS-Bench-101 one"), "{e}");
    // Buffer::Aligned is what open reads into.
    let mut a = rkyv::util::AlignedVec::<16>::new();
    a.extend_from_slice(&good);
    Nb101Store::from_bytes(Buffer::Aligned(a)).unwrap();
}

#[test]
fn every_count_above_its_limit_is_refused_at_open() {
    let good = small();
    let cases = [
        (0, 1u64 << 26, "cells"),
        (1, u32::MAX as u64 + 1, "runs"),
        (2, 257, "budgets"),
        (3, (1 << 16) + 1, "operation labels"),
        (4, (1 << 20) + 1, "bytes of operation labels"),
        (5, u32::MAX as u64 + 1, "operations"),
        (6, u32::MAX as u64, "cell budgets"),
        (7, 1000, "canonical index entries"),
    ];
    for (i, v, what) in cases {
        let mut b = good.clone();
        let p = HEADER_LEN + 16 + 8 * i;
        let v = if i == 0 { v + 1 } else { v };
        b[p..p + 8].copy_from_slice(&v.to_le_bytes());
        reseal(&mut b);
        let e = one_line(&Nb101Store::copy_from(&b).unwrap_err());
        assert!(e.contains("more than") && e.contains(what), "{what}: {e}");
        assert!(e.starts_with("corrupted tnb archive: "), "{e}");
    }
    // Counts each within its own limit whose product passes MAX_RUN_OFFSETS.
    let mut b = good.clone();
    b[HEADER_LEN + 16..HEADER_LEN + 24].copy_from_slice(&(1u64 << 20).to_le_bytes());
    b[HEADER_LEN + 32..HEADER_LEN + 40].copy_from_slice(&200u64.to_le_bytes());
    reseal(&mut b);
    let e = one_line(&Nb101Store::copy_from(&b).unwrap_err());
    assert!(e.contains(&format!("more than the {MAX_RUN_OFFSETS} allowed")), "{e}");
    // A count that fits its limit but not the table: the section table disagrees.
    let mut b = good.clone();
    b[HEADER_LEN + 16 + 8 * 7..HEADER_LEN + 16 + 8 * 8].copy_from_slice(&0u64.to_le_bytes());
    reseal(&mut b);
    let e = one_line(&Nb101Store::copy_from(&b).unwrap_err());
    assert!(e.contains("section canon_keys is at"), "{e}");
}

/// Patches a little-endian value of `size` bytes, reseals, opens.
fn forged(good: &[u8], s: Sec, i: usize, size: usize, v: u64) -> Result<Nb101Store, OpenError> {
    let mut b = good.to_vec();
    let p = at(&b, s, i, size);
    b[p..p + size].copy_from_slice(&v.to_le_bytes()[..size]);
    reseal(&mut b);
    Nb101Store::copy_from(&b)
}

#[test]
fn forged_offsets_ids_and_rows_are_refused_or_bounded() {
    let good = small();
    let s0 = Nb101Store::copy_from(&good).unwrap();
    let cells = s0.cells();
    let c1 = cells + 1;
    // Open's own bounds.
    let e = forged(&good, Sec::BudgetRuns, 1, 8, 1 << 40).unwrap_err();
    assert!(one_line(&e).contains("budget_runs"), "{e}");
    let e = forged(&good, Sec::OpsOffsets, cells, 4, 9999).unwrap_err();
    assert!(one_line(&e).contains("ops_offsets"), "{e}");
    let e = forged(&good, Sec::RunOffsets, c1, 4, 0).unwrap_err();
    assert!(one_line(&e).contains("run offsets"), "{e}");
    let e = forged(&good, Sec::OpOffsets, 1, 4, 9999).unwrap_err();
    assert!(one_line(&e).contains("label"), "{e}");
    let last = 1usize << tnb_schema::nb101::dir_bits(cells as u64);
    let e = forged(&good, Sec::IndexBuckets, last, 4, 0).unwrap_err();
    assert!(one_line(&e).contains("index_buckets"), "{e}");
    // A directory bucket pointing past the index: lookups in it fail, check() names it.
    let s = forged(&good, Sec::IndexBuckets, 1, 4, 0xffff_ffff).unwrap();
    let failed = s0.hashes().iter().filter(|h| s.row_of_hash(h).is_err()).count();
    assert!(failed > 0 && s.check().unwrap_err().contains("directory bucket"));
    read_everything(&s);
    // Damage only reads see: each read fails, check() names it, nothing panics.
    let s = forged(&good, Sec::Vertices, 0, 1, 9).unwrap();
    assert!(s.adjacency(0).is_err() && s.check().unwrap_err().contains("cell 0"));
    let s = forged(&good, Sec::Adjacency, 1, 8, u64::MAX).unwrap();
    assert!(s.adjacency(1).is_err() && s.check().is_err());
    let s = forged(&good, Sec::OpsOffsets, 1, 4, 0xffff_fff0).unwrap();
    assert!(s.operations(0).is_err() && s.operations(1).is_err() && s.check().is_err());
    let s = forged(&good, Sec::Ops, 0, 2, 0xffff).unwrap();
    assert!(s.operations(0).is_err() && s.check().is_err());
    let s = forged(&good, Sec::BudgetList, 0, 1, 200).unwrap();
    assert!(s.budgets(0).is_err() && s.check().is_err());
    let s = forged(&good, Sec::BudgetOffsets, 1, 4, 0xffff_ffff).unwrap();
    assert!(s.budgets(0).is_err() && s.budgets(1).is_err() && s.check().is_err());
    let s = forged(&good, Sec::RunOffsets, 1, 4, 0xffff_ffff).unwrap();
    assert!(s.runs_of(0, 0).is_err() && s.runs_of(1, 0).is_err() && s.check().is_err());
    read_everything(&s);
    let s = forged(&good, Sec::IndexRows, 0, 4, 1_000_000).unwrap();
    let sorted_first = {
        let mut hs: Vec<[u8; 16]> = s0.hashes().to_vec();
        hs.sort_unstable();
        hs[0]
    };
    assert!(s.row_of_hash(&sorted_first).is_err() && s.check().is_err());
    let s = forged(&good, Sec::IndexRows, 0, 4, 1).unwrap();
    let r = s.row_of_hash(&sorted_first);
    assert!(r.is_err() || r == Ok(Some(1)), "{r:?}");
    assert!(s.check().is_err());
    let s = forged(&good, Sec::IndexHashes, 0, 8, u64::MAX).unwrap();
    assert!(s.check().unwrap_err().contains("hash index"));
    read_everything(&s);
    if s0.counts().canon > 0 {
        let s = forged(&good, Sec::CanonRows, 0, 4, 1_000_000).unwrap();
        assert!(s.check().is_err());
        read_everything(&s);
        let s = forged(&good, Sec::CanonKeys, 0, 8, 12345).unwrap();
        assert!(s.check().unwrap_err().contains("canonical index"));
    }
    let s = forged(
        &good,
        Sec::ValidEpochs,
        0,
        8,
        s0.valid_epochs().get(1).copied().unwrap_or(0) as u64,
    );
    if let Ok(s) = s {
        if s0.valid_epochs().len() > 1 {
            assert!(s.check().unwrap_err().contains("twice"));
        }
    }
    let s = forged(&good, Sec::OpBytes, 0, 1, b',' as u64).unwrap();
    assert!(s.check().unwrap_err().contains("comma"));
    let s = forged(&good, Sec::OpBytes, 0, 1, 0xff).unwrap_err();
    assert!(one_line(&s).contains("UTF-8"));
}
