//! tnb-nats on the real NATS-Bench samples (data/nats/samples: archs 0, 11 and 284 and the meta
//! files of both spaces): folder and single-file conversion (the single file written by plain
//! CPython from the samples, tests/data/single_from_folder.py), each entry's walk against the
//! per-arch file's own walk (bz2 + tnb-pth's arena reader: an independent path), provenance,
//! `rebuild_payload` / `compare_source`, parallel == sequential, and the refusals (damaged,
//! truncated, bomb, torch globals, not NATS-Bench) with one-line errors naming the file.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};
use tnb_nats::{Error, Form, Options, Phase, Source, Space, convert_with, load_object};
use tnb_nb201_store::{Archive, SourceForm};
use tnb_pickle::stream::Obj;
use tnb_pyjson::Event;
use tnb_schema::header::Family;

const ARCHS: [i64; 3] = [0, 11, 284];

fn samples(space: Space) -> PathBuf {
    let name = match space {
        Space::Tss => "NATS-tss-v1_0-3ffb9-simple",
        Space::Sss => "NATS-sss-v1_0-50262-simple",
    };
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data/nats/samples").join(name)
}

/// A fresh temporary folder, removed when dropped.
struct Tmp(PathBuf);

impl std::ops::Deref for Tmp {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tmp(tag: &str) -> Tmp {
    let d = std::env::temp_dir().join(format!("tnb-nats-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    Tmp(d)
}

fn accept(p: &Path) -> Result<(), String> {
    Archive::open(p).map(|_| ()).map_err(|e| e.to_string())
}

fn run(src: &Path, dst: &Path, threads: usize) -> Result<tnb_nats::Summary, Error> {
    let opts = Options { threads, ..Options::default() };
    let mut last = (Phase::Scan, 0, 0);
    let r = convert_with(src, dst, &opts, &mut |p, d, t| last = (p, d, t), &accept);
    if r.is_ok() {
        assert_eq!(last.0, Phase::Finish);
    }
    r
}

fn show(e: &Event<'_>) -> String {
    match e {
        Event::Float(f) => format!("Float({:#x})", f.to_bits()),
        other => format!("{other:?}"),
    }
}

/// A file's own walk, through bz2 and tnb-pth's arena reader.
fn file_events(path: &Path) -> Vec<String> {
    let pickle = tnb_bz2::decompress(&std::fs::read(path).unwrap(), 1 << 24).unwrap();
    let doc = tnb_pth::load(&pickle).unwrap();
    tnb_pth::events(&doc).map(|e| show(&e.unwrap())).collect()
}

fn entry_events(a: &Archive, e: usize) -> Vec<String> {
    let mut out = Vec::new();
    a.walk_entry(e, &mut |ev| {
        out.push(show(&ev));
        Ok(())
    })
    .unwrap();
    out
}

fn one_line(e: &Error) -> String {
    let s = e.to_string();
    assert!(!s.contains('\n') && !s.is_empty(), "{s}");
    eprintln!("refused: {s}");
    s
}

/// The provenance hash of a folder, written out here as FORMAT-NB201.md states it.
fn folder_sha(dir: &Path, names: &[String]) -> ([u8; 32], u64) {
    let mut h = Sha256::new();
    let mut n = 0;
    for name in names {
        let b = std::fs::read(dir.join(name)).unwrap();
        h.update(name.as_bytes());
        h.update([0u8]);
        h.update((b.len() as u64).to_le_bytes());
        h.update(&b);
        n += b.len() as u64;
    }
    (h.finalize().into(), n)
}

fn sample_names() -> Vec<String> {
    let mut v = vec!["meta.pickle.pbz2".to_owned()];
    v.extend(ARCHS.iter().map(|i| format!("{i:06}.pickle.pbz2")));
    v
}

#[test]
fn sample_folders_convert_with_their_space_and_missing_archs() {
    let out = tmp("folders");
    for space in [Space::Tss, Space::Sss] {
        let dir = samples(space);
        let dst = out.join(format!("{space}.tnb"));
        let s = run(&dir, &dst, 2).unwrap();
        assert_eq!((s.space, s.form, s.entries), (space, Form::Folder, 3));
        assert_eq!(s.total_archs, Some(space.archs()));
        assert_eq!(s.missing.len(), space.archs() - 3);
        assert_eq!(&s.missing[..4], &[1, 2, 3, 4]);
        let text = s.missing_text().unwrap();
        assert!(
            text.starts_with(&format!(
                "{} of {} archs have no file",
                space.archs() - 3,
                space.archs()
            )),
            "{text}"
        );
        assert!(text.ends_with(": 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ..."), "{text}");
        let a = Archive::open(&dst).unwrap();
        assert_eq!(a.family(), space.family());
        assert_eq!(a.form().unwrap(), SourceForm::Folder);
        assert_eq!(a.entry_keys().unwrap().iter().collect::<Vec<_>>(), ARCHS);
        // Provenance: every file read, in order, as FORMAT-NB201.md says.
        let (sha, size) = folder_sha(&dir, &sample_names());
        assert_eq!((a.header().source_sha256, a.header().source_size), (sha, size));
        assert_eq!(s.source_size, size);
        // Lossless: each entry walks as its file does, the archive as the meta file.
        for (e, i) in ARCHS.iter().enumerate() {
            let f = dir.join(format!("{i:06}.pickle.pbz2"));
            assert_eq!(entry_events(&a, e), file_events(&f), "{space} arch {i}");
        }
        let mut top = Vec::new();
        a.walk(&mut |ev| {
            top.push(show(&ev));
            Ok(())
        })
        .unwrap();
        assert_eq!(top, file_events(&dir.join("meta.pickle.pbz2")), "{space} meta");
    }
}

#[test]
fn ordered_dicts_stay_ordered_dicts() {
    let l = load_object(&samples(Space::Tss)).unwrap();
    assert_eq!((l.space, l.form), (Space::Tss, Form::Folder));
    assert_eq!(l.archs.iter().map(|a| a.0).collect::<Vec<_>>(), ARCHS);
    let (_, arch) = &l.archs[1];
    let Obj::Dict { items, ordered: true } = arch else { panic!("the top is an OrderedDict") };
    assert_eq!(items.iter().map(|(k, _)| k.as_str().unwrap()).collect::<Vec<_>>(), ["12", "200"]);
    let state = arch.get("200").unwrap();
    assert_eq!(state.get("arch_index"), Some(&Obj::Int(11)));
    let Some(Obj::Dict { items: results, ordered: false }) = state.get("all_results") else {
        panic!()
    };
    let Obj::Dict { .. } = &results[0].1 else { panic!() };
    let Some(Obj::Dict { ordered, .. }) = results[0].1.get("train_times") else { panic!() };
    assert!(ordered, "train_times is an OrderedDict");
    // The meta object, with its set.
    assert_eq!(l.top.get("evaluated_indexes"), Some(&Obj::Set(vec![])));
    assert_eq!(l.top.get("arch2infos"), Some(&Obj::None));
}

/// A single benchmark file built from the samples by CPython (`None` without python3).
fn single_file(space: Space, order: &str, out: &Path) -> Option<PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/single_from_folder.py");
    let dst = out.join(format!("NATS-{space}-{order}.pickle.pbz2"));
    let status =
        Command::new("python3").arg(&script).arg(samples(space)).arg(&dst).arg(order).status();
    match status {
        Ok(s) if s.success() => Some(dst),
        Ok(s) => panic!("{script:?} failed: {s}"),
        Err(_) => {
            eprintln!("python3 not found: single-file tests skipped");
            None
        }
    }
}

#[test]
fn single_files_convert_to_the_same_entries_as_the_folder() {
    let out = tmp("single");
    for space in [Space::Tss, Space::Sss] {
        // `archs-first`: the space cannot be told from the first bytes, so the file is read
        // as a guess and again (the result must be the same).
        for order in ["meta-first", "archs-first"] {
            let Some(src) = single_file(space, order, &out) else { return };
            let opened = Source::open(&src).unwrap();
            assert_eq!(opened.form(), Form::File);
            if order == "meta-first" {
                assert_eq!(opened.space(), space, "told from the first bytes");
            }
            let dst = out.join(format!("{space}-{order}.tnb"));
            let s = run(&src, &dst, 2).unwrap();
            assert_eq!((s.space, s.form, s.entries), (space, Form::File, 3));
            assert!(s.missing.is_empty() && s.missing_text().is_none());
            let a = Archive::open(&dst).unwrap();
            assert_eq!((a.family(), a.form().unwrap()), (space.family(), SourceForm::Object));
            assert!(a.evaluated_is_set().unwrap());
            assert_eq!(a.evaluated_indexes().unwrap().iter().collect::<Vec<_>>(), ARCHS);
            let bytes = std::fs::read(&src).unwrap();
            let sha: [u8; 32] = Sha256::digest(&bytes).into();
            assert_eq!(a.header().source_sha256, sha);
            assert_eq!(a.header().source_size, bytes.len() as u64);
            for (e, i) in ARCHS.iter().enumerate() {
                let f = samples(space).join(format!("{i:06}.pickle.pbz2"));
                assert_eq!(entry_events(&a, e), file_events(&f), "{space} {order} arch {i}");
            }
            // In memory, the same object.
            let l = load_object(&src).unwrap();
            assert_eq!((l.space, l.form), (space, Form::File));
            let Some(Obj::Dict { items, .. }) = l.top.get("arch2infos") else { panic!() };
            assert_eq!(items.len(), 3);
        }
    }
}

#[test]
fn rebuilt_payloads_equal_the_archives() {
    let out = tmp("rebuild");
    let mut sources = vec![samples(Space::Tss), samples(Space::Sss)];
    sources.extend(single_file(Space::Sss, "meta-first", &out));
    for src in sources {
        let dst = out.join("a.tnb");
        run(&src, &dst, 2).unwrap();
        let a = Archive::open(&dst).unwrap();
        let r = tnb_nats::rebuild_payload(&src, &mut |_, _, _| {}).unwrap();
        assert_eq!(r.payload.out, a.payload(), "{}", src.display());
        assert_eq!(r.source_sha256, a.header().source_sha256);
        assert_eq!(r.source_size, a.header().source_size);
        assert_eq!(r.space.family(), a.family());
        let c = tnb_nats::compare_source(&src, a.payload(), &mut |_, _, _| {}).unwrap();
        assert_eq!(c.first_difference, None);
        assert_eq!((c.source_size, c.source_sha256), (r.source_size, r.source_sha256));
        let mut other = a.payload().to_vec();
        other[100] ^= 1;
        let c = tnb_nats::compare_source(&src, &other, &mut |_, _, _| {}).unwrap();
        assert_eq!(c.first_difference, Some(100));
    }
}

/// A folder of `n` per-arch files (copies of the three samples; names padded or not).
fn big_folder(space: Space, n: i64, out: &Path) -> PathBuf {
    let dir = out.join(format!("NATS-{space}-simple"));
    std::fs::create_dir_all(&dir).unwrap();
    let src = samples(space);
    std::fs::copy(src.join("meta.pickle.pbz2"), dir.join("meta.pickle.pbz2")).unwrap();
    for i in 0..n {
        let from = src.join(format!("{:06}.pickle.pbz2", ARCHS[i as usize % 3]));
        let name =
            if i % 7 == 3 { format!("{i}.pickle.pbz2") } else { format!("{i:06}.pickle.pbz2") };
        std::fs::copy(from, dir.join(name)).unwrap();
    }
    dir
}

#[test]
fn parallel_and_sequential_conversions_write_the_same_bytes() {
    let out = tmp("parallel");
    let dir = big_folder(Space::Sss, 40, &out);
    // Unrelated files are ignored; a padded name wins over an unpadded one.
    std::fs::write(dir.join("README"), b"x").unwrap();
    std::fs::copy(dir.join("000005.pickle.pbz2"), dir.join("5.pickle.pbz2")).unwrap();
    let mut archives = Vec::new();
    for threads in [1, 2, 5] {
        let dst = out.join(format!("t{threads}.tnb"));
        let s = run(&dir, &dst, threads).unwrap();
        assert_eq!(s.entries, 40);
        assert_eq!(s.ignored, 2);
        assert_eq!(s.missing.first(), Some(&40));
        archives.push(std::fs::read(&dst).unwrap());
    }
    assert!(archives.windows(2).all(|w| w[0] == w[1]));
    let a = Archive::copy_from(&archives[0]).unwrap();
    assert_eq!(a.entry_keys().unwrap().iter().collect::<Vec<_>>(), (0..40).collect::<Vec<_>>());
    // The unpadded file was read (arch 3 is a copy of sample 0), and hashed under its name.
    let mut names = vec!["meta.pickle.pbz2".to_owned()];
    names.extend((0..40).map(|i| {
        if i % 7 == 3 { format!("{i}.pickle.pbz2") } else { format!("{i:06}.pickle.pbz2") }
    }));
    assert_eq!(a.header().source_sha256, folder_sha(&dir, &names).0);
}

#[test]
fn damaged_files_in_a_folder_are_named() {
    let out = tmp("damaged");
    let dir = big_folder(Space::Sss, 30, &out);
    let victim = dir.join("000018.pickle.pbz2");
    let good = std::fs::read(&victim).unwrap();
    let dst = out.join("x.tnb");
    let bomb =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../common/bz2/tests/data/zeros-300MiB.bz2");
    let mut flipped = good.clone();
    flipped[good.len() / 2] ^= 0x10;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("corrupt bz2 data", flipped),
        ("truncated bz2 data", good[..good.len() - 100].to_vec()),
        ("not bz2 data", b"\x80\x04N.".to_vec()),
        ("empty file", Vec::new()),
        ("the bz2 data expands beyond 268435456 bytes", std::fs::read(bomb).unwrap()),
        ("pickle: ", tnb_bz2_compress(&[0x80, 0x04, b'N'])),
    ];
    for (want, bytes) in cases {
        std::fs::write(&victim, &bytes).unwrap();
        // (The bomb decodes 256 MiB before its refusal: once is enough.)
        let runs: &[usize] = if want.contains("expands") { &[3] } else { &[1, 3] };
        for &threads in runs {
            let e = run(&dir, &dst, threads).unwrap_err();
            let s = one_line(&e);
            assert!(s.starts_with(&victim.display().to_string()), "{s}");
            assert!(s.contains(want), "{want}: {s}");
            assert!(!dst.exists(), "nothing written");
        }
    }
    std::fs::write(&victim, &good).unwrap();
    run(&dir, &dst, 2).unwrap();
}

/// bz2 of `data` (as the NATS-Bench writers make files).
fn tnb_bz2_compress(data: &[u8]) -> Vec<u8> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import bz2,sys; sys.stdout.buffer.write(bz2.compress(sys.stdin.buffer.read(), 9))",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(data)?;
            c.wait_with_output()
        })
        .expect("python3");
    out.stdout
}

