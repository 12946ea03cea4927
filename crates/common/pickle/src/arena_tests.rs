//! The arena's tables by hand: exact memory accounting, each limit on both sides of its bound,
//! the fast reads on every kind of value, and appends to containers in every position
//! (float runs, the last container, reserved capacity, moves).

use std::mem::size_of;

use super::{Arena, Container, Object, Span, SpanKind};
use crate::value::{MAX_INDEX, RUN_STRIDE, Scalar};
use crate::{Dtype, ErrorKind, Kind, Limits, Ref, Value};

/// Three floats written as `BINFLOAT`s back to back (opcode `G` then 8 big-endian bytes), at
/// offsets 1, 10, 19, then the text `abcdef`.
fn input() -> Vec<u8> {
    let mut b = Vec::new();
    for f in [1.5f64, -2.25, 1e300] {
        b.push(b'G');
        b.extend_from_slice(&f.to_be_bytes());
    }
    b.extend_from_slice(b"abcdef");
    b
}

const F: [usize; 3] = [1, 10, 19];
const TEXT: usize = 27;

fn limited(max_nodes: u64, max_built: u64, max_str_len: u64) -> Limits {
    Limits { max_nodes, max_built, max_str_len, ..Limits::default() }
}

fn limit_of(e: crate::Error) -> (&'static str, u64) {
    match e.kind {
        ErrorKind::Limit { what, limit } => (what, limit),
        other => panic!("not a limit: {other:?}"),
    }
}

fn floats(a: &Arena<'_>, r: Ref) -> Vec<f64> {
    a.children(r).iter().map(|x| a.as_float(x).unwrap()).collect()
}

#[test]
fn heap_bytes_counts_each_table_by_its_element_size() {
    let b = input();
    let mut a = Arena::new(&b, &Limits::default());
    assert_eq!(a.heap_bytes(), 0);
    let mut want = 0;
    // Two of each, so that `len * size` differs from `len + size`.
    for _ in 0..2 {
        a.push_int(1 << 40).unwrap();
        want += 8;
        assert_eq!(a.heap_bytes(), want);
        a.push_float(0.5).unwrap();
        want += 8;
        assert_eq!(a.heap_bytes(), want);
        a.push_scalar(Scalar { dtype: Dtype::ALL[0], bits: 1 }).unwrap();
        want += size_of::<Scalar>();
        assert_eq!(a.heap_bytes(), want);
        a.push_str("xyz").unwrap();
        want += size_of::<Span>() + 3;
        assert_eq!(a.heap_bytes(), want);
        a.input_span(TEXT, 2, SpanKind::Bytes).unwrap();
        want += size_of::<Span>();
        assert_eq!(a.heap_bytes(), want);
        a.push_container(Kind::Tuple, &[Ref::NONE, Ref::TRUE, Ref::FALSE]).unwrap();
        want += size_of::<Container>() + 3 * 4;
        assert_eq!(a.heap_bytes(), want);
        a.push_object(7, Ref::NONE).unwrap();
        want += size_of::<Object>();
        assert_eq!(a.heap_bytes(), want);
    }
    // Small ints and float refs live in the reference itself.
    a.push_int(5).unwrap();
    a.float_at(F[0]).unwrap();
    assert_eq!(a.heap_bytes(), want);
}

#[test]
fn the_input_and_the_node_count_are_reported() {
    let b = input();
    let mut a = Arena::new(&b, &Limits::default());
    assert_eq!(a.input(), &b[..]);
    assert_eq!(a.node_count(), 0);
    a.push_int(1).unwrap();
    a.push_str("s").unwrap();
    a.float_at(F[1]).unwrap();
    assert_eq!(a.node_count(), 3);
    let l = a.push_container(Kind::List, &[]).unwrap();
    a.extend_float_run(l, F[0], 3).unwrap();
    assert_eq!(a.node_count(), 7);
}

