//! Side by side with the official `nasbench.api` code: the official helper ran a fixed call
//! script with `NASBench(fixture, seed=21)` on each fixture of `data/nb101/` and recorded every
//! answer (`data/nb101/official/*.jsonl`, typed encoding of
//! `crates/python/tests/nb101_answers.py`: values, types, float bits, exception classes and
//! messages, the `randint` draws, the module generator's state digest and the budget counters
//! after each call). This replays every call here, through [`tnb_nb101_api::call`] on the
//! archive the converter writes of the fixture and on the official loader's tables built in
//! memory ([`MemSource`]), with [`PyRandom`] seeded as the official object seeds Python's, and
//! compares all of it.
//!
//! Not replayed (counted, and the count is bounded): `ModelSpec` and `hash_spec` lines (the
//! constructor's attributes and `hash_spec`: tnb-nb101-spec's own tests), and specs this crate
//! does not build (float matrices, entries other than 0 and 1, ops that are not strings).

use std::path::PathBuf;

use serde_json::{Value as J, json};
use tnb_nb101_api::{
    ApiError, Arg, Draw, MemRecord, MemSource, NasBench, PyRandom, Run, Shown, Source, Spec,
    StoreSource, Value, call, spec_arg,
};

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../data/nb101")
}

/// Python's `float.hex(x)` (finite and infinite values).
fn float_hex(x: f64) -> String {
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let bits = x.to_bits();
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0x0.0p+0");
    }
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mant = bits & ((1 << 52) - 1);
    let (lead, e) = if exp == 0 { (0, -1022) } else { (1, exp - 1023) };
    format!("{sign}0x{lead}.{mant:013x}p{e:+}")
}

fn enc_float(x: f64) -> J {
    if x.is_nan() {
        return json!({"f": "nan", "bits": format!("{:016x}", x.to_bits())});
    }
    json!({"f": float_hex(x)})
}

/// The typed encoding `E` of a value.
fn enc(v: &Value<'_>) -> J {
    match v {
        Value::None => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => json!({"i": i}),
        Value::Float(x) => enc_float(*x),
        Value::Str(s) => J::String(s.to_string()),
        Value::List(v) => json!({"list": v.iter().map(enc).collect::<Vec<_>>()}),
        Value::Tuple(v) => json!({"tuple": v.iter().map(enc).collect::<Vec<_>>()}),
        Value::Set(v) => json!({"set": v.iter().map(enc).collect::<Vec<_>>()}),
        Value::Keys(v) => json!({"keys": v.iter().map(enc).collect::<Vec<_>>()}),
        Value::Dict(d) => {
            json!({"dict": d.iter().map(|(k, v)| json!([enc(k), enc(v)])).collect::<Vec<_>>()})
        }
        Value::Adjacency { n, data } => json!({
            "nd": "|i1",
            "shape": [n, n],
            "data": data.iter().map(|x| json!({"i": x})).collect::<Vec<_>>(),
        }),
    }
}

