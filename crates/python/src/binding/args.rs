//! Python arguments as `tnb_api::Arg`s: how the official class's checks see each value, and
//! the binding of this module's own signatures.

use std::borrow::Cow;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PySet, PyString, PyTuple, PyType,
};
use tnb_api::{Arg, Shown};

/// A Python argument, classified the way `Arg` needs it; strings are held here so that the
/// `Arg`s can borrow them.
pub(super) enum Val<'py> {
    None,
    Bool(bool),
    Int(i64),
    /// An int beyond 64 bits, with its `str()`.
    BigInt {
        negative: bool,
        digits: String,
    },
    Float(f64),
    Str(Cow<'py, str>),
    Hashable(Texts),
    Unhashable(Texts),
}

/// What the official messages quote of an object `Arg` does not otherwise carry (see
/// `tnb_api::Shown`), computed only for those rare arguments.
pub(super) struct Texts {
    type_name: String,
    str: String,
    repr: String,
}

impl Val<'_> {
    pub(super) fn arg(&self) -> Arg<'_> {
        match self {
            Val::None => Arg::None,
            Val::Bool(b) => Arg::Bool(*b),
            Val::Int(i) => Arg::Int(*i),
            Val::BigInt { negative, digits } => Arg::BigInt { negative: *negative, digits },
            Val::Float(f) => Arg::Float(*f),
            Val::Str(s) => Arg::Str(s),
            Val::Hashable(t) => Arg::Hashable(t.shown()),
            Val::Unhashable(t) => Arg::Unhashable(t.shown()),
        }
    }
}

impl Texts {
    fn of(obj: &Bound<'_, PyAny>) -> Texts {
        let type_name = type_name(&obj.get_type());
        // An object whose `repr()` raises is still an argument: its message names its type.
        let text = |r: PyResult<Bound<'_, PyString>>| {
            r.and_then(|s| Ok(s.to_cow()?.into_owned()))
                .unwrap_or_else(|_| format!("<{type_name} object>"))
        };
        let repr = text(obj.repr());
        // The builtin containers' `str()` is their `repr()`: one call for them.
        let same = obj.is_exact_instance_of::<PyTuple>()
            || obj.is_exact_instance_of::<PyList>()
            || obj.is_exact_instance_of::<PyDict>()
            || obj.is_exact_instance_of::<PySet>()
            || obj.is_exact_instance_of::<PyFrozenSet>();
        let str = if same { repr.clone() } else { text(obj.str()) };
        Texts { type_name, str, repr }
    }

    fn shown(&self) -> Shown<'_> {
        Shown { type_name: &self.type_name, str: &self.str, repr: &self.repr }
    }
}

/// A type's name as CPython's messages print it (its `tp_name`): the bare name for classes
/// defined in Python and for builtins, `module.name` for other types defined in C
/// (`numpy.ndarray`).
fn type_name(ty: &Bound<'_, PyType>) -> String {
    /// `Py_TPFLAGS_HEAPTYPE`: the type was made at run time (a Python `class`).
    const HEAP_TYPE: u64 = 1 << 9;
    let attr = |a: &str| ty.getattr(a).and_then(|v| v.extract::<String>()).unwrap_or_default();
    let name = attr("__name__");
    let flags = ty.getattr("__flags__").and_then(|f| f.extract::<u64>()).unwrap_or(HEAP_TYPE);
    let module = attr("__module__");
    if flags & HEAP_TYPE != 0 || module == "builtins" || module.is_empty() {
        name
    } else {
        format!("{module}.{name}")
    }
}

/// Classifies `obj` as Python's checks in the official class would see it: `bool` before
/// `int` (a bool is an int, but `Arg` keeps it apart), ints beyond 64 bits by sign, and every
/// other object by whether it can be a dict key.
pub(super) fn val<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Val<'py>> {
    if let Ok(s) = obj.cast::<PyString>() {
        // A copy on abi3 before 3.10 (no borrowed UTF-8 in the limited API there).
        return Ok(Val::Str(s.to_cow()?.into_owned().into()));
    }
    if obj.is_none() {
        return Ok(Val::None);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Val::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(match obj.extract::<i64>() {
            Ok(i) => Val::Int(i),
            Err(_) => {
                let digits = obj.str().and_then(|s| Ok(s.to_cow()?.into_owned()));
                // Past CPython's digit limit `str()` raises: the message names the type then.
                let digits = digits.unwrap_or_else(|_| "<int object>".to_owned());
                Val::BigInt { negative: obj.lt(0)?, digits }
            }
        });
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Val::Float(f.value()));
    }
    Ok(if obj.hash().is_ok() {
        Val::Hashable(Texts::of(obj))
    } else {
        Val::Unhashable(Texts::of(obj))
    })
}

