//! `tnb convert` / `tnb-convert`, and the archive tools `dump`, `info`, `verify`, end to end.

use std::path::Path;

use tnb_pthwrite::Value;

use crate::common::{Run, TempDir, data, good_fixtures, names_in, run_bin, tnb};

fn convert(src: &Path, dst: &Path) -> crate::common::Run {
    tnb(&["convert", src.to_str().unwrap(), dst.to_str().unwrap()])
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `dump(convert(X)) == dump(X)` and `verify --source X` passes.
fn round_trip(src: &Path, tmp: &TempDir) {
    let out = tmp.path("out.tnb");
    let r = convert(src, &out);
    assert_eq!(r.code, Some(0), "{}: {}", src.display(), r.stderr);
    let want = tnb(&["dump", s(src)]);
    let got = tnb(&["dump", s(&out)]);
    assert_eq!(want.code, got.code, "{}: {} / {}", src.display(), want.stderr, got.stderr);
    assert!(
        want.stdout == got.stdout,
        "{}: dump of the archive differs from dump of the source",
        src.display()
    );
    let v = tnb(&["verify", s(&out), "--source", s(src)]);
    assert_eq!(v.code, Some(0), "{}: {}", src.display(), v.stderr);
}

#[test]
fn every_fixture_round_trips_exactly() {
    let tmp = TempDir::new("convert-fixtures");
    for (src, _) in good_fixtures() {
        round_trip(&src, &tmp);
    }
    // Fixtures without JSON (bytes values) still convert and verify.
    for name in ["bytes_proto2.pkl", "bytes_proto4.pkl"] {
        round_trip(&data().join(name), &tmp);
    }
}

#[test]
fn every_generator_option_round_trips_exactly() {
    use tnb_synth::{Container, InfoMode, Options, Synth, TimeFormat};
    let tmp = TempDir::new("convert-synth");
    for (i, (time, info, legacy)) in [
        (TimeFormat::String, InfoMode::Numbers, false),
        (TimeFormat::Float, InfoMode::Numbers, false),
        (TimeFormat::String, InfoMode::Empty, true),
        (TimeFormat::Float, InfoMode::Empty, true),
    ]
    .into_iter()
    .enumerate()
    {
        let opts =
            Options { archs: 40, seed: 11 + i as u64, time, info, tasks: 7, epochs: Some(4) };
        let synth = Synth::new(opts).unwrap();
        let container =
            if legacy { Container::Legacy } else { Container::Zip { folder: "synth".into() } };
        let src = tmp.path(&format!("synth{i}.pth"));
        std::fs::write(&src, synth.file_bytes(&container).unwrap()).unwrap();
        round_trip(&src, &tmp);
    }
}

#[test]
fn conversion_is_deterministic_and_streaming_equals_in_memory() {
    let tmp = TempDir::new("convert-determinism");
    let src = data().join("transnas_variant.pth");
    let (a, b) = (tmp.path("a.tnb"), tmp.path("b.tnb"));
    assert_eq!(convert(&src, &a).code, Some(0));
    assert_eq!(run_bin(env!("CARGO_BIN_EXE_tnb-convert"), &[s(&src), s(&b)], None).code, Some(0));
    let (x, y) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert!(x == y, "two conversions differ");
    let mem = tnb_convert::convert_bytes(&std::fs::read(&src).unwrap()).unwrap();
    assert!(mem == x, "in-memory and streamed archives differ");
}

#[test]
fn golden_archive_pins_the_format() {
    // The archive committed in data/golden was written by this format version. If the bytes
    // change, the format changed: bump tnb_schema::transnas::FORMAT_VERSION and regenerate the golden
    // file (tnb convert data/transnas_small.pth data/golden/transnas_small.tnb).
    let golden = std::fs::read(data().join("golden/transnas_small.tnb")).unwrap();
    let fresh =
        tnb_convert::convert_bytes(&std::fs::read(data().join("transnas_small.pth")).unwrap())
            .unwrap();
    if tnb_schema::transnas::FORMAT_VERSION == 1 {
        assert!(fresh == golden, "the archive format changed without a FORMAT_VERSION bump");
    }
    // And this build reads the golden archive back to the source object.
    let r = tnb(&["dump", s(&data().join("golden/transnas_small.tnb"))]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout == std::fs::read(data().join("transnas_small.json")).unwrap());
}

#[test]
fn the_thread_count_changes_nothing_but_the_speed() {
    let tmp = TempDir::new("convert-threads");
    let src = data().join("transnas_variant.pth");
    let mut archives = Vec::new();
    for n in ["1", "3"] {
        let out = tmp.path(&format!("t{n}.tnb"));
        let r = tnb(&["convert", "--threads", n, s(&src), s(&out)]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        archives.push(std::fs::read(&out).unwrap());
    }
    assert!(archives[0] == archives[1], "--threads 1 and 3 wrote different archives");
    let r = tnb(&["convert", "--threads", "0", s(&src), s(&tmp.path("t0.tnb"))]);
    assert_eq!(r.code, Some(2));
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("--threads"), "{}", r.stderr);
}

/// Runs `schema/read_tnb.py` (plain python3, written from FORMAT.md alone) with `args` and
/// `stdin`.
fn read_tnb(args: &[&std::ffi::OsStr], stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new("python3")
        .arg(data().join("../schema/read_tnb.py"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is required by the test suite");
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || input.write_all(&stdin));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

#[test]
fn the_format_can_be_read_without_rust() {
    // schema/read_tnb.py follows FORMAT.md alone (plain python3, no rkyv): it decodes the golden
    // archive's header, tables and columns and checks every metric value against the source.
    let golden = data().join("golden/transnas_small.tnb");
    let json = data().join("transnas_small.json");
    let out = read_tnb(&[golden.as_os_str(), json.as_os_str()], b"");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // A flipped byte is refused by the reader with tnb's own message: in a value (only the
    // payload checksum notices) and in the root (an open-time check notices first).
    let tmp = TempDir::new("read-tnb");
    let file = std::fs::read(&golden).unwrap();
    for (at, want) in [
        (3000, "corrupted tnb archive: payload checksum mismatch"),
        (file.len() - 100, "corrupted tnb archive: a generic node id is out of range"),
    ] {
        let mut bad = file.clone();
        bad[at] ^= 0x40;
        let path = tmp.path("flipped.tnb");
        std::fs::write(&path, bad).unwrap();
        let out = read_tnb(&[path.as_os_str(), json.as_os_str()], b"");
        assert_eq!(out.status.code(), Some(2), "a corrupted archive passed read_tnb.py");
        assert_eq!(String::from_utf8_lossy(&out.stderr).trim(), want);
        let r = tnb(&["info", s(&path)]);
        assert!(r.stderr.trim_end().ends_with(&format!("{}: {want}", s(&path))), "{}", r.stderr);
    }
}

#[test]
fn format_md_quotes_the_schema_string_and_its_hash() {
    // A reader written from FORMAT.md compares the header's schema hash with the one FORMAT.md
    // gives, computed from the string FORMAT.md quotes: both must be this build's.
    let md = std::fs::read_to_string(data().join("../schema/FORMAT.md")).unwrap();
    let quoted = md.lines().find(|l| l.starts_with("Benchmark{")).expect("the schema string");
    assert_eq!(quoted, tnb_schema::transnas::SCHEMA);
    assert!(md.contains(&format!("{}-byte ASCII string", tnb_schema::transnas::SCHEMA.len())));
    let hash = format!("`{:#018x}`", tnb_schema::transnas::SCHEMA_HASH);
    assert!(md.matches(&hash).count() >= 2, "FORMAT.md does not state {hash}");
}

#[test]
fn the_plain_python_reader_answers_every_query_as_tnb_batch_does() {
    // Every fixture, converted: read_tnb.py answers every arch × task × metric × mode (and
    // every epoch, ranking, topk, list, failing name and argument) from the archive alone and
    // compares each answer with `tnb batch`'s (values exactly as printed, errors by exception
    // class), and rebuilds the whole source object and compares it with `tnb dump`.
    let tmp = TempDir::new("read-tnb-compare");
    let mut sources: Vec<std::path::PathBuf> =
        good_fixtures().into_iter().map(|(p, _)| p).collect();
    sources.extend(["bytes_proto2.pkl", "bytes_proto4.pkl"].map(|n| data().join(n)));
    let mut archives = vec![data().join("golden/transnas_small.tnb")];
    for (i, src) in sources.iter().enumerate() {
        let out = tmp.path(&format!("f{i}.tnb"));
        assert_eq!(convert(src, &out).code, Some(0), "{}", src.display());
        archives.push(out);
    }
    let mut compared = 0u64;
    for a in &archives {
        let tnb_bin = std::ffi::OsStr::new(env!("CARGO_BIN_EXE_tnb"));
        let out = read_tnb(&["compare".as_ref(), a.as_os_str(), tnb_bin], b"");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains(", 0 differ"),
            "{}: {text}{}",
            a.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let n: u64 =
            text.split(": ").nth(1).and_then(|t| t.split(' ').next()?.parse().ok()).unwrap();
        compared += n;
    }
    // The benchmarks alone ask tens of thousands: the comparison is not vacuous.
    assert!(compared > 100_000, "only {compared} requests compared");
}

/// The requests asked of every byte-flipped archive that opens: the lists, one arch's whole
/// result (every layout), and per task and metric (first and last) the rankings, a metric list,
/// a best value, a best epoch status, an info and an epoch status. As tnb_api arguments and as
/// the JSON Lines read_tnb.py reads.
fn flip_requests(
    store: &tnb_store::Store,
) -> Vec<(&'static str, Vec<String>, Vec<tnb_api::Arg<'static>>)> {
    use tnb_api::Arg;
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    let name = |i: i64| leak(store.arch_name(store.arch_at(i).unwrap()).unwrap());
    let (first, mid, last) = (name(0), name(store.len() as i64 / 2), name(-1));
    let info = leak(store.info_name(store.infos().next().unwrap()).unwrap());
    let mut reqs: Vec<(&'static str, Vec<&'static str>, Vec<Arg<'static>>)> = vec![
        ("task_list", vec![], vec![]),
        ("metrics_dict", vec![], vec![]),
        ("info_names", vec![], vec![]),
        ("get_arch_result", vec![first], vec![]),
    ];
    for t in store.tasks() {
        let task = leak(store.task_name(t).unwrap());
        let metrics: Vec<_> = store.metrics(t).unwrap().collect();
        for m in [metrics[0], metrics[metrics.len() - 1]] {
            let metric = leak(store.metric_name(m).unwrap());
            for s in store.search_spaces() {
                reqs.push(("get_best_archs", vec![task, metric, leak(s)], vec![Arg::None]));
            }
            reqs.push(("get_single_metric", vec![first, task, metric, "list"], vec![]));
            reqs.push(("get_single_metric", vec![mid, task, metric], vec![]));
            reqs.push(("get_best_epoch_status", vec![last, task, metric], vec![]));
        }
        reqs.push(("get_model_info", vec![first, task, info], vec![]));
        reqs.push(("get_epoch_status", vec![mid, task], vec![Arg::Int(0)]));
    }
    reqs.into_iter()
        .map(|(m, names, rest)| {
            let json: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
            let mut args: Vec<Arg<'static>> = names.into_iter().map(Arg::Str).collect();
            args.extend(rest);
            (m, json, args)
        })
        .collect()
}

#[test]
fn the_plain_python_reader_refuses_exactly_what_tnb_refuses() {
    // Single-byte flips of the golden archive's payload (without the payload checksum, so that
    // the structure checks are what decides): read_tnb.py, which validates as FORMAT.md says,
    // must accept exactly the flips tnb accepts, and refuse the others with the same message
    // (for rkyv's own validation, which FORMAT.md specifies by rule, not by text, the same
    // message prefix). Every byte of the last 2 KiB (the root, the layout and generic tables,
    // the arch table) and a spread of the rest. Where a flipped archive opens, both answer a
    // set of queries the same way (values exactly, failures by exception class), which holds
    // the checks FORMAT.md leaves to queries (best epochs, statuses, layouts, cells) to tnb's.
    // (Run by hand once over every payload byte with three xors each, 186 000 flips: all agree.)
    use tnb_api::{Arg, JsonSink, call};
    let golden = std::fs::read(data().join("golden/transnas_small.tnb")).unwrap();
    let len = golden.len() - tnb_schema::header::HEADER_LEN;
    let xors = [0x01u8, 0x80, 0xff, 0x10, 0x04, 0x40];
    let mut flips: Vec<(usize, u8)> =
        (len.saturating_sub(2048)..len).map(|p| (p, xors[p % 6])).collect();
    let mut x = 0x9e37_79b9_7f4a_7c15_u64;
    for _ in 0..1500 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        flips.push(((x >> 8) as usize % len, xors[(x % 6) as usize]));
    }
    let reqs = flip_requests(&tnb_store::Store::copy_from(&golden).unwrap());
    let tmp = TempDir::new("read-tnb-flips");
    let req_path = tmp.path("requests.jsonl");
    let req_lines: String = reqs
        .iter()
        .map(|(m, names, args)| {
            let mut a = names.clone();
            a.extend(args[names.len()..].iter().map(|x| match x {
                Arg::Int(i) => i.to_string(),
                _ => "null".to_owned(),
            }));
            match *m {
                "get_best_archs" => format!(
                    "{{\"method\": \"{m}\", \"args\": [{}], \"kwargs\": {{\"topk\": null}}}}\n",
                    a[..3].join(", ")
                ),
                _ => format!("{{\"method\": \"{m}\", \"args\": [{}]}}\n", a.join(", ")),
            }
        })
        .collect();
    std::fs::write(&req_path, req_lines).unwrap();
    let input: String = flips.iter().map(|(p, x)| format!("{p} {x}\n")).collect();
    let path = data().join("golden/transnas_small.tnb");
    let out =
        read_tnb(&["mutations".as_ref(), path.as_os_str(), req_path.as_os_str()], input.as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let theirs = String::from_utf8(out.stdout).unwrap();
    let theirs: Vec<&str> = theirs.lines().collect();
    assert_eq!(theirs.len(), flips.len());
    let (mut refused, mut by_checks, mut failed_queries) = (0, 0, 0);
    for (&(p, x), python) in flips.iter().zip(theirs) {
        let mut f = golden.clone();
        f[tnb_schema::header::HEADER_LEN + p] ^= x;
        let ours = match tnb_store::Store::copy_from(&f) {
            Ok(store) => {
                let mut line = "ok".to_owned();
                for (method, names, args) in &reqs {
                    let (args, kwargs): (&[Arg<'_>], Vec<(&str, Arg<'_>)>) = match *method {
                        "get_best_archs" => (&args[..3], vec![("topk", Arg::None)]),
                        _ => (&args[..], vec![]),
                    };
                    let _ = names;
                    let mut sink = JsonSink::new(Vec::new());
                    let answer = match call(&store, method, args, &kwargs, &mut |e| sink.event(e)) {
                        Ok(()) => format!("ok:{}", String::from_utf8(sink.into_inner()).unwrap()),
                        Err(e) => format!("err:{}", e.exc().map_or("Sink", |c| c.name())),
                    };
                    failed_queries += usize::from(answer.starts_with("err:"));
                    line.push('\t');
                    line.push_str(&answer);
                }
                line
            }
            Err(e) => e.to_string(),
        };
        const RKYV: &str = "corrupted tnb archive: payload: ";
        let same = if ours.starts_with(RKYV) { python.starts_with(RKYV) } else { ours == python };
        assert!(
            same,
            "payload byte {p} ^ {x:#04x}:\n  tnb:         {ours:.400}\n  read_tnb.py: {python:.400}"
        );
        refused += usize::from(!ours.starts_with("ok"));
        by_checks += usize::from(!ours.starts_with("ok") && !ours.starts_with(RKYV));
    }
    // Both kinds of refusal were reached (rkyv's validation and the archive's own checks), and
    // queries failed on flipped archives that open.
    assert!(
        refused > 500 && by_checks > 50 && failed_queries > 50,
        "{refused} refused, {by_checks} by open-time checks, {failed_queries} failed queries"
    );
}

#[test]
fn a_failed_conversion_leaves_the_destination_untouched() {
    let tmp = TempDir::new("convert-atomic");
    let dst = tmp.path("keep.tnb");
    std::fs::copy(data().join("golden/transnas_small.tnb"), &dst).unwrap();
    let before = std::fs::read(&dst).unwrap();
    for bad in [
        "bad/truncated_zip.pth",
        "bad/reduce_os_system.pth",
        "bad/int_beyond_i64.pth",
        "bad/cycle_list.pkl",
    ] {
        let r = convert(&data().join(bad), &dst);
        r.assert_clean_error(bad);
        assert!(std::fs::read(&dst).unwrap() == before, "{bad}: destination changed");
    }
    // A bad layout, too.
    let src = tmp.path("bad_epochs.pkl");
    std::fs::write(&src, tnb_pthwrite::dumps(&bench(3, 2)).unwrap()).unwrap();
    convert(&src, &dst).assert_clean_error("bad epochs");
    assert!(std::fs::read(&dst).unwrap() == before);
    // Nothing else is left behind.
    assert_eq!(names_in(&tmp.0), ["bad_epochs.pkl", "keep.tnb"]);
}

/// A tiny benchmark whose `valid_top1` list has `len` values while `total_epochs` says `epochs`.
fn bench(epochs: i64, len: usize) -> Value {
    let st = Value::str;
    let floats = |n: usize| Value::list((0..n).map(|i| Value::Float(i as f64 + 0.5)).collect());
    let result = Value::dict(vec![
        (st("total_epochs"), Value::Int(epochs)),
        (st("model_info"), Value::dict(vec![(st("inference_time"), Value::Float(0.01))])),
        (
            st("metrics"),
            Value::dict(vec![
                (st("train_loss"), floats(epochs as usize)),
                (st("valid_top1"), floats(len)),
            ]),
        ),
    ]);
    Value::dict(vec![
        (st("task_list"), Value::list(vec![st("jigsaw")])),
        (
            st("metrics_dict"),
            Value::dict(vec![(
                st("jigsaw"),
                Value::list(vec![st("train_loss"), st("valid_top1")]),
            )]),
        ),
        (st("info_names"), Value::list(vec![st("inference_time")])),
        (
            st("data"),
            Value::dict(vec![(
                st("micro"),
                Value::dict(vec![(
                    st("64-41414-0_00_000"),
                    Value::dict(vec![(st("jigsaw"), result)]),
                )]),
            )]),
        ),
    ])
}

#[test]
fn layout_errors_name_the_object_path() {
    let tmp = TempDir::new("convert-layout");
    let src = tmp.path("b.pkl");
    std::fs::write(&src, tnb_pthwrite::dumps(&bench(10, 9)).unwrap()).unwrap();
    let r = convert(&src, &tmp.path("o.tnb"));
    r.assert_clean_error("epochs");
    assert!(
        r.stderr.contains("data/micro/64-41414-0_00_000/jigsaw/metrics/valid_top1: expected 10 epochs (total_epochs), found 9"),
        "{}",
        r.stderr
    );
    // And a consistent one converts.
    std::fs::write(&src, tnb_pthwrite::dumps(&bench(3, 3)).unwrap()).unwrap();
    round_trip(&src, &tmp);
}

/// Corruptions of a valid archive at many positions.
fn corruptions(file: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let n = file.len();
    for cut in [0, 1, 7, 8, 64, 127, 128, 129, 200, n / 2, n - 17, n - 1] {
        out.push((format!("truncated to {cut}"), file[..cut].to_vec()));
    }
    let mut ext = file.to_vec();
    ext.extend_from_slice(b"more");
    out.push(("extended".into(), ext));
    for &at in &[
        0usize,
        5,
        9,
        13,
        20,
        30,
        35,
        42,
        60,
        100,
        125,
        128,
        140,
        n / 3,
        n / 2,
        n - 40,
        n - 5,
        n - 1,
    ] {
        let mut f = file.to_vec();
        f[at.min(n - 1)] ^= 0x20;
        out.push((format!("bit flip at {at}"), f));
    }
    out
}

#[test]
fn corrupted_or_foreign_archives_are_one_line_errors() {
    let tmp = TempDir::new("convert-corrupt");
    let golden = std::fs::read(data().join("golden/transnas_small.tnb")).unwrap();
    let mut cases = corruptions(&golden);
    cases.push((
        "a .pth named .tnb".into(),
        std::fs::read(data().join("transnas_small.pth")).unwrap(),
    ));
    cases.push(("empty".into(), Vec::new()));
    let p = tmp.path("x.tnb");
    let pp = s(&p).to_owned();
    for (what, bytes) in cases {
        std::fs::write(&p, &bytes).unwrap();
        for args in [vec!["info", pp.as_str()], vec!["verify", pp.as_str()]] {
            let r = tnb(&args);
            r.assert_clean_error(&format!("{what}: {}", args[0]));
        }
        // dump detects archives by their magic: a foreign file is read as what it is.
        if bytes.starts_with(b"\x89TNB") {
            tnb(&["dump", &pp]).assert_clean_error(&format!("{what}: dump"));
        }
    }
}

#[test]
fn verify_reports_a_mismatch_with_exit_1() {
    let tmp = TempDir::new("convert-verify");
    let a = tmp.path("a.tnb");
    assert_eq!(convert(&data().join("transnas_small.pth"), &a).code, Some(0));
    // Against another source: exit 1.
    let r = tnb(&["verify", s(&a), "--source", s(&data().join("transnas_variant.pth"))]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("was not converted from"), "{}", r.stderr);
    // A value changed inside the payload, with both checksums recomputed so that only the
    // comparison can notice: exit 1, naming where.
    let mut f = std::fs::read(&a).unwrap();
    let want = 0.5f32; // not a value of the fixture, so the change is visible
    let pos = find_f32_column_value(&f);
    f[pos..pos + 4].copy_from_slice(&want.to_le_bytes());
    rewrite_checksums(&mut f);
    let b = tmp.path("b.tnb");
    std::fs::write(&b, &f).unwrap();
    let r = tnb(&["verify", s(&b), "--source", s(&data().join("transnas_small.pth"))]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("data/macro/"), "the mismatch names its path: {}", r.stderr);
}

/// Offset in the archive of the first value of the first f32 column (found by its bytes and
/// its neighbour's, from the converter's own model of the fixture).
fn find_f32_column_value(file: &[u8]) -> usize {
    let bench = tnb_convert::build(
        &std::fs::read(data().join("transnas_small.pth")).unwrap(),
        &Default::default(),
    )
    .unwrap();
    let col = bench
        .tasks
        .iter()
        .flat_map(|t| t.columns.iter())
        .find_map(|c| match c {
            tnb_schema::transnas::Column::F32(v) if v.len() > 1 => Some(v.clone()),
            _ => None,
        })
        .expect("an f32 column");
    let pat: Vec<u8> = col[..2].iter().flat_map(|x| x.to_le_bytes()).collect();
    file.windows(8).position(|w| w == pat.as_slice()).expect("the column's bytes")
}

fn rewrite_checksums(f: &mut [u8]) {
    let crc = crc32fast::hash(&f[tnb_schema::header::HEADER_LEN..]);
    f[40..44].copy_from_slice(&crc.to_le_bytes());
    let h = crc32fast::hash(&f[..124]);
    f[124..128].copy_from_slice(&h.to_le_bytes());
}

/// Runs `bin` with `args` where a file may grow to 8 KiB at most (`ulimit -f 16`, in 512-byte
/// blocks) and `SIGXFSZ` is ignored, so that writing the archive fails with `EFBIG` the way a
/// full disk fails it: after the temporary file exists, which no other command-line failure
/// reaches.
fn run_small_files(bin: &str, args: &[&str]) -> Run {
    let script = "trap '' XFSZ; ulimit -f 16 && exec \"$0\" \"$@\"";
    let mut all = vec!["-c", script, bin];
    all.extend_from_slice(args);
    run_bin("sh", &all, None)
}

/// Every way `tnb convert` and `tnb-convert` fail, for every family's source: a one-line error,
/// the existing archive byte-identical, nothing created where there was nothing, and no
/// temporary file left. Each listing is taken right after its call: the next conversion to the
/// same destination removes a dead process's temporary files, which would hide a leftover.
#[test]
fn every_failed_conversion_leaves_its_folder_as_it_was() {
    let tmp = TempDir::new("convert-leftovers");
    let dst = tmp.path("keep.tnb");
    let old = std::fs::read(data().join("golden/transnas_small.tnb")).unwrap();
    std::fs::write(&dst, &old).unwrap();
    let layout = tmp.path("layout.pkl");
    std::fs::write(&layout, tnb_pthwrite::dumps(&bench(3, 4)).unwrap()).unwrap();
    let folder = tmp.path("folder.tnb");
    std::fs::create_dir(&folder).unwrap();
    let missing = tmp.path("no-such-folder/out.tnb");
    let fresh = tmp.path("fresh.tnb");
    let all = ["folder.tnb", "keep.tnb", "layout.pkl"];
    let families = [
        data().join("transnas_small.pth"),
        data().join("nb201_v1_0_small.pth"),
        data().join("nats/samples/NATS-tss-v1_0-3ffb9-simple"),
        data().join("nats/synth/sss.pickle.pbz2"),
        data().join("nb101/edge.tfrecord"),
    ];
    let bins =
        [(env!("CARGO_BIN_EXE_tnb"), &["convert"][..]), (env!("CARGO_BIN_EXE_tnb-convert"), &[])];
    let check = |what: &str, r: &Run, why: &str| {
        r.assert_clean_error(what);
        assert!(r.stderr.contains(why), "{what}: expected {why:?}: {}", r.stderr);
        assert_eq!(names_in(&tmp.0), all, "{what}: files left");
        assert!(names_in(&folder).is_empty(), "{what}: written into a folder");
        assert!(std::fs::read(&dst).unwrap() == old, "{what}: the archive changed");
    };
    for (bin, sub) in bins {
        let run = |src: &Path, to: &Path| {
            let args: Vec<&str> = sub.iter().copied().chain([s(src), s(to)]).collect();
            run_bin(bin, &args, None)
        };
        // Refused before anything is written.
        check("missing source", &run(&tmp.path("nope.pth"), &dst), "No such file");
        for (bad, why) in [
            ("bad/truncated_zip.pth", "central directory"),
            ("bad/reduce_os_system.pth", "not allowed"),
        ] {
            check(bad, &run(&data().join(bad), &dst), why);
        }
        check("bad layout", &run(&layout, &dst), "expected 3 epochs (total_epochs), found 4");
        check("the source as destination", &run(&dst, &dst), "is the source file itself");
        for src in &families {
            let what = |w: &str| format!("{w} ({} by {bin})", src.display());
            check(&what("folder"), &run(src, &folder), "is not a regular file");
            check(&what("missing folder"), &run(src, &missing), "no-such-folder");
            assert!(!missing.parent().unwrap().exists());
            // Writing fails once the temporary file exists: over an archive, and where there
            // was none.
            let args: Vec<&str> = sub.iter().copied().chain([s(src), s(&dst)]).collect();
            check(&what("write over an archive"), &run_small_files(bin, &args), "File too large");
            let args: Vec<&str> = sub.iter().copied().chain([s(src), s(&fresh)]).collect();
            check(&what("write a new file"), &run_small_files(bin, &args), "File too large");
        }
    }
}
