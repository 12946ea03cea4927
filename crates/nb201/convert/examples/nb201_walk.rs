//! Walks a whole NB201 archive (what `tnb dump` does, without the JSON text) and reports the
//! event count and time, and the time of point lookups.
//!
//! `cargo run --release -p tnb-nb201-convert --example nb201_walk -- ARCHIVE.tnb`

use std::time::Instant;

use tnb_nb201_store::{Archive, Hp};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: nb201_walk ARCHIVE.tnb")?;
    let a = Archive::open(&path)?;
    let lookups_only = std::env::var_os("NB201_LOOKUPS_ONLY").is_some();
    if !lookups_only {
        let t = Instant::now();
        let mut n = 0u64;
        a.walk(&mut |_| {
            n += 1;
            Ok(())
        })?;
        let s = t.elapsed().as_secs_f64();
        println!("walk: {n} events in {s:.2} s ({:.1} ns/event)", s * 1e9 / n as f64);
        let t = Instant::now();
        let m = a.events().filter(|e| e.is_ok()).count();
        let s = t.elapsed().as_secs_f64();
        println!("events(): {m} events in {s:.2} s ({:.1} ns/event)", s * 1e9 / m as f64);
    }
    // Point lookups: arch string -> index, then one eval accuracy of each arch (twice: cold,
    // then warm caches).
    let rounds: &[&str] = if lookups_only {
        &["cold", "warm", "warm", "warm", "warm", "warm"]
    } else {
        &["cold", "warm"]
    };
    for &round in rounds {
        let t = Instant::now();
        let mut hits = 0u64;
        for i in 0..a.len() {
            let name = a.meta_arch(i)?.ok_or("index")?;
            let k = a.arch_index(name)?.ok_or("name")? as i64;
            if let Some(ar) = a.arch_results(k, Hp::Full)? {
                if let Some(run) = ar.find("cifar10-valid", 777)? {
                    hits += u64::from(run.eval_acc1es()?.get_str("x-valid@199")?.is_some());
                }
            }
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "{round}: {} x (meta_arch + arch_index + arch_results + find + get_str): {:.0} ns each, {hits} hits",
            a.len(),
            s * 1e9 / a.len().max(1) as f64
        );
    }
    let names: Vec<String> = (0..a.len())
        .map(|i| a.meta_arch(i).map(|s| s.unwrap_or("").to_owned()))
        .collect::<Result<_, _>>()?;
    for _ in 0..3 {
        let t = Instant::now();
        let mut sum = 0usize;
        for n in &names {
            sum += a.arch_index(n)?.unwrap_or(0);
        }
        let s = t.elapsed().as_secs_f64();
        println!("arch_index: {:.0} ns each ({sum})", s * 1e9 / names.len().max(1) as f64);
    }
    Ok(())
}
