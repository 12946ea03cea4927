//! The allowlist: the only globals a torch file may name, and what "calling" them builds.
//!
//! Everything here constructs plain data. Nothing is imported or run; a name not listed in
//! [`find`] is an error naming it.

use std::collections::{HashMap, HashSet};

use tnb_pickle::{Arena, Children, Dtype, Hooks, Kind, Ref, Scalar, Value};

use crate::tensor;

/// Callable globals (shared with the streaming reader's hooks, `stream_hooks`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    OrderedDict,
    Set,
    FrozenSet,
    Bytes,
    ByteArray,
    CodecsEncode,
    NumpyScalar,
    NumpyDtype,
    RebuildTensorV2,
    RebuildParameter,
    TorchSize,
    /// `torch.FloatStorage` and friends: only meaningful inside a persistent id.
    Storage(Dtype),
}

const STORAGES: [(&str, Dtype); 10] = [
    ("HalfStorage", Dtype::F16),
    ("BFloat16Storage", Dtype::BF16),
    ("FloatStorage", Dtype::F32),
    ("DoubleStorage", Dtype::F64),
    ("CharStorage", Dtype::I8),
    ("ShortStorage", Dtype::I16),
    ("IntStorage", Dtype::I32),
    ("LongStorage", Dtype::I64),
    ("ByteStorage", Dtype::U8),
    ("BoolStorage", Dtype::Bool),
];

/// The allowlist: the class a global names, if it is allowed.
pub(crate) fn find(module: &str, name: &str) -> Option<Class> {
    Some(match (module, name) {
        ("collections", "OrderedDict") => Class::OrderedDict,
        ("builtins", "set") => Class::Set,
        ("builtins", "frozenset") => Class::FrozenSet,
        ("builtins", "bytes") => Class::Bytes,
        ("builtins", "bytearray") => Class::ByteArray,
        ("_codecs", "encode") => Class::CodecsEncode,
        ("numpy.core.multiarray" | "numpy._core.multiarray", "scalar") => Class::NumpyScalar,
        ("numpy", "dtype") => Class::NumpyDtype,
        ("torch._utils", "_rebuild_tensor_v2") => Class::RebuildTensorV2,
        ("torch._utils", "_rebuild_parameter") => Class::RebuildParameter,
        ("torch", "Size") => Class::TorchSize,
        ("torch" | "torch.cuda", n) => {
            let (_, d) = STORAGES.iter().find(|(s, _)| *s == n)?;
            Class::Storage(*d)
        }
        _ => return None,
    })
}

/// Class ids handed to the pickle reader are indexes into `TorchHooks::classes`; the objects
/// the hooks create (dtype and storage handles) use these two fixed ids.
const OBJ_DTYPE: u32 = u32::MAX - 1;
const OBJ_STORAGE: u32 = u32::MAX - 2;

/// A readable name for a class id, given the names from [`TorchHooks::class_names`].
pub(crate) fn class_name(names: &[String], class: u32) -> String {
    match class {
        OBJ_DTYPE => "numpy.dtype".to_owned(),
        OBJ_STORAGE => "torch storage".to_owned(),
        c => names.get(c as usize).cloned().unwrap_or_else(|| format!("class #{c}")),
    }
}

/// How tensor storages are found: the zip's `data/<key>` records or the legacy file's raw
/// storages, by key.
#[derive(Debug, Default)]
pub(crate) struct Storages<'a> {
    /// The bytes of each storage. Zip keys are lowercased: torch finds the record `data/<key>`
    /// ignoring ASCII case, so a key is looked up lowercased there.
    pub(crate) by_key: HashMap<String, &'a [u8]>,
    pub(crate) little_endian: bool,
    /// Legacy persistent ids carry a sixth element (view metadata), zip ones do not.
    pub(crate) legacy: bool,
}

/// Longest storage or view key read, in bytes. torch writes short decimal keys (`'0'`, `'1'`,
/// ... in a zip, a pointer's digits in a legacy file); every reference copies and hashes its
/// key, so a long key referenced millions of times would cost time and memory in proportion.
pub const MAX_STORAGE_KEY_LEN: usize = 64;

