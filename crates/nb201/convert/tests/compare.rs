//! `Compare`, the writer behind `tnb verify --source`: the first differing position whether
//! the rebuilt payload differs inside `expected`, runs past its end (in the write that crosses
//! it, or a later one), or stops short; each next to the case that is equal.

use std::io::Write;
use std::path::Path;

use tnb_nb201_convert::{Compare, compare_source, rebuild_payload_file};
use tnb_pickle::stream::StreamLimits;

fn compared(expected: &[u8], writes: &[&[u8]]) -> (Option<u64>, bool) {
    let mut c = Compare::new(expected);
    for w in writes {
        assert_eq!(c.write(w).unwrap(), w.len());
    }
    c.flush().unwrap();
    (c.first_difference, c.equal())
}

#[test]
fn the_first_difference_is_found_wherever_it_is() {
    let e = b"abcdef";
    // Equal, in any split (an empty write included).
    assert_eq!(compared(e, &[b"abcdef"]), (None, true));
    assert_eq!(compared(e, &[b"abc", b"", b"def"]), (None, true));
    assert_eq!(compared(e, &[b"a", b"bcde", b"f"]), (None, true));
    // A different byte, in the first write, in a later one, at the last position.
    assert_eq!(compared(e, &[b"abXdef"]), (Some(2), false));
    assert_eq!(compared(e, &[b"abc", b"dXf"]), (Some(4), false));
    assert_eq!(compared(e, &[b"abcde", b"X"]), (Some(5), false));
    assert_eq!(compared(e, &[b"Xbcdef"]), (Some(0), false));
    // Only the first difference counts.
    assert_eq!(compared(e, &[b"aXc", b"dYf"]), (Some(1), false));
    // Running past the end: in the write that crosses it, in a write that starts at it, in a
    // write after it.
    assert_eq!(compared(e, &[b"abcdefg"]), (Some(6), false));
    assert_eq!(compared(e, &[b"abcd", b"efgh"]), (Some(6), false));
    assert_eq!(compared(e, &[b"abcdef", b"g"]), (Some(6), false));
    assert_eq!(compared(e, &[b"abcdef", b"", b"gh"]), (Some(6), false));
    // A difference before the end wins over the overrun.
    assert_eq!(compared(e, &[b"abcdXfgh"]), (Some(4), false));
    // Stopping short: no difference found, but not equal.
    assert_eq!(compared(e, &[b"abc"]), (None, false));
    assert_eq!(compared(e, &[]), (None, false));
    // An empty expectation.
    assert_eq!(compared(b"", &[]), (None, true));
    assert_eq!(compared(b"", &[b"a"]), (Some(0), false));
}

#[test]
fn a_source_file_is_compared_with_a_payload_to_its_first_difference() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data/nb201_v1_0_small.pth");
    let limits = StreamLimits::default();
    let payload = rebuild_payload_file(&src, &limits, &mut |_, _| {}).unwrap().out;
    let n = payload.len();
    assert!(n > 1000, "{n}");
    let cmp = |p: &[u8]| compare_source(&src, p, &limits, &mut |_, _| {}).unwrap();
    assert_eq!(cmp(&payload), None);
    let mut flipped = payload.clone();
    flipped[n / 2] ^= 1;
    assert_eq!(cmp(&flipped), Some(n as u64 / 2));
    assert_eq!(cmp(&payload[..n - 8]), Some(n as u64 - 8));
    assert_eq!(cmp(&[&payload[..], &[0]].concat()), Some(n as u64));
}
