//! The streaming reader against the in-memory one: on every committed fixture without tensors,
//! `stream_scan` + `stream_load` give exactly the object `tnb_pth::load` gives (with the split
//! dict's entries put back in order), with and without streaming a dict; and the container
//! layer's refusals (tensors, damaged framing, trailing bytes) are one line each.

use std::path::{Path, PathBuf};

use tnb_pickle::{Arena, Ref};
use tnb_pth::{Format, Obj, StreamLimits, stream_load, stream_scan};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data")
}

/// The arena's value as an owned tree (shared values copied at every reference). `None` for
/// what the streaming reader has no owned form for (sets, tensors, leftover objects).
fn to_obj(a: &Arena<'_>, r: Ref) -> Option<Obj> {
    Obj::from_arena(a, r, usize::MAX).ok()
}

/// The arena does not tell an OrderedDict from a dict: compare without that flag (the flag is
/// checked on crafted pickles in tnb-pickle's tests and below).
fn unordered(o: &mut Obj) {
    match o {
        Obj::Tuple(v) | Obj::List(v) => v.iter_mut().for_each(unordered),
        Obj::Dict { items, ordered } => {
            *ordered = false;
            for (k, v) in items {
                unordered(k);
                unordered(v);
            }
        }
        _ => {}
    }
}

/// Bit-exact equality (NaN payloads included), which `PartialEq` on floats is not.
fn same(a: &Obj, b: &Obj) -> bool {
    match (a, b) {
        (Obj::Float(x), Obj::Float(y)) => x.to_bits() == y.to_bits(),
        (Obj::Tuple(x), Obj::Tuple(y)) | (Obj::List(x), Obj::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Obj::Dict { items: x, ordered: o1 }, Obj::Dict { items: y, ordered: o2 }) => {
            o1 == o2
                && x.len() == y.len()
                && x.iter().zip(y).all(|((k1, v1), (k2, v2))| same(k1, k2) && same(v1, v2))
        }
        _ => a == b,
    }
}

fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("pth" | "pkl")))
        .collect();
    v.sort();
    v
}

/// Streams `path`, splitting on `split`, and puts the handed-out entries back into the split
/// dict (in order) so that the result compares with the whole object.
fn stream_whole(path: &Path, split: &str) -> Result<(Obj, usize), tnb_pth::Error> {
    let limits = StreamLimits::default();
    let scan = stream_scan(path, &limits, &mut |_, _| {})?;
    let mut entries = Vec::new();
    let mut top = stream_load(
        path,
        &scan,
        split,
        &limits,
        &mut |k, v| {
            entries.push((k, v));
            Ok(())
        },
        &mut |_, _| {},
    )?;
    let n = entries.len();
    if let Obj::Dict { items, .. } = &mut top {
        if let Some((_, Obj::Dict { items: inner, .. })) =
            items.iter_mut().find(|(k, _)| k.as_str() == Some(split))
        {
            assert!(inner.is_empty() || n == 0, "{}: the streamed dict kept items", path.display());
            if n > 0 {
                *inner = entries;
            }
        }
    }
    Ok((top, n))
}

