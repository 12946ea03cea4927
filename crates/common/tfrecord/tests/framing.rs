//! Framing: TensorFlow's bytes, CRC constants, and every kind of damage.

use tnb_tfrecord::{
    MAX_RECORD_LEN, Problem, Reader, Records, is_tfrecord, masked_crc32c, write_record,
};

/// A pure CRC-32C (bitwise, reflected polynomial 0x82F63B78), independent of the crate used.
fn crc32c_bitwise(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0x82F6_3B78 } else { crc >> 1 };
        }
    }
    !crc
}

fn file_of(records: &[&[u8]]) -> Vec<u8> {
    let mut f = Vec::new();
    for r in records {
        write_record(&mut f, r).unwrap();
    }
    f
}

/// Reads every record of `f` with the streaming reader; returns the data or the error line.
fn stream_all(f: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut r = Reader::new(f);
    let mut out = Vec::new();
    let mut buf = Vec::new();
    assert_eq!(r.records(), 0);
    while let Some(at) = r.next_into(&mut buf).map_err(|e| e.to_string())? {
        assert_eq!(at.index as usize, out.len());
        assert_eq!(at.len as usize, buf.len());
        out.push(buf.clone());
        // The count of records read so far, which names the record of a later error.
        assert_eq!(r.records(), out.len() as u64);
    }
    assert_eq!(r.position(), f.len() as u64);
    Ok(out)
}

fn slice_all(f: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    Records::new(f).map(|r| r.map(|(_, d)| d.to_vec()).map_err(|e| e.to_string())).collect()
}

#[test]
fn crc32c_matches_the_standard_check_value_and_tensorflow_masking() {
    // The CRC-32C catalogue's check value.
    assert_eq!(crc32c::crc32c(b"123456789"), 0xE306_9283);
    assert_eq!(crc32c_bitwise(b"123456789"), 0xE306_9283);
    // Masking as TensorFlow's crc32c::Mask: rotate right 15, add kMaskDelta.
    // ((0xE3069283 >> 15) | (0xE3069283 << 17)) + 0xa282ead8 mod 2^32, worked out in Python.
    assert_eq!(masked_crc32c(b"123456789"), 0xC78A_B0E5);
    // Values computed with the bitwise CRC above for lengths TensorFlow writes.
    for len in [0u64, 1, 5, 400, 16 << 20] {
        let b = len.to_le_bytes();
        let c = crc32c_bitwise(&b);
        assert_eq!(masked_crc32c(&b), c.rotate_right(15).wrapping_add(0xa282_ead8));
    }
}

#[test]
fn a_record_is_framed_as_tensorflow_writes_it() {
    let f = file_of(&[b"abc"]);
    // TensorFlow's framing (core/lib/io/record_writer.cc), spelled out for b"abc":
    // length 3, masked CRC of the length, data, masked CRC of the data.
    let mut want = 3u64.to_le_bytes().to_vec();
    want.extend_from_slice(&masked_crc32c(&3u64.to_le_bytes()).to_le_bytes());
    want.extend_from_slice(b"abc");
    want.extend_from_slice(&masked_crc32c(b"abc").to_le_bytes());
    assert_eq!(f, want);
    assert_eq!(f.len(), 12 + 3 + 4);
    // Masked CRC of an empty record's length, a constant any TFRecord file with an empty
    // record shows: independent bitwise computation.
    let z = crc32c_bitwise(&[0; 8]);
    assert_eq!(&f[8..12], &masked_crc32c(&3u64.to_le_bytes()).to_le_bytes());
    assert_eq!(masked_crc32c(&[0; 8]), z.rotate_right(15).wrapping_add(0xa282_ead8));
}

#[test]
fn both_readers_read_what_was_written() {
    let big = vec![7u8; 3 << 20]; // larger than the reader's buffer
    let recs: Vec<&[u8]> = vec![b"", b"x", &big, b"tail", &big[..1 << 20]];
    let f = file_of(&recs);
    let want: Vec<Vec<u8>> = recs.iter().map(|r| r.to_vec()).collect();
    assert_eq!(stream_all(&f).unwrap(), want);
    assert_eq!(slice_all(&f).unwrap(), want);
    assert!(is_tfrecord(&f));
    assert_eq!(stream_all(&[]).unwrap(), Vec::<Vec<u8>>::new());
}

#[test]
fn a_reader_fed_one_byte_at_a_time_reads_the_same() {
    struct Trickle<'a>(&'a [u8]);
    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let Some((&b, rest)) = self.0.split_first() else { return Ok(0) };
            if out.is_empty() {
                return Ok(0);
            }
            out[0] = b;
            self.0 = rest;
            Ok(1)
        }
    }
    let f = file_of(&[b"one", b"", b"three"]);
    let mut r = Reader::new(Trickle(&f));
    let mut buf = Vec::new();
    let mut got = Vec::new();
    while let Some(at) = r.next_append(&mut buf).unwrap() {
        got.push(at);
    }
    assert_eq!(buf, b"onethree");
    assert_eq!(got.iter().map(|a| a.offset).collect::<Vec<_>>(), [0, 19, 35]);
    assert_eq!(got[2].end(), f.len() as u64);
}

