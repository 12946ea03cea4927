//! Writes an archive that no source can produce, for the Python tests (`tests/test_forged.py`):
//!
//!     cargo run -p tnb-python --example forge -- KIND SOURCE ARCHIVE
//!
//! converts SOURCE (a small benchmark pickle carrying the marked values below), alters the
//! converted model, and writes ARCHIVE with a correct header and checksum, so that it opens and
//! only its content is impossible. KIND is one of:
//! - `tuples-to-lists`: every tuple becomes a list (a tuple dict key becomes a list key, a set or
//!   frozenset of tuples a set of lists: unhashable in Python);
//! - `duplicate-keys`: the string `'dup_b'` becomes `'dup_a'` and the int 1002 becomes 1001
//!   (a dict whose keys Python merges, a set whose elements it merges: unpickling never makes
//!   either);
//! - `task-list-to-int`: `task_list` becomes the int 1001 (what `len()` cannot measure).
#![forbid(unsafe_code)]

use tnb_schema::transnas::Benchmark;
use tnb_schema::transnas::codes::{NODE_INT, NODE_LIST, NODE_STR, NODE_TUPLE};

fn str_node(b: &Benchmark, text: &str) -> Option<usize> {
    let g = &b.generic;
    (0..g.kinds.len()).find(|&i| {
        let (s, n) = (g.start_or_value[i] as usize, g.len_or_dtype[i] as usize);
        g.kinds[i] == NODE_STR && g.bytes.get(s..s + n) == Some(text.as_bytes())
    })
}

fn forge(kind: &str, b: &mut Benchmark) -> Result<usize, String> {
    let g = &mut b.generic;
    let mut changed = 0;
    match kind {
        "tuples-to-lists" => {
            for k in g.kinds.iter_mut().filter(|k| **k == NODE_TUPLE) {
                *k = NODE_LIST;
                changed += 1;
            }
        }
        "duplicate-keys" => {
            if let (Some(a), Some(bb)) = (str_node(b, "dup_a"), str_node(b, "dup_b")) {
                let g = &mut b.generic;
                g.start_or_value[bb] = g.start_or_value[a];
                changed += 1;
            }
            let g = &mut b.generic;
            for i in 0..g.kinds.len() {
                if g.kinds[i] == NODE_INT && g.start_or_value[i] == 1002 {
                    g.start_or_value[i] = 1001;
                    changed += 1;
                }
            }
        }
        "task-list-to-int" => {
            let int = (0..g.kinds.len())
                .find(|&i| g.kinds[i] == NODE_INT && g.start_or_value[i] == 1001)
                .ok_or("no int 1001 in the source")?;
            b.layout.task_list = int as u32;
            changed += 1;
        }
        other => return Err(format!("unknown kind {other}")),
    }
    Ok(changed)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [kind, source, archive] = &args[..] else {
        eprintln!("usage: forge KIND SOURCE ARCHIVE");
        std::process::exit(2);
    };
    let run = || -> Result<(), String> {
        let bytes = std::fs::read(source).map_err(|e| format!("{source}: {e}"))?;
        let mut b = tnb_convert::build(&bytes, &tnb_pickle::Limits::default())
            .map_err(|e| format!("{source}: {e}"))?;
        if forge(kind, &mut b)? == 0 {
            return Err(format!("{source}: nothing to forge for {kind}"));
        }
        let out = tnb_convert::to_bytes(&b, 0, [0; 32]).map_err(|e| e.to_string())?;
        std::fs::write(archive, out).map_err(|e| format!("{archive}: {e}"))
    };
    if let Err(e) = run() {
        eprintln!("forge: {e}");
        std::process::exit(1);
    }
}