/// A decoded argument, owning what an [`Arg`] borrows.
enum Owned {
    Arg(Arg<'static>),
    Str(String),
    Shown { type_name: &'static str, text: String, hashable: bool },
}

impl Owned {
    fn arg(&self) -> Arg<'_> {
        match self {
            Owned::Arg(a) => *a,
            Owned::Str(s) => Arg::Str(s),
            Owned::Shown { type_name, text, hashable } => {
                let s = Shown::new(type_name, text);
                if *hashable { Arg::Hashable(s) } else { Arg::Unhashable(s) }
            }
        }
    }
}

/// Python's `repr` of an encoded value (for the messages that quote a tuple or a list).
fn repr(e: &J) -> String {
    let v = decode_value(e);
    v.py_repr()
}

fn decode_value(e: &J) -> Value<'static> {
    match e {
        J::Null => Value::None,
        J::Bool(b) => Value::Bool(*b),
        J::String(s) => Value::Str(s.clone().into()),
        J::Object(o) => {
            if let Some(i) = o.get("i") {
                return Value::Int(i.as_i64().expect("int in i64"));
            }
            if let Some(bits) = o.get("bits") {
                return Value::Float(f64::from_bits(
                    u64::from_str_radix(bits.as_str().unwrap(), 16).unwrap(),
                ));
            }
            if let Some(f) = o.get("f") {
                return Value::Float(parse_float_hex(f.as_str().unwrap()));
            }
            if let Some(l) = o.get("list") {
                return Value::List(l.as_array().unwrap().iter().map(decode_value).collect());
            }
            if let Some(l) = o.get("tuple") {
                return Value::Tuple(l.as_array().unwrap().iter().map(decode_value).collect());
            }
            if let Some(d) = o.get("dict") {
                return Value::Dict(
                    d.as_array()
                        .unwrap()
                        .iter()
                        .map(|kv| (decode_value(&kv[0]), decode_value(&kv[1])))
                        .collect(),
                );
            }
            panic!("cannot decode {e}")
        }
        other => panic!("cannot decode {other}"),
    }
}

fn parse_float_hex(s: &str) -> f64 {
    match s {
        "inf" => return f64::INFINITY,
        "-inf" => return f64::NEG_INFINITY,
        _ => {}
    }
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let s = s.strip_prefix("0x").unwrap();
    let (m, e) = s.split_once('p').unwrap();
    let (lead, frac) = m.split_once('.').unwrap();
    let e: i32 = e.parse().unwrap();
    let frac_bits = u64::from_str_radix(&format!("{frac:0<13}"), 16).unwrap();
    let lead: u64 = lead.parse().unwrap();
    let x = if lead == 0 {
        f64::from_bits(frac_bits) * if e == -1022 { 1.0 } else { 2f64.powi(e + 1022) }
    } else {
        f64::from_bits((((e + 1023) as u64) << 52) | frac_bits)
    };
    if neg { -x } else { x }
}

fn decode_arg(e: &J) -> Owned {
    match decode_value(e) {
        Value::None => Owned::Arg(Arg::None),
        Value::Bool(b) => Owned::Arg(Arg::Bool(b)),
        Value::Int(i) => Owned::Arg(Arg::Int(i)),
        Value::Float(x) => Owned::Arg(Arg::Float(x)),
        Value::Str(s) => Owned::Str(s.into_owned()),
        Value::Tuple(_) => Owned::Shown { type_name: "tuple", text: repr(e), hashable: true },
        Value::List(_) => Owned::Shown { type_name: "list", text: repr(e), hashable: false },
        Value::Dict(_) => Owned::Shown { type_name: "dict", text: repr(e), hashable: false },
        other => panic!("argument {other:?}"),
    }
}

/// The spec of a "spec" field, `Err(None)` when this crate does not build it, `Err(Some(e))`
/// for the constructor's exception.
fn build_spec(s: &J) -> Result<Spec, Option<ApiError>> {
    if let Some(dtype) = s.get("numpy").and_then(J::as_str) {
        // Float matrices hash their numbers as floats: not a spec tnb builds.
        if dtype.contains('f') {
            return Err(None);
        }
        // An empty numpy matrix of shape (0, 0) is square, unlike the list `[]`.
        if s["shape"].as_array().is_some_and(|d| d.iter().any(|x| x == 0)) {
            return Err(None);
        }
    }
    let rows: Vec<Vec<i64>> = match s["matrix"].as_array() {
        Some(rows) => {
            let mut out = Vec::new();
            for r in rows {
                let Some(r) = r.as_array() else { return Err(None) };
                let mut row = Vec::new();
                for x in r {
                    row.push(match x {
                        J::Bool(b) => i64::from(*b),
                        J::Number(n) => n.as_i64().ok_or(None)?,
                        _ => return Err(None),
                    });
                }
                out.push(row);
            }
            out
        }
        None => return Err(None),
    };
    let mut ops = Vec::new();
    for o in s["ops"].as_array().ok_or(None)? {
        ops.push(o.as_str().ok_or(None)?.to_owned());
    }
    match Spec::new(&rows, &ops) {
        Ok(spec) => Ok(spec),
        Err(e) if e.python_class().is_some() => Err(Some(tnb_nb101_api::spec_error(&e))),
        Err(_) => Err(None),
    }
}

