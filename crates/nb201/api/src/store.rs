//! [`StoreSource`]: the NB201 archive (`tnb_nb201_store::Archive`) as a [`Source`].
//!
//! The store checks at open what every read relies on, and a read of a crafted archive returns
//! `Corrupt` rather than panicking; the trait's accessors cannot fail, so this records the first
//! such failure (and answers a neutral value: an empty string, zero, `NaN`) and the dispatchers
//! ([`crate::call`], [`crate::call_with`], [`crate::call_results`], [`crate::call_run`]) turn it
//! into a `FormatError` instead of an answer. Callers of [`crate::Nb201`]'s methods check
//! [`Source::failure`] after each call.

use std::cell::Cell;

use tnb_schema::header::Family;

use tnb_nb201_store::{
    ArchResults, Archive, ConfigValue, Corrupt, Form, Key, NumKind, R, Run, Series, SourceForm,
};

use crate::source::{Hp, Num, Scalar, Source, Table, TableKey, TableKind};

/// An archive read through the [`Source`] accessors.
#[derive(Debug)]
pub struct StoreSource<'a, B: AsRef<[u8]>> {
    archive: &'a Archive<B>,
    /// `sorted(evaluated_indexes)` when the file's list is not already ascending (the real
    /// files' is), so the common case allocates nothing; for an archive of a NATS-Bench
    /// `-simple` folder, the archs it holds (its entries).
    sorted: Option<Vec<i64>>,
    /// Whether the hp keys are NATS-Bench's own (else NAS-Bench-201's `less`/`full`, which the
    /// API names `'12'`/`'200'`).
    nats: bool,
    failure: Cell<Option<&'static str>>,
}

impl<'a, B: AsRef<[u8]>> StoreSource<'a, B> {
    /// The source over `archive`.
    pub fn new(archive: &'a Archive<B>) -> Result<Self, Corrupt> {
        let nats = archive.family() != Family::Nb201;
        if nats && archive.form()? == SourceForm::Folder {
            // In tnb every arch of a folder is available from the start: `evaluated_indexes`
            // is the per-arch files present.
            let mut v: Vec<i64> = archive.entry_keys()?.iter().collect();
            v.sort_unstable();
            v.dedup();
            return Ok(StoreSource { archive, sorted: Some(v), nats, failure: Cell::new(None) });
        }
        let ev = archive.evaluated_indexes()?;
        let ascending = ev.iter().zip(ev.iter().skip(1)).all(|(a, b)| a < b);
        let sorted = (!ascending).then(|| {
            let mut v: Vec<i64> = ev.iter().collect();
            v.sort_unstable();
            // NATS-Bench keeps a set; NAS-Bench-201's list has no duplicates in any release.
            if nats {
                v.dedup();
            }
            v
        });
        Ok(StoreSource { archive, sorted, nats, failure: Cell::new(None) })
    }

    /// The entry (position) of arch key `index`.
    fn entry(&self, index: i64) -> Option<usize> {
        self.ok(self.archive.entry(index), None)
    }