#[test]
fn every_fixture_without_tensors_streams_to_the_same_object() {
    let mut compared = 0;
    let mut split_compared = 0;
    let mut refused_shared: Vec<String> = Vec::new();
    for path in fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let doc = tnb_pth::load(&bytes).unwrap();
        let Some(mut want) = to_obj(&doc.pickle.arena, doc.pickle.root) else {
            // Tensors or sets: the streaming reader must refuse with one line.
            let limits = StreamLimits::default();
            let e = stream_scan(&path, &limits, &mut |_, _| {}).and_then(|s| {
                stream_load(&path, &s, "x", &limits, &mut |_, _| Ok(()), &mut |_, _| {})
            });
            let msg = e.expect_err(&path.display().to_string()).to_string();
            assert!(!msg.contains('\n'), "{msg}");
            assert!(msg.contains("not supported by the streaming reader"), "{msg}");
            continue;
        };
        unordered(&mut want);
        // Without a split (a key that is not there).
        let (mut got, n) = stream_whole(&path, "\u{0}no such key").unwrap();
        assert_eq!(n, 0);
        unordered(&mut got);
        assert!(same(&got, &want), "{}: streamed object differs", path.display());
        compared += 1;
        // Split on every top-level key whose value is a dict.
        if let Obj::Dict { items, .. } = &want {
            for (k, v) in items {
                let (Some(k), Obj::Dict { items: inner, .. }) = (k.as_str(), v) else {
                    continue;
                };
                let (mut got, n) = match stream_whole(&path, k) {
                    Ok(r) => r,
                    Err(e) => {
                        // A streamed dict (or a container in one of its entries) that a later
                        // memo get reads again cannot be streamed: refused naming the memo id.
                        let e = e.to_string();
                        assert!(e.contains("already handed out or dropped"), "{e}");
                        assert!(e.contains("memo id "), "{e}");
                        let file = path.file_name().unwrap().to_string_lossy().into_owned();
                        refused_shared.push(format!("{file}:{k}"));
                        continue;
                    }
                };
                assert_eq!(n, inner.len(), "{}: entries of '{k}'", path.display());
                unordered(&mut got);
                assert!(same(&got, &want), "{}: split on '{k}' differs", path.display());
                split_compared += 1;
            }
        }
        // The scan's keys are the top-level dict's str keys.
        let scan = stream_scan(&path, &StreamLimits::default(), &mut |_, _| {}).unwrap();
        let keys = match &want {
            Obj::Dict { items, .. } => {
                Some(items.iter().filter_map(|(k, _)| k.as_str().map(str::to_owned)).collect())
            }
            _ => None,
        };
        if scan.top_keys.is_some() {
            assert_eq!(scan.top_keys, keys, "{}", path.display());
        }
        let format = doc.format.clone();
        assert_eq!(scan.format, format, "{}", path.display());
    }
    assert!(compared >= 10, "only {compared} fixtures compared");
    assert!(split_compared >= 3, "only {split_compared} split comparisons");
    // shared_lists.pth's 'd1' is read again by 'd2'; transnas_variant.pth's metrics_dict holds
    // lists that later keys read again.
    assert_eq!(refused_shared, ["shared_lists.pth:d1", "transnas_variant.pth:metrics_dict"]);
}

#[test]
fn transnas_fixtures_stream_their_data_dict_entry_by_entry() {
    for name in ["transnas_small.pth", "transnas_small_legacy.pth"] {
        let path = data_dir().join(name);
        let (_, n) = stream_whole(&path, "data").unwrap();
        assert_eq!(n, 2, "{name}: 'data' holds 'macro' and 'micro'");
        let scan = stream_scan(&path, &StreamLimits::default(), &mut |_, _| {}).unwrap();
        assert_eq!(
            scan.top_keys.as_deref(),
            Some(&["task_list", "metrics_dict", "info_names", "data"].map(String::from)[..])
        );
        assert_eq!(scan.format.name(), if name.contains("legacy") { "legacy" } else { "zip" });
    }
}

fn tmp(name: &str, bytes: &[u8]) -> PathBuf {
    // Cargo's scratch folder for integration tests (under target/), not the system's /tmp.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("stream");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn scan_err(path: &Path) -> String {
    let e = stream_scan(path, &StreamLimits::default(), &mut |_, _| {}).unwrap_err().to_string();
    assert!(!e.contains('\n'), "{e}");
    e
}

