//! Decodes and encodes one NAS-Bench-101 record: the JSON 5-list, its base64 and the
//! `ModelMetrics` protobuf, strictly.
//!
//! A record of `nasbench_full.tfrecord` / `nasbench_only108.tfrecord` is the UTF-8 JSON of
//! `[module_hash, epochs, raw_adjacency, raw_operations, raw_metrics]`, where `raw_metrics` is
//! the base64 of a serialized `nasbench.ModelMetrics` (proto2, `lib/model_metrics.proto`).
//! [`decode`] accepts a record only when the official loader (`nasbench.api.NASBench.__init__`)
//! would make exactly the same of it, and refuses everything else with one line saying why:
//!
//! - JSON as `json.loads` reads it (whitespace ` \t\n\r`, every string escape including
//!   `\uXXXX` surrogate pairs); the top value must be a list `[str, int, str, str, str]`
//!   (anything else the official loader might still unpack, such as a float epoch, is refused);
//! - `module_hash`: exactly 32 lowercase hex digits;
//! - `raw_adjacency`: `n*n` characters `'0'`/`'1'` with `n <= 7` (`int(e)` would take other
//!   digits: refused);
//! - `raw_metrics`: standard base64 with correct padding (`b64decode` silently drops
//!   characters outside the alphabet: such inputs are refused);
//! - the protobuf by the wire format's rules: unknown fields (wire types 0, 1, 2, 5) skipped,
//!   the last value of a scalar wins, `evaluation_data` in order (each occurrence appends),
//!   `int32` truncated from its varint as protobuf does; groups, a known field with another wire
//!   type, overlong tags, varints over 10 bytes and at least 3 evaluations missing (the
//!   official loader's `IndexError`) are refused;
//! - every NaN double reads as `0x7ff8000000000000` ([`CANONICAL_NAN`], Python's `math.nan`):
//!   protobuf's pure-Python decoder, which the official loader runs on current Python, returns
//!   `math.nan` for any NaN, whatever its sign and payload.
//!
//! [`encode`] writes what the official writer's `json.dumps([...])` writes, with any choice of
//! optional protobuf fields (for look-alike files).
//!
//! ```
//! use tnb_nb101_record::{EvalSpec, RecordSpec, decode, encode};
//! let evals = [EvalSpec::full(0.0, [0.0, 0.1, 0.1, 0.1]), EvalSpec::full(54.0, [400.5, 0.9, 0.8, 0.8]),
//!              EvalSpec::full(108.0, [800.25, 1.0, 0.9, 0.9])];
//! let spec = RecordSpec {
//!     hash: [0xab; 16], epochs: 108, n: 2, adjacency: 0b0010, operations: "input,output",
//!     trainable_parameters: Some(1234), total_time: None, evaluations: &evals,
//! };
//! let mut bytes = Vec::new();
//! encode(&spec, &mut bytes);
//! assert!(bytes.starts_with(b"[\"abababababababababababababababab\", 108, \"0100\", \"input,output\", \""));
//! let r = decode(&bytes, &mut Vec::new())?;
//! assert_eq!((r.epochs, r.n, r.adjacency, r.trainable_parameters), (108, 2, 0b0010, 1234));
//! assert_eq!(r.final_.training_time, 800.25);
//! # Ok::<(), tnb_nb101_record::RecordError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod base64;
mod encode;
mod error;
mod json;
mod proto;

pub use proto::{CANONICAL_NAN, official_double};

use std::borrow::Cow;

pub use encode::{EvalSpec, RecordSpec, encode, metrics as encode_metrics};
pub use error::RecordError;

/// Most vertices of a NAS-Bench-101 cell: adjacency strings longer than 7×7 are refused.
pub const MAX_VERTICES: u8 = 7;

/// Most bytes of a varint (protobuf's own limit).
pub const MAX_VARINT_LEN: usize = 10;

/// One evaluation's metrics, as the official loader reads them (absent fields are 0.0).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Eval {
    /// `training_time` (seconds).
    pub training_time: f64,
    /// `train_accuracy`.
    pub train_accuracy: f64,
    /// `validation_accuracy`.
    pub validation_accuracy: f64,
    /// `test_accuracy`.
    pub test_accuracy: f64,
}

impl Eval {
    /// `[training_time, train_accuracy, validation_accuracy, test_accuracy]`.
    pub fn to_array(&self) -> [f64; 4] {
        [self.training_time, self.train_accuracy, self.validation_accuracy, self.test_accuracy]
    }

