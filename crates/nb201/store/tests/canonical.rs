//! The arithmetic reads of `'set@epoch'` keys ([`Series::set_positions`]) and of value ranges
//! ([`Series::for_values`]) agree with the key-by-key lookups ([`Series::position_str`],
//! [`Series::value`]) on canonical key lists, and every odd key list (a zero-padded epoch, a
//! missing epoch, reordered keys, a set split in two, a key without `@`, too many sets) is
//! reported as not canonical, so readers keep the lookups there.

use std::sync::Arc;

use tnb_nb201_convert::archive_bytes;
use tnb_nb201_convert::sample::{self, Options};
use tnb_nb201_store::{Archive, Field, Hp, Key, MAX_CANONICAL_SETS, Series, SetKeys};
use tnb_pickle::stream::Obj;

fn s(x: &str) -> Obj {
    Obj::Str(Arc::from(x))
}

fn key_str(o: &Obj) -> &str {
    match o {
        Obj::Str(k) => k,
        other => panic!("not a str: {other:?}"),
    }
}

fn items_mut(o: &mut Obj) -> &mut Vec<(Obj, Obj)> {
    match o {
        Obj::Dict { items, .. } => items,
        other => panic!("not a dict: {other:?}"),
    }
}

fn get_mut<'o>(o: &'o mut Obj, key: &str) -> &'o mut Obj {
    let items = items_mut(o);
    &mut items.iter_mut().find(|(k, _)| matches!(k, Obj::Str(x) if &**x == key)).unwrap().1
}

/// How a run's three eval dicts are changed.
type Edit = fn(&mut Vec<(Obj, Obj)>);

/// Edits, each with whether the result is still canonical.
const EDITS: [(&str, Edit, bool); 9] = [
    (
        "zero-padded epoch",
        |v| v[1].0 = s(&format!("{}0", key_str(&v[1].0).replace("@1", "@0"))),
        false,
    ),
    (
        "missing epoch",
        |v| {
            v.remove(3);
        },
        false,
    ),
    ("reordered keys", |v| v.swap(0, 1), false),
    (
        "set split in two",
        |v| {
            let x = v.remove(0);
            let at = v.len() / 2;
            v.insert(at, x);
        },
        false,
    ),
    ("key without @", |v| v.push((s("extra"), Obj::Float(1.5))), false),
    (
        "a set with a gap",
        |v| {
            v.push((s("late@1"), Obj::Float(1.5)));
            v.push((s("late@3"), Obj::Float(1.5)));
        },
        false,
    ),
    ("negative epoch", |v| v.push((s("neg@-1"), Obj::Float(1.5))), false),
    (
        "a name holding @",
        |v| {
            v.push((s("a@b@0"), Obj::Float(0.5)));
            v.push((s("a@b@1"), Obj::Float(2.5)));
        },
        true,
    ),
    (
        "too many sets",
        |v| {
            for k in 0..MAX_CANONICAL_SETS {
                v.push((s(&format!("s{k}@0")), Obj::Float(k as f64)));
            }
        },
        false,
    ),
];

/// The sample object (12-epoch `full` runs) with edit `e` applied to the eval dicts of every
/// arch's first run (under both hps); the other runs stay canonical.
fn edited(e: Option<Edit>) -> Obj {
    let mut top = sample::object(&Options { archs: 4, full_epochs: 12, ..Options::default() });
    let Some(edit) = e else { return top };
    for (_, entry) in items_mut(get_mut(&mut top, "arch2infos")) {
        for (_, ar) in items_mut(entry) {
            let (_, first) = &mut items_mut(get_mut(ar, "all_results"))[0];
            for f in ["eval_acc1es", "eval_losses", "eval_times"] {
                let d = items_mut(get_mut(first, f));
                if d.len() > 4 {
                    edit(d);
                }
            }
        }
    }
    top
}

/// The names to ask for: every prefix before a key's last `@`, and names that are not sets.
fn names(sr: &Series<'_>) -> Vec<String> {
    let mut v: Vec<String> =
        ["nope", "", "x-valid@1", "a", "a@b", "x", "-valid"].map(String::from).to_vec();
    for p in 0..sr.len() {
        if let Some(Key::Str(k)) = sr.key(p).unwrap() {
            if let Some((n, _)) = k.rsplit_once('@') {
                if !v.iter().any(|x| x == n) {
                    v.push(n.to_owned());
                }
            }
        }
    }
    v
}

