//! Checking the object against the TransNAS-Bench layout and gathering its columns.
//!
//! The layout is read from the file itself (`task_list`, `metrics_dict`, `info_names`); no task,
//! metric or info name is hard-coded. Anything the layout does not name (extra keys at any
//! level) is copied to the generic section with its position, so the archive reproduces the
//! source exactly; anything the layout needs but cannot find is an error naming its path.

use std::collections::HashMap;

use tnb_pickle::{Arena, Kind, Number, Ref, Value};
use tnb_pth::Document;
use tnb_schema::arch_table;
use tnb_schema::codes::{NO_NODE, NODE_DICT, item};
use tnb_schema::{Benchmark, Layout, Task};

use crate::column::{Cell, ColumnBuilder};
use crate::error::Error;
use crate::fill;
use crate::generic::{GenericBuilder, key_text};

/// Most tasks, metrics per task, infos or layouts: layout items keep indexes in 24 bits.
const MAX_NAMES: usize = 1 << 24;

fn type_name(a: &Arena<'_>, r: Ref) -> &'static str {
    a.get(r).type_name()
}

fn dict_pairs<'s>(
    a: &'s Arena<'_>,
    r: Ref,
    path: &dyn Fn() -> String,
    what: &str,
) -> Result<&'s [Ref], Error> {
    match a.get(r) {
        // Dicts are never float runs: their children are references.
        Value::Container(Kind::Dict, kv) => Ok(kv.as_refs().unwrap_or(&[])),
        _ => Err(Error::at(path(), format!("expected {what} (a dict), found {}", type_name(a, r)))),
    }
}

/// A list (or tuple) of distinct strings: `task_list`, `info_names`, `metrics_dict[task]`.
fn name_list<'s>(a: &'s Arena<'_>, r: Ref, path: &str) -> Result<Vec<&'s str>, Error> {
    let items = match a.get(r) {
        Value::Container(Kind::List | Kind::Tuple, items) => items,
        _ => {
            return Err(Error::at(
                path,
                format!("expected a list of names, found {}", type_name(a, r)),
            ));
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, x) in items.iter().enumerate() {
        match a.get(x) {
            Value::Str(s) if out.contains(&s) => {
                return Err(Error::at(format!("{path}[{i}]"), format!("'{s}' appears twice")));
            }
            Value::Str(s) => out.push(s),
            _ => {
                return Err(Error::at(
                    format!("{path}[{i}]"),
                    format!("expected a str, found {}", type_name(a, x)),
                ));
            }
        }
    }
    if out.len() >= MAX_NAMES {
        return Err(Error::TooLarge(format!("{path} has more than {MAX_NAMES} names")));
    }
    Ok(out)
}

fn find_key(a: &Arena<'_>, pairs: &[Ref], key: &str) -> Option<(usize, Ref)> {
    pairs
        .chunks_exact(2)
        .position(|kv| a.str_bytes(kv[0]) == Some(key.as_bytes()))
        .map(|i| (i, pairs[2 * i + 1]))
}

/// Whether the dict `kv` has exactly the keys `cached`, in order: the same key objects (pickle's
/// memo makes a real file's repeated keys one object) or equal strings.
fn same_keys(a: &Arena<'_>, kv: &[Ref], cached: &[Ref]) -> bool {
    kv.len() == 2 * cached.len()
        && kv.chunks_exact(2).zip(cached).all(|(p, &c)| {
            p[0] == c || a.str_bytes(p[0]).is_some_and(|b| a.str_bytes(c) == Some(b))
        })
}

fn keys_of(kv: &[Ref]) -> Vec<Ref> {
    kv.chunks_exact(2).map(|p| p[0]).collect()
}

/// Where a result dict keeps its parts, learned from the first result of a task and reused
/// for every later result whose dicts have the same keys in the same order (all of them, in a
/// real file): the per-result work is then a few comparisons and the values themselves.
#[derive(Debug, Default)]
struct Shape {
    result_keys: Vec<Ref>,
    info_keys: Vec<Ref>,
    metric_keys: Vec<Ref>,
    total_epochs_at: usize,
    model_info_at: usize,
    metrics_at: usize,
    /// For each info name, its pair index in `model_info`.
    info_pos: Vec<usize>,
    /// For each metric, its pair index in `metrics`.
    metric_pos: Vec<usize>,
    layout: u32,
}

/// A metric or info value headed for a column.
fn cell<'s>(
    a: &'s Arena<'_>,
    g: &mut GenericBuilder,
    r: Ref,
    path: &dyn Fn() -> String,
) -> Result<Cell<'s>, Error> {
    Ok(match a.get(r) {
        Value::None => Cell::None,
        Value::Bool(b) => Cell::Bool(b),
        Value::Int(i) => Cell::Int(i),
        Value::Float(f) => Cell::Float(f),
        Value::Str(s) => Cell::Str(s),
        Value::Scalar(s) => match s.number() {
            Number::Bool(b) => Cell::Bool(b),
            Number::Int(i) => Cell::Int(i),
            Number::Float(f) => Cell::Float(f),
            Number::UInt(_) => Cell::Generic(g.value(a, r, path)?),
        },
        _ => Cell::Generic(g.value(a, r, path)?),
    })
}

