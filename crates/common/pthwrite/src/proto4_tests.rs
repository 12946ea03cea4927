//! Protocol 4 against CPython 3.11's `pickle.dumps(obj, protocol=4)` (expected bytes, or
//! length and CRC-32 for big pickles, made by the Python lines quoted in each test).

use crate::Pickler;

fn one(f: impl FnOnce(&mut Pickler)) -> Vec<u8> {
    let mut p = Pickler::protocol4();
    f(&mut p);
    p.finish().unwrap()
}

fn crc(b: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(b);
    h.finalize()
}

#[test]
fn a_tiny_pickle_has_no_frame() {
    // pickle.dumps(None, 4)
    assert_eq!(one(|p| p.none()), b"\x80\x04N.");
}

/// s = 'abc'; od = collections.OrderedDict
/// [s, s, 'é€😀', None, True, False, 1.5, -0.0, (), (1,), (1, 2, 3), (1, 2, 3, 4), {3, 1, 2},
///  {5}, -1, 300, 70000, 2**40, od(), od([(0, .5)]), od([(0, .5), (1, .25)]), b'', b'a' * 300,
///  'x' * 300]
#[test]
fn every_opcode_matches_cpython() {
    let got = one(|p| {
        p.begin_list(24);
        let s = p.str("abc");
        p.get(s);
        p.str("é€😀");
        p.none();
        p.bool(true);
        p.bool(false);
        p.float(1.5);
        p.float(-0.0);
        for n in [0, 1, 3, 4] {
            p.begin_tuple(n);
            for i in 1..=n {
                p.int(i as i64);
            }
            p.end_tuple();
        }
        for items in [&[1i64, 2, 3][..], &[5]] {
            p.begin_set(items.len());
            for &i in items {
                p.int(i);
            }
            p.end_set();
        }
        for v in [-1, 300, 70000, 1 << 40] {
            p.int(v);
        }
        let mut od = None;
        for n in 0..3usize {
            p.begin_reduce();
            match od {
                None => od = Some(p.global("collections", "OrderedDict")),
                Some(g) => p.get(g),
            }
            p.begin_tuple(0);
            p.end_tuple();
            p.reduce();
            p.begin_items(n);
            for k in 0..n {
                p.int(k as i64);
                p.float([0.5, 0.25][k]);
            }
            p.end_items();
            p.end_reduce();
        }
        p.bytes(b"");
        p.bytes(&[b'a'; 300]);
        p.str(&"x".repeat(300));
        p.end_list();
    });
    let mut want: Vec<u8> = b"\x80\x04\x95!\x03\x00\x00\x00\x00\x00\x00]\x94(\x8c\x03abc\x94h\x01\
\x8c\x09\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x94N\x88\x89G?\xf8\x00\x00\x00\x00\x00\x00\
G\x80\x00\x00\x00\x00\x00\x00\x00)K\x01\x85\x94K\x01K\x02K\x03\x87\x94(K\x01K\x02K\x03K\x04t\x94\
\x8f\x94(K\x01K\x02K\x03\x90\x8f\x94(K\x05\x90J\xff\xff\xff\xffM,\x01Jp\x11\x01\x00\
\x8a\x06\x00\x00\x00\x00\x00\x01\x8c\x0bcollections\x94\x8c\x0bOrderedDict\x94\x93\x94)R\x94\
h\x0a)R\x94K\x00G?\xe0\x00\x00\x00\x00\x00\x00sh\x0a)R\x94(K\x00G?\xe0\x00\x00\x00\x00\x00\x00\
K\x01G?\xd0\x00\x00\x00\x00\x00\x00uC\x00\x94B,\x01\x00\x00"
        .to_vec();
    want.extend([b'a'; 300]);
    want.extend(b"\x94X,\x01\x00\x00");
    want.extend([b'x'; 300]);
    want.extend(b"\x94e.");
    assert_eq!(got, want);
}

/// [str(i) if i % 3 == 0 else i / 7 if i % 3 == 1 else [i, 'k' * (i % 300)]
///  for i in range(30000)]: 27 frames, memo gets past 256 nowhere, BINUNICODE for long keys.
#[test]
fn frames_fall_where_cpython_puts_them() {
    let write = |drain: bool| {
        let mut out = Vec::new();
        let mut p = Pickler::protocol4();
        p.begin_list(30000);
        for i in 0..30000i64 {
            match i % 3 {
                0 => {
                    p.str(&i.to_string());
                }
                1 => p.float(i as f64 / 7.0),
                _ => {
                    p.begin_list(2);
                    p.int(i);
                    p.str(&"k".repeat((i % 300) as usize));
                    p.end_list();
                }
            }
            if drain && i % 1001 == 0 {
                p.drain_into(&mut out).unwrap();
            }
        }
        p.end_list();
        out.extend(p.finish().unwrap());
        out
    };
    let got = write(false);
    assert_eq!((got.len(), crc(&got)), (1_776_026, 1_564_064_193));
    assert_eq!(write(true), got, "draining must not change the bytes");
}

/// ['a', 'z' * 70000, b'q' * 65536, 'b', 'y' * 65535]: payloads of 64 KiB or more go outside
/// the frames.
#[test]
fn big_payloads_bypass_frames() {
    let got = one(|p| {
        p.begin_list(5);
        p.str("a");
        p.str(&"z".repeat(70000));
        p.bytes(&[b'q'; 65536]);
        p.str("b");
        p.str(&"y".repeat(65535));
        p.end_list();
    });
    assert_eq!(&got[..20], b"\x80\x04\x95\x07\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x01a\x94Xp");
    assert_eq!((got.len(), crc(&got)), (201_122, 601_629_899));
}

/// set(range(n)) for n = 1000, 1001, 2000 (a multiple of 1000 ends with an empty group), and
/// OrderedDict((i, [i]) for i in range(1001)).
#[test]
fn sets_and_reduced_items_batch_like_cpython() {
    for (n, len, sum) in [
        (1000usize, 2762usize, 2_337_194_302u32),
        (1001, 2765, 2_019_983_106),
        (2000, 5764, 2_645_490_883),
    ] {
        let got = one(|p| {
            p.begin_set(n);
            for i in 0..n {
                p.int(i as i64);
            }
            p.end_set();
        });
        assert_eq!((got.len(), crc(&got)), (len, sum), "set of {n}");
    }
    let got = one(|p| {
        p.begin_reduce();
        p.global("collections", "OrderedDict");
        p.begin_tuple(0);
        p.end_tuple();
        p.reduce();
        p.begin_items(1001);
        for i in 0..1001 {
            p.int(i);
            p.begin_list(1);
            p.int(i);
            p.end_list();
        }
        p.end_items();
        p.end_reduce();
    });
    assert_eq!((got.len(), crc(&got)), (8545, 206_272_840));
}

#[test]
fn protocol_2_refuses_bytes_and_sets() {
    let mut p = Pickler::new();
    p.bytes(b"x");
    assert!(p.finish().unwrap_err().to_string().contains("bytes need protocol 4"));
    let mut p = Pickler::new();
    p.begin_set(0);
    p.end_set();
    assert!(p.finish().unwrap_err().to_string().contains("sets need protocol 4"));
}
