//! Convert → open → every accessor and the whole walk equal the source object, for v1_0 and
//! v1_1 shapes (built in memory by `tnb_nb201_convert::sample`).

mod common;

use tnb_nb201_convert::archive_bytes;
use tnb_nb201_convert::sample::{self, Options, Version};
use tnb_nb201_store::{Archive, Field, Form, Hp, Key, Num, NumKind, Series};
use tnb_pickle::stream::Obj;

fn open(top: &Obj) -> Archive {
    let bytes = archive_bytes(top, 123, [7; 32]).unwrap();
    let a = Archive::copy_from(&bytes).unwrap();
    a.verify_checksum().unwrap();
    a
}

fn items(o: &Obj) -> &[(Obj, Obj)] {
    match o {
        Obj::Dict { items, .. } => items,
        other => panic!("not a dict: {other:?}"),
    }
}

fn list(o: &Obj) -> &[Obj] {
    match o {
        Obj::List(x) => x,
        other => panic!("not a list: {other:?}"),
    }
}

fn int(o: &Obj) -> i64 {
    match o {
        Obj::Int(i) => *i,
        other => panic!("not an int: {other:?}"),
    }
}

fn same_num(n: Num, o: &Obj) {
    let (kind, bits) = match o {
        Obj::Float(f) => (NumKind::Float, f.to_bits()),
        Obj::Int(i) => (NumKind::Int, *i as u64),
        Obj::Bool(b) => (NumKind::Bool, u64::from(*b)),
        Obj::Scalar(s) => (NumKind::Numpy(s.dtype), s.bits),
        other => panic!("not a number: {other:?}"),
    };
    assert_eq!((n.kind(), n.bits()), (kind, bits), "{o:?}");
}

fn same_series(s: Series<'_>, o: &Obj) {
    match o {
        Obj::None => {
            assert_eq!(s.form(), Form::None);
            assert!(s.is_none() && s.is_empty());
        }
        Obj::List(xs) => {
            assert_eq!(s.form(), Form::List);
            assert_eq!(s.len(), xs.len());
            for (i, x) in xs.iter().enumerate() {
                same_num(s.value(i).unwrap().unwrap(), x);
                assert_eq!(s.key(i).unwrap(), None);
            }
            assert_eq!(s.value(xs.len()).unwrap(), None);
        }
        Obj::Dict { items, ordered } => {
            assert_eq!(s.form(), if *ordered { Form::OrderedDict } else { Form::Dict });
            assert_eq!(s.len(), items.len());
            for (i, (k, v)) in items.iter().enumerate() {
                same_num(s.value(i).unwrap().unwrap(), v);
                match k {
                    Obj::Int(k) => {
                        assert_eq!(s.key(i).unwrap(), Some(Key::Int(*k)));
                        same_num(s.get_int(*k).unwrap().unwrap(), v);
                        assert_eq!(s.get_str("0").unwrap(), None);
                    }
                    Obj::Str(k) => {
                        assert_eq!(s.key(i).unwrap(), Some(Key::Str(k)));
                        same_num(s.get_str(k).unwrap().unwrap(), v);
                        assert_eq!(s.get_int(0).unwrap(), None);
                    }
                    other => panic!("key {other:?}"),
                }
            }
            assert_eq!(s.get_int(-1).unwrap(), None);
            assert_eq!(s.get_int(100_000).unwrap(), None);
            assert_eq!(s.get_str("x-valid@100000").unwrap(), None);
            assert_eq!(s.get_str("no such key anywhere").unwrap(), None);
        }
        other => panic!("series {other:?}"),
    }
}

