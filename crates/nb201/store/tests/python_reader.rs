//! FORMAT-NB201.md is complete enough to read an archive without Rust: schema/read_nb201.py
//! (plain python3, written from the document alone) reads archives of v1_0 and v1_1 shapes,
//! with extra keys and mixed types, and prints exactly the object this test renders from the
//! source, independently.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use tnb_nb201_convert::archive_bytes;
use tnb_nb201_convert::sample::{self, Options, Version};
use tnb_pickle::stream::Obj;
use tnb_pickle::{Dtype, Scalar};

fn render(o: &Obj, out: &mut String) {
    let seq = |xs: &[Obj], open: &str, close: &str, out: &mut String| {
        out.push_str(open);
        for (i, x) in xs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            render(x, out);
        }
        out.push_str(close);
    };
    match o {
        Obj::None => out.push_str("None"),
        Obj::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        Obj::Int(i) => write!(out, "{i}").unwrap(),
        Obj::Float(f) => write!(out, "f{:016x}", f.to_bits()).unwrap(),
        Obj::Scalar(s) => {
            let d = Dtype::ALL.iter().position(|d| *d == s.dtype).unwrap();
            write!(out, "np{d}:{:016x}", s.bits).unwrap()
        }
        Obj::Str(s) => write!(out, "s{}:{s}", s.len()).unwrap(),
        Obj::Bytes(b) => {
            write!(out, "b{}:", b.len()).unwrap();
            for x in b.iter() {
                write!(out, "{x:02x}").unwrap();
            }
        }
        Obj::BigInt(_) => panic!("not rendered"),
        Obj::List(xs) => seq(xs, "[", "]", out),
        Obj::Tuple(xs) => seq(xs, "(", ")", out),
        Obj::Set(xs) => seq(xs, "S[", "]", out),
        Obj::FrozenSet(xs) => seq(xs, "F[", "]", out),
        Obj::Dict { items, ordered } => {
            out.push_str(if *ordered { "O{" } else { "{" });
            for (i, (k, v)) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                render(k, out);
                out.push(':');
                render(v, out);
            }
            out.push('}');
        }
    }
}

fn with_extras(mut top: Obj) -> Obj {
    let s = |x: &str| Obj::Str(x.into());
    let Obj::Dict { items, ordered } = &mut top else { panic!() };
    *ordered = true;
    items.push((
        s("extra é"),
        Obj::Dict {
            items: vec![
                (
                    Obj::Tuple(vec![s("a"), Obj::Int(-2)]),
                    Obj::Bytes(b"\x00\xffz".as_slice().into()),
                ),
                (Obj::Int(3), Obj::Scalar(Scalar { dtype: Dtype::F32, bits: 0x3fc0_0000 })),
                (
                    Obj::Float(-0.0),
                    Obj::List(vec![Obj::None, Obj::Bool(true), Obj::Float(f64::NAN)]),
                ),
            ],
            ordered: false,
        },
    ));
    // Mixed value types and a run-length int series in the first run.
    let a2i = &mut items.iter_mut().find(|(k, _)| k.as_str() == Some("arch2infos")).unwrap().1;
    let Obj::Dict { items: entries, .. } = a2i else { panic!() };
    let Obj::Dict { items: halves, ordered } = &mut entries[0].1 else { panic!() };
    halves.swap(0, 1);
    *ordered = true;
    let Obj::Dict { items: ar, .. } = &mut halves[1].1 else { panic!() };
    let Obj::Dict { items: runs, .. } = &mut ar[2].1 else { panic!() };
    let Obj::Dict { items: run, .. } = &mut runs[0].1 else { panic!() };
    run[2].1 = Obj::Dict {
        items: vec![
            (Obj::Int(0), Obj::Float(1.5)),
            (Obj::Int(1), Obj::Int(-7)),
            (Obj::Int(2), Obj::Bool(true)),
            (Obj::Int(3), Obj::Scalar(Scalar { dtype: Dtype::F64, bits: 2.5f64.to_bits() })),
        ],
        ordered: false,
    };
    run[4].1 =
        Obj::Dict { items: (0..9).map(|e| (Obj::Int(e), Obj::Int(4))).collect(), ordered: true };
    top
}

