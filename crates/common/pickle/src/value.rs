//! References to values in the arena, and the view of one value.

use std::fmt;

/// A reference to a value of an [`crate::Arena`]: four bytes, `Copy`.
///
/// The real benchmark holds about 11 million floats, so the arena is laid out to cost about four
/// bytes per float: a `BINFLOAT` is not copied at all, its reference *is* the offset of its eight
/// bytes in the input (top bit set). Other values are a 3-bit tag and a 28-bit index into a table
/// of their kind, or an immediate (`None`, booleans, small ints).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ref(pub(crate) u32);

pub(crate) const FLOAT_AT: u32 = 1 << 31;
pub(crate) const TAG_SHIFT: u32 = 28;
pub(crate) const INDEX_MASK: u32 = (1 << TAG_SHIFT) - 1;
/// Largest index of any table: 2^28 - 1.
pub(crate) const MAX_INDEX: usize = INDEX_MASK as usize;

pub(crate) const TAG_CONST: u32 = 0;
pub(crate) const TAG_SMALL_INT: u32 = 1;
pub(crate) const TAG_INT: u32 = 2;
pub(crate) const TAG_FLOAT: u32 = 3;
pub(crate) const TAG_SCALAR: u32 = 4;
pub(crate) const TAG_SPAN: u32 = 5;
pub(crate) const TAG_CONTAINER: u32 = 6;
pub(crate) const TAG_OBJECT: u32 = 7;

/// Smallest and largest ints stored inline (28-bit two's complement).
pub(crate) const SMALL_INT_MIN: i64 = -(1 << 27);
pub(crate) const SMALL_INT_MAX: i64 = (1 << 27) - 1;

impl Ref {
    /// Python's `None`.
    pub const NONE: Ref = Ref(TAG_CONST << TAG_SHIFT);
    /// Python's `False`.
    pub const FALSE: Ref = Ref((TAG_CONST << TAG_SHIFT) | 1);
    /// Python's `True`.
    pub const TRUE: Ref = Ref((TAG_CONST << TAG_SHIFT) | 2);
    /// Never a valid reference (a float would need 8 bytes past the largest input).
    pub(crate) const INVALID: Ref = Ref(u32::MAX);

    pub(crate) fn tagged(tag: u32, index: usize) -> Ref {
        debug_assert!(index <= MAX_INDEX);
        Ref((tag << TAG_SHIFT) | index as u32)
    }

    pub(crate) fn small_int(v: i64) -> Option<Ref> {
        if (SMALL_INT_MIN..=SMALL_INT_MAX).contains(&v) {
            Some(Ref((TAG_SMALL_INT << TAG_SHIFT) | (v as u32 & INDEX_MASK)))
        } else {
            None
        }
    }

    pub(crate) fn float_at(offset: usize) -> Ref {
        debug_assert!((offset as u64) < crate::limits::HARD_MAX_INPUT);
        Ref(FLOAT_AT | offset as u32)
    }

    pub(crate) fn tag(self) -> u32 {
        self.0 >> TAG_SHIFT
    }

    pub(crate) fn index(self) -> usize {
        (self.0 & INDEX_MASK) as usize
    }

    /// A `bool` reference.
    pub fn bool(b: bool) -> Ref {
        if b { Ref::TRUE } else { Ref::FALSE }
    }
}

impl fmt::Debug for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ref({:#010x})", self.0)
    }
}

/// Element type of a numpy scalar or a torch tensor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Dtype {
    /// `bool` / `torch.bool`.
    Bool,
    /// `uint8`.
    U8,
    /// `uint16`.
    U16,
    /// `uint32`.
    U32,
    /// `uint64`.
    U64,
    /// `int8`.
    I8,
    /// `int16`.
    I16,
    /// `int32`.
    I32,
    /// `int64`.
    I64,
    /// IEEE half precision.
    F16,
    /// bfloat16 (the upper half of an f32).
    BF16,
    /// `float32`.
    F32,
    /// `float64`.
    F64,
}

impl Dtype {
    /// Size of one element in bytes.
    pub fn size(self) -> usize {
        match self {
            Dtype::Bool | Dtype::U8 | Dtype::I8 => 1,
            Dtype::U16 | Dtype::I16 | Dtype::F16 | Dtype::BF16 => 2,
            Dtype::U32 | Dtype::I32 | Dtype::F32 => 4,
            Dtype::U64 | Dtype::I64 | Dtype::F64 => 8,
        }
    }

    /// Whether Python sees its values as floats.
    pub fn is_float(self) -> bool {
        matches!(self, Dtype::F16 | Dtype::BF16 | Dtype::F32 | Dtype::F64)
    }

