//! Regularized evolution (Real et al. 2019) over NAS-Bench-101, the NAS-Bench-101 paper's
//! strongest baseline, on the official semantics in Rust: a population of 100 specs, each step
//! samples 10, mutates the one with the best validation accuracy (each of the 21 possible edges
//! flipped with probability 1/7, each interior op resampled with probability 1/5; mutants are
//! redrawn until `is_valid`), queries the child (one `randint(0, 2)` repeat draw on Python's
//! generator, seeded as `NASBench(f, seed=S)`), adds it and drops the oldest; the search stops
//! when `total_epochs_spent` reaches the budget. It prints the best validation accuracy found
//! and that cell's test accuracy as the budget is spent.
//!
//! ```text
//! cargo run --release -p tnb-nb101-api --example nb101_evolution -- [ARCHIVE.tnb | X.tfrecord] [BUDGET_EPOCHS] [SEED]
//! ```
//! Without arguments it runs on `data/nb101/only108_small.tfrecord` (converted in memory) with
//! a budget of 30,000 epochs (about 280 queries at 108 epochs) and seed 0.

use std::collections::VecDeque;
use std::time::Instant;

use tnb_nb101_api::{Data, Epochs, NasBench, PyRandom, StoreSource};
use tnb_nb101_spec::{AVAILABLE_OPS, MAX_VERTICES, Matrix};
use tnb_nb101_store::Nb101Store;

const POPULATION: usize = 100;
const SAMPLE: usize = 10;
const EPOCHS: i64 = 108;

/// A spec as a search keeps it: the full 7×7 matrix and the 7 ops before pruning.
#[derive(Clone)]
struct Genome {
    bits: u64,
    ops: [&'static str; MAX_VERTICES],
}

fn edge(r: usize, c: usize) -> u64 {
    1 << (r * MAX_VERTICES + c)
}

impl Genome {
    fn matrix(&self) -> Matrix {
        Matrix { n: MAX_VERTICES as u8, bits: self.bits }
    }

    /// A uniformly random matrix and ops (the caller keeps it if it is valid).
    fn random(rng: &mut PyRandom) -> Genome {
        let mut bits = 0;
        for r in 0..MAX_VERTICES {
            for c in r + 1..MAX_VERTICES {
                if rng.randbelow(2) == 1 {
                    bits |= edge(r, c);
                }
            }
        }
        let mut ops = ["input"; MAX_VERTICES];
        for op in ops.iter_mut().take(MAX_VERTICES - 1).skip(1) {
            *op = AVAILABLE_OPS[rng.randbelow(3) as usize];
        }
        ops[MAX_VERTICES - 1] = "output";
        Genome { bits, ops }
    }

    /// In expectation 3 of 21 edges flipped and one of 5 ops resampled (to another op).
    fn mutate(&self, rng: &mut PyRandom) -> Genome {
        let mut g = self.clone();
        for r in 0..MAX_VERTICES {
            for c in r + 1..MAX_VERTICES {
                if rng.randbelow(MAX_VERTICES as u64) == 0 {
                    g.bits ^= edge(r, c);
                }
            }
        }
        for v in 1..MAX_VERTICES - 1 {
            if rng.randbelow(MAX_VERTICES as u64 - 2) == 0 {
                let others: Vec<&str> =
                    AVAILABLE_OPS.iter().copied().filter(|o| *o != g.ops[v]).collect();
                g.ops[v] = others[rng.randbelow(others.len() as u64) as usize];
            }
        }
        g
    }
}

/// `is_valid`, and present in the archive (a small fixture holds a few hundred of the 423,624
/// cells; on the real files every valid spec is present).
fn is_valid(nb: &NasBench<'_, StoreSource<'_, tnb_nb101_store::Buffer>>, g: &Genome) -> bool {
    tnb_nb101_spec::check_matrix(g.matrix(), &g.ops).is_ok_and(|c| nb.row_of_checked(&c).is_ok())
}

fn epochs_spent(e: Epochs) -> i64 {
    match e {
        Epochs::Int(i) => i,
        Epochs::Float(x) => x as i64,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next();
    let budget: i64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(30_000);
    let seed: i128 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(0);
    let t = Instant::now();
    let store = match &path {
        Some(p) if p.ends_with(".tnb") => Nb101Store::open(p)?,
        other => {
            let p = other.clone().unwrap_or_else(|| {
                concat!(env!("CARGO_MANIFEST_DIR"), "/../../../data/nb101/only108_small.tfrecord")
                    .to_owned()
            });
            Nb101Store::copy_from(&tnb_nb101_convert::convert_bytes(&std::fs::read(p)?)?)?
        }
    };
    println!("{} cells, opened in {:.1} ms", store.cells(), t.elapsed().as_secs_f64() * 1e3);
    let src = StoreSource::new(&store);
    let mut nb = NasBench::new(&src);
    let mut rng = PyRandom::seed_int(seed);
    let t = Instant::now();
    let mut population: VecDeque<(Genome, Data)> = VecDeque::with_capacity(POPULATION);
    let (mut best_valid, mut best_test, mut queries) = (f64::NEG_INFINITY, f64::NAN, 0u64);
    let mut report = |d: &Data, spent: i64, queries: u64| {
        if d.metrics[2] > best_valid {
            best_valid = d.metrics[2];
            best_test = d.metrics[3];
            println!(
                "  {spent:>9} epochs, {queries:>6} queries: best valid {best_valid:.4}, its test {best_test:.4}"
            );
        }
    };
    while epochs_spent(nb.budget_counters().1) < budget {
        let child = if population.len() < POPULATION {
            let mut g = Genome::random(&mut rng);
            while !is_valid(&nb, &g) {
                g = Genome::random(&mut rng);
            }
            g
        } else {
            // The sample's best parent by validation accuracy.
            let mut parent = rng.randbelow(POPULATION as u64) as usize;
            for _ in 1..SAMPLE {
                let i = rng.randbelow(POPULATION as u64) as usize;
                if population[i].1.metrics[2] > population[parent].1.metrics[2] {
                    parent = i;
                }
            }
            let mut g = population[parent].0.mutate(&mut rng);
            while !is_valid(&nb, &g) {
                g = population[parent].0.mutate(&mut rng);
            }
            g
        };
        let d = nb.query_matrix(child.matrix(), &child.ops, EPOCHS, false, &mut rng)?;
        queries += 1;
        report(&d, epochs_spent(nb.budget_counters().1), queries);
        if population.len() == POPULATION {
            population.pop_front();
        }
        population.push_back((child, d));
    }
    let (time, epochs) = nb.budget_counters();
    println!(
        "done: {queries} queries, {} epochs, {:.0} s of simulated training, in {:.1} ms ({:.2} us per query incl. mutation)",
        epochs_spent(epochs),
        time,
        t.elapsed().as_secs_f64() * 1e3,
        t.elapsed().as_secs_f64() * 1e6 / queries.max(1) as f64
    );
    println!("best valid {best_valid:.4}, its test {best_test:.4}");
    Ok(())
}
