//! Numbers as stored: a type code and 64 bits, read back with their Python type.

use tnb_pickle::{Dtype, Number, Scalar};
use tnb_pyjson::Event;
use tnb_schema::nb201::codes::*;

/// A number's Python type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumKind {
    /// `float`.
    Float,
    /// `int`.
    Int,
    /// `bool`.
    Bool,
    /// A numpy scalar (`np.float64` is `Numpy(Dtype::F64)`).
    Numpy(Dtype),
}

/// One stored number: its type and bits, exactly as in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Num {
    pub(crate) ty: u8,
    pub(crate) bits: u64,
}

impl Num {
    /// A number from a type code and bits; `None` for an unknown code.
    pub(crate) fn new(ty: u8, bits: u64) -> Option<Num> {
        let ok = matches!(ty, T_FLOAT | T_INT | T_BOOL)
            || (T_NUMPY..T_NUMPY + NUMPY_DTYPES).contains(&ty);
        ok.then_some(Num { ty, bits })
    }

    /// A Python float.
    pub fn float(x: f64) -> Num {
        Num { ty: T_FLOAT, bits: x.to_bits() }
    }

    /// The Python type.
    pub fn kind(self) -> NumKind {
        match self.ty {
            T_FLOAT => NumKind::Float,
            T_INT => NumKind::Int,
            T_BOOL => NumKind::Bool,
            t => NumKind::Numpy(Dtype::ALL[usize::from(t - T_NUMPY) % Dtype::ALL.len()]),
        }
    }

    /// The raw bits (f64 bits for floats and np.float64, two's complement for ints).
    pub fn bits(self) -> u64 {
        self.bits
    }

    /// Whether this is a numpy `float64`.
    pub fn is_np_f64(self) -> bool {
        self.ty == T_NP_F64
    }

    /// The value as Python's `float(x)` gives it (exact for floats, np.float64, bools and ints
    /// up to 2^53).
    pub fn to_f64(self) -> f64 {
        match self.number() {
            Number::Float(f) => f,
            Number::Int(i) => i as f64,
            Number::UInt(u) => u as f64,
            Number::Bool(b) => f64::from(u8::from(b)),
        }
    }

    /// The Python number (a numpy scalar as `.item()` gives it).
    pub fn number(self) -> Number {
        match self.kind() {
            NumKind::Float => Number::Float(f64::from_bits(self.bits)),
            NumKind::Int => Number::Int(self.bits as i64),
            NumKind::Bool => Number::Bool(self.bits != 0),
            NumKind::Numpy(dtype) => Scalar { dtype, bits: self.bits }.number(),
        }
    }

    /// The walk event of this number (numpy scalars as their Python number, like the source's
    /// dump).
    pub fn event(self) -> Event<'static> {
        match self.number() {
            Number::Float(f) => Event::Float(f),
            Number::Int(i) => Event::Int(i),
            Number::UInt(u) => Event::UInt(u),
            Number::Bool(b) => Event::Bool(b),
        }
    }
}