#[test]
fn container_refusals_are_one_line() {
    // Tensors in a legacy file: the storage-key list is not empty.
    let e = scan_err(&data_dir().join("tensors_legacy.pth"));
    assert!(e.contains("not supported by the streaming reader"), "{e}");
    // A bare pickle followed by bytes.
    let e = scan_err(&tmp("trailing.pkl", b"\x80\x02N.\x80\x02N."));
    assert!(e.contains("magic number"), "{e}");
    // A legacy file cut inside its object pickle.
    let full = std::fs::read(data_dir().join("transnas_small_legacy.pth")).unwrap();
    let e = scan_err(&tmp("cut.pth", &full[..full.len() / 2]));
    assert!(e.contains("legacy object pickle") && e.contains("truncated"), "{e}");
    // A zip whose data.pkl bytes were changed: the CRC check of pass 1.
    let mut z = std::fs::read(data_dir().join("transnas_small.pth")).unwrap();
    let at = z.windows(9).position(|w| w == b"task_list").unwrap();
    z[at] = b'T';
    let e = scan_err(&tmp("crc.pth", &z));
    assert!(e.contains("CRC-32"), "{e}");
    // Not a regular file.
    let e = scan_err(Path::new("/dev/null"));
    assert!(e.contains("not a regular file"), "{e}");
}

#[test]
fn an_error_from_the_consumer_stops_the_read_with_the_offset() {
    let path = data_dir().join("transnas_small_legacy.pth");
    let limits = StreamLimits::default();
    let scan = stream_scan(&path, &limits, &mut |_, _| {}).unwrap();
    assert_eq!(scan.format, Format::Legacy);
    let e = stream_load(
        &path,
        &scan,
        "data",
        &limits,
        &mut |k, _| Err(format!("no thanks ({})", k.as_str().unwrap_or("?"))),
        &mut |_, _| {},
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("legacy object pickle (from file byte "), "{e}");
    assert!(e.contains("byte ") && e.contains("entry \"macro\": no thanks (macro)"), "{e}");
}

/// Throughput and memory on a big file, by hand (never timed in CI):
/// `TNB_STREAM_FILE=/tmp/nb201/full_v1_1.pth /usr/bin/time -v cargo test --release -p tnb-pth
/// --test stream measure -- --ignored --nocapture`.
#[test]
#[ignore = "needs a multi-GB file; run by hand"]
fn measure() {
    let Some(path) = std::env::var_os("TNB_STREAM_FILE") else {
        return;
    };
    let path = PathBuf::from(path);
    let limits = StreamLimits::default();
    let t = std::time::Instant::now();
    let scan = stream_scan(&path, &limits, &mut |_, _| {}).unwrap();
    let t1 = t.elapsed().as_secs_f64();
    let mb = scan.pickle_len as f64 / 1e6;
    println!("pass 1: {mb:.0} MB in {t1:.2} s = {:.0} MB/s; {:?}", mb / t1, scan.stats);
    println!("top keys: {:?}", scan.top_keys);
    let t = std::time::Instant::now();
    let mut n = 0u64;
    let top = stream_load(
        &path,
        &scan,
        "arch2infos",
        &limits,
        &mut |_, _| {
            n += 1;
            Ok(())
        },
        &mut |_, _| {},
    )
    .unwrap();
    let t2 = t.elapsed().as_secs_f64();
    println!("pass 2: {n} entries in {t2:.2} s = {:.0} MB/s", mb / t2);
    println!(
        "total {:.2} s; top has {} keys",
        t1 + t2,
        match &top {
            Obj::Dict { items, .. } => items.len(),
            _ => 0,
        }
    );
}

fn unicode(p: &mut Vec<u8>, s: &str) {
    p.push(b'X');
    p.extend_from_slice(&(s.len() as u32).to_le_bytes());
    p.extend_from_slice(s.as_bytes());
}