#[test]
fn the_number_of_values_may_reach_its_limit_not_pass_it() {
    let b = input();
    let mut a = Arena::new(&b, &limited(3, 100, 100));
    a.push_int(1).unwrap();
    a.push_float(1.0).unwrap();
    a.push_str("a").unwrap();
    assert_eq!(limit_of(a.push_int(2).unwrap_err()), ("number of values", 3));
    // A float run counts each float as a value.
    let mut a = Arena::new(&b, &limited(4, 100, 100));
    let l = a.push_container(Kind::List, &[]).unwrap();
    a.extend_float_run(l, F[0], 3).unwrap();
    let mut a = Arena::new(&b, &limited(3, 100, 100));
    let l = a.push_container(Kind::List, &[]).unwrap();
    assert_eq!(limit_of(a.extend_float_run(l, F[0], 3).unwrap_err()), ("number of values", 3));
}

#[test]
fn built_values_may_reach_their_limit_not_pass_it() {
    let b = input();
    const WHAT: &str = "number of values outside float runs (MAX_BUILT)";
    let mut a = Arena::new(&b, &limited(100, 2, 100));
    a.push_int(1).unwrap();
    a.push_int(2).unwrap();
    assert_eq!(limit_of(a.push_int(3).unwrap_err()), (WHAT, 2));
    // Floats read as a run cost nothing; appended to a non-empty list, each one counts.
    let mut a = Arena::new(&b, &limited(100, 4, 100));
    let l = a.push_container(Kind::List, &[]).unwrap();
    a.extend_float_run(l, F[0], 3).unwrap();
    assert_eq!(a.built, 1);
    // A second batch turns the run into references: 3 more built, then 1 for the new float.
    let x = a.float_at(F[2]).unwrap();
    assert_eq!(a.built, 2);
    assert_eq!(limit_of(a.extend(l, &[x]).unwrap_err()), (WHAT, 4));
    let mut a = Arena::new(&b, &limited(100, 5, 100));
    let l = a.push_container(Kind::List, &[]).unwrap();
    a.extend_float_run(l, F[0], 3).unwrap();
    let x = a.float_at(F[2]).unwrap();
    a.extend(l, &[x]).unwrap();
    assert_eq!(a.built, 5);
    assert_eq!(floats(&a, l), [1.5, -2.25, 1e300, 1e300]);
    // A run of floats pushed one by one and appended to an empty list is kept as a run: the
    // floats no longer count as built.
    let mut a = Arena::new(&b, &limited(100, 100, 100));
    let l = a.push_container(Kind::List, &[]).unwrap();
    let items: Vec<Ref> = F.iter().map(|&o| a.float_at(o).unwrap()).collect();
    assert_eq!(a.built, 4);
    a.extend(l, &items).unwrap();
    assert_eq!(a.built, 1);
    assert!(a.containers[l.index()].run);
    assert_eq!(a.children.len(), 0);
    assert_eq!(floats(&a, l), [1.5, -2.25, 1e300]);
    // Appending floats to a non-empty list through extend_float_run counts them.
    let mut a = Arena::new(&b, &limited(100, 3, 100));
    let l = a.push_container(Kind::List, &[Ref::NONE]).unwrap();
    assert_eq!(a.built, 1);
    assert_eq!(limit_of(a.extend_float_run(l, F[0], 3).unwrap_err()), (WHAT, 3));
    let mut a = Arena::new(&b, &limited(100, 4, 100));
    let l = a.push_container(Kind::List, &[Ref::NONE]).unwrap();
    a.extend_float_run(l, F[0], 3).unwrap();
    assert_eq!(a.built, 4);
    assert_eq!(a.children(l).len(), 4);
    assert_eq!(a.get(a.children(l).get(0).unwrap()), Value::None);
    assert_eq!(a.as_float(a.children(l).get(3).unwrap()), Some(1e300));
}

#[test]
fn strings_may_reach_their_length_limit_not_pass_it() {
    let b = input();
    let mut a = Arena::new(&b, &limited(100, 100, 3));
    a.push_str("abc").unwrap();
    a.input_span(TEXT, 3, SpanKind::Str).unwrap();
    assert_eq!(limit_of(a.push_str("abcd").unwrap_err()), ("string length", 3));
    assert_eq!(limit_of(a.push_bytes(b"abcd").unwrap_err()), ("string length", 3));
    assert_eq!(limit_of(a.input_span(TEXT, 4, SpanKind::Str).unwrap_err()), ("string length", 3));
}

