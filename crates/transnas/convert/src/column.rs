//! Building columns: the most compact kind that reproduces every value exactly.

use tnb_schema::transnas::Column;
use tnb_schema::transnas::codes::*;

use crate::error::Error;
use crate::py::Py;

/// A value headed for a column.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Cell<'a> {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
    /// A generic node id (containers, bytes, numpy uint64 beyond i64…).
    Generic(u32),
}

/// Whether `x` survives f32 and back bit for bit (NaN payloads included).
fn f32_exact(x: f64) -> bool {
    f64::from(x as f32).to_bits() == x.to_bits()
}

/// Accumulates one column. Starts as the narrowest kind its first value allows and widens
/// (f32 → f64) or falls back to `Mixed` when a value does not fit.
#[derive(Debug)]
pub(crate) enum ColumnBuilder {
    F32(Vec<f32>),
    F64(Vec<f64>),
    I64(Vec<i64>),
    Str { offsets: Vec<u32>, bytes: Vec<u8> },
    Mixed { tags: Vec<u8>, bits: Vec<u64>, bytes: Vec<u8> },
}

fn too_large(what: &str) -> Error {
    Error::TooLarge(format!("{what} exceeds 4 GiB"))
}

fn str_bits(bytes: &mut Vec<u8>, s: &str) -> Result<u64, Error> {
    let start = u32::try_from(bytes.len()).map_err(|_| too_large("string data of one column"))?;
    let len = u32::try_from(s.len()).map_err(|_| too_large("a string"))?;
    bytes.extend_from_slice(s.as_bytes());
    u32::try_from(bytes.len()).map_err(|_| too_large("string data of one column"))?;
    Ok(u64::from(start) << 32 | u64::from(len))
}

impl ColumnBuilder {
    #[cfg(test)]
    pub(crate) fn new() -> Self {
        ColumnBuilder::F32(Vec::new())
    }

