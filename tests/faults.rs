//! Fault injection: valid `.pth`, pickle and `.tnb` files truncated, bit-flipped and extended at
//! every position (small fixtures) or at a stride (bigger ones). Nothing may panic or hang; a
//! corrupted file either reads back correctly or is refused with a one-line error, and where a
//! checksum covers the data (zip CRC-32 of `data.pkl` and storages, the archive's CRCs) a
//! corruption never yields a wrong value silently.
//!
//! The every-position sweeps run the library in-process (the bodies of the fuzz targets, which
//! check the converter and reader against each other); the real binaries run on a sample of the
//! same corruptions. Last, conversions killed with SIGKILL at several moments must never leave a
//! partial destination.

use std::os::unix::fs::FileTypeExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tnb_schema::header::HEADER_LEN;
use tnb_store::Store;

use crate::common::{Run, TempDir, data, tnb};
use crate::fuzz_regressions::targets;

/// One corruption of a file.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Keep the first `n` bytes.
    Truncate(usize),
    /// Flip one bit of the byte at `at`.
    Flip { at: usize, bit: u8 },
    /// Insert one byte before `at` (everything after it shifts).
    Insert { at: usize, byte: u8 },
    /// Append bytes at the end.
    Append(&'static [u8]),
}

impl Fault {
    fn apply(self, file: &[u8]) -> Vec<u8> {
        match self {
            Fault::Truncate(n) => file[..n].to_vec(),
            Fault::Flip { at, bit } => {
                let mut v = file.to_vec();
                v[at] ^= 1 << bit;
                v
            }
            Fault::Insert { at, byte } => {
                let mut v = file.to_vec();
                v.insert(at, byte);
                v
            }
            Fault::Append(tail) => [file, tail].concat(),
        }
    }

    /// Where the fault starts.
    fn at(self, len: usize) -> usize {
        match self {
            Fault::Truncate(n) => n,
            Fault::Flip { at, .. } | Fault::Insert { at, .. } => at,
            Fault::Append(_) => len,
        }
    }
}

/// Tails that make a file longer: a zero, a stray zip end record, a block of zeros.
const TAILS: [&[u8]; 3] = [b"\0", b"PK\x05\x06\0\0\0\0", &[0u8; 64]];

/// Every truncation, a flip of one bit at every byte (the bit rotating with the position), an
/// insertion before every byte, and the tails; over `positions` only, if given.
fn faults(len: usize, positions: impl Iterator<Item = usize> + Clone) -> Vec<Fault> {
    let mut v: Vec<Fault> = positions.clone().map(Fault::Truncate).collect();
    v.extend(positions.clone().map(|at| Fault::Flip { at, bit: (at % 8) as u8 }));
    v.extend(positions.map(|at| Fault::Insert { at, byte: if at % 2 == 0 { 0 } else { 0xff } }));
    v.extend(TAILS.map(Fault::Append));
    v.retain(|f| f.at(len) < len || matches!(f, Fault::Append(_)));
    v
}

/// `n` positions spread evenly over `0..len`, plus the first and last 16 bytes (headers and
/// zip end records live there).
fn sample(len: usize, n: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).map(|i| i * len / n).collect();
    v.extend((0..16.min(len)).chain(len.saturating_sub(16)..len));
    v.sort_unstable();
    v.dedup();
    v
}

/// Runs `check` on every fault on a thread with a fuzzer-sized stack, catching each panic;
/// returns the failures, each named by its fault.
fn sweep(
    name: &str,
    file: &[u8],
    faults: Vec<Fault>,
    check: impl Fn(&[u8], Fault) + Send + Sync + 'static,
) -> usize {
    let file = file.to_vec();
    let name = name.to_owned();
    let runs = faults.len();
    let failures = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let mut failures = Vec::new();
            for f in faults {
                let bad = f.apply(&file);
                if let Err(p) = catch_unwind(AssertUnwindSafe(|| check(&bad, f))) {
                    let msg = p
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    failures.push(format!("{name} {f:?}: {msg}"));
                }
            }
            failures
        })
        .expect("spawn")
        .join()
        .expect("sweep thread");
    assert!(failures.is_empty(), "{} fault(s) failed:\n{}", failures.len(), failures.join("\n"));
    runs
}

