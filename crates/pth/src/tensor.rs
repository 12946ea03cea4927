//! Tensors: storage bytes plus offset, size and stride, decoded into nested lists of numbers.

use tnb_pickle::{Arena, Dtype, Kind, Ref, Scalar};

/// Most dimensions a tensor may have (torch's own limit is 64).
pub const MAX_DIMS: usize = 64;

/// Decodes the tensor `storage[offset + Σ i_k·stride_k]` of shape `size` into the arena, as
/// `tensor.tolist()` would give it: a number for 0-d, nested lists otherwise. Every index the
/// tensor can reach is checked against the storage before anything is built.
pub(crate) fn decode(
    arena: &mut Arena<'_>,
    dtype: Dtype,
    storage: &[u8],
    little_endian: bool,
    offset: i64,
    size: &[i64],
    stride: &[i64],
) -> Result<Ref, String> {
    if size.len() != stride.len() {
        return Err(format!("tensor has {} sizes but {} strides", size.len(), stride.len()));
    }
    if size.len() > MAX_DIMS {
        return Err(format!("tensor has {} dimensions, more than {MAX_DIMS}", size.len()));
    }
    let el = dtype.size();
    let numel_storage = (storage.len() / el) as u128;
    if offset < 0 || size.iter().any(|&s| s < 0) || stride.iter().any(|&s| s < 0) {
        return Err(format!(
            "tensor offset {offset}, size {size:?} or stride {stride:?} is negative"
        ));
    }
    let empty = size.contains(&0);
    if !empty {
        // Largest element index the view reaches, in u128 so no input can overflow it.
        let last: u128 =
            size.iter().zip(stride).map(|(&n, &s)| (n as u128 - 1) * s as u128).sum::<u128>()
                + offset as u128;
        if last >= numel_storage {
            return Err(format!(
                "tensor of size {size:?}, stride {stride:?} at offset {offset} needs element {last} \
                 but its {} storage holds {numel_storage} elements",
                dtype.name()
            ));
        }
    }
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
            // When any size is 0 the loops above never reach an element.
            items.push(self.build(arena, dim + 1, at + i * step)?);
        }
        arena.push_container(Kind::Tensor(self.dtype), &items).map_err(|e| e.to_string())
    }
}
