//! tnb-bz2 on the real NATS-Bench samples and on hostile input: truncation at many offsets, bit
//! flips (never a panic), bombs (refused at the limit, streamed in constant memory), several
//! streams and trailing bytes as Python's `bz2.BZ2File` reads them.
//!
//! `tests/data/zeros-300MiB.bz2` (242 bytes) was made by
//! `python3 -c "import bz2; open('zeros-300MiB.bz2','wb').write(bz2.compress(b'\0'*(300<<20), 9))"`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use tnb_bz2::{Decoder, ErrorKind, MAX_ARCH_PICKLE, decompress, decompress_file};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data/nats/samples")
}

/// The eight samples and their decoded sizes (data/nats/samples/SOURCE.md).
const SAMPLES: [(&str, usize); 8] = [
    ("NATS-sss-v1_0-50262-simple/000000.pickle.pbz2", 83905),
    ("NATS-sss-v1_0-50262-simple/000011.pickle.pbz2", 83907),
    ("NATS-sss-v1_0-50262-simple/000284.pickle.pbz2", 83911),
    ("NATS-sss-v1_0-50262-simple/meta.pickle.pbz2", 536798),
    ("NATS-tss-v1_0-3ffb9-simple/000000.pickle.pbz2", 325810),
    ("NATS-tss-v1_0-3ffb9-simple/000011.pickle.pbz2", 325802),
    ("NATS-tss-v1_0-3ffb9-simple/000284.pickle.pbz2", 325796),
    ("NATS-tss-v1_0-3ffb9-simple/meta.pickle.pbz2", 1381555),
];

fn compress(data: &[u8]) -> Vec<u8> {
    let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn kind(r: Result<Vec<u8>, tnb_bz2::Error>) -> ErrorKind {
    let e = r.expect_err("must be refused");
    let line = e.to_string();
    assert!(!line.contains('\n') && !line.is_empty(), "{line}");
    e.kind
}

#[test]
fn the_samples_decode_to_their_pickles_in_one_go_and_streamed() {
    for (name, size) in SAMPLES {
        let path = samples().join(name);
        let whole = decompress_file(&path, MAX_ARCH_PICKLE).unwrap();
        assert_eq!(whole.len(), size, "{name}");
        // Protocol 4 with a frame, ending in STOP.
        assert_eq!(&whole[..3], b"\x80\x04\x95", "{name}");
        assert_eq!(whole.last(), Some(&b'.'), "{name}");
        // Streamed through odd-sized reads.
        let file = std::fs::File::open(&path).unwrap();
        let mut d = Decoder::new(file, MAX_ARCH_PICKLE).named(name);
        let mut got = Vec::new();
        let mut buf = [0u8; 7777];
        loop {
            let n = d.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, whole, "{name}");
        assert_eq!(d.decoded(), size as u64);
        assert_eq!(d.consumed(), std::fs::metadata(&path).unwrap().len());
        // Exactly at the limit it passes; one byte under, it is refused.
        assert_eq!(decompress_file(&path, size as u64).unwrap().len(), size);
        let e = decompress_file(&path, size as u64 - 1).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::TooLarge { .. }), "{e}");
        assert!(e.to_string().starts_with(&path.display().to_string()), "{e}");
    }
}

#[test]
fn truncated_data_is_refused_at_every_offset() {
    let packed = std::fs::read(samples().join(SAMPLES[1].0)).unwrap();
    let mut cuts: Vec<usize> = (0..packed.len()).step_by(61).collect();
    cuts.extend(packed.len() - 12..packed.len());
    for cut in cuts {
        let k = kind(decompress(&packed[..cut], MAX_ARCH_PICKLE));
        if cut == 0 {
            assert!(matches!(k, ErrorKind::Empty), "{cut}: {k}");
        } else {
            assert!(matches!(k, ErrorKind::Truncated { at } if at == cut as u64), "{cut}: {k}");
        }
    }
    // Named, through a file and through `Read`.
    let dir = tempdir("truncated");
    let p = dir.join("000011.pickle.pbz2");
    std::fs::write(&p, &packed[..packed.len() / 2]).unwrap();
    let e = decompress_file(&p, MAX_ARCH_PICKLE).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: truncated bz2 data: the input ends after {} bytes inside a bz2 stream (an \
             incomplete download or copy?)",
            p.display(),
            packed.len() / 2
        )
    );
    let mut sink = Vec::new();
    let io = Decoder::new(&packed[..100], MAX_ARCH_PICKLE)
        .named("x.pbz2")
        .read_to_end(&mut sink)
        .unwrap_err();
    assert_eq!(io.kind(), std::io::ErrorKind::UnexpectedEof);
    let e = tnb_bz2::Error::from_io(io);
    assert_eq!(e.file.as_deref(), Some("x.pbz2"));
    assert!(matches!(e.kind, ErrorKind::Truncated { at: 100 }));
}

