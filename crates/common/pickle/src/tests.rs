//! Machine-level tests on hand-made and CPython-made pickles (bytes from CPython 3.11).

use crate::{Arena, ErrorKind, Hooks, Kind, Limits, PlainData, Ref, Value, parse};

/// A compact Python-like rendering, to compare whole objects.
fn render(a: &Arena<'_>, r: Ref) -> String {
    match a.get(r) {
        Value::None => "None".into(),
        Value::Bool(b) => if b { "True" } else { "False" }.into(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Scalar(s) => format!("{}({:?})", s.dtype.name(), s.number()),
        Value::Str(s) => format!("{s:?}"),
        Value::Bytes(b) => format!("b{b:?}"),
        Value::BigInt(b) => format!("{}L", crate::big_int_text(b).unwrap()),
        Value::Container(Kind::Dict, c) => {
            let items: Vec<String> =
                c.pairs().map(|(k, v)| format!("{}: {}", render(a, k), render(a, v))).collect();
            format!("{{{}}}", items.join(", "))
        }
        Value::Container(k, c) => {
            let items: Vec<String> = c.iter().map(|x| render(a, x)).collect();
            let (o, e) = match k {
                Kind::Tuple => ("(", ")"),
                Kind::Set => ("set(", ")"),
                Kind::FrozenSet => ("frozenset(", ")"),
                _ => ("[", "]"),
            };
            format!("{o}{}{e}", items.join(", "))
        }
        Value::Global(c) => format!("<global {c}>"),
        Value::Object { class, .. } => format!("<object {class}>"),
    }
}

fn load(b: &[u8]) -> String {
    let p = parse(b, &mut PlainData, &Limits::default()).unwrap();
    assert_eq!(p.end, b.len());
    render(&p.arena, p.root)
}

fn fail(b: &[u8]) -> crate::Error {
    parse(b, &mut PlainData, &Limits::default()).unwrap_err()
}

const WANT: &str = r#"{"a": [1, 2.5, None, True, (1, "x")], "é": -3, "big": 1099511627776}"#;

#[test]
fn protocol_0_text_opcodes() {
    let b = b"(dp0\nVa\np1\n(lp2\nI1\naF2.5\naNaI01\na(I1\nVx\np3\ntp4\nasV\xe9\np5\nI-3\nsVbig\np6\nL1099511627776L\ns.";
    assert_eq!(load(b), WANT);
}

#[test]
fn protocol_1_binary_opcodes() {
    let b = b"}q\x00(X\x01\x00\x00\x00aq\x01]q\x02(K\x01G@\x04\x00\x00\x00\x00\x00\x00NI01\n(K\x01X\x01\x00\x00\x00xq\x03tq\x04eX\x02\x00\x00\x00\xc3\xa9q\x05J\xfd\xff\xff\xffX\x03\x00\x00\x00bigq\x06L1099511627776L\nu.";
    assert_eq!(load(b), WANT);
}

#[test]
fn protocol_4_frames_memoize_and_sets() {
    let b = b"\x80\x04\x95I\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x01a\x94]\x94(K\x01G@\x04\x00\x00\x00\x00\x00\x00N\x88K\x01\x8c\x01x\x94\x86\x94e\x8c\x02\xc3\xa9\x94J\xfd\xff\xff\xff\x8c\x03big\x94\x8a\x06\x00\x00\x00\x00\x00\x01\x8c\x01s\x94(K\x03\x91\x94\x8c\x01e\x94\x8f\x94u.";
    assert_eq!(
        load(b),
        r#"{"a": [1, 2.5, None, True, (1, "x")], "é": -3, "big": 1099511627776, "s": frozenset(3), "e": set()}"#
    );
}

#[test]
fn repeated_keys_keep_first_position_and_last_value() {
    // {1: 'a', 'k': 0, 1.0: 'b', True: 'c'} assembled by hand: Python gives {1: 'c', 'k': 0}.
    let b = b"\x80\x02}(K\x01X\x01\x00\x00\x00aX\x01\x00\x00\x00kK\x00G?\xf0\x00\x00\x00\x00\x00\x00X\x01\x00\x00\x00b\x88X\x01\x00\x00\x00cu.";
    assert_eq!(load(b), r#"{1: "c", "k": 0}"#);
}

#[test]
fn repeated_keys_in_a_large_dict_use_the_hashed_path() {
    let mut b = b"\x80\x02}(".to_vec();
    for round in 0..2u8 {
        for k in 0..20u8 {
            b.extend_from_slice(&[b'K', k, b'K', k + round * 100]);
        }
    }
    b.extend_from_slice(b"u.");
    let p = parse(&b, &mut PlainData, &Limits::default()).unwrap();
    let kv = p.arena.children(p.root);
    assert_eq!(kv.len(), 40);
    assert_eq!(p.arena.get(kv.get(1).unwrap()), Value::Int(100));
    assert_eq!(p.arena.get(kv.get(39).unwrap()), Value::Int(119));
}

#[test]
fn distinct_nan_objects_are_distinct_keys_but_one_nan_object_is_one_key() {
    // {nan1: 1, nan2: 2} then the memoised nan1 again.
    let nan = b"G\x7f\xf8\x00\x00\x00\x00\x00\x00";
    let mut b = b"\x80\x02}(".to_vec();
    b.extend_from_slice(nan);
    b.extend_from_slice(b"q\x00K\x01");
    b.extend_from_slice(nan);
    b.extend_from_slice(b"K\x02h\x00K\x03u.");
    assert_eq!(load(&b), "{NaN: 3, NaN: 2}");
}

#[test]
fn shared_lists_stay_shared() {
    let b = b"\x80\x02]q\x00(]q\x01X\x03\x00\x00\x00abcq\x02ah\x01h\x02e.";
    let p = parse(b, &mut PlainData, &Limits::default()).unwrap();
    let c = p.arena.children(p.root);
    assert_eq!(c.get(0).unwrap(), c.get(1).unwrap());
    assert_eq!(render(&p.arena, p.root), r#"[["abc"], ["abc"], "abc"]"#);
}

#[test]
fn appends_interleaved_with_other_containers_keep_order() {
    // l = []; APPENDS of (a new list, 1), APPEND 2 after another list was built, and so on:
    // the outer list must move without losing or reordering items.
    let mut b = b"\x80\x02]q\x00".to_vec();
    for i in 0..50u8 {
        b.extend_from_slice(b"(]K\x07aK");
        b.push(i);
        b.extend_from_slice(b"e");
    }
    b.push(b'.');
    let p = parse(&b, &mut PlainData, &Limits::default()).unwrap();
    let items = p.arena.children(p.root);
    assert_eq!(items.len(), 100);
    for i in 0..50usize {
        assert_eq!(render(&p.arena, items.get(2 * i).unwrap()), "[7]");
        assert_eq!(p.arena.get(items.get(2 * i + 1).unwrap()), Value::Int(i as i64));
    }
}

#[test]
fn floats_are_bit_exact() {
    for bits in [
        0x7ff8_0000_0000_0001u64,
        0xfff8_0000_0000_0000,
        0x8000_0000_0000_0000,
        1,
        0x7ff0_0000_0000_0000,
    ] {
        let mut b = b"\x80\x02G".to_vec();
        b.extend_from_slice(&bits.to_be_bytes());
        b.push(b'.');
        let p = parse(&b, &mut PlainData, &Limits::default()).unwrap();
        let Value::Float(f) = p.arena.get(p.root) else { panic!() };
        assert_eq!(f.to_bits(), bits);
    }
}

#[test]
fn ints_at_the_edges_of_i64() {
    // LONG1 of 8 bytes: i64::MIN and i64::MAX; 9 bytes with pure sign extension is still i64.
    assert_eq!(load(b"\x80\x02\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80."), i64::MIN.to_string());
    assert_eq!(load(b"\x80\x02\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7f."), i64::MAX.to_string());
    assert_eq!(load(b"\x80\x02\x8a\x09\xff\xff\xff\xff\xff\xff\xff\xff\xff."), "-1");
    assert_eq!(load(b"\x80\x02\x8a\x00."), "0");
    // 2**63 needs 9 bytes with a non-sign top byte: kept as a BigInt for consumers to refuse.
    assert_eq!(
        load(b"\x80\x02\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x80\x00."),
        "9223372036854775808L"
    );
    assert_eq!(load(b"I-99999999999999999999\n."), "-99999999999999999999L");
    assert_eq!(load(b"L18446744073709551621L\n."), "18446744073709551621L");
    // As a dict key it is refused outright.
    let e = fail(b"\x80\x02}(\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x80\x00K\x01u.");
    assert!(matches!(e.kind, ErrorKind::Unhashable { .. }), "{e}");
}

#[test]
fn forbidden_globals_name_themselves_and_the_offset() {
    let e = fail(b"\x80\x02cposix\nsystem\nX\x02\x00\x00\x00lsq\x00\x85R.");
    assert_eq!(e.offset, Some(2));
    assert_eq!(e.kind, ErrorKind::Forbidden { module: "posix".into(), name: "system".into() });
    assert!(e.to_string().contains("'posix.system'"), "{e}");
    // STACK_GLOBAL too.
    let e = fail(b"\x80\x04\x8c\x08builtins\x8c\x04eval\x93.");
    assert!(e.to_string().contains("'builtins.eval'"), "{e}");
}

#[test]
fn cycles_are_reported() {
    // l = []; l.append(l)
    let e = fail(b"\x80\x02]q\x00h\x00a.");
    assert_eq!(e.kind, ErrorKind::Cycle);
}

#[test]
fn deep_nesting_is_refused_without_recursion() {
    let n = 100_000;
    let mut b = b"\x80\x02".to_vec();
    b.extend(std::iter::repeat_n(b']', n));
    b.extend(std::iter::repeat_n(b'a', n - 1));
    b.push(b'.');
    let e = fail(&b);
    assert!(matches!(e.kind, ErrorKind::Limit { what: "nesting depth", .. }), "{e}");
}

#[test]
fn billion_laughs_is_refused() {
    // x0 = []; x1 = [x0, x0]; ... 70 levels: tiny input, 2^70 values when expanded.
    let mut b = b"\x80\x02]q\x00".to_vec();
    for i in 0..70u8 {
        b.extend_from_slice(&[b'(', b'h', i, b'h', i, b'l', b'q', i + 1]);
    }
    b.push(b'.');
    let e = fail(&b);
    assert!(matches!(e.kind, ErrorKind::Limit { what, .. } if what.starts_with("expanded")), "{e}");
}

#[test]
fn hostile_memo_ids() {
    // LONG_BINPUT of the largest id below the memo limit, then LONG_BINGET of it: legal, and
    // must not allocate 2^25 slots.
    assert_eq!(load(b"\x80\x02Nr\xff\xff\xff\x010j\xff\xff\xff\x01."), "None");
    // Ids at and beyond the limit are refused (CPython sizes its memo array from the id).
    for id in [b"\x00\x00\x00\x02", b"\xff\xff\xff\xff"] {
        let mut b = b"\x80\x02Nr".to_vec();
        b.extend_from_slice(id);
        b.push(b'.');
        assert!(matches!(fail(&b).kind, ErrorKind::Limit { what: "memo id", .. }));
    }
    let e = fail(b"\x80\x02j\x78\x56\x34\x12.");
    assert_eq!(e.kind, ErrorKind::MemoMissing(0x1234_5678));
    assert!(e.to_string().contains("305419896"), "{e}");
}

#[test]
fn truncation_anywhere_is_an_error_never_a_panic() {
    let b = b"\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01]q\x02(K\x01G@\x04\x00\x00\x00\x00\x00\x00e\x8a\x02\xff\x7fu.";
    for cut in 0..b.len() {
        let e = fail(&b[..cut]);
        assert!(
            matches!(e.kind, ErrorKind::Truncated { .. } | ErrorKind::StackUnderflow { .. }),
            "cut {cut}: {e}"
        );
        assert!(crate::pickle_end(&b[..cut]).is_err(), "cut {cut}");
    }
    assert_eq!(crate::pickle_end(b).unwrap(), b.len());
}

#[test]
fn huge_length_prefixes_do_not_allocate() {
    let e = fail(b"\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\x7f");
    assert!(matches!(e.kind, ErrorKind::Truncated { opcode: "BINUNICODE8" }), "{e}");
    let e = fail(b"\x80\x02X\xff\xff\xff\xff");
    assert!(matches!(e.kind, ErrorKind::Truncated { opcode: "BINUNICODE" }), "{e}");
}

#[test]
fn unhashable_keys_are_refused() {
    // {[]: 1}
    let e = fail(b"\x80\x02}(]K\x01u.");
    assert_eq!(e.kind, ErrorKind::Unhashable { kind: "list" });
}

#[test]
fn stack_discipline_errors() {
    assert!(matches!(fail(b"\x80\x02.").kind, ErrorKind::StackUnderflow { .. }));
    assert!(matches!(fail(b"\x80\x02(.").kind, ErrorKind::StackUnderflow { .. }));
    assert!(matches!(fail(b"\x80\x02Nt.").kind, ErrorKind::NoMark { .. }));
    assert!(matches!(fail(b"\x80\x02K\x01K\x02a.").kind, ErrorKind::Type { .. }));
    assert!(matches!(fail(b"\x80\x02]K\x01(K\x02s.").kind, ErrorKind::StackUnderflow { .. }));
    assert!(matches!(fail(b"\x80\x06N.").kind, ErrorKind::Protocol(6)));
    assert!(matches!(fail(b"\x80\x02\xff").kind, ErrorKind::UnknownOpcode(0xff)));
    assert!(matches!(fail(b"\x80\x02\x82\x01.").kind, ErrorKind::Unsupported { .. }));
}

#[test]
fn node_limit_is_enforced() {
    let limits = Limits { max_nodes: 3, ..Limits::default() };
    let e = parse(b"\x80\x02(K\x01K\x02K\x03K\x04l.", &mut PlainData, &limits).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Limit { what: "number of values", .. }), "{e}");
}

/// Hooks that allow one class, `m.C`, whose call returns its argument tuple as a list, and
/// whose BUILD stores the state.
struct OneClass;

impl Hooks for OneClass {
    fn find_class(&mut self, module: &str, name: &str) -> Option<u32> {
        (module == "m" && name == "C").then_some(7)
    }

    fn call(&mut self, arena: &mut Arena<'_>, class: u32, args: Ref) -> Result<Ref, String> {
        assert_eq!(class, 7);
        let items = arena.children(args).to_vec();
        let list = arena.push_container(Kind::List, &items).map_err(|e| e.to_string())?;
        arena.push_object(class, list).map_err(|e| e.to_string())
    }

    fn build(&mut self, arena: &mut Arena<'_>, obj: Ref, state: Ref) -> Result<(), String> {
        arena.set_state(obj, state);
        Ok(())
    }
}

#[test]
fn hooks_see_calls_and_build_mutates_memoised_objects() {
    // x = C(1, 2) memoised as 0; BUILD x with 'st'; then [x, memo[0]]: both see the new state.
    let b = b"\x80\x02(cm\nC\nK\x01K\x02\x86Rq\x00X\x02\x00\x00\x00stbh\x00l.";
    let p = parse(b, &mut OneClass, &Limits::default()).unwrap();
    let items = p.arena.children(p.root);
    assert_eq!(items.get(0).unwrap(), items.get(1).unwrap());
    let Value::Object { class: 7, state } = p.arena.get(items.get(1).unwrap()) else { panic!() };
    assert_eq!(p.arena.get(state), Value::Str("st"));
    let e = parse(b"\x80\x02cm\nD\n.", &mut OneClass, &Limits::default()).unwrap_err();
    assert!(e.to_string().contains("'m.D'"));
}

#[test]
fn float_runs_are_read_in_place_and_survive_a_second_batch() {
    // [0.5, 1.5, 2.5] in one APPENDS: a run. Then APPEND 3.5 later, after another list: the run
    // becomes ordinary references, order kept.
    let f = |x: f64| {
        let mut v = vec![b'G'];
        v.extend_from_slice(&x.to_be_bytes());
        v
    };
    let mut b = b"\x80\x02]q\x00(".to_vec();
    for x in [0.5, 1.5, 2.5] {
        b.extend(f(x));
    }
    b.extend_from_slice(b"e");
    let whole = [b.clone(), b".".to_vec()].concat();
    let p = parse(&whole, &mut PlainData, &Limits::default()).unwrap();
    let c = p.arena.children(p.root);
    assert!(c.as_refs().is_none(), "three adjacent BINFLOATs should be a run");
    assert_eq!(render(&p.arena, p.root), "[0.5, 1.5, 2.5]");
    b.extend_from_slice(b"]0"); // build and drop another list
    b.extend(f(3.5));
    b.extend_from_slice(b"a.");
    let p = parse(&b, &mut PlainData, &Limits::default()).unwrap();
    assert_eq!(render(&p.arena, p.root), "[0.5, 1.5, 2.5, 3.5]");
    // Not adjacent (a None between): references.
    let mut b = b"\x80\x02](".to_vec();
    b.extend(f(1.0));
    b.push(b'N');
    b.extend(f(2.0));
    b.extend_from_slice(b"e.");
    let p = parse(&b, &mut PlainData, &Limits::default()).unwrap();
    assert!(p.arena.children(p.root).as_refs().is_some());
    assert_eq!(render(&p.arena, p.root), "[1.0, None, 2.0]");
}

// Boundaries of the reader's tables, each tested on both sides: the last valid index and the
// first invalid one, so that an off-by-one in either direction fails a test.

/// A protocol-2 pickle around `body` (the final `.` included by the caller).
fn p2(body: &[u8]) -> Vec<u8> {
    [b"\x80\x02".as_slice(), body].concat()
}

#[test]
fn memo_fetch_of_the_last_id_and_of_the_memo_length() {
    // Three puts (ids 0, 1, 2): GET 2 is the last entry, GET 3 (the memo's length) is missing.
    let puts = b"(Nq\x00K\x07q\x01X\x01\x00\x00\x00sq\x02";
    assert_eq!(load(&p2(&[puts.as_slice(), b"h\x02t."].concat())), r#"(None, 7, "s", "s")"#);
    let e = fail(&p2(&[puts.as_slice(), b"h\x03t."].concat()));
    assert_eq!(e.kind, ErrorKind::MemoMissing(3));
    assert_eq!(e.offset, Some(2 + puts.len() as u64));
    // The same with the 4-byte forms.
    let long = b"(Nr\x00\x00\x00\x00K\x07r\x01\x00\x00\x00";
    assert_eq!(load(&p2(&[long.as_slice(), b"j\x01\x00\x00\x00t."].concat())), "(None, 7, 7)");
    let e = fail(&p2(&[long.as_slice(), b"j\x02\x00\x00\x00t."].concat()));
    assert_eq!(e.kind, ErrorKind::MemoMissing(2));
    // An empty memo has no id 0.
    assert_eq!(fail(&p2(b"h\x00.")).kind, ErrorKind::MemoMissing(0));
    // MEMOIZE numbers by the memo's length: the third MEMOIZE is id 2, and id 3 is missing.
    let memoize = b"(N\x94K\x01\x94K\x02\x94";
    assert_eq!(load(&p2(&[memoize.as_slice(), b"h\x02h\x00t."].concat())), "(None, 1, 2, 2, None)");
    assert_eq!(
        fail(&p2(&[memoize.as_slice(), b"h\x03t."].concat())).kind,
        ErrorKind::MemoMissing(3)
    );
}

#[test]
fn a_far_id_parked_in_the_map_at_the_vector_end_is_kept() {
    // Id 100 is too far past the (empty) vector and is parked in the map. Puts of 36 and then
    // 99 grow the vector to exactly 100 slots: id 100 is then the vector's length, one past its
    // end, and must stay in the map (and be found), neither moved into the vector nor lost.
    let b = p2(b"(Nr\x64\x00\x00\x00K\x01q\x24K\x02q\x63h\x64h\x24h\x63j\x64\x00\x00\x00t.");
    assert_eq!(load(&b), "(None, 1, 2, None, 1, 2, None)");
    // Ids in the gap the vector filled were never put.
    assert_eq!(fail(&p2(b"(Nr\x64\x00\x00\x00K\x01q\x24h\x23t.")).kind, ErrorKind::MemoMissing(35));
    // A parked id that the vector grows past moves over and is still found.
    let b = p2(b"(Nq\x28K\x01q\x00K\x02q\x29h\x28h\x29t.");
    assert_eq!(load(&b), "(None, 1, 2, None, 2)");
    // Putting a parked id again replaces it without counting a new entry: MEMOIZE then uses
    // id 2 (the memo holds ids 100 and 0), and GET 2 finds it.
    let b = p2(b"(Nr\x64\x00\x00\x00K\x05r\x64\x00\x00\x00K\x06q\x00K\x07\x94h\x02h\x64t.");
    assert_eq!(load(&b), "(None, 5, 6, 7, 7, 5)");
}

#[test]
fn a_frame_may_end_exactly_at_the_end_of_the_input() {
    // FRAME n with n equal to what is left: valid. One byte more: truncated.
    let framed = |n: u64| {
        let mut b = b"\x80\x04\x95".to_vec();
        b.extend_from_slice(&n.to_le_bytes());
        b.extend_from_slice(b"K\x2a.");
        b
    };
    assert_eq!(load(&framed(3)), "42");
    assert_eq!(load(&framed(0)), "42");
    let e = fail(&framed(4));
    assert_eq!(e.kind, ErrorKind::Truncated { opcode: "FRAME" });
    assert_eq!(e.offset, Some(2));
    assert_eq!(fail(&framed(u64::MAX)).kind, ErrorKind::Truncated { opcode: "FRAME" });
}

#[test]
fn long_lengths_at_their_boundaries() {
    // LONG1 and LONG4 of length 0 are the int 0 (Python's `pickle.loads` agrees).
    assert_eq!(load(&p2(b"\x8a\x00.")), "0");
    assert_eq!(load(&p2(b"\x8b\x00\x00\x00\x00.")), "0");
    // Length 1: a sign bit makes it negative.
    assert_eq!(load(&p2(b"\x8b\x01\x00\x00\x00\xff.")), "-1");
    assert_eq!(load(&p2(b"\x8a\x01\x7f.")), "127");
    // A length that reaches exactly the end of the input, and one byte past it.
    // (The first is valid up to there and then lacks its STOP.)
    assert_eq!(load(&p2(b"\x8b\x02\x00\x00\x00\x01\x01.")), "257");
    assert_eq!(
        fail(&p2(b"\x8b\x02\x00\x00\x00\x01\x01")).kind,
        ErrorKind::Truncated { opcode: "STOP" }
    );
    assert_eq!(
        fail(&p2(b"\x8b\x03\x00\x00\x00\x01\x00")).kind,
        ErrorKind::Truncated { opcode: "LONG4" }
    );
    assert_eq!(fail(&p2(b"\x8a\x02\x01")).kind, ErrorKind::Truncated { opcode: "LONG1" });
    // LONG4's length is signed in CPython: 2^31 is negative, refused as such.
    assert_eq!(fail(&p2(b"\x8b\x00\x00\x00\x80.")).kind, ErrorKind::BadText { opcode: "LONG4" });
    assert_eq!(fail(&p2(b"\x8b\xff\xff\xff\x7f.")).kind, ErrorKind::Truncated { opcode: "LONG4" });
}

#[test]
fn longs_of_eight_and_nine_bytes() {
    let long1 = |bytes: &[u8]| {
        let mut b = vec![0x8a, bytes.len() as u8];
        b.extend_from_slice(bytes);
        b.push(b'.');
        load(&p2(&b))
    };
    // Eight bytes always fit.
    assert_eq!(long1(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), i64::MAX.to_string());
    assert_eq!(long1(&[0, 0, 0, 0, 0, 0, 0, 0x80]), i64::MIN.to_string());
    // Nine bytes fit when the ninth only repeats the sign of the eighth...
    assert_eq!(long1(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0]), i64::MAX.to_string());
    assert_eq!(long1(&[0, 0, 0, 0, 0, 0, 0, 0x80, 0xff]), i64::MIN.to_string());
    assert_eq!(long1(&[0xff; 9]), "-1");
    // ...and are big ints otherwise: 2^63, 2^64 - 1, -2^64 and -2^63 - 1.
    assert_eq!(long1(&[0, 0, 0, 0, 0, 0, 0, 0x80, 0]), "9223372036854775808L");
    assert_eq!(
        long1(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0]),
        "18446744073709551615L"
    );
    assert_eq!(long1(&[0, 0, 0, 0, 0, 0, 0, 0, 0xff]), "-18446744073709551616L");
    assert_eq!(
        long1(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff]),
        "-9223372036854775809L"
    );
    // A sign-repeating tenth byte after a ninth that does not repeat it is still big.
    assert_eq!(long1(&[0, 0, 0, 0, 0, 0, 0, 0, 1, 0]), "18446744073709551616L");
}

