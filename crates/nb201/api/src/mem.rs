//! [`MemSource`]: a [`Source`] held in memory, built from the loaded benchmark object (the
//! dict `torch.load` returns) as an owned [`Obj`]; small files and tests use it.

use std::collections::HashMap;
use std::sync::Arc;

use tnb_pickle::stream::Obj;
use tnb_pickle::{Dtype, Kind, Number, Value as PValue};

use crate::source::{Hp, MAX_HP_LEN, Num, Scalar, Source, Table, TableKey, TableKind};

#[derive(Clone, Debug)]
enum Sc {
    None,
    Bool(bool),
    Num(Num),
    Str(String),
}

impl Sc {
    fn get(&self) -> Scalar<'_> {
        match self {
            Sc::None => Scalar::None,
            Sc::Bool(b) => Scalar::Bool(*b),
            Sc::Num(n) => Scalar::Num(*n),
            Sc::Str(s) => Scalar::Str(s),
        }
    }
}

#[derive(Clone, Debug, Default)]
struct MemTable {
    kind: Option<TableKind>,
    keys: Vec<MemKey>,
    values: Vec<Num>,
    by_int: HashMap<i64, usize>,
    by_str: HashMap<String, usize>,
}

#[derive(Clone, Debug)]
enum MemKey {
    Int(i64),
    Str(String),
}

#[derive(Clone, Debug)]
struct MemRun {
    name: String,
    seed: Sc,
    epochs: i64,
    flop: Num,
    params: Num,
    latency: Option<Vec<Num>>,
    eval_names: Vec<String>,
    arch_config: Vec<(String, Sc)>,
    tables: [MemTable; 7],
}

#[derive(Clone, Debug)]
struct MemResults {
    arch_index: i64,
    arch_str: String,
    clear_net_done: bool,
    dataset_seed: Vec<(String, Vec<i64>)>,
    keys: Vec<(String, i64)>,
    runs: Vec<MemRun>,
}

/// A whole benchmark object in memory.
#[derive(Clone, Debug)]
pub struct MemSource {
    meta_archs: Vec<String>,
    archstr2index: HashMap<String, usize>,
    evaluated: Vec<i64>,
    /// `arch2infos_dict`: per index, its hp keys and `ArchResults` in the dict's order.
    infos: HashMap<i64, Vec<(Hp, MemResults)>>,
}

/// A handle to one `ArchResults` of a [`MemSource`] (the index and the hp's position).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemResultsRef(i64, usize);

/// A handle to one `ResultsCount` of a [`MemSource`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemRunRef(i64, usize, usize);

const TABLES: [(Table, &str); 7] = [
    (Table::TrainAcc1es, "train_acc1es"),
    (Table::TrainAcc5es, "train_acc5es"),
    (Table::TrainLosses, "train_losses"),
    (Table::TrainTimes, "train_times"),
    (Table::EvalAcc1es, "eval_acc1es"),
    (Table::EvalLosses, "eval_losses"),
    (Table::EvalTimes, "eval_times"),
];

fn table_slot(t: Table) -> usize {
    TABLES.iter().position(|(x, _)| *x == t).unwrap_or(0)
}

fn items(o: &Obj, what: &str) -> Result<Vec<(Obj, Obj)>, String> {
    match o {
        Obj::Dict { items, .. } => Ok(items.clone()),
        other => Err(format!("{what}: expected a dict, found {}", other.type_name())),
    }
}

fn field<'o>(o: &'o Obj, key: &str, what: &str) -> Result<&'o Obj, String> {
    o.get(key).ok_or_else(|| format!("{what}: no key '{key}'"))
}

fn num(o: &Obj, what: &str) -> Result<Num, String> {
    match o {
        Obj::Int(i) => Ok(Num::Int(*i)),
        Obj::Bool(b) => Ok(Num::Int(i64::from(*b))),
        Obj::Float(x) => Ok(Num::Float(*x)),
        Obj::Scalar(s) if s.dtype == Dtype::F64 => Ok(Num::F64(f64::from_bits(s.bits))),
        other => Err(format!("{what}: expected a number, found {}", other.type_name())),
    }
}

