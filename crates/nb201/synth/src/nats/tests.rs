//! Unit tests of the NATS look-alikes: arch lists, seed sets, planning errors, the files on
//! disk (the comparison with the real samples and the committed fixtures is in tests/).

use crate::nats::model::{self, TSS_SEED_COUNTS, hps, sss_arch_str};
use crate::nats::{Form, NatsOptions, NatsSynth, SSS_TOTAL, Space, TSS_TOTAL};

fn synth(space: Space, form: Form, archs: Option<usize>) -> NatsSynth {
    NatsSynth::new(NatsOptions { space, form, archs, ..NatsOptions::default() }).unwrap()
}

#[test]
fn sss_archs_are_the_channel_product_in_the_reference_order() {
    use sha2::{Digest, Sha256};
    let s = synth(Space::Sss, Form::Folder, Some(1));
    let m = s.meta_archs();
    assert_eq!(m.len(), SSS_TOTAL);
    for (i, want) in [
        (0, "8:8:8:8:8"),
        (1, "8:8:8:8:16"),
        (11, "8:8:8:16:32"),
        (284, "8:8:40:32:40"),
        (32767, "64:64:64:64:64"),
    ] {
        assert_eq!(m[i], want);
        assert_eq!(sss_arch_str(i), want);
    }
    let mut h = Sha256::new();
    for a in m {
        h.update(a.as_bytes());
        h.update(b"\n");
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, "5f44ac682201a4932904284a4b8e05a2e6f884481c009e1aa655ae7bd378b1df");
    let t = synth(Space::Tss, Form::Folder, Some(1));
    assert_eq!(t.meta_archs().len(), TSS_TOTAL);
    assert_eq!(t.meta_archs(), crate::meta_archs());
}

#[test]
fn tss_200_seed_sets_follow_the_counts_and_the_samples() {
    let counts = model::tss_seed_counts(crate::nats::DEFAULT_SEED);
    let n = |k: u8| counts.iter().filter(|&&c| c == k).count();
    assert_eq!((n(1), n(2), n(3)), (TSS_SEED_COUNTS.0, TSS_SEED_COUNTS.1, 15625 - 2225 - 5439));
    let s = synth(Space::Tss, Form::Folder, None);
    for i in [0, 11, 284] {
        let a = s.arch(i);
        let seeds: Vec<i64> = a.checkpoints[1].iter().map(|c| c.seed).collect();
        assert_eq!(seeds, [999, 777, 888], "arch {i}: the samples' order");
        let less: Vec<i64> = a.checkpoints[0].iter().map(|c| c.seed).collect();
        assert_eq!(less, [777, 111]);
    }
    // Seed-dependent '200' costs only where seed 888 exists (the official rule needs it).
    let odd: Vec<usize> = (0..TSS_TOTAL).filter(|&i| s.arch(i).odd_costs).collect();
    assert!(odd.len() > 50, "{}", odd.len());
    for &i in &odd {
        assert!(s.arch(i).checkpoints[1].iter().any(|c| c.seed == 888));
    }
    let one_seed = (0..TSS_TOTAL).find(|&i| s.arch(i).checkpoints[1].len() == 1).unwrap();
    assert_eq!(s.arch(one_seed).dataset_seed(1).len(), 4);
    assert_eq!(hps(Space::Sss).iter().map(|h| h.key).collect::<Vec<_>>(), ["01", "12", "90"]);
}

#[test]
fn bad_options_are_one_line_errors() {
    let err = |o: NatsOptions| NatsSynth::new(o).unwrap_err().to_string();
    let base = NatsOptions::default();
    assert!(err(NatsOptions { archs: Some(0), ..base.clone() }).contains("between 1 and 15625"));
    let e = err(NatsOptions { space: Space::Sss, archs: Some(SSS_TOTAL + 1), ..base.clone() });
    assert!(e.contains("between 1 and 32768 for sss, found 32769"), "{e}");
    let e = err(NatsOptions { form: Form::File, indexes: Some(vec![1]), ..base.clone() });
    assert!(e.contains("--indexes applies to a folder"), "{e}");
    assert!(err(NatsOptions { indexes: Some(vec![3, 3]), ..base.clone() }).contains("duplicate"));
    assert!(err(NatsOptions { indexes: Some(vec![]), ..base.clone() }).contains("no arch"));
    let e = err(NatsOptions { indexes: Some(vec![TSS_TOTAL]), ..base.clone() });
    assert!(e.contains("index 15625 is not below 15625"), "{e}");
    assert!("x".parse::<Space>().is_err() && "bad".parse::<Form>().is_err());
    assert_eq!("size".parse::<Space>(), Ok(Space::Sss));
}

#[test]
fn folders_and_single_files_on_disk_hold_the_pickles() {
    let dir = std::env::temp_dir().join(format!("tnb-nats-synth-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let unbz2 = |p: &std::path::Path| {
        let mut out = Vec::new();
        let f = std::fs::File::open(p).unwrap();
        std::io::Read::read_to_end(&mut bzip2::read::BzDecoder::new(f), &mut out).unwrap();
        out
    };
    let s = NatsSynth::new(NatsOptions {
        space: Space::Sss,
        indexes: Some(vec![5, 2]),
        ..NatsOptions::default()
    })
    .unwrap();
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let w = s
        .write(&dir.join("f"), 2, &|_| {
            seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        })
        .unwrap();
    assert_eq!((w.files, seen.into_inner()), (3, 2));
    assert!(unbz2(&dir.join("f/000005.pickle.pbz2")) == s.arch_pickle(5));
    assert!(unbz2(&dir.join("f/meta.pickle.pbz2")) == s.meta_pickle());
    let single = synth(Space::Sss, Form::File, Some(3));
    let path = dir.join("s.pickle.pbz2");
    let w = single.write(&path, 0, &|_| {}).unwrap();
    let pickle = unbz2(&path);
    assert_eq!(
        (w.pickle_bytes, w.bz2_bytes),
        (pickle.len() as u64, std::fs::metadata(&path).unwrap().len())
    );
    // One pickle for everything: the globals are written once, then fetched from the memo.
    let stack_globals = pickle.windows(7).filter(|w| w == b"scalar\x94").count();
    assert_eq!(stack_globals, 1);
    assert!(pickle.ends_with(b"\x90u.") || pickle.ends_with(b"\x90u"), "ends with the set");
    // A folder path that is a file is refused.
    let e = s.write(&path, 1, &|_| {}).unwrap_err().to_string();
    assert!(e.contains("not a folder"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