struct Recording<'r> {
    rng: &'r mut PyRandom,
    draws: Vec<i64>,
}

impl Draw for Recording<'_> {
    fn randint(&mut self, a: i64, b: i64) -> Result<i64, ApiError> {
        let r = self.rng.randint(a, b);
        self.draws.push(r);
        Ok(r)
    }
}

/// Replays one answers file on `src`: (calls compared, calls skipped, mismatches).
fn replay<S: Source>(src: &S, text: &str, label: &str) -> (usize, usize, Vec<String>) {
    let mut lines = text.lines();
    let head: J = serde_json::from_str(lines.next().unwrap()).unwrap();
    let mut rng = PyRandom::seed_int(head["seed"].as_i64().unwrap().into());
    let mut nb = NasBench::new(src);
    let mut bad = Vec::new();
    let budget = |nb: &NasBench<'_, S>| match nb.get_budget_counters() {
        Value::Tuple(v) => J::Array(v.iter().map(enc).collect()),
        _ => unreachable!(),
    };
    let mut draw = Recording { rng: &mut rng, draws: Vec::new() };
    let mut none = tnb_nb101_api::NoDraw;
    for (what, got) in [
        ("config", enc(&call(&mut nb, "config", &[], &[], &[], &mut none).unwrap())),
        ("valid_epochs", enc(&nb.valid_epochs())),
        ("history", enc(&call(&mut nb, "history", &[], &[], &[], &mut none).unwrap())),
        ("state", J::String(draw.rng.state_digest())),
        ("budget", budget(&nb)),
    ] {
        if head[what] != got {
            bad.push(format!("{label} header {what}: official {} / got {got}", head[what]));
        }
    }
    let (mut compared, mut skipped) = (0, 0);
    for (no, line) in lines.enumerate() {
        let want: J = serde_json::from_str(line).unwrap();
        let method = want["call"].as_str().unwrap();
        if method == "ModelSpec" || method == "hash_spec" {
            skipped += 1;
            continue;
        }
        let spec = match want.get("spec").map(build_spec) {
            None => None,
            Some(Ok(s)) => Some(Ok(s)),
            Some(Err(Some(e))) => Some(Err(e)),
            Some(Err(None)) => {
                skipped += 1;
                continue;
            }
        };
        let args: Vec<Owned> = want["args"].as_array().unwrap().iter().map(decode_arg).collect();
        let kwargs: Vec<(String, Owned)> = want["kwargs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), decode_arg(v)))
            .collect();
        draw.draws.clear();
        let result = match spec {
            Some(Err(e)) => Err(e),
            spec => {
                let specs: Vec<Spec> = spec.into_iter().map(Result::unwrap).collect();
                let mut a: Vec<Arg<'_>> = Vec::new();
                if !specs.is_empty() {
                    a.push(spec_arg(0));
                }
                a.extend(args.iter().map(Owned::arg));
                let k: Vec<(&str, Arg<'_>)> =
                    kwargs.iter().map(|(k, v)| (k.as_str(), v.arg())).collect();
                call(&mut nb, method, &a, &k, &specs, &mut draw)
            }
        };
        if let Some(f) = src.failure() {
            bad.push(format!("{label} line {}: {f}", no + 2));
        }
        let mut got = serde_json::Map::new();
        match &result {
            Ok(v) => {
                got.insert("ok".into(), enc(v));
            }
            Err(e) => {
                got.insert("err".into(), json!({"type": e.class().name(), "msg": e.message()}));
            }
        }
        got.insert("draws".into(), json!(draw.draws));
        got.insert("state".into(), J::String(draw.rng.state_digest()));
        got.insert("budget".into(), budget(&nb));
        for (k, v) in &got {
            if want.get(k) != Some(v) {
                let w = want.get(k).map(|w| w.to_string()).unwrap_or_default();
                let g = v.to_string();
                // Show both from a little before the first difference.
                let at = w.bytes().zip(g.bytes()).take_while(|(a, b)| a == b).count();
                let from = at.saturating_sub(80);
                let cut = |t: &str| t.get(from..(from + 240).min(t.len())).unwrap_or("").to_owned();
                bad.push(format!(
                    "{label} line {} {method} {k} at char {at}: official ...{} / got ...{}",
                    no + 2,
                    cut(&w),
                    cut(&g)
                ));
            }
        }
        if want.get("ok").is_some() != got.contains_key("ok") {
            bad.push(format!("{label} line {} {method}: ok/err differ", no + 2));
        }
        compared += 1;
    }
    (compared, skipped, bad)
}

/// The official loader's tables of a fixture, built in memory from the decoded records.
fn mem_source(tfrecord: &[u8]) -> MemSource {
    let mut scratch = Vec::new();
    let mut records = Vec::new();
    for r in tnb_tfrecord::Records::new(tfrecord) {
        let (_, data) = r.unwrap();
        let rec = tnb_nb101_record::decode(data, &mut scratch).unwrap();
        let e = |v: &tnb_nb101_record::Eval| {
            [v.training_time, v.train_accuracy, v.validation_accuracy, v.test_accuracy]
        };
        records.push(MemRecord {
            hash: rec.hash,
            epochs: rec.epochs,
            adjacency: (rec.n, rec.adjacency),
            operations: rec.operations.to_string(),
            trainable_parameters: rec.trainable_parameters,
            run: Run { halfway: e(&rec.halfway), final_: e(&rec.final_) },
        });
    }
    MemSource::new(&records)
}

#[test]
fn every_recorded_official_answer_is_replayed_exactly() {
    let dir = data().join("official");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("data/nb101/official")
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".jsonl").map(str::to_owned))
        .collect();
    names.sort();
    assert!(names.len() >= 3, "expected the recorded answers of the three fixtures: {names:?}");
    let (mut total, mut skipped_all, mut all) = (0, 0, Vec::new());
    for name in &names {
        let text = std::fs::read_to_string(dir.join(format!("{name}.jsonl"))).unwrap();
        let tfrecord = std::fs::read(data().join(format!("{name}.tfrecord"))).unwrap();
        let bytes = tnb_nb101_convert::convert_bytes(&tfrecord).unwrap();
        let store = tnb_nb101_store::Nb101Store::copy_from(&bytes).unwrap();
        let src = StoreSource::new(&store);
        let (n, skipped, bad) = replay(&src, &text, &format!("{name} [archive]"));
        all.extend(bad);
        let mem = mem_source(&tfrecord);
        let (n2, _, bad) = replay(&mem, &text, &format!("{name} [memory]"));
        all.extend(bad);
        total += n + n2;
        skipped_all += skipped;
    }
    let show = std::env::var("TNB_SHOW").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    let shown: Vec<&str> = all.iter().take(show).map(String::as_str).collect();
    assert!(all.is_empty(), "{} of {total} calls differ:\n{}", all.len(), shown.join("\n"));
    assert!(total > 5000, "only {total} calls replayed");
    // ModelSpec / hash_spec lines and unbuildable specs only: a few hundred of ~5,600.
    assert!(skipped_all < 600, "{skipped_all} calls skipped");
}

#[test]
fn float_hex_is_pythons() {
    for (x, want) in [
        (0.0, "0x0.0p+0"),
        (-0.0, "-0x0.0p+0"),
        (1.0, "0x1.0000000000000p+0"),
        (0.1, "0x1.999999999999ap-4"),
        (5e-324, "0x0.0000000000001p-1022"),
        (f64::MAX, "0x1.fffffffffffffp+1023"),
    ] {
        assert_eq!(float_hex(x), want);
        assert_eq!(parse_float_hex(want).to_bits(), x.to_bits());
    }
}
