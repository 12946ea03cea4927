//! Archives whose stored indexes pass validation but are wrong: every query that reads such an
//! index must return the exact error, never another arch's value and never a panic.
//!
//! Each test builds the model of a real fixture with `tnb_convert::build`, alters one index,
//! and serialises it with `tnb_convert::to_bytes` (which writes a correct header and CRC, so
//! the archive opens and only the index is wrong).

use tnb_schema::transnas::Benchmark;
use tnb_schema::transnas::codes::{BEST_EMPTY, BEST_INCOMPARABLE};
use tnb_store::{Metric, Mode, NoBest, OpenError, QueryError, Store, Value};

const CORRUPT_BEST: QueryError =
    QueryError::Corrupt("a precomputed best epoch lies outside its metric list");

fn model() -> Benchmark {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../data/transnas_small.pth");
    let source = std::fs::read(path).unwrap();
    tnb_convert::build(&source, &tnb_pickle::Limits::default()).unwrap()
}

fn store(b: &Benchmark) -> Store {
    Store::copy_from(&tnb_convert::to_bytes(b, 0, [0; 32]).unwrap()).unwrap()
}

fn open_error(b: &Benchmark) -> String {
    match Store::copy_from(&tnb_convert::to_bytes(b, 0, [0; 32]).unwrap()) {
        Err(e @ OpenError::Invalid(_)) => e.to_string(),
        Err(e) => panic!("expected a validation error, found {e}"),
        Ok(_) => panic!("the altered archive opened"),
    }
}

/// Arch `a`'s number of epochs in task 0 of the model.
fn epochs(b: &Benchmark, a: usize) -> u32 {
    b.tasks[0].offsets[a + 1] - b.tasks[0].offsets[a]
}

fn bits(v: Value<'_>) -> u64 {
    match v {
        Value::Float(x) => x.to_bits(),
        v => panic!("expected a float, found {v:?}"),
    }
}

/// Every best-value query of arch `a`, task 0, metric 0 fails with `want`.
fn every_best_query_fails(s: &Store, a: usize, want: &QueryError) {
    let arch = s.arch_at(a as i64).unwrap();
    let t = s.tasks().next().unwrap();
    let m = s.metrics(t).unwrap().next().unwrap();
    assert_eq!(s.best_value(arch, t, m).as_ref().err(), Some(want));
    assert_eq!(s.best_epoch(arch, t, m).as_ref().err(), Some(want));
    assert_eq!(s.single_metric(arch, t, m, Mode::Best).as_ref().err(), Some(want));
    assert_eq!(s.best_epoch_status(arch, t, m).as_ref().err(), Some(want));
    // Asked again: the gathered-best cache must not have turned the error into a value.
    assert_eq!(s.best_value(arch, t, m).as_ref().err(), Some(want));
}

#[test]
fn a_best_epoch_equal_to_the_list_length_is_an_error() {
    let mut b = model();
    let a = 3;
    let len = epochs(&b, a);
    assert!(len > 0);
    b.tasks[0].best[a] = len;
    let s = store(&b);
    every_best_query_fails(&s, a, &CORRUPT_BEST);
    // The neighbours are untouched.
    let t = s.tasks().next().unwrap();
    let m = s.metrics(t).unwrap().next().unwrap();
    let next = s.arch_at(a as i64 + 1).unwrap();
    let want = model();
    let e = want.tasks[0].best[a + 1];
    assert_eq!(s.best_epoch(next, t, m).unwrap(), e);
    // The ranking of the space reaches the broken arch and reports it there.
    let space = s.spaces().next().unwrap();
    let results: Vec<Result<_, _>> = s.best_archs(t, m, space).unwrap().collect();
    assert!(results.iter().any(|r| r.as_ref().err() == Some(&CORRUPT_BEST)));
    assert_eq!(results.iter().filter(|r| r.is_err()).count(), 1);
}

#[test]
fn a_best_epoch_one_below_the_list_length_is_the_last_value() {
    // The other side of the boundary: the last epoch is a valid best epoch.
    let mut b = model();
    let a = 3;
    let len = epochs(&b, a);
    b.tasks[0].best[a] = len - 1;
    let s = store(&b);
    let arch = s.arch_at(a as i64).unwrap();
    let t = s.tasks().next().unwrap();
    let m = s.metrics(t).unwrap().next().unwrap();
    assert_eq!(s.best_epoch(arch, t, m).unwrap(), len - 1);
    let last = bits(s.final_value(arch, t, m).unwrap());
    assert_eq!(bits(s.best_value(arch, t, m).unwrap()), last);
}

