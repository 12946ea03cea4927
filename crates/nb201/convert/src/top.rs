//! The top-level object: `meta_archs`, `evaluated_indexes` and everything else as generic
//! nodes, then the lookup tables, which need every string and entry.

use std::collections::HashMap;
use std::io::Write;

use tnb_pickle::stream::Obj;
use tnb_schema::nb201::codes::*;
use tnb_schema::nb201::str_hash;

use crate::build::{Builder, MAX_GENERIC_DEPTH, MAX_GENERIC_NODES, dtype_code};
use crate::error::Error;
use crate::path::{At, Repr, TOP};

/// The keys the official constructor requires, in the order it checks them.
pub const REQUIRED_KEYS: [&str; 3] = ["meta_archs", "arch2infos", "evaluated_indexes"];

impl<W: Write> Builder<W> {
    /// Finishes the columns with the top-level object. Its `arch2infos` items are not read:
    /// they came through [`Builder::entry`].
    ///
    /// `folder`: the top is a NATS `-simple` folder's `meta.pickle.pbz2` object (form 1): only
    /// `meta_archs` is required and modelled, everything else (its `'arch2infos': None`, its
    /// `'evaluated_indexes': set()`) is kept as generic values.
    pub(crate) fn top(&mut self, top: &Obj, folder: bool) -> Result<(), Error> {
        let Obj::Dict { items, ordered } = top else {
            return Err(Error::at(
                TOP,
                format!(
                    "the object is a {}, not a dict (the official API asserts a dict)",
                    top.type_name()
                ),
            ));
        };
        let required: &[&str] = if folder { &REQUIRED_KEYS[..1] } else { &REQUIRED_KEYS };
        for &want in required {
            if !items.iter().any(|(k, _)| k.as_str() == Some(want)) {
                return Err(Error::at(
                    TOP,
                    format!("Can not find key[{want}] in the dict (the official API requires it)"),
                ));
            }
        }
        let mut children = Vec::with_capacity(items.len() * 2);
        for (k, v) in items {
            let key = self.generic(k, 0, &TOP)?;
            let value = match k.as_str() {
                Some("meta_archs") => self.meta_archs(v)?,
                Some(name) if folder => self.generic(v, 0, &TOP.key(name))?,
                Some("arch2infos") => {
                    let Obj::Dict { ordered, .. } = v else {
                        return Err(Error::at(
                            TOP.key("arch2infos"),
                            format!("expected a dict, found {}", v.type_name()),
                        ));
                    };
                    self.node(NODE_ARCH2INFOS, u64::from(*ordered), 0)?
                }
                Some("evaluated_indexes") => self.evaluated(v)?,
                Some(name) => self.generic(v, 0, &TOP.key(name))?,
                None => self.generic(v, 0, &TOP)?,
            };
            children.push(key);
            children.push(value);
        }
        let kind = if *ordered { NODE_ODICT } else { NODE_DICT };
        self.root.top = self.container(kind, &children)?;
        self.root.form = if folder { SOURCE_FOLDER } else { SOURCE_OBJECT };
        self.tables()
    }

    fn meta_archs(&mut self, v: &Obj) -> Result<u32, Error> {
        let at = TOP.key("meta_archs");
        let Obj::List(list) = v else {
            return Err(Error::at(at, format!("expected a list of str, found {}", v.type_name())));
        };
        let mut first: HashMap<&str, usize> = HashMap::with_capacity(list.len());
        for (i, s) in list.iter().enumerate() {
            let s = s.as_str().ok_or_else(|| {
                Error::at(at.int(i as i64), format!("expected a str, found {}", s.type_name()))
            })?;
            if let Some(j) = first.insert(s, i) {
                return Err(Error::at(
                    at.int(i as i64),
                    format!(
                        "arch string {} repeats meta_archs[{j}] (the official API asserts unique strings)",
                        Repr(s)
                    ),
                ));
            }
            let id = self.intern(s)?;
            self.root.meta_archs.push(id);
        }
        self.node(NODE_META_ARCHS, 0, 0)
    }

    fn evaluated(&mut self, v: &Obj) -> Result<u32, Error> {
        let at = TOP.key("evaluated_indexes");
        let (list, set) = match v {
            Obj::List(list) => (list, false),
            // NATS-Bench's single files hold a set (kept in the pickle's order).
            Obj::Set(list) => (list, true),
            _ => {
                return Err(Error::at(
                    at,
                    format!("expected a list or set of int, found {}", v.type_name()),
                ));
            }
        };
        for (i, x) in list.iter().enumerate() {
            let Obj::Int(x) = x else {
                return Err(Error::at(
                    at.int(i as i64),
                    format!("expected an int, found {}", x.type_name()),
                ));
            };
            self.root.evaluated.push(*x);
        }
        self.node(NODE_EVALUATED, u64::from(set), 0)
    }

