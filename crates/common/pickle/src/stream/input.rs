//! The pickle's bytes as a buffered stream: a fixed window over any `Read`, with the offset of
//! every byte and the opcode arguments read the way both passes need them.

use std::io::Read;

use crate::error::{Error, ErrorKind};
use crate::grow;
use crate::ops;

/// Size of the read window. Arguments up to this size are borrowed from it; longer strings are
/// copied out in pieces.
const WINDOW: usize = 1 << 20;

/// Bytes read between two progress reports.
const PROGRESS_EVERY: u64 = 32 << 20;

pub(crate) struct Input<'p, R: Read> {
    r: R,
    buf: Vec<u8>,
    lo: usize,
    hi: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    /// Bytes the caller says the stream holds (reads stop there, lengths are checked against it).
    total: u64,
    /// Whether `total` is the stream's length (false: only a bound, the stream may end before:
    /// then an end inside the pickle is a truncation, not a file shortened while reading).
    sized: bool,
    /// Bytes read from `r` so far.
    read: u64,
    next_report: u64,
    progress: &'p mut dyn FnMut(u64),
    /// Offset of the opcode being executed, for errors.
    pub(crate) op_at: u64,
}

impl<'p, R: Read> Input<'p, R> {
    pub(crate) fn new(r: R, total: u64, progress: &'p mut dyn FnMut(u64)) -> Result<Self, Error> {
        let buf = grow::filled(WINDOW, 0u8)?;
        Ok(Input {
            r,
            buf,
            lo: 0,
            hi: 0,
            base: 0,
            total,
            sized: true,
            read: 0,
            next_report: PROGRESS_EVERY,
            progress,
            op_at: 0,
        })
    }

    /// The same input, its length unknown: `total` is only a bound.
    pub(crate) fn length_unknown(mut self) -> Self {
        self.sized = false;
        self
    }

    /// Whether the caller gave the stream's length (see [`Input::length_unknown`]).
    pub(crate) fn is_sized(&self) -> bool {
        self.sized
    }

    /// Whether every byte up to the caller's bound was read.
    pub(crate) fn at_bound(&self) -> bool {
        self.read >= self.total
    }

    pub(crate) fn err(&self, kind: ErrorKind) -> Error {
        Error { offset: Some(self.op_at), kind }
    }

    fn truncated(&self, op: u8) -> Error {
        self.err(ErrorKind::Truncated { opcode: ops::name(op) })
    }

    /// Offset of the next unread byte.
    pub(crate) fn pos(&self) -> u64 {
        self.base + self.lo as u64
    }

    /// Bytes left before the end the caller gave.
    pub(crate) fn left(&self) -> u64 {
        self.total - self.pos()
    }

