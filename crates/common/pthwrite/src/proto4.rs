//! Protocol 4's own parts of [`Pickler`]: frames, `STACK_GLOBAL`, bytes and sets, with the C
//! pickler's choices (CPython 3.8+ `_pickle.c`, checked against `pickle.dumps(x, protocol=4)`).
//!
//! Framing, as the C pickler does it: the output after `PROTO 4` is cut into frames, each
//! `FRAME` + u64le length + content. At the start of saving every object (an atom, a memo get,
//! a container, a global's module and name strings...), if the open frame holds at least
//! [`FRAME_SIZE_TARGET`] bytes, it is closed and a new one starts, so frames hold whole opcodes
//! and are a little over 64 KiB. A `str` or `bytes` payload of [`FRAME_SIZE_TARGET`] bytes or
//! more is written outside any frame (its frame is closed first). At the end a frame of fewer
//! than 4 bytes loses its header (`pickle.dumps(None, 4)` is `\x80\x04N.`).

use crate::pickle::{ADDITEMS, Frame, Kind, MARK, Memo, PROTOCOL_4, Pickler};

/// Content size at which the C pickler closes a frame (`FRAME_SIZE_TARGET`, 64 KiB).
pub const FRAME_SIZE_TARGET: usize = 64 * 1024;

/// A frame with less content than this loses its header (`FRAME_SIZE_MIN`).
const FRAME_SIZE_MIN: usize = 4;
/// `FRAME` + u64 length.
const FRAME_HEADER: usize = 9;

const FRAME: u8 = 0x95;
const STACK_GLOBAL: u8 = 0x93;
const SHORT_BINBYTES: u8 = b'C';
const BINBYTES: u8 = b'B';
const BINBYTES8: u8 = 0x8e;
const EMPTY_SET: u8 = 0x8f;

impl Pickler {
    /// Starts a protocol-4 pickle (writes `PROTO 4`), byte for byte what CPython's
    /// `pickle.dumps(obj, protocol=4)` writes for the same objects: the protocol-2 choices of
    /// [`Pickler::new`] plus frames, `MEMOIZE` instead of `BINPUT`, `SHORT_BINUNICODE` for
    /// strings under 256 bytes, `STACK_GLOBAL` globals, bytes ([`Pickler::bytes`]) and sets
    /// ([`Pickler::begin_set`]).
    ///
    /// ```
    /// use tnb_pthwrite::Pickler;
    /// // pickle.dumps({'a': b'xy', 'b': set()}, protocol=4)
    /// let mut p = Pickler::protocol4();
    /// p.begin_dict(2);
    /// p.str("a");
    /// p.bytes(b"xy");
    /// p.str("b");
    /// p.begin_set(0);
    /// p.end_set();
    /// p.end_dict();
    /// assert_eq!(
    ///     p.finish()?,
    ///     b"\x80\x04\x95\x14\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x01a\x94C\x02xy\x94\
    ///       \x8c\x01b\x94\x8f\x94u."
    /// );
    /// # Ok::<(), tnb_pthwrite::Error>(())
    /// ```
    pub fn protocol4() -> Pickler {
        Pickler::with_protocol(PROTOCOL_4, 1 << 17)
    }

    /// Starts a new frame: reserves its header.
    pub(crate) fn open_frame(&mut self) {
        self.frame_at = Some(self.out.len());
        self.out.extend_from_slice(&[0; FRAME_HEADER]);
    }

    /// Writes the open frame's header (or drops it if the frame is tiny); no frame is open
    /// afterwards.
    pub(crate) fn commit_frame(&mut self) {
        let Some(at) = self.frame_at.take() else { return };
        let len = self.out.len() - at - FRAME_HEADER;
        if len >= FRAME_SIZE_MIN {
            self.out[at] = FRAME;
            self.out[at + 1..at + FRAME_HEADER].copy_from_slice(&(len as u64).to_le_bytes());
        } else {
            self.out.drain(at..at + FRAME_HEADER);
        }
    }

    /// Called first when saving any object: the C pickler's frame boundary check.
    #[inline]
    pub(crate) fn save_start(&mut self) {
        if let Some(at) = self.frame_at {
            if self.out.len() - at - FRAME_HEADER >= FRAME_SIZE_TARGET {
                self.commit_frame();
                self.open_frame();
            }
        }
    }

    /// An opcode with a length header and its payload; a big payload goes outside the frames.
    pub(crate) fn write_payload(&mut self, header: &[u8], data: &[u8]) {
        if self.frame_at.is_some() && data.len() >= FRAME_SIZE_TARGET {
            self.commit_frame();
            self.out.extend_from_slice(header);
            self.out.extend_from_slice(data);
            self.open_frame();
        } else {
            self.out.extend_from_slice(header);
            self.out.extend_from_slice(data);
        }
    }

    /// `module name STACK_GLOBAL`, each memoized.
    pub(crate) fn stack_global(&mut self, module: &str, name: &str) -> Memo {
        self.save_str(module);
        self.save_str(name);
        self.out.push(STACK_GLOBAL);
        let m = self.put();
        self.value_done();
        m
    }

    /// Writes a new `bytes` object and memoizes it (protocol 4 only): `SHORT_BINBYTES` under
    /// 256 bytes, `BINBYTES` under 4 GiB, else `BINBYTES8`.
    pub fn bytes(&mut self, b: &[u8]) -> Memo {
        if self.proto < PROTOCOL_4 {
            self.misuse("bytes need protocol 4 here (protocol 2 pickles them by reduce)".into());
        }
        self.save_start();
        let n = b.len() as u64;
        if n <= 0xff {
            self.write_payload(&[SHORT_BINBYTES, n as u8], b);
        } else if let Ok(n) = u32::try_from(n) {
            let h = n.to_le_bytes();
            self.write_payload(&[BINBYTES, h[0], h[1], h[2], h[3]], b);
        } else {
            let mut h = [BINBYTES8; 9];
            h[1..].copy_from_slice(&n.to_le_bytes());
            self.write_payload(&h, b);
        }
        let m = self.put();
        self.value_done();
        m
    }

    /// Opens a `set` of `len` items (protocol 4 only); write them, then [`Pickler::end_set`].
    /// `EMPTY_SET`, memo put, then `MARK items ADDITEMS` groups of [`BATCH_SIZE`](crate::BATCH_SIZE); a set whose
    /// size is a multiple of 1000 ends with an empty group, as the C pickler's loop writes it.
    pub fn begin_set(&mut self, len: usize) -> Memo {
        if self.proto < PROTOCOL_4 {
            self.misuse("sets need protocol 4 here (protocol 2 pickles them by reduce)".into());
        }
        self.save_start();
        self.out.push(EMPTY_SET);
        let m = self.put();
        self.frames.push(Frame { kind: Kind::Set, len, values: 0 });
        if len > 0 {
            self.out.push(MARK);
        }
        m
    }

    /// Closes the innermost container, which must be a set.
    pub fn end_set(&mut self) {
        if let Some(f) = self.pop(Kind::Set) {
            if f.len > 0 {
                self.out.push(ADDITEMS);
            }
            self.value_done();
        }
    }
}

#[cfg(test)]
#[path = "proto4_tests.rs"]
mod tests;