/// `{'a': np.float64(1.5), 'b': np.float64(-0.25), 'c': np.float64(2**-1074)}` as numpy writes
/// it: the globals and the dtype memoized once and read again by `BINGET`; the dtype's
/// arguments as ints (`('f8', 0, 1)`, numpy 1.x) for the first and as bools (`('f8', False,
/// True)`, numpy 2) for the second, the data as `_codecs.encode(latin-1 text, 'latin1')` sent
/// as UTF-8.
fn numpy_pickle() -> Vec<u8> {
    let mut p = b"\x80\x02}q\x00(".to_vec();
    let values = [1.5f64, -0.25, f64::from_bits(1)];
    for (i, v) in values.iter().enumerate() {
        unicode(&mut p, ["a", "b", "c"][i]);
        if i == 0 {
            p.extend_from_slice(b"cnumpy.core.multiarray\nscalar\nq\x01cnumpy\ndtype\nq\x02");
        } else {
            p.extend_from_slice(b"h\x01h\x02");
        }
        if i < 2 {
            unicode(&mut p, "f8");
            p.extend_from_slice(if i == 0 { b"K\x00K\x01" } else { b"\x89\x88" });
            p.extend_from_slice(b"\x87R(K\x03");
            unicode(&mut p, "<");
            p.extend_from_slice(b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb");
            if i == 1 {
                p.extend_from_slice(b"q\x03");
            }
        } else {
            p.extend_from_slice(b"0h\x03");
        }
        let text: String = v.to_le_bytes().iter().map(|&b| char::from(b)).collect();
        p.extend_from_slice(b"c_codecs\nencode\n");
        unicode(&mut p, &text);
        unicode(&mut p, "latin1");
        p.extend_from_slice(b"\x86R\x86R");
    }
    p.extend_from_slice(b"u.");
    p
}

#[test]
fn numpy_scalars_with_int_and_bool_dtype_arguments() {
    let p = numpy_pickle();
    let doc = tnb_pth::load(&p).unwrap();
    let want = to_obj(&doc.pickle.arena, doc.pickle.root).unwrap();
    let path = tmp("numpy.pkl", &p);
    let (got, n) = stream_whole(&path, "none").unwrap();
    assert_eq!(n, 0);
    assert!(same(&got, &want));
    let Obj::Dict { items, .. } = &got else { panic!() };
    let bits: Vec<u64> = items
        .iter()
        .map(|(_, v)| match v {
            Obj::Scalar(s) if s.dtype == tnb_pickle::Dtype::F64 => s.bits,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(bits, [1.5f64.to_bits(), (-0.25f64).to_bits(), 1]);
}

#[test]
fn ordered_dicts_keep_their_kind_and_can_be_streamed() {
    let code = "import pickle, sys, collections\n\
        od = collections.OrderedDict((e, e / 3) for e in range(5))\n\
        sys.stdout.buffer.write(pickle.dumps({'t': od, 'archs': collections.OrderedDict([(1, od), (2, 'x')])}, protocol=2))";
    let out = std::process::Command::new("python3").arg("-c").arg(code).output().unwrap();
    assert!(out.status.success());
    let path = tmp("ordered.pkl", &out.stdout);
    let (got, _) = stream_whole(&path, "none").unwrap();
    let Obj::Dict { items, ordered: false } = &got else { panic!("{got:?}") };
    let Obj::Dict { items: t, ordered: true } = &items[0].1 else { panic!("{got:?}") };
    assert_eq!(t.len(), 5);
    assert_eq!(t[4], (Obj::Int(4), Obj::Float(4.0 / 3.0)));
    // The same against the arena reader (which does not keep the OrderedDict flag).
    let doc = tnb_pth::load(&out.stdout).unwrap();
    let mut want = to_obj(&doc.pickle.arena, doc.pickle.root).unwrap();
    unordered(&mut want);
    let mut plain = got.clone();
    unordered(&mut plain);
    assert!(same(&plain, &want));
    // An OrderedDict as the streamed dict: its entries are handed out (at its SETITEMS).
    let (got, n) = stream_whole(&path, "archs").unwrap();
    assert_eq!(n, 2);
    let mut plain = got;
    unordered(&mut plain);
    assert!(same(&plain, &want));
}

/// Truncated and bit-flipped files: one line each, never a panic (the fuzz target `stream`
/// covers the pickle machine itself at random).
#[test]
fn damaged_files_give_one_line_errors() {
    let full = std::fs::read(data_dir().join("transnas_small_legacy.pth")).unwrap();
    let limits = StreamLimits::default();
    let mut refused = 0;
    let step = full.len() / 97;
    for (i, at) in (0..full.len()).step_by(step.max(1)).enumerate() {
        let mut bad = full.clone();
        if i % 2 == 0 {
            bad[at] ^= 1 << (i % 8);
        } else {
            bad.truncate(at);
        }
        let path = tmp(&format!("damaged{i}.pth"), &bad);
        let r = stream_scan(&path, &limits, &mut |_, _| {}).and_then(|s| {
            stream_load(&path, &s, "data", &limits, &mut |_, _| Ok(()), &mut |_, _| {})
        });
        if let Err(e) = r {
            let e = e.to_string();
            assert!(!e.contains('\n') && !e.is_empty(), "{e}");
            refused += 1;
        }
        let _ = std::fs::remove_file(&path);
    }
    assert!(refused > 40, "only {refused} of the damaged files were refused");
}

/// A bare pickle in memory as a re-openable source; `fail_after` makes each pass's reader fail
/// after that many bytes with a message of its own (as a bz2 decoder does).
struct Mem {
    bytes: Vec<u8>,
    fail_after: Option<usize>,
}

struct MemReader<'a> {
    src: &'a Mem,
    at: usize,
}

impl std::io::Read for MemReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.src.fail_after.is_some_and(|n| self.at >= n) {
            return Err(std::io::Error::other("mem.pbz2: corrupt bz2 data"));
        }
        let end = self.src.bytes.len().min(self.at + buf.len().min(4096));
        let n = end - self.at;
        buf[..n].copy_from_slice(&self.src.bytes[self.at..end]);
        self.at = end;
        Ok(n)
    }
}

