//! The CLI on top of the store and the API crate: batch protocol, show, best, bench.

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
        input.extend_from_slice(
            b"{\"method\": \"get_total_epochs\", \"args\": [\"x\", \"jigsaw\"]}\n",
        );
        // A huge name with a control character: the error line quotes it escaped and cut.
        let huge = format!("\\u001b[2J{}", "y".repeat(200_000));
        input.extend_from_slice(
            format!("{{\"method\": \"arch2index\", \"args\": [\"{huge}\"]}}\n").as_bytes(),
        );
        input.extend_from_slice(b"{\"method\": \"len\"}"); // no final newline
        let out = batch(&f, &input);
        assert_eq!(out.len(), 14, "{out:#?}");
        assert_eq!(out[0], "{\"ok\": 32}");
        for i in [1, 2, 3, 4, 6, 7, 9, 10] {
            assert!(out[i].starts_with("{\"error\": \""), "line {i}: {}", out[i]);
        }
        assert!(out[4].contains("longer than"), "{}", out[4]);
        assert_eq!(out[5], "{\"ok\": \"64-41414-3_33_333\"}");
        assert_eq!(out[8], "{\"ok\": 0}");
        // Lines that are not calls say so; calls that raise name the Python exception class.
        assert!(out[1].ends_with(", \"type\": \"RequestError\"}"), "{}", out[1]);
        assert!(out[10].ends_with(", \"type\": \"RequestError\"}"), "{}", out[10]);
        assert!(out[11].ends_with(", \"type\": \"KeyError\"}"), "{}", out[11]);
        assert!(out[12].ends_with(", \"type\": \"ValueError\"}"), "{}", out[12]);
        assert!(out[12].len() < 1000 && !out[12].contains('\u{1b}'), "{}", out[12].len());
        assert_eq!(out[13], "{\"ok\": 32}");
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
