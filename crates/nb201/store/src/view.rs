//! Typed views of the archived columns: ArchResults, runs (ResultsCount), series. Each is a
//! `Copy` handle holding the validated root and the cells; every index read is checked.

use std::ops::Range;

use rkyv::rend::{i64_le, u32_le};
use tnb_schema::nb201::codes::*;

use crate::canon::SetKeys;
use crate::data::{BAD_RUN, BAD_STR, Data, range};
use crate::error::Corrupt;
use crate::num::Num;
use crate::{MAX_SERIES_LEN, R};

/// Which half of an `arch2infos` entry: the official API's hp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Hp {
    /// `'200'`: the entry's `'full'` (200 epochs).
    Full,
    /// `'12'`: the entry's `'less'` (12 epochs).
    Less,
}

impl Hp {
    /// Both: `Full` (`'200'`) then `Less` (`'12'`).
    pub const ALL: [Hp; 2] = [Hp::Full, Hp::Less];

    pub(crate) fn index(self) -> usize {
        match self {
            Hp::Full => 0,
            Hp::Less => 1,
        }
    }

    /// The official API's hp string (`'12'` or `'200'`).
    pub fn as_str(self) -> &'static str {
        match self {
            Hp::Full => "200",
            Hp::Less => "12",
        }
    }

    /// The hp of an official hp string.
    pub fn from_hp(s: &str) -> Option<Hp> {
        match s {
            "200" => Some(Hp::Full),
            "12" => Some(Hp::Less),
            _ => None,
        }
    }

    /// The key of the entry's dict (`'full'` or `'less'`).
    pub fn key(self) -> &'static str {
        match self {
            Hp::Full => "full",
            Hp::Less => "less",
        }
    }
}

/// A list of ints (seeds, `evaluated_indexes`, arch keys).
#[derive(Clone, Copy, Debug)]
pub struct Ints<'a>(pub(crate) &'a [i64_le]);

impl<'a> Ints<'a> {
    /// Number of ints.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Int `i`.
    pub fn get(&self, i: usize) -> Option<i64> {
        self.0.get(i).map(|x| x.to_native())
    }

    /// The ints in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = i64> + 'a {
        self.0.iter().map(|x| x.to_native())
    }

    /// Whether `x` is one of them.
    pub fn contains(&self, x: i64) -> bool {
        self.0.iter().any(|y| y.to_native() == x)
    }
}

/// A list of strings (`eval_names`).
#[derive(Clone, Copy, Debug)]
pub struct Strs<'a> {
    d: Data<'a>,
    ids: &'a [u32_le],
}

impl<'a> Strs<'a> {
    /// Number of strings.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// String `i`.
    pub fn get(&self, i: usize) -> R<Option<&'a str>> {
        match self.ids.get(i) {
            Some(id) => self.d.string(id.to_native()).map(Some),
            None => Ok(None),
        }
    }

    /// The strings in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = R<&'a str>> + 'a {
        let d = self.d;
        self.ids.iter().map(move |id| d.string(id.to_native()))
    }
}

/// One `ArchResults` state (`arch2infos[key]['full' | 'less']`).
#[derive(Clone, Copy, Debug)]
pub struct ArchResults<'a> {
    d: Data<'a>,
    rec: usize,
}

/// `dataset_seed`: dataset → sorted seeds, in source order.
#[derive(Clone, Copy, Debug)]
pub struct DatasetSeeds<'a> {
    d: Data<'a>,
    start: usize,
    end: usize,
}

impl<'a> ArchResults<'a> {
    pub(crate) fn new(d: Data<'a>, rec: usize) -> ArchResults<'a> {
        ArchResults { d, rec }
    }

    fn flags(&self) -> R<u8> {
        self.d.r.ar_flags.get(self.rec).copied().ok_or(Corrupt("an arch record is out of range"))
    }

    /// `arch_index`.
    pub fn arch_index(&self) -> R<i64> {
        self.d
            .r
            .ar_index
            .get(self.rec)
            .map(|x| x.to_native())
            .ok_or(Corrupt("an arch record is out of range"))
    }

    /// `arch_str`.
    pub fn arch_str(&self) -> R<&'a str> {
        let id = self.d.r.ar_str.get(self.rec).ok_or(Corrupt("an arch record is out of range"))?;
        self.d.string(id.to_native())
    }