fn long_key(len: usize) -> String {
    format!(
        "a storage key of {len} bytes is longer than MAX_STORAGE_KEY_LEN ({MAX_STORAGE_KEY_LEN})"
    )
}

/// The first reference to a storage key: torch makes the storage from it and hands the same
/// storage to every later reference to the key (`loaded_storages` in `_load`,
/// `deserialized_objects` in `_legacy_load`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RootRef {
    /// Element type of the storage.
    pub(crate) dtype: Dtype,
    /// Number of elements.
    pub(crate) numel: i64,
}

/// The first reference to a legacy view key: torch slices the view once and hands the same
/// slice to every later reference to the key, whatever that reference says.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ViewRef {
    root: String,
    offset: i64,
    size: i64,
    dtype: Dtype,
}

#[derive(Clone, Copy, Debug)]
struct StorageObj<'a> {
    dtype: Dtype,
    bytes: &'a [u8],
}

#[derive(Clone, Copy, Debug)]
struct DtypeObj {
    dtype: Option<Dtype>,
    code: [u8; 4],
    little_endian: bool,
}

/// The hooks tnb-pth gives the pickle reader.
#[derive(Debug)]
pub(crate) struct TorchHooks<'a> {
    classes: Vec<Class>,
    class_ids: HashMap<(String, String), u32>,
    storages: Storages<'a>,
    storage_objs: Vec<StorageObj<'a>>,
    dtype_objs: Vec<DtypeObj>,
    /// Survey mode: storages are not resolved, only their first references recorded, and
    /// tensors become `None`. The legacy format needs this to walk its storage records.
    survey: bool,
    /// Each storage key's first reference (see [`RootRef`]).
    roots: HashMap<String, RootRef>,
    /// Each legacy view key's first reference.
    views: HashMap<String, ViewRef>,
    /// Tensor elements still allowed (see [`tensor::TENSOR_ELEMENT_SLACK`]).
    tensor_budget: u64,
    /// Values and bytes the constructors have copied so far (see [`MAX_COPIED`]).
    copied: u64,
}

/// Most values and bytes the allowlisted constructors (`set`, `frozenset`, `OrderedDict`,
/// `torch.Size`, `bytes`, `_codecs.encode`) may copy in one file. Each call copies its argument,
/// so a memoised list of a million items passed to `frozenset` a thousand times would otherwise
/// turn a few kilobytes of pickle into gigabytes. 2^24 copies cost at most 64 MiB.
pub const MAX_COPIED: u64 = 1 << 24;

impl<'a> TorchHooks<'a> {
    pub(crate) fn new(storages: Storages<'a>) -> Self {
        let storage_bytes: u64 = storages.by_key.values().map(|b| b.len() as u64).sum();
        TorchHooks {
            tensor_budget: storage_bytes.saturating_add(tensor::TENSOR_ELEMENT_SLACK),
            copied: 0,
            classes: Vec::new(),
            class_ids: HashMap::new(),
            storages,
            storage_objs: Vec::new(),
            dtype_objs: Vec::new(),
            survey: false,
            roots: HashMap::new(),
            views: HashMap::new(),
        }
    }

    /// Hooks that only record the first reference to each storage and view key of a legacy
    /// object pickle (refusing references that disagree with it).
    pub(crate) fn survey() -> Self {
        let mut h = TorchHooks::new(Storages { legacy: true, ..Storages::default() });
        h.survey = true;
        h
    }

    /// What a survey saw: the storage keys with their first reference, and the view keys.
    pub(crate) fn surveyed(self) -> (HashMap<String, RootRef>, HashSet<String>) {
        (self.roots, self.views.into_keys().collect())
    }

    /// Readable names of every class id handed out, for messages about leftover objects.
    pub(crate) fn class_names(&self) -> Vec<String> {
        let mut names = vec![String::new(); self.classes.len()];
        for ((m, n), &id) in &self.class_ids {
            names[id as usize] = format!("{m}.{n}");
        }
        names
    }
}

