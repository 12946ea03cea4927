//! The tar probe (`crates/common/pth/src/tar.rs`) against CPython's own `tarfile` as the oracle: for
//! every 512-byte block made here (random bytes, and blocks whose checksum field holds the right
//! or a wrong sum in every spelling `tarfile.nti` reads: octal text with spaces, NULs, signs,
//! `0o` prefixes and underscores, base-256 with a 0o200 or 0o377 lead, the signed sum for blocks
//! with high bytes), tnb refuses the file as a tar exactly when `tarfile.TarInfo.frombuf` gets
//! past its checksum (or the block is all zeros), and always when
//! `tarfile.open(fileobj=..., mode="r:")` opens it, which is what torch's legacy loader tries
//! first on every file that is not a zip.

use std::io::Write;
use std::process::{Command, Stdio};

const BLOCK: usize = 512;

/// A small deterministic generator (xorshift64*), so that failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn bytes(&mut self, n: usize, high: bool) -> Vec<u8> {
        (0..n).map(|_| (self.next() >> 33) as u8 & if high { 0xff } else { 0x7f }).collect()
    }
}

/// The two sums `tarfile.calc_chksums` gives: unsigned and signed bytes, the checksum field
/// counted as eight spaces.
fn sums(block: &[u8]) -> (i64, i64) {
    let mut u = 256i64;
    let mut s = 256i64;
    for (i, &b) in block.iter().enumerate() {
        if !(148..156).contains(&i) {
            u += i64::from(b);
            s += i64::from(b as i8);
        }
    }
    (u, s)
}

fn octal(v: i64) -> String {
    if v < 0 { format!("-{:o}", -v) } else { format!("{v:o}") }
}

/// Spellings of `v` in an 8-byte field (some of which `nti` rejects on purpose).
fn spellings(v: i64) -> Vec<Vec<u8>> {
    let o = octal(v);
    let mut out: Vec<Vec<u8>> = vec![
        format!("{:06o}\0 ", v.max(0)).into_bytes(),
        format!("{:07o}\0", v.max(0)).into_bytes(),
        format!("{o}\0").into_bytes(),
        format!(" {o} ").into_bytes(),
        format!("\t{o}\x0b").into_bytes(),
        format!("\x1c{o}\x1f").into_bytes(),
        format!("0o{o}").into_bytes(),
        format!("0O_{o}").into_bytes(),
        format!("+{o}").into_bytes(),
        format!("{o}_").into_bytes(),
        format!("_{o}").into_bytes(),
        format!("{o}\0junk").into_bytes(),
        format!("{o}x").into_bytes(),
        format!("{o}8").into_bytes(),
        format!("0x{v:x}").into_bytes(),
    ];
    if o.len() >= 2 {
        let (a, b) = o.split_at(1);
        out.push(format!("{a}_{b}").into_bytes());
        out.push(format!("{a}__{b}").into_bytes());
        out.push(format!("{a} {b}").into_bytes());
    }
    // Base 256: 0o200 then 7 big-endian bytes; 0o377 for a negative number.
    let mut b256 = vec![0o200u8];
    let mut n = v;
    if v < 0 {
        b256[0] = 0o377;
        n += 1 << 56;
    }
    b256.extend_from_slice(&n.to_be_bytes()[1..]);
    out.push(b256);
    // A non-ASCII byte before the text's NUL.
    out.push(format!("{o}\u{e9}").into_bytes());
    out
}

fn with_field(block: &[u8], field: &[u8]) -> Vec<u8> {
    let mut b = block.to_vec();
    let mut f = field.to_vec();
    f.resize(8, b' ');
    b[148..156].copy_from_slice(&f[..8]);
    b
}

/// Every block of the test.
fn blocks() -> Vec<Vec<u8>> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = vec![vec![0u8; BLOCK]];
    let mut one = vec![0u8; BLOCK];
    one[300] = 1;
    out.push(one);
    for round in 0..60 {
        // Text-like blocks (every byte below 0x80, so both sums agree), binary blocks (the sums
        // differ), and blocks of mostly 0xff (the signed sum is negative).
        let base = match round % 3 {
            0 => rng.bytes(BLOCK, false),
            1 => rng.bytes(BLOCK, true),
            _ => {
                let mut b = vec![0xffu8; BLOCK];
                b[rng.below(BLOCK as u64) as usize] = rng.bytes(1, true)[0];
                b
            }
        };
        let (u, s) = sums(&base);
        for v in [u, s, u + 1, s - 1] {
            for f in spellings(v) {
                out.push(with_field(&base, &f));
            }
        }
        out.push(base);
    }
    out
}

/// For each block: does `frombuf` get past its checksum (or is the block all zeros), and does
/// `tarfile.open` open it.
fn python_verdicts(blocks: &[Vec<u8>]) -> Vec<(bool, bool)> {
    let script = r#"
import io, sys, tarfile
for line in sys.stdin:
    b = bytes.fromhex(line.strip())
    zeros = b.count(0) == len(b)
    try:
        passes = tarfile.nti(b[148:156]) in tarfile.calc_chksums(b)
    except tarfile.HeaderError:
        passes = False
    try:
        tarfile.open(fileobj=io.BytesIO(b), mode="r:").close()
        opens = True
    except tarfile.TarError:
        opens = False
    print(int(zeros or passes), int(opens))
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut input = String::new();
    for b in blocks {
        for x in b {
            input.push_str(&format!("{x:02x}"));
        }
        input.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "python3 failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (a, b) = l.split_once(' ').unwrap();
            (a == "1", b == "1")
        })
        .collect()
}