/// Every accessor against the object.
fn check_all(a: &Archive, top: &Obj) {
    let meta = list(top.get("meta_archs").unwrap());
    assert_eq!(a.len(), meta.len());
    for (i, m) in meta.iter().enumerate() {
        let m = m.as_str().unwrap();
        assert_eq!(a.meta_arch(i).unwrap(), Some(m));
        assert_eq!(a.arch_index(m).unwrap(), Some(i));
    }
    assert_eq!(a.meta_arch(meta.len()).unwrap(), None);
    assert_eq!(a.arch_index("|none~0|+|none~0|none~1|+|none~0|none~1|none~2| ").unwrap(), None);
    let ev: Vec<i64> = list(top.get("evaluated_indexes").unwrap()).iter().map(int).collect();
    assert_eq!(a.evaluated_indexes().unwrap().iter().collect::<Vec<_>>(), ev);
    let entries = items(top.get("arch2infos").unwrap());
    let keys: Vec<i64> = entries.iter().map(|(k, _)| int(k)).collect();
    assert_eq!(a.entry_keys().unwrap().iter().collect::<Vec<_>>(), keys);
    assert!(a.arch_results(-1, Hp::Full).unwrap().is_none());
    assert!(a.arch_results(1 << 40, Hp::Less).unwrap().is_none());
    for (e, (k, v)) in entries.iter().enumerate() {
        assert_eq!(a.entry(int(k)).unwrap(), Some(e));
        for hp in [Hp::Full, Hp::Less] {
            let ar = a.arch_results(int(k), hp).unwrap().unwrap();
            let o = v.get(hp.key()).unwrap();
            assert_eq!(ar.arch_index().unwrap(), int(o.get("arch_index").unwrap()));
            assert_eq!(ar.arch_str().unwrap(), o.get("arch_str").unwrap().as_str().unwrap());
            assert_eq!(
                ar.clear_net_done().unwrap(),
                matches!(o.get("clear_net_done"), Some(Obj::Bool(true)))
            );
            let ds = ar.dataset_seed().unwrap();
            let ods = items(o.get("dataset_seed").unwrap());
            assert_eq!(ds.len(), ods.len());
            for (i, (name, seeds)) in ods.iter().enumerate() {
                let (n, s) = ds.get(i).unwrap().unwrap();
                assert_eq!(n, name.as_str().unwrap());
                let want: Vec<i64> = list(seeds).iter().map(int).collect();
                assert_eq!(s.iter().collect::<Vec<_>>(), want);
                assert_eq!(ds.seeds(n).unwrap().unwrap().iter().collect::<Vec<_>>(), want);
            }
            assert!(ds.seeds("mnist").unwrap().is_none());
            let runs = items(o.get("all_results").unwrap());
            assert_eq!(ar.run_count().unwrap(), runs.len());
            assert!(ar.run(runs.len()).unwrap().is_none());
            for (i, (rk, rv)) in runs.iter().enumerate() {
                let Obj::Tuple(t) = rk else { panic!() };
                let (d, s) = (t[0].as_str().unwrap(), int(&t[1]));
                let run = ar.run(i).unwrap().unwrap();
                assert_eq!((run.dataset().unwrap(), run.seed().unwrap()), (d, s));
                let found = ar.find(d, s).unwrap().unwrap();
                assert_eq!(found.seed_str().unwrap(), run.seed_str().unwrap());
                assert_eq!(run.name().unwrap(), rv.get("name").unwrap().as_str().unwrap());
                assert_eq!(run.seed_str().unwrap(), rv.get("seed").unwrap().as_str().unwrap());
                assert_eq!(run.epochs().unwrap(), int(rv.get("epochs").unwrap()));
                same_num(run.flop().unwrap(), rv.get("flop").unwrap());
                same_num(run.params().unwrap(), rv.get("params").unwrap());
                let c = run.arch_config().unwrap();
                let oc = rv.get("arch_config").unwrap();
                assert_eq!(c.channel, int(oc.get("channel").unwrap()));
                assert_eq!(c.num_cells, int(oc.get("num_cells").unwrap()));
                assert_eq!(c.class_num, int(oc.get("class_num").unwrap()));
                assert_eq!(c.arch_str, oc.get("arch_str").unwrap().as_str().unwrap());
                let names: Vec<&str> =
                    run.eval_names().unwrap().iter().map(|n| n.unwrap()).collect();
                let want: Vec<&str> = list(rv.get("eval_names").unwrap())
                    .iter()
                    .map(|n| n.as_str().unwrap())
                    .collect();
                assert_eq!(names, want);
                for f in Field::ALL {
                    same_series(run.series(f).unwrap(), rv.get(f.key()).unwrap());
                }
            }
            assert!(ar.find("cifar10", 12345).unwrap().is_none());
        }
    }
}

fn round_trip(o: &Options) {
    let top = sample::object(o);
    let a = open(&top);
    check_all(&a, &top);
    let mut want = Vec::new();
    common::obj_events(&top, &mut want);
    let got = common::archive_events(&a);
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "event {i}");
    }
    // The pull iterator gives the same events.
    let pulled: Vec<String> = a.events().map(|e| common::show(&e.unwrap())).collect();
    assert!(pulled == want, "events() differs from walk()");
}

#[test]
fn v1_1_shapes_round_trip_through_every_accessor_and_the_walk() {
    round_trip(&Options { version: Version::V1_1, archs: 6, full_epochs: 200 });
}