/// What `tnb dump` writes for a source (with the fuzzers' limits, which the fixtures are far
/// below), or `None` where it refuses it.
fn dump_source(bytes: &[u8]) -> Option<Vec<u8>> {
    let doc = tnb_pth::load_with(bytes, &targets::LIMITS).ok()?;
    let mut v = Vec::new();
    tnb_pth::write_json(&doc, &mut v).ok()?;
    Some(v)
}

/// Corrupts a source at `positions` (with every fault kind) and checks each result: the reader,
/// the converter and the archive of whatever converts (the fuzz bodies `pth` and `convert`: no
/// panic, archive equal to its source value by value and dump by dump). A zip's CRC-32 covers
/// every record tnb reads, so there a corrupted file that still loads must dump exactly the
/// original. Returns the number of corrupted files.
fn sweep_source(name: &str, file: &[u8], positions: impl Iterator<Item = usize> + Clone) -> usize {
    let original = dump_source(file).expect("the fixture dumps");
    let zip = tnb_pth::is_zip(file);
    sweep(name, file, faults(file.len(), positions), move |bad, _| {
        targets::pth(bad);
        targets::convert(bad);
        if zip {
            if let Some(d) = dump_source(bad) {
                assert!(d == original, "a corrupted zip loaded with different data");
            }
        }
    })
}

#[test]
fn zip_sources_corrupted_at_every_position_never_panic_nor_lie() {
    let mut total = 0;
    for name in ["ints.pth", "numpy_scalars.pth", "shared_lists.pth"] {
        let file = std::fs::read(data().join(name)).unwrap();
        total += sweep_source(name, &file, 0..file.len());
    }
    eprintln!("{total} corrupted zip sources");
    assert!(total > 15_000, "only {total} corrupted sources");
}

#[test]
fn pickle_and_legacy_sources_corrupted_at_every_position_never_panic() {
    let pkl = std::fs::read(data().join("mixed_proto2.pkl")).unwrap();
    // The same object in a small legacy file (the legacy fixtures are bigger).
    let legacy = tnb_pthwrite::save_legacy(Vec::new(), &pkl).unwrap();
    let tensors = std::fs::read(data().join("tensors_legacy.pth")).unwrap();
    let total = sweep_source("mixed_proto2.pkl", &pkl, 0..pkl.len())
        + sweep_source("legacy(mixed_proto2.pkl)", &legacy, 0..legacy.len())
        // Legacy tensors and their raw storages: every third position.
        + sweep_source("tensors_legacy.pth", &tensors, (0..tensors.len()).step_by(3));
    eprintln!("{total} corrupted pickle and legacy sources");
    assert!(total > 10_000, "only {total} corrupted sources");
}

/// The zip check above would pass vacuously if every corruption were refused: some corruptions
/// of bytes tnb does not read (padding, records it ignores, the serialization id) must load.
#[test]
fn corruptions_outside_checked_records_still_load() {
    let file = std::fs::read(data().join("ints.pth")).unwrap();
    let loads = (0..file.len())
        .filter(|&at| dump_source(&Fault::Flip { at, bit: 0 }.apply(&file)).is_some())
        .count();
    assert!(loads > 100 && loads + 100 < file.len(), "{loads} of {} flips still load", file.len());
}

/// Corrupts an archive at `positions`: as a file, every corruption is refused, by the header
/// checks or the CRC-32s (CRC-32 detects every single-bit error and every burst up to 32 bits).
/// With the checksums recomputed over the corrupted payload (what a crafted file would do),
/// the payload reaches validation and queries (the fuzz body `archive`), which must not panic.
fn sweep_archive(name: &str, file: &[u8], positions: impl Iterator<Item = usize> + Clone) -> usize {
    let len = file.len();
    sweep(name, file, faults(len, positions), move |bad, f| {
        let opened = Store::copy_from(bad).and_then(|s| s.verify_checksum());
        assert!(opened.is_err(), "a corrupted archive opened with a valid checksum");
        // Recompute the checksums only where the payload itself was hit.
        if f.at(len) >= HEADER_LEN && bad.len() >= HEADER_LEN {
            targets::archive(&bad[HEADER_LEN..]);
        }
    })
}

