//! The values: how big and fast each architecture is and how well it trains on each task.
//!
//! Nothing here comes from the real benchmark except ranges (see the reference notes): the goal
//! is data that *behaves* like it. Each architecture gets a latent quality from its structure
//! (micro cells that cannot reach their output are broken; more and larger convolutions help;
//! macro skeletons gain from depth, width and late downsampling), so rankings mean something and
//! correlate across tasks. Sizes come from a small structural model (ResNet basic blocks or the
//! micro cell's convolutions at each module's width and resolution), and inference time and
//! epoch time grow with the encoder's multiply-adds.
//!
//! Every (architecture, task) pair draws from its own random stream keyed by the seed, the
//! architecture's global index and the task's index, so a subset of archs or tasks has exactly
//! the values the full file has for them (the epoch cap changes curve shapes, though).

use tnb_arch::{Arch, BASE_CHANNELS, Cell, Op};

use tnb_testrng::SplitMix64 as Rng;

/// Encoder latency saturates towards this many milliseconds (keeps jigsaw, which runs the
/// encoder on nine tiles, under the reference's 250 ms).
const ENC_MS_MAX: f64 = 30.0;
/// Multiply-adds (in G) at which the encoder latency reaches half of [`ENC_MS_MAX`].
const ENC_GMACS_HALF: f64 = 1.6;
/// Input 256×256; the stem (7×7, stride 2, then a stride-2 pool) leaves 64×64.
const STEM_OUT_RES: u64 = 64;
const STEM_CONV_RES: u64 = 128;
const ARCH_STREAM: u64 = u64::MAX;

/// What the model knows about one architecture, independent of the task.
#[derive(Clone, Debug)]
pub(crate) struct Traits {
    /// Latent quality in [0, 1].
    pub(crate) quality: f64,
    pub(crate) enc_params: u64,
    pub(crate) enc_macs: u64,
    /// Encoder latency in milliseconds.
    pub(crate) enc_ms: f64,
    /// Channels of the last module (the decoders' input).
    pub(crate) last_channels: u64,
}

/// Parameters and multiply-adds of one module.
struct Cost {
    params: u64,
    weights: u64,
}

fn basic_block(c_in: u64, c_out: u64, strided: bool) -> Cost {
    let mut weights = 9 * c_in * c_out + 9 * c_out * c_out;
    let mut bn = 2 * 2 * c_out;
    if strided || c_in != c_out {
        weights += c_in * c_out;
        bn += 2 * c_out;
    }
    Cost { params: weights + bn, weights }
}

fn micro_cell(c_in: u64, c_out: u64, reshapes: bool, ops: &[Op; 6]) -> Cost {
    let (mut weights, mut bn) = if reshapes { (c_in * c_out, 2 * c_out) } else { (0, 0) };
    for op in ops {
        match op {
            Op::Conv3x3 => {
                weights += 9 * c_out * c_out;
                bn += 2 * c_out;
            }
            Op::Conv1x1 => {
                weights += c_out * c_out;
                bn += 2 * c_out;
            }
            Op::None | Op::SkipConnect => {}
        }
    }
    Cost { params: weights + bn, weights }
}

/// Whether a micro cell's output node is reachable from its input through non-`none` edges (a
/// cell that is not computes zeros: the network cannot learn).
fn micro_connected(ops: &[Op; 6]) -> bool {
    let on = |i: usize| ops[i] != Op::None;
    let n1 = on(0);
    let n2 = on(1) || (on(2) && n1);
    on(3) || (on(4) && n1) || (on(5) && n2)
}

fn clamp01(x: f64) -> f64 {
    x.clamp(0.0, 1.0)
}

