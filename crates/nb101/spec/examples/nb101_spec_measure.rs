//! Measures the spec work a query does, in CPU time of this thread (read from
//! `/proc/thread-self/stat`, so that a machine busy with other work does not inflate the numbers
//! the way wall time would), and the enumeration of the space (wall and CPU time of the process).
//!
//! `cargo run --release -p tnb-nb101-spec --example nb101_spec_measure [SECONDS_PER_ITEM]`

use std::hint::black_box;
use std::time::Instant;

use tnb_nb101_spec::{Cell, canonical_key, check_matrix, enumerate_with_counts, hash_module};

/// utime + stime of `/proc/<what>/stat`, in seconds (Linux; 0 elsewhere).
fn cpu_seconds(what: &str) -> f64 {
    let Ok(text) = std::fs::read_to_string(format!("/proc/{what}/stat")) else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = text.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 (1-based), here 11 and 12 after the state field.
    (ticks(11) + ticks(12)) / 100.0
}

/// Runs `f` over `items` round after round for at least `seconds` of CPU time; ns per call.
fn per_call<T>(items: &[T], seconds: f64, mut f: impl FnMut(&T) -> u64) -> (f64, f64) {
    let cpu0 = cpu_seconds("thread-self");
    let wall = Instant::now();
    let mut calls = 0u64;
    let mut sink = 0u64;
    while cpu_seconds("thread-self") - cpu0 < seconds {
        for x in items {
            sink = sink.wrapping_add(f(x));
        }
        calls += items.len() as u64;
    }
    black_box(sink);
    let cpu = cpu_seconds("thread-self") - cpu0;
    (cpu * 1e9 / calls as f64, wall.elapsed().as_secs_f64() * 1e9 / calls as f64)
}

fn main() {
    let seconds: f64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2.0);
    let cpu0 = cpu_seconds("self");
    let wall = Instant::now();
    let (cells, log) = enumerate_with_counts(7, 9, 3);
    println!(
        "enumerate(7, 9, 3): {} cells ({} labelled graphs) in {:.2} s wall, {:.2} s CPU",
        cells.len(),
        log.last().map_or(0, |u| u.without_hashing),
        wall.elapsed().as_secs_f64(),
        cpu_seconds("self") - cpu0
    );
    // hash_module tells the cells apart as the official script found (no two share a hash).
    let distinct: std::collections::HashSet<[u8; 16]> = cells.iter().map(|c| c.hash).collect();
    assert_eq!(distinct.len(), cells.len(), "two cells share a hash_module");
    println!("all {} hashes distinct", distinct.len());
    let mut rng = tnb_testrng::TestRng::new(0x5eed_0101);
    let sample: Vec<Cell> = (0..4096).map(|_| cells[rng.below(cells.len())]).collect();
    let ops: Vec<Vec<&str>> = sample.iter().map(|c| c.ops().collect()).collect();
    let both: Vec<(Cell, Vec<&str>)> = sample.iter().copied().zip(ops).collect();
    let report = |name: &str, (cpu, wall): (f64, f64)| {
        println!("{name:<44} {cpu:>9.1} ns/call CPU ({wall:.1} ns wall)");
    };
    report(
        "hash_module (random cell)",
        per_call(&sample, seconds, |c| hash_module(c.matrix, c.labels())[0] as u64),
    );
    report(
        "canonical_key (random cell)",
        per_call(&sample, seconds, |c| canonical_key(c.matrix, c.labels())),
    );
    report(
        "check_matrix + canonical_key (matrix + ops)",
        per_call(&both, seconds, |(c, ops)| check_matrix(c.matrix, ops).map_or(0, |s| s.key())),
    );
}
