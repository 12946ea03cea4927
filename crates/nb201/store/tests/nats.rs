//! The real NATS-Bench sample files (data/nats/samples: the authors' per-arch files of archs 0,
//! 11 and 284 and the meta files, both spaces), decoded through tnb_bz2 and tnb_pth's arena
//! reader (an independent path from the streaming reader), converted as a `-simple` folder
//! (form 1) and as a single object built from them (form 0): the archive's walk, and each
//! entry's walk, equal the sources' own walks, event for event.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tnb_nb201_convert::{Family, archive_bytes_family, folder_archive_bytes, from_document};
use tnb_nb201_store::{Archive, ConfigValue, Hp, SourceForm};
use tnb_pickle::stream::Obj;

use common::{archive_events, obj_events, show};

/// Largest decompressed sample (the tss meta file is 1.4 MB).
const MAX_SAMPLE: u64 = 16 << 20;

const ARCHS: [i64; 3] = [0, 11, 284];

fn folder(space: &str) -> PathBuf {
    let name = match space {
        "tss" => "NATS-tss-v1_0-3ffb9-simple",
        _ => "NATS-sss-v1_0-50262-simple",
    };
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data/nats/samples").join(name)
}

/// A sample file: its object and its own walk (tnb_pth's events of the arena document).
fn load(path: &Path) -> (Obj, Vec<String>, u64) {
    let bz = std::fs::read(path).unwrap();
    let pickle = tnb_bz2::decompress(&bz, MAX_SAMPLE).unwrap();
    let doc = tnb_pth::load(&pickle).unwrap();
    let events = tnb_pth::events(&doc).map(|e| show(&e.unwrap())).collect();
    (from_document(&doc).unwrap(), events, bz.len() as u64)
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

fn hp_keys(o: &Obj) -> Vec<String> {
    let Obj::Dict { items, .. } = o else { panic!("not a dict") };
    items.iter().map(|(k, _)| k.as_str().unwrap().to_owned()).collect()
}

struct Space {
    family: Family,
    meta: (Obj, Vec<String>, u64),
    files: Vec<(Obj, Vec<String>, u64)>,
}

fn space(name: &str) -> Space {
    let dir = folder(name);
    let family = if name == "tss" { Family::NatsTss } else { Family::NatsSss };
    let meta = load(&dir.join("meta.pickle.pbz2"));
    let files = ARCHS.iter().map(|i| load(&dir.join(format!("{i:06}.pickle.pbz2")))).collect();
    Space { family, meta, files }
}

/// What every NATS archive of the samples answers, whatever its form.
fn check_entries(a: &Archive, s: &Space) {
    assert_eq!(a.entry_keys().unwrap().iter().collect::<Vec<_>>(), ARCHS);
    for (e, (obj, events, _)) in s.files.iter().enumerate() {
        assert_eq!(entry_events(a, e), *events, "entry {e}");
        let keys = hp_keys(obj);
        assert_eq!(a.hp_count(e).unwrap(), keys.len());
        for (j, k) in keys.iter().enumerate() {
            assert_eq!(a.hp_key(e, j).unwrap(), Some(k.as_str()));
            let ar = a.results_by_key(ARCHS[e], k).unwrap().unwrap();
            assert_eq!(ar.arch_index().unwrap(), ARCHS[e]);
            assert_eq!(a.results_at(e, j).unwrap().unwrap().arch_index().unwrap(), ARCHS[e]);
            let arch = ar.arch_str().unwrap();
            assert_eq!(a.arch_index(arch).unwrap(), Some(ARCHS[e] as usize));
        }
        assert_eq!(a.hp_key(e, keys.len()).unwrap(), None);
        assert!(a.results_at(e, keys.len()).unwrap().is_none());
        assert!(a.results_by_key(ARCHS[e], "full").unwrap().is_none());
        assert!(a.arch_results(ARCHS[e], Hp::Full).unwrap().is_none());
    }
    assert!(a.results_by_key(1, &hp_keys(&s.files[0].0)[0]).unwrap().is_none());
    assert!(a.walk_entry(3, &mut |_| Ok(())).is_err());
    // The hp keys each space's files hold, and arch_config as the file has it.
    let (want_hps, want_config): (&[&str], &[&str]) = match s.family {
        Family::NatsTss => (&["12", "200"], &["channel", "num_cells", "arch_str", "class_num"]),
        _ => (&["01", "12", "90"], &["name", "channels", "arch_str", "genotype", "class_num"]),
    };
    assert_eq!(hp_keys(&s.files[0].0), want_hps);
    let run = a.results_by_key(284, "12").unwrap().unwrap().run(0).unwrap().unwrap();
    let c = run.arch_config_dict().unwrap();
    let keys: Vec<&str> = (0..c.len()).map(|i| c.item(i).unwrap().unwrap().0).collect();
    assert_eq!(keys, want_config);
    assert!(matches!(c.get("arch_str").unwrap(), Some(ConfigValue::Str(_))));
    assert!(matches!(c.get("class_num").unwrap(), Some(ConfigValue::Num(n)) if n.bits() == 10));
}

fn folder_archive(s: &Space) -> Archive {
    let files: Vec<(i64, Obj)> =
        ARCHS.iter().zip(&s.files).map(|(k, (o, _, _))| (*k, o.clone())).collect();
    let size = s.meta.2 + s.files.iter().map(|f| f.2).sum::<u64>();
    let bytes = folder_archive_bytes(s.family, &s.meta.0, &files, size, [5; 32]).unwrap();
    Archive::copy_from(&bytes).unwrap()
}

/// `{'meta_archs', 'total_archs', 'arch2infos': {0: .., 11: .., 284: ..}, 'evaluated_indexes':
/// set}`: the single benchmark file's layout, built from the samples.
fn single_object(s: &Space) -> Obj {
    let str_ = |x: &str| Obj::Str(Arc::from(x));
    let entries = ARCHS.iter().zip(&s.files).map(|(k, (o, _, _))| (Obj::Int(*k), o.clone()));
    Obj::Dict {
        items: vec![
            (str_("meta_archs"), s.meta.0.get("meta_archs").unwrap().clone()),
            (str_("total_archs"), s.meta.0.get("total_archs").unwrap().clone()),
            (str_("arch2infos"), Obj::Dict { items: entries.collect(), ordered: false }),
            (str_("evaluated_indexes"), Obj::Set(ARCHS.iter().map(|&i| Obj::Int(i)).collect())),
        ],
        ordered: false,
    }
}

#[test]
fn the_real_samples_round_trip_as_a_folder() {
    for name in ["tss", "sss"] {
        let s = space(name);
        let a = folder_archive(&s);
        a.verify_checksum().unwrap();
        assert_eq!((a.family(), a.form().unwrap()), (s.family, SourceForm::Folder));
        assert_eq!(a.header().source_sha256, [5; 32]);
        // The walk is the meta file's, `'arch2infos': None` and `set()` included.
        assert_eq!(archive_events(&a), s.meta.1, "{name} meta");
        assert!(s.meta.1.iter().any(|e| e == "BeginSeq(Set)"), "the meta file holds a set");
        let pulled: Vec<String> = a.events().map(|e| show(&e.unwrap())).collect();
        assert_eq!(pulled, s.meta.1);
        assert_eq!(a.len(), if name == "tss" { 15625 } else { 32768 });
        assert!(a.evaluated_indexes().unwrap().is_empty());
        assert!(!a.evaluated_is_set().unwrap());
        check_entries(&a, &s);
    }
}

#[test]
fn a_single_object_built_from_the_real_samples_round_trips() {
    for name in ["tss", "sss"] {
        let s = space(name);
        let top = single_object(&s);
        let bytes = archive_bytes_family(s.family, &top, 1, [0; 32]).unwrap();
        let a = Archive::copy_from(&bytes).unwrap();
        assert_eq!((a.family(), a.form().unwrap()), (s.family, SourceForm::Object));
        let mut want = Vec::new();
        obj_events(&top, &mut want);
        assert_eq!(archive_events(&a), want, "{name}");
        let pulled: Vec<String> = a.events().map(|e| show(&e.unwrap())).collect();
        assert_eq!(pulled, want);
        assert!(a.evaluated_is_set().unwrap());
        assert_eq!(a.evaluated_indexes().unwrap().iter().collect::<Vec<_>>(), ARCHS);
        check_entries(&a, &s);
        // The same entries as the folder's archive, byte for byte in the cells.
        let f = folder_archive(&s);
        assert_eq!(f.counts().unwrap().cells, a.counts().unwrap().cells);
    }
}

#[test]
fn a_nas_bench_201_converter_refuses_nats_entries() {
    let s = space("tss");
    let top = single_object(&s);
    let e = tnb_nb201_convert::archive_bytes(&top, 0, [0; 32]).unwrap_err().to_string();
    assert!(e.contains("arch2infos[0]") && e.contains("'full' and 'less'"), "{e}");
    // A NATS entry needs at least one hp key.
    let mut empty = top.clone();
    let Obj::Dict { items, .. } = &mut empty else { unreachable!() };
    let Obj::Dict { items: entries, .. } = &mut items[2].1 else { unreachable!() };
    entries[0].1 = Obj::Dict { items: vec![], ordered: true };
    let e = archive_bytes_family(Family::NatsTss, &empty, 0, [0; 32]).unwrap_err().to_string();
    assert!(e.contains("arch2infos[0]") && e.contains("at least one hp key"), "{e}");
}
