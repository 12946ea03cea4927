//! The streaming reader (`tnb_pickle::stream`) on pickles written by `python3` (plain, no
//! packages) and by hand: the same objects as the arena reader, entries handed out before their
//! batch's `SETITEMS`, each refusal and each limit of `StreamLimits` with its one-line message.

use std::process::Command;
use std::sync::Arc;

use tnb_pickle::stream::{Obj, PlainStream, StreamLimits, load, scan};
use tnb_pickle::{Arena, ErrorKind, Limits, PlainData, Ref, parse};

/// The bytes `python3` writes for `expr` (a Python expression, evaluated with `collections`
/// imported) pickled with `protocol`.
fn py(expr: &str, protocol: u8) -> Vec<u8> {
    let code = format!(
        "import pickle, sys, collections\nsys.stdout.buffer.write(pickle.dumps({expr}, protocol={protocol}))"
    );
    let out = Command::new("python3").arg("-c").arg(code).output().expect("python3 is required");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn to_obj(a: &Arena<'_>, r: Ref) -> Obj {
    Obj::from_arena(a, r, usize::MAX).unwrap_or_else(|e| panic!("no owned form: {e:?}"))
}

/// Reads `p` with both passes; entries of `split` are collected.
fn stream(
    p: &[u8],
    split: Option<&str>,
    limits: &StreamLimits,
) -> Result<(Obj, Vec<(Obj, Obj)>), tnb_pickle::Error> {
    let s = scan(p, p.len() as u64, limits, &mut |_| {})?;
    let mut entries = Vec::new();
    let top = load(
        p,
        &s,
        &mut PlainStream,
        split,
        limits,
        &mut |k, v| {
            entries.push((k, v));
            Ok(())
        },
        &mut |_| {},
    )?;
    Ok((top, entries))
}

fn arena(p: &[u8]) -> Obj {
    let a = parse(p, &mut PlainData, &Limits::default()).unwrap();
    to_obj(&a.arena, a.root)
}

fn err(p: &[u8], split: Option<&str>, limits: &StreamLimits) -> tnb_pickle::Error {
    let e = stream(p, split, limits).expect_err("must be refused");
    let line = e.to_string();
    assert!(!line.contains('\n') && line.starts_with("byte "), "{line}");
    e
}

/// NAS-Bench-201 in miniature: shared dataset and field strings across archs, `(str, int)`
/// tuple keys, int-keyed epoch dicts, `'set@epoch'` keys shared by three dicts.
const NB201_LIKE: &str = "(lambda ds, names: {'meta_archs': ['|a~0|', '|b~0|', '|c~0|'], \
    'total_archs': 3, \
    'arch2infos': {i: {'full': {'arch_index': i, 'all_results': {(d, 777): {'name': d, \
        'train_acc1es': {e: e / 7 + i for e in range(12)}, \
        'eval_acc1es': {k: 1.5 for k in names}, 'eval_losses': {k: 2.5 for k in names}, \
        'eval_names': ['x-valid']} for d in ds}, 'clear_net_done': True}, \
        'less': {'arch_index': i, 'all_results': {}, 'dataset_seed': {d: [777] for d in ds}}} \
        for i in range(3)}, \
    'evaluated_indexes': [0, 1, 2]})(['cifar10', 'cifar100'], ['x-valid@%d' % e for e in range(12)])";

#[test]
fn streamed_objects_equal_the_arena_readers_for_every_protocol() {
    for proto in 0..=5u8 {
        let p = py(NB201_LIKE, proto);
        let want = arena(&p);
        let (got, entries) = stream(&p, None, &StreamLimits::default()).unwrap();
        assert!(entries.is_empty());
        assert_eq!(got, want, "protocol {proto}");
        let (mut got, entries) = stream(&p, Some("arch2infos"), &StreamLimits::default()).unwrap();
        assert_eq!(entries.len(), 3, "protocol {proto}");
        let Obj::Dict { items, .. } = &mut got else { panic!() };
        assert_eq!(items[2].1, Obj::Dict { items: vec![], ordered: false }, "left in place, empty");
        items[2].1 = Obj::Dict { items: entries, ordered: false };
        assert_eq!(got, want, "protocol {proto} with a split");
    }
}

#[test]
fn scan_finds_the_top_level_keys_and_the_memo_reads() {
    let p = py(NB201_LIKE, 2);
    let s = scan(&p[..], p.len() as u64, &StreamLimits::default(), &mut |_| {}).unwrap();
    assert_eq!(
        s.top_keys.as_deref(),
        Some(
            &["meta_archs", "total_archs", "arch2infos", "evaluated_indexes"].map(String::from)[..]
        )
    );
    assert_eq!(s.len, p.len() as u64);
    // Dataset names and field names are read again and again; most ids are never read.
    assert!(s.stats.read_ids > 10 && s.stats.read_ids < s.stats.memo_ids / 2, "{:?}", s.stats);
    let p = py("[1, 2]", 2);
    let s = scan(&p[..], p.len() as u64, &StreamLimits::default(), &mut |_| {}).unwrap();
    assert_eq!(s.top_keys, None);
}

#[test]
fn an_empty_setitems_batch_and_batches_of_1000() {
    // The C pickler ends a dict of exactly 1000 items with an empty `MARK SETITEMS`.
    let p = py("{'d': {i: [i] for i in range(1000)}, 'e': {i: i for i in range(2500)}}", 2);
    assert!(p.windows(2).any(|w| w == b"(u"), "the pickle has an empty batch");
    for split in ["d", "e"] {
        let (top, entries) = stream(&p, Some(split), &StreamLimits::default()).unwrap();
        assert_eq!(entries.len(), if split == "d" { 1000 } else { 2500 });
        assert!(entries.iter().enumerate().all(|(i, (k, _))| *k == Obj::Int(i as i64)));
        assert_eq!(top.get(split), Some(&Obj::Dict { items: vec![], ordered: false }));
    }
    assert_eq!(stream(&p, None, &StreamLimits::default()).unwrap().0, arena(&p));
}

#[test]
fn entries_are_handed_out_before_their_batch_ends() {
    // Cut the pickle just before the streamed dict's SETITEMS: the read fails there, but every
    // entry was handed out already, each as soon as the last opcode touching it had run.
    let p = py("{'a': {i: [i, 'x'] for i in range(10)}}", 2);
    let cut = p.len() - 3; // ... `u` (inner SETITEMS), `s` (the one-key top dict), `.`
    assert_eq!(&p[cut..], b"us.");
    let mut cut_p = p[..cut].to_vec();
    cut_p.push(b'.');
    let limits = StreamLimits::default();
    let s = scan(&p[..], p.len() as u64, &limits, &mut |_| {}).unwrap();
    let mut seen = Vec::new();
    let r = load(
        &cut_p[..],
        &s,
        &mut PlainStream,
        Some("a"),
        &limits,
        &mut |k, _| {
            seen.push(k);
            Ok(())
        },
        &mut |_| {},
    );
    assert!(r.is_err());
    assert_eq!(seen, (0..10).map(Obj::Int).collect::<Vec<_>>());
}

#[test]
fn one_item_containers_are_not_mistaken_for_the_next_entry() {
    // `{'k': 1}` is written `EMPTY_DICT k v SETITEM`, `[5]` as `EMPTY_LIST 5 APPEND`; the split
    // dict of one item is itself a SETITEM.
    for expr in [
        "{'a': {0: {'x': 1}, 1: [5], 2: {'y': (1, 2, 3)}, 3: 'z', 4: {'w': {'v': 0}}}}",
        "{'a': {7: {'x': [1]}}}",
        "{'a': {}}",
        "{'b': 1, 'a': {0: 1, 1: 2}, 'c': {0: 0}}",
    ] {
        let p = py(expr, 2);
        let want = arena(&p);
        let (mut got, entries) = stream(&p, Some("a"), &StreamLimits::default()).unwrap();
        let Obj::Dict { items, .. } = &mut got else { panic!() };
        let slot = items.iter_mut().find(|(k, _)| k.as_str() == Some("a")).unwrap();
        slot.1 = Obj::Dict { items: entries, ordered: false };
        assert_eq!(got, want, "{expr}");
    }
}

#[test]
fn strings_are_shared_across_entries() {
    let p = py("(lambda s: {'a': {0: [s], 1: {s: s}, 2: (s, 5)}})('shared' * 3)", 2);
    let (_, entries) = stream(&p, Some("a"), &StreamLimits::default()).unwrap();
    let s = Obj::Str(Arc::from("sharedsharedshared"));
    assert_eq!(entries[0].1, Obj::List(vec![s.clone()]));
    assert_eq!(entries[1].1, Obj::Dict { items: vec![(s.clone(), s.clone())], ordered: false });
    assert_eq!(entries[2].1, Obj::Tuple(vec![s, Obj::Int(5)]));
}

#[test]
fn shared_containers_are_copied_and_repeated_keys_merged() {
    for expr in [
        "(lambda x: [x, x, 'abc'])(['abc'])",
        "(lambda d: {'x': d, 'y': [d, {'in': d}]})({'k': 1})",
        "{1: 'a', 1.0: 'b', True: 'c', 2: 'd'}",
    ] {
        let p = py(expr, 2);
        assert_eq!(stream(&p, None, &StreamLimits::default()).unwrap().0, arena(&p), "{expr}");
    }
    // A big str-keyed dict setting keys 3 and 17 twice (first position, last value).
    let mut p = b"\x80\x02}(".to_vec();
    for i in (0..40u8).chain([3, 17]) {
        p.push(b'X');
        let k = format!("key{}", i % 30);
        p.extend_from_slice(&(k.len() as u32).to_le_bytes());
        p.extend_from_slice(k.as_bytes());
        p.extend_from_slice(&[b'K', i]);
    }
    p.extend_from_slice(b"u.");
    let (got, _) = stream(&p, None, &StreamLimits::default()).unwrap();
    assert_eq!(got, arena(&p));
    let Obj::Dict { items, .. } = got else { panic!() };
    assert_eq!(items.len(), 30);
}

#[test]
fn refusals_name_what_and_where() {
    let limits = StreamLimits::default();
    // A container of an earlier entry read again by a later one.
    let p = py("(lambda l: {'a': {0: l, 1: 'x', 2: 'y', 3: l}})([1, 2])", 2);
    let e = err(&p, Some("a"), &limits);
    assert!(matches!(e.kind, ErrorKind::Dropped(_)), "{e}");
    assert!(e.to_string().contains("memo id "), "{e}");
    // The same without a split is fine.
    assert_eq!(stream(&p, None, &limits).unwrap().0, arena(&p));
    // The streamed dict read again.
    let p = py("(lambda d: {'a': d, 'b': [d]})({0: 1, 1: 2})", 2);
    assert!(matches!(err(&p, Some("a"), &limits).kind, ErrorKind::Dropped(_)));
    // Items of the streamed dict consumed by something else than SETITEMS.
    // (`{'a': {}, (0, 0, 1, 1): 'b'}`: valid, but the pairs were handed out before TUPLE.)
    let p = b"\x80\x02}(X\x01\x00\x00\x00a}(K\x00K\x00K\x01K\x01tX\x01\x00\x00\x00bu.";
    assert!(matches!(arena(p), Obj::Dict { .. }));
    let e = err(p, Some("a"), &limits);
    assert!(e.to_string().contains("only a dict's SETITEMS can be streamed"), "{e}");
    // A key set twice in the streamed dict.
    let p = b"\x80\x02}(X\x01\x00\x00\x00a}(K\x00K\x00K\x01K\x01K\x00K\x02K\x03K\x03uu.";
    let e = err(p, Some("a"), &limits);
    assert!(e.to_string().contains("sets the key 0 twice"), "{e}");
    // A list that contains itself.
    let e = err(b"\x80\x02]q\x00h\x00a.", None, &limits);
    assert!(e.to_string().contains("changes the container read from memo id 0"), "{e}");
    // A list copied from the memo, then changed.
    let e = err(b"\x80\x02]q\x00(h\x00K\x01at.", None, &limits);
    assert!(e.to_string().contains("memo id 0"), "{e}");
    // DUP of a list.
    let e = err(b"\x80\x02]2t.", None, &limits);
    assert!(e.to_string().contains("DUP"), "{e}");
    // Persistent ids, globals, a set changed after a get copied it, an unhashable set item.
    let e = err(b"\x80\x04\x8f\x94(h\x00K\x01\x90\x86.", None, &limits);
    assert!(e.to_string().contains("memo id 0"), "{e}");
    let e = err(b"\x80\x04\x8f(]\x90.", None, &limits);
    assert!(e.to_string().contains("unhashable list"), "{e}");
    let e = err(b"\x80\x04(\x8f\x91.", None, &limits);
    assert!(e.to_string().contains("unhashable set"), "{e}");
    let e = err(b"\x80\x04]\x94(K\x01\x90.", None, &limits);
    assert!(e.to_string().contains("ADDITEMS"), "{e}");
    let e = err(b"\x80\x02X\x01\x00\x00\x00aQ.", None, &limits);
    assert!(e.to_string().contains("tensors are not supported"), "{e}");
    let e = err(b"\x80\x02cposix\nsystem\n.", None, &limits);
    assert!(matches!(e.kind, ErrorKind::Forbidden { .. }), "{e}");
    // A get of an id never stored (pass 1).
    assert!(matches!(err(b"\x80\x02h\x05.", None, &limits).kind, ErrorKind::MemoMissing(5)));
    // Truncation, with the offset.
    let p = py(NB201_LIKE, 2);
    let e = err(&p[..p.len() / 2], None, &limits);
    assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "{e}");
    // An unhashable key.
    let e = err(b"\x80\x02}(]K\x01u.", None, &limits);
    assert!(e.to_string().contains("unhashable list"), "{e}");
}

