//! Storage persistent ids as torch's `persistent_load` reads them (`crates/common/pth/src/globals.rs`,
//! `crates/common/pth/src/legacy.rs`): their exact length, the first reference to a key deciding the
//! storage (torch caches it by key), legacy views cached by view key, and the legacy storage
//! list and counts checked as `_legacy_load` checks them. Every outcome here was measured with
//! torch 2.15 (`weights_only` True and False alike): where torch reads something, tnb reads the
//! same; where torch fails or resolves a disagreement by the order of references (or reads
//! uninitialised memory), tnb refuses.

use tnb_pthwrite::TorchZipWriter;

fn text(p: &mut Vec<u8>, s: &str) {
    p.push(b'X');
    p.extend_from_slice(&(s.len() as u32).to_le_bytes());
    p.extend_from_slice(s.as_bytes());
}

/// `('storage', torch.<class>, key, 'cpu', numel[, sixth])`, `key` and `sixth` as pickle bytes.
fn pid(class: &str, key: &[u8], numel: u8, sixth: Option<&[u8]>) -> Vec<u8> {
    let mut p = b"(".to_vec();
    text(&mut p, "storage");
    p.extend_from_slice(format!("ctorch\n{class}\n").as_bytes());
    p.extend_from_slice(key);
    text(&mut p, "cpu");
    p.extend_from_slice(&[b'K', numel]);
    if let Some(s) = sixth {
        p.extend_from_slice(s);
    }
    p.push(b't');
    p
}

fn key(k: &str) -> Vec<u8> {
    let mut p = Vec::new();
    text(&mut p, k);
    p
}

/// `_rebuild_tensor_v2(persistent_load(pid), 0, (size,), (1,))`.
fn tensor(pid: &[u8], size: u8) -> Vec<u8> {
    let mut p = b"ctorch._utils\n_rebuild_tensor_v2\n(".to_vec();
    p.extend_from_slice(pid);
    p.extend_from_slice(&[b'Q', b'K', 0, b'K', size, 0x85, b'K', 1, 0x85, b't', b'R']);
    p
}

/// The list pickle of these tensors.
fn list(tensors: &[Vec<u8>]) -> Vec<u8> {
    let mut p = b"\x80\x02](".to_vec();
    for t in tensors {
        p.extend_from_slice(t);
    }
    p.extend_from_slice(b"e.");
    p
}

