//! tnb-store's own behaviour on converted fixtures: handles and names give the same answers,
//! the iterators agree with the point queries, errors have the right kind, and no corruption
//! that passes validation can make a query panic.

use tnb_store::{ArchId, EpochStatus, Metric, Mode, QueryError, Store, Value, python};

fn data(fixture: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data").join(fixture)
}

fn archive(fixture: &str) -> Vec<u8> {
    let source = std::fs::read(data(fixture)).unwrap();
    tnb_convert::convert_bytes(&source).unwrap()
}

fn small() -> Store {
    Store::copy_from(&archive("transnas_small.pth")).unwrap()
}

/// Values compared bit for bit (NaN equals NaN).
fn same(a: Value<'_>, b: Value<'_>) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

fn status_pairs<'a>(s: &EpochStatus<'a>) -> Vec<(&'a str, Value<'a>)> {
    s.iter().collect()
}

#[test]
fn handles_and_names_give_the_same_answers() {
    for fixture in ["transnas_small.pth", "transnas_variant.pth"] {
        let s = Store::copy_from(&archive(fixture)).unwrap();
        for a in s.archs() {
            let name = s.arch_name(a).unwrap();
            assert_eq!(s.arch(name).unwrap(), a);
            assert_eq!(s.arch_index(name).unwrap(), a.index());
            for t in s.tasks() {
                let tn = s.task_name(t).unwrap();
                assert_eq!(s.task(tn).unwrap(), t);
                let total = s.total_epochs(a, t).unwrap();
                assert_eq!(s.total_epochs(name, tn).unwrap(), total);
                for i in s.infos() {
                    let by_id = s.model_info(a, t, i).unwrap();
                    let by_name = s.model_info(name, tn, s.info_name(i).unwrap()).unwrap();
                    assert!(same(by_id, by_name));
                }
                for m in s.metrics(t).unwrap() {
                    let mn = s.metric_name(m).unwrap();
                    assert_eq!(s.metric(t, mn).unwrap(), m);
                    let best = s.best_value(a, t, m).unwrap();
                    assert!(same(best, s.best_value(name, tn, mn).unwrap()));
                    let values: Vec<Value<'_>> = s.values(a, t, m).unwrap().collect();
                    assert_eq!(values.len() as u32, total);
                    let e = s.best_epoch(a, t, m).unwrap();
                    assert!(same(values[e as usize], best), "best is at the best epoch");
                    assert!(same(*values.last().unwrap(), s.final_value(a, t, m).unwrap()));
                    for (i, v) in values.iter().enumerate() {
                        assert!(same(*v, s.value_at(a, t, m, i as i64).unwrap()));
                        let back = i as i64 - total as i64;
                        assert!(same(*v, s.value_at(name, tn, mn, back).unwrap()));
                    }
                    let rev: Vec<Value<'_>> = s.values(a, t, m).unwrap().rev().collect();
                    assert!(rev.iter().rev().zip(&values).all(|(x, y)| same(*x, *y)));
                    match s.single_metric(a, t, m, Mode::Best).unwrap() {
                        Metric::Value(v) => assert!(same(v, best)),
                        Metric::List(_) => panic!("best is one value"),
                    }
                    let bs = s.best_epoch_status(a, t, m).unwrap();
                    assert_eq!(bs.epoch(), i64::from(e));
                    assert!(same(bs.get(m).unwrap(), best));
                    assert!(same(bs.get(mn).unwrap(), best));
                }
                for e in -(total as i64)..total as i64 {
                    let st = s.epoch_status(a, t, e).unwrap();
                    let want = if e < 0 { e + total as i64 } else { e };
                    assert_eq!(st.epoch(), want);
                    let again = s.epoch_status(name, tn, want).unwrap();
                    let (x, y) = (status_pairs(&st), status_pairs(&again));
                    assert!(
                        x.len() == y.len()
                            && x.iter().zip(&y).all(|(p, q)| p.0 == q.0 && same(p.1, q.1))
                    );
                }
            }
        }
    }
}