fn refused_as_tar(file: &[u8]) -> bool {
    match tnb_pth::load(file) {
        Err(e) => e.to_string().starts_with("tar: "),
        Ok(_) => false,
    }
}

#[test]
fn tnb_refuses_exactly_the_blocks_tarfile_takes_for_a_header() {
    let blocks = blocks();
    let verdicts = python_verdicts(&blocks);
    assert_eq!(verdicts.len(), blocks.len());
    let (mut headers, mut opened) = (0, 0);
    for (b, &(header, opens)) in blocks.iter().zip(&verdicts) {
        let tnb = refused_as_tar(b);
        assert_eq!(tnb, header, "checksum field {:?}", String::from_utf8_lossy(&b[148..156]));
        if opens {
            assert!(tnb, "tarfile opens a block tnb reads");
        }
        headers += usize::from(header);
        opened += usize::from(opens);
    }
    // The cases cover both sides, and blocks tarfile opens.
    assert!(headers > 300 && headers < blocks.len() / 2, "{headers} of {}", blocks.len());
    assert!(opened > 50, "{opened}");
}

#[test]
fn shorter_than_a_block_is_not_a_tar() {
    // tarfile raises TarError on a truncated header, and torch reads the pickles.
    let mut short = vec![0u8; BLOCK - 1];
    short[0] = 0x80;
    assert!(!refused_as_tar(&short));
    assert!(!refused_as_tar(b"\x80\x02K\x07."));
}

/// A legacy torch file whose magic-number pickle carries a tar header: PROTO 2, a 400-byte
/// BINSTRING holding the header's fields (the string covers bytes 7..407), POP, then the magic
/// number and the rest of a legacy file. Both readers' first pickle is the magic number, so tnb
/// read it as a legacy file, while torch opens it as a tar archive (and reads the tar's members
/// with `weights_only=False`, or fails).
fn tar_legacy_polyglot(valid_checksum: bool) -> Vec<u8> {
    let mut object = tnb_pthwrite::Pickler::new();
    object.str("the legacy object");
    let legacy = tnb_pthwrite::save_legacy(Vec::new(), &object.finish().unwrap()).unwrap();
    // The first pickle of a legacy file is the 17-byte magic number: PROTO, LONG1 of 10 bytes,
    // STOP.
    let (magic, rest) = legacy.split_at(17);
    let mut f = b"\x80\x02T".to_vec();
    f.extend_from_slice(&400u32.to_le_bytes());
    f.extend_from_slice(&[0u8; 400]);
    f.push(b'0');
    f.extend_from_slice(&magic[2..]);
    f.extend_from_slice(rest);
    f.resize(f.len().max(BLOCK), 0);
    for (at, text) in [
        (7, &b"storages"[..]),
        (100, b"0000644\0"),
        (108, b"0000000\0"),
        (116, b"0000000\0"),
        (124, b"00000000000\0"),
        (136, b"00000000000\0"),
        (156, b"0"),
        (329, b"0000000\0"),
        (337, b"0000000\0"),
    ] {
        f[at..at + text.len()].copy_from_slice(text);
    }
    let (u, _) = sums(&f[..BLOCK]);
    let field = format!("{:06o}\0 ", if valid_checksum { u } else { u + 1 });
    f[148..156].copy_from_slice(field.as_bytes());
    f
}

#[test]
fn a_legacy_file_that_is_also_a_tar_is_refused() {
    let poly = tar_legacy_polyglot(true);
    let verdicts = python_verdicts(&[poly[..BLOCK].to_vec()]);
    assert_eq!(verdicts, [(true, true)], "python's tarfile opens it");
    assert_eq!(
        tnb_pth::load(&poly).unwrap_err().to_string(),
        "tar: the first 512 bytes are a tar header with a valid checksum: torch's legacy loader \
         would read this file as a tar archive, not as pickles"
    );
    // One off in the checksum: tarfile raises, torch reads the pickles, and so does tnb.
    let not_tar = tar_legacy_polyglot(false);
    assert_eq!(python_verdicts(&[not_tar[..BLOCK].to_vec()]), [(false, false)]);
    let doc = tnb_pth::load(&not_tar).unwrap();
    assert_eq!(doc.format, tnb_pth::Format::Legacy);
    assert_eq!(doc.root(), tnb_pickle::Value::Str("the legacy object"));
}

#[test]
fn a_file_opening_with_a_block_of_zeros_is_refused() {
    let mut f = vec![0u8; BLOCK];
    f.extend_from_slice(b"\x80\x02K\x07.");
    assert_eq!(
        tnb_pth::load(&f).unwrap_err().to_string(),
        "tar: the first 512 bytes are zeros: torch's legacy loader opens this as an empty tar \
         archive before any pickle"
    );
}