fn int(o: &Obj, what: &str) -> Result<i64, String> {
    match o {
        Obj::Int(i) => Ok(*i),
        other => Err(format!("{what}: expected an int, found {}", other.type_name())),
    }
}

fn string(o: &Obj, what: &str) -> Result<String, String> {
    o.as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{what}: expected a str, found {}", o.type_name()))
}

fn scalar(o: &Obj, what: &str) -> Result<Sc, String> {
    Ok(match o {
        Obj::None => Sc::None,
        Obj::Bool(b) => Sc::Bool(*b),
        Obj::Str(s) => Sc::Str(s.to_string()),
        other => Sc::Num(num(other, what)?),
    })
}

fn table(o: &Obj, what: &str) -> Result<MemTable, String> {
    let (kind, its) = match o {
        Obj::None => return Ok(MemTable { kind: Some(TableKind::None), ..MemTable::default() }),
        Obj::Dict { items, ordered } => {
            (if *ordered { TableKind::OrderedDict } else { TableKind::Dict }, items)
        }
        other => {
            return Err(format!("{what}: expected a dict or None, found {}", other.type_name()));
        }
    };
    let mut t = MemTable { kind: Some(kind), ..MemTable::default() };
    for (k, v) in its {
        let key = match k {
            Obj::Int(i) => {
                t.by_int.insert(*i, t.values.len());
                MemKey::Int(*i)
            }
            Obj::Str(s) => {
                t.by_str.insert(s.to_string(), t.values.len());
                MemKey::Str(s.to_string())
            }
            other => return Err(format!("{what}: unexpected key type {}", other.type_name())),
        };
        t.keys.push(key);
        t.values.push(num(v, what)?);
    }
    Ok(t)
}

fn run(o: &Obj, what: &str) -> Result<MemRun, String> {
    let f = |k: &str| field(o, k, what);
    let latency = match f("latency")? {
        Obj::None => None,
        Obj::List(v) => Some(v.iter().map(|x| num(x, what)).collect::<Result<_, _>>()?),
        other => {
            return Err(format!("{what}['latency']: expected a list, found {}", other.type_name()));
        }
    };
    let eval_names = match f("eval_names")? {
        Obj::List(v) => v.iter().map(|x| string(x, what)).collect::<Result<_, _>>()?,
        other => {
            return Err(format!(
                "{what}['eval_names']: expected a list, found {}",
                other.type_name()
            ));
        }
    };
    let arch_config = items(f("arch_config")?, what)?
        .iter()
        .map(|(k, v)| Ok((string(k, what)?, scalar(v, what)?)))
        .collect::<Result<_, String>>()?;
    let mut tables: [MemTable; 7] = Default::default();
    for (slot, (_, name)) in TABLES.iter().enumerate() {
        tables[slot] = table(f(name)?, &format!("{what}['{name}']"))?;
    }
    Ok(MemRun {
        name: string(f("name")?, what)?,
        seed: scalar(f("seed")?, what)?,
        epochs: int(f("epochs")?, what)?,
        flop: num(f("flop")?, what)?,
        params: num(f("params")?, what)?,
        latency,
        eval_names,
        arch_config,
        tables,
    })
}