#[test]
fn sets_and_frozensets_are_built_as_pickle_load_builds_them() {
    let d = StreamLimits::default();
    // NATS-Bench's single file: `evaluated_indexes` a set of 0..N in ADDITEMS batches of 1000.
    // (Below protocol 4 a set is `builtins.set` called on a list: a global, refused as such.)
    for proto in 4..=5u8 {
        let exprs = [
            "{'a': {0: 1}, 'evaluated_indexes': set(range(2500))}",
            "[set(), frozenset(), frozenset([3, 1, 2]), {frozenset({1}): 'k', (1, 2): {'x'}}]",
            // Equal items merged, the first kept (`1`, `1.0`, `True`).
            "(lambda s: [s, s, {1, 'b'}])({1, 2.5, 'a', (1, 2)})",
        ];
        for expr in exprs {
            let p = py(expr, proto);
            let want = arena(&p);
            let (got, _) = stream(&p, None, &d).unwrap();
            assert_eq!(got, want, "protocol {proto}: {expr}");
        }
    }
    let p = py("{'a': {0: 1, 1: 2}, 'evaluated_indexes': set(range(2500))}", 4);
    let (top, entries) = stream(&p, Some("a"), &d).unwrap();
    assert_eq!(entries.len(), 2);
    let Some(Obj::Set(items)) = top.get("evaluated_indexes") else { panic!("{top:?}") };
    assert_eq!(items.len(), 2500);
    assert_eq!(items[1234], Obj::Int(1234), "the pickle's order");
    // Items repeated in a hand-made pickle: `set.add` keeps the first (`1` over `True`).
    let (o, _) = stream(b"\x80\x04\x8f(K\x01\x88K\x02K\x01\x90.", None, &d).unwrap();
    assert_eq!(o, Obj::Set(vec![Obj::Int(1), Obj::Int(2)]));
    let (o, _) = stream(b"\x80\x04(\x88K\x01\x91.", None, &d).unwrap();
    assert_eq!(o, Obj::FrozenSet(vec![Obj::Bool(true)]));
    // A frozenset key equals another with its items in another order.
    let (o, _) = stream(b"\x80\x04}((K\x01K\x02\x91K\x0a(K\x02K\x01\x91K\x0bu.", None, &d).unwrap();
    let Obj::Dict { items, .. } = o else { panic!() };
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].1, Obj::Int(11));
    // Set items count against the entry limits like any other value.
    let p = py("{'a': {0: set(range(50)), 1: 2}}", 4);
    let e = err(&p, Some("a"), &StreamLimits { max_entry_items: 40, ..d });
    assert!(e.to_string().contains("MAX_ENTRY_ITEMS"), "{e}");
    let p = py("{'a': {0: frozenset(range(50)), 1: 2}}", 4);
    let e = err(&p, Some("a"), &StreamLimits { max_entry_items: 40, ..d });
    assert!(e.to_string().contains("MAX_ENTRY_ITEMS"), "{e}");
}

