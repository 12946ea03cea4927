//! `tnb best FILE --dataset D --metric-on-set S [--hp 12|200] [--flop-max F] [--param-max P]`
//! on a NAS-Bench-201 archive: the official `find_best` (names remapped as it remaps them,
//! `evaluated_indexes` ascending, seed means, the first maximum kept), printed as its `(index,
//! accuracy)` with the arch string; `--json` prints `json.dumps` of the returned tuple.

use std::io::Write;

use tnb_nb201_api::{Arg, Io, NoDraw, Session, Source, Value, events};

use crate::cmd::best::Args;
use crate::fail::Fail;
use crate::nb201::json::KeySink;
use crate::shown;

/// Runs `tnb best` on an NB201 archive.
pub fn run(args: &Args) -> Result<(), Fail> {
    if args.task.is_some() || args.metric.is_some() || args.space.is_some() {
        return Err(Fail::input(
            "--task, --metric and --space are for TransNAS-Bench-101 archives: this is a \
             NAS-Bench-201 archive (give --dataset and --metric-on-set)",
        ));
    }
    let (Some(dataset), Some(set)) = (&args.dataset, &args.metric_on_set) else {
        return Err(Fail::input(
            "a NAS-Bench-201 archive needs --dataset (cifar10-valid, cifar10, cifar100, \
             ImageNet16-120) and --metric-on-set (e.g. valid, test, x-valid, ori-test)",
        ));
    };
    let archive = crate::nb201::open(&args.file)?;
    let src = crate::nb201::source_of(&archive, &args.file)?;
    let nb = crate::nb201::api_of(&archive, &src);
    let mut draw = NoDraw;
    let mut print = |_: &str| {};
    let mut io = Io { draw: &mut draw, print: &mut print };
    let answer = nb
        .find_best(
            Arg::Str(dataset),
            Arg::Str(set),
            args.flop_max.map(Arg::Float),
            args.param_max.map(Arg::Float),
            Some(Arg::Str(&args.hp)),
            None,
            &mut io,
        )
        .map_err(|e| {
            Fail::input(format!("{}: {}: {}", args.file.display(), e.exc().name(), e.message()))
        })?;
    crate::nb201::read_failure(&src, &args.file)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut sink = KeySink::new(&mut out);
        events(&nb, &Session::default(), &answer, &mut |e| sink.event(e))
            .map_err(|e| Fail::input(e.to_string()))?;
        sink.finish().map_err(|e| Fail::input(e.to_string()))?;
        writeln!(out)?;
        return Ok(());
    }
    let (index, accuracy) = match &answer {
        Value::Tuple(v) if v.len() == 2 => (&v[0], &v[1]),
        other => return Err(Fail::input(format!("find_best returned {}", other.py_repr()))),
    };
    let limits = match (args.flop_max, args.param_max) {
        (None, None) => String::new(),
        (f, p) => format!(
            ", FLOP_max={}, Param_max={}",
            f.map_or("None".into(), tnb_api::py_repr_float),
            p.map_or("None".into(), tnb_api::py_repr_float)
        ),
    };
    writeln!(
        out,
        "find_best({}, {}, hp={}{limits}) = ({}, {})",
        shown::text(&tnb_api::py_repr_str(dataset)),
        shown::text(&tnb_api::py_repr_str(set)),
        shown::text(&tnb_api::py_repr_str(&args.hp)),
        index.py_repr(),
        accuracy.py_repr()
    )?;
    match index {
        Value::Int(i) if *i >= 0 => {
            let arch = usize::try_from(*i).ok().and_then(|i| src.meta_arch(i)).unwrap_or("?");
            writeln!(out, "  arch  {}", shown::text(arch))?;
        }
        _ => writeln!(out, "  no architecture passes the limits")?,
    }
    Ok(())
}
