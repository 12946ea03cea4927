//! By hand: per-file costs on a folder (bz2, pickle, convert), `speed DIR [REPEAT]`.
use std::time::Instant;
fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("DIR"));
    let rep: usize = std::env::args().nth(2).map_or(20, |s| s.parse().unwrap());
    for name in ["000000.pickle.pbz2", "000011.pickle.pbz2"] {
        let packed = std::fs::read(dir.join(name)).unwrap();
        let t = Instant::now();
        let mut pickle = Vec::new();
        for _ in 0..rep {
            pickle = tnb_bz2::decompress(&packed, tnb_bz2::MAX_ARCH_PICKLE).unwrap();
        }
        let bz = t.elapsed() / rep as u32;
        let t = Instant::now();
        let mut obj = None;
        for _ in 0..rep {
            obj = Some(tnb_nats::pickle_object(&pickle, name).unwrap());
        }
        let st = t.elapsed() / rep as u32;
        let t = Instant::now();
        for _ in 0..rep {
            let doc = tnb_pth::load(&pickle).unwrap();
            let _o = tnb_nb201_convert::from_document(&doc).unwrap();
        }
        let ar = t.elapsed() / rep as u32;
        let obj = obj.unwrap();
        let t = Instant::now();
        let mut conv = tnb_nb201_convert::Converter::with_family(
            std::io::sink(),
            tnb_schema::header::Family::NatsTss,
        );
        for i in 0..rep {
            conv.entry(&tnb_pickle::stream::Obj::Int(i as i64), &obj).unwrap();
        }
        let cv = t.elapsed() / rep as u32;
        println!(
            "{name}: packed {} pickle {} | bz2 {bz:?} ({:.1} MB/s out) stream {st:?} arena {ar:?} convert {cv:?}",
            packed.len(),
            pickle.len(),
            pickle.len() as f64 / bz.as_secs_f64() / 1e6
        );
    }
}
