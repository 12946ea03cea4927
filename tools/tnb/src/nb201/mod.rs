//! NAS-Bench-201 in the command line: each verb's NB201 side, kept apart from the TransNAS code
//! in `cmd/`. The verbs in `cmd/` look at the content ([`detect`]) and hand NB201 files here.

pub mod batch;
pub mod bench;
pub mod best;
pub mod convert;
pub mod detect;
pub mod dump;
pub mod info;
pub mod json;
pub mod nats;
pub mod nats_source;
pub mod progress;
pub mod show;
pub mod source;
pub mod verify;

use std::path::Path;

use tnb_nb201_store::Archive;

use crate::fail::Fail;

/// The family's name as the tools print it.
pub const NAME: &str = "NAS-Bench-201";

/// The benchmark an NB201-format archive holds, as the tools print it (NAS-Bench-201 or a
/// NATS-Bench space: the header's family).
pub fn name_of(archive: &Archive) -> &'static str {
    archive.family().name()
}

/// The official semantics an NB201-format archive answers with: `NASBench201API` v2.1 for
/// NAS-Bench-201, `NATStopology` / `NATSsize` v1.8 for NATS-Bench (the header's family; not in
/// fast mode, no `archive_dir`: the archive holds every arch the source held).
pub fn api_of<'s, S: tnb_nb201_api::Source>(
    archive: &Archive,
    src: &'s S,
) -> tnb_nb201_api::Nb201<'s, S> {
    use tnb_nb201_api::{Nats, Nb201, PySum, Space};
    use tnb_schema::header::Family;
    match archive.family() {
        Family::NatsTss => Nb201::nats(src, PySum::default(), false, Nats::new(Space::Tss)),
        Family::NatsSss => Nb201::nats(src, PySum::default(), false, Nats::new(Space::Sss)),
        _ => Nb201::new(src, PySum::default(), false),
    }
}

/// Opens and fully checks an NB201 archive (header, validation, payload checksum): a bit flip
/// is an error here, not a wrong number.
pub fn open(path: &Path) -> Result<Archive, Fail> {
    let name = path.display();
    let a = Archive::open(path).map_err(|e| Fail::input(format!("{name}: {e}")))?;
    a.verify_checksum().map_err(|e| Fail::input(format!("{name}: {e}")))?;
    Ok(a)
}

/// A store read error as a one-line failure naming the file.
pub fn corrupt(path: &Path) -> impl Fn(tnb_nb201_store::Corrupt) -> Fail + '_ {
    move |e| Fail::input(format!("{}: {e}", path.display()))
}

/// The archive as a source of the official API's semantics (`tnb_nb201_api::StoreSource`).
pub fn source_of<'a>(
    archive: &'a Archive,
    path: &Path,
) -> Result<tnb_nb201_api::StoreSource<'a, tnb_nb201_store::Buffer>, Fail> {
    tnb_nb201_api::StoreSource::new(archive).map_err(corrupt(path))
}

/// The failure a store read recorded during an API call (a crafted archive that passed the
/// open checks), as a one-line error: the call's answer must then be discarded.
pub fn read_failure<S: tnb_nb201_api::Source>(src: &S, path: &Path) -> Result<(), Fail> {
    match src.failure() {
        Some(m) => Err(Fail::input(format!("{}: corrupted tnb archive: {m}", path.display()))),
        None => Ok(()),
    }
}