#[test]
fn binint_widths_read_little_endian() {
    // BININT1, BININT2 (unsigned 16 bits) and BININT (signed 32 bits), each at its extremes.
    assert_eq!(load(&p2(b"K\xff.")), "255");
    assert_eq!(load(&p2(b"M\x34\x12.")), "4660");
    assert_eq!(load(&p2(b"M\xff\xff.")), "65535");
    assert_eq!(load(&p2(b"M\x00\x00.")), "0");
    assert_eq!(load(&p2(b"J\xff\xff\xff\xff.")), "-1");
    assert_eq!(load(&p2(b"J\x00\x00\x00\x80.")), i32::MIN.to_string());
    assert_eq!(fail(&p2(b"M\x01")).kind, ErrorKind::Truncated { opcode: "BININT2" });
}

#[test]
fn marks_bound_every_pop_and_tuple() {
    // STACK_GLOBAL's second pop would cross the mark: an underflow, not a global 'm.n'.
    let e = fail(&p2(b"X\x01\x00\x00\x00m(X\x01\x00\x00\x00n\x93."));
    assert_eq!(e.kind, ErrorKind::StackUnderflow { opcode: "STACK_GLOBAL" });
    // TUPLE1..3 take exactly their count from above the innermost mark.
    assert_eq!(load(&p2(b"N\x85.")), "(None)"); // (`render` writes no trailing comma)
    assert_eq!(load(&p2(b"K\x01K\x02\x86.")), "(1, 2)");
    assert_eq!(load(&p2(b"(K\x01K\x02K\x03\x87t.")), "((1, 2, 3))");
    assert_eq!(fail(&p2(b"\x85.")).kind, ErrorKind::StackUnderflow { opcode: "TUPLE1" });
    assert_eq!(fail(&p2(b"N(N\x86.")).kind, ErrorKind::StackUnderflow { opcode: "TUPLE2" });
    // POP of an empty stack above a mark pops the mark, as Python does.
    assert_eq!(load(&p2(b"N(0.")), "None");
    assert_eq!(load(&p2(b"NN0.")), "None");
}

