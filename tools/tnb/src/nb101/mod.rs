//! NAS-Bench-101 in the command line: each verb's NB101 side. The verbs in `cmd/` look at the
//! content (a TFRecord file by its framing, an archive by its header's family) and hand NB101
//! files here.

pub mod batch;
pub mod bench;
pub mod best;
pub mod convert;
pub mod detect;
pub mod dump;
pub mod info;
pub mod show;
pub mod verify;

use std::path::Path;

use tnb_nb101_store::Nb101Store;

pub use detect::{is_nb101_archive, is_tfrecord};

use crate::fail::Fail;

/// The family's name as the tools print it.
pub const NAME: &str = "NAS-Bench-101";

/// Opens and fully checks an NB101 archive (header, section table, payload checksum): a bit
/// flip is an error here, not a wrong number.
pub fn open(path: &Path) -> Result<Nb101Store, Fail> {
    let name = path.display();
    let s = Nb101Store::open(path).map_err(|e| Fail::input(format!("{name}: {e}")))?;
    s.verify_checksum().map_err(|e| Fail::input(format!("{name}: {e}")))?;
    Ok(s)
}

/// A store read error as a one-line failure naming the file.
pub fn corrupt(path: &Path) -> impl Fn(tnb_nb101_store::Corrupt) -> Fail + '_ {
    move |e| Fail::input(format!("{}: {e}", path.display()))
}

/// An API error as a one-line failure naming the file: `Class: message`.
pub fn api_error(path: &Path) -> impl Fn(tnb_nb101_api::ApiError) -> Fail + '_ {
    move |e| Fail::input(format!("{}: {}: {}", path.display(), e.class(), e.message()))
}

/// The failure a store read recorded during an API call (a crafted archive that passed the
/// open checks): the call's answer must then be discarded.
pub fn read_failure<S: tnb_nb101_api::Source>(src: &S, path: &Path) -> Result<(), Fail> {
    match src.failure() {
        Some(m) => Err(Fail::input(format!("{}: {m}", path.display()))),
        None => Ok(()),
    }
}

/// The cell's hash as text.
pub fn hex(h: &[u8; 16]) -> String {
    tnb_nb101_api::hex(h)
}
