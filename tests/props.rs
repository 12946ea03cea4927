//! Property tests over the whole pipeline.
//!
//! 1. Arbitrary benchmark-shaped objects (any numbers of tasks, metrics, epochs, spaces and
//!    archs; ragged epoch counts; unicode names; extra keys at every level the official class
//!    never reads (all but an arch's dict), either random names or one name repeated by every
//!    dict of a level, as a `seed` in every result would be; key
//!    orders shuffled independently for each arch; values across the whole space: NaN with
//!    payloads, -0.0, subnormals, ±inf, f32-exact or not, ints across i64 and around 2^53 where
//!    floats stop being exact, strings, None, lists (empty, of floats, nested) inside metric
//!    lists, mixed columns) are written as `.pth` (zip, legacy) or a bare
//!    pickle by the project's writer, converted, opened, and checked: every value of the source
//!    comes back bit for bit (`tnb_verify::compare`), `dump` of the archive equals `dump` of the
//!    source, and the Python-API answers equal a straightforward model of the generated object.
//! 2. Pickles written by an independent writer (serde-pickle) read back as the same objects.
//!
//! Case counts are small by default for a quick local run; CI raises them with
//! `TNB_PROPTEST_CASES` (see `.ci/run`). Each run draws a random seed, as proptest does, unless
//! `PROPTEST_RNG_SEED` fixes it: CI draws the seed itself and prints it, so a failure seen in
//! CI can be replayed exactly. A failing case is also saved to `proptest-regressions/props.txt`
//! (committed), and every saved case is replayed first on every run.

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use tnb_pthwrite::Value as W;

/// Where failing cases are saved and replayed from: one committed file at the workspace root.
/// (proptest's default location is derived from the source path, which for this test binary,
/// built from `tools/tnb` out of `../../tests`, would land beside the test sources.)
const REGRESSIONS: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../proptest-regressions/props.txt");

fn cases(default: u32) -> Config {
    let n =
        std::env::var("TNB_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    Config {
        cases: n,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(REGRESSIONS))),
        // `Config::default()` reads `PROPTEST_RNG_SEED`, which makes the run reproducible.
        ..Config::default()
    }
}

/// A small deterministic generator: proptest chooses the sizes (so failures shrink), this fills
/// in the values from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// Floats that stress exactness.
const SPECIAL_BITS: [u64; 14] = [
    0x7ff8_0000_0000_0000, // NaN
    0x7ff8_0000_0000_0001, // NaN with a payload (not f32-exact)
    0xfff8_0000_0000_0000, // negative NaN
    0x7ff4_0000_0000_0000, // signalling NaN
    0x8000_0000_0000_0000, // -0.0
    0x0000_0000_0000_0000, // 0.0
    0x0000_0000_0000_0001, // smallest subnormal
    0x000f_ffff_ffff_ffff, // largest subnormal
    0x7ff0_0000_0000_0000, // inf
    0xfff0_0000_0000_0000, // -inf
    0x7fef_ffff_ffff_ffff, // max
    0x3ff0_0000_0000_0000, // 1.0
    0x3fb9_9999_9999_999a, // 0.1 (not f32-exact)
    0x4039_0000_0000_0000, // 25.0
];

fn float(r: &mut Rng) -> f64 {
    match r.below(10) {
        0 | 1 => f64::from_bits(SPECIAL_BITS[r.below(SPECIAL_BITS.len())]),
        2 => {
            let x = f64::from_bits(r.next());
            if x.is_nan() { 1.5 } else { x }
        }
        // A few repeated values, so that best values tie and names decide.
        3 | 4 => [0.5, 1.0, 2.0][r.below(3)],
        // f32-exact, like the benchmark's metrics.
        _ => f64::from((r.next() % 100_000) as f32 / 1000.0),
    }
}

fn text(r: &mut Rng, prefix: &str) -> String {
    const PIECES: [&str; 12] =
        ["a", "top1", "é", "中文", "😀", "\u{0}", "\n", "\"", "\\", " ", "x\u{301}", "\u{7f}"];
    let mut s = prefix.to_owned();
    for _ in 0..r.below(4) {
        s.push_str(PIECES[r.below(PIECES.len())]);
    }
    s
}

/// Any value a column may hold.
fn value(r: &mut Rng, mostly_floats: bool) -> W {
    if mostly_floats && r.chance(85) {
        return W::Float(float(r));
    }
    match r.below(10) {
        0 => W::None,
        1 => W::Bool(r.chance(50)),
        2 => W::Int(match r.below(6) {
            0 => i64::MIN,
            1 => i64::MAX,
            2 => (r.next() as i64) >> r.below(63),
            // Beyond 2^53 an int and the nearest float differ: ranking must compare exactly.
            3 => (1 << 53) + 1,
            4 => -(1 << 53) - 1,
            _ => r.below(100) as i64,
        }),
        3 => W::str(&text(r, "")),
        4 => W::list(vec![W::Int(1), W::str("nested")]),
        // Lists inside metric lists: empty, of floats, nested.
        5 => W::list(vec![]),
        6 => W::list(vec![W::Float(float(r)), W::Float(float(r))]),
        7 => W::list(vec![W::list(vec![W::None]), W::tuple(vec![W::Int(2)])]),
        _ => W::Float(float(r)),
    }
}

