//! [`Matrix`]: a square 0/1 adjacency matrix of at most [`MAX_MATRIX_N`] vertices in one `u64`.

/// The largest matrix a [`Matrix`] holds: 8 × 8 = 64 bits. Eight covers every spec the official
/// API can hash (at most 7 vertices) and the 8-vertex spec that `_check_spec` refuses with its
/// `TypeError` (larger specs are handled by [`crate::Spec`], which prunes any size).
pub const MAX_MATRIX_N: usize = 8;

/// A row-major `n × n` 0/1 matrix: entry `(r, c)` is bit `r * n + c` of `bits`.
///
/// Bits at `n * n` and above are never set by this crate's constructors; [`Matrix::new`] refuses
/// them, so that two equal matrices always have equal `bits`.
///
/// ```
/// use tnb_nb101_spec::Matrix;
/// let m = Matrix::from_rows(&[[0, 1, 1], [0, 0, 1], [0, 0, 0]]).unwrap();
/// assert_eq!((m.n, m.bits), (3, 0b000_100_110));
/// assert!(m.get(0, 2) && !m.get(2, 0));
/// assert_eq!(m.edges(), 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Matrix {
    /// Number of vertices, at most [`MAX_MATRIX_N`].
    pub n: u8,
    /// Entry `(r, c)` at bit `r * n + c`.
    pub bits: u64,
}

/// The mask of the `n * n` bits an `n × n` matrix uses.
pub(crate) const fn used_bits(n: usize) -> u64 {
    if n >= 8 { u64::MAX } else { (1u64 << (n * n)) - 1 }
}

/// The mask of the strictly upper-triangular entries (`r < c`) of an `n × n` matrix, `n <= 8`.
pub(crate) const fn upper_bits(n: usize) -> u64 {
    let mut m = 0u64;
    let mut r = 0;
    while r < n {
        let mut c = r + 1;
        while c < n {
            m |= 1 << (r * n + c);
            c += 1;
        }
        r += 1;
    }
    m
}

impl Matrix {
    /// The matrix of `n` vertices with entries `bits`; `None` when `n > 8` or a bit at `n * n`
    /// or above is set.
    pub const fn new(n: usize, bits: u64) -> Option<Matrix> {
        if n > MAX_MATRIX_N || bits & !used_bits(n) != 0 {
            return None;
        }
        Some(Matrix { n: n as u8, bits })
    }

    /// The matrix of nested rows of 0/1 (any non-zero entry counts as 1); `None` when it is not
    /// square or larger than 8 × 8.
    pub fn from_rows<R: AsRef<[u8]>>(rows: &[R]) -> Option<Matrix> {
        let n = rows.len();
        if n > MAX_MATRIX_N {
            return None;
        }
        let mut bits = 0u64;
        for (r, row) in rows.iter().enumerate() {
            let row = row.as_ref();
            if row.len() != n {
                return None;
            }
            for (c, &x) in row.iter().enumerate() {
                if x != 0 {
                    bits |= 1 << (r * n + c);
                }
            }
        }
        Some(Matrix { n: n as u8, bits })
    }

    /// The rows as nested 0/1 vectors (as `matrix.tolist()` prints them).
    pub fn to_rows(self) -> Vec<Vec<u8>> {
        let n = self.n as usize;
        (0..n).map(|r| (0..n).map(|c| u8::from(self.get(r, c))).collect()).collect()
    }

    /// Entry `(r, c)`; false outside the matrix.
    pub fn get(self, r: usize, c: usize) -> bool {
        let n = self.n as usize;
        r < n && c < n && self.bits >> (r * n + c) & 1 == 1
    }

    /// Row `r` as a mask of columns (bit `c` = entry `(r, c)`); 0 outside the matrix.
    pub fn row(self, r: usize) -> u8 {
        let n = self.n as usize;
        if r >= n { 0 } else { (self.bits >> (r * n)) as u8 & mask8(n) }
    }

    /// Column `c` as a mask of rows (bit `r` = entry `(r, c)`); 0 outside the matrix.
    pub fn col(self, c: usize) -> u8 {
        let n = self.n as usize;
        let mut m = 0u8;
        if c < n {
            for r in 0..n {
                m |= ((self.bits >> (r * n + c)) as u8 & 1) << r;
            }
        }
        m
    }

    /// The number of 1 entries (`np.sum(matrix)` of a 0/1 matrix).
    pub fn edges(self) -> u32 {
        self.bits.count_ones()
    }

    /// True when the diagonal and everything below it is 0 (model_spec.is_upper_triangular).
    pub fn is_upper_triangular(self) -> bool {
        self.bits & !upper_bits(self.n as usize) == 0
    }

    /// The `n × n` matrix whose entry `(r, c)` is bit `c` of `rows[r]`; `None` when `n > 8` or
    /// a row has a bit at `n` or above.
    pub fn from_row_masks(rows: &[u8]) -> Option<Matrix> {
        let n = rows.len();
        if n > MAX_MATRIX_N {
            return None;
        }
        let mut bits = 0u64;
        for (r, &row) in rows.iter().enumerate() {
            if u64::from(row) >> n != 0 {
                return None;
            }
            bits |= u64::from(row) << (r * n);
        }
        Some(Matrix { n: n as u8, bits })
    }
}

/// The low `n` bits of a byte (`n <= 8`).
pub(crate) const fn mask8(n: usize) -> u8 {
    if n >= 8 { u8::MAX } else { (1u8 << n) - 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_columns() {
        let m =
            Matrix::from_rows(&[[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]]).unwrap();
        assert_eq!([m.row(0), m.row(1), m.row(2), m.row(3)], [0b0110, 0b1000, 0b1000, 0]);
        assert_eq!([m.col(0), m.col(1), m.col(2), m.col(3)], [0, 0b0001, 0b0001, 0b0110]);
        assert_eq!(m.row(4), 0);
        assert_eq!(m.edges(), 4);
        assert!(m.is_upper_triangular());
        assert_eq!(Matrix::from_row_masks(&[0b0110, 0b1000, 0b1000, 0]), Some(m));
        assert_eq!(Matrix::from_rows(&m.to_rows()), Some(m));
        let full = Matrix::new(8, u64::MAX).unwrap();
        assert_eq!(full.row(7), 0xff);
        assert_eq!(full.col(0), 0xff);
        assert!(!full.is_upper_triangular());
    }

    #[test]
    fn refused_shapes() {
        assert_eq!(Matrix::new(9, 0), None);
        assert_eq!(Matrix::new(2, 1 << 4), None);
        assert!(Matrix::from_rows(&[[0u8, 1], [0, 0], [0, 0]]).is_none());
        assert!(Matrix::from_rows(&vec![vec![0u8; 9]; 9]).is_none());
        assert!(Matrix::from_row_masks(&[0b100, 0]).is_none());
        assert_eq!(Matrix::from_rows::<[u8; 0]>(&[]), Matrix::new(0, 0));
    }

    #[test]
    fn masks() {
        assert_eq!(upper_bits(3), 0b000_100_110);
        assert_eq!(used_bits(8), u64::MAX);
        assert_eq!(used_bits(0), 0);
        assert!(!Matrix::from_rows(&[[1u8]]).unwrap().is_upper_triangular());
    }
}
