//! The generator's files against files real torch wrote (data/nb201_*.pth, made by
//! tools/fixtures/make_nb201_fixtures.py from an independent Python model of the same object),
//! and against the workspace's reader (tnb_pth::load): layout, types, counts, sharing.

use std::path::Path;

use tnb_nb201_synth::{NumpyStyle, Options, Synth, Version};
use tnb_pickle::{Arena, Dtype, Kind, Ref, Value};
// The key order nb201-layout.md §3 gives (the torch-written fixtures confirm it byte for byte).
use tnb_schema::nb201::codes::RESULT_KEYS as RUN_FIELDS;

fn fixture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The options of each torch-written fixture (the FIXTURES table of the Python script).
fn fixture_options() -> Vec<(&'static str, Options)> {
    let small = |version| Options {
        version,
        seed: 201,
        meta_archs: 120,
        indexes: Some(vec![7, 11, 96, 108]),
        epochs_full: 3,
        epochs_less: 2,
        numpy: NumpyStyle::Numpy1,
        ..Options::default()
    };
    vec![
        ("nb201_v1_0_small.pth", small(Version::V1_0)),
        ("nb201_v1_1_small.pth", small(Version::V1_1)),
        (
            "nb201_v1_1_numpy2.pth",
            Options {
                version: Version::V1_1,
                seed: 5,
                meta_archs: 400,
                indexes: Some(vec![0, 395]),
                epochs_full: 2,
                epochs_less: 2,
                numpy: NumpyStyle::Numpy2,
                ..Options::default()
            },
        ),
    ]
}

#[test]
fn the_generator_writes_what_torch_wrote() {
    for (name, options) in fixture_options() {
        let want = fixture(name);
        let got = Synth::new(options).unwrap().file_bytes().unwrap();
        if got != want {
            let at = got
                .iter()
                .zip(&want)
                .position(|(a, b)| a != b)
                .unwrap_or(got.len().min(want.len()));
            panic!(
                "{name}: differs from byte {at} (ours {} bytes, torch's {})",
                got.len(),
                want.len()
            );
        }
    }
}

// ---------------------------------------------------------------- reading back

fn items(a: &Arena<'_>, r: Ref) -> Vec<(Ref, Ref)> {
    match a.get(r) {
        Value::Container(Kind::Dict, kv) => kv.pairs().collect(),
        other => panic!("expected a dict, found {}", other.type_name()),
    }
}

fn list(a: &Arena<'_>, r: Ref) -> Vec<Ref> {
    match a.get(r) {
        Value::Container(Kind::List, c) => c.iter().collect(),
        other => panic!("expected a list, found {}", other.type_name()),
    }
}

fn text<'a>(a: &'a Arena<'_>, r: Ref) -> &'a str {
    match a.get(r) {
        Value::Str(s) => s,
        other => panic!("expected a str, found {}", other.type_name()),
    }
}

fn keys(a: &Arena<'_>, r: Ref) -> Vec<String> {
    items(a, r).into_iter().map(|(k, _)| text(a, k).to_owned()).collect()
}

fn field(a: &Arena<'_>, r: Ref, name: &str) -> Ref {
    items(a, r).into_iter().find(|&(k, _)| text(a, k) == name).map(|(_, v)| v).unwrap()
}

fn is_f64_scalar(a: &Arena<'_>, r: Ref) -> bool {
    matches!(a.get(r), Value::Scalar(s) if s.dtype == Dtype::F64)
}

