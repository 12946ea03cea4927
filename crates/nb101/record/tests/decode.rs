//! Decoding: what the official loader reads, and every refusal with its reason.

use tnb_nb101_record::{EvalSpec, Record, RecordError, RecordSpec, decode, encode, encode_metrics};

const EVALS: [EvalSpec<'static>; 3] = [
    EvalSpec {
        current_epoch: Some(0.0),
        training_time: Some(0.0),
        train_accuracy: Some(0.1),
        validation_accuracy: Some(0.09),
        test_accuracy: Some(0.1),
        checkpoint_path: None,
    },
    EvalSpec {
        current_epoch: Some(54.0),
        training_time: Some(883.4580078125),
        train_accuracy: Some(0.8),
        validation_accuracy: Some(0.75),
        test_accuracy: Some(0.74),
        checkpoint_path: None,
    },
    EvalSpec {
        current_epoch: Some(108.0),
        training_time: Some(1769.1),
        train_accuracy: Some(1.0),
        validation_accuracy: Some(0.93),
        test_accuracy: Some(0.92),
        checkpoint_path: Some("/tmp/model.ckpt-1234"),
    },
];

fn spec() -> RecordSpec<'static> {
    RecordSpec {
        hash: *b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff",
        epochs: 108,
        n: 3,
        adjacency: 0b100_110, // (0,1), (0,2)... bits 1, 2, 5
        operations: "input,conv3x3-bn-relu,output",
        trainable_parameters: Some(227_274),
        total_time: Some(1800.5),
        evaluations: &EVALS,
    }
}

fn enc(s: &RecordSpec<'_>) -> Vec<u8> {
    let mut v = Vec::new();
    encode(s, &mut v);
    v
}

fn dec(b: &[u8]) -> Result<Record<'_>, String> {
    decode(b, &mut Vec::new()).map_err(|e| e.to_string())
}

/// The record's JSON with its base64 replaced by that of `pb`.
fn with_metrics(pb: &[u8]) -> Vec<u8> {
    let s = String::from_utf8(enc(&spec())).unwrap();
    let cut = s.rfind(", \"").unwrap();
    let mut out = s.as_bytes()[..cut].to_vec();
    out.extend_from_slice(b", \"");
    out.extend_from_slice(b64(pb).as_bytes());
    out.extend_from_slice(b"\"]");
    out
}

fn b64(b: &[u8]) -> String {
    // Via encode of a record whose metrics are `b`: simplest is a tiny local encoder.
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in b.chunks(3) {
        let v = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= c.len() {
                s.push(char::from(A[(v >> (18 - 6 * k)) as usize & 63]));
            } else {
                s.push('=');
            }
        }
    }
    s
}

#[test]
fn a_record_round_trips_and_reads_as_the_loader_reads_it() {
    let bytes = enc(&spec());
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(text.starts_with(
        "[\"00112233445566778899aabbccddeeff\", 108, \"011001000\", \"input,conv3x3-bn-relu,output\", \""
    ), "{text}");
    let r = dec(&bytes).unwrap();
    assert_eq!(r.hash, spec().hash);
    assert_eq!((r.epochs, r.n, r.adjacency), (108, 3, 0b100_110));
    assert_eq!(r.operations, "input,conv3x3-bn-relu,output");
    assert!(matches!(r.operations, std::borrow::Cow::Borrowed(_)));
    assert_eq!(r.trainable_parameters, 227_274);
    assert_eq!(r.halfway.to_array(), [883.4580078125, 0.8, 0.75, 0.74]);
    assert_eq!(r.final_.to_array(), [1769.1, 1.0, 0.93, 0.92]);
}

