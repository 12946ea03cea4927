//! The `ModelMetrics` protobuf (proto2, `lib/model_metrics.proto`) by the wire format's rules.
//!
//! ```text
//! ModelMetrics   { repeated EvaluationData evaluation_data = 1; optional int32 trainable_parameters = 2;
//!                  optional double total_time = 3; }
//! EvaluationData { optional double current_epoch = 1; training_time = 2; train_accuracy = 3;
//!                  validation_accuracy = 4; test_accuracy = 5; optional string checkpoint_path = 6; }
//! ```
//!
//! Accepted exactly as protobuf's parsers read it: unknown fields of wire types 0, 1, 2 and 5
//! skipped, the last value of a scalar wins, every `evaluation_data` occurrence appends one
//! message, the `int32` keeps the low 32 bits of its varint. Refused, because protobuf would
//! fail or because its implementations differ: truncation, field number 0, wire types 3, 4
//! (groups), 6 and 7, a known field with another wire type (protobuf would keep it as an
//! unknown field), a tag varint that is overlong or over 32 bits (protobuf's pure-Python
//! parser looks tags up by their bytes), a varint over [`crate::MAX_VARINT_LEN`] bytes or whose
//! 10th byte holds bits beyond 64, and a `checkpoint_path` that is not UTF-8.

use crate::{Eval, MAX_VARINT_LEN, RecordError};

/// What the loader takes from `ModelMetrics`.
pub(crate) struct Metrics {
    pub trainable_parameters: i32,
    pub halfway: Eval,
    pub final_: Eval,
}

const VARINT: u8 = 0;
const FIXED64: u8 = 1;
const LEN: u8 = 2;
const FIXED32: u8 = 5;

struct Wire<'a> {
    b: &'a [u8],
    i: usize,
    /// Offset of `b[0]` in the whole message, for messages.
    base: usize,
}

fn err(at: usize, problem: impl Into<String>) -> RecordError {
    RecordError::Protobuf { at, problem: problem.into() }
}

impl<'a> Wire<'a> {
    fn at(&self) -> usize {
        self.base + self.i
    }

    #[inline]
    fn varint(&mut self) -> Result<u64, RecordError> {
        // Most varints here (tags, lengths) are one byte.
        if let Some(&b) = self.b.get(self.i) {
            if b < 0x80 {
                self.i += 1;
                return Ok(u64::from(b));
            }
        }
        self.varint_long()
    }