/// An index or slice bound as Python's list indexing takes it: anything with `__index__`
/// (numpy integers too) is an int there, though not an `isinstance(x, int)`.
pub(super) fn index_val<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Val<'py>> {
    // What `val` classes as `Hashable` is tried as an index before `val` builds the texts only
    // an error message needs (a numpy integer index would pay for its repr on every call).
    let plain = obj.is_none()
        || obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<PyInt>()
        || obj.is_instance_of::<PyFloat>();
    if !plain
        && obj.hash().is_ok()
        && let Ok(i) = obj.py().import("operator")?.call_method1("index", (obj,))
    {
        return val(&i);
    }
    val(obj)
}

/// Binds `args`/`kwargs` to `names` as Python binds a call (the first `required` names have no
/// default); `None` for a parameter not given. For this module's own signatures; the official
/// methods' binding is `tnb_api::call`'s.
pub(super) fn bind<'py>(
    method: &str,
    names: &[&str],
    required: usize,
    args: &Bound<'py, PyTuple>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Vec<Option<Bound<'py, PyAny>>>> {
    if args.len() > names.len() {
        return Err(PyTypeError::new_err(format!(
            "{method}() takes {} positional arguments but {} were given",
            names.len(),
            args.len()
        )));
    }
    let mut out: Vec<Option<Bound<'py, PyAny>>> = args.iter().map(Some).collect();
    out.resize(names.len(), None);
    if let Some(kw) = kwargs {
        for (k, v) in kw.iter() {
            let k = k.cast::<PyString>()?.to_cow()?.into_owned();
            let Some(i) = names.iter().position(|n| *n == k) else {
                return Err(PyTypeError::new_err(format!(
                    "{method}() got an unexpected keyword argument '{k}'"
                )));
            };
            if out[i].is_some() {
                return Err(PyTypeError::new_err(format!(
                    "{method}() got multiple values for argument '{k}'"
                )));
            }
            out[i] = Some(v);
        }
    }
    if let Some(i) = out[..required].iter().position(Option::is_none) {
        return Err(PyTypeError::new_err(format!(
            "{method}() missing required argument: '{}'",
            names[i]
        )));
    }
    Ok(out)
}

/// A parameter whose default differs from every value a caller can pass: `mode` defaults to
/// `'best'`, while an explicit `mode=None` raises `ValueError`, so `Option` cannot stand for it.
pub(super) enum Given<'py> {
    /// Not passed.
    Default,
    /// Passed (possibly `None`).
    Value(Bound<'py, PyAny>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for Given<'py> {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> Result<Self, Self::Error> {
        Ok(Given::Value(obj.to_owned()))
    }
}

/// Python arguments converted for `tnb_api::call`; `index` names the parameter (position and
/// keyword) that Python's list indexing reads, where `__index__` objects count as ints.
pub(super) struct Call<'py> {
    pub(super) pos: Vec<Val<'py>>,
    pub(super) kw: Vec<(String, Val<'py>)>,
    /// The call's own tuple and dict (two reference counts, no copy): a `KeyError` is raised
    /// with the key object, as Python's dict lookup raises it.
    args: Bound<'py, PyTuple>,
    kwargs: Option<Bound<'py, PyDict>>,
}

impl<'py> Call<'py> {
    pub(super) fn new(
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
        index: Option<(usize, &str)>,
    ) -> PyResult<Self> {
        let mut pos = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            pos.push(if index.is_some_and(|(p, _)| p == i) { index_val(&a)? } else { val(&a)? });
        }
        let mut kw = Vec::new();
        if let Some(d) = kwargs {
            for (k, v) in d.iter() {
                let k = k.cast::<PyString>()?.to_cow()?.into_owned();
                let val =
                    if index.is_some_and(|(_, n)| n == k) { index_val(&v)? } else { val(&v)? };
                kw.push((k, val));
            }
        }
        Ok(Call { pos, kw, args: args.clone(), kwargs: kwargs.cloned() })
    }

    /// The object passed for `method`'s parameter `param`, by position or by keyword.
    pub(super) fn object(&self, method: &str, param: &str) -> Option<Bound<'py, PyAny>> {
        let i = param_position(method, param)?;
        if i < self.pos.len() {
            return self.args.get_item(i).ok();
        }
        self.kwargs.as_ref()?.get_item(param).ok().flatten()
    }
}

/// The position of `method`'s parameter `param` in the official signature.
pub(super) fn param_position(method: &str, param: &str) -> Option<usize> {
    let sig = tnb_api::METHODS.iter().find(|s| s.name == method)?;
    sig.params.iter().position(|p| *p == param)
}
