//! Fuzz target `forge`: forged archives against `verify --source`'s guarantee (issue 16).
//!
//! Each input describes a forgery of the converted `data/transnas_variant.pth`: raw payload
//! edits, or mutations of any field of the payload model, with the checksums recomputed (see
//! `forge` in `crates/transnas/verify/tests/forging/mod.rs`, shared with that crate's tests, which
//! replay `fuzz/seeds/forge/`). The target fails when verify passes on a forgery that answers
//! any call of the official API (every method, every argument the source defines, through
//! `tnb_api::call`) differently from the pristine archive.
#![no_main]
#![forbid(unsafe_code)]

use std::sync::OnceLock;

#[path = "../../crates/transnas/verify/tests/forging/mod.rs"]
mod forging;

static PRISTINE: OnceLock<forging::Pristine> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let p = PRISTINE
        .get_or_init(|| forging::Pristine::new(include_bytes!("../../data/transnas_variant.pth")));
    if let Some(archive) = forging::forge(p, data) {
        if let Err(e) = forging::judge(p, &archive) {
            panic!("{e}");
        }
    }
});
