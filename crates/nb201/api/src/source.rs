//! What the semantics read: the [`Source`] trait, one accessor per field of the official
//! objects (`NASBench201API`'s `meta_archs`/`arch2infos_dict`/`evaluated_indexes`, each
//! `ArchResults`, each `ResultsCount`), with every number carrying its Python type ([`Num`]).
//! The archive store implements it (see [`crate::store`]), and so does [`crate::MemSource`],
//! built from a pickled object.

/// A number as the file holds it, with its Python type: the official API returns it as it is
/// (single-seed values) or feeds it to `np.mean` / `sum`, whose result types follow from it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    /// A Python `int` (a `bool` is read as its int).
    Int(i64),
    /// A Python `float`.
    Float(f64),
    /// A `numpy.float64` scalar.
    F64(f64),
}

impl Num {
    /// The value as a double (ints converted as Python's `float(i)` does for 53-bit ints).
    pub fn f(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(x) | Num::F64(x) => x,
        }
    }

    /// Python's name for the type (`'int'`, `'float'`, `'numpy.float64'`).
    pub fn type_name(self) -> &'static str {
        match self {
            Num::Int(_) => "int",
            Num::Float(_) => "float",
            Num::F64(_) => "numpy.float64",
        }
    }
}

/// A scalar attribute value (`arch_config` values, `ResultsCount.seed`...).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar<'s> {
    /// `None`.
    None,
    /// A `bool`.
    Bool(bool),
    /// A number.
    Num(Num),
    /// A `str`.
    Str(&'s str),
}

/// The longest hp key [`Hp`] holds (the real files' keys are 2 or 3 bytes: `'12'`, `'200'`,
/// `'01'`, `'90'`); a source with a longer key is refused by its loader.
pub const MAX_HP_LEN: usize = 15;

/// A key of `arch2infos_dict[index]`: the hp string the API takes (`'12'`, `'200'` for
/// NAS-Bench-201, whose file names them `less` / `full`; NATS-Bench's keys as its files spell
/// them: `'12'`, `'200'` / `'01'`, `'12'`, `'90'`). A small copyable value (at most
/// [`MAX_HP_LEN`] bytes).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hp {
    len: u8,
    buf: [u8; MAX_HP_LEN],
}

impl std::fmt::Debug for Hp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hp({:?})", self.key())
    }
}

#[allow(non_upper_case_globals)]
impl Hp {
    /// `'12'`: NAS-Bench-201's `less` entry (12 epochs), also NATS-Bench's `'12'`.
    pub const Less: Hp = Hp::lit("12");
    /// `'200'`: NAS-Bench-201's `full` entry (200 epochs), also NATS-Bench tss' `'200'`.
    pub const Full: Hp = Hp::lit("200");
    /// NAS-Bench-201's two, in `arch2infos_dict[index]`'s order.
    pub const ALL: [Hp; 2] = [Hp::Less, Hp::Full];

    /// The hp of a literal key (a compile-time error beyond [`MAX_HP_LEN`] bytes).
    pub const fn lit(s: &str) -> Hp {
        let b = s.as_bytes();
        assert!(b.len() <= MAX_HP_LEN, "hp key too long");
        let mut buf = [0u8; MAX_HP_LEN];
        let mut i = 0;
        while i < b.len() {
            buf[i] = b[i];
            i += 1;
        }
        Hp { len: b.len() as u8, buf }
    }

    /// The key string.
    pub fn key(&self) -> &str {
        // Built from a `&str` only, so the bytes are UTF-8.
        std::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or("")
    }

    /// The hp whose key is exactly `s` (`None` beyond [`MAX_HP_LEN`] bytes: no source holds
    /// such a key).
    pub fn from_key(s: &str) -> Option<Hp> {
        if s.len() > MAX_HP_LEN {
            return None;
        }
        let mut buf = [0u8; MAX_HP_LEN];
        buf[..s.len()].copy_from_slice(s.as_bytes());
        Some(Hp { len: s.len() as u8, buf })
    }
}

/// The per-epoch tables of a `ResultsCount`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Table {
    /// `train_acc1es` (int epoch keys).
    TrainAcc1es,
    /// `train_acc5es` (int epoch keys; `None` in old-format results).
    TrainAcc5es,
    /// `train_losses` (int epoch keys).
    TrainLosses,
    /// `train_times` (int epoch keys; `None` in v1_0 200-epoch results).
    TrainTimes,
    /// `eval_acc1es` (`'set@epoch'` keys).
    EvalAcc1es,
    /// `eval_losses` (`'set@epoch'` keys).
    EvalLosses,
    /// `eval_times` (`'set@epoch'` keys; `{}` in v1_0 200-epoch results).
    EvalTimes,
}