#[test]
fn truncation_at_every_offset_is_an_error_naming_the_record() {
    let f = file_of(&[b"first", b"second record", b""]);
    let starts = [0usize, 21, 21 + 29];
    let lens = [5usize, 13, 0];
    for cut in 0..f.len() {
        let part = &f[..cut];
        let whole = starts.contains(&cut);
        for got in [stream_all(part), slice_all(part)] {
            if whole {
                let n = starts.iter().position(|&s| s == cut).unwrap();
                assert_eq!(got.unwrap().len(), n, "cut {cut}");
            } else {
                let e = got.unwrap_err();
                let rec = starts.iter().rposition(|&s| s <= cut).unwrap();
                // Which part of the record the file ends in: the 12-byte header, the data,
                // or the 4-byte CRC after it (the data read whole).
                let (off, len) = (cut - starts[rec], lens[rec]);
                let what = if off < 12 {
                    format!("{off} bytes into the 12-byte length header")
                } else if off < 12 + len {
                    format!("{} bytes into {len} bytes of data", off - 12)
                } else {
                    format!("{} bytes into the 4-byte data CRC", off - 12 - len)
                };
                let want = format!(
                    "record {rec} at byte {}: truncated: the file ends {what}",
                    starts[rec]
                );
                assert_eq!(e, want, "cut {cut}");
            }
        }
    }
}

#[test]
fn every_bit_flip_is_caught() {
    let f = file_of(&[b"payload one", b"two"]);
    for i in 0..f.len() * 8 {
        let mut g = f.clone();
        g[i / 8] ^= 1 << (i % 8);
        for got in [stream_all(&g), slice_all(&g)] {
            let e = got.expect_err("a flipped bit must not pass");
            assert!(e.contains("CRC-32C mismatch") || e.contains("over the limit"), "bit {i}: {e}");
            assert!(!e.contains('\n'));
        }
    }
}

/// A record header claiming `len` bytes, with a correct length CRC.
fn header(len: u64) -> Vec<u8> {
    let mut h = len.to_le_bytes().to_vec();
    h.extend_from_slice(&masked_crc32c(&len.to_le_bytes()).to_le_bytes());
    h
}

#[test]
fn huge_lengths_are_refused_before_any_allocation() {
    for len in [MAX_RECORD_LEN + 1, 1 << 40, 1 << 63, u64::MAX] {
        let mut f = file_of(&[b"ok"]);
        f.extend_from_slice(&header(len));
        for got in [stream_all(&f), slice_all(&f)] {
            let e = got.unwrap_err();
            assert_eq!(
                e,
                format!(
                    "record 1 at byte 18: length {len} is over the limit of {MAX_RECORD_LEN} bytes \
                     per record"
                )
            );
        }
        assert!(!is_tfrecord(&header(len)));
    }
    // Exactly the limit is read (it is truncated here: nothing follows).
    let e = stream_all(&header(MAX_RECORD_LEN)).unwrap_err();
    assert!(e.contains("truncated: the file ends 0 bytes into 16777216 bytes of data"), "{e}");
}

#[test]
fn a_length_whose_crc_does_not_match_is_never_used() {
    let mut f = (1u64 << 62).to_le_bytes().to_vec();
    f.extend_from_slice(&[0, 0, 0, 0]);
    let e = stream_all(&f).unwrap_err();
    assert!(e.starts_with("record 0 at byte 0: length CRC-32C mismatch (stored 0x00000000"), "{e}");
    assert!(!is_tfrecord(&f));
    assert!(!is_tfrecord(b"short"));
    assert!(!is_tfrecord(b"\x80\x02}q\x00(X\x04\x00\x00\x00meta"));
}

#[test]
fn data_crc_mismatch_reports_both_values() {
    let mut f = file_of(&[b"abc"]);
    let n = f.len();
    f[n - 1] ^= 0xff;
    let e = slice_all(&f).unwrap_err();
    let stored = u32::from_le_bytes(f[n - 4..].try_into().unwrap());
    assert_eq!(
        e,
        format!(
            "record 0 at byte 0: data CRC-32C mismatch (stored 0x{stored:08x}, computed 0x{:08x}): \
             corrupted",
            masked_crc32c(b"abc")
        )
    );
    match Reader::new(&f[..]).next_into(&mut Vec::new()).unwrap_err().problem {
        Problem::DataCrc { computed, .. } => assert_eq!(computed, masked_crc32c(b"abc")),
        p => panic!("{p:?}"),
    }
}
