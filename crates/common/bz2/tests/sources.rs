//! The decoder over sources that do not hand over their bytes in one piece: interrupted reads
//! (retried, as `std::io::Read` asks), failing reads (returned once, as the source's error),
//! one byte per read (no call may be counted as stuck while input is consumed), empty output
//! buffers; and every error's one-line message and `std::io` kind.

use std::io::{self, Read, Write};

use tnb_bz2::{Decoder, Error, ErrorKind, Threaded, decompress};

fn compress(data: &[u8]) -> Vec<u8> {
    let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// Pseudo-random letters (a linear congruential sequence), so that the compressed stream is
/// about as long as a third of the data, not a few bytes.
fn text(n: usize) -> Vec<u8> {
    let mut x = 12345u64;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            b"abcdefghij"[(x >> 33) as usize % 10]
        })
        .collect()
}

/// A source that gives at most `chunk` bytes per read and, before the reads listed in `hiccup`
/// (counted from 0), returns `hiccup_kind` once instead of data.
struct Source {
    data: Vec<u8>,
    pos: usize,
    chunk: usize,
    calls: usize,
    hiccup: Vec<usize>,
    hiccup_kind: io::ErrorKind,
}

impl Source {
    fn new(data: Vec<u8>, chunk: usize) -> Source {
        Source {
            data,
            pos: 0,
            chunk,
            calls: 0,
            hiccup: Vec::new(),
            hiccup_kind: io::ErrorKind::Other,
        }
    }
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let call = self.calls;
        self.calls += 1;
        if self.hiccup.contains(&call) {
            return Err(io::Error::new(self.hiccup_kind, "the source hiccuped"));
        }
        let n = buf.len().min(self.chunk).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[test]
fn interrupted_reads_of_the_source_are_retried() {
    let data = text(50_000);
    let packed = compress(&data);
    let mut src = Source::new(packed.clone(), 1000);
    // Interrupted before the very first read, between chunks, and before the final `Ok(0)`.
    src.hiccup = (0..packed.len() / 1000 + 3).map(|i| 2 * i).collect();
    src.hiccup_kind = io::ErrorKind::Interrupted;
    let mut d = Decoder::new(src, 1 << 20);
    let mut got = Vec::new();
    d.read_to_end(&mut got).unwrap();
    assert_eq!(got, data);
    assert_eq!(d.consumed(), packed.len() as u64);
    assert_eq!(d.decoded(), data.len() as u64);
}

#[test]
fn a_failing_read_of_the_source_is_the_error_not_retried() {
    let data = text(20_000);
    let packed = compress(&data);
    assert!(packed.len() > 5000, "{}", packed.len());
    // The third read fails; the source would give the rest afterwards, but the decoder must
    // report the failure rather than read on as if nothing happened.
    let mut src = Source::new(packed, 500);
    src.hiccup = vec![2];
    let mut d = Decoder::new(src, 1 << 20).named("f.pbz2");
    let mut got = Vec::new();
    let e = d.read_to_end(&mut got).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::Other);
    let e = Error::from_io(e);
    assert_eq!(e.file.as_deref(), Some("f.pbz2"));
    assert!(matches!(&e.kind, ErrorKind::Io(inner) if inner.to_string() == "the source hiccuped"));
    assert_eq!(e.to_string(), "f.pbz2: read error: the source hiccuped");
    // Only the 1000 bytes read before it were consumed; reading again is an error again.
    assert_eq!(d.consumed(), 1000);
    let again = d.read(&mut [0u8; 10]).unwrap_err();
    assert_eq!(Error::from_io(again).to_string(), "f.pbz2: read error: read again after an error");
}

#[test]
fn one_byte_per_read_is_progress_not_a_stuck_decoder() {
    // Each byte of the header and tables is consumed by a call that produces nothing: those
    // calls are not idle ones, however many there are in a row.
    for data in [text(30_000), b"x".to_vec(), Vec::new()] {
        let packed = compress(&data);
        let two = [packed.clone(), packed.clone()].concat();
        let mut d = Decoder::new(Source::new(two.clone(), 1), 1 << 20);
        let mut got = Vec::new();
        d.read_to_end(&mut got).unwrap();
        assert_eq!(got, [data.clone(), data.clone()].concat());
        assert_eq!(d.consumed(), two.len() as u64);
    }
}

#[test]
fn an_empty_buffer_reads_nothing_and_consumes_nothing() {
    let data = text(5000);
    let packed = compress(&data);
    let mut d = Decoder::new(&packed[..], 1 << 20);
    assert_eq!(d.read(&mut []).unwrap(), 0);
    assert_eq!((d.consumed(), d.decoded()), (0, 0));
    let mut first = [0u8; 100];
    assert_eq!(d.read(&mut first).unwrap(), 100);
    assert_eq!(first[..], data[..100]);
    assert_eq!(d.read(&mut []).unwrap(), 0);
    assert_eq!(d.decoded(), 100);
    let mut rest = Vec::new();
    d.read_to_end(&mut rest).unwrap();
    assert_eq!(rest, data[100..]);
    // Even on data that is not bz2: an empty read is not a decode.
    let mut d = Decoder::new(&b"not bz2 at all"[..], 100);
    assert_eq!(d.read(&mut []).unwrap(), 0);
    let e = Error::from_io(d.read(&mut [0u8; 4]).unwrap_err());
    assert!(matches!(e.kind, ErrorKind::NotBz2), "{e}");
}