#[test]
fn a_small_archive_corrupted_at_every_position_is_refused_and_never_panics() {
    let file =
        tnb_convert::convert_bytes(&std::fs::read(data().join("ints.pth")).unwrap()).unwrap();
    let total = sweep_archive("ints.tnb", &file, 0..file.len());
    eprintln!("{total} corrupted copies of a small archive");
    assert!(total > 3 * 1000, "only {total} corrupted archives");
}

#[test]
fn the_golden_archive_corrupted_is_refused_and_never_panics() {
    // Every header byte, and a thousand payload positions.
    let file = std::fs::read(data().join("golden/transnas_small.tnb")).unwrap();
    let mut positions: Vec<usize> = (0..HEADER_LEN).collect();
    positions.extend(sample(file.len(), 1000).into_iter().filter(|&p| p >= HEADER_LEN));
    let total = sweep_archive("golden/transnas_small.tnb", &file, positions.into_iter());
    eprintln!("{total} corrupted copies of the golden archive");
    assert!(total > 3000, "only {total} corrupted archives");
}

/// Exit 0 with `want` on stdout (when given), or a clean one-line error (exit 2).
fn ok_or_clean_error(r: &Run, what: &str, want: Option<&[u8]>) -> bool {
    if r.code == Some(0) {
        if let Some(w) = want {
            assert!(r.stdout == w, "{what}: exit 0 with different output");
        }
        return true;
    }
    r.assert_clean_error(what);
    false
}

/// The real binaries on a sample of the same corruptions: `tnb dump`, `info`, `verify` and
/// `convert` exit 0 with a correct result or 2 with one line, never 101 (panic) or a signal. A
/// failed conversion leaves the archive already at the destination byte for byte; a conversion
/// that succeeds verifies against its (corrupted) source.
#[test]
fn tools_on_corrupted_files_exit_cleanly() {
    let tmp = TempDir::new("faults-cli");
    let golden = std::fs::read(data().join("golden/transnas_small.tnb")).unwrap();
    let mut runs = 0;
    let mut tnb = |args: &[&str]| {
        runs += 1;
        tnb(args)
    };
    let s = |p: &Path| p.to_str().unwrap().to_owned();
    for name in ["ints.pth", "tensors_legacy.pth", "mixed_proto2.pkl", "golden/transnas_small.tnb"]
    {
        let path = data().join(name);
        let file = std::fs::read(&path).unwrap();
        let archive = name.ends_with(".tnb");
        let original = tnb(&["dump", &s(&path)]);
        assert_eq!(original.code, Some(0));
        // The archive of the intact source, to verify against corrupted sources.
        let own = tmp.path("own.tnb");
        if !archive {
            assert_eq!(tnb(&["convert", "-q", &s(&path), &s(&own)]).code, Some(0));
        }
        // Zips and archives are covered by checksums: a dump that succeeds must be the original.
        let checked = archive || tnb_pth::is_zip(&file);
        let want = checked.then_some(original.stdout.as_slice());
        for f in faults(file.len(), sample(file.len(), 6).into_iter()) {
            let bad = tmp.path("bad");
            std::fs::write(&bad, f.apply(&file)).unwrap();
            let what = format!("{name} {f:?}");
            ok_or_clean_error(&tnb(&["dump", &s(&bad)]), &format!("dump {what}"), want);
            for tool in ["info", "verify"] {
                let r = tnb(&[tool, &s(&bad)]);
                let ok = ok_or_clean_error(&r, &format!("{tool} {what}"), None);
                assert!(!ok, "{tool} accepted a corrupted file: {what}");
            }
            // Over an existing archive: refused (it keeps the old archive) or converted.
            let dst = tmp.path("dst.tnb");
            std::fs::write(&dst, &golden).unwrap();
            let r = tnb(&["convert", "-q", &s(&bad), &s(&dst)]);
            if ok_or_clean_error(&r, &format!("convert {what}"), None) {
                let v = tnb(&["verify", &s(&dst), "--source", &s(&bad)]);
                assert_eq!(v.code, Some(0), "verify after convert {what}: {}", v.stderr);
                if let Some(w) = want {
                    assert!(tnb(&["dump", &s(&dst)]).stdout == w, "convert {what}: other data");
                }
            } else {
                assert!(std::fs::read(&dst).unwrap() == golden, "convert {what} changed dst");
            }
            // And the intact source's archive never verifies against a corrupted source.
            if !archive {
                let v = tnb(&["verify", &s(&own), "--source", &s(&bad)]);
                assert!(matches!(v.code, Some(1 | 2)), "verify --source {what}: {:?}", v.code);
            }
        }
    }
    eprintln!("{runs} tool runs on corrupted files");
    assert!(runs > 1000, "only {runs} tool runs");
}

