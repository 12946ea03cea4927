//! `tnb best FILE [--epochs 108] [--metric final_test_accuracy] [--top K]` on a NAS-Bench-101
//! archive: the cells with the highest mean of a metric over their repeats at one budget (the
//! mean as Python's `sum(v) / len(v)` over the repeats in file order), best first, ties in
//! `hash_iterator()` order; cells without the budget are left out, NaN means rank last.
//! `--json` prints `[[mean, hash], ...]`.

use std::io::Write;

use tnb_nb101_store::{Metric, Nb101Store};

use crate::cmd::best::{Args, Top};
use crate::fail::Fail;
use crate::shown;

/// Whether `a` ranks before `b`: mean descending, NaN last, ties by row.
fn before(a: (u32, f64), b: (u32, f64)) -> bool {
    match (a.1.is_nan(), b.1.is_nan()) {
        (false, true) => true,
        (true, false) => false,
        (true, true) => a.0 < b.0,
        (false, false) => a.1 > b.1 || (a.1 == b.1 && a.0 < b.0),
    }
}

/// The first `k` cells with runs at budget `b` by the mean of metric `m` over their repeats
/// (`sum / count` in file order), best first: one pass over the budget's column, keeping the
/// `k` best in order (no per-cell allocation).
pub fn top(
    store: &Nb101Store,
    b: usize,
    m: Metric,
    k: usize,
) -> Result<Vec<(u32, f64)>, tnb_nb101_store::Corrupt> {
    let block = store.budget_runs(b)?;
    let col = store.budget_column(b, m)?;
    let offs = store.run_offsets(b)?;
    let outside = tnb_nb101_store::Corrupt("a cell's runs lie outside its budget");
    let mut best: Vec<(u32, f64)> = Vec::with_capacity(k.min(store.cells()) + 1);
    if k == 0 {
        return Ok(best);
    }
    for (row, w) in offs.windows(2).enumerate() {
        let (s, e) = (w[0] as usize, w[1] as usize);
        if s >= e {
            continue;
        }
        let (s, e) = (s.checked_sub(block.start).ok_or(outside)?, e - block.start);
        let runs = col.get(s..e).ok_or(outside)?;
        let x = (row as u32, runs.iter().sum::<f64>() / runs.len() as f64);
        if best.len() == k && !before(x, best[k - 1]) {
            continue;
        }
        let at = best.partition_point(|y| before(*y, x));
        best.insert(at, x);
        best.truncate(k);
    }
    Ok(best)
}

/// Runs `tnb best` on an NB101 archive.
pub fn run(args: &Args) -> Result<(), Fail> {
    if args.task.is_some() || args.space.is_some() || args.dataset.is_some() {
        return Err(Fail::input(
            "--task, --space and --dataset are for other benchmarks: this is a NAS-Bench-101 \
             archive (give --epochs and --metric)",
        ));
    }
    let store = crate::nb101::open(&args.file)?;
    let metric_name = args.metric.as_deref().unwrap_or("final_test_accuracy");
    let m = Metric::from_key(metric_name).ok_or_else(|| {
        let all: Vec<&str> = Metric::ALL.iter().map(|m| m.key()).collect();
        Fail::input(format!(
            "unknown metric {} (one of {})",
            shown::text(metric_name),
            all.join(", ")
        ))
    })?;
    let epochs = args.epochs.unwrap_or(108);
    let Some(b) = store.budget_of_epochs(epochs) else {
        return Err(Fail::input(format!(
            "{}: no runs at {epochs} epochs (valid_epochs: {})",
            args.file.display(),
            tnb_nb101_api::set_str(store.valid_epochs())
        )));
    };
    let k = match args.top {
        Top::First(k) => k,
        Top::All => store.cells(),
    };
    let best = top(&store, b, m, k).map_err(crate::nb101::corrupt(&args.file))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        let items: Vec<String> = best
            .iter()
            .map(|(r, x)| {
                let h = store.hash(*r).map(|h| crate::nb101::hex(&h)).unwrap_or_default();
                format!("[{}, \"{h}\"]", tnb_nb101_api::Value::Float(*x).to_json())
            })
            .collect();
        writeln!(out, "[{}]", items.join(", "))?;
        out.flush()?;
        return Ok(());
    }
    writeln!(out, "best {} cells by mean {metric_name} at {epochs} epochs", best.len())?;
    writeln!(out, "  {:>4}  {:<32}  {:>12}  operations", "rank", "hash", "mean")?;
    for (i, (r, x)) in best.iter().enumerate() {
        let h = store.hash(*r).map(|h| crate::nb101::hex(&h)).unwrap_or_default();
        let ops: Vec<String> = store
            .operations(*r)
            .map_err(crate::nb101::corrupt(&args.file))?
            .map(|o| shown::text(o).into_owned())
            .collect();
        writeln!(out, "  {:>4}  {h}  {:>12.6}  {}", i + 1, x, ops.join(","))?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::before;

    #[test]
    fn ranks_by_mean_descending_with_nan_last_and_ties_by_row() {
        let mut v = [(3, f64::NAN), (2, 0.5), (0, 0.9), (1, 0.5), (4, f64::NAN), (5, -0.0)];
        v.sort_by(|a, b| {
            if before(*a, *b) { std::cmp::Ordering::Less } else { std::cmp::Ordering::Greater }
        });
        let rows: Vec<u32> = v.iter().map(|x| x.0).collect();
        assert_eq!(rows, [0, 1, 2, 5, 3, 4]);
    }
}