#[test]
fn bit_flips_never_panic_and_never_pass_as_other_data() {
    let packed = std::fs::read(samples().join(SAMPLES[0].0)).unwrap();
    let want = decompress(&packed, MAX_ARCH_PICKLE).unwrap();
    let mut refused = 0;
    let mut positions: Vec<usize> = (0..packed.len()).step_by(37).collect();
    positions.extend(0..16);
    positions.extend(packed.len() - 16..packed.len());
    for (i, &at) in positions.iter().enumerate() {
        let mut bad = packed.clone();
        bad[at] ^= 1 << (i % 8);
        match decompress(&bad, MAX_ARCH_PICKLE) {
            // A flip in the last byte's padding bits changes nothing.
            Ok(v) => assert_eq!(v, want, "flip at {at} decoded to other data"),
            Err(e) => {
                assert!(!e.to_string().contains('\n'), "{e}");
                assert!(!matches!(e.kind, ErrorKind::Io(_)), "{e}");
                refused += 1;
            }
        }
    }
    assert!(refused > positions.len() * 9 / 10, "{refused} of {}", positions.len());
    // The signature damaged: not bz2.
    let mut bad = packed.clone();
    bad[0] = b'b';
    assert!(matches!(kind(decompress(&bad, MAX_ARCH_PICKLE)), ErrorKind::NotBz2));
}

#[test]
fn a_bomb_is_refused_at_the_limit_in_bounded_memory() {
    // 242 bytes that expand to 300 MiB, past MAX_ARCH_PICKLE (256 MiB).
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/zeros-300MiB.bz2");
    let packed = std::fs::read(&path).unwrap();
    assert!(packed.len() < 1024);
    let e = decompress_file(&path, MAX_ARCH_PICKLE).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::TooLarge { limit: MAX_ARCH_PICKLE }), "{e}");
    assert!(e.to_string().starts_with(&path.display().to_string()), "{e}");
    assert!(e.to_string().contains("bz2 bomb"), "{e}");
    // Streamed: a fixed buffer; exactly `limit` bytes come out before the refusal.
    let mut d = Decoder::new(&packed[..], MAX_ARCH_PICKLE);
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    let err = loop {
        match d.read(&mut buf) {
            Ok(0) => panic!("the bomb decoded to its end"),
            Ok(n) => total += n as u64,
            Err(e) => break e,
        }
    };
    assert_eq!(total, MAX_ARCH_PICKLE);
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    // Reading again after the error is an error, not more data.
    assert!(d.read(&mut buf).is_err());
    // A bomb made of many streams (a few KB).
    let one = compress(&vec![0u8; 1 << 20]);
    let many: Vec<u8> = one.iter().copied().cycle().take(one.len() * 300).collect();
    assert!(many.len() < 32 << 10, "{}", many.len());
    // (The limit counts across streams: 5.5 of the 1 MiB streams pass it.)
    let mut d = Decoder::new(&many[..], (11 << 20) / 2);
    let mut total = 0u64;
    while let Ok(n) = d.read(&mut buf) {
        assert!(n > 0, "the bomb decoded to its end");
        total += n as u64;
    }
    assert_eq!(total, (11 << 20) / 2);
    assert_eq!(d.consumed() as usize / one.len(), 5);
    let k = kind(decompress(&many, 1000));
    assert!(matches!(k, ErrorKind::TooLarge { limit: 1000 }), "{k}");
}

#[test]
fn several_streams_and_trailing_bytes_read_as_python_reads_them() {
    let (a, b) = (compress(b"hello "), compress(b"world"));
    let both = [a.clone(), b.clone()].concat();
    assert_eq!(decompress(&both, 100).unwrap(), b"hello world");
    // The limit counts across streams.
    assert!(matches!(kind(decompress(&both, 10)), ErrorKind::TooLarge { limit: 10 }));
    // Bytes after a stream that are not a stream: ignored (Python's trailing-data rule).
    let trailing = [a.clone(), b"garbage!".to_vec()].concat();
    assert_eq!(decompress(&trailing, 100).unwrap(), b"hello ");
    // ... but a stream signature followed by junk, or cut short, is an error.
    let k = kind(decompress(&[a.clone(), b"BZh9junkjunkjunk".to_vec()].concat(), 100));
    assert!(matches!(k, ErrorKind::Corrupt { .. }), "{k}");
    let k = kind(decompress(&[a.clone(), b"BZ".to_vec()].concat(), 100));
    assert!(matches!(k, ErrorKind::Truncated { .. }), "{k}");
    // A second stream cut short.
    let k = kind(decompress(&both[..both.len() - 5], 100));
    assert!(matches!(k, ErrorKind::Truncated { .. }), "{k}");
    // Not bz2 at all (a bare pickle), empty.
    let k = kind(decompress(b"\x80\x04N.", 100));
    assert!(matches!(k, ErrorKind::NotBz2), "{k}");
    assert!(matches!(kind(decompress(b"", 100)), ErrorKind::Empty));
    // An empty stream decodes to nothing.
    assert_eq!(decompress(&compress(b""), 100).unwrap(), b"");
    // Python agrees on the trailing bytes, when python3 is here (an independent check).
    let script =
        "import bz2, sys; d = sys.stdin.buffer.read(); sys.stdout.buffer.write(bz2.decompress(d))";
    if let Ok(mut child) = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
    {
        child.stdin.take().unwrap().write_all(&trailing).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        assert_eq!(out.stdout, b"hello ");
    }
}

#[test]
fn missing_files_are_named() {
    let p = Path::new("/nonexistent/dir/000001.pickle.pbz2");
    let e = decompress_file(p, MAX_ARCH_PICKLE).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Io(_)));
    assert!(e.to_string().starts_with("/nonexistent/dir/000001.pickle.pbz2: read error: "), "{e}");
}

fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tnb-bz2-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
