//! `tnb bench ARCHIVE`: the store's query latencies on this machine, medians of several rounds.
//!
//! Every timing is a round of many calls (architectures in a random order fixed up front, each
//! answer passed through `black_box`), divided by the number of calls; each figure is the
//! median of the rounds. The archive is read into memory and warmed by a first pass, so the
//! numbers are the steady state of a search loop. Queries go to one task and metric at a time (a search loop's pattern: one objective
//! over many architectures); `best_archs_top10` cycles through spaces and metrics.
//!
//! Memory with the mapped open (no heap copy; processes share one copy) is measured by the
//! store's own tests, where the one `unsafe` module lives:
//! `cargo test --release -p tnb-store raw::tests -- --nocapture`.

use std::hint::black_box;
use std::io::{self, BufReader, Write};
use std::time::{Duration, Instant};

use tnb_store::{ArchId, MetricId, SpaceId, Store, TaskId};

use crate::cmd::bench::Args;
use crate::fail::Fail;
use crate::shown;

/// Architectures in each precomputed random order.
const ORDER: usize = 1 << 13;

use tnb_testrng::TestRng as Rng;

/// Median of `rounds` rounds of `calls` calls of `f(i)`, in nanoseconds per call.
pub fn per_call(rounds: usize, calls: usize, mut f: impl FnMut(usize) -> u64) -> f64 {
    let mut times: Vec<f64> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            let mut acc = 0u64;
            for i in 0..calls {
                acc = acc.wrapping_add(f(i));
            }
            black_box(acc);
            t.elapsed().as_nanos() as f64 / calls as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// A number that depends on a value, so that the optimiser must compute the value.
fn touch(v: Result<tnb_store::Value<'_>, tnb_store::QueryError>) -> u64 {
    match v {
        Ok(tnb_store::Value::Float(x)) => x.to_bits(),
        Ok(tnb_store::Value::Int(i)) => i as u64,
        Ok(tnb_store::Value::Str(s)) => s.len() as u64,
        Ok(_) => 1,
        Err(_) => 2,
    }
}

/// The objective a search loop would use: class_object valid_top1 when the archive has it.
fn objective(store: &Store) -> Result<(TaskId, MetricId), Fail> {
    let none = || Fail::input("the archive has no task with a metric: nothing to query");
    let task = store
        .task("class_object")
        .ok()
        .or_else(|| store.tasks().find(|&t| store.metrics(t).is_ok_and(|m| m.len() > 0)))
        .ok_or_else(none)?;
    let metric = store
        .metric(task, "valid_top1")
        .ok()
        .or_else(|| store.metrics(task).ok().and_then(|mut m| m.next()))
        .ok_or_else(none)?;
    Ok((task, metric))
}

/// The results of a run.
struct Report {
    open_us: f64,
    index2arch_ns: f64,
    arch2index_ns: f64,
    single_metric_best_ns: f64,
    single_metric_best_id_ns: f64,
    single_metric_list_ns: f64,
    model_info_ns: f64,
    epoch_status_ns: f64,
    best_archs_top10_ns: f64,
    batch_requests_per_s: f64,
}

/// Runs the archive benchmark.
pub fn run(args: &Args) -> Result<(), Fail> {
    let name = shown::path(&args.file);
    let size = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    let bad = |e: tnb_store::OpenError| Fail::input(format!("{name}: {e}"));
    // The archive once in memory; `open_us` is what opening costs on top of having the bytes
    // (a warm page cache, or a map): header check, validation, invariant checks.
    let owner = Store::open(&args.file).map_err(bad)?;
    let bytes = owner.bytes();
    let open_us = {
        drop(Store::from_bytes(bytes).map_err(bad)?); // warm
        let mut times: Vec<Duration> = (0..51)
            .map(|_| {
                let t = Instant::now();
                let s = Store::from_bytes(bytes);
                let d = t.elapsed();
                black_box(s.is_ok());
                d
            })
            .collect();
        times.sort();
        times[times.len() / 2].as_secs_f64() * 1e6
    };

    let store = owner;
    let (task, metric) = objective(&store)?;
    let n = store.len();
    if n == 0 {
        return Err(Fail::input(format!("{name}: the archive holds no architectures")));
    }
    // A fixed pseudo-random order, the same on every run.
    let mut rng = Rng::new(0x7e57_a11c_e5ee_d5ed);
    let task_name = store.task_name(task).map_err(|e| Fail::input(e.to_string()))?.to_owned();
    let metric_name = store.metric_name(metric).map_err(|e| Fail::input(e.to_string()))?.to_owned();
    let info = store.infos().next();
    let order: Vec<ArchId> =
        (0..ORDER).filter_map(|_| store.arch_at(rng.below(n.max(1)) as i64).ok()).collect();
    let names: Vec<&str> = order.iter().map(|&a| store.arch_name(a).unwrap_or("")).collect();
    let indexes: Vec<i64> = order.iter().map(|a| a.index() as i64).collect();
    let epochs: Vec<i64> = order
        .iter()
        .map(|&a| {
            let total = i64::from(store.total_epochs(a, task).unwrap_or(1)).max(1);
            (rng.next_u64() % total as u64) as i64
        })
        .collect();
    // Warm the page cache for the columns the loops read.
    for &a in &order {
        black_box(touch(store.best_value(a, task, metric)));
    }
    let r = args.runs.max(1);
    let calls = 200_000;
    // ORDER is a power of two: a mask, not a division, picks the next arch (a division costs
    // as much as the fastest queries).
    let mask = order.len().next_power_of_two() - 1;
    if order.len() != mask + 1 {
        return Err(Fail::input(format!("{name}: could not draw architectures")));
    }
    let at = |i: usize| i & mask;
    let index2arch_ns = per_call(r, calls, |i| {
        store.arch_at(indexes[at(i)]).and_then(|a| store.arch_name(a)).map_or(0, |s| s.len() as u64)
    });
    let arch2index_ns =
        per_call(r, calls, |i| store.arch_index(names[at(i)]).map_or(0, |x| x as u64));
    let single_metric_best_ns = per_call(r, calls, |i| {
        touch(store.best_value(names[at(i)], task_name.as_str(), metric_name.as_str()))
    });
    let single_metric_best_id_ns =
        per_call(r, calls, |i| touch(store.best_value(order[at(i)], task, metric)));
    let single_metric_list_ns =
        per_call(r, calls, |i| match store.values(order[at(i)], task, metric) {
            Ok(values) => values.map(|v| touch(Ok(v))).fold(0, u64::wrapping_add),
            Err(_) => 0,
        });
    let model_info_ns = match info {
        Some(info) => per_call(r, calls, |i| touch(store.model_info(order[at(i)], task, info))),
        None => 0.0,
    };
    let epoch_status_ns =
        per_call(r, calls, |i| match store.epoch_status(order[at(i)], task, epochs[at(i)]) {
            Ok(st) => {
                st.iter().map(|(_, v)| touch(Ok(v))).fold(st.epoch() as u64, u64::wrapping_add)
            }
            Err(_) => 0,
        });
    let combos: Vec<(MetricId, SpaceId)> = store
        .metrics(task)
        .map_err(|e| Fail::input(e.to_string()))?
        .flat_map(|m| store.spaces().map(move |s| (m, s)))
        .collect();
    let best_archs_top10_ns = per_call(r, 20_000, |i| {
        let (m, s) = combos[i % combos.len()];
        match store.best_archs(task, m, s) {
            Ok(ranking) => {
                ranking.take(10).map(|x| touch(x.map(|p| p.0))).fold(0, u64::wrapping_add)
            }
            Err(_) => 0,
        }
    });
    let batch_requests_per_s = batch_rate(&store, &task_name, &metric_name, &names, &mut rng, r)?;

    let report = Report {
        open_us,
        index2arch_ns,
        arch2index_ns,
        single_metric_best_ns,
        single_metric_best_id_ns,
        single_metric_list_ns,
        model_info_ns,
        epoch_status_ns,
        best_archs_top10_ns,
        batch_requests_per_s,
    };
    let mut out = io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{{\"open_us\": {:.1}, \"index2arch_ns\": {:.1}, \"arch2index_ns\": {:.1}, \
             \"single_metric_best_ns\": {:.1}, \"single_metric_best_id_ns\": {:.1}, \
             \"single_metric_list_ns\": {:.1}, \"model_info_ns\": {:.1}, \
             \"epoch_status_ns\": {:.1}, \"best_archs_top10_ns\": {:.1}, \
             \"batch_requests_per_s\": {:.0}}}",
            report.open_us,
            report.index2arch_ns,
            report.arch2index_ns,
            report.single_metric_best_ns,
            report.single_metric_best_id_ns,
            report.single_metric_list_ns,
            report.model_info_ns,
            report.epoch_status_ns,
            report.best_archs_top10_ns,
            report.batch_requests_per_s
        )?;
        return Ok(());
    }
    let mib = |b: u64| b as f64 / (1 << 20) as f64;
    writeln!(out, "{name}: {size} bytes ({:.1} MiB), {n} archs; medians of {r} rounds", mib(size))?;
    writeln!(out, "  open (header, validation)       {:>10.1} us", report.open_us)?;
    let rows = [
        ("index2arch", report.index2arch_ns, "arch_at + arch_name"),
        ("arch2index", report.arch2index_ns, "arch_index(name)"),
        ("get_single_metric best", report.single_metric_best_ns, "by names"),
        ("get_single_metric best", report.single_metric_best_id_ns, "by typed handles"),
        ("get_single_metric list", report.single_metric_list_ns, "every epoch, by handles"),
        ("get_model_info", report.model_info_ns, "by handles"),
        ("get_epoch_status", report.epoch_status_ns, "every metric, by handles"),
        ("get_best_archs topk=10", report.best_archs_top10_ns, "by handles"),
    ];
    let (task_name, metric_name) = (shown::text(&task_name), shown::text(&metric_name));
    for (what, ns, how) in rows {
        writeln!(out, "  {what:<31} {ns:>10.1} ns  ({how}; {task_name}/{metric_name})")?;
    }
    writeln!(
        out,
        "  tnb batch                       {:>10.0} requests/s  (JSON Lines in and out, typical mix)",
        report.batch_requests_per_s
    )?;
    writeln!(
        out,
        "  memory with the mapped open: cargo test --release -p tnb-store raw::tests -- --nocapture"
    )?;
    Ok(())
}

/// Requests per second through `tnb batch`'s line handler, on a fixed typical mix.
fn batch_rate(
    store: &Store,
    task: &str,
    metric: &str,
    names: &[&str],
    rng: &mut Rng,
    rounds: usize,
) -> Result<f64, Fail> {
    let spaces: Vec<&str> = store.search_spaces().collect();
    let n = store.len();
    let mut input = String::new();
    let lines = 50_000;
    for i in 0..lines {
        let a = names[i % names.len()];
        let line = match rng.below(20) {
            0..=7 => format!(
                "{{\"method\": \"get_single_metric\", \"args\": [\"{a}\", \"{task}\", \"{metric}\"], \"kwargs\": {{\"mode\": \"best\"}}}}"
            ),
            8 | 9 => format!(
                "{{\"method\": \"get_single_metric\", \"args\": [\"{a}\", \"{task}\", \"{metric}\", \"final\"]}}"
            ),
            10 => format!(
                "{{\"method\": \"get_single_metric\", \"args\": [\"{a}\", \"{task}\", \"{metric}\"], \"kwargs\": {{\"mode\": \"list\"}}}}"
            ),
            11 | 12 => {
                format!("{{\"method\": \"get_epoch_status\", \"args\": [\"{a}\", \"{task}\", -1]}}")
            }
            13 | 14 => format!(
                "{{\"method\": \"get_model_info\", \"args\": [\"{a}\", \"{task}\", \"inference_time\"]}}"
            ),
            15 => format!("{{\"method\": \"index2arch\", \"args\": [{}]}}", rng.below(n.max(1))),
            16 => format!("{{\"method\": \"arch2index\", \"args\": [\"{a}\"]}}"),
            17 => format!("{{\"method\": \"get_total_epochs\", \"args\": [\"{a}\", \"{task}\"]}}"),
            18 => format!(
                "{{\"method\": \"get_best_archs\", \"args\": [\"{task}\", \"{metric}\", \"{}\"], \"kwargs\": {{\"topk\": 10}}}}",
                spaces[rng.below(spaces.len())]
            ),
            _ => format!(
                "{{\"method\": \"get_best_epoch_status\", \"args\": [\"{a}\", \"{task}\", \"{metric}\"]}}"
            ),
        };
        input.push_str(&line);
        input.push('\n');
    }
    let mut rates: Vec<f64> = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let reader = BufReader::with_capacity(1 << 16, input.as_bytes());
        let count = crate::cmd::batch::serve(store, reader, io::sink())?;
        rates.push(count as f64 / t.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    Ok(rates[rates.len() / 2])
}
