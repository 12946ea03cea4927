//! The parallel pipeline: one thread frames records (length and data CRC) into batches while
//! hashing the source, two decode batches, and the caller's thread hands the decoded records to
//! a sink in file order.
//!
//! Memory is bounded by the batches in flight ([`BATCHES_IN_FLIGHT`] of about
//! [`BATCH_BYTES`]), whatever the source's size; buffers are recycled, so the steady state
//! allocates nothing.

use std::io::Read;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use sha2::{Digest, Sha256};
use tnb_nb101_record::{Record, RecordError, decode};
use tnb_tfrecord::{Reader, RecordAt};

/// Data bytes after which a batch is closed (records are never split).
pub const BATCH_BYTES: usize = 1 << 21;

/// Batches that may exist at once (being read, queued, decoded or consumed).
pub const BATCHES_IN_FLIGHT: usize = 8;

/// Decoding threads.
pub const DECODERS: usize = 2;

/// One decoded record, its operations string a range of its batch's `ops`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Decoded {
    pub hash: [u8; 16],
    pub epochs: i64,
    pub n: u8,
    pub adjacency: u64,
    pub ops: (u32, u32),
    pub trainable_parameters: i32,
    pub halfway: [f64; 4],
    pub final_: [f64; 4],
}

/// A batch of framed records and, once decoded, what they hold.
#[derive(Default)]
struct Batch {
    seq: u64,
    data: Vec<u8>,
    at: Vec<RecordAt>,
    /// Where each record's data starts in `data`.
    starts: Vec<usize>,
    decoded: Vec<Decoded>,
    ops: String,
    /// The first record that failed to decode (its position in the batch), if any.
    failed: Option<(usize, RecordError)>,
    /// Source bytes read when the batch was closed.
    read: u64,
}

/// What the framing thread sends the consumer once it stops: a framing or read error, or the
/// end with the source's SHA-256 and size; with the number of batches sent before it.
enum Last {
    Framing(tnb_tfrecord::Error),
    End([u8; 32], u64),
}

/// A message to the consumer.
enum Msg {
    Batch(Box<Batch>),
    Last(Last, u64),
}

/// What the consumer is handed for each record.
pub(crate) struct Item<'a> {
    pub at: RecordAt,
    pub rec: &'a Decoded,
    pub ops: &'a str,
}

/// Why the pipeline stopped.
pub(crate) enum Stop<E> {
    /// A framing error (CRC, truncation, length bound) or a read error.
    Framing(tnb_tfrecord::Error),
    /// A record that does not decode.
    Record(RecordAt, RecordError),
    /// The sink's error.
    Sink(E),
}

/// Counts bytes and hashes them as they are read.
struct Hashing<R> {
    inner: R,
    sha: Sha256,
    n: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.sha.update(&buf[..k]);
        self.n += k as u64;
        Ok(k)
    }
}