#[test]
fn what_is_not_nats_bench_is_refused() {
    let out = tmp("refused");
    let dst = out.join("x.tnb");
    // A folder without the meta file.
    let empty = out.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let e = run(&empty, &dst, 1).unwrap_err();
    assert!(one_line(&e).contains("has no meta.pickle.pbz2"), "{e}");
    // A '-full' folder, by name.
    let full = out.join("NATS-tss-v1_0-3ffb9-full");
    std::fs::create_dir_all(&full).unwrap();
    std::fs::copy(samples(Space::Tss).join("meta.pickle.pbz2"), full.join("meta.pickle.pbz2"))
        .unwrap();
    let e = run(&full, &dst, 1).unwrap_err();
    assert!(one_line(&e).contains("'-full' folder"), "{e}");
    // A per-arch file with tensors (a torch global).
    let dir = big_folder(Space::Tss, 2, &out);
    let torch = b"\x80\x04\x8c\x0ctorch._utils\x8c\x12_rebuild_tensor_v2\x93).";
    std::fs::write(dir.join("000001.pickle.pbz2"), tnb_bz2_compress(torch)).unwrap();
    let e = run(&dir, &dst, 1).unwrap_err();
    let s = one_line(&e);
    assert!(s.contains("000001.pickle.pbz2") && s.contains("'-full' archives"), "{s}");
    // Any other global.
    let posix = b"\x80\x04\x8c\x05posix\x8c\x06system\x93).";
    std::fs::write(dir.join("000001.pickle.pbz2"), tnb_bz2_compress(posix)).unwrap();
    let e = run(&dir, &dst, 1).unwrap_err();
    assert!(one_line(&e).contains("global 'posix.system' is not allowed"), "{e}");
    // meta_archs that are neither space's.
    let meta = dir.join("meta.pickle.pbz2");
    for (archs, want) in [
        ("['a', 'b']", "meta_archs[0] = \"a\" is neither"),
        ("['|a~0|', '8:8:8:8:8']", "mixes tss and sss"),
        ("[]", "'meta_archs' is empty"),
        ("[1]", "meta_archs[0] is an int"),
        ("'x'", "'meta_archs' is a str"),
    ] {
        let p = python_pickle(&format!("{{'meta_archs': {archs}, 'arch2infos': None}}"));
        std::fs::write(&meta, tnb_bz2_compress(&p)).unwrap();
        let e = run(&dir, &dst, 1).unwrap_err();
        let s = one_line(&e);
        assert!(s.starts_with("not NATS-Bench: ") && s.contains(want), "{want}: {s}");
    }
    // A single file that is not a bz2 pickle of the benchmark's dict.
    let f = out.join("x.pickle.pbz2");
    std::fs::write(&f, tnb_bz2_compress(&python_pickle("[1, 2]"))).unwrap();
    let e = run(&f, &dst, 1).unwrap_err();
    assert!(one_line(&e).contains("not a dict with 'meta_archs' and 'arch2infos'"), "{e}");
    std::fs::write(&f, b"not bz2").unwrap();
    let e = run(&f, &dst, 1).unwrap_err();
    assert!(one_line(&e).contains("not bz2 data"), "{e}");
    assert!(!dst.exists());
}

