//! The file's own lists (`task_list`, `metrics_dict`, `info_names`) and the search spaces' names,
//! each with its exact answer: the node the layout names for a benchmark, `NotABenchmark` for an
//! archive of a plain object, and the name of every space by its handle.

use tnb_store::{ObjectRef, QueryError, Store};

fn archive(fixture: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data").join(fixture);
    tnb_convert::convert_bytes(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn the_named_lists_are_the_nodes_the_layout_names() {
    let s = Store::copy_from(&archive("transnas_small.pth")).unwrap();
    let tasks = s.task_list().unwrap();
    let layout = &tasks.archive().layout;
    let ids = [
        layout.task_list.to_native(),
        layout.metrics_dict.to_native(),
        layout.info_names.to_native(),
    ];
    assert_eq!(tasks.target(), ObjectRef::Node(ids[0]));
    assert_eq!(s.metrics_dict().unwrap().target(), ObjectRef::Node(ids[1]));
    assert_eq!(s.info_names().unwrap().target(), ObjectRef::Node(ids[2]));
    // Three different objects of the file.
    assert!(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2]);
}

#[test]
fn a_plain_object_has_no_named_lists() {
    let s = Store::copy_from(&archive("ints.pth")).unwrap();
    assert_eq!(s.task_list().unwrap_err(), QueryError::NotABenchmark);
    assert_eq!(s.metrics_dict().unwrap_err(), QueryError::NotABenchmark);
    assert_eq!(s.info_names().unwrap_err(), QueryError::NotABenchmark);
}

#[test]
fn every_space_has_its_name() {
    let s = Store::copy_from(&archive("transnas_small.pth")).unwrap();
    let names: Vec<&str> = s.spaces().map(|sp| s.space_name(sp).unwrap()).collect();
    assert_eq!(names, ["macro", "micro"]);
    assert_eq!(s.space_name(s.space("micro").unwrap()).unwrap(), "micro");
}
