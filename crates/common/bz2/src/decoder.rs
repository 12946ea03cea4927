//! [`Decoder`]: a limited, streaming `Read` over bz2 data.

use std::io::{self, Read};
use std::sync::Arc;

use bzip2::{Decompress, Status};

use crate::INPUT_BUFFER;
use crate::error::{Error, ErrorKind};

/// Calls of the decoder in a row that neither consume input nor produce output before the
/// read is declared stuck (libbzip2 always makes progress on valid input; this only keeps a
/// damaged stream from looping).
const MAX_IDLE_CALLS: u32 = 4;

/// Where the decoder is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Inside stream number `n` (0 = the first); `fed`: whether it has consumed input yet.
    Stream { n: u64, fed: bool },
    /// The input is used up (or the rest is trailing bytes Python would ignore).
    Done,
    /// An error was returned; later reads return an error again.
    Failed,
}

/// Decodes the bz2 data read from `R` (one or more concatenated streams), yielding at most
/// `limit` bytes: the read that would pass the limit fails with [`ErrorKind::TooLarge`].
/// Memory: the compressed buffer ([`crate::INPUT_BUFFER`]) and libbzip2's tables (about 3.6 MB
/// for level-9 data), whatever the data expands to. Errors come back from `read` as
/// `std::io::Error`s carrying an [`Error`] ([`Error::from_io`] recovers it), one line naming the
/// file when [`Decoder::named`] gave its name.
pub struct Decoder<R> {
    inner: R,
    file: Option<Arc<str>>,
    limit: u64,
    dec: Decompress,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    eof: bool,
    /// Compressed bytes consumed by the decoders so far.
    consumed: u64,
    /// Decoded bytes handed out so far.
    out: u64,
    state: State,
}

impl<R: Read> Decoder<R> {
    /// A decoder of the bz2 data in `inner`, refusing to decode more than `limit` bytes.
    pub fn new(inner: R, limit: u64) -> Decoder<R> {
        Decoder {
            inner,
            file: None,
            limit,
            dec: Decompress::new(false),
            buf: vec![0u8; INPUT_BUFFER].into_boxed_slice(),
            pos: 0,
            len: 0,
            eof: false,
            consumed: 0,
            out: 0,
            state: State::Stream { n: 0, fed: false },
        }
    }

    /// The same decoder, naming `file` in its errors.
    pub fn named(mut self, file: &str) -> Decoder<R> {
        self.file = Some(Arc::from(file));
        self
    }

    /// Decoded bytes returned so far.
    pub fn decoded(&self) -> u64 {
        self.out
    }

    /// Compressed bytes consumed so far.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    fn fail(&mut self, kind: ErrorKind) -> io::Error {
        self.state = State::Failed;
        Error { file: self.file.clone(), kind }.into_io()
    }

    /// Fills the compressed buffer when it is used up; sets `eof` at the input's end.
    fn refill(&mut self) -> Result<(), io::Error> {
        if self.pos < self.len || self.eof {
            return Ok(());
        }
        loop {
            match self.inner.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.pos = 0;
                    self.len = n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.fail(ErrorKind::Io(e))),
            }
        }
    }
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        let mut idle = 0u32;
        loop {
            let (n, fed) = match self.state {
                State::Done => return Ok(0),
                State::Failed => {
                    return Err(
                        self.fail(ErrorKind::Io(io::Error::other("read again after an error")))
                    );
                }
                State::Stream { n, fed } => (n, fed),
            };
            self.refill()?;
            if self.pos == self.len {
                // The input ended.
                return match (n, fed) {
                    (0, false) => Err(self.fail(ErrorKind::Empty)),
                    (_, false) => {
                        self.state = State::Done;
                        Ok(0)
                    }
                    (_, true) => Err(self.fail(ErrorKind::Truncated { at: self.consumed })),
                };
            }
            // One byte past the limit may be decoded: that byte is the proof of a bomb.
            let room = self.limit.saturating_add(1).saturating_sub(self.out);
            let room = usize::try_from(room).unwrap_or(usize::MAX).min(out.len());
            let (in0, out0) = (self.dec.total_in(), self.dec.total_out());
            let r = self.dec.decompress(&self.buf[self.pos..self.len], &mut out[..room]);
            let used = usize::try_from(self.dec.total_in() - in0).unwrap_or(usize::MAX);
            let made = usize::try_from(self.dec.total_out() - out0).unwrap_or(usize::MAX);
            self.pos = (self.pos + used).min(self.len);
            self.consumed += used as u64;
            self.out += made as u64;
            if used > 0 {
                self.state = State::Stream { n, fed: true };
            }
            match r {
                Ok(Status::StreamEnd) => {
                    // Another stream may follow (Python's BZ2File reads them all).
                    self.dec = Decompress::new(false);
                    self.state = State::Stream { n: n + 1, fed: false };
                }
                Ok(Status::MemNeeded) => return Err(self.fail(ErrorKind::OutOfMemory { bytes: 0 })),
                Ok(_) => {}
                Err(bzip2::Error::DataMagic) if n > 0 => {
                    // Bytes after a complete stream that are not another stream: Python's
                    // BZ2File ignores them (its "trailing data" rule).
                    self.state = State::Done;
                    self.out -= made as u64;
                    return Ok(0);
                }
                Err(bzip2::Error::DataMagic) => return Err(self.fail(ErrorKind::NotBz2)),
                Err(_) => return Err(self.fail(ErrorKind::Corrupt { at: self.consumed })),
            }
            if self.out > self.limit {
                return Err(self.fail(ErrorKind::TooLarge { limit: self.limit }));
            }
            if made > 0 {
                return Ok(made);
            }
            if used == 0 && !matches!(r, Ok(Status::StreamEnd)) {
                idle += 1;
                if idle > MAX_IDLE_CALLS {
                    return Err(self.fail(ErrorKind::Corrupt { at: self.consumed }));
                }
            } else {
                idle = 0;
            }
        }
    }
}