#[test]
fn the_plain_python_reader_reads_what_the_source_holds() {
    let reader = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../schema/read_nb201.py");
    let dir = std::env::temp_dir().join(format!("tnb-nb201-pyreader-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let objects = [
        sample::object(&Options { version: Version::V1_0, archs: 4, full_epochs: 15 }),
        sample::object(&Options { version: Version::V1_1, archs: 4, full_epochs: 15 }),
        with_extras(sample::object(&Options { version: Version::V1_1, archs: 3, full_epochs: 9 })),
    ];
    for (i, top) in objects.iter().enumerate() {
        let path = dir.join(format!("{i}.tnb"));
        std::fs::write(&path, archive_bytes(top, 5, [1; 32]).unwrap()).unwrap();
        let out = Command::new("python3").arg(&reader).arg(&path).output().expect("python3 runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut want = String::new();
        render(top, &mut want);
        let got = String::from_utf8(out.stdout).unwrap();
        if got != want {
            let at = got.bytes().zip(want.bytes()).position(|(a, b)| a != b).unwrap_or(0);
            let lo = at.saturating_sub(80);
            panic!(
                "object {i} differs at byte {at}:\n python: {}\n source: {}",
                &got[lo..(at + 80).min(got.len())],
                &want[lo..(at + 80).min(want.len())]
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A real NATS-Bench sample file's object (bz2, then tnb_pth's arena reader).
fn nats_sample(dir: &Path, name: &str) -> Obj {
    let bz = std::fs::read(dir.join(name)).unwrap();
    let pickle = tnb_bz2::decompress(&bz, 16 << 20).unwrap();
    tnb_nb201_convert::from_document(&tnb_pth::load(&pickle).unwrap()).unwrap()
}

/// NATS-Bench archives of both forms and both spaces, from the real samples: the meta file's
/// object then each per-arch file (form 1), and the single-file layout with a set (form 0).
#[test]
fn the_plain_python_reader_reads_nats_archives() {
    use tnb_schema::header::Family;
    let reader = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../schema/read_nb201.py");
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data/nats/samples");
    let dir = std::env::temp_dir().join(format!("tnb-nb201-pyreader-nats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |bytes: Vec<u8>, want: String, what: &str| {
        let path = dir.join(format!("{what}.tnb"));
        std::fs::write(&path, bytes).unwrap();
        let out = Command::new("python3").arg(&reader).arg(&path).output().expect("python3 runs");
        assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8(out.stdout).unwrap() == want, "{what} differs");
    };
    for (space, family, folder) in [
        ("tss", Family::NatsTss, "NATS-tss-v1_0-3ffb9-simple"),
        ("sss", Family::NatsSss, "NATS-sss-v1_0-50262-simple"),
    ] {
        let d = samples.join(folder);
        let meta = nats_sample(&d, "meta.pickle.pbz2");
        let files: Vec<(i64, Obj)> = [0i64, 11, 284]
            .iter()
            .map(|i| (*i, nats_sample(&d, &format!("{i:06}.pickle.pbz2"))))
            .collect();
        let mut want = String::new();
        render(&meta, &mut want);
        for (k, o) in &files {
            write!(want, "\n{k}=").unwrap();
            render(o, &mut want);
        }
        let bytes =
            tnb_nb201_convert::folder_archive_bytes(family, &meta, &files, 1, [0; 32]).unwrap();
        run(bytes, want, &format!("{space}-folder"));
        let s = |x: &str| Obj::Str(x.into());
        let top = Obj::Dict {
            items: vec![
                (s("meta_archs"), meta.get("meta_archs").unwrap().clone()),
                (s("total_archs"), meta.get("total_archs").unwrap().clone()),
                (
                    s("arch2infos"),
                    Obj::Dict {
                        items: files.iter().map(|(k, o)| (Obj::Int(*k), o.clone())).collect(),
                        ordered: true,
                    },
                ),
                (s("evaluated_indexes"), Obj::Set(vec![Obj::Int(0), Obj::Int(11), Obj::Int(284)])),
                (s("frozen"), Obj::FrozenSet(vec![s("a"), Obj::Int(1)])),
            ],
            ordered: false,
        };
        let mut want = String::new();
        render(&top, &mut want);
        let bytes = tnb_nb201_convert::archive_bytes_family(family, &top, 1, [0; 32]).unwrap();
        run(bytes, want, &format!("{space}-object"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
