//! Records made and read by the real protobuf 3.20.3 and Python's json/base64
//! (`tests/vectors/make_vectors.py` wrote `vectors.jsonl`): every record the official loader's
//! lines accept reads here to exactly its values; every one they refuse is refused; records
//! the official writer's code made are reproduced byte for byte by `encode`.

use serde_json::Value;
use tnb_nb101_record::{EvalSpec, RecordSpec, decode, encode};

fn vectors() -> Vec<Value> {
    let text = include_str!("vectors/vectors.jsonl");
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn bits(v: &Value) -> [u64; 4] {
    let a = v.as_array().unwrap();
    std::array::from_fn(|i| a[i].as_u64().unwrap())
}

#[test]
fn the_real_protobuf_and_json_agree_with_decode() {
    let vs = vectors();
    assert!(vs.len() >= 20);
    for v in &vs {
        let name = v["name"].as_str().unwrap();
        let text = v["record"].as_str().unwrap();
        let want = &v["loader"];
        let got = decode(text.as_bytes(), &mut Vec::new());
        if want.get("error").is_some() {
            assert!(got.is_err(), "{name}: the loader fails, decode accepted");
            continue;
        }
        let r = got.unwrap_or_else(|e| panic!("{name}: {e}"));
        let hex: String = r.hash.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, want["hash"].as_str().unwrap(), "{name}");
        assert_eq!(r.epochs, want["epochs"].as_i64().unwrap(), "{name}");
        let adj: Vec<u64> =
            want["adjacency"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect();
        assert_eq!(usize::from(r.n) * usize::from(r.n), adj.len(), "{name}");
        for (i, a) in adj.iter().enumerate() {
            assert_eq!(r.adjacency >> i & 1, *a, "{name} entry {i}");
        }
        let ops: Vec<&str> =
            want["operations"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
        assert_eq!(r.operations.split(',').collect::<Vec<_>>(), ops, "{name}");
        assert_eq!(
            i64::from(r.trainable_parameters),
            want["trainable_parameters"].as_i64().unwrap(),
            "{name}"
        );
        assert_eq!(r.halfway.to_array().map(f64::to_bits), bits(&want["halfway"]), "{name}");
        assert_eq!(r.final_.to_array().map(f64::to_bits), bits(&want["final"]), "{name}");
    }
}

#[test]
fn encode_writes_what_the_official_writer_code_wrote() {
    let vs = vectors();
    let find = |n: &str| vs.iter().find(|v| v["name"] == n).unwrap()["record"].as_str().unwrap();
    let evals = [
        EvalSpec::full(0.0, [0.0, 0.1, 0.0987, 0.1002]),
        EvalSpec::full(
            54.0,
            [883.4580078125, 0.8745993375778198, 0.8426482081413269, 0.8382411599159241],
        ),
        EvalSpec {
            checkpoint_path: Some("/tmp/x/model.ckpt-1234"),
            ..EvalSpec::full(
                108.0,
                [1769.1419677734375, 1.0, 0.9284855723381042, 0.9231770634651184],
            )
        },
    ];
    let mut hash = [0u8; 16];
    for (i, b) in hash.iter_mut().enumerate() {
        *b = u8::from_str_radix(&"1b7dd5f2e0fc1c8ed2a2b8ec5b8b3e0e"[2 * i..2 * i + 2], 16).unwrap();
    }
    let adj = "0111000001000000010000000";
    let adjacency = adj.bytes().enumerate().fold(0u64, |a, (i, c)| a | u64::from(c - b'0') << i);
    let spec = RecordSpec {
        hash,
        epochs: 108,
        n: 5,
        adjacency,
        operations: "input,conv3x3-bn-relu,maxpool3x3,conv1x1-bn-relu,output",
        trainable_parameters: Some(2_694_282),
        total_time: Some(1800.25),
        evaluations: &evals,
    };
    let cases = [
        ("typical", spec),
        ("no_total_time", RecordSpec { total_time: None, ..spec }),
        (
            "no_trainable_parameters",
            RecordSpec { total_time: None, trainable_parameters: None, ..spec },
        ),
        ("negative_int32", RecordSpec { total_time: None, trainable_parameters: Some(-5), ..spec }),
        (
            "unicode_ops",
            RecordSpec {
                total_time: None,
                trainable_parameters: None,
                operations: "input,\u{e9}\u{1F600},\"q\\\n,output",
                ..spec
            },
        ),
    ];
    for (name, s) in cases {
        let mut out = Vec::new();
        encode(&s, &mut out);
        assert_eq!(std::str::from_utf8(&out).unwrap(), find(name), "{name}");
    }
}
