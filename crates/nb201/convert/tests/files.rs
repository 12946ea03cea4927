//! The atomic file write, the arena adapter on a pickle written by Python, and rebuilding.

use std::path::PathBuf;
use std::process::Command;

use tnb_nb201_convert::sample::{self, Options};
use tnb_nb201_convert::{
    Family, Fed, feed_object, from_document, payload_bytes, rebuild_payload, write_file,
};
use tnb_nb201_store::Archive;

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tnb-nb201-convert-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn opens(p: &std::path::Path) -> Result<(), String> {
    let a = Archive::open(p).map_err(|e| e.to_string())?;
    a.verify_checksum().map_err(|e| e.to_string())
}

#[test]
fn write_file_is_atomic_and_equals_the_in_memory_archive() {
    let dir = temp("write");
    let dst = dir.join("nb201.tnb");
    let top = sample::object(&Options { archs: 4, full_epochs: 20, ..Options::default() });
    let (header, size, stats) = write_file(&dst, Family::Nb201, &opens, |conv| {
        if let Some(tnb_pickle::stream::Obj::Dict { items, .. }) = top.get("arch2infos") {
            for (k, v) in items {
                conv.entry(k, v)?;
            }
        }
        Ok(Fed { top: top.clone(), source_size: 77, source_sha256: [9; 32] })
    })
    .unwrap();
    let on_disk = std::fs::read(&dst).unwrap();
    assert_eq!(on_disk.len() as u64, size);
    assert_eq!(on_disk, tnb_nb201_convert::archive_bytes(&top, 77, [9; 32]).unwrap());
    assert_eq!((header.source_size, stats.entries), (77, 4));
    // A refusing reader: the old archive stays, no temporary file is left.
    let e = write_file(&dst, Family::Nb201, &|_| Err("no".into()), |_| {
        Ok(Fed { top: top.clone(), source_size: 1, source_sha256: [0; 32] })
    })
    .unwrap_err();
    assert!(e.to_string().contains("no"), "{e}");
    // A failing feed: the same.
    assert!(
        write_file(&dst, Family::Nb201, &opens, |_| Err(tnb_nb201_convert::Error::Source(
            "boom".into()
        )))
        .is_err()
    );
    assert_eq!(std::fs::read(&dst).unwrap(), on_disk);
    let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // A folder is not replaced.
    assert!(write_file(&dir, Family::Nb201, &opens, |_| unreachable!()).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn rebuild_payload_equals_the_archive_payload() {
    let top = sample::object(&Options { archs: 3, full_epochs: 10, ..Options::default() });
    let a =
        Archive::copy_from(&tnb_nb201_convert::archive_bytes(&top, 0, [0; 32]).unwrap()).unwrap();
    let p = rebuild_payload(|conv| {
        if let Some(tnb_pickle::stream::Obj::Dict { items, .. }) = top.get("arch2infos") {
            for (k, v) in items {
                conv.entry(k, v)?;
            }
        }
        Ok(top.clone())
    })
    .unwrap();
    assert_eq!(p.out, a.payload());
    assert_eq!(payload_bytes(&top).unwrap().out, a.payload());
    assert_eq!(
        feed_object(tnb_nb201_convert::Converter::in_memory(), &top).unwrap().crc32,
        a.header().payload_crc32
    );
}

/// A tiny NB201 object pickled by Python (protocol 2, the real files' protocol), read through
/// `tnb_pth` and the arena adapter, converted, and walked: the walk equals the source's.
#[test]
fn a_python_pickle_converts_through_the_arena_adapter() {
    let script = r#"
import pickle, sys
def run(d, seed, n):
    keys = ['x-valid@%d' % e for e in range(n)] + ['ori-test@%d' % (n - 1)]
    return {'name': d, 'train_acc1es': {e: 50.0 + e / 3 for e in range(n)}, 'train_acc5es': None,
            'train_losses': {e: 1.0 / (e + 1) for e in range(n)}, 'train_times': None,
            'arch_config': {'channel': 16, 'num_cells': 5, 'arch_str': A, 'class_num': 10},
            'params': 0.129306, 'flop': 15.64737, 'seed': '%04d' % seed, 'epochs': n,
            'latency': [0.0139, 0.0141], 'eval_names': ['x-valid', 'ori-test'],
            'eval_acc1es': {k: 80.0 + i / 7 for i, k in enumerate(keys)}, 'eval_times': {},
            'eval_losses': {k: 0.5 - i / 100 for i, k in enumerate(keys)}, 'net_state_dict': None}
A = '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|'
def ar(n, seeds):
    return {'arch_index': 0, 'arch_str': A,
            'all_results': {('cifar10-valid', s): run('cifar10-valid', s, n) for s in seeds},
            'dataset_seed': {'cifar10-valid': sorted(seeds)}, 'clear_net_done': True}
obj = {'meta_archs': [A], 'total_archs': 1,
       'arch2infos': {0: {'full': ar(5, [888, 777]), 'less': ar(3, [777])}},
       'evaluated_indexes': [0]}
sys.stdout.buffer.write(pickle.dumps(obj, protocol=2))
"#;
    let out = Command::new("python3").args(["-c", script]).output().expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = tnb_pth::load(&out.stdout).unwrap();
    let top = from_document(&doc).unwrap();
    let a =
        Archive::copy_from(&tnb_nb201_convert::archive_bytes(&top, 0, [0; 32]).unwrap()).unwrap();
    let mut want = Vec::new();
    for e in tnb_pth::events(&doc) {
        want.push(format!("{:?}", e.unwrap()));
    }
    let mut got = Vec::new();
    a.walk(&mut |e| {
        got.push(format!("{e:?}"));
        Ok(())
    })
    .unwrap();
    assert_eq!(got, want);
    let run =
        a.arch_results(0, tnb_nb201_store::Hp::Full).unwrap().unwrap().run(1).unwrap().unwrap();
    assert_eq!((run.seed().unwrap(), run.seed_str().unwrap()), (777, "0777"));
    assert_eq!(
        run.eval_acc1es().unwrap().get_str("ori-test@4").unwrap().unwrap().to_f64(),
        80.0 + 5.0 / 7.0
    );
}

/// `write_file` of a NATS family writes that family in the header; a feed that marks the
/// conversion as a folder gets form 1, the same bytes as `folder_archive_bytes`.
#[test]
fn write_file_writes_the_family_and_the_folder_form() {
    use tnb_nb201_store::SourceForm;
    use tnb_pickle::stream::Obj;
    let dir = temp("family");
    let dst = dir.join("nats.tnb");
    let top = sample::object(&Options { archs: 3, full_epochs: 5, ..Options::default() });
    let Some(Obj::Dict { items, .. }) = top.get("arch2infos") else { panic!() };
    let mut entries: Vec<(i64, Obj)> = items
        .iter()
        .map(|(k, v)| (if let Obj::Int(k) = k { *k } else { panic!() }, v.clone()))
        .collect();
    entries.sort_by_key(|e| e.0);
    // The meta file's shape: arch2infos None, an empty set.
    let meta = Obj::Dict {
        items: vec![
            (Obj::Str("meta_archs".into()), top.get("meta_archs").unwrap().clone()),
            (Obj::Str("total_archs".into()), Obj::Int(3)),
            (Obj::Str("arch2infos".into()), Obj::None),
            (Obj::Str("evaluated_indexes".into()), Obj::Set(vec![])),
        ],
        ordered: false,
    };
    let (h, _, stats) = write_file(&dst, Family::NatsTss, &opens, |conv| {
        conv.mark_folder();
        for (k, v) in &entries {
            conv.entry(&Obj::Int(*k), v)?;
        }
        Ok(Fed { top: meta.clone(), source_size: 3, source_sha256: [4; 32] })
    })
    .unwrap();
    assert_eq!((h.family, stats.entries), (Family::NatsTss, 3));
    let bytes = std::fs::read(&dst).unwrap();
    let want =
        tnb_nb201_convert::folder_archive_bytes(Family::NatsTss, &meta, &entries, 3, [4; 32])
            .unwrap();
    assert_eq!(bytes, want);
    let a = Archive::copy_from(&bytes).unwrap();
    assert_eq!((a.family(), a.form().unwrap()), (Family::NatsTss, SourceForm::Folder));
    // A folder's top needs meta_archs only.
    let e = tnb_nb201_convert::folder_archive_bytes(
        Family::NatsTss,
        &Obj::Dict { items: vec![], ordered: false },
        &[],
        0,
        [0; 32],
    )
    .unwrap_err();
    assert!(e.to_string().contains("Can not find key[meta_archs]"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