/// The traits of the architecture with global index `index`.
pub(crate) fn traits(arch: &Arch, seed: u64, index: usize) -> Traits {
    let mut rng = Rng::for_key(seed, index as u64, ARCH_STREAM);
    let stem = 3 * 49 * u64::from(BASE_CHANNELS);
    let mut params = stem + 2 * u64::from(BASE_CHANNELS);
    let mut macs = stem * STEM_CONV_RES * STEM_CONV_RES;
    let (mut c, mut r) = (u64::from(BASE_CHANNELS), STEM_OUT_RES);
    for m in arch.skeleton.iter() {
        let c_out = if m.doubles_channels() { 2 * c } else { c };
        let r_out = if m.halves_resolution() { r / 2 } else { r };
        let cost = match &arch.cell {
            Cell::Basic => basic_block(c, c_out, m.halves_resolution()),
            Cell::Micro(ops) => micro_cell(c, c_out, c != c_out || r != r_out, ops),
        };
        params += cost.params;
        macs += cost.weights * r_out * r_out;
        (c, r) = (c_out, r_out);
    }
    let g = macs as f64 / 1e9;
    let enc_ms = ENC_MS_MAX * g / (g + ENC_GMACS_HALF);

    let quality = match &arch.cell {
        Cell::Micro(ops) if !micro_connected(ops) => 0.02 + 0.03 * rng.unit(),
        Cell::Micro(ops) => {
            let strength: f64 = ops
                .iter()
                .map(|op| match op {
                    Op::None => 0.0,
                    Op::SkipConnect => 0.35,
                    Op::Conv1x1 => 0.6,
                    Op::Conv3x3 => 1.0,
                })
                .sum::<f64>()
                / 6.0;
            let residual = if ops[3] != Op::None { 0.08 } else { 0.0 };
            clamp01(0.12 + 0.68 * strength + residual + 0.07 * rng.normal()).max(0.06)
        }
        Cell::Basic => {
            let s = &arch.skeleton;
            let len = s.len() as f64;
            let downs: Vec<f64> = s
                .iter()
                .enumerate()
                .filter(|(_, m)| m.halves_resolution())
                .map(|(i, _)| i as f64)
                .collect();
            let late = downs.iter().sum::<f64>() / downs.len().max(1) as f64 / (len - 1.0);
            let depth = (len - 4.0) / 2.0;
            let width = (s.channel_doubling_count() as f64 - 1.0) / 2.0;
            let fewer_downs = (4.0 - s.downsampling_count() as f64) / 3.0;
            clamp01(
                0.18 + 0.16 * depth
                    + 0.2 * width
                    + 0.22 * late
                    + 0.1 * fewer_downs
                    + 0.07 * rng.normal(),
            )
            .max(0.06)
        }
    };
    Traits { quality, enc_params: params, enc_macs: macs, enc_ms, last_channels: c }
}

/// The split a metric is measured on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Split {
    Train,
    Valid,
    Test,
}

impl Split {
    const ALL: [Split; 3] = [Split::Train, Split::Valid, Split::Test];

    /// How far below the training curve this split ends, in units of the measure's gap.
    fn gap_factor(self) -> f64 {
        match self {
            Split::Train => 0.0,
            Split::Valid => 1.0,
            Split::Test => 1.12,
        }
    }

    /// Evaluation on held-out data is noisier than the running training average.
    fn noise_factor(self) -> f64 {
        match self {
            Split::Train => 1.0,
            Split::Valid | Split::Test => 1.5,
        }
    }
}

/// What a metric measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Measure {
    Top1,
    Top5,
    Loss,
    NegLoss,
    Acc,
    MIoU,
    Ssim,
    L1Loss,
}

/// Parses a metric name such as `valid_top1` or `test_l1_loss`.
pub(crate) fn parse_metric(name: &str) -> Option<(Split, Measure)> {
    let (split, rest) = name.split_once('_')?;
    let split = match split {
        "train" => Split::Train,
        "valid" => Split::Valid,
        "test" => Split::Test,
        _ => return None,
    };
    let measure = match rest {
        "top1" => Measure::Top1,
        "top5" => Measure::Top5,
        "loss" => Measure::Loss,
        "neg_loss" => Measure::NegLoss,
        "acc" => Measure::Acc,
        "mIoU" => Measure::MIoU,
        "ssim" => Measure::Ssim,
        "l1_loss" => Measure::L1Loss,
        _ => return None,
    };
    Some((split, measure))
}

/// A learning curve's shape: from about `start` to an end between `worst` (quality 0) and `best`
/// (quality 1), minus `gap` on held-out splits, with noise, kept inside `[lo, hi]`.
#[derive(Clone, Copy, Debug)]
struct Curve {
    measure: Measure,
    worst: f64,
    best: f64,
    start: f64,
    gap: f64,
    noise: f64,
    lo: f64,
    hi: f64,
}

const fn pct(measure: Measure, worst: f64, best: f64, start: f64, gap: f64, noise: f64) -> Curve {
    Curve { measure, worst, best, start, gap, noise, lo: 0.0, hi: 100.0 }
}

const fn loss(measure: Measure, worst: f64, best: f64, start: f64, gap: f64, noise: f64) -> Curve {
    // A loss gets *larger* on held-out data: the gap is negative in "better" units.
    Curve { measure, worst, best, start, gap: -gap, noise, lo: 0.005, hi: f64::MAX }
}