#[test]
fn a_consumer_error_stops_the_read() {
    let p = py("{'a': {0: 1, 1: 2, 2: 3, 3: 4}}", 2);
    let limits = StreamLimits::default();
    let s = scan(&p[..], p.len() as u64, &limits, &mut |_| {}).unwrap();
    let mut calls = 0;
    let e = load(
        &p[..],
        &s,
        &mut PlainStream,
        Some("a"),
        &limits,
        &mut |_, _| {
            calls += 1;
            Err("bad arch".into())
        },
        &mut |_| {},
    )
    .unwrap_err();
    assert_eq!(calls, 1);
    assert!(e.to_string().starts_with("byte ") && e.to_string().ends_with("entry 0: bad arch"));
}

/// Each limit, hit by an input just past it (and the same input read under the default).
#[test]
fn every_limit_is_enforced() {
    let d = StreamLimits::default();
    let cases: Vec<(&str, Vec<u8>, StreamLimits)> = vec![
        (
            "object pickle size",
            py("list(range(100))", 2),
            StreamLimits { max_pickle_size: 50, ..d },
        ),
        ("memo id", py("[[i] for i in range(300)]", 2), StreamLimits { max_memo_id: 200, ..d }),
        (
            "memo entries kept",
            py("(lambda s: [s, s])('x' * 1000)", 2),
            StreamLimits { max_kept_bytes: 500, ..d },
        ),
        ("pickle stack", b"\x80\x02(NNNNNNNNNNl.".to_vec(), StreamLimits { max_stack: 5, ..d }),
        ("MARKs", b"\x80\x02((((((((((N.".to_vec(), StreamLimits { max_marks: 5, ..d }),
        (
            "values built for one entry",
            py("{'a': {0: list(range(50)), 1: 2}}", 2),
            StreamLimits { max_entry_items: 40, ..d },
        ),
        (
            "string bytes built for one entry",
            py("{'a': {0: ['y' * 100, 'z' * 100], 1: 2}}", 2),
            StreamLimits { max_entry_bytes: 150, ..d },
        ),
        ("string length", py("'x' * 100", 2), StreamLimits { max_str_len: 99, ..d }),
        (
            "nesting depth",
            b"\x80\x02)\x85\x85\x85\x85\x85\x85\x85\x85.".to_vec(),
            StreamLimits { max_depth: 5, ..d },
        ),
    ];
    for (what, p, limits) in cases {
        stream(&p, Some("a"), &d).unwrap_or_else(|e| panic!("{what} under defaults: {e}"));
        let e = err(&p, Some("a"), &limits);
        let ErrorKind::Limit { what: name, .. } = e.kind else { panic!("{what}: {e}") };
        assert!(name.to_lowercase().contains(&what.to_lowercase()), "{what}: {e}");
    }
}

