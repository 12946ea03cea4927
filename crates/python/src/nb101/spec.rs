//! Reading a `ModelSpec` and the API's `config` for the fast paths, and `_check_spec` over them
//! in the official order. Whatever is not plain (a matrix that is not an integer or boolean
//! numpy array of 0/1, ops that are not a list of `str`, a config value of another type, a
//! spec whose ops and matrix disagree) is [`Read::Decline`]d before anything is raised: the
//! Python class then runs the official steps, which raise what they raise.

use super::db::Matrix;
use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyInt, PyList, PyString, PyTuple};

use super::classes;

/// The most vertices a fast path reads (more: the official steps answer).
pub(crate) const MAX_FAST_VERTICES: usize = 7;

/// What `_check_spec` concludes about a plain spec.
pub(crate) enum Checked {
    /// In the space: the pruned matrix and its labels (`[-1] + op indices + [-2]`).
    Ok { matrix: Matrix, labels: [i8; 8] },
    /// `OutOfDomainError(message)`.
    OutOfDomain(String),
    /// The upstream `TypeError: 'module' object is not subscriptable` (more vertices than
    /// `config['module_vertices']`).
    TooManyVertices,
}

/// A spec read, or declined.
pub(crate) enum Read {
    Checked(Checked),
    Decline,
}

/// The config values the checks read, when plain.
struct Config<'py> {
    module_vertices: i64,
    max_edges: i64,
    available_ops: Bound<'py, PyList>,
}

fn int_item(d: &Bound<'_, PyDict>, key: &Bound<'_, PyString>) -> Option<i64> {
    let v = d.get_item(key).ok()??;
    if v.is_exact_instance_of::<PyInt>() { v.extract::<i64>().ok() } else { None }
}

/// `config['num_repeats']` when a plain int.
pub(crate) fn num_repeats(config: &Bound<'_, PyAny>) -> Option<i64> {
    let py = config.py();
    int_item(config.cast_exact::<PyDict>().ok()?, pyo3::intern!(py, "num_repeats"))
}

fn read_config<'py>(config: &Bound<'py, PyAny>) -> Option<Config<'py>> {
    let py = config.py();
    let d = config.cast_exact::<PyDict>().ok()?;
    let ops = d.get_item(pyo3::intern!(py, "available_ops")).ok()??;
    let ops = ops.cast_exact::<PyList>().ok()?.clone();
    // Labels are i8 (hash_module's); a longer list is left to the official steps.
    if ops.len() > 100 || ops.iter().any(|o| !o.is_exact_instance_of::<PyString>()) {
        return None;
    }
    Some(Config {
        module_vertices: int_item(d, pyo3::intern!(py, "module_vertices"))?,
        max_edges: int_item(d, pyo3::intern!(py, "max_edges"))?,
        available_ops: ops,
    })
}