    /// `clear_net_done`.
    pub fn clear_net_done(&self) -> R<bool> {
        Ok(self.flags()? & AR_CLEAR != 0)
    }

    /// Whether the state dict, `all_results` and `dataset_seed` are OrderedDicts (dump only).
    pub fn ordered(&self) -> R<(bool, bool, bool)> {
        let f = self.flags()?;
        Ok((f & AR_ODICT != 0, f & AR_RESULTS_ODICT != 0, f & AR_DS_ODICT != 0))
    }

    /// `dataset_seed`.
    pub fn dataset_seed(&self) -> R<DatasetSeeds<'a>> {
        let (start, end) =
            range(self.d.r.ar_datasets.as_slice(), self.rec, self.d.r.ds_name.len())?;
        Ok(DatasetSeeds { d: self.d, start, end })
    }

    /// Number of runs in `all_results`.
    pub fn run_count(&self) -> R<usize> {
        let (s, e) = range(self.d.r.ar_runs.as_slice(), self.rec, self.d.r.run_dataset.len())?;
        Ok(e - s)
    }

    /// `all_results`' item `i` (insertion order).
    pub fn run(&self, i: usize) -> R<Option<Run<'a>>> {
        let (s, e) = range(self.d.r.ar_runs.as_slice(), self.rec, self.d.r.run_dataset.len())?;
        Ok((i < e - s).then_some(Run { d: self.d, run: s + i }))
    }

    /// `all_results`' items in insertion order.
    pub fn runs(&self) -> R<impl ExactSizeIterator<Item = Run<'a>> + 'a> {
        let (s, e) = range(self.d.r.ar_runs.as_slice(), self.rec, self.d.r.run_dataset.len())?;
        let d = self.d;
        Ok((s..e).map(move |run| Run { d, run }))
    }

    /// `all_results[(dataset, seed)]`, if there.
    pub fn find(&self, dataset: &str, seed: i64) -> R<Option<Run<'a>>> {
        for run in self.runs()? {
            if run.seed()? == seed && run.dataset()? == dataset {
                return Ok(Some(run));
            }
        }
        Ok(None)
    }
}

impl<'a> DatasetSeeds<'a> {
    /// Number of datasets.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// Dataset `i`'s name and seeds.
    pub fn get(&self, i: usize) -> R<Option<(&'a str, Ints<'a>)>> {
        if i >= self.len() {
            return Ok(None);
        }
        let j = self.start + i;
        let id = self.d.r.ds_name.get(j).ok_or(Corrupt("a dataset_seed item is out of range"))?;
        let name = self.d.string(id.to_native())?;
        let (s, e) = range(self.d.r.ds_seeds.as_slice(), j, self.d.r.seeds.len())?;
        let seeds = self.d.r.seeds.get(s..e).ok_or(Corrupt("a seed list is out of range"))?;
        Ok(Some((name, Ints(seeds))))
    }

    /// The seeds of `dataset`, if there.
    pub fn seeds(&self, dataset: &str) -> R<Option<Ints<'a>>> {
        for i in 0..self.len() {
            if let Some((name, seeds)) = self.get(i)? {
                if name == dataset {
                    return Ok(Some(seeds));
                }
            }
        }
        Ok(None)
    }
}

/// `arch_config` of a NAS-Bench-201 run, its four keys looked up by name
/// ([`Run::arch_config`]; a key that is missing, or not of the type, reads as `0` / `""`: use
/// [`Run::arch_config_dict`] for any `arch_config`, e.g. NATS-Bench sss's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config<'a> {
    /// `channel`.
    pub channel: i64,
    /// `num_cells`.
    pub num_cells: i64,
    /// `arch_str`.
    pub arch_str: &'a str,
    /// `class_num`.
    pub class_num: i64,
    /// Whether the dict is an OrderedDict (dump only).
    pub ordered: bool,
}

