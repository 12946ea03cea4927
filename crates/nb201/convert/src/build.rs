//! Checking each arch2infos entry against the NB201 layout and appending it to the columns.
//!
//! One [`Builder`] sees the entries one at a time (as the streaming reader hands them out) and
//! then the top-level object; nothing of an entry is kept but its columns' rows and its cells.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use tnb_pickle::Dtype;
use tnb_pickle::stream::Obj;
use tnb_schema::header::Family;
use tnb_schema::nb201::Nb201;
use tnb_schema::nb201::codes::*;

use crate::cells::Cells;
use crate::error::Error;
use crate::path::{At, Repr, TOP};

/// Largest arch2infos key accepted (exclusive; keys are also at least 0). The store's
/// key → entry table has one slot per key up to the largest, so this bounds it (64 MiB); the
/// real files use 0..15624.
pub const MAX_ARCH_KEY: i64 = 1 << 24;

/// Most generic nodes (the top level outside `meta_archs`, `arch2infos` and
/// `evaluated_indexes`; the real files have about 10).
pub const MAX_GENERIC_NODES: usize = 1 << 20;

/// Deepest nesting of a generic value (the store walks generic values recursively).
pub const MAX_GENERIC_DEPTH: usize = 100;

/// A number's type code and bits (`codes::T_*`), or `None` if `v` is not a number.
pub(crate) fn number(v: &Obj) -> Option<(u8, u64)> {
    Some(match v {
        Obj::Float(f) => (T_FLOAT, f.to_bits()),
        Obj::Int(i) => (T_INT, *i as u64),
        Obj::Bool(b) => (T_BOOL, u64::from(*b)),
        Obj::Scalar(s) => (T_NUMPY + dtype_code(s.dtype), s.bits),
        _ => return None,
    })
}

/// `dtype`'s index in [`Dtype::ALL`].
pub(crate) fn dtype_code(dtype: Dtype) -> u8 {
    Dtype::ALL.iter().position(|d| *d == dtype).unwrap_or(0) as u8
}

fn u32_of(n: usize, what: &str) -> Result<u32, Error> {
    u32::try_from(n).map_err(|_| Error::TooLarge(format!("more than 2^32 {what}")))
}

fn keys_of(items: &[(Obj, Obj)]) -> String {
    let names: Vec<String> = items
        .iter()
        .map(|(k, _)| match k {
            Obj::Str(s) => Repr(s).to_string(),
            other => format!("<{}>", other.type_name()),
        })
        .collect();
    format!("[{}]", names.join(", "))
}

/// A dict's items and whether it is an OrderedDict.
type Items<'v> = (&'v [(Obj, Obj)], bool);

/// `v` as a dict with exactly the str keys `want`, in this order.
fn fixed_dict<'v>(v: &'v Obj, want: &[&str], what: &str, at: &At<'_>) -> Result<Items<'v>, Error> {
    let Obj::Dict { items, ordered } = v else {
        return Err(Error::at(at, format!("expected {what} (a dict), found {}", v.type_name())));
    };
    let same = items.len() == want.len()
        && items.iter().zip(want).all(|((k, _), w)| k.as_str() == Some(*w));
    if !same {
        let want: Vec<String> = want.iter().map(|w| Repr(w).to_string()).collect();
        return Err(Error::at(
            at,
            format!(
                "expected {what} with the keys [{}] in this order, found {}",
                want.join(", "),
                keys_of(items)
            ),
        ));
    }
    Ok((items, *ordered))
}

fn int(v: &Obj, at: &At<'_>) -> Result<i64, Error> {
    match v {
        Obj::Int(i) => Ok(*i),
        other => Err(Error::at(at, format!("expected an int, found {}", other.type_name()))),
    }
}

fn string<'v>(v: &'v Obj, at: &At<'_>) -> Result<&'v str, Error> {
    v.as_str().ok_or_else(|| Error::at(at, format!("expected a str, found {}", v.type_name())))
}

