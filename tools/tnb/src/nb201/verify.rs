//! `tnb verify` of a NAS-Bench-201 archive: the open checks and the payload checksum, a walk of
//! the whole object; with `--source`, the source's size and SHA-256 against the header's record
//! and the NB201 converter's rebuild of the source compared with the payload byte for byte
//! (every answer is a function of the payload, so passing proves every answer). Exit 1 when a
//! check fails, 2 when a file cannot be read as what it should be.

use std::io::Write;
use std::path::Path;

use tnb_nb201_store::{Archive, OpenError};

use crate::cmd::verify::Args;
use crate::fail::Fail;
use crate::nb201::progress::Passes;
use crate::shown;

/// CRC-32 of the file from byte 128 on (the payload), read in chunks: for an archive that does
/// not open, whether its payload is what the header recorded.
fn payload_crc_matches(path: &Path) -> Option<bool> {
    use std::io::Read;
    let (mut f, _) = tnb_schema::file::open_regular(path).ok()?;
    let mut head = [0u8; tnb_schema::header::HEADER_LEN];
    f.read_exact(&mut head).ok()?;
    let want = u32::from_le_bytes(head[40..44].try_into().ok()?);
    let mut h = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Some(h.finalize() == want)
}

/// Opens the archive for verification: header errors are bad input (exit 2), a checksum or a
/// validation failure is a failed check (exit 1).
fn open_checked(path: &Path) -> Result<Archive, Fail> {
    let name = path.display();
    match Archive::open(path) {
        Ok(a) => {
            a.verify_checksum().map_err(|e| Fail::Check(format!("{name}: {e}")))?;
            Ok(a)
        }
        Err(OpenError::Invalid(m)) => Err(Fail::Check(match payload_crc_matches(path) {
            Some(false) => format!("{name}: payload checksum mismatch (the archive was modified)"),
            _ => format!("{name}: corrupted tnb archive: {m}"),
        })),
        Err(e) => Err(Fail::input(format!("{name}: {e}"))),
    }
}

/// Runs `tnb verify` on an NB201 archive.
pub fn run(args: &Args) -> Result<(), Fail> {
    let name = args.file.display();
    let a = open_checked(&args.file)?;
    a.walk(&mut |_| Ok(())).map_err(|e| Fail::Check(format!("{name}: {e}")))?;
    let mut out = std::io::stdout().lock();
    let Some(src) = &args.source else {
        writeln!(
            out,
            "{}: ok ({} archive: header, checksum, structure, full walk)",
            shown::path(&args.file),
            a.family().name()
        )?;
        return Ok(());
    };
    if a.family() != tnb_schema::header::Family::Nb201 {
        return crate::nb201::nats_source::verify_source(&a, &args.file, src);
    }
    let sname = src.display();
    let size =
        std::fs::metadata(src).map_err(|e| Fail::input(format!("cannot read {sname}: {e}")))?.len();
    let h = a.header();
    if h.source_size != size {
        return Err(Fail::Check(format!(
            "{name} was not converted from {sname} (the archive records a {}-byte source, this \
             one has {size} bytes)",
            h.source_size
        )));
    }
    let mut bar = Passes::new(size, 2, false);
    // The hash runs on the other core while the reader rebuilds the payload.
    let (hash, rebuilt) = std::thread::scope(|s| {
        let hash = s.spawn(|| tnb_nb201_convert::sha256_file(src));
        let rebuilt = rebuild(src, &a, &mut bar);
        (hash.join(), rebuilt)
    });
    bar.finish();
    let (sha, _) = hash
        .map_err(|_| Fail::input("the hashing thread failed"))?
        .map_err(|e| Fail::input(format!("{sname}: {e}")))?;
    if sha != h.source_sha256 {
        return Err(Fail::Check(format!(
            "{name} was not converted from {sname} (SHA-256 differs)"
        )));
    }
    match rebuilt? {
        None => {}
        Some(at) => {
            return Err(Fail::Check(format!(
                "{name} differs from the converter's rebuild of {sname}: first at payload byte \
                 {at} of {}",
                a.payload().len()
            )));
        }
    }
    writeln!(
        out,
        "{}: ok, the payload equals the converter's rebuild of {} byte for byte (so every answer \
         equals the source's)",
        shown::path(&args.file),
        shown::path(src)
    )?;
    Ok(())
}

/// Rebuilds the payload from the source, comparing as it goes: the first differing payload
/// byte, or `None` when they are equal.
fn rebuild(src: &Path, a: &Archive, bar: &mut Passes) -> Result<Option<u64>, Fail> {
    let sname = src.display();
    let limits = tnb_pth::StreamLimits::default();
    bar.start(0, "scanning (pass 1/2)");
    let scan = tnb_pth::stream_scan(src, &limits, &mut |d, t| bar.update(d, t))
        .map_err(|e| Fail::input(format!("{sname}: {e}")))?;
    bar.start(1, "rebuilding (pass 2/2)");
    let want = a.payload();
    // Buffered: the converter writes a few bytes at a time.
    let compare = tnb_nb201_convert::Compare::new(want);
    let mut conv =
        tnb_nb201_convert::Converter::new(std::io::BufWriter::with_capacity(1 << 20, compare));
    let top = crate::nb201::source::feed(src, &scan, &mut conv, &mut |d, t| bar.update(d, t))
        .map_err(|e| Fail::input(format!("{sname}: {e}")))?;
    let p = conv.finish(&top).map_err(|e| Fail::input(format!("{sname}: {e}")))?;
    let c = p.out.into_inner().map_err(|e| Fail::input(format!("{sname}: {}", e.error())))?;
    Ok(if c.equal() { None } else { Some(c.first_difference.unwrap_or(want.len() as u64)) })
}
