//! [`crate::Nb101Store::check`]: everything open does not check, in one linear pass over the
//! cells and offsets (the metric columns hold any f64 bits: nothing to check there).

use std::collections::HashSet;

use tnb_schema::nb101::Sec;

use crate::{Nb101Store, canon};

pub(crate) fn check<B: AsRef<[u8]>>(s: &Nb101Store<B>) -> Result<(), String> {
    let cells = s.cells();
    let epochs = s.valid_epochs();
    let mut seen = HashSet::new();
    if let Some(e) = epochs.iter().find(|e| !seen.insert(**e)) {
        return Err(format!("valid_epochs lists {e} twice"));
    }
    let mut labels = HashSet::new();
    for (id, l) in s.labels().enumerate() {
        if l.contains(',') || !labels.insert(l) {
            return Err(format!("operation label {id} ({l:?}) holds a comma or repeats"));
        }
    }
    for b in 0..epochs.len() {
        let offs = s.run_offsets(b).map_err(|e| e.0.to_string())?;
        if offs.windows(2).any(|w| w[0] > w[1]) {
            return Err(format!("the run offsets of budget {b} are not increasing"));
        }
    }
    for row in 0..cells as u32 {
        let at = |e: crate::Corrupt| format!("cell {row}: {}", e.0);
        s.adjacency(row).map_err(at)?;
        let ops = s.operations(row).map_err(at)?;
        if ops.len() == 0 {
            return Err(format!("cell {row}: no operations (a split string has at least one)"));
        }
        let list = s.budgets(row).map_err(at)?;
        let mut have = [false; 256];
        let mut listed = 0;
        for b in list {
            if std::mem::replace(&mut have[b.index], true) {
                return Err(format!("cell {row}: budget {} is listed twice", b.epochs));
            }
            listed += 1;
        }
        if listed == 0 {
            return Err(format!("cell {row}: no budget (every cell comes from a record)"));
        }
        for b in 0..epochs.len() {
            if !have[b] && !s.runs_of(row, b).map_err(at)?.is_empty() {
                return Err(format!(
                    "cell {row}: runs at {} epochs that it does not list",
                    epochs[b]
                ));
            }
        }
    }
    let keys: &[[u8; 16]] = s.cast(Sec::IndexHashes);
    let rows: &[u32] = s.cast(Sec::IndexRows);
    if keys.windows(2).any(|w| w[0] >= w[1]) {
        return Err("the hash index is not strictly increasing (or a hash repeats)".into());
    }
    let bits = tnb_schema::nb101::dir_bits(cells as u64);
    let dir: &[u32] = s.cast(Sec::IndexBuckets);
    for (j, w) in dir.windows(2).enumerate() {
        let (a, b) = (w[0] as usize, w[1] as usize);
        let fits = a <= b
            && b <= keys.len()
            && keys[a..b].iter().all(|k| tnb_schema::nb101::bucket(k, bits) == j);
        if !fits {
            return Err(format!("hash directory bucket {j} does not hold exactly its hashes"));
        }
    }
    for (k, (h, &r)) in keys.iter().zip(rows).enumerate() {
        if s.hash(r) != Some(*h) {
            return Err(format!("hash index entry {k} points to row {r} of another hash"));
        }
    }
    let ckeys: &[u64] = s.cast(Sec::CanonKeys);
    let crows: &[u32] = s.cast(Sec::CanonRows);
    if ckeys.windows(2).any(|w| w[0] >= w[1]) {
        return Err("the canonical index is not strictly increasing".into());
    }
    // Plain slices (shared by the two threads whatever the store's backing is); every row's
    // offsets and ids were checked above.
    let vertices = s.sec(Sec::Vertices);
    let adjacency: &[u64] = s.cast(Sec::Adjacency);
    let offsets: &[u32] = s.cast(Sec::OpsOffsets);
    let ids: &[u16] = s.cast(Sec::Ops);
    let labels: Vec<&str> = s.labels().collect();
    let hashes = s.hashes();
    let want = canon::entries(cells, |row| {
        let (a, b) = (*offsets.get(row)? as usize, *offsets.get(row + 1)? as usize);
        let ops = ids.get(a..b)?.iter().map(|&i| labels.get(i as usize).copied().unwrap_or(""));
        canon::key(*vertices.get(row)?, *adjacency.get(row)?, ops, hashes.get(row)?)
    });
    let have: Vec<(u64, u32)> = ckeys.iter().copied().zip(crows.iter().copied()).collect();
    if want != have {
        let i =
            want.iter().zip(&have).position(|(a, b)| a != b).unwrap_or(want.len().min(have.len()));
        return Err(format!(
            "the canonical index differs from its cells' recomputed keys at entry {i} ({} \
             entries stored, {} recomputed)",
            have.len(),
            want.len()
        ));
    }
    Ok(())
}