fn results(o: &Obj, what: &str) -> Result<MemResults, String> {
    let f = |k: &str| field(o, k, what);
    let mut dataset_seed = Vec::new();
    for (k, v) in items(f("dataset_seed")?, what)? {
        let seeds = match &v {
            Obj::List(s) => s.iter().map(|x| int(x, what)).collect::<Result<_, _>>()?,
            other => return Err(format!("{what}: dataset_seed value {}", other.type_name())),
        };
        dataset_seed.push((string(&k, what)?, seeds));
    }
    let mut keys = Vec::new();
    let mut runs = Vec::new();
    for (k, v) in items(f("all_results")?, what)? {
        let Obj::Tuple(t) = &k else { return Err(format!("{what}: all_results key not a tuple")) };
        let [d, s] = t.as_slice() else {
            return Err(format!("{what}: all_results key not a pair"));
        };
        let key = (string(d, what)?, int(s, what)?);
        runs.push(run(&v, &format!("{what}['all_results'][{key:?}]"))?);
        keys.push(key);
    }
    let clear = match f("clear_net_done")? {
        Obj::Bool(b) => *b,
        other => return Err(format!("{what}: clear_net_done {}", other.type_name())),
    };
    Ok(MemResults {
        arch_index: int(f("arch_index")?, what)?,
        arch_str: string(f("arch_str")?, what)?,
        clear_net_done: clear,
        dataset_seed,
        keys,
        runs,
    })
}

impl MemSource {
    /// Builds the source from the benchmark object (`{'meta_archs', 'arch2infos',
    /// 'evaluated_indexes', ...}`), checking what the official constructor checks (the keys,
    /// `full` and `less` of every arch, no duplicate arch string) and the shapes [`Source`]
    /// promises; a one-line error naming the object path otherwise.
    pub fn from_obj(top: &Obj) -> Result<MemSource, String> {
        for key in ["meta_archs", "arch2infos", "evaluated_indexes"] {
            if top.get(key).is_none() {
                return Err(format!("Can not find key[{key}] in the dict"));
            }
        }
        let meta_archs: Vec<String> = match top.get("meta_archs") {
            Some(Obj::List(v)) => {
                v.iter().map(|x| string(x, "meta_archs")).collect::<Result<_, _>>()?
            }
            _ => return Err("meta_archs: expected a list".into()),
        };
        let mut archstr2index = HashMap::new();
        for (i, a) in meta_archs.iter().enumerate() {
            if archstr2index.insert(a.clone(), i).is_some() {
                return Err(format!("meta_archs[{i}]: duplicate arch {a}"));
            }
        }
        let mut evaluated: Vec<i64> = match top.get("evaluated_indexes") {
            Some(Obj::List(v) | Obj::Tuple(v)) => {
                v.iter().map(|x| int(x, "evaluated_indexes")).collect::<Result<_, _>>()?
            }
            _ => return Err("evaluated_indexes: expected a list".into()),
        };
        evaluated.sort_unstable();
        let mut infos = HashMap::new();
        for (k, v) in items(top.get("arch2infos").unwrap_or(&Obj::None), "arch2infos")? {
            let i = int(&k, "arch2infos key")?;
            let what = format!("arch2infos[{i}]");
            let less = results(field(&v, "less", &what)?, &format!("{what}['less']"))?;
            let full = results(field(&v, "full", &what)?, &format!("{what}['full']"))?;
            infos.insert(i, vec![(Hp::Less, less), (Hp::Full, full)]);
        }
        Ok(MemSource { meta_archs, archstr2index, evaluated, infos })
    }

    /// Builds a NATS-Bench source from its benchmark object (the single file's `{'meta_archs',
    /// 'total_archs', 'arch2infos': {index: {hp: ArchResults state}}, 'evaluated_indexes'}`),
    /// with the official constructor's checks (the three keys, no duplicate arch string); the
    /// `arch2infos` keys are sorted and each arch keeps its hp keys in the file's order.
    pub fn from_nats_obj(top: &Obj) -> Result<MemSource, String> {
        for key in ["meta_archs", "arch2infos", "evaluated_indexes"] {
            if top.get(key).is_none() {
                return Err(format!("Can not find key[{key}] in the dict"));
            }
        }
        let (meta_archs, archstr2index) = meta(top)?;
        let mut evaluated: Vec<i64> = match top.get("evaluated_indexes") {
            Some(Obj::List(v) | Obj::Tuple(v) | Obj::Set(v) | Obj::FrozenSet(v)) => {
                v.iter().map(|x| int(x, "evaluated_indexes")).collect::<Result<_, _>>()?
            }
            _ => return Err("evaluated_indexes: expected a set or list".into()),
        };
        evaluated.sort_unstable();
        evaluated.dedup();
        let mut infos = HashMap::new();
        for (k, v) in items(top.get("arch2infos").unwrap_or(&Obj::None), "arch2infos")? {
            let i = int(&k, "arch2infos key")?;
            infos.insert(i, nats_entry(&v, &format!("arch2infos[{i}]"))?);
        }
        Ok(MemSource { meta_archs, archstr2index, evaluated, infos })
    }

