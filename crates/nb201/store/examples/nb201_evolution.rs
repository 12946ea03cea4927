//! Regularized evolution (Real et al., 2019) over NAS-Bench-201 with the store's typed handles:
//! the Rust counterpart of the Python example. Population 64, tournament sample 16, 1000 cycles;
//! the fitness is the seed-mean `x-valid` accuracy of `cifar10-valid` after the last epoch
//! (`hp`, default `200`), as `get_more_info(i, 'cifar10-valid', hp=hp, is_random=False)
//! ['valid-accuracy']` reports it, and the winner is shown with its `ori-test` accuracy.
//!
//! ```sh
//! cargo run --release -p tnb-nb201-store --example nb201_evolution -- nb201.tnb [HP RUNS SEED]
//! ```
//!
//! An architecture is its string, `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`: six edges, each one of
//! five operations. A mutation changes one edge's operation to another one, and the child is
//! looked up by its string (the benchmark's own index), as a search over the string space does.

use std::collections::VecDeque;
use std::time::Instant;

/// The five operations, in the benchmark's order.
const OPS: [&str; 5] = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"];

/// Individuals kept alive.
const POPULATION: usize = 64;
/// Individuals drawn for each tournament.
const SAMPLE: usize = 16;
/// Children made after the initial population.
const CYCLES: usize = 1000;
/// Mutations tried before giving up on a parent whose neighbours were not evaluated (only small
/// archives lack any).
const RETRIES: usize = 64;

/// The six edge operations of an arch string, or `None` if it is not one.
fn parse(arch: &str) -> Option<[u8; 6]> {
    let mut ops = [0u8; 6];
    let mut n = 0;
    for (node, part) in arch.split('+').enumerate() {
        let edges: Vec<&str> = part.trim_matches('|').split('|').collect();
        if edges.len() != node + 1 {
            return None;
        }
        for (input, edge) in edges.iter().enumerate() {
            let (op, from) = edge.split_once('~')?;
            if from != input.to_string() {
                return None;
            }
            ops[n] = OPS.iter().position(|o| *o == op)? as u8;
            n += 1;
        }
    }
    (n == 6).then_some(ops)
}

/// The arch string of six edge operations.
fn render(ops: [u8; 6]) -> String {
    let o = |i: usize| OPS[usize::from(ops[i])];
    format!("|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|", o(0), o(1), o(2), o(3), o(4), o(5))
}

/// A small, seeded generator (xorshift64*): the example needs no cryptographic quality, only a
/// fixed sequence.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (n > 0), by rejection.
    fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let r = self.next();
            if r < zone {
                return (r % n) as usize;
            }
        }
    }
}

/// `ops` with one edge set to a different operation.
fn mutate(mut ops: [u8; 6], rng: &mut Rng) -> [u8; 6] {
    let edge = rng.below(6);
    let shift = 1 + rng.below(OPS.len() - 1) as u8;
    ops[edge] = (ops[edge] + shift) % OPS.len() as u8;
    ops
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().ok_or("usage: evolution ARCHIVE [HP RUNS SEED]")?;
    let hp = args.get(1).map_or("200", String::as_str);
    let runs: usize = args.get(2).map_or(Ok(1), |s| s.parse())?;
    let seed: u64 = args.get(3).map_or(Ok(0x05ee_d201), |s| s.parse())?;

    let t0 = Instant::now();
    let bench = adapter::Bench::open(path, hp)?;
    let t1 = Instant::now();
    let evaluated = bench.evaluated();
    if evaluated.is_empty() {
        return Err("the archive has no evaluated architectures".into());
    }
    let mut rng = Rng(seed | 1);
    let mut evaluations = 0usize;
    let mut results = Vec::with_capacity(runs);
    for _ in 0..runs {
        // (fitness, arch index, ops), oldest first.
        let mut pop: VecDeque<(f64, usize, [u8; 6])> = VecDeque::with_capacity(POPULATION + 1);
        let mut best: Option<(f64, usize)> = None;
        let record = |fitness: f64, index: usize, best: &mut Option<(f64, usize)>| {
            if best.is_none_or(|(b, _)| fitness > b) {
                *best = Some((fitness, index));
            }
        };
        while pop.len() < POPULATION {
            let index = evaluated[rng.below(evaluated.len())];
            let Some(ops) = parse(bench.arch(index)?) else { continue };
            let fitness = bench.valid_accuracy(index)?;
            evaluations += 1;
            record(fitness, index, &mut best);
            pop.push_back((fitness, index, ops));
        }
        for _ in 0..CYCLES {
            let mut parent = pop[rng.below(pop.len())];
            for _ in 1..SAMPLE {
                let p = pop[rng.below(pop.len())];
                if p.0 > parent.0 {
                    parent = p;
                }
            }
            let child = (0..RETRIES).find_map(|_| {
                let ops = mutate(parent.2, &mut rng);
                bench.index_of(&render(ops)).map(|i| (i, ops))
            });
            let Some((index, ops)) = child else { continue };
            let fitness = bench.valid_accuracy(index)?;
            evaluations += 1;
            record(fitness, index, &mut best);
            pop.push_back((fitness, index, ops));
            pop.pop_front(); // regularized: the oldest dies, not the worst
        }
        results.push(best.ok_or("no evaluation")?);
    }
    let t2 = Instant::now();
    let (fitness, index) =
        results.iter().copied().fold((f64::NEG_INFINITY, 0), |a, b| if b.0 > a.0 { b } else { a });
    println!(
        "tnb-nb201-store: open {:.3} ms; {runs} run(s) x ({POPULATION} + {CYCLES} cycles), \
         {evaluations} evaluations in {:.2} ms",
        (t1 - t0).as_secs_f64() * 1e3,
        (t2 - t1).as_secs_f64() * 1e3
    );
    println!("best arch  {} (index {index})", bench.arch(index)?);
    println!("cifar10-valid x-valid accuracy (hp {hp}, seed mean): {fitness}");
    match bench.test_accuracy(index) {
        Ok(t) => println!("cifar10-valid ori-test accuracy (hp {hp}, seed mean): {t}"),
        Err(e) => println!("cifar10-valid ori-test accuracy: not available ({e})"),
    }
    Ok(())
}

