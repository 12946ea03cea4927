//! Regularized evolution over TransNAS-Bench-101's micro space on one task, with typed handles:
//! the Rust counterpart of `crates/python/examples/evolution.py`.
//!
//! ```sh
//! cargo run --release -p tnb-store --example evolution -- transnas.tnb [TASK METRIC RUNS EVALS]
//! ```
//!
//! A micro arch `64-41414-a_bc_def` is six edge ops in 0..4, and the file lists the micro space
//! by base-4 counting over (a, b, c, d, e, f); so an arch is its position in the space's list,
//! and mutating one edge is changing one base-4 digit of that position.

use std::collections::VecDeque;
use std::time::Instant;

use tnb_store::{Store, Value};

use tnb_testrng::TestRng as Rng;

/// Whether the arch at `pos` of the micro space is `64-41414-a_bc_def` with `pos`'s base-4
/// digits, most significant first (the file's order, which the mutation below relies on).
fn in_counting_order(name: &str, pos: usize) -> bool {
    let digits: Vec<usize> = name
        .strip_prefix("64-41414-")
        .unwrap_or("")
        .bytes()
        .filter(|b| *b != b'_')
        .map(|b| usize::from(b.wrapping_sub(b'0')))
        .collect();
    digits.len() == 6 && (0..6).all(|i| digits[i] == (pos >> (2 * (5 - i))) & 3)
}

/// Position `pos` with one of its six base-4 digits changed to a different value.
fn mutate(pos: usize, rng: &mut Rng) -> usize {
    let shift = 2 * rng.below(6);
    let old = (pos >> shift) & 3;
    let new = (old + 1 + rng.below(3)) & 3;
    (pos & !(3 << shift)) | (new << shift)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().ok_or("usage: evolution ARCHIVE [TASK METRIC RUNS EVALS]")?;
    let task_name = args.get(1).map_or("class_object", String::as_str);
    let metric_name = args.get(2).map_or("valid_top1", String::as_str);
    let runs: usize = args.get(3).map_or(Ok(100), |s| s.parse())?;
    let evals: usize = args.get(4).map_or(Ok(1000), |s| s.parse())?;

    let t0 = Instant::now();
    let store = Store::open(path)?;
    let task = store.task(task_name)?;
    let metric = store.metric(task, metric_name)?;
    let micro = store.arch_list("micro")?;
    if micro.len() != 4096 {
        return Err("this example expects the full micro space (4096 archs)".into());
    }
    for (pos, arch) in micro.clone().enumerate() {
        if !in_counting_order(store.arch_name(arch)?, pos) {
            return Err("the micro space is not in the benchmark's base-4 order".into());
        }
    }
    let t1 = Instant::now();
    let score = |pos: usize| -> Result<f64, Box<dyn std::error::Error>> {
        let arch = micro.get(pos).ok_or("position out of the space")?;
        match store.best_value(arch, task, metric)? {
            Value::Float(f) => Ok(f),
            Value::Int(i) => Ok(i as f64),
            _ => Err("not a number".into()),
        }
    };
    let mut rng = Rng::new(0x2545_f491_4f6c_dd1d);
    let (population, sample) = (50, 10);
    let mut results = Vec::with_capacity(runs);
    for _ in 0..runs {
        let mut pop: VecDeque<(f64, usize)> = VecDeque::with_capacity(population + 1);
        let mut best = (f64::NEG_INFINITY, 0);
        for _ in 0..evals {
            let child = if pop.len() < population {
                rng.below(micro.len())
            } else {
                // Tournament: the best of `sample` members drawn at random.
                let mut parent = pop[rng.below(pop.len())];
                for _ in 1..sample {
                    let p = pop[rng.below(pop.len())];
                    if p.0 > parent.0 {
                        parent = p;
                    }
                }
                mutate(parent.1, &mut rng)
            };
            let value = score(child)?;
            pop.push_back((value, child));
            if pop.len() > population {
                pop.pop_front(); // regularized: the oldest dies
            }
            if value > best.0 {
                best = (value, child);
            }
        }
        results.push(best);
    }
    let t2 = Instant::now();
    let (value, pos) =
        results.iter().copied().fold((f64::NEG_INFINITY, 0), |a, b| if b.0 > a.0 { b } else { a });
    let mean = results.iter().map(|r| r.0).sum::<f64>() / results.len() as f64;
    let arch = store.arch_name(micro.get(pos).ok_or("no arch")?)?;
    println!(
        "tnb-store: open {:.3} s, {runs} runs x {evals} evaluations in {:.4} s",
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64()
    );
    println!("best {task_name}/{metric_name}: {value} ({arch}); mean of run bests {mean:.4}");
    Ok(())
}
