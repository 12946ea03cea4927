//! What each architecture holds: seeds, checkpoints, and the values of every run, as plain
//! data. Values are deterministic functions of (seed, architecture index, run), made only of
//! `+ - * /`, `min`/`max` and SplitMix64 draws, so that the Python fixture script can compute
//! the very same bits (tools/fixtures/make_nb201_fixtures.py mirrors this file step by step:
//! change both or neither).

use std::f64::consts::LN_10;

use crate::meta::edges;
use crate::{Options, Version};
use tnb_testrng::SplitMix64 as Rng;

/// The datasets, in `dataset_seed` order.
pub const DATASETS: [&str; 4] = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"];
/// The evaluation sets.
pub const SETS: [&str; 3] = ["x-valid", "x-test", "ori-test"];
/// `arch_config['class_num']` per dataset.
pub const CLASSES: [i64; 4] = [10, 10, 100, 120];

const X_VALID: usize = 0;
const X_TEST: usize = 1;
const ORI_TEST: usize = 2;

/// The sets each dataset is evaluated on (as a set: their order comes from elsewhere).
const DATASET_SETS: [&[usize]; 4] =
    [&[X_VALID, ORI_TEST], &[ORI_TEST], &[X_VALID, X_TEST, ORI_TEST], &[X_VALID, X_TEST, ORI_TEST]];
/// Old-format (200-epoch) `eval_names` per dataset (`stat1` `update_OLD_eval` order).
const OLD_EVAL_NAMES: [&[usize]; 4] =
    [&[X_VALID, ORI_TEST], &[ORI_TEST], &[ORI_TEST, X_VALID, X_TEST], &[ORI_TEST, X_VALID, X_TEST]];
/// Samples per (dataset, set): eval times are a per-sample time times these (`stat2`).
const SET_SAMPLES: [[f64; 3]; 4] = [
    [25000.0, 0.0, 10000.0],
    [0.0, 0.0, 10000.0],
    [5000.0, 5000.0, 10000.0],
    [3000.0, 3000.0, 6000.0],
];
const CHANCE: [f64; 4] = [10.0, 10.0, 1.0, 100.0 / 120.0];
const LOW: [f64; 4] = [55.0, 58.0, 25.0, 12.0];
const HIGH: [f64; 4] = [91.5, 94.3, 73.5, 47.3];
/// ln(classes) (ln 100 = 2 ln 10 exactly in binary: 4.605170185988092).
const LN_CLASSES: [f64; 4] = [LN_10, LN_10, 2.0 * LN_10, 4.787491742782046];
const SET_OFFSET: [f64; 3] = [-0.3, -0.2, 0.0];

/// The six orders a 3-string Python `set` can iterate in; one per chunk (each chunk was
/// written by its own process, with its own string hash seed).
const SET_ORDERS: [[usize; 3]; 6] = [
    [X_VALID, X_TEST, ORI_TEST],
    [X_VALID, ORI_TEST, X_TEST],
    [X_TEST, X_VALID, ORI_TEST],
    [X_TEST, ORI_TEST, X_VALID],
    [ORI_TEST, X_VALID, X_TEST],
    [ORI_TEST, X_TEST, X_VALID],
];

/// Seed counts of the 200-epoch runs over the 15625 archs: (1 seed, 2 seeds), the rest 3.
pub fn seed_counts(version: Version) -> (usize, usize) {
    match version {
        Version::V1_0 => (6219, 1621),
        Version::V1_1 => (2225, 5439),
    }
}

/// The hp of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hp {
    /// `'less'`, 12 epochs (new format).
    Less,
    /// `'full'`, 200 epochs (old format).
    Full,
}

/// One checkpoint file: a seed and the datasets it holds, in order.
#[derive(Clone, Debug)]
pub struct Checkpoint {
    /// The training seed.
    pub seed: i64,
    /// Indices into [`DATASETS`].
    pub datasets: Vec<usize>,
}

/// Per-arch constants.
#[derive(Clone, Debug)]
pub struct ArchModel {
    /// Benchmark index.
    pub index: usize,
    /// Op index per edge.
    pub edges: [u8; 6],
    q: f64,
    connected: bool,
    n3: i64,
    n1: i64,
    train_time: f64,
    latency: [f64; 4],
    /// Full (200-epoch) checkpoints in `all_results` order.
    pub full: Vec<Checkpoint>,
    /// Less (12-epoch) checkpoints in `all_results` order.
    pub less: Vec<Checkpoint>,
    odd_params: bool,
}