/// Interns layouts: identical item programs share one id.
#[derive(Default)]
struct Layouts {
    items: Vec<u32>,
    offsets: Vec<u32>,
    ids: HashMap<Vec<u32>, u32>,
}

impl Layouts {
    fn intern(&mut self, prog: &[u32]) -> Result<u32, Error> {
        if let Some(&id) = self.ids.get(prog) {
            return Ok(id);
        }
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        let id = (self.offsets.len() - 1) as u32;
        if id as usize >= MAX_NAMES {
            return Err(Error::TooLarge("more than 2^24 distinct dict layouts".to_owned()));
        }
        self.items.extend_from_slice(prog);
        self.offsets.push(
            u32::try_from(self.items.len())
                .map_err(|_| Error::TooLarge("layout items".to_owned()))?,
        );
        self.ids.insert(prog.to_vec(), id);
        Ok(id)
    }
}

struct TaskBuild<'s> {
    name: &'s str,
    shape: Option<Shape>,
    metrics: Vec<&'s str>,
    offsets: Vec<u32>,
    /// Per metric, each arch's list (checked for type and length); the values are copied into
    /// columns afterwards, in parallel (see `fill`).
    lists: Vec<Vec<Ref>>,
    info: Vec<ColumnBuilder>,
}

/// Extra entries of one arch or result: pairs of generic node ids, and where they start.
struct Extras {
    pairs: Vec<u32>,
    offsets: Vec<u32>,
}

impl Extras {
    fn new(n: usize) -> Self {
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        Extras { pairs: Vec::new(), offsets }
    }

    /// Ends one arch's (or result's) extras: offsets count entries (key-value pairs).
    fn close(&mut self) -> Result<(), Error> {
        let end = u32::try_from(self.pairs.len() / 2)
            .map_err(|_| Error::TooLarge("extra entries".to_owned()))?;
        self.offsets.push(end);
        Ok(())
    }
}

/// Whether `doc` claims to be a benchmark: a dict with `task_list` and `data` entries. Anything
/// else is archived as a plain object (see [`build_plain`]).
pub(crate) fn is_benchmark(doc: &Document<'_>) -> bool {
    let a = &doc.pickle.arena;
    match a.get(doc.pickle.root) {
        Value::Container(Kind::Dict, kv) => {
            let kv = kv.as_refs().unwrap_or(&[]);
            find_key(a, kv, "task_list").is_some() && find_key(a, kv, "data").is_some()
        }
        _ => false,
    }
}