/// Sizes proptest shrinks.
#[derive(Clone, Debug)]
struct Shape {
    tasks: usize,
    metrics: usize,
    infos: usize,
    spaces: usize,
    archs: usize,
    epochs: usize,
    seed: u64,
    container: u8,
    /// Extra keys: 0 random names, rare; 1 one name per level (`x_result`...), in most dicts
    /// of that level; 2 the same name (`seed`) at every level, in most dicts.
    extras: u8,
}

fn shapes() -> impl Strategy<Value = Shape> {
    (1..4usize, 1..4usize, 0..3usize, 1..3usize, 1..5usize, 0..5usize, any::<u64>(), 0..3u8, 0..3u8)
        .prop_map(|(tasks, metrics, infos, spaces, archs, epochs, seed, container, extras)| Shape {
            tasks,
            metrics,
            infos,
            spaces,
            archs,
            epochs,
            seed: seed | 1,
            container,
            extras,
        })
}

/// Builds a benchmark-shaped object from a shape.
fn bench(s: &Shape) -> W {
    let mut r = Rng(s.seed);
    let tasks: Vec<String> = (0..s.tasks).map(|t| text(&mut r, &format!("task{t}"))).collect();
    let metrics: Vec<Vec<String>> = (0..s.tasks)
        .map(|_| (0..s.metrics).map(|m| text(&mut r, &format!("m{m}_"))).collect())
        .collect();
    let infos: Vec<String> = (0..s.infos).map(|i| text(&mut r, &format!("info{i}"))).collect();
    // Whether a dict of this level gets an extra entry, and its key. Repeated names are what
    // a layout cache keyed by extra names must get right; random ones, the unique case.
    let extra_chance = if s.extras == 0 { 15 } else { 80 };
    let extra = |r: &mut Rng, tag: &str| {
        let key = match s.extras {
            0 => format!("x_{tag}{}", r.below(1000)),
            1 => format!("x_{tag}"),
            _ => "seed".to_owned(),
        };
        (W::str(&key), value(r, false))
    };
    let mut arch_no = 0;
    let mut spaces = Vec::new();
    for sp in 0..s.spaces {
        let mut archs = Vec::new();
        for _ in 0..s.archs {
            arch_no += 1;
            let name = text(&mut r, &format!("64-{arch_no}-"));
            let mixed_column = r.chance(20);
            let mut entries: Vec<(W, W)> = Vec::new();
            for (t, task) in tasks.iter().enumerate() {
                // Ragged: each arch trains its own number of epochs.
                let epochs = if r.chance(30) { r.below(s.epochs + 2) } else { s.epochs };
                let mut ms: Vec<(W, W)> = metrics[t]
                    .iter()
                    .map(|m| {
                        let list = (0..epochs).map(|_| value(&mut r, !mixed_column)).collect();
                        (W::str(m), W::list(list))
                    })
                    .collect();
                if r.chance(extra_chance) {
                    ms.push(extra(&mut r, "metric"));
                }
                r.shuffle(&mut ms);
                let mut info: Vec<(W, W)> =
                    infos.iter().map(|i| (W::str(i), value(&mut r, true))).collect();
                if r.chance(extra_chance) {
                    info.push(extra(&mut r, "info"));
                }
                r.shuffle(&mut info);
                let mut result = vec![
                    (W::str("total_epochs"), W::Int(epochs as i64)),
                    (W::str("model_info"), W::dict(info)),
                    (W::str("metrics"), W::dict(ms)),
                ];
                if r.chance(extra_chance) {
                    result.push(extra(&mut r, "result"));
                }
                r.shuffle(&mut result);
                entries.push((W::str(task), W::dict(result)));
            }
            // No extras in an arch's dict: the official class would answer for such a key as
            // for a task, so convert refuses it (crates/transnas/convert/tests/task_keys.rs).
            r.shuffle(&mut entries);
            archs.push((W::str(&name), W::dict(entries)));
        }
        spaces.push((W::str(&text(&mut r, &format!("space{sp}"))), W::dict(archs)));
    }
    let md = W::dict(
        tasks
            .iter()
            .zip(&metrics)
            .map(|(t, ms)| (W::str(t), W::list(ms.iter().map(|m| W::str(m)).collect())))
            .collect(),
    );
    let mut top = vec![
        (W::str("task_list"), W::list(tasks.iter().map(|t| W::str(t)).collect())),
        (W::str("metrics_dict"), md),
        (W::str("info_names"), W::list(infos.iter().map(|i| W::str(i)).collect())),
        (W::str("data"), W::dict(spaces)),
    ];
    if r.chance(extra_chance.max(30)) {
        top.push(extra(&mut r, "top"));
    }
    r.shuffle(&mut top);
    W::dict(top)
}

