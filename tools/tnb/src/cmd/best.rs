//! `tnb best FILE --task T --metric M [--space S] [--top K]` on a TransNAS-Bench-101 archive
//! (NAS-Bench-201 archives take `--dataset D --metric-on-set S`: `nb201/best.rs`): the
//! architectures with the best values of a metric, best first, as Python's `get_best_archs(T, M, S, topk=K)` ranks them
//! (value descending, ties by arch string descending).
//!
//! Without `--space`, each search space is ranked on its own, one table per space: the
//! official API only ranks within a space, and the archive stores exactly those orders, so
//! every table printed is an answer Python gives. `--top` defaults to 10; `--top all` prints
//! every arch. `--json` prints `{space: [[value, arch], ...], ...}`, each list exactly what
//! `json.dumps(get_best_archs(...))` prints.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::str::FromStr;

use tnb_api::{Event, JsonSink, JsonSinkError, Seq, WalkError};
use tnb_store::{QueryError, SpaceId, Store, Value};

use crate::cmd::show::{table, text_of};
use crate::fail::Fail;
use crate::shown;

/// How many archs to print per space.
#[derive(Clone, Copy, Debug)]
pub enum Top {
    /// The first K.
    First(usize),
    /// All of them.
    All,
}

impl FromStr for Top {
    type Err = String;
    fn from_str(s: &str) -> Result<Top, String> {
        if s == "all" {
            return Ok(Top::All);
        }
        s.parse().map(Top::First).map_err(|_| format!("expected a count or 'all', found '{s}'"))
    }
}

/// Arguments of `tnb best`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A .tnb archive (TransNAS-Bench-101 or NAS-Bench-201, told apart by its header).
    pub file: PathBuf,
    /// TransNAS-Bench-101: the task, e.g. class_object.
    #[arg(long)]
    pub task: Option<String>,
    /// TransNAS-Bench-101: the metric, e.g. valid_top1 (higher is better, as Python's max()
    /// decides: for losses use the *_neg_loss metrics where the benchmark has them).
    #[arg(long)]
    pub metric: Option<String>,
    /// TransNAS-Bench-101: rank one search space only (default: each space on its own).
    #[arg(long)]
    pub space: Option<String>,
    /// TransNAS-Bench-101: how many archs per space, a count or `all`.
    #[arg(long, default_value = "10")]
    pub top: Top,
    /// NAS-Bench-201: the dataset of `find_best` (cifar10-valid, cifar10, cifar100,
    /// ImageNet16-120).
    #[arg(long)]
    pub dataset: Option<String>,
    /// NAS-Bench-201: the set whose accuracy ranks (valid, test, x-valid, x-test, ori-test,
    /// train), remapped as the official `find_best` remaps it.
    #[arg(long)]
    pub metric_on_set: Option<String>,
    /// NAS-Bench-201: the training schedule, '12' or '200' epochs.
    #[arg(long, default_value = "12")]
    pub hp: String,
    /// NAS-Bench-101: the budget whose repeats are averaged (default 108).
    #[arg(long)]
    pub epochs: Option<i64>,
    /// NAS-Bench-201: skip archs whose seed-mean FLOPs (M) exceed this.
    #[arg(long, value_name = "MFLOPS")]
    pub flop_max: Option<f64>,
    /// NAS-Bench-201: skip archs whose seed-mean parameters (MB) exceed this.
    #[arg(long, value_name = "MB")]
    pub param_max: Option<f64>,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// Runs `tnb best`.
