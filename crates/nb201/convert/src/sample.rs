//! Small NAS-Bench-201-shaped objects built in memory, for tests, examples and the helpers
//! that build on the archive before look-alike files exist. They follow the reference layout
//! (nb201-layout.md §3): v1_0 and v1_1 shapes, with the awkward cases the real files have
//! (None and OrderedDict `train_times`, `{}` `eval_times`, latency `None` / list of floats /
//! `[np.float64]`, set-ordered `eval_names`, `(str, int)` keys in unsorted insertion order,
//! `params` differing across seeds, an arch with one seed). Values come from a fixed generator,
//! so every call gives the same object.

use std::sync::Arc;

use tnb_pickle::stream::Obj;
use tnb_pickle::{Dtype, Scalar};

/// Which release to imitate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// `NAS-Bench-201-v1_0-e61699.pth`.
    V1_0,
    /// `NAS-Bench-201-v1_1-096897.pth`.
    V1_1,
}

/// What to build.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Release shape.
    pub version: Version,
    /// Number of archs (meta_archs and arch2infos entries).
    pub archs: usize,
    /// Epochs of the `full` (hp `'200'`) runs (200 in the real files; fewer keeps tests small).
    pub full_epochs: i64,
}

impl Default for Options {
    fn default() -> Options {
        Options { version: Version::V1_1, archs: 6, full_epochs: 200 }
    }
}

const OPS: [&str; 5] = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"];

/// The NB201 arch string of product position `p` (0..15625; edge A's op is the slowest digit).
pub fn arch_str(p: usize) -> String {
    let d: Vec<&str> = (0..6).map(|e| OPS[(p / 5usize.pow(5 - e)) % 5]).collect();
    format!("|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|", d[0], d[1], d[2], d[3], d[4], d[5])
}

fn s(x: &str) -> Obj {
    Obj::Str(Arc::from(x))
}

fn dict(items: Vec<(Obj, Obj)>) -> Obj {
    Obj::Dict { items, ordered: false }
}

fn np_f64(x: f64) -> Obj {
    Obj::Scalar(Scalar { dtype: Dtype::F64, bits: x.to_bits() })
}

/// A fixed xorshift generator of full-precision floats.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

const DATASETS: [&str; 4] = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"];

fn class_num(d: &str) -> i64 {
    match d {
        "cifar100" => 100,
        "ImageNet16-120" => 120,
        _ => 10,
    }
}

/// The object `torch.load` would return.
pub fn object(o: &Options) -> Obj {
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    let meta: Vec<String> = (0..o.archs).map(|i| arch_str((i * 7919 + 13931) % 15625)).collect();
    // Unsorted insertion order: the second half first (like the chunked merge).
    let mut order: Vec<usize> = (o.archs / 2..o.archs).chain(0..o.archs / 2).collect();
    if o.archs > 3 {
        order.swap(0, 1);
    }
    let mut entries = Vec::new();
    for &i in &order {
        let full = arch_results(o, &mut g, i, &meta[i], true);
        let less = arch_results(o, &mut g, i, &meta[i], false);
        entries.push((Obj::Int(i as i64), dict(vec![(s("full"), full), (s("less"), less)])));
    }
    dict(vec![
        (s("meta_archs"), Obj::List(meta.iter().map(|m| s(m)).collect())),
        (s("total_archs"), Obj::Int(o.archs as i64)),
        (s("arch2infos"), dict(entries)),
        (s("evaluated_indexes"), Obj::List((0..o.archs as i64).map(Obj::Int).collect())),
    ])
}

fn arch_results(o: &Options, g: &mut Gen, i: usize, arch: &str, full: bool) -> Obj {
    // Seeds: arch 1 was evaluated once, arch 2 twice, the rest three times; insertion order
    // as globbed (999, 777, 888), not sorted.
    let (seeds, datasets): (Vec<i64>, Vec<&str>) = if full {
        let seeds = match i {
            1 => vec![777],
            2 => vec![888, 777],
            _ => vec![999, 777, 888],
        };
        (seeds, DATASETS.to_vec())
    } else {
        match o.version {
            Version::V1_0 => (vec![777], vec!["cifar10-valid"]),
            Version::V1_1 => (vec![111, 777], DATASETS.to_vec()),
        }
    };
    let mut results = Vec::new();
    let mut ds_seed: Vec<(String, Vec<i64>)> = Vec::new();
    for &seed in &seeds {
        for &d in &datasets {
            // v1_1 less: only cifar10-valid has seed 777.
            if !full && o.version == Version::V1_1 && seed == 777 && d != "cifar10-valid" {
                continue;
            }
            let key = Obj::Tuple(vec![s(d), Obj::Int(seed)]);
            results.push((key, run(o, g, i, arch, d, seed, full)));
            match ds_seed.iter_mut().find(|(n, _)| n == d) {
                Some((_, v)) => v.push(seed),
                None => ds_seed.push((d.to_owned(), vec![seed])),
            }
        }
    }
    ds_seed.sort_by_key(|(n, _)| DATASETS.iter().position(|d| d == n));
    let ds = ds_seed
        .into_iter()
        .map(|(n, mut v)| {
            v.sort();
            (s(&n), Obj::List(v.into_iter().map(Obj::Int).collect()))
        })
        .collect();
    dict(vec![
        (s("arch_index"), Obj::Int(i as i64)),
        (s("arch_str"), s(arch)),
        (s("all_results"), dict(results)),
        (s("dataset_seed"), dict(ds)),
        (s("clear_net_done"), Obj::Bool(true)),
    ])
}