#[test]
fn a_best_epoch_in_the_next_metric_or_arch_range_is_an_error() {
    // An index that would be valid in the flat column (it lands on the next arch's values) is
    // still outside this arch's list.
    let mut b = model();
    let a = 0;
    let len = epochs(&b, a);
    b.tasks[0].best[a] = len + 1;
    let s = store(&b);
    every_best_query_fails(&s, a, &CORRUPT_BEST);
    let mut b = model();
    b.tasks[0].best[a] = u32::MAX - 7;
    every_best_query_fails(&store(&b), a, &CORRUPT_BEST);
}

#[test]
fn sentinels_mean_what_they_say_only_where_they_can() {
    let a = 2;
    // "Empty" on a list that is not empty is a corruption, not Python's ValueError.
    let mut b = model();
    b.tasks[0].best[a] = BEST_EMPTY;
    every_best_query_fails(&store(&b), a, &CORRUPT_BEST);
    // "Incomparable" is Python's TypeError whatever the list.
    let mut b = model();
    b.tasks[0].best[a] = BEST_INCOMPARABLE;
    every_best_query_fails(&store(&b), a, &QueryError::NoBest(NoBest::Incomparable));
}

#[test]
fn a_ranking_entry_past_the_arch_count_is_an_error() {
    let mut b = model();
    let n = (b.arch_offsets.len() - 1) as u32;
    // The last entry of metric 0's ranking (the last space's worst arch).
    let last = n as usize - 1;
    b.tasks[0].ranking[last] = n;
    assert_eq!(open_error(&b), NOT_A_PERMUTATION);
}

/// What open says of a ranking that is not a permutation of its space (checked once at open,
/// so that a query never reads one).
const NOT_A_PERMUTATION: &str = "corrupted tnb archive: a ranking of task 'class_scene' is not a permutation of its search space";

#[test]
fn a_ranking_entry_pointing_past_its_space_is_an_error() {
    // Space 0's ranking names the first arch of space 1: a real arch, but not one of this
    // space. Answering with it would give another space's arch and value.
    let mut b = model();
    assert!(b.space_names.len() >= 2, "the fixture has two spaces");
    let first_of_next = b.space_starts[1];
    b.tasks[0].ranking[0] = first_of_next;
    assert_eq!(open_error(&b), NOT_A_PERMUTATION);
    // And the mirror case: space 1 names the last arch of space 0.
    let mut b = model();
    let base = b.space_starts[1] as usize;
    b.tasks[0].ranking[base] = b.space_starts[1] - 1;
    assert_eq!(open_error(&b), NOT_A_PERMUTATION);
}

#[test]
fn a_ranking_of_the_right_space_still_answers() {
    // The boundary's other side: every entry inside its space, in a different order, is
    // answered as stored (ranking order is not re-checked, only membership).
    let mut b = model();
    let hi = b.space_starts[1] as usize;
    b.tasks[0].ranking[..hi].reverse();
    let s = store(&b);
    let t = s.tasks().next().unwrap();
    let m = s.metrics(t).unwrap().next().unwrap();
    let space = s.spaces().next().unwrap();
    let ids: Vec<u32> =
        s.best_archs(t, m, space).unwrap().map(|r| r.unwrap().1.index() as u32).collect();
    let mut want = model().tasks[0].ranking[..hi].to_vec();
    want.reverse();
    assert_eq!(ids, want);
}

#[test]
fn an_epoch_offset_overlapping_the_next_arch_is_refused_at_open() {
    let mut b = model();
    // Arch 1's end moved past arch 2's end: arch 1's list would take arch 2's values.
    b.tasks[0].offsets[2] = b.tasks[0].offsets[3] + 1;
    assert_eq!(open_error(&b), "corrupted tnb archive: epoch offsets are not increasing");
    // Equal offsets are an arch with no epochs: valid, and its lists are empty.
    let mut b = model();
    b.tasks[0].offsets[2] = b.tasks[0].offsets[1];
    b.tasks[0].best[1] = 0;
    let s = store(&b);
    let arch = s.arch_at(1).unwrap();
    let t = s.tasks().next().unwrap();
    let m = s.metrics(t).unwrap().next().unwrap();
    assert_eq!(s.total_epochs(arch, t).unwrap(), 0);
    assert_eq!(s.values(arch, t, m).unwrap().count(), 0);
    // Its stored best epoch (computed for the old list) now lies outside the empty list...
    every_best_query_fails(&s, 1, &CORRUPT_BEST);
    // ...while the "empty" sentinel on an empty list is Python's ValueError.
    let mut b = b.clone();
    b.tasks[0].best[1] = BEST_EMPTY;
    every_best_query_fails(&store(&b), 1, &QueryError::NoBest(NoBest::Empty));
}

