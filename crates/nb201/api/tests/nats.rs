//! NATS-Bench v1.8 semantics (`NATStopology`, `NATSsize`) on the real sample files
//! (data/nats/samples: archs 0, 11, 284 and the meta file of each space): the values the
//! reference lists as observed with the official code (nats-layout.md section 7), plain tests;
//! and, ignored in a plain `cargo test` (it needs a Python with `nats_bench==1.8`), every
//! method over an argument grid side by side with the official code
//! (`tests/data/make_nats_official.py`), run by tools/test-all.sh.

mod common;

use common::{folder, single_file_of};

use std::path::PathBuf;

use tnb_nb201_api::{
    ApiError, Arg, Dialect, Exc, Hp, Io, MAX_HP_LEN, MAX_KEYS_MESSAGE, MemSource, Nats, Nb201,
    NoDraw, PySum, Session, Source, Space, StoreSource, Value, call, obj_from_pbz2_bytes,
};
use tnb_nb201_convert::{Family, archive_bytes_family, folder_archive_bytes};
use tnb_nb201_store::{Archive, Buffer};
use tnb_pickle::stream::Obj;

fn samples(space: Space) -> PathBuf {
    let name = match space {
        Space::Tss => "NATS-tss-v1_0-3ffb9-simple",
        Space::Sss => "NATS-sss-v1_0-50262-simple",
    };
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../data/nats/samples").join(name)
}

fn folder_source(space: Space) -> MemSource {
    let (meta, archs) = folder(&samples(space));
    MemSource::from_nats_folder(&meta, &archs).unwrap()
}

/// The single-file object the writers make of the same data: `{'meta_archs', 'total_archs',
/// 'arch2infos', 'evaluated_indexes'}`.
fn single_file(space: Space) -> Obj {
    single_file_of(&samples(space))
}

fn single_file_source(space: Space) -> MemSource {
    MemSource::from_nats_obj(&single_file(space)).unwrap()
}

fn family(space: Space) -> Family {
    if space == Space::Tss { Family::NatsTss } else { Family::NatsSss }
}

/// The archive the converter writes of the folder (form 1).
fn folder_archive(space: Space) -> Archive<Buffer> {
    let (meta, archs) = folder(&samples(space));
    let bytes = folder_archive_bytes(family(space), &meta, &archs, 0, [0; 32]).unwrap();
    Archive::copy_from(&bytes).unwrap()
}

/// The archive the converter writes of the single-file object (form 0).
fn single_file_archive(space: Space) -> Archive<Buffer> {
    let bytes = archive_bytes_family(family(space), &single_file(space), 0, [0; 32]).unwrap();
    Archive::copy_from(&bytes).unwrap()
}

