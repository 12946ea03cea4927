//! The NB201 fixtures written by real torch (data/nb201_*.pth), converted through the streaming
//! reader: the archive's walk equals the source's walk (tnb_pth's arena reader, an independent
//! path), the conversion is deterministic, and `compare_source` finds the payloads equal.

mod common;

use std::path::{Path, PathBuf};

use tnb_nb201_convert::{compare_source, convert_file};
use tnb_nb201_store::{Archive, Hp};
use tnb_pth::StreamLimits;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data")
}

fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(data())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with("nb201_") && n.ends_with(".pth")
        })
        .collect();
    v.sort();
    assert!(v.len() >= 3, "the NB201 fixtures are in data/: {v:?}");
    v
}

fn opens(p: &Path) -> Result<(), String> {
    let a = Archive::open(p).map_err(|e| e.to_string())?;
    a.verify_checksum().map_err(|e| e.to_string())
}

#[test]
fn every_fixture_converts_by_streaming_and_walks_like_its_source() {
    let dir = std::env::temp_dir().join(format!("tnb-nb201-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for src in fixtures() {
        let name = src.file_name().unwrap().to_string_lossy().into_owned();
        let dst = dir.join(format!("{name}.tnb"));
        let s = convert_file(&src, &dst, &StreamLimits::default(), &mut |_, _, _| {}, &opens)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let bytes = std::fs::read(&src).unwrap();
        assert_eq!(s.source_size, bytes.len() as u64);
        let a = Archive::open(&dst).unwrap();
        // The source's own walk, from the arena reader.
        let doc = tnb_pth::load(&bytes).unwrap();
        let want: Vec<String> = tnb_pth::events(&doc).map(|e| common::show(&e.unwrap())).collect();
        let got = common::archive_events(&a);
        assert_eq!(got.len(), want.len(), "{name}");
        if let Some(i) = got.iter().zip(&want).position(|(g, w)| g != w) {
            panic!("{name}: event {i}: archive {} vs source {}", got[i], want[i]);
        }
        let pulled: Vec<String> = a.events().map(|e| common::show(&e.unwrap())).collect();
        assert!(pulled == want, "{name}: events() differs");
        // Deterministic, and verify --source's streamed comparison agrees.
        let dst2 = dir.join(format!("{name}.again.tnb"));
        convert_file(&src, &dst2, &StreamLimits::default(), &mut |_, _, _| {}, &opens).unwrap();
        assert!(std::fs::read(&dst).unwrap() == std::fs::read(&dst2).unwrap(), "{name}");
        let diff = compare_source(&src, a.payload(), &StreamLimits::default(), &mut |_, _| {});
        assert_eq!(diff.unwrap(), None, "{name}");
        let mut other = a.payload().to_vec();
        let mid = other.len() / 3;
        other[mid] ^= 1;
        let diff = compare_source(&src, &other, &StreamLimits::default(), &mut |_, _| {});
        assert_eq!(diff.unwrap(), Some(mid as u64), "{name}");
        // Python types and dict kinds that a walk cannot show: np.float64 params, and in v1_1
        // OrderedDict train_times and [np.float64] latency (the streaming reader keeps them).
        let k = a.entry_keys().unwrap().get(0).unwrap();
        let run = a.arch_results(k, Hp::Full).unwrap().unwrap().run(0).unwrap().unwrap();
        assert!(run.params().unwrap().is_np_f64(), "{name}");
        assert_eq!(run.flop().unwrap().kind(), tnb_nb201_store::NumKind::Float, "{name}");
        if name.contains("v1_1") {
            assert_eq!(run.train_times().unwrap().form(), tnb_nb201_store::Form::OrderedDict);
            let lat = run.latency().unwrap();
            assert!(lat.len() == 1 && lat.value(0).unwrap().unwrap().is_np_f64(), "{name}");
        }
        // The official constructor's view: every evaluated arch has both hps.
        for k in a.entry_keys().unwrap().iter() {
            for hp in [Hp::Full, Hp::Less] {
                assert!(a.arch_results(k, hp).unwrap().is_some());
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
