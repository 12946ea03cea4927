//! Comparing every field of an archive's payload with the payload the converter builds from the
//! source.
//!
//! Queries answer from structures the value walk never reads: `Layout::task_list`,
//! `metrics_dict` and `info_names` (the node ids the API's attributes return), the arch-name
//! table (`arch2index` and every lookup by name), the space table, every task's names and
//! offsets, the precomputed tables. An archive whose payload was edited and whose checksums
//! were recomputed can keep the walk intact and change any of them. So nothing the archive says
//! about itself is trusted: every field of its payload must equal, bit for bit, the field the
//! converter (deterministic: one source, one payload) builds from the source. The store then
//! reads exactly what it reads from a fresh conversion of that source, so every answer is the
//! fresh conversion's.

use tnb_schema::transnas::{
    ArchivedBenchmark, ArchivedColumn, ArchivedGeneric, ArchivedLayout, ArchivedTask, Benchmark,
    Column, Generic, Layout, Task,
};

/// Whether two number arrays hold the same values: archived little-endian numbers against
/// native ones, compared with `$eq` (bits, for floats).
macro_rules! same_nums {
    ($a:expr, $f:expr) => {
        same_nums!($a, $f, |x, y| x == y)
    };
    ($a:expr, $f:expr, $eq:expr) => {{
        let (a, f) = (&$a, &$f);
        a.len() == f.len() && a.iter().zip(f.iter()).all(|(x, y)| ($eq)(x.to_native(), *y))
    }};
}

/// Float bits, so that the sign of zero and NaN payloads count.
fn same_f32(x: f32, y: f32) -> bool {
    x.to_bits() == y.to_bits()
}

fn same_f64(x: f64, y: f64) -> bool {
    x.to_bits() == y.to_bits()
}

/// Where a comparison found a difference: the field's path in the model.
type Found = Result<(), String>;

fn check(same: bool, what: impl FnOnce() -> String) -> Found {
    if same { Ok(()) } else { Err(what()) }
}

fn strings(a: &rkyv::vec::ArchivedVec<rkyv::string::ArchivedString>, f: &[String]) -> bool {
    a.len() == f.len() && a.iter().zip(f).all(|(x, y)| x.as_str() == y)
}

/// The first field where the archive's payload `a` differs from `f`, the converter's payload
/// for the source, named by its path in [`Benchmark`] (`layout.task_list`,
/// `tasks[3].columns[2]`, `arch_slots`); `Ok` when every field is equal.
pub(crate) fn first_difference(a: &ArchivedBenchmark, f: &Benchmark) -> Found {
    let top = |name: &'static str| move || name.to_owned();
    check(strings(&a.info_names, &f.info_names), top("info_names"))?;
    check(strings(&a.space_names, &f.space_names), top("space_names"))?;
    check(same_nums!(a.space_starts, f.space_starts), top("space_starts"))?;
    check(same_nums!(a.arch_offsets, f.arch_offsets), top("arch_offsets"))?;
    check(a.arch_bytes.as_slice() == f.arch_bytes.as_slice(), top("arch_bytes"))?;
    check(same_nums!(a.arch_slots, f.arch_slots), top("arch_slots (the arch-name table)"))?;
    layout(&a.layout, &f.layout)?;
    generic(&a.generic, &f.generic)?;
    check(a.tasks.len() == f.tasks.len(), top("tasks (their number)"))?;
    for (i, (at, ft)) in a.tasks.iter().zip(&f.tasks).enumerate() {
        task(at, ft).map_err(|field| format!("tasks[{i}] ('{}').{field}", ft.name))?;
    }
    Ok(())
}

fn layout(a: &ArchivedLayout, f: &Layout) -> Found {
    let at = |name: &'static str| move || format!("layout.{name}");
    check(a.top.to_native() == f.top, at("top"))?;
    check(a.task_list.to_native() == f.task_list, at("task_list"))?;
    check(a.metrics_dict.to_native() == f.metrics_dict, at("metrics_dict"))?;
    check(a.info_names.to_native() == f.info_names, at("info_names"))?;
    check(same_nums!(a.items, f.items), at("items"))?;
    check(same_nums!(a.item_offsets, f.item_offsets), at("item_offsets"))?;
    check(same_nums!(a.arch_layout, f.arch_layout), at("arch_layout"))?;
    check(same_nums!(a.result_layout, f.result_layout), at("result_layout"))?;
    check(same_nums!(a.arch_extras, f.arch_extras), at("arch_extras"))?;
    check(same_nums!(a.result_extras, f.result_extras), at("result_extras"))?;
    check(same_nums!(a.extras, f.extras), at("extras"))
}

fn generic(a: &ArchivedGeneric, f: &Generic) -> Found {
    let at = |name: &'static str| move || format!("generic.{name}");
    check(a.kinds.as_slice() == f.kinds.as_slice(), at("kinds"))?;
    check(same_nums!(a.start_or_value, f.start_or_value), at("start_or_value"))?;
    check(same_nums!(a.len_or_dtype, f.len_or_dtype), at("len_or_dtype"))?;
    check(same_nums!(a.children, f.children), at("children"))?;
    check(a.bytes.as_slice() == f.bytes.as_slice(), at("bytes"))
}

fn task(a: &ArchivedTask, f: &Task) -> Found {
    let at = |name: &'static str| move || name.to_owned();
    check(a.name.as_str() == f.name, at("name"))?;
    check(strings(&a.metrics, &f.metrics), at("metrics"))?;
    check(same_nums!(a.offsets, f.offsets), at("offsets"))?;
    check(a.columns.len() == f.columns.len(), at("columns (their number)"))?;
    for (m, (ac, fc)) in a.columns.iter().zip(&f.columns).enumerate() {
        let name = f.metrics.get(m).map_or("", String::as_str);
        check(column(ac, fc), || format!("columns[{m}] (metric '{name}')"))?;
    }
    check(same_nums!(a.best, f.best), at("best"))?;
    check(same_nums!(a.ranking, f.ranking), at("ranking"))?;
    check(a.ranking_status.as_slice() == f.ranking_status.as_slice(), at("ranking_status"))?;
    check(a.info.len() == f.info.len(), at("info (their number)"))?;
    for (k, (ac, fc)) in a.info.iter().zip(&f.info).enumerate() {
        check(column(ac, fc), || format!("info[{k}]"))?;
    }
    Ok(())
}

/// Same kind and same values, floats bit for bit.
fn column(a: &ArchivedColumn, f: &Column) -> bool {
    match (a, f) {
        (ArchivedColumn::F32(a), Column::F32(f)) => same_nums!(a, f, same_f32),
        (ArchivedColumn::F64(a), Column::F64(f)) => same_nums!(a, f, same_f64),
        (ArchivedColumn::I64(a), Column::I64(f)) => same_nums!(a, f),
        (
            ArchivedColumn::StrFixed { width: aw, bytes: ab },
            Column::StrFixed { width: fw, bytes: fb },
        ) => aw.to_native() == *fw && ab.as_slice() == fb.as_slice(),
        (
            ArchivedColumn::Str { offsets: ao, bytes: ab },
            Column::Str { offsets: fo, bytes: fb },
        ) => same_nums!(ao, fo) && ab.as_slice() == fb.as_slice(),
        (
            ArchivedColumn::Mixed { tags: at, bits: ab, bytes: ay },
            Column::Mixed { tags: ft, bits: fb, bytes: fy },
        ) => at.as_slice() == ft.as_slice() && same_nums!(ab, fb) && ay.as_slice() == fy.as_slice(),
        _ => false,
    }
}
