//! The store seen through `tnb_nb201_api::Source`, so that the official semantics
//! (`tnb_nb201_api::Nb201`) answer from an archive: each accessor is the store's typed,
//! allocation-free read. The archive was validated at open (and its checksum checked by
//! `crate::nb201::open`), so a read error here means bytes that changed under us or a crafted
//! archive that passes every open check: such reads answer as an empty value (the trait has no
//! error channel), never panic.

use tnb_nb201_api::{Hp, Num, Scalar, Source, Table, TableKey, TableKind};
use tnb_nb201_store::{ArchResults, Archive, Field, Form, Key, NumKind, Run, Series};

/// An archive as an API source.
pub struct StoreSource<'a> {
    archive: &'a Archive,
    /// `evaluated_indexes` sorted, as the official constructor sorts them.
    evaluated: Vec<i64>,
}

impl<'a> StoreSource<'a> {
    /// The source over `archive` (sorts `evaluated_indexes` once).
    pub fn new(archive: &'a Archive) -> Result<StoreSource<'a>, tnb_nb201_store::Corrupt> {
        let mut evaluated: Vec<i64> = archive.evaluated_indexes()?.iter().collect();
        evaluated.sort_unstable();
        Ok(StoreSource { archive, evaluated })
    }
}

fn hp(h: Hp) -> tnb_nb201_store::Hp {
    match h {
        Hp::Less => tnb_nb201_store::Hp::Less,
        Hp::Full => tnb_nb201_store::Hp::Full,
    }
}

fn field(t: Table) -> Field {
    match t {
        Table::TrainAcc1es => Field::TrainAcc1,
        Table::TrainAcc5es => Field::TrainAcc5,
        Table::TrainLosses => Field::TrainLoss,
        Table::TrainTimes => Field::TrainTime,
        Table::EvalAcc1es => Field::EvalAcc1,
        Table::EvalLosses => Field::EvalLoss,
        Table::EvalTimes => Field::EvalTime,
    }
}

/// A stored number with its Python type, as the API counts it.
fn num(n: tnb_nb201_store::Num) -> Num {
    match n.kind() {
        NumKind::Int => Num::Int(n.bits() as i64),
        NumKind::Bool => Num::Int(i64::from(n.bits() != 0)),
        NumKind::Float => Num::Float(f64::from_bits(n.bits())),
        NumKind::Numpy(_) if n.is_np_f64() => Num::F64(f64::from_bits(n.bits())),
        NumKind::Numpy(_) => Num::F64(n.to_f64()),
    }
}

const EMPTY: Num = Num::Int(0);

impl<'a> StoreSource<'a> {
    fn series(&self, run: Run<'a>, t: Table) -> Option<Series<'a>> {
        run.series(field(t)).ok()
    }
}

impl<'a> Source for StoreSource<'a> {
    type Results = ArchResults<'a>;
    type Run = Run<'a>;

    fn num_archs(&self) -> usize {
        self.archive.len()
    }
    fn meta_arch(&self, i: usize) -> Option<&str> {
        self.archive.meta_arch(i).ok().flatten()
    }
    fn arch_index(&self, arch: &str) -> Option<usize> {
        self.archive.arch_index(arch).ok().flatten()
    }
    fn evaluated_len(&self) -> usize {
        self.evaluated.len()
    }
    fn evaluated(&self, k: usize) -> i64 {
        self.evaluated.get(k).copied().unwrap_or(-1)
    }
    fn results(&self, index: i64, h: Hp) -> Option<ArchResults<'a>> {
        self.archive.arch_results(index, hp(h)).ok().flatten()
    }