/// An archive of an object that is not a benchmark: everything in the generic section, so that
/// `dump` and `verify` work (queries have no tasks or archs to answer about).
pub(crate) fn build_plain(doc: &Document<'_>) -> Result<Benchmark, Error> {
    let a = &doc.pickle.arena;
    let mut g = GenericBuilder::default();
    let top = g.value(a, doc.pickle.root, &String::new)?;
    Ok(Benchmark {
        space_starts: vec![0],
        arch_offsets: vec![0],
        arch_slots: arch_table::build(std::iter::empty()),
        layout: Layout {
            top,
            task_list: NO_NODE,
            metrics_dict: NO_NODE,
            info_names: NO_NODE,
            item_offsets: vec![0],
            ..Layout::default()
        },
        generic: g.g,
        ..Benchmark::default()
    })
}

/// Walks `doc` and builds the archive's payload.
pub(crate) fn build(doc: &Document<'_>) -> Result<Benchmark, Error> {
    let a = &doc.pickle.arena;
    let root = doc.pickle.root;
    let top = match a.get(root) {
        Value::Container(Kind::Dict, kv) => kv.as_refs().unwrap_or(&[]),
        _ => {
            return Err(Error::at(
                "",
                format!(
                    "expected a dict with task_list, metrics_dict, info_names and data, found {}",
                    type_name(a, root)
                ),
            ));
        }
    };
    let need = |key: &str| {
        find_key(a, top, key).map(|(_, r)| r).ok_or_else(|| {
            Error::at("", format!("no '{key}' entry: not a TransNAS-Bench-101 file (needs task_list, metrics_dict, info_names, data)"))
        })
    };
    let (task_list_r, metrics_dict_r, info_names_r, data_r) =
        (need("task_list")?, need("metrics_dict")?, need("info_names")?, need("data")?);
    let task_names = name_list(a, task_list_r, "task_list")?;
    let info_names = name_list(a, info_names_r, "info_names")?;
    let md =
        dict_pairs(a, metrics_dict_r, &|| "metrics_dict".to_owned(), "a dict of metric lists")?;
    let mut tasks: Vec<TaskBuild<'_>> = Vec::with_capacity(task_names.len());
    for &t in &task_names {
        let (_, list) = find_key(a, md, t).ok_or_else(|| {
            Error::at("metrics_dict", format!("no entry for task '{t}' of task_list"))
        })?;
        tasks.push(TaskBuild {
            name: t,
            shape: None,
            metrics: name_list(a, list, &format!("metrics_dict/{t}"))?,
            offsets: vec![0],
            lists: Vec::new(),
            info: Vec::new(),
        });
    }

    // data: space -> arch -> task -> result
    let spaces = dict_pairs(a, data_r, &|| "data".to_owned(), "a dict of search spaces")?;
    let mut space_names = Vec::new();
    let mut space_starts = vec![0u32];
    let mut archs: Vec<(&str, Ref, usize)> = Vec::new(); // name, per-arch dict, space index
    let mut arch_index: HashMap<&str, usize> = HashMap::new();
    for (s, kv) in spaces.chunks_exact(2).enumerate() {
        let Value::Str(space) = a.get(kv[0]) else {
            return Err(Error::at(
                format!("data/{}", key_text(a, kv[0])),
                "search space names must be str",
            ));
        };
        let sp = || format!("data/{space}");
        let arch_pairs = dict_pairs(a, kv[1], &sp, "a dict of architectures")?;
        for ak in arch_pairs.chunks_exact(2) {
            let Value::Str(name) = a.get(ak[0]) else {
                return Err(Error::at(
                    format!("{}/{}", sp(), key_text(a, ak[0])),
                    "architecture names must be str",
                ));
            };
            if let Some(&other) = arch_index.get(name) {
                let first = space_names.get(archs[other].2).copied().unwrap_or(space);
                return Err(Error::at(
                    format!("{}/{name}", sp()),
                    format!("architecture also appears in space '{first}'"),
                ));
            }
            arch_index.insert(name, archs.len());
            archs.push((name, ak[1], s));
        }
        space_names.push(space);
        space_starts.push(
            u32::try_from(archs.len())
                .map_err(|_| Error::TooLarge("more than 2^32 archs".into()))?,
        );
    }
    let n = archs.len();
    let t_count = tasks.len();

    let mut g = GenericBuilder::default();
    for t in tasks.iter_mut() {
        t.lists = (0..t.metrics.len()).map(|_| Vec::with_capacity(n)).collect();
        t.info = (0..info_names.len()).map(|_| ColumnBuilder::with_capacity(n)).collect();
    }
    let mut layouts = Layouts::default();
    let mut arch_layout = Vec::with_capacity(n);
    let mut result_layout = Vec::with_capacity(n * t_count);
    let mut arch_extras = Extras::new(n);
    let mut result_extras = Extras::new(n * t_count);
    let mut prog: Vec<u32> = Vec::new();
    let mut results: Vec<Option<Ref>> = vec![None; t_count];

    for &(name, arch_r, s) in &archs {
        let space = space_names[s];
        let ap = || format!("data/{space}/{name}");
        let kv = dict_pairs(a, arch_r, &ap, "a dict of task results")?;
        prog.clear();
        results.iter_mut().for_each(|r| *r = None);
        for pair in kv.chunks_exact(2) {
            let task = match a.get(pair[0]) {
                Value::Str(k) => {
                    task_names.iter().position(|&t| t == k).filter(|&t| results[t].is_none())
                }
                _ => None,
            };
            match task {
                Some(t) => {
                    results[t] = Some(pair[1]);
                    prog.push(item::make(item::TASK, t as u32));
                }
                None => {
                    let kp = || format!("{}/{}", ap(), key_text(a, pair[0]));
                    let k = g.value(a, pair[0], &kp)?;
                    let v = g.value(a, pair[1], &kp)?;
                    arch_extras.pairs.extend([k, v]);
                    prog.push(item::make(item::EXTRA, 0));
                }
            }
        }
        arch_extras.close()?;
        arch_layout.push(layouts.intern(&prog)?);
        for (t, task) in tasks.iter_mut().enumerate() {
            let tname = task.name;
            let rp = || format!("{}/{}", ap(), tname);
            let r = results[t].ok_or_else(|| {
                Error::at(
                    ap(),
                    format!(
                        "no result for task '{tname}' (every arch needs every task of task_list)"
                    ),
                )
            })?;
            let id = result(
                a,
                &mut g,
                r,
                &rp,
                task,
                &info_names,
                &mut prog,
                &mut result_extras,
                &mut layouts,
            )?;
            result_extras.close()?;
            result_layout.push(id);
        }
    }

    // The top level: every entry copied generically except `data`, which becomes a marker.
    let mut top_ids = Vec::with_capacity(top.len());
    let mut marks = [0u32; 3];
    for kv in top.chunks_exact(2) {
        let kp = || key_text(a, kv[0]);
        top_ids.push(g.value(a, kv[0], &kp)?);
        let id = if kv[1] == data_r && a.get(kv[0]) == Value::Str("data") {
            g.data_marker()?
        } else {
            g.value(a, kv[1], &kp)?
        };
        top_ids.push(id);
    }
    for (m, r) in marks.iter_mut().zip([task_list_r, metrics_dict_r, info_names_r]) {
        *m = g.value(a, r, &String::new)?; // already copied: returns the same node
    }
    let top_id = g.container(NODE_DICT, &top_ids)?;

    let any_extras = !arch_extras.pairs.is_empty() || !result_extras.pairs.is_empty();
    let uniform_archs = arch_layout.iter().all(|&l| l == 0);
    let mut extras = arch_extras.pairs;
    let shift =
        u32::try_from(extras.len() / 2).map_err(|_| Error::TooLarge("extra entries".into()))?;
    extras.extend_from_slice(&result_extras.pairs);
    let layout = Layout {
        top: top_id,
        task_list: marks[0],
        metrics_dict: marks[1],
        info_names: marks[2],
        items: layouts.items,
        item_offsets: layouts.offsets,
        arch_layout: if uniform_archs { Vec::new() } else { arch_layout },
        result_layout,
        arch_extras: if any_extras { arch_extras.offsets } else { Vec::new() },
        result_extras: if any_extras {
            result_extras.offsets.iter().map(|o| o + shift).collect()
        } else {
            Vec::new()
        },
        extras,
    };

    let mut arch_offsets = Vec::with_capacity(n + 1);
    let mut arch_bytes = Vec::new();
    arch_offsets.push(0u32);
    for &(name, _, _) in &archs {
        arch_bytes.extend_from_slice(name.as_bytes());
        arch_offsets.push(
            u32::try_from(arch_bytes.len())
                .map_err(|_| Error::TooLarge("arch names exceed 4 GiB".into()))?,
        );
    }
    let arch_slots = arch_table::build(archs.iter().map(|x| x.0));

    let space_ranges: Vec<std::ops::Range<usize>> =
        space_starts.windows(2).map(|w| w[0] as usize..w[1] as usize).collect();
    // Metric values: every (task, metric) column filled on all cores.
    let arch_path = |a: usize| {
        let (name, _, s) = archs[a];
        format!("data/{}/{name}", space_names[s])
    };
    let lists: Vec<fill::TaskLists<'_>> = tasks
        .iter()
        .map(|t| fill::TaskLists {
            lists: &t.lists,
            offsets: &t.offsets,
            name: t.name,
            metrics: &t.metrics,
        })
        .collect();
    let names = |a: usize| archs[a].0;
    let filled = fill::fill_all(a, &lists, n, &arch_path, &names, &space_ranges, &mut g)?;
    drop(lists);
    let out_tasks: Vec<Task> =
        tasks.into_iter().zip(filled).map(|(t, f)| finish_task(t, f)).collect();
    Ok(Benchmark {
        tasks: out_tasks,
        info_names: info_names.iter().map(|s| (*s).to_owned()).collect(),
        space_names: space_names.iter().map(|s| (*s).to_owned()).collect(),
        space_starts,
        arch_offsets,
        arch_bytes,
        arch_slots,
        layout,
        generic: g.g,
    })
}

