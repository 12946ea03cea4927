//! A tree of Python values with object identity, and its pickling.
//!
//! Python's pickler memoizes objects by identity: the same list written twice becomes one list
//! and a memo get, while two equal lists are written twice. [`Value`] models identity with `Rc`:
//! cloning a `Value` clones the *reference* (the same object), while building another one with
//! [`Value::str`], [`Value::list`]... makes a new object.

use std::collections::HashMap;
use std::rc::Rc;

use crate::error::Error;
use crate::pickle::{Memo, Pickler};

/// Deepest nesting [`Pickler::value`] writes; CPython's default recursion limit is about the
/// same, so deeper data would not pickle in Python either.
pub const MAX_DEPTH: usize = 1000;

/// A Python value. Strings and containers are shared objects: `clone()` refers to the same
/// object (Python's `b = a`), the constructors make new ones.
///
/// Equality (`==`) compares contents like Python's `==` (so a NaN is unequal to itself);
/// [`Value::is`] compares identity like Python's `is`.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `None`.
    None,
    /// `True` or `False`.
    Bool(bool),
    /// An `int` (64 bits are enough for the data this crate writes).
    Int(i64),
    /// A `float`, kept bit for bit.
    Float(f64),
    /// A `str` object.
    Str(Rc<str>),
    /// A `list` object.
    List(Rc<[Value]>),
    /// A `tuple` object.
    Tuple(Rc<[Value]>),
    /// A `dict` object, in insertion order.
    Dict(Rc<[(Value, Value)]>),
}

impl Value {
    /// A new `str` object.
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }

    /// A new `list` object.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::from(items))
    }

    /// A new `tuple` object.
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Rc::from(items))
    }

    /// A new `dict` object with these items in this order. Keys are not de-duplicated: pass
    /// distinct keys, as a Python dict has.
    pub fn dict(items: Vec<(Value, Value)>) -> Value {
        Value::Dict(Rc::from(items))
    }

    /// Python's `is`: whether both are the same object. Atoms (`None`, bools, numbers) are
    /// compared by value, since Python's pickler never memoizes them anyway.
    pub fn is(&self, other: &Value) -> bool {
        match (self.identity(), other.identity()) {
            (Some(a), Some(b)) => a == b,
            (None, None) => self == other,
            _ => false,
        }
    }

    /// The address of a shared object, `None` for atoms.
    fn identity(&self) -> Option<*const u8> {
        match self {
            Value::Str(s) => Some(Rc::as_ptr(s).cast()),
            Value::List(v) | Value::Tuple(v) => Some(Rc::as_ptr(v).cast()),
            Value::Dict(v) => Some(Rc::as_ptr(v).cast()),
            _ => None,
        }
    }
}

/// How [`Pickler::value_with`] and [`dumps_with`] decide that two strings are one object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DumpOptions {
    /// Write equal strings once and refer back to them, as if every string had been interned
    /// (Python interns identifier-like literals, so names in real data are often one object).
    /// Off by default: strings are then shared only when they are the same `Rc`.
    pub memoize_equal_strings: bool,
}

/// The memo of [`Value`] objects already written into one pickle.
#[derive(Debug, Default)]
struct Objects {
    by_address: HashMap<*const u8, Memo>,
    by_text: HashMap<Rc<str>, Memo>,
    /// Keeps every memoized object alive until the pickle is finished, so that no address is
    /// reused by a new object (CPython's memo holds references for the same reason).
    alive: Vec<Value>,
}

impl Pickler {
    /// Writes a [`Value`] tree, memoizing shared objects by identity (within this tree: a
    /// later call writes an object again rather than referring back to this one).
    pub fn value(&mut self, v: &Value) {
        self.value_with(v, &DumpOptions::default());
    }

    /// Writes a [`Value`] tree with the given options.
    pub fn value_with(&mut self, v: &Value, options: &DumpOptions) {
        // The memo of this tree's objects lives here, not in the `Pickler`, so that the
        // low-level writer knows nothing of `Value` trees.
        let mut objects = Objects::default();
        self.write_value(v, options, &mut objects, 0);
    }