#[test]
fn a_table_may_hold_max_index_plus_one_entries() {
    assert_eq!(Arena::index(MAX_INDEX, "t").unwrap(), MAX_INDEX);
    assert_eq!(Arena::index(0, "t").unwrap(), 0);
    assert_eq!(limit_of(Arena::index(MAX_INDEX + 1, "t").unwrap_err()), ("t", MAX_INDEX as u64));
}

#[test]
fn fast_reads_answer_only_for_their_own_kind() {
    let b = input();
    let mut a = Arena::new(&b, &Limits::default());
    let run = a.float_at(F[1]).unwrap();
    let float = a.push_float(-0.0).unwrap();
    let small = a.push_int(3).unwrap();
    let int = a.push_int(1 << 40).unwrap();
    let owned = a.push_str("héllo").unwrap();
    let borrowed = a.input_span(TEXT + 1, 3, SpanKind::Str).unwrap();
    let bytes = a.push_bytes(b"\x00\x01").unwrap();
    let big = a.input_span(TEXT, 5, SpanKind::BigInt).unwrap();
    let list = a.push_container(Kind::List, &[owned, int]).unwrap();
    let obj = a.push_object(4, list).unwrap();
    let global = a.push_global(9).unwrap();

    assert_eq!(a.as_float(run), Some(-2.25));
    assert_eq!(a.as_float(float).map(f64::to_bits), Some((-0.0f64).to_bits()));
    for r in [small, int, owned, bytes, list, obj, Ref::NONE] {
        assert_eq!(a.as_float(r), None, "{r:?}");
    }

    assert_eq!(a.str_bytes(owned), Some("héllo".as_bytes()));
    assert_eq!(a.str_bytes(borrowed), Some(&b"bcd"[..]));
    for r in [run, float, small, int, bytes, big, list, obj] {
        assert_eq!(a.str_bytes(r), None, "{r:?}");
    }

    assert_eq!(a.leaf_bytes(owned), 6);
    assert_eq!(a.leaf_bytes(borrowed), 3);
    assert_eq!(a.leaf_bytes(bytes), 2);
    assert_eq!(a.leaf_bytes(big), 5);
    for r in [run, float, small, int, list, obj, global] {
        assert_eq!(a.leaf_bytes(r), 0, "{r:?}");
    }
    // A float ref whose offset bits look like a span's tag and index is still a float.
    let odd = Ref::float_at((5 << 28) | 4);
    assert_eq!(a.leaf_bytes(odd), 0);
    assert_eq!(a.str_bytes(odd), None);
    assert_eq!(a.object_state_slice(odd), &[] as &[Ref]);
    assert_eq!(a.graph_index(odd), None);

    assert_eq!(a.object_state_slice(obj), &[list]);
    assert_eq!(a.object_state_slice(global), &[Ref::NONE]);
    for r in [run, int, owned, list] {
        assert_eq!(a.object_state_slice(r), &[] as &[Ref], "{r:?}");
    }
    let second_list = a.push_container(Kind::Tuple, &[]).unwrap();
    // Containers first, then objects.
    assert_eq!(a.graph_index(list), Some(0));
    assert_eq!(a.graph_index(second_list), Some(1));
    assert_eq!(a.graph_index(obj), Some(2));
    assert_eq!(a.graph_index(global), Some(3));
    assert_eq!(a.graph_len(), 4);
    for r in [run, float, small, int, owned, bytes] {
        assert_eq!(a.graph_index(r), None, "{r:?}");
    }
}