const fn unit(measure: Measure, worst: f64, best: f64, start: f64, gap: f64, noise: f64) -> Curve {
    Curve { measure, worst, best, start, gap, noise, lo: 0.0, hi: 1.0 }
}

/// The model of one task: its curves, sizes and speeds.
#[derive(Debug)]
pub(crate) struct TaskModel {
    /// Curves generated directly; `Top5` and `NegLoss` are derived from `Top1` and `Loss`.
    curves: &'static [Curve],
    /// Seconds per training epoch of a mid-sized architecture.
    epoch_secs: f64,
    /// Inference: fixed milliseconds plus this many times the encoder's latency.
    base_ms: f64,
    enc_mult: f64,
    decoder: Decoder,
}

#[derive(Clone, Copy, Debug)]
enum Decoder {
    /// Global pooling then one linear layer to this many outputs.
    Linear(u64),
    /// Room layout: linear to 1024, then to 9 layout parameters.
    Layout,
    /// Jigsaw: nine tiles' features concatenated, then 1000 permutation classes.
    Jigsaw,
    /// Four upsampling 3×3 convolutions to full resolution, then this many output channels.
    Dense(u64),
}

impl Decoder {
    /// (parameters, multiply-adds) for an encoder ending with `c` channels.
    fn cost(self, c: u64) -> (u64, u64) {
        match self {
            Decoder::Linear(n) => (c * n + n, c * n),
            Decoder::Layout => (c * 1024 + 1024 + 1024 * 9 + 9, c * 1024 + 1024 * 9),
            Decoder::Jigsaw => (9 * c * 1000 + 1000, 9 * c * 1000),
            Decoder::Dense(out) => {
                let layers = [(c, 256, 16u64), (256, 128, 32), (128, 64, 64), (64, 32, 128)];
                let mut params = 32 * out + out;
                let mut macs = 32 * out * 256 * 256;
                for (ci, co, r) in layers {
                    params += 9 * ci * co + 2 * co;
                    macs += 9 * ci * co * r * r;
                }
                (params, macs)
            }
        }
    }
}

use Measure::*;

const CLASS_SCENE: TaskModel = TaskModel {
    curves: &[pct(Top1, 38.0, 58.5, 12.0, 3.5, 0.9), loss(Loss, 2.35, 1.55, 3.6, 0.12, 0.03)],
    epoch_secs: 190.0,
    base_ms: 1.5,
    enc_mult: 1.0,
    decoder: Decoder::Linear(365),
};

const CLASS_OBJECT: TaskModel = TaskModel {
    curves: &[pct(Top1, 30.0, 48.0, 8.0, 3.0, 0.9), loss(Loss, 3.3, 2.5, 5.2, 0.15, 0.04)],
    epoch_secs: 190.0,
    base_ms: 5.2,
    enc_mult: 1.0,
    decoder: Decoder::Linear(100),
};

const ROOM_LAYOUT: TaskModel = TaskModel {
    curves: &[loss(Loss, 0.72, 0.575, 1.06, 0.02, 0.008)],
    epoch_secs: 150.0,
    base_ms: 4.2,
    enc_mult: 0.95,
    decoder: Decoder::Layout,
};

const JIGSAW: TaskModel = TaskModel {
    curves: &[pct(Top1, 72.0, 97.0, 20.0, 1.5, 0.7), loss(Loss, 1.05, 0.12, 4.2, 0.05, 0.03)],
    epoch_secs: 420.0,
    base_ms: 20.0,
    enc_mult: 7.0,
    decoder: Decoder::Jigsaw,
};

const SEGMENTSEMANTIC: TaskModel = TaskModel {
    curves: &[
        loss(Loss, 1.45, 0.95, 2.9, 0.06, 0.03),
        pct(Acc, 84.0, 92.0, 55.0, 1.2, 0.5),
        pct(MIoU, 14.0, 30.0, 5.0, 1.5, 0.5),
    ],
    epoch_secs: 330.0,
    base_ms: 11.3,
    enc_mult: 1.0,
    decoder: Decoder::Dense(17),
};

const NORMAL: TaskModel = TaskModel {
    curves: &[
        unit(Ssim, 0.50, 0.62, 0.28, 0.015, 0.006),
        loss(L1Loss, 0.085, 0.060, 0.15, 0.003, 0.0015),
    ],
    epoch_secs: 300.0,
    base_ms: 10.9,
    enc_mult: 1.0,
    decoder: Decoder::Dense(3),
};