fn epochs_of(a: &Arena<'_>, te: Ref, path: &dyn Fn() -> String) -> Result<u32, Error> {
    match a.get(te) {
        Value::Int(e) => u32::try_from(e).ok(),
        Value::Scalar(s) => match s.number() {
            Number::Int(e) => u32::try_from(e).ok(),
            _ => None,
        },
        _ => None,
    }
    .ok_or_else(|| {
        Error::at(
            format!("{}/total_epochs", path()),
            format!("expected a non-negative int, found {}", a.get(te).type_name()),
        )
    })
}

/// Checks that `list` is a list of `epochs` per-epoch values; its values are copied later.
fn check_list(
    a: &Arena<'_>,
    list: Ref,
    epochs: u32,
    path: &dyn Fn() -> String,
) -> Result<Ref, Error> {
    let items = match a.get(list) {
        Value::Container(Kind::List | Kind::Tuple | Kind::Tensor(_), items) => items,
        _ => {
            return Err(Error::at(
                path(),
                format!("expected a list of per-epoch values, found {}", type_name(a, list)),
            ));
        }
    };
    if items.len() != epochs as usize {
        return Err(Error::at(
            path(),
            format!("expected {epochs} epochs (total_epochs), found {}", items.len()),
        ));
    }
    Ok(list)
}