/// Which set names the 12-epoch results list (and in which order) in a chunk.
pub fn chunk_set_order(seed: u64, chunk: usize) -> [usize; 3] {
    SET_ORDERS[Rng::for_key(seed, 1_000_000 + chunk as u64, 3).below(6) as usize]
}

/// `count` sets of `order` restricted to dataset `d`'s sets.
pub fn new_eval_names(order: &[usize; 3], d: usize) -> Vec<usize> {
    order.iter().copied().filter(|s| DATASET_SETS[d].contains(s)).collect()
}

/// Old-format eval names of dataset `d`.
pub fn old_eval_names(d: usize) -> &'static [usize] {
    OLD_EVAL_NAMES[d]
}

/// The number of 200-epoch seeds of every arch (index -> 1, 2 or 3).
pub fn seed_count_table(options: &Options) -> Vec<u8> {
    let (one, two) = seed_counts(options.version);
    let mut keyed: Vec<(u64, usize)> = (0..crate::meta::TOTAL)
        .map(|i| (Rng::for_key(options.seed, i as u64, 7).next_u64(), i))
        .collect();
    keyed.sort_unstable();
    let mut out = vec![3u8; crate::meta::TOTAL];
    for (rank, &(_, i)) in keyed.iter().enumerate() {
        out[i] = if rank < one {
            1
        } else if rank < one + two {
            2
        } else {
            3
        };
    }
    out
}

impl ArchModel {
    /// The model of the arch at benchmark `index` (product position `position`) with
    /// `n_seeds` 200-epoch seeds.
    pub fn new(options: &Options, index: usize, position: u16, n_seeds: u8) -> ArchModel {
        let e = edges(position);
        let count = |op: u8| e.iter().filter(|&&x| x == op).count() as i64;
        let (ns, n1, n3, npool) = (count(1), count(2), count(3), count(4));
        // The output node sums edges D, E, F; it sees the input only through a non-none path.
        let node1 = e[0] != 0;
        let node2 = e[1] != 0 || (e[2] != 0 && node1);
        let connected = e[3] != 0 || (e[4] != 0 && node1) || (e[5] != 0 && node2);
        let mut r = Rng::for_key(options.seed, index as u64, 0);
        let q_u = r.unit();
        let speed_u = r.unit();
        let lat_u = [r.unit(), r.unit(), r.unit()];
        let score =
            (0.30 * n3 as f64 + 0.22 * n1 as f64 + 0.12 * ns as f64 + 0.08 * npool as f64) / 1.8;
        let q = 0.75 * score + 0.25 * q_u;
        let flop = (778_305 + 3_538_944 * n3 + 393_216 * n1) as f64 / 1e5;
        let train_time = 3.5 + 0.025 * flop + 0.5 * speed_u;
        let lat10 = 0.006 + 0.00005 * flop + 0.002 * lat_u[0];
        let latency =
            [lat10, lat10, lat10 * (0.9 + 0.1 * lat_u[1]), lat10 * (0.9 + 0.1 * lat_u[2])];
        let mut seeds: Vec<i64> = match n_seeds {
            1 => vec![[777, 888, 999][r.below(3) as usize]],
            2 => {
                let pair = [[777, 888], [777, 999], [888, 999]][r.below(3) as usize];
                pair.to_vec()
            }
            _ => vec![777, 888, 999],
        };
        for i in (1..seeds.len()).rev() {
            let j = r.below(i as u64 + 1) as usize;
            seeds.swap(i, j);
        }
        let n = seeds.len();
        let missing = n >= 2 && index % 97 == 11;
        let full = seeds
            .iter()
            .enumerate()
            .map(|(k, &seed)| Checkpoint {
                seed,
                datasets: if missing && k == n - 1 { vec![0, 1, 2] } else { vec![0, 1, 2, 3] },
            })
            .collect();
        let less = match options.version {
            Version::V1_0 => vec![Checkpoint { seed: 777, datasets: vec![0] }],
            Version::V1_1 => vec![
                Checkpoint { seed: 777, datasets: vec![0] },
                Checkpoint { seed: 111, datasets: vec![0, 1, 2, 3] },
            ],
        };
        ArchModel {
            index,
            edges: e,
            q,
            connected,
            n3,
            n1,
            train_time,
            latency,
            full,
            less,
            odd_params: n >= 2 && index % 89 == 7,
        }
    }

