//! `tnb dump` of NAS-Bench-201 files: a `.pth` through the stream reader, an archive through the
//! store's walk; both print through [`KeySink`], so the two print the same bytes for the same
//! object.
//!
//! A source is read three times (never held whole): pass 1 scans it, pass 2 decodes it with
//! every `arch2infos` entry checked as JSON and dropped (so an error leaves no partial output,
//! and the top-level values are known), pass 3 decodes it again and prints each entry as it
//! completes, between the top-level keys that come before and after `arch2infos`.

use std::io::{BufWriter, Write};
use std::path::Path;

use tnb_pickle::stream::Obj;
use tnb_pyjson::{Event, JsonSinkError};

use crate::fail::Fail;
use crate::nb201::json::{KeySink, obj_events};
use crate::nb201::progress::Passes;

use crate::nb201::source::SPLIT_KEY;

/// Where walk events go; an `Err` stops the walk.
type Emit<'e> = dyn FnMut(Event<'_>) -> Result<(), String> + 'e;

fn sink_error(e: JsonSinkError) -> String {
    e.to_string()
}

/// One `arch2infos` entry as events: key, value (inside the open dict).
fn entry_events(
    k: &Obj,
    v: &Obj,
    emit: &mut dyn FnMut(Event<'_>) -> Result<(), String>,
) -> Result<(), String> {
    let mut at = vec![SPLIT_KEY.to_owned(), crate::nb201::json::key_label(k)];
    obj_events(k, &mut at, emit)?;
    obj_events(v, &mut at, emit)
}

/// The whole top-level object as events, with `entries` producing the `arch2infos` items in
/// place of the (empty) dict the reader returned.
fn top_events(
    top: &Obj,
    emit: &mut dyn FnMut(Event<'_>) -> Result<(), String>,
    entries: &mut dyn FnMut(&mut Emit<'_>) -> Result<(), String>,
) -> Result<(), String> {
    let Obj::Dict { items, .. } = top else {
        return Err(format!("the object is a {}, not a dict", top.type_name()));
    };
    emit(Event::BeginMap)?;
    for (k, v) in items {
        let mut at = vec![crate::nb201::json::key_label(k)];
        obj_events(k, &mut at, emit)?;
        if k.as_str() == Some(SPLIT_KEY) {
            emit(Event::BeginMap)?;
            entries(emit)?;
            emit(Event::End)?;
        } else {
            obj_events(v, &mut at, emit)?;
        }
    }
    emit(Event::End)
}

/// Prints `path` as JSON if it is a NAS-Bench-201 `.pth` (`Ok(true)`); `Ok(false)` leaves it to
/// the TransNAS reader.
pub fn try_source(path: &Path) -> Result<bool, Fail> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut bar = Passes::new(size, 3, false);
    bar.start(0, "scanning");
    let Some(scan) = crate::nb201::detect::scan_source(path, &mut bar)? else {
        bar.finish();
        return Ok(false);
    };
    source(path, &scan, bar)?;
    Ok(true)
}

/// Prints a scanned NAS-Bench-201 `.pth` as JSON.
fn source(path: &Path, scan: &tnb_pth::StreamScan, mut bar: Passes) -> Result<(), Fail> {
    let name = path.display();
    let limits = tnb_pth::StreamLimits::default();
    // Pass 2: every entry must print; the top-level values are kept.
    bar.start(1, "checking");
    let mut check = |k: Obj, v: Obj| -> Result<(), String> {
        let mut sink = KeySink::new(std::io::sink());
        sink.event(Event::BeginMap).map_err(sink_error)?;
        entry_events(&k, &v, &mut |e| sink.event(e).map_err(sink_error))?;
        sink.event(Event::End).map_err(sink_error)
    };
    let top = tnb_pth::stream_load(path, scan, SPLIT_KEY, &limits, &mut check, &mut |d, t| {
        bar.update(d, t)
    })
    .map_err(|e| Fail::input(format!("{name}: {e}")))?;
    {
        let mut sink = KeySink::new(std::io::sink());
        top_events(&top, &mut |e| sink.event(e).map_err(sink_error), &mut |_| Ok(()))
            .map_err(|e| Fail::input(format!("{name}: cannot write as JSON: {e}")))?;
    }
    // Pass 3: print.
    bar.start(2, "printing");
    let stdout = std::io::stdout().lock();
    let mut sink = KeySink::new(BufWriter::with_capacity(1 << 16, stdout));
    let mut io_error: Option<std::io::Error> = None;
    let mut emit = |e: Event<'_>| -> Result<(), String> {
        sink.event(e).map_err(|err| match err {
            JsonSinkError::Io(io) => {
                let m = io.to_string();
                io_error = Some(io);
                m
            }
            other => other.to_string(),
        })
    };
    let mut entries = |emit: &mut Emit<'_>| {
        let mut print = |k: Obj, v: Obj| entry_events(&k, &v, emit);
        tnb_pth::stream_load(path, scan, SPLIT_KEY, &limits, &mut print, &mut |d, t| {
            bar.update(d, t)
        })
        .map(|_| ())
        .map_err(|e| e.to_string())
    };
    let r = top_events(&top, &mut emit, &mut entries);
    bar.finish();
    if let Some(e) = io_error {
        return Err(Fail::from(e));
    }
    r.map_err(|e| Fail::input(format!("{name}: {e}")))?;
    let mut out = sink.finish().map_err(|e| Fail::input(format!("{name}: {e}")))?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// Prints an NB201-format archive (NAS-Bench-201 or NATS-Bench) as JSON, through the store's
/// walk: the whole object, or with `arch` only `arch2infos[arch]` (for a NATS-Bench archive,
/// what `tnb dump` of that arch's `.pickle.pbz2` prints). The walk runs once without output
/// first, so that a corrupted archive leaves no partial output.
pub fn archive(path: &Path, arch: Option<i64>) -> Result<(), Fail> {
    let name = path.display();
    let a = crate::nb201::open(path)?;
    let entry =
        match arch {
            None => None,
            Some(i) => Some(a.entry(i).map_err(crate::nb201::corrupt(path))?.ok_or_else(|| {
                Fail::input(format!("{name}: arch {i} has no entry in the archive"))
            })?),
        };
    print_walk(&name.to_string(), &mut |sink| match entry {
        None => a.walk(sink),
        Some(e) => a.walk_entry(e, sink),
    })
}

/// One walk's events, as JSON on stdout: `walk` runs once into a sink first, so that an object
/// that fails (a corrupted archive, a value JSON cannot hold) prints nothing, then again to
/// stdout. Errors name `name`.
pub fn print_walk(
    name: &str,
    walk: &mut dyn FnMut(&mut Emit<'_>) -> Result<(), String>,
) -> Result<(), Fail> {
    {
        let mut sink = KeySink::new(std::io::sink());
        walk(&mut |e| sink.event(e).map_err(sink_error))
            .map_err(|e| Fail::input(format!("{name}: {e}")))?;
        sink.finish().map_err(|e| Fail::input(format!("{name}: {e}")))?;
    }
    let stdout = std::io::stdout().lock();
    let mut sink = KeySink::new(BufWriter::with_capacity(1 << 16, stdout));
    let mut io_error = None;
    let r = walk(&mut |e| {
        sink.event(e).map_err(|err| match err {
            JsonSinkError::Io(io) => {
                let m = io.to_string();
                io_error = Some(io);
                m
            }
            other => other.to_string(),
        })
    });
    if let Some(e) = io_error {
        return Err(Fail::from(e));
    }
    r.map_err(|e| Fail::input(format!("{name}: {e}")))?;
    let mut out = sink.finish().map_err(|e| Fail::input(format!("{name}: {e}")))?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}
