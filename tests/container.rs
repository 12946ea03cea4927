//! Issue 16 §1 end to end: for each class of file where torch's container decisions (torch 2.x
//! `torch.load`, its zip reader miniz, its legacy loaders) would read something other than what
//! tnb read, `tnb convert` and `tnb dump` exit 2 with one line naming the ambiguity, and leave no
//! archive behind.
//!
//! Each file wraps a small valid benchmark (so that before the fix `tnb convert` turned it into
//! an archive) unless the class is about tensor storages, which the benchmark has none of. The
//! files are built here, byte by byte, and committed as fuzz seeds
//! (`fuzz/seeds/pth/hostile_container_<class>.pth`); the test checks that each committed seed
//! is exactly what is built here (`TNB_WRITE_SEEDS=1` rewrites them).

use std::path::Path;

use tnb_pthwrite::{Pickler, TorchZipWriter, save_legacy, save_zip};
use tnb_synth::{Options, Synth};

use crate::common::{TempDir, data, tnb};

/// A valid two-arch, one-task, one-epoch benchmark object pickle; `seed` changes its values.
fn benchmark(seed: u64) -> Vec<u8> {
    let opts = Options { archs: 2, seed, tasks: 1, epochs: Some(1), ..Options::default() };
    Synth::new(opts).unwrap().pickle().unwrap()
}

fn put16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn put32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn put64(v: &mut Vec<u8>, x: u64) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// A plain zip's pieces: STORED records back to back from `base`, and their central directory.
fn records(recs: &[(&str, &[u8])], base: usize) -> (Vec<u8>, Vec<u8>) {
    let (mut body, mut dir) = (Vec::new(), Vec::new());
    for (name, data) in recs {
        let at = (base + body.len()) as u32;
        let crc = crc32fast::hash(data);
        for central in [false, true] {
            let v = if central { &mut dir } else { &mut body };
            v.extend_from_slice(if central { b"PK\x01\x02" } else { b"PK\x03\x04" });
            if central {
                put16(v, 20);
            }
            put16(v, 20);
            put16(v, 0); // flags
            put16(v, 0); // method: STORED
            put32(v, 0); // time, date
            put32(v, crc);
            put32(v, data.len() as u32);
            put32(v, data.len() as u32);
            put16(v, name.len() as u16);
            put16(v, 0); // extra
            if central {
                put16(v, 0); // comment
                put16(v, 0); // disk
                put16(v, 0); // internal attributes
                put32(v, 0); // external attributes
                put32(v, at);
            }
            v.extend_from_slice(name.as_bytes());
            if !central {
                v.extend_from_slice(data);
            }
        }
    }
    (body, dir)
}

fn end_record(count: usize, size: usize, offset: usize) -> Vec<u8> {
    let mut v = b"PK\x05\x06\0\0\0\0".to_vec();
    put16(&mut v, count as u16);
    put16(&mut v, count as u16);
    put32(&mut v, size as u32);
    put32(&mut v, offset as u32);
    put16(&mut v, 0);
    v
}

/// A plain zip of these records.
fn plain_zip(recs: &[(&str, &[u8])]) -> Vec<u8> {
    let (mut file, dir) = records(recs, 0);
    let at = file.len();
    file.extend_from_slice(&dir);
    file.extend_from_slice(&end_record(recs.len(), dir.len(), at));
    file
}

