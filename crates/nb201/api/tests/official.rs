//! Side by side with the official `nas_201_api` v2.1 code: `tests/data/make_official.py` builds
//! two small NB201-shaped objects (v1_0 and v1_1 shapes), runs ~17k calls through the official
//! classes and records every answer (types, float bits), exception (class, message, `KeyError`
//! key), printed line and `random` draw; this replays each call here on the same pickle and
//! compares. It needs a Python with numpy and `pip install --no-deps nas-bench-201==2.1`
//! (`TNB_OFFICIAL_PYTHON`, default `/tmp/mv/bin/python`), so it is `#[ignore]`d:
//! `cargo test -p tnb-nb201-api --test official -- --ignored`.

use std::path::PathBuf;

use serde_json::{Value as J, json};
use tnb_nb201_api::{
    ApiError, Arg, FnDraw, Hp, Io, KeyObj, MemSource, Nb201, PySum, ResultsRef, RunRef, Session,
    Shown, Source, StoreSource, Value, call_results, call_run, call_with, obj_from_file_bytes,
};

fn enc<S: Source>(nb: &Nb201<'_, S>, session: &Session, v: &Value<'_>) -> J {
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
fn float_hex(x: f64) -> String {
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
fn arg<'a>(j: &'a J, reprs: &'a [String], k: &mut usize) -> Arg<'a> {
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

fn list_repr(j: &J) -> String {
    match j {
        J::Array(v) => format!("[{}]", v.iter().map(list_repr).collect::<Vec<_>>().join(", ")),
        J::String(s) => format!("'{s}'"),
        J::Bool(b) => if *b { "True" } else { "False" }.into(),
        J::Null => "None".into(),
        other => other.to_string(),
    }
}

fn key_enc<S: Source>(
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
fn drawn(d: &J, at: usize) -> Result<i64, ApiError> {
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

fn replay<S: Source>(src: &S, dir: &std::path::Path, version: u32) -> (usize, Vec<String>) {
    let text = std::fs::read_to_string(dir.join(format!("nb201_v1{version}_api.jsonl"))).unwrap();
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
        let nb = Nb201::new(src, PySum::Plain, verbose);
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
        let sig_params: Vec<&str> = match obj.and_then(J::as_array) {
            None => tnb_nb201_api::METHODS
                .iter()
                .find(|s| s.name == m)
                .map(|s| s.params.to_vec())
                .unwrap_or_default(),
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
            .map(|v| v.iter().map(|s| s.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default();
        let mut problems = mismatch.into_inner();
        if di != draws.len() {
            problems.push(format!("{} draws made, {} expected", di, draws.len()));
        }
        if got != want {
            let (g, w) = (got.to_string(), want.to_string());
            let at = g.bytes().zip(w.bytes()).take_while(|(a, b)| a == b).count();
            let from = at.saturating_sub(150);
            let cut = |s: &str| s.get(from..(at + 150).min(s.len())).unwrap_or("").to_owned();
            problems.push(format!("got  …{}\n   want …{}", cut(&g), cut(&w)));
        }
        if printed != want_out {
            problems.push(format!("printed {printed:?}\n   want {want_out:?}"));
        }
        if !problems.is_empty() {
            let head: String = line.chars().take(200).collect();
            failures.push(format!("v1_{version} line {n}: {head}\n   {}", problems.join("\n   ")));
        }
    }
    (n, failures)
}

#[test]
#[ignore = "needs a Python with numpy and nas-bench-201==2.1 (TNB_OFFICIAL_PYTHON)"]
fn every_call_answers_as_the_official_code_does() {
    let python =
        std::env::var("TNB_OFFICIAL_PYTHON").unwrap_or_else(|_| "/tmp/mv/bin/python".into());
    let dir: PathBuf =
        std::env::temp_dir().join(format!("tnb-nb201-api-official-{}", std::process::id()));
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/make_official.py");
    let st = std::process::Command::new(&python).arg(&script).arg(&dir).status().unwrap();
    assert!(st.success(), "{python} {script:?} failed");
    let mut all = Vec::new();
    let mut total = 0;
    for v in [0, 1] {
        let pkl = std::fs::read(dir.join(format!("nb201_v1{v}_api.pkl"))).unwrap();
        // From the pickle, in memory.
        let mem = MemSource::from_file_bytes(&pkl).unwrap();
        let (n, f) = replay(&mem, &dir, v);
        total += n;
        all.extend(f);
        // From the archive the converter writes of the same object.
        let obj = obj_from_file_bytes(&pkl).unwrap();
        let bytes = tnb_nb201_convert::archive_bytes(&obj, 0, [0; 32]).unwrap();
        let archive = tnb_nb201_store::Archive::copy_from(&bytes).unwrap();
        let store = StoreSource::new(&archive).unwrap();
        let (n, f) = replay(&store, &dir, v);
        total += n;
        all.extend(f.into_iter().map(|x| format!("[archive] {x}")));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let shown: Vec<&String> = all.iter().take(25).collect();
    assert!(
        all.is_empty(),
        "{} of {total} calls differ:\n{}",
        all.len(),
        shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
}