#[test]
fn an_arch_name_offset_overlapping_the_next_name_is_refused_at_open() {
    let mut b = model();
    b.arch_offsets[1] = b.arch_offsets[2] + 1;
    assert_eq!(open_error(&b), "corrupted tnb archive: arch name offsets are not increasing");
}

#[test]
fn space_starts_overlapping_is_refused_at_open() {
    let mut b = model();
    let n = (b.arch_offsets.len() - 1) as u32;
    b.space_starts[1] = n + 1;
    assert_eq!(open_error(&b), "corrupted tnb archive: space starts are not increasing");
}

#[test]
fn the_untouched_model_answers_as_the_converter_computed() {
    // The baseline the tests above alter: every best value is the value at the stored epoch.
    let b = model();
    let s = store(&b);
    let t = s.tasks().next().unwrap();
    for m in s.metrics(t).unwrap() {
        for a in s.archs() {
            let e = s.best_epoch(a, t, m).unwrap();
            let v = s.value_at(a, t, m, i64::from(e)).unwrap();
            match s.single_metric(a, t, m, Mode::Best).unwrap() {
                Metric::Value(best) => assert_eq!(format!("{best:?}"), format!("{v:?}")),
                Metric::List(_) => panic!("best is one value"),
            }
        }
    }
}

#[test]
fn a_metric_handle_one_past_the_task_s_metrics_is_refused() {
    // A handle from another store whose task has one metric more: its index is this task's
    // metric count, one past the end. The gathered-best cache must not read the next task's
    // first metric for it (its slot follows this task's last).
    let a = store(&model());
    let mut b = model();
    let t0 = &mut b.tasks[0];
    let n = b.arch_offsets.len() - 1;
    let m = t0.metrics.len() - 1;
    t0.metrics.pop();
    t0.columns.pop();
    t0.best.truncate(m * n);
    t0.ranking.truncate(m * n);
    t0.ranking_status.truncate(m * b.space_names.len());
    let b = store(&b);
    let ta = a.tasks().next().unwrap();
    let foreign = a.metrics(ta).unwrap().last().unwrap();
    let tb = b.tasks().next().unwrap();
    let arch = b.arch_at(0).unwrap();
    // Fill the cache for every metric of every task first, as a search loop would.
    for t in b.tasks() {
        for m in b.metrics(t).unwrap() {
            b.best_value(arch, t, m).unwrap();
        }
    }
    assert_eq!(b.best_value(arch, tb, foreign), Err(QueryError::ForeignHandle));
    assert_eq!(b.best_epoch(arch, tb, foreign), Err(QueryError::ForeignHandle));
}

#[test]
fn each_metric_and_space_has_its_own_ranking_status() {
    // Statuses are stored metric by metric, each with one entry per space: (metric 0, space 1)
    // is incomparable, (metric 1, space 0) fails at `max`, the rest are ranked.
    use tnb_schema::transnas::codes::{RANK_BEST_FAILS, RANK_INCOMPARABLE, RANK_OK};
    use tnb_store::NoRanking;
    let mut b = model();
    assert_eq!(b.space_names.len(), 2);
    assert!(b.tasks[0].metrics.len() >= 2);
    assert!(b.tasks[0].ranking_status.iter().all(|&x| x == RANK_OK));
    b.tasks[0].ranking_status[1] = RANK_INCOMPARABLE;
    b.tasks[0].ranking_status[2] = RANK_BEST_FAILS;
    let s = store(&b);
    let t = s.tasks().next().unwrap();
    let metrics: Vec<_> = s.metrics(t).unwrap().collect();
    let spaces: Vec<_> = s.spaces().collect();
    let status = |m: usize, sp: usize| match s.best_archs(t, metrics[m], spaces[sp]) {
        Ok(r) => Ok(r.len()),
        Err(e) => Err(e),
    };
    let sizes = [s.arch_list(spaces[0]).unwrap().len(), s.arch_list(spaces[1]).unwrap().len()];
    assert_eq!(status(0, 0), Ok(sizes[0]));
    assert_eq!(status(0, 1), Err(QueryError::NoRanking(NoRanking::Incomparable)));
    assert_eq!(status(1, 0), Err(QueryError::NoRanking(NoRanking::BestFails)));
    assert_eq!(status(1, 1), Ok(sizes[1]));
    // An unknown status is corruption, not a ranking.
    let mut b = model();
    b.tasks[0].ranking_status[3] = 7;
    let s = store(&b);
    let t = s.tasks().next().unwrap();
    let m1 = s.metrics(t).unwrap().nth(1).unwrap();
    let sp1 = s.spaces().nth(1).unwrap();
    assert_eq!(
        s.best_archs(t, m1, sp1).err(),
        Some(QueryError::Corrupt("a ranking status is missing or unknown"))
    );
}