fn close_offsets(task: &mut TaskBuild<'_>, epochs: u32) -> Result<(), Error> {
    let end = task.offsets.last().copied().unwrap_or(0).checked_add(epochs);
    let end = end.ok_or_else(|| {
        Error::TooLarge(format!("task '{}' has more than 2^32 values", task.name))
    })?;
    task.offsets.push(end);
    Ok(())
}

/// The fast path of [`result`]: `Some(layout)` when the dicts have the cached shape's keys.
fn replay<'s>(
    a: &'s Arena<'_>,
    g: &mut GenericBuilder,
    kv: &[Ref],
    sh: &Shape,
    path: &dyn Fn() -> String,
    task: &mut TaskBuild<'s>,
    info_names: &[&str],
) -> Result<Option<u32>, Error> {
    if !same_keys(a, kv, &sh.result_keys) {
        return Ok(None);
    }
    let (mi, me) = (kv[2 * sh.model_info_at + 1], kv[2 * sh.metrics_at + 1]);
    let (Value::Container(Kind::Dict, infos), Value::Container(Kind::Dict, metrics)) =
        (a.get(mi), a.get(me))
    else {
        return Ok(None);
    };
    let (Some(infos), Some(metrics)) = (infos.as_refs(), metrics.as_refs()) else {
        return Ok(None);
    };
    if !same_keys(a, infos, &sh.info_keys) || !same_keys(a, metrics, &sh.metric_keys) {
        return Ok(None);
    }
    let epochs = epochs_of(a, kv[2 * sh.total_epochs_at + 1], path)?;
    for (i, &p) in sh.info_pos.iter().enumerate() {
        let ip = || format!("{}/model_info/{}", path(), info_names[i]);
        let c = cell(a, g, infos[2 * p + 1], &ip)?;
        task.info[i].push(c)?;
    }
    for (m, &p) in sh.metric_pos.iter().enumerate() {
        let name = task.metrics[m];
        let mp = || format!("{}/metrics/{name}", path());
        let list = check_list(a, metrics[2 * p + 1], epochs, &mp)?;
        task.lists[m].push(list);
    }
    close_offsets(task, epochs)?;
    Ok(Some(sh.layout))
}

