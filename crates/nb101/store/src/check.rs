//! [`crate::Nb101Store::check`]: everything open does not check, in one linear pass over the
//! cells and offsets (the metric columns hold any f64 bits: nothing to check there).

use std::collections::HashSet;

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
    let keys: &[[u8; 16]] = s.cast(tnb_schema::nb101::Sec::IndexHashes);
    let rows: &[u32] = s.cast(tnb_schema::nb101::Sec::IndexRows);
    if keys.windows(2).any(|w| w[0] >= w[1]) {
        return Err("the hash index is not strictly increasing (or a hash repeats)".into());
    }
    for (k, (h, &r)) in keys.iter().zip(rows).enumerate() {
        if s.hash(r) != Some(*h) {
            return Err(format!("hash index entry {k} points to row {r} of another hash"));
        }
    }
    let ckeys: &[u64] = s.cast(tnb_schema::nb101::Sec::CanonKeys);
    let crows: &[u32] = s.cast(tnb_schema::nb101::Sec::CanonRows);
    if ckeys.windows(2).any(|w| w[0] >= w[1]) {
        return Err("the canonical index is not strictly increasing".into());
    }
    let mut want = Vec::new();
    for row in 0..cells as u32 {
        let (n, bits) = s.adjacency(row).map_err(|e| e.0.to_string())?;
        let ops = s.operations(row).map_err(|e| e.0.to_string())?;
        let hash = s.hash(row).unwrap_or_default();
        if let Some(k) = canon::key(n, bits, ops, &hash) {
            want.push((k, row));
        }
    }
    want.sort_unstable();
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