    fn node(&mut self, kind: u8, a: u64, b: u64) -> Result<u32, Error> {
        let g = &mut self.root.generic;
        if g.kinds.len() >= MAX_GENERIC_NODES {
            return Err(Error::TooLarge(format!(
                "the top level holds more than {MAX_GENERIC_NODES} values outside the benchmark's \
                 tables (MAX_GENERIC_NODES)"
            )));
        }
        g.kinds.push(kind);
        g.a.push(a);
        g.b.push(b);
        Ok((g.kinds.len() - 1) as u32)
    }

    fn container(&mut self, kind: u8, children: &[u32]) -> Result<u32, Error> {
        let start = self.root.generic.children.len() as u64;
        self.root.generic.children.extend_from_slice(children);
        self.node(kind, start, children.len() as u64)
    }

    fn bytes_node(&mut self, kind: u8, b: &[u8]) -> Result<u32, Error> {
        let start = self.root.generic.bytes.len() as u64;
        self.root.generic.bytes.extend_from_slice(b);
        self.node(kind, start, b.len() as u64)
    }

    /// A value outside the tables, children first (post-order).
    fn generic(&mut self, v: &Obj, depth: usize, at: &At<'_>) -> Result<u32, Error> {
        if depth > MAX_GENERIC_DEPTH {
            return Err(Error::at(
                at,
                format!("values nested deeper than {MAX_GENERIC_DEPTH} (MAX_GENERIC_DEPTH)"),
            ));
        }
        match v {
            Obj::None => self.node(NODE_NONE, 0, 0),
            Obj::Bool(b) => self.node(if *b { NODE_TRUE } else { NODE_FALSE }, 0, 0),
            Obj::Int(i) => self.node(NODE_INT, *i as u64, 0),
            Obj::Float(f) => self.node(NODE_FLOAT, f.to_bits(), 0),
            Obj::Scalar(s) => self.node(NODE_SCALAR, s.bits, u64::from(dtype_code(s.dtype))),
            Obj::Str(s) => self.bytes_node(NODE_STR, s.as_bytes()),
            Obj::Bytes(b) => self.bytes_node(NODE_BYTES, b),
            Obj::BigInt(b) => self.bytes_node(NODE_BIGINT, b),
            Obj::Tuple(xs) | Obj::List(xs) | Obj::Set(xs) | Obj::FrozenSet(xs) => {
                let mut c = Vec::with_capacity(xs.len());
                for x in xs {
                    c.push(self.generic(x, depth + 1, at)?);
                }
                let kind = match v {
                    Obj::Tuple(_) => NODE_TUPLE,
                    Obj::List(_) => NODE_LIST,
                    Obj::Set(_) => NODE_SET,
                    _ => NODE_FROZENSET,
                };
                self.container(kind, &c)
            }
            Obj::Dict { items, ordered } => {
                let mut c = Vec::with_capacity(items.len() * 2);
                for (k, x) in items {
                    c.push(self.generic(k, depth + 1, at)?);
                    c.push(self.generic(x, depth + 1, at)?);
                }
                self.container(if *ordered { NODE_ODICT } else { NODE_DICT }, &c)
            }
        }
    }

    /// The open-addressing tables and the key → entry table.
    fn tables(&mut self) -> Result<(), Error> {
        let n = self.pool_len() as u32;
        self.root.str_slots = self.slots((0..n).map(|id| (id, id)), n as usize);
        let meta = std::mem::take(&mut self.root.meta_archs);
        let m = meta.len();
        self.root.meta_slots =
            self.slots(meta.iter().enumerate().map(|(i, &id)| (i as u32, id)), m);
        self.root.meta_archs = meta;
        let max = self.root.entry_keys.iter().copied().max();
        let mut slots = vec![0u32; max.map_or(0, |m| m as usize + 1)];
        for (e, &k) in self.root.entry_keys.iter().enumerate() {
            slots[k as usize] = e as u32 + 1;
        }
        self.root.key_slots = slots;
        Ok(())
    }

    /// A table of `count` `(value, pool id)` pairs (unique strings) by their strings' hash:
    /// the slot holds `value + 1`.
    fn slots(&self, pairs: impl Iterator<Item = (u32, u32)>, count: usize) -> Vec<u32> {
        let len = (count * 2).max(1).next_power_of_two();
        let mut t = vec![0u32; len];
        for (value, id) in pairs {
            let mut i = str_hash(self.pooled(id)) as usize & (len - 1);
            while t[i] != 0 {
                i = (i + 1) & (len - 1);
            }
            t[i] = value + 1;
        }
        t
    }
}
