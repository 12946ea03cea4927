//! The NATS-Bench look-alikes against the eight real files written by the benchmark's authors
//! (data/nats/samples): per-arch pickles of archs 0, 11 and 284 opcode by opcode (names,
//! arguments, memo puts and gets, frame positions; float and numpy-scalar bytes aside), meta
//! files byte for byte (pickle and bz2).

use std::path::{Path, PathBuf};

use tnb_nb201_synth::nats::{self, NatsOptions, NatsSynth, Space};

fn samples(space: Space) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../data/nats/samples")
        .join(format!("{}-simple", space.release_stem()))
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn unbz2(bytes: &[u8]) -> Vec<u8> {
    tnb_bz2::decompress(bytes, 1 << 30).unwrap()
}

/// One opcode as the comparison sees it: the opcode and its argument bytes, except a float's
/// value, a bytes payload (the numpy scalars' values) and a frame's length (which follows
/// from the rest).
#[derive(Debug, PartialEq, Eq)]
struct Op {
    code: u8,
    arg: Vec<u8>,
}

/// The opcodes of a protocol-4 pickle made of the opcodes NATS-Bench files use; panics on any
/// other (the comparison would be meaningless).
fn opcodes(b: &[u8]) -> Vec<Op> {
    let mut out = Vec::new();
    let mut i = 0;
    let le = |s: &[u8]| s.iter().rev().fold(0usize, |a, &x| a << 8 | usize::from(x));
    while i < b.len() {
        let code = b[i];
        i += 1;
        let (skip, keep): (usize, bool) = match code {
            0x80 | b'K' | b'h' => (1, true),        // PROTO BININT1 BINGET
            b'M' => (2, true),                      // BININT2
            b'J' | b'j' => (4, true),               // BININT LONG_BINGET
            b'G' => (8, false),                     // BINFLOAT
            0x95 => (8, false),                     // FRAME
            0x8c => (1 + usize::from(b[i]), true),  // SHORT_BINUNICODE
            b'X' => (4 + le(&b[i..i + 4]), true),   // BINUNICODE
            b'C' => (1 + usize::from(b[i]), false), // SHORT_BINBYTES
            0x94 | 0x93 | b')' | b'R' | b'(' | b'}' | b']' | 0x8f | b's' | b'u' | b'a' | b'e'
            | 0x90 | 0x85 | 0x86 | 0x87 | b't' | b'N' | 0x88 | 0x89 | b'b' | b'.' => (0, true),
            other => panic!("opcode {other:#04x} at {} is not expected here", i - 1),
        };
        let arg = if keep { b[i..i + skip].to_vec() } else { vec![skip as u8] };
        out.push(Op { code, arg });
        i += skip;
    }
    out
}

#[test]
fn per_arch_files_match_the_real_ones_opcode_by_opcode() {
    for space in [Space::Tss, Space::Sss] {
        let synth = NatsSynth::new(NatsOptions { space, archs: Some(3), ..NatsOptions::default() })
            .unwrap();
        for i in [0usize, 11, 284] {
            let real = opcodes(&unbz2(&read(&samples(space).join(format!("{i:06}.pickle.pbz2")))));
            let ours = opcodes(&synth.arch_pickle(i));
            let first = real.iter().zip(&ours).position(|(a, b)| a != b);
            assert!(
                first.is_none() && real.len() == ours.len(),
                "{} arch {i}: {} vs {} opcodes, first difference at #{first:?}: {:?} vs {:?}",
                space.name(),
                real.len(),
                ours.len(),
                first.map(|k| &real[k]),
                first.map(|k| &ours[k]),
            );
            assert!(real.iter().filter(|o| o.code == 0x95).count() > 1, "several frames");
        }
    }
}

#[test]
fn meta_files_are_the_real_ones_byte_for_byte() {
    for space in [Space::Tss, Space::Sss] {
        let synth = NatsSynth::new(NatsOptions { space, ..NatsOptions::default() }).unwrap();
        let real_bz2 = read(&samples(space).join("meta.pickle.pbz2"));
        let ours = synth.meta_pickle();
        assert_eq!(ours, unbz2(&real_bz2), "{} meta pickle", space.name());
        // libbz2-rs-sys compresses as libbzip2 1.0.x does.
        assert!(nats::bz2(&ours) == real_bz2, "{} meta bz2", space.name());
    }
}
