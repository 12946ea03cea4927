//! The streaming reader over any `Read`.

use std::io::{ErrorKind, Read};

use crate::{Error, FOOTER_LEN, HEADER_LEN, Problem, RecordAt, check_data, check_header};

/// Size of [`Reader`]'s buffer: 1 MiB, so that a multi-gigabyte file is read in few system
/// calls and most records are copied out of the buffer in one piece.
pub const BUFFER_LEN: usize = 1 << 20;

/// A streaming TFRecord reader over any [`Read`] (a file, a pipe, a slice), checking every
/// record's length and data CRC. Callers stop at the first error: what later calls return is
/// unspecified (but they never panic).
pub struct Reader<R: Read> {
    inner: R,
    buf: Box<[u8]>,
    /// Unconsumed bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    /// File offset of `buf[start]`.
    pos: u64,
    index: u64,
    eof: bool,
}

impl<R: Read> Reader<R> {
    /// A reader of `inner` from its current position (offsets count from there).
    pub fn new(inner: R) -> Reader<R> {
        Reader {
            inner,
            buf: vec![0u8; BUFFER_LEN].into_boxed_slice(),
            start: 0,
            end: 0,
            pos: 0,
            index: 0,
            eof: false,
        }
    }

    /// Byte offset of the next record (the end of the last one read).
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// Records read so far.
    pub fn records(&self) -> u64 {
        self.index
    }

    /// The underlying reader (it may have been read ahead of [`Reader::position`]).
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The underlying reader, dropping whatever was read ahead into the buffer.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Reads the next record's data into `buf` (replacing its contents). `Ok(None)` at a clean
    /// end of file (after a whole record, or in an empty file).
    pub fn next_into(&mut self, buf: &mut Vec<u8>) -> Result<Option<RecordAt>, Error> {
        buf.clear();
        self.next_append(buf)
    }

    /// Reads the next record's data and appends it to `buf` (for batching many records in one
    /// buffer). `Ok(None)` at a clean end of file. On an error, `buf` may hold part of the data.
    pub fn next_append(&mut self, buf: &mut Vec<u8>) -> Result<Option<RecordAt>, Error> {
        let (index, offset) = (self.index, self.pos);
        let err = |problem| Error::new(index, offset, problem);
        let io = |e| Error::new(index, offset, Problem::Io(e));
        let have = self.fill(HEADER_LEN).map_err(io)?;
        if have == 0 {
            return Ok(None);
        }
        if have < HEADER_LEN {
            return Err(err(Problem::TruncatedLength { have: have as u64 }));
        }
        let len = check_header(&self.buf[self.start..self.start + HEADER_LEN], index, offset)?;
        // Bounded by MAX_RECORD_LEN above: safe to allocate.
        let n = len as usize;
        let total = HEADER_LEN + n + FOOTER_LEN;
        let base = buf.len();
        buf.reserve(n);
        let mut copied = 0usize; // data bytes copied into `buf`
        let mut consumed = HEADER_LEN; // record bytes consumed from the buffer
        let mut crc = [0u8; FOOTER_LEN];
        let mut crc_have = 0usize;
        self.start += HEADER_LEN;
        while consumed < total {
            if self.start == self.end {
                let got = self.fill(1).map_err(io)?;
                if got == 0 {
                    return Err(err(if copied < n {
                        Problem::TruncatedData { have: copied as u64, len }
                    } else {
                        Problem::TruncatedCrc { have: crc_have as u64 }
                    }));
                }
            }
            let avail = &self.buf[self.start..self.end];
            if copied < n {
                let take = avail.len().min(n - copied);
                buf.extend_from_slice(&avail[..take]);
                copied += take;
                consumed += take;
                self.start += take;
            } else {
                let take = avail.len().min(FOOTER_LEN - crc_have);
                crc[crc_have..crc_have + take].copy_from_slice(&avail[..take]);
                crc_have += take;
                consumed += take;
                self.start += take;
            }
        }
        check_data(&buf[base..], &crc, index, offset)?;
        self.pos += total as u64;
        self.index += 1;
        Ok(Some(RecordAt { index, offset, len }))
    }

    /// Makes at least `want` (<= BUFFER_LEN) unconsumed bytes available if the input has them;
    /// returns how many are available (fewer only at end of input).
    fn fill(&mut self, want: usize) -> std::io::Result<usize> {
        if self.end - self.start >= want || self.eof {
            return Ok(self.end - self.start);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        while self.end < want {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(k) => self.end += k,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.end)
    }
}
