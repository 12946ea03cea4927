//! What each NATS-Bench architecture holds (nats-layout.md §3): the hp keys, the checkpoints
//! (seed, datasets) of each hp in file order, and the values of every run. Values are made up,
//! deterministic functions of (seed, space, index, run) shaped like training curves; params and
//! flops follow the real formulas where they are known (tss: NB201's, exact on the samples).

use tnb_testrng::SplitMix64 as Rng;

use crate::meta;
use crate::nats::Space;

/// The datasets, in `dataset_seed` order.
pub const DATASETS: [&str; 4] = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"];
/// The evaluation sets, in the order new-format results list them.
pub const SETS: [&str; 3] = ["x-valid", "x-test", "ori-test"];
/// `arch_config['class_num']` per dataset.
pub const CLASSES: [i64; 4] = [10, 10, 100, 120];
/// The sss channel candidates.
pub const CHANNELS: [u32; 8] = [8, 16, 24, 32, 40, 48, 56, 64];
/// sss's fixed cell (`arch_config['genotype']`).
pub const SSS_GENOTYPE: &str = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";

const X_VALID: usize = 0;
const X_TEST: usize = 1;
const ORI_TEST: usize = 2;
/// The sets of each dataset, in [`SETS`] order.
const DATASET_SETS: [&[usize]; 4] =
    [&[X_VALID, ORI_TEST], &[ORI_TEST], &[X_VALID, X_TEST, ORI_TEST], &[X_VALID, X_TEST, ORI_TEST]];
/// Old-format (tss `'200'`) `eval_names` per dataset.
const OLD_EVAL_NAMES: [&[usize]; 4] =
    [&[X_VALID, ORI_TEST], &[ORI_TEST], &[ORI_TEST, X_VALID, X_TEST], &[ORI_TEST, X_VALID, X_TEST]];
const SET_SAMPLES: [[f64; 3]; 4] = [
    [25000.0, 0.0, 10000.0],
    [0.0, 0.0, 10000.0],
    [5000.0, 5000.0, 10000.0],
    [3000.0, 3000.0, 6000.0],
];
/// Training samples per dataset: accuracies are `correct / samples * 100`, as the real ones.
const TRAIN_SAMPLES: [f64; 4] = [25000.0, 50000.0, 50000.0, 151700.0];
const CHANCE: [f64; 4] = [10.0, 10.0, 1.0, 100.0 / 120.0];
const LOW: [f64; 4] = [55.0, 58.0, 25.0, 12.0];
const HIGH: [f64; 4] = [91.5, 94.3, 73.5, 47.3];
const LN_CLASSES: [f64; 4] =
    [std::f64::consts::LN_10, std::f64::consts::LN_10, 4.605170185988092, 4.787491742782046];
const SET_OFFSET: [f64; 3] = [-0.3, -0.2, 0.0];

/// tss `'200'` seed counts over the 15625 archs (1 seed, 2 seeds; the rest 3), as NB201 v1_1's
/// 200-epoch data, which tss `'200'` re-collects (some archs lack seeds: NATS-Bench issue 30).
pub const TSS_SEED_COUNTS: (usize, usize) = (2225, 5439);
/// `all_results` seed order of tss `'200'` (one order for the release, the samples').
const TSS_200_SEEDS: [i64; 3] = [999, 777, 888];
/// Archs whose real seed sets are known (the samples): all 3 seeds.
const KNOWN_FULL: [usize; 3] = [0, 11, 284];

/// One hp of a space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hp {
    /// The key (`'12'`, `'200'`, `'01'`, `'90'`).
    pub key: &'static str,
    /// Epochs of its runs.
    pub epochs: u32,
    /// NB201's old format (tss `'200'`): `train_acc5es` None, last-epoch-only extra eval keys,
    /// `eval_names` in old order, eval keys not shared between the eval dicts.
    pub old: bool,
}

