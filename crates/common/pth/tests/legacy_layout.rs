//! The legacy format (`crates/common/pth/src/legacy.rs`) laid out by hand: five pickles, then each
//! storage as an int64 element count and its raw bytes. Every storage is found at its exact
//! place (values tell which bytes were read), every framing error has its exact message, and
//! a file that is one pickle followed by anything but a legacy file is refused with what it is.

use tnb_pth::Format;

/// `pickle.dumps(None, protocol=2)`.
const NONE: &[u8] = b"\x80\x02N.";

/// The first three pickles (magic number, protocol version, sys_info), as tnb_pthwrite writes
/// them.
fn head() -> Vec<u8> {
    let full = tnb_pthwrite::save_legacy(Vec::new(), NONE).unwrap();
    // Then NONE and the empty key list `\x80\x02]q\x00.`.
    assert!(full.ends_with(b"\x80\x02N.\x80\x02]q\x00."));
    full[..full.len() - NONE.len() - 6].to_vec()
}

fn text(p: &mut Vec<u8>, s: &str) {
    p.push(b'X');
    p.extend_from_slice(&(s.len() as u32).to_le_bytes());
    p.extend_from_slice(s.as_bytes());
}

/// A 1-d tensor of `n` elements over storage `key` of class `class` (`IntStorage`, ...): the
/// persistent id is `('storage', torch.<class>, key, 'cpu', n, None)`, as torch writes it.
fn tensor(p: &mut Vec<u8>, class: &str, key: &str, n: u8) {
    p.extend_from_slice(b"ctorch._utils\n_rebuild_tensor_v2\n((");
    text(p, "storage");
    p.extend_from_slice(format!("ctorch\n{class}\n").as_bytes());
    text(p, key);
    text(p, "cpu");
    p.extend_from_slice(&[b'K', n, b'N', b't', b'Q', b'K', 0, b'(', b'K', n, b't', b'(', b'K', 1]);
    p.extend_from_slice(b"ttR");
}

/// The object pickle: `[int32 tensor of 3 over 'a', int64 tensor of 2 over 'b']`.
fn object() -> Vec<u8> {
    let mut p = b"\x80\x02](".to_vec();
    tensor(&mut p, "IntStorage", "a", 3);
    tensor(&mut p, "LongStorage", "b", 2);
    p.extend_from_slice(b"e.");
    p
}

/// A storage record: its element count, then the bytes.
fn storage(count: i64, bytes: &[u8]) -> Vec<u8> {
    let mut v = count.to_le_bytes().to_vec();
    v.extend_from_slice(bytes);
    v
}

