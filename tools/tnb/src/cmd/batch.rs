//! `tnb batch FILE`: the official Python API over JSON Lines, for any language.
//!
//! Each input line is one request, `{"method": "...", "args": [...], "kwargs": {...}}` (`args`
//! and `kwargs` optional), answered by one output line, in order: `{"ok": <result>}` with the
//! result as Python's `json.dumps` writes the official API's return value (tuples as arrays,
//! floats as `repr`), or `{"error": "<message>", "type": "<class>"}` where Python raises, with
//! the exception class the official class raises (`KeyError`, `AssertionError`, `ValueError`,
//! `IndexError`, `TypeError`, `AttributeError`; `FormatError` for a corrupted archive). A line
//! that is not a request (bad JSON, a blank line, a line over [`MAX_LINE`] bytes) gets an error
//! line of type [`REQUEST_ERROR`] too, so answers always pair with requests, and the session
//! goes on.
//!
//! Arguments keep their JSON types as Python's `json.loads` would make them: `1` is an int, `1.0`
//! a float, an int beyond 64 bits stays an int. Method and argument names are the Python API's
//! (see `tnb_api::METHODS`).
//!
//! Output is flushed whenever `tnb batch` is about to wait for input: a client that writes one
//! request and waits for its answer (a terminal, or a program on a pipe) gets it at once, and a
//! file of requests is answered in large writes.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;

use serde_json::value::RawValue;
use tnb_api::{Arg, CallError, JsonSink, Shown, call};
use tnb_store::Store;

use crate::fail::Fail;

/// Longest request line accepted, in bytes: far above any real request (arch strings are about
/// 20 bytes), and a bound on the memory one line can take.
pub const MAX_LINE: usize = 1 << 20;