/// The hps of a space, in file order.
pub fn hps(space: Space) -> &'static [Hp] {
    const TSS: [Hp; 2] =
        [Hp { key: "12", epochs: 12, old: false }, Hp { key: "200", epochs: 200, old: true }];
    const SSS: [Hp; 3] = [
        Hp { key: "01", epochs: 1, old: false },
        Hp { key: "12", epochs: 12, old: false },
        Hp { key: "90", epochs: 90, old: false },
    ];
    match space {
        Space::Tss => &TSS,
        Space::Sss => &SSS,
    }
}

/// One checkpoint: a training seed and the datasets it holds, in `all_results` order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The seed.
    pub seed: i64,
    /// Indices into [`DATASETS`].
    pub datasets: Vec<usize>,
}

/// The number of tss `'200'` seeds of every arch (index -> 1, 2 or 3).
pub fn tss_seed_counts(seed: u64) -> Vec<u8> {
    let mut keyed: Vec<(u64, usize)> = (0..meta::TOTAL)
        .filter(|i| !KNOWN_FULL.contains(i))
        .map(|i| (Rng::for_key(seed, i as u64, 17).next_u64(), i))
        .collect();
    keyed.sort_unstable();
    let (one, two) = TSS_SEED_COUNTS;
    let mut out = vec![3u8; meta::TOTAL];
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

/// Per-arch constants.
#[derive(Clone, Debug)]
pub struct ArchModel {
    /// Benchmark index.
    pub index: usize,
    space: Space,
    seed: u64,
    q: f64,
    connected: bool,
    /// `params` per dataset (millions).
    params: [f64; 4],
    /// `flop` per dataset.
    flop: [f64; 4],
    latency: [f64; 4],
    train_time: f64,
    /// Checkpoints per hp (in [`hps`] order).
    pub checkpoints: Vec<Vec<Checkpoint>>,
    /// tss: `'200'` params/flops differ by seed (the 999 run), so the official API's seed-888
    /// "legacy fix" (v1.6, issue 36) decides.
    pub odd_costs: bool,
}

impl ArchModel {
    /// The model of arch `index`; for tss, `position` is its product position
    /// ([`meta::benchmark_order`]) and `tss_seeds` its `'200'` seed count (both ignored for
    /// sss).
    pub fn new(space: Space, seed: u64, index: usize, position: u16, tss_seeds: u8) -> ArchModel {
        let mut r = Rng::for_key(seed, index as u64, 1000 + space as u64);
        let (q, connected, params, flop, speed) = match space {
            Space::Tss => {
                let e = meta::edges(position);
                let count = |op: u8| e.iter().filter(|&&x| x == op).count() as i64;
                let (ns, n1, n3, npool) = (count(1), count(2), count(3), count(4));
                let node1 = e[0] != 0;
                let node2 = e[1] != 0 || (e[2] != 0 && node1);
                let connected = e[3] != 0 || (e[4] != 0 && node1) || (e[5] != 0 && node2);
                let score =
                    (0.30 * n3 as f64 + 0.22 * n1 as f64 + 0.12 * ns as f64 + 0.08 * npool as f64)
                        / 1.8;
                let q = 0.75 * score + 0.25 * r.unit();
                // NB201's: exact for the samples (arch 0: 0.129306 / 15.64737).
                let base = 73_306 + 243_040 * n3 + 28_000 * n1;
                let params = [0, 0, 5_850, 7_150].map(|x| (base + x) as f64 / 1e6);
                let f = 3_538_944 * n3 + 393_216 * n1;
                let flop = [778_305 + f, 778_305 + f, 778_890 + f, 195_340 + f / 4]
                    .map(|x| x as f64 / 1e5);
                (q, connected, params, flop, 0.0)
            }
            Space::Sss => {
                let c = sss_channels(index).map(f64::from);
                let size = c.iter().sum::<f64>() / 320.0;
                let q = 0.7 * size + 0.3 * r.unit();
                let conv: f64 = 27.0 * c[0]
                    + 9.0 * (c[0] * c[1] + c[1] * c[2] + c[2] * c[3] + c[3] * c[4])
                    + 18.0 * c[4] * c[4];
                let params = [10.0, 10.0, 100.0, 120.0].map(|k| {
                    ((conv + 640.0 * (c[0] + c[4]) + (c[4] + 1.0) * k) as i64) as f64 / 1e6
                });
                let flop = [1.0, 1.0, 1.0, 0.25]
                    .map(|s| ((conv * 1024.0 * s + 4_000.0 * (c[0] + c[4])) as i64) as f64 / 1e6);
                (q, true, params, flop, size)
            }
        };
        let train_time = match space {
            Space::Tss => 3.5 + 0.025 * flop[0] + 0.5 * r.unit(),
            Space::Sss => 4.0 + 6.0 * speed + 0.5 * r.unit(),
        };
        let lat = 0.006 + 0.00005 * flop[0] + 0.002 * r.unit();
        let latency = [lat, lat, lat * (0.9 + 0.1 * r.unit()), lat * (0.9 + 0.1 * r.unit())];
        let all = vec![0, 1, 2, 3];
        let cp = |seed: i64, datasets: &[usize]| Checkpoint { seed, datasets: datasets.to_vec() };
        let mut odd_costs = false;
        let checkpoints = match space {
            Space::Tss => {
                let seeds: Vec<i64> = match tss_seeds {
                    1 => vec![[777, 888, 999][r.below(3) as usize]],
                    2 => [[777, 888], [777, 999], [888, 999]][r.below(3) as usize].to_vec(),
                    _ => vec![777, 888, 999],
                };
                odd_costs = seeds.len() >= 2 && seeds.contains(&888) && index % 89 == 7;
                let full = TSS_200_SEEDS
                    .iter()
                    .filter(|s| seeds.contains(s))
                    .map(|&s| cp(s, &all))
                    .collect();
                vec![vec![cp(777, &[0]), cp(111, &all)], full]
            }
            Space::Sss => vec![
                vec![cp(777, &all)],
                vec![cp(777, &all), cp(888, &all), cp(999, &all)],
                vec![cp(777, &all)],
            ],
        };
        ArchModel {
            index,
            space,
            seed,
            q,
            connected,
            params,
            flop,
            latency,
            train_time,
            checkpoints,
            odd_costs,
        }
    }

    /// `dataset_seed` of hp `h`: datasets in [`DATASETS`] order with their sorted seeds.
    pub fn dataset_seed(&self, h: usize) -> Vec<(usize, Vec<i64>)> {
        (0..4)
            .filter_map(|d| {
                let mut s: Vec<i64> = self.checkpoints[h]
                    .iter()
                    .filter(|c| c.datasets.contains(&d))
                    .map(|c| c.seed)
                    .collect();
                s.sort_unstable();
                (!s.is_empty()).then_some((d, s))
            })
            .collect()
    }

    /// The values of the run of hp `hp` (number `h`) on dataset `d` with seed `seed`.
    pub fn run(&self, h: usize, hp: &Hp, d: usize, seed: i64) -> Run {
        let mut r = Rng::for_key(
            self.seed,
            self.index as u64,
            (self.space as u64 + 1) * 1_000_000_000
                + h as u64 * 1_000_000
                + d as u64 * 10_000
                + seed as u64,
        );
        let epochs = hp.epochs;
        let chance = CHANCE[d];
        let final_acc = if self.connected { LOW[d] + (HIGH[d] - LOW[d]) * self.q } else { chance };
        let done = (f64::from(epochs) / 200.0).sqrt().min(1.0);
        let mut target = chance + (final_acc - chance) * (0.55 + 0.45 * done);
        target += r.normal() * if self.connected { 0.6 } else { 0.05 };
        let level = |e: u32| {
            let t = f64::from(e + 1) / f64::from(epochs);
            let frac = t * (2.0 - t);
            (chance + (target - chance) * (0.3 + 0.7 * frac), frac)
        };
        let clamp = |x: f64| x.clamp(0.0, 100.0);
        let count = |x: f64, n: f64| (clamp(x) / 100.0 * n).round() / n * 100.0;
        let (mut acc, mut acc5, mut loss) = (Vec::new(), Vec::new(), Vec::new());
        for e in 0..epochs {
            let (lv, frac) = level(e);
            let a = count(lv + 6.0 * self.q * frac + r.normal() * 0.5, TRAIN_SAMPLES[d]);
            acc.push(a);
            if !hp.old {
                acc5.push(count(a + (100.0 - a) * 0.72 + r.normal() * 0.3, TRAIN_SAMPLES[d]));
            }
            let x = 1.0 - a / 100.0;
            loss.push(
                (LN_CLASSES[d] * x * (0.35 + 0.65 * x) + 0.02 + r.normal() * 0.01).max(0.001),
            );
        }
        let last = epochs - 1;
        let mut keys: Vec<(usize, u32)> = Vec::new();
        let names: Vec<usize> = if hp.old {
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
        } else {
            for &s in DATASET_SETS[d] {
                keys.extend((0..epochs).map(|e| (s, e)));
            }
            DATASET_SETS[d].to_vec()
        };
        let eval = keys
            .iter()
            .map(|&(s, e)| {
                let (lv, _) = level(e);
                let a = count(lv + SET_OFFSET[s] + r.normal() * 0.4, SET_SAMPLES[d][s]);
                let x = 1.0 - a / 100.0;
                let l = (LN_CLASSES[d] * x * (0.4 + 0.6 * x) + 0.03 + r.normal() * 0.01).max(0.001);
                (s, e, a, l)
            })
            .collect();
        let per_sample = self.train_time / 25000.0 * 0.353;
        // Pseudo times (tss-collect's correct_time_related_info): one value per set, every
        // epoch, sets in DATASET_SETS order even where eval_names' order differs.
        let eval_times = DATASET_SETS[d]
            .iter()
            .flat_map(|&s| (0..epochs).map(move |e| (s, e)))
            .map(|(s, e)| (s, e, per_sample * SET_SAMPLES[d][s]))
            .collect();
        let (mut params, mut flop) = (self.params[d], self.flop[d]);
        if self.odd_costs && hp.old && seed == 999 {
            // The pre-fix numbers of issue 36: one seed's costs far from the others.
            params = ((params * 0.4 * 1e6).round()) / 1e6;
            flop = ((flop * 0.4 * 1e5).round()) / 1e5;
        }
        Run {
            epochs,
            train_acc: acc,
            train_acc5: (!hp.old).then_some(acc5),
            train_loss: loss,
            train_time: self.train_time * [1.0, 2.0, 2.0, 6.068][d],
            params,
            flop,
            latency: self.latency[d],
            eval_names: names,
            eval,
            eval_times,
        }
    }
}

/// sss arch `index`'s channels (the product order: last position fastest).
pub fn sss_channels(index: usize) -> [u32; 5] {
    let mut c = [0u32; 5];
    let mut i = index;
    for k in (0..5).rev() {
        c[k] = CHANNELS[i % 8];
        i /= 8;
    }
    c
}

/// sss arch string, e.g. `8:8:40:32:40`.
pub fn sss_arch_str(index: usize) -> String {
    sss_channels(index).map(|c| c.to_string()).join(":")
}

/// Every value of one `ResultsCount`.
#[derive(Clone, Debug)]
pub struct Run {
    /// `epochs`.
    pub epochs: u32,
    /// `train_acc1es` by epoch.
    pub train_acc: Vec<f64>,
    /// `train_acc5es` (None in old format).
    pub train_acc5: Option<Vec<f64>>,
    /// `train_losses`.
    pub train_loss: Vec<f64>,
    /// The constant `train_times` value.
    pub train_time: f64,
    /// `params` (np.float64).
    pub params: f64,
    /// `flop`.
    pub flop: f64,
    /// `latency[0]` (np.float64).
    pub latency: f64,
    /// `eval_names` (indices into [`SETS`]).
    pub eval_names: Vec<usize>,
    /// `(set, epoch, accuracy, loss)` in `eval_acc1es` order.
    pub eval: Vec<(usize, u32, f64, f64)>,
    /// `(set, epoch, seconds)` in `eval_times` order.
    pub eval_times: Vec<(usize, u32, f64)>,
}