fn run<S: Source>(
    src: &S,
    space: Space,
    method: &str,
    args: &[Arg<'_>],
    kw: &[(&str, Arg<'_>)],
) -> Result<Value<'static>, tnb_nb201_api::ApiError> {
    let nb = Nb201::nats(src, PySum::Plain, false, Nats::new(space));
    let mut session = Session::default();
    call(&nb, &mut session, method, args, kw, &mut |_| {}).map(Value::into_owned)
}

fn f(v: &Value<'_>, key: &str) -> Value<'static> {
    v.get(key).cloned().unwrap_or_else(|| panic!("no {key} in {v:?}")).into_owned()
}

#[test]
fn tss_observed_values() {
    observed_tss(&folder_source(Space::Tss));
    observed_tss(&single_file_source(Space::Tss));
    let a = folder_archive(Space::Tss);
    observed_tss(&StoreSource::new(&a).unwrap());
    let a = single_file_archive(Space::Tss);
    observed_tss(&StoreSource::new(&a).unwrap());
}

fn observed_tss<S: Source>(src: &S) {
    {
        let t = Space::Tss;
        let v = run(
            src,
            t,
            "get_more_info",
            &[Arg::Int(0), Arg::Str("cifar10")],
            &[("hp", Arg::Str("12")), ("is_random", Arg::Int(111))],
        )
        .unwrap();
        assert_eq!(f(&v, "train-loss"), Value::Float(0.8180574755477905));
        assert_eq!(f(&v, "train-accuracy"), Value::Float(71.08));
        assert_eq!(f(&v, "train-per-time"), Value::Float(14.442185997962952));
        assert_eq!(f(&v, "train-all-time"), Value::Float(173.30623197555542));
        assert_eq!(f(&v, "test-loss"), Value::Float(0.8653452147483826));
        assert_eq!(f(&v, "test-accuracy"), Value::Float(69.55));
        assert_eq!(f(&v, "test-per-time"), Value::Float(1.019591694786435));
        assert_eq!(f(&v, "test-all-time"), Value::Float(12.235100337437219));
        assert!(matches!(f(&v, "comment"), Value::Str(s) if s.contains("by 12 epochs")));
        let v = run(
            src,
            t,
            "get_more_info",
            &[Arg::Int(0), Arg::Str("cifar100")],
            &[("hp", Arg::Str("200")), ("iepoch", Arg::Int(5)), ("is_random", Arg::Bool(false))],
        )
        .unwrap();
        let Value::Dict(items) = &v else { panic!() };
        let keys: Vec<String> = items.iter().map(|(k, _)| k.py_str()).collect();
        assert!(
            keys.iter().all(|k| k.starts_with("train-") || k.starts_with("valtest-")),
            "{keys:?}"
        );
        assert_eq!(f(&v, "valtest-accuracy"), Value::Float(13.566666666666668));
        let v = run(
            src,
            t,
            "get_more_info",
            &[Arg::Int(0), Arg::Str("cifar10")],
            &[("hp", Arg::Int(200)), ("is_random", Arg::Bool(false))],
        )
        .unwrap();
        assert_eq!(f(&v, "test-accuracy"), Value::Float(85.86333333333334));
        let v = run(src, t, "get_cost_info", &[Arg::Int(0), Arg::Str("cifar10")], &[]).unwrap();
        assert_eq!(f(&v, "flops"), Value::Float(15.64737));
        assert_eq!(f(&v, "params"), Value::F64(0.129306));
        assert_eq!(f(&v, "latency"), Value::F64(0.0139359758611311));
        let e = run(
            src,
            t,
            "get_more_info",
            &[Arg::Int(0), Arg::Str("cifar10")],
            &[("hp", Arg::Str("90")), ("is_random", Arg::Bool(false))],
        )
        .unwrap_err();
        assert_eq!((e.exc(), e.message()), (Exc::KeyError, "'90'"));
        let e = run(
            src,
            t,
            "get_more_info",
            &[Arg::Int(0), Arg::Str("cifar10")],
            &[("is_random", Arg::Int(777))],
        )
        .unwrap_err();
        assert_eq!(
            (e.exc(), e.message()),
            (Exc::ValueError, "can not find random seed (777) from [111]")
        );
        let e = run(
            src,
            t,
            "get_more_info",
            &[Arg::Int(0), Arg::Str("cifar10")],
            &[("iepoch", Arg::Int(12)), ("is_random", Arg::Bool(false))],
        )
        .unwrap_err();
        assert_eq!((e.exc(), e.message()), (Exc::ValueError, "invalid iepoch=12 < 12"));
        assert_eq!(
            run(src, t, "query_index_by_arch", &[Arg::Bool(true)], &[]).unwrap(),
            Value::Bool(true)
        );
        let e = run(src, t, "arch", &[Arg::Str("x")], &[]).unwrap_err();
        assert_eq!(e.exc(), Exc::TypeError);
        let big = Arg::BigInt { negative: false, digits: "1000000000000000000000000000000" };
        let e = run(src, t, "arch", &[big], &[]).unwrap_err();
        assert_eq!(
            (e.exc(), e.message()),
            (Exc::ValueError, "invalid index : 1000000000000000000000000000000 vs. 15625.")
        );
        let e = run(src, t, "arch", &[Arg::Int(15625)], &[]).unwrap_err();
        assert_eq!((e.exc(), e.message()), (Exc::ValueError, "invalid index : 15625 vs. 15625."));
        let r = run(src, t, "__repr__", &[], &[]).unwrap();
        assert_eq!(
            r,
            Value::Str("NATStopology(3/15625 architectures, fast_mode=False, file=None)".into())
        );
    }
}

#[test]
fn sss_observed_values() {
    observed_sss(&folder_source(Space::Sss));
    observed_sss(&single_file_source(Space::Sss));
    let a = folder_archive(Space::Sss);
    observed_sss(&StoreSource::new(&a).unwrap());
    let a = single_file_archive(Space::Sss);
    observed_sss(&StoreSource::new(&a).unwrap());
}

fn observed_sss<S: Source>(src: &S) {
    {
        let s = Space::Sss;
        let v = run(
            src,
            s,
            "get_more_info",
            &[Arg::Int(284), Arg::Str("cifar10")],
            &[("hp", Arg::Str("90")), ("is_random", Arg::Bool(false))],
        )
        .unwrap();
        assert_eq!(f(&v, "test-accuracy"), Value::Float(89.51));
        assert_eq!(f(&v, "train-accuracy"), Value::Float(96.846));
        let v = run(
            src,
            s,
            "get_cost_info",
            &[Arg::Int(0), Arg::Str("cifar10-valid")],
            &[("hp", Arg::Str("01"))],
        )
        .unwrap();
        assert_eq!(f(&v, "flops"), Value::Float(4.481114));
        assert_eq!(f(&v, "params"), Value::F64(0.011714));
        let e = run(src, s, "str2lists", &[Arg::Str("|a~0|")], &[]).unwrap_err();
        assert_eq!(e.exc(), Exc::AttributeError);
        let v = run(src, s, "get_net_config", &[Arg::Int(11), Arg::Str("cifar100")], &[]).unwrap();
        assert_eq!(f(&v, "name"), Value::Str("infer.shape.tiny".into()));
        assert_eq!(f(&v, "channels"), Value::Str("8:8:8:16:32".into()));
    }
}

#[test]
fn tss_unique_strings_identify_isomorphic_cells() {
    let src = folder_source(Space::Tss);
    let nb = Nb201::nats(&src, PySum::Plain, false, Nats::new(Space::Tss));
    let mut d = NoDraw;
    let mut io = Io { draw: &mut d, print: &mut |_| {} };
    let a = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|";
    let u = nb.get_unique_str(Arg::Str(a), &mut io).unwrap();
    // (The official `to_unique_str(consider_zero=True)` of the same string.)
    assert_eq!(u, "#+(#+(0)@nor_conv_3x3)@nor_conv_1x1+(0)@avg_pool_3x3");
}

fn python() -> String {
    std::env::var("TNB_OFFICIAL_PYTHON").unwrap_or_else(|_| "/tmp/mv/bin/python".into())
}

/// A source of the battery and how the official object was opened on it.
struct Opened {
    name: String,
    space: Space,
    /// The `-simple` folder (`folder`, `dict`, `dictfast`) or the single file (`file`).
    path: PathBuf,
    kind: &'static str,
}

impl Opened {
    fn spec(&self) -> String {
        let space = if self.space == Space::Tss { "tss" } else { "sss" };
        format!("{}={space}:{}:{}", self.name, self.kind, self.path.display())
    }

    fn nats(&self) -> Nats {
        match self.kind {
            "folder" => Nats {
                space: self.space,
                fast_mode: true,
                archive_dir: Some(self.path.to_string_lossy().into()),
            },
            "dictfast" => Nats { space: self.space, fast_mode: true, archive_dir: None },
            _ => Nats::new(self.space),
        }
    }

    /// The object the source holds: a folder's meta and per-arch objects, or a whole object.
    fn replay(&self, text: &str) -> (usize, Vec<String>) {
        let d = Dialect::Nats(self.nats());
        let fam = family(self.space);
        let (mem, bytes) = if self.kind == "file" {
            let top = obj_from_pbz2_bytes(&std::fs::read(&self.path).unwrap()).unwrap();
            let bytes = archive_bytes_family(fam, &top, 0, [0; 32]).unwrap();
            (MemSource::from_nats_obj(&top).unwrap(), bytes)
        } else if self.kind == "folder" {
            let (meta, archs) = folder(&self.path);
            let bytes = folder_archive_bytes(fam, &meta, &archs, 0, [0; 32]).unwrap();
            (MemSource::from_nats_folder(&meta, &archs).unwrap(), bytes)
        } else {
            let top = single_file_of(&self.path);
            let bytes = archive_bytes_family(fam, &top, 0, [0; 32]).unwrap();
            (MemSource::from_nats_obj(&top).unwrap(), bytes)
        };
        let (n1, mut all) = common::replay_dialect(&mem, text, &self.name, &d);
        let archive = Archive::copy_from(&bytes).unwrap();
        let store = StoreSource::new(&archive).unwrap();
        let (n2, f) = common::replay_dialect(&store, text, &self.name, &d);
        all.extend(f.into_iter().map(|x| format!("[archive] {x}")));
        (n1 + n2, all)
    }
}

/// The real samples (folder, dict, dict in fast mode) and the held-out look-alikes
/// (data/nats/synth: folder and single file) of both spaces.
fn battery() -> Vec<Opened> {
    let synth = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../data/nats/synth");
    let mut v = Vec::new();
    for (space, tag) in [(Space::Tss, "tss"), (Space::Sss, "sss")] {
        for kind in ["folder", "dict", "dictfast"] {
            let name = format!("{tag}_{kind}");
            v.push(Opened { name, space, path: samples(space), kind });
        }
        let path = synth.join(format!("{tag}-simple"));
        v.push(Opened { name: format!("synth_{tag}_folder"), space, path, kind: "folder" });
        let path = synth.join(format!("{tag}.pickle.pbz2"));
        v.push(Opened { name: format!("synth_{tag}_file"), space, path, kind: "file" });
    }
    v
}

/// Every call of the battery (`tests/data/make_nats_official.py`, ~30k calls per source)
/// answers, prints, warns and draws as the official `nats_bench==1.8` does, on the real sample
/// files and on the held-out look-alikes, from memory and from the archive of each.
#[test]
#[ignore = "needs a Python with numpy and nats-bench==1.8 (TNB_OFFICIAL_PYTHON)"]
fn every_call_answers_as_the_official_nats_bench_does() {
    let dir = std::env::temp_dir().join(format!("tnb-nats-official-{}", std::process::id()));
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/make_nats_official.py");
    let opened = battery();
    let st = std::process::Command::new(python())
        .arg(&script)
        .arg(&dir)
        .args(opened.iter().map(Opened::spec))
        .status()
        .unwrap();
    assert!(st.success(), "{script:?} failed");
    let (mut all, mut total) = (Vec::new(), 0);
    for o in &opened {
        let text = std::fs::read_to_string(dir.join(format!("{}.jsonl", o.name))).unwrap();
        let (n, f) = o.replay(&text);
        total += n;
        all.extend(f);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let shown: Vec<&str> = all.iter().take(30).map(String::as_str).collect();
    assert!(all.is_empty(), "{} of {total} calls differ:\n{}", all.len(), shown.join("\n"));
}

/// The hp keys a source may hold are bounded ([`MAX_HP_LEN`]): a longer one is refused with
/// one line naming the arch, not stored.
#[test]
fn hp_keys_longer_than_the_limit_are_refused() {
    let (meta, mut archs) = folder(&samples(Space::Sss));
    let long = "x".repeat(MAX_HP_LEN + 1);
    assert!(Hp::from_key(&long).is_none());
    assert_eq!(Hp::from_key(&long[..MAX_HP_LEN]).map(|h| h.key().len()), Some(MAX_HP_LEN));
    let Obj::Dict { items, .. } = &mut archs[0].1 else { panic!("not a dict") };
    items[0].0 = Obj::Str(long.as_str().into());
    let e = MemSource::from_nats_folder(&meta, &archs).unwrap_err();
    assert_eq!(e, format!("000000.pickle.pbz2: hp key longer than {MAX_HP_LEN} bytes"));
}

/// NATS-Bench's `'k not in dict_keys([...])'` lists a whole table (kept whole, unlike other
/// messages), up to [`MAX_KEYS_MESSAGE`] characters.
#[test]
fn key_listings_are_kept_whole_up_to_the_limit() {
    let e = ApiError::listing(Exc::ValueError, &"k".repeat(MAX_KEYS_MESSAGE + 10));
    assert_eq!(e.message().chars().count(), MAX_KEYS_MESSAGE + 1);
    assert!(e.message().ends_with('…'));
    let src = folder_source(Space::Tss);
    let args = [Arg::Str("cifar10"), Arg::Str("x-test")];
    let kw = [("hp", Arg::Str("200")), ("enforce_all", Arg::Bool(false))];
    let v = run(&src, Space::Tss, "find_best", &args, &kw);
    let e = v.unwrap_err();
    assert_eq!(e.exc(), Exc::ValueError);
    assert!(e.message().starts_with("x-test@199 not in dict_keys(['ori-test@0', "), "{e}");
    assert!(e.message().ends_with("'ori-test@199'])"), "{e}");
    assert!(e.message().chars().count() > tnb_pycall::MAX_MESSAGE, "{e}");
}

/// `tnb batch` refuses draws as for NAS-Bench-201, on NATS-Bench's methods too (the second
/// `get_more_info` of `simulate_train_eval` included).
#[test]
fn batch_refuses_draws() {
    let src = folder_source(Space::Tss);
    for (m, args) in [
        ("get_more_info", vec![Arg::Int(0), Arg::Str("cifar10")]),
        ("simulate_train_eval", vec![Arg::Int(0), Arg::Str("cifar100")]),
        ("random", vec![]),
    ] {
        let e = run(&src, Space::Tss, m, &args, &[]).unwrap_err();
        assert_eq!(e.exc(), Exc::ValueError, "{m}");
        assert!(e.message().starts_with("tnb batch draws no random numbers"), "{m}: {e}");
    }
}

/// `Space` of an archive's family, and the properties `call` answers.
#[test]
fn spaces_and_properties() {
    use tnb_schema::header::Family as F;
    assert_eq!(Space::from_family(F::NatsTss), Some(Space::Tss));
    assert_eq!(Space::from_family(F::NatsSss), Some(Space::Sss));
    assert_eq!(Space::from_family(F::Nb201), None);
    let src = folder_source(Space::Sss);
    let p = |m: &str| run(&src, Space::Sss, m, &[], &[]).unwrap();
    assert_eq!(p("search_space_name"), Value::Str("size".into()));
    assert_eq!(p("full_train_epochs"), Value::Int(90));
    assert_eq!(p("is_size"), Value::Bool(true));
    assert_eq!(
        p("avaliable_hps"),
        Value::List(vec![
            Value::Str("01".into()),
            Value::Str("12".into()),
            Value::Str("90".into())
        ])
    );
}