    /// Whether both hold the same bits (NaNs compare by payload).
    pub fn same_bits(&self, o: &Eval) -> bool {
        self.to_array().iter().zip(o.to_array()).all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

/// What the official loader takes from one record.
#[derive(Clone, Debug, PartialEq)]
pub struct Record<'a> {
    /// `module_hash`, from its 32 lowercase hex digits.
    pub hash: [u8; 16],
    /// `epochs` (a JSON integer).
    pub epochs: i64,
    /// Vertices: `raw_adjacency` has `n*n` characters.
    pub n: u8,
    /// `raw_adjacency`: bit `r*n + c` is entry `(r, c)`.
    pub adjacency: u64,
    /// `raw_operations`, JSON-unescaped and not split (the official loader splits it on `,`).
    pub operations: Cow<'a, str>,
    /// `trainable_parameters` (0 when absent, the last value when repeated).
    pub trainable_parameters: i32,
    /// `evaluation_data[1]`.
    pub halfway: Eval,
    /// `evaluation_data[2]`.
    pub final_: Eval,
}

impl Record<'_> {
    /// Whether `self` and `o` mean the same to the official loader, floats compared by bits.
    pub fn same(&self, o: &Record<'_>) -> bool {
        self.hash == o.hash
            && self.epochs == o.epochs
            && self.n == o.n
            && self.adjacency == o.adjacency
            && self.operations == o.operations
            && self.trainable_parameters == o.trainable_parameters
            && self.halfway.same_bits(&o.halfway)
            && self.final_.same_bits(&o.final_)
    }
}

/// Appends the padded standard base64 of `data` to `out` (what the official writer's
/// `base64.b64encode` gives), for building records around a protobuf.
pub fn encode_base64(data: &[u8], out: &mut Vec<u8>) {
    base64::encode(data, out);
}

/// Decodes one record's data (see the crate docs for what is accepted). `scratch` holds the
/// decoded base64 between calls, so that a loop over records allocates nothing for it.
pub fn decode<'a>(data: &'a [u8], scratch: &mut Vec<u8>) -> Result<Record<'a>, RecordError> {
    let text = std::str::from_utf8(data).map_err(|e| RecordError::Utf8 { at: e.valid_up_to() })?;
    let list = json::parse_list(text)?;
    let hash = parse_hash(&list.hash)?;
    let (n, adjacency) = parse_adjacency(&list.adjacency)?;
    scratch.clear();
    base64::decode(list.metrics.as_bytes(), scratch)?;
    let m = proto::parse_metrics(scratch)?;
    Ok(Record {
        hash,
        epochs: list.epochs,
        n,
        adjacency,
        operations: list.operations,
        trainable_parameters: m.trainable_parameters,
        halfway: m.halfway,
        final_: m.final_,
    })
}

/// The hash's 32 lowercase hex digits as bytes.
fn parse_hash(s: &str) -> Result<[u8; 16], RecordError> {
    let bad = || RecordError::Hash(shorten(s));
    let b = s.as_bytes();
    if b.len() != 32 {
        return Err(bad());
    }
    let mut out = [0u8; 16];
    for (i, pair) in b.chunks_exact(2).enumerate() {
        let hi = hex_digit(pair[0]).ok_or_else(bad)?;
        let lo = hex_digit(pair[1]).ok_or_else(bad)?;
        out[i] = hi << 4 | lo;
    }
    Ok(out)
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// `raw_adjacency` as `(n, bits)`.
fn parse_adjacency(s: &str) -> Result<(u8, u64), RecordError> {
    let b = s.as_bytes();
    if let Some(p) = b.iter().position(|&c| c != b'0' && c != b'1') {
        return Err(RecordError::Adjacency(format!(
            "character {} is {:?}, not '0' or '1'",
            s[..p].chars().count(),
            s[p..].chars().next().unwrap_or('?')
        )));
    }
    let len = b.len();
    let max = usize::from(MAX_VERTICES);
    if len > max * max {
        return Err(RecordError::Adjacency(format!(
            "{len} entries: more than {max}x{max} (NAS-Bench-101 cells have at most {max} vertices)"
        )));
    }
    let n = (0..=max).find(|n| n * n == len).ok_or_else(|| {
        RecordError::Adjacency(format!("{len} entries do not make a square matrix"))
    })?;
    let bits = b.iter().enumerate().fold(0u64, |a, (i, &c)| a | u64::from(c - b'0') << i);
    Ok((n as u8, bits))
}

/// At most 40 characters of `s`, for error messages.
pub(crate) fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    format!("{out:?}")
}