/// What a table attribute holds: `None`, a `dict` or a `collections.OrderedDict` (both pass
/// the official `isinstance(x, dict)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableKind {
    /// The attribute is `None`.
    None,
    /// A plain `dict`.
    Dict,
    /// A `collections.OrderedDict`.
    OrderedDict,
}

/// A table key as stored (int epochs for train tables, `'set@epoch'` strings for eval tables).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableKey<'s> {
    /// An int key.
    Int(i64),
    /// A str key (verbatim).
    Str(&'s str),
}

/// Everything the official API reads from its loaded object. Handles are small `Copy` values
/// valid for the source they came from; positions are in source order.
///
/// Implementations are expected to have validated the shapes the types here promise (a
/// `dataset_seed` value is a list of ints, a table value is a number ...); values the official
/// code could read but this trait cannot express are refused by the implementation's loader.
pub trait Source {
    /// One `ArchResults` (an arch index × hp).
    type Results: Copy;
    /// One `ResultsCount` (a run).
    type Run: Copy;

    /// `len(meta_archs)`.
    fn num_archs(&self) -> usize;
    /// `meta_archs[i]`.
    fn meta_arch(&self, i: usize) -> Option<&str>;
    /// `archstr2index[arch]`.
    fn arch_index(&self, arch: &str) -> Option<usize>;
    /// `len(evaluated_indexes)`.
    fn evaluated_len(&self) -> usize;
    /// `evaluated_indexes[k]` (ascending, as the constructor sorts them).
    fn evaluated(&self, k: usize) -> i64;
    /// `arch2infos_dict[index][hp]`, `None` when `index` or `hp` is not a key.
    fn results(&self, index: i64, hp: Hp) -> Option<Self::Results>;
    /// Whether `index` is a key of `arch2infos_dict` (by default: it has the hp `'12'`, as
    /// every NAS-Bench-201 entry does).
    fn has_entry(&self, index: i64) -> bool {
        self.results(index, Hp::Less).is_some()
    }
    /// `len(arch2infos_dict[index])` (0 when `index` is not a key; by default NAS-Bench-201's
    /// two).
    fn hp_count(&self, index: i64) -> usize {
        if self.has_entry(index) { 2 } else { 0 }
    }
    /// The `j`-th key of `arch2infos_dict[index]` (by default NAS-Bench-201's `'12'`, `'200'`).
    fn hp_at(&self, index: i64, j: usize) -> Hp {
        let _ = index;
        Hp::ALL[j.min(1)]
    }
    /// `index in evaluated_indexes` (a binary search of the ascending list by default).
    fn is_evaluated(&self, index: i64) -> bool {
        let (mut lo, mut hi) = (0, self.evaluated_len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.evaluated(mid).cmp(&index) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    /// `ArchResults.arch_index`.
    fn arch_index_of(&self, r: Self::Results) -> i64;
    /// `ArchResults.arch_str`.
    fn arch_str(&self, r: Self::Results) -> &str;
    /// `ArchResults.clear_net_done`.
    fn clear_net_done(&self, r: Self::Results) -> bool;
    /// `len(ArchResults.dataset_seed)`.
    fn dataset_count(&self, r: Self::Results) -> usize;
    /// The `d`-th key of `dataset_seed`.
    fn dataset_name(&self, r: Self::Results, d: usize) -> &str;
    /// `len(dataset_seed[d-th key])`.
    fn seed_count(&self, r: Self::Results, d: usize) -> usize;
    /// `dataset_seed[d-th key][k]`.
    fn seed(&self, r: Self::Results, d: usize, k: usize) -> i64;
    /// `len(all_results)`.
    fn run_count(&self, r: Self::Results) -> usize;
    /// The `j`-th key `(dataset, seed)` of `all_results`.
    fn run_key(&self, r: Self::Results, j: usize) -> (&str, i64);
    /// The `j`-th value of `all_results`.
    fn run(&self, r: Self::Results, j: usize) -> Self::Run;

    /// `ResultsCount.name`.
    fn name(&self, run: Self::Run) -> &str;
    /// `ResultsCount.seed` (a zero-padded `str` in the released files).
    fn seed_attr(&self, run: Self::Run) -> Scalar<'_>;
    /// `ResultsCount.epochs`.
    fn epochs(&self, run: Self::Run) -> i64;
    /// `ResultsCount.flop`.
    fn flop(&self, run: Self::Run) -> Num;
    /// `ResultsCount.params`.
    fn params(&self, run: Self::Run) -> Num;
    /// `len(ResultsCount.latency)`, `None` when the attribute is `None`.
    fn latency_len(&self, run: Self::Run) -> Option<usize>;
    /// `ResultsCount.latency[k]`.
    fn latency(&self, run: Self::Run, k: usize) -> Num;
    /// `len(ResultsCount.eval_names)`.
    fn eval_name_count(&self, run: Self::Run) -> usize;
    /// `ResultsCount.eval_names[k]`.
    fn eval_name(&self, run: Self::Run, k: usize) -> &str;
    /// `len(ResultsCount.arch_config)`.
    fn arch_config_len(&self, run: Self::Run) -> usize;
    /// The `k`-th item of `ResultsCount.arch_config`.
    fn arch_config_item(&self, run: Self::Run, k: usize) -> (&str, Scalar<'_>);
    /// What the table attribute holds.
    fn table_kind(&self, run: Self::Run, t: Table) -> TableKind;
    /// Its length (0 for `None`).
    fn table_len(&self, run: Self::Run, t: Table) -> usize;
    /// Its `pos`-th key.
    fn table_key(&self, run: Self::Run, t: Table, pos: usize) -> TableKey<'_>;
    /// Its `pos`-th value.
    fn table_value(&self, run: Self::Run, t: Table, pos: usize) -> Num;
    /// `table[key]` for an int key.
    fn table_get_int(&self, run: Self::Run, t: Table, key: i64) -> Option<Num>;
    /// `table[key]` for a str key.
    fn table_get_str(&self, run: Self::Run, t: Table, key: &str) -> Option<Num>;

    /// The first failure of a read, for a source whose reads can fail (a corrupted archive:
    /// the accessors then answer neutral values, and the answer must be discarded).
    fn failure(&self) -> Option<&'static str> {
        None
    }

    /// `[table['{name}@{i}'] for i in range(n)]` appended to `out` (the official time sums
    /// and `get_times` read whole runs of eval keys); `Err(i)` for the first `i` whose key is
    /// missing. A source can override it to read runs of keys without a lookup each.
    fn eval_series(
        &self,
        run: Self::Run,
        t: Table,
        name: &str,
        n: i64,
        out: &mut Vec<Num>,
    ) -> Result<(), i64> {
        let mut k = String::with_capacity(name.len() + 8);
        for i in 0..n {
            crate::text::set_key(&mut k, name, i);
            out.push(self.table_get_str(run, t, &k).ok_or(i)?);
        }
        Ok(())
    }

    /// `[table[i] for i in range(n)]` of an int-keyed table appended to `out`; `Err(i)` for
    /// the first missing key.
    fn int_series(&self, run: Self::Run, t: Table, n: i64, out: &mut Vec<Num>) -> Result<(), i64> {
        for i in 0..n {
            out.push(self.table_get_int(run, t, i).ok_or(i)?);
        }
        Ok(())
    }

    /// Every key of the table in order, given to `f` (the official messages list them).
    fn for_table_keys(&self, run: Self::Run, t: Table, f: &mut dyn FnMut(TableKey<'_>)) {
        for p in 0..self.table_len(run, t) {
            f(self.table_key(run, t, p));
        }
    }

    /// `list(table.values())` appended to `out`.
    fn table_values(&self, run: Self::Run, t: Table, out: &mut Vec<Num>) {
        out.extend((0..self.table_len(run, t)).map(|p| self.table_value(run, t, p)));
    }

    /// `all_results[(dataset, seed)]`.
    fn find_run(&self, r: Self::Results, dataset: &str, seed: i64) -> Option<Self::Run> {
        (0..self.run_count(r))
            .find(|&j| self.run_key(r, j) == (dataset, seed))
            .map(|j| self.run(r, j))
    }
    /// The position of `dataset` among `dataset_seed`'s keys.
    fn find_dataset(&self, r: Self::Results, dataset: &str) -> Option<usize> {
        (0..self.dataset_count(r)).find(|&d| self.dataset_name(r, d) == dataset)
    }
    /// The position of the run `all_results[(dataset, seed)]`.
    fn find_run_pos(&self, r: Self::Results, dataset: &str, seed: i64) -> Option<usize> {
        (0..self.run_count(r)).find(|&j| self.run_key(r, j) == (dataset, seed))
    }
}
