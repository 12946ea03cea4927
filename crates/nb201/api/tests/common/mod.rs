//! The replay of recorded official answers, shared by the side-by-side test (official.rs) and
//! the committed digest test (digest.rs).
#![allow(dead_code)]

use std::path::Path;

use serde_json::{Value as J, json};
use tnb_pickle::stream::Obj;

use tnb_nb201_api::{
    ApiError, Arg, Dialect, FnDraw, Hp, Io, KeyObj, Nb201, PySum, ResultsRef, RunRef, Session,
    Shown, Source, Value, call_results, call_run, call_with, obj_from_pbz2_bytes,
};

pub fn enc<S: Source>(nb: &Nb201<'_, S>, session: &Session, v: &Value<'_>) -> J {
    let hex = |x: f64| J::String(float_hex(x));
    match v {
        Value::None => json!({"t": "None"}),
        Value::Bool(b) => json!({"t": "bool", "v": b}),
        Value::Int(i) => json!({"t": "int", "v": i}),
        Value::F64(x) => json!({"t": "f64", "v": hex(*x)}),
        Value::Float(x) => json!({"t": "float", "v": hex(*x)}),
        Value::Str(s) => json!({"t": "str", "v": s}),
        Value::List(v) => {
            json!({"t": "list", "v": v.iter().map(|x| enc(nb, session, x)).collect::<Vec<_>>()})
        }
        Value::Tuple(v) => {
            json!({"t": "tuple", "v": v.iter().map(|x| enc(nb, session, x)).collect::<Vec<_>>()})
        }
        Value::Dict(items) => {
            json!({"t": "dict", "v": items.iter().map(|(k, x)| json!([enc(nb, session, k), enc(nb, session, x)])).collect::<Vec<_>>()})
        }
        Value::ArchResults(r) => {
            json!({"t": "ArchResults", "repr": nb.ar_repr(*r, session).unwrap()})
        }
        Value::ResultsCount(r) => json!({"t": "ResultsCount", "repr": nb.rc_repr(*r).unwrap()}),
        Value::Matrix { data, .. } => {
            json!({"t": "matrix", "v": data.iter().map(|x| hex(*x)).collect::<Vec<_>>()})
        }
    }
}

/// Python's `float.hex()`.
pub fn float_hex(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mant = bits & ((1u64 << 52) - 1);
    if exp == 0 && mant == 0 {
        return format!("{sign}0x0.0p+0");
    }
    let (lead, e) = if exp == 0 { (0, -1022) } else { (1, exp - 1023) };
    let m = format!("{mant:013x}");
    format!("{sign}0x{lead}.{m}p{}{}", if e >= 0 { "+" } else { "-" }, e.abs())
}

/// A JSON argument as Python passes it (lists are unhashable values).
pub fn arg<'a>(j: &'a J, reprs: &'a [String], k: &mut usize) -> Arg<'a> {
    match j {
        J::Null => Arg::None,
        J::Bool(b) => Arg::Bool(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Arg::Int(i),
            None => Arg::Float(n.as_f64().unwrap()),
        },
        J::String(s) => Arg::Str(s),
        _ => {
            let r = &reprs[*k];
            *k += 1;
            Arg::Unhashable(Shown::new("list", r))
        }
    }
}

pub fn list_repr(j: &J) -> String {
    match j {
        J::Array(v) => format!("[{}]", v.iter().map(list_repr).collect::<Vec<_>>().join(", ")),
        J::String(s) => format!("'{s}'"),
        J::Bool(b) => if *b { "True" } else { "False" }.into(),
        J::Null => "None".into(),
        other => other.to_string(),
    }
}

pub fn key_enc<S: Source>(
    nb: &Nb201<'_, S>,
    session: &Session,
    e: &ApiError,
    named: &[(&str, &J)],
) -> J {
    match e.key_obj() {
        Some(KeyObj::Value(v)) => enc(nb, session, v),
        Some(KeyObj::Param("(dataset, seed)")) => J::Null,
        Some(KeyObj::Param(p)) => {
            let j = named.iter().find(|(n, _)| n == p).map(|(_, j)| *j).unwrap_or(&J::Null);
            match j {
                J::Null => json!({"t": "None"}),
                J::Bool(b) => json!({"t": "bool", "v": b}),
                J::Number(n) if n.is_i64() => json!({"t": "int", "v": n.as_i64()}),
                J::Number(n) => json!({"t": "float", "v": float_hex(n.as_f64().unwrap())}),
                J::String(s) => json!({"t": "str", "v": s}),
                _ => J::Null,
            }
        }
        None => J::Null,
    }
}