    pub(crate) fn with_capacity(n: usize) -> Self {
        ColumnBuilder::F32(Vec::with_capacity(n))
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            ColumnBuilder::F32(v) => v.len(),
            ColumnBuilder::F64(v) => v.len(),
            ColumnBuilder::I64(v) => v.len(),
            ColumnBuilder::Str { offsets, .. } => offsets.len() - 1,
            ColumnBuilder::Mixed { tags, .. } => tags.len(),
        }
    }

    /// A column of f32-exact floats, already filled.
    pub(crate) fn from_f32(v: Vec<f32>) -> Self {
        ColumnBuilder::F32(v)
    }

    /// Appends a float: the common case, without dispatching on a cell. (Column lengths are
    /// bounded by the task's u32 epoch offsets, checked by the caller.)
    #[inline]
    pub(crate) fn push_float(&mut self, x: f64) -> Result<(), Error> {
        if let ColumnBuilder::F32(v) = self {
            if f32_exact(x) {
                v.push(x as f32);
                return Ok(());
            }
        }
        self.push(Cell::Float(x))
    }

    /// Appends a string given as its (already validated) UTF-8 bytes: the `time_elapsed` path.
    pub(crate) fn push_str_bytes(&mut self, b: &[u8]) -> Result<(), Error> {
        if let ColumnBuilder::Str { offsets, bytes } = self {
            bytes.extend_from_slice(b);
            let end =
                u32::try_from(bytes.len()).map_err(|_| too_large("string data of one column"))?;
            offsets.push(end);
            return Ok(());
        }
        match std::str::from_utf8(b) {
            Ok(s) => self.push(Cell::Str(s)),
            Err(_) => Err(Error::TooLarge("a string is not UTF-8".to_owned())),
        }
    }

    /// Appends a value.
    pub(crate) fn push(&mut self, c: Cell<'_>) -> Result<(), Error> {
        let empty = self.len() == 0;
        match (&mut *self, c) {
            (ColumnBuilder::F32(v), Cell::Float(x)) if f32_exact(x) => v.push(x as f32),
            (ColumnBuilder::F32(v), Cell::Float(x)) => {
                let mut w: Vec<f64> = Vec::with_capacity(v.capacity().max(v.len() + 1));
                w.extend(v.iter().map(|&f| f64::from(f)));
                w.push(x);
                *self = ColumnBuilder::F64(w);
            }
            (ColumnBuilder::F64(v), Cell::Float(x)) => v.push(x),
            (ColumnBuilder::I64(v), Cell::Int(i)) => v.push(i),
            (ColumnBuilder::Str { offsets, bytes }, Cell::Str(s)) => {
                bytes.extend_from_slice(s.as_bytes());
                offsets.push(
                    u32::try_from(bytes.len())
                        .map_err(|_| too_large("string data of one column"))?,
                );
            }
            (ColumnBuilder::Mixed { tags, bits, bytes }, c) => {
                let (t, b) = match c {
                    Cell::None => (CELL_NONE, 0),
                    Cell::Bool(false) => (CELL_FALSE, 0),
                    Cell::Bool(true) => (CELL_TRUE, 0),
                    Cell::Int(i) => (CELL_INT, i as u64),
                    Cell::Float(x) => (CELL_FLOAT, x.to_bits()),
                    Cell::Str(s) => (CELL_STR, str_bits(bytes, s)?),
                    Cell::Generic(n) => (CELL_GENERIC, u64::from(n)),
                };
                tags.push(t);
                bits.push(b);
            }
            (_, c) if empty => {
                *self = match c {
                    Cell::Int(i) => ColumnBuilder::I64(vec![i]),
                    Cell::Str(s) => ColumnBuilder::Str {
                        offsets: vec![
                            0,
                            u32::try_from(s.len()).map_err(|_| too_large("a string"))?,
                        ],
                        bytes: s.as_bytes().to_vec(),
                    },
                    _ => ColumnBuilder::Mixed {
                        tags: Vec::new(),
                        bits: Vec::new(),
                        bytes: Vec::new(),
                    },
                };
                if matches!(self, ColumnBuilder::Mixed { .. }) {
                    self.push(c)?;
                }
            }
            (_, c) => {
                self.widen_to_mixed()?;
                self.push(c)?;
            }
        }
        Ok(())
    }

    fn widen_to_mixed(&mut self) -> Result<(), Error> {
        let n = self.len();
        let mut tags = Vec::with_capacity(n + 1);
        let mut bits = Vec::with_capacity(n + 1);
        let mut bytes = Vec::new();
        match self {
            ColumnBuilder::F32(v) => {
                for &f in v.iter() {
                    tags.push(CELL_FLOAT);
                    bits.push(f64::from(f).to_bits());
                }
            }
            ColumnBuilder::F64(v) => {
                for &f in v.iter() {
                    tags.push(CELL_FLOAT);
                    bits.push(f.to_bits());
                }
            }
            ColumnBuilder::I64(v) => {
                for &i in v.iter() {
                    tags.push(CELL_INT);
                    bits.push(i as u64);
                }
            }
            ColumnBuilder::Str { offsets, bytes: b } => {
                bytes = std::mem::take(b);
                for w in offsets.windows(2) {
                    tags.push(CELL_STR);
                    bits.push(u64::from(w[0]) << 32 | u64::from(w[1] - w[0]));
                }
            }
            ColumnBuilder::Mixed { .. } => return Ok(()),
        }
        *self = ColumnBuilder::Mixed { tags, bits, bytes };
        Ok(())
    }

    /// Appends every value of `other` (built from later values of the same column), widening
    /// the kind when the two halves differ.
    pub(crate) fn append(&mut self, other: ColumnBuilder) -> Result<(), Error> {
        if other.len() == 0 {
            return Ok(());
        }
        if self.len() == 0 {
            *self = other;
            return Ok(());
        }
        let mut other = other;
        match (&mut *self, &mut other) {
            (ColumnBuilder::F32(a), ColumnBuilder::F32(b)) => a.extend_from_slice(b),
            (ColumnBuilder::F64(a), ColumnBuilder::F64(b)) => a.extend_from_slice(b),
            (ColumnBuilder::F64(a), ColumnBuilder::F32(b)) => {
                a.extend(b.iter().map(|&x| f64::from(x)))
            }
            (ColumnBuilder::F32(a), ColumnBuilder::F64(b)) => {
                let mut w: Vec<f64> = Vec::with_capacity(a.len() + b.len());
                w.extend(a.iter().map(|&x| f64::from(x)));
                w.extend_from_slice(b);
                *self = ColumnBuilder::F64(w);
            }
            (ColumnBuilder::I64(a), ColumnBuilder::I64(b)) => a.extend_from_slice(b),
            (
                ColumnBuilder::Str { offsets: oa, bytes: ba },
                ColumnBuilder::Str { offsets: ob, bytes: bb },
            ) => {
                let shift =
                    u32::try_from(ba.len()).map_err(|_| too_large("string data of one column"))?;
                for &o in &ob[1..] {
                    oa.push(
                        o.checked_add(shift)
                            .ok_or_else(|| too_large("string data of one column"))?,
                    );
                }
                ba.extend_from_slice(bb);
            }
            _ => {
                self.widen_to_mixed()?;
                other.widen_to_mixed()?;
                let (
                    ColumnBuilder::Mixed { tags: ta, bits: xa, bytes: ba },
                    ColumnBuilder::Mixed { tags: tb, bits: xb, bytes: bb },
                ) = (&mut *self, other)
                else {
                    return Ok(());
                };
                let shift = ba.len() as u64;
                for (t, x) in tb.iter().zip(&xb) {
                    ta.push(*t);
                    xa.push(if *t == CELL_STR { x + (shift << 32) } else { *x });
                }
                ba.extend_from_slice(&bb);
                u32::try_from(ba.len()).map_err(|_| too_large("string data of one column"))?;
            }
        }
        Ok(())
    }

    /// Sets the node id of a generic cell pushed with a placeholder.
    pub(crate) fn set_generic(&mut self, i: usize, id: u32) {
        if let ColumnBuilder::Mixed { tags, bits, .. } = self {
            if tags.get(i) == Some(&CELL_GENERIC) {
                bits[i] = u64::from(id);
            }
        }
    }

    /// The value at `i` as Python compares it.
    pub(crate) fn py(&self, i: usize) -> Py<'_> {
        match self {
            ColumnBuilder::F32(v) => Py::Float(f64::from(v[i])),
            ColumnBuilder::F64(v) => Py::Float(v[i]),
            ColumnBuilder::I64(v) => Py::Int(v[i]),
            ColumnBuilder::Str { offsets, bytes } => {
                let s = &bytes[offsets[i] as usize..offsets[i + 1] as usize];
                std::str::from_utf8(s).map(Py::Str).unwrap_or(Py::Other)
            }
            ColumnBuilder::Mixed { tags, bits, bytes } => match tags[i] {
                CELL_NONE => Py::None,
                CELL_FALSE => Py::Int(0),
                CELL_TRUE => Py::Int(1),
                CELL_INT => Py::Int(bits[i] as i64),
                CELL_FLOAT => Py::Float(f64::from_bits(bits[i])),
                CELL_STR => {
                    let (start, len) = ((bits[i] >> 32) as usize, (bits[i] & 0xffff_ffff) as usize);
                    std::str::from_utf8(&bytes[start..start + len])
                        .map(Py::Str)
                        .unwrap_or(Py::Other)
                }
                _ => Py::Other,
            },
        }
    }

    /// The finished column.
    pub(crate) fn finish(self) -> Column {
        match self {
            ColumnBuilder::F32(v) => Column::F32(v),
            ColumnBuilder::F64(v) => Column::F64(v),
            ColumnBuilder::I64(v) => Column::I64(v),
            ColumnBuilder::Str { offsets, bytes } => {
                let width = offsets.get(1).copied().unwrap_or(0);
                let fixed = offsets.windows(2).all(|w| w[1] - w[0] == width);
                // Width 0 (all empty strings) stays `Str`: a fixed width must be positive.
                if fixed && width > 0 && offsets.len() > 1 {
                    Column::StrFixed { width, bytes }
                } else {
                    Column::Str { offsets, bytes }
                }
            }
            ColumnBuilder::Mixed { tags, bits, bytes } => Column::Mixed { tags, bits, bytes },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_narrowest_exact_kind() {
        let mut b = ColumnBuilder::new();
        b.push(Cell::Float(0.5)).unwrap();
        b.push(Cell::Float(f64::from(0.1f32))).unwrap();
        assert!(matches!(b.finish(), Column::F32(v) if v == [0.5, 0.1]));

        let mut b = ColumnBuilder::new();
        b.push(Cell::Float(0.5)).unwrap();
        b.push(Cell::Float(0.1)).unwrap();
        assert!(matches!(b.finish(), Column::F64(v) if v == [0.5, 0.1]));

        let nan = f64::from_bits(0x7ff8_0000_0000_0001);
        assert!(!f32_exact(nan), "a payload in the low bits does not survive f32");
        assert!(f32_exact(f64::from_bits(0xfff8_0000_0000_0000)));

        let mut b = ColumnBuilder::new();
        for s in ["00:01:02", "00:02:03"] {
            b.push(Cell::Str(s)).unwrap();
        }
        assert!(
            matches!(b.finish(), Column::StrFixed { width: 8, bytes } if bytes == b"00:01:0200:02:03")
        );

        let mut b = ColumnBuilder::new();
        b.push(Cell::Str("a")).unwrap();
        b.push(Cell::Str("bcd")).unwrap();
        assert!(matches!(b.finish(), Column::Str { offsets, .. } if offsets == [0, 1, 4]));
    }

    #[test]
    fn mixing_kinds_falls_back_to_tagged_cells_in_order() {
        let mut b = ColumnBuilder::new();
        b.push(Cell::Float(1.5)).unwrap();
        b.push(Cell::Int(2)).unwrap();
        b.push(Cell::Str("x")).unwrap();
        b.push(Cell::None).unwrap();
        b.push(Cell::Bool(true)).unwrap();
        b.push(Cell::Generic(9)).unwrap();
        assert_eq!(b.py(0), Py::Float(1.5));
        assert_eq!(b.py(1), Py::Int(2));
        assert_eq!(b.py(2), Py::Str("x"));
        assert_eq!(b.py(3), Py::None);
        assert_eq!(b.py(4), Py::Int(1));
        assert_eq!(b.py(5), Py::Other);
        let Column::Mixed { tags, .. } = b.finish() else { panic!() };
        assert_eq!(tags, [CELL_FLOAT, CELL_INT, CELL_STR, CELL_NONE, CELL_TRUE, CELL_GENERIC]);
    }
}

#[cfg(test)]
#[path = "column_tests.rs"]
mod exact_tests;