    /// numpy's name (`float32`, `int64`, `bool`, …); `bfloat16` for torch's type.
    pub fn name(self) -> &'static str {
        match self {
            Dtype::Bool => "bool",
            Dtype::U8 => "uint8",
            Dtype::U16 => "uint16",
            Dtype::U32 => "uint32",
            Dtype::U64 => "uint64",
            Dtype::I8 => "int8",
            Dtype::I16 => "int16",
            Dtype::I32 => "int32",
            Dtype::I64 => "int64",
            Dtype::F16 => "float16",
            Dtype::BF16 => "bfloat16",
            Dtype::F32 => "float32",
            Dtype::F64 => "float64",
        }
    }

    /// All dtypes, in declaration order.
    pub const ALL: [Dtype; 13] = [
        Dtype::Bool,
        Dtype::U8,
        Dtype::U16,
        Dtype::U32,
        Dtype::U64,
        Dtype::I8,
        Dtype::I16,
        Dtype::I32,
        Dtype::I64,
        Dtype::F16,
        Dtype::BF16,
        Dtype::F32,
        Dtype::F64,
    ];
}

/// One element of a numpy scalar or tensor, exactly as stored: the dtype and its raw bits
/// (zero-extended to 64 bits; signed integers sign-extended).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scalar {
    /// Element type.
    pub dtype: Dtype,
    /// Raw bits, see the type's doc.
    pub bits: u64,
}

/// The Python number a [`Scalar`] becomes under `.item()` / `.tolist()`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A Python `bool`.
    Bool(bool),
    /// A Python `int` that fits in `i64`.
    Int(i64),
    /// A Python `int` above `i64::MAX` (only `uint64` values get here).
    UInt(u64),
    /// A Python `float` (exact widening of the stored value).
    Float(f64),
}

impl Scalar {
    /// Decodes `bytes` (exactly `dtype.size()` long) in the given byte order. Returns `None` when
    /// the length is wrong.
    pub fn from_bytes(dtype: Dtype, bytes: &[u8], little_endian: bool) -> Option<Scalar> {
        if bytes.len() != dtype.size() {
            return None;
        }
        let mut raw = [0u8; 8];
        if little_endian {
            raw[..bytes.len()].copy_from_slice(bytes);
        } else {
            for (i, b) in bytes.iter().rev().enumerate() {
                raw[i] = *b;
            }
        }
        let u = u64::from_le_bytes(raw);
        let bits = match dtype {
            Dtype::I8 => u as u8 as i8 as i64 as u64,
            Dtype::I16 => u as u16 as i16 as i64 as u64,
            Dtype::I32 => u as u32 as i32 as i64 as u64,
            _ => u,
        };
        Some(Scalar { dtype, bits })
    }

    /// The Python number this element turns into.
    pub fn number(self) -> Number {
        match self.dtype {
            Dtype::Bool => Number::Bool(self.bits & 0xff != 0),
            Dtype::U64 if self.bits > i64::MAX as u64 => Number::UInt(self.bits),
            Dtype::U8 | Dtype::U16 | Dtype::U32 | Dtype::U64 => Number::Int(self.bits as i64),
            Dtype::I8 | Dtype::I16 | Dtype::I32 | Dtype::I64 => Number::Int(self.bits as i64),
            Dtype::F64 => Number::Float(f64::from_bits(self.bits)),
            Dtype::F32 => Number::Float(f64::from(f32::from_bits(self.bits as u32))),
            Dtype::BF16 => Number::Float(f64::from(f32::from_bits((self.bits as u32) << 16))),
            Dtype::F16 => Number::Float(f16_to_f64(self.bits as u16)),
        }
    }
}

/// Exact widening of an IEEE binary16 value (NaN payloads kept in the top bits, as numpy and
/// torch do when they widen).
fn f16_to_f64(h: u16) -> f64 {
    let sign = u64::from(h >> 15) << 63;
    let exp = (h >> 10) & 0x1f;
    let frac = u64::from(h & 0x3ff);
    let bits = match exp {
        0 if frac == 0 => sign,
        0 => {
            // Subnormal: value = frac * 2^-24, exactly representable in f64.
            let v = frac as f64 * (2.0f64).powi(-24);
            return if sign != 0 { -v } else { v };
        }
        0x1f => sign | (0x7ff << 52) | (frac << 42),
        e => sign | ((u64::from(e) + 1023 - 15) << 52) | (frac << 42),
    };
    f64::from_bits(bits)
}

/// The children of a container: a slice of references, or (for a list of floats that the
/// pickle wrote back to back) a run of `BINFLOAT`s read in place.
///
/// The run form is why a benchmark's 11 million per-epoch floats cost no memory in the arena at
/// all: `]`, `(`, 25 × `G` + 8 bytes, `e` becomes one container that remembers where the first
/// float is. Both forms behave the same through this type's methods.
#[derive(Clone, Copy, Debug)]
pub struct Children<'s>(pub(crate) Repr<'s>);

