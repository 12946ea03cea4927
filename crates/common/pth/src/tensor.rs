//! Tensors: storage bytes plus offset, size and stride, decoded into nested lists of numbers.

use tnb_pickle::{Arena, Dtype, Kind, Ref, Scalar};

/// Most dimensions a tensor may have (torch's own limit is 64).
pub const MAX_DIMS: usize = 64;

/// Tensor elements decoded beyond the file's storage bytes: a contiguous tensor has at most one
/// element per storage byte, so all of a file's tensors fit in its storage bytes plus this slack
/// (for small views and expanded, stride-0 tensors). Each decoded element costs about 20 bytes
/// of memory, so a 600-byte file cannot ask for a stride-0 tensor of 2^25 elements.
pub const TENSOR_ELEMENT_SLACK: u64 = 1 << 20;

/// Which elements of a storage a tensor holds, as `_rebuild_tensor_v2` gives them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct View<'s> {
    /// First element, in elements.
    pub(crate) offset: i64,
    /// Size of each dimension.
    pub(crate) size: &'s [i64],
    /// Step of each dimension, in elements.
    pub(crate) stride: &'s [i64],
}

/// Decodes the tensor `storage[offset + Σ i_k·stride_k]` of shape `size` into the arena, as
/// `tensor.tolist()` would give it: a number for 0-d, nested lists otherwise. Every index the
/// tensor can reach is checked against the storage, with checked arithmetic, and its element
/// count against `budget` (what is left of the file's storage bytes plus
/// [`TENSOR_ELEMENT_SLACK`]), before anything is built.
pub(crate) fn decode(
    arena: &mut Arena<'_>,
    dtype: Dtype,
    storage: &[u8],
    little_endian: bool,
    view: View<'_>,
    budget: &mut u64,
) -> Result<Ref, String> {
    let View { offset, size, stride } = view;
    if size.len() != stride.len() {
        return Err(format!("tensor has {} sizes but {} strides", size.len(), stride.len()));
    }
    if size.len() > MAX_DIMS {
        return Err(format!("tensor has {} dimensions, more than {MAX_DIMS}", size.len()));
    }
    let el = dtype.size();
    let numel_storage = (storage.len() / el) as u64;
    if offset < 0 || size.iter().any(|&s| s < 0) || stride.iter().any(|&s| s < 0) {
        return Err(format!(
            "tensor offset {offset}, size {size:?} or stride {stride:?} is negative"
        ));
    }
    let empty = size.contains(&0);
    let geometry = || format!("tensor of size {size:?}, stride {stride:?} at offset {offset}");
    if !empty {
        // Largest element index the view reaches. Every product and sum is checked: sizes and
        // strides near i64::MAX would wrap even in u128 once summed over 64 dimensions.
        let mut last = offset as u64;
        for (&n, &s) in size.iter().zip(stride) {
            last = (n as u64 - 1)
                .checked_mul(s as u64)
                .and_then(|x| x.checked_add(last))
                .ok_or_else(|| format!("{} reaches past any storage", geometry()))?;
        }
        if last >= numel_storage {
            return Err(format!(
                "{} needs element {last} but its {} storage holds {numel_storage} elements",
                geometry(),
                dtype.name()
            ));
        }
    }
    // Elements (and rows) decode builds; when any size is 0 nothing below it is built, but the
    // rows above still are.
    let mut cost: u64 = 1;
    let mut rows: u64 = 1;
    for &n in size {
        rows = rows.checked_mul(n as u64).ok_or_else(|| format!("{} is too large", geometry()))?;
        cost = cost.saturating_add(rows);
    }
    if cost > *budget {
        return Err(format!(
            "{} would decode {cost} elements and rows, more than the file's storage bytes plus \
             TENSOR_ELEMENT_SLACK ({TENSOR_ELEMENT_SLACK}) allow",
            geometry()
        ));
    }
    *budget -= cost;
    let b = Builder { dtype, storage, little_endian, size, stride };
    b.build(arena, 0, offset as usize)
}

struct Builder<'s> {
    dtype: Dtype,
    storage: &'s [u8],
    little_endian: bool,
    size: &'s [i64],
    stride: &'s [i64],
}

impl Builder<'_> {
    fn build(&self, arena: &mut Arena<'_>, dim: usize, at: usize) -> Result<Ref, String> {
        if dim == self.size.len() {
            let el = self.dtype.size();
            // In range: `decode` checked the largest reachable index.
            let bytes = &self.storage[at * el..at * el + el];
            let s = Scalar::from_bytes(self.dtype, bytes, self.little_endian)
                .ok_or_else(|| "tensor element has the wrong size".to_owned())?;
            return arena.push_scalar(s).map_err(|e| e.to_string());
        }
        let n = self.size[dim] as usize;
        let step = self.stride[dim] as usize;
        let mut items = Vec::with_capacity(n.min(1 << 16));
        for i in 0..n {
            // No overflow: `decode` checked that the largest index reached fits, and
            // `at + i * step` never exceeds it. When any size is 0 no element is reached.
            items.push(self.build(arena, dim + 1, at + i * step)?);
        }
        arena.push_container(Kind::Tensor(self.dtype), &items).map_err(|e| e.to_string())
    }
}
