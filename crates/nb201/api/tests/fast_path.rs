//! The archive's fast reads (`'set@epoch'` keys found by arithmetic in canonical eval dicts,
//! value ranges read in one pass) answer exactly as the generic reads of the same object in
//! memory ([`MemSource`], key by key), on canonical data and on odd key lists the fast path
//! must leave to the lookups: a zero-padded epoch (`'x-valid@007'`), a missing epoch, reordered
//! keys, a set split in two, a `'x-valid@True'` key, a name holding `@`.

use std::sync::Arc;

use tnb_nb201_api::{
    Arg, FindBestCache, Hp, Io, MemSource, Nb201, NoDraw, PySum, ResultsRef, RunRef, Session,
    Source, StoreSource, call, call_results, call_run,
};
use tnb_nb201_convert::sample::{self, Options, Version};
use tnb_pickle::stream::Obj;

fn s(x: &str) -> Obj {
    Obj::Str(Arc::from(x))
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

type Edit = fn(&mut Vec<(Obj, Obj)>);

const EDITS: [(&str, Edit); 7] = [
    ("x-valid@007", |v| v[7].0 = s("x-valid@007")),
    ("missing epoch", |v| {
        v.remove(3);
    }),
    ("reordered keys", |v| v.swap(1, 2)),
    ("set split in two", |v| {
        let x = v.remove(0);
        let at = v.len() - 1;
        v.insert(at, x);
    }),
    ("x-valid@True", |v| v.push((s("x-valid@True"), Obj::Float(0.25)))),
    ("a name holding @", |v| {
        v.push((s("x@y@0"), Obj::Float(0.5)));
        v.push((s("x@y@1"), Obj::Float(2.5)));
    }),
    ("first key gone", |v| {
        v.remove(0);
    }),
];

/// The sample (12-epoch `full` runs) with `edit` applied to the eval dicts of the first run of
/// every ArchResults.
fn object(version: Version, edit: Option<Edit>) -> Obj {
    let mut top = sample::object(&Options { archs: 4, full_epochs: 12, version });
    let Some(edit) = edit else { return top };
    for (_, entry) in items_mut(get_mut(&mut top, "arch2infos")) {
        for (_, ar) in items_mut(entry) {
            let (_, first) = &mut items_mut(get_mut(ar, "all_results"))[0];
            for f in ["eval_acc1es", "eval_losses", "eval_times"] {
                let d = items_mut(get_mut(first, f));
                if d.len() > 8 {
                    edit(d);
                }
            }
        }
    }
    top
}

fn shown<T: std::fmt::Debug, E: std::fmt::Debug>(r: Result<T, E>) -> String {
    format!("{r:?}")
}

/// Every hot method, and the ResultsCount / ArchResults methods that read the eval dicts,
/// over both sources: the same answers (values, types, bits, errors).
fn compare(top: &Obj, what: &str) -> usize {
    let mem = MemSource::from_obj(top).unwrap();
    let bytes = tnb_nb201_convert::archive_bytes(top, 0, [0; 32]).unwrap();
    let archive = tnb_nb201_store::Archive::copy_from(&bytes).unwrap();
    let store = StoreSource::new(&archive).unwrap();
    let (a, b) = (Nb201::new(&mem, PySum::Plain, false), Nb201::new(&store, PySum::Plain, false));
    let mut n = 0;
    let ds = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"];
    let epochs =
        [Arg::None, Arg::Int(0), Arg::Int(7), Arg::Int(11), Arg::Bool(true), Arg::Float(3.0)];
    for idx in 0..4 {
        for d in ds {
            for hp in ["12", "200"] {
                let (i, d, h) = (Arg::Int(idx), Arg::Str(d), Arg::Str(hp));
                let mut ask = |m: &str, args: &[Arg<'_>], kw: &[(&str, Arg<'_>)]| {
                    let x = shown(call(&a, &mut Session::default(), m, args, kw, &mut |_| {}));
                    let y = shown(call(&b, &mut Session::default(), m, args, kw, &mut |_| {}));
                    assert_eq!(x, y, "{what}: {m}({args:?}, {kw:?})");
                    n += 1;
                };
                for r in [Arg::Bool(false), Arg::Int(777), Arg::Int(111), Arg::Int(999)] {
                    for ie in epochs {
                        ask(
                            "get_more_info",
                            &[i, d],
                            &[("hp", h), ("is_random", r), ("iepoch", ie)],
                        );
                    }
                }
                ask("get_cost_info", &[i, d, h], &[]);
                ask("get_latency", &[i, d, h], &[]);
                for set in ["valid", "x-valid", "ori-test", "x-test", "train", "x@y"] {
                    ask("find_best", &[d, Arg::Str(set)], &[("hp", h)]);
                    for lim in [Arg::Float(15.5), Arg::Int(0), Arg::Str("x")] {
                        ask("find_best", &[d, Arg::Str(set)], &[("hp", h), ("FLOP_max", lim)]);
                        ask("find_best", &[d, Arg::Str(set)], &[("hp", h), ("Param_max", lim)]);
                        // Without the session's cache: every row computed in the loop.
                        let mut none = NoDraw;
                        let mut print = |_: &str| {};
                        let mut io = Io { draw: &mut none, print: &mut print };
                        let (fl, pa) = (Some(lim), Some(Arg::Float(0.115)));
                        let set = Arg::Str(set);
                        let x = shown(b.find_best(d, set, fl, pa, Some(h), None, &mut io));
                        let mut cache = FindBestCache::default();
                        let c = Some(&mut cache);
                        let y = shown(b.find_best(d, set, fl, pa, Some(h), c, &mut io));
                        assert_eq!(x, y, "{what}: find_best({d:?}, {set:?}, {lim:?}, {hp})");
                    }
                }
            }
        }
        for hp in [Hp::Less, Hp::Full] {
            let at = ResultsRef { index: idx, hp };
            let session = Session::default();
            let mut none = NoDraw;
            let mut print = |_: &str| {};
            for d in ds {
                for set in ["x-valid", "ori-test", "x-test", "train", "valid", "x@y"] {
                    for ie in epochs {
                        let args = [Arg::Str(d), Arg::Str(set), ie, Arg::Bool(false)];
                        let mut io = Io { draw: &mut none, print: &mut print };
                        let x = shown(call_results(
                            &a,
                            &session,
                            at,
                            "get_metrics",
                            &args,
                            &[],
                            &mut io,
                        ));
                        let mut io = Io { draw: &mut none, print: &mut print };
                        let y = shown(call_results(
                            &b,
                            &session,
                            at,
                            "get_metrics",
                            &args,
                            &[],
                            &mut io,
                        ));
                        assert_eq!(x, y, "{what}: get_metrics{args:?}");
                        n += 1;
                    }
                }
            }
            let Some(r) = mem.results(idx, hp) else { continue };
            for j in 0..mem.run_count(r) {
                let rr = RunRef { results: at, run: j };
                let mut ask = |m: &str, args: &[Arg<'_>]| {
                    let (x, y) = (
                        shown(call_run(&a, rr, m, args, &[])),
                        shown(call_run(&b, rr, m, args, &[])),
                    );
                    assert_eq!(x, y, "{what}: {m}{args:?} of run {j}");
                    n += 1;
                };
                ask("get_times", &[]);
                ask("get_latency", &[]);
                for set in ["x-valid", "ori-test", "x-test", "valid", "x@y", "x"] {
                    for ie in epochs {
                        ask("get_eval", &[Arg::Str(set), ie]);
                    }
                }
                for ie in epochs {
                    ask("get_train", &[ie]);
                }
            }
        }
    }
    assert_eq!(store.failure(), None);
    n
}

