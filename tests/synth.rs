//! `tnb-synth`'s look-alike files: the real arch order, readable by plain Python exactly as
//! `tnb dump` prints them, identical to the generator's own model after a round trip through
//! `tnb-pth`, and deterministic.

use std::collections::HashMap;
use std::rc::Rc;

use sha2::{Digest, Sha256};
use tnb_pickle::{Arena, Kind, Ref, Value as Read};
use tnb_pthwrite::Value;
use tnb_synth::{Container, InfoMode, Options, Synth, TimeFormat};

use crate::common::{TempDir, python, tnb};

const SHA_ALL: &str = "a37c48df4070ef567f96beff0bbfb7b385321bab02838392a546a798d7c3461a";
const SHA_MACRO: &str = "6202ebe86ed081175705cb280762254dfdf8358b414ded2ce9ab2a682f547f6b";
const SHA_MICRO: &str = "7208e18cc067190669357a1f93fb0d5e526732dd421ee0545783e0a728193d36";

fn sha_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut h = Sha256::new();
    for l in lines {
        h.update(l.as_bytes());
        h.update(b"\n");
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn zip(folder: &str) -> Container {
    Container::Zip { folder: folder.to_owned() }
}

/// Keys of a dict in the arena, as strings.
fn dict_keys<'a>(a: &'a Arena<'_>, r: Ref) -> Vec<&'a str> {
    let Read::Container(Kind::Dict, kv) = a.get(r) else { panic!("not a dict") };
    kv.pairs()
        .map(|(k, _)| match a.get(k) {
            Read::Str(s) => s,
            other => panic!("key {other:?}"),
        })
        .collect()
}

fn dict_get(a: &Arena<'_>, r: Ref, key: &str) -> Ref {
    let Read::Container(Kind::Dict, kv) = a.get(r) else { panic!("not a dict") };
    kv.pairs().find(|&(k, _)| a.get(k) == Read::Str(key)).map(|(_, v)| v).unwrap()
}

#[test]
fn a_full_size_file_has_the_reference_arch_strings_in_order() {
    // All 7352 archs; one task and one epoch keep the file small enough for a debug build.
    let synth = Synth::new(Options { tasks: 1, epochs: Some(1), ..Options::default() }).unwrap();
    assert_eq!(sha_lines(synth.arch_names()), SHA_ALL);
    let file = synth.file_bytes(&zip("full")).unwrap();
    let doc = tnb_pth::load(&file).unwrap();
    let a = &doc.pickle.arena;
    let data = dict_get(a, doc.pickle.root, "data");
    assert_eq!(dict_keys(a, data), ["macro", "micro"]);
    let macro_archs = dict_keys(a, dict_get(a, data, "macro"));
    let micro_archs = dict_keys(a, dict_get(a, data, "micro"));
    assert_eq!(sha_lines(macro_archs.iter().copied()), SHA_MACRO);
    assert_eq!(sha_lines(micro_archs.iter().copied()), SHA_MICRO);
    assert_eq!(sha_lines(macro_archs.iter().chain(&micro_archs).copied()), SHA_ALL);
    // The default generator (all tasks, all epochs) lists the same archs.
    let default = Synth::new(Options::default()).unwrap();
    assert!(default.arch_names().eq(synth.arch_names()));
}

/// Reads a torch file with plain python3 (zipfile + pickle, no torch) and prints
/// `json.dumps(obj)`; checks the container on the way, and that CPython's own pickler turns the
/// loaded object back into the very same pickle bytes.
const PY_DUMP: &str = r#"
import io, json, pickle, sys, zipfile
data = sys.stdin.buffer.read()
if data[:4] == b"PK\x03\x04":
    z = zipfile.ZipFile(io.BytesIO(data))
    infos = z.infolist()
    assert z.testzip() is None, "bad CRC"
    assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)
    folder = infos[0].filename.split("/")[0]
    names = [i.filename[len(folder) + 1:] for i in infos]
    assert names == ["data.pkl", ".format_version", ".storage_alignment", "byteorder",
                     "version", ".data/serialization_id"], names
    assert [z.read(i) for i in infos[1:5]] == [b"1", b"64", b"little", b"3\n"]
    sid = z.read(infos[5])
    assert len(sid) == 40 and sid.isdigit(), sid
    for i in infos:
        h = i.header_offset
        name_len, extra_len = int.from_bytes(data[h + 26:h + 28], "little"), int.from_bytes(data[h + 28:h + 30], "little")
        assert data[h + 30 + name_len:h + 32 + name_len] == b"FB", i.filename
        assert (h + 30 + name_len + extra_len) % 64 == 0, i.filename
    pkl = z.read(infos[0])
    obj = pickle.loads(pkl)
    # CPython's pickler, given the object as loaded (same sharing), writes the same bytes.
    assert pickle.dumps(obj, protocol=2) == pkl, "data.pkl is not what CPython writes"
else:
    f = io.BytesIO(data)
    parts, bounds = [], [0]
    for _ in range(5):
        parts.append(pickle.Unpickler(f).load())
        bounds.append(f.tell())
    magic, proto, sys_info, obj, keys = parts
    assert magic == 0x1950a86a20f9469cfc6c and proto == 1001 and keys == [], (magic, proto, keys)
    assert sys_info == {"protocol_version": 1001, "little_endian": True,
                        "type_sizes": {"short": 2, "int": 4, "long": 4}}, sys_info
    assert f.read() == b""
    for part, start, end in zip(parts, bounds, bounds[1:]):
        assert pickle.dumps(part, protocol=2) == data[start:end], "not what CPython writes"
sys.stdout.write(json.dumps(obj) + "\n")
"#;

