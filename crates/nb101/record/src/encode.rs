//! Writing records as the official writer did: `json.dumps([hash, epochs, adjacency, ops,
//! base64(ModelMetrics)])`, default separators, `ensure_ascii=True`.

use crate::base64;

/// One `EvaluationData` to write; `None` fields are absent.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EvalSpec<'a> {
    /// `current_epoch` (field 1).
    pub current_epoch: Option<f64>,
    /// `training_time` (field 2).
    pub training_time: Option<f64>,
    /// `train_accuracy` (field 3).
    pub train_accuracy: Option<f64>,
    /// `validation_accuracy` (field 4).
    pub validation_accuracy: Option<f64>,
    /// `test_accuracy` (field 5).
    pub test_accuracy: Option<f64>,
    /// `checkpoint_path` (field 6).
    pub checkpoint_path: Option<&'a str>,
}

impl EvalSpec<'static> {
    /// An evaluation with its epoch and `[training_time, train, validation, test]` all present
    /// and no checkpoint path.
    pub fn full(current_epoch: f64, m: [f64; 4]) -> EvalSpec<'static> {
        EvalSpec {
            current_epoch: Some(current_epoch),
            training_time: Some(m[0]),
            train_accuracy: Some(m[1]),
            validation_accuracy: Some(m[2]),
            test_accuracy: Some(m[3]),
            checkpoint_path: None,
        }
    }
}

/// Everything one record holds, for [`encode`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecordSpec<'a> {
    /// `module_hash` (written as 32 lowercase hex digits).
    pub hash: [u8; 16],
    /// `epochs`.
    pub epochs: i64,
    /// Vertices (`n*n` adjacency characters are written; `n <= 8`).
    pub n: u8,
    /// Bit `r*n + c` is entry `(r, c)`.
    pub adjacency: u64,
    /// `raw_operations` (written JSON-escaped as `json.dumps` does).
    pub operations: &'a str,
    /// `trainable_parameters` (field 2), absent when `None`.
    pub trainable_parameters: Option<i32>,
    /// `total_time` (field 3), absent when `None`.
    pub total_time: Option<f64>,
    /// `evaluation_data`, in order (the loader reads `[1]` and `[2]`).
    pub evaluations: &'a [EvalSpec<'a>],
}

/// Appends the record's bytes (the TFRecord data, without framing) to `out`.
pub fn encode(spec: &RecordSpec<'_>, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.extend_from_slice(b"[\"");
    for b in spec.hash {
        out.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
    }
    out.extend_from_slice(b"\", ");
    out.extend_from_slice(spec.epochs.to_string().as_bytes());
    out.extend_from_slice(b", \"");
    let n = u32::from(spec.n.min(8));
    for i in 0..n * n {
        out.push(if spec.adjacency >> i & 1 == 1 { b'1' } else { b'0' });
    }
    out.extend_from_slice(b"\", \"");
    escape(spec.operations, out);
    out.extend_from_slice(b"\", \"");
    let mut pb = Vec::with_capacity(200);
    metrics(spec, &mut pb);
    base64::encode(&pb, out);
    out.extend_from_slice(b"\"]");
}

/// The serialized `ModelMetrics` of `spec` (fields in number order, as protobuf writes them).
pub fn metrics(spec: &RecordSpec<'_>, pb: &mut Vec<u8>) {
    let mut e = Vec::with_capacity(64);
    for ev in spec.evaluations {
        e.clear();
        let doubles = [
            ev.current_epoch,
            ev.training_time,
            ev.train_accuracy,
            ev.validation_accuracy,
            ev.test_accuracy,
        ];
        for (k, d) in doubles.iter().enumerate() {
            if let Some(v) = d {
                e.push(((k as u8 + 1) << 3) | 1);
                e.extend_from_slice(&v.to_le_bytes());
            }
        }
        if let Some(p) = ev.checkpoint_path {
            e.push(6 << 3 | 2);
            varint(p.len() as u64, &mut e);
            e.extend_from_slice(p.as_bytes());
        }
        pb.push(1 << 3 | 2);
        varint(e.len() as u64, pb);
        pb.extend_from_slice(&e);
    }
    if let Some(t) = spec.trainable_parameters {
        pb.push(2 << 3);
        // int32 is sign-extended to 64 bits on the wire.
        varint(i64::from(t) as u64, pb);
    }
    if let Some(t) = spec.total_time {
        pb.push(3 << 3 | 1);
        pb.extend_from_slice(&t.to_le_bytes());
    }
}

fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// `json.dumps`'s string body with `ensure_ascii=True`: `\"`, `\\`, `\b\f\n\r\t`, other
/// characters outside `' '..='~'` as lowercase `\uXXXX` (astral ones as surrogate pairs).
fn escape(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let u = |v: u32, out: &mut Vec<u8>| {
        out.extend_from_slice(b"\\u");
        for sh in [12, 8, 4, 0] {
            out.push(HEX[(v >> sh & 15) as usize]);
        }
    };
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            ' '..='~' => out.push(c as u8),
            _ => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    u(u32::from(*unit), out);
                }
            }
        }
    }
}