/// Many failing conversions, in-process through the same function the CLI calls: each leaves
/// the existing destination byte-identical and no temporary file behind.
#[test]
fn failed_conversions_of_corrupted_sources_leave_the_destination_untouched() {
    let tmp = TempDir::new("faults-atomic");
    let golden = std::fs::read(data().join("golden/transnas_small.tnb")).unwrap();
    let dst = tmp.path("keep.tnb");
    std::fs::write(&dst, &golden).unwrap();
    let mut failed = 0;
    for name in ["ints.pth", "tensors_legacy.pth"] {
        let file = std::fs::read(data().join(name)).unwrap();
        for f in faults(file.len(), sample(file.len(), 400).into_iter()) {
            let bad = f.apply(&file);
            // Only the corruptions that fail: a success replaces the destination, as it should.
            if tnb_convert::convert_bytes(&bad).is_ok() {
                continue;
            }
            let src = tmp.path("src.pth");
            std::fs::write(&src, &bad).unwrap();
            let r = tnb_convert::convert_file(&src, &dst, &mut |_| {}, &tnb_verify::opens);
            assert!(r.is_err(), "{name} {f:?}: converted from a file convert_bytes refused");
            failed += 1;
        }
    }
    assert!(std::fs::read(&dst).unwrap() == golden, "a failed conversion changed the destination");
    let mut left: Vec<String> = std::fs::read_dir(&tmp.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["keep.tnb", "src.pth"], "files left behind");
    eprintln!("{failed} failed conversions over an existing archive");
    assert!(failed > 1000, "only {failed} failing conversions");
}

/// A source big enough that a conversion takes a while in this build: a look-alike of the real
/// benchmark with fewer architectures (the layout, tasks and epochs of the real file).
fn big_source(tmp: &TempDir) -> PathBuf {
    use tnb_synth::{Container, Options, Synth};
    let opts = Options { archs: 1500, seed: 3, ..Options::default() };
    let src = tmp.path("big.pth");
    let bytes = Synth::new(opts).unwrap().file_bytes(&Container::Zip { folder: "big".into() });
    std::fs::write(&src, bytes.unwrap()).unwrap();
    src
}

/// When to kill a conversion, from the time since it started and the path of the temporary
/// file it writes (`.<name>.tnb-tmp-<pid>-...`, see `tnb_convert::write_file`).
type KillPlan = Box<dyn FnMut(Duration, &Path) -> bool>;

/// Starts `tnb convert SRC DST` and kills it with SIGKILL when `when` says so (polled every
/// millisecond); returns whether it was killed before exiting on its own.
fn convert_killed(src: &Path, dst: &Path, when: &mut dyn FnMut(Duration, &Path) -> bool) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tnb"))
        .args(["convert", "-q"])
        .arg(src)
        .arg(dst)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn tnb convert");
    let name = dst.file_name().unwrap().to_string_lossy();
    // `.<name>.tnb-tmp-<pid>-<call>-<nanos>`: found by its prefix once it exists.
    let prefix = format!(".{name}.tnb-tmp-{}-", child.id());
    let dir = dst.parent().unwrap();
    let mut temp = dst.with_file_name(&prefix);
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "tnb convert failed on its own: {status}");
            return false;
        }
        if !temp.exists() {
            if let Some(t) = temp_files(dir)
                .into_iter()
                .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix.as_str()))
            {
                temp = t;
            }
        }
        if when(start.elapsed(), &temp) {
            // `Child::kill` sends SIGKILL on Unix: no handler, no cleanup runs.
            child.kill().expect("kill");
            let status = child.wait().expect("wait");
            return status.code().is_none();
        }
        assert!(start.elapsed() < Duration::from_secs(300), "tnb convert hung");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The temporary files a killed conversion may leave next to `dst`: `.<name>.tnb-tmp-<pid>-...`.
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(".tnb-tmp-"))
        .collect()
}