fn run(o: &Options, g: &mut Gen, i: usize, arch: &str, d: &str, seed: i64, full: bool) -> Obj {
    let v11 = o.version == Version::V1_1;
    let epochs = if full { o.full_epochs } else { 12 };
    let last = epochs - 1;
    let per_epoch = |g: &mut Gen, scale: f64| -> Vec<(Obj, Obj)> {
        (0..epochs).map(|e| (Obj::Int(e), Obj::Float(g.next() * scale))).collect()
    };
    let train_acc1 = per_epoch(g, 100.0);
    let train_acc5 = if full { Obj::None } else { dict(per_epoch(g, 100.0)) };
    let train_loss = per_epoch(g, 2.0);
    let train_times = if v11 {
        let t = g.next() * 10.0;
        Obj::Dict {
            items: (0..epochs).map(|e| (Obj::Int(e), Obj::Float(t))).collect(),
            ordered: true,
        }
    } else if full {
        Obj::None
    } else {
        dict(per_epoch(g, 10.0))
    };
    // Which (set, epochs) keys exist, and eval_names' order.
    let all: Vec<i64> = (0..epochs).collect();
    let (names, sets): (Vec<&str>, Vec<(&str, Vec<i64>)>) = if full {
        match d {
            "cifar10-valid" => (
                vec!["x-valid", "ori-test"],
                vec![("x-valid", all.clone()), ("ori-test", vec![last])],
            ),
            "cifar10" => (vec!["ori-test"], vec![("ori-test", all.clone())]),
            _ => (
                vec!["ori-test", "x-valid", "x-test"],
                vec![("ori-test", all.clone()), ("x-valid", vec![last]), ("x-test", vec![last])],
            ),
        }
    } else {
        let names = match d {
            "cifar10-valid" => vec!["x-valid", "ori-test"],
            "cifar10" => vec!["ori-test"],
            _ => vec!["x-valid", "x-test", "ori-test"],
        };
        let sets = names.iter().map(|n| (*n, all.clone())).collect();
        (names, sets)
    };
    let mut acc = Vec::new();
    let mut loss = Vec::new();
    for (set, eps) in &sets {
        for e in eps {
            let k = format!("{set}@{e}");
            acc.push((s(&k), Obj::Float(g.next() * 100.0)));
            loss.push((s(&k), Obj::Float(g.next() * 2.0)));
        }
    }
    let eval_times = if v11 {
        // Every epoch of every set, one value per set.
        let mut t = Vec::new();
        for set in &names {
            let x = g.next();
            for e in 0..epochs {
                t.push((s(&format!("{set}@{e}")), Obj::Float(x)));
            }
        }
        dict(t)
    } else if full {
        dict(vec![])
    } else {
        dict(acc.iter().map(|(k, _)| (k.clone(), Obj::Float(g.next()))).collect())
    };
    let latency = match (o.version, full) {
        (Version::V1_0, true) => Obj::List((0..5).map(|_| Obj::Float(g.next() * 0.01)).collect()),
        (Version::V1_0, false) => Obj::None,
        (Version::V1_1, _) => Obj::List(vec![np_f64(0.01 + i as f64 * 1e-4)]),
    };
    // Arch 0's params differ across seeds (NATS-Bench issue 36).
    let params = 0.1 + i as f64 * 0.01 + if i == 0 { seed as f64 * 1e-6 } else { 0.0 };
    dict(vec![
        (s("name"), s(d)),
        (s("train_acc1es"), dict(train_acc1)),
        (s("train_acc5es"), train_acc5),
        (s("train_losses"), dict(train_loss)),
        (s("train_times"), train_times),
        (
            s("arch_config"),
            dict(vec![
                (s("channel"), Obj::Int(16)),
                (s("num_cells"), Obj::Int(5)),
                (s("arch_str"), s(arch)),
                (s("class_num"), Obj::Int(class_num(d))),
            ]),
        ),
        (s("params"), np_f64(params)),
        (s("flop"), Obj::Float(15.0 + i as f64)),
        (s("seed"), s(&format!("{seed:04}"))),
        (s("epochs"), Obj::Int(epochs)),
        (s("latency"), latency),
        (s("eval_names"), Obj::List(names.iter().map(|n| s(n)).collect())),
        (s("eval_acc1es"), dict(acc)),
        (s("eval_times"), eval_times),
        (s("eval_losses"), dict(loss)),
        (s("net_state_dict"), Obj::None),
    ])
}