/// Checks every arch of a file with real epoch counts against nb201-layout.md §3.
fn check_layout(version: Version, archs: usize) {
    let options = Options { version, archs, meta_archs: 200, ..Options::default() };
    let synth = Synth::new(options).unwrap();
    let file = synth.file_bytes().unwrap();
    let doc = tnb_pth::load(&file).unwrap();
    assert_eq!(doc.format, tnb_pth::Format::Legacy);
    let a = &doc.pickle.arena;
    let root = doc.pickle.root;
    assert_eq!(keys(a, root), ["meta_archs", "total_archs", "arch2infos", "evaluated_indexes"]);
    let meta = list(a, field(a, root, "meta_archs"));
    assert_eq!(meta.len(), 200);
    assert!(matches!(a.get(field(a, root, "total_archs")), Value::Int(200)));
    let evaluated: Vec<i64> = list(a, field(a, root, "evaluated_indexes"))
        .into_iter()
        .map(|r| match a.get(r) {
            Value::Int(i) => i,
            _ => panic!(),
        })
        .collect();
    assert_eq!(evaluated.len(), archs);
    assert!(evaluated.windows(2).all(|w| w[0] < w[1]));
    let a2i = items(a, field(a, root, "arch2infos"));
    assert_eq!(a2i.len(), archs);
    for (k, entry) in a2i {
        let Value::Int(index) = a.get(k) else { panic!("int keys") };
        assert_eq!(keys(a, entry), ["full", "less"]);
        for (hp, ar) in items(a, entry) {
            let hp = text(a, hp);
            assert_eq!(
                keys(a, ar),
                ["arch_index", "arch_str", "all_results", "dataset_seed", "clear_net_done"]
            );
            assert!(matches!(a.get(field(a, ar, "arch_index")), Value::Int(i) if i == index));
            assert_eq!(text(a, field(a, ar, "arch_str")), text(a, meta[index as usize]));
            assert!(matches!(a.get(field(a, ar, "clear_net_done")), Value::Bool(true)));
            let ds = keys(a, field(a, ar, "dataset_seed"));
            let runs = items(a, field(a, ar, "all_results"));
            let want_ds: &[&str] = match (version, hp) {
                (Version::V1_0, "less") => &["cifar10-valid"],
                _ => &["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"],
            };
            assert_eq!(ds, want_ds, "{index} {hp}");
            for (key, run) in runs {
                let Value::Container(Kind::Tuple, t) = a.get(key) else { panic!("tuple keys") };
                let t: Vec<Ref> = t.iter().collect();
                let dataset = text(a, t[0]).to_owned();
                let Value::Int(seed) = a.get(t[1]) else { panic!() };
                assert_eq!(keys(a, run), RUN_FIELDS);
                let epochs = if hp == "full" { 200 } else { 12 };
                assert_eq!(text(a, field(a, run, "name")), dataset);
                assert_eq!(text(a, field(a, run, "seed")), format!("{seed:04}"));
                assert!(matches!(a.get(field(a, run, "epochs")), Value::Int(e) if e == epochs));
                assert!(is_f64_scalar(a, field(a, run, "params")));
                assert!(matches!(a.get(field(a, run, "flop")), Value::Float(_)));
                assert!(matches!(a.get(field(a, run, "net_state_dict")), Value::None));
                assert_eq!(items(a, field(a, run, "train_acc1es")).len(), epochs as usize);
                let acc5 = field(a, run, "train_acc5es");
                assert_eq!(matches!(a.get(acc5), Value::None), hp == "full");
                let tt = field(a, run, "train_times");
                let lat = field(a, run, "latency");
                let et = items(a, field(a, run, "eval_times"));
                let acc = keys(a, field(a, run, "eval_acc1es"));
                assert_eq!(acc, keys(a, field(a, run, "eval_losses")));
                let names: Vec<String> = list(a, field(a, run, "eval_names"))
                    .into_iter()
                    .map(|r| text(a, r).to_owned())
                    .collect();
                let n_sets = names.len();
                let want_acc = match (hp, dataset.as_str()) {
                    ("less", _) => 12 * n_sets,
                    ("full", "cifar10-valid") => 201,
                    ("full", "cifar10") => 200,
                    _ => 202,
                };
                assert_eq!(acc.len(), want_acc, "{index} {hp} {dataset}");
                if hp == "full" {
                    let old: &[&str] = match dataset.as_str() {
                        "cifar10-valid" => &["x-valid", "ori-test"],
                        "cifar10" => &["ori-test"],
                        _ => &["ori-test", "x-valid", "x-test"],
                    };
                    assert_eq!(names, old);
                    assert!(acc.contains(&"ori-test@199".to_owned()));
                }
                match version {
                    Version::V1_1 => {
                        assert_eq!(items(a, tt).len(), epochs as usize);
                        let l = list(a, lat);
                        assert!(l.len() == 1 && is_f64_scalar(a, l[0]));
                        assert_eq!(et.len(), epochs as usize * n_sets);
                    }
                    Version::V1_0 if hp == "full" => {
                        assert!(matches!(a.get(tt), Value::None));
                        assert!(et.is_empty());
                        let l = list(a, lat);
                        assert!(
                            l.len() >= 5 && l.iter().all(|&r| matches!(a.get(r), Value::Float(_)))
                        );
                    }
                    Version::V1_0 => {
                        assert_eq!(items(a, tt).len(), 12);
                        assert!(matches!(a.get(lat), Value::None));
                        assert_eq!(et.len(), acc.len());
                    }
                }
                let cfg = field(a, run, "arch_config");
                assert_eq!(keys(a, cfg), ["channel", "num_cells", "arch_str", "class_num"]);
            }
        }
    }
}

#[test]
fn v1_1_layout_types_and_counts() {
    check_layout(Version::V1_1, 4);
}

#[test]
fn v1_0_layout_types_and_counts() {
    check_layout(Version::V1_0, 4);
}

fn count(hay: &[u8], s: &str) -> usize {
    let mut needle = vec![b'X'];
    needle.extend((s.len() as u32).to_le_bytes());
    needle.extend(s.as_bytes());
    hay.windows(needle.len()).filter(|w| *w == needle.as_slice()).count()
}