/// One result dict: `total_epochs`, `model_info`, `metrics`, extras, in the file's order.
/// Returns its layout id.
#[allow(clippy::too_many_arguments)]
fn result<'s>(
    a: &'s Arena<'_>,
    g: &mut GenericBuilder,
    r: Ref,
    path: &dyn Fn() -> String,
    task: &mut TaskBuild<'s>,
    info_names: &[&str],
    prog: &mut Vec<u32>,
    extras: &mut Extras,
    layouts: &mut Layouts,
) -> Result<u32, Error> {
    let kv = dict_pairs(a, r, path, "a result dict with total_epochs, model_info and metrics")?;
    // The shape is taken out while the columns are filled, and put back.
    if let Some(sh) = task.shape.take() {
        if let Some(layout) = replay(a, g, kv, &sh, path, task, info_names)? {
            task.shape = Some(sh);
            return Ok(layout);
        }
    }

    let get = |key: &str| {
        find_key(a, kv, key).ok_or_else(|| Error::at(path(), format!("no '{key}' entry")))
    };
    let (te_at, te) = get("total_epochs")?;
    let (mi_at, mi) = get("model_info")?;
    let (me_at, me) = get("metrics")?;
    let epochs = epochs_of(a, te, path)?;
    let mip = || format!("{}/model_info", path());
    let infos = dict_pairs(a, mi, &mip, "a dict of model info")?;
    let mep = || format!("{}/metrics", path());
    let metrics = dict_pairs(a, me, &mep, "a dict of metric lists")?;

    // Values go to the columns in the layout's name order, whatever the dict order.
    let mut info_pos = Vec::with_capacity(info_names.len());
    for (i, &info) in info_names.iter().enumerate() {
        let (at, v) = find_key(a, infos, info)
            .ok_or_else(|| Error::at(mip(), format!("no '{info}' entry (info_names lists it)")))?;
        let c = cell(a, g, v, &|| format!("{}/{info}", mip()))?;
        task.info[i].push(c)?;
        info_pos.push(at);
    }
    let mut metric_pos = Vec::with_capacity(task.metrics.len());
    for m in 0..task.metrics.len() {
        let metric = task.metrics[m];
        let mp = || format!("{}/{metric}", mep());
        let (at, list) = find_key(a, metrics, metric).ok_or_else(|| {
            Error::at(mep(), format!("no '{metric}' entry (metrics_dict lists it)"))
        })?;
        let list = check_list(a, list, epochs, &mp)?;
        task.lists[m].push(list);
        metric_pos.push(at);
    }
    close_offsets(task, epochs)?;

    // The layout program, and extras in document order.
    prog.clear();
    let extras_before = extras.pairs.len();
    let mut extra =
        |k: Ref, v: Ref, p: &dyn Fn() -> String, prog: &mut Vec<u32>| -> Result<(), Error> {
            let kp = || format!("{}/{}", p(), key_text(a, k));
            let (k, v) = (g.value(a, k, &kp)?, g.value(a, v, &kp)?);
            extras.pairs.extend([k, v]);
            prog.push(item::make(item::EXTRA, 0));
            Ok(())
        };
    for (i, pair) in kv.chunks_exact(2).enumerate() {
        if i == te_at {
            prog.push(item::make(item::TOTAL_EPOCHS, 0));
        } else if i == mi_at {
            prog.push(item::make(item::MODEL_INFO, 0));
            for (j, p) in infos.chunks_exact(2).enumerate() {
                match info_pos.iter().position(|&at| at == j) {
                    Some(idx) => prog.push(item::make(item::INFO, idx as u32)),
                    None => extra(p[0], p[1], &mip, prog)?,
                }
            }
            prog.push(item::make(item::CLOSE, 0));
        } else if i == me_at {
            prog.push(item::make(item::METRICS, 0));
            for (j, p) in metrics.chunks_exact(2).enumerate() {
                match metric_pos.iter().position(|&at| at == j) {
                    Some(idx) => prog.push(item::make(item::METRIC, idx as u32)),
                    None => extra(p[0], p[1], &mep, prog)?,
                }
            }
            prog.push(item::make(item::CLOSE, 0));
        } else {
            extra(pair[0], pair[1], path, prog)?;
        }
    }
    let layout = layouts.intern(prog)?;
    if extras.pairs.len() == extras_before {
        // No extras: this shape can be replayed for the next results.
        task.shape = Some(Shape {
            result_keys: keys_of(kv),
            info_keys: keys_of(infos),
            metric_keys: keys_of(metrics),
            total_epochs_at: te_at,
            model_info_at: mi_at,
            metrics_at: me_at,
            info_pos,
            metric_pos,
            layout,
        });
    }
    Ok(layout)
}