#[test]
fn dict_and_setitem_pair_counts() {
    assert_eq!(load(&p2(b"(K\x01K\x02d.")), "{1: 2}");
    assert_eq!(load(&p2(b"(d.")), "{}");
    assert_eq!(fail(&p2(b"(K\x01d.")).kind, ErrorKind::StackUnderflow { opcode: "DICT" });
    assert_eq!(fail(&p2(b"(K\x01K\x02K\x03d.")).kind, ErrorKind::StackUnderflow { opcode: "DICT" });
    assert_eq!(load(&p2(b"}(K\x01K\x02K\x03K\x04u.")), "{1: 2, 3: 4}");
    assert_eq!(fail(&p2(b"}(K\x01u.")).kind, ErrorKind::StackUnderflow { opcode: "SETITEMS" });
    assert_eq!(
        fail(&p2(b"}(K\x01K\x02K\x03u.")).kind,
        ErrorKind::StackUnderflow { opcode: "SETITEMS" }
    );
    // SETITEM with values below the dict: the dict is the third item from the top.
    assert_eq!(load(&p2(b"K\x00K\x00}K\x01K\x02s\x87.")), "(0, 0, {1: 2})");
    assert_eq!(fail(&p2(b"}(K\x01K\x02s.")).kind, ErrorKind::StackUnderflow { opcode: "SETITEM" });
    assert_eq!(load(&p2(b"K\x00]K\x01a\x86.")), "(0, [1])");
}