fn ints32(v: &[i32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn ints64(v: &[i64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The key list pickle `['a', 'b']`.
fn keys(names: &[&str]) -> Vec<u8> {
    let mut p = b"\x80\x02](".to_vec();
    for n in names {
        text(&mut p, n);
    }
    p.extend_from_slice(b"e.");
    p
}

/// head, object, key list, then the storage records.
fn legacy(object: &[u8], keys: &[u8], storages: &[Vec<u8>]) -> Vec<u8> {
    let mut f = head();
    f.extend_from_slice(object);
    f.extend_from_slice(keys);
    for s in storages {
        f.extend_from_slice(s);
    }
    f
}

fn good() -> Vec<u8> {
    legacy(
        &object(),
        &keys(&["a", "b"]),
        &[storage(3, &ints32(&[7, -8, 9])), storage(2, &ints64(&[1 << 40, -5]))],
    )
}

fn json(file: &[u8]) -> String {
    let doc = match tnb_pth::load(file) {
        Ok(d) => d,
        Err(e) => panic!("refused: {e}"),
    };
    assert_eq!(doc.format, Format::Legacy);
    let mut out = Vec::new();
    tnb_pth::write_json(&doc, &mut out).unwrap();
    // write_json ends the document with a newline.
    String::from_utf8(out).unwrap().strip_suffix('\n').unwrap().to_owned()
}

fn error(file: &[u8]) -> String {
    match tnb_pth::load(file) {
        Err(e) => e.to_string(),
        Ok(d) => panic!("the file loaded as {}", d.format.name()),
    }
}

#[test]
fn each_storage_is_read_from_its_own_place() {
    assert_eq!(json(&good()), "[[7, -8, 9], [1099511627776, -5]]");
}

#[test]
fn storages_in_another_order_and_int_keys_refused() {
    // The key list decides the order of the records, not the object pickle.
    let f = legacy(
        &object(),
        &keys(&["b", "a"]),
        &[storage(2, &ints64(&[3, 4])), storage(3, &ints32(&[5, 6, 7]))],
    );
    assert_eq!(json(&f), "[[5, 6, 7], [3, 4]]");
    // An int key: torch's dict keeps 12 and '12' apart, tnb's keys would not; torch writes str
    // keys, and only those are read.
    let mut obj = b"\x80\x02](".to_vec();
    tensor(&mut obj, "IntStorage", "12", 2);
    obj.extend_from_slice(b"e.");
    let f = legacy(&obj, b"\x80\x02]K\x0ca.", &[storage(2, &ints32(&[1, 2]))]);
    assert_eq!(error(&f), "legacy torch file: storage key is a int");
}

#[test]
fn a_storage_may_end_exactly_at_the_end_of_the_file_but_not_after_it() {
    // 'b' claims 3 int64 elements: 24 bytes, the file holds 16.
    let short = legacy(
        &object(),
        &keys(&["a", "b"]),
        &[storage(3, &ints32(&[7, -8, 9])), storage(3, &ints64(&[1, 2]))],
    );
    assert_eq!(
        error(&short),
        "legacy torch file: storage 'b' claims 3 elements; the file is too short"
    );
    // Eight more bytes and it fits the file, but not the object pickle's size of 'b' (2):
    // torch fails ("storage has wrong byte size"), and so does tnb.
    let mut fits = short.clone();
    fits.extend_from_slice(&ints64(&[3]));
    assert_eq!(
        error(&fits),
        "legacy torch file: storage 'b' holds 3 elements but the object pickle sizes it at 2 \
         (torch: storage has wrong byte size)"
    );
    // Ending exactly at the end of the file.
    let exact = legacy(
        &object(),
        &keys(&["a", "b"]),
        &[storage(3, &ints32(&[7, -8, 9])), storage(2, &ints64(&[1, 2]))],
    );
    assert_eq!(json(&exact), "[[7, -8, 9], [1, 2]]");
    // A negative count.
    let f =
        legacy(&object(), &keys(&["a", "b"]), &[storage(-1, &[]), storage(2, &ints64(&[1, 2]))]);
    assert_eq!(
        error(&f),
        "legacy torch file: storage 'a' claims -1 elements; the file is too short"
    );
    // No count at all for 'b'.
    let f = legacy(&object(), &keys(&["a", "b"]), &[storage(3, &ints32(&[7, -8, 9]))]);
    assert_eq!(error(&f), "legacy torch file: file ends before storage 'b'");
}

#[test]
fn every_listed_storage_must_be_used_and_keys_must_be_text_or_int() {
    let f =
        legacy(&object(), &keys(&["a", "c"]), &[storage(3, &ints32(&[7, -8, 9])), storage(0, &[])]);
    assert_eq!(error(&f), "legacy torch file: storage 'c' is listed but no tensor uses it");
    let f = legacy(&object(), b"\x80\x02]G?\xf0\x00\x00\x00\x00\x00\x00a.", &[]);
    assert_eq!(error(&f), "legacy torch file: storage key is a float");
    let f = legacy(&object(), b"\x80\x02}.", &[]);
    assert_eq!(error(&f), "legacy torch file: storage key list is a dict");
}

#[test]
fn the_protocol_version_and_sys_info_are_checked() {
    let h = head();
    // The version pickle is `\x80\x02M\xe9\x03.` (BININT2 1001) right after the magic number.
    let at = h.windows(6).position(|w| w == b"\x80\x02M\xe9\x03.").unwrap();
    let mut f = h.clone();
    f[at + 3] = 0xe8;
    f.extend_from_slice(NONE);
    f.extend_from_slice(&keys(&[]));
    assert_eq!(error(&f), "legacy torch file: protocol version is Int(1000), expected 1001");
    // sys_info replaced by a list.
    let mut f = h[..at + 6].to_vec();
    f.extend_from_slice(b"\x80\x02].");
    f.extend_from_slice(NONE);
    f.extend_from_slice(&keys(&[]));
    assert_eq!(error(&f), "legacy torch file: sys_info is not a dict");
}

/// A pickle of the int whose little-endian two's complement bytes these are (LONG1).
fn long1(le: &[u8]) -> Vec<u8> {
    let mut p = vec![0x80, 2, 0x8a, le.len() as u8];
    p.extend_from_slice(le);
    p.push(b'.');
    p
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn one_pickle_followed_by_more_bytes_must_open_a_legacy_file() {
    // A bare pickle ends where the file ends.
    let doc = tnb_pth::load(b"\x80\x02K\x07.").unwrap();
    assert_eq!(doc.format, Format::Pickle);
    let tail = "bytes follow it (a damaged legacy file, or not a torch file)";
    assert_eq!(
        error(b"\x80\x02K\x07.xyz"),
        format!(
            "legacy torch file: the first pickle is the int 7, not the magic number \
             0x1950a86a20f9469cfc6c, and 3 {tail}"
        )
    );
    assert_eq!(
        error(b"\x80\x02N.x"),
        format!(
            "legacy torch file: the first pickle is not an int, not the magic number \
             0x1950a86a20f9469cfc6c, and 1 {tail}"
        )
    );
    // Ints of 40 digits are shown whole, longer ones cut to 40.
    let mut f = long1(&hex("070000008056655fc4ac438993fe50f002")); // 10^39 + 7
    f.push(0);
    assert_eq!(
        error(&f),
        format!(
            "legacy torch file: the first pickle is the int 1000000000000000000000000000000000000007, \
             not the magic number 0x1950a86a20f9469cfc6c, and 1 {tail}"
        )
    );
    let mut f = long1(&hex("070000000061f5b9abbfa45cc3f129631d")); // 10^40 + 7
    f.extend_from_slice(b"ab");
    assert_eq!(
        error(&f),
        format!(
            "legacy torch file: the first pickle is the int 1000000000000000000000000000000000000000... \
             (41 digits), not the magic number 0x1950a86a20f9469cfc6c, and 2 {tail}"
        )
    );
}
