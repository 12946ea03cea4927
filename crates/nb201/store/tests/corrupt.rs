//! Corrupted and crafted archives: refused at open with one line, or (for damage open cannot
//! see without reading every byte) answered with `Corrupt` errors; never a panic.

mod common;

use proptest::prelude::*;
use tnb_nb201_convert::sample::{self, Options, Version};
use tnb_nb201_convert::{archive_bytes, assemble, parts};
use tnb_nb201_store::{Archive, Field, Hp, OpenError};
use tnb_schema::header::{HEADER_CRC_AT, HEADER_LEN, PAYLOAD_LEN_AT};

fn small() -> Vec<u8> {
    let top = sample::object(&Options { version: Version::V1_1, archs: 3, full_epochs: 12 });
    archive_bytes(&top, 1, [0; 32]).unwrap()
}

fn one_line(e: &OpenError) -> String {
    let s = e.to_string();
    assert!(!s.contains('\n') && !s.is_empty(), "{s:?}");
    s
}

/// Reads everything an archive offers; every error is fine, a panic is not.
fn read_everything(a: &Archive) {
    let _ = a.counts();
    let _ = a.walk(&mut |_| Ok(()));
    // The pull iterator ends after an error.
    let mut ev = a.events();
    for e in ev.by_ref() {
        if e.is_err() {
            break;
        }
    }
    assert!(ev.next().is_none());
    for i in 0..a.len() + 1 {
        if let Ok(Some(s)) = a.meta_arch(i) {
            let _ = a.arch_index(s);
        }
    }
    let _ = (a.form(), a.evaluated_is_set(), a.family());
    if let Ok(keys) = a.entry_keys() {
        for e in 0..keys.len() + 1 {
            let _ = a.walk_entry(e, &mut |_| Ok(()));
            let n = a.hp_count(e).unwrap_or(0).min(8);
            for j in 0..n + 1 {
                if let Ok(Some(hp)) = a.hp_key(e, j) {
                    let _ = a.results_by_key(keys.get(e).unwrap_or(0), hp);
                }
                if let Ok(Some(ar)) = a.results_at(e, j) {
                    let _ = (ar.arch_index(), ar.arch_str(), ar.run_count());
                    if let Ok(Some(run)) = ar.run(0) {
                        if let Ok(c) = run.arch_config_dict() {
                            for i in 0..c.len().min(16) {
                                let _ = c.item(i);
                            }
                            let _ = c.get("arch_str");
                        }
                    }
                }
            }
        }
        let _ = a.results_by_key(0, "12");
    }
    let Ok(keys) = a.entry_keys() else { return };
    for k in keys.iter().chain([-1, 0, 1 << 30]) {
        for hp in [Hp::Full, Hp::Less] {
            let Ok(Some(ar)) = a.arch_results(k, hp) else { continue };
            let _ = (ar.arch_index(), ar.arch_str(), ar.clear_net_done(), ar.ordered());
            if let Ok(ds) = ar.dataset_seed() {
                for i in 0..ds.len() {
                    let _ = ds.get(i);
                }
            }
            let Ok(n) = ar.run_count() else { continue };
            for i in 0..n {
                let Ok(Some(r)) = ar.run(i) else { continue };
                let _ = (r.dataset(), r.seed(), r.name(), r.seed_str(), r.epochs());
                let _ = (r.flop(), r.params(), r.arch_config(), r.eval_names());
                for f in Field::ALL {
                    if let Ok(s) = r.series(f) {
                        for j in 0..s.len().min(300) {
                            let _ = (s.key(j), s.value(j));
                        }
                        let _ = (s.get_int(3), s.get_str("x-valid@3"));
                    }
                }
            }
        }
    }
}

#[test]
fn every_truncation_is_refused_in_one_line() {
    let f = small();
    for n in (0..f.len()).step_by(7).chain([f.len() - 1, HEADER_LEN, HEADER_LEN + 1]) {
        let e = Archive::copy_from(&f[..n]).unwrap_err();
        one_line(&e);
    }
}

#[test]
fn a_transnas_reader_and_this_one_refuse_each_other() {
    let f = small();
    let e = tnb_schema::header::Header::decode(&f).unwrap_err().to_string();
    assert!(e.contains("NAS-Bench-201 archive, not a TransNAS-Bench-101"), "{e}");
    let golden = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../data/golden/transnas_small.tnb"
    ))
    .unwrap();
    let e = one_line(&Archive::copy_from(&golden).unwrap_err());
    assert!(e.contains("TransNAS-Bench-101 archive, not a NAS-Bench-201"), "{e}");
}