fn items<'s>(arena: &'s Arena<'_>, r: Ref) -> Children<'s> {
    arena.children(r)
}

fn arg<'s>(arena: &'s Arena<'_>, args: Ref, i: usize, what: &str) -> Result<Value<'s>, String> {
    items(arena, args)
        .get(i)
        .map(|r| arena.get(r))
        .ok_or_else(|| format!("{what}: missing argument {i}"))
}

fn int(v: Value<'_>, what: &str) -> Result<i64, String> {
    match v {
        Value::Int(i) => Ok(i),
        Value::Bool(b) => Ok(i64::from(b)),
        other => Err(format!("{what}: expected an int, found {}", other.type_name())),
    }
}

fn ints(arena: &Arena<'_>, v: Value<'_>, what: &str) -> Result<Vec<i64>, String> {
    match v {
        Value::Container(Kind::Tuple | Kind::List, c) => {
            c.iter().map(|r| int(arena.get(r), what)).collect()
        }
        other => Err(format!("{what}: expected a tuple of ints, found {}", other.type_name())),
    }
}

fn pe(e: tnb_pickle::Error) -> String {
    e.to_string()
}

/// numpy's dtype codes as `numpy.dtype(code, False, True)` receives them.
pub(crate) fn dtype_from_code(code: &str) -> Option<Dtype> {
    Some(match code {
        "b1" => Dtype::Bool,
        "u1" => Dtype::U8,
        "u2" => Dtype::U16,
        "u4" => Dtype::U32,
        "u8" => Dtype::U64,
        "i1" => Dtype::I8,
        "i2" => Dtype::I16,
        "i4" => Dtype::I32,
        "i8" => Dtype::I64,
        "f2" => Dtype::F16,
        "f4" => Dtype::F32,
        "f8" => Dtype::F64,
        _ => return None,
    })
}

fn latin1(s: &str) -> Result<Vec<u8>, String> {
    s.chars()
        .map(|c| {
            u8::try_from(u32::from(c))
                .map_err(|_| "latin-1 text holds a character above U+00FF".to_owned())
        })
        .collect()
}

/// `_codecs.encode(s, enc)` (UTF-8 when the encoding is not a str): the bytes torch's pickles
/// carry numpy scalar data in, written as a latin-1 `str`.
pub(crate) fn encode_text(s: String, enc: Option<&str>) -> Result<Vec<u8>, String> {
    let enc = enc.map_or_else(|| "utf-8".to_owned(), str::to_ascii_lowercase);
    Ok(match enc.as_str() {
        "latin1" | "latin-1" | "iso-8859-1" => latin1(&s)?,
        "utf-8" | "utf8" => s.into_bytes(),
        other => return Err(format!("_codecs.encode: encoding '{other}' is not supported")),
    })
}

/// Whether a numpy dtype's pickled state (`(version, byteorder, …)`, its byte order given) is
/// little-endian.
pub(crate) fn dtype_little_endian(order: Option<&str>) -> Result<bool, String> {
    match order {
        Some("<" | "|" | "=") => Ok(true),
        Some(">") => Ok(false),
        _ => Err("numpy.dtype state has no byte order".to_owned()),
    }
}

impl<'a> TorchHooks<'a> {
    /// Counts `n` values or bytes about to be copied against [`MAX_COPIED`].
    fn copy(&mut self, n: usize, what: &str) -> Result<(), String> {
        self.copied = self.copied.saturating_add(n as u64);
        if self.copied > MAX_COPIED {
            return Err(format!(
                "{what}: values copied by constructors exceed the limit of {MAX_COPIED} (MAX_COPIED)"
            ));
        }
        Ok(())
    }

    fn class(&self, id: u32) -> Option<Class> {
        self.classes.get(id as usize).copied()
    }

