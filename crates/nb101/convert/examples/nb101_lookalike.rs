//! Writes a NAS-Bench-101-shaped TFRecord file for measuring the converter: `cells` random
//! cells (7 vertices, upper-triangular, random labels), each at every budget of the file with 3
//! repeats, records as the official writer's `json.dumps` wrote them (float32 values widened to
//! double, every field set but `total_time`, about 370 bytes each like the real files).
//! (`tnb-synth nb101` writes the faithful look-alikes with the real 423,624-cell space; this is
//! only the converter's load generator.)
//!
//! ```sh
//! cargo run --release -p tnb-nb101-convert --example nb101_lookalike -- /tmp/full.tfrecord 423624 full
//! cargo run --release -p tnb-nb101-convert --example nb101_lookalike -- /tmp/only108.tfrecord 423624 only108
//! ```

use std::io::{BufWriter, Write};

use tnb_nb101_record::{EvalSpec, RecordSpec, encode};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn f32(&mut self) -> f64 {
        f64::from((self.next() >> 40) as f32 / (1u64 << 24) as f32)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = args.get(1).ok_or("usage: nb101_lookalike OUT [CELLS] [full|only108]")?;
    let cells: u64 = args.get(2).map_or(Ok(423_624), |s| s.parse())?;
    let budgets: &[i64] = match args.get(3).map(String::as_str) {
        Some("only108") => &[108],
        _ => &[4, 12, 36, 108],
    };
    let ops = ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"];
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut rec = Vec::with_capacity(512);
    let mut labels = String::new();
    for _ in 0..cells {
        let mut hash = [0u8; 16];
        for c in hash.chunks_mut(8) {
            c.copy_from_slice(&rng.next().to_le_bytes()[..8]);
        }
        let mut adjacency = 0u64;
        for r in 0..7 {
            for c in r + 1..7 {
                if rng.next() % 3 == 0 {
                    adjacency |= 1 << (r * 7 + c);
                }
            }
        }
        labels.clear();
        labels.push_str("input");
        for _ in 0..5 {
            labels.push(',');
            labels.push_str(ops[(rng.next() % 3) as usize]);
        }
        labels.push_str(",output");
        let params = (rng.next() % 50_000_000) as i32;
        for &epochs in budgets {
            for _ in 0..3 {
                let e = epochs as f64;
                let evals = [
                    EvalSpec::full(0.0, [0.0, rng.f32(), rng.f32(), rng.f32()]),
                    EvalSpec::full(e / 2.0, [rng.f32() * 1e3, rng.f32(), rng.f32(), rng.f32()]),
                    EvalSpec::full(e, [rng.f32() * 2e3, rng.f32(), rng.f32(), rng.f32()]),
                ];
                let spec = RecordSpec {
                    hash,
                    epochs,
                    n: 7,
                    adjacency,
                    operations: &labels,
                    trainable_parameters: Some(params),
                    total_time: None,
                    evaluations: &evals,
                };
                rec.clear();
                encode(&spec, &mut rec);
                tnb_tfrecord::write_record(&mut w, &rec)?;
            }
        }
    }
    w.flush()?;
    Ok(())
}