#[test]
fn lists_and_indexes_follow_python() {
    let s = small();
    assert_eq!(s.len(), 32);
    assert_eq!(s.search_spaces().collect::<Vec<_>>(), ["macro", "micro"]);
    let macro_archs = s.arch_list("macro").unwrap();
    let micro_archs = s.arch_list("micro").unwrap();
    assert_eq!((macro_archs.len(), micro_archs.len()), (16, 16));
    assert!(macro_archs.clone().chain(micro_archs.clone()).eq(s.archs()));
    assert_eq!(s.arch_name(s.arch_at(0).unwrap()).unwrap(), "64-4111-basic");
    assert_eq!(s.arch_name(s.arch_at(-1).unwrap()).unwrap(), "64-41414-3_33_333");
    assert_eq!(s.arch_at(-32).unwrap(), s.arch_at(0).unwrap());
    assert_eq!(s.arch_at(32), Err(QueryError::ArchIndex(32)));
    assert_eq!(s.arch_at(-33), Err(QueryError::ArchIndex(-33)));
    for a in s.archs() {
        let space = s.space_of(a).unwrap();
        assert!(s.arch_list(space).unwrap().contains(a));
    }
    assert_eq!(s.tasks().len(), 7);
    assert_eq!(s.infos().len(), 5);
    // Python slicing of a ranking.
    assert_eq!(python::slice_stop(Some(-3), 16), 13);
}

