//! The caller's side of the opcodes that would run code, for the streaming reader: the same
//! division of labour as [`crate::Hooks`] (the reader imports and calls nothing; the caller
//! allowlists names and builds data for each call), over owned values instead of an arena.

use super::obj::Obj;

/// A value on the streaming machine's stack: data, or something only the hooks understand (a
/// global not yet called, an object such as a numpy dtype). Only data may end up in a list, a
/// dict, or the result; the rest exists between an opcode that makes it and the call that
/// consumes it (`numpy.core.multiarray.scalar(dtype, bytes)`).
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// Plain data.
    Obj(Obj),
    /// A class or function the hooks allowed: their id for it.
    Global(u32),
    /// An object the hooks made: their class id and their own handle for its state.
    Object {
        /// The hooks' class id.
        class: u32,
        /// The hooks' handle (e.g. an index into their table of dtypes).
        handle: u64,
    },
    /// A tuple holding at least one item that is not data (a tuple of data is an
    /// [`Obj::Tuple`]).
    Tuple(Vec<Item>),
}

impl Item {
    /// Python's type name for messages.
    pub fn type_name(&self) -> String {
        match self {
            Item::Obj(o) => o.type_name(),
            Item::Global(_) => "global".into(),
            Item::Object { .. } => "object".into(),
            Item::Tuple(_) => "tuple".into(),
        }
    }

    /// The data, if this is data.
    pub fn as_obj(&self) -> Option<&Obj> {
        match self {
            Item::Obj(o) => Some(o),
            _ => None,
        }
    }
}

/// What the caller decides when streaming: which globals exist and what calling them builds.
/// Errors are plain messages; the reader prefixes the byte offset.
pub trait StreamHooks {
    /// The caller's id for `module.name` if it is allowed (Python 2 names are already renamed
    /// below protocol 3, as for [`crate::Hooks::find_class`]).
    fn find_class(&mut self, module: &str, name: &str) -> Option<u32>;

    /// `REDUCE`, `NEWOBJ`, `INST`, `OBJ`: calls class `class` with the arguments `args`.
    fn call(&mut self, class: u32, args: Vec<Item>) -> Result<Item, String>;

    /// `BUILD`: sets the state of `obj` in place.
    fn build(&mut self, obj: &mut Item, state: Item) -> Result<(), String> {
        let _ = state;
        Err(format!("BUILD (setting object state) is not supported on a {}", obj.type_name()))
    }
}

/// Hooks that allow nothing: plain data only.
#[derive(Clone, Copy, Debug, Default)]
pub struct PlainStream;

impl StreamHooks for PlainStream {
    fn find_class(&mut self, _module: &str, _name: &str) -> Option<u32> {
        None
    }

    fn call(&mut self, _class: u32, _args: Vec<Item>) -> Result<Item, String> {
        Err("no classes are allowed".to_owned())
    }
}