/// Arguments of `tnb batch`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Each input line is one call of the official Python API, each output line its answer, in order:
  {\"method\": \"get_single_metric\", \"args\": [\"64-2311-basic\", \"class_object\", \"valid_top1\"], \"kwargs\": {\"mode\": \"best\"}}
  {\"ok\": 46.81031036376953}        (or {\"error\": \"...\"} where Python raises)
Methods (Python's names and arguments): len, task_list, search_spaces, all_arch_dict,
metrics_dict, info_names, index2arch, arch2index, get_arch_result, get_total_epochs,
get_model_info, get_single_metric, get_epoch_status, get_best_epoch_status, get_arch_list,
get_best_archs. Answers are json.dumps of Python's return value (tuples as arrays).")]
pub struct Args {
    /// A .tnb archive.
    pub file: PathBuf,
    /// NAS-Bench-101: draw query's repeat as NASBench(f, seed=S) does (Python's random,
    /// emulated); without it a query must pass "repeat": 0, 1 or 2 in its kwargs.
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub seed: Option<i128>,
}

/// Runs `tnb batch`.
pub fn run(args: Args) -> Result<(), Fail> {
    if crate::nb101::is_nb101_archive(&args.file) {
        return crate::nb101::batch::run(&args.file, args.seed);
    }
    if args.seed.is_some() {
        return Err(Fail::input("--seed applies to NAS-Bench-101 archives"));
    }
    if crate::nb201::detect::is_nb201_archive(&args.file) {
        return crate::nb201::batch::run(&args.file);
    }
    // Read into memory and fully checked, as every command of this `unsafe`-free binary does.
    // (Programs that want one copy shared by many processes link tnb-store and map the archive:
    // `Store::open_mmap`.)
    let store = crate::archive::open(&args.file)?;
    let input = BufReader::with_capacity(1 << 16, io::stdin().lock());
    let output = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    serve(&store, input, output)?;
    Ok(())
}

/// Answers every request line of `input` on `output`, flushing whenever the input has nothing
/// buffered (so an interactive client is never left waiting). Returns the number of requests.
pub fn serve<B: AsRef<[u8]>, R: Read, W: Write>(
    store: &Store<B>,
    input: BufReader<R>,
    output: W,
) -> io::Result<u64> {
    serve_with(input, output, &mut |line, answer| answer_line(store, line, answer))
}

/// The line loop of [`serve`] for any benchmark family: `answer(line, out)` appends the answer
/// line (newline included) to one request line (without its newline).
pub fn serve_with<R: Read, W: Write>(
    mut input: BufReader<R>,
    mut output: W,
    answer: &mut dyn FnMut(&[u8], &mut Vec<u8>),
) -> io::Result<u64> {
    let mut line = Vec::new();
    let mut answered = Vec::with_capacity(1 << 10);
    let mut count = 0;
    loop {
        line.clear();
        let mut too_long = false;
        let mut saw_any = false;
        // One line, keeping at most MAX_LINE bytes of it.
        loop {
            if input.buffer().is_empty() {
                output.flush()?;
            }
            let buf = input.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            saw_any = true;
            let (chunk, done) = match buf.iter().position(|&c| c == b'\n') {
                Some(i) => (&buf[..i], Some(i + 1)),
                None => (buf, None),
            };
            if !too_long {
                if line.len() + chunk.len() > MAX_LINE {
                    too_long = true;
                    line.clear();
                } else {
                    line.extend_from_slice(chunk);
                }
            }
            let used = done.unwrap_or(buf.len());
            input.consume(used);
            if done.is_some() {
                break;
            }
        }
        if !saw_any {
            break;
        }
        answered.clear();
        if too_long {
            let m = format!("request line longer than {MAX_LINE} bytes");
            error_line(&mut answered, &m, REQUEST_ERROR);
        } else {
            answer(&line, &mut answered);
        }
        output.write_all(&answered)?;
        count += 1;
    }
    output.flush()?;
    Ok(count)
}

/// Appends the answer to one request line (without its newline) to `out`, newline included.
pub fn answer_line<B: AsRef<[u8]>>(store: &Store<B>, line: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    match answer(store, line, out) {
        Ok(()) => out.extend_from_slice(b"}\n"),
        Err(Failed { message, class }) => {
            out.truncate(start);
            error_line(out, &message, class);
        }
    }
}

/// The `"type"` of an error line for a line that is not a call (bad JSON, an unknown request
/// key...): no Python class applies, since the official class never sees such a request.
pub const REQUEST_ERROR: &str = "RequestError";

/// Why a line has no answer: the message and the `"type"` of its error line (the Python
/// exception class for a call that raises).
pub struct Failed {
    /// The message.
    pub message: String,
    /// The `"type"` of the error line.
    pub class: &'static str,
}

impl From<String> for Failed {
    fn from(message: String) -> Self {
        Failed { message, class: REQUEST_ERROR }
    }
}

impl From<&str> for Failed {
    fn from(message: &str) -> Self {
        Failed { message: message.to_owned(), class: REQUEST_ERROR }
    }
}

/// Appends an error line.
pub fn error_line(out: &mut Vec<u8>, message: &str, class: &str) {
    out.extend_from_slice(b"{\"error\": ");
    // Writing to a Vec cannot fail.
    let _ = tnb_pyjson::write_str(&mut *out, message);
    out.extend_from_slice(b", \"type\": ");
    let _ = tnb_pyjson::write_str(&mut *out, class);
    out.extend_from_slice(b"}\n");
}

/// A decoded argument: borrowed from the line, a string that had escapes, or a list or dict
/// with its Python `repr()`.
pub enum Decoded<'a> {
    Ready(Arg<'a>),
    Owned(String),
    Container { type_name: &'static str, repr: String },
}

impl Decoded<'_> {
    /// The argument as the API takes it.
    pub fn arg(&self) -> Arg<'_> {
        match self {
            Decoded::Ready(a) => *a,
            Decoded::Owned(s) => Arg::Str(s),
            Decoded::Container { type_name, repr } => Arg::Unhashable(Shown::new(type_name, repr)),
        }
    }
}

/// One JSON value as the Python value `json.loads` makes of it.
pub fn decode(raw: &RawValue) -> Result<Decoded<'_>, String> {
    let text = raw.get().trim();
    let first = text.as_bytes().first().copied().unwrap_or(b' ');
    Ok(Decoded::Ready(match first {
        b'"' => {
            // serde_json checked the token: a quoted string, so at least two bytes.
            let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
            if inner.contains('\\') {
                let s: String =
                    serde_json::from_str(text).map_err(|e| format!("bad string: {e}"))?;
                return Ok(Decoded::Owned(s));
            }
            Arg::Str(inner)
        }
        b't' => Arg::Bool(true),
        b'f' => Arg::Bool(false),
        b'n' => Arg::None,
        // `json.loads` makes lists and dicts: both unhashable, quoted by their `repr`.
        b'[' | b'{' => {
            let type_name = if first == b'[' { "list" } else { "dict" };
            return Ok(Decoded::Container { type_name, repr: py_repr(text)? });
        }
        _ if text.contains(['.', 'e', 'E']) => {
            Arg::Float(text.parse().map_err(|_| format!("bad number {text}"))?)
        }
        _ => match text.parse::<i64>() {
            Ok(i) => Arg::Int(i),
            // serde_json validated the token: an int too large for 64 bits, whose JSON digits
            // are Python's `str()` of it (JSON allows no `+` and no leading zeros).
            Err(_) => Arg::BigInt { negative: text.starts_with('-'), digits: text },
        },
    }))
}

/// Deepest nesting [`py_repr`] follows: serde_json already refuses a request nested deeper
/// than 128 levels, so this only bounds the recursion should that change.
const MAX_DEPTH: usize = 128;

/// Python's `repr()` of the object `json.loads` makes of the JSON `text` (already checked by
/// serde_json): strings as Python's `str` repr, numbers as Python prints the int or float,
/// `true`/`false`/`null` as `True`/`False`/`None`, and a dict keeping the first position and
/// the last value of a repeated key, as `json.loads` builds it. The text is at most a few
/// times the line's length (`1e15` prints as `1000000000000000.0`), which [`MAX_LINE`] bounds.
pub fn py_repr(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    repr_value(&mut rest, &mut out, 0)?;
    Ok(out)
}

fn skip_space(s: &mut &str) {
    *s = s.trim_start_matches([' ', '\t', '\n', '\r']);
}

/// Takes `c` (after any whitespace) from the front of `s`.
fn take(s: &mut &str, c: char) -> bool {
    skip_space(s);
    match s.strip_prefix(c) {
        Some(r) => {
            *s = r;
            true
        }
        None => false,
    }
}

/// The JSON string at the front of `s`, decoded.
fn take_string(s: &mut &str) -> Result<String, String> {
    skip_space(s);
    let bytes = s.as_bytes();
    let mut i = 1;
    while i < bytes.len() && bytes[i] != b'"' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    let token = s.get(..=i).ok_or("bad string")?;
    *s = &s[token.len()..];
    if token.contains('\\') {
        serde_json::from_str(token).map_err(|e| format!("bad string: {e}"))
    } else {
        Ok(token[1..token.len() - 1].to_owned())
    }
}

fn repr_value(s: &mut &str, out: &mut String, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("argument nested too deeply".to_owned());
    }
    skip_space(s);
    match s.as_bytes().first() {
        Some(b'"') => out.push_str(&tnb_api::py_repr_str(&take_string(s)?)),
        Some(b'[') => {
            *s = &s[1..];
            out.push('[');
            if !take(s, ']') {
                loop {
                    repr_value(s, out, depth + 1)?;
                    if take(s, ']') {
                        break;
                    }
                    if !take(s, ',') {
                        return Err("bad array".to_owned());
                    }
                    out.push_str(", ");
                }
            }
            out.push(']');
        }
        Some(b'{') => {
            *s = &s[1..];
            let mut entries: Vec<(String, String)> = Vec::new();
            // Where each key is in `entries`: a line may hold many keys.
            let mut at: HashMap<String, usize> = HashMap::new();
            if !take(s, '}') {
                loop {
                    let key = take_string(s)?;
                    if !take(s, ':') {
                        return Err("bad object".to_owned());
                    }
                    let mut value = String::new();
                    repr_value(s, &mut value, depth + 1)?;
                    match at.get(&key) {
                        Some(&i) => entries[i].1 = value,
                        None => {
                            at.insert(key.clone(), entries.len());
                            entries.push((key, value));
                        }
                    }
                    if take(s, '}') {
                        break;
                    }
                    if !take(s, ',') {
                        return Err("bad object".to_owned());
                    }
                }
            }
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&tnb_api::py_repr_str(k));
                out.push_str(": ");
                out.push_str(v);
            }
            out.push('}');
        }
        _ => {
            let end = s
                .find(|c: char| !matches!(c, '0'..='9' | '-' | '+' | '.' | 'e' | 'E' | 'a'..='z'))
                .unwrap_or(s.len());
            let (token, rest) = s.split_at(end);
            *s = rest;
            match token {
                "true" => out.push_str("True"),
                "false" => out.push_str("False"),
                "null" => out.push_str("None"),
                t if t.contains(['.', 'e', 'E']) => {
                    let x: f64 = t.parse().map_err(|_| format!("bad number {t}"))?;
                    out.push_str(&tnb_api::py_repr_float(x));
                }
                // `-0` is the int 0; other ints print as their JSON digits.
                t => match t.parse::<i64>() {
                    Ok(i) => out.push_str(&i.to_string()),
                    Err(_) => out.push_str(t),
                },
            }
        }
    }
    Ok(())
}

