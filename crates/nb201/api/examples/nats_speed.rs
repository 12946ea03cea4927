//! Per-call times of the hot NATS-Bench methods (`get_more_info`, `get_cost_info`,
//! `query_meta_info_by_index`) over a NATS archive, in Rust (the Python binding adds its call
//! overhead on top).
//!
//! `cargo run --release -p tnb-nb201-api --example nats_speed -- PATH [ROUNDS]`: `PATH` is a
//! NATS `.tnb` archive, or a `-simple` folder (converted in memory first, e.g.
//! data/nats/samples/NATS-tss-v1_0-3ffb9-simple). Each method is called over every arch of the
//! archive in turn, `ROUNDS` (default 5) times; the median per-call time is printed. The hp is
//! the longest schedule (`'200'` / `'90'`) unless `NATS_HP` names another.

use std::time::Instant;

use tnb_nb201_api::{Arg, Io, Nats, Nb201, NoDraw, PySum, Source, Space, StoreSource};
use tnb_nb201_store::Archive;

fn folder_archive(dir: &std::path::Path) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let read = |n: &str| -> Result<tnb_pickle::stream::Obj, Box<dyn std::error::Error>> {
        Ok(tnb_nb201_api::obj_from_pbz2_bytes(&std::fs::read(dir.join(n))?)?)
    };
    let meta = read("meta.pickle.pbz2")?;
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n != "meta.pickle.pbz2" && n.ends_with(".pickle.pbz2"))
        .collect();
    names.sort();
    let mut archs = Vec::new();
    for n in names {
        let i: i64 = n.trim_end_matches(".pickle.pbz2").parse()?;
        archs.push((i, read(&n)?));
    }
    let tss = meta.get("meta_archs").and_then(|m| match m {
        tnb_pickle::stream::Obj::List(v) => v.first().and_then(|x| x.as_str()),
        _ => None,
    });
    let family = if tss.is_some_and(|s| s.starts_with('|')) {
        tnb_nb201_convert::Family::NatsTss
    } else {
        tnb_nb201_convert::Family::NatsSss
    };
    Ok(tnb_nb201_convert::folder_archive_bytes(family, &meta, &archs, 0, [0; 32])?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: nats_speed PATH [ROUNDS]")?;
    let rounds: usize = std::env::args().nth(2).map_or(Ok(5), |s| s.parse())?;
    let p = std::path::Path::new(&path);
    let archive = if p.is_dir() {
        Archive::copy_from(&folder_archive(p)?)?
    } else {
        Archive::copy_from(&std::fs::read(p)?)?
    };
    let space = Space::from_family(archive.family()).ok_or("not a NATS-Bench archive")?;
    let src = StoreSource::new(&archive)?;
    let api = Nb201::nats(&src, PySum::Plain, false, Nats::new(space));
    let archs: Vec<i64> = (0..src.evaluated_len()).map(|k| src.evaluated(k)).collect();
    // `NATS_HP=12` times the default hp instead of the longest schedule.
    let full = if space == Space::Tss { "200" } else { "90" };
    let hp_env = std::env::var("NATS_HP").unwrap_or_else(|_| full.to_owned());
    let hp = hp_env.as_str();
    let mut d = NoDraw;
    let mut io = Io { draw: &mut d, print: &mut |_| {} };
    let calls = archs.len().max(20_000 / archs.len().max(1) * archs.len());
    let mut time = |label: &str, f: &mut dyn FnMut(i64, &mut Io<'_>) -> bool| {
        let mut per = Vec::new();
        for _ in 0..rounds {
            let t = Instant::now();
            let mut ok = 0usize;
            for k in 0..calls {
                ok += usize::from(f(archs[k % archs.len()], &mut io));
            }
            per.push(t.elapsed().as_secs_f64() * 1e6 / calls as f64);
            assert_eq!(ok, calls, "{label} failed");
        }
        per.sort_by(f64::total_cmp);
        println!("{label:<48} {:8.2} µs/call", per[per.len() / 2]);
    };
    time("get_more_info(i, 'cifar10', hp, is_random=False)", &mut |i, io| {
        let ds = Arg::Str("cifar10");
        let r = Some(Arg::Bool(false));
        api.get_more_info(Arg::Int(i), ds, None, Some(Arg::Str(hp)), r, io).is_ok()
    });
    time("get_more_info(i, 'cifar100', hp, is_random=False)", &mut |i, io| {
        let ds = Arg::Str("cifar100");
        let r = Some(Arg::Bool(false));
        api.get_more_info(Arg::Int(i), ds, None, Some(Arg::Str(hp)), r, io).is_ok()
    });
    time("get_cost_info(i, 'cifar10', hp)", &mut |i, io| {
        api.get_cost_info(Arg::Int(i), Arg::Str("cifar10"), Some(Arg::Str(hp)), io).is_ok()
    });
    time("query_meta_info_by_index(i, hp)", &mut |i, io| {
        api.query_meta_info_by_index(Arg::Int(i), Some(Arg::Str(hp)), io).is_ok()
    });
    Ok(())
}