#[test]
fn appends_grow_in_place_fill_reserved_slots_or_move() {
    let b = input();
    let mut a = Arena::new(&b, &Limits::default());
    let int = |i: i64| Ref::small_int(i).unwrap();
    let x = a.push_container(Kind::List, &[int(1)]).unwrap();
    // The last container grows in place.
    a.extend(x, &[int(2), int(3)]).unwrap();
    assert_eq!(a.children.len(), 3);
    let c = a.containers[x.index()];
    assert_eq!((c.start, c.len, c.cap), (0, 3, 3));
    // Another container follows: the next append moves it to the end with doubled room.
    let y = a.push_container(Kind::Dict, &[int(9), int(8)]).unwrap();
    a.extend(x, &[int(4)]).unwrap();
    let c = a.containers[x.index()];
    assert_eq!((c.start, c.len, c.cap), (5, 4, 8));
    assert_eq!(a.children.len(), 13);
    // Reserved slots take the next appends without a move, even when it is not the last.
    let z = a.push_container(Kind::Tuple, &[int(7)]).unwrap();
    a.extend(x, &[int(5), int(6), int(7), int(8)]).unwrap();
    let c = a.containers[x.index()];
    assert_eq!((c.start, c.len, c.cap), (5, 8, 8));
    assert_eq!(a.children.len(), 14);
    // Full: the next move doubles again.
    a.extend(x, &[int(9)]).unwrap();
    let c = a.containers[x.index()];
    assert_eq!((c.start, c.len, c.cap), (14, 9, 18));
    assert_eq!(a.children.len(), 32);
    let items: Vec<Value<'_>> = a.children(x).iter().map(|r| a.get(r)).collect();
    assert_eq!(items, (1..=9).map(Value::Int).collect::<Vec<_>>());
    assert_eq!(
        a.children(y).iter().map(|r| a.get(r)).collect::<Vec<_>>(),
        [Value::Int(9), Value::Int(8)]
    );
    assert_eq!(a.children(z).iter().map(|r| a.get(r)).collect::<Vec<_>>(), [Value::Int(7)]);
    // An empty container that is not the last moves with exactly its new length.
    let e = a.push_container(Kind::List, &[]).unwrap();
    a.push_container(Kind::List, &[int(0)]).unwrap();
    a.extend(e, &[int(1), int(2)]).unwrap();
    let c = a.containers[e.index()];
    assert_eq!((c.start, c.len, c.cap), (33, 2, 2));
    // A small container's first move gets at least 8 slots.
    let s = a.push_container(Kind::List, &[int(1)]).unwrap();
    a.push_container(Kind::List, &[int(0)]).unwrap();
    a.extend(s, &[int(2)]).unwrap();
    let c = a.containers[s.index()];
    assert_eq!((c.start, c.len, c.cap), (37, 2, 8));
    // Appending to something that is no container does nothing.
    a.extend(int(1), &[int(2)]).unwrap();
    a.extend(Ref::float_at(F[0]), &[int(2)]).unwrap();
    assert_eq!(a.children.len(), 45);
}

#[test]
fn float_runs_become_references_on_a_second_batch() {
    let b = input();
    let mut a = Arena::new(&b, &Limits::default());
    let l = a.push_container(Kind::List, &[]).unwrap();
    a.extend_float_run(l, F[0], 2).unwrap();
    let c = a.containers[l.index()];
    assert!(c.run);
    assert_eq!((c.start, c.len, c.cap), (F[0] as u32, 2, 0));
    assert_eq!(a.children.len(), 0);
    assert_eq!(floats(&a, l), [1.5, -2.25]);
    a.extend_float_run(l, F[2], 1).unwrap();
    let c = a.containers[l.index()];
    assert!(!c.run);
    assert_eq!((c.start, c.len, c.cap), (0, 3, 3));
    assert_eq!(a.children, [Ref::float_at(F[0]), Ref::float_at(F[1]), Ref::float_at(F[2])]);
    assert_eq!(floats(&a, l), [1.5, -2.25, 1e300]);
    // Floats that do not follow each other, or a tuple, or a list with reserved room, are no run.
    let not_adjacent = [Ref::float_at(F[0]), Ref::float_at(F[2])];
    let l2 = a.push_container(Kind::List, &[]).unwrap();
    a.extend(l2, &not_adjacent).unwrap();
    assert!(!a.containers[l2.index()].run);
    let t = a.push_container(Kind::Tuple, &[]).unwrap();
    a.extend(t, &[Ref::float_at(F[0]), Ref::float_at(F[1])]).unwrap();
    assert!(!a.containers[t.index()].run);
    let l3 = a.push_container(Kind::List, &[]).unwrap();
    a.extend(l3, &[]).unwrap();
    assert!(!a.containers[l3.index()].run);
    let int = a.push_int(1).unwrap();
    a.extend(l3, &[int, Ref::float_at(F[0])]).unwrap();
    assert!(!a.containers[l3.index()].run);
    assert_eq!(RUN_STRIDE, 9);
    // A run whose second float is not 9 bytes after the first.
    let l4 = a.push_container(Kind::List, &[]).unwrap();
    a.extend(l4, &[Ref::float_at(F[1]), Ref::float_at(F[0])]).unwrap();
    assert!(!a.containers[l4.index()].run);
    assert_eq!(floats(&a, l4), [-2.25, 1.5]);
}

