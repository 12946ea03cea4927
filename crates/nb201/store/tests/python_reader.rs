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
        Obj::BigInt(_) | Obj::Set(_) | Obj::FrozenSet(_) => panic!("not rendered"),
        Obj::List(xs) => seq(xs, "[", "]", out),
        Obj::Tuple(xs) => seq(xs, "(", ")", out),
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