/// A recorded draw's result, or the exception Python's `random` raised.
pub fn drawn(d: &J, at: usize) -> Result<i64, ApiError> {
    match d[at].as_i64() {
        Some(r) => Ok(r),
        None => {
            let exc = match d[at + 1].as_str() {
                Some("IndexError") => tnb_nb201_api::Exc::IndexError,
                _ => tnb_nb201_api::Exc::ValueError,
            };
            Err(ApiError::new(exc, d[at + 2].as_str().unwrap_or("")))
        }
    }
}

/// Replays the recorded calls of `text` (one JSON line each, as `make_official.py` writes
/// them, or as [`digest`] keeps them: with `h`, the hash of the answer and printed lines,
/// instead of `ok` and `out`) on `src`; returns (calls, failures).
pub fn replay<S: Source>(src: &S, text: &str, name: &str) -> (usize, Vec<String>) {
    replay_dialect(src, text, name, &Dialect::Nb201)
}

/// `'[2026-12-06 22:49:00]'` (NATS-Bench's `time_string()`) replaced by `'[T]'`, so that lines
/// printed at different times compare.
pub fn mask_time(line: &str) -> String {
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < b.len() {
        let is_stamp = b.len() - i >= 21
            && b[i] == b'['
            && b[i + 20] == b']'
            && b[i + 1..i + 20].iter().enumerate().all(|(k, c)| match k {
                4 | 7 => *c == b'-',
                10 => *c == b' ',
                13 | 16 => *c == b':',
                _ => c.is_ascii_digit(),
            });
        if is_stamp {
            out.push_str("[T]");
            i += 21;
        } else {
            let ch = line[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// [`replay`] for the official code of `dialect` (NATS-Bench's calls also record the
/// `warnings.warn` messages, and their printed lines compare with the times masked).
pub fn replay_dialect<S: Source>(
    src: &S,
    text: &str,
    name: &str,
    dialect: &Dialect,
) -> (usize, Vec<String>) {
    let mut session = Session::default();
    let mut failures = Vec::new();
    let mut n = 0;
    for line in text.lines() {
        n += 1;
        let case: J = serde_json::from_str(line).unwrap();
        let m = case["m"].as_str().unwrap();
        let empty = Vec::new();
        let a_json = case.get("a").and_then(J::as_array).unwrap_or(&empty);
        let k_json: Vec<(String, J)> = case
            .get("k")
            .and_then(J::as_object)
            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let reprs: Vec<String> = a_json
            .iter()
            .chain(k_json.iter().map(|(_, v)| v))
            .filter(|j| j.is_array())
            .map(list_repr)
            .collect();
        let mut ri = 0;
        let args: Vec<Arg<'_>> = a_json.iter().map(|j| arg(j, &reprs, &mut ri)).collect();
        let kwargs: Vec<(&str, Arg<'_>)> =
            k_json.iter().map(|(k, j)| (k.as_str(), arg(j, &reprs, &mut ri))).collect();
        let verbose = case.get("verbose").and_then(J::as_bool).unwrap_or(false);
        let nb = Nb201 { dialect: dialect.clone(), ..Nb201::new(src, PySum::Plain, verbose) };
        session.warnings.clear();
        let draws: Vec<J> = case.get("draws").and_then(J::as_array).cloned().unwrap_or_default();
        let mut di = 0usize;
        let di_cell = std::cell::Cell::new(0usize);
        let draws_ref = &draws;
        let mismatch = std::cell::RefCell::new(Vec::<String>::new());
        let mut fd = FnDraw {
            choice: |seeds: &[i64]| {
                let Some(d) = draws_ref.get(di_cell.get()) else {
                    mismatch.borrow_mut().push("an extra draw".into());
                    return Ok(0);
                };
                di_cell.set(di_cell.get() + 1);
                let want: Vec<i64> =
                    d[1].as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect();
                if d[0] != "choice" || want != seeds {
                    mismatch.borrow_mut().push(format!("draw choice({seeds:?}) vs {d}"));
                }
                drawn(d, 2)
            },
            randint: |a: i64, b: i64| {
                let Some(d) = draws_ref.get(di_cell.get()) else {
                    mismatch.borrow_mut().push("an extra draw".into());
                    return Ok(0);
                };
                di_cell.set(di_cell.get() + 1);
                if d[0] != "randint" || d[1].as_i64() != Some(a) || d[2].as_i64() != Some(b) {
                    mismatch.borrow_mut().push(format!("draw randint({a}, {b}) vs {d}"));
                }
                drawn(d, 3)
            },
        };
        let mut printed: Vec<String> = Vec::new();
        let mut print = |s: &str| printed.extend(s.split('\n').map(str::to_owned));
        let mut io = Io { draw: &mut fd, print: &mut print };
        let obj = case.get("obj");
        let res = match obj.and_then(J::as_array) {
            None => call_with(&nb, &mut session, m, &args, &kwargs, &mut io),
            Some(o) => {
                let index = o[1].as_i64().unwrap();
                let hp = Hp::from_key(o[2].as_str().unwrap()).unwrap();
                let at = ResultsRef { index, hp };
                if o[0] == "ar" {
                    call_results(&nb, &session, at, m, &args, &kwargs, &mut io)
                } else {
                    call_run(
                        &nb,
                        RunRef { results: at, run: o[3].as_u64().unwrap() as usize },
                        m,
                        &args,
                        &kwargs,
                    )
                }
            }
        };
        di = di.max(di_cell.get());
        let table = match dialect {
            Dialect::Nb201 => tnb_nb201_api::METHODS,
            Dialect::Nats(_) => tnb_nb201_api::NATS_METHODS,
        };
        let sig_params: Vec<&str> = match obj.and_then(J::as_array) {
            None => {
                table.iter().find(|s| s.name == m).map(|s| s.params.to_vec()).unwrap_or_default()
            }
            Some(o) if o[0] == "ar" => tnb_nb201_api::RESULTS_METHODS
                .iter()
                .find(|s| s.name == m)
                .map(|s| s.params.to_vec())
                .unwrap_or_default(),
            Some(_) => tnb_nb201_api::RUN_METHODS
                .iter()
                .find(|s| s.name == m)
                .map(|s| s.params.to_vec())
                .unwrap_or_default(),
        };
        let mut named: Vec<(&str, &J)> = sig_params.iter().copied().zip(a_json.iter()).collect();
        for (k, v) in &k_json {
            named.push((k.as_str(), v));
        }
        let got = match &res {
            Ok(v) => json!({"ok": enc(&nb, &session, v)}),
            Err(e) => {
                let mut g = json!({"exc": e.exc().name(), "msg": e.message()});
                if e.exc() == tnb_nb201_api::Exc::KeyError {
                    g["key"] = key_enc(&nb, &session, e, &named);
                }
                g
            }
        };
        let mut want = json!({});
        for k in ["ok", "exc", "msg", "key"] {
            if let Some(v) = case.get(k) {
                want[k] = v.clone();
            }
        }
        // numpy's `UFuncTypeError` is a `TypeError`: the binding raises the base class.
        if want["exc"] == "UFuncTypeError" {
            want["exc"] = "TypeError".into();
        }
        if want.get("key").is_some() && got.get("key") == Some(&J::Null) {
            want["key"] = J::Null;
        }
        let want_out: Vec<String> = case
            .get("out")
            .and_then(J::as_array)
            .map(|v| v.iter().map(|s| mask_time(s.as_str().unwrap())).collect())
            .unwrap_or_default();
        let printed: Vec<String> = printed.iter().map(|s| mask_time(s)).collect();
        let mut problems = mismatch.into_inner();
        let want_warn: Vec<String> = case
            .get("warn")
            .and_then(J::as_array)
            .map(|v| v.iter().map(|s| s.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default();
        if session.warnings != want_warn {
            problems.push(format!("warned {:?}\n   want {want_warn:?}", session.warnings));
        }
        if di != draws.len() {
            problems.push(format!("{} draws made, {} expected", di, draws.len()));
        }
        if let Some(h) = case.get("h").and_then(J::as_str) {
            if hash(&got, &printed) != h {
                problems.push(format!("answer or printed lines differ: got {got} {printed:?}"));
            }
        } else if got != want {
            let (g, w) = (got.to_string(), want.to_string());
            let at = g.bytes().zip(w.bytes()).take_while(|(a, b)| a == b).count();
            let from = at.saturating_sub(150);
            let cut = |s: &str| s.get(from..(at + 150).min(s.len())).unwrap_or("").to_owned();
            problems.push(format!("got  …{}\n   want …{}", cut(&g), cut(&w)));
        }
        if case.get("h").is_none() && printed != want_out {
            problems.push(format!("printed {printed:?}\n   want {want_out:?}"));
        }
        if problems.is_empty() && case.get("h").is_none() {
            if let Some(out) = DIGEST.with(|d| d.borrow_mut().take()) {
                DIGEST.with(|d| *d.borrow_mut() = Some(keep(out, &case, &want, &want_out)));
            }
        }
        if !problems.is_empty() {
            let head: String = line.chars().take(200).collect();
            failures.push(format!("{name} line {n}: {head}\n   {}", problems.join("\n   ")));
        }
    }
    (n, failures)
}

/// The hash a digest keeps of an answer (`{"ok": ...}` or the exception) and the printed
/// lines: the first 16 hex digits of the SHA-256 of their JSON (keys sorted).
pub fn hash(answer: &J, printed: &[String]) -> String {
    use sha2::Digest;
    let text = serde_json::to_string(&json!({"r": answer, "o": printed})).unwrap();
    let d = sha2::Sha256::digest(text.as_bytes());
    d.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

thread_local! {
    /// While a digest is being written: the lines kept so far and the groups seen.
    static DIGEST: std::cell::RefCell<Option<Digest>> = const { std::cell::RefCell::new(None) };
}

/// The lines a digest keeps.
#[derive(Default)]
pub struct Digest {
    lines: Vec<String>,
    groups: std::collections::BTreeMap<String, usize>,
    /// Keep every call of the [`STATEFUL`] methods, in order (so that `used_time` adds up on
    /// replay as it did in the official run), instead of none.
    stateful: bool,
}

/// Methods whose answers depend on the calls before them (`used_time`), left out of digests.
const STATEFUL: [&str; 4] = ["simulate_train_eval", "used_time", "reset_time", "clear_params"];

/// Keeps a case in the digest: every distinct failure (class and message) and the first
/// answers of each method, with the answer and printed lines as a hash.
fn keep(mut d: Digest, case: &J, want: &J, out: &[String]) -> Digest {
    let m = case["m"].as_str().unwrap_or("");
    let stateful = STATEFUL.contains(&m);
    if stateful && !d.stateful {
        return d;
    }
    let kind = case.get("obj").and_then(J::as_array).map_or("api".to_owned(), |o| o[0].to_string());
    let group = match want.get("exc") {
        Some(e) => format!("{kind} {m} {e} {}", want["msg"]),
        None => format!("{kind} {m} ok"),
    };
    let seen = d.groups.entry(group).or_insert(0);
    *seen += 1;
    let limit = if want.get("exc").is_some() { 1 } else { 4 };
    if *seen > limit && !stateful {
        return d;
    }
    let mut c = case.clone();
    let o = c.as_object_mut().unwrap();
    for k in ["ok", "out", "exc", "msg", "key"] {
        o.remove(k);
    }
    o.insert("h".into(), J::String(hash(want, out)));
    if let Some(e) = want.get("exc") {
        o.insert("exc".into(), e.clone());
        o.insert("msg".into(), want["msg"].clone());
    }
    d.lines.push(serde_json::to_string(&c).unwrap());
    d
}

/// Replays `text` like [`replay`] and returns, with its result, the digest of the cases.
pub fn replay_and_digest<S: Source>(
    src: &S,
    text: &str,
    name: &str,
) -> ((usize, Vec<String>), Vec<String>) {
    DIGEST.with(|d| *d.borrow_mut() = Some(Digest::default()));
    let r = replay(src, text, name);
    let d = DIGEST.with(|d| d.borrow_mut().take()).unwrap_or_default();
    (r, d.lines)
}

/// [`replay_and_digest`] for the official code of `dialect`; `stateful`: keep every call of
/// the methods that depend on the calls before them, in order.
pub fn replay_dialect_and_digest<S: Source>(
    src: &S,
    text: &str,
    name: &str,
    dialect: &Dialect,
    stateful: bool,
) -> ((usize, Vec<String>), Vec<String>) {
    DIGEST.with(|d| *d.borrow_mut() = Some(Digest { stateful, ..Digest::default() }));
    let r = replay_dialect(src, text, name, dialect);
    let d = DIGEST.with(|d| d.borrow_mut().take()).unwrap_or_default();
    (r, d.lines)
}

/// The folder's meta object and per-arch objects (ascending index).
pub fn folder(dir: &Path) -> (Obj, Vec<(i64, Obj)>) {
    let meta = obj_from_pbz2_bytes(&std::fs::read(dir.join("meta.pickle.pbz2")).unwrap()).unwrap();
    let mut archs = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "meta.pickle.pbz2" && n.ends_with(".pickle.pbz2"))
        .collect();
    names.sort();
    for n in names {
        let i: i64 = n.trim_end_matches(".pickle.pbz2").parse().unwrap();
        archs.push((i, obj_from_pbz2_bytes(&std::fs::read(dir.join(&n)).unwrap()).unwrap()));
    }
    (meta, archs)
}

/// The single-file object the writers make of a `-simple` folder's data: `{'meta_archs',
/// 'total_archs', 'arch2infos', 'evaluated_indexes'}`.
pub fn single_file_of(dir: &Path) -> Obj {
    let (meta, archs) = folder(dir);
    let mut items = Vec::new();
    for key in ["meta_archs", "total_archs"] {
        items.push((Obj::Str(key.into()), meta.get(key).unwrap().clone()));
    }
    let infos = archs.iter().map(|(i, o)| (Obj::Int(*i), o.clone())).collect();
    items.push((Obj::Str("arch2infos".into()), Obj::Dict { items: infos, ordered: false }));
    let ev = archs.iter().map(|(i, _)| Obj::Int(*i)).collect();
    items.push((Obj::Str("evaluated_indexes".into()), Obj::Set(ev)));
    Obj::Dict { items, ordered: false }
}