#[test]
fn floats_read_into_an_empty_list_cost_no_built_value() {
    let b = input();
    // The list itself is the one built value allowed: the run adds none, even transiently.
    let mut a = Arena::new(&b, &limited(100, 1, 100));
    let l = a.push_container(Kind::List, &[]).unwrap();
    a.extend_float_run(l, F[0], 3).unwrap();
    assert!(a.containers[l.index()].run);
    assert_eq!(a.built, 1);
    // An emptied list that keeps reserved slots is no run: the floats fill the slots.
    let mut a = Arena::new(&b, &Limits::default());
    let l = a.push_container(Kind::List, &[Ref::NONE, Ref::TRUE]).unwrap();
    a.truncate(l, 0);
    a.extend_float_run(l, F[0], 2).unwrap();
    let c = a.containers[l.index()];
    assert!(!c.run);
    assert_eq!((c.start, c.len, c.cap), (0, 2, 2));
    assert_eq!(floats(&a, l), [1.5, -2.25]);
}

#[test]
fn a_scalar_reads_back_as_pushed() {
    let b = input();
    let mut a = Arena::new(&b, &Limits::default());
    let s = Scalar { dtype: Dtype::ALL[3], bits: 0x1234 };
    let r = a.push_scalar(s).unwrap();
    assert_eq!(a.get(r), Value::Scalar(s));
    a.push_object(1, Ref::NONE).unwrap();
    assert_eq!(a.get(r), Value::Scalar(s));
}

#[test]
fn children_mut_and_set_state_touch_only_their_own_kind() {
    let b = input();
    let mut a = Arena::new(&b, &Limits::default());
    let run = a.push_container(Kind::List, &[]).unwrap();
    a.extend_float_run(run, F[0], 3).unwrap();
    assert_eq!(a.children_mut(run), &mut [] as &mut [Ref]);
    let list = a.push_container(Kind::List, &[Ref::TRUE]).unwrap();
    assert_eq!(a.children_mut(list), &mut [Ref::TRUE]);
    assert_eq!(a.children_mut(Ref::NONE), &mut [] as &mut [Ref]);
    // Object 0 and container 0 share an index: setting the container's state is a no-op.
    let obj = a.push_object(1, Ref::NONE).unwrap();
    let global = a.push_global(2).unwrap();
    a.set_state(run, Ref::TRUE);
    a.set_state(Ref::float_at((7 << 28) as usize), Ref::TRUE);
    a.set_state(global, Ref::TRUE);
    assert_eq!(a.object_state_slice(obj), &[Ref::NONE]);
    assert_eq!(a.get(global), Value::Global(2));
    a.set_state(obj, Ref::FALSE);
    assert_eq!(a.get(obj), Value::Object { class: 1, state: Ref::FALSE });
}

#[test]
fn container_bounds_add_offsets_and_lengths() {
    // 66000 * 66000 exceeds u32::MAX, 66000 + 66000 does not: a bound that multiplied would
    // refuse these containers.
    let b = input();
    let mut a = Arena::new(&b, &Limits::default());
    let many = vec![Ref::NONE; 66_000];
    a.push_container(Kind::Tuple, &many).unwrap();
    let second = a.push_container(Kind::Tuple, &many).unwrap();
    assert_eq!(a.children(second).len(), 66_000);
    // A list of 33000 that must move past the others doubles to 66002 slots at 132000.
    let half = vec![Ref::TRUE; 33_000];
    let l = a.push_container(Kind::List, &half).unwrap();
    a.push_container(Kind::List, &[]).unwrap();
    a.push_container(Kind::List, &[Ref::NONE]).unwrap();
    a.extend(l, &[Ref::FALSE]).unwrap();
    let c = a.containers[l.index()];
    assert_eq!((c.start, c.len, c.cap), (165_001, 33_001, 66_002));
    assert_eq!(a.get(a.children(l).get(33_000).unwrap()), Value::Bool(false));
}