/// The legacy file of `object` whose magic-number pickle also holds a tar header with a valid
/// checksum (the pickle is PROTO, a 400-byte BINSTRING over the header's fields, POP, the magic
/// number): torch opens it as a tar archive.
fn tar_legacy(object: &[u8]) -> Vec<u8> {
    let legacy = save_legacy(Vec::new(), object).unwrap();
    let (magic, rest) = legacy.split_at(17);
    let mut f = b"\x80\x02T".to_vec();
    put32(&mut f, 400);
    f.extend_from_slice(&[0u8; 400]);
    f.push(b'0');
    f.extend_from_slice(&magic[2..]);
    f.extend_from_slice(rest);
    for (at, text) in [(7, &b"storages"[..]), (100, b"0000644\0"), (124, b"00000000000\0")] {
        f[at..at + text.len()].copy_from_slice(text);
    }
    f[156] = b'0';
    f[148..156].copy_from_slice(b"        ");
    let sum: u32 = f[..512].iter().map(|&b| u32::from(b)).sum();
    f[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    f
}

/// Two sets of records, each a whole torch file's (`data.pkl` and `version`), with two central
/// directories: the classic end record points at A's, the ZIP64 one (which torch's miniz reads)
/// at B's.
fn two_directories(a: &[u8], b: &[u8]) -> Vec<u8> {
    let a_recs = [("archive/data.pkl", a), ("archive/version", &b"3\n"[..])];
    let b_recs = [("archive/data.pkl", b), ("archive/version", &b"3\n"[..])];
    let (mut file, dir_a) = records(&a_recs, 0);
    let (body_b, dir_b) = records(&b_recs, file.len());
    file.extend_from_slice(&body_b);
    let a_at = file.len();
    file.extend_from_slice(&dir_a);
    let b_at = file.len();
    file.extend_from_slice(&dir_b);
    let e64_at = file.len() as u64;
    file.extend_from_slice(b"PK\x06\x06");
    put64(&mut file, 44);
    put16(&mut file, 0x031e);
    put16(&mut file, 45);
    put32(&mut file, 0);
    put32(&mut file, 0);
    put64(&mut file, 2);
    put64(&mut file, 2);
    put64(&mut file, dir_b.len() as u64);
    put64(&mut file, b_at as u64);
    file.extend_from_slice(b"PK\x06\x07\0\0\0\0");
    put64(&mut file, e64_at);
    put32(&mut file, 1);
    file.extend_from_slice(&end_record(2, dir_a.len(), a_at));
    file
}

/// A torch zip (as `torch.save` writes one) of `object` plus one more record.
fn zip_with(object: &[u8], name: &str, data: &[u8]) -> Vec<u8> {
    let mut z = TorchZipWriter::new(Vec::new(), "archive").unwrap();
    z.write_record("data.pkl", object).unwrap();
    z.write_record(name, data).unwrap();
    z.finish().unwrap()
}

fn text(p: &mut Vec<u8>, s: &str) {
    p.push(b'X');
    p.extend_from_slice(&(s.len() as u32).to_le_bytes());
    p.extend_from_slice(s.as_bytes());
}

/// `[t(a), t(b), ...]`: 2-element tensors over storage key `'0'`, each `(class, numel, sixth
/// item of the persistent id)`.
fn tensors(refs: &[(&str, u8, Option<&[u8]>)]) -> Vec<u8> {
    let mut p = b"\x80\x02](".to_vec();
    for (class, n, sixth) in refs {
        p.extend_from_slice(b"ctorch._utils\n_rebuild_tensor_v2\n((");
        text(&mut p, "storage");
        p.extend_from_slice(format!("ctorch\n{class}\n").as_bytes());
        text(&mut p, "0");
        text(&mut p, "cpu");
        p.extend_from_slice(&[b'K', *n]);
        if let Some(s) = sixth {
            p.extend_from_slice(s);
        }
        // (storage, 0, (2,), (1,), False, OrderedDict()): torch's six arguments.
        p.extend_from_slice(&[b't', b'Q', b'K', 0, b'K', 2, 0x85, b'K', 1, 0x85, 0x89]);
        p.extend_from_slice(b"ccollections\nOrderedDict\n)RtR");
    }
    p.extend_from_slice(b"e.");
    p
}

/// A legacy file of `object` with storage `'0'` holding `count` elements, `bytes`.
fn legacy_with_storage(object: &[u8], count: i64, bytes: &[u8]) -> Vec<u8> {
    let mut f = save_legacy(Vec::new(), object).unwrap();
    // save_legacy ends with the empty key list `\x80\x02]q\x00.`: list '0' instead.
    f.truncate(f.len() - 6);
    let mut keys = Pickler::new();
    keys.begin_list(1);
    keys.str("0");
    keys.end_list();
    f.extend_from_slice(&keys.finish().unwrap());
    f.extend_from_slice(&count.to_le_bytes());
    f.extend_from_slice(bytes);
    f
}

/// Every class: seed name, file, the substring of its one-line error.
fn cases() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let (a, b) = (benchmark(1), benchmark(2));
    let ints: Vec<u8> = [1i32, 2, 3, 4].iter().flat_map(|v| v.to_le_bytes()).collect();
    let mut view = b"(".to_vec();
    text(&mut view, "v");
    view.extend_from_slice(b"K\x00K\x02t");
    let mut view_moved = b"(".to_vec();
    text(&mut view_moved, "v");
    view_moved.extend_from_slice(b"K\x02K\x02t");
    vec![
        ("tar_legacy", tar_legacy(&a), "a tar header with a valid checksum"),
        ("two_central_directories", two_directories(&a, &b), "two central directories"),
        (
            "names_differing_in_case",
            plain_zip(&[
                ("archive/data.pkl", &a),
                ("archive/DATA.PKL", &b),
                ("archive/version", b"3\n"),
            ]),
            "names differing only in case",
        ),
        (
            "nested_data_pkl",
            plain_zip(&[("archive/x/data.pkl", &a), ("archive/x/version", b"3\n")]),
            "torch takes the folder 'archive' from the first record",
        ),
        ("torchscript", zip_with(&a, "constants.pkl", &b), "a TorchScript archive"),
        (
            "version_too_new",
            plain_zip(&[("archive/data.pkl", &a), ("archive/version", b"11\n")]),
            "is not a version torch reads",
        ),
        ("no_version", plain_zip(&[("archive/data.pkl", &a)]), "torch refuses a zip without one"),
        (
            "storage_alignment",
            zip_with(&a, ".storage_alignment", b"x"),
            "is not a plain decimal number",
        ),
        (
            "storage_two_dtypes",
            save_zip(
                Vec::new(),
                "archive",
                &tensors(&[("IntStorage", 4, None), ("FloatStorage", 4, None)]),
                &[("0", &ints)],
            )
            .unwrap(),
            "torch resolves such references by their order",
        ),
        (
            "storage_record_longer",
            save_zip(Vec::new(), "archive", &tensors(&[("IntStorage", 2, None)]), &[("0", &ints)])
                .unwrap(),
            "torch refuses a record of another size",
        ),
        (
            "legacy_storage_two_dtypes",
            legacy_with_storage(
                &tensors(&[("IntStorage", 4, Some(b"N")), ("LongStorage", 2, Some(b"N"))]),
                4,
                &ints,
            ),
            "torch resolves such references by their order",
        ),
        (
            "legacy_view_reused",
            legacy_with_storage(
                &tensors(&[("IntStorage", 4, Some(&view)), ("IntStorage", 4, Some(&view_moved))]),
                4,
                &ints,
            ),
            "storage view 'v' is referenced twice",
        ),
    ]
}

