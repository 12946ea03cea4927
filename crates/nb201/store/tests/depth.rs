//! The walk's bound on generic nesting (128 levels; the converter writes at most 100, so only a
//! crafted archive reaches it): a value nested exactly to the bound walks, one level more is a
//! corruption error, not a stack overflow.

use tnb_nb201_convert::sample::{self, Options, Version};
use tnb_nb201_convert::{assemble, parts};
use tnb_nb201_store::Archive;
use tnb_pyjson::Event;
use tnb_schema::nb201::codes::{NODE_LIST, NODE_NONE, NODE_STR};

/// The sample archive with one more top-level key, `'deep'`, whose value is `None` inside
/// `lists` nested one-item lists (the generic tree rebuilt so that it stays a forest).
fn nested(lists: usize) -> Archive<tnb_nb201_store::Buffer> {
    let top = sample::object(&Options { version: Version::V1_1, archs: 3, full_epochs: 12 });
    let (mut r, cells) = parts(&top).unwrap();
    let g = &mut r.generic;
    let push = |g: &mut tnb_schema::nb201::Generic, kind: u8, a: u64, b: u64| {
        g.kinds.push(kind);
        g.a.push(a);
        g.b.push(b);
        (g.kinds.len() - 1) as u32
    };
    let mut value = push(g, NODE_NONE, 0, 0);
    for _ in 0..lists {
        let at = g.children.len() as u64;
        g.children.push(value);
        value = push(g, NODE_LIST, at, 1);
    }
    let key_at = g.bytes.len() as u64;
    g.bytes.extend_from_slice(b"deep");
    let key = push(g, NODE_STR, key_at, 4);
    // A new top dict after them: the old one's items, then 'deep'; the old node becomes an
    // unreferenced None (a forest allows it), so each child keeps one parent.
    let old = r.top as usize;
    let (s, n) = (g.a[old] as usize, g.b[old] as usize);
    let mut items: Vec<u32> = g.children[s..s + n].to_vec();
    items.extend([key, value]);
    let at = g.children.len() as u64;
    g.children.extend(&items);
    let kind = g.kinds[old];
    let new_top = push(g, kind, at, items.len() as u64);
    (g.kinds[old], g.a[old], g.b[old]) = (NODE_NONE, 0, 0);
    r.top = new_top;
    Archive::copy_from(&assemble(&r, &cells, 0, [0; 32]).unwrap()).unwrap()
}

/// The events after the key `'deep'`: how many lists open, then what is inside.
fn walk_deep(a: &Archive<tnb_nb201_store::Buffer>) -> Result<(usize, bool), String> {
    let (mut after, mut opened, mut none) = (false, 0usize, false);
    a.walk(&mut |e| {
        match e {
            Event::Str("deep") => after = true,
            Event::BeginSeq(_) if after && !none => opened += 1,
            Event::Null if after && !none => none = true,
            _ => {}
        }
        Ok(())
    })?;
    Ok((opened, none))
}

#[test]
fn generic_values_nest_to_the_bound_and_not_past_it() {
    // The top dict is at depth 0, its values at 1: 127 lists put the None at depth 128.
    assert_eq!(walk_deep(&nested(127)), Ok((127, true)));
    assert_eq!(walk_deep(&nested(3)), Ok((3, true)));
    let e = walk_deep(&nested(128)).unwrap_err();
    assert_eq!(e, "corrupted tnb archive: generic values nest too deep");
}