/// Checks every eval series of `a`; returns how many were canonical and how many were not.
fn check(a: &Archive) -> (usize, usize) {
    let (mut canon, mut other) = (0, 0);
    for entry in 0..a.entry_keys().unwrap().len() {
        for hp in [Hp::Full, Hp::Less] {
            let ar = a.arch_results_at(entry, hp).unwrap().unwrap();
            for run in ar.runs().unwrap() {
                for f in [Field::EvalAcc1, Field::EvalLoss, Field::EvalTime] {
                    let sr = run.series(f).unwrap();
                    let mut known = false;
                    for name in names(&sr) {
                        let Some(keys) = sr.set_keys(&name) else { continue };
                        known = true;
                        for i in -2..sr.len() as i64 + 3 {
                            let want = sr.position_str(&format!("{name}@{i}")).unwrap();
                            assert_eq!(keys.position(i), want, "{name}@{i} in {f:?}");
                        }
                    }
                    if !sr.is_empty() {
                        // The decision is per key list: the same for every name.
                        assert_eq!(known, sr.set_keys("nope").is_some());
                        if known { canon += 1 } else { other += 1 }
                    }
                }
            }
        }
    }
    (canon, other)
}

#[test]
fn arithmetic_positions_agree_with_lookups_and_odd_key_lists_are_not_canonical() {
    let plain = Archive::copy_from(&archive_bytes(&edited(None), 0, [0; 32]).unwrap()).unwrap();
    let (canon, other) = check(&plain);
    assert!(canon > 0);
    assert_eq!(other, 0, "the sample's eval dicts are all canonical");
    for (what, edit, stays) in EDITS {
        let a =
            Archive::copy_from(&archive_bytes(&edited(Some(edit)), 0, [0; 32]).unwrap()).unwrap();
        let (canon, other) = check(&a);
        assert!(canon > 0, "{what}");
        if stays {
            assert_eq!(other, 0, "{what}");
        } else {
            assert!(other > 0, "{what} should not be canonical");
        }
    }
}

#[test]
fn exactly_max_canonical_sets_sets_are_canonical() {
    let mut v = vec![];
    for k in 0..MAX_CANONICAL_SETS {
        v.push((s(&format!("s{k}@0")), Obj::Float(k as f64)));
        v.push((s(&format!("s{k}@1")), Obj::Float(k as f64)));
    }
    let mut top = edited(None);
    // The first arch entry's first full run gets this key list in all three eval dicts.
    let entry = &mut items_mut(get_mut(&mut top, "arch2infos"))[0].1;
    let ar = get_mut(entry, "full");
    let (_, first) = &mut items_mut(get_mut(ar, "all_results"))[0];
    for f in ["eval_acc1es", "eval_losses", "eval_times"] {
        *items_mut(get_mut(first, f)) = v.clone();
    }
    let a = Archive::copy_from(&archive_bytes(&top, 0, [0; 32]).unwrap()).unwrap();
    let run = a.arch_results_at(0, Hp::Full).unwrap().unwrap().run(0).unwrap().unwrap();
    let sr = run.eval_acc1es().unwrap();
    let last = format!("s{}", MAX_CANONICAL_SETS - 1);
    let n = 2 * MAX_CANONICAL_SETS;
    assert_eq!(sr.set_keys("s0"), Some(SetKeys { first: 0, at: 0..2 }));
    assert_eq!(sr.set_keys(&last), Some(SetKeys { first: 0, at: n - 2..n }));
    assert_eq!(sr.set_keys("s99"), Some(SetKeys { first: 0, at: 0..0 }));
    check(&a);
}

#[test]
fn range_reads_equal_value_reads() {
    for e in [None, Some(EDITS[1].1)] {
        for version in [sample::Version::V1_0, sample::Version::V1_1] {
            let mut o = Options { archs: 4, full_epochs: 12, version };
            o.archs = 4;
            let top = if e.is_none() { sample::object(&o) } else { edited(e) };
            let a = Archive::copy_from(&archive_bytes(&top, 0, [0; 32]).unwrap()).unwrap();
            for entry in 0..a.entry_keys().unwrap().len() {
                for hp in [Hp::Full, Hp::Less] {
                    let ar = a.arch_results_at(entry, hp).unwrap().unwrap();
                    for run in ar.runs().unwrap() {
                        for f in Field::ALL {
                            let sr = run.series(f).unwrap();
                            let n = sr.len();
                            let each: Vec<_> =
                                (0..n).map(|i| sr.value(i).unwrap().unwrap()).collect();
                            for r in [0..n, n.min(1)..n.saturating_sub(1).max(n.min(1)), n..n] {
                                let mut got = vec![];
                                sr.for_values(r.clone(), |v| got.push(v)).unwrap();
                                assert_eq!(got, each[r].to_vec(), "{f:?}");
                            }
                            assert!(sr.for_values(0..n + 1, |_| {}).is_err());
                            if matches!(f, Field::TrainAcc1 | Field::TrainLoss) {
                                assert!(sr.is_dense(), "{f:?}");
                            }
                            if f == Field::EvalAcc1 {
                                assert!(!sr.is_dense());
                            }
                        }
                    }
                }
            }
        }
    }
}