/// The committed seed of a case: equal to what is built here (rewritten on request).
fn check_seed(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = data().join(format!("../fuzz/seeds/pth/hostile_container_{name}.pth"));
    if std::env::var_os("TNB_WRITE_SEEDS").is_some() {
        std::fs::write(&path, bytes).unwrap();
    }
    let committed = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (TNB_WRITE_SEEDS=1 writes it)", path.display()));
    assert!(
        committed == bytes,
        "{}: differs from what tests/container.rs builds (TNB_WRITE_SEEDS=1 rewrites it)",
        path.display()
    );
    path
}

#[test]
fn every_container_ambiguity_is_one_error_line_from_convert_and_dump() {
    let tmp = TempDir::new("container");
    for (name, bytes, want) in cases() {
        assert!(bytes.len() < 8192, "{name}: a seed of {} bytes", bytes.len());
        let src = check_seed(name, &bytes);
        let s = src.to_str().unwrap();
        let dst = tmp.path(&format!("{name}.tnb"));
        let d = dst.to_str().unwrap();
        for args in [vec!["convert", s, d], vec!["dump", s]] {
            let r = tnb(&args);
            r.assert_clean_error(&format!("{name} {args:?}"));
            assert!(r.stderr.contains(want), "{name} {args:?}: {}", r.stderr);
        }
        assert!(!Path::new(&dst).exists(), "{name}: an archive was left");
    }
}

#[test]
fn the_benchmark_inside_converts_when_the_container_is_plain() {
    // The same benchmark in a torch zip and a legacy file converts: what the cases above refuse
    // is the container, not the object.
    let tmp = TempDir::new("container-plain");
    let a = benchmark(1);
    for (name, bytes) in [
        ("zip", save_zip(Vec::new(), "archive", &a, &[]).unwrap()),
        ("legacy", save_legacy(Vec::new(), &a).unwrap()),
    ] {
        let src = tmp.path(&format!("{name}.pth"));
        std::fs::write(&src, &bytes).unwrap();
        let dst = tmp.path(&format!("{name}.tnb"));
        let r = tnb(&["convert", src.to_str().unwrap(), dst.to_str().unwrap()]);
        assert_eq!(r.code, Some(0), "{name}: {}", r.stderr);
    }
}