#[test]
fn v1_0_shapes_round_trip_through_every_accessor_and_the_walk() {
    round_trip(&Options { version: Version::V1_0, archs: 6, full_epochs: 200 });
}

#[test]
fn the_sample_has_the_awkward_cases() {
    // The cases the round trips above must have met, checked on the archive itself.
    let a = open(&sample::object(&Options::default()));
    let full0 = a.arch_results(0, Hp::Full).unwrap().unwrap();
    let runs: Vec<_> = full0.runs().unwrap().collect();
    let seeds: Vec<i64> = runs.iter().map(|r| r.seed().unwrap()).collect();
    assert_eq!(&seeds[..2], &[999, 999], "unsorted insertion order, seed-major");
    assert_ne!(runs[0].params().unwrap(), runs[4].params().unwrap(), "params differ across seeds");
    assert!(runs[0].params().unwrap().is_np_f64());
    assert_eq!(runs[0].flop().unwrap().kind(), NumKind::Float);
    assert_eq!(runs[0].train_times().unwrap().form(), Form::OrderedDict);
    assert_eq!(runs[0].train_acc5es().unwrap().form(), Form::None);
    let lat = runs[0].latency().unwrap();
    assert_eq!((lat.form(), lat.len()), (Form::List, 1));
    assert!(lat.value(0).unwrap().unwrap().is_np_f64());
    assert_eq!(a.arch_results(1, Hp::Full).unwrap().unwrap().run_count().unwrap(), 4, "one seed");
    let v10 = open(&sample::object(&Options { version: Version::V1_0, ..Options::default() }));
    let r = v10.arch_results(0, Hp::Full).unwrap().unwrap().run(0).unwrap().unwrap();
    assert_eq!(r.train_times().unwrap().form(), Form::None);
    let et = r.eval_times().unwrap();
    assert_eq!((et.form(), et.len()), (Form::Dict, 0));
    assert_eq!(r.latency().unwrap().len(), 5);
    let less = v10.arch_results(0, Hp::Less).unwrap().unwrap().run(0).unwrap().unwrap();
    assert!(less.latency().unwrap().is_none());
    assert_eq!(less.train_times().unwrap().form(), Form::Dict);
}

#[test]
fn constant_times_are_stored_once() {
    // v1_1: train_times is one value per run and eval_times one per set, so the archive holds
    // fewer cells than the values it answers for.
    let top = sample::object(&Options::default());
    let a = open(&top);
    let r = a.arch_results(3, Hp::Full).unwrap().unwrap().run(0).unwrap().unwrap();
    let t = r.train_times().unwrap();
    assert_eq!(t.len(), 200);
    let first = t.value(0).unwrap().unwrap();
    assert!(t.values().all(|v| v.unwrap() == first));
    assert_eq!(t.get_int(199).unwrap(), Some(first));
    let c = a.counts().unwrap();
    let mut values = 0u64;
    for k in a.entry_keys().unwrap().iter() {
        for hp in [Hp::Full, Hp::Less] {
            for run in a.arch_results(k, hp).unwrap().unwrap().runs().unwrap() {
                for f in Field::ALL {
                    values += run.series(f).unwrap().len() as u64;
                }
            }
        }
    }
    assert!(c.cells * 10 < values * 7, "{} cells for {values} values", c.cells);
}

#[test]
fn conversion_is_deterministic() {
    for v in [Version::V1_0, Version::V1_1] {
        let top = sample::object(&Options { version: v, archs: 5, full_epochs: 30 });
        let a = archive_bytes(&top, 1, [2; 32]).unwrap();
        let b = archive_bytes(&top, 1, [2; 32]).unwrap();
        assert!(a == b, "{v:?}: two conversions differ");
    }
}

fn dict_mut(o: &mut Obj) -> &mut Vec<(Obj, Obj)> {
    match o {
        Obj::Dict { items, .. } => items,
        _ => panic!("not a dict"),
    }
}

fn field_mut<'a>(o: &'a mut Obj, key: &str) -> &'a mut Obj {
    &mut dict_mut(o).iter_mut().find(|(k, _)| k.as_str() == Some(key)).unwrap().1
}

