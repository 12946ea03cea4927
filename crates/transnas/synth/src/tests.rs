//! Checks of the generated object's shape and values.

use tnb_pthwrite::{Value, dumps};

use crate::{Container, InfoMode, Options, Synth, TASKS, TimeFormat, select_archs};

fn small(archs: usize, tasks: usize, epochs: Option<u32>) -> Options {
    Options { archs, tasks, epochs, ..Options::default() }
}

fn dict(v: &Value) -> &[(Value, Value)] {
    match v {
        Value::Dict(d) => d,
        other => panic!("expected a dict, found {other:?}"),
    }
}

fn list(v: &Value) -> &[Value] {
    match v {
        Value::List(l) => l,
        other => panic!("expected a list, found {other:?}"),
    }
}

fn text(v: &Value) -> &str {
    match v {
        Value::Str(s) => s,
        other => panic!("expected a str, found {other:?}"),
    }
}

fn get<'a>(d: &'a Value, key: &str) -> &'a Value {
    dict(d).iter().find(|(k, _)| text(k) == key).map(|(_, v)| v).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    list(v)
        .iter()
        .map(|x| match x {
            Value::Float(f) => *f,
            other => panic!("expected a float, found {other:?}"),
        })
        .collect()
}

#[test]
fn selection_keeps_both_spaces_and_spreads_evenly() {
    assert!(select_archs(0).is_err() && select_archs(1).is_err() && select_archs(7353).is_err());
    assert_eq!(select_archs(2).unwrap(), [0, 3256]);
    assert_eq!(select_archs(3).unwrap(), [0, 3256, 7351]);
    assert_eq!(select_archs(4).unwrap(), [0, 3255, 3256, 7351]);
    assert_eq!(select_archs(7352).unwrap(), (0..7352).collect::<Vec<_>>());
    for n in [2, 5, 100, 1000, 4097, 7351] {
        let v = select_archs(n).unwrap();
        assert_eq!(v.len(), n);
        assert!(v.windows(2).all(|w| w[0] < w[1]), "{n}: not increasing");
        let macro_n = v.iter().filter(|&&i| i < 3256).count();
        assert!(macro_n >= 1 && macro_n < n);
        assert!((macro_n as f64 - n as f64 * 3256.0 / 7352.0).abs() <= 1.0);
    }
}

#[test]
fn full_size_arch_list_is_the_benchmark_order() {
    let s = Synth::new(Options::default()).unwrap();
    let all: Vec<String> = tnb_arch::all_archs().map(|a| a.to_string()).collect();
    assert!(s.arch_names().eq(all.iter().map(String::as_str)));
    assert_eq!(s.space_counts(), (3256, 4096));
}

#[test]
fn streaming_pickle_equals_the_tree_for_every_option() {
    for time in [TimeFormat::String, TimeFormat::Float] {
        for info in [InfoMode::Numbers, InfoMode::Empty] {
            for (archs, tasks, epochs) in [(3, 7, Some(2)), (9, 2, None), (2, 4, Some(1))] {
                let o = Options { time, info, ..small(archs, tasks, epochs) };
                let s = Synth::new(o.clone()).unwrap();
                assert!(dumps(&s.to_value()).unwrap() == s.pickle().unwrap(), "{o:?}");
            }
        }
    }
}