    /// `dataset_seed` of one hp: datasets in [`DATASETS`] order with their sorted seeds.
    pub fn dataset_seed(&self, hp: Hp) -> Vec<(usize, Vec<i64>)> {
        let cps = if hp == Hp::Full { &self.full } else { &self.less };
        (0..4)
            .filter_map(|d| {
                let mut s: Vec<i64> =
                    cps.iter().filter(|c| c.datasets.contains(&d)).map(|c| c.seed).collect();
                s.sort_unstable();
                (!s.is_empty()).then_some((d, s))
            })
            .collect()
    }

    /// The values of one run.
    pub fn run(
        &self,
        options: &Options,
        hp: Hp,
        d: usize,
        seed: i64,
        set_order: &[usize; 3],
    ) -> Run {
        let (epochs, code) = match hp {
            Hp::Full => (options.epochs_full, 1u64),
            Hp::Less => (options.epochs_less, 2),
        };
        let mut r = Rng::for_key(
            options.seed,
            self.index as u64,
            code * 1_000_000 + d as u64 * 10_000 + seed as u64,
        );
        let chance = CHANCE[d];
        let final200 = if self.connected { LOW[d] + (HIGH[d] - LOW[d]) * self.q } else { chance };
        let mut target =
            if hp == Hp::Less { chance + (final200 - chance) * 0.82 } else { final200 };
        let spread = if self.connected { 0.6 } else { 0.05 };
        target += r.normal() * spread;
        let level = |e: usize| {
            let t = (e + 1) as f64 / f64::from(epochs);
            let frac = t * (2.0 - t);
            (chance + (target - chance) * (0.3 + 0.7 * frac), frac)
        };
        let clamp = |x: f64| x.clamp(0.0, 100.0);
        let n = epochs as usize;
        let (mut acc, mut acc5, mut loss) =
            (Vec::with_capacity(n), Vec::new(), Vec::with_capacity(n));
        for e in 0..n {
            let (lv, frac) = level(e);
            let a = clamp(lv + 6.0 * self.q * frac + r.normal() * 0.5);
            acc.push(a);
            if hp == Hp::Less {
                acc5.push(clamp(a + (100.0 - a) * 0.72 + r.normal() * 0.3));
            }
            let x = 1.0 - a / 100.0;
            loss.push(
                (LN_CLASSES[d] * x * (0.35 + 0.65 * x) + 0.02 + r.normal() * 0.01).max(0.001),
            );
        }
        // Keys of eval_acc1es / eval_losses, in order.
        let mut keys: Vec<(usize, u32)> = Vec::new();
        let names: Vec<usize> = match hp {
            Hp::Less => {
                let names = new_eval_names(set_order, d);
                for &s in &names {
                    keys.extend((0..epochs).map(|e| (s, e)));
                }
                names
            }
            Hp::Full => {
                let last = epochs - 1;
                match d {
                    0 => {
                        keys.extend((0..epochs).map(|e| (X_VALID, e)));
                        keys.push((ORI_TEST, last));
                    }
                    1 => keys.extend((0..epochs).map(|e| (ORI_TEST, e))),
                    _ => {
                        keys.extend((0..epochs).map(|e| (ORI_TEST, e)));
                        keys.push((X_VALID, last));
                        keys.push((X_TEST, last));
                    }
                }
                OLD_EVAL_NAMES[d].to_vec()
            }
        };
        let mut eval = Vec::with_capacity(keys.len());
        for &(s, e) in &keys {
            let (lv, _) = level(e as usize);
            let a = clamp(lv + SET_OFFSET[s] + r.normal() * 0.4);
            let x = 1.0 - a / 100.0;
            let l = (LN_CLASSES[d] * x * (0.4 + 0.6 * x) + 0.03 + r.normal() * 0.01).max(0.001);
            eval.push((s, e, a, l));
        }
        let train_time = self.train_time * [1.0, 2.0, 2.0, 6.068][d];
        let per_sample = self.train_time / 25000.0 * 0.353;
        let set_time = |s: usize| per_sample * SET_SAMPLES[d][s];
        let (train_times, eval_times, latency) = match (options.version, hp) {
            (Version::V1_1, _) => {
                // Pseudo times: one value per set, every epoch; 200-epoch keys follow the
                // 12-epoch (set) order, which differs from eval_names' there.
                let sets = new_eval_names(set_order, d);
                let times: Vec<(usize, u32, f64)> = sets
                    .iter()
                    .flat_map(|&s| (0..epochs).map(move |e| (s, e)))
                    .map(|(s, e)| (s, e, set_time(s)))
                    .collect();
                (
                    TrainTimes::Ordered(train_time),
                    EvalTimes::Keys(times),
                    Latency::Numpy(self.latency[d]),
                )
            }
            (Version::V1_0, Hp::Full) => {
                let len = 5 + r.below(16) as usize;
                let lat = (0..len).map(|_| self.latency[d] * (1.0 + 0.1 * r.normal())).collect();
                (TrainTimes::None, EvalTimes::Empty, Latency::Floats(lat))
            }
            (Version::V1_0, Hp::Less) => {
                let tt = (0..n).map(|_| train_time * (1.0 + 0.03 * r.normal())).collect();
                let et = eval
                    .iter()
                    .map(|&(s, e, _, _)| (s, e, set_time(s) * (1.0 + 0.03 * r.normal())))
                    .collect();
                (TrainTimes::Plain(tt), EvalTimes::Keys(et), Latency::None)
            }
        };
        let mut micro = 73_306 + 243_040 * self.n3 + 28_000 * self.n1 + [0, 0, 5_850, 7_150][d];
        if self.odd_params
            && hp == Hp::Full
            && Some(&seed) == self.full.iter().map(|c| &c.seed).max()
        {
            micro += 3;
        }
        let flop = match d {
            3 => (195_340 + 884_736 * self.n3 + 98_304 * self.n1) as f64 / 1e5,
            2 => (778_890 + 3_538_944 * self.n3 + 393_216 * self.n1) as f64 / 1e5,
            _ => (778_305 + 3_538_944 * self.n3 + 393_216 * self.n1) as f64 / 1e5,
        };
        Run {
            epochs,
            train_acc: acc,
            train_acc5: (hp == Hp::Less).then_some(acc5),
            train_loss: loss,
            train_times,
            params: micro as f64 / 1e6,
            flop,
            latency,
            eval_names: names,
            eval,
            eval_times,
        }
    }
}