#[derive(Clone, Copy, Debug)]
pub(crate) enum Repr<'s> {
    Refs(&'s [Ref]),
    /// `len` floats whose 8 data bytes start at `first`, `first + 9`, … of the input.
    Floats {
        first: u32,
        len: u32,
    },
}

/// Bytes from one `BINFLOAT`'s data to the next one's in a run (opcode + 8 bytes).
pub(crate) const RUN_STRIDE: u32 = 9;

impl<'s> Children<'s> {
    /// No children.
    pub const EMPTY: Children<'static> = Children(Repr::Refs(&[]));

    /// Children given as references.
    pub fn from_refs(refs: &'s [Ref]) -> Self {
        Children(Repr::Refs(refs))
    }

    /// Number of children.
    pub fn len(&self) -> usize {
        match self.0 {
            Repr::Refs(r) => r.len(),
            Repr::Floats { len, .. } => len as usize,
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Child `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<Ref> {
        match self.0 {
            Repr::Refs(r) => r.get(i).copied(),
            Repr::Floats { first, len } => {
                (i < len as usize).then(|| Ref::float_at((first + RUN_STRIDE * i as u32) as usize))
            }
        }
    }

    /// The children as a slice, when they are stored as references (always for dicts, tuples
    /// and sets; `None` for a run of floats).
    pub fn as_refs(&self) -> Option<&'s [Ref]> {
        match self.0 {
            Repr::Refs(r) => Some(r),
            Repr::Floats { .. } => None,
        }
    }

    /// The children in order.
    pub fn iter(&self) -> ChildIter<'s> {
        ChildIter { c: *self, next: 0, end: self.len() }
    }

    /// The children collected into a vector.
    pub fn to_vec(&self) -> Vec<Ref> {
        self.iter().collect()
    }

    /// A dict's entries as `(key, value)` pairs.
    pub fn pairs(&self) -> impl Iterator<Item = (Ref, Ref)> + 's {
        let c = *self;
        (0..self.len() / 2).filter_map(move |i| Some((c.get(2 * i)?, c.get(2 * i + 1)?)))
    }

    /// The first child.
    pub fn first(&self) -> Option<Ref> {
        self.get(0)
    }
}

impl PartialEq for Children<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl<'s> IntoIterator for Children<'s> {
    type Item = Ref;
    type IntoIter = ChildIter<'s>;

    fn into_iter(self) -> ChildIter<'s> {
        self.iter()
    }
}

/// Iterator over [`Children`].
#[derive(Clone, Debug)]
pub struct ChildIter<'s> {
    c: Children<'s>,
    next: usize,
    end: usize,
}

impl Iterator for ChildIter<'_> {
    type Item = Ref;

    #[inline]
    fn next(&mut self) -> Option<Ref> {
        if self.next >= self.end {
            return None;
        }
        self.next += 1;
        self.c.get(self.next - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end - self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for ChildIter<'_> {}

impl DoubleEndedIterator for ChildIter<'_> {
    fn next_back(&mut self) -> Option<Ref> {
        if self.next >= self.end {
            return None;
        }
        self.end -= 1;
        self.c.get(self.end)
    }
}

/// Kinds of container.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `tuple`.
    Tuple,
    /// `list`.
    List,
    /// `dict` (also `collections.OrderedDict`); children are key, value, key, value, …
    Dict,
    /// `set`.
    Set,
    /// `frozenset`.
    FrozenSet,
    /// One dimension of a decoded tensor: children are scalars (last dimension) or tensors.
    Tensor(Dtype),
}

impl Kind {
    /// Python's name for the kind.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Tuple => "tuple",
            Kind::List => "list",
            Kind::Dict => "dict",
            Kind::Set => "set",
            Kind::FrozenSet => "frozenset",
            Kind::Tensor(_) => "tensor",
        }
    }
}

/// A view of one value of the arena.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'s> {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// A Python `int` that fits in 64 bits.
    Int(i64),
    /// A Python `int` beyond 64 bits, as little-endian two's complement bytes. Kept (rather than
    /// refused at parse time) so that consumers can name the object path where it sits; tnb's
    /// consumers refuse it. See [`big_int_text`].
    BigInt(&'s [u8]),
    /// A Python `float`, bit-exact.
    Float(f64),
    /// A numpy scalar or a tensor element.
    Scalar(Scalar),
    /// A `str`.
    Str(&'s str),
    /// A `bytes` or `bytearray`.
    Bytes(&'s [u8]),
    /// A container: its kind and its children (for a dict, keys and values alternating).
    Container(Kind, Children<'s>),
    /// A class or function the caller allowed (a `GLOBAL` not yet called): the caller's id.
    Global(u32),
    /// An object the caller's hooks made: the caller's class id and the state it keeps.
    Object {
        /// The caller's id for the class.
        class: u32,
        /// State set by the caller (initially `None`).
        state: Ref,
    },
}

impl Value<'_> {
    /// Python's type name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::BigInt(_) => "int",
            Value::Float(_) => "float",
            Value::Scalar(s) => s.dtype.name(),
            Value::Str(_) => "str",
            Value::Bytes(_) => "bytes",
            Value::Container(k, _) => k.name(),
            Value::Global(_) => "global",
            Value::Object { .. } => "object",
        }
    }
}

/// The decimal text of a [`Value::BigInt`], for messages (`None` past 64 bytes, which would be
/// an unreadable number anyway).
pub fn big_int_text(le: &[u8]) -> Option<String> {
    if le.len() > 64 {
        return None;
    }
    let neg = le.last().is_some_and(|&b| b & 0x80 != 0);
    // Magnitude as big-endian base-256 digits.
    let mut mag: Vec<u8> = le.iter().rev().copied().collect();
    if neg {
        for b in mag.iter_mut() {
            *b = !*b;
        }
        for b in mag.iter_mut().rev() {
            let (v, carry) = b.overflowing_add(1);
            *b = v;
            if !carry {
                break;
            }
        }
    }
    let mut digits = Vec::new();
    while mag.iter().any(|&b| b != 0) {
        let mut rem = 0u32;
        for b in mag.iter_mut() {
            let cur = (rem << 8) | u32::from(*b);
            *b = (cur / 10) as u8;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
    }
    if digits.is_empty() {
        digits.push(b'0');
    }
    if neg {
        digits.push(b'-');
    }
    digits.reverse();
    String::from_utf8(digits).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_int_text_prints_decimal() {
        // 2**64 + 5 and -2**63 - 1 as pickle's LONG1 writes them.
        assert_eq!(big_int_text(&[5, 0, 0, 0, 0, 0, 0, 0, 1]).unwrap(), "18446744073709551621");
        assert_eq!(
            big_int_text(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff]).unwrap(),
            "-9223372036854775809"
        );
        assert_eq!(big_int_text(&[]).unwrap(), "0");
        assert!(big_int_text(&[1; 65]).is_none());
    }

    #[test]
    fn f16_widening_is_exact() {
        assert_eq!(f16_to_f64(0x3c00), 1.0);
        assert_eq!(f16_to_f64(0xc000), -2.0);
        assert_eq!(f16_to_f64(0x7bff), 65504.0);
        assert_eq!(f16_to_f64(0x0001), 5.960464477539063e-8);
        assert_eq!(f16_to_f64(0x8000).to_bits(), (-0.0f64).to_bits());
        assert_eq!(f16_to_f64(0x7c00), f64::INFINITY);
        assert!(f16_to_f64(0x7e00).is_nan());
        assert_eq!(f16_to_f64(0x3555), 0.333251953125);
    }

    #[test]
    fn scalars_decode_in_both_byte_orders() {
        let s = Scalar::from_bytes(Dtype::I16, &[0xfe, 0xff], true).unwrap();
        assert_eq!(s.number(), Number::Int(-2));
        let s = Scalar::from_bytes(Dtype::I16, &[0xff, 0xfe], false).unwrap();
        assert_eq!(s.number(), Number::Int(-2));
        let s = Scalar::from_bytes(Dtype::U64, &[0xff; 8], true).unwrap();
        assert_eq!(s.number(), Number::UInt(u64::MAX));
        let s = Scalar::from_bytes(Dtype::F32, &1.5f32.to_le_bytes(), true).unwrap();
        assert_eq!(s.number(), Number::Float(1.5));
        let s = Scalar::from_bytes(Dtype::BF16, &[0x80, 0x3f], true).unwrap();
        assert_eq!(s.number(), Number::Float(1.0));
        assert!(Scalar::from_bytes(Dtype::F32, &[0; 3], true).is_none());
    }

    #[test]
    fn small_ints_round_trip_through_refs() {
        for v in [SMALL_INT_MIN, -1, 0, 1, SMALL_INT_MAX] {
            let r = Ref::small_int(v).unwrap();
            assert_eq!(r.tag(), TAG_SMALL_INT);
            let raw = (r.0 & INDEX_MASK) as i64;
            let back = (raw << 36) >> 36;
            assert_eq!(back, v);
        }
        assert!(Ref::small_int(SMALL_INT_MAX + 1).is_none());
    }
}
