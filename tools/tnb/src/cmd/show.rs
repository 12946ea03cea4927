//! `tnb show FILE ARCH|INDEX`: one architecture at a glance: its decoded structure, and for
//! every task the epochs trained, the model info, and each metric's best (with its epoch) and
//! final value.
//!
//! ARCH is an arch string; anything else that parses as an integer is an index in file order
//! with Python's rules (`-1` is the last arch). `--json` prints one object:
//! `{"arch", "index", "space", "structure", "tasks": {task: {"total_epochs", "model_info",
//! "metrics": {metric: {"best", "best_epoch", "final"}}}}}`, values as `json.dumps` writes them
//! (`null` where Python would raise, e.g. the best of an empty list).

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use tnb_api::{Event, JsonSink, JsonSinkError, WalkError};
use tnb_store::{ArchId, Store, Value};

use crate::fail::Fail;
use crate::shown;

/// Arguments of `tnb show`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A .tnb archive.
    pub file: PathBuf,
    /// An arch string (e.g. 64-41414-1_02_333), or an index in file order (negative counts from
    /// the end).
    /// NAS-Bench-101: a cell hash (or give --matrix and --ops).
    #[arg(allow_hyphen_values = true)]
    pub arch: Option<String>,
    /// NAS-Bench-101: the spec's adjacency matrix as JSON, e.g. '[[0,1,1],[0,0,1],[0,0,0]]'.
    #[arg(long)]
    pub matrix: Option<String>,
    /// NAS-Bench-101: the spec's ops, comma-separated, e.g. input,conv3x3-bn-relu,output.
    #[arg(long)]
    pub ops: Option<String>,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// Runs `tnb show`.
pub fn run(args: Args) -> Result<(), Fail> {
    if crate::nb101::is_nb101_archive(&args.file) {
        return crate::nb101::show::run(&args);
    }
    if args.matrix.is_some() || args.ops.is_some() {
        return Err(Fail::input("--matrix and --ops are for NAS-Bench-101 archives"));
    }
    let Some(arch) = args.arch.clone() else {
        return Err(Fail::input("give an arch string or an index"));
    };
    if crate::nb201::detect::is_nb201_archive(&args.file) {
        return crate::nb201::show::run(&args, &arch);
    }
    let store = crate::archive::open(&args.file)?;
    let arch = resolve(&store, &arch)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    let q = |e: tnb_store::QueryError| Fail::input(format!("{}: {e}", args.file.display()));
    if args.json {
        json(&store, arch, &mut out).map_err(|e| match e {
            Error::Io(e) => Fail::from(e),
            Error::Query(e) => q(e),
        })?;
    } else {
        text(&store, arch, &mut out).map_err(|e| match e {
            Error::Io(e) => Fail::from(e),
            Error::Query(e) => q(e),
        })?;
    }
    out.flush()?;
    Ok(())
}

/// An arch string, or else an index.
pub fn resolve(store: &Store, arg: &str) -> Result<ArchId, Fail> {
    if store.is_empty() {
        return Err(Fail::input(
            "the archive holds no architectures (a plain object: see it with `tnb dump`)",
        ));
    }
    match store.arch(arg) {
        Ok(a) => Ok(a),
        Err(e) => match arg.trim().parse::<i64>() {
            Ok(i) => store.arch_at(i).map_err(|_| {
                Fail::input(format!(
                    "index {i} is out of range: the archive has {} archs (0 to {}, or -1 to -{})",
                    store.len(),
                    store.len().saturating_sub(1),
                    store.len()
                ))
            }),
            Err(_) => Err(Fail::input(format!("{e} (give an arch string or an index)"))),
        },
    }
}

