//! The payload's last parts (padding, rkyv root, trailer), the header, and the atomic write.

use std::io::{self, Write};

use rkyv::rancor;
use tnb_mapped::replace::ReplaceError;
use tnb_schema::header::{Family, Header};
use tnb_schema::nb201::{Nb201, Trailer};

use crate::cells::Cells;
use crate::error::Error;

/// The converter name written in headers.
pub const CONVERTER: &str = concat!("tnb-nb201-convert ", env!("CARGO_PKG_VERSION"));

/// Appends padding, the rkyv root and the trailer after the cells; returns the writer, the
/// payload length and its CRC-32.
pub(crate) fn finish_payload<W: Write>(
    cells: Cells<W>,
    root: &Nb201,
) -> Result<(W, u64, u32, u64), Error> {
    let (mut out, count, mut crc) = cells.finish();
    let io = |e: io::Error| Error::io("writing the archive", e);
    let bytes = rkyv::to_bytes::<rancor::BoxedError>(root)
        .map_err(|e| Error::io("serialising the archive", io::Error::other(e.to_string())))?;
    if bytes.len() as u64 > i32::MAX as u64 {
        return Err(Error::TooLarge(format!(
            "the archive's tables would be {} bytes; rkyv's 32-bit relative pointers limit them \
             to {}",
            bytes.len(),
            i32::MAX
        )));
    }
    let trailer = Trailer::new(count, bytes.len() as u64);
    let pad = (trailer.root_offset - count * 8) as usize;
    let zeros = [0u8; 16];
    for part in [&zeros[..pad], bytes.as_slice(), &trailer.encode()[..]] {
        out.write_all(part).map_err(io)?;
        crc.update(part);
    }
    let len = trailer.root_offset + trailer.root_len + tnb_schema::nb201::TRAILER_LEN as u64;
    Ok((out, len, crc.finalize(), bytes.len() as u64))
}

/// The header of a payload of `family` (NAS-Bench-201 or a NATS-Bench space).
pub(crate) fn header(
    family: Family,
    len: u64,
    crc: u32,
    source_size: u64,
    sha: [u8; 32],
) -> Header {
    Header::new_family(family, len, crc, source_size, sha, CONVERTER)
}

/// The reader's acceptance check of a written archive (`Err` says why the reader refuses it):
/// normally the NB201 store's own open. The converter does not depend on the reader, so that
/// the pipeline only points down.
pub type Accept<'a> = tnb_mapped::replace::Accept<'a>;

impl From<ReplaceError> for Error {
    fn from(e: ReplaceError) -> Error {
        match e {
            ReplaceError::Destination(m) => Error::Destination(m),
            ReplaceError::Refused(m) => Error::Unreadable(m),
            ReplaceError::Io { what, error, .. } => Error::Io { what, error },
            other => Error::io("writing the archive", io::Error::other(other.to_string())),
        }
    }
}
