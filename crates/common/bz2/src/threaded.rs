//! [`Threaded`]: a [`Decoder`] running on a thread of its own, so that decoding overlaps with
//! what the reader does with the bytes (a pickle reader on another core).

use std::io::{self, Read};
use std::sync::mpsc::{Receiver, sync_channel};

use crate::Decoder;

/// Bytes per chunk handed from the decoding thread to the reader.
pub const THREAD_CHUNK: usize = 1 << 20;

/// Chunks decoded ahead of the reader (memory: this many times [`THREAD_CHUNK`]).
pub const THREAD_AHEAD: usize = 4;

/// A `Read` whose bytes a [`Decoder`] produces on its own thread, at most [`THREAD_AHEAD`]
/// chunks ahead. Errors arrive in order, after the bytes decoded before them; dropping the
/// reader stops the thread (its next hand-over fails).
pub struct Threaded {
    rx: Receiver<io::Result<Vec<u8>>>,
    cur: Vec<u8>,
    pos: usize,
    done: bool,
}

impl Threaded {
    /// Starts decoding `d` on a new thread.
    pub fn spawn<R: Read + Send + 'static>(mut d: Decoder<R>) -> Threaded {
        let (tx, rx) = sync_channel(THREAD_AHEAD);
        std::thread::spawn(move || {
            loop {
                let mut buf = vec![0u8; THREAD_CHUNK];
                let mut n = 0;
                let mut end = false;
                while n < buf.len() {
                    match d.read(&mut buf[n..]) {
                        Ok(0) => {
                            end = true;
                            break;
                        }
                        Ok(k) => n += k,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            buf.truncate(n);
                            if n > 0 && tx.send(Ok(buf)).is_err() {
                                return;
                            }
                            let _ = tx.send(Err(e));
                            return;
                        }
                    }
                }
                buf.truncate(n);
                if n > 0 && tx.send(Ok(buf)).is_err() {
                    return;
                }
                if end {
                    return;
                }
            }
        });
        Threaded { rx, cur: Vec::new(), pos: 0, done: false }
    }
}

impl Read for Threaded {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.pos < self.cur.len() {
                let n = out.len().min(self.cur.len() - self.pos);
                out[..n].copy_from_slice(&self.cur[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            if self.done || out.is_empty() {
                return Ok(0);
            }
            match self.rx.recv() {
                Ok(Ok(buf)) => {
                    self.cur = buf;
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                // The thread ended: the end of the data (a panic there would also end here;
                // the reader then sees the data end early).
                Err(_) => {
                    self.done = true;
                    return Ok(0);
                }
            }
        }
    }
}