/// SIGKILL at several moments of a conversion, including while the archive is being written:
/// the destination is never a partial file. It does not exist (nothing was there before) or is
/// the previous archive byte for byte, or, once the rename has happened, the complete new
/// archive. Only a `.<name>.tnb-tmp-<pid>-...` file may remain (a killed process cannot clean up;
/// see `tnb_convert::write_file`), and a later conversion succeeds.
#[test]
fn a_conversion_killed_midway_leaves_no_partial_destination() {
    let tmp = TempDir::new("faults-kill");
    let src = big_source(&tmp);
    let done = tmp.path("complete.tnb");
    let start = Instant::now();
    assert!(!convert_killed(&src, &done, &mut |_, _| false));
    let full = start.elapsed();
    let complete = std::fs::read(&done).unwrap();
    let previous = std::fs::read(data().join("golden/transnas_small.tnb")).unwrap();

    // Delays spread over the whole run, then kills at the moment the temporary file appears
    // and while it grows (the write phase, the only time a partial file exists at all).
    let mut plans: Vec<(String, KillPlan)> = Vec::new();
    for pct in [10u32, 50, 85] {
        let at = full * pct / 100;
        plans.push((format!("{pct}% of {full:?}"), Box::new(move |t, _| t >= at)));
    }
    for min_len in [1u64, 4 << 20] {
        plans.push((
            format!("temp file of {min_len} bytes"),
            Box::new(move |_, temp| std::fs::metadata(temp).is_ok_and(|m| m.len() >= min_len)),
        ));
    }
    let mut killed = 0;
    for (with_previous, label) in [(false, "new"), (true, "over")] {
        for (what, plan) in plans.iter_mut() {
            let dst = tmp.path(&format!("{label}.tnb"));
            let _ = std::fs::remove_file(&dst);
            if with_previous {
                std::fs::write(&dst, &previous).unwrap();
            }
            killed += usize::from(convert_killed(&src, &dst, plan.as_mut()));
            match std::fs::read(&dst) {
                Err(e) => assert!(!with_previous, "{label}, killed at {what}: dst gone: {e}"),
                Ok(b) => assert!(
                    b == complete || (with_previous && b == previous),
                    "{label}, killed at {what}: the destination is a partial file ({} bytes)",
                    b.len()
                ),
            }
            // No file other than temporaries appeared.
            for entry in std::fs::read_dir(&tmp.0).unwrap() {
                let n = entry.unwrap().file_name().to_string_lossy().into_owned();
                assert!(
                    ["big.pth", "complete.tnb", "new.tnb", "over.tnb"].contains(&n.as_str())
                        || (n.starts_with('.') && n.contains(".tnb-tmp-")),
                    "unexpected file {n}"
                );
            }
        }
    }
    eprintln!(
        "killed {killed} of {} conversions (full run {full:?}); {} temporary files left",
        2 * plans.len(),
        temp_files(&tmp.0).len()
    );
    assert!(killed >= 5, "only {killed} of {} conversions were killed midway", 2 * plans.len());
    // Killed while writing: what the temporary files prove (the kills at its appearance).
    assert!(!temp_files(&tmp.0).is_empty(), "no conversion was killed while writing");
    // Temporaries of killed runs do not block later conversions (each has its own pid).
    let dst = tmp.path("over.tnb");
    assert!(!convert_killed(&src, &dst, &mut |_, _| false));
    assert!(std::fs::read(&dst).unwrap() == complete);
}