/// A value of an `arch_config` item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigValue<'a> {
    /// A str.
    Str(&'a str),
    /// A number (int in the real files).
    Num(Num),
}

/// A run's whole `arch_config` dict: its items in order ([`Run::arch_config_dict`]).
#[derive(Clone, Copy, Debug)]
pub struct ConfigDict<'a> {
    d: Data<'a>,
    start: usize,
    end: usize,
    ordered: bool,
}

impl<'a> ConfigDict<'a> {
    /// Number of items.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// Whether the dict is an OrderedDict.
    pub fn ordered(&self) -> bool {
        self.ordered
    }

    /// Item `i`: its key and value.
    pub fn item(&self, i: usize) -> R<Option<(&'a str, ConfigValue<'a>)>> {
        if i >= self.len() {
            return Ok(None);
        }
        let j = self.start + i;
        let r = self.d.r;
        let bad = Corrupt("an arch_config item is out of range");
        let (k, t, v) = match (r.config_keys.get(j), r.config_types.get(j), r.config_vals.get(j)) {
            (Some(k), Some(t), Some(v)) => (k.to_native(), *t, v.to_native()),
            _ => return Err(bad),
        };
        let key = self.d.string(k)?;
        let value = if t == T_STR {
            ConfigValue::Str(self.d.string(u32::try_from(v).map_err(|_| BAD_STR)?)?)
        } else {
            ConfigValue::Num(Num::new(t, v).ok_or(Corrupt("a number has an unknown type code"))?)
        };
        Ok(Some((key, value)))
    }

    /// The value of `key`, if there.
    pub fn get(&self, key: &str) -> R<Option<ConfigValue<'a>>> {
        for i in 0..self.len() {
            if let Some((k, v)) = self.item(i)? {
                if k == key {
                    return Ok(Some(v));
                }
            }
        }
        Ok(None)
    }
}

/// A run's series fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// `train_acc1es`.
    TrainAcc1,
    /// `train_acc5es`.
    TrainAcc5,
    /// `train_losses`.
    TrainLoss,
    /// `train_times`.
    TrainTime,
    /// `eval_acc1es`.
    EvalAcc1,
    /// `eval_times`.
    EvalTime,
    /// `eval_losses`.
    EvalLoss,
    /// `latency`.
    Latency,
}

impl Field {
    /// Every field, in `codes::SER_*` order.
    pub const ALL: [Field; 8] = [
        Field::TrainAcc1,
        Field::TrainAcc5,
        Field::TrainLoss,
        Field::TrainTime,
        Field::EvalAcc1,
        Field::EvalTime,
        Field::EvalLoss,
        Field::Latency,
    ];

    fn slot(self) -> usize {
        match self {
            Field::TrainAcc1 => SER_TRAIN_ACC1,
            Field::TrainAcc5 => SER_TRAIN_ACC5,
            Field::TrainLoss => SER_TRAIN_LOSS,
            Field::TrainTime => SER_TRAIN_TIME,
            Field::EvalAcc1 => SER_EVAL_ACC1,
            Field::EvalTime => SER_EVAL_TIME,
            Field::EvalLoss => SER_EVAL_LOSS,
            Field::Latency => SER_LATENCY,
        }
    }

    /// The ResultsCount key.
    pub fn key(self) -> &'static str {
        match self {
            Field::TrainAcc1 => "train_acc1es",
            Field::TrainAcc5 => "train_acc5es",
            Field::TrainLoss => "train_losses",
            Field::TrainTime => "train_times",
            Field::EvalAcc1 => "eval_acc1es",
            Field::EvalTime => "eval_times",
            Field::EvalLoss => "eval_losses",
            Field::Latency => "latency",
        }
    }
}

/// One ResultsCount state (`all_results[(dataset, seed)]`).
#[derive(Clone, Copy, Debug)]
pub struct Run<'a> {
    d: Data<'a>,
    run: usize,
}