    /// Makes at least `n` (at most [`WINDOW`]) bytes available; false at the end of the stream.
    fn fill(&mut self, n: usize) -> Result<bool, Error> {
        if self.hi - self.lo >= n {
            return Ok(true);
        }
        if self.lo > 0 {
            self.buf.copy_within(self.lo..self.hi, 0);
            self.base += self.lo as u64;
            self.hi -= self.lo;
            self.lo = 0;
        }
        while self.hi < n {
            let want = (self.buf.len() - self.hi).min((self.total - self.read) as usize);
            if want == 0 {
                return Ok(false);
            }
            let got = match self.r.read(&mut self.buf[self.hi..self.hi + want]) {
                Ok(0) if !self.sized => return Ok(false),
                Ok(0) => {
                    return Err(Error {
                        offset: Some(self.read),
                        kind: ErrorKind::Stream(format!(
                            "the input ended after {} of its {} bytes (file shortened while \
                             reading?)",
                            self.read, self.total
                        )),
                    });
                }
                Ok(g) => g,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Error {
                        offset: Some(self.read),
                        kind: ErrorKind::Stream(format!("read failed: {e}")),
                    });
                }
            };
            self.hi += got;
            self.read += got as u64;
            if self.read >= self.next_report {
                self.next_report = self.read + PROGRESS_EVERY;
                (self.progress)(self.read);
            }
        }
        Ok(true)
    }

    /// The next opcode byte (recording its offset), or the truncation error.
    #[inline]
    pub(crate) fn opcode(&mut self) -> Result<u8, Error> {
        self.op_at = self.pos();
        if self.lo == self.hi && !self.fill(1)? {
            return Err(self.err(ErrorKind::Truncated { opcode: "STOP" }));
        }
        let b = self.buf[self.lo];
        self.lo += 1;
        Ok(b)
    }

    /// `n` (at most [`WINDOW`]) argument bytes of opcode `op`.
    #[inline]
    pub(crate) fn take(&mut self, n: usize, op: u8) -> Result<&[u8], Error> {
        if self.hi - self.lo < n && !self.fill(n)? {
            return Err(self.truncated(op));
        }
        let s = &self.buf[self.lo..self.lo + n];
        self.lo += n;
        Ok(s)
    }

    #[inline]
    pub(crate) fn u8(&mut self, op: u8) -> Result<u8, Error> {
        Ok(self.take(1, op)?[0])
    }

    #[inline]
    pub(crate) fn u16(&mut self, op: u8) -> Result<u16, Error> {
        let b = self.take(2, op)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    #[inline]
    pub(crate) fn u32(&mut self, op: u8) -> Result<u32, Error> {
        let b = self.take(4, op)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    #[inline]
    pub(crate) fn u64(&mut self, op: u8) -> Result<u64, Error> {
        let b = self.take(8, op)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// A length-prefixed argument's length (`width` bytes), checked against what is left of the
    /// input and against `max` (the string limit) before anything is sized from it.
    pub(crate) fn len_arg(&mut self, width: usize, op: u8, max: u64) -> Result<u64, Error> {
        let b = self.take(width, op)?;
        let mut a = [0u8; 8];
        a[..width].copy_from_slice(b);
        let n = u64::from_le_bytes(a);
        // BINSTRING and LONG4 lengths are signed; a negative one reads as huge here.
        if n > self.left() {
            return Err(self.truncated(op));
        }
        if n > max {
            return Err(
                self.err(ErrorKind::Limit { what: "string length (MAX_STR_LEN)", limit: max })
            );
        }
        Ok(n)
    }

    /// Skips `n` bytes (already checked against what is left).
    pub(crate) fn skip(&mut self, mut n: u64, op: u8) -> Result<(), Error> {
        while n > 0 {
            let step = n.min(WINDOW as u64) as usize;
            self.take(step, op)?;
            n -= step as u64;
        }
        Ok(())
    }

    /// `n` bytes (checked against what is left) copied out.
    pub(crate) fn bytes(&mut self, n: u64, op: u8) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        out.try_reserve_exact(n as usize).map_err(|_| grow::out_of_memory())?;
        let mut left = n;
        while left > 0 {
            let step = left.min(WINDOW as u64) as usize;
            out.extend_from_slice(self.take(step, op)?);
            left -= step as u64;
        }
        Ok(out)
    }

    /// The rest of the line, without its `\n`, at most `max` bytes (text opcodes).
    pub(crate) fn line(&mut self, op: u8, max: u64) -> Result<Vec<u8>, Error> {
        let mut out: Vec<u8> = Vec::new();
        loop {
            if self.lo == self.hi && !self.fill(1)? {
                return Err(self.truncated(op));
            }
            let avail = &self.buf[self.lo..self.hi];
            let (piece, done) = match avail.iter().position(|&c| c == b'\n') {
                Some(i) => (&avail[..i], Some(i + 1)),
                None => (avail, None),
            };
            if (out.len() + piece.len()) as u64 > max {
                return Err(self
                    .err(ErrorKind::Limit { what: "text line length (MAX_STR_LEN)", limit: max }));
            }
            grow::extend(&mut out, piece)?;
            match done {
                Some(used) => {
                    self.lo += used;
                    return Ok(out);
                }
                None => self.lo = self.hi,
            }
        }
    }
}