fn file(s: &Shape, v: &W) -> Vec<u8> {
    let pkl = tnb_pthwrite::dumps(v).unwrap();
    match s.container {
        0 => pkl,
        1 => tnb_pthwrite::save_zip(Vec::new(), "prop", &pkl, &[]).unwrap(),
        _ => tnb_pthwrite::save_legacy(Vec::new(), &pkl).unwrap(),
    }
}

fn json_of_source(bytes: &[u8]) -> Vec<u8> {
    let doc = tnb_pth::load(bytes).unwrap();
    let mut out = Vec::new();
    tnb_pth::write_json(&doc, &mut out).unwrap();
    out
}

proptest! {
    #![proptest_config(cases(48))]

    #[test]
    fn conversion_preserves_every_value(s in shapes()) {
        let v = bench(&s);
        let src = file(&s, &v);
        let archive = tnb_convert::convert_bytes(&src).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let store = tnb_store::Store::from_bytes(archive).map_err(|e| TestCaseError::fail(e.to_string()))?;
        store.verify_checksum().unwrap();
        let doc = tnb_pth::load(&src).unwrap();
        // Every value, bit for bit, in order.
        tnb_verify::compare(&store, &doc).map_err(|m| TestCaseError::fail(m.to_string()))?;
        // The same JSON.
        let ours = tnb_api::write_json(&store, Vec::new()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(ours == json_of_source(&src), "dump differs");
        // The Python API's answers, against a model of the generated object.
        crate::props_api::check_answers(&store, &v).map_err(|m| TestCaseError::fail(m.to_string()))?;
    }
}

/// serde-pickle values this reader must read back identically: string-keyed dicts (serde-pickle
/// orders dict keys; Python-equal keys such as `1` and `1.0` would merge), no NaN in sets.
fn serde_values() -> impl Strategy<Value = serde_pickle::Value> {
    use serde_pickle::{HashableValue as H, Value as S};
    let leaf = prop_oneof![
        Just(S::None),
        any::<bool>().prop_map(S::Bool),
        any::<i64>().prop_map(S::I64),
        any::<u64>().prop_map(|b| S::F64(f64::from_bits(b))),
        ".{0,12}".prop_map(S::String),
        proptest::collection::vec(any::<u8>(), 0..8).prop_map(S::Bytes),
    ];
    leaf.prop_recursive(3, 40, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(S::List),
            proptest::collection::vec(inner.clone(), 0..4).prop_map(S::Tuple),
            proptest::collection::btree_map(".{0,6}".prop_map(H::String), inner, 0..6)
                .prop_map(S::Dict),
            proptest::collection::btree_set(any::<i32>().prop_map(|i| H::I64(i64::from(i))), 0..5)
                .prop_map(S::Set),
        ]
    })
}

/// Whether the reader's value equals serde-pickle's.
fn same_as_serde(a: &tnb_pickle::Arena<'_>, r: tnb_pickle::Ref, v: &serde_pickle::Value) -> bool {
    use serde_pickle::{HashableValue as H, Value as S};
    use tnb_pickle::{Kind, Value as R};
    match (a.get(r), v) {
        (R::None, S::None) => true,
        (R::Bool(x), S::Bool(y)) => x == *y,
        (R::Int(x), S::I64(y)) => x == *y,
        (R::Float(x), S::F64(y)) => x.to_bits() == y.to_bits(),
        (R::Str(x), S::String(y)) => x == y,
        (R::Bytes(x), S::Bytes(y)) => x == y.as_slice(),
        (R::Container(Kind::List, c), S::List(items))
        | (R::Container(Kind::Tuple, c), S::Tuple(items)) => {
            c.len() == items.len() && c.iter().zip(items).all(|(x, y)| same_as_serde(a, x, y))
        }
        (R::Container(Kind::Dict, kv), S::Dict(m)) => {
            kv.len() == 2 * m.len()
                && kv.pairs().zip(m).all(|((k, x), (hk, y))| {
                    matches!((a.get(k), hk), (R::Str(s), H::String(t)) if s == t)
                        && same_as_serde(a, x, y)
                })
        }
        (R::Container(Kind::Set, c), S::Set(s)) => {
            c.len() == s.len()
                && c.iter()
                    .zip(s)
                    .all(|(x, y)| matches!((a.get(x), y), (R::Int(i), H::I64(j)) if i == *j))
        }
        _ => false,
    }
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn pickles_from_an_independent_writer_read_back_identically(v in serde_values()) {
        let bytes = serde_pickle::value_to_vec(&v, serde_pickle::SerOptions::new().proto_v2()).unwrap();
        let doc = tnb_pth::load(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(same_as_serde(&doc.pickle.arena, doc.pickle.root, &v), "{v:?}");
    }
}
