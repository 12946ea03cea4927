//! Tensor geometry (`crates/common/pth/src/tensor.rs`): which storage elements a view
//! `storage[offset + Σ i_k·stride_k]` of shape `size` picks, every bound of the checks made on
//! offset, size and stride (negative, past the storage, too many dimensions), and the budget of
//! decoded elements, each with its exact value or error.
//!
//! The pickles are written opcode by opcode: `_rebuild_tensor_v2(storage, offset, size, stride)`
//! over an `IntStorage` whose elements are 100, 101, 102, ... so that every value tells which
//! element it came from.

use tnb_pickle::{Dtype, Kind, Scalar, Value};
use tnb_pthwrite::TorchZipWriter;

/// A tensor to rebuild: storage key, offset, size, stride.
struct T<'a> {
    key: &'a str,
    offset: i64,
    size: &'a [i64],
    stride: &'a [i64],
}

fn t<'a>(offset: i64, size: &'a [i64], stride: &'a [i64]) -> T<'a> {
    T { key: "0", offset, size, stride }
}

fn int(p: &mut Vec<u8>, v: i64) {
    if let Ok(small) = i32::try_from(v) {
        p.push(b'J'); // BININT
        p.extend_from_slice(&small.to_le_bytes());
    } else {
        p.extend_from_slice(b"\x8a\x08"); // LONG1, 8 bytes
        p.extend_from_slice(&v.to_le_bytes());
    }
}

fn text(p: &mut Vec<u8>, s: &str) {
    p.push(b'X'); // BINUNICODE
    p.extend_from_slice(&(s.len() as u32).to_le_bytes());
    p.extend_from_slice(s.as_bytes());
}

fn ints(p: &mut Vec<u8>, v: &[i64]) {
    p.push(b'(');
    for &x in v {
        int(p, x);
    }
    p.push(b't');
}

/// `_rebuild_tensor_v2(persistent_load(('storage', torch.IntStorage, key, 'cpu', numel)),
/// offset, size, stride)`.
fn tensor(p: &mut Vec<u8>, x: &T<'_>, numel: i64) {
    p.extend_from_slice(b"ctorch._utils\n_rebuild_tensor_v2\n((");
    text(p, "storage");
    p.extend_from_slice(b"ctorch\nIntStorage\n");
    text(p, x.key);
    text(p, "cpu");
    int(p, numel);
    p.extend_from_slice(b"tQ"); // TUPLE, BINPERSID
    int(p, x.offset);
    ints(p, x.size);
    ints(p, x.stride);
    p.extend_from_slice(b"tR"); // TUPLE, REDUCE
}

/// A torch zip whose data.pkl is a list of these tensors (or the one tensor, if `bare`), with
/// storage `0` holding `elements` int32s 100, 101, ... in the given byte order.
fn file(tensors: &[T<'_>], bare: bool, elements: u32, little: bool) -> Vec<u8> {
    let mut p = b"\x80\x02".to_vec();
    if !bare {
        p.extend_from_slice(b"](");
    }
    for x in tensors {
        tensor(&mut p, x, i64::from(elements));
    }
    if !bare {
        p.push(b'e'); // APPENDS
    }
    p.push(b'.');
    let storage: Vec<u8> = (0..elements)
        .flat_map(|i| {
            let v = 100 + i as i32;
            if little { v.to_le_bytes() } else { v.to_be_bytes() }
        })
        .collect();
    let mut z = TorchZipWriter::new(Vec::new(), "f").unwrap();
    z.write_record("data.pkl", &p).unwrap();
    z.write_record("byteorder", if little { b"little" } else { b"big" }).unwrap();
    z.write_record("data/0", &storage).unwrap();
    z.finish().unwrap()
}

fn json(file: &[u8]) -> String {
    let doc = match tnb_pth::load(file) {
        Ok(d) => d,
        Err(e) => panic!("refused: {e}"),
    };
    let mut out = Vec::new();
    tnb_pth::write_json(&doc, &mut out).unwrap();
    // write_json ends the document with a newline.
    String::from_utf8(out).unwrap().strip_suffix('\n').unwrap().to_owned()
}

/// The one tensor over 12 elements, as JSON.
fn view(offset: i64, size: &[i64], stride: &[i64]) -> String {
    json(&file(&[t(offset, size, stride)], true, 12, true))
}

fn error(file: &[u8]) -> String {
    match tnb_pth::load(file) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("the file loaded"),
    }
}

/// The error of the one tensor over 12 elements; the reader's message ends with the hook's.
fn view_error(offset: i64, size: &[i64], stride: &[i64]) -> String {
    let e = error(&file(&[t(offset, size, stride)], true, 12, true));
    let hook = e.rsplit(": ").next().unwrap();
    hook.to_owned()
}

#[test]
fn views_pick_exactly_their_elements() {
    // Contiguous, reaching the storage's last element.
    assert_eq!(
        view(0, &[3, 4], &[4, 1]),
        "[[100, 101, 102, 103], [104, 105, 106, 107], [108, 109, 110, 111]]"
    );
    // Transposed.
    assert_eq!(
        view(0, &[4, 3], &[1, 4]),
        "[[100, 104, 108], [101, 105, 109], [102, 106, 110], [103, 107, 111]]"
    );
    // An offset and a step; the last element exactly.
    assert_eq!(view(5, &[3], &[3]), "[105, 108, 111]");
    assert_eq!(view(1, &[2, 2], &[5, 2]), "[[101, 103], [106, 108]]");
    // 0-d: a number.
    assert_eq!(view(7, &[], &[]), "107");
    assert_eq!(view(11, &[], &[]), "111");
    // Stride 0: one element repeated.
    assert_eq!(view(2, &[3], &[0]), "[102, 102, 102]");
    assert_eq!(view(0, &[2, 3], &[0, 1]), "[[100, 101, 102], [100, 101, 102]]");
}

