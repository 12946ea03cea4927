//! Copying arbitrary source values into the archive's generic section.

use std::collections::HashMap;

use tnb_pickle::{Arena, Dtype, Kind, Ref, Value};
use tnb_schema::transnas::Generic;
use tnb_schema::transnas::codes::*;

use crate::error::Error;

/// Builds the generic section. Nodes are numbered in post-order: children have smaller ids than
/// their parent (a container is pushed after its children), so the section cannot hold a cycle;
/// a source value reached twice (pickle's shared objects) becomes one node referenced twice.
#[derive(Debug, Default)]
pub(crate) struct GenericBuilder {
    pub(crate) g: Generic,
    seen: HashMap<Ref, u32>,
}

pub(crate) fn dtype_code(d: Dtype) -> u8 {
    Dtype::ALL.iter().position(|&x| x == d).unwrap_or(0) as u8
}

fn too_large() -> Error {
    Error::TooLarge("the generic section exceeds 4 GiB or 2^32 nodes".to_owned())
}

impl GenericBuilder {
    fn push(&mut self, kind: u8, start_or_value: u64, len_or_dtype: u32) -> Result<u32, Error> {
        let id = u32::try_from(self.g.kinds.len()).map_err(|_| too_large())?;
        self.g.kinds.push(kind);
        self.g.start_or_value.push(start_or_value);
        self.g.len_or_dtype.push(len_or_dtype);
        Ok(id)
    }

    fn blob(&mut self, data: &[u8]) -> Result<(u64, u32), Error> {
        let start = self.g.bytes.len() as u64;
        let len = u32::try_from(data.len()).map_err(|_| too_large())?;
        self.g.bytes.extend_from_slice(data);
        u32::try_from(self.g.bytes.len()).map_err(|_| too_large())?;
        Ok((start, len))
    }

    /// A leaf or container node from explicit children (already built).
    pub(crate) fn container(&mut self, kind: u8, children: &[u32]) -> Result<u32, Error> {
        let start = self.g.children.len() as u64;
        let len = u32::try_from(children.len()).map_err(|_| too_large())?;
        self.g.children.extend_from_slice(children);
        u32::try_from(self.g.children.len()).map_err(|_| too_large())?;
        self.push(kind, start, len)
    }

    /// A `str` node.
    pub(crate) fn string(&mut self, s: &str) -> Result<u32, Error> {
        let (a, b) = self.blob(s.as_bytes())?;
        self.push(NODE_STR, a, b)
    }

    /// The node marking where `data` goes.
    pub(crate) fn data_marker(&mut self) -> Result<u32, Error> {
        self.push(NODE_DATA, 0, 0)
    }

    /// Copies source value `r` (and everything under it). `path` names it for errors.
    pub(crate) fn value(
        &mut self,
        arena: &Arena<'_>,
        r: Ref,
        path: &dyn Fn() -> String,
    ) -> Result<u32, Error> {
        if let Some(&id) = self.seen.get(&r) {
            return Ok(id);
        }
        let id = match arena.get(r) {
            Value::None => self.push(NODE_NONE, 0, 0)?,
            Value::Bool(b) => self.push(if b { NODE_TRUE } else { NODE_FALSE }, 0, 0)?,
            Value::Int(i) => self.push(NODE_INT, i as u64, 0)?,
            Value::Float(f) => self.push(NODE_FLOAT, f.to_bits(), 0)?,
            Value::Scalar(s) => self.push(NODE_SCALAR, s.bits, u32::from(dtype_code(s.dtype)))?,
            Value::Str(s) => self.string(s)?,
            Value::Bytes(b) => {
                let (a, len) = self.blob(b)?;
                self.push(NODE_BYTES, a, len)?
            }
            Value::BigInt(b) => return Err(Error::at(path(), tnb_pth::big_int_problem(b))),
            Value::Container(kind, items) => {
                let mut ids = Vec::with_capacity(items.len());
                for (i, c) in items.iter().enumerate() {
                    let sub = || match kind {
                        Kind::Dict if i % 2 == 0 => format!("{}/<key {}>", path(), i / 2),
                        Kind::Dict => format!(
                            "{}/{}",
                            path(),
                            tnb_pth::key_label(arena, items.get(i - 1).unwrap_or(Ref::NONE))
                        ),
                        _ => format!("{}[{i}]", path()),
                    };
                    ids.push(self.value(arena, c, &sub)?);
                }
                let k = match kind {
                    Kind::List => NODE_LIST,
                    Kind::Tuple => NODE_TUPLE,
                    Kind::Dict => NODE_DICT,
                    Kind::Set => NODE_SET,
                    Kind::FrozenSet => NODE_FROZENSET,
                    Kind::Tensor(d) => NODE_TENSOR_BASE + dtype_code(d),
                };
                self.container(k, &ids)?
            }
            Value::Global(_) | Value::Object { .. } => {
                return Err(Error::at(
                    path(),
                    "a class or object is not data and cannot be archived",
                ));
            }
        };
        self.seen.insert(r, id);
        Ok(id)
    }
}
