//! The Python call machinery every benchmark family's API shares: argument values as Python
//! passes them ([`Arg`]) and their binding to a method's signature ([`bind`]), the exception
//! classes ([`Exc`]), Python's `repr()`/`str()` of the values messages quote, and one-line
//! messages ([`one_line`], [`short`]). A family's API crate adds its methods, check order and
//! messages on top; no family depends on another.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod args;
mod exc;
mod repr;
mod text;

pub use args::{Arg, Bound, MAX_PARAMS, Shown, Signature, bind, sig};
pub use exc::Exc;
pub use repr::{Repr, arg_repr, arg_str, py_repr_float, py_repr_str};
pub use text::{MAX_MESSAGE, MAX_QUOTED, one_line, short};