fn python_pickle(expr: &str) -> Vec<u8> {
    let out = Command::new("python3")
        .args([
            "-c",
            &format!("import pickle,sys; sys.stdout.buffer.write(pickle.dumps({expr}, 4))"),
        ])
        .output()
        .expect("python3");
    assert!(out.status.success());
    out.stdout
}

#[test]
fn a_damaged_single_file_is_refused_in_one_line() {
    let out = tmp("single-damaged");
    let Some(src) = single_file(Space::Tss, "meta-first", &out) else { return };
    let good = std::fs::read(&src).unwrap();
    let dst = out.join("x.tnb");
    for (cut, want) in [(good.len() / 2, "truncated bz2 data"), (60, "truncated bz2 data")] {
        std::fs::write(&src, &good[..cut]).unwrap();
        let e = run(&src, &dst, 1).unwrap_err();
        let s = one_line(&e);
        assert!(s.starts_with(&src.display().to_string()) && s.contains(want), "{s}");
    }
    let mut bad = good.clone();
    bad[good.len() / 3] ^= 4;
    std::fs::write(&src, &bad).unwrap();
    let e = run(&src, &dst, 1).unwrap_err();
    assert!(one_line(&e).starts_with(&format!("{}: corrupt bz2 data", src.display())), "{e}");
    assert!(!dst.exists());
    // Families and space names.
    assert_eq!(Space::Tss.family(), Family::NatsTss);
    assert_eq!(Space::of_arch("64:8:16:32:40"), Some(Space::Sss));
    assert_eq!(Space::of_arch("64:8:16:32"), None);
    assert_eq!(Space::of_arch("08:8:8:8:8"), None);
}