/// The few store queries the search needs, each a typed, allocation-free read.
mod adapter {
    use std::io::Write;

    use tnb_nb201_store::{Archive, Hp, Num};

    pub type Error = Box<dyn std::error::Error>;

    /// An open archive and the schedule whose results the search reads.
    pub struct Bench {
        archive: Archive,
        hp: Hp,
    }

    impl Bench {
        pub fn open(path: &str, hp: &str) -> Result<Bench, Error> {
            let hp = Hp::from_hp(hp).ok_or("hp must be 12 or 200")?;
            Ok(Bench { archive: Archive::open(path)?, hp })
        }

        /// The evaluated arch indexes (those with results).
        pub fn evaluated(&self) -> Vec<usize> {
            self.archive
                .evaluated_indexes()
                .map(|e| e.iter().filter_map(|i| usize::try_from(i).ok()).collect())
                .unwrap_or_default()
        }

        pub fn arch(&self, index: usize) -> Result<&str, Error> {
            Ok(self.archive.meta_arch(index)?.ok_or("index out of range")?)
        }

        /// The arch's index when it was evaluated.
        pub fn index_of(&self, arch: &str) -> Option<usize> {
            let i = self.archive.arch_index(arch).ok()??;
            let r = self.archive.arch_results(i as i64, self.hp).ok()?;
            r.is_some().then_some(i)
        }

        /// The seed mean (numpy's order: seeds ascending, then divided by their count) of
        /// `cifar10-valid`'s `set` accuracy after the last epoch.
        fn mean_accuracy(&self, index: usize, set: &str) -> Result<f64, Error> {
            let r = self.archive.arch_results(index as i64, self.hp)?.ok_or("not evaluated")?;
            let seeds = r.dataset_seed()?.seeds("cifar10-valid")?.ok_or("no cifar10-valid")?;
            let (mut sum, mut n) = (0.0, 0usize);
            for seed in seeds.iter() {
                let run = r.find("cifar10-valid", seed)?.ok_or("a seed without a run")?;
                // The key `'<set>@<last epoch>'`, written on the stack: no allocation per query.
                let mut buf = [0u8; 48];
                let mut cur = std::io::Cursor::new(&mut buf[..]);
                write!(cur, "{set}@{}", run.epochs()? - 1)?;
                let len = cur.position() as usize;
                let key = std::str::from_utf8(&buf[..len])?;
                let acc: Num = run.eval_acc1es()?.get_str(key)?.ok_or("no accuracy")?;
                sum += acc.to_f64();
                n += 1;
            }
            if n == 0 {
                return Err("no seeds".into());
            }
            Ok(sum / n as f64)
        }

        pub fn valid_accuracy(&self, index: usize) -> Result<f64, Error> {
            self.mean_accuracy(index, "x-valid")
        }

        pub fn test_accuracy(&self, index: usize) -> Result<f64, Error> {
            self.mean_accuracy(index, "ori-test")
        }
    }
}
