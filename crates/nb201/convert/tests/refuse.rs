//! What the converter refuses, each in one line naming the object path, and its limits.

use std::sync::Arc;

use tnb_nb201_convert::sample::{self, Options, Version};
use tnb_nb201_convert::{
    Converter, Error, MAX_ARCH_KEY, MAX_GENERIC_DEPTH, MAX_GENERIC_NODES, archive_bytes,
};
use tnb_pickle::stream::Obj;

fn s(x: &str) -> Obj {
    Obj::Str(Arc::from(x))
}

fn small() -> Obj {
    sample::object(&Options { version: Version::V1_1, archs: 3, full_epochs: 4 })
}

fn items_mut(o: &mut Obj) -> &mut Vec<(Obj, Obj)> {
    match o {
        Obj::Dict { items, .. } => items,
        _ => panic!("not a dict"),
    }
}

fn get_mut<'a>(o: &'a mut Obj, key: &str) -> &'a mut Obj {
    let items = items_mut(o);
    &mut items.iter_mut().find(|(k, _)| k.as_str() == Some(key)).unwrap().1
}

/// The first arch's first full run.
fn first_run(top: &mut Obj) -> &mut Obj {
    let a2i = get_mut(top, "arch2infos");
    let entry = &mut items_mut(a2i)[0].1;
    let full = get_mut(entry, "full");
    let results = get_mut(full, "all_results");
    &mut items_mut(results)[0].1
}

fn refused(top: &Obj) -> String {
    let e = archive_bytes(top, 0, [0; 32]).unwrap_err().to_string();
    assert!(!e.contains('\n'), "{e}");
    e
}

#[test]
fn the_official_constructors_requirements_are_checked() {
    for key in ["meta_archs", "arch2infos", "evaluated_indexes"] {
        let mut top = small();
        items_mut(&mut top).retain(|(k, _)| k.as_str() != Some(key));
        let e = refused(&top);
        assert!(e.contains(&format!("Can not find key[{key}]")), "{e}");
    }
    let e = refused(&Obj::List(vec![]));
    assert!(e.contains("not a dict"), "{e}");
    // A duplicate arch string.
    let mut top = small();
    if let Obj::List(m) = get_mut(&mut top, "meta_archs") {
        let first = m[0].clone();
        m[2] = first;
    }
    let e = refused(&top);
    assert!(e.contains("meta_archs[2]") && e.contains("meta_archs[0]"), "{e}");
    // An entry without 'less'.
    let mut top = small();
    let a2i = get_mut(&mut top, "arch2infos");
    let (k, entry) = &mut items_mut(a2i)[0];
    let k = match k {
        Obj::Int(k) => *k,
        _ => panic!(),
    };
    items_mut(entry).retain(|(k, _)| k.as_str() != Some("less"));
    let e = refused(&top);
    assert!(
        e.contains(&format!("arch2infos[{k}]: expected exactly the keys 'full' and 'less'")),
        "{e}"
    );
}

#[test]
fn layout_errors_name_the_object_path() {
    let mut top = small();
    *get_mut(first_run(&mut top), "train_times") = s("soon");
    let e = refused(&top);
    assert!(
        e == "not a NAS-Bench-201 file: arch2infos[1]['full']['all_results'][('cifar10-valid', 777)]['train_times']: expected a dict of numbers, a list or None, found str",
        "{e}"
    );
    let mut top = small();
    *get_mut(first_run(&mut top), "net_state_dict") = Obj::Dict { items: vec![], ordered: true };
    assert!(refused(&top).contains("['net_state_dict']: expected None"));
    let mut top = small();
    items_mut(first_run(&mut top)).swap(0, 1);
    assert!(refused(&top).contains("with the keys ['name', 'train_acc1es'"));
    let mut top = small();
    let acc = get_mut(first_run(&mut top), "train_acc1es");
    items_mut(acc)[2].1 = s("NaN");
    let e = refused(&top);
    assert!(e.contains("['train_acc1es'][2]: expected a number, found str"), "{e}");
    let mut top = small();
    let acc = get_mut(first_run(&mut top), "eval_losses");
    items_mut(acc)[1].0 = Obj::Int(5);
    assert!(refused(&top).contains("all ints or all strs"));
    let mut top = small();
    let acc = get_mut(first_run(&mut top), "train_losses");
    items_mut(acc)[1].0 = Obj::Int(0);
    assert!(refused(&top).contains("repeats an earlier key"));
}