/// A request line taken apart: the method name and the raw JSON of each argument, for a
/// family's own decoding.
pub struct Request<'l> {
    /// The method name.
    pub method: String,
    /// Positional arguments.
    pub args: Vec<&'l RawValue>,
    /// Keyword arguments, by name.
    pub kwargs: Vec<(Cow<'l, str>, &'l RawValue)>,
}

/// Takes one request line apart (`{"method": ..., "args": [...], "kwargs": {...}}`).
pub fn parse_request(line: &[u8]) -> Result<Request<'_>, Failed> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let text = std::str::from_utf8(line).map_err(|_| "request is not UTF-8".to_owned())?;
    if text.trim().is_empty() {
        return Err(
            "empty request (expected {\"method\": ..., \"args\": [...], \"kwargs\": {...}})".into(),
        );
    }
    let request: BTreeMap<Cow<'_, str>, &RawValue> =
        serde_json::from_str(text).map_err(|e| format!("bad request: {e}"))?;
    let (mut method, mut args, mut kwargs) = (None, None, None);
    for (key, value) in request {
        match &*key {
            "method" => method = Some(value),
            "args" => args = Some(value),
            "kwargs" => kwargs = Some(value),
            other => {
                return Err(format!(
                    "unknown request key '{}' (expected method, args, kwargs)",
                    tnb_api::short(other)
                )
                .into());
            }
        }
    }
    let method = method.ok_or("a request needs a \"method\"")?;
    let method = decode(method)?;
    let method = match method.arg() {
        Arg::Str(m) => m.to_owned(),
        _ => return Err("\"method\" must be a string".into()),
    };
    let args: Vec<&RawValue> = match args {
        Some(a) => {
            serde_json::from_str(a.get()).map_err(|_| "\"args\" must be an array".to_owned())?
        }
        None => Vec::new(),
    };
    let kwargs: BTreeMap<Cow<'_, str>, &RawValue> = match kwargs {
        Some(k) => {
            serde_json::from_str(k.get()).map_err(|_| "\"kwargs\" must be an object".to_owned())?
        }
        None => BTreeMap::new(),
    };
    Ok(Request { method, args, kwargs: kwargs.into_iter().collect() })
}