/// Builds the hostile inputs of issue 12 that are too big to commit (the small ones are fuzz
/// seeds named `hostile_*`), each from a few bytes of pattern.
fn hostile_big_inputs(tmp: &TempDir) -> Vec<(PathBuf, &'static str)> {
    let binput = |i: u32| [&b"r"[..], &i.to_le_bytes()].concat();
    let binget = |i: u32| [&b"j"[..], &i.to_le_bytes()].concat();
    let mut out = Vec::new();
    let mut put = |name: &str, bytes: Vec<u8>, want: &'static str| {
        let p = tmp.path(name);
        std::fs::write(&p, bytes).unwrap();
        out.push((p, want));
    };
    // Protocol-0 ints of a million digits: refused before the quadratic conversion.
    let mut b = b"L".to_vec();
    b.extend(std::iter::repeat_n(b'7', 1_000_000));
    b.extend_from_slice(b"L\n.");
    put("long_digits.pkl", b, "MAX_INT_DIGITS");
    // 10^5 distinct NaN keys in one dict: one bucket each, accepted quickly.
    let mut b = b"\x80\x02}(".to_vec();
    for _ in 0..100_000 {
        b.push(b'G');
        b.extend_from_slice(&f64::NAN.to_be_bytes());
        b.push(b'N');
    }
    b.extend_from_slice(b"u.");
    put("nan_keys.pkl", b, "");
    // Two equal frozensets of 10^5 ints in one set: merged by lookups, not pairwise.
    let mut fs = b"(".to_vec();
    for i in 0..100_000i32 {
        fs.push(b'J');
        fs.extend_from_slice(&i.to_le_bytes());
    }
    fs.push(0x91);
    let b = [&b"\x80\x04\x8f("[..], &fs, &fs, b"\x90."].concat();
    put("frozenset_twins.pkl", b, "");
    // 10^5 sparse memo ids (below the memo limit, 2^25: larger ones are refused), then 10^5
    // dense ones.
    let mut b = b"\x80\x02N".to_vec();
    for i in 0..100_000u32 {
        b.extend(binput(20_000_000 + 3 * i));
    }
    for i in 0..100_000u32 {
        b.extend(binput(i));
    }
    b.push(b'.');
    put("memo_sparse_dense.pkl", b, "");
    // 2^20 references to one 1 MB string: refused by the bytes a walk would produce.
    let mut b = b"\x80\x02X".to_vec();
    b.extend_from_slice(&(1u32 << 20).to_le_bytes());
    b.extend(std::iter::repeat_n(b'x', 1 << 20));
    b.extend(binput(0));
    b.extend_from_slice(b"0(");
    (0..1024).for_each(|_| b.extend(binget(0)));
    b.push(b'l');
    b.extend(binput(1));
    b.extend_from_slice(b"0(");
    (0..1024).for_each(|_| b.extend(binget(1)));
    b.extend_from_slice(b"l.");
    put("string_refs.pkl", b, "expanded size in string bytes");
    // LONG_BINPUTs 64 ids apart up to the memo limit (2^25; ids beyond it are refused): memory
    // stays a small multiple of the input.
    let mut b = b"\x80\x02N".to_vec();
    for i in 0..(1u32 << 25) / 64 {
        b.extend(binput(i * 64));
    }
    b.push(b'.');
    put("memo_gap64.pkl", b, "");
    // One id past it.
    let b = [&b"\x80\x02N"[..], &binput(1 << 25), b"."].concat();
    put("memo_id_past_limit.pkl", b, "memo id exceeds the limit of 33554432");
    // 2^26 - 4 empty lists (64 MB): refused by MAX_BUILT before the passes over them.
    let mut b = b"\x80\x02](".to_vec();
    b.extend(std::iter::repeat_n(b']', (1 << 26) - 4));
    b.extend_from_slice(b"e.");
    put("empty_lists.pkl", b, "MAX_BUILT");
    out
}