/// One numpy element as 0 or 1 (`None` for any other value).
fn bit(bytes: &[u8], little: bool) -> Option<bool> {
    let (low, rest) = if little { bytes.split_first()? } else { bytes.split_last()? };
    if rest.iter().any(|&b| b != 0) {
        return None;
    }
    match low {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

/// An integer or boolean numpy dtype's layout: `(little-endian, item size)`, from its
/// `dtype.str` (e.g. `<i8`, `|b1`); `None` for any other dtype.
pub(crate) fn layout(dtype: &str) -> Option<(bool, usize)> {
    let b = dtype.as_bytes();
    if b.len() < 3 || !matches!(b[1], b'i' | b'u' | b'b') {
        return None;
    }
    let little = match b[0] {
        b'<' | b'|' => true,
        b'>' => false,
        b'=' => cfg!(target_endian = "little"),
        _ => return None,
    };
    let size: usize = dtype[2..].parse().ok()?;
    (1..=16).contains(&size).then_some((little, size))
}

/// A `rows` x `cols` matrix's elements (`tobytes()` of a dtype of `layout`) as 0/1 bits,
/// row-major; `None` unless only 0 and 1 and at most 8 x 8.
pub(crate) fn bits(
    rows: usize,
    cols: usize,
    (little, size): (bool, usize),
    raw: &[u8],
) -> Option<u64> {
    if rows > 8 || cols > 8 || raw.len() != rows * cols * size {
        return None;
    }
    let mut out = 0u64;
    for (k, item) in raw.chunks_exact(size).enumerate() {
        if bit(item, little)? {
            out |= 1 << k;
        }
    }
    Some(out)
}

/// [`bits`] of a matrix given by its `dtype.str`.
pub(crate) fn bits_of(rows: usize, cols: usize, dtype: &str, raw: &[u8]) -> Option<u64> {
    bits(rows, cols, layout(dtype)?, raw)
}

/// The layouts of the dtypes seen, by dtype object (kept alive here, so that an address is
/// never reused by another dtype): numpy's built-in dtypes are singletons, so this stays a
/// handful of entries; it stops growing at `MAX_DTYPES`.
static DTYPES: Mutex<Vec<(Py<PyAny>, Layout)>> = Mutex::new(Vec::new());

/// An integer or boolean dtype's `(little-endian, item size)`, `None` for other dtypes.
type Layout = Option<(bool, usize)>;

/// The most dtypes [`DTYPES`] remembers.
const MAX_DTYPES: usize = 32;

fn dtype_layout(dtype: &Bound<'_, PyAny>) -> PyResult<Layout> {
    let py = dtype.py();
    if let Ok(known) = DTYPES.lock() {
        if let Some((_, l)) = known.iter().find(|(d, _)| d.bind(py).is(dtype)) {
            return Ok(*l);
        }
    }
    let s = dtype.getattr(pyo3::intern!(py, "str"))?;
    let l = match s.cast_exact::<PyString>() {
        Ok(s) => layout(&s.to_cow()?),
        Err(_) => None,
    };
    if let Ok(mut known) = DTYPES.lock() {
        if known.len() < MAX_DTYPES {
            known.push((dtype.clone().unbind(), l));
        }
    }
    Ok(l)
}

/// A 2-D numpy array of exact type `ndarray` as `(rows, cols, bits)`.
fn matrix_of(m: &Bound<'_, PyAny>) -> PyResult<Option<(usize, usize, u64)>> {
    let py = m.py();
    if !m.get_type().is(classes(py)?.ndarray.bind(py)) {
        return Ok(None);
    }
    let Some(l) = dtype_layout(&m.getattr(pyo3::intern!(py, "dtype"))?)? else { return Ok(None) };
    let shape = m.getattr(pyo3::intern!(py, "shape"))?;
    let Ok(shape) = shape.cast_exact::<PyTuple>() else { return Ok(None) };
    if shape.len() != 2 {
        return Ok(None);
    }
    let (rows, cols): (usize, usize) =
        (shape.get_item(0)?.extract()?, shape.get_item(1)?.extract()?);
    if rows > 8 || cols > 8 {
        return Ok(None);
    }
    let raw = m.call_method0(pyo3::intern!(py, "tobytes"))?;
    let Ok(raw) = raw.cast_exact::<PyBytes>() else { return Ok(None) };
    Ok(bits(rows, cols, l, raw.as_bytes()).map(|b| (rows, cols, b)))
}

/// `a == b` for two exact `str`s (identity first: the usual ops are the same objects).
fn same(a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(a.is(b) || a.eq(b)?)
}

fn out_of_domain(m: impl Into<String>) -> PyResult<Read> {
    Ok(Read::Checked(Checked::OutOfDomain(m.into())))
}

/// `_check_spec(spec)` in the official order, for a plain spec and config.
pub(crate) fn check(spec: &Bound<'_, PyAny>, config: &Bound<'_, PyAny>) -> PyResult<Read> {
    let py = spec.py();
    let Some(config) = read_config(config) else { return Ok(Read::Decline) };
    let Ok(valid) = spec.getattr(pyo3::intern!(py, "valid_spec")) else {
        return Ok(Read::Decline);
    };
    let Ok(valid) = valid.cast_exact::<PyBool>() else { return Ok(Read::Decline) };
    if !valid.is_true() {
        return out_of_domain("invalid spec, provided graph is disconnected.");
    }
    let (Ok(ops), Ok(matrix)) =
        (spec.getattr(pyo3::intern!(py, "ops")), spec.getattr(pyo3::intern!(py, "matrix")))
    else {
        return Ok(Read::Decline);
    };
    let Ok(ops) = ops.cast_exact::<PyList>() else { return Ok(Read::Decline) };
    let Some((rows, cols, bits)) = matrix_of(&matrix)? else { return Ok(Read::Decline) };
    let n = ops.len();
    if rows != cols || rows != n || !(2..=8).contains(&n) {
        return Ok(Read::Decline);
    }
    let ops: Vec<Bound<'_, PyAny>> = ops.iter().collect();
    if ops.iter().any(|o| !o.is_exact_instance_of::<PyString>()) {
        return Ok(Read::Decline);
    }
    // The official order: vertices (its message formats the module: TypeError), edges, the
    // first and last ops, then each interior op.
    if n as i64 > config.module_vertices {
        return Ok(Read::Checked(Checked::TooManyVertices));
    }
    if n > MAX_FAST_VERTICES {
        return Ok(Read::Decline);
    }
    let edges = i64::from(bits.count_ones());
    if edges > config.max_edges {
        return out_of_domain(format!(
            "too many edges, got {edges} (max edges = {})",
            config.max_edges
        ));
    }
    if !same(&ops[0], pyo3::intern!(py, "input").as_any())? {
        return out_of_domain("first operation should be 'input'");
    }
    if !same(&ops[n - 1], pyo3::intern!(py, "output").as_any())? {
        return out_of_domain("last operation should be 'output'");
    }
    let mut labels = [0i8; 8];
    labels[0] = -1;
    labels[n - 1] = -2;
    for k in 1..n - 1 {
        let mut found = None;
        for (i, a) in config.available_ops.iter().enumerate() {
            if same(&ops[k], &a)? {
                found = Some(i as i8);
                break;
            }
        }
        match found {
            Some(i) => labels[k] = i,
            None => {
                let name = ops[k].str()?;
                let listed = config.available_ops.str()?;
                return out_of_domain(format!("unsupported op {name} (available ops = {listed})"));
            }
        }
    }
    Ok(Read::Checked(Checked::Ok { matrix: Matrix { n: n as u8, bits }, labels }))
}
