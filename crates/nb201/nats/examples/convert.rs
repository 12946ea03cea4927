//! By hand: `convert SRC DST [THREADS]` converts a NATS-Bench folder or single file and prints
//! the summary and the time per phase (for measuring; the CLI is `tnb convert`).
use std::path::Path;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(src), Some(dst)) = (args.next(), args.next()) else {
        eprintln!("usage: convert SRC DST [THREADS]");
        std::process::exit(2);
    };
    let mut opts = tnb_nats::Options::default();
    if let Some(t) = args.next() {
        opts.threads = t.parse().expect("THREADS");
    }
    let t = Instant::now();
    let mut last = 0u64;
    let r = tnb_nats::convert_with(
        Path::new(&src),
        Path::new(&dst),
        &opts,
        &mut |phase, done, total| {
            let pct = (done * 100).checked_div(total).unwrap_or(0);
            if pct >= last + 10 || pct < last || done == total {
                last = pct;
                eprintln!("{:>7.1}s {phase:?} {done}/{total}", t.elapsed().as_secs_f64());
            }
        },
        &|p| {
            // NATS_ACCEPT=skip: no reading back (to measure the conversion's own memory; the
            // store's open reads the whole archive into memory).
            if std::env::var("NATS_ACCEPT").is_ok_and(|v| v == "skip") {
                return Ok(());
            }
            tnb_nb201_store::Archive::open(p).map(|_| ()).map_err(|e| e.to_string())
        },
    );
    match r {
        Ok(s) => {
            println!(
                "{} {:?}: {} entries, source {} bytes, archive {} bytes, {:.1}s",
                s.space,
                s.form,
                s.entries,
                s.source_size,
                s.archive_size,
                t.elapsed().as_secs_f64()
            );
            for (p, d) in &s.timings {
                println!("  {p:?}: {:.2}s", d.as_secs_f64());
            }
            if let Some(m) = s.missing_text() {
                println!("  {m}");
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
