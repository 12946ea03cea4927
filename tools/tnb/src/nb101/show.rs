//! `tnb show FILE HASH` or `tnb show FILE --matrix '[[0,1],[0,0]]' --ops input,output` on a
//! NAS-Bench-101 archive: one cell: its hash, operations, adjacency and parameters, and per
//! budget each repeat's final (and halfway) metrics with their mean. A spec is checked, pruned
//! and hashed as the official `get_metrics_from_spec` does (its exceptions are the errors).
//! `--json` prints `{"hash": H, "metrics": get_metrics_from_hash(H)}` as `json.dumps` writes
//! it (the array as a nested list).

use std::io::Write;

use tnb_nb101_api::{NasBench, Source, Spec, StoreSource, Value};

use crate::cmd::show::Args;
use crate::fail::Fail;
use crate::shown;

/// The spec of `--matrix` (a JSON list of rows of 0/1) and `--ops` (comma-separated).
pub fn parse_spec(matrix: &str, ops: &str) -> Result<Spec, Fail> {
    let rows: Vec<Vec<i64>> = serde_json::from_str(matrix).map_err(|e| {
        Fail::input(format!("--matrix must be a JSON list of rows of 0/1 ints: {e}"))
    })?;
    let ops: Vec<&str> = ops.split(',').map(str::trim).collect();
    Spec::new(&rows, &ops).map_err(|e| Fail::input(format!("ValueError: {e}")))
}

/// The row the arguments name: a hash, or `--matrix` with `--ops`.
pub fn resolve<S: Source>(nb: &NasBench<'_, S>, args: &Args) -> Result<u32, Fail> {
    let api = crate::nb101::api_error(&args.file);
    match (&args.arch, &args.matrix, &args.ops) {
        (Some(h), None, None) => {
            nb.row_of_hash_arg(tnb_nb101_api::Arg::Str(h.trim())).map_err(|e| {
                Fail::input(format!(
                    "{}: no cell has hash {} ({}; give the 32 lowercase hex digits of \
                 hash_iterator(), or --matrix and --ops)",
                    args.file.display(),
                    shown::text(h),
                    e.class()
                ))
            })
        }
        (None, Some(m), Some(o)) => nb.row_of_spec(&parse_spec(m, o)?).map_err(api),
        _ => Err(Fail::input(
            "a NAS-Bench-101 archive takes a cell hash, or --matrix '[[0,1,..],..]' with --ops \
             input,conv3x3-bn-relu,...,output",
        )),
    }
}

/// Runs `tnb show` on an NB101 archive.
pub fn run(args: &Args) -> Result<(), Fail> {
    let store = crate::nb101::open(&args.file)?;
    let src = StoreSource::new(&store);
    let nb = NasBench::new(&src);
    let row = resolve(&nb, args)?;
    let hash = crate::nb101::hex(&src.hash(row));
    let metrics = nb.metrics_value(row);
    crate::nb101::read_failure(&src, &args.file)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{{\"hash\": \"{hash}\", \"metrics\": {}}}", metrics.to_json())?;
        return Ok(());
    }
    let (n, bits) = src.adjacency(row);
    let mut ops = Vec::new();
    src.operations(row, &mut |o| ops.push(shown::text(o).into_owned()));
    writeln!(out, "cell {hash} (row {row})")?;
    writeln!(out, "  operations  {}", ops.join(", "))?;
    for r in 0..usize::from(n) {
        let cells: Vec<&str> = (0..usize::from(n))
            .map(|c| if bits >> (r * usize::from(n) + c) & 1 == 1 { "1" } else { "0" })
            .collect();
        let label = if r == 0 { "  adjacency  " } else { "             " };
        writeln!(out, "{label}[{}]", cells.join(" "))?;
    }
    writeln!(out, "  parameters  {}", src.trainable_parameters(row))?;
    let Value::Tuple(parts) = &metrics else { return Ok(()) };
    let Some(Value::Dict(budgets)) = parts.get(1) else { return Ok(()) };
    writeln!(
        out,
        "  {:>6} {:>6} {:>12} {:>10} {:>10} {:>10}   {:>10} {:>10}",
        "epochs", "repeat", "train time", "train", "valid", "test", "half valid", "half test"
    )?;
    let f = |d: &Value<'_>, k: &str| match d.get(k) {
        Some(Value::Float(x)) => *x,
        _ => f64::NAN,
    };
    for (epochs, runs) in budgets {
        let Value::List(runs) = runs else { continue };
        let e = epochs.py_repr();
        let mut mean = [0.0f64; 4];
        for (i, d) in runs.iter().enumerate() {
            let v = [
                f(d, "final_training_time"),
                f(d, "final_train_accuracy"),
                f(d, "final_validation_accuracy"),
                f(d, "final_test_accuracy"),
            ];
            for (m, x) in mean.iter_mut().zip(v) {
                *m += x;
            }
            writeln!(
                out,
                "  {e:>6} {i:>6} {:>12.1} {:>10.6} {:>10.6} {:>10.6}   {:>10.6} {:>10.6}",
                v[0],
                v[1],
                v[2],
                v[3],
                f(d, "halfway_validation_accuracy"),
                f(d, "halfway_test_accuracy")
            )?;
        }
        let k = runs.len().max(1) as f64;
        writeln!(
            out,
            "  {e:>6} {:>6} {:>12.1} {:>10.6} {:>10.6} {:>10.6}",
            "mean",
            mean[0] / k,
            mean[1] / k,
            mean[2] / k,
            mean[3] / k
        )?;
    }
    Ok(())
}
