//! `tnb batch` on a NAS-Bench-201 archive: JSON Lines requests by the official method name
//! (`NASBench201API`'s, see `tnb_nb201_api::METHODS`), answered through `tnb_nb201_api::call`,
//! one answer line per request line, as for TransNAS (`cmd/batch.rs`, whose line loop and
//! request parsing this shares).
//!
//! The session keeps the object's state across lines (`used_time`, `clear_params`), as one
//! Python object would. Nothing is drawn at random: `is_random=True` (the default of
//! `get_more_info`), `simulate_train_eval` and `random()` answer `ValueError` with the reason;
//! pass `is_random=False` (seed means) or `is_random=<seed>`. What the official class prints
//! (`verbose`) is not part of the answer: batch objects are built with `verbose=False`, but for
//! the one line `query_info_str_by_arch` always prints, which goes to stderr.

use std::io::{self, BufReader};

use tnb_nb201_api::{Arg, Nb201, Session, Source, call, events};

use crate::cmd::batch::{Decoded, Failed, Request, decode, error_line, parse_request, serve_with};
use crate::fail::Fail;
use crate::nb201::json::KeySink;

/// Answers the requests on stdin for the NB201 archive at `path`.
pub fn run(path: &std::path::Path) -> Result<(), Fail> {
    let archive = crate::nb201::open(path)?;
    let src = crate::nb201::source_of(&archive, path)?;
    let nb = crate::nb201::api_of(&archive, &src);
    let mut session = Session::default();
    let input = BufReader::with_capacity(1 << 16, io::stdin().lock());
    let output = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    serve_with(input, output, &mut |line, out| answer_line(&nb, &mut session, line, out))?;
    Ok(())
}

/// Appends the answer to one request line (newline included) to `out`.
pub fn answer_line<S: Source>(
    nb: &Nb201<'_, S>,
    session: &mut Session,
    line: &[u8],
    out: &mut Vec<u8>,
) {
    let start = out.len();
    match answer(nb, session, line, out) {
        Ok(()) => out.extend_from_slice(b"}\n"),
        Err(Failed { message, class }) => {
            out.truncate(start);
            error_line(out, &message, class);
        }
    }
}

fn answer<S: Source>(
    nb: &Nb201<'_, S>,
    session: &mut Session,
    line: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), Failed> {
    let Request { method, args, kwargs } = parse_request(line)?;
    let args = args.into_iter().map(decode).collect::<Result<Vec<_>, _>>()?;
    let kwargs =
        kwargs.iter().map(|(k, v)| Ok((&**k, decode(v)?))).collect::<Result<Vec<_>, String>>()?;
    let args: Vec<Arg<'_>> = args.iter().map(Decoded::arg).collect();
    let kwargs: Vec<(&str, Arg<'_>)> = kwargs.iter().map(|(k, v)| (*k, v.arg())).collect();
    let mut print = |l: &str| eprintln!("{}", crate::shown::text(l));
    let value = call(nb, session, &method, &args, &kwargs, &mut print)
        .map_err(|e| Failed { message: e.message().to_owned(), class: e.exc().name() })?;
    out.extend_from_slice(b"{\"ok\": ");
    let mut sink = KeySink::new(&mut *out);
    events(nb, session, &value, &mut |e| sink.event(e))
        .map_err(|e| Failed::from(format!("cannot write the answer: {e}")))?;
    Ok(())
}