pub fn run(args: Args) -> Result<(), Fail> {
    if crate::nb101::is_nb101_archive(&args.file) {
        return crate::nb101::best::run(&args);
    }
    if args.epochs.is_some() {
        return Err(Fail::input("--epochs applies to NAS-Bench-101 archives"));
    }
    if crate::nb201::detect::is_nb201_archive(&args.file) {
        return crate::nb201::best::run(&args);
    }
    let nb201_only = args.dataset.is_some()
        || args.metric_on_set.is_some()
        || args.flop_max.is_some()
        || args.param_max.is_some()
        || args.hp != "12";
    if nb201_only {
        return Err(Fail::input(
            "--dataset, --metric-on-set, --hp, --flop-max and --param-max are for NAS-Bench-201 \
             archives: this is not one (give --task and --metric)",
        ));
    }
    let (Some(task_name), Some(metric_name)) = (&args.task, &args.metric) else {
        return Err(Fail::input(
            "a TransNAS-Bench-101 archive needs --task and --metric (e.g. --task class_object \
             --metric valid_top1)",
        ));
    };
    let store = crate::archive::open(&args.file)?;
    if store.tasks().len() == 0 {
        return Err(Fail::input(
            "the archive holds no tasks (a plain object: see it with `tnb dump`)",
        ));
    }
    let q = |e: QueryError| Fail::input(format!("{}: {e}", args.file.display()));
    let spaces: Vec<SpaceId> = match &args.space {
        Some(s) => vec![store.space(s).map_err(|e| {
            let all: Vec<&str> = store.search_spaces().collect();
            Fail::input(format!("{e} (the archive has {})", all.join(", ")))
        })?],
        None => store.spaces().collect(),
    };
    let task = store.task(task_name).map_err(|e| {
        let all: Vec<&str> = store.tasks().filter_map(|t| store.task_name(t).ok()).collect();
        Fail::input(format!("{e} (the archive has {})", all.join(", ")))
    })?;
    let metric = store.metric(task, metric_name).map_err(|e| {
        let all: Vec<&str> = store
            .metrics(task)
            .into_iter()
            .flatten()
            .filter_map(|m| store.metric_name(m).ok())
            .collect();
        Fail::input(format!("{e} (it has {})", all.join(", ")))
    })?;
    // Collect first so that an error (e.g. a metric whose values cannot be ranked) leaves no
    // partial output.
    let mut ranked: Vec<SpaceRanking<'_>> = Vec::new();
    for &s in &spaces {
        let ranking = store.best_archs(task, metric, s).map_err(q)?;
        let total = ranking.len();
        let k = match args.top {
            Top::First(k) => k,
            Top::All => total,
        };
        let items = ranking.take(k).collect::<Result<Vec<_>, _>>().map_err(q)?;
        ranked.push((s, total, items));
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    if args.json {
        json(&store, &ranked, &mut out).map_err(|e| match e {
            JsonSinkError::Io(e) => Fail::from(e),
            other => Fail::input(other.to_string()),
        })?;
    } else {
        for (i, (s, total, items)) in ranked.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            // Names (the task and metric match the archive's) are shown escaped; so are the
            // table's cells (`show::table`).
            let space = store.space_name(*s).map_err(q)?;
            writeln!(
                out,
                "{} / {}, best first: {} of {total} archs of space {}",
                shown::text(task_name),
                shown::text(metric_name),
                items.len(),
                shown::text(space)
            )?;
            let rows = items
                .iter()
                .enumerate()
                .map(|(r, (v, a))| {
                    let epoch = store.best_epoch(*a, task, metric)?;
                    Ok([
                        (r + 1).to_string(),
                        text_of(*v),
                        epoch.to_string(),
                        store.arch_name(*a)?.to_owned(),
                        a.index().to_string(),
                    ])
                })
                .collect::<Result<Vec<_>, QueryError>>()
                .map_err(q)?;
            let header =
                ["rank", metric_name.as_str(), "epoch", "arch", "index"].map(str::to_owned);
            table(&mut out, &header, &rows, &[true, true, true, false, true])?;
        }
    }
    out.flush()?;
    Ok(())
}

/// A space, its arch count, and its first archs with their best values.
type SpaceRanking<'a> = (SpaceId, usize, Vec<(Value<'a>, tnb_store::ArchId)>);

type Ranked<'a> = [SpaceRanking<'a>];

fn json(store: &Store, ranked: &Ranked<'_>, out: &mut dyn Write) -> Result<(), JsonSinkError> {
    let mut sink = JsonSink::new(out);
    let corrupt = |e: QueryError| JsonSinkError::Io(std::io::Error::other(e.to_string()));
    sink.event(Event::BeginMap)?;
    for (s, _, items) in ranked {
        sink.event(Event::Str(store.space_name(*s).map_err(corrupt)?))?;
        sink.event(Event::BeginSeq(Seq::List))?;
        for (v, a) in items {
            sink.event(Event::BeginSeq(Seq::List))?;
            tnb_api::walk::value(*v, &mut |e| sink.event(e)).map_err(|e| match e {
                WalkError::Sink(e) => e,
                WalkError::Query(q) => corrupt(q),
                other => JsonSinkError::Io(std::io::Error::other(other.to_string())),
            })?;
            sink.event(Event::Str(store.arch_name(*a).map_err(corrupt)?))?;
            sink.event(Event::End)?;
        }
        sink.event(Event::End)?;
    }
    sink.event(Event::End)?;
    writeln!(sink.into_inner())?;
    Ok(())
}