#[test]
fn empty_views_build_their_rows_and_reach_no_element() {
    assert_eq!(view(0, &[0], &[1]), "[]");
    assert_eq!(view(0, &[2, 0], &[0, 1]), "[[], []]");
    // Nothing is read, so an offset past the storage is no error (as in torch).
    assert_eq!(view(12, &[0], &[1]), "[]");
    assert_eq!(view(40, &[3, 0], &[7, 9]), "[[], [], []]");
}

#[test]
fn big_endian_storages_are_read_big_endian() {
    let f = file(&[t(0, &[3], &[1])], true, 3, false);
    assert_eq!(json(&f), "[100, 101, 102]");
}

#[test]
fn a_view_past_the_storage_names_the_element_it_needs() {
    assert_eq!(
        view_error(1, &[3, 4], &[4, 1]),
        "tensor of size [3, 4], stride [4, 1] at offset 1 needs element 12 but its int32 storage \
         holds 12 elements"
    );
    assert_eq!(
        view_error(0, &[13], &[1]),
        "tensor of size [13], stride [1] at offset 0 needs element 12 but its int32 storage holds \
         12 elements"
    );
    assert_eq!(
        view_error(12, &[], &[]),
        "tensor of size [], stride [] at offset 12 needs element 12 but its int32 storage holds 12 \
         elements"
    );
    assert_eq!(
        view_error(0, &[2, 2, 2], &[i64::MAX, i64::MAX, i64::MAX]),
        format!(
            "tensor of size [2, 2, 2], stride [{m}, {m}, {m}] at offset 0 reaches past any storage",
            m = i64::MAX
        )
    );
}

#[test]
fn a_negative_offset_size_or_stride_is_refused_alone() {
    assert_eq!(view_error(-1, &[2], &[1]), "tensor offset -1, size [2] or stride [1] is negative");
    assert_eq!(view_error(0, &[-1], &[1]), "tensor offset 0, size [-1] or stride [1] is negative");
    assert_eq!(
        view_error(0, &[2, 2], &[1, -1]),
        "tensor offset 0, size [2, 2] or stride [1, -1] is negative"
    );
}

#[test]
fn sizes_and_strides_must_pair_up() {
    assert_eq!(view_error(0, &[2, 2], &[1]), "tensor has 2 sizes but 1 strides");
}

#[test]
fn sixty_four_dimensions_are_allowed_and_sixty_five_are_not() {
    let ones = [1i64; 65];
    let deep = view(3, &ones[..64], &ones[..64]);
    assert_eq!(deep, format!("{}103{}", "[".repeat(64), "]".repeat(64)));
    assert_eq!(view_error(0, &ones, &ones), "tensor has 65 dimensions, more than 64");
}

const SLACK: i64 = 1 << 20;

/// Elements of each tensor of the root list.
fn lengths(file: &[u8]) -> Vec<usize> {
    let doc = match tnb_pth::load(file) {
        Ok(d) => d,
        Err(e) => panic!("refused: {e}"),
    };
    let a = &doc.pickle.arena;
    let Value::Container(Kind::List, items) = doc.root() else { panic!("not a list") };
    items
        .iter()
        .map(|r| match a.get(r) {
            Value::Container(Kind::Tensor(_), c) => {
                // Every element is storage element 0.
                let first = Scalar::from_bytes(Dtype::I32, &100i32.to_le_bytes(), true).unwrap();
                assert!(c.iter().all(|e| a.get(e) == Value::Scalar(first)));
                c.len()
            }
            other => panic!("not a tensor: {other:?}"),
        })
        .collect()
}

#[test]
fn the_decoded_elements_may_use_the_whole_budget_across_tensors() {
    // One int32 storage element (4 bytes): the budget is 4 + 2^20. A stride-0 view of n
    // elements costs n + 1 (its elements and its row); two of them use the budget exactly.
    let n = SLACK / 2 + 1;
    let (size, stride) = ([n], [0]);
    let two = [t(0, &size, &stride), t(0, &size, &stride)];
    assert_eq!(lengths(&file(&two, false, 1, true)), [n as usize, n as usize]);
    // A 0-d tensor after them (cost 1) is one element too many.
    let three = [t(0, &size, &stride), t(0, &size, &stride), t(0, &[], &[])];
    assert_eq!(
        error(&file(&three, false, 1, true)).rsplit(": ").next().unwrap(),
        "tensor of size [], stride [] at offset 0 would decode 1 elements and rows, more than the \
         file's storage bytes plus TENSOR_ELEMENT_SLACK (1048576) allow"
    );
}

#[test]
fn one_tensor_may_not_exceed_the_budget() {
    // Storage of 12 elements (48 bytes): budget 48 + 2^20; a [2, n] stride-0 view costs
    // 1 + 2 + 2n.
    let n = (SLACK + 48 - 3) / 2 + 1;
    assert_eq!(
        view_error(0, &[2, n], &[0, 0]),
        format!(
            "tensor of size [2, {n}], stride [0, 0] at offset 0 would decode {} elements and \
             rows, more than the file's storage bytes plus TENSOR_ELEMENT_SLACK (1048576) allow",
            3 + 2 * n
        )
    );
}