    /// Builds a NATS-Bench source from a `-simple` folder's objects: `meta.pickle.pbz2`'s
    /// (only `meta_archs` is read, as the official fast mode does) and the per-arch files'
    /// (`{index:06d}.pickle.pbz2`: `{hp: ArchResults state}`), which are the archs the source
    /// holds (its `evaluated_indexes`).
    pub fn from_nats_folder(meta_top: &Obj, archs: &[(i64, Obj)]) -> Result<MemSource, String> {
        let (meta_archs, archstr2index) = meta(meta_top)?;
        let mut infos = HashMap::new();
        let mut evaluated = Vec::with_capacity(archs.len());
        for (i, v) in archs {
            infos.insert(*i, nats_entry(v, &format!("{i:06}.pickle.pbz2"))?);
            evaluated.push(*i);
        }
        evaluated.sort_unstable();
        evaluated.dedup();
        Ok(MemSource { meta_archs, archstr2index, evaluated, infos })
    }

    /// Builds the source from a pickle or torch file's bytes (read by tnb-pth, executing
    /// nothing).
    pub fn from_file_bytes(bytes: &[u8]) -> Result<MemSource, String> {
        MemSource::from_obj(&obj_from_file_bytes(bytes)?)
    }

    fn res(&self, r: MemResultsRef) -> &MemResults {
        &self.infos[&r.0][r.1].1
    }

    fn rn(&self, x: MemRunRef) -> &MemRun {
        &self.infos[&x.0][x.1].1.runs[x.2]
    }
}

/// `meta_archs` and `archstr2index` (a duplicate arch string is refused, as the official
/// constructor refuses it).
fn meta(top: &Obj) -> Result<(Vec<String>, HashMap<String, usize>), String> {
    let meta_archs: Vec<String> = match top.get("meta_archs") {
        Some(Obj::List(v)) => {
            v.iter().map(|x| string(x, "meta_archs")).collect::<Result<_, _>>()?
        }
        _ => return Err("meta_archs: expected a list".into()),
    };
    let mut archstr2index = HashMap::new();
    for (i, a) in meta_archs.iter().enumerate() {
        if let Some(j) = archstr2index.insert(a.clone(), i) {
            return Err(format!("This [{i}]-th arch {a} already in the dict ({j})."));
        }
    }
    Ok((meta_archs, archstr2index))
}

/// One NATS-Bench arch: `{hp: ArchResults state}` (hp keys: str, at most [`MAX_HP_LEN`]
/// bytes).
fn nats_entry(v: &Obj, what: &str) -> Result<Vec<(Hp, MemResults)>, String> {
    let mut out = Vec::new();
    for (k, state) in items(v, what)? {
        let key = string(&k, what)?;
        let hp = Hp::from_key(&key)
            .ok_or_else(|| format!("{what}: hp key longer than {MAX_HP_LEN} bytes"))?;
        out.push((hp, results(&state, &format!("{what}[{key:?}]"))?));
    }
    Ok(out)
}