#[test]
fn absent_optional_fields_read_as_protobuf_defaults() {
    let bare = [EvalSpec::default(); 3];
    let s =
        RecordSpec { trainable_parameters: None, total_time: None, evaluations: &bare, ..spec() };
    let b = enc(&s);
    let r = dec(&b).unwrap();
    assert_eq!(r.trainable_parameters, 0);
    assert_eq!(r.halfway.to_array(), [0.0; 4]);
    assert_eq!(r.final_.to_array(), [0.0; 4]);
    // Extra evaluations are read and ignored; [1] and [2] are what counts.
    let mut more = EVALS.to_vec();
    more.push(EvalSpec::full(200.0, [9.0; 4]));
    let b = enc(&RecordSpec { evaluations: &more, ..spec() });
    let r = dec(&b).unwrap();
    assert_eq!(r.final_.training_time, 1769.1);
}

#[test]
fn negative_int32_is_a_ten_byte_varint_and_reads_back() {
    for t in [-1, i32::MIN, i32::MAX, 0] {
        let s = RecordSpec { trainable_parameters: Some(t), ..spec() };
        assert_eq!(dec(&enc(&s)).unwrap().trainable_parameters, t);
    }
    let mut pb = Vec::new();
    encode_metrics(
        &RecordSpec { evaluations: &[], trainable_parameters: Some(-1), ..spec() },
        &mut pb,
    );
    assert_eq!(pb.len(), 1 + 10 + 9);
}

#[test]
fn any_json_spelling_json_loads_accepts_reads_the_same() {
    let b = enc(&spec());
    let want = dec(&b).unwrap();
    let s = String::from_utf8(enc(&spec())).unwrap();
    let spaced = format!(" \t\r\n{}\n", s.replace(", ", " ,\n\t"));
    assert!(dec(spaced.as_bytes()).unwrap().same(&want));
    let tight = s.replace(", ", ",");
    assert!(dec(tight.as_bytes()).unwrap().same(&want));
    // Escapes: \u0030 is '0', \/ is '/', \u0041 in the hash is refused only for not being hex.
    let esc = s.replace("\"011001000\"", "\"\\u0030\\u00311001000\"");
    assert!(dec(esc.as_bytes()).unwrap().same(&want));
    let ops = s.replace("conv3x3-bn-relu", "conv3x3\\u002dbn\\/relu");
    let r = dec(ops.as_bytes()).unwrap();
    assert_eq!(r.operations, "input,conv3x3-bn/relu,output");
    // A surrogate pair is one character, as Python joins it.
    let astral = s.replace("input,", "\\ud83d\\ude00\\u00e9\\n,");
    assert_eq!(dec(astral.as_bytes()).unwrap().operations, "😀é\n,conv3x3-bn-relu,output");
    // Raw non-ASCII UTF-8 is fine too.
    let raw = s.replace("input,", "é😀,");
    assert_eq!(dec(raw.as_bytes()).unwrap().operations, "é😀,conv3x3-bn-relu,output");
    // Epochs: -0 is 0, large and negative integers are integers.
    for (e, v) in [
        ("-0", 0i64),
        ("0", 0),
        ("-5", -5),
        ("9223372036854775807", i64::MAX),
        ("-9223372036854775808", i64::MIN),
    ] {
        let t = s.replace(" 108,", &format!(" {e},"));
        assert_eq!(dec(t.as_bytes()).unwrap().epochs, v, "{e}");
    }
    // An empty adjacency is a 0x0 matrix (np.reshape([], (0, 0))).
    let z = s.replace("\"011001000\"", "\"\"");
    assert_eq!(dec(z.as_bytes()).unwrap().n, 0);
}