    fn encode(&mut self, arena: &mut Arena<'_>, args: Ref) -> Result<Ref, String> {
        let s = match arg(arena, args, 0, "_codecs.encode")? {
            Value::Str(s) => s.to_owned(),
            other => {
                return Err(format!("_codecs.encode: expected str, found {}", other.type_name()));
            }
        };
        let enc = match arg(arena, args, 1, "_codecs.encode") {
            Ok(Value::Str(e)) => Some(e),
            _ => None,
        };
        let bytes = encode_text(s, enc)?;
        self.copy(bytes.len(), "_codecs.encode")?;
        arena.push_bytes(&bytes).map_err(pe)
    }

    fn bytes(&mut self, arena: &mut Arena<'_>, args: Ref) -> Result<Ref, String> {
        match items(arena, args).len() {
            0 => arena.push_bytes(&[]).map_err(pe),
            _ => match arg(arena, args, 0, "bytes")? {
                Value::Bytes(b) => {
                    let b = b.to_vec();
                    self.copy(b.len(), "bytes")?;
                    arena.push_bytes(&b).map_err(pe)
                }
                Value::Str(_) => self.encode(arena, args),
                other => Err(format!("bytes: cannot build from {}", other.type_name())),
            },
        }
    }

    fn collection(&mut self, arena: &mut Arena<'_>, args: Ref, kind: Kind) -> Result<Ref, String> {
        let from: Vec<Ref> = match items(arena, args).first() {
            None => Vec::new(),
            Some(r) => match arena.get(r) {
                Value::Container(Kind::Tuple | Kind::List | Kind::Set | Kind::FrozenSet, c) => {
                    c.to_vec()
                }
                other => {
                    return Err(format!(
                        "{}: cannot build from {}",
                        kind.name(),
                        other.type_name()
                    ));
                }
            },
        };
        self.copy(from.len(), kind.name())?;
        if kind == Kind::Dict {
            // OrderedDict(list_of_pairs)
            let mut kv = Vec::with_capacity(from.len() * 2);
            for p in from {
                match arena.get(p) {
                    Value::Container(Kind::Tuple | Kind::List, c) if c.len() == 2 => {
                        kv.extend(c.iter());
                    }
                    _ => return Err("OrderedDict: items must be pairs".to_owned()),
                }
            }
            return arena.push_container(Kind::Dict, &kv).map_err(pe);
        }
        arena.push_container(kind, &from).map_err(pe)
    }

    fn numpy_dtype(&mut self, arena: &mut Arena<'_>, args: Ref) -> Result<Ref, String> {
        let code = match arg(arena, args, 0, "numpy.dtype")? {
            Value::Str(s) => s,
            other => {
                return Err(format!("numpy.dtype: expected a str, found {}", other.type_name()));
            }
        };
        let mut c = [0u8; 4];
        let n = code.len().min(4);
        c[..n].copy_from_slice(&code.as_bytes()[..n]);
        let obj = DtypeObj { dtype: dtype_from_code(code), code: c, little_endian: true };
        let i = self.dtype_objs.len() as i64;
        self.dtype_objs.push(obj);
        let state = arena.push_int(i).map_err(pe)?;
        arena.push_object(OBJ_DTYPE, state).map_err(pe)
    }

    fn dtype_obj(&self, arena: &Arena<'_>, r: Ref) -> Option<DtypeObj> {
        match arena.get(r) {
            Value::Object { class: OBJ_DTYPE, state } => match arena.get(state) {
                Value::Int(i) => self.dtype_objs.get(usize::try_from(i).ok()?).copied(),
                _ => None,
            },
            _ => None,
        }
    }