#[test]
fn canonical_data_answers_as_the_generic_reads() {
    for version in [Version::V1_0, Version::V1_1] {
        assert!(compare(&object(version, None), "canonical") > 1000);
    }
}

#[test]
fn odd_key_lists_answer_as_the_generic_reads() {
    for (what, edit) in EDITS {
        for version in [Version::V1_0, Version::V1_1] {
            compare(&object(version, Some(edit)), what);
        }
    }
}

/// The object the sample builds has canonical eval dicts (so the first test exercises the fast
/// path) and the edits make them not canonical (so the second exercises the lookups), as the
/// store sees them.
#[test]
fn the_fast_path_is_taken_on_canonical_data_only() {
    let kinds = |top: &Obj| {
        let bytes = tnb_nb201_convert::archive_bytes(top, 0, [0; 32]).unwrap();
        let a = tnb_nb201_store::Archive::copy_from(&bytes).unwrap();
        let run = a.arch_results(0, tnb_nb201_store::Hp::Full).unwrap().unwrap();
        let run = run.run(0).unwrap().unwrap();
        run.eval_acc1es().unwrap().set_keys("x-valid").is_some()
    };
    assert!(kinds(&object(Version::V1_1, None)));
    for (what, edit) in EDITS {
        let canonical = kinds(&object(Version::V1_1, Some(edit)));
        assert_eq!(canonical, what == "a name holding @" || what == "first key gone", "{what}");
    }
}