#[test]
fn extra_keys_mixed_types_and_ordered_dicts_round_trip() {
    use tnb_pickle::{Dtype, Scalar};
    let s = |x: &str| Obj::Str(x.into());
    let mut top = sample::object(&Options { version: Version::V1_1, archs: 3, full_epochs: 6 });
    // The top level as an OrderedDict, with extra keys of every generic kind.
    if let Obj::Dict { items, ordered } = &mut top {
        *ordered = true;
        items.insert(
            0,
            (
                s("note"),
                Obj::Dict {
                    items: vec![
                        (
                            Obj::Int(1),
                            Obj::Tuple(vec![
                                Obj::Float(-0.0),
                                Obj::Bytes(b"\x00\xff".as_slice().into()),
                            ]),
                        ),
                        (
                            Obj::Tuple(vec![s("a"), Obj::Int(2)]),
                            Obj::List(vec![Obj::None, Obj::Bool(false)]),
                        ),
                        (s("f32"), Obj::Scalar(Scalar { dtype: Dtype::F32, bits: 0x3fc0_0000 })),
                    ],
                    ordered: false,
                },
            ),
        );
    }
    let a2i = field_mut(&mut top, "arch2infos");
    if let Obj::Dict { items, ordered } = a2i {
        *ordered = true;
        // 'less' before 'full' in one entry, as an OrderedDict.
        if let Obj::Dict { items: e, ordered } = &mut items[0].1 {
            e.swap(0, 1);
            *ordered = true;
        }
    }
    let entry = &mut dict_mut(field_mut(&mut top, "arch2infos"))[1].1;
    let full = field_mut(entry, "full");
    let results = field_mut(full, "all_results");
    let run = &mut dict_mut(results)[0].1;
    // Values of mixed types in one dict, ints stored run-length, latency as a dict.
    *field_mut(run, "train_acc5es") = Obj::Dict {
        items: vec![
            (Obj::Int(0), Obj::Float(1.5)),
            (Obj::Int(1), Obj::Int(7)),
            (Obj::Int(2), Obj::Bool(true)),
            (Obj::Int(3), Obj::Scalar(Scalar { dtype: Dtype::F64, bits: 2.5f64.to_bits() })),
            (Obj::Int(4), Obj::Scalar(Scalar { dtype: Dtype::I64, bits: (-3i64) as u64 })),
        ],
        ordered: false,
    };
    *field_mut(run, "train_times") = Obj::Dict {
        items: (0..6).map(|e| (Obj::Int(5 - e), Obj::Int(9))).collect(),
        ordered: true,
    };
    *field_mut(run, "latency") =
        Obj::Dict { items: vec![(s("gpu"), Obj::Float(0.5))], ordered: false };
    let a = open(&top);
    check_all(&a, &top);
    let mut want = Vec::new();
    common::obj_events(&top, &mut want);
    assert_eq!(common::archive_events(&a), want);
    let r = a.arch_results(dict_key(&top, 1), Hp::Full).unwrap().unwrap().run(0).unwrap().unwrap();
    let kinds: Vec<NumKind> =
        r.train_acc5es().unwrap().values().map(|v| v.unwrap().kind()).collect();
    assert_eq!(
        kinds,
        [
            NumKind::Float,
            NumKind::Int,
            NumKind::Bool,
            NumKind::Numpy(tnb_pickle::Dtype::F64),
            NumKind::Numpy(tnb_pickle::Dtype::I64)
        ]
    );
    // Unsorted int keys: `get` finds each by binary search.
    assert_eq!(r.train_times().unwrap().get_int(0).unwrap().map(|n| n.bits()), Some(9));
}

fn dict_key(top: &Obj, i: usize) -> i64 {
    match &items(top.get("arch2infos").unwrap())[i].0 {
        Obj::Int(k) => *k,
        _ => panic!(),
    }
}

/// The NB201 reader reads the NATS-Bench families (same payload format) and says which it is.
#[test]
fn nats_family_headers_open_and_report_their_family() {
    use tnb_schema::header::{Family, Header};
    let top = sample::object(&Options { archs: 2, full_epochs: 3, ..Options::default() });
    let bytes = archive_bytes(&top, 1, [0; 32]).unwrap();
    assert_eq!(Archive::copy_from(&bytes).unwrap().family(), Family::Nb201);
    for fam in [Family::NatsTss, Family::NatsSss] {
        let h = Header::decode_family(&bytes, Family::Nb201).unwrap();
        let h = Header::new_family(fam, h.payload_len, h.payload_crc32, 1, [0; 32], "t");
        let mut b = h.encode().to_vec();
        b.extend_from_slice(&bytes[h.encode().len()..]);
        let a = Archive::copy_from(&b).unwrap();
        assert_eq!(a.family(), fam);
        a.verify_checksum().unwrap();
    }
}