#[test]
fn the_look_alike_fixtures_convert_and_rebuild() {
    let out = tmp("synth");
    let synth = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data/nats/synth");
    for (name, space, form, entries) in [
        ("tss-simple", Space::Tss, Form::Folder, 6),
        ("sss-simple", Space::Sss, Form::Folder, 8),
        ("tss.pickle.pbz2", Space::Tss, Form::File, 8),
        ("sss.pickle.pbz2", Space::Sss, Form::File, 8),
    ] {
        let src = synth.join(name);
        let dst = out.join(format!("{name}.tnb"));
        let s = run(&src, &dst, 2).unwrap();
        assert_eq!((s.space, s.form, s.entries), (space, form, entries), "{name}");
        let a = Archive::open(&dst).unwrap();
        let r = tnb_nats::rebuild_payload(&src, &mut |_, _, _| {}).unwrap();
        assert_eq!(r.payload.out, a.payload(), "{name}");
        let l = load_object(&src).unwrap();
        if form == Form::Folder {
            for (e, (i, _)) in l.archs.iter().enumerate() {
                let f = src.join(format!("{i:06}.pickle.pbz2"));
                assert_eq!(entry_events(&a, e), file_events(&f), "{name} arch {i}");
            }
        } else {
            // The archive's walk is the file's own.
            let mut walk = Vec::new();
            a.walk(&mut |ev| {
                walk.push(show(&ev));
                Ok(())
            })
            .unwrap();
            assert_eq!(walk, file_events(&src), "{name}");
        }
    }
}

