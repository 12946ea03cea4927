//! Where the cells (the payload's first section: every per-epoch number) go as they are made:
//! a `Vec` for conversions in memory, or the archive file itself, so that the numbers of a
//! multi-GB source never sit in memory all at once.

use std::io::{self, Write};

/// A sink of 8-byte cells, counting them and hashing their bytes (the payload CRC starts with
/// them).
pub(crate) struct Cells<W: Write> {
    out: W,
    count: u64,
    crc: crc32fast::Hasher,
}

impl<W: Write> Cells<W> {
    pub(crate) fn new(out: W) -> Cells<W> {
        Cells { out, count: 0, crc: crc32fast::Hasher::new() }
    }

    /// Appends cells; returns the index of the first.
    pub(crate) fn push(&mut self, cells: &[u64]) -> io::Result<u64> {
        let at = self.count;
        let mut buf = [0u8; 8 * 64];
        for chunk in cells.chunks(64) {
            for (i, c) in chunk.iter().enumerate() {
                buf[i * 8..i * 8 + 8].copy_from_slice(&c.to_le_bytes());
            }
            let bytes = &buf[..chunk.len() * 8];
            self.out.write_all(bytes)?;
            self.crc.update(bytes);
        }
        self.count += cells.len() as u64;
        Ok(at)
    }

    /// Cells written so far.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// The writer, the count and the CRC state.
    pub(crate) fn finish(self) -> (W, u64, crc32fast::Hasher) {
        (self.out, self.count, self.crc)
    }
}
