//! The made-up numbers of one record: plausible, deterministic, float32 widened to float64.
//!
//! Each cell has a quality (its mean final validation accuracy at 108 epochs, mostly 0.83-0.95,
//! one cell in a hundred broken at 0.10-0.20) drawn from a stream keyed by its hash, so a cell
//! carries the same values in any file that holds it; each (budget, repeat) run adds its own
//! noise from a stream of its own. Accuracies rise with the epochs as `e / (e + 3)` does;
//! training times grow with the epochs and the parameter count, as in the real data (about 4 s to
//! 50 s an epoch).

use tnb_nb101_spec::Cell;
use tnb_testrng::SplitMix64;

/// One `EvaluationData`: `[current_epoch, training_time, train, validation, test]`.
pub type Evaluation = [f64; 5];

/// Everything a record holds besides the cell's graph.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunValues {
    /// `trainable_parameters`.
    pub trainable_parameters: i32,
    /// The three evaluations: at initialisation, halfway, final.
    pub evaluations: [Evaluation; 3],
    /// `total_time`.
    pub total_time: f64,
}

/// Rounds to float32 and back, as the real data's values were.
fn f32ish(x: f64) -> f64 {
    x as f32 as f64
}

/// The first 8 bytes of the hash, as a stream key.
fn key(cell: &Cell) -> u64 {
    u64::from_le_bytes(cell.hash[..8].try_into().unwrap_or([0; 8]))
}

/// A plausible parameter count for the cell, from its shape: the official network's three stacks
/// of three cells at 128, 256 and 512 channels, each interior vertex's convolution (3×3 = 9,
/// 1×1 = 1, pooling 0 units of C²) on its share of the channels, a 1×1 projection per edge from
/// the input, plus the stem and the classifier.
pub fn trainable_parameters(cell: &Cell) -> i32 {
    let n = cell.matrix.n as usize;
    let labels = cell.labels();
    let into_output = (1..n - 1).filter(|&v| cell.matrix.get(v, n - 1)).count().max(1) as u64;
    let mut units = 0u64;
    for (v, &label) in labels.iter().enumerate().take(n - 1).skip(1) {
        units += match label {
            0 => 9,
            1 => 1,
            _ => 0,
        };
        if cell.matrix.get(0, v) {
            units += 1;
        }
    }
    if cell.matrix.get(0, n - 1) {
        units += 1;
    }
    let per_stack: u64 = [128u64, 256, 512].iter().map(|c| 3 * c * c).sum();
    let body = units * per_stack / into_output;
    let stem = 3 * 3 * 3 * 128 + 2 * 128;
    let classifier = 512 * 10 + 10;
    (body + stem + classifier).min(i32::MAX as u64) as i32
}

/// The values of the run `repeat` (0-2) of `cell` at `epochs`.
pub fn run_values(seed: u64, cell: &Cell, epochs: i64, repeat: usize) -> RunValues {
    let mut c = SplitMix64::for_key(seed, key(cell), 0);
    let quality = if c.below(100) == 0 {
        c.uniform(0.10, 0.20)
    } else {
        let u = c.unit();
        0.95 - 0.12 * u * u * u
    };
    let speed = c.uniform(0.85, 1.15);
    let params = trainable_parameters(cell);
    let mut r = SplitMix64::for_key(seed, key(cell), 1 + epochs as u64 * 4 + repeat as u64);
    let e = epochs as f64;
    // Accuracy after `x` epochs, relative to 108.
    let rise = |x: f64| (x / (x + 3.0)) / (108.0 / 111.0);
    let per_epoch = (2.5 + 0.9 * f64::from(params) / 1e6) * speed * (1.0 + 0.03 * r.normal());
    let eval_at = |x: f64, r: &mut SplitMix64| -> Evaluation {
        let valid = (0.1 + (quality - 0.1) * rise(x) + 0.004 * r.normal()).clamp(0.1, 0.95);
        let test = (valid - 0.004 + 0.003 * r.normal()).clamp(0.1, 0.95);
        let train = (valid + 0.06 * rise(x) + 0.004 * r.normal()).clamp(0.1, 1.0);
        let time = x * per_epoch + 6.0 * r.unit();
        [x, f32ish(time), f32ish(train), f32ish(valid), f32ish(test)]
    };
    let halfway = eval_at(e / 2.0, &mut r);
    let final_ = eval_at(e, &mut r);
    let chance = |r: &mut SplitMix64| f32ish(r.uniform(0.09, 0.11));
    let init = [0.0, 0.0, chance(&mut r), chance(&mut r), chance(&mut r)];
    let total_time = f32ish(final_[1] + 0.4 * e + 20.0 * (1.0 + r.unit()));
    RunValues { trainable_parameters: params, evaluations: [init, halfway, final_], total_time }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_plausible() {
        let cells = tnb_nb101_spec::enumerate(5, 9, 3);
        for cell in &cells {
            let p = trainable_parameters(cell);
            assert!((8_000..60_000_000).contains(&p), "{p}");
            let mut last_valid = 0.0;
            for e in [4, 12, 36, 108] {
                let v = run_values(7, cell, e, 1);
                let [init, half, fin] = v.evaluations;
                assert_eq!((init[0], half[0], fin[0]), (0.0, e as f64 / 2.0, e as f64));
                for x in [half, fin] {
                    assert!((0.1..=0.95).contains(&x[3]) && (0.1..=0.95).contains(&x[4]));
                    assert!((0.1..=1.0).contains(&x[2]));
                    assert_eq!(x[1], x[1] as f32 as f64);
                }
                assert!(fin[1] > half[1] && v.total_time > fin[1]);
                // Rising with epochs (noise is far smaller than the rise between budgets).
                assert!(fin[3] >= last_valid - 0.03, "{e}: {} after {last_valid}", fin[3]);
                last_valid = fin[3];
            }
        }
        // Same inputs, same values; another repeat, other values.
        let c = &cells[100];
        assert_eq!(run_values(1, c, 108, 0), run_values(1, c, 108, 0));
        assert_ne!(run_values(1, c, 108, 0), run_values(1, c, 108, 1));
        assert_ne!(run_values(1, c, 108, 0), run_values(2, c, 108, 0));
    }
}
