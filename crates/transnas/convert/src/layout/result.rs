//! One task's result dicts: `total_epochs`, `model_info` and `metrics` checked and sent to the
//! columns, their key order recorded as a layout program, extras kept. The first result of a
//! task is read in full; later ones with the same keys replay its shape.

use tnb_pickle::{Arena, Kind, Ref, Value};
use tnb_schema::transnas::Task;
use tnb_schema::transnas::codes::item;

use super::cells::{cell, check_list, epochs_of};
use super::extras::Extras;
use super::intern::Layouts;
use super::keys::{dict_pairs, find_key, keys_of, same_keys};
use crate::column::ColumnBuilder;
use crate::error::Error;
use crate::fill;
use crate::generic::GenericBuilder;
use tnb_pth::key_label;

/// Where a result dict keeps its parts, learned from the first result of a task and reused
/// for every later result whose dicts have the same keys in the same order (all of them, in a
/// real file): the per-result work is then a few comparisons and the values themselves.
#[derive(Debug, Default)]
pub(super) struct Shape {
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

/// One task while the archs are walked: its metric lists (values copied later) and info columns.
pub(super) struct TaskBuild<'s> {
    pub(super) name: &'s str,
    /// The shape of this task's results so far (`None` until one without extras was read).
    pub(super) shape: Option<Shape>,
    pub(super) metrics: Vec<&'s str>,
    /// `offsets[a]`: arch `a`'s first value in every metric column (one more at the end).
    pub(super) offsets: Vec<u32>,
    /// Per metric, each arch's list (checked for type and length); the values are copied into
    /// columns afterwards, in parallel (see `fill`).
    pub(super) lists: Vec<Vec<Ref>>,
    /// One column per info name.
    pub(super) info: Vec<ColumnBuilder>,
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
pub(super) fn result<'s>(
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
            let kp = || format!("{}/{}", p(), key_label(a, k));
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

/// The archived task: columns from the fill, precomputed answers concatenated metric-major.
pub(super) fn finish_task(t: TaskBuild<'_>, filled: Vec<fill::Filled>) -> Task {
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