#[test]
fn far_memo_ids_do_not_size_the_bitmap() {
    // LONG_BINPUT 0xfffffff0 on the first value: a few bytes must not allocate 512 MB.
    let p = b"\x80\x02Nr\xf0\xff\xff\xffj\xf0\xff\xff\xff\x86.";
    let limits = StreamLimits { max_memo_id: u64::MAX, ..StreamLimits::default() };
    let s = scan(&p[..], p.len() as u64, &limits, &mut |_| {}).unwrap();
    assert!(s.stats.bitmap_bytes < 1 << 20, "{:?}", s.stats);
    let (o, _) = stream(p, None, &limits).unwrap();
    assert_eq!(o, Obj::Tuple(vec![Obj::None, Obj::None]));
}

#[test]
fn a_shared_dict_read_again_costs_its_items_and_their_strings() {
    // The entry 'a' is [s, s] with s a dict: the second s is a memo get, a copy that counts
    // 64 bytes per item plus its keys' and values' string bytes against MAX_ENTRY_BYTES, on
    // top of the strings built the first time (and the entry's key 'a').
    let d = StreamLimits::default();
    let cases = [
        // 1 ('a') + 1 + 100 (built) + 64 + 1 + 100 (the copy)
        ("(lambda s: {'a': [s, s]})({'k': 'v' * 100})", 267),
        // 1 + (10 + 100 + 50 + 1) + (2 * 64 + 10 + 100 + 50 + 1)
        ("(lambda s: {'a': [s, s]})({'kkkkkkkkkk': 'v' * 100, 'w' * 50: 'x'})", 451),
    ];
    for (expr, bytes) in cases {
        let p = py(expr, 2);
        let at = StreamLimits { max_entry_bytes: bytes, ..d };
        let (top, _) = stream(&p, Some("a"), &at).unwrap_or_else(|e| panic!("{expr}: {e}"));
        assert_eq!(top, arena(&p), "{expr}");
        let e = err(&p, Some("a"), &StreamLimits { max_entry_bytes: bytes - 1, ..d });
        assert!(e.to_string().contains("string bytes built for one entry"), "{expr}: {e}");
    }
}