/// One series row before it is pushed (rows are pushed in `SER_*` order, which is not the
/// order of the keys).
#[derive(Clone, Copy, Default)]
struct Row {
    form: u8,
    ty: u8,
    keys: u32,
    at: u64,
    aux: u64,
}

/// Appends entries to the columns (see the module docs).
pub(crate) struct Builder<W: Write> {
    /// The benchmark (NAS-Bench-201 entries are `{'full', 'less'}`; NATS-Bench's any hp keys).
    pub(crate) family: Family,
    pub(crate) cells: Cells<W>,
    pub(crate) root: Nb201,
    pool: HashMap<Box<str>, u32>,
    keysets: HashMap<(bool, Vec<i64>), u32>,
    /// The keyset last used at (series slot, dataset): consecutive runs nearly always share it,
    /// and comparing keys with it is much cheaper than hashing them.
    recent: HashMap<(usize, u32), u32>,
    keys_seen: HashSet<i64>,
    vals: Vec<u64>,
    tys: Vec<u8>,
    items: Vec<i64>,
}

impl<W: Write> Builder<W> {
    pub(crate) fn new(out: W, family: Family) -> Builder<W> {
        let mut root = Nb201::default();
        root.str_offsets.push(0);
        root.ar_runs.push(0);
        root.ar_datasets.push(0);
        root.ds_seeds.push(0);
        root.run_eval_names.push(0);
        root.run_config.push(0);
        root.entry_recs.push(0);
        root.keysets.start.push(0);
        Builder {
            family,
            cells: Cells::new(out),
            root,
            pool: HashMap::new(),
            keysets: HashMap::new(),
            recent: HashMap::new(),
            keys_seen: HashSet::new(),
            vals: Vec::new(),
            tys: Vec::new(),
            items: Vec::new(),
        }
    }

    /// The pool id of `s`, adding it if new.
    pub(crate) fn intern(&mut self, s: &str) -> Result<u32, Error> {
        if let Some(&id) = self.pool.get(s) {
            return Ok(id);
        }
        let id = u32_of(self.pool.len(), "distinct strings")?;
        self.root.str_bytes.extend_from_slice(s.as_bytes());
        let end = u32::try_from(self.root.str_bytes.len())
            .map_err(|_| Error::TooLarge("more than 4 GiB of distinct strings".into()))?;
        self.root.str_offsets.push(end);
        self.pool.insert(s.into(), id);
        Ok(id)
    }

    /// The pool string `id`.
    pub(crate) fn pooled(&self, id: u32) -> &[u8] {
        let o = &self.root.str_offsets;
        let (s, e) = (o[id as usize] as usize, o[id as usize + 1] as usize);
        &self.root.str_bytes[s..e]
    }

    /// Pool ids of the entries read so far, for the top level's checks.
    pub(crate) fn pool_len(&self) -> usize {
        self.pool.len()
    }

    fn io(e: std::io::Error) -> Error {
        Error::io("writing the archive's cells", e)
    }