/// Issue 12: every class of hostile input ends with its exact outcome, through `dump`
/// and `convert` (and `verify --source` and `dump` of the archive when it converts), with a
/// one-line error free of control characters. The commands run under `ulimit -v` (see
/// `common::run_bin`); the time bound here is a per-command hang guard.
#[test]
fn hostile_inputs_end_with_their_exact_outcome() {
    let tmp = TempDir::new("faults-hostile");
    let seeds = data().join("../fuzz/seeds");
    let mut cases: Vec<(PathBuf, &str)> = [
        ("pth/hostile_tensor_geometry_wrap.pth", "reaches past any storage"),
        ("pth/hostile_stride0_tensor.pth", "TENSOR_ELEMENT_SLACK"),
        ("pth/hostile_zip_duplicate_data_pkl.pth", "'archive/data.pkl': appears twice"),
        ("pth/hostile_zip_duplicate_other.pth", "'archive/version': appears twice"),
        ("pth/hostile_zip_outside_folder.pth", "lies outside the folder 'archive'"),
        ("pth/hostile_zip_local_name_differs.pth", "the two directories disagree"),
        ("pth/hostile_legacy_wrong_magic.pth", "not the magic number"),
        ("pickle/hostile_tuple_self_share.pkl", ""),
        ("pickle/hostile_tuple_equal_twins.pkl", "MAX_KEY_WORK"),
        ("pickle/hostile_pickle_trailing_bytes.pkl", "not the magic number"),
        ("pickle/hostile_global_escape.pkl", "is not allowed"),
    ]
    .into_iter()
    .map(|(p, w)| (seeds.join(p), w))
    .collect();
    cases.extend(hostile_big_inputs(&tmp));
    // A hang guard, not a speed check: on a loaded 2-core machine an unoptimised build took 71 s
    // for one case whose release build takes a few seconds, so a tight bound here only flakes.
    // How fast each class ends (the 10 s release figure) is measured by hand with the release
    // binary and stated in the README; what this test pins is the outcome, and that it ends.
    let bound = Duration::from_secs(if cfg!(debug_assertions) { 600 } else { 120 });
    for (path, want) in &cases {
        let p = path.to_str().unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let dst = tmp.path(&format!("{name}.tnb"));
        let d = dst.to_str().unwrap();
        let mut runs = vec![vec!["dump", p], vec!["convert", p, d]];
        if want.is_empty() {
            runs.push(vec!["verify", d, "--source", p]);
            runs.push(vec!["dump", d]);
        }
        for args in runs {
            let start = Instant::now();
            let r = tnb(&args);
            let took = start.elapsed();
            assert!(took < bound, "{name} {args:?}: took {took:?}");
            if want.is_empty() {
                assert_eq!(r.code, Some(0), "{name} {args:?}: {}", r.stderr);
            } else {
                r.assert_clean_error(&format!("{name} {args:?}"));
                assert!(r.stderr.contains(want), "{name} {args:?}: {}", r.stderr);
                assert!(
                    !r.stderr.trim_end().chars().any(char::is_control),
                    "{name}: control characters in {:?}",
                    r.stderr
                );
                assert!(r.stderr.len() < 1000, "{name}: an error line of {}", r.stderr.len());
            }
        }
    }
}

