//! Shared by the store's tests: NAS-Bench-101-shaped records (valid cells with their true
//! hashes, look-alike cells with random hashes, every float class, missing budgets and
//! repeats, duplicates, any order), and the official loader's semantics computed from them
//! independently of the store (`Model`), with the comparison of a store against it.
#![allow(dead_code)]

use std::collections::HashMap;

use tnb_nb101_store::spec::{self, Matrix};
use tnb_nb101_store::{Metric, Nb101Store, RecordIn};
use tnb_testrng::TestRng;

/// One record, owned.
#[derive(Clone, Debug)]
pub struct Rec {
    pub hash: [u8; 16],
    pub epochs: i64,
    pub n: u8,
    pub adj: u64,
    pub ops: String,
    pub params: i32,
    pub halfway: [f64; 4],
    pub final_: [f64; 4],
}

impl Rec {
    pub fn as_in(&self) -> RecordIn<'_> {
        RecordIn {
            hash: self.hash,
            epochs: self.epochs,
            n: self.n,
            adjacency: self.adj,
            operations: &self.ops,
            trainable_parameters: self.params,
            halfway: self.halfway,
            final_: self.final_,
        }
    }
}

/// Floats of every class, by bits: NaNs with payloads (quiet, signalling, negative), ±0,
/// subnormals, ±inf, extremes, float32-widened values like the real files'.
pub const SPECIAL: [u64; 12] = [
    0x7ff8_0000_0000_0001,
    0x7ff0_0000_0000_0001,
    0xfff8_dead_beef_0000,
    0x8000_0000_0000_0000,
    0x0000_0000_0000_0000,
    0x0000_0000_0000_0001,
    0x800f_ffff_ffff_ffff,
    0x7ff0_0000_0000_0000,
    0xfff0_0000_0000_0000,
    0x7fef_ffff_ffff_ffff,
    0x408b_9ba8_0000_0000, // 883.4580078125
    0x3fee_c000_0000_0000,
];

pub fn float(rng: &mut TestRng) -> f64 {
    if rng.below(4) == 0 { f64::from_bits(SPECIAL[rng.below(SPECIAL.len())]) } else { rng.f64() }
}

/// A valid pruned cell: `(n, bits, ops)` with `input`/`output` ends.
pub fn valid_cell(rng: &mut TestRng) -> (u8, u64, Vec<String>) {
    loop {
        let n = 2 + rng.below(6);
        let mut bits = 0u64;
        for r in 0..n {
            for c in r + 1..n {
                if rng.below(2) == 0 {
                    bits |= 1 << (r * n + c);
                }
            }
        }
        let m = Matrix { n: n as u8, bits };
        if spec::prune(m).map(|(p, _)| p) != Some(m) {
            continue;
        }
        let mut ops = vec!["input".to_string()];
        for _ in 1..n - 1 {
            ops.push(spec::AVAILABLE_OPS[rng.below(3)].to_string());
        }
        ops.push("output".into());
        return (n as u8, bits, ops);
    }
}

pub fn labels_of(ops: &[String]) -> Vec<i8> {
    spec::labels(ops.iter().map(|s| s.as_str())).unwrap()[..ops.len()].to_vec()
}

/// A cell: its hash and fixed statistics. `true_hash`: hash_module of the graph.
#[derive(Clone, Debug)]
pub struct Cell {
    pub hash: [u8; 16],
    pub n: u8,
    pub adj: u64,
    pub ops: String,
    pub params: i32,
}

pub fn cells(rng: &mut TestRng, count: usize) -> Vec<Cell> {
    let mut out: Vec<Cell> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    while out.len() < count {
        let (n, adj, ops) = valid_cell(rng);
        let mut hash = spec::hash_module(Matrix { n, bits: adj }, &labels_of(&ops));
        let mut ops = ops.join(",");
        // One in five: a look-alike, a random hash (not the graph's), sometimes odd labels.
        if rng.below(5) == 0 {
            hash = rng.next_u64().to_le_bytes().repeat(2).try_into().unwrap();
            if rng.below(2) == 0 {
                ops = ["", "x", "input,,output", "é,ü"][rng.below(4)].to_string();
            }
        }
        if seen.insert(hash) {
            out.push(Cell { hash, n, adj, ops, params: rng.next_u64() as i32 });
        }
    }
    out
}