    /// One `arch2infos` item.
    /// What an entry value looks like, for messages.
    fn entry_shape(&self) -> &'static str {
        if self.family == Family::Nb201 {
            "{'full': ..., 'less': ...}"
        } else {
            "{hp: ArchResults state} (e.g. {'12': ..., '200': ...})"
        }
    }

    pub(crate) fn entry(&mut self, key: &Obj, value: &Obj) -> Result<(), Error> {
        let a2i = TOP.key("arch2infos");
        let k = match key {
            Obj::Int(k) => *k,
            other => {
                return Err(Error::at(
                    a2i,
                    format!("expected int keys (arch indexes), found a {}", other.type_name()),
                ));
            }
        };
        let at = a2i.int(k);
        if !(0..MAX_ARCH_KEY).contains(&k) {
            return Err(Error::at(
                at,
                format!("arch index {k} is outside 0..{MAX_ARCH_KEY} (MAX_ARCH_KEY)"),
            ));
        }
        if !self.keys_seen.insert(k) {
            return Err(Error::at(at, "the arch index appears twice"));
        }
        let Obj::Dict { items, ordered } = value else {
            return Err(Error::at(
                at,
                format!("expected a dict {}, found {}", self.entry_shape(), value.type_name()),
            ));
        };
        if self.family == Family::Nb201 {
            let full = items.iter().position(|(k, _)| k.as_str() == Some("full"));
            let less = items.iter().position(|(k, _)| k.as_str() == Some("less"));
            if !matches!((full, less, items.len()), (Some(_), Some(_), 2)) {
                return Err(Error::at(
                    at,
                    format!(
                        "expected exactly the keys 'full' and 'less' (the official API needs \
                         both), found {}",
                        keys_of(items)
                    ),
                ));
            }
        } else if items.is_empty() {
            return Err(Error::at(at, "expected at least one hp key (e.g. '12'), found none"));
        }
        for (hp, state) in items {
            let Some(name) = hp.as_str() else {
                return Err(Error::at(
                    at,
                    format!("expected str hp keys, found a {} key", hp.type_name()),
                ));
            };
            self.arch_results(state, &at.key(name))?;
            let id = self.intern(name)?;
            self.root.rec_hp.push(id);
        }
        let recs = u32_of(self.root.rec_hp.len(), "ArchResults records")?;
        self.root.entry_recs.push(recs);
        let flags = if *ordered { ENTRY_ODICT } else { 0 };
        self.root.entry_keys.push(k);
        self.root.entry_flags.push(flags);
        Ok(())
    }

    fn arch_results(&mut self, v: &Obj, at: &At<'_>) -> Result<(), Error> {
        let (items, ordered) = fixed_dict(v, &ARCH_KEYS, "an ArchResults state", at)?;
        let index = int(&items[0].1, &at.key(ARCH_KEYS[0]))?;
        let arch_str = string(&items[1].1, &at.key(ARCH_KEYS[1]))?;
        let arch_str = self.intern(arch_str)?;
        let Obj::Bool(clear) = items[4].1 else {
            return Err(Error::at(
                at.key(ARCH_KEYS[4]),
                format!("expected a bool, found {}", items[4].1.type_name()),
            ));
        };
        let ra = at.key(ARCH_KEYS[2]);
        let Obj::Dict { items: results, ordered: results_ordered } = &items[2].1 else {
            return Err(Error::at(
                ra,
                format!("expected a dict, found {}", items[2].1.type_name()),
            ));
        };
        for (k, run) in results {
            let (d, s) = match k {
                Obj::Tuple(t) if t.len() == 2 => match (&t[0], &t[1]) {
                    (Obj::Str(d), Obj::Int(s)) => (d, *s),
                    _ => return Err(bad_result_key(&ra, k)),
                },
                _ => return Err(bad_result_key(&ra, k)),
            };
            let dataset = self.intern(d)?;
            self.run(run, dataset, s, &ra.pair(d, s))?;
        }
        let ds = at.key(ARCH_KEYS[3]);
        let Obj::Dict { items: dsi, ordered: ds_ordered } = &items[3].1 else {
            return Err(Error::at(
                ds,
                format!("expected a dict, found {}", items[3].1.type_name()),
            ));
        };
        for (k, seeds) in dsi {
            let name = string(k, &ds)?;
            let at_d = ds.key(name);
            let Obj::List(list) = seeds else {
                return Err(Error::at(
                    at_d,
                    format!("expected a list of int seeds, found {}", seeds.type_name()),
                ));
            };
            let id = self.intern(name)?;
            self.root.ds_name.push(id);
            for (i, s) in list.iter().enumerate() {
                self.root.seeds.push(int(s, &at_d.int(i as i64))?);
            }
            let end = u32_of(self.root.seeds.len(), "seeds")?;
            self.root.ds_seeds.push(end);
        }
        let mut flags = 0;
        if clear {
            flags |= AR_CLEAR;
        }
        if ordered {
            flags |= AR_ODICT;
        }
        if *results_ordered {
            flags |= AR_RESULTS_ODICT;
        }
        if *ds_ordered {
            flags |= AR_DS_ODICT;
        }
        self.root.ar_index.push(index);
        self.root.ar_str.push(arch_str);
        self.root.ar_flags.push(flags);
        let runs = u32_of(self.root.run_dataset.len(), "runs")?;
        self.root.ar_runs.push(runs);
        let dsn = u32_of(self.root.ds_name.len(), "dataset_seed items")?;
        self.root.ar_datasets.push(dsn);
        Ok(())
    }

    fn run(&mut self, v: &Obj, dataset: u32, seed: i64, at: &At<'_>) -> Result<(), Error> {
        let (items, ordered) = fixed_dict(v, &RESULT_KEYS, "a ResultsCount state", at)?;
        let field = |i: usize| at.key(RESULT_KEYS[i]);
        let name = string(&items[0].1, &field(0))?;
        let name = self.intern(name)?;
        let mut rows = [Row::default(); SERIES_PER_RUN];
        // Key position → series slot.
        for (pos, slot) in [
            (1, SER_TRAIN_ACC1),
            (2, SER_TRAIN_ACC5),
            (3, SER_TRAIN_LOSS),
            (4, SER_TRAIN_TIME),
            (10, SER_LATENCY),
            (12, SER_EVAL_ACC1),
            (13, SER_EVAL_TIME),
            (14, SER_EVAL_LOSS),
        ] {
            rows[slot] = self.series(&items[pos].1, slot, dataset, &field(pos))?;
        }
        let config_ordered = self.config(&items[5].1, &field(5))?;
        let params = number(&items[6].1).ok_or_else(|| {
            Error::at(field(6), format!("expected a number, found {}", items[6].1.type_name()))
        })?;
        let flop = number(&items[7].1).ok_or_else(|| {
            Error::at(field(7), format!("expected a number, found {}", items[7].1.type_name()))
        })?;
        let seed_str = string(&items[8].1, &field(8))?;
        let seed_str = self.intern(seed_str)?;
        let epochs = int(&items[9].1, &field(9))?;
        let ea = field(11);
        let Obj::List(names) = &items[11].1 else {
            return Err(Error::at(
                ea,
                format!("expected a list of str, found {}", items[11].1.type_name()),
            ));
        };
        for (i, n) in names.iter().enumerate() {
            let n = string(n, &ea.int(i as i64))?;
            let id = self.intern(n)?;
            self.root.eval_names.push(id);
        }
        let end = u32_of(self.root.eval_names.len(), "eval names")?;
        if !matches!(items[15].1, Obj::None) {
            return Err(Error::at(
                field(15),
                format!(
                    "expected None (weights are not archived), found {}",
                    items[15].1.type_name()
                ),
            ));
        }
        let r = &mut self.root;
        r.run_eval_names.push(end);
        r.run_dataset.push(dataset);
        r.run_seed.push(seed);
        r.run_name.push(name);
        r.run_seed_str.push(seed_str);
        r.run_epochs.push(epochs);
        r.run_flags.push(
            if ordered { RUN_ODICT } else { 0 } | if config_ordered { RUN_CONFIG_ODICT } else { 0 },
        );
        r.run_params_type.push(params.0);
        r.run_params.push(params.1);
        r.run_flop_type.push(flop.0);
        r.run_flop.push(flop.1);
        let end = u32_of(r.config_keys.len(), "arch_config items")?;
        r.run_config.push(end);
        for row in rows {
            r.series.form.push(row.form);
            r.series.ty.push(row.ty);
            r.series.keys.push(row.keys);
            r.series.at.push(row.at);
            r.series.aux.push(row.aux);
        }
        Ok(())
    }

    /// `arch_config`: a dict of str keys and str or number values, kept item by item (NAS-Bench
    /// 201 and NATS tss: `channel, num_cells, arch_str, class_num`; NATS sss: `name, channels,
    /// arch_str, genotype, class_num`). Returns whether it is an OrderedDict.
    fn config(&mut self, v: &Obj, at: &At<'_>) -> Result<bool, Error> {
        let Obj::Dict { items, ordered } = v else {
            return Err(Error::at(
                at,
                format!("expected an arch_config dict, found {}", v.type_name()),
            ));
        };
        for (k, x) in items {
            let key = string(k, at)?;
            let (ty, bits) = match x {
                Obj::Str(s) => (T_STR, u64::from(self.intern(s)?)),
                other => number(other).ok_or_else(|| {
                    Error::at(
                        at.key(key),
                        format!("expected a str or a number, found {}", other.type_name()),
                    )
                })?,
            };
            let key = self.intern(key)?;
            let r = &mut self.root;
            r.config_keys.push(key);
            r.config_types.push(ty);
            r.config_vals.push(bits);
        }
        Ok(*ordered)
    }

    /// A series value: `None`, a dict of numbers (int or str keys), or a list of numbers.
    fn series(&mut self, v: &Obj, slot: usize, dataset: u32, at: &At<'_>) -> Result<Row, Error> {
        let (form, keys) = match v {
            Obj::None => {
                return Ok(Row { form: FORM_NONE, at: self.cells.count(), ..Row::default() });
            }
            Obj::Dict { items, ordered } => {
                let ks = self.keyset(items, slot, dataset, at)?;
                self.vals.clear();
                self.tys.clear();
                for (k, x) in items {
                    let (t, b) = number(x).ok_or_else(|| not_number(at, k, x))?;
                    self.tys.push(t);
                    self.vals.push(b);
                }
                (if *ordered { FORM_ODICT } else { FORM_DICT }, ks)
            }
            Obj::List(xs) => {
                self.vals.clear();
                self.tys.clear();
                for (i, x) in xs.iter().enumerate() {
                    let (t, b) = number(x).ok_or_else(|| {
                        Error::at(
                            at.int(i as i64),
                            format!("expected a number, found {}", x.type_name()),
                        )
                    })?;
                    self.tys.push(t);
                    self.vals.push(b);
                }
                (FORM_LIST, u32_of(xs.len(), "list items")?)
            }
            other => {
                return Err(Error::at(
                    at,
                    format!(
                        "expected a dict of numbers, a list or None, found {}",
                        other.type_name()
                    ),
                ));
            }
        };
        self.store(form, keys)
    }

    /// Writes `self.vals` (types `self.tys`) in the most compact exact form.
    fn store(&mut self, form: u8, keys: u32) -> Result<Row, Error> {
        let n = self.vals.len();
        let ty = match self.tys.first() {
            None => T_FLOAT,
            Some(&t) if self.tys.iter().all(|&x| x == t) => t,
            Some(_) => T_MIXED,
        };
        if ty != T_MIXED && n >= 2 {
            let mut pairs: Vec<u64> = Vec::new();
            let mut runs = 0u64;
            for (i, &b) in self.vals.iter().enumerate() {
                if i + 1 == n || self.vals[i + 1] != b {
                    runs += 1;
                    if runs > MAX_RLE_PAIRS {
                        break;
                    }
                    pairs.push(i as u64 + 1);
                    pairs.push(b);
                }
            }
            if runs <= MAX_RLE_PAIRS && 2 * runs < n as u64 {
                let at = self.cells.push(&pairs).map_err(Self::io)?;
                return Ok(Row { form: form | STORE_RLE, ty, keys, at, aux: runs });
            }
        }
        let at = self.cells.push(&self.vals).map_err(Self::io)?;
        let aux = if ty == T_MIXED {
            let off = self.root.mixed_types.len() as u64;
            self.root.mixed_types.extend_from_slice(&self.tys);
            off
        } else {
            0
        };
        Ok(Row { form: form | STORE_RAW, ty, keys, at, aux })
    }

    /// The keyset id of a dict's keys (all ints or all strs), adding it if new.
    fn keyset(
        &mut self,
        items: &[(Obj, Obj)],
        slot: usize,
        dataset: u32,
        at: &At<'_>,
    ) -> Result<u32, Error> {
        if let Some(&k) = self.recent.get(&(slot, dataset)) {
            if self.keyset_is(k, items) {
                return Ok(k);
            }
        }
        let is_str = matches!(items.first(), Some((Obj::Str(_), _)));
        self.items.clear();
        for (k, _) in items {
            let item = match (k, is_str) {
                (Obj::Str(s), true) => i64::from(self.intern(s)?),
                (Obj::Int(i), false) => *i,
                _ => {
                    return Err(Error::at(
                        at,
                        format!(
                            "expected keys that are all ints or all strs, found a {} key",
                            k.type_name()
                        ),
                    ));
                }
            };
            self.items.push(item);
        }
        let key = (is_str, std::mem::take(&mut self.items));
        let id = match self.keysets.get(&key) {
            Some(&id) => id,
            None => {
                let ks = &mut self.root.keysets;
                let id = u32_of(ks.flags.len(), "key lists")?;
                let items = &key.1;
                let mut sorted: Vec<u32> = (0..items.len() as u32).collect();
                sorted.sort_by_key(|&p| items[p as usize]);
                if let Some(w) =
                    sorted.windows(2).find(|w| items[w[0] as usize] == items[w[1] as usize])
                {
                    let k = &items[w[0] as usize];
                    return Err(Error::at(
                        at,
                        format!("the key at position {} repeats an earlier key ({k})", w[1]),
                    ));
                }
                let dense = !is_str && items.iter().enumerate().all(|(i, &k)| k == i as i64);
                ks.flags.push(if is_str { KS_STR } else { 0 } | if dense { KS_DENSE } else { 0 });
                ks.items.extend_from_slice(items);
                ks.sorted.extend_from_slice(&sorted);
                ks.start.push(ks.items.len() as u64);
                self.keysets.insert(key.clone(), id);
                id
            }
        };
        self.items = key.1;
        self.recent.insert((slot, dataset), id);
        Ok(id)
    }

    /// Whether keyset `k` holds exactly `items`' keys, in order.
    fn keyset_is(&self, k: u32, items: &[(Obj, Obj)]) -> bool {
        let ks = &self.root.keysets;
        let (s, e) = (ks.start[k as usize] as usize, ks.start[k as usize + 1] as usize);
        if e - s != items.len() {
            return false;
        }
        let is_str = ks.flags[k as usize] & KS_STR != 0;
        items.iter().zip(&ks.items[s..e]).all(|((key, _), &item)| match key {
            Obj::Str(x) if is_str => self.pooled(item as u32) == x.as_bytes(),
            Obj::Int(i) if !is_str => *i == item,
            _ => false,
        })
    }
}