#[test]
fn text_ids_must_be_non_negative() {
    assert_eq!(load(&p2(b"Np0\ng0\n\x86.")), "(None, None)");
    assert_eq!(fail(&p2(b"Np-1\n.")).kind, ErrorKind::BadText { opcode: "PUT" });
    assert_eq!(fail(&p2(b"Np0\ng-1\n.")).kind, ErrorKind::BadText { opcode: "GET" });
}

#[test]
fn small_opcodes_each_give_their_value() {
    // INT's two-digit forms are bools (protocol 0's True/False), other text an int.
    assert_eq!(load(b"I00\n."), "False");
    assert_eq!(load(b"I01\n."), "True");
    assert_eq!(load(b"I007\n."), "7");
    // Bytes of each width.
    assert_eq!(load(&p2(b"C\x03abc.")), "b[97, 98, 99]");
    assert_eq!(load(&p2(b"B\x01\x00\x00\x00z.")), "b[122]");
    // Protocol 5 is the newest Python writes; 6 is refused.
    assert_eq!(load(b"\x80\x05N."), "None");
    assert_eq!(fail(b"\x80\x06N.").kind, ErrorKind::Protocol(6));
}

#[test]
fn binstring_length_sign_and_bounds() {
    assert_eq!(load(&p2(b"T\x00\x00\x00\x00.")), r#""""#);
    assert_eq!(load(&p2(b"T\x02\x00\x00\x00hi.")), r#""hi""#);
    assert_eq!(fail(&p2(b"T\x00\x00\x00\x80.")).kind, ErrorKind::BadText { opcode: "BINSTRING" });
    assert_eq!(
        fail(&p2(b"T\x03\x00\x00\x00hi")).kind,
        ErrorKind::Truncated { opcode: "BINSTRING" }
    );
}

/// Parses under `limits`: the rendered value, or the name of the limit hit.
fn under(limits: Limits, b: &[u8]) -> Result<String, &'static str> {
    match parse(b, &mut PlainData, &limits) {
        Ok(p) => Ok(render(&p.arena, p.root)),
        Err(crate::Error { kind: ErrorKind::Limit { what, .. }, .. }) => Err(what),
        Err(e) => panic!("unexpected error {e}"),
    }
}

#[test]
fn the_stack_is_counted_before_it_grows() {
    let l = Limits { max_stack: 3, ..Limits::default() };
    let what = "values on the pickle stack (MAX_STACK)";
    // DUP and memo gets push existing values: no new value, but a stack slot each.
    assert_eq!(under(l, b"\x80\x02N22\x87."), Ok("(None, None, None)".into()));
    assert_eq!(under(l, b"\x80\x02N222\x87."), Err(what));
    assert_eq!(under(l, b"\x80\x02Nq\x00h\x00h\x00\x87."), Ok("(None, None, None)".into()));
    assert_eq!(under(l, b"\x80\x02Nq\x00h\x00h\x00h\x00."), Err(what));
}

#[test]
fn open_marks_are_counted_before_they_grow() {
    let l = Limits { max_marks: 2, ..Limits::default() };
    let what = "open MARKs (MAX_MARKS)";
    assert_eq!(under(l, b"((11N."), Ok("None".into()));
    assert_eq!(under(l, b"(((111N."), Err(what));
    // Closed marks do not count.
    assert_eq!(under(l, b"((1(1(11N."), Ok("None".into()));
}

#[test]
fn container_items_are_counted_before_they_grow() {
    let l = Limits { max_items: 4, ..Limits::default() };
    let what = "container items (MAX_ITEMS)";
    // Built from a mark, appended in a batch, appended one by one, references to one value.
    assert_eq!(under(l, b"(NNNNl."), Ok("[None, None, None, None]".into()));
    assert_eq!(under(l, b"(NNNNNl."), Err(what));
    assert_eq!(under(l, b"](NNNNe."), Ok("[None, None, None, None]".into()));
    assert_eq!(under(l, b"](NNNNNe."), Err(what));
    assert_eq!(under(l, b"]NaNaNaNa."), Ok("[None, None, None, None]".into()));
    assert_eq!(under(l, b"]NaNaNaNaNa."), Err(what));
    assert_eq!(under(l, b"(N222l."), Ok("[None, None, None, None]".into()));
    assert_eq!(under(l, b"(N2222l."), Err(what));
    // A list that moves to grow reserves twice its length: counted too.
    assert_eq!(under(l, b"]N]Na0a."), Ok("[None]".into()));
    assert_eq!(under(l, b"](NNe]Na0(Ne."), Err(what));
    // A float run holds no references until a second batch turns it into them.
    let f = b"G?\xf0\x00\x00\x00\x00\x00\x00";
    let mut run = b"\x80\x02](".to_vec();
    for _ in 0..4 {
        run.extend_from_slice(f);
    }
    run.extend_from_slice(b"e");
    let mut ok = run.clone();
    ok.extend_from_slice(b".");
    assert_eq!(under(l, &ok), Ok("[1.0, 1.0, 1.0, 1.0]".into()));
    run.extend_from_slice(b"Na.");
    assert_eq!(under(l, &run), Err(what));
}