#[test]
fn structure_follows_the_reference() {
    let s = Synth::new(small(6, 7, None)).unwrap();
    let v = s.to_value();
    let keys: Vec<&str> = dict(&v).iter().map(|(k, _)| text(k)).collect();
    assert_eq!(keys, ["task_list", "metrics_dict", "info_names", "data"]);
    let tasks: Vec<&str> = list(get(&v, "task_list")).iter().map(text).collect();
    assert_eq!(tasks, TASKS.map(|t| t.name));
    let md = get(&v, "metrics_dict");
    for t in TASKS {
        let names: Vec<&str> = list(get(md, t.name)).iter().map(text).collect();
        assert_eq!(names, t.metrics);
    }
    let data = get(&v, "data");
    let spaces: Vec<&str> = dict(data).iter().map(|(k, _)| text(k)).collect();
    assert_eq!(spaces, ["macro", "micro"]);
    let archs: Vec<&str> = dict(get(data, "macro")).iter().map(|(k, _)| text(k)).collect();
    let (n_macro, _) = s.space_counts();
    assert_eq!(archs, s.arch_names().take(n_macro).collect::<Vec<_>>());
    for space in ["macro", "micro"] {
        for (_, per_task) in dict(get(data, space)) {
            for (t, (name, result)) in TASKS.iter().zip(dict(per_task)) {
                assert_eq!(text(name), t.name);
                let rk: Vec<&str> = dict(result).iter().map(|(k, _)| text(k)).collect();
                assert_eq!(rk, ["total_epochs", "model_info", "metrics"]);
                assert_eq!(get(result, "total_epochs"), &Value::Int(i64::from(t.epochs)));
                let metrics = get(result, "metrics");
                let mk: Vec<&str> = dict(metrics).iter().map(|(k, _)| text(k)).collect();
                assert_eq!(mk, t.metrics);
                for (k, values) in dict(metrics) {
                    assert_eq!(list(values).len(), t.epochs as usize, "{}", text(k));
                }
            }
        }
    }
}

#[test]
fn names_are_shared_objects_and_results_are_fresh() {
    let s = Synth::new(small(2, 7, Some(2))).unwrap();
    let v = s.to_value();
    let task_list = list(get(&v, "task_list"));
    let md = dict(get(&v, "metrics_dict"));
    let data = get(&v, "data");
    let (_, first) = &dict(get(data, "macro"))[0];
    let (_, second) = &dict(get(data, "micro"))[0];
    for (i, (name, result)) in dict(first).iter().enumerate() {
        assert!(name.is(&task_list[i]) && md[i].0.is(name));
        let metrics = get(result, "metrics");
        for ((k, _), listed) in dict(metrics).iter().zip(list(&md[i].1)) {
            assert!(k.is(listed), "metric key is the metrics_dict string");
        }
        let other = &dict(second)[i].1;
        assert!(dict(result)[0].0.is(&dict(other)[0].0), "'total_epochs' is one object");
        assert!(!result.is(other));
    }
    // 'train_loss' of class_scene and of room_layout: one object.
    let cs = list(&md[0].1);
    let rl = list(&md[2].1);
    assert!(cs[2].is(&rl[0]));
    // Distinct list objects per task in metrics_dict, even when equal.
    assert!(!md[0].1.is(&md[1].1) && md[0].1 == md[1].1);
}

#[test]
fn values_behave_like_training_results() {
    let s = Synth::new(small(40, 7, None)).unwrap();
    let v = s.to_value();
    let data = get(&v, "data");
    for space in ["macro", "micro"] {
        for (arch, per_task) in dict(get(data, space)) {
            for (t, (_, result)) in TASKS.iter().zip(dict(per_task)) {
                let m = get(result, "metrics");
                for name in t.metrics.iter().filter(|n| **n != "time_elapsed") {
                    let xs = floats(get(m, name));
                    assert!(xs.iter().all(|&x| f64::from(x as f32) == x), "{name}: not f32");
                    let (lo, hi) = match *name {
                        n if n.ends_with("neg_loss") => (-1.2, -0.3),
                        n if n.ends_with("ssim") => (0.0, 1.0),
                        n if n.ends_with("loss") => (0.0, 6.0),
                        _ => (0.0, 100.0),
                    };
                    assert!(
                        xs.iter().all(|x| (lo..=hi).contains(x)),
                        "{}: {name} {xs:?}",
                        text(arch)
                    );
                    let gain = xs[xs.len() - 1] - xs[0];
                    let rising = !name.ends_with("loss") || name.ends_with("neg_loss");
                    assert!(if rising { gain > 0.0 } else { gain < 0.0 }, "{name}: {xs:?}");
                }
                if t.name == "room_layout" {
                    for split in ["train", "valid", "test"] {
                        let l = floats(get(m, &format!("{split}_loss")));
                        let n = floats(get(m, &format!("{split}_neg_loss")));
                        assert!(l.iter().zip(&n).all(|(a, b)| *b == -*a));
                    }
                }
                let times: Vec<&str> = list(get(m, "time_elapsed")).iter().map(text).collect();
                assert!(times.iter().all(|t| t.len() >= 8 && t.as_bytes()[2] == b':'));
                assert!(times.windows(2).all(|w| w[0].len() < w[1].len() || w[0] <= w[1]));
                let info = get(result, "model_info");
                let Value::Float(secs) = get(info, "inference_time") else { panic!() };
                assert!((0.003..=0.25).contains(secs));
                assert!(matches!(get(info, "model_FLOPs"), Value::Int(f) if *f > 0));
            }
        }
    }
}