#[test]
fn an_opcode_that_leaves_the_depth_as_it_was_is_followed_without_harm() {
    // READONLY_BUFFER (it neither pushes nor pops) right after a MARK with no item yet, and
    // after the first item: of the root dict, and of a dict that is a root value (the one
    // pass 1 follows item by item, where the opcode touches the first item's slot). Pass 1
    // goes through; pass 2 refuses the opcode with its one-line reason.
    let cases: [(&[u8], u64, &[&str]); 4] = [
        (b"\x80\x05}(\x98K\x01K\x02u.", 4, &[]),
        (b"\x80\x05}(K\x01K\x02\x98u.", 8, &[]),
        (b"\x80\x05}(\x8c\x01a}(\x98K\x01K\x02uu.", 9, &["a"]),
        (b"\x80\x05}(\x8c\x01a}(K\x01K\x02\x98uu.", 13, &["a"]),
    ];
    for (p, at, keys) in cases {
        let d = StreamLimits::default();
        let s = scan(p, p.len() as u64, &d, &mut |_| {}).unwrap();
        let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        assert_eq!(s.top_keys, Some(keys));
        let e = err(p, Some("a"), &d);
        assert_eq!(
            e.to_string(),
            format!(
                "byte {at}: READONLY_BUFFER is not supported: out-of-band buffers are not part \
                 of a file"
            )
        );
    }
    // An empty MARK popped among the items changes nothing.
    let p = b"\x80\x05}(K\x01K\x02(1K\x03K\x04u.";
    assert_eq!(stream(p, None, &StreamLimits::default()).unwrap().0, arena(p));
}