#[test]
fn a_threaded_empty_read_does_not_wait_for_nor_take_the_next_chunk() {
    // The thread's first message is an error; an empty read must not pick it up (it returns
    // `Ok(0)` at once), and the next real read returns it.
    let mut t = Threaded::spawn(Decoder::new(io::Cursor::new(b"not bz2 at all".to_vec()), 100));
    assert_eq!(t.read(&mut []).unwrap(), 0);
    let e = Error::from_io(t.read(&mut [0u8; 4]).unwrap_err());
    assert!(matches!(e.kind, ErrorKind::NotBz2), "{e}");
    // After the error, the end.
    assert_eq!(t.read(&mut [0u8; 4]).unwrap(), 0);
    // With data: an empty read in the middle changes nothing.
    let data = text(3000);
    let mut t = Threaded::spawn(Decoder::new(io::Cursor::new(compress(&data)), 1 << 20));
    assert_eq!(t.read(&mut []).unwrap(), 0);
    let mut head = [0u8; 10];
    t.read_exact(&mut head).unwrap();
    assert_eq!(t.read(&mut []).unwrap(), 0);
    let mut rest = Vec::new();
    t.read_to_end(&mut rest).unwrap();
    assert_eq!([&head[..], &rest[..]].concat(), data);
    assert_eq!(t.read(&mut []).unwrap(), 0);
}

#[test]
fn every_error_is_one_line_with_its_io_kind() {
    let cases: [(ErrorKind, &str, io::ErrorKind); 8] = [
        (
            ErrorKind::TooLarge { limit: 77 },
            "the bz2 data expands beyond 77 bytes, the limit for this kind of file (refused: a bz2 \
             bomb, or not a file of this kind)",
            io::ErrorKind::InvalidData,
        ),
        (ErrorKind::Empty, "empty file (no bz2 data)", io::ErrorKind::InvalidData),
        (
            ErrorKind::NotBz2,
            "not bz2 data (a bz2 file starts with 'BZh1' to 'BZh9'; was it decompressed already?)",
            io::ErrorKind::InvalidData,
        ),
        (
            ErrorKind::Truncated { at: 12 },
            "truncated bz2 data: the input ends after 12 bytes inside a bz2 stream (an incomplete \
             download or copy?)",
            io::ErrorKind::UnexpectedEof,
        ),
        (
            ErrorKind::Corrupt { at: 34 },
            "corrupt bz2 data (a checksum or block header does not match, at or before compressed \
             byte 34)",
            io::ErrorKind::InvalidData,
        ),
        (
            ErrorKind::OutOfMemory { bytes: 0 },
            "out of memory while decoding bz2 data",
            io::ErrorKind::OutOfMemory,
        ),
        (
            ErrorKind::OutOfMemory { bytes: 56 },
            "out of memory while decoding bz2 data (56 bytes asked)",
            io::ErrorKind::OutOfMemory,
        ),
        (
            ErrorKind::Io(io::Error::new(io::ErrorKind::PermissionDenied, "no")),
            "read error: no",
            io::ErrorKind::PermissionDenied,
        ),
    ];
    for (kind, line, io_kind) in cases {
        let e = Error { file: None, kind };
        assert_eq!(e.to_string(), line);
        assert_eq!(e.kind.to_string(), line);
        let named = e.named("a/b.pbz2");
        assert_eq!(named.to_string(), format!("a/b.pbz2: {line}"));
        // Through `std::io::Error` and back, the same error.
        let io = named.into_io();
        assert_eq!(io.kind(), io_kind, "{line}");
        assert_eq!(io.to_string(), format!("a/b.pbz2: {line}"));
        let back = Error::from_io(io);
        assert_eq!(back.file.as_deref(), Some("a/b.pbz2"));
        assert_eq!(back.to_string(), format!("a/b.pbz2: {line}"));
    }
    // Any other I/O error becomes `Io`, unnamed; so does one wrapping some other error type.
    let e = Error::from_io(io::Error::new(io::ErrorKind::NotFound, "gone"));
    assert!(e.file.is_none());
    assert!(matches!(&e.kind, ErrorKind::Io(i) if i.kind() == io::ErrorKind::NotFound));
    assert_eq!(e.to_string(), "read error: gone");
    let e = Error::from_io(io::Error::from(io::ErrorKind::BrokenPipe));
    assert!(matches!(&e.kind, ErrorKind::Io(i) if i.kind() == io::ErrorKind::BrokenPipe));
    // The errors `decompress` returns carry the same kinds.
    let e = decompress(b"BZh9", 10).unwrap_err();
    assert_eq!(
        e.to_string(),
        "truncated bz2 data: the input ends after 4 bytes inside a bz2 stream (an incomplete download or copy?)"
    );
    let e = decompress(&compress(b"0123456789a"), 10).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::TooLarge { limit: 10 }));
}