#[test]
fn misaligned_bytes_are_refused() {
    let f = small();
    let mut v = vec![0u8; f.len() + 16];
    // A Vec<u8> of this size is 16-byte aligned on every allocator tnb runs on; offset by 8.
    let start = 8 + (16 - v.as_ptr() as usize % 16) % 16;
    let mut w = v.split_off(0);
    w.resize(start + f.len(), 0);
    w[start..].copy_from_slice(&f);
    match Archive::from_bytes(&w[start..]) {
        Err(e @ OpenError::Unaligned) => {
            one_line(&e);
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
}

/// The archive's header with the payload replaced (header length and CRC fixed up), so that
/// only the payload's own checks can refuse it.
fn with_payload(f: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = f[..HEADER_LEN].to_vec();
    out[PAYLOAD_LEN_AT..PAYLOAD_LEN_AT + 8].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    let crc = crc32fast_hash(&out[..HEADER_CRC_AT]);
    out[HEADER_CRC_AT..HEADER_LEN].copy_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(payload);
    out
}

fn crc32fast_hash(b: &[u8]) -> u32 {
    // The header's CRC-32 (ISO-HDLC), computed bit by bit: an oracle independent of crc32fast.
    let mut c = !0u32;
    for &x in b {
        c ^= u32::from(x);
        for _ in 0..8 {
            c = if c & 1 != 0 { (c >> 1) ^ 0xedb8_8320 } else { c >> 1 };
        }
    }
    !c
}

#[test]
fn trailer_damage_is_refused_at_open() {
    let f = small();
    let p = &f[HEADER_LEN..];
    let n = p.len();
    for (at, what) in
        [(n - 32, "magic"), (n - 24, "cells"), (n - 16, "root offset"), (n - 8, "root length")]
    {
        let mut q = p.to_vec();
        q[at] ^= 0x40;
        let e = one_line(&Archive::copy_from(&with_payload(&f, &q)).unwrap_err());
        assert!(e.contains("trailer"), "{what}: {e}");
    }
    // Offsets past the end, in every field.
    for at in [n - 24, n - 16, n - 8] {
        let mut q = p.to_vec();
        q[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        one_line(&Archive::copy_from(&with_payload(&f, &q)).unwrap_err());
    }
}

#[test]
fn inconsistent_tables_are_refused_at_open() {
    let top = sample::object(&Options { version: Version::V1_0, archs: 3, full_epochs: 12 });
    let (root, cells) = parts(&top).unwrap();
    assert!(Archive::copy_from(&assemble(&root, &cells, 0, [0; 32]).unwrap()).is_ok());
    type Forge = fn(&mut tnb_schema::nb201::Nb201);
    let forged: [(&str, Forge); 21] = [
        ("entry record offsets", |r| *r.entry_recs.last_mut().unwrap() += 1),
        ("entry record offsets", |r| r.entry_recs[0] = 1),
        ("entry record offsets", |r| {
            r.entry_recs.pop();
        }),
        ("entry record offsets", |r| r.rec_hp.push(0)),
        ("arch_config offsets", |r| *r.run_config.last_mut().unwrap() += 1),
        ("arch_config offsets", |r| {
            r.run_config.pop();
        }),
        ("arch_config types", |r| {
            r.config_types.pop();
        }),
        ("arch_config values", |r| r.config_vals.push(0)),
        ("unknown source form 7", |r| r.form = 7),
        ("a folder archive's top", |r| r.form = tnb_schema::nb201::codes::SOURCE_FOLDER),
        ("neither a list nor a set", |r| {
            let g = &mut r.generic;
            let at = g.kinds.iter().position(|&k| k == tnb_schema::nb201::codes::NODE_EVALUATED);
            g.a[at.unwrap()] = 2;
        }),
        ("run offsets", |r| *r.ar_runs.last_mut().unwrap() += 1),
        ("run offsets", |r| r.ar_runs[0] = 1),
        ("arch flags", |r| {
            r.ar_flags.pop();
        }),
        ("series", |r| {
            r.series.at.pop();
        }),
        ("string offsets", |r| *r.str_offsets.last_mut().unwrap() += 1),
        ("power of two", |r| r.meta_slots.push(0)),
        ("keyset", |r| *r.keysets.start.last_mut().unwrap() += 1),
        ("tree", |r| {
            let c = r.generic.children[0];
            r.generic.children[1] = c;
        }),
        ("top-level", |r| r.top = 0),
        ("once each", |r| r.generic.kinds[0] = tnb_schema::nb201::codes::NODE_EVALUATED),
    ];
    for (want, forge) in forged {
        let mut r = root.clone();
        forge(&mut r);
        let e =
            one_line(&Archive::copy_from(&assemble(&r, &cells, 0, [0; 32]).unwrap()).unwrap_err());
        assert!(e.contains(want), "{want}: {e}");
    }
}

#[test]
fn out_of_range_indexes_are_corrupt_errors_not_panics() {
    let top = sample::object(&Options { version: Version::V1_1, archs: 3, full_epochs: 12 });
    let (root, cells) = parts(&top).unwrap();
    type Forge = fn(&mut tnb_schema::nb201::Nb201);
    let walked: [Forge; 14] = [
        |r| r.entry_recs[1] = u32::MAX,
        |r| r.entry_recs[1] = 5,
        |r| r.rec_hp.iter_mut().for_each(|h| *h = u32::MAX),
        |r| r.entry_flags.iter_mut().for_each(|f| *f |= 2),
        |r| r.run_config[1] = u32::MAX,
        |r| r.config_keys.iter_mut().for_each(|k| *k = u32::MAX),
        |r| r.config_types.iter_mut().for_each(|t| *t = 0x7f),
        |r| r.series.at.iter_mut().for_each(|a| *a += 1 << 40),
        |r| r.series.at.iter_mut().for_each(|a| *a = u64::MAX - 1),
        |r| r.series.keys.iter_mut().for_each(|k| *k = u32::MAX),
        |r| r.series.ty.iter_mut().for_each(|t| *t = 0x7f),
        |r| r.run_name.iter_mut().for_each(|n| *n = u32::MAX),
        |r| r.meta_archs.iter_mut().for_each(|n| *n = u32::MAX),
        |r| r.series.aux.iter_mut().for_each(|n| *n = u64::MAX),
    ];
    // arch_config str values pointing outside the pool.
    let str_values: Forge = |r| {
        r.config_types.iter_mut().for_each(|t| *t = tnb_schema::nb201::codes::T_STR);
        r.config_vals.iter_mut().for_each(|v| *v = u64::MAX);
    };
    let walked: Vec<Forge> = walked.into_iter().chain([str_values]).collect();
    let open = |r: &tnb_schema::nb201::Nb201| {
        Archive::copy_from(&assemble(r, &cells, 0, [0; 32]).unwrap()).unwrap()
    };
    for forge in walked {
        let mut r = root.clone();
        forge(&mut r);
        let a = open(&r);
        read_everything(&a);
        let e = a.walk(&mut |_| Ok(())).unwrap_err();
        assert!(e.starts_with("corrupted tnb archive") && !e.contains('\n'), "{e}");
        let pulled = a.events().find_map(|e| e.err()).unwrap();
        assert_eq!(pulled, e);
    }
    // Tables the walk does not read: the lookups that use them say so.
    let mut r = root.clone();
    r.key_slots.iter_mut().for_each(|n| *n = u32::MAX);
    let a = open(&r);
    read_everything(&a);
    assert!(a.arch_results(0, Hp::Full).is_err());
    // The hp records of an entry are read by the lookups too.
    let mut r = root.clone();
    r.entry_recs[1] = u32::MAX;
    let a = open(&r);
    let key = a.entry_keys().unwrap().get(0).unwrap();
    assert!(a.arch_results(key, Hp::Full).is_err());
    assert!(a.results_by_key(key, "full").is_err());
    assert!(a.results_at(1, 0).is_err());
    assert!(a.hp_count(1).is_err());
    let mut r = root.clone();
    r.rec_hp.iter_mut().for_each(|h| *h = u32::MAX);
    let a = open(&r);
    assert!(a.hp_key(0, 0).is_err());
    assert!(a.walk_entry(0, &mut |_| Ok(())).unwrap_err().starts_with("corrupted tnb archive"));
    let mut r = root.clone();
    r.keysets.sorted.iter_mut().for_each(|n| *n = u32::MAX);
    let a = open(&r);
    read_everything(&a);
    let run = a.arch_results(0, Hp::Full).unwrap().unwrap().run(0).unwrap().unwrap();
    assert!(run.eval_acc1es().unwrap().get_str("x-valid@3").is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    /// Any byte flip: refused at open in one line, or opened and then every read returns a
    /// value or an error (the payload CRC, checked by verify, catches what open does not).
    #[test]
    fn byte_flips_never_panic(at in 0usize..1 << 20, x in 1u8..=255) {
        let mut f = small();
        let at = at % f.len();
        f[at] ^= x;
        match Archive::copy_from(&f) {
            Err(e) => { one_line(&e); }
            Ok(a) => {
                read_everything(&a);
                prop_assert!(a.verify_checksum().is_err() || at < HEADER_LEN);
            }
        }
    }
}

/// A NATS-Bench folder archive (form 1: hp records, generic arch_config, the meta file's set)
/// of the real sss samples, built once.
fn nats_folder() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../data/nats/samples/NATS-sss-v1_0-50262-simple");
        let load = |name: &str| {
            let bz = std::fs::read(dir.join(name)).unwrap();
            let pickle = tnb_bz2::decompress(&bz, 16 << 20).unwrap();
            tnb_nb201_convert::from_document(&tnb_pth::load(&pickle).unwrap()).unwrap()
        };
        let files: Vec<_> =
            [0i64, 11, 284].iter().map(|i| (*i, load(&format!("{i:06}.pickle.pbz2")))).collect();
        let family = tnb_schema::header::Family::NatsSss;
        tnb_nb201_convert::folder_archive_bytes(
            family,
            &load("meta.pickle.pbz2"),
            &files,
            1,
            [0; 32],
        )
        .unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Byte flips in a NATS-Bench archive: refused in one line, or every read (the hp records,
    /// walk_entry, arch_config items) returns a value or an error.
    #[test]
    fn byte_flips_in_a_nats_archive_never_panic(
        at in 0usize..1 << 24,
        x in 1u8..=255,
        in_root in any::<bool>(),
    ) {
        let mut f = nats_folder().to_vec();
        // Half the flips land in the last 16 KiB: the root's columns and the trailer (the
        // cells are most of the file).
        let at = if in_root { f.len() - 1 - at % (16 << 10) } else { at % f.len() };
        f[at] ^= x;
        match Archive::copy_from(&f) {
            Err(e) => { one_line(&e); }
            Ok(a) => {
                read_everything(&a);
                prop_assert!(a.verify_checksum().is_err() || at < HEADER_LEN);
            }
        }
    }
}

/// Counts read from crafted columns are bounded by what the archive holds: an offset past its
/// column (a `run_count` of billions) and a series longer than its cells or than
/// `MAX_SERIES_LEN` are corrupt errors, so no caller can loop over them for minutes (found by
/// `byte_flips_never_panic` with seed 638622424: one flip made a run count of ~2^32).
#[test]
fn counts_from_crafted_columns_are_bounded_by_the_archive() {
    let top = sample::object(&Options { version: Version::V1_1, archs: 3, full_epochs: 12 });
    let (root, cells) = parts(&top).unwrap();
    let open = |r: &tnb_schema::nb201::Nb201| {
        Archive::copy_from(&assemble(r, &cells, 0, [0; 32]).unwrap()).unwrap()
    };
    let mut r = root.clone();
    r.ar_runs[1] = u32::MAX - 1;
    let a = open(&r);
    let ar = a.results_at(0, 0).unwrap().unwrap();
    assert!(ar.run_count().is_err());
    assert!(ar.run(0).is_err());
    let mut r = root.clone();
    let n = r.series.form.len();
    for s in 0..n {
        if r.series.form[s] & tnb_schema::nb201::codes::FORM_MASK
            == tnb_schema::nb201::codes::FORM_LIST
        {
            r.series.keys[s] = (tnb_nb201_store::MAX_SERIES_LEN + 1) as u32;
            r.series.form[s] |= tnb_schema::nb201::codes::STORE_RLE;
            r.series.aux[s] = 1;
        }
    }
    let a = open(&r);
    let run = a.arch_results(0, Hp::Full).unwrap().unwrap().run(0).unwrap().unwrap();
    assert!(run.latency().is_err());
    read_everything(&a);
}
