//! tnb-api on converted fixtures: renderings are Python's, and no corruption that passes
//! validation can make a call panic.

use tnb_api::{Arg, JsonSink, METHODS, call, object_json};
use tnb_store::Store;

fn data(fixture: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data").join(fixture)
}

fn archive(fixture: &str) -> Vec<u8> {
    let source = std::fs::read(data(fixture)).unwrap();
    tnb_convert::convert_bytes(&source).unwrap()
}

fn small() -> Store {
    Store::copy_from(&archive("transnas_small.pth")).unwrap()
}

#[test]
fn objects_render_as_python_prints_them() {
    let s = small();
    assert_eq!(
        object_json(&s.task_list().unwrap()).unwrap(),
        "[\"class_scene\", \"class_object\", \"room_layout\", \"jigsaw\", \"segmentsemantic\", \"normal\", \"autoencoder\"]"
    );
    assert!(
        object_json(&s.metrics_dict().unwrap())
            .unwrap()
            .starts_with("{\"class_scene\": [\"train_top1\"")
    );
}

/// A call's answer as `json.dumps` text.
fn answer(s: &Store, method: &str, args: &[Arg<'_>]) -> String {
    let mut sink = JsonSink::new(Vec::new());
    call(s, method, args, &[], &mut |e| sink.event(e)).unwrap();
    String::from_utf8(sink.finish().unwrap()).unwrap()
}

#[test]
fn epoch_status_is_python_s_dict() {
    let s = small();
    let args = [Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Int(-1)];
    let out = answer(&s, "get_epoch_status", &args);
    assert!(out.starts_with("{\"epoch\": 2, \"train_top1\": 49.0088996887207, \"train_top5\": "));
    assert!(out.ends_with(", \"time_elapsed\": \"00:39:21\"}"));
}

/// Every method with a spread of arguments, through the dynamic door (which reaches every
/// query), plus a full walk. Must never panic, whatever the archive holds.
fn exercise(s: &Store) {
    let arch = s.archs().next().and_then(|a| s.arch_name(a).ok()).unwrap_or("x").to_owned();
    let names: Vec<String> =
        s.tasks().filter_map(|t| s.task_name(t).ok().map(str::to_owned)).collect();
    let _ = tnb_api::document(s, &mut |_| Ok::<(), ()>(()));
    let archs = [arch.as_str(), "64-41414-3_33_333"];
    let modes = [Arg::Str("best"), Arg::Str("final"), Arg::Str("list"), Arg::Int(1), Arg::Int(-1)];
    for sig in METHODS {
        let (method, params) = (sig.name, sig.params);
        for a in archs {
            for task in names.iter().step_by(3) {
                for metric in ["valid_top1", "time_elapsed"] {
                    for mode in modes {
                        let args: Vec<Arg<'_>> = params
                            .iter()
                            .map(|p| match *p {
                                "arch" => Arg::Str(a),
                                "task" => Arg::Str(task),
                                "metric" => Arg::Str(metric),
                                "info" => Arg::Str("model_FLOPs"),
                                "search_space" => Arg::Str("micro"),
                                "index" | "epoch" => Arg::Int(-1),
                                "topk" => Arg::Int(5),
                                "mode" => mode,
                                _ => Arg::None,
                            })
                            .collect();
                        let mut sink = JsonSink::new(Vec::new());
                        let _ = call(s, method, &args, &[], &mut |e| sink.event(e));
                    }
                }
            }
        }
    }
    for a in s.archs().take(4) {
        let _ = s.arch_result(a).map(|o| object_json(&o));
        for t in s.tasks() {
            for m in s.metrics(t).into_iter().flatten() {
                let _ = s.values(a, t, m).map(|v| v.count());
                let _ = s.best_epoch_status(a, t, m);
            }
        }
    }
}

#[test]
fn corrupted_archives_that_pass_validation_never_panic() {
    let good = archive("transnas_variant.pth");
    let header = tnb_schema::header::HEADER_LEN;
    let mut rng = tnb_testrng::TestRng::new(0x9e37_79b9_7f4a_7c15);
    let mut rand = move || rng.next_u64();
    let (mut opened, mut tried) = (0, 0);
    for round in 0..300 {
        let mut bytes = good.clone();
        // A few flips anywhere in the payload; rounds alternate single bits and whole words, the
        // latter aimed at the small tables (offsets, ids) near the end of the payload.
        for _ in 0..1 + round % 3 {
            let len = bytes.len() - header;
            let at = header
                + if round % 2 == 0 {
                    rand() as usize % len
                } else {
                    len - 1 - rand() as usize % (len / 4)
                };
            if round % 2 == 0 {
                bytes[at] ^= 1 << (rand() % 8);
            } else {
                bytes[at] = rand() as u8;
            }
        }
        tried += 1;
        let Ok(store) = Store::copy_from(&bytes) else { continue };
        opened += 1;
        exercise(&store);
    }
    assert!(opened > tried / 4, "only {opened} of {tried} corrupted archives opened");
}
