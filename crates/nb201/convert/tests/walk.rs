//! Convert, then open with the store and walk: every event equals the source object's own walk
//! (written from `Obj`, independently of the converter), for both NAS-Bench-201 shapes, so a
//! converter change that the store reads back differently fails here, in the converter's own
//! tests (the store's tests/roundtrip.rs checks the accessors too).

// The source object's own walk, written independently of the converter and the store: the
// store's tests keep it, and this test reads it from there rather than keeping a copy.
#[path = "../../store/tests/common/mod.rs"]
mod common;

use common::{archive_events, obj_events};
use tnb_nb201_convert::archive_bytes;
use tnb_nb201_convert::sample::{self, Options, Version};
use tnb_nb201_store::Archive;

#[test]
fn the_archive_walks_as_the_object_it_was_converted_from() {
    for version in [Version::V1_0, Version::V1_1] {
        for archs in [1, 4, 9] {
            let top = sample::object(&Options { version, archs, full_epochs: 12 });
            let a = Archive::copy_from(&archive_bytes(&top, 5, [1; 32]).unwrap()).unwrap();
            a.verify_checksum().unwrap();
            let got = archive_events(&a);
            let mut want = Vec::new();
            obj_events(&top, &mut want);
            assert_eq!(got.len(), want.len(), "{version:?} {archs}");
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                assert_eq!(g, w, "{version:?} {archs}: event {i}");
            }
        }
    }
}