/// Issue 12: converting onto the source (directly, through a symlink or a hard link) or onto a
/// FIFO is refused and leaves both untouched; a stale temporary file of a dead process is
/// removed by the next conversion.
#[test]
fn destinations_that_are_the_source_or_special_files_are_refused() {
    let tmp = TempDir::new("faults-dest");
    let src = tmp.path("src.pth");
    std::fs::copy(data().join("transnas_small.pth"), &src).unwrap();
    let before = std::fs::read(&src).unwrap();
    let link = tmp.path("link.pth");
    std::os::unix::fs::symlink(&src, &link).unwrap();
    let hard = tmp.path("hard.pth");
    std::fs::hard_link(&src, &hard).unwrap();
    let fifo = tmp.path("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let s = src.to_str().unwrap();
    for (dst, want) in [
        (&src, "is the source file itself"),
        (&link, "is the source file itself"),
        (&hard, "is the source file itself"),
        (&fifo, "is not a regular file"),
    ] {
        let r = tnb(&["convert", s, dst.to_str().unwrap()]);
        r.assert_clean_error(&format!("convert onto {}", dst.display()));
        assert!(r.stderr.contains(want), "{}", r.stderr);
    }
    assert_eq!(std::fs::read(&src).unwrap(), before, "the source was changed");
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    // A dead pid's temporary file is removed; it never makes the conversion fail.
    let stale = tmp.path(".out.tnb.tnb-tmp-4194303");
    std::fs::write(&stale, b"partial").unwrap();
    let out = tmp.path("out.tnb");
    assert_eq!(tnb(&["convert", s, out.to_str().unwrap()]).code, Some(0));
    assert!(!stale.exists(), "the stale temporary file was kept");
}

/// Issue 12: a forged archive (payload changed, checksums recomputed) whose ranking is a
/// permutation in the wrong order passes open but fails `verify --source`; one whose ranking
/// repeats an arch is refused at open.
#[test]
fn forged_rankings_fail_verify_or_open() {
    let tmp = TempDir::new("faults-forged");
    let src = data().join("transnas_small.pth");
    let bytes = std::fs::read(&src).unwrap();
    let bench = tnb_convert::build(&bytes, &tnb_pickle::Limits::default()).unwrap();
    let sha = tnb_convert::sha256(&bytes);
    let write = |b: &tnb_schema::transnas::Benchmark, name: &str| {
        let p = tmp.path(name);
        std::fs::write(&p, tnb_convert::to_bytes(b, bytes.len() as u64, sha).unwrap()).unwrap();
        p
    };
    let mut swapped = bench.clone();
    swapped.tasks[0].ranking.swap(0, 1);
    let p = write(&swapped, "swapped.tnb");
    let r = tnb(&["verify", p.to_str().unwrap(), "--source", src.to_str().unwrap()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("the ranking (get_best_archs order) differs"), "{}", r.stderr);
    let mut best = bench.clone();
    best.tasks[0].best[0] ^= 1;
    let p = write(&best, "best.tnb");
    let r = tnb(&["verify", p.to_str().unwrap(), "--source", src.to_str().unwrap()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("the best epochs differs"), "{}", r.stderr);
    let mut dup = bench;
    dup.tasks[0].ranking[1] = dup.tasks[0].ranking[0];
    let p = write(&dup, "dup.tnb");
    let r = tnb(&["info", p.to_str().unwrap()]);
    r.assert_clean_error("a ranking with a repeated arch");
    assert!(r.stderr.contains("not a permutation"), "{}", r.stderr);
}

/// Issue 12: an archive whose generic values share one big string many times (what the reader
/// refuses in a pickle, built here with the reader's limits raised) is refused at open by the
/// same limit on bytes a walk produces, before `dump` or `verify` could walk it.
#[test]
fn archives_with_hostile_sharing_are_refused_before_any_walk() {
    // [[s] * 1024] * 1024 with s a 1 KiB string: 1 GiB of string bytes for a walk.
    let mut b = b"\x80\x02X".to_vec();
    b.extend_from_slice(&1024u32.to_le_bytes());
    b.extend(std::iter::repeat_n(b'x', 1024));
    b.extend_from_slice(b"q\x000(");
    b.extend(std::iter::repeat_n(&b"h\x00"[..], 1024).flatten());
    b.extend_from_slice(b"lq\x010(");
    b.extend(std::iter::repeat_n(&b"h\x01"[..], 1024).flatten());
    b.extend_from_slice(b"l.");
    let refused = tnb_convert::build(&b, &tnb_pickle::Limits::default()).unwrap_err();
    assert!(refused.to_string().contains("expanded size in string bytes"), "{refused}");
    let raised = tnb_pickle::Limits { max_expanded_bytes: u64::MAX, ..Default::default() };
    let bench = tnb_convert::build(&b, &raised).unwrap();
    let archive = tnb_convert::to_bytes(&bench, b.len() as u64, tnb_convert::sha256(&b)).unwrap();
    let start = Instant::now();
    let e = Store::copy_from(&archive).unwrap_err();
    assert!(e.to_string().contains("MAX_EXPANDED_BYTES"), "{e}");
    assert!(start.elapsed() < Duration::from_secs(1));
}