fn answer<B: AsRef<[u8]>>(store: &Store<B>, line: &[u8], out: &mut Vec<u8>) -> Result<(), Failed> {
    let Request { method, args, kwargs } = parse_request(line)?;
    let args = args.into_iter().map(decode).collect::<Result<Vec<_>, _>>()?;
    let kwargs =
        kwargs.iter().map(|(k, v)| Ok((&**k, decode(v)?))).collect::<Result<Vec<_>, String>>()?;
    let args: Vec<Arg<'_>> = args.iter().map(Decoded::arg).collect();
    let kwargs: Vec<(&str, Arg<'_>)> = kwargs.iter().map(|(k, v)| (*k, v.arg())).collect();

    out.extend_from_slice(b"{\"ok\": ");
    let mut sink = JsonSink::new(&mut *out);
    call(store, &method, &args, &kwargs, &mut |e| sink.event(e)).map_err(|e| match e {
        CallError::Api(a) => Failed { message: a.message().to_owned(), class: a.exc().name() },
        CallError::Sink(e) => Failed::from(format!("cannot write the answer: {e}")),
        other => Failed::from(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::process::{Command, Stdio};

    /// `repr(json.loads(line))` of each line, from python3.
    fn python_reprs(lines: &[&str]) -> Vec<String> {
        let script = "import json, sys\nfor l in sys.stdin:\n    print(repr(json.loads(l)))\n";
        let mut child = Command::new("python3")
            .args(["-c", script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 is needed for this test");
        child.stdin.take().unwrap().write_all(lines.join("\n").as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect()
    }

    #[test]
    fn lists_and_dicts_repr_as_python_reprs_json_loads_of_them() {
        let lines = [
            "[]",
            "{}",
            "[1, -0, 2.5, 1e15, 1E16, -0.0, 1e400, 0.1, 12345678901234567890123]",
            r#"[true, false, null, "it's", "a\"b", "\u00e9\t\u001b\u2028\ud83d\ude00", "\\"]"#,
            r#"{"k": [1, {"j": []}], "a": null, "k": "last", " ": {}}"#,
            r#" [ [ [ ] ] , { "x" : [ 1 , 2 ] } ] "#,
            r#"{"\u0000": 1, "'": "\""}"#,
        ];
        let want = python_reprs(&lines);
        assert_eq!(want.len(), lines.len(), "python3 failed: {want:?}");
        for (line, want) in lines.iter().zip(want) {
            assert_eq!(super::py_repr(line.trim()).unwrap(), want, "{line}");
        }
    }
}