    fn numpy_scalar(&self, arena: &mut Arena<'_>, args: Ref) -> Result<Ref, String> {
        let a = items(arena, args).to_vec();
        let (Some(&d), Some(&data)) = (a.first(), a.get(1)) else {
            return Err("numpy scalar: expected (dtype, data)".to_owned());
        };
        let d =
            self.dtype_obj(arena, d).ok_or("numpy scalar: first argument is not a numpy.dtype")?;
        let Some(dtype) = d.dtype else {
            let code = String::from_utf8_lossy(&d.code).trim_end_matches('\0').to_owned();
            return Err(format!("numpy scalar of dtype '{code}' is not supported (numbers only)"));
        };
        let Value::Bytes(bytes) = arena.get(data) else {
            return Err("numpy scalar: data is not bytes".to_owned());
        };
        let s = Scalar::from_bytes(dtype, bytes, d.little_endian).ok_or_else(|| {
            format!(
                "numpy {} scalar needs {} bytes, found {}",
                dtype.name(),
                dtype.size(),
                bytes.len()
            )
        })?;
        arena.push_scalar(s).map_err(pe)
    }

    fn rebuild_tensor(&mut self, arena: &mut Arena<'_>, args: Ref) -> Result<Ref, String> {
        const W: &str = "torch._utils._rebuild_tensor_v2";
        if self.survey {
            return Ok(Ref::NONE);
        }
        let storage = match arg(arena, args, 0, W)? {
            Value::Object { class: OBJ_STORAGE, state } => match arena.get(state) {
                Value::Int(i) => {
                    usize::try_from(i).ok().and_then(|i| self.storage_objs.get(i)).copied()
                }
                _ => None,
            },
            _ => None,
        }
        .ok_or_else(|| format!("{W}: first argument is not a tensor storage"))?;
        let offset = int(arg(arena, args, 1, W)?, W)?;
        let size = ints(arena, arg(arena, args, 2, W)?, W)?;
        let stride = ints(arena, arg(arena, args, 3, W)?, W)?;
        tensor::decode(
            arena,
            storage.dtype,
            storage.bytes,
            self.storages.little_endian,
            tensor::View { offset, size: &size, stride: &stride },
            &mut self.tensor_budget,
        )
    }