impl<'a> Run<'a> {
    fn str_at(&self, col: &'a [u32_le]) -> R<&'a str> {
        self.d.string(col.get(self.run).ok_or(BAD_RUN)?.to_native())
    }

    fn num_at(&self, ty: &'a [u8], bits: &'a [rkyv::rend::u64_le]) -> R<Num> {
        let (t, b) = (ty.get(self.run).ok_or(BAD_RUN)?, bits.get(self.run).ok_or(BAD_RUN)?);
        Num::new(*t, b.to_native()).ok_or(Corrupt("a number has an unknown type code"))
    }

    /// The dataset string of the `all_results` key.
    pub fn dataset(&self) -> R<&'a str> {
        self.str_at(self.d.r.run_dataset.as_slice())
    }

    /// The seed int of the `all_results` key.
    pub fn seed(&self) -> R<i64> {
        self.d.r.run_seed.get(self.run).map(|x| x.to_native()).ok_or(BAD_RUN)
    }

    /// `name`.
    pub fn name(&self) -> R<&'a str> {
        self.str_at(self.d.r.run_name.as_slice())
    }

    /// `seed` (the string, e.g. `'0777'`).
    pub fn seed_str(&self) -> R<&'a str> {
        self.str_at(self.d.r.run_seed_str.as_slice())
    }

    /// `epochs`.
    pub fn epochs(&self) -> R<i64> {
        self.d.r.run_epochs.get(self.run).map(|x| x.to_native()).ok_or(BAD_RUN)
    }

    /// `flop`.
    pub fn flop(&self) -> R<Num> {
        self.num_at(self.d.r.run_flop_type.as_slice(), self.d.r.run_flop.as_slice())
    }

    /// `params`.
    pub fn params(&self) -> R<Num> {
        self.num_at(self.d.r.run_params_type.as_slice(), self.d.r.run_params.as_slice())
    }

    /// `arch_config`, NAS-Bench-201's four keys (see [`Config`]).
    pub fn arch_config(&self) -> R<Config<'a>> {
        let c = self.arch_config_dict()?;
        let int = |k: &str| -> R<i64> {
            Ok(match c.get(k)? {
                Some(ConfigValue::Num(n)) if n.kind() == crate::NumKind::Int => n.bits() as i64,
                _ => 0,
            })
        };
        let arch_str = match c.get(CONFIG_KEYS[2])? {
            Some(ConfigValue::Str(s)) => s,
            _ => "",
        };
        Ok(Config {
            channel: int(CONFIG_KEYS[0])?,
            num_cells: int(CONFIG_KEYS[1])?,
            arch_str,
            class_num: int(CONFIG_KEYS[3])?,
            ordered: c.ordered,
        })
    }

    /// The whole `arch_config` dict, items in order.
    pub fn arch_config_dict(&self) -> R<ConfigDict<'a>> {
        let (start, end) =
            range(self.d.r.run_config.as_slice(), self.run, self.d.r.config_keys.len())?;
        let flags = *self.d.r.run_flags.get(self.run).ok_or(BAD_RUN)?;
        Ok(ConfigDict { d: self.d, start, end, ordered: flags & RUN_CONFIG_ODICT != 0 })
    }

    /// Whether the state dict is an OrderedDict (dump only).
    pub fn ordered(&self) -> R<bool> {
        Ok(self.d.r.run_flags.get(self.run).ok_or(BAD_RUN)? & RUN_ODICT != 0)
    }

    /// `eval_names`, in order.
    pub fn eval_names(&self) -> R<Strs<'a>> {
        let (s, e) =
            range(self.d.r.run_eval_names.as_slice(), self.run, self.d.r.eval_names.len())?;
        let ids = self.d.r.eval_names.get(s..e).ok_or(BAD_RUN)?;
        Ok(Strs { d: self.d, ids })
    }

    /// A series field (`train_acc1es`, ..., `latency`).
    pub fn series(&self, f: Field) -> R<Series<'a>> {
        let i = self.run * SERIES_PER_RUN + f.slot();
        let s = &self.d.r.series;
        let (form, ty, keys, at, aux) =
            match (s.form.get(i), s.ty.get(i), s.keys.get(i), s.at.get(i), s.aux.get(i)) {
                (Some(f), Some(t), Some(k), Some(a), Some(x)) => {
                    (*f, *t, k.to_native(), a.to_native(), x.to_native())
                }
                _ => return Err(BAD_RUN),
            };
        let (ks, len) = match form & FORM_MASK {
            FORM_NONE => (None, 0),
            FORM_LIST => (None, keys as usize),
            _ => {
                let k = &self.d.r.keysets;
                let (st, en) = match (k.start.get(keys as usize), k.start.get(keys as usize + 1)) {
                    (Some(s), Some(e))
                        if s.to_native() <= e.to_native()
                            && e.to_native() <= k.items.len() as u64 =>
                    {
                        (s.to_native() as usize, e.to_native() as usize)
                    }
                    _ => return Err(Corrupt("a series' keyset is out of range")),
                };
                let flags = *k
                    .flags
                    .get(keys as usize)
                    .ok_or(Corrupt("a series' keyset is out of range"))?;
                (Some((st, flags, keys as usize)), en - st)
            }
        };
        if form & STORE_RLE != 0 && (aux > MAX_RLE_PAIRS || ty == T_MIXED) {
            return Err(Corrupt("a run-length series has too many pairs"));
        }
        // Lengths bounded here keep every loop over a series linear in the archive's size: a
        // raw series' values are cells, and no series (a run-length list may hold more values
        // than cells) is longer than the streaming reader lets one entry hold.
        let cells = (self.d.cells.len() / 8) as u64;
        let raw_end = at.checked_add(len as u64);
        if len > MAX_SERIES_LEN || (form & STORE_RLE == 0 && raw_end.is_none_or(|end| end > cells))
        {
            return Err(Corrupt(
                "a series is longer than its cells or than any the converter writes",
            ));
        }
        Ok(Series { d: self.d, form, ty, ks, len, at, aux })
    }

    /// `train_acc1es`.
    pub fn train_acc1es(&self) -> R<Series<'a>> {
        self.series(Field::TrainAcc1)
    }

    /// `train_acc5es`.
    pub fn train_acc5es(&self) -> R<Series<'a>> {
        self.series(Field::TrainAcc5)
    }

    /// `train_losses`.
    pub fn train_losses(&self) -> R<Series<'a>> {
        self.series(Field::TrainLoss)
    }

    /// `train_times`.
    pub fn train_times(&self) -> R<Series<'a>> {
        self.series(Field::TrainTime)
    }

    /// `eval_acc1es`.
    pub fn eval_acc1es(&self) -> R<Series<'a>> {
        self.series(Field::EvalAcc1)
    }

    /// `eval_times`.
    pub fn eval_times(&self) -> R<Series<'a>> {
        self.series(Field::EvalTime)
    }

    /// `eval_losses`.
    pub fn eval_losses(&self) -> R<Series<'a>> {
        self.series(Field::EvalLoss)
    }

    /// `latency` (`None` or a list).
    pub fn latency(&self) -> R<Series<'a>> {
        self.series(Field::Latency)
    }
}