#[test]
fn quality_ranks_consistently_across_tasks() {
    // The final valid top-1 of class_scene and class_object should agree on which archs are
    // good: a positive rank correlation over a spread of micro archs.
    let s = Synth::new(small(400, 2, None)).unwrap();
    let v = s.to_value();
    let micro = dict(get(get(&v, "data"), "micro"));
    let last = |r: &Value| *floats(get(get(r, "metrics"), "valid_top1")).last().unwrap();
    let a: Vec<f64> = micro.iter().map(|(_, p)| last(&dict(p)[0].1)).collect();
    let b: Vec<f64> = micro.iter().map(|(_, p)| last(&dict(p)[1].1)).collect();
    let rank = |x: &[f64]| {
        let mut idx: Vec<usize> = (0..x.len()).collect();
        idx.sort_by(|&i, &j| x[i].total_cmp(&x[j]));
        let mut r = vec![0.0; x.len()];
        for (pos, &i) in idx.iter().enumerate() {
            r[i] = pos as f64;
        }
        r
    };
    let (ra, rb) = (rank(&a), rank(&b));
    let n = ra.len() as f64;
    let mean = (n - 1.0) / 2.0;
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - mean) * (y - mean)).sum();
    let var: f64 = ra.iter().map(|x| (x - mean) * (x - mean)).sum();
    assert!(cov / var > 0.6, "rank correlation {}", cov / var);
}

#[test]
fn options_change_types_where_asked() {
    let o = Options { time: TimeFormat::Float, info: InfoMode::Empty, ..small(2, 1, Some(3)) };
    let v = Synth::new(o).unwrap().to_value();
    let (_, per_task) = &dict(get(get(&v, "data"), "macro"))[0];
    let result = &dict(per_task)[0].1;
    let times = floats(get(get(result, "metrics"), "time_elapsed"));
    assert!(times.windows(2).all(|w| w[0] < w[1]) && times[0] > 0.0);
    let info = get(result, "model_info");
    assert!(matches!(get(info, "inference_time"), Value::Float(_)));
    for k in ["encoder_params", "model_params", "model_FLOPs", "encoder_FLOPs"] {
        assert_eq!(text(get(info, k)), "");
    }
}

#[test]
fn subsets_agree_with_bigger_files() {
    // An arch's values depend on the seed, its index and the task only.
    let a = Synth::new(small(2, 3, Some(4))).unwrap().to_value();
    let b = Synth::new(small(7352, 1, Some(4))).unwrap();
    let b = Synth::new(Options { archs: 2, ..b.options().clone() }).unwrap().to_value();
    let first = |v: &Value| dict(&dict(get(get(v, "data"), "micro"))[0].1)[0].1.clone();
    assert_eq!(first(&a), first(&b));
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let o = small(5, 3, Some(3));
    let zip = Container::Zip { folder: "d".to_owned() };
    let a = Synth::new(o.clone()).unwrap().file_bytes(&zip).unwrap();
    let b = Synth::new(o.clone()).unwrap().file_bytes(&zip).unwrap();
    let c = Synth::new(Options { seed: 102, ..o }).unwrap().file_bytes(&zip).unwrap();
    assert!(a == b);
    assert!(a != c);
}

#[test]
fn full_size_is_about_as_big_as_the_real_file() {
    // The real file is about 120 MB; the zip adds under 1 KB to data.pkl.
    let n = Synth::new(Options::default()).unwrap().pickle().unwrap().len();
    assert!((110_000_000..130_000_000).contains(&n), "{n} bytes");
}