const AUTOENCODER: TaskModel = TaskModel {
    curves: &[
        unit(Ssim, 0.42, 0.74, 0.25, 0.02, 0.008),
        loss(L1Loss, 0.095, 0.045, 0.16, 0.003, 0.0015),
    ],
    epoch_secs: 300.0,
    base_ms: 11.8,
    enc_mult: 1.0,
    decoder: Decoder::Dense(3),
};

/// The model of a task by name; the seven tasks of the benchmark have their own, and any other
/// name behaves like `class_scene`.
pub(crate) fn task_model(name: &str) -> &'static TaskModel {
    match name {
        "class_scene" => &CLASS_SCENE,
        "class_object" => &CLASS_OBJECT,
        "room_layout" => &ROOM_LAYOUT,
        "jigsaw" => &JIGSAW,
        "segmentsemantic" => &SEGMENTSEMANTIC,
        "normal" => &NORMAL,
        "autoencoder" => &AUTOENCODER,
        _ => &CLASS_SCENE,
    }
}

/// `model_info` of one architecture on one task.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Info {
    pub(crate) inference_time: f64,
    pub(crate) encoder_params: i64,
    pub(crate) model_params: i64,
    pub(crate) model_flops: i64,
    pub(crate) encoder_flops: i64,
}

/// One task's generated numbers, reused across architectures to avoid allocating.
#[derive(Debug, Default)]
pub(crate) struct TaskValues {
    /// Metric `m`'s values are `values[m * epochs..(m + 1) * epochs]`, in the order of the
    /// metric names given to [`generate`]; the `time_elapsed` column is unused.
    pub(crate) values: Vec<f64>,
    /// Cumulative seconds at the end of each epoch.
    pub(crate) elapsed: Vec<f64>,
}

/// Where each (split, measure) lives among a task's metric names.
#[derive(Debug, Clone)]
pub(crate) struct Columns {
    of: [[Option<usize>; 8]; 3],
}

impl Columns {
    pub(crate) fn new(metrics: &[&str]) -> Columns {
        let mut of = [[None; 8]; 3];
        for (i, name) in metrics.iter().enumerate() {
            if let Some((s, m)) = parse_metric(name) {
                of[s as usize][m as usize] = Some(i);
            }
        }
        Columns { of }
    }

    fn get(&self, s: Split, m: Measure) -> Option<usize> {
        self.of[s as usize][m as usize]
    }
}

fn f32_exact(x: f64) -> f64 {
    f64::from(x as f32)
}

/// Fills `out` with architecture `index`'s numbers for task number `task_index` over `epochs`
/// epochs, and returns its `model_info`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn generate(
    traits: &Traits,
    task: &TaskModel,
    columns: &Columns,
    n_metrics: usize,
    epochs: usize,
    seed: u64,
    index: usize,
    task_index: usize,
    out: &mut TaskValues,
) -> Info {
    let mut rng = Rng::for_key(seed, index as u64, task_index as u64);
    let q = clamp01(traits.quality + 0.05 * rng.normal());
    // Two learning speeds blended per (arch, task): how early the curve flattens.
    let fast = rng.unit();
    out.values.clear();
    out.values.resize(n_metrics * epochs, 0.0);
    for split in Split::ALL {
        for curve in task.curves {
            let Some(col) = columns.get(split, curve.measure) else { continue };
            let end = curve.worst + (curve.best - curve.worst) * q - curve.gap * split.gap_factor();
            let start = curve.start * (1.0 + 0.04 * rng.normal());
            let noise = curve.noise * split.noise_factor();
            for e in 0..epochs {
                let t = (e + 1) as f64 / epochs as f64;
                let slow = 1.0 - (1.0 - t) * (1.0 - t);
                let quick = 1.0 - (1.0 - t).powi(4);
                let shape = slow + (quick - slow) * fast;
                let v = start + (end - start) * shape + noise * rng.normal();
                out.values[col * epochs + e] = f32_exact(v.clamp(curve.lo, curve.hi));
            }
            let derived = match curve.measure {
                Top1 => columns.get(split, Top5).map(|c| (c, Top5)),
                Loss => columns.get(split, NegLoss).map(|c| (c, NegLoss)),
                _ => None,
            };
            if let Some((dcol, kind)) = derived {
                // Top-5 closes a steady share of top-1's distance to 100, so it rises with it.
                let share = rng.uniform(0.5, 0.7);
                for e in 0..epochs {
                    let base = out.values[col * epochs + e];
                    out.values[dcol * epochs + e] = match kind {
                        Top5 => {
                            let s = (share + 0.015 * rng.normal()).clamp(0.4, 0.8);
                            f32_exact(base + (100.0 - base) * s)
                        }
                        _ => -base,
                    };
                }
            }
        }
    }

    let cost = traits.enc_ms / ENC_MS_MAX;
    let per_epoch = task.epoch_secs * (0.55 + 0.9 * cost);
    out.elapsed.clear();
    let mut elapsed = 0.0;
    for _ in 0..epochs {
        elapsed += per_epoch * rng.uniform(0.93, 1.07);
        out.elapsed.push(elapsed);
    }

    let ms = (task.base_ms + task.enc_mult * traits.enc_ms) * (1.0 + 0.04 * rng.normal());
    let (dec_params, dec_macs) = task.decoder.cost(traits.last_channels);
    let int = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    Info {
        inference_time: ms.clamp(3.0, 250.0) / 1000.0,
        encoder_params: int(traits.enc_params),
        model_params: int(traits.enc_params + dec_params),
        model_flops: int(traits.enc_macs + dec_macs),
        encoder_flops: int(traits.enc_macs),
    }
}