#[test]
fn plain_python_reads_exactly_what_tnb_dump_prints() {
    let dir = TempDir::new("synth-python");
    let cases: [(&str, Options, bool); 5] = [
        ("small.pth", Options { archs: 12, epochs: Some(3), ..Options::default() }, false),
        (
            "variant.pth",
            Options {
                archs: 5,
                tasks: 3,
                time: TimeFormat::Float,
                info: InfoMode::Empty,
                seed: 7,
                ..Options::default()
            },
            true,
        ),
        ("two-tasks.pth", Options { archs: 30, tasks: 2, ..Options::default() }, false),
        (
            "tiny.pth",
            Options {
                archs: 2,
                tasks: 1,
                epochs: Some(1),
                info: InfoMode::Empty,
                ..Options::default()
            },
            false,
        ),
        (
            "wide.pth",
            Options { tasks: 1, epochs: Some(2), time: TimeFormat::Float, ..Options::default() },
            true,
        ),
    ];
    for (name, options, legacy) in cases {
        let synth = Synth::new(options).unwrap();
        let path = dir.path(name);
        let container = if legacy { Container::Legacy } else { zip(name.trim_end_matches(".pth")) };
        let summary = synth.write_file(&path, &container, &mut |_| {}).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(summary.bytes, bytes.len() as u64);
        let r = tnb(&["dump", path.to_str().unwrap()]);
        assert_eq!(r.code, Some(0), "{name}: {}", r.stderr);
        let want = python(PY_DUMP, &bytes);
        assert!(r.stdout == want, "{name}: tnb dump differs from python's json.dumps");
    }
}

/// Compares what the reader built with the generator's model: same values (floats bit for bit),
/// same order, and the same object graph (one reference per shared object, distinct references
/// for distinct objects).
struct Graph<'a, 'b> {
    arena: &'a Arena<'b>,
    ref_of: HashMap<*const u8, Ref>,
    obj_of: HashMap<Ref, *const u8>,
}

impl Graph<'_, '_> {
    fn identity(v: &Value) -> Option<*const u8> {
        match v {
            Value::Str(s) => Some(Rc::as_ptr(s).cast()),
            Value::List(x) | Value::Tuple(x) => Some(Rc::as_ptr(x).cast()),
            Value::Dict(x) => Some(Rc::as_ptr(x).cast()),
            _ => None,
        }
    }

    fn same(&mut self, r: Ref, v: &Value, path: &str) {
        if let Some(id) = Self::identity(v) {
            let r0 = *self.ref_of.entry(id).or_insert(r);
            let id0 = *self.obj_of.entry(r).or_insert(id);
            assert!(r0 == r && id0 == id, "{path}: sharing differs");
        }
        match (self.arena.get(r), v) {
            (Read::Int(x), Value::Int(y)) => assert_eq!(x, *y, "{path}"),
            (Read::Float(x), Value::Float(y)) => assert_eq!(x.to_bits(), y.to_bits(), "{path}"),
            (Read::Str(x), Value::Str(y)) => assert_eq!(x, &**y, "{path}"),
            (Read::Container(Kind::List, c), Value::List(items)) => {
                assert_eq!(c.len(), items.len(), "{path}");
                for (i, (x, y)) in c.iter().zip(items.iter()).enumerate() {
                    self.same(x, y, &format!("{path}[{i}]"));
                }
            }
            (Read::Container(Kind::Dict, kv), Value::Dict(items)) => {
                assert_eq!(kv.len(), 2 * items.len(), "{path}");
                for ((pk, pv), (k, val)) in kv.pairs().zip(items.iter()) {
                    let Value::Str(key) = k else { panic!("{path}: non-str key") };
                    self.same(pk, k, &format!("{path} key {key}"));
                    self.same(pv, val, &format!("{path}[{key}]"));
                }
            }
            (got, want) => panic!("{path}: read {got:?}, generated {want:?}"),
        }
    }
}

#[test]
fn every_option_round_trips_through_tnb_pth() {
    let sizes = [(3, 7, Some(2)), (10, 2, None)];
    for legacy in [false, true] {
        for time in [TimeFormat::String, TimeFormat::Float] {
            for info in [InfoMode::Numbers, InfoMode::Empty] {
                for (archs, tasks, epochs) in sizes {
                    let o = Options { archs, tasks, epochs, time, info, ..Options::default() };
                    let synth = Synth::new(o.clone()).unwrap();
                    let container = if legacy { Container::Legacy } else { zip("rt") };
                    let file = synth.file_bytes(&container).unwrap();
                    let doc = tnb_pth::load(&file).unwrap();
                    assert_eq!(doc.format.name(), if legacy { "legacy" } else { "zip" });
                    let model = synth.to_value();
                    let mut g = Graph {
                        arena: &doc.pickle.arena,
                        ref_of: HashMap::new(),
                        obj_of: HashMap::new(),
                    };
                    g.same(doc.pickle.root, &model, &format!("{o:?} legacy={legacy}"));
                }
            }
        }
    }
}

#[test]
fn same_seed_same_bytes_and_another_seed_other_bytes() {
    let dir = TempDir::new("synth-determinism");
    let write = |name: &str, seed: u64, legacy: bool| {
        let o = Options { archs: 25, tasks: 4, epochs: Some(5), seed, ..Options::default() };
        let path = dir.path(name);
        let c = if legacy { Container::Legacy } else { zip("same") };
        Synth::new(o).unwrap().write_file(&path, &c, &mut |_| {}).unwrap();
        std::fs::read(path).unwrap()
    };
    for legacy in [false, true] {
        let a = write("a.pth", 11, legacy);
        let b = write("b.pth", 11, legacy);
        let c = write("c.pth", 12, legacy);
        assert!(a == b, "legacy={legacy}: same seed, different bytes");
        assert!(a != c, "legacy={legacy}: another seed, same bytes");
    }
}
