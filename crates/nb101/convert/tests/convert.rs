//! File → archive: what the archive holds, errors naming the file, record and offset, the
//! atomic output, `convert_bytes` and `compare_source`.

use std::path::{Path, PathBuf};

use tnb_nb101_convert::{ConvertError, compare_source, convert, convert_bytes};
use tnb_nb101_record::{EvalSpec, RecordSpec, encode};
use tnb_nb101_store::{Metric, Nb101Store};

/// A folder of its own under the system's temporary folder, removed on drop.
struct Tmp(PathBuf);

impl Tmp {
    fn new(name: &str) -> Tmp {
        let p =
            std::env::temp_dir().join(format!("tnb-nb101-convert-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Tmp(p)
    }
    fn path(&self, f: &str) -> PathBuf {
        self.0.join(f)
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Record `i` of a file: cell `i / 7 % cells`, epochs cycling through 108, 4, 12 (so budgets
/// and repeats come out of order), test accuracy `i` (to check file order).
fn record(i: u64, cells: u64) -> Vec<u8> {
    let cell = (i / 7) % cells;
    let mut hash = [0u8; 16];
    hash[..8].copy_from_slice(&cell.to_le_bytes());
    hash[15] = 0xaa;
    let epochs = [108, 4, 12][(i % 3) as usize];
    let x = i as f64;
    let evals = [
        EvalSpec::full(0.0, [0.0; 4]),
        EvalSpec::full(1.0, [x, 0.5, 0.25, x + 0.5]),
        EvalSpec::full(2.0, [x * 2.0, 0.75, 0.125, x]),
    ];
    let spec = RecordSpec {
        hash,
        epochs,
        n: 3,
        adjacency: 0b000_100_010 | (cell & 1) << 2,
        operations: "input,conv3x3-bn-relu,output",
        trainable_parameters: Some(cell as i32 * 10 + (i % 7) as i32),
        total_time: None,
        evaluations: &evals,
    };
    let mut v = Vec::new();
    encode(&spec, &mut v);
    v
}

fn file(records: u64, cells: u64) -> Vec<u8> {
    let mut f = Vec::new();
    for i in 0..records {
        tnb_tfrecord::write_record(&mut f, &record(i, cells)).unwrap();
    }
    f
}

fn write(p: &Path, b: &[u8]) {
    std::fs::write(p, b).unwrap();
}

#[test]
fn an_archive_holds_every_record_in_file_order_across_batches() {
    // ~3 batches' worth of records (a batch closes after 2 MiB).
    let n = 20_000u64;
    let cells = 1000u64;
    let src = file(n, cells);
    let t = Tmp::new("order");
    let (s, d) = (t.path("a.tfrecord"), t.path("a.tnb"));
    write(&s, &src);
    let mut calls = Vec::new();
    let sum = convert(&s, &d, |r, total| calls.push((r, total))).unwrap();
    assert_eq!((sum.records, sum.cells, sum.source_size), (n, cells, src.len() as u64));
    assert_eq!(sum.valid_epochs, [108, 4, 12]);
    assert!(calls.len() >= 3, "{calls:?}");
    assert_eq!(calls.last().unwrap(), &(src.len() as u64, src.len() as u64));
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
    let bytes = std::fs::read(&d).unwrap();
    assert_eq!(sum.bytes, bytes.len() as u64);
    // The same archive in memory.
    assert_eq!(convert_bytes(&src).unwrap(), bytes);
    let store = Nb101Store::open(&d).unwrap();
    store.verify_checksum().unwrap();
    assert_eq!((store.cells(), store.runs()), (cells as usize, n as usize));
    // Every run of cell 5 at 108 epochs, in file order: records i with i/7 % cells == 5 and
    // i % 3 == 0; final test accuracy is i.
    let mut h = [0u8; 16];
    h[..8].copy_from_slice(&5u64.to_le_bytes());
    h[15] = 0xaa;
    let row = store.row_of_hash(&h).unwrap().unwrap();
    assert_eq!(row, 5);
    let want: Vec<f64> =
        (0..n).filter(|i| (i / 7) % cells == 5 && i % 3 == 0).map(|i| i as f64).collect();
    let b = store.budgets(row).unwrap().find(|b| b.epochs == 108).unwrap();
    assert_eq!(&store.column(Metric::FinalTestAccuracy)[b.runs.clone()], &want[..]);
    // The first record of a hash sets the fixed statistics.
    assert_eq!(store.trainable_parameters(row).unwrap(), 5 * 10);
    assert_eq!(store.adjacency(row).unwrap(), (3, 0b000_100_110));
}

#[test]
fn an_empty_file_is_an_empty_benchmark() {
    let a = convert_bytes(&[]).unwrap();
    let store = Nb101Store::copy_from(&a).unwrap();
    assert_eq!((store.cells(), store.runs()), (0, 0));
    assert!(store.valid_epochs().is_empty());
}

fn err_of(r: Result<impl std::fmt::Debug, ConvertError>) -> String {
    let e = r.unwrap_err().to_string();
    assert!(!e.contains('\n'), "{e}");
    e
}

#[test]
fn errors_name_the_file_record_and_offset_and_leave_the_destination_alone() {
    let t = Tmp::new("errors");
    let (s, d) = (t.path("bad.tfrecord"), t.path("out.tnb"));
    // A record that does not decode, deep in the file (in a later batch).
    let mut f = file(9000, 100);
    let at = f.len() as u64;
    tnb_tfrecord::write_record(&mut f, b"[\"zz\", 108, \"0\", \"input\", \"\"]").unwrap();
    f.extend_from_slice(&file(10, 100));
    write(&s, &f);
    std::fs::write(&d, b"previous archive").unwrap();
    let e = err_of(convert(&s, &d, |_, _| {}));
    assert_eq!(
        e,
        format!(
            "{}: record 9000 at byte {at}: module_hash \"zz\" is not 32 lowercase hexadecimal digits",
            s.display()
        )
    );
    assert_eq!(std::fs::read(&d).unwrap(), b"previous archive");
    assert_eq!(std::fs::read_dir(&t.0).unwrap().count(), 2, "no temporary file left");
    // A flipped byte: the data CRC.
    let mut g = file(50, 10);
    let cut = g.len() - 100;
    g[cut] ^= 1;
    let e = err_of(convert_bytes(&g));
    assert!(e.starts_with("<memory>: record 49 at byte "), "{e}");
    assert!(e.contains("data CRC-32C mismatch"), "{e}");
    // Truncated in the middle of a record.
    let h = file(50, 10);
    let e = err_of(convert_bytes(&h[..h.len() - 3]));
    assert!(e.contains("record 49 at byte") && e.contains("truncated"), "{e}");
    // Not a TFRecord file at all.
    let e = err_of(convert_bytes(b"\x80\x02}q\x00(X\x04\x00\x00\x00metaq"));
    assert!(e.contains("<memory>: not a TFRecord file"), "{e}");
    // A destination that is the source.
    write(&s, &file(3, 1));
    let e = err_of(convert(&s, &s, |_, _| {}));
    assert!(!e.is_empty());
    assert_eq!(std::fs::read(&s).unwrap(), file(3, 1));
}

#[test]
fn compare_source_finds_the_first_difference_provenance_first() {
    let t = Tmp::new("compare");
    let (s, d) = (t.path("a.tfrecord"), t.path("a.tnb"));
    let src = file(300, 40);
    write(&s, &src);
    convert(&s, &d, |_, _| {}).unwrap();
    let store = Nb101Store::open(&d).unwrap();
    assert_eq!(compare_source(&store, &s).unwrap(), None);
    // Another source of another size.
    let other = t.path("b.tfrecord");
    write(&other, &file(301, 40));
    let m = compare_source(&store, &other).unwrap().unwrap();
    assert!(m.starts_with("source size: the archive was made from"), "{m}");
    // The same size, one value changed (its CRC recomputed).
    let mut recs: Vec<Vec<u8>> = (0..300).map(|i| record(i, 40)).collect();
    let last = recs.last_mut().unwrap();
    let k = last.len() - 10;
    last[k] = if last[k] == b'A' { b'B' } else { b'A' };
    let mut g = Vec::new();
    for r in &recs {
        tnb_tfrecord::write_record(&mut g, r).unwrap();
    }
    assert_eq!(g.len(), src.len());
    write(&other, &g);
    let m = compare_source(&store, &other).unwrap().unwrap();
    assert!(m.starts_with("source SHA-256: the archive was made from"), "{m}");
    // A source of the same size that does not decode is an error, not a difference.
    write(&other, &vec![b'x'; src.len()]);
    assert!(compare_source(&store, &other).is_err());
}

#[test]
fn a_consumer_error_stops_the_reading_and_names_the_record() {
    let src = file(12_000, 50);
    let mut seen = 0u64;
    let r = tnb_nb101_convert::for_each_record(
        &src[..],
        "x.tfrecord",
        src.len() as u64,
        |r| {
            seen += 1;
            if r.at.index == 10_500 { Err(format!("refused at {}", r.at.offset)) } else { Ok(()) }
        },
        |_, _| {},
    );
    let e = r.unwrap_err().to_string();
    let offset: u64 = e.rsplit(' ').next().unwrap().parse().unwrap();
    assert_eq!(e, format!("x.tfrecord: record 10500 at byte {offset}: refused at {offset}"));
    assert_eq!(seen, 10_501);
    // The whole file read: the count, size and SHA-256 of what was read.
    let s = tnb_nb101_convert::for_each_record(&src[..], "x", 0, |_| Ok(()), |_, _| {}).unwrap();
    assert_eq!((s.records, s.size), (12_000, src.len() as u64));
    use sha2::Digest;
    assert_eq!(s.sha256, <[u8; 32]>::from(sha2::Sha256::digest(&src)));
}

#[test]
fn a_record_claiming_2_pow_63_bytes_is_an_error_not_an_allocation() {
    for len in [1u64 << 63, u64::MAX, tnb_tfrecord::MAX_RECORD_LEN + 1] {
        let mut f = file(5, 2);
        let at = f.len();
        let l = len.to_le_bytes();
        f.extend_from_slice(&l);
        f.extend_from_slice(&tnb_tfrecord::masked_crc32c(&l).to_le_bytes());
        f.extend_from_slice(&[0u8; 64]);
        let e = err_of(convert_bytes(&f));
        assert_eq!(
            e,
            format!(
                "<memory>: record 5 at byte {at}: length {len} is over the limit of {} bytes per \
                 record",
                tnb_tfrecord::MAX_RECORD_LEN
            )
        );
    }
}