fn bad_result_key(at: &At<'_>, k: &Obj) -> Error {
    Error::at(at, format!("expected (str, int) keys, found a {} key", k.type_name()))
}

fn not_number(at: &At<'_>, k: &Obj, x: &Obj) -> Error {
    let what = format!("expected a number, found {}", x.type_name());
    match k {
        Obj::Str(s) => Error::at(at.key(s), what),
        Obj::Int(i) => Error::at(at.int(*i), what),
        _ => Error::at(at, what),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_type_and_bits() {
        // Each numpy dtype by its position in Dtype::ALL (the store reads it back by the same
        // position), not by the first dtype that happens to match some other way.
        for (i, d) in Dtype::ALL.iter().enumerate() {
            assert_eq!(dtype_code(*d) as usize, i, "{d:?}");
            let s = Obj::Scalar(tnb_pickle::Scalar { dtype: *d, bits: 5 });
            assert_eq!(number(&s), Some((T_NUMPY + i as u8, 5)), "{d:?}");
        }
        assert_eq!(number(&Obj::Float(1.5)), Some((T_FLOAT, 1.5f64.to_bits())));
        assert_eq!(number(&Obj::Int(-2)), Some((T_INT, (-2i64) as u64)));
        assert_eq!(number(&Obj::Bool(true)), Some((T_BOOL, 1)));
        assert_eq!(number(&Obj::Bool(false)), Some((T_BOOL, 0)));
        assert_eq!(number(&Obj::None), None);
        assert_eq!(number(&Obj::Str("1".into())), None);
    }
}
