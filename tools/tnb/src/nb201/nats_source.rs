//! NATS-Bench sources read by `tnb verify --source` (the source converted again and compared
//! with an archive's payload) and `tnb dump` (the meta file, one per-arch file, or a small
//! single file, printed as the archive's `dump --arch` prints an arch).

use std::io::Write;
use std::path::{Path, PathBuf};

use tnb_nats::Phase;

use crate::fail::Fail;
use crate::nb201::json::obj_events;
use crate::nb201::progress::Passes;
use crate::shown;

/// `tnb verify --source SRC` of a NATS-Bench archive: the source's size and SHA-256 (for a
/// folder, the hash over its files that FORMAT-NB201.md defines) against the header's record,
/// then the source converted again and compared with the payload byte for byte as it streams.
/// Every answer is a function of the payload, so passing proves every answer.
pub fn verify_source(
    archive: &tnb_nb201_store::Archive,
    file: &Path,
    src: &Path,
) -> Result<(), Fail> {
    let (name, sname) = (file.display(), src.display());
    let mut bar: Option<Passes> = None;
    let mut progress = |_: Phase, done: u64, total: u64| {
        bar.get_or_insert_with(|| {
            let mut b = Passes::new(total, 1, false);
            b.start(0, "comparing");
            b
        })
        .update(done, total);
    };
    let r = tnb_nats::compare_source(src, archive.payload(), &mut progress);
    if let Some(b) = &bar {
        b.finish();
    }
    let c = r.map_err(|e| Fail::input(format!("{sname}: {e}")))?;
    let h = archive.header();
    if c.space.family() != archive.family() {
        return Err(Fail::Check(format!(
            "{name} holds {}, but {sname} is {}",
            archive.family().name(),
            c.space.family().name()
        )));
    }
    if (c.source_size, c.source_sha256) != (h.source_size, h.source_sha256) {
        return Err(Fail::Check(format!(
            "{name} was not converted from {sname} (the archive records a {}-byte source with \
             sha256 {}; this one has {} bytes, sha256 {})",
            h.source_size,
            h.source_sha256_hex(),
            c.source_size,
            hex(&c.source_sha256)
        )));
    }
    if let Some(at) = c.first_difference {
        return Err(Fail::Check(format!(
            "{name} differs from what {sname} converts to, from payload byte {at} on"
        )));
    }
    writeln!(
        std::io::stdout().lock(),
        "{}: ok ({} archive: header, checksum, structure, full walk; the source converts to \
         this payload byte for byte)",
        shown::path(file),
        archive.family().name()
    )?;
    Ok(())
}

fn hex(b: &[u8; 32]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The file of `tnb dump SRC [--arch I]` for a NATS-Bench source: a folder's meta file or arch
/// `I`'s file (`{I:06d}.pickle.pbz2`, else `{I}.pickle.pbz2`, as the official `reload`), or the
/// file given.
fn dump_target(src: &Path, arch: Option<i64>) -> Result<PathBuf, Fail> {
    if !src.is_dir() {
        if arch.is_some() {
            return Err(Fail::input(format!(
                "{}: --arch selects a file of a -simple folder (or an arch of an archive), not \
                 of a single file",
                src.display()
            )));
        }
        return Ok(src.to_owned());
    }
    let Some(i) = arch else {
        return Ok(src.join(tnb_nats::META_FILE));
    };
    let padded = src.join(format!("{i:06}{}", tnb_nats::ARCH_SUFFIX));
    if padded.is_file() {
        return Ok(padded);
    }
    let plain = src.join(format!("{i}{}", tnb_nats::ARCH_SUFFIX));
    if plain.is_file() {
        return Ok(plain);
    }
    Err(Fail::input(format!("{}: arch {i} has no file in the folder", src.display())))
}

/// `tnb dump` of a NATS-Bench source (see [`dump_target`]): the file is decoded in memory up to
/// `tnb_nats::MAX_ARCH_FILE` bytes of pickle (a per-arch or meta file is under 2 MB; convert a
/// whole single benchmark file, then dump the archive). Nothing is printed unless the whole
/// object converts to JSON.
pub fn dump_source(src: &Path, arch: Option<i64>) -> Result<(), Fail> {
    let path = dump_target(src, arch)?;
    let name = path.display();
    let obj = tnb_nats::decode_file(&path).map_err(|e| Fail::input(format!("{name}: {e}")))?;
    crate::nb201::dump::print_walk(&name.to_string(), &mut |sink| {
        obj_events(&obj, &mut Vec::new(), sink)
    })
}
