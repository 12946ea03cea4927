//! `tnb batch FILE.tnb [--seed S]` on a NAS-Bench-101 archive: JSON Lines requests by the
//! official method name (`NASBench`'s: `query`, `is_valid`, `get_metrics_from_hash`,
//! `get_metrics_from_spec`, `hash_iterator`, `get_budget_counters`, `reset_budget_counters`;
//! the attributes `config`, `valid_epochs`, `history`, `training_time_spent`,
//! `total_epochs_spent` as zero-argument methods), one answer line per request line, through
//! `tnb_nb101_api::call`, as for the other families (`cmd/batch.rs`' line loop and parsing).
//!
//! A `model_spec` argument is written `{"matrix": [[0, 1], [0, 0]], "ops": ["input",
//! "output"]}` (`ModelSpec(matrix, ops)`: its `ValueError`s are the answer). The session keeps
//! one object's state across lines (the budget counters). `query` draws its repeat as
//! `NASBench(f, seed=S)` followed by the same calls would when started with `--seed S` (CPython's
//! generator, emulated exactly); without `--seed` it draws nothing, and a `query` must name the
//! repeat itself with the tnb-only keyword `"repeat": 0 | 1 | 2` (allowed with `--seed` too,
//! where it leaves the generator untouched).

use std::io::{self, BufReader};

use serde_json::value::RawValue;
use tnb_nb101_api::{
    Arg, Draw, Fixed, NUM_REPEATS, NasBench, NoDraw, PyRandom, Source, Spec, StoreSource, call,
    spec_arg,
};

use crate::cmd::batch::{Decoded, Failed, Request, decode, error_line, parse_request, serve_with};
use crate::fail::Fail;

/// Answers the requests on stdin for the NB101 archive at `path`.
pub fn run(path: &std::path::Path, seed: Option<i128>) -> Result<(), Fail> {
    let store = crate::nb101::open(path)?;
    let src = StoreSource::new(&store);
    let mut nb = NasBench::new(&src);
    let mut draw: Box<dyn Draw> = match seed {
        Some(s) => Box::new(PyRandom::seed_int(s)),
        None => Box::new(NoDraw),
    };
    let input = BufReader::with_capacity(1 << 16, io::stdin().lock());
    let output = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    serve_with(input, output, &mut |line, out| answer_line(&mut nb, &mut *draw, line, out))?;
    Ok(())
}

/// Appends the answer to one request line (newline included) to `out`.
pub fn answer_line<S: Source>(
    nb: &mut NasBench<'_, S>,
    draw: &mut dyn Draw,
    line: &[u8],
    out: &mut Vec<u8>,
) {
    let start = out.len();
    match answer(nb, draw, line, out) {
        Ok(()) => out.extend_from_slice(b"}\n"),
        Err(Failed { message, class }) => {
            out.truncate(start);
            error_line(out, &message, class);
        }
    }
}

/// An argument: a spec object, or any other value as `json.loads` makes it.
enum In<'a> {
    Spec(usize),
    Value(Decoded<'a>),
}

/// The spec of `{"matrix": ..., "ops": ...}`, if `raw` is such an object.
fn spec_of(raw: &RawValue) -> Option<Result<Spec, Failed>> {
    if !raw.get().trim_start().starts_with('{') {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(raw.get()).ok()?;
    let o = v.as_object()?;
    if o.len() != 2 {
        return None;
    }
    Some(build(o.get("matrix")?, o.get("ops")?))
}

fn build(matrix: &serde_json::Value, ops: &serde_json::Value) -> Result<Spec, Failed> {
    use serde_json::Value as J;
    let bad = |m: &str| Failed { message: m.to_owned(), class: crate::cmd::batch::REQUEST_ERROR };
    // numpy's shape of anything but a list of lists of scalars is not 2-D: not square.
    let not_square = || Failed { message: "matrix must be square".to_owned(), class: "ValueError" };
    let rows = matrix.as_array().ok_or_else(not_square)?;
    let mut m = Vec::with_capacity(rows.len());
    for r in rows {
        let r = r.as_array().ok_or_else(not_square)?;
        let mut row = Vec::with_capacity(r.len());
        for x in r {
            row.push(match x {
                J::Bool(b) => i64::from(*b),
                J::Number(n) => n
                    .as_i64()
                    .ok_or_else(|| bad("a spec's matrix entries must be ints (0 or 1) or bools"))?,
                J::Array(_) => return Err(not_square()),
                _ => return Err(bad("a spec's matrix entries must be ints (0 or 1) or bools")),
            });
        }
        m.push(row);
    }
    let ops: Option<Vec<&str>> =
        ops.as_array().and_then(|o| o.iter().map(serde_json::Value::as_str).collect());
    let ops = ops.ok_or_else(|| bad("a spec's \"ops\" must be a list of strings"))?;
    Spec::new(&m, &ops).map_err(|e| Failed { message: e.to_string(), class: "ValueError" })
}

/// An argument of the request: a spec (kept in `specs`) or a value.
fn take<'r>(raw: &'r RawValue, specs: &mut Vec<Spec>) -> Result<In<'r>, Failed> {
    match spec_of(raw) {
        Some(s) => {
            if specs.len() == tnb_nb101_api::MAX_SPECS {
                return Err(Failed::from("too many specs in one request"));
            }
            specs.push(s?);
            Ok(In::Spec(specs.len() - 1))
        }
        None => Ok(In::Value(decode(raw)?)),
    }
}

/// The [`Arg`] an argument is passed as.
fn arg_of<'x>(x: &'x In<'_>) -> Arg<'x> {
    match x {
        In::Spec(i) => spec_arg(*i),
        In::Value(d) => d.arg(),
    }
}

fn answer<S: Source>(
    nb: &mut NasBench<'_, S>,
    draw: &mut dyn Draw,
    line: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), Failed> {
    let Request { method, args, kwargs } = parse_request(line)?;
    let mut specs: Vec<Spec> = Vec::new();
    let mut args_in = Vec::with_capacity(args.len());
    for a in &args {
        args_in.push(take(a, &mut specs)?);
    }
    let mut repeat = None;
    let mut kwargs_in = Vec::with_capacity(kwargs.len());
    for (k, v) in &kwargs {
        if method == "query" && k == "repeat" {
            match decode(v)?.arg() {
                Arg::Int(i) if (0..NUM_REPEATS).contains(&i) => repeat = Some(i),
                _ => return Err(Failed::from("\"repeat\" must be 0, 1 or 2")),
            }
            continue;
        }
        kwargs_in.push((k.as_ref(), take(v, &mut specs)?));
    }
    let a: Vec<Arg<'_>> = args_in.iter().map(arg_of).collect();
    let k: Vec<(&str, Arg<'_>)> = kwargs_in.iter().map(|(k, v)| (*k, arg_of(v))).collect();
    let mut fixed;
    let draw: &mut dyn Draw = match repeat {
        Some(i) => {
            fixed = Fixed(i);
            &mut fixed
        }
        None => draw,
    };
    let value = call(nb, &method, &a, &k, &specs, draw)
        .map_err(|e| Failed { message: e.message().to_owned(), class: e.class().name() })?;
    if let Some(m) = nb.source().failure() {
        return Err(Failed { message: m, class: "FormatError" });
    }
    out.extend_from_slice(b"{\"ok\": ");
    let mut sink = tnb_pyjson::JsonSink::new(&mut *out);
    value
        .events(&mut |e| sink.event(e))
        .map_err(|e| Failed::from(format!("cannot write the answer: {e}")))?;
    Ok(())
}