    fn arch_index_of(&self, r: ArchResults<'a>) -> i64 {
        r.arch_index().unwrap_or(-1)
    }
    fn arch_str(&self, r: ArchResults<'a>) -> &str {
        r.arch_str().unwrap_or("")
    }
    fn clear_net_done(&self, r: ArchResults<'a>) -> bool {
        r.clear_net_done().unwrap_or(false)
    }
    fn dataset_count(&self, r: ArchResults<'a>) -> usize {
        r.dataset_seed().map_or(0, |d| d.len())
    }
    fn dataset_name(&self, r: ArchResults<'a>, d: usize) -> &str {
        r.dataset_seed().ok().and_then(|s| s.get(d).ok().flatten()).map_or("", |(n, _)| n)
    }
    fn seed_count(&self, r: ArchResults<'a>, d: usize) -> usize {
        r.dataset_seed().ok().and_then(|s| s.get(d).ok().flatten()).map_or(0, |(_, s)| s.len())
    }
    fn seed(&self, r: ArchResults<'a>, d: usize, k: usize) -> i64 {
        r.dataset_seed()
            .ok()
            .and_then(|s| s.get(d).ok().flatten())
            .and_then(|(_, s)| s.get(k))
            .unwrap_or(0)
    }
    fn run_count(&self, r: ArchResults<'a>) -> usize {
        r.run_count().unwrap_or(0)
    }
    fn run_key(&self, r: ArchResults<'a>, j: usize) -> (&str, i64) {
        match r.run(j) {
            Ok(Some(run)) => (run.dataset().unwrap_or(""), run.seed().unwrap_or(0)),
            _ => ("", 0),
        }
    }
    fn run(&self, r: ArchResults<'a>, j: usize) -> Run<'a> {
        // `j < run_count(r)` by the trait's contract; the first run stands in otherwise.
        r.run(j).ok().flatten().or_else(|| r.run(0).ok().flatten()).unwrap_or_else(|| {
            // An ArchResults without runs is never asked for one.
            unreachable_run(r)
        })
    }

    fn name(&self, run: Run<'a>) -> &str {
        run.name().unwrap_or("")
    }
    fn seed_attr(&self, run: Run<'a>) -> Scalar<'_> {
        run.seed_str().map_or(Scalar::None, Scalar::Str)
    }
    fn epochs(&self, run: Run<'a>) -> i64 {
        run.epochs().unwrap_or(0)
    }
    fn flop(&self, run: Run<'a>) -> Num {
        run.flop().map_or(EMPTY, num)
    }
    fn params(&self, run: Run<'a>) -> Num {
        run.params().map_or(EMPTY, num)
    }
    fn latency_len(&self, run: Run<'a>) -> Option<usize> {
        let s = run.latency().ok()?;
        (!s.is_none()).then(|| s.len())
    }
    fn latency(&self, run: Run<'a>, k: usize) -> Num {
        run.latency().ok().and_then(|s| s.value(k).ok().flatten()).map_or(EMPTY, num)
    }
    fn eval_name_count(&self, run: Run<'a>) -> usize {
        run.eval_names().map_or(0, |s| s.len())
    }
    fn eval_name(&self, run: Run<'a>, k: usize) -> &str {
        run.eval_names().ok().and_then(|s| s.get(k).ok().flatten()).unwrap_or("")
    }
    fn arch_config_len(&self, _run: Run<'a>) -> usize {
        4
    }
    fn arch_config_item(&self, run: Run<'a>, k: usize) -> (&str, Scalar<'_>) {
        let Ok(c) = run.arch_config() else { return ("", Scalar::None) };
        match k {
            0 => ("channel", Scalar::Num(Num::Int(c.channel))),
            1 => ("num_cells", Scalar::Num(Num::Int(c.num_cells))),
            2 => ("arch_str", Scalar::Str(c.arch_str)),
            _ => ("class_num", Scalar::Num(Num::Int(c.class_num))),
        }
    }
    fn table_kind(&self, run: Run<'a>, t: Table) -> TableKind {
        match self.series(run, t).map(|s| s.form()) {
            Some(Form::Dict | Form::List) => TableKind::Dict,
            Some(Form::OrderedDict) => TableKind::OrderedDict,
            Some(Form::None) | None => TableKind::None,
        }
    }
    fn table_len(&self, run: Run<'a>, t: Table) -> usize {
        self.series(run, t).map_or(0, |s| s.len())
    }
    fn table_key(&self, run: Run<'a>, t: Table, pos: usize) -> TableKey<'_> {
        match self.series(run, t).and_then(|s| s.key(pos).ok().flatten()) {
            Some(Key::Int(i)) => TableKey::Int(i),
            Some(Key::Str(s)) => TableKey::Str(s),
            None => TableKey::Int(pos as i64),
        }
    }
    fn table_value(&self, run: Run<'a>, t: Table, pos: usize) -> Num {
        self.series(run, t).and_then(|s| s.value(pos).ok().flatten()).map_or(EMPTY, num)
    }
    fn table_get_int(&self, run: Run<'a>, t: Table, key: i64) -> Option<Num> {
        self.series(run, t)?.get_int(key).ok().flatten().map(num)
    }
    fn table_get_str(&self, run: Run<'a>, t: Table, key: &str) -> Option<Num> {
        self.series(run, t)?.get_str(key).ok().flatten().map(num)
    }
}

/// Never reached: the API asks for run `j` only below `run_count`.
fn unreachable_run(r: ArchResults<'_>) -> Run<'_> {
    let _ = r;
    unreachable!("a run asked of an ArchResults beyond its run count")
}
