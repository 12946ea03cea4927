//! Reading a `ModelSpec` and the API's `config` for the fast paths, and `_check_spec` over them
//! in the official order. Whatever is not plain (a matrix that is not an integer or boolean
//! numpy array of 0/1, ops that are not a list of `str`, a config value of another type, a
//! spec whose ops and matrix disagree) is [`Read::Decline`]d before anything is raised: the
//! Python class then runs the official steps, which raise what they raise.

use super::db::Matrix;
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

fn int_item(d: &Bound<'_, PyDict>, key: &str) -> Option<i64> {
    let v = d.get_item(key).ok()??;
    if v.is_exact_instance_of::<PyInt>() { v.extract::<i64>().ok() } else { None }
}

/// `config['num_repeats']` when a plain int.
pub(crate) fn num_repeats(config: &Bound<'_, PyAny>) -> Option<i64> {
    int_item(config.cast_exact::<PyDict>().ok()?, "num_repeats")
}

fn read_config<'py>(config: &Bound<'py, PyAny>) -> Option<Config<'py>> {
    let d = config.cast_exact::<PyDict>().ok()?;
    let ops = d.get_item("available_ops").ok()??;
    let ops = ops.cast_exact::<PyList>().ok()?.clone();
    if ops.len() > 100 || ops.iter().any(|o| !o.is_exact_instance_of::<PyString>()) {
        return None;
    }
    Some(Config {
        module_vertices: int_item(d, "module_vertices")?,
        max_edges: int_item(d, "max_edges")?,
        available_ops: ops,
    })
}

/// One numpy element of `size` bytes as 0 or 1 (`None` for any other value).
fn bit(bytes: &[u8], little: bool) -> Option<bool> {
    let (low, rest) = if little {
        bytes.split_first()?
    } else {
        let (last, rest) = bytes.split_last()?;
        (last, rest)
    };
    if rest.iter().any(|&b| b != 0) {
        return None;
    }
    match low {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

/// A numpy array's elements as a 0/1 matrix of `rows` x `cols` (row-major bits), from its
/// `dtype.str` and `tobytes()`; `None` unless an integer or boolean dtype holding only 0 and 1
/// and at most 8 x 8.
pub(crate) fn bits_of(rows: usize, cols: usize, dtype: &str, raw: &[u8]) -> Option<u64> {
    let b = dtype.as_bytes();
    if b.len() < 3 || !matches!(b[1], b'i' | b'u' | b'b') || rows > 8 || cols > 8 {
        return None;
    }
    let little = match b[0] {
        b'<' | b'|' => true,
        b'>' => false,
        b'=' => cfg!(target_endian = "little"),
        _ => return None,
    };
    let size: usize = dtype[2..].parse().ok()?;
    if size == 0 || size > 16 || raw.len() != rows * cols * size {
        return None;
    }
    let mut bits = 0u64;
    for (k, item) in raw.chunks_exact(size).enumerate() {
        if bit(item, little)? {
            bits |= 1 << k;
        }
    }
    Some(bits)
}

/// A 2-D numpy array of exact type `ndarray` as `(rows, cols, bits)`.
fn matrix_of(m: &Bound<'_, PyAny>) -> PyResult<Option<(usize, usize, u64)>> {
    let py = m.py();
    if !m.get_type().is(classes(py)?.ndarray.bind(py)) {
        return Ok(None);
    }
    let shape = m.getattr(pyo3::intern!(py, "shape"))?;
    let Ok(shape) = shape.cast_exact::<PyTuple>() else { return Ok(None) };
    if shape.len() != 2 {
        return Ok(None);
    }
    let (rows, cols): (usize, usize) =
        (shape.get_item(0)?.extract()?, shape.get_item(1)?.extract()?);
    let dtype = m.getattr(pyo3::intern!(py, "dtype"))?.getattr(pyo3::intern!(py, "str"))?;
    let Ok(dtype) = dtype.cast_exact::<PyString>() else { return Ok(None) };
    let raw = m.call_method0(pyo3::intern!(py, "tobytes"))?;
    let Ok(raw) = raw.cast_exact::<PyBytes>() else { return Ok(None) };
    Ok(bits_of(rows, cols, &dtype.to_cow()?, raw.as_bytes()).map(|b| (rows, cols, b)))
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
        return Ok(Read::Checked(Checked::OutOfDomain(
            "invalid spec, provided graph is disconnected.".to_owned(),
        )));
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
    let mut names = Vec::with_capacity(n);
    for op in ops.iter() {
        let Ok(s) = op.cast_exact::<PyString>() else { return Ok(Read::Decline) };
        names.push(s.to_cow()?.into_owned());
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
        return Ok(Read::Checked(Checked::OutOfDomain(format!(
            "too many edges, got {edges} (max edges = {})",
            config.max_edges
        ))));
    }
    if names[0] != "input" {
        return Ok(Read::Checked(Checked::OutOfDomain(
            "first operation should be 'input'".to_owned(),
        )));
    }
    if names[n - 1] != "output" {
        return Ok(Read::Checked(Checked::OutOfDomain(
            "last operation should be 'output'".to_owned(),
        )));
    }
    let available: Vec<String> = config
        .available_ops
        .iter()
        .map(|o| o.cast_exact::<PyString>().map(|s| s.to_string()).unwrap_or_default())
        .collect();
    let mut labels = [0i8; 8];
    labels[0] = -1;
    labels[n - 1] = -2;
    for (k, name) in names.iter().enumerate().take(n - 1).skip(1) {
        match available.iter().position(|a| a == name) {
            Some(i) => labels[k] = i as i8,
            None => {
                let listed = config.available_ops.str()?;
                return Ok(Read::Checked(Checked::OutOfDomain(format!(
                    "unsupported op {name} (available ops = {listed})"
                ))));
            }
        }
    }
    Ok(Read::Checked(Checked::Ok { matrix: Matrix { n: n as u8, bits }, labels }))
}