/// What a series is in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `None`.
    None,
    /// A `dict`.
    Dict,
    /// A `collections.OrderedDict`.
    OrderedDict,
    /// A `list`.
    List,
}

/// A dict key of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key<'a> {
    /// An int key (epochs).
    Int(i64),
    /// A str key (`'x-valid@199'`).
    Str(&'a str),
}

/// A per-epoch dict (or the latency list, or `None`): keys in source order, values with their
/// Python types, `get` by key.
#[derive(Clone, Copy, Debug)]
pub struct Series<'a> {
    d: Data<'a>,
    form: u8,
    ty: u8,
    /// Dicts: where the keyset's items start, its flags and its id.
    ks: Option<(usize, u8, usize)>,
    len: usize,
    at: u64,
    aux: u64,
}

impl<'a> Series<'a> {
    /// What it is in the source.
    pub fn form(&self) -> Form {
        match self.form & FORM_MASK {
            FORM_NONE => Form::None,
            FORM_DICT => Form::Dict,
            FORM_ODICT => Form::OrderedDict,
            _ => Form::List,
        }
    }

    /// Whether it is `None`.
    pub fn is_none(&self) -> bool {
        self.form & FORM_MASK == FORM_NONE
    }

    /// Number of items (0 for `None`).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it has no items.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Key `i` (dicts only; `None` for lists and out of range).
    pub fn key(&self, i: usize) -> R<Option<Key<'a>>> {
        let Some((st, flags, _)) = self.ks else { return Ok(None) };
        if i >= self.len {
            return Ok(None);
        }
        let item = self
            .d
            .r
            .keysets
            .items
            .get(st + i)
            .ok_or(Corrupt("a keyset is out of range"))?
            .to_native();
        Ok(Some(if flags & KS_STR != 0 {
            Key::Str(self.d.string(u32::try_from(item).map_err(|_| BAD_STR)?)?)
        } else {
            Key::Int(item)
        }))
    }

    /// Value `i` (in key order), if `i < len`.
    #[inline]
    pub fn value(&self, i: usize) -> R<Option<Num>> {
        if i >= self.len {
            return Ok(None);
        }
        let bits = if self.form & STORE_RLE != 0 {
            let mut found = None;
            for p in 0..self.aux {
                let end = self.d.cell(self.at.saturating_add(2 * p))?;
                if (i as u64) < end {
                    found = Some(self.d.cell(self.at.saturating_add(2 * p + 1))?);
                    break;
                }
            }
            found.ok_or(Corrupt("a run-length series is shorter than its keys"))?
        } else {
            self.d.cell(self.at.saturating_add(i as u64))?
        };
        let ty = if self.ty == T_MIXED {
            let j = usize::try_from(self.aux).ok().and_then(|a| a.checked_add(i));
            *j.and_then(|j| self.d.r.mixed_types.get(j))
                .ok_or(Corrupt("a type code is out of range"))?
        } else {
            self.ty
        };
        Num::new(ty, bits).map(Some).ok_or(Corrupt("a number has an unknown type code"))
    }

    /// Where the keys `'{}@{}'.format(name, i)` are, when this dict's keys let them be found by
    /// arithmetic (the real files' eval dicts; see [`crate::MAX_CANONICAL_SETS`]): `Some` gives
    /// every such key's position ([`SetKeys::position`]); `None`: find each key with
    /// [`Series::position_str`]. Decided once per distinct key list, then O(sets) per call.
    pub fn set_keys(&self, name: &str) -> Option<SetKeys> {
        let (_, flags, k) = self.ks?;
        if flags & KS_STR == 0 {
            return None;
        }
        let d = self.d;
        crate::canon::set_keys(d.r, d.canon, k, name, &|id| d.string_bytes(id).ok())
    }

    /// Whether int key `k` is at position `k` for every key (`0, 1, …, len-1` in order).
    pub fn is_dense(&self) -> bool {
        matches!(self.ks, Some((_, flags, _)) if flags & KS_STR == 0 && flags & KS_DENSE != 0)
    }

    /// The values at positions `range` (within `0..len`), in order, given to `f`: the same
    /// values as [`Series::value`] of each position, read in one pass (one bounds check for
    /// plain storage, one walk of the pairs for run-length storage).
    pub fn for_values(&self, range: Range<usize>, mut f: impl FnMut(Num)) -> R<()> {
        if range.start > range.end || range.end > self.len {
            return Err(Corrupt("a value range is out of range"));
        }
        if range.is_empty() {
            return Ok(());
        }
        let unknown = Corrupt("a number has an unknown type code");
        if self.form & STORE_RLE != 0 {
            Num::new(self.ty, 0).ok_or(unknown)?;
            let (mut p, mut i) = (0u64, range.start as u64);
            while i < range.end as u64 {
                if p >= self.aux {
                    return Err(Corrupt("a run-length series is shorter than its keys"));
                }
                let end = self.d.cell(self.at.saturating_add(2 * p))?;
                if i < end {
                    let bits = self.d.cell(self.at.saturating_add(2 * p + 1))?;
                    let stop = end.min(range.end as u64);
                    for _ in i..stop {
                        f(Num { ty: self.ty, bits });
                    }
                    i = stop;
                }
                p += 1;
            }
            return Ok(());
        }
        let outside = Corrupt("a series lies outside the cells");
        let first = self.at.checked_add(range.start as u64).ok_or(outside)?;
        let at = usize::try_from(first).ok().and_then(|a| a.checked_mul(8)).ok_or(outside)?;
        let bytes =
            at.checked_add(range.len() * 8).and_then(|e| self.d.cells.get(at..e)).ok_or(outside)?;
        let cells = bytes.chunks_exact(8).map(|c| {
            let mut x = [0u8; 8];
            x.copy_from_slice(c);
            u64::from_le_bytes(x)
        });
        if self.ty == T_MIXED {
            let j = usize::try_from(self.aux).ok().and_then(|a| a.checked_add(range.start));
            let types = j
                .and_then(|j| self.d.r.mixed_types.get(j..j.checked_add(range.len())?))
                .ok_or(Corrupt("a type code is out of range"))?;
            for (bits, &ty) in cells.zip(types) {
                f(Num::new(ty, bits).ok_or(unknown)?);
            }
        } else {
            Num::new(self.ty, 0).ok_or(unknown)?;
            for bits in cells {
                f(Num { ty: self.ty, bits });
            }
        }
        Ok(())
    }

    /// The position of int key `k` (dicts with int keys).
    pub fn position_int(&self, k: i64) -> R<Option<usize>> {
        let Some((st, flags, _)) = self.ks else { return Ok(None) };
        if flags & KS_STR != 0 {
            return Ok(None);
        }
        if flags & KS_DENSE != 0 {
            return Ok(usize::try_from(k).ok().filter(|&k| k < self.len));
        }
        self.search(st, k)
    }

    /// The position of str key `k` (dicts with str keys).
    pub fn position_str(&self, k: &str) -> R<Option<usize>> {
        let Some((st, flags, _)) = self.ks else { return Ok(None) };
        if flags & KS_STR == 0 {
            return Ok(None);
        }
        match self.d.pool_id(k.as_bytes())? {
            Some(id) => self.search(st, i64::from(id)),
            None => Ok(None),
        }
    }

    /// Binary search of item value `want` through the keyset's sorted positions.
    fn search(&self, st: usize, want: i64) -> R<Option<usize>> {
        let k = &self.d.r.keysets;
        let sorted = k.sorted.get(st..st + self.len).ok_or(Corrupt("a keyset is out of range"))?;
        let items = k.items.get(st..st + self.len).ok_or(Corrupt("a keyset is out of range"))?;
        let (mut lo, mut hi) = (0usize, sorted.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let p = sorted[mid].to_native() as usize;
            let v = items.get(p).ok_or(Corrupt("a keyset order is out of range"))?.to_native();
            match v.cmp(&want) {
                std::cmp::Ordering::Equal => return Ok(Some(p)),
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        Ok(None)
    }

    /// `d[k]` for an int key (epochs), if there.
    #[inline]
    pub fn get_int(&self, k: i64) -> R<Option<Num>> {
        match self.position_int(k)? {
            Some(p) => self.value(p),
            None => Ok(None),
        }
    }

    /// `d[k]` for a str key (`'x-valid@199'`), if there.
    #[inline]
    pub fn get_str(&self, k: &str) -> R<Option<Num>> {
        match self.position_str(k)? {
            Some(p) => self.value(p),
            None => Ok(None),
        }
    }

    /// The values in order.
    pub fn values(&self) -> impl Iterator<Item = R<Num>> + 'a {
        let s = *self;
        (0..self.len).map(move |i| s.value(i).and_then(|v| v.ok_or(Corrupt("a value is missing"))))
    }
}