enum Error {
    Io(std::io::Error),
    Query(tnb_store::QueryError),
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

impl From<tnb_store::QueryError> for Error {
    fn from(e: tnb_store::QueryError) -> Self {
        Error::Query(e)
    }
}

/// A value as Python's `repr` shows it (strings without quotes), for tables.
pub fn text_of(v: Value<'_>) -> String {
    match v {
        Value::None => "None".to_owned(),
        Value::Bool(b) => if b { "True" } else { "False" }.to_owned(),
        Value::Int(i) => i.to_string(),
        Value::Float(x) if x.is_nan() => "nan".to_owned(),
        Value::Float(x) if x.is_infinite() => if x > 0.0 { "inf" } else { "-inf" }.to_owned(),
        Value::Float(x) => {
            let mut buf = [0u8; 32];
            let n = tnb_pyjson::float_repr(x, &mut buf);
            String::from_utf8_lossy(&buf[..n]).into_owned()
        }
        Value::Str("") => "''".to_owned(),
        // Debug-escape control characters (and every other `shown::is_unsafe` one) so that one
        // value stays on one line; callers escape what they print anyway.
        Value::Str(s) if s.chars().any(shown::is_unsafe) => format!("{s:?}"),
        Value::Str(s) => s.to_owned(),
        Value::Node(n) => {
            tnb_api::object_json(&n.object()).unwrap_or_else(|_| "<not JSON>".to_owned())
        }
    }
}

fn structure(name: &str) -> Result<String, String> {
    tnb_arch::Arch::parse(name).map(|a| a.describe().to_string()).map_err(|e| e.to_string())
}

/// The tables. Every name and value from the archive is shown escaped (`shown`), and so is
/// every cell of the metric table.
fn text(store: &Store, arch: ArchId, out: &mut dyn Write) -> Result<(), Error> {
    let name = store.arch_name(arch)?;
    let space = store.space_name(store.space_of(arch)?)?;
    let (shown_name, space) = (shown::text(name), shown::text(space));
    writeln!(out, "{shown_name}  (index {}, space {space})", arch.index())?;
    match structure(name) {
        // Several lines: each escaped on its own.
        Ok(d) => {
            for line in d.lines() {
                writeln!(out, "{}", shown::text(line))?;
            }
        }
        Err(e) => {
            writeln!(out, "structure: not a TransNAS-Bench-101 arch string ({})", shown::text(&e))?
        }
    }
    for t in store.tasks() {
        let epochs = store.total_epochs(arch, t)?;
        writeln!(out, "\n{}  ({epochs} epochs)", shown::text(store.task_name(t)?))?;
        let infos: Vec<String> = store
            .infos()
            .map(|i| {
                let v = store.model_info(arch, t, i).map_or_else(|e| e.to_string(), text_of);
                Ok(format!("{} {}", shown::text(store.info_name(i)?), shown::text(&v)))
            })
            .collect::<Result<_, Error>>()?;
        writeln!(out, "  model info  {}", infos.join(", "))?;
        let rows: Vec<[String; 4]> = store
            .metrics(t)?
            .map(|m| {
                let (best, epoch) = match store.best_epoch(arch, t, m) {
                    Ok(e) => (text_of(store.value_at(arch, t, m, i64::from(e))?), e.to_string()),
                    Err(_) => ("-".to_owned(), "-".to_owned()),
                };
                let last = store.final_value(arch, t, m).map_or_else(|_| "-".to_owned(), text_of);
                Ok([store.metric_name(m)?.to_owned(), best, epoch, last])
            })
            .collect::<Result<_, Error>>()?;
        let header =
            ["metric".to_owned(), "best".to_owned(), "epoch".to_owned(), "final".to_owned()];
        table(out, &header, &rows, &[false, true, true, true])?;
    }
    Ok(())
}

/// Writes aligned columns, indented by two spaces; `right[i]` right-aligns column `i`. Cells
/// are shown escaped (`shown`): they hold names and values from the archive.
pub fn table<const N: usize>(
    out: &mut dyn Write,
    header: &[String; N],
    rows: &[[String; N]],
    right: &[bool; N],
) -> std::io::Result<()> {
    let rows: Vec<[std::borrow::Cow<'_, str>; N]> = std::iter::once(header)
        .chain(rows)
        .map(|row| row.each_ref().map(|cell| shown::text(cell)))
        .collect();
    let mut width = [0usize; N];
    for row in &rows {
        for (w, cell) in width.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in &rows {
        let mut line = String::from(" ");
        for i in 0..N {
            let pad = width[i] - row[i].chars().count();
            line.push(' ');
            if right[i] {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(&row[i]);
            } else {
                line.push_str(&row[i]);
                if i + 1 < N {
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            line.push(' ');
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Events into a [`JsonSink`], mapping its errors.
struct Json<'w> {
    sink: JsonSink<&'w mut dyn Write>,
}

impl<'w> Json<'w> {
    fn e(&mut self, e: Event<'_>) -> Result<(), Error> {
        self.sink.event(e).map_err(|e| match e {
            JsonSinkError::Io(e) => Error::Io(e),
            JsonSinkError::NotJson(m) => Error::Query(tnb_store::QueryError::Corrupt(m)),
            _ => Error::Query(tnb_store::QueryError::Corrupt("cannot write JSON")),
        })
    }

    fn key(&mut self, k: &str) -> Result<(), Error> {
        self.e(Event::Str(k))
    }

    fn value(&mut self, v: Value<'_>) -> Result<(), Error> {
        tnb_api::walk::value(v, &mut |e| self.e(e)).map_err(|e| match e {
            WalkError::Sink(e) => e,
            WalkError::Query(q) => Error::Query(q),
            _ => Error::Query(tnb_store::QueryError::Corrupt("the walk failed")),
        })
    }

    /// A query's value, or `null` where Python would raise.
    fn answer(&mut self, v: Result<Value<'_>, tnb_store::QueryError>) -> Result<(), Error> {
        match v {
            Ok(v) => self.value(v),
            Err(_) => self.e(Event::Null),
        }
    }
}

fn json(store: &Store, arch: ArchId, out: &mut dyn Write) -> Result<(), Error> {
    let name = store.arch_name(arch)?;
    let mut j = Json { sink: JsonSink::new(out) };
    j.e(Event::BeginMap)?;
    j.key("arch")?;
    j.e(Event::Str(name))?;
    j.key("index")?;
    j.e(Event::Int(arch.index() as i64))?;
    j.key("space")?;
    j.e(Event::Str(store.space_name(store.space_of(arch)?)?))?;
    j.key("structure")?;
    match structure(name) {
        Ok(d) => j.e(Event::Str(&d))?,
        Err(_) => j.e(Event::Null)?,
    }
    j.key("tasks")?;
    j.e(Event::BeginMap)?;
    for t in store.tasks() {
        j.key(store.task_name(t)?)?;
        j.e(Event::BeginMap)?;
        j.key("total_epochs")?;
        j.e(Event::Int(i64::from(store.total_epochs(arch, t)?)))?;
        j.key("model_info")?;
        j.e(Event::BeginMap)?;
        for i in store.infos() {
            j.key(store.info_name(i)?)?;
            j.answer(store.model_info(arch, t, i))?;
        }
        j.e(Event::End)?;
        j.key("metrics")?;
        j.e(Event::BeginMap)?;
        for m in store.metrics(t)? {
            j.key(store.metric_name(m)?)?;
            j.e(Event::BeginMap)?;
            j.key("best")?;
            j.answer(store.best_value(arch, t, m))?;
            j.key("best_epoch")?;
            match store.best_epoch(arch, t, m) {
                Ok(e) => j.e(Event::Int(i64::from(e)))?,
                Err(_) => j.e(Event::Null)?,
            }
            j.key("final")?;
            j.answer(store.final_value(arch, t, m))?;
            j.e(Event::End)?;
        }
        j.e(Event::End)?;
        j.e(Event::End)?;
    }
    j.e(Event::End)?;
    j.e(Event::End)?;
    writeln!(j.sink.into_inner())?;
    Ok(())
}