impl<'a> tnb_pth::Reopen for &'a Mem {
    type Reader = MemReader<'a>;
    fn reopen(&self) -> Result<MemReader<'a>, tnb_pth::Error> {
        Ok(MemReader { src: self, at: 0 })
    }
    fn name(&self) -> String {
        "mem.pbz2".into()
    }
}

#[test]
fn a_reopened_source_streams_like_a_file() {
    use tnb_pth::{StreamTorchHooks, stream_load_source, stream_scan_source};
    let limits = StreamLimits::default();
    // {'meta': [1, 2], 'a': {0: OrderedDict(x=1.5), 1: np.float64 scalar}}, protocol 4.
    let p = b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x04meta\x94]\x94(K\x01K\x02e\x8c\x01a\x94}\x94(K\x00\x8c\x0bcollections\x94\x8c\x0bOrderedDict\x94\x93\x94)R\x94\x8c\x01x\x94G?\xf8\x00\x00\x00\x00\x00\x00sK\x01\x8c\x15numpy.core.multiarray\x94\x8c\x06scalar\x94\x93\x94\x8c\x05numpy\x94\x8c\x05dtype\x94\x93\x94\x8c\x02f8\x94K\x00K\x01\x87\x94R\x94(K\x03\x8c\x01<\x94NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00t\x94bC\x08\x00\x00\x00\x00\x00\x00\xf8?\x94\x86\x94R\x94uu.";
    let src = Mem { bytes: p.to_vec(), fail_after: None };
    let s = stream_scan_source(&&src, &limits, &mut |_| {}).unwrap();
    assert_eq!(s.pickle_len, p.len() as u64);
    assert_eq!(s.top_keys.as_deref(), Some(&["meta".to_owned(), "a".to_owned()][..]));
    let mut entries = Vec::new();
    let mut hooks = StreamTorchHooks::numpy_data();
    let top = stream_load_source(
        &&src,
        &s,
        &mut hooks,
        Some("a"),
        &limits,
        &mut |k, v| {
            entries.push((k, v));
            Ok(())
        },
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(top.get("meta"), Some(&Obj::List(vec![Obj::Int(1), Obj::Int(2)])));
    assert_eq!(entries.len(), 2);
    assert!(matches!(&entries[0].1, Obj::Dict { ordered: true, items } if items.len() == 1));
    assert!(matches!(&entries[1].1, Obj::Scalar(x) if x.bits == 1.5f64.to_bits()));
    // Bytes after the STOP.
    let trailing = Mem { bytes: [&p[..], b"\x00\x00"].concat(), fail_after: None };
    let e = stream_scan_source(&&trailing, &limits, &mut |_| {}).unwrap_err().to_string();
    assert_eq!(
        e,
        format!("mem.pbz2 (the pickle): byte {}: 2 bytes follow the pickle's STOP", p.len())
    );
    // Cut short: the pickle reader's truncation (the length was not known in advance).
    let cut = Mem { bytes: p[..p.len() - 9].to_vec(), fail_after: None };
    let e = stream_scan_source(&&cut, &limits, &mut |_| {}).unwrap_err();
    assert!(e.to_string().starts_with("mem.pbz2 (the pickle): byte "), "{e}");
    assert!(e.to_string().contains("truncated"), "{e}");
    // The reader's own error is returned as it is.
    let failing = Mem { bytes: p.to_vec(), fail_after: Some(40) };
    let e = stream_scan_source(&&failing, &limits, &mut |_| {}).unwrap_err().to_string();
    assert_eq!(e, "mem.pbz2: corrupt bz2 data");
    // Past the size limit: the limit's error.
    let small = StreamLimits { max_pickle_size: 50, ..limits };
    let e = stream_scan_source(&&src, &small, &mut |_| {}).unwrap_err().to_string();
    assert!(e.contains("MAX_PICKLE_SIZE"), "{e}");
    // numpy-data hooks refuse what torch's allow.
    let p = b"\x80\x04\x8c\x08builtins\x94\x8c\x03set\x94\x93\x94)R\x94.";
    let set = Mem { bytes: p.to_vec(), fail_after: None };
    let s = stream_scan_source(&&set, &limits, &mut |_| {}).unwrap();
    let e = stream_load_source(
        &&set,
        &s,
        &mut StreamTorchHooks::numpy_data(),
        None,
        &limits,
        &mut |_, _| Ok(()),
        &mut |_| {},
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("global 'builtins.set' is not allowed"), "{e}");
    let o = stream_load_source(
        &&set,
        &s,
        &mut StreamTorchHooks::default(),
        None,
        &limits,
        &mut |_, _| Ok(()),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(o, Obj::Set(vec![]));
}

/// Bytes that are no pickle (`0xff`), then a read error at `fail_at`: a damaged compressed
/// source whose checksum fails after its bad bytes were handed out.
struct Garbage {
    fail_at: u64,
}

struct GarbageReader {
    at: u64,
    fail_at: u64,
}

impl std::io::Read for GarbageReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at >= self.fail_at {
            return Err(std::io::Error::other("g.pbz2: corrupt bz2 data"));
        }
        let n = buf.len().min((self.fail_at - self.at) as usize);
        buf[..n].fill(0xff);
        self.at += n as u64;
        Ok(n)
    }
}

impl tnb_pth::Reopen for Garbage {
    type Reader = GarbageReader;
    fn reopen(&self) -> Result<GarbageReader, tnb_pth::Error> {
        Ok(GarbageReader { at: 0, fail_at: self.fail_at })
    }
    fn name(&self) -> String {
        "g.pbz2".into()
    }
}

#[test]
fn a_source_error_shortly_after_a_pickle_error_is_the_one_reported() {
    use tnb_pth::stream::CHECK_AHEAD;
    let limits = StreamLimits::default();
    let near = Garbage { fail_at: 3 << 20 };
    let e = tnb_pth::stream_scan_source(&near, &limits, &mut |_| {}).unwrap_err().to_string();
    assert_eq!(e, "g.pbz2: corrupt bz2 data");
    // Past the look-ahead, the pickle's own error stands.
    let far = Garbage { fail_at: CHECK_AHEAD + (4 << 20) };
    let e = tnb_pth::stream_scan_source(&far, &limits, &mut |_| {}).unwrap_err().to_string();
    assert!(e.starts_with("g.pbz2 (the pickle): byte 0: unknown opcode 0xff"), "{e}");
}