#[test]
fn a_single_file_bomb_stops_at_the_pickle_size_limit() {
    // 20 MB of `None` pushed and popped: a valid pickle prefix that never ends, in a few KB.
    let out = tmp("single-bomb");
    let f = out.join("bomb.pickle.pbz2");
    let mut p = b"\x80\x04".to_vec();
    p.extend(std::iter::repeat_n(*b"N0", 10 << 20).flatten());
    let packed = tnb_bz2_compress(&p);
    assert!(packed.len() < 64 << 10, "{}", packed.len());
    std::fs::write(&f, &packed).unwrap();
    let limits = tnb_pickle::stream::StreamLimits {
        max_pickle_size: 4 << 20,
        ..tnb_pickle::stream::StreamLimits::default()
    };
    let opts = Options { limits, ..Options::default() };
    let dst = out.join("x.tnb");
    let e = convert_with(&f, &dst, &opts, &mut |_, _, _| {}, &accept).unwrap_err();
    let s = one_line(&e);
    // The pickle reader stops at the limit; the bz2 data going on past it says why.
    assert!(s.starts_with(&f.display().to_string()), "{s}");
    assert!(s.contains("expands beyond 4194304 bytes") && s.contains("bz2 bomb"), "{s}");
    assert!(!dst.exists());
}