/// Records of `cells` cells: budgets a random subset of {108, 4, 12, 36} in random order,
/// 1..=3 repeats each, some duplicates of a hash with other fixed statistics (ignored by the
/// loader), shuffled when `shuffle`.
pub fn records(seed: u64, count: usize, shuffle: bool) -> Vec<Rec> {
    let mut rng = TestRng::new(seed);
    let cs = cells(&mut rng, count);
    let mut out = Vec::new();
    for c in &cs {
        let mut budgets = vec![108i64, 4, 12, 36];
        for i in (1..budgets.len()).rev() {
            budgets.swap(i, rng.below(i + 1));
        }
        budgets.truncate(1 + rng.below(4));
        for &e in &budgets {
            for _ in 0..1 + rng.below(3) {
                let mut r = Rec {
                    hash: c.hash,
                    epochs: e,
                    n: c.n,
                    adj: c.adj,
                    ops: c.ops.clone(),
                    params: c.params,
                    halfway: [0.0; 4].map(|_| float(&mut rng)),
                    final_: [0.0; 4].map(|_| float(&mut rng)),
                };
                if !out.is_empty() && rng.below(4) == 0 {
                    // A later record of the hash with other fixed statistics.
                    r.params = r.params.wrapping_add(1);
                    r.ops = "input,output".into();
                    r.n = 2;
                    r.adj = 2;
                }
                out.push(r);
            }
        }
    }
    if shuffle {
        for i in (1..out.len()).rev() {
            out.swap(i, rng.below(i + 1));
        }
    }
    out
}

/// Per budget (in order), the runs' metric bits.
pub type Computed = Vec<(i64, Vec<[u64; 8]>)>;

/// What the official loader holds after reading `recs` in order.
#[derive(Debug, Default)]
pub struct Model {
    pub order: Vec<[u8; 16]>,
    pub fixed: HashMap<[u8; 16], (u8, u64, String, i32)>,
    pub computed: HashMap<[u8; 16], Computed>,
    pub valid_epochs: Vec<i64>,
}

pub fn model(recs: &[Rec]) -> Model {
    let mut m = Model::default();
    for r in recs {
        if let std::collections::hash_map::Entry::Vacant(e) = m.fixed.entry(r.hash) {
            e.insert((r.n, r.adj, r.ops.clone(), r.params));
            m.order.push(r.hash);
        }
        if !m.valid_epochs.contains(&r.epochs) {
            m.valid_epochs.push(r.epochs);
        }
        let per = m.computed.entry(r.hash).or_default();
        let bits: Vec<u64> = r.halfway.iter().chain(&r.final_).map(|x| x.to_bits()).collect();
        let bits: [u64; 8] = bits.try_into().unwrap();
        match per.iter_mut().find(|(e, _)| *e == r.epochs) {
            Some((_, runs)) => runs.push(bits),
            None => per.push((r.epochs, vec![bits])),
        }
    }
    m
}

pub fn build(recs: &[Rec]) -> Vec<u8> {
    let mut b = tnb_nb101_store::Builder::new();
    for r in recs {
        b.push(&r.as_in()).unwrap();
    }
    b.finish(&tnb_nb101_store::Provenance::new(12345, [9; 32])).unwrap()
}

/// Asserts that `s` answers exactly what the model holds, every float bit-exact.
pub fn assert_matches<B: AsRef<[u8]>>(s: &Nb101Store<B>, m: &Model) {
    assert_eq!(s.cells(), m.order.len());
    assert_eq!(s.valid_epochs(), m.valid_epochs.as_slice());
    let runs: usize = m.computed.values().flat_map(|v| v.iter().map(|(_, r)| r.len())).sum();
    assert_eq!(s.runs(), runs);
    for (row, h) in m.order.iter().enumerate() {
        let row = row as u32;
        assert_eq!(s.hash(row), Some(*h));
        assert_eq!(s.row_of_hash(h).unwrap(), Some(row));
        let (n, adj, ops, params) = &m.fixed[h];
        assert_eq!(s.adjacency(row).unwrap(), (*n, *adj));
        let got: Vec<&str> = s.operations(row).unwrap().collect();
        assert_eq!(got.join(","), *ops);
        assert_eq!(s.trainable_parameters(row).unwrap(), *params);
        let budgets: Vec<_> = s.budgets(row).unwrap().collect();
        let want = &m.computed[h];
        assert_eq!(budgets.len(), want.len());
        for (b, (e, runs)) in budgets.iter().zip(want) {
            assert_eq!(b.epochs, *e);
            assert_eq!(s.runs_of(row, b.index).unwrap(), b.runs);
            let got: Vec<[u64; 8]> = b
                .runs
                .clone()
                .map(|i| {
                    let r = s.run(i).unwrap();
                    Metric::ALL.map(|k| r.get(k).to_bits())
                })
                .collect();
            assert_eq!(&got, runs, "row {row} epochs {e}");
            for i in b.runs.clone() {
                assert_eq!(s.cell_of_run(i).unwrap(), Some((row, b.index)));
            }
        }
        for (bi, e) in m.valid_epochs.iter().enumerate() {
            if !want.iter().any(|(x, _)| x == e) {
                assert!(s.runs_of(row, bi).unwrap().is_empty());
            }
        }
    }
}