fn i32s(v: &[i32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn zip(data_pkl: &[u8], storages: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = TorchZipWriter::new(Vec::new(), "f").unwrap();
    z.write_record("data.pkl", data_pkl).unwrap();
    for (k, b) in storages {
        z.write_record(&format!("data/{k}"), b).unwrap();
    }
    z.finish().unwrap()
}

/// Magic number, protocol version and sys_info, as tnb_pthwrite writes them.
fn head() -> Vec<u8> {
    let none = b"\x80\x02N.";
    let full = tnb_pthwrite::save_legacy(Vec::new(), none).unwrap();
    full[..full.len() - none.len() - 6].to_vec()
}

/// A legacy file: the object pickle, the key list, then each storage as (count, bytes).
fn legacy(object: &[u8], keys: &[&str], storages: &[(i64, Vec<u8>)]) -> Vec<u8> {
    let mut f = head();
    f.extend_from_slice(object);
    f.extend_from_slice(b"\x80\x02](");
    for k in keys {
        text(&mut f, k);
    }
    f.extend_from_slice(b"e.");
    for (count, bytes) in storages {
        f.extend_from_slice(&count.to_le_bytes());
        f.extend_from_slice(bytes);
    }
    f
}

fn json(file: &[u8]) -> String {
    let doc = tnb_pth::load(file).unwrap_or_else(|e| panic!("refused: {e}"));
    let mut out = Vec::new();
    tnb_pth::write_json(&doc, &mut out).unwrap();
    String::from_utf8(out).unwrap().trim_end().to_owned()
}

fn error(file: &[u8]) -> String {
    match tnb_pth::load(file) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("the file loaded"),
    }
}

// ---- zip ----

#[test]
fn a_zip_storage_id_has_exactly_five_items() {
    let five = tensor(&pid("IntStorage", &key("0"), 3, None), 3);
    assert_eq!(json(&zip(&list(&[five]), &[("0", &i32s(&[1, 2, 3]))])), "[[1, 2, 3]]");
    // torch: "too many values to unpack (expected 4)".
    let six = tensor(&pid("IntStorage", &key("0"), 3, Some(b"N")), 3);
    let e = error(&zip(&list(&[six]), &[("0", &i32s(&[1, 2, 3]))]));
    assert!(
        e.ends_with("storage persistent id has 6 items: torch's zip loader unpacks exactly 5"),
        "{e}"
    );
}

#[test]
fn a_zip_int_key_names_the_record_of_its_decimal_text() {
    // torch names the record f"data/{key}".
    let t = tensor(&pid("IntStorage", b"K\x00", 3, None), 3);
    assert_eq!(json(&zip(&list(&[t]), &[("0", &i32s(&[4, 5, 6]))])), "[[4, 5, 6]]");
}

#[test]
fn a_zip_record_must_hold_exactly_the_storage() {
    // torch 2.15: "record size (12 bytes) does not match expected size (8 bytes ...)".
    let t = tensor(&pid("IntStorage", &key("0"), 2, None), 2);
    let e = error(&zip(&list(&[t]), &[("0", &i32s(&[1, 2, 3]))]));
    assert!(
        e.ends_with(
            "storage '0' holds 12 bytes but 2 int32 elements are 8: torch refuses a record of \
             another size"
        ),
        "{e}"
    );
}

#[test]
fn later_references_to_a_zip_storage_must_agree_with_the_first() {
    let storage = i32s(&[1, 2, 3]);
    let int3 = tensor(&pid("IntStorage", &key("0"), 3, None), 3);
    // The same reference twice: one storage, read twice.
    assert_eq!(
        json(&zip(&list(&[int3.clone(), int3.clone()]), &[("0", &storage)])),
        "[[1, 2, 3], [1, 2, 3]]"
    );
    // Another dtype (torch 2.15 reinterprets the bytes when the byte lengths agree, and reads
    // the record again when they do not), or another size (torch keeps the first).
    let float3 = tensor(&pid("FloatStorage", &key("0"), 3, None), 3);
    let int2 = tensor(&pid("IntStorage", &key("0"), 2, None), 2);
    for (second, what) in [(float3, "3 float32"), (int2, "2 int32")] {
        let e = error(&zip(&list(&[int3.clone(), second]), &[("0", &storage)]));
        assert!(
            e.ends_with(&format!(
                "storage '0' is referenced as 3 int32 elements and as {what}: torch resolves such \
                 references by their order, tnb refuses them"
            )),
            "{e}"
        );
    }
}

// ---- legacy ----

fn root(class: &str, k: &str, n: u8) -> Vec<u8> {
    pid(class, &key(k), n, Some(b"N"))
}

/// `(view_key, offset, size)`.
fn view(k: &str, offset: u8, size: u8) -> Vec<u8> {
    let mut p = b"(".to_vec();
    text(&mut p, k);
    p.extend_from_slice(&[b'K', offset, b'K', size, b't']);
    p
}

#[test]
fn a_legacy_storage_id_has_exactly_six_items() {
    let t = tensor(&pid("IntStorage", &key("a"), 3, None), 3);
    let e = error(&legacy(&list(&[t]), &["a"], &[(3, i32s(&[1, 2, 3]))]));
    assert!(e.ends_with("has 5 items: torch's legacy loader unpacks exactly 6"), "{e}");
}

#[test]
fn legacy_views_are_cached_by_view_key() {
    let storage = || vec![(3, i32s(&[1, 2, 3]))];
    let v = |k: &str, off: u8| pid("IntStorage", &key("a"), 3, Some(&view(k, off, 2)));
    // torch: [tensor([2, 3])].
    assert_eq!(json(&legacy(&list(&[tensor(&v("v", 1), 2)]), &["a"], &storage())), "[[2, 3]]");
    // The same view twice.
    let twice = list(&[tensor(&v("v", 1), 2), tensor(&v("v", 1), 2)]);
    assert_eq!(json(&legacy(&twice, &["a"], &storage())), "[[2, 3], [2, 3]]");
    // The view key again with another offset: torch hands back the first view ([2, 3] twice).
    let other = list(&[tensor(&v("v", 1), 2), tensor(&v("v", 0), 2)]);
    assert_eq!(
        error(&legacy(&other, &["a"], &storage())),
        "legacy object pickle: byte 203: storage view 'v' is referenced twice with different \
         storages, offsets, sizes or dtypes: torch keeps the first, tnb refuses them"
    );
    // A list where torch wrote a tuple (torch unpacks any three items).
    let mut as_list = b"](".to_vec();
    text(&mut as_list, "v");
    as_list.extend_from_slice(b"K\x01K\x02e");
    let t = tensor(&pid("IntStorage", &key("a"), 3, Some(&as_list)), 2);
    let e = error(&legacy(&list(&[t]), &["a"], &storage()));
    assert!(e.ends_with("storage view metadata is a list, expected None or a 3-tuple"), "{e}");
    // A view key that is also a storage key: torch's one dict of both would mix them up.
    let t = tensor(&pid("IntStorage", &key("a"), 3, Some(&view("a", 1, 2))), 2);
    let e = error(&legacy(&list(&[t]), &["a"], &storage()));
    assert!(e.ends_with("key 'a' names both a storage and a view"), "{e}");
    // A view key in the storage list: torch reads the data into the view.
    let e = error(&legacy(
        &list(&[tensor(&v("v", 1), 2)]),
        &["a", "v"],
        &[(3, i32s(&[1, 2, 3])), (2, i32s(&[8, 9]))],
    ));
    assert_eq!(e, "legacy torch file: storage key 'v' names a view, not a storage");
}

#[test]
fn a_legacy_storage_is_sized_by_its_first_reference() {
    // Before: the element size came from the last reference, the size from each.
    let int3 = tensor(&root("IntStorage", "a", 3), 3);
    let float3 = tensor(&root("FloatStorage", "a", 3), 3);
    let long2 = tensor(&root("LongStorage", "a", 2), 2);
    for (second, what) in [(float3, "3 float32"), (long2, "2 int64")] {
        let e = error(&legacy(&list(&[int3.clone(), second]), &["a"], &[(3, i32s(&[1, 2, 3]))]));
        assert!(
            e.ends_with(&format!(
                "storage 'a' is referenced as 3 int32 elements and as {what}: torch resolves such \
                 references by their order, tnb refuses them"
            )),
            "{e}"
        );
    }
}

#[test]
fn the_legacy_storage_list_is_read_as_torch_reads_it() {
    let obj = list(&[tensor(&root("IntStorage", "a", 3), 3)]);
    // A key listed twice: torch reads the storage twice and keeps the second ([4, 5, 6]).
    let e = error(&legacy(&obj, &["a", "a"], &[(3, i32s(&[1, 2, 3])), (3, i32s(&[4, 5, 6]))]));
    assert_eq!(
        e,
        "legacy torch file: storage 'a' is listed twice (torch would read it twice and keep the \
         second)"
    );
    // A count that is not the storage's size: "storage has wrong byte size".
    let e = error(&legacy(&obj, &["a"], &[(2, i32s(&[1, 2]))]));
    assert_eq!(
        e,
        "legacy torch file: storage 'a' holds 2 elements but the object pickle sizes it at 3 \
         (torch: storage has wrong byte size)"
    );
    // Not listed at all: torch hands out uninitialised memory.
    assert_eq!(
        error(&legacy(&obj, &[], &[])),
        "legacy object pickle: byte 87: tensor storage 'a' is missing from the file"
    );
    assert_eq!(json(&legacy(&obj, &["a"], &[(3, i32s(&[1, 2, 3]))])), "[[1, 2, 3]]");
}

#[test]
fn only_cpu_storages_are_read() {
    // torch 2.15: 'meta' gives a tensor without values, 'cuda' fails without a GPU, 'CPU' and
    // 'xyz' always fail.
    let loc = |l: &str| {
        let mut p = b"(".to_vec();
        text(&mut p, "storage");
        p.extend_from_slice(b"ctorch\nIntStorage\n");
        text(&mut p, "0");
        text(&mut p, l);
        p.extend_from_slice(b"K\x03t");
        zip(&list(&[tensor(&p, 3)]), &[("0", &i32s(&[1, 2, 3]))])
    };
    assert_eq!(json(&loc("cpu")), "[[1, 2, 3]]");
    for l in ["meta", "cuda:0", "CPU", "xyz"] {
        let e = error(&loc(l));
        assert!(
            e.ends_with(&format!(
                "storage '0' has location {l:?}: only 'cpu' storages read the same on every \
                 machine ('meta' has no data, 'cuda' needs a GPU)"
            )),
            "{e}"
        );
    }
}

#[test]
fn storage_and_view_keys_are_short() {
    // Every reference copies and hashes its key: a key of 64 bytes is read, one of 65 refused.
    let k64 = "7".repeat(tnb_pth::MAX_STORAGE_KEY_LEN);
    let t = tensor(&pid("IntStorage", &key(&k64), 3, None), 3);
    assert_eq!(json(&zip(&list(&[t]), &[(&k64, &i32s(&[1, 2, 3]))])), "[[1, 2, 3]]");
    let k65 = "7".repeat(tnb_pth::MAX_STORAGE_KEY_LEN + 1);
    let t = tensor(&pid("IntStorage", &key(&k65), 3, None), 3);
    let e = error(&zip(&list(&[t]), &[(&k65, &i32s(&[1, 2, 3]))]));
    assert!(
        e.ends_with("a storage key of 65 bytes is longer than MAX_STORAGE_KEY_LEN (64)"),
        "{e}"
    );
    let t = tensor(&pid("IntStorage", &key("a"), 3, Some(&view(&k65, 0, 2))), 2);
    let e = error(&legacy(&list(&[t]), &["a"], &[(3, i32s(&[1, 2, 3]))]));
    assert!(
        e.ends_with("a storage key of 65 bytes is longer than MAX_STORAGE_KEY_LEN (64)"),
        "{e}"
    );
}
