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

/// Per cell with runs at budget `b`: `(row, mean of metric m)`, in row order.
pub fn means(
    store: &Nb101Store,
    b: usize,
    m: Metric,
) -> Result<Vec<(u32, f64)>, tnb_nb101_store::Corrupt> {
    let block = store.budget_runs(b)?;
    let col = store.budget_column(b, m)?;
    let offs = store.run_offsets(b)?;
    let mut out = Vec::with_capacity(store.cells());
    for (row, w) in offs.windows(2).enumerate() {
        let (s, e) = (w[0] as usize, w[1] as usize);
        if s >= e {
            continue;
        }
        let runs = col
            .get(s - block.start.min(s)..e.saturating_sub(block.start))
            .ok_or(tnb_nb101_store::Corrupt("a cell's runs lie outside its budget"))?;
        let sum: f64 = runs.iter().sum();
        out.push((row as u32, sum / runs.len() as f64));
    }
    Ok(out)
}

/// The first `k` of `v` by mean descending (NaN last), ties by row.
pub fn top(mut v: Vec<(u32, f64)>, k: usize) -> Vec<(u32, f64)> {
    let order = |a: &(u32, f64), b: &(u32, f64)| {
        let key = |x: f64| if x.is_nan() { f64::NEG_INFINITY } else { x };
        key(b.1).total_cmp(&key(a.1)).then((a.1.is_nan()).cmp(&b.1.is_nan())).then(a.0.cmp(&b.0))
    };
    if k < v.len() {
        v.select_nth_unstable_by(k, order);
        v.truncate(k);
    }
    v.sort_by(order);
    v
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
    let all = means(&store, b, m).map_err(crate::nb101::corrupt(&args.file))?;
    let k = match args.top {
        Top::First(k) => k,
        Top::All => all.len(),
    };
    let best = top(all, k);
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
