//! `tnb show FILE ARCH` on a NAS-Bench-201 archive: one architecture's results for each hp, as
//! the official `query_info_str_by_arch` summarises them (per dataset: FLOPs, params, latency,
//! and train / valid / test loss and accuracy after the last epoch, seed means). `--json`
//! prints `{"arch", "index", "hp": {"12": {dataset: get_more_info(...), ...}, "200": ...}}`,
//! each `get_more_info(index, dataset, hp=hp, is_random=False)` as `json.dumps` writes it.

use std::io::Write;

use tnb_nb201_api::{Arg, Io, Nb201, NoDraw, Session, Source, events};

use crate::cmd::show::Args;
use crate::fail::Fail;
use crate::nb201::json::KeySink;
use crate::shown;

/// The hps of arch `index`, in the order of its `arch2infos_dict[index]` (NAS-Bench-201:
/// `'12'`, `'200'`; NATS-Bench: the file's keys, e.g. `'01'`, `'12'`, `'90'`); NAS-Bench-201's
/// two when the arch has no entry (the text then says "not evaluated").
fn hps_of<S: Source>(src: &S, index: i64) -> Vec<String> {
    match src.hp_count(index) {
        0 => vec!["12".to_owned(), "200".to_owned()],
        n => (0..n).map(|j| src.hp_at(index, j).key().to_owned()).collect(),
    }
}

/// Runs `tnb show` on an NB201 archive.
pub fn run(args: &Args, arch: &str) -> Result<(), Fail> {
    let archive = crate::nb201::open(&args.file)?;
    let src = crate::nb201::source_of(&archive, &args.file)?;
    let nb = crate::nb201::api_of(&archive, &src);
    let index = resolve(&nb, arch)?;
    let arch = src.meta_arch(index).unwrap_or_default().to_owned();
    let mut draw = NoDraw;
    let mut printed = Vec::new();
    let mut print = |l: &str| printed.push(l.to_owned());
    let mut io = Io { draw: &mut draw, print: &mut print };
    let api = |e: tnb_nb201_api::ApiError| {
        Fail::input(format!("{}: {}: {}", args.file.display(), e.exc().name(), e.message()))
    };
    // Built in memory first (a screen or two): a read failure discards it all.
    let mut out: Vec<u8> = Vec::new();
    if args.json {
        let mut sink = KeySink::new(&mut out);
        let mut e =
            |ev: tnb_pyjson::Event<'_>| sink.event(ev).map_err(|e| Fail::input(e.to_string()));
        use tnb_pyjson::Event;
        e(Event::BeginMap)?;
        e(Event::Str("arch"))?;
        e(Event::Str(&arch))?;
        e(Event::Str("index"))?;
        e(Event::Int(index as i64))?;
        e(Event::Str("hp"))?;
        e(Event::BeginMap)?;
        let session = Session::default();
        for hp in hps_of(&src, index as i64) {
            let hp = hp.as_str();
            let r = tnb_nb201_api::Hp::from_key(hp).and_then(|h| src.results(index as i64, h));
            let Some(r) = r else { continue };
            e(Event::Str(hp))?;
            e(Event::BeginMap)?;
            for d in 0..src.dataset_count(r) {
                let dataset = src.dataset_name(r, d);
                let info = nb
                    .get_more_info(
                        Arg::Int(index as i64),
                        Arg::Str(dataset),
                        None,
                        Some(Arg::Str(hp)),
                        Some(Arg::Bool(false)),
                        &mut io,
                    )
                    .map_err(api)?;
                e(Event::Str(dataset))?;
                events(&nb, &session, &info, &mut e)?;
            }
            e(Event::End)?;
        }
        e(Event::End)?;
        e(Event::End)?;
        sink.finish().map_err(|e| Fail::input(e.to_string()))?;
        writeln!(out)?;
        return write_checked(&src, &args.file, &out);
    }
    writeln!(out, "{}  (index {index} of {})", shown::text(&arch), nb.len())?;
    for hp in hps_of(&src, index as i64) {
        let hp = hp.as_str();
        let text = nb
            .query_info_str_by_arch(Arg::Int(index as i64), Some(Arg::Str(hp)), &mut io)
            .map_err(api)?;
        match text {
            Some(t) => {
                writeln!(out, "\nhp {hp}:")?;
                for line in t.lines() {
                    writeln!(out, "  {}", shown::text(line))?;
                }
            }
            None => writeln!(out, "\nhp {hp}: not evaluated")?,
        }
    }
    write_checked(&src, &args.file, &out)
}

/// Prints what was built, unless a store read failed meanwhile.
fn write_checked<S: Source>(src: &S, path: &std::path::Path, out: &[u8]) -> Result<(), Fail> {
    crate::nb201::read_failure(src, path)?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out)?;
    stdout.flush()?;
    Ok(())
}

/// An arch string, or else an index into `meta_archs` (negative counts from the end).
pub fn resolve<S: Source>(nb: &Nb201<'_, S>, arg: &str) -> Result<usize, Fail> {
    let n = nb.len();
    if n == 0 {
        return Err(Fail::input("the archive holds no architectures (meta_archs is empty)"));
    }
    if let Some(i) = nb.src.arch_index(arg) {
        return Ok(i);
    }
    match arg.trim().parse::<i64>() {
        Ok(i) => {
            let at = if i < 0 { i + n as i64 } else { i };
            if (0..n as i64).contains(&at) {
                Ok(at as usize)
            } else {
                Err(Fail::input(format!(
                    "index {i} is out of range: the archive has {n} archs (0 to {}, or -1 to -{n})",
                    n - 1
                )))
            }
        }
        Err(_) => Err(Fail::input(format!(
            "{} is not an arch of the archive (give an arch string of meta_archs, exactly, or an \
             index)",
            tnb_api::py_repr_str(&tnb_api::short(arg))
        ))),
    }
}
