//! Finding where a pickle ends without building anything.

use crate::error::{Error, ErrorKind};
use crate::ops::{self, ArgShape, STOP};

/// Returns the offset just past the `STOP` that ends the pickle starting at `input[0]`, reading
/// only opcode arguments. torch's legacy format stores its object pickle *before* the list of
/// storages it refers to, so a reader needs the pickle's end before it can parse it with the
/// storages at hand.
///
/// ```
/// // pickle.dumps(None, protocol=2), then trailing bytes of another record.
/// let end = tnb_pickle::pickle_end(b"\x80\x02N.rest")?;
/// assert_eq!(end, 4);
/// # Ok::<(), tnb_pickle::Error>(())
/// ```
pub fn pickle_end(input: &[u8]) -> Result<usize, Error> {
    let mut pos = 0usize;
    loop {
        let at = pos;
        let Some(&op) = input.get(pos) else {
            return Err(Error::at(at, ErrorKind::Truncated { opcode: "STOP" }));
        };
        pos += 1;
        let truncated = || Error::at(at, ErrorKind::Truncated { opcode: ops::name(op) });
        let arg = |pos: usize, n: usize| -> Result<&[u8], Error> {
            pos.checked_add(n).and_then(|e| input.get(pos..e)).ok_or_else(truncated)
        };
        if op == STOP {
            return Ok(pos);
        }
        let Some(shape) = ops::arg_shape(op) else {
            return Err(Error::at(at, ErrorKind::UnknownOpcode(op)));
        };
        let counted = |pos: usize, width: usize| -> Result<usize, Error> {
            let b = arg(pos, width)?;
            let mut a = [0u8; 8];
            a[..width].copy_from_slice(b);
            let n = u64::from_le_bytes(a);
            let n = usize::try_from(n).map_err(|_| truncated())?;
            arg(pos + width, n)?;
            Ok(width + n)
        };
        pos += match shape {
            ArgShape::Fixed(n) => {
                arg(pos, n)?;
                n
            }
            ArgShape::Counted(width) => counted(pos, width)?,
            ArgShape::Line => line(input, pos).ok_or_else(truncated)?,
            ArgShape::TwoLines => {
                let a = line(input, pos).ok_or_else(truncated)?;
                a + line(input, pos + a).ok_or_else(truncated)?
            }
        };
    }
}

/// Length of the line starting at `pos`, newline included.
fn line(input: &[u8], pos: usize) -> Option<usize> {
    input.get(pos..)?.iter().position(|&c| c == b'\n').map(|i| i + 1)
}