#[test]
fn arch_keys_are_ints_in_range_and_unique() {
    let top = small();
    let Some(Obj::Dict { items, .. }) = top.get("arch2infos") else { panic!() };
    let v = &items[0].1;
    let mut c = Converter::in_memory();
    let e = c.entry(&Obj::Int(MAX_ARCH_KEY), v).unwrap_err().to_string();
    assert!(e.contains("MAX_ARCH_KEY"), "{e}");
    assert!(c.entry(&Obj::Int(-1), v).is_err());
    assert!(c.entry(&Obj::Bool(true), v).unwrap_err().to_string().contains("bool"));
    c.entry(&Obj::Int(MAX_ARCH_KEY - 1), v).unwrap();
    let e = c.entry(&Obj::Int(MAX_ARCH_KEY - 1), v).unwrap_err().to_string();
    assert!(e.contains("appears twice"), "{e}");
}

#[test]
fn generic_limits_are_hit() {
    let mut deep = Obj::None;
    for _ in 0..=MAX_GENERIC_DEPTH + 1 {
        deep = Obj::List(vec![deep]);
    }
    let mut top = small();
    items_mut(&mut top).push((s("deep"), deep));
    let e = refused(&top);
    assert!(e.contains("MAX_GENERIC_DEPTH") && e.contains("deep"), "{e}");
    let mut top = small();
    items_mut(&mut top).push((s("wide"), Obj::List(vec![Obj::None; MAX_GENERIC_NODES])));
    let e = refused(&top);
    assert!(e.contains("MAX_GENERIC_NODES"), "{e}");
}

#[test]
fn a_failed_entry_is_an_error_the_stream_can_carry() {
    // The streaming reader takes `String` errors from its consumer: one line.
    let mut c = Converter::in_memory();
    let e: Error = c.entry(&Obj::Int(1), &Obj::None).unwrap_err();
    let line = e.to_string();
    assert_eq!(
        line,
        "not a NAS-Bench-201 file: arch2infos[1]: expected a dict {'full': ..., 'less': ...}, found NoneType"
    );
}

/// NATS-Bench entries: any str hp keys (at least one), and arch_config values that are strs or
/// numbers; everything else is named.
#[test]
fn nats_entries_and_arch_configs_are_checked() {
    use tnb_nb201_convert::{Family, archive_bytes_family};
    let nats = |top: &Obj| archive_bytes_family(Family::NatsSss, top, 0, [0; 32]);
    // An NB201-shaped object is also a valid NATS one (hp keys 'full', 'less').
    assert!(nats(&small()).is_ok());
    // Renamed and reordered hp keys are kept.
    let mut top = small();
    let a2i = get_mut(&mut top, "arch2infos");
    let entry = items_mut(&mut items_mut(a2i)[0].1);
    entry[0].0 = s("90");
    entry.swap(0, 1);
    assert!(nats(&top).is_ok());
    assert!(refused(&top).contains("'full' and 'less'"));
    // A non-str hp key.
    let mut top = small();
    let a2i = get_mut(&mut top, "arch2infos");
    items_mut(&mut items_mut(a2i)[0].1)[0].0 = Obj::Int(12);
    let e = nats(&top).unwrap_err().to_string();
    assert!(e.contains("expected str hp keys, found a int key"), "{e}");
    // arch_config: any str keys in any order, str or number values; not a list.
    let mut top = small();
    let config = get_mut(first_run(&mut top), "arch_config");
    *config = Obj::Dict {
        items: vec![
            (s("name"), s("infer.shape.tiny")),
            (s("channels"), s("8:8:8:8:8")),
            (s("ratio"), Obj::Float(0.5)),
            (s("class_num"), Obj::Int(10)),
        ],
        ordered: true,
    };
    let a = tnb_nb201_store::Archive::copy_from(&archive_bytes(&top, 0, [0; 32]).unwrap()).unwrap();
    let key = a.entry_keys().unwrap().get(0).unwrap();
    let run = a.arch_results(key, tnb_nb201_store::Hp::Full).unwrap().unwrap().run(0).unwrap();
    let c = run.unwrap().arch_config_dict().unwrap();
    assert!(c.ordered() && c.len() == 4);
    assert_eq!(c.item(1).unwrap().unwrap().0, "channels");
    let config = get_mut(first_run(&mut top), "arch_config");
    items_mut(config)[2].1 = Obj::List(vec![]);
    let e = refused(&top);
    assert!(e.contains("['arch_config']['ratio']: expected a str or a number, found list"), "{e}");
    let config = get_mut(first_run(&mut top), "arch_config");
    items_mut(config)[2].0 = Obj::Int(1);
    let e = refused(&top);
    assert!(e.contains("['arch_config']: expected a str, found int"), "{e}");
}