/// `"HH:MM:SS"` for a number of seconds, rounded to the nearest second; hours have at least two
/// digits (Python's `f"{h:02d}:{m:02d}:{s:02d}"`).
pub(crate) fn hms(seconds: f64, out: &mut String) {
    use std::fmt::Write;
    let s = seconds.round().max(0.0) as u64;
    out.clear();
    let _ = write!(out, "{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_micro_cells_are_the_worst() {
        let broken: Arch = "64-41414-1_00_000".parse().unwrap();
        let strong: Arch = "64-41414-3_33_333".parse().unwrap();
        let empty: Arch = "64-41414-0_00_000".parse().unwrap();
        assert!(!micro_connected(&[
            Op::SkipConnect,
            Op::None,
            Op::None,
            Op::None,
            Op::None,
            Op::None
        ]));
        for seed in 0..20 {
            let b = traits(&broken, seed, 3256 + 1024);
            let s = traits(&strong, seed, 7351);
            assert!(b.quality < 0.06 && s.quality > 0.6, "{} {}", b.quality, s.quality);
            assert!(traits(&empty, seed, 3256).quality < 0.06);
        }
    }

    #[test]
    fn sizes_and_speed_grow_with_the_cell() {
        let small = traits(&"64-41414-0_00_000".parse().unwrap(), 1, 3256);
        let mid = traits(&"64-41414-2_22_222".parse().unwrap(), 1, 3256 + 2730);
        let big = traits(&"64-41414-3_33_333".parse().unwrap(), 1, 7351);
        assert!(small.enc_params < mid.enc_params && mid.enc_params < big.enc_params);
        assert!(small.enc_macs < mid.enc_macs && mid.enc_macs < big.enc_macs);
        assert!(small.enc_ms < big.enc_ms && big.enc_ms < ENC_MS_MAX);
        assert_eq!(big.last_channels, 512);
    }

    #[test]
    fn curves_rise_and_fall_and_stay_float32_exact() {
        let arch: Arch = "64-41414-3_33_333".parse().unwrap();
        let t = traits(&arch, 5, 7351);
        // room_layout's metric list, as the generator writes it.
        let names = crate::TASKS[2].metrics;
        let cols = Columns::new(names);
        let mut out = TaskValues::default();
        let info = generate(&t, &ROOM_LAYOUT, &cols, names.len(), 25, 5, 7351, 2, &mut out);
        let col = |i: usize| &out.values[i * 25..(i + 1) * 25];
        for i in 0..6 {
            assert!(col(i).iter().all(|&v| f64::from(v as f32) == v));
        }
        for i in [0, 2, 4] {
            assert!(col(i)[24] < col(i)[0] - 0.2, "loss falls");
            assert!(col(i).iter().zip(col(i + 1)).all(|(a, b)| *b == -*a));
            assert!(col(i).iter().all(|&v| (0.5..1.2).contains(&v)), "{:?}", col(i));
        }
        assert!(out.elapsed.windows(2).all(|w| w[0] < w[1]));
        assert!((0.003..=0.25).contains(&info.inference_time));
        assert!(info.model_params > info.encoder_params && info.model_flops > info.encoder_flops);
    }

    #[test]
    fn hms_pads_hours_to_two_digits_at_least() {
        let mut s = String::new();
        hms(59.6, &mut s);
        assert_eq!(s, "00:01:00");
        hms(3600.0 * 123.0 + 61.0, &mut s);
        assert_eq!(s, "123:01:01");
    }
}
