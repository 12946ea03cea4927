//! What the caller decides: which globals exist and what calling them produces.

use crate::arena::Arena;
use crate::value::Ref;

/// The caller's side of the opcodes that would execute code in Python (`GLOBAL`, `STACK_GLOBAL`,
/// `INST`, `OBJ`, `REDUCE`, `NEWOBJ`, `BUILD`, `PERSID`, `BINPERSID`).
///
/// The reader never imports or calls anything: it asks [`Hooks::find_class`] whether a name is
/// allowed, and hands each call to [`Hooks::call`], which builds plain values in the arena. A
/// name the hooks do not know is an error that names it and its byte offset.
///
/// Hook errors are plain messages; the reader prefixes the byte offset.
pub trait Hooks {
    /// Returns the caller's id for `module.name` if it is allowed. The name is the one CPython
    /// would import: in pickles of protocol 0 to 2, Python 2 names (`__builtin__`, `copy_reg`,
    /// …) are already renamed as `fix_imports` renames them; from protocol 3 on they arrive as
    /// written, and an allowlist should not know them.
    fn find_class(&mut self, module: &str, name: &str) -> Option<u32>;

    /// `REDUCE`, `INST`, `OBJ`: calls class `class` (an id from [`Hooks::find_class`]) with the
    /// argument tuple `args`.
    fn call(&mut self, arena: &mut Arena<'_>, class: u32, args: Ref) -> Result<Ref, String>;

    /// `NEWOBJ`: `cls.__new__(cls, *args)`. By default the same as [`Hooks::call`].
    fn new_object(&mut self, arena: &mut Arena<'_>, class: u32, args: Ref) -> Result<Ref, String> {
        self.call(arena, class, args)
    }

    /// `BUILD`: sets the state of `obj` (mutating it in place, see [`Arena::set_state`]).
    fn build(&mut self, arena: &mut Arena<'_>, obj: Ref, state: Ref) -> Result<(), String> {
        let _ = (arena, state);
        Err(format!("BUILD is not supported on this value ({obj:?})"))
    }

    /// `PERSID`/`BINPERSID`: resolves a persistent id (torch uses them for tensor storages).
    fn persistent_load(&mut self, arena: &mut Arena<'_>, pid: Ref) -> Result<Ref, String> {
        let _ = (arena, pid);
        Err("persistent ids are not supported here".to_owned())
    }

    /// A readable name for class `class`, for messages.
    fn class_name(&self, class: u32) -> String {
        format!("class #{class}")
    }
}

/// Hooks that allow nothing: plain data only.
#[derive(Clone, Copy, Debug, Default)]
pub struct PlainData;

impl Hooks for PlainData {
    fn find_class(&mut self, _module: &str, _name: &str) -> Option<u32> {
        None
    }

    fn call(&mut self, _arena: &mut Arena<'_>, _class: u32, _args: Ref) -> Result<Ref, String> {
        Err("no classes are allowed".to_owned())
    }
}
