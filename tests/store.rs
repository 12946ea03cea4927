//! The store's Rust API on converted fixtures: handles and names give the same answers, the
//! iterators agree with the point queries, errors have the right kind, and no corruption that
//! passes validation can make a query panic.

use tnb_store::call::{Arg, METHODS, call};
use tnb_store::{ArchId, EpochStatus, JsonSink, Metric, Mode, QueryError, Store, Value, python};

use crate::common::data;

fn archive(fixture: &str) -> Vec<u8> {
    let source = std::fs::read(data().join(fixture)).unwrap();
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
    assert_eq!(
        s.task_list().unwrap().to_json().unwrap(),
        "[\"class_scene\", \"class_object\", \"room_layout\", \"jigsaw\", \"segmentsemantic\", \"normal\", \"autoencoder\"]"
    );
    assert!(
        s.metrics_dict()
            .unwrap()
            .to_json()
            .unwrap()
            .starts_with("{\"class_scene\": [\"train_top1\"")
    );
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

#[test]
fn epoch_status_is_python_s_dict() {
    let s = small();
    let st = s.epoch_status("64-4111-basic", "class_scene", -1).unwrap();
    let out = String::from_utf8(st.write_json(Vec::new()).unwrap()).unwrap();
    assert!(out.starts_with("{\"epoch\": 2, \"train_top1\": 49.0088996887207, \"train_top5\": "));
    assert!(out.ends_with(", \"time_elapsed\": \"00:39:21\"}"));
    assert_eq!(st.len(), 10);
    assert_eq!(st.iter().next().unwrap().0, "train_top1");
    assert_eq!(st.iter().last().unwrap(), ("time_elapsed", Value::Str("00:39:21")));
}

/// Every method with a spread of arguments, through the dynamic door (which reaches every
/// query), plus a full walk. Must never panic, whatever the archive holds.
fn exercise(s: &Store) {
    let arch = s.archs().next().and_then(|a| s.arch_name(a).ok()).unwrap_or("x").to_owned();
    let names: Vec<String> =
        s.tasks().filter_map(|t| s.task_name(t).ok().map(str::to_owned)).collect();
    let _ = s.walk(&mut |_| Ok::<(), ()>(()));
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
        let _ = s.arch_result(a).map(|o| o.to_json());
        for t in s.tasks() {
            let _ = s.epoch_status(a, t, 0).map(|st| st.write_json(Vec::new()).is_ok());
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
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut rand = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
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

// ---- The CLI on top of the store: batch protocol, show, best, bench ----

mod cli {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    use crate::common::{TempDir, data, run_bin, tnb};

    fn archive(dir: &TempDir) -> String {
        let out = dir.path("small.tnb");
        let src = data().join("transnas_small.pth");
        let r = tnb(&["convert", src.to_str().unwrap(), out.to_str().unwrap()]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        out.to_str().unwrap().to_owned()
    }

    fn batch(file: &str, input: &[u8]) -> Vec<String> {
        let r = run_bin(env!("CARGO_BIN_EXE_tnb"), &["batch", file], Some(input));
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        String::from_utf8(r.stdout).unwrap().lines().map(str::to_owned).collect()
    }

    #[test]
    fn batch_answers_every_line_and_survives_bad_ones() {
        let dir = TempDir::new("cli-batch");
        let f = archive(&dir);
        let long = format!("{{\"method\": \"len\", \"args\": [\"{}\"]}}\n", "x".repeat(1 << 21));
        let mut input = Vec::new();
        input.extend_from_slice(b"{\"method\": \"len\"}\n");
        input.extend_from_slice(b"not json\n");
        input.extend_from_slice(b"\n");
        input.extend_from_slice(b"\xff\xfe\n");
        input.extend_from_slice(long.as_bytes());
        input.extend_from_slice(b"{\"method\": \"index2arch\", \"args\": [-1]}\r\n");
        input.extend_from_slice(b"[1, 2]\n");
        input.extend_from_slice(b"{\"method\": \"len\", \"extra\": 1}\n");
        input.extend_from_slice(
            b"{\"method\": \"arch2index\", \"kwargs\": {\"arch\": \"64-\\u0034111-basic\"}}\n",
        );
        input.extend_from_slice(b"{\"method\": 5}\n");
        input.extend_from_slice(b"{\"method\": \"get_total_epochs\", \"args\": {}}\n");
        input.extend_from_slice(b"{\"method\": \"len\"}"); // no final newline
        let out = batch(&f, &input);
        assert_eq!(out.len(), 12, "{out:#?}");
        assert_eq!(out[0], "{\"ok\": 32}");
        for i in [1, 2, 3, 4, 6, 7, 9, 10] {
            assert!(out[i].starts_with("{\"error\": \""), "line {i}: {}", out[i]);
        }
        assert!(out[4].contains("longer than"), "{}", out[4]);
        assert_eq!(out[5], "{\"ok\": \"64-41414-3_33_333\"}");
        assert_eq!(out[8], "{\"ok\": 0}");
        assert_eq!(out[11], "{\"ok\": 32}");
    }

    #[test]
    fn batch_answers_a_waiting_client_at_once() {
        // A client on pipes writes one request and waits for its answer: tnb batch must flush
        // before it waits for the next line (otherwise both would wait forever).
        let dir = TempDir::new("cli-batch-pipe");
        let f = archive(&dir);
        let mut child = Command::new(env!("CARGO_BIN_EXE_tnb"))
            .args(["batch", &f])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let _ = tx.send(line.unwrap());
            }
        });
        for i in 0..3 {
            writeln!(stdin, "{{\"method\": \"index2arch\", \"args\": [{i}]}}").unwrap();
            stdin.flush().unwrap();
            let answer = rx.recv_timeout(Duration::from_secs(20));
            assert!(answer.as_deref().is_ok_and(|a| a.starts_with("{\"ok\": \"64-")), "{answer:?}");
        }
        drop(stdin);
        assert!(child.wait().unwrap().success());
    }

    #[test]
    fn show_and_best_print_tables_and_json() {
        let dir = TempDir::new("cli-show");
        let f = archive(&dir);
        let r = tnb(&["show", &f, "64-41414-1_11_133"]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let text = String::from_utf8(r.stdout).unwrap();
        assert!(text.starts_with("64-41414-1_11_133  (index 22, space micro)\nSpace: micro\n"));
        assert!(
            text.contains("node3: Skip-Connect( node0 ) + Conv3x3( node1 ) + Conv3x3( node2 )")
        );
        assert!(text.contains("\njigsaw  (2 epochs)\n"));
        let by_index = tnb(&["show", &f, "-10"]);
        assert_eq!(by_index.code, Some(0));
        assert!(by_index.stdout.starts_with(b"64-41414-1_11_133  (index 22"));
        let j = tnb(&["show", &f, "0", "--json"]);
        let j = String::from_utf8(j.stdout).unwrap();
        assert!(j.starts_with("{\"arch\": \"64-4111-basic\", \"index\": 0, \"space\": \"macro\", \"structure\": \"Space: macro\\n"));
        assert!(j.contains("\"valid_top1\": {\"best\": 43.77078628540039, \"best_epoch\": 2, \"final\": 43.77078628540039}"));
        for bad in [&["show", &f, "32"][..], &["show", &f, "nope"], &["show", &f, "-33"]] {
            tnb(bad).assert_clean_error(&format!("{bad:?}"));
        }

        let b = tnb(&["best", &f, "--task", "class_scene", "--metric", "valid_top1", "--top", "2"]);
        assert_eq!(b.code, Some(0), "{}", b.stderr);
        let text = String::from_utf8(b.stdout).unwrap();
        assert!(text.contains("space macro") && text.contains("space micro"));
        assert!(text.contains("57.83424377441406      2  64-2113-basic"));
        let bj = tnb(&[
            "best",
            &f,
            "--task",
            "class_scene",
            "--metric",
            "valid_top1",
            "--space",
            "macro",
            "--top",
            "2",
            "--json",
        ]);
        assert_eq!(
            String::from_utf8(bj.stdout).unwrap(),
            "{\"macro\": [[57.83424377441406, \"64-2113-basic\"], [57.83424377441406, \"64-133442-basic\"]]}\n"
        );
        let all = tnb(&[
            "best",
            &f,
            "--task",
            "jigsaw",
            "--metric",
            "valid_loss",
            "--top",
            "all",
            "--json",
        ]);
        assert_eq!(String::from_utf8(all.stdout).unwrap().matches("64-").count(), 32);
        for bad in [
            &["best", &f, "--task", "nope", "--metric", "valid_top1"][..],
            &["best", &f, "--task", "jigsaw", "--metric", "nope"],
            &["best", &f, "--task", "jigsaw", "--metric", "valid_top1", "--space", "nano"],
        ] {
            tnb(bad).assert_clean_error(&format!("{bad:?}"));
        }
    }

    #[test]
    fn bench_of_an_archive_prints_exactly_the_promised_keys() {
        let dir = TempDir::new("cli-bench");
        let f = archive(&dir);
        let r = tnb(&["bench", &f, "--json", "--runs", "1"]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let text = String::from_utf8(r.stdout).unwrap();
        let keys: Vec<&str> = text.split('"').skip(1).step_by(2).collect();
        assert_eq!(
            keys,
            [
                "open_us",
                "index2arch_ns",
                "arch2index_ns",
                "single_metric_best_ns",
                "single_metric_best_id_ns",
                "single_metric_list_ns",
                "model_info_ns",
                "epoch_status_ns",
                "best_archs_top10_ns",
                "batch_requests_per_s"
            ]
        );
    }
}