#[test]
fn rankings_are_sorted_as_python_sorts_them() {
    let s = small();
    // The planted tie: both at 57.83424377441406, the larger arch string first.
    let top: Vec<(Value<'_>, ArchId)> = s
        .best_archs("class_scene", "valid_top1", "macro")
        .unwrap()
        .take(2)
        .map(Result::unwrap)
        .collect();
    let names: Vec<&str> = top.iter().map(|(_, a)| s.arch_name(*a).unwrap()).collect();
    assert_eq!(names, ["64-2113-basic", "64-133442-basic"]);
    assert_eq!(top[0].0, Value::Float(57.83424377441406));
    assert_eq!(top[0].0, top[1].0);
    let ranking = || s.best_archs("class_scene", "valid_top1", "macro").unwrap();
    assert_eq!(ranking().topk(3).len(), 3);
    assert_eq!(ranking().topk(-3).len(), 13);
    assert_eq!(ranking().topk(-30).len(), 0);
    assert_eq!(ranking().topk(i64::MAX).len(), 16);
    assert!(ranking().topk(-1).map(Result::unwrap).eq(ranking().take(15).map(Result::unwrap)));
    for space in s.spaces() {
        for t in s.tasks() {
            for m in s.metrics(t).unwrap() {
                let ranking = s.best_archs(t, m, space).unwrap();
                assert_eq!(ranking.len(), s.arch_list(space).unwrap().len());
                let mut seen: Vec<ArchId> = Vec::new();
                for item in ranking {
                    let (v, a) = item.unwrap();
                    assert!(same(v, s.best_value(a, t, m).unwrap()));
                    assert!(s.arch_list(space).unwrap().contains(a));
                    seen.push(a);
                }
                seen.sort();
                seen.dedup();
                assert_eq!(seen.len(), s.arch_list(space).unwrap().len(), "a permutation");
            }
        }
    }
}

#[test]
fn errors_say_what_python_would_raise() {
    let s = small();
    let a = "64-4111-basic";
    assert_eq!(s.arch("nope"), Err(QueryError::UnknownArch("nope".into())));
    assert_eq!(s.task("nope"), Err(QueryError::UnknownTask("nope".into())));
    assert!(matches!(
        s.best_value(a, "jigsaw", "nope"),
        Err(QueryError::UnknownMetric { ref task, ref metric }) if task == "jigsaw" && metric == "nope"
    ));
    assert!(matches!(s.model_info(a, "jigsaw", "gpu"), Err(QueryError::UnknownInfo(_))));
    assert!(matches!(s.arch_list("nano"), Err(QueryError::UnknownSpace(_))));
    assert_eq!(
        s.value_at(a, "jigsaw", "valid_top1", 2).unwrap_err(),
        QueryError::Epoch { epoch: 2, total: 2 }
    );
    assert!(s.value_at(a, "jigsaw", "valid_top1", -2).is_ok());
    assert!(matches!(s.value_at(a, "jigsaw", "valid_top1", -3), Err(QueryError::Epoch { .. })));
    assert!(matches!(s.epoch_status(a, "jigsaw", 2), Err(QueryError::Epoch { .. })));
    assert!(matches!(s.epoch_status(a, "jigsaw", -3), Err(QueryError::Epoch { .. })));
    // A metric handle belongs to its task.
    let t = s.task("jigsaw").unwrap();
    let other = s.task("normal").unwrap();
    let m = s.metric(t, "valid_top1").unwrap();
    assert_eq!(m.task(), t);
    assert_eq!(s.best_value(a, other, m), Err(QueryError::MetricOfAnotherTask));
    // Handles of a bigger store are refused here, not read out of bounds.
    let big = Store::copy_from(&archive("transnas_variant.pth")).unwrap();
    let far = s.arch_at(-1).unwrap();
    assert_eq!(big.arch_name(far), Err(QueryError::ForeignHandle));
    let (bt, bm) = (big.task("jigsaw").unwrap(), big.metric("jigsaw", "valid_top1").unwrap());
    assert_eq!(big.best_value(far, bt, bm), Err(QueryError::ForeignHandle));
    assert!(matches!(big.epoch_status(far, bt, 0), Err(QueryError::ForeignHandle)));
    assert_eq!(big.total_epochs(far, bt), Err(QueryError::ForeignHandle));
    // Every error is one line.
    for e in [s.arch("x").unwrap_err(), s.arch_at(99).unwrap_err()] {
        assert!(!e.to_string().contains('\n'));
    }
}

/// Every query with a spread of arguments, typed and by name. Must never panic, whatever the
/// archive holds; answers it gives must be consistent with each other.
fn exercise(s: &Store) {
    let names: Vec<String> =
        s.tasks().filter_map(|t| s.task_name(t).ok().map(str::to_owned)).collect();
    let _ = s.counts();
    for a in s.archs().take(4).chain(s.archs().rev().take(2)) {
        let _ = s.arch_name(a);
        let _ = s.space_of(a);
        let _ = s.arch_result(a);
        for t in s.tasks() {
            let _ = s.total_epochs(a, t);
            for i in s.infos() {
                let _ = s.model_info(a, t, i);
            }
            for e in [-1, 0, 1, 2, i64::MIN, i64::MAX] {
                if let Ok(st) = s.epoch_status(a, t, e) {
                    let _ = st.iter().count();
                }
            }
            for m in s.metrics(t).into_iter().flatten() {
                let _ = s.values(a, t, m).map(|v| v.count());
                let _ = s.best_epoch_status(a, t, m).map(|st| st.iter().count());
                for mode in [Mode::Best, Mode::Final, Mode::List, Mode::Epoch(1), Mode::Epoch(-1)] {
                    let _ = s.single_metric(a, t, m, mode);
                }
                for space in s.spaces() {
                    if let Ok(r) = s.best_archs(t, m, space) {
                        let _ = r.take(5).count();
                    }
                }
            }
        }
    }
    for t in names.iter().step_by(3) {
        let _ = s.best_value("64-41414-3_33_333", t.as_str(), "valid_top1");
    }
}

#[test]
fn corrupted_archives_that_pass_validation_never_panic() {
    let good = archive("transnas_variant.pth");
    let header = tnb_schema::header::HEADER_LEN;
    let mut rng = tnb_testrng::TestRng::new(0x9e37_79b9_7f4a_7c15);
    let (mut opened, mut tried) = (0, 0);
    for round in 0..300 {
        let mut bytes = good.clone();
        // Flips in the payload; every other round aimed at its small tables (offsets, ids).
        rng.damage(&mut bytes, header, round);
        tried += 1;
        let Ok(store) = Store::copy_from(&bytes) else { continue };
        opened += 1;
        exercise(&store);
    }
    assert!(opened > tried / 4, "only {opened} of {tried} corrupted archives opened");
}

// ---- Python's indexing rules ----

#[test]
fn index_matches_python_at_the_edges() {
    assert_eq!(python::index(i64::MIN, 5), None);
    assert_eq!(python::index(i64::MAX, 5), None);
    assert_eq!(python::index(0, 0), None);
    assert_eq!(python::index(-1, 0), None);
    for len in 0..5usize {
        let items: Vec<usize> = (0..len).collect();
        for i in -7i64..7 {
            let py =
                if i < 0 { len.checked_sub(i.unsigned_abs() as usize) } else { Some(i as usize) };
            let want = py.and_then(|p| items.get(p).copied());
            assert_eq!(python::index(i, len), want, "[{i}] of {len}");
        }
    }
}

#[test]
fn slice_stop_matches_python() {
    // Python: len(list(range(len))[:stop])
    for len in 0..5usize {
        for stop in -7i64..7 {
            let want = if stop >= 0 {
                (stop as usize).min(len)
            } else {
                len.saturating_sub(stop.unsigned_abs() as usize)
            };
            assert_eq!(python::slice_stop(Some(stop), len), want, "[:{stop}] of {len}");
        }
    }
    assert_eq!(python::slice_stop(Some(i64::MIN), 3), 0);
}