/// Runs the pipeline over `src` (`total` bytes, for progress), handing every record to `sink`
/// in file order; `progress(read, total)` is called after each batch. Returns the source's
/// SHA-256 and size.
pub(crate) fn run<R, E>(
    src: R,
    total: u64,
    mut sink: impl FnMut(Item<'_>) -> Result<(), E>,
    mut progress: impl FnMut(u64, u64),
) -> Result<([u8; 32], u64), Stop<E>>
where
    R: Read + Send,
{
    let (to_decode, decode_rx) = sync_channel::<Box<Batch>>(BATCHES_IN_FLIGHT);
    let decode_rx = Mutex::new(decode_rx);
    let (to_main, main_rx) = sync_channel::<Msg>(BATCHES_IN_FLIGHT + 1);
    let (free_tx, free_rx) = sync_channel::<Box<Batch>>(BATCHES_IN_FLIGHT);
    for _ in 0..BATCHES_IN_FLIGHT {
        free_tx.send(Box::default()).expect("room for every batch");
    }
    std::thread::scope(|s| {
        let framer_main = to_main.clone();
        s.spawn(move || frame(src, free_rx, to_decode, framer_main));
        for _ in 0..DECODERS {
            let rx = &decode_rx;
            let tx = to_main.clone();
            s.spawn(move || decode_loop(rx, tx));
        }
        drop(to_main);
        let r = consume(&main_rx, &free_tx, total, &mut sink, &mut progress);
        // On an early stop, dropping these unblocks every thread: the framer's wait for a free
        // batch fails, the decoders' sends fail (they then drop what they receive).
        drop(main_rx);
        drop(free_tx);
        r
    })
}

fn consume<E>(
    main_rx: &Receiver<Msg>,
    free_tx: &SyncSender<Box<Batch>>,
    total: u64,
    sink: &mut impl FnMut(Item<'_>) -> Result<(), E>,
    progress: &mut impl FnMut(u64, u64),
) -> Result<([u8; 32], u64), Stop<E>> {
    let mut next = 0u64;
    let mut waiting: Vec<Box<Batch>> = Vec::new();
    let mut last: Option<(Last, u64)> = None;
    loop {
        // Batches come back from the decoders in any order: hand them on in sequence.
        while let Some(i) = waiting.iter().position(|b| b.seq == next) {
            let b = waiting.swap_remove(i);
            for (k, d) in b.decoded.iter().enumerate() {
                let ops = &b.ops[d.ops.0 as usize..d.ops.1 as usize];
                sink(Item { at: b.at[k], rec: d, ops }).map_err(Stop::Sink)?;
            }
            if let Some((k, e)) = &b.failed {
                return Err(Stop::Record(b.at[*k], e.clone()));
            }
            progress(b.read, total);
            next += 1;
            // Never blocks: there are no more batches than the channel's room.
            let _ = free_tx.try_send(b);
        }
        if let Some((_, count)) = &last {
            if next == *count {
                return match last.take().map(|l| l.0) {
                    Some(Last::Framing(e)) => Err(Stop::Framing(e)),
                    Some(Last::End(sha, n)) => Ok((sha, n)),
                    None => unreachable!("checked above"),
                };
            }
        }
        match main_rx.recv() {
            Ok(Msg::Batch(b)) => waiting.push(b),
            Ok(Msg::Last(l, count)) => last = Some((l, count)),
            // Every sender gone before the framer's last word: a thread panicked.
            Err(_) => {
                return Err(Stop::Framing(tnb_tfrecord::Error {
                    index: next,
                    offset: 0,
                    problem: tnb_tfrecord::Problem::Io(std::io::Error::other(
                        "a conversion thread stopped unexpectedly",
                    )),
                }));
            }
        }
    }
}

/// The framing thread: fills batches from the reader and sends them to the decoders; its last
/// word (an error or the end) goes to the consumer with the number of batches before it.
fn frame<R: Read>(
    src: R,
    free_rx: Receiver<Box<Batch>>,
    to_decode: SyncSender<Box<Batch>>,
    to_main: SyncSender<Msg>,
) {
    let mut r = Reader::new(Hashing { inner: src, sha: Sha256::new(), n: 0 });
    let mut seq = 0u64;
    let stop = loop {
        let Ok(mut b) = free_rx.recv() else { return };
        b.seq = seq;
        b.data.clear();
        b.at.clear();
        b.starts.clear();
        let mut stop = None;
        while b.data.len() < BATCH_BYTES {
            let start = b.data.len();
            match r.next_append(&mut b.data) {
                Ok(Some(at)) => {
                    b.at.push(at);
                    b.starts.push(start);
                }
                Ok(None) => {
                    stop = Some(Ok(()));
                    break;
                }
                Err(e) => {
                    b.data.truncate(start);
                    stop = Some(Err(e));
                    break;
                }
            }
        }
        b.read = r.get_ref().n;
        if !b.at.is_empty() {
            seq += 1;
            if to_decode.send(b).is_err() {
                return;
            }
        }
        if let Some(s) = stop {
            break s;
        }
    };
    drop(to_decode);
    let last = match stop {
        Ok(()) => {
            let h = r.into_inner();
            Last::End(h.sha.finalize().into(), h.n)
        }
        Err(e) => Last::Framing(e),
    };
    let _ = to_main.send(Msg::Last(last, seq));
}

/// A decoding thread: decodes whole batches (stopping a batch at its first bad record) until
/// the framer is done; once the consumer is gone, drops what it receives.
fn decode_loop(rx: &Mutex<Receiver<Box<Batch>>>, tx: SyncSender<Msg>) {
    let mut scratch = Vec::with_capacity(1024);
    let mut consumer_gone = false;
    loop {
        let b = match rx.lock() {
            Ok(g) => g.recv(),
            Err(_) => return,
        };
        let Ok(mut b) = b else { return };
        if consumer_gone {
            continue;
        }
        decode_batch(&mut b, &mut scratch);
        consumer_gone = tx.send(Msg::Batch(b)).is_err();
    }
}

fn decode_batch(b: &mut Batch, scratch: &mut Vec<u8>) {
    b.decoded.clear();
    b.ops.clear();
    b.failed = None;
    let Batch { data, at, starts, decoded, ops, failed, .. } = b;
    for (k, a) in at.iter().enumerate() {
        let bytes = &data[starts[k]..starts[k] + a.len as usize];
        match decode(bytes, scratch) {
            Ok(r) => decoded.push(flat(&r, ops)),
            Err(e) => {
                *failed = Some((k, e));
                return;
            }
        }
    }
}

/// The record with its operations appended to `ops`.
fn flat(r: &Record<'_>, ops: &mut String) -> Decoded {
    let start = ops.len() as u32;
    ops.push_str(&r.operations);
    Decoded {
        hash: r.hash,
        epochs: r.epochs,
        n: r.n,
        adjacency: r.adjacency,
        ops: (start, ops.len() as u32),
        trainable_parameters: r.trainable_parameters,
        halfway: r.halfway.to_array(),
        final_: r.final_.to_array(),
    }
}
