//! Compares with what the official code computed (tests/data/official_hashes.json, made by
//! tests/data/make_hashes.py from google-research/nasbench b942470).

use serde_json::Value;
use tnb_nb101_spec::{
    AVAILABLE_OPS, Matrix, Spec, canonical_key, enumerate_graphs, enumerate_with_counts, hash_hex,
    hash_module, labels, prune,
};

fn data() -> Value {
    let text = include_str!("data/official_hashes.json");
    serde_json::from_str(text).expect("official_hashes.json is JSON")
}

fn rows(v: &Value) -> Vec<Vec<i64>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect())
        .collect()
}

fn matrix(v: &Value) -> Matrix {
    let r: Vec<Vec<u8>> = rows(v).iter().map(|r| r.iter().map(|&x| x as u8).collect()).collect();
    Matrix::from_rows(&r).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect()
}

#[test]
fn hash_module_matches_the_official_hashes() {
    let d = data();
    let cases = d["hash_module"].as_array().unwrap();
    assert!(cases.len() >= 400);
    let mut sizes = [0usize; 9];
    for c in cases {
        let m = matrix(&c["matrix"]);
        let l: Vec<i8> =
            c["labels"].as_array().unwrap().iter().map(|x| x.as_i64().unwrap() as i8).collect();
        let got = hash_hex(&hash_module(m, &l));
        assert_eq!(std::str::from_utf8(&got).unwrap(), c["hash"].as_str().unwrap(), "{c}");
        sizes[m.n as usize] += 1;
    }
    // Every size from 2 to 8 was tried.
    assert!(sizes[2..].iter().all(|&k| k > 10), "{sizes:?}");
}

#[test]
fn specs_match_model_spec() {
    let d = data();
    let cases = d["specs"].as_array().unwrap();
    let (mut errors, mut invalid, mut pruned, mut hashed) = (0, 0, 0, 0);
    for c in cases {
        let m = rows(&c["matrix"]);
        let ops = strings(&c["ops"]);
        let spec = Spec::new(&m, &ops);
        if let Some(e) = c.get("error") {
            assert_eq!(spec.unwrap_err().to_string(), e.as_str().unwrap(), "{c}");
            errors += 1;
            continue;
        }
        let spec = spec.unwrap();
        assert_eq!(spec.valid_spec(), c["valid"].as_bool().unwrap(), "{c}");
        let Some(p) = &spec.pruned else {
            invalid += 1;
            continue;
        };
        let want = rows(&c["pruned_matrix"]);
        let want_rows: Vec<u64> = want
            .iter()
            .map(|r| r.iter().enumerate().fold(0, |acc, (i, &x)| acc | (x as u64) << i))
            .collect();
        assert_eq!(p.rows, want_rows, "{c}");
        assert_eq!(p.ops, strings(&c["pruned_ops"]), "{c}");
        if p.rows.len() < m.len() {
            pruned += 1;
        }
        // prune() on a Matrix agrees where a Matrix holds the graph.
        if m.len() <= 8 {
            let r: Vec<Vec<u8>> = m.iter().map(|r| r.iter().map(|&x| x as u8).collect()).collect();
            let (pm, kept) = prune(Matrix::from_rows(&r).unwrap()).unwrap();
            assert_eq!(Some(pm), p.matrix());
            assert_eq!(u64::from(kept), p.kept);
        }
        if let Some(h) = c.get("hash") {
            let pm = p.matrix().unwrap();
            let l = labels(&p.ops).unwrap();
            let got = hash_hex(&hash_module(pm, &l[..p.vertices()]));
            assert_eq!(std::str::from_utf8(&got).unwrap(), h.as_str().unwrap(), "{c}");
            hashed += 1;
        }
    }
    assert!(
        errors >= 5 && invalid >= 5 && pruned >= 20 && hashed >= 100,
        "{errors} {invalid} {pruned} {hashed}"
    );
}

#[test]
fn enumeration_matches_generate_graphs() {
    let d = data();
    let runs = d["enumeration"].as_array().unwrap();
    for run in runs {
        let max = run["max_vertices"].as_u64().unwrap() as usize;
        // Hashing 64,542 cells takes half a minute in a debug build: only the largest run with
        // hashes recorded is hashed.
        let (cells, log) = match run.get("hashes") {
            Some(_) => enumerate_with_counts(max, 9, 3),
            None => enumerate_graphs(max, 9, 3),
        };
        let want: Vec<(usize, usize, u64)> = run["log"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let l = l.as_array().unwrap();
                (
                    l[0].as_u64().unwrap() as usize,
                    l[1].as_u64().unwrap() as usize,
                    l[2].as_u64().unwrap(),
                )
            })
            .collect();
        let got: Vec<_> = log.iter().map(|u| (u.vertices, u.graphs, u.without_hashing)).collect();
        assert_eq!(got, want);
        if let Some(hashes) = run.get("hashes") {
            let got: Vec<String> = cells
                .iter()
                .map(|c| String::from_utf8(hash_hex(&c.hash).to_vec()).unwrap())
                .collect();
            assert_eq!(got, strings(hashes));
        }
        for c in &cells {
            assert_eq!(
                c.ops().filter(|o| AVAILABLE_OPS.contains(o)).count() + 2,
                c.matrix.n as usize
            );
            assert_ne!(canonical_key(c.matrix, c.labels()), tnb_nb101_spec::NO_KEY);
        }
    }
}