/// The object of a NATS-Bench `.pickle.pbz2` file's bytes (bz2 around a protocol-4 pickle,
/// decoded up to `tnb_bz2::MAX_ARCH_PICKLE` bytes (the bomb bound) and read by tnb-pth's arena reader, which allows
/// `collections.OrderedDict` and the numpy scalar/dtype globals and executes nothing).
pub fn obj_from_pbz2_bytes(bytes: &[u8]) -> Result<Obj, String> {
    let pickle = tnb_bz2::decompress(bytes, tnb_bz2::MAX_ARCH_PICKLE).map_err(|e| e.to_string())?;
    obj_from_file_bytes(&pickle)
}

/// The object of a pickle or torch file (read by tnb-pth's arena reader, executing nothing) as
/// an owned [`Obj`] (OrderedDicts become plain dicts: the arena does not keep the difference).
pub fn obj_from_file_bytes(bytes: &[u8]) -> Result<Obj, String> {
    let doc = tnb_pth::load(bytes).map_err(|e| e.to_string())?;
    to_obj(&doc.pickle.arena, doc.pickle.root, 0)
}

/// Deepest nesting [`MemSource::from_file_bytes`] follows (the benchmark object is 6 deep).
const MAX_DEPTH: usize = 64;

fn to_obj(arena: &tnb_pickle::Arena<'_>, r: tnb_pickle::Ref, depth: usize) -> Result<Obj, String> {
    if depth > MAX_DEPTH {
        return Err("object nested too deeply".into());
    }
    Ok(match arena.get(r) {
        PValue::None => Obj::None,
        PValue::Bool(b) => Obj::Bool(b),
        PValue::Int(i) => Obj::Int(i),
        PValue::Float(x) => Obj::Float(x),
        PValue::Scalar(s) => match s.number() {
            Number::Float(_) if s.dtype == Dtype::F64 => Obj::Scalar(s),
            _ => return Err(format!("unsupported numpy scalar {}", s.dtype.name())),
        },
        PValue::Str(s) => Obj::Str(Arc::from(s)),
        PValue::Container(kind, children) => {
            let v: Vec<Obj> =
                children.iter().map(|c| to_obj(arena, c, depth + 1)).collect::<Result<_, _>>()?;
            match kind {
                Kind::List => Obj::List(v),
                Kind::Set => Obj::Set(v),
                Kind::Tuple => Obj::Tuple(v),
                Kind::Dict => {
                    let mut items = Vec::with_capacity(v.len() / 2);
                    let mut it = v.into_iter();
                    while let (Some(k), Some(x)) = (it.next(), it.next()) {
                        items.push((k, x));
                    }
                    Obj::Dict { items, ordered: false }
                }
                other => return Err(format!("unsupported container {}", other.name())),
            }
        }
        other => return Err(format!("unsupported value {}", other.type_name())),
    })
}

impl Source for MemSource {
    type Results = MemResultsRef;
    type Run = MemRunRef;