/// Which strings are one object (written once, then memo gets) follows nb201-layout.md §4.
#[test]
fn strings_are_shared_as_the_writers_shared_them() {
    // Archs 0 and 780 (chunks 0 and 2), 12 + 200 epochs, v1_1.
    let options = Options { indexes: Some(vec![0, 1, 780]), meta_archs: 800, ..Options::default() };
    let synth = Synth::new(options).unwrap();
    let file = synth.file_bytes().unwrap();
    // Attribute names: once for the file.
    for name in ["train_acc1es", "eval_losses", "dataset_seed", "full", "less", "latin1"] {
        assert_eq!(count(&file, name), 1, "{name}");
    }
    // Per chunk (2 chunks): dataset names, arch_config keys, old-format set names; 'arch_str'
    // also once as the attribute name.
    for name in ["cifar10-valid", "ImageNet16-120", "num_cells", "class_num"] {
        assert_eq!(count(&file, name), 2, "{name}");
    }
    assert_eq!(count(&file, "arch_str"), 3);
    // Per arch: arch_str in full/less/arch_configs once, plus its meta_archs entry.
    let meta = tnb_nb201_synth::meta_archs();
    assert_eq!(count(&file, &meta[780]), 2);
    // 12-epoch keys serve three dicts; 200-epoch keys are written per dict. 'x-valid@5' is
    // in every cifar10-valid run: 12-epoch (2 seeds x 1 for 3 archs) + 200-epoch (seeds x 3).
    let seeds: usize = [0, 1, 780].iter().map(|&i| synth.arch(i).full.len()).sum();
    // cifar100/ImageNet16-120 12-epoch runs also have x-valid@5.
    assert_eq!(count(&file, "x-valid@5"), 3 * (2 + 2) + 3 * seeds + seeds * 2);
    // Seeds: one '0111' per arch (the 111 checkpoint's 4 datasets share it).
    assert_eq!(count(&file, "0111"), 3);
}

#[test]
fn a_subset_of_the_meta_list_and_of_the_archs() {
    let synth = Synth::new(Options {
        archs: 3,
        meta_archs: 10,
        epochs_full: 2,
        epochs_less: 2,
        ..Options::default()
    })
    .unwrap();
    assert_eq!(synth.evaluated_indexes(), [0, 5, 9]);
    let file = synth.file_bytes().unwrap();
    let doc = tnb_pth::load(&file).unwrap();
    let a = &doc.pickle.arena;
    assert_eq!(list(a, field(a, doc.pickle.root, "meta_archs")).len(), 10);
    // The last chunk of the benchmark iterates 15616.. before 15600.. (a set of 25 ints).
    let synth = Synth::new(Options {
        indexes: Some(vec![15600, 15624]),
        epochs_full: 1,
        epochs_less: 1,
        ..Options::default()
    })
    .unwrap();
    assert_eq!(synth.arch2infos_order(), [15624, 15600]);
    let file = synth.file_bytes().unwrap();
    let doc = tnb_pth::load(&file).unwrap();
    let a = &doc.pickle.arena;
    let order: Vec<i64> = items(a, field(a, doc.pickle.root, "arch2infos"))
        .into_iter()
        .map(|(k, _)| match a.get(k) {
            Value::Int(i) => i,
            _ => panic!(),
        })
        .collect();
    assert_eq!(order, [15624, 15600]);
}

#[test]
fn streaming_writes_equal_the_in_memory_file_and_the_file_on_disk() {
    let options =
        Options { archs: 3, meta_archs: 50, epochs_full: 5, epochs_less: 3, ..Options::default() };
    let synth = Synth::new(options).unwrap();
    let whole = synth.file_bytes().unwrap();
    let dir = std::env::temp_dir().join(format!("tnb-nb201-synth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("small.pth");
    let mut seen = Vec::new();
    let written = synth.write_file(&path, &mut |k| seen.push(k)).unwrap();
    assert_eq!(seen, [1, 2, 3]);
    let disk = std::fs::read(&path).unwrap();
    assert_eq!(written.bytes, disk.len() as u64);
    // Every memo put is a BINPUT (ids < 256) or LONG_BINPUT; the last id is memo_entries - 1.
    let last = (written.memo_entries - 1) as u32;
    let mut put = vec![b'r'];
    put.extend(last.to_le_bytes());
    assert!(disk.windows(5).any(|w| w == put.as_slice()));
    let mut next = vec![b'r'];
    next.extend((last + 1).to_le_bytes());
    assert!(!disk.windows(5).any(|w| w == next.as_slice()));
    assert!(disk == whole);
    std::fs::remove_dir_all(&dir).unwrap();
}

// The NATS-Bench look-alikes against the real sample files.
#[path = "nats/samples.rs"]
mod nats_samples;

// The committed NATS look-alike fixtures.
#[path = "nats/fixtures.rs"]
mod nats_fixtures;