    /// A storage persistent id, as torch's `persistent_load` reads it: `('storage', <Type>Storage,
    /// key, location, numel)` in a zip (`_load` unpacks exactly these), with a sixth item in a
    /// legacy file (`_legacy_load`): `None`, or `(view_key, offset, size)` for a view. torch keeps
    /// the storage (and the view) the first reference to a key made; a later reference that
    /// disagrees with it is refused rather than resolved (torch 2.15 reinterprets the bytes
    /// when the byte lengths agree, and reads the record again, or leaves memory uninitialised in
    /// a legacy file, when they do not). A zip record must hold exactly the storage's bytes, as
    /// torch 2.15 checks.
    fn storage(&mut self, arena: &mut Arena<'_>, pid: Ref) -> Result<Ref, String> {
        let parts = match arena.get(pid) {
            Value::Container(Kind::Tuple, c) => c.to_vec(),
            other => {
                return Err(format!("persistent id is a {}, expected a tuple", other.type_name()));
            }
        };
        let tag = parts.first().map(|&r| arena.get(r));
        if tag != Some(Value::Str("storage")) || parts.len() < 5 {
            return Err("persistent id is not a torch storage reference".to_owned());
        }
        let legacy = self.storages.legacy;
        let want = if legacy { 6 } else { 5 };
        if parts.len() != want {
            return Err(format!(
                "storage persistent id has {} items: torch's {} loader unpacks exactly {want}",
                parts.len(),
                if legacy { "legacy" } else { "zip" }
            ));
        }
        let dtype = match arena.get(parts[1]) {
            Value::Global(c) => match self.class(c) {
                Some(Class::Storage(d)) => d,
                _ => {
                    return Err("persistent id names a class that is not a storage type".to_owned());
                }
            },
            other => return Err(format!("storage type is a {}", other.type_name())),
        };
        let key = match arena.get(parts[2]) {
            Value::Str(s) if s.len() > MAX_STORAGE_KEY_LEN => return Err(long_key(s.len())),
            Value::Str(s) => s.to_owned(),
            // torch names the record f"data/{key}": an int key is its decimal text. Legacy keys
            // are dict keys, where 1 and '1' are two storages: only str keys (what torch writes)
            // are read there.
            Value::Int(i) if !legacy => i.to_string(),
            other => return Err(format!("storage key is a {}", other.type_name())),
        };
        // torch hands the storage to the deserializer of its location: 'cpu' keeps the bytes;
        // 'meta' keeps none (a tensor without values), 'cuda' works only on a machine with a GPU,
        // anything else fails. Only 'cpu' means the same everywhere.
        match arena.get(parts[3]) {
            Value::Str("cpu") => {}
            Value::Str(other) => {
                return Err(format!(
                    "storage '{key}' has location {:?}: only 'cpu' storages read the same on \
                     every machine ('meta' has no data, 'cuda' needs a GPU)",
                    other.chars().take(32).collect::<String>()
                ));
            }
            other => return Err(format!("storage location is a {}", other.type_name())),
        }
        let numel = int(arena.get(parts[4]), "storage size")?;
        if numel < 0 {
            return Err(format!("storage '{key}' has a negative size {numel}"));
        }
        let first = RootRef { dtype, numel };
        match self.roots.get(&key) {
            Some(seen) if *seen != first => {
                return Err(format!(
                    "storage '{key}' is referenced as {} {} elements and as {numel} {}: torch \
                     resolves such references by their order, tnb refuses them",
                    seen.numel,
                    seen.dtype.name(),
                    dtype.name()
                ));
            }
            Some(_) => {}
            None => {
                if self.views.contains_key(&key) {
                    return Err(format!("key '{key}' names both a storage and a view"));
                }
                self.roots.insert(key.clone(), first);
            }
        }
        let view = if legacy { self.view(arena, parts[5], &key, dtype)? } else { None };
        if self.survey {
            return Ok(Ref::NONE);
        }
        let lower;
        let lookup = if legacy {
            &key
        } else {
            lower = key.to_ascii_lowercase();
            &lower
        };
        let raw = *self
            .storages
            .by_key
            .get(lookup)
            .ok_or_else(|| format!("tensor storage '{key}' is missing from the file"))?;
        let el = dtype.size() as u64;
        let nbytes = (numel as u64)
            .checked_mul(el)
            .ok_or_else(|| format!("storage '{key}' has an invalid size {numel}"))?;
        if (raw.len() as u64) < nbytes {
            return Err(format!(
                "storage '{key}' is too short: {numel} {} elements need {nbytes} bytes, the file has {}",
                dtype.name(),
                raw.len()
            ));
        }
        if raw.len() as u64 != nbytes {
            return Err(format!(
                "storage '{key}' holds {} bytes but {numel} {} elements are {nbytes}: torch \
                 refuses a record of another size",
                raw.len(),
                dtype.name()
            ));
        }
        let mut bytes = raw;
        if let Some(v) = view {
            let range = u64::try_from(v.offset)
                .ok()
                .zip(u64::try_from(v.size).ok())
                .and_then(|(o, l)| Some((o.checked_mul(el)?, o.checked_add(l)?.checked_mul(el)?)))
                .filter(|&(_, e)| e <= nbytes)
                .ok_or_else(|| {
                    format!("storage view ({}, {}) lies outside storage '{key}'", v.offset, v.size)
                })?;
            bytes = &bytes[range.0 as usize..range.1 as usize];
        }
        let i = self.storage_objs.len() as i64;
        self.storage_objs.push(StorageObj { dtype, bytes });
        let state = arena.push_int(i).map_err(pe)?;
        arena.push_object(OBJ_STORAGE, state).map_err(pe)
    }