    fn num_archs(&self) -> usize {
        self.meta_archs.len()
    }
    fn meta_arch(&self, i: usize) -> Option<&str> {
        self.meta_archs.get(i).map(String::as_str)
    }
    fn arch_index(&self, arch: &str) -> Option<usize> {
        self.archstr2index.get(arch).copied()
    }
    fn evaluated_len(&self) -> usize {
        self.evaluated.len()
    }
    fn evaluated(&self, k: usize) -> i64 {
        self.evaluated[k]
    }
    fn results(&self, index: i64, hp: Hp) -> Option<MemResultsRef> {
        let pos = self.infos.get(&index)?.iter().position(|(h, _)| *h == hp)?;
        Some(MemResultsRef(index, pos))
    }
    fn has_entry(&self, index: i64) -> bool {
        self.infos.contains_key(&index)
    }
    fn hp_count(&self, index: i64) -> usize {
        self.infos.get(&index).map_or(0, Vec::len)
    }
    fn hp_at(&self, index: i64, j: usize) -> Hp {
        self.infos.get(&index).and_then(|v| v.get(j)).map_or(Hp::Less, |(h, _)| *h)
    }
    fn arch_index_of(&self, r: MemResultsRef) -> i64 {
        self.res(r).arch_index
    }
    fn arch_str(&self, r: MemResultsRef) -> &str {
        &self.res(r).arch_str
    }
    fn clear_net_done(&self, r: MemResultsRef) -> bool {
        self.res(r).clear_net_done
    }
    fn dataset_count(&self, r: MemResultsRef) -> usize {
        self.res(r).dataset_seed.len()
    }
    fn dataset_name(&self, r: MemResultsRef, d: usize) -> &str {
        &self.res(r).dataset_seed[d].0
    }
    fn seed_count(&self, r: MemResultsRef, d: usize) -> usize {
        self.res(r).dataset_seed[d].1.len()
    }
    fn seed(&self, r: MemResultsRef, d: usize, k: usize) -> i64 {
        self.res(r).dataset_seed[d].1[k]
    }
    fn run_count(&self, r: MemResultsRef) -> usize {
        self.res(r).runs.len()
    }
    fn run_key(&self, r: MemResultsRef, j: usize) -> (&str, i64) {
        let (d, s) = &self.res(r).keys[j];
        (d, *s)
    }
    fn run(&self, r: MemResultsRef, j: usize) -> MemRunRef {
        MemRunRef(r.0, r.1, j)
    }
    fn name(&self, x: MemRunRef) -> &str {
        &self.rn(x).name
    }
    fn seed_attr(&self, x: MemRunRef) -> Scalar<'_> {
        self.rn(x).seed.get()
    }
    fn epochs(&self, x: MemRunRef) -> i64 {
        self.rn(x).epochs
    }
    fn flop(&self, x: MemRunRef) -> Num {
        self.rn(x).flop
    }
    fn params(&self, x: MemRunRef) -> Num {
        self.rn(x).params
    }
    fn latency_len(&self, x: MemRunRef) -> Option<usize> {
        self.rn(x).latency.as_ref().map(Vec::len)
    }
    fn latency(&self, x: MemRunRef, k: usize) -> Num {
        self.rn(x).latency.as_ref().map_or(Num::Int(0), |v| v[k])
    }
    fn eval_name_count(&self, x: MemRunRef) -> usize {
        self.rn(x).eval_names.len()
    }
    fn eval_name(&self, x: MemRunRef, k: usize) -> &str {
        &self.rn(x).eval_names[k]
    }
    fn arch_config_len(&self, x: MemRunRef) -> usize {
        self.rn(x).arch_config.len()
    }
    fn arch_config_item(&self, x: MemRunRef, k: usize) -> (&str, Scalar<'_>) {
        let (key, v) = &self.rn(x).arch_config[k];
        (key, v.get())
    }
    fn table_kind(&self, x: MemRunRef, t: Table) -> TableKind {
        self.rn(x).tables[table_slot(t)].kind.unwrap_or(TableKind::None)
    }
    fn table_len(&self, x: MemRunRef, t: Table) -> usize {
        self.rn(x).tables[table_slot(t)].values.len()
    }
    fn table_key(&self, x: MemRunRef, t: Table, pos: usize) -> TableKey<'_> {
        match &self.rn(x).tables[table_slot(t)].keys[pos] {
            MemKey::Int(i) => TableKey::Int(*i),
            MemKey::Str(s) => TableKey::Str(s),
        }
    }
    fn table_value(&self, x: MemRunRef, t: Table, pos: usize) -> Num {
        self.rn(x).tables[table_slot(t)].values[pos]
    }
    fn table_get_int(&self, x: MemRunRef, t: Table, key: i64) -> Option<Num> {
        let tb = &self.rn(x).tables[table_slot(t)];
        tb.by_int.get(&key).map(|&p| tb.values[p])
    }
    fn table_get_str(&self, x: MemRunRef, t: Table, key: &str) -> Option<Num> {
        let tb = &self.rn(x).tables[table_slot(t)];
        tb.by_str.get(key).map(|&p| tb.values[p])
    }
}
