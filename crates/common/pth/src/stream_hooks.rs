//! The allowlist of [`crate::globals`] for the streaming reader: the same names, resolved the
//! same way (numpy scalars with their dtype and byte order, `_codecs.encode`, `OrderedDict`,
//! `bytes`, `torch.Size`, sets), building owned values. Tensors, which have no owned form, are
//! refused naming them.

use tnb_pickle::stream::{Item, Obj, StreamHooks};
use tnb_pickle::{Dtype, Scalar};

use crate::globals::{self, Class};

/// Class id of the numpy dtype objects these hooks make. Their handle packs the dtype: bits
/// 0..32 the code's first four bytes, 32..40 the [`Dtype`] index (0xff when numpy's code is not
/// a number type), bit 40 little-endian.
const OBJ_DTYPE: u32 = u32::MAX - 1;

const NO_DTYPE: u64 = 0xff;

fn pack(code: &str, dtype: Option<Dtype>, little: bool) -> u64 {
    let mut c = [0u8; 4];
    let n = code.len().min(4);
    c[..n].copy_from_slice(&code.as_bytes()[..n]);
    let d = dtype.map_or(NO_DTYPE, |d| d as u64);
    u64::from(u32::from_le_bytes(c)) | (d << 32) | (u64::from(little) << 40)
}

fn unpack(h: u64) -> (String, Option<Dtype>, bool) {
    let code = (h as u32).to_le_bytes();
    let code = String::from_utf8_lossy(&code).trim_end_matches('\0').to_owned();
    let d = (h >> 32) & 0xff;
    let dtype = Dtype::ALL.get(d as usize).copied();
    (code, dtype, h & (1 << 40) != 0)
}

/// tnb-pth's globals for [`tnb_pickle::stream::load`]: torch's allowlist
/// ([`StreamTorchHooks::default`], what [`crate::stream_load`] uses), or only what a pickle of
/// numpy-typed data needs ([`StreamTorchHooks::numpy_data`]).
#[derive(Debug, Default)]
pub struct StreamTorchHooks {
    classes: Vec<(Class, String)>,
    numpy_only: bool,
}

fn tensors() -> String {
    "tensors are not supported by the streaming reader (NAS-Bench files hold none; read files \
     with tensors with tnb's in-memory reader)"
        .to_owned()
}

impl StreamTorchHooks {
    /// Hooks allowing only `collections.OrderedDict`, `numpy.core.multiarray.scalar` (also
    /// spelled `numpy._core.multiarray.scalar`, numpy 2) and `numpy.dtype`: what NATS-Bench's
    /// bz2 pickles need, nothing else (every other global, torch's included, is refused naming
    /// it).
    pub fn numpy_data() -> StreamTorchHooks {
        StreamTorchHooks { classes: Vec::new(), numpy_only: true }
    }

    fn class(&self, id: u32) -> Result<Class, String> {
        self.classes.get(id as usize).map(|c| c.0).ok_or_else(|| "unknown class".to_owned())
    }
}

fn nth<'a>(args: &'a [Item], i: usize, what: &str) -> Result<&'a Item, String> {
    args.get(i).ok_or_else(|| format!("{what}: missing argument {i}"))
}

fn string(it: &Item, what: &str) -> Result<String, String> {
    match it {
        Item::Obj(Obj::Str(s)) => Ok(s.to_string()),
        other => Err(format!("{what}: expected str, found {}", other.type_name())),
    }
}

impl StreamHooks for StreamTorchHooks {
    fn find_class(&mut self, module: &str, name: &str) -> Option<u32> {
        let class = globals::find(module, name)?;
        if self.numpy_only
            && !matches!(class, Class::OrderedDict | Class::NumpyScalar | Class::NumpyDtype)
        {
            return None;
        }
        let full = format!("{module}.{name}");
        if let Some(i) = self.classes.iter().position(|c| c.1 == full) {
            return Some(i as u32);
        }
        // The allowlist is a few names; a pickle naming them again reuses the id.
        self.classes.push((class, full));
        Some(self.classes.len() as u32 - 1)
    }