    /// A legacy persistent id's sixth item: `None` (the storage itself) or `(view_key, offset,
    /// size)`, a slice of the storage. The first reference to a view key is the view (see
    /// [`ViewRef`]); torch unpacks any 3-item iterable, tnb only the tuple torch wrote.
    fn view(
        &mut self,
        arena: &Arena<'_>,
        meta: Ref,
        root: &str,
        dtype: Dtype,
    ) -> Result<Option<ViewRef>, String> {
        let v = match arena.get(meta) {
            Value::None => return Ok(None),
            Value::Container(Kind::Tuple, v) if v.len() == 3 => v,
            other => {
                return Err(format!(
                    "storage view metadata is a {}, expected None or a 3-tuple",
                    other.type_name()
                ));
            }
        };
        let at = |i: usize| v.get(i).map_or(Value::None, |r| arena.get(r));
        let Value::Str(view_key) = at(0) else {
            return Err(format!("storage view key is a {}", at(0).type_name()));
        };
        if view_key.len() > MAX_STORAGE_KEY_LEN {
            return Err(long_key(view_key.len()));
        }
        let view = ViewRef {
            root: root.to_owned(),
            offset: int(at(1), "view offset")?,
            size: int(at(2), "view size")?,
            dtype,
        };
        if self.roots.contains_key(view_key) {
            return Err(format!("key '{view_key}' names both a storage and a view"));
        }
        match self.views.get(view_key) {
            Some(seen) if *seen != view => Err(format!(
                "storage view '{view_key}' is referenced twice with different storages, \
                 offsets, sizes or dtypes: torch keeps the first, tnb refuses them"
            )),
            Some(_) => Ok(Some(view)),
            None => {
                self.views.insert(view_key.to_owned(), view.clone());
                Ok(Some(view))
            }
        }
    }
}

impl<'a> Hooks for TorchHooks<'a> {
    fn find_class(&mut self, module: &str, name: &str) -> Option<u32> {
        let class = find(module, name)?;
        let key = (module.to_owned(), name.to_owned());
        if let Some(&id) = self.class_ids.get(&key) {
            return Some(id);
        }
        let id = self.classes.len() as u32;
        self.classes.push(class);
        self.class_ids.insert(key, id);
        Some(id)
    }

    fn call(&mut self, arena: &mut Arena<'_>, class: u32, args: Ref) -> Result<Ref, String> {
        match self.class(class).ok_or("unknown class")? {
            Class::OrderedDict => self.collection(arena, args, Kind::Dict),
            Class::Set => self.collection(arena, args, Kind::Set),
            Class::FrozenSet => self.collection(arena, args, Kind::FrozenSet),
            Class::Bytes | Class::ByteArray => self.bytes(arena, args),
            Class::CodecsEncode => self.encode(arena, args),
            Class::NumpyDtype => self.numpy_dtype(arena, args),
            Class::NumpyScalar => self.numpy_scalar(arena, args),
            Class::RebuildTensorV2 => self.rebuild_tensor(arena, args),
            Class::RebuildParameter => {
                items(arena, args).first().ok_or_else(|| "_rebuild_parameter: no data".to_owned())
            }
            Class::TorchSize => self.collection(arena, args, Kind::Tuple),
            Class::Storage(d) => Err(format!("torch storage type {} cannot be called", d.name())),
        }
    }

    fn build(&mut self, arena: &mut Arena<'_>, obj: Ref, state: Ref) -> Result<(), String> {
        let Value::Object { class: OBJ_DTYPE, state: idx } = arena.get(obj) else {
            return Err(format!(
                "BUILD (setting object state) is not supported on a {}",
                arena.get(obj).type_name()
            ));
        };
        let Value::Int(i) = arena.get(idx) else {
            return Err("numpy.dtype: bad state".to_owned());
        };
        // numpy's dtype state: (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])
        let order = match items(arena, state).get(1).map(|r| arena.get(r)) {
            Some(Value::Str(o)) => Some(o),
            _ => None,
        };
        let little = dtype_little_endian(order)?;
        if let Some(d) = usize::try_from(i).ok().and_then(|i| self.dtype_objs.get_mut(i)) {
            d.little_endian = little;
        }
        Ok(())
    }

    fn persistent_load(&mut self, arena: &mut Arena<'_>, pid: Ref) -> Result<Ref, String> {
        self.storage(arena, pid)
    }

    fn class_name(&self, class: u32) -> String {
        class_name(&self.class_names(), class)
    }
}