    /// The archive.
    pub fn archive(&self) -> &'a Archive<B> {
        self.archive
    }

    fn fail(&self, m: &'static str) {
        if self.failure.get().is_none() {
            self.failure.set(Some(m));
        }
    }

    /// The run, or the recorded failure of a missing one.
    fn some(&self, run: Option<Run<'a>>) -> Option<Run<'a>> {
        if run.is_none() {
            self.fail("a run is out of range");
        }
        run
    }

    fn ok<T>(&self, r: R<T>, default: T) -> T {
        match r {
            Ok(v) => v,
            Err(Corrupt(m)) => {
                if self.failure.get().is_none() {
                    self.failure.set(Some(m));
                }
                default
            }
        }
    }

    /// The values at positions `range` appended to `out`, in one pass; after a failed read
    /// (recorded) the positions not read are NaN, as the lookups give them.
    fn read(&self, s: Series<'a>, range: std::ops::Range<usize>, out: &mut Vec<Num>) {
        let start = out.len();
        out.resize(start + range.len(), NAN);
        let mut slots = out[start..].iter_mut();
        let read = s.for_values(range, |v| {
            if let Some(x) = slots.next() {
                *x = num(v);
            }
        });
        self.ok(read, ());
    }

    fn series(&self, run: Option<Run<'a>>, t: Table) -> Option<Series<'a>> {
        let run = self.some(run)?;
        use tnb_nb201_store::Field;
        let f = match t {
            Table::TrainAcc1es => Field::TrainAcc1,
            Table::TrainAcc5es => Field::TrainAcc5,
            Table::TrainLosses => Field::TrainLoss,
            Table::TrainTimes => Field::TrainTime,
            Table::EvalAcc1es => Field::EvalAcc1,
            Table::EvalLosses => Field::EvalLoss,
            Table::EvalTimes => Field::EvalTime,
        };
        self.ok(run.series(f).map(Some), None)
    }
}

#[inline]
fn num(n: tnb_nb201_store::Num) -> Num {
    // The common case first, straight from the bits.
    if n.is_np_f64() {
        return Num::F64(f64::from_bits(n.bits()));
    }
    match n.kind() {
        NumKind::Float => Num::Float(f64::from_bits(n.bits())),
        NumKind::Int => Num::Int(n.bits() as i64),
        NumKind::Bool => Num::Int(i64::from(n.bits() != 0)),
        // The converter keeps numpy scalars' dtype; the benchmark files hold float64 only.
        NumKind::Numpy(_) => Num::F64(n.to_f64()),
    }
}

const NAN: Num = Num::Float(f64::NAN);

fn store_hp(hp: Hp) -> Option<tnb_nb201_store::Hp> {
    match hp {
        Hp::Less => Some(tnb_nb201_store::Hp::Less),
        Hp::Full => Some(tnb_nb201_store::Hp::Full),
        _ => None,
    }
}

impl<'a, B: AsRef<[u8]>> Source for StoreSource<'a, B> {
    type Results = ArchResults<'a>;
    /// `None` stands for a run a corrupt table does not hold (the failure is recorded).
    type Run = Option<Run<'a>>;

    fn failure(&self) -> Option<&'static str> {
        self.failure.get()
    }
    fn num_archs(&self) -> usize {
        self.archive.len()
    }
    fn meta_arch(&self, i: usize) -> Option<&str> {
        self.ok(self.archive.meta_arch(i), None)
    }
    fn arch_index(&self, arch: &str) -> Option<usize> {
        self.ok(self.archive.arch_index(arch), None)
    }
    fn evaluated_len(&self) -> usize {
        match &self.sorted {
            Some(v) => v.len(),
            None => self.ok(self.archive.evaluated_indexes().map(|e| e.len()), 0),
        }
    }
    fn evaluated(&self, k: usize) -> i64 {
        match &self.sorted {
            Some(v) => v.get(k).copied().unwrap_or(-1),
            None => self.ok(self.archive.evaluated_indexes().map(|e| e.get(k).unwrap_or(-1)), -1),
        }
    }
    fn results(&self, index: i64, hp: Hp) -> Option<ArchResults<'a>> {
        if self.nats {
            return self.ok(self.archive.results_by_key(index, hp.key()), None);
        }
        let h = store_hp(hp)?;
        self.ok(self.archive.arch_results(index, h), None)
    }
    fn has_entry(&self, index: i64) -> bool {
        self.entry(index).is_some()
    }
    fn hp_count(&self, index: i64) -> usize {
        match self.entry(index) {
            // The official NAS-Bench-201 constructor makes `{'12': less, '200': full}`,
            // whatever the file's order.
            Some(_) if !self.nats => 2,
            Some(e) => self.ok(self.archive.hp_count(e), 0),
            None => 0,
        }
    }
    fn hp_at(&self, index: i64, j: usize) -> Hp {
        if !self.nats {
            return Hp::ALL[j.min(1)];
        }
        let key = self.entry(index).and_then(|e| self.ok(self.archive.hp_key(e, j), None));
        let hp = key.and_then(Hp::from_key);
        hp.unwrap_or_else(|| {
            self.fail("an hp key is out of range");
            Hp::Less
        })
    }
    fn arch_index_of(&self, r: ArchResults<'a>) -> i64 {
        self.ok(r.arch_index(), 0)
    }
    fn arch_str(&self, r: ArchResults<'a>) -> &str {
        self.ok(r.arch_str(), "")
    }
    fn clear_net_done(&self, r: ArchResults<'a>) -> bool {
        self.ok(r.clear_net_done(), false)
    }
    fn dataset_count(&self, r: ArchResults<'a>) -> usize {
        self.ok(r.dataset_seed().map(|d| d.len()), 0)
    }
    fn dataset_name(&self, r: ArchResults<'a>, d: usize) -> &str {
        self.ok(r.dataset_seed().and_then(|x| x.get(d)).map(|x| x.map_or("", |(n, _)| n)), "")
    }
    fn seed_count(&self, r: ArchResults<'a>, d: usize) -> usize {
        self.ok(r.dataset_seed().and_then(|x| x.get(d)).map(|x| x.map_or(0, |(_, s)| s.len())), 0)
    }
    fn seed(&self, r: ArchResults<'a>, d: usize, k: usize) -> i64 {
        let got = r.dataset_seed().and_then(|x| x.get(d)).map(|x| x.and_then(|(_, s)| s.get(k)));
        self.ok(got, None).unwrap_or(0)
    }
    fn run_count(&self, r: ArchResults<'a>) -> usize {
        self.ok(r.run_count(), 0)
    }
    fn run_key(&self, r: ArchResults<'a>, j: usize) -> (&str, i64) {
        match self.ok(r.run(j), None) {
            Some(run) => (self.ok(run.dataset(), ""), self.ok(run.seed(), 0)),
            None => ("", 0),
        }
    }
    fn run(&self, r: ArchResults<'a>, j: usize) -> Option<Run<'a>> {
        let run = self.ok(r.run(j), None);
        if run.is_none() {
            self.fail("a run is out of range");
        }
        run
    }
    fn name(&self, run: Option<Run<'a>>) -> &str {
        self.some(run).map_or("", |run| self.ok(run.name(), ""))
    }
    fn seed_attr(&self, run: Option<Run<'a>>) -> Scalar<'_> {
        Scalar::Str(self.some(run).map_or("", |run| self.ok(run.seed_str(), "")))
    }
    fn epochs(&self, run: Option<Run<'a>>) -> i64 {
        self.some(run).map_or(0, |run| self.ok(run.epochs(), 0))
    }
    fn flop(&self, run: Option<Run<'a>>) -> Num {
        self.some(run).map_or(NAN, |run| self.ok(run.flop().map(num), NAN))
    }
    fn params(&self, run: Option<Run<'a>>) -> Num {
        self.some(run).map_or(NAN, |run| self.ok(run.params().map(num), NAN))
    }
    fn latency_len(&self, run: Option<Run<'a>>) -> Option<usize> {
        let s = self.ok(self.some(run)?.latency().map(Some), None)?;
        (!s.is_none()).then(|| s.len())
    }
    fn latency(&self, run: Option<Run<'a>>, k: usize) -> Num {
        let Some(run) = self.some(run) else { return NAN };
        let v = run.latency().and_then(|s| s.value(k));
        self.ok(v, None).map_or(NAN, num)
    }
    fn eval_name_count(&self, run: Option<Run<'a>>) -> usize {
        self.some(run).map_or(0, |run| self.ok(run.eval_names().map(|n| n.len()), 0))
    }
    fn eval_name(&self, run: Option<Run<'a>>, k: usize) -> &str {
        let Some(run) = self.some(run) else { return "" };
        self.ok(run.eval_names().and_then(|n| n.get(k)), None).unwrap_or("")
    }
    fn arch_config_len(&self, run: Option<Run<'a>>) -> usize {
        self.some(run).map_or(0, |run| self.ok(run.arch_config_dict().map(|c| c.len()), 0))
    }
    fn arch_config_item(&self, run: Option<Run<'a>>, k: usize) -> (&str, Scalar<'_>) {
        let Some(c) =
            self.some(run).and_then(|run| self.ok(run.arch_config_dict().map(Some), None))
        else {
            return ("", Scalar::None);
        };
        match self.ok(c.item(k), None) {
            Some((key, ConfigValue::Str(v))) => (key, Scalar::Str(v)),
            Some((key, ConfigValue::Num(n))) => (key, Scalar::Num(num(n))),
            None => {
                self.fail("an arch_config item is out of range");
                ("", Scalar::None)
            }
        }
    }
    fn table_kind(&self, run: Option<Run<'a>>, t: Table) -> TableKind {
        match self.series(run, t).map(|s| s.form()) {
            None | Some(Form::None) => TableKind::None,
            Some(Form::OrderedDict) => TableKind::OrderedDict,
            Some(Form::Dict | Form::List) => TableKind::Dict,
        }
    }
    fn table_len(&self, run: Option<Run<'a>>, t: Table) -> usize {
        self.series(run, t).map_or(0, |s| s.len())
    }
    fn table_key(&self, run: Option<Run<'a>>, t: Table, pos: usize) -> TableKey<'_> {
        let k = self.series(run, t).map(|s| self.ok(s.key(pos), None));
        match k.flatten() {
            Some(Key::Int(i)) => TableKey::Int(i),
            Some(Key::Str(s)) => TableKey::Str(s),
            None => TableKey::Int(pos as i64),
        }
    }
    fn table_value(&self, run: Option<Run<'a>>, t: Table, pos: usize) -> Num {
        let v = self.series(run, t).map(|s| self.ok(s.value(pos), None));
        v.flatten().map_or(NAN, num)
    }
    fn table_get_int(&self, run: Option<Run<'a>>, t: Table, key: i64) -> Option<Num> {
        let s = self.series(run, t)?;
        self.ok(s.get_int(key), None).map(num)
    }
    fn eval_series(
        &self,
        run: Option<Run<'a>>,
        t: Table,
        name: &str,
        n: i64,
        out: &mut Vec<Num>,
    ) -> Result<(), i64> {
        let Some(s) = self.series(run, t) else {
            return if n > 0 { Err(0) } else { Ok(()) };
        };
        // The files write `name@0`, `name@1`, ... one after another: the store finds them by
        // arithmetic, and the values are read in one pass.
        if let Some(keys) = s.set_keys(name) {
            // The keys from `name@0` on, or none when the set starts later.
            let at = if keys.first == 0 { keys.at } else { 0..0 };
            let have = usize::try_from(n).unwrap_or(0).min(at.len());
            self.read(s, at.start..at.start + have, out);
            return if (have as i64) < n { Err(have as i64) } else { Ok(()) };
        }
        // Other key lists: each key built and looked up; the next position is tried first.
        let mut k = String::with_capacity(name.len() + 8);
        let mut pos: Option<usize> = None;
        for i in 0..n {
            crate::text::set_key(&mut k, name, i);
            let next = pos
                .map(|p| p + 1)
                .filter(|&p| matches!(self.ok(s.key(p), None), Some(Key::Str(x)) if x == k));
            let p = match next {
                Some(p) => p,
                None => self.ok(s.position_str(&k), None).ok_or(i)?,
            };
            out.push(self.ok(s.value(p), None).map_or(NAN, num));
            pos = Some(p);
        }
        Ok(())
    }
    fn int_series(
        &self,
        run: Option<Run<'a>>,
        t: Table,
        n: i64,
        out: &mut Vec<Num>,
    ) -> Result<(), i64> {
        let Some(s) = self.series(run, t) else {
            return if n > 0 { Err(0) } else { Ok(()) };
        };
        if s.is_dense() {
            // Keys 0..len in order: key i is position i.
            let have = usize::try_from(n).unwrap_or(0).min(s.len());
            self.read(s, 0..have, out);
            return if (have as i64) < n { Err(have as i64) } else { Ok(()) };
        }
        for i in 0..n {
            let v = self.ok(s.get_int(i), None).ok_or(i)?;
            out.push(num(v));
        }
        Ok(())
    }
    fn for_table_keys(&self, run: Option<Run<'a>>, t: Table, f: &mut dyn FnMut(TableKey<'_>)) {
        let Some(s) = self.series(run, t) else { return };
        for p in 0..s.len() {
            match self.ok(s.key(p), None) {
                Some(Key::Int(i)) => f(TableKey::Int(i)),
                Some(Key::Str(k)) => f(TableKey::Str(k)),
                None => f(TableKey::Int(p as i64)),
            }
        }
    }
    fn table_values(&self, run: Option<Run<'a>>, t: Table, out: &mut Vec<Num>) {
        if let Some(s) = self.series(run, t) {
            self.read(s, 0..s.len(), out);
        }
    }
    fn table_get_str(&self, run: Option<Run<'a>>, t: Table, key: &str) -> Option<Num> {
        let s = self.series(run, t)?;
        // `'name@i'` in a dict of `name@0, name@1, ...` runs: found by arithmetic. Every key
        // there ends in `@` and `i`'s decimal spelling, so a key that does not is absent.
        if let Some((name, digits)) = key.rsplit_once('@') {
            if let Some(keys) = s.set_keys(name) {
                let p = keys.position(canonical_index(digits)?)?;
                return self.ok(s.value(p), None).map(num);
            }
        }
        self.ok(s.get_str(key), None).map(num)
    }
}

/// `i` when `digits` is `'{}'.format(i)` of an int (a canonical dict's keys all are: any other
/// spelling is no key there). Ints too big for an `i64` are no epoch either.
fn canonical_index(digits: &str) -> Option<i64> {
    let (neg, b) = match digits.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        b => (false, b),
    };
    if b.is_empty() || b.len() > 18 || (b[0] == b'0' && (b.len() > 1 || neg)) {
        return None;
    }
    let v = b.iter().try_fold(0i64, |acc, &c| {
        let d = c.checked_sub(b'0').filter(|d| *d < 10)?;
        acc.checked_mul(10)?.checked_add(i64::from(d))
    })?;
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::canonical_index;

    /// Only Python's own spelling of an int is a key of a canonical dict: a leading zero or a
    /// negative zero names no epoch, next to the spellings that do.
    #[test]
    fn only_the_canonical_spelling_of_an_int_is_an_index() {
        for (digits, want) in [
            ("0", Some(0)),
            ("7", Some(7)),
            ("-7", Some(-7)),
            ("10", Some(10)),
            ("199", Some(199)),
            ("999999999999999999", Some(999_999_999_999_999_999)),
            ("-0", None),
            ("00", None),
            ("07", None),
            ("-07", None),
            ("", None),
            ("-", None),
            ("1000000000000000000", None),
            ("1a", None),
            ("+1", None),
            (" 1", None),
        ] {
            assert_eq!(canonical_index(digits), want, "{digits:?}");
        }
    }
}