#[test]
fn memo_bytes_kept_reach_their_bound_and_build_targets_the_top_value() {
    let d = StreamLimits::default();
    // One memo entry that a later get reads: the string's 1000 bytes plus the entry's fixed
    // overhead (64) are kept; exactly that much is allowed, one byte less is not.
    let p = py("(lambda s: [s, s])('x' * 1000)", 2);
    let (top, _) = stream(&p, None, &StreamLimits { max_kept_bytes: 1064, ..d }).unwrap();
    assert_eq!(top, arena(&p));
    let e = err(&p, None, &StreamLimits { max_kept_bytes: 1063, ..d });
    assert!(e.to_string().contains("(MAX_KEPT_BYTES)"), "{e}");
    // BUILD sets the state of the value under it (the top of the stack once the state is
    // popped): a dict here, refused by name; with nothing under the state, an underflow.
    let cases: [(&[u8], &str); 3] = [
        (b"\x80\x02}Nb.", "byte 4: BUILD (setting object state) is not supported on a dict"),
        (b"\x80\x02(}Nb.", "byte 5: BUILD (setting object state) is not supported on a dict"),
        (b"\x80\x02b.", "byte 2: BUILD needs more values than the stack holds"),
    ];
    for (p, want) in cases {
        assert_eq!(err(p, None, &d).to_string(), want);
    }
}