    fn call(&mut self, class: u32, args: Vec<Item>) -> Result<Item, String> {
        match self.class(class)? {
            Class::OrderedDict => {
                let items = match args.first() {
                    None => Vec::new(),
                    Some(Item::Obj(Obj::List(v) | Obj::Tuple(v))) => {
                        let mut items = Vec::with_capacity(v.len());
                        for p in v {
                            match p {
                                Obj::Tuple(kv) | Obj::List(kv) if kv.len() == 2 => {
                                    items.push((kv[0].clone(), kv[1].clone()));
                                }
                                _ => return Err("OrderedDict: items must be pairs".to_owned()),
                            }
                        }
                        items
                    }
                    Some(other) => {
                        return Err(format!("dict: cannot build from {}", other.type_name()));
                    }
                };
                Ok(Item::Obj(Obj::Dict { items, ordered: true }))
            }
            c @ (Class::Set | Class::FrozenSet) => {
                let frozen = matches!(c, Class::FrozenSet);
                let items = match args.first() {
                    None => Vec::new(),
                    Some(Item::Obj(
                        Obj::List(v) | Obj::Tuple(v) | Obj::Set(v) | Obj::FrozenSet(v),
                    )) => v.clone(),
                    Some(other) => {
                        return Err(format!("set: cannot build from {}", other.type_name()));
                    }
                };
                Obj::new_set(items, frozen)
                    .map(Item::Obj)
                    .map_err(|t| format!("set: unhashable type: '{t}'"))
            }
            Class::Bytes | Class::ByteArray => match args.first() {
                None => Ok(Item::Obj(Obj::Bytes(Vec::new().into()))),
                Some(Item::Obj(Obj::Bytes(b))) => Ok(Item::Obj(Obj::Bytes(b.clone()))),
                Some(Item::Obj(Obj::Str(_))) => encode(&args),
                Some(other) => Err(format!("bytes: cannot build from {}", other.type_name())),
            },
            Class::CodecsEncode => encode(&args),
            Class::NumpyDtype => {
                let code = string(nth(&args, 0, "numpy.dtype")?, "numpy.dtype")?;
                let dtype = globals::dtype_from_code(&code);
                Ok(Item::Object { class: OBJ_DTYPE, handle: pack(&code, dtype, true) })
            }
            Class::NumpyScalar => {
                let (Some(d), Some(data)) = (args.first(), args.get(1)) else {
                    return Err("numpy scalar: expected (dtype, data)".to_owned());
                };
                let Item::Object { class: OBJ_DTYPE, handle } = d else {
                    return Err("numpy scalar: first argument is not a numpy.dtype".to_owned());
                };
                let (code, dtype, little) = unpack(*handle);
                let Some(dtype) = dtype else {
                    return Err(format!(
                        "numpy scalar of dtype '{code}' is not supported (numbers only)"
                    ));
                };
                let Item::Obj(Obj::Bytes(bytes)) = data else {
                    return Err("numpy scalar: data is not bytes".to_owned());
                };
                let s = Scalar::from_bytes(dtype, bytes, little).ok_or_else(|| {
                    format!(
                        "numpy {} scalar needs {} bytes, found {}",
                        dtype.name(),
                        dtype.size(),
                        bytes.len()
                    )
                })?;
                Ok(Item::Obj(Obj::Scalar(s)))
            }
            Class::TorchSize => match args.first() {
                None => Ok(Item::Obj(Obj::Tuple(Vec::new()))),
                Some(Item::Obj(Obj::Tuple(v) | Obj::List(v))) => {
                    Ok(Item::Obj(Obj::Tuple(v.clone())))
                }
                Some(other) => Err(format!("tuple: cannot build from {}", other.type_name())),
            },
            Class::RebuildTensorV2 | Class::RebuildParameter | Class::Storage(_) => Err(tensors()),
        }
    }

    fn build(&mut self, obj: &mut Item, state: Item) -> Result<(), String> {
        let Item::Object { class: OBJ_DTYPE, handle } = obj else {
            return Err(format!(
                "BUILD (setting object state) is not supported on a {}",
                obj.type_name()
            ));
        };
        let order = match &state {
            Item::Obj(Obj::Tuple(v)) => v.get(1).and_then(Obj::as_str),
            Item::Tuple(v) => v.get(1).and_then(Item::as_obj).and_then(Obj::as_str),
            _ => None,
        };
        let little = globals::dtype_little_endian(order)?;
        let (code, dtype, _) = unpack(*handle);
        *handle = pack(&code, dtype, little);
        Ok(())
    }
}

fn encode(args: &[Item]) -> Result<Item, String> {
    let s = string(nth(args, 0, "_codecs.encode")?, "_codecs.encode")?;
    let enc = match args.get(1) {
        Some(Item::Obj(Obj::Str(e))) => Some(&**e),
        _ => None,
    };
    let b = globals::encode_text(s, enc)?;
    Ok(Item::Obj(Obj::Bytes(b.into())))
}