#[test]
fn bytes_after_a_single_files_pickle_decode_within_the_limit() {
    let out = tmp("single-tail");
    let f = out.join("tail.pickle.pbz2");
    // `None`, then 50 MB of zeros in the same bz2 stream (a few hundred bytes).
    let mut p = b"\x80\x04N.".to_vec();
    p.resize(4 + (50 << 20), 0);
    std::fs::write(&f, tnb_bz2_compress(&p)).unwrap();
    let dst = out.join("x.tnb");
    let limits = tnb_pickle::stream::StreamLimits {
        max_pickle_size: 4 << 20,
        ..tnb_pickle::stream::StreamLimits::default()
    };
    let opts = Options { limits, ..Options::default() };
    let e = convert_with(&f, &dst, &opts, &mut |_, _, _| {}, &accept).unwrap_err();
    let s = one_line(&e);
    assert!(s.starts_with(&f.display().to_string()), "{s}");
    assert!(s.contains("expands beyond 4194304 bytes"), "{s}");
    let e = run(&f, &dst, 1).unwrap_err();
    assert!(one_line(&e).contains("52428800 bytes follow the pickle's STOP"), "{e}");
}

#[test]
fn a_per_arch_file_larger_than_any_is_refused_unread() {
    let out = tmp("huge");
    let dir = big_folder(Space::Sss, 2, &out);
    // Sparse: the size is refused from the metadata, before a byte is read.
    let f = std::fs::File::create(dir.join("000001.pickle.pbz2")).unwrap();
    f.set_len(tnb_nats::MAX_ARCH_FILE + 1).unwrap();
    let e = run(&dir, &out.join("x.tnb"), 2).unwrap_err();
    let s = one_line(&e);
    assert!(s.contains("000001.pickle.pbz2: 268435457 bytes: larger than any NATS-Bench per-arch or meta file can be (MAX_ARCH_FILE = 268435456)"), "{s}");
}
