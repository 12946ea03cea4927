//! tnb-nats' small parts one by one, each check next to the case on the other side of its
//! bound: which arch strings belong to which space (and the exact refusals of `meta_archs`),
//! `missing_text` around `MISSING_LISTED`, every error's line and source, what counts as a
//! folder, the progress a folder conversion reports, and `Source`'s accessors.
//! (tests/nats.rs converts whole samples; these run in well under a second.)

use std::path::PathBuf;
use std::sync::Arc;

use tnb_nats::{
    Error, Form, MISSING_LISTED, Options, Phase, Source, Space, convert_with, is_folder,
    missing_text,
};
use tnb_nb201_store::Archive;
use tnb_pickle::stream::Obj;
use tnb_schema::header::Family;

fn samples(space: Space) -> PathBuf {
    let name = match space {
        Space::Tss => "NATS-tss-v1_0-3ffb9-simple",
        Space::Sss => "NATS-sss-v1_0-50262-simple",
    };
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../data/nats/samples").join(name)
}

struct Tmp(PathBuf);

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tmp(tag: &str) -> Tmp {
    let d = std::env::temp_dir().join(format!("tnb-nats-units-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    Tmp(d)
}

fn s(v: &str) -> Obj {
    Obj::Str(Arc::from(v))
}

#[test]
fn spaces_have_their_names_families_and_sizes() {
    assert_eq!((Space::Tss.name(), Space::Sss.name()), ("tss", "sss"));
    assert_eq!((Space::Tss.to_string(), Space::Sss.to_string()), ("tss".into(), "sss".into()));
    assert_eq!((Space::Tss.family(), Space::Sss.family()), (Family::NatsTss, Family::NatsSss));
    assert_eq!((Space::Tss.archs(), Space::Sss.archs()), (15625, 32768));
}

#[test]
fn arch_strings_tell_their_space() {
    let cases: [(&str, Option<Space>); 24] = [
        (
            "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|none~2|",
            Some(Space::Tss),
        ),
        ("||", Some(Space::Tss)),
        ("|x|", Some(Space::Tss)),
        ("|", None),
        ("|abc", None),
        ("abc|", None),
        ("", None),
        ("8:16:24:32:64", Some(Space::Sss)),
        ("1:2:3:4:5", Some(Space::Sss)),
        ("1234:9999:8:8:8", Some(Space::Sss)),
        ("12345:8:8:8:8", None),
        ("8:16:24:32", None),
        ("8:16:24:32:64:8", None),
        ("08:16:24:32:64", None),
        ("8:16:24:32:0", None),
        ("8::24:32:64", None),
        ("8:16:24:32:", None),
        (":8:16:24:32", None),
        ("8:1a:24:32:64", None),
        ("8:16:24:32:6 ", None),
        ("+8:16:24:32:64", None),
        ("8:16:24:32:64|", None),
        ("8", None),
        ("::::", None),
    ];
    for (arch, want) in cases {
        assert_eq!(Space::of_arch(arch), want, "{arch:?}");
    }
}

fn detect(v: Obj) -> Result<Space, String> {
    Space::detect(&v).map_err(|e| e.to_string())
}

#[test]
fn meta_archs_is_one_space_or_an_exact_refusal() {
    assert_eq!(detect(Obj::List(vec![s("|a~0|"), s("|b~0|")])), Ok(Space::Tss));
    assert_eq!(detect(Obj::List(vec![s("8:8:8:8:8")])), Ok(Space::Sss));
    assert_eq!(detect(Obj::List(vec![s("8:8:8:8:8"), s("16:8:8:8:8")])), Ok(Space::Sss));
    // The first string decides; a later one of the other space is refused, either way round.
    assert_eq!(
        detect(Obj::List(vec![s("|a~0|"), s("8:8:8:8:8")])),
        Err("not NATS-Bench: meta_archs mixes tss and sss arch strings (meta_archs[1] = \
             \"8:8:8:8:8\")"
            .into())
    );
    assert_eq!(
        detect(Obj::List(vec![s("8:8:8:8:8"), s("8:8:8:8:8"), s("|a~0|")])),
        Err("not NATS-Bench: meta_archs mixes sss and tss arch strings (meta_archs[2] = \
             \"|a~0|\")"
            .into())
    );
    assert_eq!(detect(Obj::List(vec![])), Err("not NATS-Bench: 'meta_archs' is empty".into()));
    assert_eq!(
        detect(Obj::Int(3)),
        Err("not NATS-Bench: 'meta_archs' is an int, not a list of arch strings".into())
    );
    assert_eq!(
        detect(Obj::Tuple(vec![s("|a~0|")])),
        Err("not NATS-Bench: 'meta_archs' is a tuple, not a list of arch strings".into())
    );
    assert_eq!(
        detect(Obj::List(vec![s("|a~0|"), Obj::None])),
        Err("not NATS-Bench: meta_archs[1] is a NoneType, not an arch string".into())
    );
    assert_eq!(
        detect(Obj::List(vec![Obj::Float(1.0)])),
        Err("not NATS-Bench: meta_archs[0] is a float, not an arch string".into())
    );
    assert_eq!(
        detect(Obj::List(vec![Obj::Dict { items: vec![], ordered: true }])),
        Err("not NATS-Bench: meta_archs[0] is an OrderedDict, not an arch string".into())
    );
    // A string of neither space, whole up to 60 characters, cut after 60.
    assert_eq!(
        detect(Obj::List(vec![s("|a~0|"), s("resnet")])),
        Err("not NATS-Bench: meta_archs[1] = \"resnet\" is neither a topology ('|op~0|+...') \
             nor a size ('C:C:C:C:C') arch string"
            .into())
    );
    let sixty = "x".repeat(60);
    assert_eq!(
        detect(Obj::List(vec![s(&sixty)])),
        Err(format!(
            "not NATS-Bench: meta_archs[0] = \"{sixty}\" is neither a topology ('|op~0|+...') \
             nor a size ('C:C:C:C:C') arch string"
        ))
    );
    assert_eq!(
        detect(Obj::List(vec![s(&format!("{sixty}y"))])),
        Err(format!(
            "not NATS-Bench: meta_archs[0] = \"{sixty}\"... is neither a topology \
             ('|op~0|+...') nor a size ('C:C:C:C:C') arch string"
        ))
    );
    // Cut by characters, not bytes.
    let wide = "é".repeat(61);
    let e = detect(Obj::List(vec![s(&wide)])).unwrap_err();
    assert!(e.contains(&format!("\"{}\"... is neither", "é".repeat(60))), "{e}");
}

#[test]
fn missing_archs_are_listed_up_to_ten() {
    assert_eq!(MISSING_LISTED, 10);
    assert_eq!(missing_text(&[], Some(5)), None);
    assert_eq!(
        missing_text(&[3], Some(5)).as_deref(),
        Some("1 of 5 archs have no file (the official API would fail on them): 3")
    );
    assert_eq!(
        missing_text(&[1, 4], None).as_deref(),
        Some("2 archs have no file (the official API would fail on them): 1, 4")
    );
    let ten: Vec<i64> = (0..10).collect();
    assert_eq!(
        missing_text(&ten, Some(20)).as_deref(),
        Some(
            "10 of 20 archs have no file (the official API would fail on them): 0, 1, 2, 3, 4, 5, \
             6, 7, 8, 9"
        )
    );
    let eleven: Vec<i64> = (0..11).map(|i| i * 2).collect();
    assert_eq!(
        missing_text(&eleven, Some(30)).as_deref(),
        Some(
            "11 of 30 archs have no file (the official API would fail on them): 0, 2, 4, 6, 8, \
             10, 12, 14, 16, 18, ..."
        )
    );
}

#[test]
fn errors_are_one_line_and_keep_their_source() {
    use std::error::Error as _;
    let e = Error::NotNats("why".into());
    assert_eq!(e.to_string(), "not NATS-Bench: why");
    assert!(e.source().is_none());
    let e = Error::File { file: "a/000001.pickle.pbz2".into(), problem: "bad".into() };
    assert_eq!(e.to_string(), "a/000001.pickle.pbz2: bad");
    assert!(e.source().is_none());
    let e = Error::Read("cannot read x".into());
    assert_eq!(e.to_string(), "cannot read x");
    assert!(e.source().is_none());
    let e = Error::Io {
        what: "reading x".into(),
        error: std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied"),
    };
    assert_eq!(e.to_string(), "reading x: denied");
    assert_eq!(e.source().unwrap().to_string(), "denied");
    let inner = tnb_nb201_convert::Error::Source("the source said no".into());
    let shown = inner.to_string();
    let e = Error::from(inner);
    assert!(matches!(e, Error::Convert(_)));
    assert_eq!(e.to_string(), shown);
    assert_eq!(e.source().unwrap().to_string(), shown);
}

#[test]
fn a_folder_is_a_directory_holding_the_meta_file() {
    let t = tmp("isfolder");
    assert!(!is_folder(&t.0), "a directory without meta.pickle.pbz2");
    std::fs::write(t.0.join("meta.pickle.pbz2"), b"").unwrap();
    assert!(is_folder(&t.0));
    assert!(!is_folder(&t.0.join("meta.pickle.pbz2")), "the meta file itself");
    assert!(!is_folder(&t.0.join("nonexistent")));
    let sub = t.0.join("sub");
    std::fs::create_dir_all(sub.join("meta.pickle.pbz2")).unwrap();
    assert!(!is_folder(&sub), "meta.pickle.pbz2 a directory");
    assert!(is_folder(&samples(Space::Sss)));
}

#[test]
fn a_folder_source_says_what_it_holds() {
    for space in [Space::Tss, Space::Sss] {
        let dir = samples(space);
        let src = Source::open(&dir).unwrap();
        assert_eq!((src.space(), src.form(), src.path()), (space, Form::Folder, dir.as_path()));
        assert_eq!(src.total_archs(), Some(space.archs()));
        let missing = src.missing();
        assert_eq!(missing.len(), space.archs() - 3);
        assert_eq!(&missing[..3], &[1, 2, 3]);
        assert!(!missing.contains(&0) && !missing.contains(&11) && !missing.contains(&284));
        assert_eq!(missing.last(), Some(&(space.archs() as i64 - 1)));
        // SOURCE.md sits beside the meta and per-arch files only one level up, so nothing is
        // ignored in the folder itself.
        assert_eq!(src.ignored(), 0);
    }
}

#[test]
fn a_folder_conversion_reports_each_file_then_the_finish() {
    let t = tmp("progress");
    let dst = t.0.join("sss.tnb");
    let mut seen = Vec::new();
    let opts = Options { threads: 2, ..Options::default() };
    let accept = |p: &std::path::Path| Archive::open(p).map(|_| ()).map_err(|e| e.to_string());
    let s = convert_with(
        &samples(Space::Sss),
        &dst,
        &opts,
        &mut |p, d, n| seen.push((p, d, n)),
        &accept,
    )
    .unwrap();
    assert_eq!(
        seen,
        [
            (Phase::Convert, 0, 3),
            (Phase::Convert, 1, 3),
            (Phase::Convert, 2, 3),
            (Phase::Convert, 3, 3),
            (Phase::Finish, 0, 1)
        ]
    );
    assert_eq!((s.entries, s.ignored, s.form), (3, 0, Form::Folder));
    assert_eq!(s.archive_size, std::fs::metadata(&dst).unwrap().len());
    let phases: Vec<Phase> = s.timings.iter().map(|t| t.0).collect();
    assert_eq!(phases, [Phase::Convert, Phase::Finish]);
}

/// `expr` pickled (protocol 4) and bz2-compressed by python3, as the NATS-Bench writers make
/// their files.
fn pbz2(expr: &str) -> Vec<u8> {
    let code = format!(
        "import bz2, pickle, sys; sys.stdout.buffer.write(bz2.compress(pickle.dumps({expr}, \
         protocol=4), 9))"
    );
    let out = std::process::Command::new("python3").args(["-c", &code]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn a_single_file_needs_both_meta_archs_and_arch2infos() {
    let t = tmp("single-keys");
    let f = t.0.join("x.pickle.pbz2");
    let dst = t.0.join("x.tnb");
    let accept = |p: &std::path::Path| Archive::open(p).map(|_| ()).map_err(|e| e.to_string());
    let opts = Options { threads: 1, ..Options::default() };
    for (expr, keys) in [
        (
            "{'meta_archs': ['|a~0|'], 'total_archs': 1, 'evaluated_indexes': []}",
            r#"["meta_archs", "total_archs", "evaluated_indexes"]"#,
        ),
        ("{'arch2infos': {}, 'total_archs': 1}", r#"["arch2infos", "total_archs"]"#),
        ("{'meta_archs': ['|a~0|']}", r#"["meta_archs"]"#),
    ] {
        std::fs::write(&f, pbz2(expr)).unwrap();
        let e = convert_with(&f, &dst, &opts, &mut |_, _, _| {}, &accept).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "not NATS-Bench: {}: the object is not a dict with 'meta_archs' and \
                 'arch2infos' (top-level keys: {keys})",
                f.display()
            ),
            "{expr}"
        );
        assert!(!dst.exists());
    }
}