/// `train_times` of a run.
#[derive(Clone, Debug)]
pub enum TrainTimes {
    /// v1_0, 200 epochs.
    None,
    /// v1_0, 12 epochs: measured, a plain dict.
    Plain(Vec<f64>),
    /// v1_1: an `OrderedDict` with this value at every epoch.
    Ordered(f64),
}

/// `eval_times` of a run.
#[derive(Clone, Debug)]
pub enum EvalTimes {
    /// `{}` (v1_0, 200 epochs).
    Empty,
    /// `(set, epoch, seconds)` in key order.
    Keys(Vec<(usize, u32, f64)>),
}

/// `latency` of a run.
#[derive(Clone, Debug)]
pub enum Latency {
    /// `None` (v1_0, 12 epochs).
    None,
    /// `[np.float64]` (v1_1).
    Numpy(f64),
    /// Per-batch Python floats (v1_0, 200 epochs).
    Floats(Vec<f64>),
}

/// Every value of one `ResultsCount`.
#[derive(Clone, Debug)]
pub struct Run {
    /// `epochs`.
    pub epochs: u32,
    /// `train_acc1es` values by epoch.
    pub train_acc: Vec<f64>,
    /// `train_acc5es` (None for 200-epoch runs).
    pub train_acc5: Option<Vec<f64>>,
    /// `train_losses`.
    pub train_loss: Vec<f64>,
    /// `train_times`.
    pub train_times: TrainTimes,
    /// `params` (np.float64).
    pub params: f64,
    /// `flop`.
    pub flop: f64,
    /// `latency`.
    pub latency: Latency,
    /// `eval_names` (indices into [`SETS`]).
    pub eval_names: Vec<usize>,
    /// `(set, epoch, accuracy, loss)` in `eval_acc1es` order.
    pub eval: Vec<(usize, u32, f64, f64)>,
    /// `eval_times`.
    pub eval_times: EvalTimes,
}