    fn varint_long(&mut self) -> Result<u64, RecordError> {
        let start = self.at();
        let mut v = 0u64;
        for k in 0..MAX_VARINT_LEN {
            let Some(&byte) = self.b.get(self.i) else {
                return Err(err(start, "truncated varint"));
            };
            self.i += 1;
            if k == MAX_VARINT_LEN - 1 && byte & 0x7f > 1 {
                return Err(err(start, "a 10-byte varint holding more than 64 bits"));
            }
            v |= u64::from(byte & 0x7f) << (7 * k);
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(err(start, "a varint longer than 10 bytes"))
    }

    /// The next field's number and wire type, or `None` at the end.
    #[inline]
    fn tag(&mut self) -> Result<Option<(u32, u8)>, RecordError> {
        if self.i == self.b.len() {
            return Ok(None);
        }
        let start = self.at();
        let len_before = self.i;
        let t = self.varint()?;
        let used = self.i - len_before;
        if used > 1 && self.b[self.i - 1] == 0 {
            return Err(err(start, "an overlong tag"));
        }
        let t = u32::try_from(t).map_err(|_| err(start, "a tag beyond 32 bits"))?;
        let (field, wire) = (t >> 3, (t & 7) as u8);
        if field == 0 {
            return Err(err(start, "field number 0"));
        }
        Ok(Some((field, wire)))
    }

    #[inline]
    fn fixed64(&mut self) -> Result<u64, RecordError> {
        let b = self.take(8, "truncated fixed64")?;
        Ok(u64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    #[inline]
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], RecordError> {
        let start = self.at();
        let s = self.b.get(self.i..).and_then(|r| r.get(..n)).ok_or_else(|| err(start, what))?;
        self.i += n;
        Ok(s)
    }

    fn len_delimited(&mut self) -> Result<(usize, &'a [u8]), RecordError> {
        let start = self.at();
        let n = self.varint()?;
        let rest = self.b.len() - self.i;
        if n > rest as u64 {
            return Err(err(start, format!("a length of {n} bytes past the message's end")));
        }
        let at = self.at();
        Ok((at, self.take(n as usize, "truncated length-delimited field")?))
    }

    /// Skips an unknown field of wire type `wire`.
    fn skip(&mut self, field: u32, wire: u8, at: usize) -> Result<(), RecordError> {
        match wire {
            VARINT => self.varint().map(drop),
            FIXED64 => self.take(8, "truncated fixed64").map(drop),
            LEN => self.len_delimited().map(drop),
            FIXED32 => self.take(4, "truncated fixed32").map(drop),
            3 | 4 => {
                Err(err(at, format!("field {field} is a group (wire type {wire}): not supported")))
            }
            _ => Err(err(at, format!("field {field} has the invalid wire type {wire}"))),
        }
    }
}

/// The bits of [`f64::NAN`] as Python's `math.nan` has them: what protobuf's pure-Python
/// decoder returns for every NaN double.
pub const CANONICAL_NAN: u64 = 0x7ff8_0000_0000_0000;

/// A double as the official loader sees it: protobuf's pure-Python decoder (the backend
/// protobuf 3.20 runs on current CPython) returns `math.nan` for every NaN, dropping its sign
/// and payload; other values keep their bits. (The C++ backend would keep them; no API method
/// shows the difference except bit inspection.)
#[inline]
pub fn official_double(bits: u64) -> f64 {
    let v = f64::from_bits(bits);
    if v.is_nan() { f64::from_bits(CANONICAL_NAN) } else { v }
}

/// Checks a known field's wire type.
fn want(field: u32, wire: u8, expected: u8, at: usize, name: &str) -> Result<(), RecordError> {
    if wire == expected {
        Ok(())
    } else {
        Err(err(
            at,
            format!(
                "{name} (field {field}) has wire type {wire}, not {expected} (protobuf would keep \
                 it as an unknown field)"
            ),
        ))
    }
}

const EVAL_NAMES: [&str; 6] = [
    "current_epoch",
    "training_time",
    "train_accuracy",
    "validation_accuracy",
    "test_accuracy",
    "checkpoint_path",
];

/// One `EvaluationData` message at offset `base`.
fn parse_eval(b: &[u8], base: usize) -> Result<Eval, RecordError> {
    let mut w = Wire { b, i: 0, base };
    let mut e = Eval::default();
    while let Some((field, wire)) = w.tag()? {
        let at = w.at();
        match field {
            1..=5 => {
                want(field, wire, FIXED64, at, EVAL_NAMES[field as usize - 1])?;
                let v = official_double(w.fixed64()?);
                match field {
                    2 => e.training_time = v,
                    3 => e.train_accuracy = v,
                    4 => e.validation_accuracy = v,
                    5 => e.test_accuracy = v,
                    _ => {} // current_epoch: unused by the loader
                }
            }
            6 => {
                want(field, wire, LEN, at, EVAL_NAMES[5])?;
                let (sat, s) = w.len_delimited()?;
                if std::str::from_utf8(s).is_err() {
                    return Err(err(sat, "checkpoint_path is not UTF-8"));
                }
            }
            _ => w.skip(field, wire, at)?,
        }
    }
    Ok(e)
}

/// The serialized `ModelMetrics`.
pub(crate) fn parse_metrics(b: &[u8]) -> Result<Metrics, RecordError> {
    let mut w = Wire { b, i: 0, base: 0 };
    let mut m =
        Metrics { trainable_parameters: 0, halfway: Eval::default(), final_: Eval::default() };
    let mut evals = 0usize;
    while let Some((field, wire)) = w.tag()? {
        let at = w.at();
        match field {
            1 => {
                want(field, wire, LEN, at, "evaluation_data")?;
                let (sat, s) = w.len_delimited()?;
                let e = parse_eval(s, sat)?;
                match evals {
                    1 => m.halfway = e,
                    2 => m.final_ = e,
                    _ => {}
                }
                evals += 1;
            }
            2 => {
                want(field, wire, VARINT, at, "trainable_parameters")?;
                // int32 from a varint: protobuf keeps the low 32 bits (negative values are
                // written sign-extended to 10 bytes).
                m.trainable_parameters = w.varint()? as u32 as i32;
            }
            3 => {
                want(field, wire, FIXED64, at, "total_time")?;
                w.fixed64()?;
            }
            _ => w.skip(field, wire, at)?,
        }
    }
    if evals < 3 {
        return Err(RecordError::Evaluations(evals));
    }
    Ok(m)
}