fn finish_task(t: TaskBuild<'_>, filled: Vec<fill::Filled>) -> Task {
    let m = t.metrics.len();
    let n = t.offsets.len().saturating_sub(1);
    let mut best = Vec::with_capacity(m * n);
    let mut ranking = Vec::with_capacity(m * n);
    let mut ranking_status = Vec::new();
    let mut columns = Vec::with_capacity(m);
    for f in filled {
        best.extend_from_slice(&f.best);
        ranking.extend_from_slice(&f.ranking);
        ranking_status.extend_from_slice(&f.status);
        columns.push(f.column.finish());
    }
    Task {
        name: t.name.to_owned(),
        metrics: t.metrics.iter().map(|s| (*s).to_owned()).collect(),
        offsets: t.offsets,
        columns,
        best,
        ranking,
        ranking_status,
        info: t.info.into_iter().map(ColumnBuilder::finish).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arch_table_of_the_real_names_is_short_to_probe() {
        let names: Vec<String> = tnb_arch::all_archs().map(|a| a.to_string()).collect();
        let table = arch_table::build(names.iter().map(String::as_str));
        let mask = table.len() - 1;
        let (mut total, mut worst) = (0usize, 0usize);
        for (i, name) in names.iter().enumerate() {
            let mut at = tnb_schema::arch_hash(name.as_bytes()) as usize & mask;
            let mut probes = 1;
            while table[at] as usize != i + 1 {
                at = (at + 1) & mask;
                probes += 1;
            }
            total += probes;
            worst = worst.max(probes);
        }
        let mean = total as f64 / names.len() as f64;
        // Linear probing at this load (0.45) expects 1.41 probes for a random hash.
        assert!(mean < 1.6 && worst <= 20, "mean {mean:.2} probes, worst {worst}");
    }
}
