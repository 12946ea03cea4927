//! tnb-api on converted fixtures: renderings are Python's, and no corruption that passes
//! validation can make a call panic.

use tnb_api::{Arg, CallError, JsonSink, JsonSinkError, METHODS, call, object_json};
use tnb_store::Store;

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

/// What one call may end in on any archive: an answer that is one complete JSON value, a
/// Python exception with a one-line message, or a value JSON cannot hold (bytes).
fn check_outcome(r: Result<(), CallError<JsonSinkError>>, sink: JsonSink<Vec<u8>>, what: &str) {
    match r {
        Ok(()) => {
            let out = sink.finish().unwrap_or_else(|e| panic!("{what}: incomplete answer: {e}"));
            assert!(!out.is_empty(), "{what}: an empty answer");
        }
        Err(CallError::Api(e)) => {
            assert!(!e.message().contains('\n') && !e.message().is_empty(), "{what}: {e}");
        }
        Err(CallError::Sink(JsonSinkError::NotJson(m))) => {
            assert_eq!(m, tnb_api::BYTES_NOT_JSON, "{what}: the answer is not balanced");
        }
        Err(other) => panic!("{what}: {other}"),
    }
}

/// Every method with a spread of arguments, through the dynamic door (which reaches every
/// query), plus a full walk. Must never panic, whatever the archive holds, and every outcome
/// must be a complete answer or a classified error ([`check_outcome`]).
fn exercise(s: &Store) {
    let arch = s.archs().next().and_then(|a| s.arch_name(a).ok()).unwrap_or("x").to_owned();
    let names: Vec<String> =
        s.tasks().filter_map(|t| s.task_name(t).ok().map(str::to_owned)).collect();
    let mut sink = JsonSink::new(Vec::new());
    match tnb_api::document(s, &mut |e| sink.event(e)) {
        // A walk that ends is one complete document.
        Ok(()) => assert!(sink.finish().is_ok(), "the archive's walk is unbalanced"),
        Err(tnb_api::WalkError::Query(q)) => assert!(!q.to_string().contains('\n')),
        Err(tnb_api::WalkError::Sink(JsonSinkError::NotJson(m))) => {
            assert_eq!(m, tnb_api::BYTES_NOT_JSON, "the archive's walk is unbalanced");
        }
        Err(other) => panic!("walk: {other}"),
    }
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
                        let r = call(s, method, &args, &[], &mut |e| sink.event(e));
                        check_outcome(r, sink, method);
                    }
                }
            }
        }
    }
    for a in s.archs().take(4) {
        if let Ok(o) = s.arch_result(a) {
            // A rendered result is JSON text or a classified refusal, never a panic.
            if let Ok(text) = object_json(&o) {
                assert!(text.starts_with('{') && text.ends_with('}'), "{text}");
            }
        }
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

/// A plain-object archive (the source is not a benchmark) answers no method: the official class
/// cannot be built from such a source, so every method is a `FormatError`, including those that
/// an empty benchmark would answer (`len`, `search_spaces`, `index2arch`...), with any arguments.
/// Only an unknown method name stays Python's `AttributeError`.
#[test]
fn a_plain_object_archive_answers_no_method() {
    let s = Store::copy_from(&archive("ints.pth")).unwrap();
    for sig in METHODS {
        for args in
            [&[][..], &[Arg::Int(0)][..], &[Arg::Str("x"), Arg::Str("y"), Arg::Str("z")][..]]
        {
            let r = call(&s, sig.name, args, &[], &mut |_| Ok::<(), ()>(()));
            let e = r.expect_err(sig.name);
            assert_eq!(e.exc(), Some(tnb_api::Exc::FormatError), "{} {args:?}", sig.name);
        }
    }
    let r = call(&s, "nope", &[], &[], &mut |_| Ok::<(), ()>(()));
    assert_eq!(r.unwrap_err().exc(), Some(tnb_api::Exc::AttributeError));
}
