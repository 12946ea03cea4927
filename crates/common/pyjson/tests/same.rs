//! `Event::same`, the equality behind every bit-for-bit check (`tnb verify`, the property
//! tests): each kind of event equals itself and nothing else, floats by their bits.

use tnb_pyjson::{Event, Seq};

/// One event of every kind, and for each kind a second value that differs only a little.
fn samples() -> Vec<Event<'static>> {
    vec![
        Event::Null,
        Event::Bool(false),
        Event::Bool(true),
        Event::Int(0),
        Event::Int(1),
        Event::Int(-1),
        Event::UInt(1),
        Event::UInt(u64::MAX),
        Event::Float(0.0),
        Event::Float(-0.0),
        Event::Float(1.0),
        Event::Float(f64::from_bits(0x7ff8_0000_0000_0000)),
        Event::Float(f64::from_bits(0x7ff8_0000_0000_0001)),
        Event::Float(f64::from_bits(0xfff8_0000_0000_0000)),
        Event::Str(""),
        Event::Str("1"),
        Event::Str("é"),
        Event::Bytes(b""),
        Event::Bytes(b"1"),
        Event::BeginSeq(Seq::List),
        Event::BeginSeq(Seq::Tuple),
        Event::BeginSeq(Seq::Set),
        Event::BeginSeq(Seq::FrozenSet),
        Event::BeginMap,
        Event::End,
    ]
}

#[test]
fn every_event_is_the_same_as_itself_and_no_other() {
    let all = samples();
    for (i, a) in all.iter().enumerate() {
        for (j, b) in all.iter().enumerate() {
            assert_eq!(a.same(b), i == j, "{a:?} same as {b:?}");
        }
    }
}

#[test]
fn the_same_nan_bits_are_the_same_value() {
    // `==` says NaN != NaN; a bit-for-bit check must accept an archive holding the very NaN
    // of its source.
    let bits = 0x7ff4_0000_0000_0abc;
    assert!(Event::Float(f64::from_bits(bits)).same(&Event::Float(f64::from_bits(bits))));
}
