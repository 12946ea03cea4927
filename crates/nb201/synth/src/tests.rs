//! Unit tests: the benchmark order, the chunk order, seed counts, planning errors.

use crate::meta::{self, TOTAL};
use crate::model::{self, Hp};
use crate::{Options, Synth, Version, meta_archs};

#[test]
fn meta_archs_match_the_reference_indexes() {
    let m = meta_archs();
    assert_eq!(m.len(), TOTAL);
    let want = [
        (
            0,
            "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|",
        ),
        (
            1,
            "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
        ),
        (9, "|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|"),
        (
            123,
            "|avg_pool_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|",
        ),
        (15624, "|nor_conv_1x1~0|+|none~0|nor_conv_1x1~1|+|none~0|nor_conv_1x1~1|nor_conv_1x1~2|"),
        (1651, "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"),
        (
            1462,
            "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
        ),
    ];
    for (i, s) in want {
        assert_eq!(m[i], s, "index {i}");
    }
    assert_eq!(meta::benchmark_order()[0], 13931);
    let lens = m.iter().map(|s| s.len());
    assert_eq!((lens.clone().min(), lens.max()), (Some(47), Some(95)));
}

#[test]
fn meta_archs_sha256_matches_the_reference() {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for s in meta_archs() {
        h.update(s.as_bytes());
        h.update(b"\n");
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, "b24e2a8b6802be1326de041d81d564998ca8aa923055352f3a95c30d59ce7048");
}

#[test]
fn arch2infos_follows_the_chunk_sets() {
    assert_eq!(meta::set_table_size(5), 32);
    assert_eq!(meta::set_table_size(25), 128);
    assert_eq!(meta::set_table_size(390), 2048);
    assert_eq!(meta::set_table_size(341), 2048);
    assert_eq!(meta::set_table_size(340), 512);
    let order = meta::arch2infos_order(TOTAL, |_| true);
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert!(sorted.iter().copied().eq(0..TOTAL));
    // A full chunk has 2048 slots: ascending unless it crosses a multiple of 2048, as CPython
    // 3.11 iterates set(range(780, 1170)) and set(range(1950, 2340)).
    assert!(order[780..1170].iter().copied().eq(780..1170));
    assert!(order[1950..1950 + 292].iter().copied().eq(2048..2340));
    assert!(order[1950 + 292..2340].iter().copied().eq(1950..2048));
    // The last chunk (25 archs, 128 slots): 15616..15624 first.
    assert!(order[15600..15609].iter().copied().eq(15616..15625));
    assert!(order[15609..].iter().copied().eq(15600..15616));
    // A subset keeps the full file's relative order.
    let sub = meta::arch2infos_order(TOTAL, |i| i % 100 == 0);
    let filtered: Vec<usize> = order.iter().copied().filter(|i| i % 100 == 0).collect();
    assert_eq!(sub, filtered);
}

#[test]
fn seed_counts_are_the_real_ones() {
    for (v, want) in [(Version::V1_1, [2225, 5439, 7961]), (Version::V1_0, [6219, 1621, 7785])] {
        let opts = Options { version: v, ..Options::default() };
        let t = model::seed_count_table(&opts);
        let got = [1u8, 2, 3].map(|k| t.iter().filter(|&&x| x == k).count());
        assert_eq!(got, want, "{v:?}");
        // And the archs carry them.
        let synth = Synth::new(opts).unwrap();
        let counts = [1usize, 2, 3]
            .map(|k| (0..TOTAL).step_by(97).filter(|&i| synth.arch(i).full.len() == k).count());
        let table = [1u8, 2, 3].map(|k| (0..TOTAL).step_by(97).filter(|&i| t[i] == k).count());
        assert_eq!(counts, table);
    }
}

#[test]
fn odd_cases_exist() {
    let synth = Synth::new(Options::default()).unwrap();
    // A dataset lacking a seed (index % 97 == 11 with 2+ seeds).
    let lacking = (0..TOTAL).map(|i| synth.arch(i)).find(|a| {
        let ds = a.dataset_seed(Hp::Full);
        ds.iter().any(|(_, s)| s.len() != ds[0].1.len())
    });
    let a = lacking.expect("an arch whose datasets have different seed counts");
    assert_eq!(a.index % 97, 11);
    // params differing across seeds (index % 89 == 7 with 2+ seeds).
    let a = (0..TOTAL)
        .filter(|i| i % 89 == 7)
        .map(|i| synth.arch(i))
        .find(|a| a.full.len() >= 2)
        .unwrap();
    let params: Vec<f64> = a
        .full
        .iter()
        .map(|c| a.run(synth.options(), Hp::Full, 0, c.seed, &[0, 1, 2]).params)
        .collect();
    assert!(params.iter().any(|&p| p != params[0]), "{params:?}");
}

#[test]
fn bad_options_are_refused() {
    let bad = |o: Options, needle: &str| {
        let e = Synth::new(o).unwrap_err().to_string();
        assert!(e.contains(needle), "{e}");
    };
    bad(Options { archs: 0, ..Options::default() }, "--archs must be between 1");
    bad(Options { archs: 30, meta_archs: 20, ..Options::default() }, "--archs must be between 1");
    bad(Options { meta_archs: 0, ..Options::default() }, "--meta-archs");
    bad(Options { meta_archs: TOTAL + 1, ..Options::default() }, "--meta-archs");
    bad(Options { epochs_full: 0, ..Options::default() }, "full epochs");
    bad(Options { epochs_less: crate::MAX_EPOCHS + 1, ..Options::default() }, "less epochs");
    bad(Options { indexes: Some(vec![]), ..Options::default() }, "names no arch");
    bad(Options { indexes: Some(vec![3, 3]), ..Options::default() }, "duplicate");
    bad(Options { indexes: Some(vec![5]), meta_archs: 5, ..Options::default() }, "not below");
}

#[test]
fn same_options_same_bytes_and_the_seed_matters() {
    let o =
        Options { archs: 2, epochs_full: 3, epochs_less: 2, meta_archs: 50, ..Options::default() };
    let a = Synth::new(o.clone()).unwrap().file_bytes().unwrap();
    let b = Synth::new(o.clone()).unwrap().file_bytes().unwrap();
    assert!(a == b);
    let c = Synth::new(Options { seed: 7, ..o }).unwrap().file_bytes().unwrap();
    assert!(a != c && a.len() > 1000);
}