    fn write_value(&mut self, v: &Value, opts: &DumpOptions, objs: &mut Objects, depth: usize) {
        if depth > MAX_DEPTH {
            self.misuse(format!("values nested deeper than {MAX_DEPTH}"));
            self.none();
            return;
        }
        if let Some(addr) = v.identity() {
            if let Some(&m) = objs.by_address.get(&addr) {
                self.get(m);
                return;
            }
        }
        let memo = match v {
            Value::None => return self.none(),
            Value::Bool(b) => return self.bool(*b),
            Value::Int(i) => return self.int(*i),
            Value::Float(f) => return self.float(*f),
            Value::Str(s) => {
                if opts.memoize_equal_strings {
                    if let Some(&m) = objs.by_text.get(s) {
                        return self.get(m);
                    }
                    let m = self.str(s);
                    objs.by_text.insert(s.clone(), m);
                    m
                } else {
                    self.str(s)
                }
            }
            Value::List(items) => {
                let m = self.begin_list(items.len());
                for item in items.iter() {
                    self.write_value(item, opts, objs, depth + 1);
                }
                self.end_list();
                m
            }
            Value::Tuple(items) => {
                self.begin_tuple(items.len());
                for item in items.iter() {
                    self.write_value(item, opts, objs, depth + 1);
                }
                match self.end_tuple() {
                    Some(m) => m,
                    // The empty tuple is written afresh every time.
                    None => return,
                }
            }
            Value::Dict(items) => {
                let m = self.begin_dict(items.len());
                for (k, val) in items.iter() {
                    self.write_value(k, opts, objs, depth + 1);
                    self.write_value(val, opts, objs, depth + 1);
                }
                self.end_dict();
                m
            }
        };
        if let Some(addr) = v.identity() {
            objs.by_address.insert(addr, memo);
            objs.alive.push(v.clone());
        }
    }
}

/// Pickles a [`Value`] with protocol 2, byte for byte as CPython's `pickle.dumps(v, protocol=2)`
/// would for the same objects.
///
/// ```
/// use tnb_pthwrite::{Value, dumps};
/// let x = Value::list(vec![Value::str("abc")]);
/// // [x, x]: one list object, written once and then fetched from the memo.
/// let bytes = dumps(&Value::list(vec![x.clone(), x]))?;
/// assert_eq!(bytes, b"\x80\x02]q\x00(]q\x01X\x03\x00\x00\x00abcq\x02ah\x01e.");
/// # Ok::<(), tnb_pthwrite::Error>(())
/// ```
pub fn dumps(v: &Value) -> Result<Vec<u8>, Error> {
    dumps_with(v, &DumpOptions::default())
}

/// [`dumps`] with options.
pub fn dumps_with(v: &Value, options: &DumpOptions) -> Result<Vec<u8>, Error> {
    let mut p = Pickler::new();
    p.value_with(v, options);
    p.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_decides_memo_gets() {
        let s = Value::str("abc");
        let equal = Value::str("abc");
        let v = Value::list(vec![s.clone(), s.clone(), equal.clone()]);
        // ['abc', <same>, <another 'abc'>]
        assert_eq!(
            dumps(&v).unwrap(),
            b"\x80\x02]q\x00(X\x03\x00\x00\x00abcq\x01h\x01X\x03\x00\x00\x00abcq\x02e."
        );
        let opts = DumpOptions { memoize_equal_strings: true };
        assert_eq!(
            dumps_with(&v, &opts).unwrap(),
            b"\x80\x02]q\x00(X\x03\x00\x00\x00abcq\x01h\x01h\x01e."
        );
        assert!(s.is(&s.clone()));
        assert!(!s.is(&equal));
        assert_eq!(s, equal);
    }

    #[test]
    fn shared_dicts_and_tuples_are_gets_and_the_empty_tuple_is_not() {
        let d = Value::dict(vec![(Value::str("k"), Value::Int(1))]);
        let t = Value::tuple(vec![Value::Int(1), Value::Int(2)]);
        let e = Value::tuple(vec![]);
        let v = Value::list(vec![d.clone(), d, t.clone(), t, e.clone(), e]);
        // d = {'k': 1}; t = (1, 2); e = (); [d, d, t, t, e, e]
        assert_eq!(
            dumps(&v).unwrap(),
            b"\x80\x02]q\x00(}q\x01X\x01\x00\x00\x00kq\x02K\x01sh\x01K\x01K\x02\x86q\x03h\x03))e."
        );
    }

    #[test]
    fn values_too_deep_are_an_error_not_a_stack_overflow() {
        let mut v = Value::None;
        for _ in 0..MAX_DEPTH + 5 {
            v = Value::list(vec![v]);
        }
        let e = dumps(&v).unwrap_err().to_string();
        assert!(e.contains("deeper than 1000"), "{e}");
    }
}