#[test]
fn encode_escapes_as_json_dumps_does() {
    let s = RecordSpec { operations: "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{7f}é😀", ..spec() };
    let bytes = enc(&s);
    let text = std::str::from_utf8(&bytes).unwrap();
    // json.dumps('a"b\\c\n\r\t\b\f\x01\x7fé😀') in Python 3.
    assert!(text.contains(r#""a\"b\\c\n\r\t\b\f\u0001\u007f\u00e9\ud83d\ude00""#), "{text}");
    assert!(text.is_ascii());
    assert_eq!(dec(&bytes).unwrap().operations, s.operations);
}

fn refused(b: &[u8]) -> String {
    let e = dec(b).expect_err("must be refused");
    assert!(!e.contains('\n'), "{e}");
    e
}

fn sub(from: &str, to: &str) -> Vec<u8> {
    let s = String::from_utf8(enc(&spec())).unwrap();
    assert!(s.contains(from), "{from}");
    s.replacen(from, to, 1).into_bytes()
}

#[test]
fn json_refusals_say_why() {
    let cases: &[(Vec<u8>, &str)] = &[
        (b"\xff[]".to_vec(), "not UTF-8 (invalid bytes at byte 0)"),
        (b"[\"a\xed\xa0\x80\"]".to_vec(), "not UTF-8 (invalid bytes at byte 3)"),
        (
            b"\xef\xbb\xbf[]".to_vec(),
            "JSON at byte 0: the record must be a JSON list, found no value",
        ),
        (b"{}".to_vec(), "JSON at byte 0: the record must be a JSON list, found an object"),
        (b"\"abcde\"".to_vec(), "JSON at byte 0: the record must be a JSON list, found a string"),
        (b"[]".to_vec(), "JSON at byte 1: the list is empty, not 5 elements"),
        (b"[\"x\"]".to_vec(), "JSON at byte 4: the list has 1 elements, not 5"),
        (
            sub("\"011001000\"", "11"),
            "JSON at byte 42: raw_adjacency must be a string, found a number",
        ),
        (sub("\"]", "\", \"x\"]"), "JSON at byte 325: the list has more than 5 elements"),
        (sub("\"]", "\",]"), "JSON at byte 325: the list has more than 5 elements"),
        (sub("\"]", "\""), "JSON at byte 325: expected ']' after 5 elements, found the end"),
        (sub("\"]", "\"] x"), "JSON at byte 327: extra data after the list: 'x'"),
        (sub("\"]", "\"][]"), "JSON at byte 326: extra data after the list: '['"),
        (sub(" 108,", " 108.0,"), "JSON at byte 37: epochs must be an integer, found a float"),
        (sub(" 108,", " 1e2,"), "JSON at byte 37: epochs must be an integer, found a float"),
        (sub(" 108,", " 108E+0,"), "JSON at byte 37: epochs must be an integer, found a float"),
        (sub(" 108,", " NaN,"), "JSON at byte 37: epochs must be an integer, found a float"),
        (sub(" 108,", " -Infinity,"), "JSON at byte 37: epochs must be an integer, found a float"),
        (sub(" 108,", " true,"), "JSON at byte 37: epochs must be an integer, found a boolean"),
        (sub(" 108,", " null,"), "JSON at byte 37: epochs must be an integer, found null"),
        (sub(" 108,", " \"108\","), "JSON at byte 37: epochs must be an integer, found a string"),
        (sub(" 108,", " 0108,"), "JSON at byte 38: expected ',' between elements, found '1'"),
        (sub(" 108,", " 108.,"), "JSON at byte 40: expected ',' between elements, found '.'"),
        // An exponent needs digits (json.loads reads 108, then stops at the 'e').
        (sub(" 108,", " 108e,"), "JSON at byte 40: expected ',' between elements, found 'e'"),
        (sub(" 108,", " 108E+,"), "JSON at byte 40: expected ',' between elements, found 'E'"),
        (sub(" 108,", " 108e-x,"), "JSON at byte 40: expected ',' between elements, found 'e'"),
        (sub(" 108,", " 108e-1,"), "JSON at byte 37: epochs must be an integer, found a float"),
        (
            sub(" 108,", " -,"),
            "JSON at byte 37: epochs must be an integer, found an invalid number",
        ),
        (sub(" 108,", " 9223372036854775808,"), "JSON at byte 37: epochs is beyond 64 bits"),
        (sub(" 108,", " [108],"), "JSON at byte 37: epochs must be an integer, found a list"),
        (
            sub("\"input,", "[\"input\"],\""),
            "JSON at byte 55: raw_operations must be a string, found a list",
        ),
        (sub("input,", "in\tput,"), "JSON at byte 58: a control character inside a string"),
        (sub("input,", "in\\xput,"), "JSON at byte 58: an invalid escape"),
        (sub("input,", "in\\u12G4put,"), "JSON at byte 58: an invalid \\u escape"),
        (sub("input,", "\\ud800,"), "JSON at byte 56: a lone surrogate escape (not representable)"),
        (sub("input,", "\\udc00,"), "JSON at byte 56: a lone surrogate escape (not representable)"),
        (
            sub("input,", "\\ud800\\u0041,"),
            "JSON at byte 56: a lone surrogate escape (not representable)",
        ),
        (b"[\"abc".to_vec(), "JSON at byte 1: unterminated string"),
        (b"[\"ab\\".to_vec(), "JSON at byte 4: unterminated string"),
        (b"[\"ab\\u00".to_vec(), "JSON at byte 4: an invalid \\u escape"),
        (sub(", ", " ; "), "JSON at byte 36: expected ',' between elements, found ';'"),
    ];
    for (bytes, want) in cases {
        let e = refused(bytes);
        assert_eq!(e, *want, "{}", String::from_utf8_lossy(bytes));
    }
}

#[test]
fn field_refusals_say_why() {
    let cases: &[(Vec<u8>, &str)] = &[
        (
            sub("00112233445566778899aabbccddeeff", "00112233445566778899AABBCCDDEEFF"),
            "module_hash",
        ),
        (sub("00112233445566778899aabbccddeeff", "0011"), "not 32 lowercase hexadecimal digits"),
        (
            sub("00112233445566778899aabbccddeeff", "00112233445566778899aabbccddeefg"),
            "module_hash",
        ),
        (sub("\"011001000\"", "\"0110010002\""), "character 9 is '2', not '0' or '1'"),
        (sub("\"011001000\"", "\"01100100\u{0661}\""), "character 8 is '١'"),
        (sub("\"011001000\"", "\"01100100\""), "8 entries do not make a square matrix"),
        (sub("\"011001000\"", &format!("\"{}\"", "0".repeat(64))), "more than 7x7"),
        (sub("\", \"", "\", \"").to_vec(), ""),
    ];
    for (bytes, want) in cases.iter().filter(|c| !c.1.is_empty()) {
        let e = refused(bytes);
        assert!(e.contains(want), "{}: {e} (wanted {want})", String::from_utf8_lossy(bytes));
    }
    // Seven vertices is the maximum accepted.
    let ok = sub("\"011001000\"", &format!("\"{}\"", "1".repeat(49)));
    assert_eq!(dec(&ok).unwrap().adjacency, (1 << 49) - 1);
}

#[test]
fn base64_refusals_say_why() {
    let s = String::from_utf8(enc(&spec())).unwrap();
    let b = s.rsplit('"').nth(1).unwrap().to_string();
    let cases = [
        (format!("{}\\n", b), "a character outside the standard alphabet"),
        (format!(" {b}"), "a character outside the standard alphabet"),
        (b.replacen('A', "-", 1), "a character outside the standard alphabet"),
        (b[..b.len() - 1].to_string(), "raw_metrics is not strict base64"),
        (format!("{b}===="), "padding before the end"),
    ];
    for (bad, want) in cases {
        let e = refused(s.replace(&b, &bad).as_bytes());
        assert!(e.contains(want), "{bad}: {e}");
    }
}

/// A field's tag byte(s).
fn tag(field: u32, wire: u8) -> Vec<u8> {
    let mut v = Vec::new();
    let mut t = u64::from(field << 3 | u32::from(wire));
    while t >= 0x80 {
        v.push(t as u8 | 0x80);
        t >>= 7;
    }
    v.push(t as u8);
    v
}

/// Three evaluations with training_time = 1, 2, 3.
fn three_evals() -> Vec<u8> {
    let mut pb = Vec::new();
    for t in [1.0f64, 2.0, 3.0] {
        pb.extend_from_slice(&[0x0a, 9, 0x11]);
        pb.extend_from_slice(&t.to_le_bytes());
    }
    pb
}

#[test]
fn protobuf_wire_rules() {
    // Unknown fields of every scalar wire type are skipped, at both levels.
    let mut pb = three_evals();
    for (f, w, body) in [
        (7u32, 0u8, vec![0x96, 0x01]),
        (8, 1, vec![0; 8]),
        (9, 2, vec![2, 0xff, 0xfe]),
        (10, 5, vec![0; 4]),
        (536_870_911, 0, vec![0]),
    ] {
        pb.extend(tag(f, w));
        pb.extend(body);
    }
    // An evaluation with an unknown field inside, a repeated training_time (last wins) and a
    // checkpoint path: it is the 4th, so it changes nothing the loader reads.
    let mut ev = tag(2, 1);
    ev.extend_from_slice(&5.0f64.to_le_bytes());
    ev.extend(tag(99, 2));
    ev.push(0);
    ev.extend(tag(2, 1));
    ev.extend_from_slice(&6.0f64.to_le_bytes());
    pb.push(0x0a);
    pb.push(ev.len() as u8);
    pb.extend_from_slice(&ev);
    // trainable_parameters twice: the last wins; an overlong value varint is fine.
    pb.extend_from_slice(&[0x10, 0x05, 0x10, 0x87, 0x80, 0x00]);
    let b = with_metrics(&pb);
    let r = dec(&b).unwrap();
    assert_eq!((r.halfway.training_time, r.final_.training_time), (2.0, 3.0));
    assert_eq!(r.trainable_parameters, 7);
    // Fields may come in any order; total_time before the evaluations.
    let mut pb2 = vec![0x19];
    pb2.extend_from_slice(&1.5f64.to_le_bytes());
    pb2.extend_from_slice(&[0x10, 0x2a]);
    pb2.extend(three_evals());
    let b = with_metrics(&pb2);
    let r = dec(&b).unwrap();
    assert_eq!(r.trainable_parameters, 42);
    // A varint beyond 32 bits keeps its low 32 bits, as protobuf's int32 does.
    let mut pb3 = three_evals();
    pb3.extend_from_slice(&[0x10, 0x81, 0x80, 0x80, 0x80, 0x10]); // 2^32 * 1 + 1
    assert_eq!(dec(&with_metrics(&pb3)).unwrap().trainable_parameters, 1);
}

#[test]
fn protobuf_refusals_say_why() {
    let base = three_evals();
    let plus = |extra: &[u8]| {
        let mut v = base.clone();
        v.extend_from_slice(extra);
        v
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            base[..30].to_vec(),
            "ModelMetrics protobuf at byte 23: a length of 9 bytes past the message's end",
        ),
        (
            base[..22].to_vec(),
            "ModelMetrics has 2 evaluation_data, fewer than 3 (the official loader raises IndexError)",
        ),
        (plus(&[0x10]), "ModelMetrics protobuf at byte 34: truncated varint"),
        (
            plus(&[0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80, 0x01]),
            "ModelMetrics protobuf at byte 34: a varint longer than 10 bytes",
        ),
        (
            plus(&[0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]),
            "ModelMetrics protobuf at byte 34: a 10-byte varint holding more than 64 bits",
        ),
        (plus(&[0x00, 0x00]), "ModelMetrics protobuf at byte 33: field number 0"),
        (plus(&[0x88, 0x00, 0x00]), "ModelMetrics protobuf at byte 33: an overlong tag"),
        (
            plus(&[0x80, 0x80, 0x80, 0x80, 0x10, 0x00]),
            "ModelMetrics protobuf at byte 33: a tag beyond 32 bits",
        ),
        (
            plus(&[0x5b, 0x5c]),
            "ModelMetrics protobuf at byte 34: field 11 is a group (wire type 3): not supported",
        ),
        (
            plus(&[0x5c]),
            "ModelMetrics protobuf at byte 34: field 11 is a group (wire type 4): not supported",
        ),
        (plus(&[0x5e]), "ModelMetrics protobuf at byte 34: field 11 has the invalid wire type 6"),
        (plus(&[0x5f]), "ModelMetrics protobuf at byte 34: field 11 has the invalid wire type 7"),
        (
            plus(&[0x11, 0, 0, 0, 0, 0, 0, 0, 0]),
            "ModelMetrics protobuf at byte 34: trainable_parameters (field 2) has wire type 1, not 0 (protobuf would keep it as an unknown field)",
        ),
        (
            plus(&[0x18, 0x00]),
            "ModelMetrics protobuf at byte 34: total_time (field 3) has wire type 0, not 1 (protobuf would keep it as an unknown field)",
        ),
        (
            plus(&[0x08, 0x00]),
            "ModelMetrics protobuf at byte 34: evaluation_data (field 1) has wire type 0, not 2 (protobuf would keep it as an unknown field)",
        ),
        (
            plus(&[0x0a, 0x02, 0x15, 0x00]),
            "ModelMetrics protobuf at byte 36: training_time (field 2) has wire type 5, not 1 (protobuf would keep it as an unknown field)",
        ),
        (
            plus(&[0x0a, 0x02, 0x30, 0x00]),
            "ModelMetrics protobuf at byte 36: checkpoint_path (field 6) has wire type 0, not 2 (protobuf would keep it as an unknown field)",
        ),
        (
            plus(&[0x0a, 0x03, 0x32, 0x01, 0xff]),
            "ModelMetrics protobuf at byte 37: checkpoint_path is not UTF-8",
        ),
        (
            plus(&[0x1d, 0, 0]),
            "ModelMetrics protobuf at byte 34: total_time (field 3) has wire type 5, not 1 (protobuf would keep it as an unknown field)",
        ),
        (plus(&[0x55, 0, 0]), "ModelMetrics protobuf at byte 34: truncated fixed32"),
        (plus(&[0x51, 0, 0]), "ModelMetrics protobuf at byte 34: truncated fixed64"),
        (
            base[..24].to_vec(),
            "ModelMetrics protobuf at byte 23: a length of 9 bytes past the message's end",
        ),
        (
            base[..11].to_vec(),
            "ModelMetrics has 1 evaluation_data, fewer than 3 (the official loader raises IndexError)",
        ),
        (
            Vec::new(),
            "ModelMetrics has 0 evaluation_data, fewer than 3 (the official loader raises IndexError)",
        ),
    ];
    for (pb, want) in cases {
        let e = refused(&with_metrics(&pb));
        assert_eq!(e, want, "{pb:02x?}");
    }
    assert!(matches!(
        decode(&with_metrics(&base[..22]), &mut Vec::new()),
        Err(RecordError::Evaluations(2))
    ));
}

#[test]
fn every_nan_reads_as_python_math_nan() {
    // Sign and payload are dropped, as protobuf's pure-Python decoder returns math.nan;
    // infinities and every other value keep their bits.
    for bits in [
        0x7ff8_0000_0000_0000u64,
        0xfff8_0000_0000_0000,
        0x7ff0_0000_0000_0001,
        0xfff4_0000_dead_beef,
        0x7fff_ffff_ffff_ffff,
    ] {
        let evals = [
            EvalSpec::default(),
            EvalSpec::full(1.0, [f64::from_bits(bits); 4]),
            EvalSpec::full(2.0, [f64::INFINITY, f64::NEG_INFINITY, -0.0, 5e-324]),
        ];
        let b = enc(&RecordSpec { evaluations: &evals, ..spec() });
        let r = dec(&b).unwrap();
        assert_eq!(r.halfway.to_array().map(f64::to_bits), [tnb_nb101_record::CANONICAL_NAN; 4]);
        assert_eq!(
            r.final_.to_array().map(f64::to_bits),
            [f64::INFINITY, f64::NEG_INFINITY, -0.0, 5e-324].map(f64::to_bits)
        );
    }
}
